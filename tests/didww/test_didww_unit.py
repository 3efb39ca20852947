"""The DIDWW adapter's spec, options, input checks and normalisation rules."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest
from didkit_didww import (
    DIDWW_SPEC,
    SPEC,
    AsyncDidwwProvider,
    DidwwProvider,
)
from didkit_didww._mapping import (
    did_from,
    number_type_for,
    order_from,
    parse_sip,
    region_from,
    status_for,
    trunk_from,
)
from didww_driver import drive, operations, response

import didkit
from didkit import (
    AvailableNumber,
    Capability,
    Destination,
    DestinationKind,
    NumberStatus,
    NumberType,
    OrderStatus,
    SearchQuery,
)
from didkit.adapter import NumberRef
from didkit.engine import HttpRequest
from didkit.jsonapi import Document
from didkit.kit import NumberFilter

KEY = "unit-key-5e2d7c"


class Recorder:
    """An httpx transport that records requests and answers from a script."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = self.answers.pop(0) if self.answers else {"data": []}
        return httpx.Response(200, json=body, headers={"content-type": "application/vnd.api+json"})


def make(recorder: Recorder, **kwargs: Any) -> DidwwProvider:
    options = {"api_version": "2026-04-16", **kwargs}  # the request shapes these tests pin are 2026-04-16's
    return DidwwProvider(api_key=KEY, rate_limit=False, transport=httpx.MockTransport(recorder), **options)


# -- spec, registration, configuration ----------------------------------------------------------


def test_spec() -> None:
    assert SPEC is DIDWW_SPEC
    assert DIDWW_SPEC.name == "didww"
    assert DIDWW_SPEC.default_base_url == "https://api.didww.com/v3"
    assert DIDWW_SPEC.environments == {
        "production": "https://api.didww.com/v3",
        "sandbox": "https://sandbox-api.didww.com/v3",
    }
    assert DIDWW_SPEC.api_key_env == "DIDWW_API_KEY"
    assert DIDWW_SPEC.rate_limit == (10, 1.0)
    assert DIDWW_SPEC.content_type == "application/vnd.api+json"
    assert DIDWW_SPEC.static_headers["Accept"] == "application/vnd.api+json"
    # The version header and the credentials depend on api_version: the authenticator sends them.
    assert "X-DIDWW-API-Version" not in DIDWW_SPEC.static_headers
    assert DIDWW_SPEC.authenticator is not None
    assert DIDWW_SPEC.auth_headers("k") == {"Api-Key": "k"}
    assert DIDWW_SPEC.emulator_base_path == "/v3"
    caps = DIDWW_SPEC.capabilities
    assert (caps.reservations, caps.async_orders, caps.multiple_destinations, caps.immediate_release) == (
        True,
        True,
        True,
        False,
    )
    assert (caps.sms_config, caps.labels, caps.specific_numbers, caps.carrier_side_reference) == (
        True,
        True,
        True,
        True,
    )
    assert caps.number_types == {
        NumberType.LOCAL,
        NumberType.MOBILE,
        NumberType.TOLL_FREE,
        NumberType.NATIONAL,
        NumberType.SHARED_COST,
    }
    assert caps.destination_kinds == set(DestinationKind) - {DestinationKind.URL}


def test_registered_by_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "didww" in didkit.available_providers()
    monkeypatch.setenv("DIDWW_API_KEY", KEY)
    provider = didkit.connect("didww")
    assert isinstance(provider, DidwwProvider)
    assert provider.name == "didww" and provider.base_url == "https://api.didww.com/v3"
    assert isinstance(didkit.connect_async("didww"), AsyncDidwwProvider)
    assert DidwwProvider.async_class is AsyncDidwwProvider


def test_environments_and_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DIDWW_API_KEY", raising=False)
    with pytest.raises(didkit.ConfigurationError, match="DIDWW_API_KEY"):
        DidwwProvider()
    assert DidwwProvider(api_key=KEY, environment="sandbox").base_url == "https://sandbox-api.didww.com/v3"
    assert DidwwProvider(api_key=KEY, base_url="http://proxy.local/v3/").base_url == "http://proxy.local/v3"


