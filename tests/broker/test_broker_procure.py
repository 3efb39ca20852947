"""procure() / procure_async() with fake providers: validation, limits, ranking, failover rules,
ambiguity, pending orders and reference reuse."""

from __future__ import annotations

import asyncio
import threading
from decimal import Decimal
from typing import Any

import pytest
from broker_fakes import AsyncFakeProvider, FakeProvider, offer

import didkit
from didkit import (
    AmbiguousPurchaseError,
    AuthenticationError,
    ConfigurationError,
    DocumentsRequiredError,
    InsufficientFundsError,
    InvalidInputError,
    Money,
    NotFoundError,
    NumberUnavailableError,
    Order,
    OrderStatus,
    ProviderError,
    RateLimitedError,
    RequestRejectedError,
    ResponseFormatError,
    SearchQuery,
    ServerError,
    TransportError,
    UnsupportedOperationError,
)
from didkit.broker import (
    AmbiguousProcurementError,
    EventLoopRunningError,
    Procurement,
    ProcurementFailedError,
    classify,
)
from didkit.ledger import LedgerBusyError, LedgerError, MemoryLedger, RecordedError, new_holder

QUERY = SearchQuery(country="US", city="Los Angeles")
A1, A2, A3 = "+12125550001", "+12125550002", "+12125550003"
B1, B2 = "+13105550001", "+13105550002"


@pytest.fixture
def ledger() -> MemoryLedger:
    return MemoryLedger()


def buy(providers: Any, reference: str = "ref-1", **kwargs: Any) -> Procurement:
    kwargs.setdefault("ledger", MemoryLedger())
    kwargs.setdefault("settle_window", 0)  # believe the first look (the window has tests of its own)
    return didkit.procure(QUERY, providers, reference=reference, **kwargs)


def tried(procurement_or_error: Any) -> list[tuple[str | None, str]]:
    return [(a.offer.number, a.outcome) for a in procurement_or_error.attempts]


def two_providers(**outcomes: Any) -> tuple[FakeProvider, FakeProvider]:
    """a: A1 (1.00/mo), A2 (3.00/mo); b: B1 (2.00/mo), B2 (4.00/mo). Cheapest order: A1 B1 A2 B2."""
    a = FakeProvider(
        "a",
        [offer("a", A1, "1.00"), offer("a", A2, "3.00")],
        outcomes={k: v for k, v in outcomes.items() if k in (A1, A2)},
    )
    b = FakeProvider(
        "b",
        [offer("b", B1, "2.00"), offer("b", B2, "4.00")],
        outcomes={k: v for k, v in outcomes.items() if k in (B1, B2)},
    )
    return a, b


def total_bought(*providers: Any) -> int:
    return sum(len(p.bought) for p in providers)


# -- validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"reference": ""},
        {"reference": "   "},
        {"reference": None},
        {"reference": 17},
        {"strategy": "random"},
        {"max_monthly": 1.5},
        {"max_monthly": True},
        {"max_monthly": "cheap"},
        {"max_monthly": "-1"},
        {"max_setup": Money("-2")},
        {"max_setup": [1]},
        {"require_no_documents": "yes"},
        {"wait": -1},
        {"wait": "10"},
        {"months": 0},
        {"timeout": 0},
        {"ledger": {}},
        {"ledger": "mysql://db/x"},
    ],
)
def test_bad_input_is_rejected_before_anything_runs(kwargs: dict[str, Any]) -> None:
    a, b = two_providers()
    kwargs.setdefault("reference", "ref-1")
    with pytest.raises(InvalidInputError):
        didkit.procure(QUERY, [a, b], **kwargs)
    assert a.searches == b.searches == []


def test_an_unknown_provider_name_raises_before_anything_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    from didkit import registry as registry_module

    def unknown(name: str) -> Any:
        raise ConfigurationError(f"unknown provider {name!r}")

    monkeypatch.setattr(registry_module, "provider_class", unknown)
    a, b = two_providers()
    with pytest.raises(ConfigurationError):
        buy([a, "nope", b])
    assert a.searches == []


# -- ranking and limits ------------------------------------------------------------------------------


def test_cheapest_buys_the_cheapest_offer_across_providers() -> None:
    a, b = two_providers()
    b.offers.append(offer("b", "+13105550009", "0.50"))
    result = buy([a, b])
    assert result.order.provider == "b" and result.provider == "b"
    assert result.offer is not None and result.offer.number == "+13105550009"
    assert tried(result) == [("+13105550009", "purchased")]
    assert result.order.reference == "ref-1" and result.reference == "ref-1"
    assert [r.provider for r in result.report] == ["a", "b"]
    assert not result.pending


