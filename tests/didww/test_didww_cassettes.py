"""The DIDWW adapter against cassettes built from DIDWW's published examples (sync and async)."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import pytest
from didkit_didww import AsyncDidwwProvider, DidwwProvider

import didkit
from didkit import (
    AvailableNumber,
    Capability,
    Destination,
    DestinationKind,
    Money,
    NumberStatus,
    NumberType,
    OrderStatus,
    SearchQuery,
)
from didkit.engine import RetryPolicy

US = "1f6fc2bd-f081-4202-9b1a-d9cb88d942b9"
DID_ID = "9df99644-f1a5-4a3c-99a4-559d758eb96b"
ORDER_ID = "5da18706-be9f-49b0-aeec-0480aacd49ad"
REFERENCE = "didkit-ref-0001"


def available_offer() -> AvailableNumber:
    """The offer whose purchase DIDWW's SDK fixture orders/create_request_available_did.json shows."""
    return AvailableNumber(
        provider="didww",
        number="+16169886810",
        country="US",
        offer_ref={
            "sku_id": "acc46374-0b34-4912-9f67-8340339db1e5",
            "available_did_id": "c43441e3-82d4-4d84-93e2-80998576c1ce",
        },
    )


def sku_offer(sku: str = "f36d2812-2195-4385-85e8-e59c3484a8bc") -> AvailableNumber:
    return AvailableNumber(provider="didww", number=None, country="US", offer_ref={"sku_id": sku})


# -- coverage -----------------------------------------------------------------------------------


def test_coverage_countries_regions_cities_cached(didww_vcr: Any, provider: DidwwProvider, caplog: Any) -> None:
    with didww_vcr.use_cassette("coverage.yaml") as cassette:
        countries = provider.list_countries()
        assert len(countries) == 240  # "Taka-tuka" (iso "00") is not a country
        us = next(c for c in countries if c.code == "US")
        assert (us.name, us.id, us.prefix, us.provider) == ("United States", US, "1", "didww")
        assert provider.list_countries() == countries  # cached: no second request in the cassette

        regions = provider.list_regions("us")
        assert [r.name for r in regions[:2]] == ["Alabama", "Alaska"]
        assert all(r.country == "US" and r.provider == "didww" for r in regions)

        with caplog.at_level(logging.WARNING, logger="didkit"):
            cities = provider.list_cities("DE")
        assert [c.name for c in cities[:3]] == ["Aachen", "Aalst", "Abbeville"]
        assert cities[0].country == "DE"
        assert any("2021-04-19" in r.getMessage() for r in caplog.records)  # meta.api_version differs
        assert provider.list_cities("DE") == cities
        assert cassette.all_played


def test_coverage_unknown_country_has_nothing(didww_vcr: Any, provider: DidwwProvider) -> None:
    with didww_vcr.use_cassette("coverage.yaml"):
        assert provider.list_regions("VA") == []
        assert provider.list_cities("VA") == []
        assert list(provider.search_numbers(SearchQuery(country="VA"))) == []


async def test_coverage_async(didww_vcr: Any, async_provider: AsyncDidwwProvider) -> None:
    with didww_vcr.use_cassette("coverage.yaml"):
        countries = await async_provider.list_countries()
        assert any(c.code == "DE" for c in countries)
        assert len(await async_provider.list_regions("US")) == 66
        assert (await async_provider.list_cities("DE"))[0].name == "Aachen"


# -- search -------------------------------------------------------------------------------------