def test_unknown_or_bad_options_are_configuration_errors() -> None:
    with pytest.raises(didkit.ConfigurationError, match="pagesize"):
        DidwwProvider(api_key=KEY, pagesize=10)
    with pytest.raises(didkit.ConfigurationError, match="page_size"):
        DidwwProvider(api_key=KEY, page_size=5000)
    with pytest.raises(didkit.ConfigurationError, match="callback_method"):
        DidwwProvider(api_key=KEY, callback_method="put")
    with pytest.raises(didkit.ConfigurationError, match="strict_schemas"):
        DidwwProvider(api_key=KEY, strict_schemas="yes")


def test_headers_sent() -> None:
    recorder = Recorder({"data": [{"type": "countries", "id": "c1", "attributes": {"name": "Germany", "iso": "DE"}}]})
    provider = make(recorder)
    assert [c.code for c in provider.list_countries()] == ["DE"]
    sent = recorder.requests[0]
    assert sent.headers["Api-Key"] == KEY
    assert sent.headers["Accept"] == "application/vnd.api+json"
    assert sent.headers["X-DIDWW-API-Version"] == "2026-04-16"
    assert str(sent.url) == "https://api.didww.com/v3/countries"


DID_UUID = "5f9a8d3e-1b2c-4d5e-8f90-a1b2c3d4e5f6"


def test_content_type_on_writes() -> None:
    did = {"data": {"type": "dids", "id": DID_UUID, "attributes": {"number": "16092091234"}}}
    recorder = Recorder(did, did)
    make(recorder).update_number(DID_UUID, label="x")
    patch = recorder.requests[0]
    assert patch.method == "PATCH"
    assert patch.headers["Content-Type"] == "application/vnd.api+json"
    assert json.loads(patch.content) == {"data": {"id": DID_UUID, "type": "dids", "attributes": {"description": "x"}}}


