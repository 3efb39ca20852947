"""The generic JSON:API layer."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from didkit import DidkitError, NotFoundError, RequestRejectedError, ResponseFormatError
from didkit.engine import HttpRequest, HttpResponse
from didkit.jsonapi import NOT_INCLUDED, Document, error_from_response, query, resource_document, to_one

DOC: dict[str, Any] = {
    "data": [
        {
            "type": "dids",
            "id": "d1",
            "attributes": {"number": "12125550123"},
            "relationships": {
                "did_group": {"data": {"type": "did_groups", "id": "g1"}},
                "voice_in_trunk": {"data": None},
                "order": {"links": {"related": "https://x/orders/1"}},
                "voice_in_trunk_group": {"data": {"type": "voice_in_trunk_groups", "id": "missing"}},
            },
        }
    ],
    "included": [{"type": "did_groups", "id": "g1", "attributes": {"area_name": "New York"}}],
    "meta": {"total_records": 1, "api_version": "2026-04-16"},
    "links": {"next": "https://api.example/v3/dids?page[number]=2"},
}


def test_parse_and_relationships() -> None:
    doc = Document.parse(DOC, provider="didww")
    (did,) = doc.resources()
    assert did.attributes["number"] == "12125550123"
    group = doc.related(did, "did_group")
    assert group is not None and group is not NOT_INCLUDED
    assert group.attributes["area_name"] == "New York"  # type: ignore[union-attr]
    assert doc.related(did, "voice_in_trunk") is None  # explicitly empty
    assert doc.related(did, "order") is NOT_INCLUDED  # no linkage sent
    assert doc.related(did, "voice_in_trunk_group") is NOT_INCLUDED  # linkage, but not in included
    assert doc.related(did, "nonexistent") is NOT_INCLUDED
    assert doc.next_link == "https://api.example/v3/dids?page[number]=2"
    assert doc.meta["total_records"] == 1


def test_one_and_link_objects() -> None:
    doc = Document.parse({"data": {"type": "orders", "id": "o1"}, "links": {"next": {"href": "/n"}}}, provider="p")
    assert doc.one().id == "o1"
    assert doc.next_link == "/n"
    with pytest.raises(ResponseFormatError):
        Document.parse({"data": []}, provider="p").one()


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"data": [{"type": "dids"}]}, "data[0].id"),
        ({"data": [{"id": "x", "type": "dids", "attributes": []}]}, "data[0].attributes"),
        (
            {"data": {"id": "x", "type": "t", "relationships": {"a": {"data": [{"type": "t"}]}}}},
            "data.relationships.a.data[0].id",
        ),
        ({"data": None, "included": {}}, "included"),
        ({"errors": "boom"}, "errors"),
        ([], "(document)"),
        ({}, "data"),
    ],
)
def test_malformed_documents_name_the_field(document: Any, field: str) -> None:
    def read() -> None:
        # Relationships are checked when read.
        parsed = Document.parse(document, provider="didww")
        for resource in parsed.resources():
            dict(resource.relationships)

    with pytest.raises(ResponseFormatError) as info:
        read()
    assert info.value.field == field
    assert field in str(info.value)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
document_like = st.fixed_dictionaries(
    {},
    optional={
        "data": json_values
        | st.lists(
            st.dictionaries(st.sampled_from(["type", "id", "attributes", "relationships"]), json_values, max_size=4),
            max_size=3,
        ),
        "included": json_values,
        "errors": json_values,
        "meta": json_values,
        "links": json_values,
    },
)


@settings(max_examples=300)
@given(document_like | json_values)
def test_arbitrary_documents_only_raise_didkit_errors(document: Any) -> None:
    try:
        doc = Document.parse(document, provider="p")
        for resource in doc.resources():
            for name in resource.relationships:
                try:
                    doc.related(resource, name)
                    doc.related_many(resource, name)
                except ResponseFormatError:
                    pass
        _ = doc.next_link
    except DidkitError:
        pass


def test_query_building() -> None:
    params = query(
        filters={"country.id": "abc", "features": ["voice_in", "sms_in"], "is_metered": False, "skip": None},
        include=["stock_keeping_units", "did_group_type"],
        sort=["-created_at", "number"],
        fields={"dids": ["number", "description"]},
        page_number=2,
        page_size=100,
    )
    assert params == [
        ("filter[country.id]", "abc"),
        ("filter[features]", "voice_in,sms_in"),
        ("filter[is_metered]", "false"),
        ("include", "stock_keeping_units,did_group_type"),
        ("sort", "-created_at,number"),
        ("fields[dids]", "number,description"),
        ("page[number]", "2"),
        ("page[size]", "100"),
    ]


def test_resource_documents() -> None:
    assert resource_document("dids", id="1", attributes={"terminated": True}) == {
        "data": {"type": "dids", "id": "1", "attributes": {"terminated": True}}
    }
    assert to_one("voice_in_trunks", None) == {"data": None}


def _response(status: int, body: bytes) -> HttpResponse:
    return HttpResponse(status, {"content-type": "application/vnd.api+json"}, body, provider="didww", request_id="r9")


def test_errors_to_typed_exceptions_keep_details_and_pointers() -> None:
    body = (
        b'{"errors":[{"title":"is invalid","detail":"capacity_limit - must be greater than 0","code":"100",'
        b'"source":{"pointer":"/data/attributes/capacity_limit"},"status":"422"},'
        b'{"title":"blank","detail":"description - can\'t be blank","code":"100","status":"422"}]}'
    )
    error = error_from_response(_response(422, body), HttpRequest("PATCH", "/dids/1"))
    assert isinstance(error, RequestRejectedError)
    assert len(error.messages) == 2
    assert "/data/attributes/capacity_limit" in error.messages[0]
    assert error.details[0]["pointer"] == "/data/attributes/capacity_limit"
    assert error.request_id == "r9"
    not_found = error_from_response(_response(404, b"not json"), HttpRequest("GET", "/dids/x"))
    assert isinstance(not_found, NotFoundError)
