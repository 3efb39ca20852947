"""Keep secrets out of logs, reprs and error messages."""

from __future__ import annotations

from collections.abc import Iterable

REDACTED = "***"
SENSITIVE_HEADERS = frozenset({"authorization", "api-key", "x-api-key", "proxy-authorization", "cookie"})
SENSITIVE_PARAMS = frozenset({"appid", "api_key", "apikey", "key", "token", "access_token"})


class Redactor:
    """Replaces every known secret (and anything in a sensitive header or query parameter)."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

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