def test_in_order_keeps_the_providers_order_cheapest_first_within_each() -> None:
    a, b = two_providers(**{A1: NumberUnavailableError("sold", provider="a"), A2: ServerError("x", provider="a")})
    b.offers.insert(0, offer("b", "+13105550009", "0.50"))
    result = buy([a, b], strategy="in_order")
    assert tried(result) == [(A1, "failed"), (A2, "failed"), ("+13105550009", "purchased")]


def test_cheapest_ranks_on_setup_plus_months_of_monthly() -> None:
    setup_heavy = offer("a", A1, "0.10", setup="10")  # 12 months: 11.20; 1 month: 10.10
    monthly_heavy = offer("b", B1, "1.00", setup="0")  # 12 months: 12.00; 1 month: 1.00
    a, b = FakeProvider("a", [setup_heavy]), FakeProvider("b", [monthly_heavy])
    assert buy([a, b], reference="r12").provider == "a"
    assert buy([a, b], reference="r1", months=1).provider == "b"


def test_price_caps_are_enforced_before_anything_is_bought() -> None:
    a, b = two_providers()
    result = buy([a, b], max_monthly="2.50", max_setup=Decimal(0))
    assert result.offer is not None and result.offer.number == A1
    a, b = two_providers(**{A1: NumberUnavailableError("sold", provider="a")})
    result = buy([a, b], max_monthly=Money("2.00", "USD"))
    assert tried(result) == [(A1, "failed"), (B1, "purchased")]


def test_nothing_under_the_cap_raises_number_unavailable_saying_why() -> None:
    a, b = two_providers()
    with pytest.raises(NumberUnavailableError) as caught:
        buy([a, b], max_monthly="0.50")
    message = str(caught.value)
    assert "none of the 4 offers" in message and "4 monthly over 0.50" in message
    assert isinstance(caught.value, ProcurementFailedError)
    assert caught.value.attempts == () and len(caught.value.report) == 2
    assert a.purchases == b.purchases == []


def test_no_offers_at_all_says_so_and_names_failing_providers() -> None:
    a = FakeProvider("a")
    b = FakeProvider("b", search_error=AuthenticationError("bad key", provider="b", status_code=401))
    with pytest.raises(NumberUnavailableError, match=r"no offers for US, Los Angeles; failed: b: bad key \(HTTP 401\)"):
        buy([a, b])


def test_caps_in_money_only_fit_offers_in_that_currency() -> None:
    a = FakeProvider("a", [offer("a", A1, "1.00", currency="EUR")])
    with pytest.raises(ProcurementFailedError, match="priced in EUR, not USD"):
        buy([a], max_monthly=Money("5", "USD"))
    assert buy([a], max_monthly="5").provider == "a"  # a bare amount is read in the offer's currency


def test_unknown_prices_do_not_fit_a_cap_but_are_bought_last_without_one() -> None:
    a = FakeProvider("a", [offer("a", None, None), offer("a", A1, "9.00", setup=None)])
    with pytest.raises(ProcurementFailedError, match="monthly price unknown"):
        buy([FakeProvider("a", [offer("a", None, None)])], max_monthly="10")
    with pytest.raises(ProcurementFailedError, match="setup price unknown"):
        buy([a], max_setup="1", max_monthly="10")
    assert tried(buy([a])) == [(A1, "purchased")]


def test_require_no_documents_skips_offers_needing_them() -> None:
    a = FakeProvider("a", [offer("a", A1, "0.10", documents=True), offer("a", A2, "5.00")])
    assert tried(buy([a], require_no_documents=True)) == [(A2, "purchased")]
    with pytest.raises(ProcurementFailedError, match="1 needs documents"):
        buy([FakeProvider("a", [offer("a", A1, documents=True)])], require_no_documents=True)


# -- failover rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        NumberUnavailableError("sold", provider="a", status_code=404),
        DocumentsRequiredError("documents needed", provider="a"),
        ServerError("boom, verified nothing bought", provider="a", status_code=500, outcome_unknown=False),
        TransportError("connect failed", provider="a", outcome_unknown=False),
        NotFoundError("no such sku", provider="a", status_code=404),
        RequestRejectedError("invalid", provider="a", status_code=422),
        UnsupportedOperationError("cannot buy groups", provider="a"),
        ProviderError("teapot", provider="a", status_code=418),
    ],
    ids=lambda e: type(e).__name__,
)
def test_errors_another_offer_can_cure_move_to_the_next_offer(error: Exception) -> None:
    a, b = two_providers(**{A1: error, B1: NumberUnavailableError("sold", provider="b")})
    result = buy([a, b])
    assert tried(result) == [(A1, "failed"), (B1, "failed"), (A2, "purchased")]
    assert result.attempts[0].error is error
    assert result.attempts[2].error is None and result.attempts[0].elapsed >= 0
    assert total_bought(a, b) == 1


