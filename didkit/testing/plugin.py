"""didkit's pytest plugin: sandbox fixtures for your own test suite.

Loaded automatically by pytest through the ``pytest11`` entry point ``didkit`` (with
``PYTEST_DISABLE_PLUGIN_AUTOLOAD`` set, load it with ``-p didkit``). Fixtures:

* ``didkit_sandbox`` — a :class:`~didkit.testing.SandboxFactory`: ``didkit_sandbox("wavix")``
  returns a connected :class:`~didkit.SandboxNumberProvider`; ``didkit_sandbox("didww",
  asynchronous=True)`` the async twin. Its ``.emulator`` is the stateful fake carrier: inspect what
  was bought (``emulator.purchased_numbers()``), break it (``emulator.faults.inject("POST /orders",
  status=500)``), or reset it. Every provider it made is closed after the test.
* ``wavix_sandbox`` and ``didww_sandbox`` — a sync sandbox provider for each carrier.

Each of them points the test's default procurement ledger (``$DIDKIT_LEDGER``) at a fresh file,
so that :func:`didkit.procure` in a test never reads or writes your real ledger.

This is the only module of didkit that imports pytest; nothing else is imported until a fixture
is used, so the plugin costs nothing otherwise.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from . import AsyncSandboxNumberProvider, SandboxFactory, SandboxNumberProvider, sandbox_provider


def _close(provider: SandboxNumberProvider | AsyncSandboxNumberProvider) -> None:
    if isinstance(provider, AsyncSandboxNumberProvider):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            asyncio.run(provider.aclose())
        return  # inside a running loop a sync teardown cannot await: the client is left to the GC
    provider.close()


@pytest.fixture
def didkit_sandbox(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SandboxFactory]:
    """A factory of sandbox providers: ``didkit_sandbox("wavix", seed=0, asynchronous=False)``.

    The test's default procurement ledger (``$DIDKIT_LEDGER``) is a fresh file of its own, so
    that sandbox purchases never land in your real ledger, nor a reference from an earlier run
    answer for this one."""
    monkeypatch.setenv("DIDKIT_LEDGER", str(tmp_path_factory.mktemp("didkit-ledger") / "procurements.sqlite3"))
    made: list[SandboxNumberProvider | AsyncSandboxNumberProvider] = []

    def factory(
        name: str, *, asynchronous: bool = False, seed: int = 0, **options: Any
    ) -> SandboxNumberProvider | AsyncSandboxNumberProvider:
        provider: SandboxNumberProvider | AsyncSandboxNumberProvider
        if asynchronous:
            provider = sandbox_provider(name, asynchronous=True, seed=seed, **options)
        else:
            provider = sandbox_provider(name, seed=seed, **options)
        made.append(provider)
        return provider

    yield factory  # type: ignore[misc]  # one implementation behind SandboxFactory's two overloads
    for provider in made:
        _close(provider)


@pytest.fixture
def wavix_sandbox(didkit_sandbox: SandboxFactory) -> SandboxNumberProvider:
    """A sync Wavix provider over a fresh emulator."""
    return didkit_sandbox("wavix")


@pytest.fixture
def didww_sandbox(didkit_sandbox: SandboxFactory) -> SandboxNumberProvider:
    """A sync DIDWW provider over a fresh emulator."""
    return didkit_sandbox("didww")
