"""The whole lifecycle against the Wavix emulator (``didkit.connect("wavix", sandbox=True)``),
sync and async, and the purchase failure modes only a stateful carrier can show."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import didkit
from didkit import (
    Capability,
    Destination,
    DestinationKind,
    InsufficientFundsError,
    MessagingRoute,
    NotFoundError,
    NumberStatus,
    NumberUnavailableError,
    OrderStatus,
    SearchQuery,
    TransportError,
)

LA = SearchQuery(country="US", city="Los Angeles", capabilities={Capability.SMS}, limit=3)


def no_sleep(seconds: float) -> None:
    return None


async def no_async_sleep(seconds: float) -> None:
    return None


@pytest.fixture
def sandbox() -> Iterator[Any]:
    provider = didkit.connect("wavix", sandbox=True, sleep=no_sleep)
    yield provider
    provider.close()


def test_lifecycle(sandbox: Any) -> None:
    emu = sandbox.emulator
    before = set(emu.owned_numbers())
    offers = list(sandbox.search_numbers(LA))
    assert len(offers) == 3
    assert all(o.city == "LOS ANGELES, CA" and o.region == "California" for o in offers)
    assert all(Capability.SMS in o.capabilities and o.number and o.number.startswith("+1") for o in offers)

    order = sandbox.purchase(offers[0], reference="lifecycle-1")
    assert order.status is OrderStatus.COMPLETED and order.reference == "lifecycle-1"
    (did,) = order.numbers
    assert did.number == offers[0].number and did.status is NumberStatus.ACTIVE
    assert did.created_at is not None and did.expires_at is not None and did.expires_at > did.created_at
    assert emu.purchased_numbers() == [offers[0].number]
    assert sandbox.purchase(offers[0], reference="lifecycle-1") is order  # same reference, same order
    assert sandbox.get_order(order.id).numbers[0].id == did.id

    assert sandbox.get_number(did.number).id == did.id
    assert sandbox.get_number(did.id).number == did.number

    updated = sandbox.set_messaging(did, [MessagingRoute.webhook("https://hooks.example.com/sms")])
    assert updated.messaging == (MessagingRoute.webhook("https://hooks.example.com/sms"),)
    assert updated.raw["sms_enabled"] is True

    routed = sandbox.set_destinations(
        updated,
        [Destination.sip("sip:100@pbx.example.com"), Destination.pstn("+14155550100"), Destination.trunk("3107")],
    )
    assert routed.destinations == (
        Destination(DestinationKind.SIP_URI, "sip:100@pbx.example.com", 1),
        Destination(DestinationKind.PSTN, "+14155550100", 2),
        Destination(DestinationKind.SIP_TRUNK, "32882", 3, "3107"),
    )
    assert sandbox.get_number(did.id).destinations == routed.destinations
    assert sandbox.get_number(did.id).messaging == updated.messaging
    assert sandbox.set_messaging(did.id, []).messaging == ()

    assert {d.number for d in sandbox.list_numbers()} == before | {did.number}
    sandbox.release_number(routed)
    assert set(emu.owned_numbers()) == before
    with pytest.raises(NotFoundError):
        sandbox.get_number(did.number)
    assert emu.purchased_numbers() == [offers[0].number]


async def test_async_lifecycle() -> None:
    provider = didkit.connect_async("wavix", sandbox=True, async_sleep=no_async_sleep)
    emu = provider.emulator  # type: ignore[attr-defined]
    try:
        offers = [o async for o in provider.search_numbers(LA)]
        order = await provider.purchase(offers[1], reference="async-lifecycle")
        did = order.numbers[0]
        assert (await provider.get_number(did.number)).id == did.id
        updated = await provider.set_messaging(did.id, [MessagingRoute.webhook("https://hooks.example.com/a")])
        assert [route.target for route in updated.messaging] == ["https://hooks.example.com/a"]
        routed = await provider.set_destinations(
            did, [Destination.sip("sip:[did]@pbx.example.com"), Destination.pstn("+14155550100"),
                  Destination.trunk("3215")]
        )
        assert [d.target for d in routed.destinations] == ["sip:[did]@pbx.example.com", "+14155550100", "32990"]
        assert did.number in [d.number async for d in provider.list_numbers(number_contains=did.number)]
        await provider.release_number(did.number)
        assert did.number not in emu.owned_numbers()
        assert emu.purchased_numbers() == [offers[1].number]
    finally:
        await provider.aclose()  # type: ignore[attr-defined]


def test_unknown_checkout_outcome_is_recovered_not_duplicated(sandbox: Any) -> None:
    emu = sandbox.emulator
    offer = next(iter(sandbox.search_numbers(LA)))
    emu.faults.inject("POST /v1/buy/cart/checkout", commit_then_drop=True)
    order = sandbox.purchase(offer, reference="dropped")
    assert order.status is OrderStatus.COMPLETED
    assert order.numbers[0].number == offer.number
    assert emu.purchased_numbers() == [offer.number]  # exactly one purchase
    assert offer.number in emu.owned_numbers()
    assert sandbox.purchase(offer, reference="dropped") is order
    assert emu.purchased_numbers() == [offer.number]


async def test_async_unknown_checkout_outcome_is_recovered() -> None:
    provider = didkit.connect_async("wavix", sandbox=True, async_sleep=no_async_sleep)
    emu = provider.emulator  # type: ignore[attr-defined]
    try:
        offers = [o async for o in provider.search_numbers(LA)]
        offer = offers[0]
        emu.faults.inject("POST /v1/buy/cart/checkout", commit_then_drop=True)
        order = await provider.purchase(offer, reference="dropped-async")
        assert order.numbers[0].number == offer.number
        assert emu.purchased_numbers() == [offer.number]
    finally:
        await provider.aclose()  # type: ignore[attr-defined]


def test_checkout_dropped_before_it_ran_is_a_transport_error_safe_to_fail_over(sandbox: Any) -> None:
    emu = sandbox.emulator
    offer = next(iter(sandbox.search_numbers(LA)))
    emu.faults.inject("POST /v1/buy/cart/checkout", drop=True)
    with pytest.raises(TransportError) as caught:
        sandbox.purchase(offer, reference="not-bought")
    assert caught.value.outcome_unknown is False  # proven by the lookup: nothing was bought
    assert emu.purchased_numbers() == []
    assert emu.snapshot()["cart"] == []  # emptied
    order = sandbox.purchase(offer, reference="not-bought")  # a retry by the caller buys it once
    assert order.status is OrderStatus.COMPLETED and emu.purchased_numbers() == [offer.number]


def test_checkout_5xx_not_committed(sandbox: Any) -> None:
    emu = sandbox.emulator
    offer = next(iter(sandbox.search_numbers(LA)))
    emu.faults.inject("POST /v1/buy/cart/checkout", status=503)
    with pytest.raises(didkit.ServerError) as caught:
        sandbox.purchase(offer)
    assert caught.value.outcome_unknown is False
    assert emu.purchased_numbers() == [] and emu.snapshot()["cart"] == []


def test_unresolvable_outcome_is_ambiguous_then_settled(sandbox: Any) -> None:
    emu = sandbox.emulator
    offer = next(iter(sandbox.search_numbers(LA)))
    emu.faults.inject("POST /v1/buy/cart/checkout", commit_then_drop=True)
    emu.faults.inject("GET /v1/numbers", status=500, times=4)
    with pytest.raises(didkit.AmbiguousPurchaseError) as caught:
        sandbox.purchase(offer, reference="ambiguous")
    assert caught.value.reference == "ambiguous" and caught.value.outcome_unknown is True
    order = sandbox.purchase(offer, reference="ambiguous")  # settled by a lookup, not bought again
    assert order.numbers[0].number == offer.number
    assert emu.purchased_numbers() == [offer.number]


def test_sold_out_number(sandbox: Any) -> None:
    emu = sandbox.emulator
    offer = next(iter(sandbox.search_numbers(LA)))
    emu.sell_out(offer.number)
    with pytest.raises(NumberUnavailableError):
        sandbox.purchase(offer)
    assert emu.purchased_numbers() == [] and emu.snapshot()["cart"] == []


def test_insufficient_funds_empties_the_cart(sandbox: Any) -> None:
    emu = sandbox.emulator
    offer = next(iter(sandbox.search_numbers(LA)))
    emu.set_balance("0.50")
    with pytest.raises(InsufficientFundsError):
        sandbox.purchase(offer)
    assert emu.purchased_numbers() == [] and emu.snapshot()["cart"] == []


def test_a_number_needing_documents_is_bought_pending(sandbox: Any) -> None:
    emu = sandbox.emulator
    offers = [o for o in sandbox.search_numbers(SearchQuery(country="DE", city="Berlin")) if o.requires_documents]
    assert offers
    order = sandbox.purchase(offers[0])
    did = order.numbers[0]
    assert did.status is NumberStatus.PENDING
    emu.approve_documents(did.number)
    assert sandbox.get_number(did.id).status is NumberStatus.ACTIVE


def test_released_with_unknown_outcome_is_settled(sandbox: Any) -> None:
    emu = sandbox.emulator
    did = next(iter(sandbox.list_numbers()))
    emu.faults.inject("DELETE /v1/numbers", commit_then_drop=True)
    sandbox.release_number(did)  # the reply was lost; the lookup proves the number gone
    assert did.number not in emu.owned_numbers()


def test_seeded_numbers_and_filters(sandbox: Any) -> None:
    dids = list(sandbox.list_numbers())
    assert len(dids) == len(sandbox.emulator.owned_numbers())
    labelled = list(sandbox.list_numbers(carrier_filters={"label_present": True}))
    assert labelled and all(d.label for d in labelled)
    assert {d.status for d in dids} <= {NumberStatus.ACTIVE, NumberStatus.PENDING}
    assert any(d.destinations for d in dids)


def test_coverage_from_the_emulator(sandbox: Any) -> None:
    assert {c.code for c in sandbox.list_countries()} >= {"US", "GB", "DE", "AR"}
    assert "CA" in {r.code for r in sandbox.list_regions("US")}
    assert sandbox.list_regions("GB") == []
    assert [c.name for c in sandbox.list_cities("US", "California")] == ["LOS ANGELES, CA"]
    assert [c.name for c in sandbox.list_cities("GB")] == ["London"]