@pytest.mark.parametrize(
    "error",
    [
        AuthenticationError("bad key", provider="a", status_code=401),
        RateLimitedError("slow down", provider="a", status_code=429, retry_after=3),
    ],
    ids=lambda e: type(e).__name__,
)
def test_auth_and_rate_limit_errors_skip_the_providers_other_offers(error: Exception) -> None:
    a, b = two_providers(**{A1: error, B1: NumberUnavailableError("sold", provider="b")})
    result = buy([a, b])
    assert tried(result) == [(A1, "failed"), (B1, "failed"), (A2, "skipped"), (B2, "purchased")]
    assert result.attempts[2].error is error and result.attempts[2].elapsed == 0
    assert [o.number for o, _, _ in a.purchases] == [A1]


def test_insufficient_funds_skips_only_offers_not_cheaper_up_front() -> None:
    # 12-month ranking: A1 (setup 5 + 0.50/mo = 11) before A2 (1.50/mo = 18) before A3 (setup 6, 0.20/mo = 8.4)?
    # No: A3 ranks first (8.40), then A1 (11.00), then A2 (18.00). Up front: A3 6.20, A1 5.50, A2 1.50.
    a = FakeProvider(
        "a",
        [offer("a", A1, "0.50", setup="5"), offer("a", A2, "1.50"), offer("a", A3, "0.20", setup="6")],
        outcomes={
            A3: InsufficientFundsError("balance 5.00", provider="a"),
            A1: NumberUnavailableError("x", provider="a"),
        },
    )
    result = buy([a])
    assert tried(result) == [(A3, "failed"), (A1, "failed"), (A2, "purchased")]

    a = FakeProvider(
        "a",
        [offer("a", A1, "0.50", setup="5"), offer("a", A3, "0.20", setup="6")],
        outcomes={A3: InsufficientFundsError("balance 5.00", provider="a")},
    )
    b = FakeProvider("b", [offer("b", B1, "9.00")])
    result = buy([a, b])
    assert tried(result) == [(A3, "failed"), (A1, "purchased")]  # 5.50 < 6.20: might still fit the balance

    a = FakeProvider(
        "a",
        [offer("a", A1, "0.50", setup="7"), offer("a", A3, "0.20", setup="6")],
        outcomes={A3: InsufficientFundsError("balance 5.00", provider="a")},
    )
    result = buy([a, b])
    assert tried(result) == [(A3, "failed"), (A1, "skipped"), (B1, "purchased")]


@pytest.mark.parametrize(
    "error", [InvalidInputError("reference too long"), ConfigurationError("no key")], ids=lambda e: type(e).__name__
)
def test_caller_errors_stop_and_are_raised_as_is(error: Exception) -> None:
    a, b = two_providers(**{A1: error})
    with pytest.raises(type(error)) as caught:
        buy([a, b])
    assert caught.value is error
    assert total_bought(a, b) == 0 and len(b.purchases) == 0


def test_every_offer_failing_raises_procurement_failed_with_the_attempts() -> None:
    a, b = two_providers(
        **{
            A1: ServerError("x", provider="a", status_code=503),
            A2: NumberUnavailableError("sold", provider="a"),
            B1: AuthenticationError("denied", provider="b", status_code=403),
        }
    )
    with pytest.raises(NumberUnavailableError) as caught:
        buy([a, b])
    error = caught.value
    assert isinstance(error, ProcurementFailedError)
    assert tried(error) == [(A1, "failed"), (B1, "failed"), (A2, "failed"), (B2, "skipped")]
    assert "3 offers failed, 1 skipped" in str(error)
    assert f"a {A1}: x (HTTP 503); b {B1}: denied (HTTP 403)" in str(error)  # what failed, in words
    assert isinstance(error.__cause__, NumberUnavailableError)


def test_the_callers_reference_is_used_unchanged_for_every_attempt() -> None:
    a, b = two_providers(**{A1: NumberUnavailableError("sold", provider="a")})
    buy([a, b], reference="order-42", wait=5)
    assert [(ref, wait) for _, ref, wait in a.purchases + b.purchases] == [("order-42", 5.0), ("order-42", 5.0)]


