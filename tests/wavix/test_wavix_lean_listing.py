"""The lean listing path (issue #8) builds exactly the DID the reference path builds.

``did_from_item`` reads a ``/v1/numbers`` record straight into a DID when every field has the
usual shape, and declines (``None``) otherwise, leaving the record to ``structure`` +
``to_did``. Whatever the record, it must never disagree with that reference: same fields, same
types, same reprs, the record itself as ``raw``; and it must decline every record the reference
rejects.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest
from didkit_wavix import _mapping as mapping
from didkit_wavix._errors import SCHEMAS
from didkit_wavix._wire import (
    UNSURE,
    WavixNumber,
    converter,
    parse_phone,
    parse_timestamp,
    quick_phone,
    quick_timestamp,
)
from didkit_wavix.emulator import WavixEmulator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]


def fingerprint(value: Any) -> Any:
    """Everything about a value that a caller could see, ``raw`` aside."""
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


def reference(item: Any) -> Any:
    try:
        return mapping.to_did(converter.structure(item, WavixNumber), item, provider="wavix")
    except Exception as exc:  # the reference refuses: the lean path must decline
        return exc


def check(item: Any) -> bool:
    """Hold the lean path to the reference for ``item``; whether it answered itself."""
    expected = reference(item)
    lean = mapping.did_from_item(item, provider="wavix")
    if isinstance(expected, Exception):
        assert lean is None, f"lean path accepted what the reference rejects ({expected!r}): {item!r}"
        return False
    if lean is None:
        return False
    assert fingerprint(lean) == fingerprint(expected), item
    assert repr(lean) == repr(expected)
    assert lean.raw is item
    # A page whose every record the lean path takes skips validating the records against the
    # schema (the lean path checks every field it reads): so it must take none the schema refuses.
    page = {"items": [item], "pagination": {"current_page": 1, "total_pages": 1}}
    assert SCHEMAS["numbers"].is_valid(page), f"lean path accepted what the schema refuses: {item!r}"
    return True


def _emulator_records() -> list[dict[str, Any]]:
    emulator = WavixEmulator(seed=0)
    with httpx.Client(transport=emulator.transport(), base_url="https://api.wavix.com") as client:
        body = client.get("/v1/numbers", params={"per_page": 100}, headers={"Authorization": "Bearer k"}).json()
    records: list[dict[str, Any]] = body["items"]
    return records


def _cassette_records() -> list[dict[str, Any]]:
    records = []
    for path in sorted((ROOT / "cassettes" / "wavix").rglob("*.yaml")):
        text = path.read_text("utf-8")
        for chunk in text.split('"items":')[1:]:
            try:
                items, _ = json.JSONDecoder().raw_decode(chunk.lstrip())
            except ValueError:
                continue
            records += [item for item in items if isinstance(item, dict) and "number" in item and "id" in item]
    return records


RECORDS = _emulator_records()


def test_every_emulator_record_takes_the_lean_path_and_matches() -> None:
    assert RECORDS
    assert all(check(copy.deepcopy(item)) for item in RECORDS)


def test_published_example_records_match_the_reference() -> None:
    for item in _cassette_records():
        check(item)


DRIFT = [
    None, 0, 1, -1, 4.0, 1.5, True, False, "", " ", "abc", "4", " 12 ", "1.49", "1.490", "-0.5", "1e3", "NaN",
    "+12125550100", "12125550100", "0012125550100", "+1 (212) 555-0100", 12125550100, "١٢١٢٥٥٥٠١٠٠",
    "2023-12-07", "2026-02-30", "2023-04-10T06:42:59.000Z", "2023-04-10T06:42:59Z", "2023-04-10 06:42:59",
    "2023-04-10T06:42:59.123456+00:00", "2023-04-10T06:42:59+02:00", "2023-04-10X06:42:59.000Z",
    "active", "Inactive", "US", "us", "United States", [], [1], ["address"], [" "], [1.0], [True], {"a": 1},
]  # fmt: skip
DESTINATION_DRIFT = [
    None, 0, 1, 4, 5, 9, -1, "1", "4", True, "", " sip:a@b ", "a@b", "sips:x@y", "+1 212 555 0100", "trunk", [],
]  # fmt: skip
FIELDS = [f.name for f in attrs.fields(WavixNumber)]
DESTINATION_FIELDS = ["destination", "transport", "priority", "id", "trunk_id", "trunk_label", "srtp"]


@st.composite
def drifted_records(draw: st.DrawFn) -> dict[str, Any]:
    item: dict[str, Any] = copy.deepcopy(draw(st.sampled_from(RECORDS)))
    for name in draw(st.lists(st.sampled_from([*FIELDS, "extra"]), max_size=4)):
        if draw(st.booleans()) and name in item:
            del item[name]
        else:
            item[name] = draw(st.sampled_from(DRIFT))
    if draw(st.booleans()):
        entries = []
        for _ in range(draw(st.integers(0, 3))):
            entry: dict[str, Any] = {"destination": "13105550100@sip.example.com", "transport": 1, "priority": 1}
            for name in draw(st.lists(st.sampled_from(DESTINATION_FIELDS), max_size=3)):
                if draw(st.booleans()) and name in entry:
                    del entry[name]
                else:
                    entry[name] = draw(st.sampled_from(DESTINATION_DRIFT))
            entries.append(entry)
        item["destination"] = draw(st.sampled_from([entries, entries, {"a": 1}, "x"]))
    return item


@given(drifted_records())
@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_drifted_records_never_disagree_with_the_reference(item: dict[str, Any]) -> None:
    check(item)


@pytest.mark.parametrize(
    "value", [*DRIFT, "2023-04-10T06:42:59.1Z", "2024-02-29", "0000-01-01", "9999-12-31T23:59:60Z"]
)
def test_quick_parsers_agree_with_the_full_ones(value: Any) -> None:
    quick = quick_timestamp(value)
    if quick is not UNSURE:
        assert quick is None if value is None else repr(quick) == repr(parse_timestamp(value))
    phone = quick_phone(value)
    if phone is not None:
        assert phone == parse_phone(value)


def test_every_field_with_every_drifted_value() -> None:
    answered = 0
    for base in RECORDS:
        for name in [*FIELDS, "extra"]:
            for value in [*DRIFT, "missing"]:
                item = copy.deepcopy(base)
                if value == "missing":
                    item.pop(name, None)
                else:
                    item[name] = value
                answered += check(item)
        for name in DESTINATION_FIELDS:
            for value in [*DESTINATION_DRIFT, "missing"]:
                item = copy.deepcopy(base)
                entry = {"destination": "13105550100@sip.example.com", "transport": 1, "priority": 1, "trunk_id": 7}
                if value == "missing":
                    entry.pop(name, None)
                else:
                    entry[name] = value
                item["destination"] = [entry, {"destination": "32882", "transport": 5, "priority": 1, "trunk_id": 3}]
                answered += check(item)
    assert answered > 1000  # most drift still takes the lean path


@given(st.text(alphabet="0123456789-T:.Z+ zW٣", min_size=22, max_size=26))
@settings(max_examples=600)
def test_near_miss_timestamps_agree_with_the_full_parser(value: str) -> None:
    """Text shaped almost like ``2024-01-03T16:45:45.000Z``: the quick parser answers only
    where the full one gives the same moment."""
    template = "2024-01-03T16:45:45.000Z"
    for text in (value, template[: len(value)] if len(value) < 24 else value, _splice(template, value)):
        quick = quick_timestamp(text)
        if quick is not UNSURE:
            assert repr(quick) == repr(parse_timestamp(text))


def _splice(template: str, noise: str) -> str:
    """The template with a few of its characters swapped for ``noise``'s."""
    chars = list(template)
    for index, char in enumerate(noise[:4]):
        chars[(index * 7 + len(noise)) % len(chars)] = char
    return "".join(chars)


def _listing(page: dict[str, Any]) -> Any:
    from didkit_wavix import WavixProvider

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=page)

    with WavixProvider(api_key="k", transport=httpx.MockTransport(handler)) as provider:
        return list(provider.list_numbers())


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda page: page.pop("pagination"), "(document)"),  # the rest of the page is still validated
        (lambda page: page["pagination"].update({"total_pages": "many"}), "pagination.total_pages"),
        (lambda page: page["items"][1].update({"activation_fee": "1e3"}), "items[1].activation_fee"),
        (lambda page: page["items"][0].update({"number": "12 abc"}), "items[0].number"),
    ],
)
def test_pages_the_lean_path_takes_are_still_validated(change: Any, field: str) -> None:
    """Records the lean path takes skip the schema (it checks every field it reads); the rest of
    the page does not, and a record it declines meets the whole schema, as before."""
    from didkit import ResponseFormatError

    page: dict[str, Any] = {"items": copy.deepcopy(RECORDS[:3]), "pagination": {"current_page": 1, "total_pages": 1}}
    assert [did.raw for did in _listing(copy.deepcopy(page))] == page["items"]
    change(page)
    with pytest.raises(ResponseFormatError) as raised:
        _listing(page)
    assert raised.value.field == field
