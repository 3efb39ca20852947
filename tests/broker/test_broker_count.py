"""procure(count=n) and hold_first against both emulators, with faults: on the emulators' books
exactly n bought and a Procurement holding them, or fewer with the error carrying what was bought
(``error.procurement``) — never more than n; and no hold left on DIDWW's books, whatever happened."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from test_broker_sandbox import FAULTS, PURCHASE_ROUTE, QUERY, WAIT, Sandbox

import didkit
from didkit import AmbiguousPurchaseError, DidkitError, InvalidInputError, OrderStatus
from didkit.broker import Procurement, ProcurementFailedError, ProcurementIncompleteError
from didkit.ledger import MemoryLedger, numbers_of

CARRIERS = ("didww", "wavix")


@pytest.fixture(scope="module")
def module_sandbox() -> Sandbox:
    return Sandbox()


@pytest.fixture
def sandbox(module_sandbox: Sandbox) -> Sandbox:
    """The module's emulators, rebuilt for this test (each test resets them first)."""
    module_sandbox.reset()
    module_sandbox.emulators["didww"].back_orders = "wait"  # type: ignore[attr-defined]
    return module_sandbox


def connect(sandbox: Sandbox, name: str, *, use_async: bool = False, **options: Any) -> Any:
    return sandbox.provider(name, use_async=use_async, **options)


def procure(providers: list[Any], count: int, **kwargs: Any) -> Procurement:
    kwargs.setdefault("ledger", MemoryLedger())
    kwargs.setdefault("settle_window", 0)
    kwargs.setdefault("reference", "count-1")
    kwargs.setdefault("wait", WAIT)
    kwargs.setdefault("strategy", "in_order")
    return didkit.procure(QUERY, providers, count=count, **kwargs)


def check_books(sandbox: Sandbox, count: int, outcome: Procurement | BaseException) -> int:
    """The invariant: never more than ``count`` on the books; a Procurement holds exactly what the
    books hold; an error carries what was bought (an ambiguous one may stand for one more order)."""
    purchased = sandbox.purchased()
    total = sum(len(numbers) for numbers in purchased.values())
    assert total <= count, f"{total} bought for count={count}: {purchased} ({outcome!r})"
    if isinstance(outcome, Procurement):
        assert total == count == outcome.bought, f"{outcome!r} but the books say {purchased}"
        delivered = {did.number for did in outcome.numbers}
        assert delivered <= {n for numbers in purchased.values() for n in numbers}
        return total
    assert isinstance(outcome, DidkitError), f"not a DidkitError: {outcome!r}"
    carried = outcome.procurement.bought if getattr(outcome, "procurement", None) is not None else 0  # type: ignore[attr-defined]
    if isinstance(outcome, AmbiguousPurchaseError):
        assert carried <= total, f"{outcome!r} carries {carried}, the books say {purchased}"
    else:
        assert total == carried, f"{type(outcome).__name__} carries {carried}, the books say {purchased}"
    return total


def run(sandbox: Sandbox, providers: list[Any], count: int, **kwargs: Any) -> Procurement | DidkitError:
    try:
        result: Procurement | DidkitError = procure(providers, count, **kwargs)
    except DidkitError as error:
        result = error
    check_books(sandbox, count, result)
    return result


# -- quantity and partial fills ----------------------------------------------------------------


def test_an_any_number_offer_fills_the_count_in_one_order(sandbox: Sandbox) -> None:
    result = run(sandbox, [connect(sandbox, "didww")], 4)
    assert isinstance(result, Procurement)
    assert len(result.orders) == 1 and result.order.requested == 4 and len(result.numbers) == 4
    assert result.orders[0].reference == "count-1#1"  # one carrier reference per order


def test_a_partial_fill_continues_on_the_next_carrier(sandbox: Sandbox) -> None:
    didww = sandbox.emulators["didww"]
    didww.keep_in_stock("la_213", 2)  # type: ignore[attr-defined]
    didww.keep_in_stock("la_310", 0)  # type: ignore[attr-defined]
    didww.back_orders = "partial"  # type: ignore[attr-defined]
    providers = [connect(sandbox, "didww", allow_back_ordering=True), connect(sandbox, "wavix")]
    result = run(sandbox, providers, 5)
    assert isinstance(result, Procurement)
    assert result.orders[0].status is OrderStatus.PARTIAL and len(result.orders[0].numbers) == 2
    assert {o.provider for o in result.orders} == {"didww", "wavix"}
    assert len(sandbox.purchased()["didww"]) == 2 and len(sandbox.purchased()["wavix"]) == 3
    assert len(result.numbers) == 5 and result.order is result.orders[0]