def test_search_one_offer_per_sku(didww_vcr: Any, provider: DidwwProvider) -> None:
    query = SearchQuery(country="DE", number_type="local", capabilities={Capability.VOICE})
    with didww_vcr.use_cassette("search_groups.yaml") as cassette:
        offers = list(provider.search_numbers(query))
        assert cassette.all_played
    assert len(offers) == 2
    cheap, rich = offers
    assert cheap.number is None and rich.number is None
    assert (cheap.setup_price, cheap.monthly_price, cheap.channels) == (
        Money(Decimal("0.4"), "USD"),
        Money(Decimal("0.8"), "USD"),
        0,
    )
    assert (rich.monthly_price, rich.channels) == (Money("4.8", "USD"), 2)
    for offer in offers:
        assert offer.provider == "didww"
        assert offer.country == "DE"
        assert offer.city == "Aachen"
        assert offer.region is None
        assert offer.number_type is NumberType.LOCAL
        assert offer.capabilities == {Capability.VOICE}
        assert offer.requires_documents is True  # meta.needs_registration
        assert offer.offer_ref["did_group_id"] == "2187c36d-28fb-436f-8861-5a0f5b5a3ee1"
        assert isinstance(offer.monthly_price.amount, Decimal)
    assert {o.offer_ref["sku_id"] for o in offers} == {
        "5c6f00cd-cfca-441f-9322-5d000458b44f",
        "afcb54cd-1e36-472a-9f5b-07328d0d187f",
    }


def test_search_specific_numbers_priced_at_cheapest_sku(didww_vcr: Any, provider: DidwwProvider) -> None:
    with didww_vcr.use_cassette("search_available.yaml") as cassette:
        offers = list(provider.search_numbers(SearchQuery(country="US", contains="616")))
        assert cassette.all_played
    assert [o.number for o in offers] == ["+16169886810"]  # the other numbers do not contain 616
    offer = offers[0]
    assert offer.monthly_price == Money("0.09", "USD")
    assert offer.setup_price == Money("0.0", "USD")
    assert offer.channels == 0
    assert offer.number_type is NumberType.LOCAL
    assert offer.country == "US"
    assert offer.requires_documents is False
    assert offer.offer_ref == {
        "did_group_id": "a9e3d346-d7bc-4a85-adb0-8ef1119cf237",
        "sku_id": "bdff43ad-2db8-428c-a65c-f2d4d43720b6",
        "available_did_id": "0b76223b-9625-412f-b0f3-330551473e7e",
    }


async def test_search_async(didww_vcr: Any, async_provider: AsyncDidwwProvider) -> None:
    query = SearchQuery(country="DE", number_type="local", capabilities={Capability.VOICE}, limit=1)
    with didww_vcr.use_cassette("search_groups.yaml"):
        offers = [o async for o in async_provider.search_numbers(query)]
    assert len(offers) == 1 and offers[0].monthly_price == Money("0.8", "USD")


# -- purchase -----------------------------------------------------------------------------------


def test_purchase_specific_number_pending(didww_vcr: Any, provider: DidwwProvider) -> None:
    with didww_vcr.use_cassette("purchase_available_did.yaml") as cassette:
        order = provider.purchase(available_offer(), wait=0)
        assert cassette.all_played
    assert order.id == "a9a7ff2d-d634-4545-bf28-dfda92d1c723"
    assert order.status is OrderStatus.PENDING
    assert order.total == Money("0.19", "USD")
    assert order.numbers == ()
    assert order.created_at is not None and order.created_at.tzinfo is not None


def test_purchase_with_callback_options(didww_vcr: Any, sleeps: Any) -> None:
    provider = DidwwProvider(
        api_key="k-123456789",
        rate_limit=False,
        sleep=sleeps,
        allow_back_ordering=True,
        callback_url="https://example.com/callback",
        callback_method="post",
        api_version="2026-04-16",
    )
    with didww_vcr.use_cassette("purchase_callback.yaml"):
        order = provider.purchase(sku_offer(), wait=0)
    assert order.status is OrderStatus.PENDING
    assert order.raw["attributes"]["callback_url"] == "https://example.com/callback"


def test_purchase_polls_until_completed(didww_vcr: Any, provider: DidwwProvider, sleeps: Any) -> None:
    with didww_vcr.use_cassette("purchase_poll.yaml") as cassette:
        order = provider.purchase(available_offer(), reference=REFERENCE, wait=60)
        assert cassette.all_played
    assert order.status is OrderStatus.COMPLETED
    assert order.reference == REFERENCE
    assert [d.number for d in order.numbers] == ["+16092091234"]
    assert sleeps.calls == [1.0, 1.5]  # backoff between polls, through the injected sleep


