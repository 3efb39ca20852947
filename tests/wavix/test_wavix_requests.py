"""What goes on the wire (paths, query, JSON bodies, headers), registration and configuration."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import httpx
import pytest
from didkit_wavix import WAVIX_SPEC, AsyncWavixProvider, WavixProvider
from didkit_wavix._wire import read_docref

import didkit
from didkit import (
    DID,
    AvailableNumber,
    Capability,
    ConfigurationError,
    Destination,
    DestinationKind,
    MessagingRoute,
    NumberType,
    SearchQuery,
)
from didkit.readers import FieldError, read_datetime, read_decimal, read_e164, read_int

KEY = "wx-test-key-5f2c9a1e77"


class Recorder:
    """An httpx MockTransport answering from a small in-memory Wavix, keeping every request."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path, method = request.url.path, request.method
        record = {"id": 7, "number": "12135550100", "status": "active", "destination": []}
        if path == "/v1/buy/countries":
            return httpx.Response(200, json={"countries": [
                {"id": 1, "name": "United States", "has_provinces_or_states": True}]})
        if path == "/v1/buy/countries/1/regions":
            return httpx.Response(200, json={"regions": [{"id": 17, "name": "California"}]})
        if path == "/v1/buy/countries/1/regions/17/cities":
            return httpx.Response(200, json={"cities": [{"id": 5, "name": "LOS ANGELES, CA", "area_code": 213}]})
        if path == "/v1/buy/countries/1/cities/5/dids":
            return httpx.Response(200, json={"dids": [
                {"id": 12135550100, "number": "12135550100", "activation_fee": "1", "monthly_fee": "1",
                 "sms_enabled": True}], "pagination": {"current_page": 1, "total_pages": 1}})
        if path == "/v1/buy/cart" and method == "PUT":
            return httpx.Response(200, json=[])
        if path == "/v1/buy/cart/checkout":
            return httpx.Response(201, json={"success": True})
        if path == "/v1/numbers" and method == "GET":
            return httpx.Response(200, json={"items": [record], "pagination": {"current_page": 1, "total_pages": 1}})
        if path == "/v1/numbers" and method == "DELETE":
            return httpx.Response(200, json={"success": True})
        if path == "/v1/numbers/7":
            return httpx.Response(200, json=record)
        if path == "/v1/trunks/3107":
            return httpx.Response(200, json={"id": 3107, "name": "32882"})
        return httpx.Response(404, json={"success": False, "message": "Record not found"})

    def sent(self) -> list[tuple[str, str, list[tuple[str, str]], Any]]:
        return [
            (r.method, r.url.path, sorted(r.url.params.multi_items()), json.loads(r.content) if r.content else None)
            for r in self.requests
        ]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def provider(recorder: Recorder) -> WavixProvider:
    return WavixProvider(api_key=KEY, transport=httpx.MockTransport(recorder), sleep=lambda s: None)


def test_every_request_uses_bearer_auth_and_never_appid(provider: WavixProvider, recorder: Recorder) -> None:
    offer = next(provider.search_numbers(SearchQuery(country="US", city="Los Angeles")))
    provider.purchase(offer, reference="r")
    provider.set_messaging("7", [MessagingRoute.webhook("https://h.example.com/sms")])
    provider.set_destinations("7", [Destination.trunk("3107")])
    provider.release_number("+12135550100")
    assert len(recorder.requests) >= 10
    for request in recorder.requests:
        assert request.headers["authorization"] == f"Bearer {KEY}"
        assert request.headers["accept"] == "application/json"
        assert "appid" not in request.url.params
        assert request.url.host == "api.wavix.com" and request.url.scheme == "https"
        if request.content:
            assert request.headers["content-type"] == "application/json"


