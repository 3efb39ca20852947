"""The faster DID mapping (issue #8) gives exactly what the reference mapping gives.

``did_from`` now reads DID attributes through a quick path, words field names only on error,
shares one page's DID groups and trunks through a memo, and trusts a trunk's SIP URI once for
every DID it routes; ``parse_datetime`` has a fast path; the converter handles ``X | None``
without cattrs' dispatch. The references below are the implementations these replaced. On the
emulator's documents and on drifted ones, the two must agree: the same DID (fields, types,
reprs, ``raw``), or the same error (type, message, field).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs
import cattrs
import httpx
import pytest
from didkit_didww import _mapping as mapping
from didkit_didww import _wire as wire
from didkit_didww._operations import _DID_ATTRIBUTES, DID_INCLUDE, SCHEMAS
from didkit_didww.emulator import DidwwEmulator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from didkit import DID, Capability, Destination, DestinationKind, InvalidInputError, NumberStatus
from didkit.jsonapi import NOT_INCLUDED, Document, Resource
from didkit.validation import normalize_sip_uri, region_of

# -- references -----------------------------------------------------------------------------------

reference_parse_datetime = wire.parse_datetime_full  # what the fast path must agree with


def reference_converter() -> cattrs.Converter:
    """The adapter's converter as it was: no hooks of its own for ``X | None``."""
    converter = cattrs.Converter()
    converter.register_structure_hook(Decimal, wire._decimal)
    converter.register_structure_hook(int, wire._int)
    converter.register_structure_hook(bool, wire._bool)
    converter.register_structure_hook(str, wire._str)
    converter.register_structure_hook(datetime, lambda value, _: reference_parse_datetime(value))

    def configuration(value: Any, _: Any) -> Any:
        if not isinstance(value, dict):
            raise TypeError(f"expected a configuration object, got {value!r}")
        kind = str(value.get("type") or "").lower()
        attributes = value.get("attributes") or {}
        if kind == "sip_configurations":
            return converter.structure(attributes, wire.SipConfiguration)
        if kind == "pstn_configurations":
            return converter.structure(attributes, wire.PstnConfiguration)
        return wire.OtherConfiguration(kind)

    converter.register_structure_hook(wire.Configuration, configuration)
    converter.register_structure_hook(
        wire.Configuration | None, lambda value, _: None if value is None else configuration(value, _)
    )
    return converter


REFERENCE = reference_converter()


def reference_sip(config: wire.SipConfiguration, digits: str | None) -> mapping.SipTarget | None:
    if not config.host:
        return None
    user = config.username or None
    if user and digits:
        for placeholder in mapping.SIP_PLACEHOLDERS:
            user = user.replace(placeholder, digits)
    transport = config.transport_protocol_id or 1
    target = mapping.SipTarget(
        scheme="sips" if transport == 3 else "sip", user=user, host=config.host, port=config.port, transport=transport
    )
    try:
        normalize_sip_uri(target.uri)
    except InvalidInputError:
        return None
    return target


def reference_destination(trunk: mapping.Trunk, digits: str | None, priority: int = 1) -> Destination:
    if trunk.kind == "sip" and trunk.sip is not None:
        target = reference_sip(trunk.sip, digits)
        if target is not None:
            return Destination(DestinationKind.SIP_URI, target.uri, priority, trunk.id)
    if trunk.kind == "pstn" and trunk.pstn_number:
        return Destination(DestinationKind.PSTN, trunk.pstn_number, priority, trunk.id)
    return Destination(DestinationKind.SIP_TRUNK, trunk.name, priority, trunk.id)


