"""The didkit configuration file: per-provider API keys and connection options.

The file is TOML, at ``$DIDKIT_CONFIG`` if that is set, else ``$XDG_CONFIG_HOME/didkit/config.toml``,
else ``~/.config/didkit/config.toml``::

    [providers.wavix]
    api_key = "..."

    [providers.didww]
    api_key = "..."
    base_url = "https://sandbox-api.didww.com/v3"   # any other key is passed to didkit.connect()
    timeout = 10

Environment variables win over the file: ``WAVIX_API_KEY`` (generally ``<NAME>_API_KEY``, or the
variable the adapter declares) is used when it is set, whatever the file says.

Keys are kept out of every ``repr``: printing a :class:`Config` never shows one.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from .errors import ConfigurationError

__all__ = [
    "CONFIG_ENV",
    "Config",
    "ProviderConfig",
    "api_key_env",
    "check_api_key",
    "default_config_path",
    "load_config",
]

CONFIG_ENV = "DIDKIT_CONFIG"
"""The environment variable naming the configuration file."""

_KNOWN_KEYS = ("api_key", "base_url", "timeout")


@attrs.frozen
class ProviderConfig:
    """One ``[providers.NAME]`` table.

    Attributes:
        name: the provider's registered name (lower case).
        api_key: the key from the file (never shown in a ``repr``); for a carrier whose
            credential has several parts, a table of part to value
            (``api_key = {account_sid = "...", auth_token = "..."}``).
        base_url: an override of the carrier's API root.
        timeout: seconds, or ``None`` for the library's default.
        options: every other key of the table, passed to :func:`didkit.connect` as is.
    """

    name: str
    api_key: str | Mapping[str, str] | None = attrs.field(default=None, repr=False)
    base_url: str | None = None
    timeout: float | None = None
    options: Mapping[str, Any] = attrs.field(factory=dict)

    def connect_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :func:`didkit.connect` (without ``api_key``)."""
        kwargs: dict[str, Any] = dict(self.options)
        if self.base_url is not None:
            kwargs["base_url"] = self.base_url
        if self.timeout is not None:
            kwargs["timeout"] = self.timeout
        return kwargs


@attrs.frozen
class Config:
    """The whole configuration file. ``path`` is where it was read from (``None``: no file)."""

    providers: Mapping[str, ProviderConfig] = attrs.field(factory=dict)
    path: Path | None = None

    def provider(self, name: str) -> ProviderConfig:
        """The table for ``name``; an empty one when the file has none."""
        key = name.strip().lower()
        return self.providers.get(key) or ProviderConfig(key)


def default_config_path() -> Path:
    """``$DIDKIT_CONFIG``, else ``$XDG_CONFIG_HOME/didkit/config.toml``, else ``~/.config/didkit/config.toml``."""
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base).expanduser() / "didkit" / "config.toml"


def api_key_env(name: str, spec_env: str | None = None) -> str:
    """The environment variable holding ``name``'s key: the adapter's own, else ``<NAME>_API_KEY``."""
    return spec_env or f"{name.strip().upper().replace('-', '_')}_API_KEY"


def check_api_key(value: object, *, provider: str, source: str | None = None, part: str | None = None) -> str:
    """``value`` as an API key: surrounding whitespace stripped (a key read from a file ends in a
    newline), and it must then be a non-empty string of printable ASCII.

    A key that is not would only fail later, deep in the HTTP client, whose error quotes the
    header it could not send; so it is refused here, with a :class:`~didkit.ConfigurationError`
    that says what is wrong and where the key came from (``source``, such as
    ``"from WAVIX_API_KEY"``; ``None`` for an argument), never what the key is. ``part`` names
    one part of a credential of several (:class:`~didkit.auth.Credentials`).
    """
    what = f"the {part} part of the API key" if part else "the API key"
    where = f"{what} for {provider!r}" + (f" ({source})" if source else "")
    if not isinstance(value, str):
        raise ConfigurationError(f"{where} must be a string, got {type(value).__name__}")
    key = value.strip()
    if not key:
        raise ConfigurationError(f"{where} is empty")
    for position, char in enumerate(key, start=1):
        if not " " <= char <= "~":
            kind = "a non-ASCII" if ord(char) > 127 else "a control"
            raise ConfigurationError(
                f"{where} contains {kind} character (at position {position} of {len(key)}); "
                "API keys are printable ASCII: check how it was copied or read"
            )
    return key


def _load_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

    try:
        with path.open("rb") as handle:
            data: dict[str, Any] = tomllib.load(handle)
    except OSError as exc:
        raise ConfigurationError(f"cannot read the configuration file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"the configuration file {path} is not valid TOML: {exc}") from None
    return data


def _provider_table(name: str, table: Any, path: Path) -> ProviderConfig:
    where = f"[providers.{name}] in {path}"
    if not isinstance(table, dict):
        raise ConfigurationError(f"{where} must be a table")
    api_key = table.get("api_key")
    if isinstance(api_key, dict):  # a credential of several parts: api_key = {part = "...", ...}
        api_key = {
            str(part): check_api_key(value, provider=name, source=f"from {where}", part=str(part))
            for part, value in api_key.items()
        }
    elif api_key is not None:
        api_key = check_api_key(api_key, provider=name, source=f"from {where}")
    base_url = table.get("base_url")
    if base_url is not None and (not isinstance(base_url, str) or not base_url.startswith(("http://", "https://"))):
        raise ConfigurationError(f"base_url of {where} must be an http(s) URL")
    timeout = table.get("timeout")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0):
        raise ConfigurationError(f"timeout of {where} must be a positive number of seconds")
    options = {key: value for key, value in table.items() if key not in _KNOWN_KEYS}
    return ProviderConfig(
        name=name,
        api_key=api_key,
        base_url=base_url,
        timeout=float(timeout) if timeout is not None else None,
        options=options,
    )


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read the configuration file.

    With ``path=None`` the default location is used (:func:`default_config_path`); a missing file
    there is an empty configuration. A missing file named explicitly (``path`` or ``$DIDKIT_CONFIG``)
    is a :class:`~didkit.ConfigurationError`, and so is a malformed one.
    """
    explicit = path is not None or bool(os.environ.get(CONFIG_ENV))
    where = Path(path).expanduser() if path is not None else default_config_path()
    if not where.exists():
        if explicit:
            raise ConfigurationError(f"the configuration file {where} does not exist")
        return Config()
    data = _load_toml(where)
    providers_table = data.get("providers", {})
    if not isinstance(providers_table, dict):
        raise ConfigurationError(f"[providers] in {where} must be a table of [providers.NAME] tables")
    providers = {
        str(name).strip().lower(): _provider_table(str(name).strip().lower(), table, where)
        for name, table in providers_table.items()
    }
    return Config(providers=providers, path=where)