def test_short_of_offers_raises_carrying_what_was_bought(sandbox: Sandbox) -> None:
    sandbox.emulators["didww"].sell_out()
    result = run(sandbox, [connect(sandbox, "didww"), connect(sandbox, "wavix")], 5)
    assert isinstance(result, ProcurementIncompleteError) and isinstance(result, ProcurementFailedError)
    assert result.procurement is not None and result.procurement.bought == 3
    assert "bought 3 of the 5" in str(result)


def test_the_same_reference_continues_a_short_fill_and_then_buys_nothing(sandbox: Sandbox) -> None:
    ledger = MemoryLedger()
    sandbox.emulators["didww"].sell_out()
    providers = [connect(sandbox, "wavix"), connect(sandbox, "didww")]
    with pytest.raises(ProcurementIncompleteError) as short:
        procure(providers, 4, ledger=ledger)
    assert short.value.procurement is not None
    earlier = short.value.procurement.orders
    sandbox.emulators["didww"].reset()
    done = procure(providers, 4, ledger=ledger)
    assert done.bought == 4 and sandbox.bought() == 4
    assert done.orders[: len(earlier)] == earlier and len(done.orders) == len(earlier) + 1
    assert [o.reference for o in done.orders] == [f"count-1#{n}" for n in range(1, len(done.orders) + 1)]
    again = procure(providers, 4, ledger=ledger)
    assert again.bought == 4 and sandbox.bought() == 4
    with pytest.raises(InvalidInputError, match="procured for 4"):
        procure(providers, 5, ledger=ledger)


def test_bad_counts_are_refused_before_anything_runs(sandbox: Sandbox) -> None:
    for bad in (0, -1, True, 1.5):
        with pytest.raises(InvalidInputError, match="count"):
            procure([connect(sandbox, "didww")], bad)
    assert sandbox.bought() == 0 and all(not e.requests for e in sandbox.emulators.values())


# -- the fault matrix ----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 4])
@pytest.mark.parametrize("carrier", CARRIERS)
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_fault_on_one_carrier_never_overshoots(sandbox: Sandbox, fault: str, carrier: str, count: int) -> None:
    other = next(name for name in CARRIERS if name != carrier)
    FAULTS[fault](sandbox.emulators[carrier], carrier)
    result = run(sandbox, [connect(sandbox, carrier), connect(sandbox, other)], count)
    if fault in ("insufficient-funds", "sold-out", "auth-failure") and other == "didww":
        assert isinstance(result, Procurement)  # the other carrier fills it all


@pytest.mark.parametrize("count", [2, 5])
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_the_same_fault_on_both_carriers_never_overshoots(sandbox: Sandbox, fault: str, count: int) -> None:
    for name, emulator in sandbox.emulators.items():
        FAULTS[fault](emulator, name)
    run(sandbox, [connect(sandbox, name) for name in CARRIERS], count)


# -- hold_first --------------------------------------------------------------------------------

HOLD_FAULTS = {
    "none": lambda e: None,
    "order-500": lambda e: e.faults.inject(PURCHASE_ROUTE["didww"], status=500, times=None),
    "order-lost-reply": lambda e: e.faults.inject(PURCHASE_ROUTE["didww"], commit_then_drop=True),
    "order-drop": lambda e: e.faults.inject(PURCHASE_ROUTE["didww"], drop=True, times=None),
    "hold-lost-reply": lambda e: e.faults.inject("POST /did_reservations", commit_then_drop=True),
    "hold-500": lambda e: e.faults.inject("POST /did_reservations", status=500, times=2),
    "release-503-once": lambda e: e.faults.inject("DELETE /did_reservations/{id}", status=503),
    "funds": lambda e: e.set_balance("0"),
    "order-401": lambda e: e.faults.inject(PURCHASE_ROUTE["didww"], status=401, times=None),
    "lookups-fail": lambda e: e.faults.inject("GET /dids", status=503, times=None),
}