def reference_did_from(document: Document, resource: Resource) -> DID:
    where = mapping.field_of(document, resource)
    attrs_ = wire.structure(resource.attributes, wire.DidAttributes, field=f"{where}.attributes")
    number = mapping.did_number(attrs_.number, f"{where}.attributes.number")
    digits = number[1:]
    capabilities: frozenset[Capability] = frozenset()
    country = region_of(number)
    region = city = None
    group = document.related(resource, "did_group")
    if isinstance(group, Resource):
        group_attrs = mapping.attributes(document, group, wire.DidGroupAttributes)
        capabilities = mapping.capabilities_for(group_attrs.features)
        country = country or mapping._related_country(document, group)
        region = mapping._related_name(document, group, "region")
        city = mapping._related_name(document, group, "city")
    channels: int | None = None
    if attrs_.channels_included_count is not None or attrs_.dedicated_channels_count is not None:
        channels = (attrs_.channels_included_count or 0) + (attrs_.dedicated_channels_count or 0)
    destinations: tuple[Destination, ...] = ()
    trunk = document.related(resource, "voice_in_trunk")
    if isinstance(trunk, Resource):
        destinations = (reference_destination(mapping.trunk_from(document, trunk), digits),)
    else:
        trunk_group = document.related(resource, "voice_in_trunk_group")
        if isinstance(trunk_group, Resource):
            trunks = mapping.group_trunks(document, trunk_group) or []
            destinations = tuple(reference_destination(t, digits, p) for p, t in enumerate(trunks, start=1))
    return DID(
        id=resource.id,
        provider="didww",
        number=number,
        country=country,
        region=region,
        city=city,
        status=mapping.status_for(attrs_),
        capabilities=capabilities,
        channels=channels,
        destinations=destinations,
        label=attrs_.description,
        created_at=attrs_.created_at,
        expires_at=attrs_.expires_at,
        auto_renew=attrs_.billing_cycles_count != 0,
        messaging=(),
        raw=resource.raw,
    )


def fingerprint(value: Any) -> Any:
    if attrs.has(type(value)):
        return (
            type(value).__name__,
            tuple((f.name, fingerprint(getattr(value, f.name))) for f in attrs.fields(type(value)) if f.name != "raw"),
        )
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, tuple(fingerprint(item) for item in value))
    if isinstance(value, frozenset):
        return ("frozenset", tuple(sorted(repr(item) for item in value)))
    return (type(value).__name__, repr(value))


def outcome(work: Callable[[], Any]) -> Any:
    try:
        value = work()
    except Exception as exc:  # compared as type, message and field
        return ("error", type(exc), str(exc), getattr(exc, "field", None))
    return ("value", fingerprint(value), getattr(value, "raw", None))


# -- documents ------------------------------------------------------------------------------------


def emulator_document() -> dict[str, Any]:
    """The emulator's DIDs with every include, plus one more DID routed through a trunk group."""
    emulator = DidwwEmulator(seed=0, rate_limit=None)
    with httpx.Client(transport=emulator.transport(), base_url="https://api.didww.com/v3") as client:
        body: dict[str, Any] = client.get(
            "/dids", params={"include": ",".join(DID_INCLUDE), "page[size]": "100"}, headers={"Api-Key": "k"}
        ).json()
    trunks = [r for r in body["included"] if r["type"] == "voice_in_trunks"]
    group = {
        "type": "voice_in_trunk_groups",
        "id": "tg-1",
        "attributes": {"name": "Both"},
        "relationships": {"voice_in_trunks": {"data": [{"type": t["type"], "id": t["id"]} for t in trunks]}},
    }
    body["included"].append(group)
    routed = copy.deepcopy(body["data"][0])
    routed["id"] = "did-through-group"
    routed["attributes"]["number"] = "14165550188"
    routed["relationships"]["voice_in_trunk"] = {"data": None}
    routed["relationships"]["voice_in_trunk_group"] = {"data": {"type": "voice_in_trunk_groups", "id": "tg-1"}}
    body["data"].append(routed)
    return body


BASE = emulator_document()


