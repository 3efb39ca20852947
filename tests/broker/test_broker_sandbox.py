"""procure() and compare() against the sandbox emulators of both carriers, with faults injected.

After every case the emulators' own books decide: exactly one number bought and a Procurement
returned, or none bought and a DidkitError raised (an AmbiguousPurchaseError may also stand for a
purchase the carrier booked — never any other error). Nothing here sleeps: providers get no-op
sleeps and no client-side rate limit; DIDWW's emulator runs without its 10 requests/s limit.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import pytest
from didkit_didww.emulator import DidwwEmulator
from didkit_wavix.emulator import WavixEmulator

import didkit
from didkit import (
    AmbiguousPurchaseError,
    AuthenticationError,
    DidkitError,
    NumberUnavailableError,
    OrderStatus,
    SearchQuery,
)
from didkit.broker import Procurement, ProcurementFailedError
from didkit.ledger import MemoryLedger
from didkit.sandbox import Emulator, VirtualClock, add_recorder, remove_recorder

CARRIERS = ("wavix", "didww")
STRATEGIES = ("cheapest", "in_order")
PURCHASE_ROUTE = {"wavix": "POST /v1/buy/cart/checkout", "didww": "POST /orders"}
QUERY = SearchQuery(country="US", city="Los Angeles", limit=3)
WAIT = 5.0  # polls run at once: sleeps are no-ops


def new_emulator(name: str, clock: VirtualClock) -> Emulator:
    if name == "wavix":
        return WavixEmulator(clock=clock, sleep=clock.sleep)
    return DidwwEmulator(rate_limit=None, clock=clock, sleep=clock.sleep)


class Sandbox:
    """Both emulators, fresh providers over them, and the books — on one virtual clock, so a
    provider's pauses move the emulators' time (late commits come due) and nothing sleeps."""

    def __init__(self) -> None:
        self.clock = VirtualClock()
        self.emulators: dict[str, Emulator] = {name: new_emulator(name, self.clock) for name in CARRIERS}

    def reset(self) -> None:
        for emulator in self.emulators.values():
            emulator.reset()

    def provider(self, name: str, *, use_async: bool = False, **extra: Any) -> Any:
        options: dict[str, Any] = {
            "sandbox": True,
            "clock": self.clock,
            "sleep": self.clock.sleep,
            "async_sleep": self.clock.async_sleep,
            "rate_limit": False,
            "emulator": self.emulators[name],
            **extra,
        }
        return didkit.connect_async(name, **options) if use_async else didkit.connect(name, **options)

    def providers(
        self, order: tuple[str, ...] = CARRIERS, *, use_async: bool = False, options: dict[str, Any] | None = None
    ) -> list[Any]:
        return [self.provider(name, use_async=use_async, **(options or {}).get(name, {})) for name in order]

    def purchased(self) -> dict[str, list[str]]:
        """The books, once each carrier has carried out what it committed late."""
        for emulator in self.emulators.values():
            emulator.settle()
        return {name: emulator.purchased_numbers() for name, emulator in self.emulators.items()}

    def bought(self) -> int:
        return sum(len(numbers) for numbers in self.purchased().values())


@pytest.fixture(scope="module")
def module_sandbox() -> Sandbox:
    return Sandbox()


@pytest.fixture
def sandbox(module_sandbox: Sandbox) -> Sandbox:
    """The module's emulators, rebuilt for this test (every user of them resets them first)."""
    module_sandbox.reset()
    return module_sandbox


def procure(providers: list[Any], strategy: str = "cheapest", **kwargs: Any) -> Procurement:
    kwargs.setdefault("ledger", MemoryLedger())
    kwargs.setdefault("settle_window", 0)
    kwargs.setdefault("reference", "sandbox-1")
    kwargs.setdefault("wait", WAIT)
    return didkit.procure(QUERY, providers, strategy=strategy, **kwargs)  # type: ignore[arg-type]


def check_books(sandbox: Sandbox, outcome: Procurement | BaseException) -> None:
    """Exactly one bought and a procurement, or none and an error — never two."""
    purchased = sandbox.purchased()
    total = sum(len(numbers) for numbers in purchased.values())
    if isinstance(outcome, Procurement):
        assert total == 1, f"procure returned {outcome.order!r} but the books say {purchased}"
        assert purchased[outcome.provider], f"{outcome.provider} booked nothing: {purchased}"
        if outcome.order.numbers:
            assert outcome.order.numbers[0].number == purchased[outcome.provider][0]
    else:
        assert isinstance(outcome, DidkitError), f"not a DidkitError: {outcome!r}"
        if isinstance(outcome, AmbiguousPurchaseError):
            assert total <= 1, f"two purchases: {purchased}"
        else:
            assert total == 0, f"{type(outcome).__name__} raised but the books say {purchased}"


