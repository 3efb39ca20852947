"""One ranking: what compare lists, what Comparison.plan previews and what procure tries agree."""

from __future__ import annotations

from decimal import Decimal

import pytest
from broker_fakes import FakeProvider, offer

import didkit
from didkit import InvalidInputError, Money, NumberUnavailableError, SearchQuery

QUERY = SearchQuery(country="US")


def two_currencies() -> tuple[FakeProvider, FakeProvider]:
    """Most offers are in USD, but most of those that fit a cap of 1.00 are in GBP: ranking the
    currencies over every offer or over the fitting ones gives opposite orders."""
    usd = FakeProvider(
        "usd",
        [
            offer("usd", "+12135550101", "0.50"),
            offer("usd", "+12135550102", "5.00"),
            offer("usd", "+12135550103", "6.00"),
        ],
    )
    gbp = FakeProvider(
        "gbp",
        [offer("gbp", "+442071234567", "0.80", currency="GBP"), offer("gbp", "+442071234568", "0.90", currency="GBP")],
    )
    return usd, gbp


def tried(providers: tuple[FakeProvider, ...], **limits: object) -> list[str | None]:
    """The offers procure tries, in order, when every purchase fails."""
    for provider in providers:
        provider.outcomes = {
            o.number: NumberUnavailableError("sold", provider=provider.name) for o in provider.offers
        }
    with pytest.raises(didkit.ProcurementFailedError) as caught:
        didkit.procure(QUERY, list(providers), reference="r-rank", **limits)  # type: ignore[arg-type]
    return [attempt.offer.number for attempt in caught.value.attempts]


@pytest.mark.parametrize("cap", ["1.00", Decimal("1.00")])
def test_plan_with_a_bare_cap_is_the_order_procure_tries(cap: object) -> None:
    providers = two_currencies()
    planned = [o.number for o in didkit.compare(QUERY, list(providers)).plan(max_monthly=cap)]  # type: ignore[arg-type]
    assert planned == ["+442071234567", "+442071234568", "+12135550101"]
    assert tried(providers, max_monthly=cap) == planned


@pytest.mark.parametrize("strategy", ["cheapest", "in_order"])
def test_plan_without_limits_is_compare_order_and_procure_order(strategy: str) -> None:
    providers = two_currencies()
    comparison = didkit.compare(QUERY, list(providers))
    planned = [o.number for o in comparison.plan(strategy=strategy)]  # type: ignore[arg-type]
    if strategy == "cheapest":
        assert planned == [o.number for o in comparison]
    else:
        assert planned == ["+12135550101", "+12135550102", "+12135550103", "+442071234567", "+442071234568"]
    assert tried(providers, strategy=strategy) == planned


def test_plan_with_a_money_cap_keeps_its_currency_only() -> None:
    comparison = didkit.compare(QUERY, list(two_currencies()))
    assert [o.number for o in comparison.plan(max_monthly=Money("1", "GBP"))] == ["+442071234567", "+442071234568"]


@pytest.mark.parametrize(
    "limits",
    [{"max_monthly": 1.5}, {"max_setup": "-1"}, {"strategy": "random"}, {"require_no_documents": "yes"}],
)
def test_plan_rejects_bad_limits(limits: dict[str, object]) -> None:
    comparison = didkit.compare(QUERY, list(two_currencies()))
    with pytest.raises(InvalidInputError):
        comparison.plan(**limits)  # type: ignore[arg-type]


def test_a_comparison_built_by_hand_plans_by_provider_name() -> None:
    usd, gbp = two_currencies()
    report = [didkit.ProviderReport("gbp", 2), didkit.ProviderReport("usd", 3)]
    comparison = didkit.Comparison([*usd.offers, *gbp.offers], report, months=12)
    assert [o.provider for o in comparison.plan(strategy="in_order")] == ["gbp", "gbp", "usd", "usd", "usd"]
