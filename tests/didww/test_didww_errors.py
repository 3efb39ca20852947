"""DIDWW's JSON:API errors as didkit's typed errors; malformed documents; the key never leaks."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from didkit_didww import DidwwProvider
from didkit_didww._errors import classify
from didww_support import TEST_KEY

import didkit
from didkit import AvailableNumber, Money
from didkit.engine import HttpRequest, HttpResponse, RetryPolicy

OFFER = AvailableNumber(
    provider="didww",
    number="+16169886810",
    country="US",
    offer_ref={
        "sku_id": "acc46374-0b34-4912-9f67-8340339db1e5",
        "available_did_id": "c43441e3-82d4-4d84-93e2-80998576c1ce",
    },
)
DID_ID = "9df99644-f1a5-4a3c-99a4-559d758eb96b"


def test_insufficient_funds_carries_both_amounts(didww_vcr: Any, provider: DidwwProvider) -> None:
    with didww_vcr.use_cassette("errors_funds.yaml"), pytest.raises(didkit.InsufficientFundsError) as info:
        provider.purchase(OFFER, wait=0)
    error = info.value
    assert error.required == Money("5.98", "USD")
    assert error.available == Money("1.20", "USD")
    assert error.status_code == 400
    assert error.request_id == "req-errors_funds"
    assert error.provider == "didww"
    assert "Your account balance is too low" in error.messages[0]
    assert error.details[0]["meta"] == {"total_cost": "5.98", "balance": "1.20"}
    assert isinstance(error, didkit.ProviderError) and isinstance(error, didkit.DidkitError)


def test_stock_gone_is_number_unavailable(didww_vcr: Any, provider: DidwwProvider) -> None:
    with didww_vcr.use_cassette("errors_stock.yaml"), pytest.raises(didkit.NumberUnavailableError) as info:
        provider.purchase(OFFER, wait=0)
    assert info.value.details[0]["pointer"] == "/data/attributes/items/0/attributes/available_did_id"
    assert "/data/attributes/items/0/attributes/available_did_id" in info.value.messages[0]
    assert info.value.outcome_unknown is False


def test_registration_required_is_documents_required(didww_vcr: Any, provider: DidwwProvider) -> None:
    with didww_vcr.use_cassette("errors_registration.yaml"), pytest.raises(didkit.DocumentsRequiredError):
        provider.purchase(OFFER, wait=0)


def test_status_mapping(didww_vcr: Any, provider: DidwwProvider, sleeps: Any) -> None:
    with didww_vcr.use_cassette("errors_auth.yaml"), pytest.raises(didkit.AuthenticationError) as auth:
        provider.list_countries()
    assert auth.value.status_code == 401
    assert auth.value.messages == ("Unauthorized: Authorization failed",)

    with didww_vcr.use_cassette("errors_not_found.yaml"), pytest.raises(didkit.NotFoundError) as missing:
        provider.get_number("00000000-0000-4000-8000-000000000000")
    assert "could not be found" in missing.value.message

    with didww_vcr.use_cassette("errors_rejected.yaml"), pytest.raises(didkit.RequestRejectedError) as rejected:
        provider.update_number(DID_ID, label=None)
    assert rejected.value.status_code == 422
    assert rejected.value.details[0]["pointer"] == "/data/attributes/voice_in_trunk_group_id"
    assert rejected.value.details[0]["code"] == "100"

    limited = DidwwProvider(
        api_key=TEST_KEY, rate_limit=False, sleep=sleeps, retry=RetryPolicy(max_retries=0), api_version="2026-04-16"
    )
    with didww_vcr.use_cassette("errors_rate_limited.yaml"), pytest.raises(didkit.RateLimitedError) as rate:
        limited.list_countries()
    assert rate.value.retry_after == 1.0


def test_malformed_documents_name_the_field(didww_vcr: Any, provider: DidwwProvider) -> None:
    with didww_vcr.use_cassette("malformed_number.yaml"), pytest.raises(didkit.ResponseFormatError) as number:
        provider.get_number("44957076-778a-4802-b60c-d22db0cda284")
    assert number.value.field == "data.attributes.number"
    assert "437xxxxxxxxx" in number.value.message

    with didww_vcr.use_cassette("malformed_country.yaml"), pytest.raises(didkit.ResponseFormatError) as country:
        provider.list_countries()
    assert country.value.field == "data[0].attributes.name"


def _response(status: int, body: Any, headers: dict[str, str] | None = None) -> HttpResponse:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return HttpResponse(status, headers or {}, content, provider="didww")


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (500, b"<html>oops</html>", didkit.ServerError),
        (
            503,
            {"errors": [{"title": "Service Unavailable", "detail": "down", "code": "503", "status": "503"}]},
            didkit.ServerError,
        ),
        (
            403,
            {
                "errors": [
                    {
                        "title": "Forbidden",
                        "detail": "the customer is in read-only mode",
                        "code": "403",
                        "status": "403",
                    }
                ]
            },
            didkit.AuthenticationError,
        ),
        (
            400,
            {
                "errors": [
                    {"title": "Filter not allowed", "detail": "bogus is not allowed.", "code": "102", "status": "400"}
                ]
            },
            didkit.RequestRejectedError,
        ),
        (
            400,
            {
                "errors": [
                    {
                        "title": "Insufficient balance",
                        "detail": "Insufficient balance.",
                        "code": "400",
                        "status": "400",
                        "meta": {"total_cost": "0.9"},
                    }
                ]
            },
            didkit.InsufficientFundsError,
        ),
        (
            400,
            {
                "errors": [
                    {
                        "title": "Insufficient stock",
                        "detail": "did_group - only 0 DIDs of Los Angeles (1213) are available, 1 requested",
                        "code": "100",
                        "status": "400",
                        "source": {"pointer": "/data/attributes/items/0/attributes/qty"},
                    }
                ]
            },
            didkit.NumberUnavailableError,
        ),
        (
            400,
            {
                "errors": [
                    {
                        "title": "is invalid",
                        "detail": "sku - is invalid",
                        "code": "100",
                        "status": "400",
                        "source": {"pointer": "/data/attributes/items/0/attributes/sku_id"},
                    }
                ]
            },
            didkit.RequestRejectedError,
        ),
    ],
)
def test_classify(status: int, body: Any, expected: type[Exception]) -> None:
    request = HttpRequest("POST", "/orders", idempotent=False, operation="create order")
    error = classify(_response(status, body), request)
    assert type(error) is expected


def test_insufficient_funds_without_meta_has_no_amounts() -> None:
    body = {
        "errors": [{"title": "Insufficient funds", "detail": "Insufficient Funds.", "code": "400", "status": "400"}]
    }
    error = classify(_response(400, body), HttpRequest("POST", "/orders"))
    assert isinstance(error, didkit.InsufficientFundsError)
    assert error.required is None and error.available is None


def test_success_is_no_error() -> None:
    assert classify(_response(200, {"data": []}), HttpRequest("GET", "/dids")) is None


def test_the_key_never_leaks(didww_vcr: Any, sleeps: Any, caplog: Any) -> None:
    key = "sekrit-key-6b1f0a9d2c"
    provider = DidwwProvider(
        api_key=key, rate_limit=False, sleep=sleeps, retry=RetryPolicy(max_retries=0), api_version="2026-04-16"
    )
    assert key not in repr(provider)
    errors: list[BaseException] = []
    with caplog.at_level(logging.DEBUG):
        for cassette, call in (
            ("errors_auth.yaml", provider.list_countries),
            ("errors_funds.yaml", lambda: provider.purchase(OFFER, wait=0)),
            ("errors_rate_limited.yaml", provider.list_countries),
            ("malformed_number.yaml", lambda: provider.get_number("44957076-778a-4802-b60c-d22db0cda284")),
        ):
            with didww_vcr.use_cassette(cassette), pytest.raises(didkit.DidkitError) as info:
                call()
            errors.append(info.value)
    for error in errors:
        assert key not in str(error)
        assert key not in repr(error)
        assert all(key not in message for message in getattr(error, "messages", ()))
        assert key not in json.dumps([dict(d) for d in getattr(error, "details", ())], default=str)
    assert key not in caplog.text
