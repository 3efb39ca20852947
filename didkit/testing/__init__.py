"""Test your own application against didkit's sandbox emulators.

:func:`sandbox_provider` builds a provider over a fresh emulator anywhere — a script, a notebook,
any test framework. Importing this package needs nothing beyond didkit itself (not pytest).

For pytest, didkit installs a plugin (:mod:`didkit.testing.plugin`, entry point ``pytest11``,
loaded automatically) with the fixtures ``didkit_sandbox`` (a :class:`SandboxFactory`),
``wavix_sandbox`` and ``didww_sandbox`` (each a :class:`~didkit.SandboxNumberProvider`).
Annotate your test parameters with the types exported here::

    from didkit.testing import SandboxFactory, SandboxNumberProvider

    def test_buys(wavix_sandbox: SandboxNumberProvider) -> None: ...
    def test_two(didkit_sandbox: SandboxFactory) -> None: ...

Sandbox providers run on virtual time shared with their emulator (retries, order polls and rate
limits cost no real time) and never touch the network.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol, cast, overload

from ..protocol import AsyncSandboxNumberProvider, SandboxNumberProvider

__all__ = ["AsyncSandboxNumberProvider", "SandboxFactory", "SandboxNumberProvider", "sandbox_provider"]


@overload
def sandbox_provider(
    name: str, *, asynchronous: Literal[False] = False, seed: int = 0, **options: Any
) -> SandboxNumberProvider: ...


@overload
def sandbox_provider(
    name: str, *, asynchronous: Literal[True], seed: int = 0, **options: Any
) -> AsyncSandboxNumberProvider: ...


def sandbox_provider(
    name: str, *, asynchronous: bool = False, seed: int = 0, **options: Any
) -> SandboxNumberProvider | AsyncSandboxNumberProvider:
    """A provider over a fresh emulator of ``name``, seeded with ``seed`` (the same seed, the same
    world); ``asynchronous=True`` gives the async twin. ``options`` go to the adapter.

    Close it when done: ``provider.close()`` (async: ``await provider.aclose()``), or use it as a
    context manager.
    """
    from ..registry import connect, connect_async

    # with **options mypy cannot pick an overload of connect(): name the type here, once
    if asynchronous:
        return cast(AsyncSandboxNumberProvider, connect_async(name, sandbox=True, seed=seed, **options))
    return cast(SandboxNumberProvider, connect(name, sandbox=True, seed=seed, **options))


class SandboxFactory(Protocol):
    """The ``didkit_sandbox`` fixture: call it for as many sandbox providers as the test needs,
    each over its own fresh emulator; they are closed after the test."""

    @overload
    def __call__(
        self, name: str, *, asynchronous: Literal[False] = False, seed: int = 0, **options: Any
    ) -> SandboxNumberProvider: ...

    @overload
    def __call__(
        self, name: str, *, asynchronous: Literal[True], seed: int = 0, **options: Any
    ) -> AsyncSandboxNumberProvider: ...
