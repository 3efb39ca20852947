"""Form-encoded request bodies in the engine, and call routing to a URL (``DestinationKind.URL``)
declared through capabilities, so carriers that cannot refuse it before any request."""

from __future__ import annotations

from urllib.parse import parse_qsl

import httpx
import pytest

import didkit
from didkit import Destination, DestinationKind, InvalidInputError, UnsupportedOperationError
from didkit.engine import AsyncRunner, EngineConfig, HttpRequest, SyncRunner


def test_form_bodies_are_sent_url_encoded() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"sid": "PN1"})

    config = EngineConfig(provider="toy", base_url="https://toy.example", content_type="application/json")
    runner = SyncRunner(config, transport=httpx.MockTransport(handler))
    try:
        form = {"PhoneNumber": "+12125550100", "VoiceUrl": "https://a.example/x?y=1&z=2", "Sms": True, "Skip": None}
        runner.send(HttpRequest("POST", "/IncomingPhoneNumbers.json", form=form, idempotent=False))
        runner.send(HttpRequest("POST", "/tags", form=[("tag", "a"), ("tag", "b & c")]))
    finally:
        runner.close()
    first, second = seen
    assert first.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qsl(first.content.decode()) == [
        ("PhoneNumber", "+12125550100"),
        ("VoiceUrl", "https://a.example/x?y=1&z=2"),
        ("Sms", "true"),
    ]
    assert parse_qsl(second.content.decode()) == [("tag", "a"), ("tag", "b & c")]


async def test_async_runner_sends_the_same_form() -> None:
    bodies: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(request.content)
        return httpx.Response(200, json={})

    config = EngineConfig(provider="toy", base_url="https://toy.example")
    runner = AsyncRunner(config, transport=httpx.MockTransport(handler))
    try:
        await runner.send(HttpRequest("POST", "/x", form={"a": 1, "b": ["2", "3"]}))
    finally:
        await runner.aclose()
    assert bodies == [b"a=1&b=2&b=3"]


def test_a_request_has_one_body_and_forms_stay_out_of_reprs() -> None:
    with pytest.raises(InvalidInputError, match="one body"):
        HttpRequest("POST", "/x", json={"a": 1}, form={"a": "1"})
    assert "secret" not in repr(HttpRequest("POST", "/token", form={"client_secret": "secret"}))


def test_url_destinations_are_checked_https_urls() -> None:
    destination = Destination.url(" https://calls.example.com/voice ")
    assert (destination.kind, destination.target) == (DestinationKind.URL, "https://calls.example.com/voice")
    for bad in ("http://calls.example.com/voice", "calls.example.com", ""):
        with pytest.raises(InvalidInputError):
            Destination.url(bad)


@pytest.mark.parametrize("carrier", ["wavix", "didww"])
def test_carriers_without_url_routing_refuse_it_before_any_request(carrier: str) -> None:
    with didkit.connect(carrier, sandbox=True) as provider:
        assert DestinationKind.URL not in provider.capabilities.destination_kinds
        did = next(iter(provider.list_numbers()))
        provider.emulator.requests.clear()
        with pytest.raises(UnsupportedOperationError, match="url destination"):
            provider.set_destinations(did, [Destination.sip("sip:pbx@example.com"), Destination.url("https://x.example/v")])
        assert provider.emulator.requests == []