def attempt(sandbox: Sandbox, providers: list[Any], strategy: str) -> Procurement | DidkitError:
    try:
        result: Procurement | DidkitError = procure(providers, strategy)
    except DidkitError as error:
        result = error
    check_books(sandbox, result)
    return result


# -- the happy path and compare --------------------------------------------------------------------


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_procure_buys_exactly_one_number(sandbox: Sandbox, strategy: str) -> None:
    result = procure(sandbox.providers(), strategy)
    check_books(sandbox, result)
    assert result.attempts[-1].outcome == "purchased"
    if strategy == "in_order":
        assert result.provider == "wavix"
    assert result.order.reference == "sandbox-1" or result.order.reference is None


def test_procure_with_async_providers(sandbox: Sandbox) -> None:
    result = procure(sandbox.providers(use_async=True))
    check_books(sandbox, result)


def test_compare_over_both_sandboxes(sandbox: Sandbox) -> None:
    comparison = didkit.compare(QUERY, sandbox.providers())
    assert [r.provider for r in comparison.report] == list(CARRIERS)
    assert all(r.ok and 0 < r.offers <= 3 for r in comparison.report)
    costs = [o.cost_over(12) for o in comparison]
    known = [c.amount for c in costs if c is not None]
    assert known == sorted(known)
    assert sandbox.bought() == 0


def test_compare_reports_a_carrier_outage(sandbox: Sandbox) -> None:
    sandbox.emulators["didww"].faults.inject("*", status=503, times=None)
    comparison = didkit.compare(QUERY, sandbox.providers())
    assert isinstance(comparison.errors["didww"], didkit.ServerError)
    assert comparison.report[0].ok and len(comparison) == comparison.report[0].offers


# -- the fault matrix ------------------------------------------------------------------------------


def _funds(emulator: Emulator, carrier: str) -> None:
    emulator.set_balance("0")


def _sold_out(emulator: Emulator, carrier: str) -> None:
    emulator.sell_out()


def _server_error(emulator: Emulator, carrier: str) -> None:
    emulator.faults.inject(PURCHASE_ROUTE[carrier], status=500)


def _commit_then_drop(emulator: Emulator, carrier: str) -> None:
    emulator.faults.inject(PURCHASE_ROUTE[carrier], commit_then_drop=True)


def _drop(emulator: Emulator, carrier: str) -> None:
    emulator.faults.inject(PURCHASE_ROUTE[carrier], drop=True)


def _rate_limited(emulator: Emulator, carrier: str) -> None:
    emulator.faults.inject(PURCHASE_ROUTE[carrier], status=429, times=10)
    emulator.faults.inject("*", status=429, times=2)  # reads are retried through it


def _auth(emulator: Emulator, carrier: str) -> None:
    emulator.faults.inject("*", status=401, times=None)


def _auth_on_purchase(emulator: Emulator, carrier: str) -> None:
    emulator.faults.inject(PURCHASE_ROUTE[carrier], status=401, times=None)


LOOKUP_ROUTE = {"wavix": "GET /v1/numbers", "didww": "GET /dids"}


def _lookups_fail(emulator: Emulator, carrier: str) -> None:
    # the purchase goes through; reading the bought number back fails (after the read retries)
    emulator.faults.inject(LOOKUP_ROUTE[carrier], status=503, times=None)


