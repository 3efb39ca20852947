"""Build ``cassettes/didww/*.yaml`` from DIDWW's published examples.

Run it after changing what the adapter sends (its includes, filters or page sizes)::

    /work/venv/bin/python tests/didww/didww_build_cassettes.py

Responses come from DIDWW's Go SDK fixtures (``tests/vendor/didww/go-sdk-fixtures``), edited
only where ``cassettes/didww/README.md`` says so; request bodies are the SDK's
``*_request.json`` fixtures where they exist. The cassettes are then plain vcrpy files: tests
replay them with ``record_mode="none"`` and never need this script or the network.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "adapters"))

from didkit_didww._operations import DID_INCLUDE, GROUP_INCLUDE, SMS_INCLUDE  # noqa: E402

VENDOR = ROOT / "tests" / "vendor" / "didww"
FIXTURES = VENDOR / "go-sdk-fixtures"
OUT = ROOT / "cassettes" / "didww"
BASE = "https://api.didww.com/v3"
MEDIA = "application/vnd.api+json"

US = "1f6fc2bd-f081-4202-9b1a-d9cb88d942b9"
DE = "dfd1a0a0-bd53-4f7a-9c8e-d2fc5dd1bf7e"
LOCAL_TYPE = "994ea201-4a4d-4b27-ac4b-b5916ac969a3"
DID_ID = "9df99644-f1a5-4a3c-99a4-559d758eb96b"
ORDER_ID = "5da18706-be9f-49b0-aeec-0480aacd49ad"
REFERENCE = "didkit-ref-0001"

# The SDK's fixtures use placeholder numbers that are not phone numbers; the cassettes use
# possible ones instead (documented in the README).
NUMBERS = {
    "16091609123456797": "16092091234",
    "16091609123456798": "16092091235",
    "16091609123456799": "16092091236",
}

DID_INCLUDE_PARAM = ",".join(DID_INCLUDE)
GROUP_INCLUDE_PARAM = ",".join(GROUP_INCLUDE)


def fixture(path: str) -> Any:
    text = (FIXTURES / path).read_text()
    for old, new in NUMBERS.items():
        text = text.replace(old, new)
    return json.loads(text)


def uri(path: str, params: list[tuple[str, str]] | None = None) -> str:
    return BASE + path + (("?" + urlencode(params)) if params else "")


def page(number: int = 1, size: int = 1000) -> list[tuple[str, str]]:
    return [("page[number]", str(number)), ("page[size]", str(size))]


_PHRASES = {
    200: "OK",
    201: "Created",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    504: "Gateway Timeout",
}


def interaction(
    method: str,
    url: str,
    body: Any,
    *,
    status: int = 200,
    request: Any = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    response_headers = {"Content-Type": [MEDIA]}
    for name, value in (headers or {}).items():
        response_headers[name] = [value]
    return {
        "request": {
            "body": None if request is None else json.dumps(request, separators=(",", ":")),
            "headers": {"Accept": [MEDIA], "X-DIDWW-API-Version": ["2026-04-16"]},
            "method": method,
            "uri": url,
        },
        "response": {
            "body": {"string": json.dumps(body, indent=1)},
            "headers": response_headers,
            "status": {"code": status, "message": _PHRASES.get(status, "")},
        },
    }


def collection(
    data: list[Any],
    included: list[Any] | None = None,
    *,
    meta: dict[str, Any] | None = None,
    links: dict[str, str] | None = None,
) -> dict[str, Any]:
    doc: dict[str, Any] = {"data": data}
    if included:
        doc["included"] = included
    doc["meta"] = meta if meta is not None else {"total_records": len(data), "api_version": "2026-04-16"}
    doc["links"] = links if links is not None else {"first": "x", "last": "x"}
    for key in ("first", "last"):
        if doc["links"].get(key) == "x":
            doc["links"][key] = BASE + "/collection?page%5Bnumber%5D=1"
    return doc


CASSETTES: dict[str, tuple[list[dict[str, Any]], str]] = {}


def cassette(name: str, source: str, interactions: list[dict[str, Any]]) -> None:
    CASSETTES[name] = (interactions, source)


def countries() -> dict[str, Any]:
    return interaction("GET", uri("/countries"), fixture("countries/index.json"))


# -- coverage -----------------------------------------------------------------------------------

cities = fixture("cities/index.json")
cities["links"].pop("next")
cassette(
    "coverage",
    "countries/index.json; regions/index.json; cities/index.json (links.next removed: one page)",
    [
        countries(),
        interaction("GET", uri("/regions", [("filter[country.id]", US)]), fixture("regions/index.json")),
        interaction(
            "GET",
            uri("/cities", [("filter[country.id]", DE), ("include", "region"), *page()]),
            cities,
        ),
    ],
)

# -- search: SKU offers -------------------------------------------------------------------------

group_show = fixture("did_groups/show.json")
types = fixture("did_group_types/index.json")
types["links"] = {"first": types["links"]["first"], "last": types["links"]["last"]}
cassette(
    "search_groups",
    "countries/index.json; did_group_types/index.json; did_groups/show.json as a one-item collection",
    [
        countries(),
        interaction("GET", uri("/did_group_types", page()), types),
        interaction(
            "GET",
            uri(
                "/did_groups",
                [
                    ("filter[country.id]", DE),
                    ("filter[did_group_type.id]", LOCAL_TYPE),
                    ("filter[features]", "voice_in"),
                    ("filter[is_available]", "true"),
                    ("include", GROUP_INCLUDE_PARAM),
                    *page(size=100),
                ],
            ),
            collection([group_show["data"]], group_show["included"]),
        ),
    ],
)

# -- search: specific numbers -------------------------------------------------------------------

available_show = fixture("available_dids/show.json")
available_group = copy.deepcopy(available_show["included"][0])
available_group["relationships"]["did_group_type"]["data"] = {"type": "did_group_types", "id": LOCAL_TYPE}
available_group["meta"]["total_count"] = 10
local_type = next(t for t in types["data"] if t["id"] == LOCAL_TYPE)
available_index = fixture("available_dids/index.json")
cassette(
    "search_available",
    "countries/index.json; the did_group included in available_dids/show.json (did_group_type linkage added); "
    "available_dids/index.json",
    [
        countries(),
        interaction(
            "GET",
            uri(
                "/did_groups",
                [
                    ("filter[country.id]", US),
                    ("filter[is_available]", "true"),
                    ("filter[available_dids_enabled]", "true"),
                    ("include", GROUP_INCLUDE_PARAM),
                    *page(size=100),
                ],
            ),
            collection([available_group], [*available_show["included"][1:], local_type]),
        ),
        interaction(
            "GET",
            uri(
                "/available_dids",
                [
                    ("filter[country.id]", US),
                    ("filter[did_group.id]", available_group["id"]),
                    ("filter[number_contains]", "616"),
                    ("sort", "number"),
                ],
            ),
            available_index,
        ),
    ],
)

# -- purchase -----------------------------------------------------------------------------------

request_available = json.loads((FIXTURES / "orders/create_request_available_did.json").read_text())
request_callback = json.loads((FIXTURES / "orders_with_callback/create_request.json").read_text())
cassette(
    "purchase_available_did",
    "request orders/create_request_available_did.json; response orders/create_available_did.json",
    [
        interaction(
            "POST", uri("/orders"), fixture("orders/create_available_did.json"), status=201, request=request_available
        )
    ],
)
cassette(
    "purchase_callback",
    "request orders_with_callback/create_request.json; response orders_with_callback/create.json",
    [
        interaction(
            "POST", uri("/orders"), fixture("orders_with_callback/create.json"), status=201, request=request_callback
        )
    ],
)

orders_by_ref = [("filter[external_reference_id]", REFERENCE), ("sort", "-created_at"), *page(size=100)]
request_with_ref = copy.deepcopy(request_available)
request_with_ref["data"]["attributes"]["external_reference_id"] = REFERENCE


def order(status: str, *, reference: str | None = REFERENCE) -> dict[str, Any]:
    doc = fixture("orders/create.json")
    doc["data"]["attributes"]["items"] = doc["data"]["attributes"]["items"][:1]
    doc["data"]["attributes"]["status"] = status
    doc["data"]["attributes"]["external_reference_id"] = reference
    doc["meta"] = {"api_version": "2026-04-16"}
    return doc


def order_dids() -> dict[str, Any]:
    did = fixture("dids/show.json")["data"]
    did["relationships"]["order"]["data"] = {"type": "orders", "id": ORDER_ID}
    return collection([did])


empty_orders = collection([])
cassette(
    "purchase_poll",
    "orders/create.json (one item; status and external_reference_id set per step); dids/show.json as the order's DIDs",
    [
        interaction("GET", uri("/orders", orders_by_ref), empty_orders),
        interaction("POST", uri("/orders"), order("pending"), status=201, request=request_with_ref),
        interaction("GET", uri(f"/orders/{ORDER_ID}"), order("pending")),
        interaction("GET", uri(f"/orders/{ORDER_ID}"), order("completed")),
        interaction(
            "GET",
            uri("/dids", [("filter[order.id]", ORDER_ID), ("include", DID_INCLUDE_PARAM), *page()]),
            order_dids(),
        ),
    ],
)
cassette(
    "purchase_existing_reference",
    "orders/create.json (completed, external_reference_id set) found by reference; dids/show.json",
    [
        interaction("GET", uri("/orders", orders_by_ref), collection([order("completed")["data"]])),
        interaction(
            "GET",
            uri("/dids", [("filter[order.id]", ORDER_ID), ("include", DID_INCLUDE_PARAM), *page()]),
            order_dids(),
        ),
    ],
)
server_error = {
    "errors": [{"title": "Internal Server Error", "detail": "Internal Server Error", "code": "500", "status": "500"}]
}
bad_gateway = {"errors": [{"title": "Bad Gateway", "detail": "Bad Gateway", "code": "502", "status": "502"}]}
cassette(
    "purchase_unknown_found",
    "POST /orders answers 502 (error shape of the spec's ErrorsDocument); the order is then found by "
    "external_reference_id (orders/create.json, pending)",
    [
        interaction("GET", uri("/orders", orders_by_ref), empty_orders),
        interaction("POST", uri("/orders"), bad_gateway, status=502, request=request_with_ref),
        interaction("GET", uri("/orders", orders_by_ref), collection([order("pending")["data"]])),
    ],
)
cassette(
    "purchase_unknown_absent",
    "POST /orders answers 500; the lookup by external_reference_id proves no order exists",
    [
        interaction("GET", uri("/orders", orders_by_ref), empty_orders),
        interaction("POST", uri("/orders"), server_error, status=500, request=request_with_ref),
        interaction("GET", uri("/orders", orders_by_ref), empty_orders),
    ],
)
cassette(
    "purchase_unknown_lookup_fails",
    "POST /orders answers 504; the lookup by external_reference_id answers 500",
    [
        interaction("GET", uri("/orders", orders_by_ref), empty_orders),
        interaction(
            "POST",
            uri("/orders"),
            {"errors": [{"title": "Gateway Timeout", "detail": "Gateway Timeout", "code": "504", "status": "504"}]},
            status=504,
            request=request_with_ref,
        ),
        interaction("GET", uri("/orders", orders_by_ref), server_error, status=500),
    ],
)

funds = {
    "errors": [
        {
            "title": "Insufficient funds",
            "detail": "Your account balance is too low to complete this action.",
            "code": "400",
            "status": "400",
            "meta": {"total_cost": "5.98", "balance": "1.20"},
        }
    ]
}
stock = {
    "errors": [
        {
            "title": "is not available",
            "detail": "available_did - is not available",
            "code": "100",
            "source": {"pointer": "/data/attributes/items/0/attributes/available_did_id"},
            "status": "422",
        }
    ]
}
registration = {
    "errors": [
        {
            "title": "Registration required",
            "detail": "did_group - requires a verified address: "
            "registration is required before ordering from this DID group",
            "code": "100",
            "source": {"pointer": "/data/attributes/items/0"},
            "status": "422",
        }
    ]
}
for name, body, status, source in (
    (
        "errors_funds",
        funds,
        400,
        "DIDWW's Insufficient Funds Error Object (doc.didww.com) with the meta the spec "
        "says insufficient-balance errors carry",
    ),
    (
        "errors_stock",
        stock,
        422,
        "a validation error (code 100) shaped like dids/update_error_invalid_trunk_group.json "
        "for an available DID that is gone",
    ),
    (
        "errors_registration",
        registration,
        422,
        "a validation error (code 100) shaped like "
        "address_requirement_validations/create_error_validation.json for a group needing registration",
    ),
):
    cassette(
        name,
        source,
        [
            interaction(
                "POST",
                uri("/orders"),
                body,
                status=status,
                request=request_available,
                headers={"X-Request-Id": f"req-{name}"},
            )
        ],
    )

cassette(
    "errors_auth",
    "exports/create_error_unauthorized.json answering GET /countries",
    [interaction("GET", uri("/countries"), fixture("exports/create_error_unauthorized.json"), status=401)],
)
cassette(
    "errors_not_found",
    "DIDWW's Not Found Error Object (doc.didww.com) for GET /dids/{id}",
    [
        interaction(
            "GET",
            uri("/dids/00000000-0000-4000-8000-000000000000", [("include", DID_INCLUDE_PARAM)]),
            {
                "errors": [
                    {
                        "title": "Record not found",
                        "detail": "The record identified by 00000000-0000-4000-8000-000000000000 could not be found.",
                        "code": "404",
                        "status": "404",
                    }
                ]
            },
            status=404,
        )
    ],
)
cassette(
    "errors_rejected",
    "dids/update_error_invalid_trunk_group.json answering a PATCH with dids/update_clear_description_request.json",
    [
        interaction(
            "PATCH",
            uri(f"/dids/{DID_ID}"),
            fixture("dids/update_error_invalid_trunk_group.json"),
            status=422,
            request=json.loads((FIXTURES / "dids/update_clear_description_request.json").read_text()),
        )
    ],
)
cassette(
    "errors_rate_limited",
    "a 429 with Retry-After in the spec's ErrorsDocument shape",
    [
        interaction(
            "GET",
            uri("/countries"),
            {
                "errors": [
                    {"title": "Too Many Requests", "detail": "Rate limit exceeded", "code": "429", "status": "429"}
                ]
            },
            status=429,
            headers={"Retry-After": "1"},
        )
    ],
)
broken = fixture("dids/unassign_emergency_calling_service.json")
cassette(
    "malformed_number",
    "dids/unassign_emergency_calling_service.json (its number is a redacted '437xxxxxxxxx')",
    [interaction("GET", uri(f"/dids/{broken['data']['id']}", [("include", DID_INCLUDE_PARAM)]), broken)],
)
cassette(
    "malformed_country",
    "countries/index.json with the first country's name replaced by a number",
    [
        interaction(
            "GET",
            uri("/countries"),
            {"data": [{"id": US, "type": "countries", "attributes": {"name": 5, "prefix": "1", "iso": "US"}}]},
        )
    ],
)

# -- owned numbers ------------------------------------------------------------------------------

dids_index = fixture("dids/index.json")
first_page = collection(
    dids_index["data"][:2],
    meta={"total_records": 3, "api_version": "2026-04-16"},
    links={
        "first": BASE + "/dids?page%5Bnumber%5D=1&page%5Bsize%5D=1000",
        "next": BASE + "/dids?page%5Bnumber%5D=2&page%5Bsize%5D=1000",
        "last": BASE + "/dids?page%5Bnumber%5D=2&page%5Bsize%5D=1000",
    },
)
second_page = collection(
    dids_index["data"][2:],
    meta={"total_records": 3, "api_version": "2026-04-16"},
    links={
        "first": BASE + "/dids?page%5Bnumber%5D=1&page%5Bsize%5D=1000",
        "prev": BASE + "/dids?page%5Bnumber%5D=1&page%5Bsize%5D=1000",
        "last": BASE + "/dids?page%5Bnumber%5D=2&page%5Bsize%5D=1000",
    },
)
cassette(
    "list_numbers",
    "dids/index.json split into two pages (links.next on the first)",
    [
        interaction("GET", uri("/dids", [("include", DID_INCLUDE_PARAM), *page(1)]), first_page),
        interaction("GET", uri("/dids", [("include", DID_INCLUDE_PARAM), *page(2)]), second_page),
    ],
)
cassette(
    "list_numbers_filtered",
    "dids/index.json (first DID) for a filtered, sorted listing",
    [
        interaction(
            "GET",
            uri(
                "/dids",
                [
                    ("filter[terminated]", "false"),
                    ("filter[order.id]", "11b3fba2-96e2-452e-bed8-5124ed351af3"),
                    ("include", DID_INCLUDE_PARAM + ",order"),
                    ("sort", "-created_at"),
                    *page(1),
                ],
            ),
            collection(dids_index["data"][:1]),
        )
    ],
)

with_trunk = fixture("dids/show_with_trunk.json")
group_doc = fixture("voice_in_trunk_groups/create.json")
with_group = fixture("dids/show_with_trunk_group.json")
with_group["included"] = [group_doc["data"], *group_doc["included"]]
with_group_list = collection([with_group["data"]], with_group["included"])
cassette(
    "get_number",
    "dids/show_with_trunk.json by id; dids/show_with_trunk_group.json by number, with the group and its trunks "
    "from voice_in_trunk_groups/create.json included",
    [
        interaction("GET", uri(f"/dids/{DID_ID}", [("include", DID_INCLUDE_PARAM)]), with_trunk),
        interaction(
            "GET",
            uri("/dids", [("filter[number]", "16092091234"), ("include", DID_INCLUDE_PARAM), ("page[size]", "100")]),
            with_group_list,
        ),
    ],
)

did_show = fixture("dids/show.json")
updated = fixture("dids/update_success.json")
labelled = copy.deepcopy(updated)
labelled["data"]["attributes"]["description"] = "patched from loaded resource"
cassette(
    "update_number",
    "requests dids/update_from_loaded_request.json and dids/update_built_single_attr_request.json; "
    "responses dids/update_success.json (description edited to match) and dids/show.json",
    [
        interaction(
            "PATCH",
            uri(f"/dids/{DID_ID}"),
            labelled,
            request=json.loads((FIXTURES / "dids/update_from_loaded_request.json").read_text()),
        ),
        interaction("GET", uri(f"/dids/{DID_ID}", [("include", DID_INCLUDE_PARAM)]), labelled),
        interaction(
            "PATCH",
            uri(f"/dids/{DID_ID}"),
            updated,
            request=json.loads((FIXTURES / "dids/update_built_single_attr_request.json").read_text()),
        ),
        interaction("GET", uri(f"/dids/{DID_ID}", [("include", DID_INCLUDE_PARAM)]), did_show),
    ],
)
cassette(
    "release_number",
    "request dids/update_terminated_request.json; response dids/update_blocked_terminated.json",
    [
        interaction(
            "PATCH",
            uri(f"/dids/{DID_ID}"),
            fixture("dids/update_blocked_terminated.json"),
            request=json.loads((FIXTURES / "dids/update_terminated_request.json").read_text()),
        )
    ],
)

trunks_index = fixture("voice_in_trunks/index.json")
trunks_index["links"].pop("next")
trunks_index["meta"] = {"total_records": len(trunks_index["data"]), "api_version": "2026-04-16"}
pstn_created = fixture("voice_in_trunks/create.json")
pstn_request = {
    "data": {
        "type": "voice_in_trunks",
        "attributes": {
            "name": "didkit +558540420024",
            "configuration": json.loads((FIXTURES / "voice_in_trunks/create_request.json").read_text())["data"][
                "attributes"
            ]["configuration"],
        },
    }
}
assign_trunk = json.loads((FIXTURES / "dids/update_assign_trunk_request.json").read_text())
cassette(
    "set_destinations_pstn",
    "voice_in_trunks/index.json (one page); a trunk created with voice_in_trunks/create_request.json's "
    "configuration answered by voice_in_trunks/create.json; request dids/update_assign_trunk_request.json; "
    "dids/show_with_trunk.json",
    [
        interaction("GET", uri("/voice_in_trunks", [("include", "voice_in_trunk_group"), *page()]), trunks_index),
        interaction("POST", uri("/voice_in_trunks"), pstn_created, status=201, request=pstn_request),
        interaction("PATCH", uri(f"/dids/{DID_ID}"), fixture("dids/update_success.json"), request=assign_trunk),
        interaction("GET", uri(f"/dids/{DID_ID}", [("include", DID_INCLUDE_PARAM)]), with_trunk),
    ],
)

members = copy.deepcopy(group_doc["included"])
for member in members:
    member["relationships"]["voice_in_trunk_group"]["data"] = None
trunks_with_members = copy.deepcopy(trunks_index)
trunks_with_members["data"] += members
trunks_with_members["meta"]["total_records"] = len(trunks_with_members["data"])


def reprioritised(trunk: dict[str, Any], priority: int) -> dict[str, Any]:
    doc = {"data": copy.deepcopy(trunk)}
    doc["data"]["attributes"]["priority"] = priority
    return doc


group_request = json.loads((FIXTURES / "voice_in_trunk_groups/create_request.json").read_text())
group_request["data"]["attributes"] = {"name": f"didkit +16092091234: {members[0]['id']} > {members[1]['id']}"[:100]}
group_created = copy.deepcopy(group_doc)
for member in group_created["included"]:
    member["attributes"]["priority"] = 1 if member["id"].startswith("7c15") else 2
regrouped = copy.deepcopy(with_group)
regrouped["included"] = [group_created["data"], *group_created["included"]]
cassette(
    "set_destinations_group",
    "voice_in_trunk_groups/index.json; voice_in_trunks/index.json plus the two trunks of "
    "voice_in_trunk_groups/create.json; their priorities set by PATCH; the group created with "
    "voice_in_trunk_groups/create_request.json's trunks (answered by voice_in_trunk_groups/create.json); request "
    "dids/update_assign_trunk_group_request.json; dids/show_with_trunk_group.json with the group's trunks included",
    [
        interaction(
            "GET",
            uri("/voice_in_trunk_groups", [("include", "voice_in_trunks"), *page()]),
            fixture("voice_in_trunk_groups/index.json") | {"links": {"first": BASE, "last": BASE}},
        ),
        interaction(
            "GET", uri("/voice_in_trunks", [("include", "voice_in_trunk_group"), *page()]), trunks_with_members
        ),
        interaction(
            "PATCH",
            uri(f"/voice_in_trunks/{members[0]['id']}"),
            reprioritised(members[0], 1),
            request={"data": {"id": members[0]["id"], "type": "voice_in_trunks", "attributes": {"priority": 1}}},
        ),
        interaction(
            "PATCH",
            uri(f"/voice_in_trunks/{members[1]['id']}"),
            reprioritised(members[1], 2),
            request={"data": {"id": members[1]["id"], "type": "voice_in_trunks", "attributes": {"priority": 2}}},
        ),
        interaction("POST", uri("/voice_in_trunk_groups"), group_created, status=201, request=group_request),
        interaction(
            "PATCH",
            uri(f"/dids/{DID_ID}"),
            fixture("dids/update_success.json"),
            request=json.loads((FIXTURES / "dids/update_assign_trunk_group_request.json").read_text()),
        ),
        interaction("GET", uri(f"/dids/{DID_ID}", [("include", DID_INCLUDE_PARAM)]), regrouped),
    ],
)


# -- API 2026-11-19 (no published examples to copy: tests/didww/fixtures_2026_11_19, written from
# DIDWW's 2026-11-19 pages; sources in its README) ------------------------------------------------

NEW = ROOT / "tests" / "didww" / "fixtures_2026_11_19"
SMS_DID = "9f3c2a1b-4d5e-4f60-8a7b-9c0d1e2f3a4b"


def new_fixture(name: str) -> Any:
    return json.loads((NEW / name).read_text())


def new_interaction(method: str, url: str, body: Any, **kwargs: Any) -> dict[str, Any]:
    """:func:`interaction` as 2026-11-19 is spoken: the version header says 2026-11-19."""
    found = interaction(method, url, body, **kwargs)
    found["request"]["headers"]["X-DIDWW-API-Version"] = ["2026-11-19"]
    return found


_token = new_interaction(
    "POST",
    "https://auth.didww.com/token",
    new_fixture("token_response.json"),
    request=new_fixture("token_request.json"),
)
_token["request"]["headers"] = {"Accept": ["application/json"], "Content-Type": ["application/json"]}
_token["response"]["headers"] = {
    "Content-Type": ["application/json"],
    "Cache-Control": ["no-store"],
    "Pragma": ["no-cache"],
}
_trunk_id = new_fixture("sms_trunk.json")["data"]["id"]
_sms_route = {
    "data": {
        "id": SMS_DID,
        "type": "dids",
        "attributes": {},
        "relationships": {
            "sms_trunk": {"data": {"type": "sms_trunks", "id": _trunk_id}},
            "sms_trunk_group": {"data": None},
        },
    }
}
cassette(
    "messaging_2026_11_19",
    "API 2026-11-19: token_request/token_response.json; an empty sms_trunks page; sms_trunk_create_request.json "
    "answered by sms_trunk.json; the DID PATCH and GET answered by did_with_sms_trunk.json "
    "(tests/didww/fixtures_2026_11_19, written from DIDWW's 2026-11-19 pages)",
    [
        _token,
        new_interaction(
            "GET",
            uri(
                "/sms_trunks",
                [("filter[configuration.type]", "http_in"), ("include", "sms_trunk_group"), *page(1, 100)],
            ),
            collection([], meta={"total_records": 0, "api_version": "2026-11-19"}),
        ),
        new_interaction(
            "POST",
            uri("/sms_trunks"),
            new_fixture("sms_trunk.json"),
            status=201,
            request=new_fixture("sms_trunk_create_request.json"),
        ),
        new_interaction("PATCH", uri(f"/dids/{SMS_DID}"), new_fixture("did_with_sms_trunk.json"), request=_sms_route),
        new_interaction(
            "GET",
            uri(f"/dids/{SMS_DID}", [("include", ",".join(DID_INCLUDE + SMS_INCLUDE))]),
            new_fixture("did_with_sms_trunk.json"),
        ),
    ],
)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (interactions, _) in CASSETTES.items():
        text = yaml.safe_dump({"interactions": interactions, "version": 1}, sort_keys=False, width=120)
        (OUT / f"{name}.yaml").write_text(text)
    print("\n".join(f"{name}.yaml — {source}" for name, (_, source) in CASSETTES.items()))


if __name__ == "__main__":
    main()
