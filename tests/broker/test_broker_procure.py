"""procure() / procure_async() with fake providers: validation, limits, ranking, failover rules,
ambiguity, pending orders and reference reuse."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
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
    ProcurementRegistry,
    classify,
    default_registry,
)

QUERY = SearchQuery(country="US", city="Los Angeles")
A1, A2, A3 = "+12125550001", "+12125550002", "+12125550003"
B1, B2 = "+13105550001", "+13105550002"


@pytest.fixture
def registry() -> ProcurementRegistry:
    return ProcurementRegistry()


@pytest.fixture(autouse=True)
def _clean_default_registry() -> Iterator[None]:
    yield
    default_registry.clear()


def buy(providers: Any, reference: str = "ref-1", **kwargs: Any) -> Procurement:
    kwargs.setdefault("registry", ProcurementRegistry())
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
        {"registry": {}},
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
    assert "3 offers failed, 1 skipped" in str(error) and "ServerError" in str(error)
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
    result = await didkit.procure_async(QUERY, [a, b], reference="async-1", registry=ProcurementRegistry())
    assert tried(result) == [(A1, "failed"), (B1, "purchased")]


async def test_procure_inside_a_running_loop_points_to_procure_async() -> None:
    with pytest.raises(EventLoopRunningError, match="procure_async"):
        didkit.procure(QUERY, [FakeProvider("a")], reference="x")


# -- references ------------------------------------------------------------------------------------------


def test_the_same_reference_returns_the_earlier_procurement_without_buying(registry: ProcurementRegistry) -> None:
    a, b = two_providers()
    first = buy([a, b], reference="same", registry=registry)
    again = buy([a, b], reference="same", registry=registry)
    other = FakeProvider("c", [offer("c", "+14155550001", "0.01")])
    also = buy([other], reference="same", registry=registry)
    assert again is first and also is first
    assert total_bought(a, b, other) == 1
    assert a.searches == [QUERY] and other.searches == []
    assert registry.get("same") is first and "same" in registry and len(registry) == 1 and list(registry) == ["same"]


def test_the_default_registry_is_used_when_none_is_given() -> None:
    a, b = two_providers()
    first = didkit.procure(QUERY, [a, b], reference="default-ref")
    assert didkit.procure(QUERY, [a, b], reference="default-ref") is first
    assert default_registry.get("default-ref") is first
    default_registry.forget("default-ref")
    assert didkit.procure(QUERY, [a, b], reference="default-ref") is not first
    assert total_bought(a, b) == 2


def test_a_reference_that_bought_nothing_is_not_remembered(registry: ProcurementRegistry) -> None:
    a = FakeProvider("a", [offer("a", A1)], outcomes={A1: [NumberUnavailableError("sold", provider="a")]})
    with pytest.raises(ProcurementFailedError):
        buy([a], reference="retry-me", registry=registry)
    assert "retry-me" not in registry
    assert buy([a], reference="retry-me", registry=registry).order.reference == "retry-me"


def test_concurrent_calls_with_one_reference_buy_once(registry: ProcurementRegistry) -> None:
    entered = threading.Event()
    release = threading.Event()

    def slow_purchase(offer: Any, reference: str | None) -> None:
        entered.set()
        release.wait(5)

    a = FakeProvider("a", [offer("a", A1)], outcomes={A1: slow_purchase})
    results: list[Procurement] = []

    def run() -> None:
        results.append(buy([a], reference="shared", registry=registry))

    threads = [threading.Thread(target=run) for _ in range(4)]
    threads[0].start()
    assert entered.wait(5)
    for thread in threads[1:]:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(5)
    assert len(results) == 4 and all(r is results[0] for r in results)
    assert len(a.bought) == 1 and len(a.purchases) == 1


async def test_concurrent_async_calls_with_one_reference_buy_once(registry: ProcurementRegistry) -> None:
    a = AsyncFakeProvider("a", [offer("a", A1)])
    calls = [didkit.procure_async(QUERY, [a], reference="shared-async", registry=registry) for _ in range(5)]
    results = await asyncio.gather(*calls)
    assert all(r is results[0] for r in results)
    assert len(a.bought) == 1


def test_an_ambiguous_reference_is_not_used_to_buy_elsewhere(registry: ProcurementRegistry) -> None:
    a, b = two_providers(**{A1: [TransportError("read timed out", provider="a", outcome_unknown=True)]})
    with pytest.raises(AmbiguousProcurementError):
        buy([a, b], reference="unsure", registry=registry)
    assert registry.is_unresolved("unsure") and registry.get("unsure") is None
    a.searches.clear()
    with pytest.raises(AmbiguousProcurementError, match="check that account, then forget") as caught:
        buy([a, b], reference="unsure", registry=registry)
    assert caught.value.provider == "a" and caught.value.offer is not None and caught.value.offer.number == A1
    assert a.searches == [] and b.searches == [QUERY]  # refused before searching
    assert total_bought(a, b) == 0 and len(b.purchases) == 0
    registry.forget("unsure")
    assert buy([a, b], reference="unsure", registry=registry).provider == "a"


def test_an_ambiguous_reference_is_settled_by_a_provider_that_stores_references(registry: ProcurementRegistry) -> None:
    # The purchase went through carrier-side, but the reply was lost and reconciliation failed.
    def commit_then_lose(offer: Any, reference: str | None) -> Exception:
        a.book(offer, reference)
        return AmbiguousPurchaseError("reply lost, lookup failed", provider="a", reference=reference)

    a = FakeProvider("a", [offer("a", A1)], outcomes={A1: [commit_then_lose]}, carrier_side_reference=True)
    b = FakeProvider("b", [offer("b", B1, "0.01")])
    with pytest.raises(AmbiguousProcurementError):
        buy([a, FakeProvider("b0")], reference="stored", registry=registry)
    result = buy([b, a], reference="stored", registry=registry)
    assert result.provider == "a" and result.order.reference == "stored"
    assert tried(result) == [(A1, "purchased")]
    assert b.searches == [] and b.purchases == []  # settled before any search
    assert len(a.bought) == 1 and registry.get("stored") is result


def test_a_settled_ambiguity_where_nothing_was_bought_goes_on_normally(registry: ProcurementRegistry) -> None:
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
        buy([a, b], reference="settle", registry=registry)
    result = buy([a, b], reference="settle", registry=registry)
    assert tried(result) == [(A1, "failed"), (B1, "purchased")]  # A1 is not tried twice
    assert len(a.purchases) == 2


def test_a_settling_attempt_that_cannot_tell_stays_ambiguous(registry: ProcurementRegistry) -> None:
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
        buy([a, b], reference="unsettled", registry=registry)
    with pytest.raises(AmbiguousProcurementError) as caught:
        buy([a, b], reference="unsettled", registry=registry)
    assert tried(caught.value)[-1] == (A1, "ambiguous")
    assert b.purchases == [] and registry.is_unresolved("unsettled")


async def test_a_cancelled_procure_leaves_its_reference_unresolved(registry: ProcurementRegistry) -> None:
    started = asyncio.Event()

    class Hanging(AsyncFakeProvider):
        async def purchase(self, offer: Any, *, reference: str | None = None, wait: float = 60.0) -> Order:
            started.set()
            await asyncio.Event().wait()
            raise AssertionError("unreachable")

    a = Hanging("a", [offer("a", A1)])
    task = asyncio.create_task(didkit.procure_async(QUERY, [a], reference="cancelled", registry=registry))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert registry.is_unresolved("cancelled")
    assert a.bought == []


def test_a_reference_in_use_cannot_be_forgotten(registry: ProcurementRegistry) -> None:
    claim = registry._claim("busy")
    with pytest.raises(InvalidInputError, match="being procured"):
        registry.forget("busy")
    registry.clear()
    assert "busy" in registry
    assert not isinstance(claim, Procurement)
    registry._release(claim, None)  # type: ignore[arg-type]
    assert "busy" not in registry


def test_registry_forget_and_clear(registry: ProcurementRegistry) -> None:
    a, b = two_providers()
    buy([a, b], reference="one", registry=registry)
    buy([a, b], reference="two", registry=registry)
    registry.forget("one")
    registry.forget("never-used")
    assert list(registry) == ["two"]
    registry.clear()
    assert len(registry) == 0


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
