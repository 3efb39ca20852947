"""Owned numbers: listing with Wavix's type drift normalised, lookups, updates, routing, release."""

from __future__ import annotations

import warnings
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from didkit import (
    DID,
    Capability,
    Destination,
    DestinationKind,
    InvalidInputError,
    MessagingKind,
    MessagingRoute,
    Money,
    NotFoundError,
    NumberStatus,
    UnsupportedOperationError,
)

UTC = timezone.utc


def no_requests(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"unexpected request {request.method} {request.url}")


def test_list_numbers_normalises_the_drift(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("numbers") as cas:
        numbers = provider.list_numbers()
        assert cas.play_count == 0  # lazy
        dids = list(numbers)
        assert cas.play_count == 2  # two pages
    assert [d.number for d in dids] == ["+12565378257", "+14155550123", "+442071234567"]
    example, second, third = dids

    assert example.id == "123" and example.provider == "wavix"
    assert example.country == "US" and example.city == "DETROIT, MI" and example.region == "example"
    assert example.status is NumberStatus.ACTIVE
    assert example.capabilities == {Capability.VOICE, Capability.CNAM}
    assert example.channels == 24 and example.label == "example"
    assert example.setup_price == Money("0.99") and example.monthly_price == Money("0.99")
    assert example.per_minute_price == Money("0.01")
    assert example.created_at == datetime(2023, 4, 10, 6, 42, 59, tzinfo=UTC)  # "...000Z"
    assert example.expires_at == datetime(2023, 12, 7, tzinfo=UTC)  # date only
    assert example.auto_renew is None
    assert example.messaging == (MessagingRoute(MessagingKind.WEBHOOK, "https://your-website.com/webhook", 1),)
    assert example.destinations == (Destination(DestinationKind.SIP_URI, "sip:[did]@sipuri.com", 1),)
    assert example.raw["destination"][0]["destination"] == "[did]@sipuri.com"  # raw keeps the payload

    assert second.status is NumberStatus.PENDING  # "INACTIVE"
    assert second.channels == 24  # "24"
    assert second.created_at == datetime(2024, 1, 5, tzinfo=UTC)
    assert second.expires_at == datetime(2024, 2, 5, tzinfo=UTC)
    assert second.label is None and second.messaging == ()
    assert second.destinations == (
        Destination(DestinationKind.PSTN, "+14155550100", 1),
        Destination(DestinationKind.SIP_TRUNK, "32882", 2, "3107"),
    )

    assert third.number == "+442071234567" and third.country == "GB"  # no '+' on the wire
    assert third.status is NumberStatus.UNKNOWN  # "example"
    assert third.capabilities == {Capability.VOICE, Capability.SMS}
    assert third.created_at == datetime(2024, 2, 1, 10, 20, 30, tzinfo=UTC)  # space separator
    assert third.expires_at == datetime(2024, 3, 1, 8, 20, 30, tzinfo=UTC)  # +02:00 → UTC
    assert third.expires_at.utcoffset() == timedelta(0)
    assert third.destinations == (  # sorted by priority; sip: added only where missing
        Destination(DestinationKind.SIP_URI, "sip:[did]@backup.example.com", 1),
        Destination(DestinationKind.SIP_URI, "sip:alice@pbx.example.com:5060", 2),
    )


async def test_async_list_numbers(cassette: Any, async_wavix: Any) -> None:
    provider = async_wavix()
    with cassette("numbers"):
        dids = [d async for d in provider.list_numbers()]
    assert len(dids) == 3 and all(isinstance(d, DID) for d in dids)


def test_list_numbers_passes_the_filters_wavix_offers(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    carrier = {"search": "+1 256-537", "label_present": True, "city_id": 123}
    with cassette("numbers") as cas:
        # label is neutral: sent to narrow the listing, then checked exactly by the core (the
        # record Wavix answers with is labelled "example", so it is not "ALEX")
        assert list(provider.list_numbers(label="ALEX", carrier_filters=carrier)) == []
        assert cas.play_count == 1
    with cassette("numbers") as cas:
        with pytest.warns(DeprecationWarning, match="carrier_filters"):
            old = provider.list_numbers(label="ALEX", search="+1 256-537", label_present=True, city_id=123)
        assert list(old) == []
        assert cas.play_count == 1


@pytest.mark.parametrize(
    "filters",
    [
        {"country": "USA"},
        {"status": "sleeping"},
        {"carrier_filters": {"search": "abc"}},
        {"carrier_filters": {"label_present": "yes"}},
        {"carrier_filters": {"city_id": "LA"}},
        {"carrier_filters": {"country": "US"}},
    ],
)
def test_list_numbers_rejects_other_filters_before_any_request(wavix: Any, filters: dict[str, Any]) -> None:
    provider = wavix(transport=httpx.MockTransport(no_requests))
    with pytest.raises(InvalidInputError):
        provider.list_numbers(**filters)  # raised at the call, not at the first next()


async def test_async_list_numbers_rejects_unknown_filters_at_once(async_wavix: Any) -> None:
    provider = async_wavix(transport=httpx.MockTransport(no_requests))
    with pytest.raises(InvalidInputError):
        provider.list_numbers(colour="blue")


def test_get_number_by_id_and_by_number(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("number_get") as cas:
        by_id = provider.get_number("123")
        by_number = provider.get_number("+12565378257")
        assert cas.play_count == 2
    assert by_id.number == by_number.number == "+12565378257"
    assert by_id.id == by_number.id == "123"
    assert by_id.raw["require_docs"] == ["1"]


def test_get_number_not_found(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("number_get"):
        with pytest.raises(NotFoundError) as by_id:
            provider.get_number("999")
        with pytest.raises(NotFoundError) as by_number:
            provider.get_number("+12125550000")
    assert by_id.value.status_code == 404 and by_id.value.messages == ("Record not found",)
    assert "+12125550000" in str(by_number.value)


def test_get_number_bad_refs(wavix: Any) -> None:
    provider = wavix(transport=httpx.MockTransport(no_requests))
    for ref in ("abc", "", "+1"):
        with pytest.raises(InvalidInputError):
            provider.get_number(ref)


def test_set_messaging_webhook(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("number_update") as cas:
        did = provider.set_messaging("123", [MessagingRoute.webhook("https://hooks.example.com/sms")])
        assert cas.play_count == 1  # body matched exactly: {"sms_relay_url": ..., "sms_enabled": true}
    assert did.messaging == (MessagingRoute.webhook("https://hooks.example.com/sms"),)


def test_update_sms_webhook_is_deprecated_for_set_messaging(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("number_update") as cas:
        with pytest.warns(DeprecationWarning, match="set_messaging"):
            did = provider.update_number("123", sms_webhook_url="https://hooks.example.com/sms")
        assert cas.play_count == 1  # the same request as set_messaging: one implementation
    with pytest.warns(DeprecationWarning, match="messaging"):
        url = did.sms_webhook_url
    assert url == "https://hooks.example.com/sms"


def test_several_routes_are_refused_before_any_request(wavix: Any) -> None:
    provider = wavix()
    routes = [MessagingRoute.webhook("https://a.example.com/sms"), MessagingRoute.webhook("https://b.example.com/sms")]
    assert provider.capabilities.multiple_messaging_routes is False
    with pytest.raises(UnsupportedOperationError, match="one messaging route"):
        provider.set_messaging("123", routes)  # no cassette: a request would fail differently


def test_update_call_settings_and_clear_a_url(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("number_update"):
        did = provider.update_number(
            "123",
            carrier_fields={
                "call_recording_enabled": False,
                "transcription_enabled": True,
                "transcription_threshold": 30,
                "call_status_url": None,
            },
        )
    assert did.raw["transcription_threshold"] == 30 and did.raw["call_status_url"] is None


def test_update_by_e164_looks_the_record_up(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("number_update"):
        did = provider.set_messaging("+12565378257", [MessagingRoute.webhook("https://hooks.example.com/sms")])
    assert did.id == "123"


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"label": "Support"}, UnsupportedOperationError),
        ({"auto_renew": False}, UnsupportedOperationError),
        ({"carrier_fields": {"colour": "blue"}}, InvalidInputError),
        ({"label": "x", "carrier_fields": {"colour": "blue"}}, InvalidInputError),
        ({"sms_webhook_url": "ftp://example.com"}, InvalidInputError),  # deprecated, still checked first
        ({"carrier_fields": {"call_status_url": "not a url"}}, InvalidInputError),
        ({"carrier_fields": {"sms_enabled": "yes"}}, InvalidInputError),
        ({"carrier_fields": {"transcription_threshold": -1}}, InvalidInputError),
        ({"carrier_fields": {"transcription_threshold": True}}, InvalidInputError),
        ({"call_recording_enabled": "yes"}, InvalidInputError),  # the deprecated spelling is checked too
    ],
)
def test_update_refuses_before_any_request(wavix: Any, changes: dict[str, Any], error: type[Exception]) -> None:
    provider = wavix(transport=httpx.MockTransport(no_requests))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # sms_webhook_url: its own test
        with pytest.raises(error):
            provider.update_number("123", **changes)


def test_set_destinations_sip_pstn_trunk(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    wanted = [
        Destination.sip("sip:100@pbx.example.com"),
        Destination.pstn("+1 415 555 0100"),
        Destination.trunk("3107"),
        Destination.sip("sip:backup.example.com"),  # no user part: Wavix's [did] placeholder
    ]
    with cassette("destinations") as cas:
        did = provider.set_destinations("123", wanted)
        assert cas.all_played  # the trunk's login looked up, then one PATCH with exactly that body
    assert did.destinations == (
        Destination(DestinationKind.SIP_URI, "sip:100@pbx.example.com", 1),
        Destination(DestinationKind.PSTN, "+14155550100", 2),
        Destination(DestinationKind.SIP_TRUNK, "32882", 3, "3107"),
        Destination(DestinationKind.SIP_URI, "sip:[did]@backup.example.com", 4),
    )


async def test_async_set_destinations(cassette: Any, async_wavix: Any) -> None:
    provider = async_wavix()
    wanted = [
        Destination.sip("sip:100@pbx.example.com"),
        Destination.pstn("+14155550100"),
        Destination.trunk(3107, name="My trunk"),
        Destination.sip("sip:[did]@backup.example.com"),
    ]
    with cassette("destinations"):
        did = await provider.set_destinations("123", wanted)
    assert [d.kind for d in did.destinations] == [
        DestinationKind.SIP_URI, DestinationKind.PSTN, DestinationKind.SIP_TRUNK, DestinationKind.SIP_URI
    ]


def test_destinations_read_back_can_be_set_again(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("destinations"):
        did = provider.set_destinations(
            "123",
            [Destination.sip("sip:100@pbx.example.com"), Destination.pstn("+14155550100"), Destination.trunk("3107"),
             Destination.sip("sip:[did]@backup.example.com")],
        )
    with cassette("destinations"):
        again = wavix().set_destinations("123", did.destinations)
    assert again.destinations == did.destinations


def test_set_destinations_refuses_bad_trunk_ids_before_any_request(wavix: Any) -> None:
    provider = wavix(transport=httpx.MockTransport(no_requests))
    with pytest.raises(InvalidInputError):
        provider.set_destinations("123", [Destination.trunk("main-pbx")])
    with pytest.raises(InvalidInputError):
        provider.set_destinations("123", [Destination(DestinationKind.SIP_URI, "not a uri")])


def test_release_by_number_and_by_id(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    did = DID(id="123", provider="wavix", number="+12565378257")
    with cassette("release") as cas:
        assert provider.release_number(did) is None  # dids=<digits>
        assert provider.release_number("123") is None  # ids=<id>
        with pytest.raises(NotFoundError):
            provider.release_number("+12125550000")
        assert cas.all_played


def test_a_did_of_another_provider_is_refused(wavix: Any) -> None:
    provider = wavix(transport=httpx.MockTransport(no_requests))
    foreign = DID(id="abc-123", provider="didww", number="+12565378257")
    with pytest.raises(InvalidInputError):
        provider.release_number(foreign)
    with pytest.raises(InvalidInputError):
        provider.get_number(foreign)