def test_api_version_mismatch_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    old = {"data": [], "meta": {"api_version": "2021-04-19"}}
    provider = make(Recorder(old, old))
    with caplog.at_level(logging.WARNING, logger="didkit"):
        provider.list_countries()
        provider.list_regions("DE")
    warnings = [r for r in caplog.records if "2021-04-19" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING and warnings[0].name == "didkit"


def test_coverage_cache_expires_with_the_clock() -> None:
    now = [0.0]
    countries = {"data": [{"type": "countries", "id": "c1", "attributes": {"name": "Germany", "iso": "DE"}}]}
    recorder = Recorder(countries, countries)
    provider = make(recorder, clock=lambda: now[0], coverage_ttl=60)
    provider.list_countries()
    provider.list_countries()
    assert len(recorder.requests) == 1
    now[0] = 61.0
    provider.list_countries()
    assert len(recorder.requests) == 2


# -- input checks before any request ------------------------------------------------------------


def test_list_numbers_rejects_typos_before_any_request() -> None:
    recorder = Recorder()
    provider = make(recorder)
    with pytest.raises(didkit.InvalidInputError, match="terminatd"):
        provider.list_numbers(carrier_filters={"terminatd": True})
    with pytest.raises(didkit.InvalidInputError, match="did_groupz"):
        provider.list_numbers(carrier_filters={"include": "did_groupz"})
    with pytest.raises(didkit.InvalidInputError, match="pop"):
        provider.list_numbers(carrier_filters={"include": "voice_in_trunk_group.pop"})
    with pytest.raises(didkit.InvalidInputError, match="nmber"):
        provider.list_numbers(carrier_filters={"sort": "-nmber"})
    with pytest.raises(didkit.InvalidInputError):
        provider.list_numbers(carrier_filters={"number": []})
    assert recorder.requests == []


async def test_async_list_numbers_rejects_typos_before_any_request() -> None:
    provider = AsyncDidwwProvider(
        api_key=KEY, rate_limit=False, transport=httpx.MockTransport(Recorder()), api_version="2026-04-16"
    )
    with pytest.raises(didkit.InvalidInputError):
        provider.list_numbers(carrier_filters={"bogus": 1})
    await provider.aclose()


def test_list_numbers_filter_spellings() -> None:
    ops = operations()
    checked = ops.number_filters.check(
        {
            "order_id": "o1",
            "voice_in_trunk__id": "t1",
            "did_group.features": ["voice_in", "sms_in"],
            "number": "+1 609 209 1234",
            "terminated": False,
            "include": ["did_group.stock_keeping_units", "order"],
            "sort": "-created_at,number",
        },
        provider="DIDWW",
    )
    params = ops.list_params(NumberFilter(carrier=checked))
    assert ("filter[order.id]", "o1") in params
    assert ("filter[voice_in_trunk.id]", "t1") in params
    assert ("filter[did_group.features]", "voice_in,sms_in") in params
    assert ("filter[number]", "16092091234") in params
    assert ("filter[terminated]", "false") in params
    include = dict(params)["include"].split(",")
    assert include[-2:] == ["did_group.stock_keeping_units", "order"] and "voice_in_trunk" in include
    assert dict(params)["sort"] == "-created_at,number"


def test_update_number_checks_changes_before_any_request() -> None:
    recorder = Recorder()
    provider = make(recorder)
    with pytest.raises(didkit.InvalidInputError, match="colour"):
        provider.update_number(DID_UUID, carrier_fields={"colour": "blue"})
    deprecated = pytest.warns(DeprecationWarning, match="set_messaging")
    with pytest.raises(didkit.UnsupportedOperationError, match="2026-11-19"), deprecated:
        provider.update_number(DID_UUID, sms_webhook_url="https://example.com/sms")  # 2026-04-16: no SMS routing
    with pytest.raises(didkit.InvalidInputError, match="capacity_limit"):
        provider.update_number(DID_UUID, carrier_fields={"capacity_limit": -1})
    assert recorder.requests == []


def test_purchase_needs_didww_offer_ids() -> None:
    recorder = Recorder()
    provider = make(recorder)
    with pytest.raises(didkit.InvalidInputError, match="sku_id"):
        provider.purchase(AvailableNumber(provider="didww", number=None, country="US"))
    with pytest.raises(didkit.InvalidInputError, match="available_did_id"):
        provider.purchase(
            AvailableNumber(provider="didww", number="+16092091234", country="US", offer_ref={"sku_id": "s"})
        )
    assert recorder.requests == []


def test_duplicate_destinations_are_rejected() -> None:
    ops = operations()
    with pytest.raises(didkit.InvalidInputError, match="twice"):
        next(
            ops.set_destinations(
                NumberRef(id="d1"),
                [Destination.sip("sip:a@pbx.example.com"), Destination.sip("SIP:a@PBX.example.com:5060", priority=2)],
            )
        )


def test_search_with_an_unsupported_capability_finds_nothing() -> None:
    countries = {"data": [{"type": "countries", "id": "c1", "attributes": {"name": "US", "iso": "US", "prefix": "1"}}]}
    recorder = Recorder(countries)
    provider = make(recorder)
    assert list(provider.search_numbers(SearchQuery(country="US", capabilities={Capability.MMS}))) == []
    assert len(recorder.requests) == 1


def test_search_prefix_filters() -> None:
    countries = {"data": [{"type": "countries", "id": "c1", "attributes": {"name": "US", "iso": "US", "prefix": "1"}}]}
    ops = operations()

    def respond(request: HttpRequest) -> Any:
        return response(countries if request.path == "/countries" else {"data": [], "links": {"first": "x"}})

    _, requests, _ = drive(ops.search_numbers(SearchQuery(country="US", prefix="213")), respond)
    assert ("filter[prefix]", "1213") in requests[-1].params
    _, requests, _ = drive(ops.search_numbers(SearchQuery(country="US", prefix="213555")), respond)
    assert ("filter[nanpa_prefix.npanxx]", "213555") in requests[-1].params


# -- normalisation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attributes", "status"),
    [
        (
            {"terminated": True, "awaiting_registration": True, "blocked": True, "billing_cycles_count": 0},
            NumberStatus.RELEASING,
        ),
        ({"awaiting_registration": True, "blocked": True, "billing_cycles_count": 0}, NumberStatus.PENDING),
        ({"blocked": True, "billing_cycles_count": 0}, NumberStatus.BLOCKED),
        ({"billing_cycles_count": 0}, NumberStatus.RELEASING),
        ({"billing_cycles_count": 3}, NumberStatus.ACTIVE),
        ({"billing_cycles_count": None}, NumberStatus.ACTIVE),
    ],
)
def test_status_precedence(attributes: dict[str, Any], status: NumberStatus) -> None:
    flags = {"terminated": False, "awaiting_registration": False, "blocked": False, **attributes}
    assert status_for(
        flags["terminated"], flags["awaiting_registration"], flags["blocked"], flags["billing_cycles_count"]
    ) is status


