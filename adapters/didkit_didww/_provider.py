"""The DIDWW provider spec and the sync/async provider classes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from didkit import DestinationKind, NumberType, ProviderCapabilities
from didkit.adapter import AsyncProvider, OperationContext, ProviderSpec, SyncProvider
from didkit.auth import Authenticator, AuthSetup, StaticHeaders, TokenAuth, fingerprint
from didkit.engine import HttpRequest
from didkit.errors import ConfigurationError
from didkit.jsonapi import MEDIA_TYPE

from ._operations import NUMBER_ID, ORDER_ID, DidwwOperations
from ._versions import api_version

if TYPE_CHECKING:
    from didkit.sandbox import Emulator

DEFAULT_BASE_URL = "https://api.didww.com/v3"
SANDBOX_BASE_URL = "https://sandbox-api.didww.com/v3"
RATE_LIMIT = (10, 1.0)
"""DIDWW allows 10 requests per second per API key."""
AUTH_URLS = {DEFAULT_BASE_URL: "https://auth.didww.com", SANDBOX_BASE_URL: "https://auth-sandbox.didww.com"}
"""The token service of each DIDWW environment (its root: didkit appends ``/token``)."""
AUDIENCE = "api.didww.com"
"""The ``aud`` of tokens for the v3 API (the sandbox, too, uses the production host names)."""
TOKEN_LIFETIME = 900
"""Seconds a token lives unless ``token_lifetime=`` says otherwise (DIDWW clamps it to 60–3600)."""


def _auth_headers(api_key: str) -> Mapping[str, str]:
    return {"Api-Key": api_key}


def token_url(base_url: str, auth_url: Any = None) -> str:
    """Where to mint tokens: ``auth_url`` + ``/token``; else the token service of a known DIDWW
    environment; else (an overridden ``base_url``) ``/token`` at the origin of ``base_url``."""
    if auth_url is not None:
        if not isinstance(auth_url, str) or not auth_url.startswith(("http://", "https://")):
            raise ConfigurationError(f"option auth_url must be an http(s) URL, got {auth_url!r}")
        return auth_url.rstrip("/") + "/token"
    known = AUTH_URLS.get(base_url.rstrip("/"))
    if known is not None:
        return known + "/token"
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}/token"


def _lifetime(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 60 <= value <= 3600:
        raise ConfigurationError(f"option token_lifetime must be whole seconds from 60 to 3600, got {value!r}")
    return value


def _authenticator(setup: AuthSetup) -> Authenticator:
    """``Api-Key`` on 2026-04-16; bearer tokens minted with the key on 2026-11-19. Both send
    ``X-DIDWW-API-Version`` (on 2026-11-19 the token's ``api_version`` claim chooses too)."""
    version = api_version(setup.options.get("api_version"))
    version_header = {"X-DIDWW-API-Version": version.name}
    if version.auth == "api_key":
        return StaticHeaders({**version_header, "Api-Key": setup.api_key})
    url = token_url(setup.base_url, setup.options.get("auth_url"))
    body = {
        "aud": [AUDIENCE],
        "scope": "full",
        "api_version": version.name,
        "expires_in": _lifetime(setup.options.get("token_lifetime", TOKEN_LIFETIME)),
    }
    headers = {"Api-Key": setup.api_key, "Accept": "application/json", "Content-Type": "application/json"}

    def mint() -> HttpRequest:
        return HttpRequest("POST", url, json=body, headers=headers, idempotent=True, operation="mint DIDWW token")

    key = fingerprint(setup.provider, url, setup.api_key, json.dumps(body, sort_keys=True))
    return TokenAuth(
        mint=mint, cache_key=key, cache=setup.token_cache, clock=setup.clock, extra_headers=version_header
    )


def _operations(context: OperationContext) -> DidwwOperations:
    return DidwwOperations(context)


def _emulator(*, seed: int = 0, **kwargs: Any) -> Emulator:
    from .emulator import DidwwEmulator

    return DidwwEmulator(seed=seed, **kwargs)


CAPABILITIES = ProviderCapabilities(
    reservations=True,
    async_orders=True,
    multiple_destinations=True,
    immediate_release=False,
    sms_config=True,
    labels=True,
    auto_renew=True,
    specific_numbers=True,
    carrier_side_reference=True,
    number_types={
        NumberType.LOCAL,
        NumberType.MOBILE,
        NumberType.TOLL_FREE,
        NumberType.NATIONAL,
        NumberType.SHARED_COST,
    },
    destination_kinds={DestinationKind.SIP_URI, DestinationKind.PSTN, DestinationKind.SIP_TRUNK},
)

DIDWW_SPEC = ProviderSpec(
    name="didww",
    default_base_url=DEFAULT_BASE_URL,
    capabilities=CAPABILITIES,
    auth_headers=_auth_headers,
    operations=_operations,
    api_key_env="DIDWW_API_KEY",
    emulator=_emulator,
    emulator_base_path="/v3",
    environments={"production": DEFAULT_BASE_URL, "sandbox": SANDBOX_BASE_URL},
    test_environments=frozenset({"sandbox"}),
    static_headers={"Accept": MEDIA_TYPE},
    content_type=MEDIA_TYPE,
    rate_limit=RATE_LIMIT,
    number_id=NUMBER_ID,
    order_id=ORDER_ID,
    authenticator=_authenticator,
)


class AsyncDidwwProvider(AsyncProvider):
    """DIDWW, asynchronously (see :class:`DidwwProvider`)."""

    spec = DIDWW_SPEC


class DidwwProvider(SyncProvider):
    """DIDWW (API v3, version 2026-11-19 by default) as a :class:`didkit.NumberProvider`.

    ``didkit.connect("didww", api_key=...)`` (or ``DIDWW_API_KEY``); ``environment="sandbox"``
    talks to DIDWW's sandbox, ``sandbox=True`` to didkit's built-in emulator. DIDWW-specific
    options are listed on :class:`~didkit_didww.DidwwOperations`.

    On 2026-11-19 the key buys bearer tokens at DIDWW's token service (``auth_url``, by default
    that of the environment, or ``/token`` at the origin of an overridden ``base_url``); they are
    cached (shared by providers on the same key and clock, or a given ``token_cache``) and
    re-minted before they run out. ``api_version="2026-04-16"`` sends the key as ``Api-Key``.

    DIDWW specifics: purchases are ``POST /orders`` completed asynchronously (``purchase`` polls
    up to ``wait`` seconds; ``get_order`` resumes) and carry the caller's ``reference`` as
    ``external_reference_id``, so the same reference never buys twice. ``release_number`` sets
    ``terminated``: DIDWW releases the number at the end of its billing period, and until then
    it reads back as ``RELEASING``. ``update_number`` takes ``label`` (``description``),
    ``auto_renew`` (``billing_cycles_count``) and ``carrier_fields={"capacity_limit": ...}``.
    ``set_messaging`` (2026-11-19 only) routes inbound SMS through an ``http_in`` SMS trunk
    (found or created), several through an SMS trunk group. A ``SIP_URI`` or ``PSTN`` destination
    routes through a voice-in trunk (an existing one with the same target, or a new
    one); several destinations through a voice-in trunk group, in priority order.

    ``list_numbers`` filters ``country`` server-side (``filter[country.id]``) and narrows
    ``label`` (``filter[description]``), one ``status`` (``terminated``, ``awaiting_registration``,
    ``blocked``) and ``capability`` (``did_group.features``) server-side; the core checks those
    and applies the rest.
    ``carrier_filters`` takes DIDWW's ``filter[...]`` names (``{"terminated": False}``,
    ``{"number": "+1212…"}``, ``{"order.id": …}`` or ``{"order_id": …}``), plus ``include`` and
    ``sort`` (``"-created_at"``); all are checked against DIDWW's spec at the call, before any
    request.
    """

    spec = DIDWW_SPEC
    async_class = AsyncDidwwProvider