@pytest.mark.parametrize(
    ("error", "verdict"),
    [
        (AmbiguousPurchaseError("?", provider="a"), "ambiguous"),
        (TransportError("read timeout", provider="a", outcome_unknown=True), "ambiguous"),
        (ServerError("502", provider="a", status_code=502, outcome_unknown=True), "ambiguous"),
        (ResponseFormatError("bad body", provider="a", status_code=201), "ambiguous"),
        (ValueError("bug"), "ambiguous"),
        (InvalidInputError("x"), "stop"),
        (ConfigurationError("x"), "stop"),
        (didkit.DidkitError("x"), "stop"),
        (AuthenticationError("x", provider="a"), "provider"),
        (RateLimitedError("x", provider="a"), "provider"),
        (InsufficientFundsError("x", provider="a"), "funds"),
        (NumberUnavailableError("x", provider="a"), "next"),
        (UnsupportedOperationError("x"), "next"),
    ],
)
def test_classify(error: Exception, verdict: str) -> None:
    assert classify(error) == verdict


# -- ambiguity ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        AmbiguousPurchaseError("could not reconcile", provider="a", reference="ref-1"),
        TransportError("read timed out", provider="a", outcome_unknown=True),
        ServerError("bad gateway", provider="a", status_code=502, outcome_unknown=True, request_id="rq-9"),
        ResponseFormatError("201 body unreadable", provider="a", status_code=201),
        RuntimeError("adapter bug"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_an_unknown_outcome_stops_without_trying_another_offer(error: Exception) -> None:
    a, b = two_providers(
        **{
            A1: NumberUnavailableError("sold", provider="a"),
            B1: NumberUnavailableError("sold", provider="b"),
            A2: error,
        }
    )
    with pytest.raises(AmbiguousPurchaseError) as caught:
        buy([a, b])
    ambiguous = caught.value
    assert isinstance(ambiguous, AmbiguousProcurementError)
    assert ambiguous.provider == "a" and ambiguous.reference == "ref-1" and ambiguous.outcome_unknown
    assert ambiguous.offer is not None and ambiguous.offer.number == A2
    assert tried(ambiguous) == [(A1, "failed"), (B1, "failed"), (A2, "ambiguous")]
    assert ambiguous.__cause__ is error
    assert "may or may not have happened" in str(ambiguous)
    assert len(b.purchases) == 1  # B2 was never tried


def test_ambiguity_after_failovers_carries_every_attempt() -> None:
    a, b = two_providers(
        **{
            A1: NumberUnavailableError("sold", provider="a"),
            B1: TransportError("read timed out", provider="b", outcome_unknown=True),
        }
    )
    with pytest.raises(AmbiguousProcurementError) as caught:
        buy([a, b])
    assert tried(caught.value) == [(A1, "failed"), (B1, "ambiguous")]
    assert [o.number for o, _, _ in a.purchases] == [A1]


# -- pending and failed orders ---------------------------------------------------------------------------


def test_a_pending_order_counts_as_bought() -> None:
    a = FakeProvider("a", [offer("a", A1), offer("a", A2, "2.00")], order_status=OrderStatus.PENDING)
    result = buy([a], wait=0)
    assert result.pending and result.order.status is OrderStatus.PENDING
    assert tried(result) == [(A1, "purchased")]
    assert len(a.purchases) == 1


def test_a_failed_order_moves_on() -> None:
    failed = Order(id="o-1", provider="a", status=OrderStatus.FAILED)
    a, b = two_providers(**{A1: failed})
    result = buy([a, b])
    assert tried(result) == [(A1, "failed"), (B1, "purchased")]
    assert isinstance(result.attempts[0].error, NumberUnavailableError)
    assert "ended failed" in str(result.attempts[0].error)


def test_a_cancelled_order_on_a_reference_storing_provider_skips_that_provider() -> None:
    cancelled = Order(id="o-1", provider="a", status=OrderStatus.CANCELLED)
    a = FakeProvider(
        "a", [offer("a", A1), offer("a", A2, "3.00")], outcomes={A1: cancelled}, carrier_side_reference=True
    )
    b = FakeProvider("b", [offer("b", B1, "5.00")])
    result = buy([a, b])
    assert tried(result) == [(A1, "failed"), (A2, "skipped"), (B1, "purchased")]


# -- async -------------------------------------------------------------------------------------------


async def test_procure_async_with_async_and_sync_providers() -> None:
    a = AsyncFakeProvider(
        "a", [offer("a", A1, "1.00")], outcomes={A1: RateLimitedError("slow down", provider="a", status_code=429)}
    )
    b = FakeProvider("b", [offer("b", B1, "2.00")])
    result = await didkit.procure_async(QUERY, [a, b], reference="async-1", ledger="memory")
    assert tried(result) == [(A1, "failed"), (B1, "purchased")]


async def test_procure_inside_a_running_loop_points_to_procure_async() -> None:
    with pytest.raises(EventLoopRunningError, match="procure_async"):
        didkit.procure(QUERY, [FakeProvider("a")], reference="x")


# -- references ------------------------------------------------------------------------------------------


def test_the_same_reference_returns_the_earlier_procurement_without_buying(ledger: MemoryLedger) -> None:
    a, b = two_providers(**{A1: [NumberUnavailableError("sold", provider="a")]})
    first = buy([a, b], reference="same", ledger=ledger)
    again = buy([a, b], reference="same", ledger=ledger)
    other = FakeProvider("c", [offer("c", "+14155550001", "0.01")])
    also = buy([other], reference="same", ledger=ledger)
    assert again.order == first.order == also.order
    assert tried(again) == tried(first) == [(A1, "failed"), (B1, "purchased")]
    assert isinstance(again.attempts[0].error, RecordedError) and "sold" in str(again.attempts[0].error)
    assert total_bought(a, b, other) == 1
    assert a.searches == [QUERY] and other.searches == []
    entry = ledger.get("same")
    assert entry is not None and entry.state == "bought" and entry.numbers == (B1,) and len(ledger) == 1


def test_the_default_ledger_is_the_one_didkit_ledger_names(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setenv("DIDKIT_LEDGER", str(tmp_path / "default.sqlite3"))
    a, b = two_providers()
    first = didkit.procure(QUERY, [a, b], reference="default-ref")
    assert didkit.procure(QUERY, [a, b], reference="default-ref").order == first.order
    assert didkit.open_ledger(str(tmp_path / "default.sqlite3")).forget("default-ref")
    assert didkit.procure(QUERY, [a, b], reference="default-ref").order != first.order
    assert total_bought(a, b) == 2


def test_a_reference_that_bought_nothing_stays_open(ledger: MemoryLedger) -> None:
    a = FakeProvider("a", [offer("a", A1)], outcomes={A1: [NumberUnavailableError("sold", provider="a")]})
    with pytest.raises(ProcurementFailedError):
        buy([a], reference="retry-me", ledger=ledger)
    entry = ledger.get("retry-me")
    assert entry is not None and (entry.state, entry.holder) == ("open", None)
    assert entry.note == "sold"
    assert buy([a], reference="retry-me", ledger=ledger).order.reference == "retry-me"


def test_the_intent_is_committed_before_the_request_leaves(ledger: MemoryLedger) -> None:
    seen: list[Any] = []

    def look(offer: Any, reference: str | None) -> None:
        seen.append(ledger.get("ref-intent"))

    a = FakeProvider("a", [offer("a", A1)], outcomes={A1: look})
    buy([a], reference="ref-intent", ledger=ledger)
    (entry,) = seen
    assert entry.state == "intent" and entry.intent.provider == "a" and entry.intent.number == A1
    assert entry.intent.quantity == 1 and entry.intent.at.tzinfo is not None


def test_an_unreachable_ledger_buys_nothing_and_says_why(tmp_path: Any) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    a, b = two_providers()
    with pytest.raises(LedgerError, match=r"unreachable.*nothing was bought") as caught:
        buy([a, b], ledger=str(blocker / "x.sqlite3"))
    assert str(blocker) in str(caught.value)
    assert a.purchases == b.purchases == [] and a.searches == []


def test_a_ledger_that_fails_before_the_purchase_buys_nothing(ledger: MemoryLedger) -> None:
    class Broken(MemoryLedger):
        def record_intent(self, *args: Any, **kwargs: Any) -> Any:
            raise LedgerError("the disk is full")

    a, b = two_providers()
    with pytest.raises(LedgerError, match=r"was not bought: its intent could not be recorded .*the disk is full"):
        buy([a, b], ledger=Broken())
    assert a.purchases == b.purchases == []


def test_an_outcome_the_ledger_could_not_take_is_settled_by_the_next_call(caplog: pytest.LogCaptureFixture) -> None:
    class Flaky(MemoryLedger):
        down = True

        def record_outcome(self, *args: Any, **kwargs: Any) -> Any:
            if self.down:
                raise LedgerError("the database went away")
            return super().record_outcome(*args, **kwargs)

    ledger = Flaky()
    a, b = two_providers()
    first = buy([a, b], reference="unwritten", ledger=ledger)  # the purchase happened: it is returned
    assert "could not be written to the ledger" in caplog.text
    assert ledger.get("unwritten").state == "intent"
    ledger.down = False
    again = buy([a, b], reference="unwritten", ledger=ledger)
    assert again.order.numbers == first.order.numbers and total_bought(a, b) == 1
    assert a.lookups == [A1] and ledger.get("unwritten").state == "bought"


def test_concurrent_calls_with_one_reference_buy_once(ledger: MemoryLedger) -> None:
    entered = threading.Event()
    release = threading.Event()

    def slow_purchase(offer: Any, reference: str | None) -> None:
        entered.set()
        release.wait(5)

    a = FakeProvider("a", [offer("a", A1)], outcomes={A1: slow_purchase})
    results: list[Procurement] = []

    def run() -> None:
        results.append(buy([a], reference="shared", ledger=ledger))

    threads = [threading.Thread(target=run) for _ in range(4)]
    threads[0].start()
    assert entered.wait(5)
    for thread in threads[1:]:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(5)
    assert len(results) == 4 and all(r.order == results[0].order for r in results)
    assert len(a.bought) == 1 and len(a.purchases) == 1


async def test_concurrent_async_calls_with_one_reference_buy_once(ledger: MemoryLedger) -> None:
    a = AsyncFakeProvider("a", [offer("a", A1)])
    calls = [didkit.procure_async(QUERY, [a], reference="shared-async", ledger=ledger) for _ in range(5)]
    results = await asyncio.gather(*calls)
    assert all(r.order == results[0].order for r in results)
    assert len(a.bought) == 1


def test_a_caller_that_waits_too_long_gets_a_clear_error() -> None:
    clock = iter(range(0, 10_000, 7))
    ledger = MemoryLedger(wait=20, poll=0, clock=lambda: float(next(clock)))
    other = new_holder() + "-elsewhere"
    assert ledger.claim("held", other, lease=10_000).granted
    a = FakeProvider("a", [offer("a", A1)])
    with pytest.raises(LedgerBusyError, match=r"being procured by another caller .* within 20 s; nothing was bought"):
        buy([a], reference="held", ledger=ledger)
    assert a.purchases == [] and a.searches == []


def test_a_lapsed_claim_is_taken_over_and_settled_first() -> None:
    now = [1000.0]
    ledger = MemoryLedger(lease=30, clock=lambda: now[0])
    a, b = two_providers()
    dead = "another-host:1:token"
    ledger.claim("crashed", dead)
    bought = a.book(offer("a", A1), "crashed")  # the dead holder's purchase went through
    from didkit.ledger import Intent

    ledger.record_intent("crashed", dead, Intent("a", offer("a", A1), 1, ledger.now()))
    now[0] += 31
    result = buy([a, b], reference="crashed", ledger=ledger)
    assert result.order.numbers == bought.numbers
    assert a.lookups == [A1] and a.searches == [] and len(a.purchases) == 0
    assert total_bought(a, b) == 1


def test_an_ambiguous_reference_is_settled_by_looking_the_number_up(ledger: MemoryLedger) -> None:
    a, b = two_providers(**{A1: [TransportError("read timed out", provider="a", outcome_unknown=True)]})
    with pytest.raises(AmbiguousProcurementError):
        buy([a, b], reference="unsure", ledger=ledger)
    assert ledger.get("unsure").unresolved
    a.searches.clear()
    b.searches.clear()
    a.lookup_error = ServerError("numbers unavailable", provider="a", status_code=503)
    with pytest.raises(AmbiguousProcurementError, match="under reference 'unsure'") as caught:
        buy([a, b], reference="unsure", ledger=ledger)
    message = str(caught.value)
    assert A1 in message and "numbers unavailable (HTTP 503)" in message and "nothing was bought" in message
    assert caught.value.provider == "a" and caught.value.offer is not None and caught.value.offer.number == A1
    assert a.searches == [] and b.searches == []  # refused before searching
    assert total_bought(a, b) == 0 and len(b.purchases) == 0
    a.lookup_error = None  # the carrier answers now: the number is not owned, so nothing was bought
    result = buy([a, b], reference="unsure", ledger=ledger)
    assert result.provider == "a" and a.lookups == [A1, A1]


def test_an_ambiguous_purchase_that_went_through_is_found_among_owned_numbers(ledger: MemoryLedger) -> None:
    def commit_then_lose(offer: Any, reference: str | None) -> Exception:
        a.book(offer, reference)
        return AmbiguousPurchaseError("reply lost, lookup failed", provider="a", reference=reference)

    a = FakeProvider("a", [offer("a", A1)], outcomes={A1: [commit_then_lose]})
    b = FakeProvider("b", [offer("b", B1, "0.01")])
    with pytest.raises(AmbiguousProcurementError):
        buy([a], reference="went-through", ledger=ledger)
    result = buy([b, a], reference="went-through", ledger=ledger)
    assert [did.number for did in result.order.numbers] == [A1] and result.provider == "a"
    assert b.searches == [] and b.purchases == []
    assert ledger.get("went-through").state == "bought"
    assert buy([b], reference="went-through", ledger=ledger).order == result.order


def test_an_unresolved_reference_without_its_provider_buys_nothing(ledger: MemoryLedger) -> None:
    a, b = two_providers(**{A1: [TransportError("read timed out", provider="a", outcome_unknown=True)]})
    with pytest.raises(AmbiguousProcurementError):
        buy([a, b], reference="elsewhere", ledger=ledger)
    with pytest.raises(AmbiguousProcurementError, match="a is not among this call's providers"):
        buy([b], reference="elsewhere", ledger=ledger)
    assert b.purchases == []
    ledger.forget("elsewhere")
    assert buy([b], reference="elsewhere", ledger=ledger).provider == "b"


def test_an_ambiguous_reference_is_settled_by_a_provider_that_stores_references(ledger: MemoryLedger) -> None:
    # The purchase went through carrier-side, but the reply was lost and reconciliation failed.
    def commit_then_lose(offer: Any, reference: str | None) -> Exception:
        a.book(offer, reference)
        return AmbiguousPurchaseError("reply lost, lookup failed", provider="a", reference=reference)

    a = FakeProvider("a", [offer("a", A1)], outcomes={A1: [commit_then_lose]}, carrier_side_reference=True)
    b = FakeProvider("b", [offer("b", B1, "0.01")])
    with pytest.raises(AmbiguousProcurementError):
        buy([a, FakeProvider("b0")], reference="stored", ledger=ledger)
    result = buy([b, a], reference="stored", ledger=ledger)
    assert result.provider == "a" and result.order.reference == "stored"
    assert tried(result) == [(A1, "purchased")]
    assert b.searches == [] and b.purchases == []  # settled before any search
    assert len(a.bought) == 1 and a.lookups == []


def test_a_settled_ambiguity_where_nothing_was_bought_goes_on_normally(ledger: MemoryLedger) -> None:
    a = FakeProvider(
        "a",
        [offer("a", A1)],
        outcomes={
            A1: [
                TransportError("read timed out", provider="a", outcome_unknown=True),
                NumberUnavailableError("sold meanwhile", provider="a"),
            ]
        },
        carrier_side_reference=True,
    )
    b = FakeProvider("b", [offer("b", B1, "5.00")])
    with pytest.raises(AmbiguousProcurementError):
        buy([a, b], reference="settle", ledger=ledger)
    result = buy([a, b], reference="settle", ledger=ledger)
    assert tried(result) == [(A1, "failed"), (B1, "purchased")]  # A1 is not tried twice
    assert len(a.purchases) == 2


def test_a_settling_attempt_that_cannot_tell_stays_ambiguous(ledger: MemoryLedger) -> None:
    a = FakeProvider(
        "a",
        [offer("a", A1)],
        outcomes={
            A1: [
                TransportError("read timed out", provider="a", outcome_unknown=True),
                ServerError("down", provider="a", status_code=503),
            ]
        },
        carrier_side_reference=True,
    )
    b = FakeProvider("b", [offer("b", B1, "5.00")])
    with pytest.raises(AmbiguousProcurementError):
        buy([a, b], reference="unsettled", ledger=ledger)
    with pytest.raises(AmbiguousProcurementError) as caught:
        buy([a, b], reference="unsettled", ledger=ledger)
    assert tried(caught.value)[-1] == (A1, "ambiguous")
    assert b.purchases == [] and ledger.get("unsettled").unresolved


async def test_a_cancelled_procure_leaves_its_reference_unresolved(ledger: MemoryLedger) -> None:
    started = asyncio.Event()

    class Hanging(AsyncFakeProvider):
        async def purchase(self, offer: Any, *, reference: str | None = None, wait: float = 60.0) -> Order:
            started.set()
            await asyncio.Event().wait()
            raise AssertionError("unreachable")

    a = Hanging("a", [offer("a", A1)])
    task = asyncio.create_task(didkit.procure_async(QUERY, [a], reference="cancelled", ledger=ledger))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    entry = ledger.get("cancelled")
    assert entry.state == "intent" and entry.holder is None
    assert a.bought == []


class FakeTime:
    """A clock and an async sleep that moves it: the settle window without waiting."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0
        self.slept: list[float] = []
        self.during_sleep: Any = None

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        if self.during_sleep is not None:
            self.during_sleep()


def _unresolved(ledger: MemoryLedger, provider: str, number: str, reference: str) -> None:
    from didkit.ledger import Intent

    dead = "another-host:1:token"
    ledger.claim(reference, dead, lease=0.001)
    ledger.record_intent(reference, dead, Intent(provider, offer(provider, number), 1, ledger.now()))
    ledger.renew(reference, dead, lease=0.001)  # the holder died: its lease lapses at once


def test_a_number_that_shows_up_late_is_found_within_the_settle_window() -> None:
    time_ = FakeTime()
    ledger = MemoryLedger(clock=time_.clock, sleep=time_.sleep)
    a, b = two_providers()
    _unresolved(ledger, "a", A1, "late")
    time_.now += 1  # the retry comes a second after the crash
    time_.during_sleep = lambda: a.book(offer("a", A1), "late")  # the carrier's list catches up
    result = didkit.procure(QUERY, [a, b], reference="late", ledger=ledger, settle_window=30)
    assert [did.number for did in result.order.numbers] == [A1]
    assert a.lookups == [A1, A1] and time_.slept == [29.0]
    assert a.purchases == [] and b.purchases == [] and total_bought(a, b) == 1


def test_not_owned_is_believed_after_the_window_and_a_second_look() -> None:
    time_ = FakeTime()
    ledger = MemoryLedger(clock=time_.clock, sleep=time_.sleep)
    a, b = two_providers()
    _unresolved(ledger, "a", A1, "absent")
    time_.now += 100  # long after the window: still two looks, a pause apart
    result = didkit.procure(QUERY, [a, b], reference="absent", ledger=ledger, settle_window=30)
    assert a.lookups == [A1, A1] and time_.slept == [2.0]
    assert total_bought(a, b) == 1 and result.provider == "a"
    entry = ledger.get("absent")
    assert entry is not None and entry.state == "bought"


def test_a_reference_storing_carrier_is_asked_once_the_window_has_passed() -> None:
    time_ = FakeTime()
    ledger = MemoryLedger(clock=time_.clock, sleep=time_.sleep)
    a = FakeProvider("a", [offer("a", A1)], carrier_side_reference=True)
    _unresolved(ledger, "a", A1, "late-order")
    time_.now += 5
    time_.during_sleep = lambda: a.book(offer("a", A1), "late-order")  # the order commits late
    result = didkit.procure(QUERY, [a], reference="late-order", ledger=ledger, settle_window=30)
    assert time_.slept == [25.0]
    assert len(a.bought) == 1 and result.order.reference == "late-order"  # found, not bought again


@pytest.mark.parametrize("window", [-1, "30", True])
def test_a_bad_settle_window_is_rejected(window: Any) -> None:
    a, b = two_providers()
    with pytest.raises(InvalidInputError, match="settle_window"):
        buy([a, b], settle_window=window)
    assert a.searches == []


def test_broker_buy_writes_one_offer_through_the_ledger(ledger: MemoryLedger) -> None:
    a = FakeProvider("a", [], outcomes={A2: [InsufficientFundsError("balance too low", provider="a")]})
    with pytest.raises(InsufficientFundsError, match="balance too low"):
        didkit.broker.buy(a, offer("a", A2), reference="one-offer", ledger=ledger)
    first = didkit.broker.buy(a, offer("a", A1), reference="one-offer", ledger=ledger)
    again = didkit.broker.buy(a, offer("a", A3), reference="one-offer", ledger=ledger)
    assert again.order == first.order and [o.number for o in a.bought] == [A1]
    assert a.searches == []


# -- names ------------------------------------------------------------------------------------------------


def test_procure_by_name_reports_a_missing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from didkit import registry as registry_module

    class NeedsKey(FakeProvider):
        def __init__(self, *, api_key: str | None = None, **options: Any) -> None:
            raise ConfigurationError("no API key for 'keyed'")

    monkeypatch.setattr(registry_module, "provider_class", lambda name: NeedsKey)
    b = FakeProvider("b", [offer("b", B1)])
    result = buy(["keyed", b])
    assert result.provider == "b"
    assert isinstance(result.report[0].error, ConfigurationError) and result.report[0].provider == "keyed"
