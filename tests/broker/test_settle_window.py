"""A late commit or a lagging list cannot pass for "nothing was bought": the scenarios of issue 14,
on both carriers' sandboxes (virtual time shared by provider and emulator: nothing sleeps)."""

from __future__ import annotations

from typing import Any

import pytest

import didkit
from didkit import AmbiguousPurchaseError, InvalidInputError, OrderStatus, SearchQuery
from didkit.ledger import MemoryLedger
from didkit.sandbox import VirtualClock

QUERY = SearchQuery(country="US", city="Los Angeles", limit=3)
PURCHASE = {"wavix": "POST /v1/buy/cart/checkout", "didww": "POST /orders"}
LIST = {"wavix": "GET /v1/numbers", "didww": "GET /orders"}


def connect(name: str, **options: Any) -> Any:
    options.setdefault("rate_limit", False)
    return didkit.connect(name, sandbox=True, **options)


def test_didww_commit_after_the_client_timed_out_is_found_not_bought_twice() -> None:
    provider = connect("didww", timeout=0.75)
    emulator = provider.emulator
    offers = list(provider.search_numbers(QUERY))
    emulator.faults.inject(PURCHASE["didww"], commit_late=1.0)
    order = provider.purchase(offers[0], reference="late-1", wait=30)
    assert order.reference == "late-1"
    assert len(emulator.purchased_numbers()) == 1
    again = provider.purchase(offers[1], reference="late-1", wait=30)  # the same reference: that order
    assert again.id == order.id
    assert len(emulator.purchased_numbers()) == 1
    assert emulator.late_commits == 0


def test_didww_late_commit_with_a_settle_window_of_zero_is_the_old_double_purchase() -> None:
    """What the window prevents: believing the first look sends a second order."""
    provider = connect("didww", timeout=0.75, settle_window=0)
    emulator = provider.emulator
    offers = list(provider.search_numbers(QUERY))
    emulator.faults.inject(PURCHASE["didww"], commit_late=1.0)
    with pytest.raises(didkit.TransportError) as caught:
        provider.purchase(offers[0], reference="late-0", wait=30)
    assert caught.value.outcome_unknown is False  # "proven" absent: wrongly
    provider.purchase(offers[1], reference="late-0", wait=30)  # a broker failing over at once
    emulator.settle()  # the carrier finishes what it started
    assert len(emulator.purchased_numbers()) == 2


def test_wavix_lost_reply_and_a_list_two_reads_behind_is_found() -> None:
    provider = connect("wavix")
    emulator = provider.emulator
    offer = next(provider.search_numbers(QUERY))
    emulator.faults.inject(LIST["wavix"], lag=True, times=2)
    emulator.faults.inject(PURCHASE["wavix"], commit_then_drop=True)
    order = provider.purchase(offer, reference="lag-1", wait=30)
    assert order.status is OrderStatus.COMPLETED
    assert order.numbers[0].number == offer.number
    assert emulator.purchased_numbers() == [offer.number]


@pytest.mark.parametrize("carrier", ["wavix", "didww"])
def test_the_window_closes_with_nothing_found_and_the_error_is_known(carrier: str) -> None:
    provider = connect(carrier, settle_window=6)
    emulator = provider.emulator
    offer = next(provider.search_numbers(QUERY))
    emulator.faults.inject(PURCHASE[carrier], drop=True)  # dropped before the carrier saw it
    started = emulator.clock()
    with pytest.raises(didkit.TransportError) as caught:
        provider.purchase(offer, reference="absent-1", wait=30)
    assert caught.value.outcome_unknown is False
    assert emulator.clock() - started >= 6.0  # not believed before the window closed
    assert emulator.purchased_numbers() == []


@pytest.mark.parametrize("carrier", ["wavix", "didww"])
def test_a_deadline_inside_the_window_leaves_the_outcome_unknown(carrier: str) -> None:
    provider = connect(carrier, settle_window=60, timeout=5.0)
    emulator = provider.emulator
    offer = next(provider.search_numbers(QUERY))
    emulator.faults.inject(PURCHASE[carrier], drop=True)
    with pytest.raises(AmbiguousPurchaseError, match="deadline") as caught:
        provider.purchase(offer, reference="open-1", wait=10)
    assert caught.value.reference == "open-1"


@pytest.mark.parametrize("first", ["didww", "wavix"])
def test_procure_never_fails_over_while_the_window_is_open(first: str) -> None:
    clock = VirtualClock()
    emulators = {name: didkit.connect(name, sandbox=True).emulator for name in ("wavix", "didww")}
    for emulator in emulators.values():
        emulator.clock, emulator.sleep = clock, clock.sleep
    providers = [
        didkit.connect(
            name,
            emulator=emulators[name],
            clock=clock,
            sleep=clock.sleep,
            async_sleep=clock.async_sleep,
            rate_limit=False,
            timeout=0.75,
        )
        for name in (first, "wavix" if first == "didww" else "didww")
    ]
    emulators[first].faults.inject(PURCHASE[first], commit_late=1.0)
    result = didkit.procure(
        QUERY, providers, reference="window-1", strategy="in_order", ledger=MemoryLedger(), settle_window=0
    )
    books = {name: emulator.purchased_numbers() for name, emulator in emulators.items()}
    assert result.provider == first
    assert sum(map(len, books.values())) == 1, books


def test_late_and_lag_faults_are_checked_when_declared() -> None:
    emulator = connect("wavix").emulator
    with pytest.raises(InvalidInputError, match="commit_late"):
        emulator.faults.inject(PURCHASE["wavix"], commit_late=0)
    with pytest.raises(InvalidInputError, match="commit_late"):
        emulator.faults.inject(PURCHASE["wavix"], commit_late=float("inf"))
    with pytest.raises(InvalidInputError, match="read route"):
        emulator.faults.inject(PURCHASE["wavix"], lag=True)
    with pytest.raises(InvalidInputError, match="read route"):
        emulator.faults.inject("*", lag=True)
    with pytest.raises(InvalidInputError, match="one thing at a time"):
        emulator.faults.inject(PURCHASE["wavix"], commit_late=1.0, status=503)
    with pytest.raises(InvalidInputError, match="lag"):
        emulator.faults.inject(LIST["wavix"], lag="yes")  # type: ignore[arg-type]
    assert emulator.faults.armed == []


def test_settle_carries_out_late_commits() -> None:
    provider = connect("didww", timeout=0.75, settle_window=0)
    emulator = provider.emulator
    offer = next(provider.search_numbers(QUERY))
    emulator.faults.inject(PURCHASE["didww"], commit_late=100.0)
    with pytest.raises(didkit.TransportError):
        provider.purchase(offer, reference="later", wait=1)
    assert emulator.purchased_numbers() == [] and emulator.late_commits == 1
    assert emulator.settle() == 1
    assert len(emulator.purchased_numbers()) == 1


def test_a_bad_settle_window_option_is_a_configuration_error() -> None:
    for name in ("wavix", "didww"):
        with pytest.raises(didkit.ConfigurationError, match="settle_window"):
            connect(name, settle_window=-1)
