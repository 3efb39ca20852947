"""Wavix's wire format: the coverage records the adapter keeps, and the readers for fields only
Wavix sends.

Wavix's field types drift between API versions (``channels``, ``sms_price``, ``area_code`` as
ints, floats or strings; ``require_docs`` as ids or names; numbers with or without ``+``; dates
with or without a time). Every record is read once, field by field, with the kit's lenient
readers (:mod:`didkit.readers`); a value no form fits is a :class:`~didkit.readers.FieldError`
naming the field, which the operations turn into a :class:`~didkit.ResponseFormatError`.
"""

from __future__ import annotations

from typing import Any

import attrs

from didkit.readers import FieldError, read_bool, read_int, read_list, read_object, read_str, required


@attrs.frozen
class WavixCountry:
    """``/v1/buy/countries`` item: Wavix sends a name and its own id, not an ISO code."""

    id: int
    name: str
    has_provinces_or_states: bool = False


@attrs.frozen
class WavixRegion:
    id: int
    name: str


@attrs.frozen
class WavixCity:
    id: int
    name: str
    area_code: str | None = None


def record(value: Any, field: str = "") -> dict[str, Any]:
    """A record: a JSON object, required."""
    found = read_object(required(value, field), field)
    assert found is not None
    return found


def read_id(value: Any, field: str) -> int:
    """A Wavix id (``24880`` or ``"24880"``), required."""
    found = read_int(required(value, field), field)
    assert found is not None
    return found


def read_name_text(value: Any, field: str) -> str:
    """A required text field (a country's, region's or city's name)."""
    found = read_str(required(value, field), field)
    assert found is not None
    return found


def country_from(value: Any) -> WavixCountry:
    item = record(value)
    return WavixCountry(
        read_id(item.get("id"), "id"),
        read_name_text(item.get("name"), "name"),
        bool(read_bool(item.get("has_provinces_or_states"), "has_provinces_or_states")),
    )


def region_from(value: Any) -> WavixRegion:
    item = record(value)
    return WavixRegion(read_id(item.get("id"), "id"), read_name_text(item.get("name"), "name"))


def city_from(value: Any) -> WavixCity:
    item = record(value)
    return WavixCity(
        read_id(item.get("id"), "id"),
        read_name_text(item.get("name"), "name"),
        read_area_code(item.get("area_code"), "area_code"),
    )


def read_area_code(value: Any, field: str) -> str | None:
    """An area code / rate centre sent as ``213``, ``213.0`` or ``"213"``: its digits."""
    if type(value) is str and value.strip().isdigit():
        return value.strip()
    if value is None or value == "":
        return None
    return str(read_int(value, field))


def read_docref(value: Any, field: str) -> str:
    """A required document as an id (``1``, ``"01"``) or a name (``"Address"``): ``"1"`` /
    ``"address"``."""
    if type(value) is str and value.strip():
        text = value.strip()
        return str(int(text)) if text.isdigit() and text.isascii() else text.lower()
    if value is None or type(value) is str:
        raise FieldError(field, f"expected a document type id or name, got {value!r}")
    return str(read_int(value, field))


def read_docrefs(value: Any, field: str) -> tuple[str, ...]:
    """``require_docs``: a list of document ids or names (absent: none)."""
    refs = read_list(value, field)
    if not refs:
        return ()
    return tuple(read_docref(ref, f"{field}[{i}]") for i, ref in enumerate(refs))


def total_pages(body: dict[str, Any]) -> int:
    """``pagination.total_pages`` of a listing page."""
    pagination = record(body.get("pagination"), "pagination")
    return read_id(pagination.get("total_pages"), "pagination.total_pages")


def items_of(body: dict[str, Any], key: str) -> list[Any]:
    """The list of records under ``key`` (required)."""
    found = read_list(required(body.get(key), key), key)
    assert found is not None
    return found


def trunk_name(body: Any) -> str:
    """``/v1/trunks/{id}``: the trunk's login name, which routing to it needs."""
    return read_name_text(record(body).get("name"), "name")