def _did_document(**attributes: Any) -> Document:
    body = {"data": {"type": "dids", "id": "d1", "attributes": {"number": "442037691880", **attributes}}}
    return Document.parse(body, provider="didww")


@pytest.mark.parametrize(("cycles", "renews"), [(None, True), (0, False), (2, True)])
def test_auto_renew(cycles: int | None, renews: bool) -> None:
    document = _did_document(billing_cycles_count=cycles)
    did = did_from(document, document.one())
    assert did.auto_renew is renews
    assert did.number == "+442037691880" and did.country == "GB"


def test_did_timestamps_are_aware_and_capabilities_come_from_the_group() -> None:
    body = {
        "data": {
            "type": "dids",
            "id": "d1",
            "attributes": {
                "number": "16092091234",
                "created_at": "2026-02-25T15:01:06.000Z",
                "expires_at": "2026-03-27T13:48:55Z",
            },
            "relationships": {"did_group": {"data": {"type": "did_groups", "id": "g1"}}},
        },
        "included": [{"type": "did_groups", "id": "g1", "attributes": {"features": ["VOICE_IN", "sms_in", "T38"]}}],
    }
    document = Document.parse(body, provider="didww")
    did = did_from(document, document.one())
    assert did.created_at is not None and did.created_at.utcoffset() is not None
    assert did.expires_at is not None and did.expires_at.tzinfo is not None
    assert did.capabilities == {Capability.VOICE, Capability.SMS, Capability.FAX}


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Local", NumberType.LOCAL),
        ("MOBILE", NumberType.MOBILE),
        ("Toll-free", NumberType.TOLL_FREE),
        ("National", NumberType.NATIONAL),
        ("Shared Cost", NumberType.SHARED_COST),
        ("Global", NumberType.UNKNOWN),
    ],
)
def test_number_types(name: str, kind: NumberType) -> None:
    assert number_type_for(name) is kind


@pytest.mark.parametrize(
    ("status", "expected"),
    [("pending", OrderStatus.PENDING), ("Completed", OrderStatus.COMPLETED), ("CANCELED", OrderStatus.CANCELLED)],
)
def test_order_status_any_case(status: str, expected: OrderStatus) -> None:
    document = Document.parse(
        {"data": {"type": "orders", "id": "o1", "attributes": {"status": status, "amount": "3.6"}}}, provider="didww"
    )
    order = order_from(document, document.one())
    assert order.status is expected
    assert order.total == didkit.Money("3.6", "USD")


def test_unknown_order_status_is_a_format_error() -> None:
    document = Document.parse(
        {"data": {"type": "orders", "id": "o1", "attributes": {"status": "lost"}}}, provider="didww"
    )
    with pytest.raises(didkit.ResponseFormatError) as info:
        order_from(document, document.one())
    assert info.value.field == "data.attributes.status"


