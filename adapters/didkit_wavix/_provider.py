"""The Wavix :class:`~didkit.adapter.ProviderSpec` and the sync/async providers built on it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from didkit import (
    DestinationKind,
    NumberType,
    ProviderCapabilities,
)
from didkit.adapter import AsyncProvider, OperationContext, ProviderSpec, SyncProvider

from ._operations import NUMBER_ID, ORDER_ID, WavixOperations

if TYPE_CHECKING:
    from didkit.sandbox import Emulator

DEFAULT_BASE_URL = "https://api.wavix.com"

T = TypeVar("T")


def auth_headers(api_key: str) -> Mapping[str, str]:
    """Bearer authentication (the deprecated ``appid`` query parameter is never sent)."""
    return {"Authorization": f"Bearer {api_key}"}


def _operations(context: OperationContext) -> WavixOperations:
    return WavixOperations(context)


def _emulator(*, seed: int = 0, **options: Any) -> Emulator:
    from .emulator import WavixEmulator

    return WavixEmulator(seed=seed, **options)


WAVIX_CAPABILITIES = ProviderCapabilities(
    reservations=False,
    async_orders=False,
    multiple_destinations=True,
    immediate_release=True,
    sms_config=True,
    labels=False,
    specific_numbers=True,
    carrier_side_reference=False,
    multi_number_checkout=True,
    number_types={NumberType.LOCAL, NumberType.MOBILE, NumberType.TOLL_FREE},
    destination_kinds={DestinationKind.SIP_URI, DestinationKind.PSTN, DestinationKind.SIP_TRUNK},
)

WAVIX_SPEC = ProviderSpec(
    name="wavix",
    default_base_url=DEFAULT_BASE_URL,
    capabilities=WAVIX_CAPABILITIES,
    auth_headers=auth_headers,
    operations=_operations,
    api_key_env="WAVIX_API_KEY",
    emulator=_emulator,
    emulator_base_path="",
    environments={"production": DEFAULT_BASE_URL},
    static_headers={"Accept": "application/json"},
    content_type="application/json",
    number_id=NUMBER_ID,
    order_id=ORDER_ID,
)


class AsyncWavixProvider(AsyncProvider):
    """Wavix, asynchronously (:class:`~didkit.AsyncNumberProvider`)."""

    spec = WAVIX_SPEC


class WavixProvider(SyncProvider):
    """Wavix (:class:`~didkit.NumberProvider`): ``didkit.connect("wavix", api_key=...)``.

    ``list_numbers`` takes Wavix's filters ``search``, ``label``, ``label_present`` and
    ``city_id`` (100 numbers a page, fetched lazily); anything else raises
    :class:`~didkit.InvalidInputError` at the call, before any request.
    """

    spec = WAVIX_SPEC
    async_class: ClassVar[type[AsyncWavixProvider]] = AsyncWavixProvider
