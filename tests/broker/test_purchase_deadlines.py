"""A purchase's ``wait`` bounds the whole call, on both carriers' sandboxes (virtual time: the
emulator and the provider share one clock, so nothing sleeps)."""

from __future__ import annotations

from typing import Any

import pytest

import didkit
from didkit import AmbiguousPurchaseError, OrderStatus, SearchQuery
from didkit.ledger import MemoryLedger
from didkit.sandbox import Emulator, add_recorder, remove_recorder

QUERY = SearchQuery(country="US", city="Los Angeles", limit=1)
LOOKUP = {"wavix": "GET /v1/numbers", "didww": "GET /orders"}
PURCHASE = {"wavix": "POST /v1/buy/cart/checkout", "didww": "POST /orders"}


def connect(name: str, *, use_async: bool = False, **options: Any) -> Any:
    options.setdefault("rate_limit", False)
    return (didkit.connect_async if use_async else didkit.connect)(name, sandbox=True, **options)


class AfterPurchase:
    """Arms a fault on ``emulator`` the moment it handles the purchase (so reads before it work)."""

    def __init__(self, emulator: Emulator, carrier: str, **fault: Any) -> None:
        self.emulator, self.carrier, self.fault = emulator, carrier, fault

    def __enter__(self) -> AfterPurchase:
        add_recorder(self)
        return self

    def __exit__(self, *exc: object) -> None:
        remove_recorder(self)

    def __call__(self, emulator: Emulator, request: Any, key: str | None, response: Any) -> None:
        if emulator is self.emulator and key == PURCHASE[self.carrier] and self.fault:
            emulator.faults.inject(LOOKUP[self.carrier], **self.fault)
            self.fault = {}


def elapsed(provider: Any, started: float) -> float:
    return float(provider.emulator.clock() - started)


@pytest.mark.parametrize("status", [429, 503])
def test_wavix_lookups_after_checkout_that_keep_failing_stay_within_wait(status: int) -> None:
    provider = connect("wavix")
    offer = next(provider.search_numbers(QUERY))
    provider.emulator.faults.inject(LOOKUP["wavix"], status=status, times=None)
    started = provider.emulator.clock()
    order = provider.purchase(offer, reference="deadline-1", wait=60)
    assert elapsed(provider, started) <= 60.0  # was 100 s: 15 lookups, each with its own retries
    assert order.status is OrderStatus.PENDING  # checkout said yes: bought, not yet listed
    assert provider.emulator.purchased_numbers() == [offer.number]


@pytest.mark.anyio
async def test_async_wavix_lookups_after_checkout_that_keep_failing_stay_within_wait() -> None:
    provider = connect("wavix", use_async=True)
    offer = await anext(aiter(provider.search_numbers(QUERY)))
    provider.emulator.faults.inject(LOOKUP["wavix"], status=503, times=None)
    started = provider.emulator.clock()
    order = await provider.purchase(offer, reference="deadline-async", wait=20)
    assert elapsed(provider, started) <= 30.0  # max(wait, the request timeout)
    assert order.status is OrderStatus.PENDING
    await provider.aclose()


@pytest.mark.parametrize("carrier", ["wavix", "didww"])
def test_an_unknown_outcome_that_cannot_be_settled_in_time_is_ambiguous(carrier: str) -> None:
    provider = connect(carrier)
    offer = next(provider.search_numbers(QUERY))
    provider.emulator.faults.inject(PURCHASE[carrier], commit_then_drop=True)
    started = provider.emulator.clock()
    with (
        AfterPurchase(provider.emulator, carrier, status=503, times=None),
        pytest.raises(AmbiguousPurchaseError) as caught,
    ):
        provider.purchase(offer, reference="deadline-2", wait=45)
    assert elapsed(provider, started) <= 45.0
    assert caught.value.reference == "deadline-2"
    assert len(provider.emulator.purchased_numbers()) == 1  # it did happen: ambiguous, never "failed"


def test_wait_zero_still_sends_the_order_within_one_timeout() -> None:
    provider = connect("didww", timeout=10.0)
    offer = next(provider.search_numbers(QUERY))
    started = provider.emulator.clock()
    order = provider.purchase(offer, reference="deadline-3", wait=0)
    assert elapsed(provider, started) <= 10.0
    assert order.status in (OrderStatus.PENDING, OrderStatus.COMPLETED)


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_a_completed_didww_order_whose_numbers_cannot_be_read_says_so(use_async: bool) -> None:
    provider = connect("didww", use_async=use_async)
    offer = await anext(aiter(provider.search_numbers(QUERY))) if use_async else next(provider.search_numbers(QUERY))
    provider.emulator.faults.inject("GET /dids", status=503, times=None)
    bought = provider.purchase(offer, reference="numbers-later", wait=30)
    order = await bought if use_async else bought
    assert order.status is OrderStatus.COMPLETED
    assert order.numbers == () and order.numbers_pending  # bought: its numbers are still to come
    provider.emulator.faults.clear()
    fetched = provider.get_order(order.id)
    filled = await fetched if use_async else fetched
    assert not filled.numbers_pending
    assert [did.number for did in filled.numbers] == provider.emulator.purchased_numbers()
    if use_async:
        await provider.aclose()


