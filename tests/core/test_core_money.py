"""Money: ISO 4217 currencies only, and at least two decimals when printed."""

from __future__ import annotations

import sys
from decimal import Decimal

import pytest

import didkit
from didkit import InvalidInputError, Money, SearchQuery


@pytest.mark.parametrize("code", ["XYZ", "US1", "USDX", "US", "", "   ", "ABC", "EURO", "$"])
def test_a_currency_that_is_not_iso_4217_is_refused(code: str) -> None:
    with pytest.raises(InvalidInputError, match="ISO 4217"):
        Money("1.5", code)


@pytest.mark.parametrize("code", [5, None, b"USD", ["USD"]])
def test_a_currency_that_is_not_a_string_is_refused(code: object) -> None:
    with pytest.raises(InvalidInputError, match="ISO 4217"):
        Money("1.5", code)  # type: ignore[arg-type]


@pytest.mark.parametrize(("given", "code"), [("USD", "USD"), ("eur", "EUR"), (" gbp ", "GBP"), ("JPY", "JPY")])
def test_iso_codes_are_accepted_in_canonical_form(given: str, code: str) -> None:
    assert Money("1", given).currency == code


def test_known_codes_need_no_lookup_once_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    Money("1", "CHF")
    monkeypatch.setitem(sys.modules, "pycountry", None)  # any import of it now fails
    assert Money("2", "CHF").currency == "CHF"
    assert Money("2", "sek").currency == "SEK"


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("0.9", "0.90 USD"),
        ("0.90", "0.90 USD"),
        ("1", "1.00 USD"),
        ("0", "0.00 USD"),
        ("100", "100.00 USD"),
        ("1E+2", "100.00 USD"),
        ("-0.5", "-0.50 USD"),
        ("0.0125", "0.0125 USD"),
        ("0.005", "0.005 USD"),
        ("1E-7", "0.0000001 USD"),
        ("12345678901234567890123456789.5", "12345678901234567890123456789.50 USD"),
    ],
)
def test_str_shows_at_least_two_decimals_and_keeps_more(amount: str, shown: str) -> None:
    assert str(Money(amount)) == shown
    assert Money(amount).amount == Decimal(amount)  # printing never changes the value


@pytest.mark.parametrize("carrier", ["wavix", "didww"])
def test_carrier_prices_still_read(carrier: str) -> None:
    offers = list(didkit.connect(carrier, sandbox=True).search_numbers(SearchQuery(country="US", limit=5)))
    assert offers
    for offer in offers:
        for price in (offer.setup_price, offer.monthly_price):
            if price is not None:
                assert price.currency == "USD" and str(price).endswith(" USD")
                assert len(str(price).split()[0].partition(".")[2]) >= 2
