"""The DIDWW adapter against didkit's DIDWW emulator: a whole number lifecycle, sync and async,
and an unknown purchase outcome recovered through ``external_reference_id``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import didkit_didww.emulator as emulator_module
import pytest

import didkit
from didkit import Destination, DestinationKind, NumberStatus, OrderStatus, SearchQuery

DidwwEmulator: Any = emulator_module.DidwwEmulator

SIP = "sip:1000@pbx.example.com:5070"
PSTN = "+442071234567"


@pytest.fixture
def emu() -> Any:
    return DidwwEmulator(rate_limit=None)


@pytest.fixture(params=["2026-11-19", "2026-04-16"])
def didww(emu: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """Every test below runs on both API versions the adapter speaks."""
    provider = didkit.connect("didww", emulator=emu, sleep=lambda s: None, rate_limit=False, api_version=request.param)
    yield provider
    provider.close()


def test_sandbox_connects_without_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DIDWW_API_KEY", raising=False)
    provider = didkit.connect("didww", sandbox=True, sleep=lambda s: None, rate_limit=False)
    assert provider.base_url.endswith("/v3")
    assert any(c.code == "US" for c in provider.list_countries())


def test_lifecycle(didww: Any, emu: Any) -> None:
    assert {c.code for c in didww.list_countries()} >= {"US"}
    assert didww.list_regions("US")
    assert any(c.name == "Los Angeles" for c in didww.list_cities("US", "california"))

    offers = list(didww.search_numbers(SearchQuery(country="US", city="los angeles", limit=5)))
    assert offers and all(o.number is None and o.city == "Los Angeles" for o in offers)
    assert all(o.monthly_price is not None and o.monthly_price.currency == "USD" for o in offers)

    pending = didww.purchase(offers[0], reference="life-1", wait=0)
    assert pending.status is OrderStatus.PENDING and pending.reference == "life-1"
    order = didww.get_order(pending.id)
    for _ in range(5):  # the emulator keeps new orders pending for a poll
        if order.status is OrderStatus.COMPLETED:
            break
        order = didww.get_order(pending.id)
    assert order.status is OrderStatus.COMPLETED
    assert len(order.numbers) == 1
    again = didww.purchase(offers[0], reference="life-1")
    assert again.id == order.id  # carrier-side idempotency: no second purchase
    assert len(emu.purchased_numbers()) == 1

    did = order.numbers[0]
    assert did.number in emu.owned_numbers()
    assert did.status is NumberStatus.ACTIVE and did.auto_renew is True
    assert didww.get_number(did.number).id == did.id
    assert didww.get_number(did.id).number == did.number

    updated = didww.update_number(did, label="front desk", auto_renew=False)
    assert updated.label == "front desk"
    assert updated.auto_renew is False and updated.status is NumberStatus.RELEASING
    updated = didww.update_number(did, auto_renew=True)
    assert updated.status is NumberStatus.ACTIVE

    sip = didww.set_destinations(did, [Destination.sip(SIP)])
    assert [(d.kind, d.target, d.priority) for d in sip.destinations] == [(DestinationKind.SIP_URI, SIP, 1)]
    pstn = didww.set_destinations(did.number, [Destination.pstn(PSTN)])
    assert [(d.kind, d.target) for d in pstn.destinations] == [(DestinationKind.PSTN, PSTN)]
    again_sip = didww.set_destinations(did, [Destination.sip(SIP)])
    assert again_sip.destinations[0].trunk_id == sip.destinations[0].trunk_id  # the trunk was reused

    both = didww.set_destinations(did, [Destination.pstn(PSTN), Destination.sip(SIP)])
    assert [(d.kind, d.priority) for d in both.destinations] == [
        (DestinationKind.PSTN, 1),
        (DestinationKind.SIP_URI, 2),
    ]
    swapped = didww.set_destinations(did, [Destination.sip(SIP), Destination.pstn(PSTN)])
    assert [d.kind for d in swapped.destinations] == [DestinationKind.SIP_URI, DestinationKind.PSTN]
    assert didww.get_number(did.id).destinations == swapped.destinations

    listed = {d.number: d for d in didww.list_numbers()}
    assert did.number in listed and listed[did.number].destinations == swapped.destinations
    live = didww.list_numbers(carrier_filters={"terminated": False, "sort": "-created_at"})
    assert did.number in {d.number for d in live}

    assert didww.release_number(did) is None
    assert didww.get_number(did.id).status is NumberStatus.RELEASING


def test_specific_numbers(didww: Any) -> None:
    offers = list(didww.search_numbers(SearchQuery(country="US", contains="213", limit=3)))
    assert offers and all(o.number is not None and "213" in o.number for o in offers)
    order = didww.purchase(offers[0], reference="specific-1")
    assert order.status is OrderStatus.COMPLETED
    assert [d.number for d in order.numbers] == [offers[0].number]


def test_unknown_outcome_recovers_the_order_without_buying_twice(didww: Any, emu: Any) -> None:
    offer = next(didww.search_numbers(SearchQuery(country="US", city="Los Angeles", limit=1)))
    emu.faults.inject("POST /orders", commit_then_drop=True)
    order = didww.purchase(offer, reference="dropped-1")
    assert order.status is OrderStatus.COMPLETED
    assert len(emu.purchased_numbers()) == 1
    assert [d.number for d in order.numbers] == emu.purchased_numbers()
    assert sum(1 for r in emu.requests if r.method == "POST" and r.path.endswith("/orders")) == 1


def test_dropped_before_commit_reraises_for_failover(didww: Any, emu: Any) -> None:
    offer = next(didww.search_numbers(SearchQuery(country="US", city="Los Angeles", limit=1)))
    emu.faults.inject("POST /orders", drop=True)
    with pytest.raises(didkit.TransportError) as info:
        didww.purchase(offer, reference="dropped-2")
    assert info.value.outcome_unknown is False  # looked up by reference: proven not bought
    assert emu.purchased_numbers() == []


def test_purchase_errors(didww: Any, emu: Any) -> None:
    offer = next(didww.search_numbers(SearchQuery(country="US", city="Los Angeles", limit=1)))
    emu.set_balance("0.01")
    with pytest.raises(didkit.InsufficientFundsError) as funds:
        didww.purchase(offer, reference="poor-1")
    assert funds.value.required is not None and funds.value.required.currency == "USD"
    emu.set_balance("100")
    emu.sell_out()
    with pytest.raises(didkit.NumberUnavailableError):
        didww.purchase(offer, reference="gone-1")
    assert emu.purchased_numbers() == []


def test_rate_limit_is_client_side(emu: Any) -> None:
    clock = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    provider = didkit.connect("didww", emulator=emu, clock=lambda: clock[0], sleep=sleep, coverage_ttl=0)
    for _ in range(12):
        provider.list_countries()
    assert slept and sum(slept) >= 1.0  # the 11th request waited for the 1 s window


@pytest.mark.parametrize("version", ["2026-11-19", "2026-04-16"])
async def test_async_lifecycle(emu: Any, version: str) -> None:
    async def no_sleep(seconds: float) -> None:
        return None

    provider = didkit.connect_async("didww", emulator=emu, async_sleep=no_sleep, rate_limit=False, api_version=version)
    try:
        offers = [o async for o in provider.search_numbers(SearchQuery(country="US", city="Los Angeles", limit=2))]
        assert len(offers) == 2
        order = await provider.purchase(offers[0], reference="async-1", wait=30)
        assert order.status is OrderStatus.COMPLETED
        did = order.numbers[0]
        did = await provider.update_number(did, label="async")
        assert did.label == "async"
        routed = await provider.set_destinations(did, [Destination.sip(SIP), Destination.pstn(PSTN)])
        assert [d.priority for d in routed.destinations] == [1, 2]
        numbers = [d.number async for d in provider.list_numbers()]
        assert did.number in numbers
        await provider.release_number(did.number)
        assert (await provider.get_number(did.id)).status is NumberStatus.RELEASING
        emu.faults.inject("POST /orders", commit_then_drop=True)
        recovered = await provider.purchase(offers[1], reference="async-2", wait=30)
        assert recovered.status is OrderStatus.COMPLETED
        assert len(emu.purchased_numbers()) == 2
    finally:
        await provider.aclose()


def test_number_types_on_both_versions(didww: Any, emu: Any) -> None:
    local = list(didww.search_numbers(SearchQuery(country="US", number_type="local", limit=3)))
    assert local and all(o.number_type is didkit.NumberType.LOCAL for o in local)
    paths = [r.path for r in emu.requests]
    if didww.operations.version.name == "2026-11-19":
        assert "/v3/did_group_types" not in paths
        assert all("did_group_type" not in str(r.query) for r in emu.requests)
    else:
        assert "/v3/did_group_types" in paths


def test_a_403_on_available_dids_falls_back_to_group_offers(didww: Any, emu: Any, caplog: Any) -> None:
    emu.deny_available_dids()
    query = SearchQuery(country="US", city="los angeles", prefix="213", limit=5)
    offers = list(didww.search_numbers(query))
    assert offers and all(o.number is None for o in offers)  # "any number from this group", still DIDWW's
    assert "may not list specific numbers" in caplog.text
    assert didww.operations.available_dids_denied is True
    with pytest.raises(didkit.PermissionDeniedError):
        didww._runner.run(_get("/available_dids"))
    emu.deny_available_dids(False)


def _get(path: str) -> Any:
    from didkit.engine import HttpRequest

    response = yield HttpRequest("GET", path)
    return response