def test_purchase_returns_existing_order_for_reference(didww_vcr: Any, provider: DidwwProvider) -> None:
    with didww_vcr.use_cassette("purchase_existing_reference.yaml") as cassette:
        order = provider.purchase(available_offer(), reference=REFERENCE, wait=60)
        assert cassette.all_played  # and no POST /orders: the cassette has none
    assert order.id == ORDER_ID
    assert order.status is OrderStatus.COMPLETED
    assert len(order.numbers) == 1


def test_unknown_outcome_found_by_reference(didww_vcr: Any, provider: DidwwProvider) -> None:
    with didww_vcr.use_cassette("purchase_unknown_found.yaml") as cassette:
        order = provider.purchase(available_offer(), reference=REFERENCE, wait=0)
        assert cassette.all_played
    assert order.id == ORDER_ID
    assert order.status is OrderStatus.PENDING


def test_unknown_outcome_proven_absent_reraises(didww_vcr: Any, sleeps: Any) -> None:
    # settle_window=0 believes the first look, as the cassette recorded one (the window's own
    # looks are tested on the sandbox, with a late commit and a lagging list).
    provider = DidwwProvider(
        api_key="k-123456789", rate_limit=False, sleep=sleeps, api_version="2026-04-16", settle_window=0
    )
    with didww_vcr.use_cassette("purchase_unknown_absent.yaml"), pytest.raises(didkit.ServerError) as info:
        provider.purchase(available_offer(), reference=REFERENCE, wait=0)
    assert info.value.outcome_unknown is False  # reconciled: nothing was bought
    assert info.value.status_code == 500


def test_unknown_outcome_lookup_fails_is_ambiguous(didww_vcr: Any, sleeps: Any) -> None:
    provider = DidwwProvider(
        api_key="k-123456789",
        rate_limit=False,
        sleep=sleeps,
        retry=RetryPolicy(max_retries=0),
        api_version="2026-04-16",
    )
    with (
        didww_vcr.use_cassette("purchase_unknown_lookup_fails.yaml"),
        pytest.raises(didkit.AmbiguousPurchaseError) as info,
    ):
        provider.purchase(available_offer(), reference=REFERENCE, wait=0)
    assert info.value.reference == REFERENCE
    assert info.value.outcome_unknown is True
    assert isinstance(info.value.__cause__, didkit.ServerError)


async def test_purchase_async(didww_vcr: Any, async_provider: AsyncDidwwProvider, sleeps: Any) -> None:
    with didww_vcr.use_cassette("purchase_poll.yaml"):
        order = await async_provider.purchase(available_offer(), reference=REFERENCE, wait=60)
    assert order.status is OrderStatus.COMPLETED
    assert sleeps.calls == [1.0, 1.5]


async def test_unknown_outcome_async(didww_vcr: Any, async_provider: AsyncDidwwProvider) -> None:
    with didww_vcr.use_cassette("purchase_unknown_found.yaml"):
        order = await async_provider.purchase(available_offer(), reference=REFERENCE, wait=0)
    assert order.id == ORDER_ID


# -- owned numbers ------------------------------------------------------------------------------


def test_list_numbers_lazy_pages(didww_vcr: Any, provider: DidwwProvider) -> None:
    with didww_vcr.use_cassette("list_numbers.yaml") as cassette:
        numbers = provider.list_numbers()
        first = next(numbers)
        assert cassette.play_count == 1  # the second page is not fetched yet
        rest = list(numbers)
        assert cassette.all_played
    dids = [first, *rest]
    assert [d.number for d in dids] == ["+16092091234", "+16092091235", "+16092091236"]
    d = dids[0]
    assert d.id == DID_ID
    assert d.provider == "didww"
    assert d.country == "US"
    assert d.status is NumberStatus.ACTIVE
    assert d.label == "something"
    assert d.auto_renew is True
    assert d.channels == 0
    assert d.created_at is not None and d.created_at.tzinfo is not None
    assert d.expires_at is not None and d.expires_at.tzinfo is not None
    assert d.raw["id"] == DID_ID


def test_list_numbers_passes_filters_include_sort(didww_vcr: Any, provider: DidwwProvider) -> None:
    with didww_vcr.use_cassette("list_numbers_filtered.yaml") as cassette:
        dids = list(
            provider.list_numbers(
                carrier_filters={
                    "terminated": False,
                    "order_id": "11b3fba2-96e2-452e-bed8-5124ed351af3",
                    "include": "order",
                    "sort": "-created_at",
                }
            )
        )
        assert cassette.all_played
    assert len(dids) == 1


