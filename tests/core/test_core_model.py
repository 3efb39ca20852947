"""Validation in the domain model: bad input never reaches a carrier."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import didkit
from didkit import (
    DID,
    Capability,
    Destination,
    DestinationKind,
    InvalidInputError,
    Money,
    NumberType,
    SearchQuery,
)
from didkit.validation import country_code_for_name, lenient_e164, normalize_e164, normalize_sip_uri


@pytest.mark.parametrize(
    ("given_number", "expected"),
    [
        ("+12125550123", "+12125550123"),
        ("12125550123", "+12125550123"),
        ("+1 (212) 555-0123", "+12125550123"),
        ("+44 20 7946 0018", "+442079460018"),
        ("+4930901820", "+4930901820"),
    ],
)
def test_e164_good(given_number: str, expected: str) -> None:
    assert normalize_e164(given_number) == expected


@pytest.mark.parametrize("bad", ["", "   ", "abc", "+1212", "+999123456789", "+1 212 555 01234567", "++1212"])
def test_e164_bad(bad: str) -> None:
    with pytest.raises(InvalidInputError):
        normalize_e164(bad)


def test_e164_error_is_value_error_and_didkit_error() -> None:
    with pytest.raises(ValueError, match="not"):
        normalize_e164("12")
    assert issubclass(InvalidInputError, didkit.DidkitError)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12565378257", "+12565378257"), ("+12565378257", "+12565378257"), (12565378257, "+12565378257")],
)
def test_lenient_e164(raw: object, expected: str) -> None:
    assert lenient_e164(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "abc", True, "12", "1" * 20])
def test_lenient_e164_rejects_garbage(raw: object) -> None:
    assert lenient_e164(raw) is None


@pytest.mark.parametrize(
    "uri",
    [
        "sip:alice@example.com",
        "sip:alice@example.com:5060",
        "sips:bob@pbx.example.org;transport=tls",
        "sip:12125550123@10.0.0.1",
        "sip:pbx.example.com",
        "SIP:alice@[2001:db8::1]:5061",
    ],
)
def test_sip_good(uri: str) -> None:
    assert normalize_sip_uri(uri).lower().startswith(("sip:", "sips:"))
    assert Destination.sip(uri).kind is DestinationKind.SIP_URI


@pytest.mark.parametrize(
    "uri",
    [
        "alice@example.com",
        "http://example.com",
        "sip:",
        "sip:alice@",
        "sip:a@-bad-.com",
        "sip:a@host:99999",
        "sip:a@300.1.1.1",
        "sip:a b@host",
        "sip:a@[::1",
    ],
)
def test_sip_bad(uri: str) -> None:
    with pytest.raises(InvalidInputError):
        Destination.sip(uri)


def test_destination_constructors() -> None:
    assert Destination.pstn("1 212 555 0123").target == "+12125550123"
    trunk = Destination.trunk(42, name="main")
    assert (trunk.kind, trunk.target, trunk.trunk_id) == (DestinationKind.SIP_TRUNK, "main", "42")
    assert Destination.trunk("t-1").target == "t-1"
    with pytest.raises(InvalidInputError):
        Destination.pstn("555")
    with pytest.raises(InvalidInputError):
        Destination.trunk("  ")


def test_the_raw_destination_constructor_checks_what_the_shorthands_check() -> None:
    assert Destination(DestinationKind.PSTN, "1 212 555 0123") == Destination.pstn("1 212 555 0123")
    assert Destination("sip_uri", " SIP:alice@pbx.example.com ") == Destination.sip("sip:alice@pbx.example.com")
    assert Destination(DestinationKind.SIP_TRUNK, "main", 2, 42) == Destination.trunk(42, name="main", priority=2)
    bad: list[tuple[object, ...]] = [
        (DestinationKind.SIP_URI, "not a uri"),
        (DestinationKind.SIP_URI, "sip:alice@"),
        (DestinationKind.PSTN, "555"),
        (DestinationKind.PSTN, 12125550123),
        (DestinationKind.SIP_TRUNK, "  "),
        (DestinationKind.SIP_TRUNK, "main", 1, "  "),
        ("fax", "+12125550123"),
    ]
    for args in bad:
        with pytest.raises(InvalidInputError):
            Destination(*args)  # type: ignore[arg-type]


@pytest.mark.parametrize("priority", [0, -1, True, "2", 1.5])
def test_destination_priority_is_a_positive_integer(priority: object) -> None:
    with pytest.raises(InvalidInputError, match="priority"):
        Destination(DestinationKind.PSTN, "+12125550123", priority)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="priority"):
        Destination.sip("sip:a@b.example", priority=priority)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="priority"):
        Destination.trunk("t-1").with_priority(priority)  # type: ignore[arg-type]

def test_search_query_validates_on_construction() -> None:
    query = SearchQuery(country="us", city=" Los Angeles ", prefix="213", capabilities=["sms"], number_type="toll-free")
    assert query.country == "US"
    assert query.city == "Los Angeles"
    assert query.capabilities == frozenset({Capability.SMS})
    assert query.number_type is NumberType.TOLL_FREE
    for bad in (
        {"country": "XX"},
        {"country": "USA"},
        {"country": "US", "prefix": "21a"},
        {"country": "US", "contains": "12-3"},
        {"country": "US", "limit": 0},
        {"country": "US", "capabilities": ["telepathy"]},
        {"country": "US", "number_type": "premium"},
    ):
        with pytest.raises(InvalidInputError):
            SearchQuery(**bad)  # type: ignore[arg-type]


def test_money_is_decimal_never_float() -> None:
    assert Money("0.99").amount == Decimal("0.99")
    assert Money(1, "usd").currency == "USD"
    assert Money("1.50") + Money("0.50") == Money("2.00")
    assert (Money("0.99") * 12).amount == Decimal("11.88")
    with pytest.raises(InvalidInputError):
        Money(0.99)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        Money("NaN")
    with pytest.raises(InvalidInputError):
        Money("1", "US")
    with pytest.raises(InvalidInputError):
        _ = Money("1", "USD") + Money("1", "EUR")


def test_did_requires_aware_datetimes() -> None:
    DID(id="1", provider="x", number="+12125550123", created_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    with pytest.raises(InvalidInputError):
        DID(id="1", provider="x", number="+12125550123", created_at=datetime(2026, 1, 1))


def test_raw_is_kept_but_not_in_repr_or_equality() -> None:
    a = DID(id="1", provider="x", number="+12125550123", raw={"secret-ish": "payload"})
    b = DID(id="1", provider="x", number="+12125550123", raw={"other": 1})
    assert a == b
    assert "payload" not in repr(a)
    assert a.raw["secret-ish"] == "payload"
    assert hash(a) == hash(b)


def test_country_names_to_iso() -> None:
    assert country_code_for_name("United States") == "US"
    assert country_code_for_name("UNITED KINGDOM") == "GB"
    assert country_code_for_name("Argentina") == "AR"
    assert country_code_for_name("Atlantis") is None


@given(st.text(max_size=30))
def test_e164_never_raises_anything_but_invalid_input(text: str) -> None:
    try:
        result = normalize_e164(text)
    except InvalidInputError:
        return
    assert result.startswith("+") and result[1:].isdigit()


@given(st.text(max_size=40))
def test_sip_never_raises_anything_but_invalid_input(text: str) -> None:
    try:
        result = normalize_sip_uri(text)
    except InvalidInputError:
        return
    assert result.split(":", 1)[0] in ("sip", "sips")
