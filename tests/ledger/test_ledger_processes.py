"""Crashes and races across real processes, against the emulators served on loopback, on a real
SQLite file and a real PostgreSQL server: whatever happens, the carrier's own books show one
purchase per reference."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator
from importlib.metadata import entry_points
from typing import Any

import pytest

import didkit
from didkit import SearchQuery
from didkit.sandbox import add_recorder, remove_recorder

QUERY = SearchQuery(country="US", city="Los Angeles", limit=3)
PURCHASE_ROUTE = {"wavix": "POST /v1/buy/cart/checkout", "didww": "POST /orders"}
CARRIERS = ("wavix", "didww")
FORK = multiprocessing.get_context("fork")  # fast, and each child opens its own ledger connection


@pytest.fixture(scope="module")
def carriers() -> Iterator[dict[str, tuple[Any, str]]]:
    """Both emulators, served once for the module: name → (emulator, base_url)."""
    found = {ep.name: ep for ep in entry_points(group="didkit.emulators")}
    served = {}
    emulators = {
        "wavix": found["wavix"].load()(seed=0, rate_limit=None),
        "didww": found["didww"].load()(seed=0, rate_limit=None, order_pending_polls=0),
    }
    for name, emulator in emulators.items():
        served[name] = emulator.serve(port=0)
    try:
        yield {
            "wavix": (emulators["wavix"], served["wavix"].url),
            "didww": (emulators["didww"], served["didww"].url + "/v3"),
        }
    finally:
        for server in served.values():
            server.close()


@pytest.fixture
def books(carriers: dict[str, tuple[Any, str]]) -> dict[str, tuple[Any, str]]:
    for emulator, _ in carriers.values():
        emulator.reset()
    return carriers


def _procure(
    spec: str,
    options: dict[str, Any],
    carrier: str,
    url: str,
    reference: str,
    crash: str | None,
    out: Any,
    count: int = 1,
) -> None:
    """A child process: procure under ``reference``; SIGKILL itself at the ``crash`` point."""
    ledger = didkit.open_ledger(spec, **options)

    def die_after(method: Callable[..., Any], when: Callable[..., bool]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            if when(*args, **kwargs):
                os.kill(os.getpid(), signal.SIGKILL)
            return method(*args, **kwargs)

        return call

    if crash == "before the request":  # the intent is committed, the request never leaves
        record = ledger.record_intent

        def record_then_die(*args: Any, **kwargs: Any) -> Any:
            record(*args, **kwargs)
            os.kill(os.getpid(), signal.SIGKILL)

        ledger.record_intent = record_then_die  # type: ignore[method-assign]
    elif crash == "after the reply":  # the carrier answered; the ledger never hears of it
        ledger.record_outcome = die_after(ledger.record_outcome, lambda *a, **k: a[2] == "bought")  # type: ignore[method-assign]
    provider = didkit.connect(carrier, api_key="test-key", base_url=url, timeout=5)
    try:
        result = didkit.procure(
            QUERY, [provider], reference=reference, ledger=ledger, wait=5, settle_window=0, count=count
        )
        out.put(("ok", sorted(did.number for did in result.numbers)))
    except Exception as error:
        out.put(("error", f"{type(error).__name__}: {error}"))


def _child(maker: Any, carrier: str, url: str, reference: str, crash: str | None, out: Any, count: int = 1) -> Any:
    process = FORK.Process(
        target=_procure, args=(maker.spec, maker.options, carrier, url, reference, crash, out, count)
    )
    process.start()
    return process


@pytest.mark.parametrize("carrier", CARRIERS)
@pytest.mark.parametrize("crash", ["before the request", "after the commit, before the reply", "after the reply"])
def test_a_killed_purchase_is_settled_by_the_next_process(
    durable_ledger: Any, books: dict[str, tuple[Any, str]], carrier: str, crash: str
) -> None:
    emulator, url = books[carrier]
    out = FORK.SimpleQueue()
    committed = threading.Event()

    def on_purchase(emu: Any, request: Any, key: str | None, response: Any) -> None:
        if emu is emulator and key == PURCHASE_ROUTE[carrier]:
            committed.set()

    if crash.startswith("after the commit"):
        # The carrier commits, then holds the reply back until the client is gone.
        emulator.faults.inject(PURCHASE_ROUTE[carrier], commit_then_drop=True, latency=30)
        add_recorder(on_purchase)
        try:
            first = _child(durable_ledger, carrier, url, "crash-ref", None, out)
            assert committed.wait(20), "the purchase never reached the carrier"
            os.kill(first.pid, signal.SIGKILL)
        finally:
            remove_recorder(on_purchase)
    else:
        first = _child(durable_ledger, carrier, url, "crash-ref", crash, out)
    first.join(20)
    assert first.exitcode == -signal.SIGKILL
    assert out.empty()
    entry = durable_ledger().get("crash-ref")
    assert entry is not None and entry.state == "intent"  # what the dead process left behind
    bought_before = list(emulator.purchased_numbers())
    assert len(bought_before) == (0 if crash == "before the request" else 1)

    retry = _child(durable_ledger, carrier, url, "crash-ref", None, out)
    retry.join(30)
    status, numbers = out.get()
    assert status == "ok", numbers
    assert sorted(emulator.purchased_numbers()) == numbers  # exactly one number on the carrier's own books
    if bought_before:
        assert numbers == bought_before  # the retry returned the number the dead process bought
    assert durable_ledger().get("crash-ref").state == "bought"


@pytest.mark.parametrize("carrier", CARRIERS)
def test_eight_processes_with_one_reference_buy_once(
    durable_ledger: Any, books: dict[str, tuple[Any, str]], carrier: str
) -> None:
    emulator, url = books[carrier]
    durable_ledger.options["poll"] = 0.05
    durable_ledger().get("race-ref")  # the schema exists before the race starts
    out = FORK.SimpleQueue()
    children = [_child(durable_ledger, carrier, url, "race-ref", None, out) for _ in range(8)]
    for child in children:
        child.join(30)
    results = [out.get() for _ in children]
    assert {status for status, _ in results} == {"ok"}, results
    assert len({tuple(numbers) for _, numbers in results}) == 1
    assert sorted(emulator.purchased_numbers()) == results[0][1]


@pytest.mark.parametrize("carrier", CARRIERS)
def test_a_count_killed_after_its_first_order_is_filled_by_the_next_process(
    durable_ledger: Any, books: dict[str, tuple[Any, str]], carrier: str
) -> None:
    emulator, url = books[carrier]
    out = FORK.SimpleQueue()
    first = _child(durable_ledger, carrier, url, "count-crash", "after the reply", out, count=3)
    first.join(20)
    assert first.exitcode == -signal.SIGKILL
    bought_before = list(emulator.purchased_numbers())
    assert 1 <= len(bought_before) <= 3
    retry = _child(durable_ledger, carrier, url, "count-crash", None, out, count=3)
    retry.join(30)
    status, numbers = out.get()
    assert status == "ok", numbers
    assert sorted(emulator.purchased_numbers()) == numbers and len(numbers) == 3  # never more than 3
    assert set(bought_before) <= set(numbers)
    entry = durable_ledger().get("count-crash")
    assert entry.state == "bought" and entry.bought == 3


@pytest.mark.parametrize("carrier", CARRIERS)
def test_four_processes_with_one_reference_fill_one_count(
    durable_ledger: Any, books: dict[str, tuple[Any, str]], carrier: str
) -> None:
    emulator, url = books[carrier]
    durable_ledger.options["poll"] = 0.05
    durable_ledger().get("race-count")
    out = FORK.SimpleQueue()
    children = [_child(durable_ledger, carrier, url, "race-count", None, out, count=3) for _ in range(4)]
    for child in children:
        child.join(30)
    results = [out.get() for _ in children]
    assert {status for status, _ in results} == {"ok"}, results
    assert len({tuple(numbers) for _, numbers in results}) == 1
    assert sorted(emulator.purchased_numbers()) == results[0][1] and len(results[0][1]) == 3
