"""Keep secrets out of logs, reprs and error messages."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..errors import ProviderError

REDACTED = "***"
SENSITIVE_HEADERS = frozenset({"authorization", "api-key", "x-api-key", "proxy-authorization", "cookie"})
SENSITIVE_PARAMS = frozenset({"appid", "api_key", "apikey", "key", "token", "access_token"})


def _spellings(secret: str) -> set[str]:
    """``secret`` as it may be quoted: as is, trimmed, and escaped the way ``repr`` of a ``str`` or
    of ``bytes`` (as HTTP clients quote a header they refuse) and JSON would escape it."""
    encoded = secret.encode("utf-8", "backslashreplace")
    return {
        secret,
        secret.strip(),
        repr(secret)[1:-1],
        repr(encoded)[2:-1],
        json.dumps(secret)[1:-1],
    }


class Redactor:
    """Replaces every known secret (and anything in a sensitive header or query parameter)."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._given = tuple(s for s in secrets if s)
        spelled = {variant for s in self._given for variant in _spellings(s)}
        self._secrets = sorted((s for s in spelled if len(s) >= 4), key=len, reverse=True)

    def with_headers(self, headers: Mapping[str, str]) -> Redactor:
        """This redactor plus the value of every sensitive header in ``headers``: whatever
        credential a request carries is a secret, whoever put it there."""
        extra = [value for name, value in headers.items() if name.lower() in SENSITIVE_HEADERS]
        if not extra:
            return self
        return Redactor([*self._given, *extra, *(part for value in extra for part in value.split()[1:])])

    def add(self, secret: str | None) -> None:
        """Learn one more secret (a token minted after the redactor was made)."""
        if secret and len(secret) >= 4 and secret not in self._secrets:
            self._secrets = sorted({*self._secrets, secret}, key=len, reverse=True)

    def text(self, value: str) -> str:
        for secret in self._secrets:
            if secret in value:
                value = value.replace(secret, REDACTED)
        return value

    def params(self, params: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(k, REDACTED if k.lower() in SENSITIVE_PARAMS else self.text(v)) for k, v in params]

    def headers(self, headers: Iterable[tuple[str, str]]) -> dict[str, str]:
        return {k: REDACTED if k.lower() in SENSITIVE_HEADERS else self.text(v) for k, v in headers}

    def error(self, error: ProviderError) -> ProviderError:
        """Scrub every text an error carries (message, the carrier's messages and details, the
        request id, the field it names), in place; returns it."""
        if not self._secrets:
            return error
        error.message = self.text(error.message)
        error.args = tuple(self.text(a) if isinstance(a, str) else a for a in error.args)
        error.messages = tuple(self.text(m) for m in error.messages)
        error.details = tuple(self._value(detail) for detail in error.details)
        if error.request_id:
            error.request_id = self.text(error.request_id)
        field = getattr(error, "field", None)
        if isinstance(field, str):
            error.field = self.text(field)  # type: ignore[attr-defined]
        return error

    def _value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {self._value(k): self._value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._value(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self._value(v) for v in value)
        return value
