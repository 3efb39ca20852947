"""The one reader of Wavix records: every drifted form Wavix's docs, OpenAPI and cassettes show
reads to the same value; a wrong value is a ResponseFormatError naming the field
(``items[3].channels``); ``strict_schemas`` adds whole-payload JSON Schema validation."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest
import yaml
from didkit_wavix import WavixProvider
from didkit_wavix import _mapping as mapping
from didkit_wavix._wire import city_from, read_docrefs
from didkit_wavix.emulator import WavixEmulator
from hypothesis import given, settings
from hypothesis import strategies as st

from didkit import ResponseFormatError
from didkit.readers import FieldError


def _emulator_records() -> list[dict[str, Any]]:
    emulator = WavixEmulator(seed=0)
    with httpx.Client(transport=emulator.transport(), base_url="https://api.wavix.com") as client:
        body = client.get("/v1/numbers", params={"per_page": 100}, headers={"Authorization": "Bearer k"}).json()
    records: list[dict[str, Any]] = body["items"]
    return records


def _cassette_records() -> list[dict[str, Any]]:
    """Owned-number records as Wavix answered in the recorded cassettes (the malformed one aside)."""
    records: list[dict[str, Any]] = []
    for path in sorted(CASSETTES.glob("*.yaml")):
        if path.stem == "malformed":
            continue
        for interaction in yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)["interactions"]:
            request, response = interaction["request"], interaction["response"]
            if request["method"] != "GET" or response["status"]["code"] != 200:
                continue
            path_only = request["uri"].split("?")[0]
            if path_only.endswith("/v1/numbers"):
                records += json.loads(response["body"]["string"])["items"]
            elif re.search(r"/v1/numbers/\d+$", path_only):
                records.append(json.loads(response["body"]["string"]))
    return records


CASSETTES = Path(__file__).resolve().parents[2] / "cassettes" / "wavix"
CASSETTE_RECORDS = _cassette_records()
RECORDS = _emulator_records() + CASSETTE_RECORDS


def read(item: dict[str, Any]) -> Any:
    return mapping.number_from(item, "wavix")


def visible(did: Any) -> Any:
    """What a caller sees, ``raw`` aside (DID equality already leaves it out), with types."""
    return tuple((f.name, type(getattr(did, f.name)), getattr(did, f.name)) for f in attrs.fields(type(did))
                 if f.name != "raw")


def _channels(value: int) -> list[Any]:
    return [value, str(value), float(value), f" {value} "]


def _number(text: str) -> list[Any]:
    digits = text.removeprefix("+")
    return [digits, "+" + digits, int(digits)]


def _moment(text: str) -> list[str]:
    """``2024-01-03T16:45:45.000Z`` in the forms Wavix has sent."""
    if len(text) == 10:
        return _day(text)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.000)?Z", text):
        return [text]
    day, clock = text[:10], text[11:19]
    return [text, f"{day}T{clock}Z", f"{day} {clock}", f"{day} {clock}+00:00", f"{day}T{clock}.000000+00:00",
            f"{day} {clock} UTC"]


def _day(text: str) -> list[str]:
    return [text, f"{text} 00:00:00", f"{text}T00:00:00.000Z", f"{text} 00:00:00+00:00"]


def _price(text: str | None) -> list[Any]:
    if text is None:
        return [None]
    return [text, float(text), f" {text} "] + ([int(text)] if text.isdigit() else [])


def _flag(value: bool | None) -> list[Any]:
    if value is None:
        return [None]
    return [value, str(value).lower(), str(value).upper(), int(value), str(int(value))]


DRIFTS: dict[str, Any] = {
    "channels": lambda item: _channels(item["channels"]) if item.get("channels") is not None else [None],
    "number": lambda item: _number(item["number"]),
    "added": lambda item: _moment(item["added"]),
    "paid_until": lambda item: _moment(item["paid_until"]),
    "activation_fee": lambda item: _price(item.get("activation_fee")),
    "monthly_fee": lambda item: _price(item.get("monthly_fee")),
    "per_min": lambda item: _price(item.get("per_min")),
    "status": lambda item: [item["status"], item["status"].upper(), item["status"].title(), f" {item['status']} "],
    "sms_enabled": lambda item: _flag(item.get("sms_enabled")),
    "cnam": lambda item: _flag(item.get("cnam")),
    "require_docs": lambda item: _docs(item.get("require_docs")),  # read for DID.status_reason
}


def _docs(value: list[Any] | None) -> list[Any]:
    """The same required documents as ids or names, ints or padded strings (none: [] or null)."""
    if not value:
        return [[], None]
    as_ints = [int(v) if str(v).strip().isdigit() else v for v in value]
    padded = [f" 0{str(v).strip()} " if str(v).strip().isdigit() else str(v).upper() for v in value]
    return [value, as_ints, padded]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(RECORDS), st.sampled_from(sorted(DRIFTS)), st.data())
def test_every_drifted_form_of_a_field_reads_the_same(item: dict[str, Any], field: str, data: st.DataObject) -> None:
    forms = DRIFTS[field](item)
    drifted = copy.deepcopy(item)
    drifted[field] = data.draw(st.sampled_from(forms))
    assert visible(read(drifted)) == visible(read(item))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(RECORDS), st.data())
def test_all_fields_drifted_at_once_read_the_same(item: dict[str, Any], data: st.DataObject) -> None:
    drifted = copy.deepcopy(item)
    for field, forms in DRIFTS.items():
        drifted[field] = data.draw(st.sampled_from(forms(item)))
    for route in drifted.get("destination") or []:
        route["transport"] = data.draw(st.sampled_from([route["transport"], str(route["transport"])]))
        route["priority"] = data.draw(st.sampled_from([route["priority"], str(route["priority"])]))
    did = read(drifted)
    assert visible(did) == visible(read(item))
    assert did.raw is drifted


def test_the_records_have_every_shape_read() -> None:
    assert RECORDS and len(CASSETTE_RECORDS) >= 3
    dids = [read(item) for item in RECORDS]
    assert {did.status.value for did in dids} >= {"active"}
    assert any(did.destinations for did in dids)
    assert all(did.created_at is not None and did.created_at.tzinfo is not None for did in dids)


def test_offer_and_city_drift() -> None:
    offer = {"id": 5, "number": "541139862174", "activation_fee": "1", "monthly_fee": 1.5, "channels": "4",
             "require_docs": ["Address", 1], "sms_enabled": "true"}
    read_offer = mapping.offer_from(offer, "wavix", "AR", None, "Rosario", 1, 2)
    assert read_offer.number == "+541139862174" and read_offer.channels == 4 and read_offer.requires_documents
    assert str(read_offer.monthly_price) == "1.50 USD"
    assert read_docrefs(["Address", 1, " 02 ", 3.0], "require_docs") == ("address", "1", "2", "3")
    assert {city_from({"id": i, "name": "Rosario", "area_code": code}).area_code
            for i, code in enumerate([341, "341", 341.0, " 341 "])} == {"341"}
    with pytest.raises(FieldError) as raised:
        read_docrefs(["1", None], "require_docs")
    assert raised.value.field == "require_docs[1]"


#: Wrong values (not drift: no version of Wavix sends them) for the fields a DID is read from.
WRONG = {
    "id": [None, "abc", 1.5, [], {}],
    "number": [None, "abc", "", True, [], "12"],
    "activation_fee": ["free", True, [], {}],
    "channels": ["many", 2.5, True, {}],
    "added": ["yesterday", 20230410, "2023-13-01T00:00:00Z"],
    "paid_until": ["soon", "2023-02-30"],
    "sms_enabled": ["yes", 2],
    "status": [1, []],
    "label": [1, []],
    "destination": ["sip", {}, [1]],
}


def _listing(page: dict[str, Any], **options: Any) -> list[Any]:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=page)

    with WavixProvider(api_key="k", transport=httpx.MockTransport(handler), **options) as provider:
        return list(provider.list_numbers())


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(WRONG)), st.data())
def test_a_wrong_value_in_a_listing_names_the_record_and_field(field: str, data: st.DataObject) -> None:
    items = copy.deepcopy(RECORDS[:4])
    index = data.draw(st.integers(0, len(items) - 1))
    items[index][field] = data.draw(st.sampled_from(WRONG[field]))
    with pytest.raises(ResponseFormatError) as raised:
        _listing({"items": items, "pagination": {"current_page": 1, "total_pages": 1}})
    assert raised.value.provider == "wavix" and raised.value.status_code == 200
    assert raised.value.field is not None
    assert raised.value.field == f"items[{index}].{field}" or raised.value.field.startswith(f"items[{index}].{field}[")
    assert raised.value.field in str(raised.value)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda page: page.pop("pagination"), "pagination"),
        (lambda page: page["pagination"].update({"total_pages": "many"}), "pagination.total_pages"),
        (lambda page: page.update({"items": {"a": 1}}), "items"),
        (lambda page: page["items"][1]["destination"][0].pop("transport"), "items[1].destination[0].transport"),
        (lambda page: page["items"][2]["destination"][0].update({"priority": "first"}),
         "items[2].destination[0].priority"),
    ],
)
def test_the_rest_of_the_page_is_read_too(change: Any, field: str) -> None:
    page: dict[str, Any] = {"items": copy.deepcopy(RECORDS[:3]), "pagination": {"current_page": 1, "total_pages": 1}}
    for item in page["items"]:
        item["destination"] = [{"destination": "1@sip.example.com", "transport": 1, "priority": 1}]
    assert [did.raw for did in _listing(copy.deepcopy(page))] == page["items"]
    change(page)
    with pytest.raises(ResponseFormatError) as raised:
        _listing(page)
    assert raised.value.field == field


def test_strict_schemas_also_validates_what_the_reader_does_not_read() -> None:
    items = copy.deepcopy(RECORDS[:2])
    items[1]["call_recording_enabled"] = "sometimes"  # not a field a DID is read from
    page = {"items": items, "pagination": {"current_page": 1, "total_pages": 1}}
    assert len(_listing(copy.deepcopy(page))) == 2
    with pytest.raises(ResponseFormatError) as raised:
        _listing(page, strict_schemas=True)
    assert raised.value.field == "items[1].call_recording_enabled"