@pytest.mark.parametrize("fault", sorted(HOLD_FAULTS))
def test_hold_first_leaves_no_hold_behind(sandbox: Sandbox, fault: str) -> None:
    didww = sandbox.emulators["didww"]
    HOLD_FAULTS[fault](didww)
    providers = [connect(sandbox, "didww", specific_numbers=True), connect(sandbox, "wavix")]
    result = run(sandbox, providers, 3, hold_first=True)
    didww.faults.clear()
    assert didww.held_numbers() == [], f"{fault}: holds left {didww.held_numbers()} after {result!r}"  # type: ignore[attr-defined]
    if fault == "none":
        assert isinstance(result, Procurement)
        held = [r for r in didww.requests if r.method == "POST" and r.path.endswith("/did_reservations")]
        assert len(held) == 3  # every number held before the first order
        first_order = next(i for i, r in enumerate(didww.requests) if r.path.endswith("/orders"))
        assert all(didww.requests.index(r) < first_order for r in held)


def test_hold_first_releases_unused_holds_when_a_purchase_is_cancelled(sandbox: Sandbox) -> None:
    didww = sandbox.emulators["didww"]

    class Cancelling:
        """A DIDWW provider whose second purchase is cancelled (as by task.cancel())."""

        def __init__(self, inner: Any) -> None:
            self.inner = inner
            self.purchases = 0

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

        async def purchase(self, offer: Any, **kwargs: Any) -> Any:
            self.purchases += 1
            if self.purchases == 2:
                raise asyncio.CancelledError
            return await self.inner.purchase(offer, **kwargs)

    provider = Cancelling(connect(sandbox, "didww", use_async=True, specific_numbers=True))

    async def main() -> None:
        await didkit.procure_async(
            QUERY, [provider], reference="cancel-1", count=3, hold_first=True, ledger=MemoryLedger(), wait=WAIT
        )

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(main())
    assert didww.held_numbers() == []  # type: ignore[attr-defined]
    assert len(sandbox.purchased()["didww"]) == 1


def test_hold_first_skips_a_number_taken_before_it_was_held(sandbox: Sandbox) -> None:
    provider = connect(sandbox, "didww", specific_numbers=True)
    first = next(iter(provider.search_numbers(QUERY)))
    sandbox.emulators["didww"].faults.inject(
        "POST /did_reservations", status=422, message="available_did - has already been reserved"
    )
    result = run(sandbox, [provider], 2, hold_first=True)
    assert isinstance(result, Procurement)
    assert first.number not in {did.number for did in result.numbers}
    assert result.attempts[0].outcome == "skipped" and result.attempts[0].offer.number == first.number
    assert sandbox.emulators["didww"].held_numbers() == []  # type: ignore[attr-defined]


def test_pending_orders_count_as_all_they_asked_for() -> None:
    order = didkit.Order("o", "didww", OrderStatus.PENDING, requested=3)
    assert numbers_of(order) == 3
    assert numbers_of(didkit.Order("o", "didww", OrderStatus.PARTIAL, requested=3)) == 0


def test_a_settled_earlier_purchase_is_carried_when_nothing_else_is_left(sandbox: Sandbox) -> None:
    """The retry settles the earlier batch (bought after all), then finds no offer for the rest:
    the error carries what the reference owns, rather than reading like nothing was bought."""
    wavix, didww = sandbox.emulators["wavix"], sandbox.emulators["didww"]
    didww.sell_out()
    wavix.faults.inject("POST /v1/buy/cart/checkout", commit_then_drop=True)
    lookups = wavix.faults.inject("GET /v1/numbers", status=500, times=None)
    ledger = MemoryLedger()
    providers = [connect(sandbox, "wavix"), connect(sandbox, "didww")]
    with pytest.raises(didkit.AmbiguousPurchaseError):
        procure(providers, 10, ledger=ledger, reference="carried")
    bought = sandbox.purchased()["wavix"]
    assert bought and sandbox.purchased()["didww"] == []
    wavix.faults.clear()
    assert lookups not in wavix.faults.armed
    wavix.sell_out()  # nothing left anywhere for the rest
    with pytest.raises(ProcurementIncompleteError) as caught:
        procure([connect(sandbox, "wavix"), connect(sandbox, "didww")], 10, ledger=ledger, reference="carried")
    carried = caught.value.procurement
    assert carried is not None
    owned = sorted(n.number for n in carried.numbers)
    assert owned == sorted(bought) == sorted(sandbox.purchased()["wavix"])
