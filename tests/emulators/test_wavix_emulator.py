"""The Wavix sandbox emulator: every endpoint the adapter uses, the knobs, faults, determinism,
and conformance of every response to Wavix's published OpenAPI document."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import phonenumbers
import pytest
import yaml
from didkit_wavix.emulator import (
    AR,
    BERLIN,
    BUENOS_AIRES,
    CHICAGO,
    DE,
    GB,
    LONDON,
    LOS_ANGELES,
    NEW_YORK,
    US,
    WavixEmulator,
)
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from didkit.sandbox import Emulator, EmulatorRequest, EmulatorResponse, add_recorder, remove_recorder

BASE = "https://api.wavix.com"
NOW = 1_780_000_000.0  # 2026-05-28T20:26:40Z
# An exact copy of the published spec: tests/vendor/SOURCES.md
SPEC_PATH = Path(__file__).resolve().parents[1] / "vendor" / "wavix" / "openapi-2026-06-30.yaml"
SPEC_URI = "urn:wavix-openapi-2026-06-30"


# -- fixtures --------------------------------------------------------------------------------------


@pytest.fixture
def emu() -> WavixEmulator:
    return WavixEmulator(seed=0, clock=lambda: NOW)


@pytest.fixture
def client(emu: WavixEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(
        transport=emu.transport(), base_url=BASE, headers={"Authorization": "Bearer test-key"}
    ) as http:
        yield http


def dids(client: httpx.Client, country: int, city: int, **params: Any) -> list[dict[str, Any]]:
    response = client.get(f"/v1/buy/countries/{country}/cities/{city}/dids", params=params)
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()["dids"]
    return result


def buy(client: httpx.Client, *numbers: str) -> httpx.Response:
    added = client.put("/v1/buy/cart", json={"ids": list(numbers)})
    assert added.status_code == 200, added.text
    return client.post("/v1/buy/cart/checkout", json={"ids": list(numbers)})


def owned_record(client: httpx.Client, number: str) -> dict[str, Any]:
    items = client.get("/v1/numbers", params={"search": number}).json()["items"]
    assert len(items) == 1, items
    result: dict[str, Any] = items[0]
    return result


# -- OpenAPI conformance ---------------------------------------------------------------------------

#: Statuses the emulator answers where Wavix's spec documents none for that operation, and the
#: component schema such an answer is checked against instead.
UNDOCUMENTED = {
    401: "UnauthorizedErrorResponse",  # Wavix lists 401 on only a few operations
    400: "ValidationErrorResponse",  # bad query parameters / bodies on operations without a 400
    404: "NotFoundErrorResponse",
    422: "ValidationErrorResponse",  # e.g. insufficient funds at checkout
}


def _nullable(node: Any) -> Any:
    """OpenAPI 3.0 ``nullable: true`` as JSON Schema (the 3.1 document uses type lists already)."""
    if isinstance(node, dict):
        node = {k: _nullable(v) for k, v in node.items()}
        if node.pop("nullable", False) is True and "type" in node:
            types = node["type"] if isinstance(node["type"], list) else [node["type"]]
            node["type"] = [*types, "null"]
        return node
    if isinstance(node, list):
        return [_nullable(v) for v in node]
    return node


class Spec:
    def __init__(self, path: Path) -> None:
        with path.open() as handle:
            self.doc: dict[str, Any] = _nullable(yaml.load(handle, Loader=yaml.CSafeLoader))
        resource = Resource.from_contents(self.doc, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)

    def validator(self, method: str, pattern: str, status: int) -> Draft202012Validator:
        escaped = pattern.replace("~", "~0").replace("/", "~1")
        responses = self.doc["paths"][pattern][method.lower()]["responses"]
        answer = responses.get(str(status))
        if answer is None:
            component = UNDOCUMENTED[status]
            pointer = f"/components/schemas/{component}"
        elif "$ref" in answer:
            name = answer["$ref"].rsplit("/", 1)[1]
            pointer = f"/components/responses/{name}/content/application~1json/schema"
        else:
            pointer = f"/paths/{escaped}/{method.lower()}/responses/{status}/content/application~1json/schema"
        return Draft202012Validator(
            {"$ref": f"{SPEC_URI}#{pointer}"}, registry=self.registry, format_checker=FormatChecker()
        )

    def check(self, route_key: str, response: EmulatorResponse) -> list[str]:
        method, pattern = route_key.split(" ", 1)
        body = json.loads(response.body)
        validator = self.validator(method, pattern, response.status)
        return [
            f"{route_key} -> {response.status}: {error.message} at {list(error.absolute_path)}"
            for error in validator.iter_errors(body)
        ]


_spec: Spec | None = None


def load_spec() -> Spec:
    global _spec
    if _spec is None:
        if not SPEC_PATH.is_file():
            raise AssertionError(f"Wavix OpenAPI spec missing: {SPEC_PATH} (see tests/vendor/SOURCES.md)")
        _spec = Spec(SPEC_PATH)
    return _spec


@pytest.fixture(autouse=True)
def conforms_to_spec() -> Iterator[list[tuple[str, EmulatorResponse]]]:
    """Every response a Wavix emulator route gives during a test must match the spec.

    (Without the spec this checks nothing; ``test_spec_is_available`` fails loudly instead.)
    """
    seen: list[tuple[str, EmulatorResponse]] = []

    def record(
        emulator: Emulator, request: EmulatorRequest, key: str | None, response: EmulatorResponse
    ) -> None:
        if isinstance(emulator, WavixEmulator) and key is not None:
            seen.append((key, response))

    add_recorder(record)
    try:
        yield seen
    finally:
        remove_recorder(record)
    if SPEC_PATH.is_file():
        spec = load_spec()
        problems = [p for key, response in seen for p in spec.check(key, response)]
        assert not problems, "\n".join(problems)


def test_spec_is_available_and_checks(conforms_to_spec: list[tuple[str, EmulatorResponse]]) -> None:
    spec = load_spec()  # fails loudly when the vendor copy is missing
    bad = EmulatorResponse.json({"countries": [{"id": "8871", "name": "United States"}]})
    assert spec.check("GET /v1/buy/countries", bad), "the conformance check must reject a bad body"
    extra = EmulatorResponse.json({"success": True, "id": 1}, 201)
    assert not spec.check("POST /v1/buy/cart/checkout", extra)  # SuccessResponse allows extra keys


def test_a_tour_of_every_endpoint_conforms(
    emu: WavixEmulator, client: httpx.Client, conforms_to_spec: list[tuple[str, EmulatorResponse]]
) -> None:
    load_spec()
    la = dids(client, US, LOS_ANGELES)
    berlin = [d for d in dids(client, DE, BERLIN) if d["require_docs"]]
    client.get("/v1/buy/countries", params={"text_enabled_only": "true"})
    client.get(f"/v1/buy/countries/{US}/regions")
    client.get(f"/v1/buy/countries/{AR}/regions")
    client.get(f"/v1/buy/countries/{US}/regions/17/cities")
    client.get(f"/v1/buy/countries/{US}/cities")
    client.get(f"/v1/buy/countries/{GB}/cities")
    client.get(f"/v1/buy/countries/{US}/cities/999/dids")
    client.put("/v1/buy/cart", json={"ids": [la[0]["number"], berlin[0]["number"]]})
    client.get("/v1/buy/cart")
    client.request("DELETE", "/v1/buy/cart", json={"ids": ["19999999999"]})
    emu.set_balance("1")
    client.post("/v1/buy/cart/checkout", json={"ids": [la[0]["number"]]})
    emu.set_balance("100")
    client.post("/v1/buy/cart/checkout", json={"ids": [la[0]["number"], berlin[0]["number"]]})
    client.post("/v1/buy/cart/checkout", json={"ids": ["19999999999"]})
    client.post("/v1/buy/cart/checkout", content=b"not json")
    listing = client.get("/v1/numbers", params={"per_page": 2, "page": 2})
    first = client.get("/v1/numbers").json()["items"][0]["id"]
    client.get(f"/v1/numbers/{first}")
    client.get("/v1/numbers/1")
    client.patch(f"/v1/numbers/{first}", json={"call_status_url": "https://example.com/status"})
    client.patch(f"/v1/numbers/{first}", json={"label": "nope"})
    client.patch("/v1/numbers", json={"ids": [first], "transcription_enabled": True})
    client.patch("/v1/numbers", json={"ids": [1]})
    client.delete("/v1/numbers", params={"dids": la[0]["number"]})
    client.delete("/v1/numbers", params={"ids": [1]})
    client.delete("/v1/numbers")
    client.get("/v1/trunks")
    client.get("/v1/trunks/3107")
    client.get("/v1/trunks/1")
    client.get("/v1/numbers", headers={"Authorization": ""})
    assert listing.status_code == 200
    statuses = {(key, response.status) for key, response in conforms_to_spec}
    assert len({key for key, _ in statuses}) == 16  # every route was exercised
    assert {s for _, s in statuses} == {200, 201, 400, 401, 404, 422}


# -- auth and errors -------------------------------------------------------------------------------


def test_missing_key_is_401_with_wavix_body(emu: WavixEmulator) -> None:
    with httpx.Client(transport=emu.transport(), base_url=BASE) as anonymous:
        response = anonymous.get("/v1/numbers")
        assert response.status_code == 401
        assert response.json() == {"success": False, "error": True, "message": "Unauthorized"}
        assert anonymous.get("/v1/numbers", headers={"Authorization": "Bearer "}).status_code == 401
        assert anonymous.get("/v1/numbers", headers={"Authorization": "Basic abc"}).status_code == 401
        assert anonymous.get("/v1/numbers", headers={"Authorization": "Bearer any"}).status_code == 200
        assert anonymous.get("/v1/numbers", params={"appid": "legacy"}).status_code == 200  # deprecated


def test_unknown_paths_and_ids_are_wavix_404s(client: httpx.Client) -> None:
    for path in ("/v1/nothing", "/v1/numbers/999999", "/v1/numbers/abc", "/v1/trunks/42"):
        response = client.get(path)
        assert response.status_code == 404, path
        body = response.json()
        assert body["success"] is False
        assert isinstance(body["message"], str)
    assert client.post("/v1/numbers").status_code == 405


# -- inventory -------------------------------------------------------------------------------------


def test_countries(client: httpx.Client) -> None:
    countries = client.get("/v1/buy/countries").json()["countries"]
    by_name = {c["name"]: c for c in countries}
    assert by_name["United States"] == {"id": US, "name": "United States", "has_provinces_or_states": True}
    assert by_name["Argentina"] == {"id": AR, "name": "Argentina", "has_provinces_or_states": False}
    assert {"United Kingdom", "Germany"} <= set(by_name)
    texting = client.get("/v1/buy/countries", params={"text_enabled_only": "true"}).json()["countries"]
    assert [c["name"] for c in texting] == ["United States"]
    assert client.get("/v1/buy/countries", params={"text_enabled_only": "maybe"}).status_code == 400


def test_regions_and_the_no_regions_error(client: httpx.Client) -> None:
    regions = client.get(f"/v1/buy/countries/{US}/regions").json()["regions"]
    assert {r["name"] for r in regions} == {
        "California",
        "New York",
        "Illinois",
        "Florida",
        "Washington",
        "Texas",
    }
    assert {"id": 17, "name": "California"} in regions
    response = client.get(f"/v1/buy/countries/{AR}/regions")
    assert response.status_code == 422
    assert response.json() == {"success": False, "message": "Country has no states or provinces"}
    assert client.get("/v1/buy/countries/1/regions").status_code == 404


def test_cities(client: httpx.Client) -> None:
    regions = {r["name"]: r["id"] for r in client.get(f"/v1/buy/countries/{US}/regions").json()["regions"]}
    ca = client.get(f"/v1/buy/countries/{US}/regions/{regions['California']}/cities").json()["cities"]
    assert ca == [{"id": LOS_ANGELES, "name": "LOS ANGELES, CA", "area_code": 213}]
    ny = client.get(f"/v1/buy/countries/{US}/regions/{regions['New York']}/cities").json()["cities"]
    assert [c["name"] for c in ny] == ["NEW YORK, NY"]
    ar = client.get(f"/v1/buy/countries/{AR}/cities").json()["cities"]
    assert ar == [{"id": BUENOS_AIRES, "name": "Buenos Aires", "area_code": 113}]
    assert client.get(f"/v1/buy/countries/{GB}/cities").json()["cities"][0]["id"] == LONDON
    assert client.get(f"/v1/buy/countries/{US}/cities").status_code == 400  # use the region's cities
    assert client.get(f"/v1/buy/countries/{AR}/regions/17/cities").status_code == 404
    texting = client.get(
        f"/v1/buy/countries/{US}/regions/{regions['Texas']}/cities", params={"text_enabled_only": "true"}
    ).json()["cities"]
    assert texting == []  # Austin's stock has no SMS


def test_stock_is_valid_and_varied(emu: WavixEmulator, client: httpx.Client) -> None:
    snapshot = emu.snapshot()
    for city in snapshot["cities"]:
        in_city = [o for o in snapshot["stock"] if o["city"] == city["name"]]
        assert 5 <= len(in_city) <= 30, city
    for offer in snapshot["stock"]:
        assert offer["number"].isdigit()
        assert phonenumbers.is_valid_number(phonenumbers.parse("+" + offer["number"]))
        assert isinstance(offer["channels"], str)
        Decimal(offer["activation_fee"]), Decimal(offer["monthly_fee"])
    la = [o for o in snapshot["stock"] if o["city"] == "LOS ANGELES, CA"]
    assert {o["number"][1:4] for o in la} == {"213", "310"}
    assert {o["sms_enabled"] for o in la} == {True, False}
    assert any(o["require_docs"] for o in snapshot["stock"] if o["country_short_name"] == "DE")
    assert {o["activation_fee"] for o in snapshot["stock"]} >= {"0.99", "15.0", "1.5"}


def test_search_paginates(client: httpx.Client) -> None:
    first = client.get(f"/v1/buy/countries/{US}/cities/{LOS_ANGELES}/dids", params={"per_page": 7}).json()
    total = first["pagination"]["total"]
    assert first["pagination"] == {
        "current_page": 1,
        "per_page": 7,
        "total": total,
        "total_pages": (total + 6) // 7,
    }
    seen = [d["number"] for d in first["dids"]]
    for page in range(2, first["pagination"]["total_pages"] + 1):
        seen += [d["number"] for d in dids(client, US, LOS_ANGELES, per_page=7, page=page)]
    assert len(seen) == len(set(seen)) == total == 20
    assert dids(client, US, LOS_ANGELES, page=99) == []
    texting = dids(client, US, LOS_ANGELES, text_enabled_only="true")
    assert texting
    assert all(d["sms_enabled"] for d in texting)
    assert len(texting) < total
    capped = client.get(f"/v1/buy/countries/{US}/cities/{LOS_ANGELES}/dids", params={"per_page": 500}).json()
    assert capped["pagination"]["per_page"] == 100
    bad = client.get(f"/v1/buy/countries/{US}/cities/{LOS_ANGELES}/dids", params={"page": 0})
    assert bad.status_code == 400
    assert bad.json() == {"success": False, "message": "Missing or invalid parameter page"}
    assert client.get(f"/v1/buy/countries/{AR}/cities/{LOS_ANGELES}/dids").status_code == 404


# -- cart and checkout -----------------------------------------------------------------------------


def test_cart_checkout_buys_the_number(emu: WavixEmulator, client: httpx.Client) -> None:
    offer = dids(client, US, NEW_YORK)[0]
    number = offer["number"]
    added = client.put("/v1/buy/cart", json={"ids": [number]})
    assert [d["number"] for d in added.json()] == [number]
    cart = client.get("/v1/buy/cart").json()
    assert [d["number"] for d in cart["dids"]] == [number]
    assert [t["id"] for t in cart["doc_types"]] == [1, 2, 3]

    response = client.post("/v1/buy/cart/checkout", json={"ids": [number]})
    assert response.status_code == 201
    assert response.json() == {"success": True}

    record = owned_record(client, number)
    assert record["status"] == "active"
    assert record["city"] == "NEW YORK, NY"
    assert record["destination"] == []
    assert record["added"] == "2026-05-28T20:26:40.000Z"
    assert record["paid_until"] == "2026-06-28"
    assert emu.purchased_numbers() == ["+" + number]
    assert "+" + number in emu.owned_numbers()
    cost = Decimal(offer["activation_fee"]) + Decimal(offer["monthly_fee"])
    assert emu.balance == Decimal("100.00") - cost
    assert client.get("/v1/buy/cart").json()["dids"] == []
    assert number not in [d["number"] for d in dids(client, US, NEW_YORK, per_page=100)]
    assert client.get(f"/v1/numbers/{record['id']}").json() == record


def test_cart_remove(client: httpx.Client) -> None:
    a, b = (d["number"] for d in dids(client, US, CHICAGO)[:2])
    assert len(client.put("/v1/buy/cart", json={"ids": [a, b]}).json()) == 2
    assert client.request("DELETE", "/v1/buy/cart", json={"ids": [a]}).json() == {"success": True}
    assert [d["number"] for d in client.get("/v1/buy/cart").json()["dids"]] == [b]
    assert client.request("DELETE", "/v1/buy/cart", json={"ids": [a]}).status_code == 404
    assert client.put("/v1/buy/cart", json={"numbers": [a]}).status_code == 400
    assert client.put("/v1/buy/cart", json={"ids": []}).status_code == 400
    assert client.put("/v1/buy/cart", json={"ids": ["12125550000"]}).status_code == 404


def test_checkout_needs_the_number_in_the_cart(emu: WavixEmulator, client: httpx.Client) -> None:
    number = dids(client, US, CHICAGO)[0]["number"]
    response = client.post("/v1/buy/cart/checkout", json={"ids": [number]})
    assert response.status_code == 404
    assert response.json()["success"] is False
    assert emu.purchased_numbers() == []


def test_insufficient_funds(emu: WavixEmulator, client: httpx.Client) -> None:
    number = dids(client, US, LOS_ANGELES)[0]["number"]
    emu.set_balance("0.50")
    response = buy(client, number)
    assert response.status_code == 422
    body = response.json()
    assert body["success"] is False
    assert "Insufficient funds" in body["message"]
    assert emu.purchased_numbers() == []
    assert emu.balance == Decimal("0.50")
    assert [d["number"] for d in client.get("/v1/buy/cart").json()["dids"]] == [number]
    emu.set_balance(Decimal("10"))
    assert client.post("/v1/buy/cart/checkout", json={"ids": [number]}).status_code == 201


def test_sold_number(emu: WavixEmulator, client: httpx.Client) -> None:
    first, second = (d["number"] for d in dids(client, US, LOS_ANGELES)[:2])
    client.put("/v1/buy/cart", json={"ids": [first]})
    emu.sell_out("+" + first)
    response = client.post("/v1/buy/cart/checkout", json={"ids": [first]})
    assert response.status_code == 404
    assert "no longer available" in response.json()["message"]
    emu.sell_out(second)
    gone = client.put("/v1/buy/cart", json={"ids": [second]})
    assert gone.status_code == 404
    assert "no longer available" in gone.json()["message"]
    assert emu.purchased_numbers() == []
    with pytest.raises(ValueError):
        emu.sell_out(second)


def test_sell_out_everything(emu: WavixEmulator, client: httpx.Client) -> None:
    emu.sell_out()
    assert dids(client, US, LOS_ANGELES) == []
    assert client.get("/v1/buy/countries", params={"text_enabled_only": "1"}).json()["countries"] == []
    assert emu.available_numbers() == []


def test_documents_required_number_is_inactive(emu: WavixEmulator, client: httpx.Client) -> None:
    offer = next(d for d in dids(client, DE, BERLIN) if d["require_docs"])
    assert offer["require_docs"] == [1, 3]
    assert buy(client, offer["number"]).status_code == 201
    record = owned_record(client, offer["number"])
    assert record["status"] == "inactive"
    assert record["require_docs"] == ["1", "3"]
    assert record["state"] is None
    assert record["country_short_name"] == "DE"
    listing = client.get("/v1/numbers", params={"search": offer["number"]}).json()
    assert [t["id"] for t in listing["doc_types"]] == [1, 3]
    emu.approve_documents("+" + offer["number"])
    record = owned_record(client, offer["number"])
    assert record["status"] == "active"
    assert {d["doc_type_id"] for d in record["documents"]} == {1, 3}


def test_double_purchase_is_visible(emu: WavixEmulator, client: httpx.Client) -> None:
    number = dids(client, US, NEW_YORK)[0]["number"]
    assert buy(client, number).status_code == 201
    assert client.delete("/v1/numbers", params={"dids": number}).status_code == 200
    assert buy(client, number).status_code == 201
    assert emu.purchased_numbers() == ["+" + number, "+" + number]


# -- owned numbers ---------------------------------------------------------------------------------


def test_starting_numbers(emu: WavixEmulator, client: httpx.Client) -> None:
    listing = client.get("/v1/numbers").json()
    assert listing["pagination"] == {"current_page": 1, "per_page": 25, "total": 3, "total_pages": 1}
    la, ny, chi = listing["items"]
    assert [n["city"] for n in (la, ny, chi)] == ["LOS ANGELES, CA", "NEW YORK, NY", "CHICAGO, IL"]
    assert la["destination"][0]["transport"] == 1
    assert la["destination"][0]["destination"].endswith("@sip.example.com")
    assert la["destination"][1] | {"id": 0} == {
        "id": 0,
        "destination": "32882",
        "priority": 2,
        "transport": 5,
        "trunk_id": 3107,
        "srtp": False,
        "trunk_label": "Main PBX",
    }
    assert ny["destination"][0]["transport"] == 4
    assert phonenumbers.is_valid_number(phonenumbers.parse("+" + ny["destination"][0]["destination"]))
    assert chi["status"] == "inactive"
    assert chi["require_docs"] == ["1"]
    assert chi["documents"][0]["status"] == "pending"
    assert [t["id"] for t in listing["doc_types"]] == [1]
    assert emu.owned_numbers() == ["+" + n["number"] for n in (la, ny, chi)]
    for record in (la, ny, chi):
        assert phonenumbers.is_valid_number(phonenumbers.parse("+" + record["number"]))
        assert record["paid_until"] > "2026-05-28"


def test_number_filters(client: httpx.Client) -> None:
    la, ny, chi = client.get("/v1/numbers").json()["items"]

    def numbers(**params: Any) -> list[str]:
        return [n["number"] for n in client.get("/v1/numbers", params=params).json()["items"]]

    assert numbers(search=ny["number"][3:9]) == [ny["number"]]
    assert numbers(search="+" + la["number"]) == [la["number"]]
    assert numbers(label="support line") == [la["number"]]
    assert numbers(label_present="true") == [la["number"], chi["number"]]
    assert numbers(label_present="false") == [ny["number"]]
    assert numbers(city_id=CHICAGO) == [chi["number"]]
    page2 = client.get("/v1/numbers", params={"per_page": 2, "page": 2}).json()
    assert [n["number"] for n in page2["items"]] == [chi["number"]]
    assert page2["pagination"] == {"current_page": 2, "per_page": 2, "total": 3, "total_pages": 2}


def test_patch_number(client: httpx.Client) -> None:
    ny = client.get("/v1/numbers").json()["items"][1]
    changes = {
        "sms_relay_url": "https://app.example.com/sms",
        "call_status_url": "https://app.example.com/calls",
        "call_recording_enabled": True,
        "transcription_enabled": True,
        "transcription_threshold": 30,
        "destinations": [
            {"destination": "32990", "priority": 1, "transport": 5, "trunk_id": 3215},
            {
                "destination": "sip:office@pbx.example.com:5060",
                "priority": 2,
                "transport": 1,
                "trunk_id": None,
            },
            {"destination": "+14155550123", "priority": 3, "transport": 4},
        ],
    }
    response = client.patch(f"/v1/numbers/{ny['id']}", json=changes)
    assert response.status_code == 200, response.text
    record = response.json()
    for key in ("sms_relay_url", "call_status_url", "call_recording_enabled", "transcription_threshold"):
        assert record[key] == changes[key]
    assert [
        (d["transport"], d["destination"], d["trunk_id"], d["trunk_label"]) for d in record["destination"]
    ] == [
        (5, "32990", 3215, "Backup PBX"),
        (1, "sip:office@pbx.example.com:5060", None, None),
        (4, "14155550123", None, None),
    ]
    assert client.get(f"/v1/numbers/{ny['id']}").json() == record
    cleared = client.patch(f"/v1/numbers/{ny['id']}", json={"destinations": [], "sms_relay_url": ""}).json()
    assert cleared["destination"] == []
    assert cleared["sms_relay_url"] is None
    assert client.patch(f"/v1/numbers/{ny['id']}").json() == cleared  # empty body: nothing changes


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"label": "Sales"}, "Missing or invalid parameter label"),
        ({"sms_relay_url": "ftp://x"}, "Missing or invalid parameter sms_relay_url"),
        ({"call_recording_enabled": "yes"}, "Missing or invalid parameter call_recording_enabled"),
        (
            {"destinations": [{"destination": "x@y.com", "priority": 1, "transport": 2}]},
            "Missing or invalid parameter destinations[0].transport",
        ),
        ({"destinations": [{"destination": "not a uri", "priority": 1, "transport": 1}]}, "Invalid SIP URI"),
        ({"destinations": [{"destination": "12", "priority": 1, "transport": 4}]}, "Invalid phone number"),
        (
            {"destinations": [{"destination": "32882", "priority": 1, "transport": 5}]},
            "Missing or invalid parameter destinations[0].trunk_id",
        ),
        (
            {"destinations": [{"destination": "99999", "priority": 1, "transport": 5, "trunk_id": 3107}]},
            "must be the SIP trunk login",
        ),
        (
            {"destinations": [{"destination": "x@y.com", "priority": 0, "transport": 1}]},
            "Missing or invalid parameter destinations[0].priority",
        ),
    ],
)
def test_patch_validation(client: httpx.Client, body: dict[str, Any], message: str) -> None:
    la = client.get("/v1/numbers").json()["items"][0]
    response = client.patch(f"/v1/numbers/{la['id']}", json=body)
    assert response.status_code == 400
    assert response.json()["success"] is False
    assert message in response.json()["message"]
    assert client.get(f"/v1/numbers/{la['id']}").json() == la


def test_sms_only_on_us_numbers(client: httpx.Client) -> None:
    offer = dids(client, GB, LONDON)[0]
    buy(client, offer["number"])
    record = owned_record(client, offer["number"])
    response = client.patch(f"/v1/numbers/{record['id']}", json={"sms_enabled": True})
    assert response.status_code == 400
    assert response.json()["message"] == "Inbound SMS can only be activated on US and CA phone numbers"


def test_bulk_patch(client: httpx.Client) -> None:
    la, ny, chi = client.get("/v1/numbers").json()["items"]
    body = {
        "ids": [la["id"], ny["id"]],
        "sms_relay_url": "https://bulk.example.com/sms",
        "destinations": [{"destination": "32882", "priority": 1, "transport": 5, "trunk_id": 3107}],
    }
    response = client.patch("/v1/numbers", json=body)
    assert response.status_code == 200
    items = response.json()["items"]
    assert [n["id"] for n in items] == [la["id"], ny["id"]]
    assert all(n["sms_relay_url"] == "https://bulk.example.com/sms" for n in items)
    assert all([d["destination"] for d in n["destination"]] == ["32882"] for n in items)
    missing = client.patch("/v1/numbers", json={"ids": [chi["id"], 1], "call_recording_enabled": True})
    assert missing.status_code == 404
    assert client.get(f"/v1/numbers/{chi['id']}").json()["call_recording_enabled"] is False
    assert client.patch("/v1/numbers", json={"call_recording_enabled": True}).status_code == 400


def test_release(emu: WavixEmulator, client: httpx.Client) -> None:
    la, ny, chi = client.get("/v1/numbers").json()["items"]
    response = client.delete("/v1/numbers", params={"dids": f"{la['number']},+{ny['number']}"})
    assert response.status_code == 200
    assert response.json() == {"success": True}
    assert emu.owned_numbers() == ["+" + chi["number"]]
    assert client.get(f"/v1/numbers/{la['id']}").status_code == 404
    assert "+" + la["number"] in emu.available_numbers(LOS_ANGELES)  # back to stock
    assert client.delete("/v1/numbers", params={"ids": [chi["id"]]}).status_code == 200
    assert emu.owned_numbers() == []
    assert client.get("/v1/numbers").json()["items"] == []


def test_release_errors(emu: WavixEmulator, client: httpx.Client) -> None:
    la = client.get("/v1/numbers").json()["items"][0]
    both = client.delete("/v1/numbers", params={"ids": la["id"], "dids": la["number"]})
    assert both.status_code == 422
    assert client.delete("/v1/numbers").status_code == 422
    assert client.delete("/v1/numbers", params={"ids": [la["id"], 5]}).status_code == 404
    assert client.delete("/v1/numbers", params={"dids": "12125550000"}).status_code == 404
    assert len(emu.owned_numbers()) == 3


# -- SIP trunks ------------------------------------------------------------------------------------


def test_trunks(client: httpx.Client) -> None:
    listing = client.get("/v1/trunks").json()
    assert [(t["id"], t["name"], t["label"]) for t in listing["sip_trunks"]] == [
        (3107, "32882", "Main PBX"),
        (3215, "32990", "Backup PBX"),
    ]
    assert listing["pagination"]["total"] == 2
    trunk = client.get("/v1/trunks/3215").json()
    assert trunk["name"] == "32990"
    assert trunk["allowed_ips"] == [{"id": 6712, "ip": "203.0.113.10"}]
    assert client.get("/v1/trunks/3").status_code == 404


# -- faults, determinism, reset --------------------------------------------------------------------


def test_status_fault_for_next_calls(emu: WavixEmulator, client: httpx.Client) -> None:
    emu.faults.inject("GET /v1/numbers", status=503, times=2)
    for _ in range(2):
        response = client.get("/v1/numbers")
        assert response.status_code == 503
        assert response.json()["success"] is False
    assert client.get("/v1/numbers").status_code == 200
    emu.faults.inject("*", status=429)
    limited = client.get("/v1/trunks")
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "1"


def test_commit_then_drop_on_checkout(emu: WavixEmulator, client: httpx.Client) -> None:
    number = dids(client, US, LOS_ANGELES)[0]["number"]
    client.put("/v1/buy/cart", json={"ids": [number]})
    emu.faults.inject("POST /v1/buy/cart/checkout", commit_then_drop=True)
    with pytest.raises(httpx.TransportError):
        client.post("/v1/buy/cart/checkout", json={"ids": [number]})
    assert emu.purchased_numbers() == ["+" + number]
    assert owned_record(client, number)["number"] == number  # the reconciliation lookup finds it
    emu.faults.inject("POST /v1/buy/cart/checkout", drop=True)
    with pytest.raises(httpx.TransportError):
        client.post("/v1/buy/cart/checkout", json={"ids": [number]})
    assert emu.purchased_numbers() == ["+" + number]


async def test_async_client(emu: WavixEmulator) -> None:
    async with httpx.AsyncClient(
        transport=emu.transport(), base_url=BASE, headers={"Authorization": "Bearer k"}
    ) as client:
        response = await client.get("/v1/numbers")
    assert response.status_code == 200
    assert len(response.json()["items"]) == 3


def test_same_seed_same_world() -> None:
    one = WavixEmulator(seed=7, clock=lambda: NOW).snapshot()
    two = WavixEmulator(seed=7, clock=lambda: NOW).snapshot()
    other = WavixEmulator(seed=8, clock=lambda: NOW).snapshot()
    assert one == two
    assert json.loads(json.dumps(one)) == one
    assert one["stock"] != other["stock"]
    assert [c["id"] for c in one["cities"]] == [c["id"] for c in other["cities"]]
    later = WavixEmulator(seed=7, clock=lambda: NOW + 86_400 * 30).snapshot()
    assert later["stock"] == one["stock"]  # the clock moves dates, never the stock


def test_reset_restores_the_world(emu: WavixEmulator, client: httpx.Client) -> None:
    fresh = emu.snapshot()
    buy(client, dids(client, US, CHICAGO)[0]["number"])
    client.delete("/v1/numbers", params={"ids": client.get("/v1/numbers").json()["items"][0]["id"]})
    emu.set_balance("3")
    emu.sell_out()
    emu.faults.inject("*", status=500, times=None)
    emu.reset()
    assert emu.snapshot() == fresh
    assert emu.purchased_numbers() == []
    assert emu.balance == Decimal("100.00")
    assert client.get("/v1/numbers").status_code == 200


def test_custom_balance() -> None:
    assert WavixEmulator(balance="5.25").balance == Decimal("5.25")
    with pytest.raises(ValueError):
        WavixEmulator(balance="lots")