def test_a_pending_order_has_its_numbers_pending() -> None:
    provider = connect("wavix")
    offer = next(provider.search_numbers(QUERY))
    provider.emulator.faults.inject(LOOKUP["wavix"], status=503, times=None)
    order = provider.purchase(offer, reference="pending-numbers", wait=5)
    assert order.status is OrderStatus.PENDING and order.numbers_pending
    provider.emulator.faults.clear()
    assert not provider.get_order(order.id).numbers_pending


# -- a 429 on checkout, and settling an ambiguous Wavix outcome -------------------------------------


def requests_to(emulator: Emulator, method: str, path: str) -> int:
    return sum(1 for r in emulator.requests if r.method == method and r.path == path)


def test_wavix_checkout_429_waits_out_retry_after_and_buys_the_same_offer() -> None:
    provider = connect("wavix")
    emulator = provider.emulator
    offer = next(provider.search_numbers(QUERY))
    emulator.faults.inject(PURCHASE["wavix"], status=429, times=1)  # Retry-After: 1
    started = emulator.clock()
    order = provider.purchase(offer, reference="busy-1", wait=30)
    assert order.numbers[0].number == offer.number
    assert emulator.purchased_numbers() == [offer.number]
    assert requests_to(emulator, "POST", "/v1/buy/cart/checkout") == 2
    assert emulator.clock() - started >= 1.0  # it waited the carrier's Retry-After


def test_a_checkout_429_whose_retry_after_outlasts_wait_is_a_rate_limit_not_a_wait() -> None:
    provider = connect("wavix", timeout=5.0)
    emulator = provider.emulator
    offer = next(provider.search_numbers(QUERY))
    emulator.faults.inject(PURCHASE["wavix"], status=429, times=None)
    started = emulator.clock()
    with pytest.raises(didkit.RateLimitedError):
        provider.purchase(offer, reference="busy-2", wait=3)
    assert emulator.clock() - started <= 5.0
    assert emulator.purchased_numbers() == []


def test_procure_buys_the_wavix_offer_after_a_checkout_429() -> None:
    wavix, didww = connect("wavix"), connect("didww")
    wavix.emulator.faults.inject(PURCHASE["wavix"], status=429, times=1)
    result = didkit.procure(
        QUERY, [wavix, didww], reference="busy-3", strategy="in_order", ledger=MemoryLedger(), settle_window=0
    )
    assert result.provider == "wavix"  # not every Wavix offer skipped
    assert didww.emulator.purchased_numbers() == []


def test_an_ambiguous_wavix_purchase_retried_settles_with_one_lookup() -> None:
    provider = connect("wavix", timeout=5.0)
    emulator = provider.emulator
    offer = next(provider.search_numbers(QUERY))
    emulator.faults.inject(PURCHASE["wavix"], commit_then_drop=True)
    with AfterPurchase(emulator, "wavix", status=503, times=None), pytest.raises(AmbiguousPurchaseError):
        provider.purchase(offer, reference="settle-1", wait=20)
    emulator.faults.clear()  # the carrier answers again
    before = len(emulator.requests)
    order = provider.purchase(offer, reference="settle-1", wait=20)
    sent = emulator.requests[before:]
    assert [(r.method, r.path) for r in sent] == [("GET", "/v1/numbers")]  # one lookup, no checkout
    assert order.numbers[0].number == offer.number
    assert emulator.purchased_numbers() == [offer.number]


def test_an_ambiguous_wavix_procurement_retried_in_a_new_process_settles_with_one_lookup() -> None:
    ledger = MemoryLedger()
    first = connect("wavix", timeout=5.0)
    emulator = first.emulator
    emulator.faults.inject(PURCHASE["wavix"], commit_then_drop=True)
    with AfterPurchase(emulator, "wavix", status=503, times=None), pytest.raises(AmbiguousPurchaseError):
        didkit.procure(QUERY, [first], reference="settle-2", ledger=ledger, settle_window=0, wait=20)
    emulator.faults.clear()
    again = connect("wavix", emulator=emulator, rate_limit=False)  # a new provider: no memory of it
    before = len(emulator.requests)
    result = didkit.procure(QUERY, [again], reference="settle-2", ledger=ledger, settle_window=0)
    sent = [(r.method, r.path) for r in emulator.requests[before:]]
    assert sent == [("GET", "/v1/numbers")]  # one lookup settles it; no search, no checkout
    assert result.order.numbers[0].number == emulator.purchased_numbers()[0]
    assert len(emulator.purchased_numbers()) == 1