FAULTS: dict[str, Callable[[Emulator, str], None]] = {
    "insufficient-funds": _funds,
    "sold-out": _sold_out,
    "5xx-before-commit": _server_error,
    "commit-then-lost-reply": _commit_then_drop,
    "connection-drop": _drop,
    "429-storm": _rate_limited,
    "auth-failure": _auth,
    "auth-failure-on-purchase": _auth_on_purchase,
    "lookups-fail-after-commit": _lookups_fail,
}
FAILS_OVER_TO_THE_OTHER = {"insufficient-funds", "sold-out", "429-storm", "auth-failure", "auth-failure-on-purchase"}


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("carrier", CARRIERS)
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_fault_on_one_carrier(sandbox: Sandbox, fault: str, carrier: str, strategy: str) -> None:
    other = next(name for name in CARRIERS if name != carrier)
    FAULTS[fault](sandbox.emulators[carrier], carrier)
    result = attempt(sandbox, sandbox.providers((carrier, other)), strategy)
    assert isinstance(result, Procurement), f"{fault} on {carrier} ({strategy}): {result!r}"
    if fault in FAILS_OVER_TO_THE_OTHER:
        assert result.provider == other
    if fault == "commit-then-lost-reply" and strategy == "in_order":
        assert result.provider == carrier  # the adapter found the number its lost reply bought
        assert result.attempts[0].outcome == "purchased"
    if fault in ("5xx-before-commit", "connection-drop") and strategy == "in_order":
        assert result.attempts[0].outcome == "failed" and result.attempts[0].provider == carrier
    if fault == "lookups-fail-after-commit" and strategy == "in_order":
        assert result.provider == carrier  # bought (perhaps pending): never a failover


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_the_same_fault_on_both_carriers(sandbox: Sandbox, fault: str, strategy: str) -> None:
    for name, emulator in sandbox.emulators.items():
        FAULTS[fault](emulator, name)
    result = attempt(sandbox, sandbox.providers(), strategy)
    if fault in FAILS_OVER_TO_THE_OTHER:
        assert isinstance(result, ProcurementFailedError)
        assert isinstance(result, NumberUnavailableError)
        if fault == "auth-failure":
            assert all(isinstance(r.error, AuthenticationError) for r in result.report)


@pytest.mark.parametrize("carrier", CARRIERS)
def test_lost_reply_and_failed_lookup_is_ambiguous_and_stops(sandbox: Sandbox, carrier: str) -> None:
    emulator = sandbox.emulators[carrier]
    emulator.faults.inject(PURCHASE_ROUTE[carrier], commit_then_drop=True)

    def outage_after_the_purchase(emu: Emulator, request: Any, key: str | None, response: Any) -> None:
        # the purchase is booked (its reply will be lost); from now on the carrier answers 503
        if emu is emulator and key == PURCHASE_ROUTE[carrier]:
            emulator.faults.inject("*", status=503, times=None)

    other = next(name for name in CARRIERS if name != carrier)
    providers = sandbox.providers((carrier, other))
    ledger = MemoryLedger()
    add_recorder(outage_after_the_purchase)
    try:
        with pytest.raises(AmbiguousPurchaseError) as caught:
            procure(providers, "in_order", ledger=ledger)
    finally:
        remove_recorder(outage_after_the_purchase)
    check_books(sandbox, caught.value)
    assert caught.value.provider == carrier
    assert sandbox.purchased()[other] == []  # never a second purchase elsewhere
    assert len(sandbox.purchased()[carrier]) == 1  # the lost reply did buy it

    # The carrier is back; the caller retries with the same reference.
    emulator.faults.clear()
    # DIDWW stores the reference: asked again, it hands back the order it took. Wavix stores
    # none: the number is looked up among the owned ones.
    result = procure(providers, "in_order", ledger=ledger)
    assert result.provider == carrier and tried_offers(result)[-1] == (carrier, "purchased")
    check_books(sandbox, result)
    assert sandbox.bought() == 1


def tried_offers(result: Procurement) -> list[tuple[str, str]]:
    return [(a.provider, a.outcome) for a in result.attempts]


def test_a_pending_order_counts_as_bought(sandbox: Sandbox) -> None:
    # DIDWW completes orders asynchronously; with wait=0 the order comes back pending
    result = procure(sandbox.providers(("didww", "wavix")), "in_order", wait=0)
    check_books(sandbox, result)
    assert result.provider == "didww" and result.pending
    assert result.order.status is OrderStatus.PENDING and result.attempts[-1].outcome == "purchased"
    assert sandbox.purchased()["wavix"] == []


def test_a_completed_order_carries_the_bought_number(sandbox: Sandbox) -> None:
    result = procure(sandbox.providers(("didww", "wavix")), "in_order")
    assert result.order.status is OrderStatus.COMPLETED and not result.pending
    assert [did.number for did in result.order.numbers] == sandbox.purchased()["didww"]


@pytest.mark.parametrize("carrier", CARRIERS)
def test_the_same_reference_again_buys_nothing(sandbox: Sandbox, carrier: str) -> None:
    ledger = MemoryLedger()
    first = procure(sandbox.providers((carrier,)), ledger=ledger)
    second = procure(sandbox.providers(CARRIERS), ledger=ledger)
    assert second.order == first.order and sandbox.bought() == 1


def test_didww_returns_the_earlier_order_for_its_reference_in_a_new_process(sandbox: Sandbox) -> None:
    # A fresh ledger stands in for a lost one: the DIDWW adapter finds the order carrier-side.
    first = procure(sandbox.providers(("didww",)), ledger=MemoryLedger())
    second = procure(sandbox.providers(("didww",)), ledger=MemoryLedger())
    assert second.order.id == first.order.id
    assert sandbox.bought() == 1


