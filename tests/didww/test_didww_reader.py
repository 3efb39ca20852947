"""The one reader of DIDWW DIDs: every drifted form DIDWW's spec and cassettes show (numbers with
or without ``+``, timestamps with any precision or none, integers as text, flags as text, enum
values in any case) reads to the same value; a wrong value is a ResponseFormatError naming the
field (``data[3].attributes.expires_at``); ``strict_schemas`` adds whole-payload JSON Schema
validation."""

from __future__ import annotations

import copy
from typing import Any

import attrs
import httpx
import pytest
from didkit_didww import DidwwProvider
from didkit_didww import _mapping as mapping
from didkit_didww._operations import DID_INCLUDE
from didkit_didww.emulator import DidwwEmulator
from hypothesis import given, settings
from hypothesis import strategies as st

from didkit import NumberStatus, ResponseFormatError
from didkit.jsonapi import Document


def _emulator_body() -> dict[str, Any]:
    emulator = DidwwEmulator(seed=0, rate_limit=None)
    with httpx.Client(transport=emulator.transport(), base_url="https://api.didww.com/v3") as client:
        body: dict[str, Any] = client.get(
            "/dids", params={"include": ",".join(DID_INCLUDE), "page[size]": "100"}, headers={"Api-Key": "k"}
        ).json()
    return body


BODY = _emulator_body()


def dids(body: dict[str, Any]) -> list[Any]:
    document = Document.parse(body, provider="didww")
    memo: mapping.Memo = {}
    return [mapping.did_from(document, resource, memo) for resource in document.resources()]


def visible(did: Any) -> Any:
    return tuple((f.name, type(getattr(did, f.name)), getattr(did, f.name)) for f in attrs.fields(type(did))
                 if f.name != "raw")


def _moment(text: str | None) -> list[Any]:
    """``2024-01-03T16:45:45.000Z`` in the forms DIDWW's API versions have sent."""
    if text is None:
        return [None]
    day, clock = text[:10], text[11:19]
    millis = text[20:23] if len(text) > 20 and text[19] == "." else "000"
    forms = [text, f"{day}T{clock}.{millis}000+00:00", f"{day}T{clock}.{millis}Z", f"{day} {clock}.{millis}+00:00"]
    if millis == "000":
        forms += [f"{day}T{clock}Z", f"{day} {clock}", f"{day}T{clock}+00:00"]
        if clock == "00:00:00":
            forms.append(day)
    return forms


def _flag(value: Any) -> list[Any]:
    if value is None:
        return [None]
    return [value, str(value).lower(), str(value).upper(), int(value)]


def _count(value: Any) -> list[Any]:
    return [None] if value is None else [value, str(value), float(value)]


DRIFTS: dict[str, Any] = {
    "number": lambda a: [a["number"], "+" + a["number"], int(a["number"])],
    "created_at": lambda a: _moment(a.get("created_at")),
    "expires_at": lambda a: _moment(a.get("expires_at")),
    "blocked": lambda a: _flag(a.get("blocked")),
    "terminated": lambda a: _flag(a.get("terminated")),
    "awaiting_registration": lambda a: _flag(a.get("awaiting_registration")),
    "billing_cycles_count": lambda a: _count(a.get("billing_cycles_count")),
    "channels_included_count": lambda a: _count(a.get("channels_included_count")),
    "dedicated_channels_count": lambda a: _count(a.get("dedicated_channels_count")),
    "capacity_limit": lambda a: _count(a.get("capacity_limit")),  # not read for a DID
}
INDEXES = st.integers(0, len(BODY["data"]) - 1)


@settings(max_examples=150, deadline=None)
@given(INDEXES, st.sampled_from(sorted(DRIFTS)), st.data())
def test_every_drifted_form_of_an_attribute_reads_the_same(index: int, field: str, data: st.DataObject) -> None:
    drifted = copy.deepcopy(BODY)
    attributes = drifted["data"][index]["attributes"]
    attributes[field] = data.draw(st.sampled_from(DRIFTS[field](BODY["data"][index]["attributes"])))
    assert visible(dids(drifted)[index]) == visible(dids(BODY)[index])


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_every_attribute_drifted_at_once_reads_the_same(data: st.DataObject) -> None:
    drifted = copy.deepcopy(BODY)
    for item, original in zip(drifted["data"], BODY["data"], strict=True):
        for field, forms in DRIFTS.items():
            item["attributes"][field] = data.draw(st.sampled_from(forms(original["attributes"])))
    for group in (r for r in drifted["included"] if r["type"] == "did_groups"):
        group["attributes"]["features"] = [f.upper() for f in group["attributes"].get("features") or []]
    assert [visible(did) for did in dids(drifted)] == [visible(did) for did in dids(BODY)]
    assert [did.raw for did in dids(drifted)] == drifted["data"]


