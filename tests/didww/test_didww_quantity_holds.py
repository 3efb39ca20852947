"""DIDWW: quantity orders (``qty``, complete and partial), holds (``did_reservations``: lifecycle,
expiry on the emulator's virtual time, the account's limit) and the order bodies they send,
checked against DIDWW's SDK fixtures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import didkit_didww.emulator as emulator_module
import pytest

import didkit
from didkit import Hold, InvalidInputError, OrderStatus, RequestRejectedError, SearchQuery
from didkit.errors import NumberUnavailableError, UnsupportedOperationError
from didkit.sandbox import VirtualClock

DidwwEmulator: Any = emulator_module.DidwwEmulator
FIXTURES = Path(__file__).parents[1] / "vendor" / "didww" / "go-sdk-fixtures"
LA = SearchQuery(country="US", city="los angeles")


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def emu(clock: VirtualClock) -> Any:
    return DidwwEmulator(rate_limit=None, clock=clock, sleep=clock.sleep)


def _connect(emu: Any, **options: Any) -> Any:
    return didkit.connect("didww", emulator=emu, sleep=lambda s: None, rate_limit=False, **options)


@pytest.fixture
def groups(emu: Any) -> Iterator[Any]:
    provider = _connect(emu, allow_back_ordering=True, strict_schemas=True)
    yield provider
    provider.close()


@pytest.fixture
def numbers(emu: Any) -> Iterator[Any]:
    provider = _connect(emu, specific_numbers=True, strict_schemas=True)
    yield provider
    provider.close()


def _group_offer(provider: Any, emu: Any, key: str = "la_213") -> Any:
    wanted = emu.group_id(key)
    return next(o for o in provider.search_numbers(LA) if o.offer_ref["did_group_id"] == wanted)


def test_quantity_order_is_one_order_for_n_numbers(groups: Any, emu: Any) -> None:
    offer = _group_offer(groups, emu)
    orders_before = len(emu.snapshot()["orders"])
    order = groups.purchase(offer, quantity=3, reference="q-3")
    assert order.status is OrderStatus.COMPLETED
    assert order.requested == 3 and len(order.numbers) == 3 and order.missing == 0
    assert len(emu.snapshot()["orders"]) == orders_before + 1
    posted = [r for r in emu.requests if r.method == "POST" and r.path.endswith("/orders")]
    assert [json.loads(r.body)["data"]["attributes"]["items"][0]["attributes"]["qty"] for r in posted] == [3]
    assert sorted(d.number for d in order.numbers) == sorted(emu.purchased_numbers())


def test_quantity_order_short_of_stock_completes_partially(groups: Any, emu: Any) -> None:
    emu.keep_in_stock("la_213", 2)
    emu.back_orders = "partial"
    order = groups.purchase(_group_offer(groups, emu), quantity=5, reference="q-5")
    assert order.status is OrderStatus.PARTIAL
    assert order.requested == 5 and len(order.numbers) == 2 and order.missing == 3
    assert len(emu.purchased_numbers()) == 2


def test_back_order_waits_then_closes_partially(groups: Any, emu: Any) -> None:
    emu.keep_in_stock("la_213", 1)
    pending = groups.purchase(_group_offer(groups, emu), quantity=4, reference="q-4", wait=5)
    assert pending.status is OrderStatus.PENDING and pending.missing == 0
    emu.close_back_orders()
    done = groups.get_order(pending.id)
    assert done.status is OrderStatus.PARTIAL and len(done.numbers) == 1 and done.requested == 4


def test_quantity_without_back_ordering_short_of_stock_is_unavailable(emu: Any) -> None:
    emu.keep_in_stock("la_213", 1)
    with _connect(emu) as provider, pytest.raises(NumberUnavailableError, match="2 requested"):
        provider.purchase(_group_offer(provider, emu), quantity=2, reference="q-2")
    assert emu.purchased_numbers() == []


@pytest.mark.parametrize("quantity", [2, 0, -1, True, 1.5])
def test_bad_quantity_is_refused_before_any_request(numbers: Any, groups: Any, emu: Any, quantity: Any) -> None:
    specific = next(o for o in numbers.search_numbers(LA) if o.number)
    any_number = _group_offer(groups, emu)
    before = len(emu.requests)
    with pytest.raises(InvalidInputError):
        numbers.purchase(specific if quantity == 2 else any_number, quantity=quantity)
    assert len(emu.requests) == before


def test_hold_lifecycle(numbers: Any, emu: Any) -> None:
    offers = [o for o in numbers.search_numbers(LA) if o.number][:2]
    hold = numbers.hold(offers[0], ttl=60)  # DIDWW takes no TTL: its own lifetime wins
    assert isinstance(hold, Hold) and hold.number == offers[0].number
    assert 9 * 60 <= (hold.expires_at - emu.now()).total_seconds() <= 10 * 60
    assert emu.held_numbers() == [offers[0].number]
    listed = list(numbers.list_holds())
    assert [(h.id, h.number) for h in listed] == [(hold.id, hold.number)]

    order = numbers.purchase(hold, reference="held-1")
    assert [d.number for d in order.numbers] == [hold.number]
    assert emu.held_numbers() == []  # the order used the hold up
    posted = json.loads([r for r in emu.requests if r.method == "POST" and r.path.endswith("/orders")][-1].body)
    assert posted["data"]["attributes"]["items"][0]["attributes"]["did_reservation_id"] == hold.id

    other = numbers.hold(offers[1])
    numbers.release_hold(other)
    assert emu.held_numbers() == []
    numbers.release_hold(other)  # gone already: nothing to do



@pytest.mark.parametrize("version", ["2026-11-19", "2026-04-16"])
def test_a_listed_hold_is_priced_like_its_search_offer_and_can_be_bought(emu: Any, version: str) -> None:
    """A hold made earlier (another process, the CLI's ``hold``) is bought from ``list_holds()``:
    DIDWW's order item needs the SKU next to the reservation, so the listed offer must carry it."""
    with _connect(emu, specific_numbers=True, api_version=version) as first:
        offer = next(o for o in first.search_numbers(LA) if o.number)
        first.hold(offer)
    with _connect(emu, specific_numbers=True, api_version=version) as later:
        (listed,) = list(later.list_holds())
        assert listed.number == offer.number
        assert listed.offer.offer_ref["sku_id"] == offer.offer_ref["sku_id"]
        assert listed.offer.monthly_price == offer.monthly_price and listed.offer.country == "US"
        order = later.purchase(listed, reference="listed-hold")
    assert [d.number for d in order.numbers] == [offer.number]
    assert emu.held_numbers() == []
    posted = json.loads([r for r in emu.requests if r.method == "POST" and r.path.endswith("/orders")][-1].body)
    item = posted["data"]["attributes"]["items"][0]["attributes"]
    assert item["did_reservation_id"] == listed.id and item["sku_id"] == offer.offer_ref["sku_id"]

def test_hold_expires_on_virtual_time(numbers: Any, emu: Any, clock: VirtualClock) -> None:
    offer = next(o for o in numbers.search_numbers(LA) if o.number)
    hold = numbers.hold(offer)
    clock.sleep((hold.expires_at - emu.now()).total_seconds() + 1)
    assert hold.expired(emu.now())
    assert emu.held_numbers() == []
    with pytest.raises(NumberUnavailableError):
        numbers.purchase(hold, reference="too-late")
    assert emu.purchased_numbers() == []


def test_hold_limit_is_a_clear_error(numbers: Any, emu: Any) -> None:
    offers = [o for o in numbers.search_numbers(SearchQuery(country="US")) if o.number]
    assert len(offers) > 10
    holds = [numbers.hold(o) for o in offers[:10]]
    with pytest.raises(RequestRejectedError, match=r"at most 10 numbers.*release a hold"):
        numbers.hold(offers[10])
    numbers.release_hold(holds[0])
    numbers.hold(offers[10])
    assert len(emu.held_numbers()) == 10


def test_a_held_number_cannot_be_held_twice(numbers: Any) -> None:
    offer = next(o for o in numbers.search_numbers(LA) if o.number)
    numbers.hold(offer)
    with pytest.raises(NumberUnavailableError, match="cannot be held"):
        numbers.hold(offer)


def test_only_specific_offers_can_be_held(groups: Any, emu: Any) -> None:
    offer = _group_offer(groups, emu)
    before = len(emu.requests)
    with pytest.raises(InvalidInputError, match="specific number"):
        groups.hold(offer)
    with pytest.raises(InvalidInputError, match="ttl"):
        groups.hold(offer, ttl=0)
    assert len(emu.requests) == before


def test_wavix_cannot_hold_before_any_request() -> None:
    with didkit.connect("wavix", sandbox=True, rate_limit=False, sleep=lambda s: None) as wavix:
        assert wavix.capabilities.reservations is False
        offer = next(iter(wavix.search_numbers(SearchQuery(country="US", limit=1))))
        before = len(wavix.emulator.requests)
        with pytest.raises(UnsupportedOperationError, match="reservations"):
            wavix.hold(offer)
        fake = Hold("1", "wavix", offer, wavix.emulator.now())
        with pytest.raises(UnsupportedOperationError):
            wavix.purchase(fake)
        with pytest.raises(UnsupportedOperationError):
            wavix.release_hold(fake)
        assert len(wavix.emulator.requests) == before


@pytest.mark.parametrize("fixture", ["create_request_reservation.json", "create_request_nanpa.json"])
def test_order_bodies_match_the_sdk_fixtures(groups: Any, fixture: str) -> None:
    expected = json.loads((FIXTURES / "orders" / fixture).read_text())
    item = expected["data"]["attributes"]["items"][0]["attributes"]
    ops = groups.operations
    offer = didkit.AvailableNumber(
        provider="didww", number=None, country="US", offer_ref={"sku_id": item["sku_id"], **{
            k: v for k, v in item.items() if k == "nanpa_prefix_id"
        }}
    )
    if "did_reservation_id" in item:
        offer = didkit.AvailableNumber(provider="didww", number="+12135550100", country="US",
                                       offer_ref={"sku_id": item["sku_id"]})
        body = ops.order_document(offer, None, reservation_id=item["did_reservation_id"])
    else:
        body = ops.order_document(offer, None, quantity=item["qty"])
    assert body == expected


def test_hold_body_matches_the_sdk_fixture(numbers: Any, emu: Any) -> None:
    expected = json.loads((FIXTURES / "did_reservations" / "create_request.json").read_text())
    offer = next(o for o in numbers.search_numbers(LA) if o.number)
    numbers.hold(offer)
    sent = json.loads([r for r in emu.requests if r.path.endswith("/did_reservations")][-1].body)
    assert sent["data"]["type"] == expected["data"]["type"]
    assert set(sent["data"]["relationships"]) == set(expected["data"]["relationships"])
    assert sent["data"]["relationships"]["available_did"]["data"]["type"] == "available_dids"
    assert set(sent["data"]["attributes"]) <= set(expected["data"]["attributes"])


def test_a_nanpa_prefix_orders_within_that_npa_nxx(groups: Any, emu: Any) -> None:
    stocked = sorted(a.number[1:7] for a in emu.world.available.values() if a.number.startswith("1213"))
    npanxx = max(set(stocked), key=stocked.count)  # the NPA-NXX with the most numbers in stock
    offers = list(groups.search_numbers(SearchQuery(country="US", prefix=npanxx)))
    within = [o for o in offers if o.number is None]
    assert within and all(o.offer_ref.get("nanpa_prefix_id") for o in within)
    assert all(o.number.startswith("+1" + npanxx) for o in offers if o.number)
    quantity = stocked.count(npanxx)
    order = groups.purchase(within[0], quantity=quantity, reference="npanxx-1")
    assert order.status is OrderStatus.COMPLETED and len(order.numbers) == quantity
    assert all(d.number.startswith("+1" + npanxx) for d in order.numbers)
    posted = json.loads([r for r in emu.requests if r.method == "POST" and r.path.endswith("/orders")][-1].body)
    assert posted["data"]["attributes"]["items"][0]["attributes"]["nanpa_prefix_id"] == within[0].offer_ref[
        "nanpa_prefix_id"
    ]


def test_an_npa_nxx_with_nothing_in_stock_has_no_offers(groups: Any) -> None:
    assert list(groups.search_numbers(SearchQuery(country="US", prefix="213000"))) == []