def compare(body: dict[str, Any]) -> None:
    compare_page(body)
    try:
        document = Document.parse(body, provider="didww")
    except Exception:  # a document the JSON:API layer refuses never reaches the mapping
        return
    memo: mapping.Memo = {}
    for resource in document.resources():
        expected = outcome(lambda: reference_did_from(document, resource))  # noqa: B023
        assert outcome(lambda: mapping.did_from(document, resource)) == expected  # noqa: B023
        assert outcome(lambda: mapping.did_from(document, resource, memo)) == expected  # noqa: B023


def compare_page(body: dict[str, Any]) -> bool:
    """The page-level lean path (raw resources, no Resource per DID) gives the reference DIDs of
    every resource, or declines (``None``) wherever the reference path would raise; whether it
    answered."""

    def reference() -> list[DID]:
        document = Document.parse(body, provider="didww")
        return [reference_did_from(document, resource) for resource in document.resources()]

    expected = outcome(reference)
    lean = Document.parse_without_data(body, provider="didww")
    dids = mapping.dids_from_page(*lean) if lean is not None else None
    if dids is None:
        return False
    assert expected[0] == "value", expected
    assert outcome(lambda: dids) == expected
    assert all(did.raw is item for did, item in zip(dids, body["data"], strict=True))
    # Pages it takes are validated without the DIDs' attributes (it checks those itself): so
    # that must never change the schema's verdict.
    full = SCHEMAS["dids"]
    assert full.without(*_DID_ATTRIBUTES).is_valid(body) == full.is_valid(body), body
    return True


def test_emulator_dids_match_the_reference() -> None:
    document = Document.parse(BASE, provider="didww")
    dids = [mapping.did_from(document, r, {}) for r in document.resources()]
    assert len(dids) == 4 and any(len(d.destinations) == 2 for d in dids)
    assert any(d.destinations and d.destinations[0].kind is DestinationKind.SIP_URI for d in dids)
    compare(BASE)
    assert compare_page(BASE)  # the usual shapes take the lean page path


def _rels(body: dict[str, Any], index: int) -> dict[str, Any]:
    relationships: dict[str, Any] = body["data"][index]["relationships"]
    return relationships


def _group_of(body: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in body["included"] if r["type"] == "did_groups")


def _trunk_of(body: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in body["included"] if r["type"] == "voice_in_trunks")


@pytest.mark.parametrize(
    ("breakage", "answers"),
    [
        (lambda body: _rels(body, 1)["did_group"].update({"data": [{"type": "x", "id": "x"}]}), False),
        (lambda body: _rels(body, 2)["voice_in_trunk"].update({"data": {"type": "", "id": "x"}}), False),
        (lambda body: body["data"][0]["attributes"].update({"number": "12"}), False),
        (lambda body: body["data"][3].update({"id": 7}), False),
        (lambda body: body.update({"errors": [{"detail": "x"}]}), False),
        (lambda body: _group_of(body)["attributes"].update({"features": 5}), False),
        (lambda body: _group_of(body)["attributes"].update({"features": "x"}), True),
        (lambda body: _trunk_of(body).update({"attributes": None}), False),
        (lambda body: body["data"][0].update({"type": "orders"}), False),
        (lambda body: body["data"][0].update({"relationships": None}), True),
        (lambda body: body["data"][0]["relationships"].pop("voice_in_trunk"), True),
    ],
)
def test_the_lean_page_path_declines_what_it_cannot_vouch_for(
    breakage: Callable[[dict[str, Any]], Any], answers: bool
) -> None:
    body = copy.deepcopy(BASE)
    breakage(body)
    assert compare_page(body) is answers
    compare(body)