# -- the randomised run ------------------------------------------------------------------------------

SCHEDULES = 500
LATE_COMMITS = (0.5, 1.0, 3.0, 8.0)
LIST_ROUTE = {"wavix": "GET /v1/numbers", "didww": "GET /orders"}  # where a purchase is looked for
SEED = 20260416
STATUSES = (400, 401, 403, 404, 408, 422, 429, 500, 502, 503, 504)


class Outages:
    """Outages that start the moment a carrier handles a purchase (armed through a recorder), so
    the adapter's reconciliation or order lookup after it fails: the paths to ambiguity."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.pending: dict[str, tuple[int, int | None]] = {}

    def arm(self, carrier: str, status: int, times: int | None) -> None:
        self.pending[carrier] = (status, times)

    def clear(self) -> None:
        self.pending.clear()

    def __call__(self, emulator: Emulator, request: Any, key: str | None, response: Any) -> None:
        for carrier, (status, times) in list(self.pending.items()):
            if emulator is self.sandbox.emulators[carrier] and key == PURCHASE_ROUTE[carrier]:
                del self.pending[carrier]
                emulator.faults.inject("*", status=status, times=times)


def _random_fault(rng: random.Random, sandbox: Sandbox, outages: Outages, carrier: str) -> tuple[str, bool]:
    """Arm one random fault on ``carrier``; also say whether it changed the world (balance, stock)."""
    emulator = sandbox.emulators[carrier]
    routes = [route.key for route in emulator.routes()]
    route = rng.choice([PURCHASE_ROUTE[carrier]] * 6 + ["*"] * 2 + routes)  # purchases get the most abuse
    kind = rng.choice(
        ("status", "status", "drop", "commit_then_drop", "funds", "sold_out", "outage", "commit_late", "lag")
    )
    if kind == "commit_late":
        # The carrier commits after the client timed out — within the settle window (10 s), the
        # span the guarantee covers.
        delay = rng.choice(LATE_COMMITS)
        emulator.faults.inject(PURCHASE_ROUTE[carrier], commit_late=delay)
        return f"{carrier}: purchase commits {delay} s late", False
    if kind == "lag":
        # The lookups lag the purchase by a few reads; the purchase's reply is lost half the time.
        reads = rng.choice((1, 2, 3))
        emulator.faults.inject(LIST_ROUTE[carrier], lag=True, times=reads)
        if rng.random() < 0.5:
            emulator.faults.inject(PURCHASE_ROUTE[carrier], commit_then_drop=True)
            return f"{carrier}: lost reply, list {reads} reads behind", False
        return f"{carrier}: list {reads} reads behind", False
    times = rng.choice((1, 1, 1, 2, 3, None)) if kind in ("status", "drop") else rng.choice((1, 2))
    if kind == "outage":
        times = rng.choice((3, 6, None, None))
    if kind == "funds":
        emulator.set_balance(rng.choice(("0", "0.50", "1.00")))
        return f"{carrier}: balance", True
    if kind == "sold_out":
        emulator.sell_out()
        return f"{carrier}: sold out", True
    if kind == "outage":
        status = rng.choice((500, 502, 503, 504))
        outages.arm(carrier, status, times)
        if rng.random() < 0.5:  # and the purchase's own reply is lost
            emulator.faults.inject(PURCHASE_ROUTE[carrier], commit_then_drop=True)
            return f"{carrier}: lost reply, then {status} x{times}", False
        return f"{carrier}: {status} x{times} after the purchase", False
    if kind == "status":
        status = rng.choice(STATUSES)
        emulator.faults.inject(route, status=status, times=times)
        return f"{carrier}: {route} -> {status} x{times}", False
    emulator.faults.inject(route, times=times, drop=kind == "drop", commit_then_drop=kind == "commit_then_drop")
    return f"{carrier}: {route} -> {kind} x{times}", False


def test_randomised_fault_schedules_never_buy_twice_or_lose_a_purchase(
    module_sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(SEED)
    sandbox = module_sandbox
    doubles: list[str] = []
    lost: list[str] = []
    outcomes: dict[str, int] = {}
    counts: dict[int, int] = {}
    # Sync providers are reused across runs (each run has its own reference; their coverage caches
    # save time); async ones are built per run, as their clients belong to one event loop. DIDWW
    # back-orders what its stock lacks, and the emulator closes such orders partially: counts up
    # to 10 exceed one group's stock, so fills are partial and continue on the next offers.
    options = {"didww": {"allow_back_ordering": True}}
    sync_providers = {name: sandbox.provider(name, **options.get(name, {})) for name in CARRIERS}
    sandbox.emulators["didww"].back_orders = "partial"  # type: ignore[attr-defined]
    outages = Outages(sandbox)
    dirty = True
    started = time.perf_counter()
    add_recorder(outages)
    try:
        for run in range(SCHEDULES):
            # Rebuilding both worlds costs more than a run: rebuild when a run changed balance or
            # stock, and every 10 runs; otherwise count this run's purchases on top of the books.
            if dirty or run % 10 == 0:
                sandbox.reset()
            before = {name: len(numbers) for name, numbers in sandbox.purchased().items()}
            armed = [
                _random_fault(rng, sandbox, outages, carrier)
                for carrier in (rng.choice(CARRIERS) for _ in range(rng.randint(0, 4)))
            ]
            dirty = any(changed for _, changed in armed)
            order = tuple(rng.sample(CARRIERS, 2))
            strategy = rng.choice(STRATEGIES)
            count = rng.randint(1, 10)
            counts[count] = counts.get(count, 0) + 1
            if rng.random() < 0.2:
                providers = sandbox.providers(order, use_async=True, options=options)
            else:
                providers = [sync_providers[name] for name in order]
            ledger = MemoryLedger()
            reference = f"random-{run}"
            try:
                result: Procurement | BaseException = procure(
                    providers, strategy, reference=reference, ledger=ledger, count=count
                )
            except DidkitError as error:
                result = error
            finally:
                outages.clear()
                for emulator in sandbox.emulators.values():
                    emulator.faults.clear()
            retried: Procurement | BaseException | None = None
            booked_first = sum(len(numbers[before[name] :]) for name, numbers in sandbox.purchased().items())
            if isinstance(result, AmbiguousPurchaseError):
                # The caller tries again with the same reference once the carrier is back: DIDWW is
                # asked again (and finds its order), Wavix looks the number up — never a second number.
                try:
                    retried = procure(providers, strategy, reference=reference, ledger=ledger, count=count)
                except DidkitError as error:
                    retried = error
            purchased = {name: numbers[before[name] :] for name, numbers in sandbox.purchased().items()}
            total = sum(len(numbers) for numbers in purchased.values())
            final = retried if retried is not None else result
            label = (
                f"run {run} count={count} {strategy} {order} {[text for text, _ in armed]}: {result!r} then "
                f"{retried!r} books={purchased}"
            )
            carried = getattr(final, "procurement", None)
            accounted = carried.bought if isinstance(carried, Procurement) else 0
            if total > count:
                doubles.append(label)  # more than asked for: an overshoot
            if (
                isinstance(final, BaseException)
                and not isinstance(final, AmbiguousPurchaseError)
                and total > accounted
            ):
                lost.append(label)  # bought, and the error does not say so
            if isinstance(final, Procurement):
                # An order still pending (a back-order), or completed with its numbers unread,
                # counts as all it asked for: never more than count, perhaps fewer on the books.
                unsure = any(
                    o.status is OrderStatus.PENDING or (o.status is OrderStatus.COMPLETED and not o.numbers)
                    for o in final.orders
                )
                assert final.bought == count and (total == count or (unsure and total < count)), label
                # with its numbers, or saying they are still to come, or that none arrived (a
                # back-order closed short): never a bare ()
                assert all(
                    o.numbers or o.numbers_pending or (o.status is OrderStatus.PARTIAL and o.missing == o.requested)
                    for o in final.orders
                ), label
                if any(not o.numbers for o in final.orders):
                    outcomes["numbers pending"] = outcomes.get("numbers pending", 0) + 1
            if isinstance(result, Procurement):
                key = f"bought from {result.provider}" + (" (pending)" if result.pending else "")
            elif isinstance(result, AmbiguousPurchaseError):
                settled = f"settled by {final.provider}" if isinstance(final, Procurement) else "refused again"
                key = f"ambiguous with {booked_first} booked; retry {settled}"
            else:
                key = type(result).__name__
            outcomes[key] = outcomes.get(key, 0) + 1
    finally:
        remove_recorder(outages)
        sandbox.emulators["didww"].back_orders = "wait"  # type: ignore[attr-defined]
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(
            f"\nrandomised procure: {SCHEDULES} fault schedules (counts 1-10: {dict(sorted(counts.items()))}) in "
            f"{elapsed:.1f} s; overshoots: {len(doubles)}; purchases not accounted for: {len(lost)}; outcomes: "
            f"{dict(sorted(outcomes.items()))}"
        )
    assert not doubles, "\n".join(doubles[:5])
    assert not lost, "\n".join(lost[:5])