def test_request_shapes(provider: WavixProvider, recorder: Recorder) -> None:
    offer = next(provider.search_numbers(SearchQuery(country="US", city="Los Angeles", capabilities={"sms"})))
    provider.purchase(offer)
    provider.update_number("7", carrier_fields={"call_recording_enabled": True})
    provider.set_messaging("7", [MessagingRoute.webhook("https://h.example.com/sms")])
    provider.set_destinations("7", [Destination.sip("sip:100@pbx.example.com"), Destination.pstn("+14155550100"),
                                    Destination.trunk("3107")])
    provider.release_number(DID(id="7", provider="wavix", number="+12135550100"))
    provider.release_number("7")
    assert recorder.sent() == [
        ("GET", "/v1/buy/countries", [], None),
        ("GET", "/v1/buy/countries/1/regions", [], None),
        ("GET", "/v1/buy/countries/1/regions/17/cities", [], None),
        ("GET", "/v1/buy/countries/1/cities/5/dids",
         [("page", "1"), ("per_page", "100"), ("text_enabled_only", "true")], None),
        ("PUT", "/v1/buy/cart", [], {"ids": ["12135550100"]}),
        ("POST", "/v1/buy/cart/checkout", [], {"ids": ["12135550100"]}),
        ("GET", "/v1/numbers", [("page", "1"), ("per_page", "100"), ("search", "12135550100")], None),
        ("PATCH", "/v1/numbers/7", [], {"call_recording_enabled": True}),
        ("PATCH", "/v1/numbers/7", [], {"sms_relay_url": "https://h.example.com/sms", "sms_enabled": True}),
        ("GET", "/v1/trunks/3107", [], None),
        ("PATCH", "/v1/numbers/7", [], {"destinations": [
            {"destination": "100@pbx.example.com", "priority": 1, "transport": 1},
            {"destination": "14155550100", "priority": 2, "transport": 4},
            {"destination": "32882", "priority": 3, "transport": 5, "trunk_id": 3107},
        ]}),
        ("DELETE", "/v1/numbers", [("dids", "12135550100")], None),
        ("DELETE", "/v1/numbers", [("ids", "7")], None),
    ]


def test_trunk_logins_are_cached(provider: WavixProvider, recorder: Recorder) -> None:
    provider.set_destinations("7", [Destination.trunk("3107")])
    provider.set_destinations("7", [Destination.trunk(3107), Destination.pstn("+14155550100")])
    assert [r.url.path for r in recorder.requests].count("/v1/trunks/3107") == 1


def test_base_url_override(recorder: Recorder) -> None:
    provider = WavixProvider(api_key=KEY, base_url="http://localhost:8099/", transport=httpx.MockTransport(recorder))
    provider.list_countries()
    assert str(recorder.requests[0].url) == "http://localhost:8099/v1/buy/countries"


def test_registration_and_connect(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "wavix" in didkit.available_providers()
    monkeypatch.setenv("WAVIX_API_KEY", KEY)
    provider = didkit.connect("wavix")
    assert isinstance(provider, WavixProvider) and isinstance(provider, didkit.NumberProvider)
    assert provider.name == "wavix" and provider.base_url == "https://api.wavix.com"
    assert KEY not in repr(provider)
    async_provider = didkit.connect_async("wavix")
    assert isinstance(async_provider, AsyncWavixProvider) and isinstance(async_provider, didkit.AsyncNumberProvider)
    assert WavixProvider.async_class is AsyncWavixProvider
    monkeypatch.delenv("WAVIX_API_KEY")
    with pytest.raises(ConfigurationError, match="WAVIX_API_KEY"):
        didkit.connect("wavix")


def test_capabilities() -> None:
    caps = WAVIX_SPEC.capabilities
    assert (caps.reservations, caps.async_orders, caps.multiple_destinations, caps.immediate_release) == (
        False, False, True, True)
    assert (caps.sms_config, caps.labels, caps.specific_numbers, caps.carrier_side_reference) == (
        True, False, True, False)
    assert NumberType.LOCAL in caps.number_types
    assert caps.destination_kinds == {DestinationKind.SIP_URI, DestinationKind.PSTN, DestinationKind.SIP_TRUNK}
    assert WAVIX_SPEC.api_key_env == "WAVIX_API_KEY" and WAVIX_SPEC.emulator_base_path == ""
    assert dict(WAVIX_SPEC.auth_headers("k")) == {"Authorization": "Bearer k"}


@pytest.mark.parametrize(
    "options",
    [{"colour": "blue"}, {"coverage_ttl": -1}, {"coverage_ttl": "1h"}, {"max_search_cities": 0},
     {"max_search_cities": True}, {"strict_schemas": "yes"}],
)
def test_bad_options(options: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        WavixProvider(api_key=KEY, **options)


def test_offer_raw_and_ref_survive(provider: WavixProvider) -> None:
    offer = next(provider.search_numbers(SearchQuery(country="US", city="Los Angeles")))
    assert isinstance(offer, AvailableNumber)
    assert offer.raw["number"] == "12135550100" and offer.offer_ref["number"] == "12135550100"
    assert offer.capabilities == {Capability.VOICE, Capability.SMS}
    assert offer.channels is None and offer.per_minute_price is None  # not sent: unknown, not zero


# -- the lenient parsers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-12-07", datetime(2023, 12, 7, tzinfo=timezone.utc)),
        ("2023-04-10T06:42:59.000Z", datetime(2023, 4, 10, 6, 42, 59, tzinfo=timezone.utc)),
        ("2023-04-10T06:42:59Z", datetime(2023, 4, 10, 6, 42, 59, tzinfo=timezone.utc)),
        ("2023-04-10T06:42:59.123456789Z", datetime(2023, 4, 10, 6, 42, 59, 123456, tzinfo=timezone.utc)),
        ("2023-04-10 06:42:59", datetime(2023, 4, 10, 6, 42, 59, tzinfo=timezone.utc)),
        ("2023-04-10 06:42", datetime(2023, 4, 10, 6, 42, tzinfo=timezone.utc)),
        ("2023-04-10T08:42:59+02:00", datetime(2023, 4, 10, 6, 42, 59, tzinfo=timezone.utc)),
        ("2023-04-10T01:42:59-0500", datetime(2023, 4, 10, 6, 42, 59, tzinfo=timezone.utc)),
        ("2023-04-10 06:42:59 UTC", datetime(2023, 4, 10, 6, 42, 59, tzinfo=timezone.utc)),
    ],
)
def test_timestamps(text: str, expected: datetime) -> None:
    parsed = read_datetime(text, "added")
    assert parsed == expected and parsed.tzinfo is timezone.utc