DRIFT = [
    None, True, False, 0, 1, 2, "1", "true", "", " ", "x", 1.5, 2.0, [], {},
    "12125550100", "+1 212 555 0100", "0012125550100", 12125550100, "١٢١٢٥٥٥٠١٠٠",
    "2026-07-26T09:00:07.000Z", "2026-07-26T09:00:07Z", "2026-07-26T09:00:07.123456+00:00", "2026-07-26",
    "2026-07-26 09:00:07", "2026-07-26T09:00:07+02:00", "2026-02-30T09:00:07.000Z", "2026-07-26T09:00:07.1234Z",
]  # fmt: skip
DID_FIELDS = [f.name for f in attrs.fields(wire.DidAttributes)]
USERNAMES = [
    "{DID}",
    "{CALL_DID}",
    "x{DID}y",
    "{DID};a=b",
    "{DID}@h",
    "{DID}.1.1.1",
    "{DID}.1.1.1;x",
    " {DID}",
    "{DID}?x",
    "a b",
    "",
    None,
]
HOSTS = ["pbx.example.com", "1.2.3.4", "[::1]", "-bad-", "", None, "h@st", "256.1.1.1", "host "]


@st.composite
def drifted_documents(draw: st.DrawFn) -> dict[str, Any]:
    body = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(0, 3))):
        resource = draw(st.sampled_from(body["data"]))
        name = draw(st.sampled_from([*DID_FIELDS, "number", "extra"]))
        if draw(st.booleans()):
            resource["attributes"].pop(name, None)
        else:
            resource["attributes"][name] = draw(st.sampled_from(DRIFT))
    for resource in body["included"]:
        if resource["type"] == "voice_in_trunks" and draw(st.booleans()):
            config = resource["attributes"].get("configuration") or {}
            attributes = config.get("attributes") or {}
            attributes["username"] = draw(st.sampled_from(USERNAMES))
            attributes["host"] = draw(st.sampled_from(HOSTS))
            attributes["transport_protocol_id"] = draw(st.sampled_from([1, 2, 3, None, "2"]))
        elif resource["type"] == "did_groups" and draw(st.booleans()):
            resource["attributes"]["features"] = draw(st.sampled_from([["voice_in"], [], None, ["SMS_IN", 1], "x"]))
        elif resource["type"] in ("countries", "regions", "cities") and draw(st.booleans()):
            key = "iso" if resource["type"] == "countries" else "name"
            resource["attributes"][key] = draw(st.sampled_from(["US", "us", "XX1", "", None, 7]))
    return body


@given(drifted_documents())
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_drifted_documents_never_disagree_with_the_reference(body: dict[str, Any]) -> None:
    compare(body)


def test_every_did_field_with_every_drifted_value() -> None:
    for index in range(len(BASE["data"])):
        for name in [*DID_FIELDS, "number"]:
            for value in [*DRIFT, "missing"]:
                body = copy.deepcopy(BASE)
                attributes = body["data"][index]["attributes"]
                if value == "missing":
                    attributes.pop(name, None)
                else:
                    attributes[name] = value
                compare(body)


@pytest.mark.parametrize("username", USERNAMES)
@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize("transport", [1, 2, 3])
def test_sip_targets_are_trusted_only_where_digits_cannot_matter(username: Any, host: Any, transport: int) -> None:
    config = wire.SipConfiguration(host=host, port=5060, username=username, transport_protocol_id=transport)
    for digits in ("12125550100", "1", "0", "999", "١٢", "", None):
        assert mapping._sip_from_configuration(config, digits) == reference_sip(config, digits)


@pytest.mark.parametrize(
    "value", [*DRIFT, "2026-07-26T09:00:07.000z", datetime(2026, 1, 1), "2026-07-26T09:00:07.000-05:00"]
)
def test_parse_datetime_fast_path(value: Any) -> None:
    assert outcome(lambda: wire.parse_datetime(value)) == outcome(lambda: reference_parse_datetime(value))