def _trunk(configuration: dict[str, Any]) -> Any:
    document = Document.parse(
        {"data": {"type": "voice_in_trunks", "id": "t1", "attributes": {"name": "T", "configuration": configuration}}},
        provider="didww",
    )
    return trunk_from(document, document.one())


def test_trunks_as_destinations() -> None:
    sip = _trunk(
        {"type": "SIP_CONFIGURATIONS", "attributes": {"username": "{DID}", "host": "pbx.example.com", "port": 5070}}
    )
    assert sip.destination("16092091234") == Destination(
        DestinationKind.SIP_URI, "sip:16092091234@pbx.example.com:5070", 1, "t1"
    )
    tls = _trunk(
        {
            "type": "sip_configurations",
            "attributes": {"username": "a", "host": "h.example.com", "transport_protocol_id": 3},
        }
    )
    assert tls.destination(None).target == "sips:a@h.example.com"
    tcp = _trunk({"type": "sip_configurations", "attributes": {"host": "h.example.com", "transport_protocol_id": 2}})
    assert tcp.destination(None).target == "sip:h.example.com;transport=tcp"
    registration = _trunk(
        {"type": "sip_configurations", "attributes": {"host": None, "enabled_sip_registration": True}}
    )
    assert registration.destination("1") == Destination(DestinationKind.SIP_TRUNK, "T", 1, "t1")
    pstn = _trunk({"type": "pstn_configurations", "attributes": {"dst": "442080995011"}})
    assert pstn.destination("1") == Destination(DestinationKind.PSTN, "+442080995011", 1, "t1")
    assert pstn.routes_to(Destination.pstn("+44 20 8099 5011"), None)
    assert sip.routes_to(Destination.sip("sip:16092091234@PBX.example.com:5070"), "16092091234")
    assert not sip.routes_to(Destination.sip("sip:16092091234@pbx.example.com"), "16092091234")


def test_sip_uris() -> None:
    target = parse_sip("sips:alice@[2001:db8::1]:5061")
    assert (target.user, target.host, target.port, target.transport) == ("alice", "2001:db8::1", 5061, 3)
    assert target.uri == "sips:alice@[2001:db8::1]:5061"
    assert parse_sip("sip:pbx.example.com;transport=TCP").configuration() == {
        "type": "sip_configurations",
        "attributes": {"username": None, "host": "pbx.example.com", "port": None, "transport_protocol_id": 2},
    }
    assert parse_sip("sip:1@h.example.com").key == parse_sip("sip:1@h.example.com:5060").key


def test_next_page() -> None:
    def doc(**top: Any) -> Document:
        return Document.parse({"data": [], **top}, provider="didww")

    nxt = "https://api.didww.com/v3/dids?page%5Bnumber%5D=3&page%5Bsize%5D=50"
    assert doc(links={"next": nxt}).next_page(2, 50) == 3
    assert doc(links={"next": {"href": "https://x/v3/dids?foo=1"}}).next_page(2, 50) == 3
    assert doc(links={"first": "a", "last": "b"}, meta={"total_records": 500}).next_page(1, 50) is None
    assert doc(meta={"total_records": 120}).next_page(2, 50) == 3
    assert doc(meta={"total_records": 100}).next_page(2, 50) is None
    assert doc().next_page(1, 50) is None


@pytest.mark.parametrize("iso", ["CA", "US-CA", "us-ca", " CA "])
def test_region_codes_read_without_the_country_part_in_either_form(iso: str) -> None:
    """2026-04-16 sends ``CA``; 2026-11-19's draft spec ISO 3166-2 with the country (``US-CA``)."""
    body = {"data": {"type": "regions", "id": "r1", "attributes": {"name": "California", "iso": iso}}}
    document = Document.parse(body, provider="didww")
    region = region_from(document, document.one(), "US")
    assert region.code == "CA" and region.name == "California"


def test_a_region_without_a_code_has_none() -> None:
    body = {"data": {"type": "regions", "id": "r1", "attributes": {"name": "Greater London", "iso": None}}}
    document = Document.parse(body, provider="didww")
    assert region_from(document, document.one(), "GB").code is None