def test_the_status_mix_real_accounts_have() -> None:
    body = copy.deepcopy(BODY)
    cases = [
        ({"blocked": True}, NumberStatus.BLOCKED, True),
        ({"awaiting_registration": "true"}, NumberStatus.PENDING, True),
        ({"terminated": 1}, NumberStatus.RELEASING, True),
        ({"billing_cycles_count": "0"}, NumberStatus.RELEASING, False),
        ({"billing_cycles_count": None}, NumberStatus.ACTIVE, True),
    ]
    template = body["data"][0]
    body["data"] = []
    for i, (changes, _, _) in enumerate(cases):
        item = copy.deepcopy(template)
        item["id"] = f"did-{i}"
        item["attributes"].update(
            {"blocked": False, "awaiting_registration": False, "terminated": False, "billing_cycles_count": 1}
        )
        item["attributes"].update(changes)
        body["data"].append(item)
    read = dids(body)
    assert [(did.status, did.auto_renew) for did in read] == [(status, renew) for _, status, renew in cases]


def _listing(body: dict[str, Any], **options: Any) -> list[Any]:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=body, headers={"content-type": "application/vnd.api+json"})

    # The pages are 2026-04-16 documents (the version the Go SDK fixtures and the spec describe).
    options.setdefault("api_version", "2026-04-16")
    with DidwwProvider(api_key="k", transport=httpx.MockTransport(handler), **options) as provider:
        return list(provider.list_numbers())


WRONG = {
    "number": [None, "call me", "12", True, []],
    "created_at": ["yesterday", 20240103, "2024-13-01T00:00:00Z"],
    "expires_at": ["soon", "2024-02-30"],
    "blocked": ["maybe", 2],
    "billing_cycles_count": ["many", 1.5, True],
    "channels_included_count": ["two", {}],
    "description": [5, []],
}


@settings(max_examples=50, deadline=None)
@given(INDEXES, st.sampled_from(sorted(WRONG)), st.data())
def test_a_wrong_value_names_the_did_and_attribute(index: int, field: str, data: st.DataObject) -> None:
    body = copy.deepcopy(BODY)
    body["data"][index]["attributes"][field] = data.draw(st.sampled_from(WRONG[field]))
    with pytest.raises(ResponseFormatError) as raised:
        _listing(body)
    assert raised.value.provider == "didww"
    assert raised.value.field == f"data[{index}].attributes.{field}"
    assert raised.value.field in str(raised.value)


def test_malformed_relationships_and_included_resources_are_named() -> None:
    body = copy.deepcopy(BODY)
    body["data"][1]["relationships"]["did_group"]["data"] = {"type": "did_groups"}
    with pytest.raises(ResponseFormatError) as raised:
        _listing(body)
    assert raised.value.field == "data[1].relationships.did_group.data.id"
    body = copy.deepcopy(BODY)
    trunk = next(r for r in body["included"] if r["type"] == "voice_in_trunks")
    trunk["attributes"]["priority"] = "first"
    with pytest.raises(ResponseFormatError) as raised:
        _listing(body)
    assert raised.value.field is not None and raised.value.field.endswith(".attributes.priority")
    assert raised.value.field.startswith("included[")


def test_strict_schemas_also_validates_what_the_reader_does_not_read() -> None:
    body = copy.deepcopy(BODY)
    body["data"][0]["attributes"]["capacity_limit"] = {"not": "a number"}  # not read for a DID
    assert len(_listing(copy.deepcopy(body))) == len(BODY["data"])
    with pytest.raises(ResponseFormatError) as raised:
        _listing(body, strict_schemas=True)
    assert raised.value.field is not None and "capacity_limit" in raised.value.field