async def test_list_numbers_async(didww_vcr: Any, async_provider: AsyncDidwwProvider) -> None:
    with didww_vcr.use_cassette("list_numbers.yaml"):
        dids = [d async for d in async_provider.list_numbers()]
    assert len(dids) == 3


def test_get_number_by_id_and_by_number(didww_vcr: Any, provider: DidwwProvider) -> None:
    with didww_vcr.use_cassette("get_number.yaml") as cassette:
        by_id = provider.get_number(DID_ID)
        by_number = provider.get_number("+16092091234")
        assert cassette.all_played
    assert by_id.destinations == (
        Destination(DestinationKind.PSTN, "+558540420024", 1, "41b94706-325e-4704-a433-d65105758836"),
    )
    # a trunk group: its trunks in priority order ("URI …" has priority 1, "test custom11" 10),
    # {DID}/{CALL_DID} replaced by the number's digits
    assert by_number.destinations == (
        Destination(DestinationKind.SIP_URI, "sip:16092091234@didww.com", 1, "b07a4cab-48c6-4b3a-9670-11b90b81bdef"),
        Destination(DestinationKind.SIP_URI, "sip:16092091234@203.0.113.1", 2, "7c15bca2-7f17-46fb-9486-7e2a17158c7e"),
    )


def test_update_number(didww_vcr: Any, provider: DidwwProvider) -> None:
    with didww_vcr.use_cassette("update_number.yaml") as cassette:
        did = provider.update_number(DID_ID, label="patched from loaded resource")
        assert did.label == "patched from loaded resource"
        did = provider.update_number(DID_ID, carrier_fields={"capacity_limit": 10})
        assert cassette.all_played
    assert did.id == DID_ID


async def test_update_number_async(didww_vcr: Any, async_provider: AsyncDidwwProvider) -> None:
    with didww_vcr.use_cassette("update_number.yaml"):
        did = await async_provider.update_number(DID_ID, label="patched from loaded resource")
    assert did.label == "patched from loaded resource"


def test_release_number(didww_vcr: Any, provider: DidwwProvider) -> None:
    with didww_vcr.use_cassette("release_number.yaml") as cassette:
        assert provider.release_number(DID_ID) is None
        assert cassette.all_played


def test_set_destinations_pstn_creates_trunk(didww_vcr: Any, provider: DidwwProvider) -> None:
    did = didkit.DID(id=DID_ID, provider="didww", number="+16092091234")
    with didww_vcr.use_cassette("set_destinations_pstn.yaml") as cassette:
        result = provider.set_destinations(did, [Destination.pstn("+558540420024")])
        assert cassette.all_played
    assert result.destinations == (
        Destination(DestinationKind.PSTN, "+558540420024", 1, "41b94706-325e-4704-a433-d65105758836"),
    )


def test_set_destinations_several_make_a_group(didww_vcr: Any, provider: DidwwProvider) -> None:
    did = didkit.DID(id=DID_ID, provider="didww", number="+16092091234")
    first, second = "7c15bca2-7f17-46fb-9486-7e2a17158c7e", "b07a4cab-48c6-4b3a-9670-11b90b81bdef"
    with didww_vcr.use_cassette("set_destinations_group.yaml") as cassette:
        result = provider.set_destinations(did, [Destination.trunk(first), Destination.trunk(second)])
        assert cassette.all_played
    assert [(d.trunk_id, d.priority) for d in result.destinations] == [(first, 1), (second, 2)]
    assert result.destinations[0].target == "sip:16092091234@203.0.113.1"


async def test_set_destinations_async(didww_vcr: Any, async_provider: AsyncDidwwProvider) -> None:
    did = didkit.DID(id=DID_ID, provider="didww", number="+16092091234")
    with didww_vcr.use_cassette("set_destinations_pstn.yaml"):
        result = await async_provider.set_destinations(did, [Destination.pstn("+558540420024")])
    assert result.destinations[0].kind is DestinationKind.PSTN
