"""DIDWW's token service (API 2026-11-19), at the root of the emulator's host: ``POST /token``
trades an ``Api-Key`` for a short-lived bearer token (doc.didww.com changelog and
authentication pages for 2026-11-19: body ``aud``, ``scope``, ``api_version``, ``expires_in``
clamped to 60–3600, default 900; errors in the OAuth shape; answers ``Cache-Control:
no-store``). Tokens expire on the emulator's clock and cannot be refreshed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import attrs

from didkit.sandbox import EmulatorRequest, EmulatorResponse

from ._world import API_VERSIONS

AUDIENCES = ("api.didww.com", "api-vin.didww.com", "api-vout.didww.com", "api-sms.didww.com")
LIFETIME_DEFAULT, LIFETIME_MIN, LIFETIME_MAX = 900, 60, 3600


@attrs.frozen
class Grant:
    """What a token stands for."""

    api_version: str
    scope: str
    aud: tuple[str, ...]
    expires_at: float


def oauth_error(status: int, code: str, description: str, headers: dict[str, str] | None = None) -> EmulatorResponse:
    response = EmulatorResponse.json({"error": code, "error_description": description}, status)
    response.headers.update({"cache-control": "no-store", "pragma": "no-cache", **(headers or {})})
    return response


class TokenService:
    """Mints and remembers tokens for one emulated account."""

    def __init__(self, clock: Callable[[], float], new_token: Callable[[], str], default_version: Callable[[], str]):
        self.clock = clock
        self.new_token = new_token
        self.default_version = default_version
        self.grants: dict[str, Grant] = {}
        self.minted = 0

    def clear(self) -> None:
        self.grants.clear()
        self.minted = 0

    def grant(self, token: str) -> Grant | None:
        """The live grant of ``token`` (``None``: unknown or expired)."""
        found = self.grants.get(token)
        if found is None or found.expires_at <= self.clock():
            return None
        return found

    def mint(self, request: EmulatorRequest) -> EmulatorResponse:
        if not request.headers.get("api-key", "").strip():
            return oauth_error(401, "invalid_client", "Api-Key header is missing or invalid")
        try:
            body: Any = json.loads(request.body or b"null")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return oauth_error(400, "invalid_request", "the request body must be a JSON object")
        unknown = sorted(set(body) - {"aud", "scope", "api_version", "expires_in"})
        if unknown:
            return oauth_error(400, "invalid_request", f"unknown parameter(s): {', '.join(unknown)}")
        aud = body.get("aud")
        audiences = (aud,) if isinstance(aud, str) else tuple(aud) if isinstance(aud, list) else ()
        if not audiences or any(a not in AUDIENCES for a in audiences):
            return oauth_error(400, "invalid_request", f"aud must name one or more of {', '.join(AUDIENCES)}")
        scope = body.get("scope", "full")
        if scope != "full" and not (isinstance(scope, str) and (scope == "read" or scope.startswith("read:"))):
            return oauth_error(400, "invalid_scope", f"unknown scope {scope!r}")
        scope = "full" if scope == "full" else "read"  # an unknown read: value becomes its ancestor
        version = body.get("api_version", self.default_version())
        if not isinstance(version, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", version):
            return oauth_error(400, "invalid_request", "api_version must be a date YYYY-MM-DD")
        if version not in API_VERSIONS:
            return oauth_error(400, "invalid_request", f"unknown api_version {version}")
        lifetime = body.get("expires_in", LIFETIME_DEFAULT)
        if isinstance(lifetime, bool) or not isinstance(lifetime, int):
            return oauth_error(400, "invalid_request", "expires_in must be an integer number of seconds")
        lifetime = min(max(lifetime, LIFETIME_MIN), LIFETIME_MAX)
        token = self.new_token()
        self.grants[token] = Grant(version, scope, audiences, self.clock() + lifetime)
        self.minted += 1
        answer = {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": lifetime,
            "aud": list(audiences),
            "scope": scope,
            "api_version": version,
        }
        response = EmulatorResponse.json(answer, 200)
        response.headers.update({"cache-control": "no-store", "pragma": "no-cache"})
        return response
