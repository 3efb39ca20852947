"""Purchase: cart → checkout → record lookup, the reference map, failures and unknown outcomes."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from didkit import (
    AmbiguousPurchaseError,
    AvailableNumber,
    DocumentsRequiredError,
    InsufficientFundsError,
    InvalidInputError,
    Money,
    NotFoundError,
    NumberStatus,
    NumberUnavailableError,
    OrderStatus,
    SearchQuery,
    ServerError,
)

NUMBER = "+541139862174"


def offer(**changes: Any) -> AvailableNumber:
    fields: dict[str, Any] = {
        "provider": "wavix",
        "number": NUMBER,
        "country": "AR",
        "setup_price": Money("15.0"),
        "monthly_price": Money("10.0"),
        "offer_ref": {"number": NUMBER[1:], "id": NUMBER[1:]},
        "raw": {"require_docs": [2]},
    }
    fields.update(changes)
    return AvailableNumber(**fields)


def test_purchase_finds_the_new_record(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("purchase") as cas:
        found = next(provider.search_numbers(SearchQuery(country="AR", city="Buenos Aires")))
        order = provider.purchase(found, reference="order-1")
        again = provider.purchase(found, reference="order-1")  # remembered: no second cart/checkout
        fetched = provider.get_order(order.id)
        assert cas.all_played
    assert order.id == "wavix-24882" and order.provider == "wavix"
    assert order.status is OrderStatus.COMPLETED and order.reference == "order-1"
    assert order.total == Money("25.0")
    (did,) = order.numbers
    assert did.id == "24882" and did.number == NUMBER and did.country == "AR"
    assert did.status is NumberStatus.PENDING  # bought inactive: documents pending
    assert did.channels == 4
    assert did.created_at == datetime(2026, 6, 30, 10, 0, tzinfo=timezone.utc)  # "2026-06-30 10:00:00"
    assert did.expires_at == datetime(2026, 7, 30, tzinfo=timezone.utc)  # "2026-07-30"
    assert order.created_at == did.created_at
    assert again is order
    assert fetched.id == order.id and fetched.numbers == order.numbers and fetched.reference == "order-1"
    assert fetched.total == Money("25.0")


async def test_async_purchase(cassette: Any, async_wavix: Any) -> None:
    provider = async_wavix()
    with cassette("purchase"):
        found = [o async for o in provider.search_numbers(SearchQuery(country="AR", city="Buenos Aires", limit=1))]
        order = await provider.purchase(found[0], reference="async-1")
        assert (await provider.purchase(found[0], reference="async-1")) is order
        fetched = await provider.get_order("wavix-24882")
    assert order.numbers[0].number == NUMBER
    assert fetched.numbers[0].id == "24882"


def test_purchase_of_a_sold_number(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("purchase_sold") as cas, pytest.raises(NumberUnavailableError) as caught:
        provider.purchase(offer(), reference="sold")
    assert cas.all_played  # no checkout, no cart clean-up for a number never added
    assert "no longer available" in str(caught.value)
    assert caught.value.status_code == 404 and caught.value.outcome_unknown is False


def test_insufficient_funds_empties_the_cart(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("purchase_insufficient_funds") as cas, pytest.raises(InsufficientFundsError) as caught:
        provider.purchase(offer())
    assert cas.all_played  # the DELETE /v1/buy/cart was sent
    assert caught.value.messages == ("Insufficient funds",) and caught.value.status_code == 422


def test_2xx_with_success_false_is_an_error(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("purchase_success_false") as cas, pytest.raises(NumberUnavailableError) as caught:
        provider.purchase(offer(), reference="sf")
    assert cas.all_played
    assert caught.value.status_code == 201 and "already been sold" in caught.value.message


def test_documents_refusal(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("purchase_documents_refused") as cas, pytest.raises(DocumentsRequiredError) as caught:
        provider.purchase(offer(), reference="docs")
    assert cas.all_played
    assert "address" in caught.value.message  # the offer's require_docs, decoded
    # Nothing was remembered for a failed reference: it can be used again.
    assert "docs" not in provider.operations._orders


def test_unknown_checkout_outcome_found_by_lookup(cassette: Any, wavix: Any, sleeps: Any) -> None:
    provider = wavix()
    with cassette("purchase_unknown_found") as cas:
        order = provider.purchase(offer(), reference="u1")
        assert cas.all_played  # one checkout (never retried), one lookup, no cart clean-up
    assert order.status is OrderStatus.COMPLETED and order.numbers[0].number == NUMBER
    assert order.id == "wavix-24882"
    assert sleeps.calls == []


def test_unknown_checkout_outcome_proven_absent(cassette: Any, wavix: Any) -> None:
    provider = wavix(settle_window=0)  # believes the first look, as the cassette recorded one
    with cassette("purchase_unknown_absent") as cas, pytest.raises(ServerError) as caught:
        provider.purchase(offer(), reference="u2")
    assert cas.all_played  # checkout once, lookup, cart emptied
    assert caught.value.outcome_unknown is False  # proven not bought: safe to fail over
    assert caught.value.status_code == 503


def test_unknown_checkout_outcome_looks_again_before_believing_absent(cassette: Any, wavix: Any, sleeps: Any) -> None:
    provider = wavix()  # the default settle window: "not owned" once is not proof
    with cassette("purchase_unknown_absent") as cas:
        cas.allow_playback_repeats = True
        with pytest.raises(ServerError) as caught:
            provider.purchase(offer(), reference="u2b")
    lookup = next(i for i, r in enumerate(cas.requests) if r.method == "GET" and "/v1/numbers" in r.uri)
    assert cas.play_counts[lookup] >= 2  # looked more than once, pausing between looks
    assert sum(sleeps.calls) >= 10.0  # ... over the whole settle window
    assert caught.value.outcome_unknown is False


def test_unknown_checkout_outcome_unresolvable(cassette: Any, wavix: Any, sleeps: Any) -> None:
    provider = wavix()
    with cassette("purchase_unknown_lookup_fails") as cas:
        with pytest.raises(AmbiguousPurchaseError) as caught:
            provider.purchase(offer(), reference="u3")
        assert cas.play_count == 6  # cart, checkout (once), the lookup and its three retries
        assert len(sleeps.calls) == 3  # the lookup's backoff, through the injected sleep
        error = caught.value
        assert error.outcome_unknown is True and error.reference == "u3"
        assert "541139862174" in error.message
        # The same reference again settles the earlier attempt before buying anything.
        order = provider.purchase(offer(), reference="u3")
        assert cas.all_played
    assert order.status is OrderStatus.COMPLETED and order.numbers[0].number == NUMBER


def test_purchase_needs_a_number(wavix: Any) -> None:
    provider = wavix()
    with pytest.raises(InvalidInputError):
        provider.purchase(offer(number=None, offer_ref={}))
    with pytest.raises(InvalidInputError):
        provider.purchase(offer(provider="didww"))


def test_get_order_ids(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with pytest.raises(InvalidInputError):
        provider.get_order("24882")
    with pytest.raises(InvalidInputError):
        provider.get_order("wavix-abc")
    with cassette("number_get"), pytest.raises(NotFoundError):
        provider.get_order("wavix-999")
    with cassette("number_get"), pytest.raises(NotFoundError):
        provider.get_order("wavix-+12125550000")
    with cassette("number_get"):
        order = provider.get_order("wavix-+12565378257")
    assert order.id == "wavix-123" and order.reference is None and order.total is None
