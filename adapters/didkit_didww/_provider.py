"""The DIDWW provider spec and the sync/async provider classes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from didkit import DestinationKind, NumberType, ProviderCapabilities
from didkit.adapter import AsyncProvider, OperationContext, ProviderSpec, SyncProvider
from didkit.jsonapi import MEDIA_TYPE

from ._catalog import API_VERSION
from ._operations import NUMBER_ID, ORDER_ID, DidwwOperations

if TYPE_CHECKING:
    from didkit.sandbox import Emulator

DEFAULT_BASE_URL = "https://api.didww.com/v3"
SANDBOX_BASE_URL = "https://sandbox-api.didww.com/v3"
RATE_LIMIT = (10, 1.0)
"""DIDWW allows 10 requests per second per API key."""


def _auth_headers(api_key: str) -> Mapping[str, str]:
    return {"Api-Key": api_key}


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
    sms_config=False,
    labels=True,
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
    static_headers={"Accept": MEDIA_TYPE, "X-DIDWW-API-Version": API_VERSION},
    content_type=MEDIA_TYPE,
    rate_limit=RATE_LIMIT,
    number_id=NUMBER_ID,
    order_id=ORDER_ID,
)


class AsyncDidwwProvider(AsyncProvider):
    """DIDWW, asynchronously (see :class:`DidwwProvider`)."""

    spec = DIDWW_SPEC


class DidwwProvider(SyncProvider):
    """DIDWW (API v3, version 2026-04-16) as a :class:`didkit.NumberProvider`.

    ``didkit.connect("didww", api_key=...)`` (or ``DIDWW_API_KEY``); ``environment="sandbox"``
    talks to DIDWW's sandbox, ``sandbox=True`` to didkit's built-in emulator. DIDWW-specific
    options are listed on :class:`~didkit_didww.DidwwOperations`.

    DIDWW specifics: purchases are ``POST /orders`` completed asynchronously (``purchase`` polls
    up to ``wait`` seconds; ``get_order`` resumes) and carry the caller's ``reference`` as
    ``external_reference_id``, so the same reference never buys twice. ``release_number`` sets
    ``terminated``: DIDWW releases the number at the end of its billing period, and until then
    it reads back as ``RELEASING``. ``update_number`` takes ``label``, ``auto_renew`` and
    ``capacity_limit``; DIDWW has no per-number SMS webhook. A ``SIP_URI`` or ``PSTN``
    destination routes through a voice-in trunk (an existing one with the same target, or a new
    one); several destinations through a voice-in trunk group, in priority order.

    ``list_numbers(**filters)`` takes DIDWW's ``filter[...]`` names (``terminated=False``,
    ``number="+1212…"``, ``order_id=…`` or ``**{"order.id": …}``), plus ``include=`` and ``sort=``
    (``"-created_at"``); all are checked against DIDWW's spec at the call, before any request.
    """

    spec = DIDWW_SPEC
    async_class = AsyncDidwwProvider