@pytest.mark.parametrize(
    "cls",
    [wire.DidAttributes, wire.DidGroupAttributes, wire.DidGroupMeta, wire.SkuAttributes, wire.OrderAttributes,
     wire.TrunkAttributes, wire.SipConfiguration, wire.CountryAttributes],
)  # fmt: skip
def test_the_converter_structures_as_it_did(cls: type[Any]) -> None:
    for name in [f.name for f in attrs.fields(cls)]:
        for value in [*DRIFT, {"type": "sip_configurations", "attributes": {"host": "h", "port": "5060"}}]:
            payload = {"number": "12125550100", "name": "n", "iso": "US", "status": "completed", "setup_price": "1",
                       "monthly_price": "2", "type": "x", name: value}  # fmt: skip
            assert outcome(lambda: wire.converter.structure(payload, cls)) == outcome(  # noqa: B023
                lambda: REFERENCE.structure(payload, cls)  # noqa: B023
            )
            quick = wire.quick_did_attributes(payload) if cls is wire.DidAttributes else None
            if quick is not None:
                assert fingerprint(quick) == fingerprint(REFERENCE.structure(payload, cls))


def test_memo_keeps_errors_where_they_were() -> None:
    body = copy.deepcopy(BASE)
    group = next(r for r in body["included"] if r["type"] == "did_groups")
    group["attributes"]["features"] = "not a list"
    document = Document.parse(body, provider="didww")
    memo: mapping.Memo = {}
    for resource in document.resources():
        expected = outcome(lambda: reference_did_from(document, resource))  # noqa: B023
        assert outcome(lambda: mapping.did_from(document, resource, memo)) == expected  # noqa: B023
    assert document.related(document.resources()[0], "nothing") is NOT_INCLUDED
    assert NumberStatus.ACTIVE  # the enum the mapping uses is the public one


@given(st.text(alphabet="0123456789-T:.Z+ zW٣", min_size=22, max_size=26), st.integers(0, 23))
@settings(max_examples=600)
def test_near_miss_timestamps_agree_with_the_full_parser(noise: str, at: int) -> None:
    """Text shaped almost like ``2024-01-03T16:45:45.000Z``: the quick paths answer only where
    the full parser gives the same moment (or the same error)."""
    template = "2024-01-03T16:45:45.000Z"
    for text in (noise, template[:at] + noise[:2] + template[at + 2 :], template[:at] + template[at + 1 :]):
        assert outcome(lambda: wire.parse_datetime(text)) == outcome(lambda: reference_parse_datetime(text))  # noqa: B023
        quick = wire._quick_moment(text)
        if quick is not False:
            assert repr(quick) == repr(reference_parse_datetime(text))


def _listing(page: dict[str, Any]) -> list[DID]:
    from didkit_didww import DidwwProvider

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=page, headers={"content-type": "application/vnd.api+json"})

    with DidwwProvider(
        api_key="k", transport=httpx.MockTransport(handler), rate_limit=False, api_version="2026-04-16"
    ) as provider:
        return list(provider.list_numbers())


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda body: body["meta"].update({"total_records": "many"}), "meta.total_records"),
        (lambda body: _rels(body, 0).update({"order": {"data": "x"}}), "data[0].relationships.order.data"),
        (lambda body: body["data"][1]["attributes"].update({"capacity_limit": "x"}), "data[1].attributes.capacity_limit"),  # noqa: E501
        (lambda body: body["data"][2].update({"type": "orders"}), "data[2].type"),
    ],
)
def test_pages_the_lean_path_takes_are_still_validated(change: Callable[[dict[str, Any]], Any], field: str) -> None:
    """Pages the lean path takes skip the schema only for the DIDs' attributes, which it checks
    itself; relationships, included resources and the rest are validated as before, and a page
    it declines meets the whole schema."""
    from didkit import ResponseFormatError

    body = copy.deepcopy(BASE)
    body.pop("links", None)
    assert [did.raw for did in _listing(copy.deepcopy(body))] == body["data"]
    change(body)
    with pytest.raises(ResponseFormatError) as raised:
        _listing(body)
    assert raised.value.field == field
