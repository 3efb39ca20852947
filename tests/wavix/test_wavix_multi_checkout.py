"""Wavix: several specific numbers in one cart and one checkout (``ids[]``), directly and through
``procure(count=n)``; an unknown checkout outcome settled by looking every number up."""

from __future__ import annotations

import json
from typing import Any

import pytest
from didkit_wavix.emulator import WavixEmulator

import didkit
from didkit import InvalidInputError, OrderStatus, SearchQuery, UnsupportedOperationError
from didkit.ledger import MemoryLedger

LA = SearchQuery(country="US", city="Los Angeles", limit=3)
CHECKOUT = "POST /v1/buy/cart/checkout"


@pytest.fixture
def emu() -> Any:
    return WavixEmulator()


@pytest.fixture
def wavix(emu: Any) -> Any:
    provider = didkit.connect("wavix", emulator=emu, sandbox=True, rate_limit=False, sleep=lambda s: None)
    yield provider
    provider.close()


def _posts(emu: Any, path: str) -> list[Any]:
    return [r for r in emu.requests if r.path == path and r.method in ("POST", "PUT")]


def test_several_numbers_in_one_checkout(wavix: Any, emu: Any) -> None:
    offers = list(wavix.search_numbers(LA))
    assert wavix.capabilities.multi_number_checkout
    order = wavix.purchase_offers(offers, reference="multi-1")
    assert order.status is OrderStatus.COMPLETED and order.requested == 3
    assert sorted(d.number for d in order.numbers) == sorted(o.number for o in offers)
    (checkout,) = _posts(emu, "/v1/buy/cart/checkout")
    assert sorted(json.loads(checkout.body)["ids"]) == sorted(o.number.lstrip("+") for o in offers)
    assert sorted(emu.purchased_numbers()) == sorted(o.number for o in offers)


def test_a_lost_checkout_reply_is_settled_by_looking_every_number_up(wavix: Any, emu: Any) -> None:
    offers = list(wavix.search_numbers(LA))
    emu.faults.inject(CHECKOUT, commit_then_drop=True)
    order = wavix.purchase_offers(offers)
    assert order.status is OrderStatus.COMPLETED and len(order.numbers) == 3


def test_a_failed_checkout_buys_nothing_and_empties_the_cart(wavix: Any, emu: Any) -> None:
    offers = list(wavix.search_numbers(LA))
    emu.set_balance("1.00")
    with pytest.raises(didkit.InsufficientFundsError):
        wavix.purchase_offers(offers)
    assert emu.purchased_numbers() == []
    assert emu.snapshot()["cart"] == []


def test_bad_batches_are_refused_before_any_request(wavix: Any, emu: Any) -> None:
    offers = list(wavix.search_numbers(LA))
    before = len(emu.requests)
    for bad in ([], [offers[0], offers[0]], offers[0]):
        with pytest.raises(InvalidInputError):
            wavix.purchase_offers(bad)
    assert len(emu.requests) == before
    with didkit.connect("didww", sandbox=True, rate_limit=False, specific_numbers=True) as didww:
        specific = [o for o in didww.search_numbers(SearchQuery(country="US", contains="213")) if o.number][:2]
        sent = len(didww.emulator.requests)
        with pytest.raises(UnsupportedOperationError, match="multi_number_checkout"):
            didww.purchase_offers(specific)
        assert len(didww.emulator.requests) == sent


def test_procure_count_buys_wavix_numbers_in_one_checkout(wavix: Any, emu: Any) -> None:
    result = didkit.procure(LA, [wavix], reference="multi-p", count=3, ledger=MemoryLedger(), settle_window=0)
    assert len(result.orders) == 1 and len(result.numbers) == 3
    assert len(_posts(emu, "/v1/buy/cart/checkout")) == 1
    assert [a.outcome for a in result.attempts] == ["purchased"] * 3
    assert sorted(emu.purchased_numbers()) == sorted(d.number for d in result.numbers)
