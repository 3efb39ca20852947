"""Find adapters by entry point (group ``didkit.providers``) and connect to them.

The core never imports an adapter: ``didkit_wavix`` is found exactly as a third-party
``didkit_twilio`` would be.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Literal, cast, overload

from .errors import ConfigurationError
from .protocol import AsyncNumberProvider, AsyncSandboxNumberProvider, NumberProvider, SandboxNumberProvider

ENTRY_POINT_GROUP = "didkit.providers"

_registered: dict[str, type[Any]] = {}
"""Provider classes registered at run time (:func:`register_provider`), by name."""


@lru_cache(maxsize=1)
def _entry_points() -> dict[str, EntryPoint]:
    found: dict[str, EntryPoint] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(ep.name, ep)
    return found


def available_providers() -> list[str]:
    """Names of the installed providers, sorted: ``["didww", "wavix", ...]`` (with any
    registered by :func:`register_provider`)."""
    return sorted({*_entry_points(), *_registered})


def register_provider(name: str, cls: type[Any] | None) -> None:
    """Register the (sync) provider class ``cls`` under ``name`` for this process, as an entry
    point would (a registered name wins over an installed one); ``cls=None`` removes the
    registration. For adapters that are not installed as a distribution: one defined in a test
    suite, a notebook, an application's own code. ``cls`` names its async twin in
    ``async_class``, as an entry point's class does."""
    if not isinstance(name, str) or not name.strip():
        raise ConfigurationError(f"provider name must be a non-empty string, got {name!r}")
    key = name.strip().lower()
    if cls is None:
        _registered.pop(key, None)
    elif not isinstance(cls, type):
        raise ConfigurationError(f"register_provider needs a provider class, got {type(cls).__name__}")
    else:
        _registered[key] = cls


def provider_class(name: str) -> type[Any]:
    """The (sync) provider class registered under ``name``."""
    if not isinstance(name, str):
        raise ConfigurationError(f"provider name must be a string, got {name!r}")
    key = name.strip().lower()
    if key in _registered:
        return _registered[key]
    ep = _entry_points().get(key)
    if ep is None:
        known = ", ".join(available_providers()) or "none installed"
        raise ConfigurationError(f"unknown provider {name!r} (available: {known})")
    try:
        loaded = ep.load()
    except Exception as exc:  # an adapter that fails to import must not look like "unknown"
        raise ConfigurationError(f"provider {key!r} failed to load: {exc}") from exc
    return cast(type[Any], loaded)


@overload
def connect(
    name: str,
    *,
    api_key: str | Mapping[str, str] | Sequence[str] | None = None,
    base_url: str | None = None,
    sandbox: Literal[True],
    timeout: float = 30.0,
    **options: Any,
) -> SandboxNumberProvider: ...


@overload
def connect(
    name: str,
    *,
    api_key: str | Mapping[str, str] | Sequence[str] | None = None,
    base_url: str | None = None,
    sandbox: bool = False,
    timeout: float = 30.0,
    **options: Any,
) -> NumberProvider: ...


def connect(
    name: str,
    *,
    api_key: str | Mapping[str, str] | Sequence[str] | None = None,
    base_url: str | None = None,
    sandbox: bool = False,
    timeout: float = 30.0,
    **options: Any,
) -> NumberProvider:
    """A connected :class:`NumberProvider`.

    ``api_key`` falls back to the provider's environment variable (``WAVIX_API_KEY``,
    ``DIDWW_API_KEY``); for a carrier whose credential has several parts (its spec's
    ``credential_parts``), pass them as a :class:`~didkit.auth.Credentials`, a mapping of part to
    value, or a tuple in the declared order, or set each part's variable. ``base_url`` overrides
    the carrier's API root; ``sandbox=True`` talks to the built-in emulator and needs no key (the
    provider then has an ``emulator``: typed as :class:`~didkit.SandboxNumberProvider`). Other
    options go to the adapter. Close the provider when done (``close()``, or
    ``with didkit.connect(...) as provider:``).
    """
    cls = provider_class(name)
    provider = cls(api_key=api_key, base_url=base_url, sandbox=sandbox, timeout=timeout, **options)
    return cast(NumberProvider, provider)


@overload
def connect_async(
    name: str,
    *,
    api_key: str | Mapping[str, str] | Sequence[str] | None = None,
    base_url: str | None = None,
    sandbox: Literal[True],
    timeout: float = 30.0,
    **options: Any,
) -> AsyncSandboxNumberProvider: ...


@overload
def connect_async(
    name: str,
    *,
    api_key: str | Mapping[str, str] | Sequence[str] | None = None,
    base_url: str | None = None,
    sandbox: bool = False,
    timeout: float = 30.0,
    **options: Any,
) -> AsyncNumberProvider: ...


def connect_async(
    name: str,
    *,
    api_key: str | Mapping[str, str] | Sequence[str] | None = None,
    base_url: str | None = None,
    sandbox: bool = False,
    timeout: float = 30.0,
    **options: Any,
) -> AsyncNumberProvider:
    """A connected :class:`AsyncNumberProvider`; same arguments as :func:`connect`.

    The registered class names its async twin in its ``async_class`` attribute. Close the provider
    when done (``await provider.aclose()``, or ``async with didkit.connect_async(...) as provider:``).
    """
    cls = provider_class(name)
    async_cls = getattr(cls, "async_class", None)
    if async_cls is None:
        raise ConfigurationError(f"provider {name!r} has no async implementation")
    provider = async_cls(api_key=api_key, base_url=base_url, sandbox=sandbox, timeout=timeout, **options)
    return cast(AsyncNumberProvider, provider)