@pytest.mark.parametrize("text", ["", "yesterday", "2023-02-30", "2023-04-10T25:00:00Z", "10/04/2023"])
def test_bad_timestamps(text: str) -> None:
    with pytest.raises(FieldError) as raised:
        read_datetime(text, "added")
    assert raised.value.field == "added"


def test_scalar_parsers() -> None:
    assert read_int("24", "f") == read_int(24, "f") == read_int(24.0, "f") == 24
    assert read_decimal("0.0085", "f") == read_decimal(0.0085, "f") == Decimal("0.0085")
    assert read_decimal(0, "f") == Decimal(0)
    assert read_e164("12565378257", "f") == read_e164("+12565378257", "f") == read_e164(12565378257, "f")
    assert read_e164(12565378257, "f") == "+12565378257"
    assert read_docref(1, "f") == read_docref("1", "f") == read_docref(" 01 ", "f") == "1"
    assert read_docref("Address", "f") == "address"
    for bad in (True, "x", 1.5):
        with pytest.raises(FieldError):
            read_int(bad, "f")
    for bad in (True, "1,5", "NaN", [1]):
        with pytest.raises(FieldError):
            read_decimal(bad, "f")
    for bad in ("abc", "12", True):
        with pytest.raises(FieldError):
            read_e164(bad, "f")


def test_matching_people_and_wavix_spellings() -> None:
    from didkit_wavix._matching import EXACT, NONE, PREFIX, city_match, region_matches
    from didkit_wavix._wire import WavixRegion

    assert city_match("US", "LOS ANGELES, CA", "California", "Los Angeles") == EXACT
    assert city_match("US", "LOS ANGELES, CA", "California", "los angeles, california") == EXACT
    assert city_match("US", "LOS ANGELES, CA", "California", "Los Angeles, NY") == NONE
    assert city_match("US", "LOS ANGELES, CA", "California", "Los Ang") == PREFIX
    assert city_match("AR", "Córdoba", None, "cordoba") == EXACT
    assert city_match("US", "LOS ANGELES, CA", "California", "LA") == NONE
    california = WavixRegion(17, "California")  # type: ignore[arg-type]
    assert region_matches("US", california, "CA") and region_matches("US", california, "california")
    assert region_matches("US", california, "17") and not region_matches("US", california, "NY")


def test_destination_targets_sent_to_wavix() -> None:
    from didkit_wavix._mapping import pstn_target, sip_target

    assert sip_target("sip:100@pbx.example.com:5060") == "100@pbx.example.com:5060"
    assert sip_target("sip:pbx.example.com") == "[did]@pbx.example.com"
    assert sip_target("sip:[did]@pbx.example.com") == "[did]@pbx.example.com"
    assert sip_target("sips:100@pbx.example.com") == "sips:100@pbx.example.com"
    assert pstn_target("+1 (415) 555-0100") == "14155550100"
