"""Test your own application against didkit's sandbox emulators (a pytest plugin).

Installed with didkit and loaded automatically by pytest (entry point ``pytest11``). Fixtures:

* ``didkit_sandbox`` — a factory: ``didkit_sandbox("wavix")`` returns a connected sandbox
  provider (sync; ``didkit_sandbox("didww", asynchronous=True)`` for the async twin). Its
  ``.emulator`` is the stateful fake carrier: inspect what was bought
  (``emulator.purchased_numbers()``), break it (``emulator.faults.inject("POST /orders",
  status=500)``), or reset it. Providers are closed after the test.
* ``wavix_sandbox`` and ``didww_sandbox`` — a sync sandbox provider for each carrier.

Each of them points the test's default procurement ledger (``$DIDKIT_LEDGER``) at a fresh file,
so that :func:`didkit.procure` in a test never reads or writes your real ledger.

Sandbox providers run on virtual time shared with their emulator (retries, order polls and rate
limits cost no real time) and never touch the network. Nothing is imported until a fixture is
used, so the plugin costs nothing otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest


def sandbox_provider(name: str, *, asynchronous: bool = False, seed: int = 0, **options: Any) -> Any:
    """A provider over a fresh emulator of ``name`` (usable outside pytest too)."""
    import didkit

    if asynchronous:
        return didkit.connect_async(name, sandbox=True, seed=seed, **options)
    return didkit.connect(name, sandbox=True, seed=seed, **options)


@pytest.fixture
def didkit_sandbox(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., Any]]:
    """A factory of sandbox providers: ``didkit_sandbox("wavix", seed=0, asynchronous=False)``.

    The test's default procurement ledger (``$DIDKIT_LEDGER``) is a fresh file of its own, so
    that sandbox purchases never land in your real ledger, nor a reference from an earlier run
    answer for this one."""
    monkeypatch.setenv("DIDKIT_LEDGER", str(tmp_path_factory.mktemp("didkit-ledger") / "procurements.sqlite3"))
    made: list[Any] = []

    def factory(name: str, **options: Any) -> Any:
        provider = sandbox_provider(name, **options)
        made.append(provider)
        return provider

    yield factory
    for provider in made:
        close = getattr(provider, "close", None)
        if close is not None:
            close()


@pytest.fixture
def wavix_sandbox(didkit_sandbox: Callable[..., Any]) -> Any:
    """A sync Wavix provider over a fresh emulator."""
    return didkit_sandbox("wavix")


@pytest.fixture
def didww_sandbox(didkit_sandbox: Callable[..., Any]) -> Any:
    """A sync DIDWW provider over a fresh emulator."""
    return didkit_sandbox("didww")
