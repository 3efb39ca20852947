"""Procurement errors say which step failed, once, in words."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from broker_fakes import FakeProvider, offer

import didkit
from didkit import ResponseFormatError, SearchQuery, ServerError
from didkit.broker import AmbiguousProcurementError, ProcurementFailedError

QUERY = SearchQuery(country="US", city="Los Angeles", limit=1)


def test_a_failed_pre_purchase_lookup_is_named_as_such() -> None:
    didww: Any = didkit.connect("didww", sandbox=True)
    didww.emulator.faults.inject("GET /orders", status=500, times=None)
    with pytest.raises(ProcurementFailedError) as caught:
        didkit.procure(QUERY, [didww], reference="m-1", ledger="memory")
    message = str(caught.value)
    assert ": 1 offer failed (didww any number (Los Angeles): find order by reference failed: " in message
    assert message.count("(HTTP 500)") == 1
    assert "ServerError" not in message
    assert didww.emulator.purchased_numbers() == []


def test_an_ambiguous_purchase_gives_each_steps_status_once() -> None:
    wavix: Any = didkit.connect("wavix", sandbox=True)
    wavix.emulator.faults.inject("POST /v1/buy/cart/checkout", status=500)
    wavix.emulator.faults.inject("GET /v1/numbers", status=500, times=None)
    with pytest.raises(AmbiguousProcurementError) as caught:
        didkit.procure(QUERY, [wavix], reference="m-2", ledger="memory")
    message = str(caught.value)
    assert "(checkout failed: Injected fault (HTTP 500))" in message
    assert "the owned-number lookup failed: Injected fault (HTTP 500)" in message
    assert message.count("HTTP 500") == 2
    assert not message.startswith("wavix:") and not message.endswith("(HTTP 500)")
    assert caught.value.status_code == 500  # still there for code


def test_a_garbled_success_does_not_read_like_one() -> None:
    garbled = ResponseFormatError(
        "checkout reply is not JSON", provider="a", status_code=201, outcome_unknown=True, field="success"
    )
    a = FakeProvider("a", [offer("a", "+12125550001")], outcomes={"+12125550001": garbled})
    with pytest.raises(AmbiguousProcurementError) as caught:
        didkit.procure(QUERY, [a], reference="m-3", ledger="memory")
    message = str(caught.value)
    assert "checkout reply is not JSON (HTTP 201, a success status, with a reply that could not be read)" in message
    assert not message.rstrip(". )").endswith("HTTP 201")


def test_describe_names_the_step_once() -> None:
    error = ServerError("Internal Server Error", provider="didww", status_code=503)
    assert error.describe() == "Internal Server Error (HTTP 503)"
    error.operation = "create order"
    assert error.describe() == "create order failed: Internal Server Error (HTTP 503)"
    timed_out = didkit.TransportError("create order timed out: read timeout", provider="didww")
    timed_out.operation = "create order"
    assert timed_out.describe() == "create order timed out: read timeout"


@pytest.mark.parametrize("cap", ["1.00", Decimal("1"), didkit.Money("1.00", "USD")])
def test_the_cap_reads_the_same_however_it_was_given(cap: Any) -> None:
    a = FakeProvider("a", [offer("a", "+12125550001", monthly="2.50")])
    with pytest.raises(ProcurementFailedError) as caught:
        didkit.procure(QUERY, [a], reference="m-cap", ledger="memory", max_monthly=cap)
    assert "1 monthly over 1.00 USD" in str(caught.value)


def test_a_place_no_carrier_knows_names_each_carrier_once() -> None:
    wavix: Any = didkit.connect("wavix", sandbox=True)
    didww: Any = didkit.connect("didww", sandbox=True)
    nowhere = SearchQuery(country="US", city="Narnia", limit=1)
    with pytest.raises(didkit.DidkitError) as caught:
        didkit.procure(nowhere, [wavix, didww], reference="m-place", ledger="memory")
    message = str(caught.value)
    assert "didww: didww:" not in message and "wavix: wavix:" not in message
    assert "wavix" in message and "didww" in message
