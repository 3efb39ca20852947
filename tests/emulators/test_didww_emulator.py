"""The DIDWW emulator, endpoint by endpoint, with every response validated against DIDWW's OpenAPI spec
(version 2026-04-16) and request bodies taken from DIDWW's own Go SDK fixtures."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import phonenumbers
import pytest
import yaml
from didkit_didww.emulator import DidwwEmulator
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from didkit.sandbox import EmulatorRequest, EmulatorResponse, add_recorder, remove_recorder

VENDOR = Path(__file__).resolve().parents[1] / "vendor" / "didww"  # tests/vendor/SOURCES.md
SPEC_PATH = VENDOR / "openapi-2026-04-16.yaml"
FIXTURES = VENDOR / "go-sdk-fixtures"
SPEC_URI = "urn:didww:openapi-2026-04-16"
MEDIA = "application/vnd.api+json"
BASE = "https://api.didww.com/v3"
START = 1_781_000_000.0  # 2026-06-09, a fixed emulator clock


# -- spec validation --------------------------------------------------------------------------


def _jsonschema(node: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema: ``nullable: true`` becomes ``anyOf [..., null]``."""
    if isinstance(node, dict):
        out = {key: _jsonschema(value) for key, value in node.items()}
        if out.pop("nullable", False) is True:
            return {"anyOf": [out, {"type": "null"}]}
        return out
    if isinstance(node, list):
        return [_jsonschema(value) for value in node]
    return node


_formats = FormatChecker()


def _is_datetime(value: object) -> bool:
    if isinstance(value, str):
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc)


_formats.checks("date-time", raises=ValueError)(_is_datetime)
_formats.checks("uri")(_is_uri)


class Spec:
    """DIDWW's OpenAPI document, able to validate a response of any documented operation."""

    def __init__(self, path: Path) -> None:
        self.document = _jsonschema(yaml.load(path.read_text(), Loader=yaml.CSafeLoader))
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        self._validators: dict[str, Draft202012Validator] = {}

    def validator(self, pointer: str) -> Draft202012Validator:
        if pointer not in self._validators:
            self._validators[pointer] = Draft202012Validator(
                {"$ref": f"{SPEC_URI}#{pointer}"}, registry=self.registry, format_checker=_formats
            )
        return self._validators[pointer]

    def response_schema(self, route_key: str | None, status: int) -> str | None:
        """JSON pointer of the documented schema, ErrorsDocument for undocumented errors."""
        if route_key is not None:
            method, template = route_key.split(" ", 1)
            operation = self.document["paths"][template][method.lower()]
            documented = operation["responses"].get(str(status))
            if documented is not None:
                content = documented.get("content", {}).get(MEDIA)
                if content is None:
                    return None
                ref: str = content["schema"]["$ref"]
                return ref.removeprefix("#")
        if status >= 400:
            return "/components/schemas/ErrorsDocument"
        raise AssertionError(f"{route_key} answered an undocumented {status}")

    def problems(self, route_key: str | None, status: int, headers: dict[str, str], body: bytes) -> list[str]:
        pointer = self.response_schema(route_key, status)
        where = f"{route_key} -> {status}"
        if pointer is None:
            return [] if not body else [f"{where}: a body where the spec documents none"]
        if headers.get("content-type") != MEDIA:
            return [f"{where}: content-type {headers.get('content-type')!r}"]
        document = json.loads(body)
        return [
            f"{where}: {'/'.join(map(str, e.absolute_path))}: {e.message[:300]}"
            for e in self.validator(pointer).iter_errors(document)
        ]


@pytest.fixture(scope="session")
def spec() -> Spec:
    if not SPEC_PATH.is_file():
        pytest.fail(f"DIDWW OpenAPI spec not found at {SPEC_PATH}: the emulator cannot be checked")
    return Spec(SPEC_PATH)


@pytest.fixture(autouse=True)
def spec_conformance(spec: Spec) -> Iterator[list[str]]:
    """Validate every response the DIDWW emulator answers during a test against the spec."""
    problems: list[str] = []

    def record(emulator: Any, request: EmulatorRequest, route_key: str | None, response: EmulatorResponse) -> None:
        if isinstance(emulator, DidwwEmulator):
            problems.extend(spec.problems(route_key, response.status, response.headers, response.body))

    add_recorder(record)
    yield problems
    remove_recorder(record)
    assert problems == []


# -- helpers ------------------------------------------------------------------------------------


class Clock:
    def __init__(self, start: float = START) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def make(**kwargs: Any) -> DidwwEmulator:
    kwargs.setdefault("clock", Clock())
    kwargs.setdefault("rate_limit", None)
    return DidwwEmulator(**kwargs)


def client(emu: DidwwEmulator, key: str | None = "test-key") -> httpx.Client:
    headers = {"Accept": MEDIA, "X-DIDWW-API-Version": "2026-04-16"}
    if key is not None:
        headers["Api-Key"] = key
    return httpx.Client(transport=emu.transport(), base_url=BASE, headers=headers)


def send(c: httpx.Client, method: str, path: str, body: Any) -> httpx.Response:
    return c.request(method, path, content=json.dumps(body), headers={"Content-Type": MEDIA})


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def order_body(*items: dict[str, Any], **attributes: Any) -> dict[str, Any]:
    return {"data": {"type": "orders", "attributes": {
        "items": [{"type": "did_order_items", "attributes": item} for item in items], **attributes}}}


def sku_of(emu: DidwwEmulator, key: str, index: int = 0) -> str:
    return emu.world.groups[emu.group_id(key)].sku_ids[index]


def stock(c: httpx.Client, emu: DidwwEmulator, key: str) -> list[dict[str, Any]]:
    r = c.get("/available_dids", params={"filter[did_group.id]": emu.group_id(key)})
    assert r.status_code == 200
    data: list[dict[str, Any]] = r.json()["data"]
    return data


def poll_until_done(c: httpx.Client, order_id: str, limit: int = 10) -> dict[str, Any]:
    for _ in range(limit):
        order: dict[str, Any] = c.get(f"/orders/{order_id}").json()["data"]
        if order["attributes"]["status"] != "pending":
            return order
    raise AssertionError("order never left pending")


def included(doc: dict[str, Any], type_: str) -> list[dict[str, Any]]:
    return [r for r in doc.get("included", []) if r["type"] == type_]


@pytest.fixture
def emu() -> DidwwEmulator:
    return make(seed=7)


@pytest.fixture
def api(emu: DidwwEmulator) -> Iterator[httpx.Client]:
    with client(emu) as c:
        yield c


# -- starting world -----------------------------------------------------------------------------


def test_starting_world(emu: DidwwEmulator, api: httpx.Client) -> None:
    r = api.get("/dids", params={"include": "voice_in_trunk,did_group"})
    assert r.status_code == 200
    doc = r.json()
    assert doc["meta"] == {"api_version": "2026-04-16", "total_records": 3}
    dids = {d["attributes"]["number"][:4]: d for d in doc["data"]}
    assert set(dids) == {"1213", "1212", "4930"}
    trunks = {t["id"]: t for t in included(doc, "voice_in_trunks")}
    la = dids["1213"]
    assert trunks[la["relationships"]["voice_in_trunk"]["data"]["id"]]["attributes"]["configuration"]["type"] \
        == "sip_configurations"
    ny = dids["1212"]
    assert trunks[ny["relationships"]["voice_in_trunk"]["data"]["id"]]["attributes"]["configuration"]["type"] \
        == "pstn_configurations"
    berlin = dids["4930"]["attributes"]
    assert berlin["awaiting_registration"] is True
    assert berlin["blocked"] is True
    assert dids["4930"]["relationships"]["voice_in_trunk"]["data"] is None
    for did in doc["data"]:
        assert did["attributes"]["description"]
        assert did["attributes"]["expires_at"] > did["attributes"]["created_at"]
        assert phonenumbers.is_valid_number(phonenumbers.parse("+" + did["attributes"]["number"]))
    assert sorted(emu.owned_numbers()) == sorted("+" + d["attributes"]["number"] for d in doc["data"])
    assert emu.purchased_numbers() == []

    trunk_list = api.get("/voice_in_trunks").json()
    assert trunk_list["meta"]["total_records"] >= 2
    groups = api.get("/voice_in_trunk_groups", params={"include": "voice_in_trunks"}).json()
    assert groups["data"][0]["meta"]["trunks_count"] == 1
    balance = api.get("/balance").json()["data"]
    assert balance["type"] == "balances"
    assert balance["attributes"] == {"balance": "100.00", "credit": "0.00", "total_balance": "100.00"}


# -- coverage -----------------------------------------------------------------------------------


def test_countries_regions_cities(api: httpx.Client) -> None:
    countries = api.get("/countries").json()
    assert "links" not in countries  # not paginated
    by_iso = {c["attributes"]["iso"]: c for c in countries["data"]}
    assert set(by_iso) == {"US", "GB", "DE", "AR"}
    assert by_iso["US"]["attributes"] == {"name": "United States", "prefix": "1", "iso": "US"}
    us = by_iso["US"]["id"]

    shown = api.get(f"/countries/{us}", params={"include": "regions"}).json()
    names = {r["attributes"]["name"] for r in included(shown, "regions")}
    assert names == {"California", "New York", "Illinois", "Florida", "Washington", "Texas"}
    assert len(shown["data"]["relationships"]["regions"]["data"]) == 6

    regions = api.get("/regions", params={"filter[country.id]": us, "sort": "name"}).json()
    assert [r["attributes"]["iso"] for r in regions["data"]] == ["CA", "FL", "IL", "NY", "TX", "WA"]
    california = regions["data"][0]["id"]
    region = api.get(f"/regions/{california}", params={"include": "country"}).json()
    assert included(region, "countries")[0]["id"] == us

    cities = api.get("/cities", params={"filter[region.id]": california, "include": "region,country,area"}).json()
    assert [c["attributes"]["name"] for c in cities["data"]] == ["Los Angeles"]
    assert cities["meta"]["total_records"] == 1
    assert set(cities["links"]) == {"first", "last"}
    la = cities["data"][0]
    assert la["relationships"]["region"]["data"]["id"] == california
    assert la["relationships"]["area"]["data"] is None
    by_name = api.get("/cities", params={"filter[name]": "Berlin"}).json()["data"]
    assert len(by_name) == 1
    assert api.get(f"/cities/{la['id']}").json()["data"]["attributes"]["name"] == "Los Angeles"

    types = api.get("/did_group_types").json()
    assert {t["attributes"]["name"] for t in types["data"]} >= {"Local", "Mobile", "Toll-free", "National"}
    one = types["data"][0]
    assert api.get(f"/did_group_types/{one['id']}").json()["data"] == one


# -- DID groups ---------------------------------------------------------------------------------


def test_did_groups_include_and_pagination(emu: DidwwEmulator, api: httpx.Client) -> None:
    r = api.get("/did_groups", params={"include": "stock_keeping_units,did_group_type,country,region,city",
                                       "page[size]": 5})
    doc = r.json()
    total = doc["meta"]["total_records"]
    assert total == len(emu.world.groups) >= 12
    assert len(doc["data"]) == 5
    assert set(doc["links"]) == {"first", "next", "last"}
    assert "page%5Bnumber%5D=3" in doc["links"]["last"]
    skus = {s["id"]: s["attributes"] for s in included(doc, "stock_keeping_units")}
    for group in doc["data"]:
        rel = group["relationships"]["stock_keeping_units"]["data"]
        assert 1 <= len(rel) <= 2
        for ref in rel:
            price = Decimal(skus[ref["id"]]["monthly_price"])
            assert Decimal("0.60") <= price <= Decimal("1.50")
            assert Decimal(skus[ref["id"]]["setup_price"]) <= Decimal("1.00")
        assert group["meta"]["available_dids_enabled"] in (True, False)
    assert {t["attributes"]["name"] for t in included(doc, "did_group_types")} <= {"Local", "Toll-free"}

    # follow links to the end
    seen = [g["id"] for g in doc["data"]]
    next_url = doc["links"].get("next")
    while next_url:
        page = api.get(next_url).json()
        assert "prev" in page["links"]
        seen += [g["id"] for g in page["data"]]
        next_url = page["links"].get("next")
    assert len(seen) == len(set(seen)) == total

    countries = {c["attributes"]["iso"]: c["id"] for c in api.get("/countries").json()["data"]}
    la_city = api.get("/cities", params={"filter[name]": "Los Angeles"}).json()["data"][0]["id"]
    la = api.get("/did_groups", params={"filter[country.id]": countries["US"], "filter[city.id]": la_city}).json()
    assert sorted(g["attributes"]["prefix"] for g in la["data"]) == ["1213", "1310"]

    berlin = api.get("/did_groups", params={"filter[prefix]": "4930"}).json()["data"][0]
    assert berlin["meta"]["needs_registration"] is True
    assert berlin["attributes"]["service_restrictions"]
    sms = api.get("/did_groups", params={"filter[features]": "sms_in", "page[size]": 100}).json()
    assert all("sms_in" in g["attributes"]["features"] for g in sms["data"])
    assert 0 < len(sms["data"]) < total
    toll_free = api.get("/did_groups", params={"filter[country.id]": countries["US"],
                                               "filter[is_metered]": "true"}).json()["data"]
    assert [g["attributes"]["prefix"] for g in toll_free] == ["1800"]
    assert toll_free[0]["relationships"]["city"]["links"]["related"].startswith(BASE)

    shown = api.get(f"/did_groups/{berlin['id']}", params={"include": "stock_keeping_units"}).json()
    assert shown["data"]["id"] == berlin["id"]
    assert len(included(shown, "stock_keeping_units")) == 1

    bad = api.get("/did_groups", params={"filter[features]": "teleport"})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["code"] == "107"


# -- available DIDs and reservations --------------------------------------------------------------


def test_available_dids(emu: DidwwEmulator, api: httpx.Client) -> None:
    group = emu.group_id("la_213")
    r = api.get("/available_dids", params={"filter[did_group.id]": group,
                                           "include": "did_group.stock_keeping_units"})
    doc = r.json()
    assert doc["meta"]["total_count"] == len(doc["data"]) == 6
    for available in doc["data"]:
        number = available["attributes"]["number"]
        assert number.startswith("1213")
        assert phonenumbers.is_valid_number(phonenumbers.parse("+" + number))
        assert available["relationships"]["did_group"]["data"] == {"type": "did_groups", "id": group}
    [included_group] = included(doc, "did_groups")
    assert len(included_group["relationships"]["stock_keeping_units"]["data"]) == 2
    assert len(included(doc, "stock_keeping_units")) == 2

    first = doc["data"][0]
    digits = first["attributes"]["number"][4:9]
    found = api.get("/available_dids", params={"filter[number_contains]": digits}).json()["data"]
    assert first["id"] in [a["id"] for a in found]
    assert api.get(f"/available_dids/{first['id']}").json()["data"]["attributes"] == first["attributes"]

    # groups that do not allow picking numbers are not listed
    mobile = emu.group_id("gb_mob_74")
    assert api.get("/available_dids", params={"filter[did_group.id]": mobile}).json()["data"] == []
    too_short = api.get("/available_dids", params={"filter[number_contains]": "12"})
    assert too_short.status_code == 400
    assert api.get("/available_dids", params={"page[size]": "2"}).status_code == 200  # not paginated


def test_reservations(emu: DidwwEmulator, api: httpx.Client) -> None:
    clock = emu.clock
    assert isinstance(clock, Clock)
    target = stock(api, emu, "ny_212")[0]
    body = fixture("did_reservations/create_request.json")
    body["data"]["relationships"]["available_did"]["data"]["id"] = target["id"]
    r = send(api, "POST", "/did_reservations", body)
    assert r.status_code == 201
    reservation = r.json()["data"]
    assert reservation["attributes"]["description"] == "DIDWW"
    assert target["id"] not in [a["id"] for a in stock(api, emu, "ny_212")]
    again = send(api, "POST", "/did_reservations", body)
    assert again.status_code == 422

    listing = api.get("/did_reservations", params={"include": "available_did"}).json()
    assert listing["meta"]["available_count"] == 9
    assert included(listing, "available_dids")[0]["id"] == target["id"]
    shown = api.get(f"/did_reservations/{reservation['id']}").json()
    assert shown["meta"]["available_count"] == 9

    assert api.delete(f"/did_reservations/{reservation['id']}").status_code == 204
    assert api.delete(f"/did_reservations/{reservation['id']}").status_code == 404
    assert target["id"] in [a["id"] for a in stock(api, emu, "ny_212")]

    # a hold lapses by itself
    r = send(api, "POST", "/did_reservations", body)
    held = r.json()["data"]["id"]
    clock.now += 11 * 60
    assert api.get(f"/did_reservations/{held}").status_code == 404
    assert target["id"] in [a["id"] for a in stock(api, emu, "ny_212")]

    # buy through a reservation
    held = send(api, "POST", "/did_reservations", body).json()["data"]["id"]
    r = send(api, "POST", "/orders", order_body({"sku_id": sku_of(emu, "ny_212"), "did_reservation_id": held}))
    assert r.status_code == 201
    assert emu.purchased_numbers() == ["+" + target["attributes"]["number"]]
    assert api.get("/did_reservations").json()["data"] == []


# -- orders ---------------------------------------------------------------------------------------


def test_order_available_did_pending_then_completed(api: httpx.Client) -> None:
    emu = make(seed=3, order_pending_polls=2)
    with client(emu) as c:
        target = stock(c, emu, "la_213")[0]
        body = fixture("orders/create_request_available_did.json")
        body["data"]["attributes"]["items"][0]["attributes"].update(
            sku_id=sku_of(emu, "la_213"), available_did_id=target["id"])
        body["data"]["attributes"]["external_reference_id"] = "proc-1"
        r = send(c, "POST", "/orders", body)
        assert r.status_code == 201
        order = r.json()["data"]
        assert order["attributes"]["status"] == "pending"
        assert order["attributes"]["amount"] == "0.9"
        item = order["attributes"]["items"][0]["attributes"]
        assert (item["qty"], item["nrc"], item["mrc"], item["did_group_id"]) == (1, "0.0", "0.9",
                                                                                 emu.group_id("la_213"))
        assert item["billed_from"] is None
        assert emu.purchased_numbers() == ["+" + target["attributes"]["number"]]
        assert c.get("/balance").json()["data"]["attributes"]["balance"] == "99.10"
        assert c.get("/dids", params={"filter[order.id]": order["id"]}).json()["data"] == []

        statuses = [c.get(f"/orders/{order['id']}").json()["data"]["attributes"]["status"] for _ in range(3)]
        assert statuses == ["pending", "pending", "completed"]
        completed = c.get(f"/orders/{order['id']}").json()["data"]["attributes"]
        assert completed["items"][0]["attributes"]["billed_from"] is not None

        dids = c.get("/dids", params={"filter[order.id]": order["id"], "include": "order,did_group"}).json()
        [did] = dids["data"]
        assert did["attributes"]["number"] == target["attributes"]["number"]
        assert did["attributes"]["awaiting_registration"] is False
        assert did["attributes"]["channels_included_count"] == 2
        assert included(dids, "orders")[0]["id"] == order["id"]
        assert target["id"] not in [a["id"] for a in stock(c, emu, "la_213")]
        assert "+" + target["attributes"]["number"] in emu.owned_numbers()
        gone = send(c, "POST", "/orders", body)
        assert gone.status_code == 400


def test_order_qty_from_go_sdk_fixture_completes_at_once() -> None:
    emu = make(seed=4, order_pending_polls=0)
    with client(emu) as c:
        body = fixture("orders_with_callback/create_request.json")
        item = body["data"]["attributes"]["items"][0]["attributes"]
        item.update(sku_id=sku_of(emu, "chi_312"), qty=2)
        r = send(c, "POST", "/orders", body)
        assert r.status_code == 201
        order = r.json()["data"]
        assert order["attributes"]["status"] == "completed"
        assert order["attributes"]["callback_url"] == "https://example.com/callback"
        assert order["attributes"]["callback_method"] == "post"
        dids = c.get("/dids", params={"filter[order.id]": order["id"]}).json()["data"]
        assert len(dids) == 2
        assert all(d["attributes"]["number"].startswith("1312") for d in dids)
        assert sorted(emu.purchased_numbers()) == sorted("+" + d["attributes"]["number"] for d in dids)
        assert len(stock(c, emu, "chi_312")) == 4

        both = fixture("orders/create_request.json")
        both["data"]["attributes"]["items"][0]["attributes"]["sku_id"] = sku_of(emu, "sea_206", 1)
        both["data"]["attributes"]["items"][1]["attributes"]["sku_id"] = sku_of(emu, "mia_305")
        r = send(c, "POST", "/orders", both)
        assert r.status_code == 201
        # 2 x (0.30 + 1.20) + 1 x (1.00 + 1.50)
        assert r.json()["data"]["attributes"]["amount"] == "5.5"


def test_find_order_by_external_reference_id(emu: DidwwEmulator, api: httpx.Client) -> None:
    for ref in ("a-1", "b-2"):
        r = send(api, "POST", "/orders", order_body({"sku_id": sku_of(emu, "aus_512"), "qty": 1},
                                                    external_reference_id=ref))
        assert r.status_code == 201
    found = api.get("/orders", params={"filter[external_reference_id]": "b-2"}).json()
    assert found["meta"]["total_records"] == 1
    assert found["data"][0]["attributes"]["external_reference_id"] == "b-2"
    assert api.get("/orders", params={"filter[external_reference_id]": "zzz"}).json()["data"] == []
    # listing is a poll too: after two the order is completed
    api.get("/orders", params={"filter[external_reference_id]": "b-2"})
    done = api.get("/orders", params={"filter[external_reference_id]": "b-2", "filter[status]": "completed"})
    assert len(done.json()["data"]) == 1
    assert api.get("/orders", params={"filter[status]": "completed", "page[size]": 1}).json()["meta"][
        "total_records"] >= 4
    by_amount = api.get("/orders", params={"sort": "-amount"}).json()["data"]
    amounts = [Decimal(o["attributes"]["amount"]) for o in by_amount]
    assert amounts == sorted(amounts, reverse=True)


def test_insufficient_funds(emu: DidwwEmulator, api: httpx.Client) -> None:
    emu.set_balance("0.50")
    r = send(api, "POST", "/orders", order_body({"sku_id": sku_of(emu, "ny_212", 1), "qty": 1}))
    assert r.status_code == 400
    [error] = r.json()["errors"]
    assert error["title"] == "Insufficient balance"
    assert error["status"] == "400"
    assert error["meta"] == {"total_cost": "2.4"}
    assert emu.purchased_numbers() == []
    assert api.get("/balance").json()["data"]["attributes"]["balance"] == "0.50"
    assert api.get("/orders").json()["meta"]["total_records"] == 3


def test_out_of_stock_and_back_ordering(emu: DidwwEmulator, api: httpx.Client) -> None:
    sku = sku_of(emu, "mia_305")
    r = send(api, "POST", "/orders", order_body({"sku_id": sku, "qty": 7}))
    assert r.status_code == 400
    assert r.json()["errors"][0]["title"] == "Insufficient stock"

    number = stock(api, emu, "mia_305")[0]
    emu.sell_out("+" + number["attributes"]["number"])
    assert len(stock(api, emu, "mia_305")) == 5
    r = send(api, "POST", "/orders", order_body({"sku_id": sku, "available_did_id": number["id"]}))
    assert r.status_code == 400

    emu.sell_out()
    group = api.get(f"/did_groups/{emu.group_id('mia_305')}").json()["data"]
    assert group["meta"]["is_available"] is False
    assert group["meta"]["total_count"] == 0
    assert send(api, "POST", "/orders", order_body({"sku_id": sku, "qty": 1})).status_code == 400
    r = send(api, "POST", "/orders", order_body({"sku_id": sku, "qty": 1}, allow_back_ordering=True))
    assert r.status_code == 201
    for _ in range(3):
        assert api.get(f"/orders/{r.json()['data']['id']}").json()["data"]["attributes"]["status"] == "pending"
    assert emu.purchased_numbers() == []


def test_order_request_errors(emu: DidwwEmulator, api: httpx.Client) -> None:
    sku = sku_of(emu, "la_310")
    two_ways = send(api, "POST", "/orders", order_body({"sku_id": sku, "qty": 1, "available_did_id": sku}))
    assert two_ways.status_code == 400
    unknown = send(api, "POST", "/orders", order_body({"sku_id": "00000000-0000-4000-8000-000000000000", "qty": 1}))
    assert unknown.status_code == 400
    missing = send(api, "POST", "/orders", {"data": {"type": "orders", "attributes": {}}})
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["code"] == "106"
    wrong_type = send(api, "POST", "/orders", {"data": {"type": "dids", "attributes": {}}})
    assert wrong_type.json()["errors"][0]["code"] == "116"
    plain_json = api.post("/orders", json=order_body({"sku_id": sku, "qty": 1}))
    assert plain_json.status_code == 415
    not_json = api.post("/orders", content=b"{", headers={"Content-Type": MEDIA})
    assert not_json.status_code == 400
    assert emu.purchased_numbers() == []


def test_needs_registration(emu: DidwwEmulator, api: httpx.Client) -> None:
    target = stock(api, emu, "ber_30")[0]
    r = send(api, "POST", "/orders", order_body({"sku_id": sku_of(emu, "ber_30"), "available_did_id": target["id"]}))
    assert r.status_code == 201
    poll_until_done(api, r.json()["data"]["id"])
    [did] = api.get("/dids", params={"filter[number]": target["attributes"]["number"]}).json()["data"]
    assert did["attributes"]["awaiting_registration"] is True
    assert did["attributes"]["blocked"] is True
    assert api.get("/dids", params={"filter[awaiting_registration]": "true"}).json()["meta"]["total_records"] == 2


# -- DIDs -----------------------------------------------------------------------------------------


def _did(api: httpx.Client, prefix: str) -> dict[str, Any]:
    return next(d for d in api.get("/dids").json()["data"] if d["attributes"]["number"].startswith(prefix))


def test_patch_did_attributes(emu: DidwwEmulator, api: httpx.Client) -> None:
    did = _did(api, "1213")
    path = f"/dids/{did['id']}"
    body = fixture("dids/update_from_loaded_request.json")
    body["data"]["id"] = did["id"]
    r = send(api, "PATCH", path, body)
    assert r.status_code == 200
    assert r.json()["data"]["attributes"]["description"] == "patched from loaded resource"
    body = fixture("dids/update_clear_description_request.json")
    body["data"]["id"] = did["id"]
    assert send(api, "PATCH", path, body).json()["data"]["attributes"]["description"] is None
    body = fixture("dids/update_built_single_attr_request.json")
    body["data"]["id"] = did["id"]
    assert send(api, "PATCH", path, body).json()["data"]["attributes"]["capacity_limit"] == 10

    stop = {"data": {"id": did["id"], "type": "dids", "attributes": {"billing_cycles_count": 0}}}
    assert send(api, "PATCH", path, stop).json()["data"]["attributes"]["billing_cycles_count"] == 0
    assert api.get("/dids", params={"filter[pending_removal]": "true"}).json()["meta"]["total_records"] == 1
    renew = {"data": {"id": did["id"], "type": "dids", "attributes": {"billing_cycles_count": None}}}
    assert send(api, "PATCH", path, renew).json()["data"]["attributes"]["billing_cycles_count"] is None

    number = "+" + did["attributes"]["number"]
    body = fixture("dids/update_terminated_request.json")
    body["data"]["id"] = did["id"]
    attributes = send(api, "PATCH", path, body).json()["data"]["attributes"]
    assert attributes["terminated"] is True
    assert attributes["billing_cycles_count"] == 0
    assert number not in emu.owned_numbers()
    assert api.get("/dids", params={"filter[terminated]": "true"}).json()["meta"]["total_records"] == 1

    not_allowed = send(api, "PATCH", path, {"data": {"id": did["id"], "type": "dids",
                                                     "attributes": {"number": "1"}}})
    assert not_allowed.status_code == 400
    assert not_allowed.json()["errors"][0] == {"title": "Param not allowed", "detail": "number is not allowed.",
                                               "code": "105", "status": "400"}
    other = _did(api, "1212")["id"]
    assert send(api, "PATCH", path, {"data": {"id": other, "type": "dids"}}).status_code == 400
    negative = send(api, "PATCH", path, {"data": {"id": did["id"], "type": "dids",
                                                  "attributes": {"capacity_limit": -1}}})
    assert negative.status_code == 422
    assert negative.json()["errors"][0]["source"] == {"pointer": "/data/attributes/capacity_limit"}
    assert api.delete(path).status_code == 405


def test_did_routing_trunk_xor_trunk_group(emu: DidwwEmulator, api: httpx.Client) -> None:
    did = _did(api, "1213")
    path = f"/dids/{did['id']}"
    group_id = next(iter(emu.world.trunk_groups))
    trunk_id = next(iter(emu.world.trunks))

    body = fixture("dids/update_assign_trunk_group_request.json")
    body["data"]["id"] = did["id"]
    body["data"]["relationships"]["voice_in_trunk_group"]["data"]["id"] = group_id
    r = send(api, "PATCH", f"{path}?include=voice_in_trunk,voice_in_trunk_group", body)
    rels = r.json()["data"]["relationships"]
    assert rels["voice_in_trunk"]["data"] is None
    assert rels["voice_in_trunk_group"]["data"]["id"] == group_id
    routed = api.get("/dids", params={"filter[voice_in_trunk_group.id]": group_id}).json()["data"]
    assert [d["id"] for d in routed] == [did["id"]]

    # setting only the trunk clears the group
    only_trunk = {"data": {"id": did["id"], "type": "dids", "relationships": {
        "voice_in_trunk": {"data": {"type": "voice_in_trunks", "id": trunk_id}}}}}
    rels = send(api, "PATCH", f"{path}?include=voice_in_trunk,voice_in_trunk_group", only_trunk).json()[
        "data"]["relationships"]
    assert rels["voice_in_trunk"]["data"]["id"] == trunk_id
    assert rels["voice_in_trunk_group"]["data"] is None

    both = {"data": {"id": did["id"], "type": "dids", "relationships": {
        "voice_in_trunk": {"data": {"type": "voice_in_trunks", "id": trunk_id}},
        "voice_in_trunk_group": {"data": {"type": "voice_in_trunk_groups", "id": group_id}}}}}
    assert send(api, "PATCH", path, both).status_code == 422
    body = fixture("dids/update_assign_trunk_request.json")
    body["data"]["id"] = did["id"]
    r = send(api, "PATCH", path, body)  # a trunk id that does not exist
    assert r.status_code == 422
    assert r.json()["errors"][0]["detail"] == "voice_in_trunk - is invalid"

    unroute = {"data": {"id": did["id"], "type": "dids", "relationships": {"voice_in_trunk": {"data": None}}}}
    send(api, "PATCH", path, unroute)
    assert emu.world.dids[did["id"]].trunk_id is None


def test_dids_filters_sort_and_pagination(emu: DidwwEmulator, api: httpx.Client) -> None:
    send(api, "POST", "/orders", order_body({"sku_id": sku_of(emu, "sea_206"), "qty": 3}))
    order_id = api.get("/orders", params={"sort": "-created_at"}).json()["data"][0]["id"]
    poll_until_done(api, order_id)
    doc = api.get("/dids", params={"page[size]": 2, "page[number]": 2, "sort": "-number"}).json()
    assert doc["meta"]["total_records"] == 6
    assert set(doc["links"]) == {"first", "prev", "next", "last"}
    everything = api.get("/dids", params={"sort": "-number"}).json()["data"]
    numbers = [d["attributes"]["number"] for d in everything]
    assert numbers == sorted(numbers, reverse=True)
    assert doc["data"] == everything[2:4]
    seattle = api.get("/dids", params={"filter[did_group.id]": emu.group_id("sea_206")}).json()["data"]
    assert len(seattle) == 3
    one = seattle[0]["attributes"]["number"]
    assert [d["attributes"]["number"] for d in api.get("/dids", params={"filter[number]": one}).json()["data"]] \
        == [one]
    assert api.get("/dids", params={"filter[description]": "main"}).json()["meta"]["total_records"] == 1
    assert api.get("/dids", params={"page[size]": "0"}).json()["errors"][0]["code"] == "118"
    assert api.get("/dids", params={"sort": "colour"}).json()["errors"][0]["code"] == "114"
    assert api.get("/dids", params={"bogus": "1"}).json()["errors"][0]["code"] == "105"
    assert api.get("/dids", params={"filter[bogus]": "1"}).json()["errors"][0] == {
        "title": "Filter not allowed", "detail": "bogus is not allowed.", "code": "102", "status": "400"}
    assert api.get("/dids", params={"include": "did_group.bogus"}).json()["errors"][0]["code"] == "112"
    nested = api.get(f"/dids/{seattle[0]['id']}", params={"include": "did_group.stock_keeping_units"}).json()
    assert {r["type"] for r in nested["included"]} == {"did_groups", "stock_keeping_units"}


# -- trunks ---------------------------------------------------------------------------------------


def test_voice_in_trunk_crud(emu: DidwwEmulator, api: httpx.Client) -> None:
    r = send(api, "POST", "/voice_in_trunks", fixture("voice_in_trunks/create_sip_request.json"))
    assert r.status_code == 201
    sip = r.json()["data"]
    config = sip["attributes"]["configuration"]
    assert config["type"] == "sip_configurations"
    assert config["attributes"]["host"] == "203.0.113.110"
    assert config["attributes"]["media_encryption_mode"] == "zrtp"
    assert config["attributes"]["rx_dtmf_format_id"] == 1  # a default filled in

    r = send(api, "POST", "/voice_in_trunks", fixture("voice_in_trunks/create_request.json"))
    pstn = r.json()["data"]
    assert pstn["attributes"]["configuration"] == {"type": "pstn_configurations",
                                                   "attributes": {"dst": "558540420024"}}
    duplicate = send(api, "POST", "/voice_in_trunks", fixture("voice_in_trunks/create_request.json"))
    assert duplicate.status_code == 422
    assert duplicate.json()["errors"][0]["detail"] == "name - has already been taken"

    registration = fixture("voice_in_trunks/create_with_sip_registration_request.json")
    registered = send(api, "POST", "/voice_in_trunks", registration)
    assert registered.status_code == 201
    attributes = registered.json()["data"]["attributes"]["configuration"]["attributes"]
    assert attributes["incoming_auth_username"]
    assert attributes["incoming_auth_password"]
    no_config = send(api, "POST", "/voice_in_trunks", {"data": {"type": "voice_in_trunks",
                                                                "attributes": {"name": "x"}}})
    assert no_config.status_code == 400
    no_host = send(api, "POST", "/voice_in_trunks", {"data": {"type": "voice_in_trunks", "attributes": {
        "name": "y", "configuration": {"type": "sip_configurations", "attributes": {"port": 5060}}}}})
    assert no_host.status_code == 422

    listed = api.get("/voice_in_trunks", params={"filter[configuration.type]": "pstn_configurations"}).json()
    assert pstn["id"] in [t["id"] for t in listed["data"]]
    assert all(t["attributes"]["configuration"]["type"] == "pstn_configurations" for t in listed["data"])
    assert api.get(f"/voice_in_trunks/{sip['id']}").json()["data"]["attributes"]["name"] == "hello, test sip trunk"

    update = {"data": {"id": pstn["id"], "type": "voice_in_trunks", "attributes": {
        "name": "hello, updated test pstn trunk",
        "configuration": {"type": "pstn_configurations", "attributes": {"dst": "558540420025"}}}}}
    r = send(api, "PATCH", f"/voice_in_trunks/{pstn['id']}", update)
    assert r.json()["data"]["attributes"]["configuration"]["attributes"]["dst"] == "558540420025"
    switch = {"data": {"id": pstn["id"], "type": "voice_in_trunks", "attributes": {
        "configuration": {"type": "sip_configurations", "attributes": {"host": "a.example"}}}}}
    assert send(api, "PATCH", f"/voice_in_trunks/{pstn['id']}", switch).status_code == 422
    body = fixture("voice_in_trunks/disable_sip_registration_request.json")
    body["data"]["id"] = registered.json()["data"]["id"]
    r = send(api, "PATCH", f"/voice_in_trunks/{body['data']['id']}", body)
    assert r.json()["data"]["attributes"]["configuration"]["attributes"]["incoming_auth_username"] is None

    # deleting a trunk leaves its DIDs unrouted
    la = _did(api, "1213")
    trunk_id = la["relationships"]["voice_in_trunk"]["links"]["related"]
    sip_trunk = next(t for t in emu.world.trunks.values() if t.name == "Office PBX")
    assert trunk_id.endswith("/voice_in_trunk")
    assert api.delete(f"/voice_in_trunks/{sip_trunk.id}").status_code == 204
    assert api.get(f"/voice_in_trunks/{sip_trunk.id}").status_code == 404
    la = api.get(f"/dids/{la['id']}", params={"include": "voice_in_trunk"}).json()["data"]
    assert la["relationships"]["voice_in_trunk"]["data"] is None


def test_voice_in_trunk_group_crud(emu: DidwwEmulator, api: httpx.Client) -> None:
    trunk_ids = [t.id for t in emu.world.trunks.values()][:2]
    body = fixture("voice_in_trunk_groups/create_request.json")
    for ref, ident in zip(body["data"]["relationships"]["voice_in_trunks"]["data"], trunk_ids, strict=True):
        ref["id"] = ident
    r = send(api, "POST", "/voice_in_trunk_groups?include=voice_in_trunks", body)
    assert r.status_code == 201
    group = r.json()["data"]
    assert group["meta"]["trunks_count"] == 2
    assert {t["id"] for t in r.json()["included"]} == set(trunk_ids)
    trunk = api.get(f"/voice_in_trunks/{trunk_ids[0]}", params={"include": "voice_in_trunk_group"}).json()
    assert trunk["data"]["relationships"]["voice_in_trunk_group"]["data"]["id"] == group["id"]

    update = {"data": {"id": group["id"], "type": "voice_in_trunk_groups",
                       "attributes": {"name": "trunk group sample updated with 2 trunks", "capacity_limit": 500},
                       "relationships": {"voice_in_trunks": {"data": [
                           {"type": "voice_in_trunks", "id": trunk_ids[1]}]}}}}
    r = send(api, "PATCH", f"/voice_in_trunk_groups/{group['id']}", update)
    assert r.json()["data"]["attributes"]["capacity_limit"] == 500
    assert r.json()["data"]["meta"]["trunks_count"] == 1
    assert api.get("/voice_in_trunk_groups", params={"filter[id]": group["id"]}).json()["meta"][
        "total_records"] == 1
    assert api.delete(f"/voice_in_trunk_groups/{group['id']}").status_code == 204
    assert emu.world.trunks[trunk_ids[1]].group_id is None
    assert api.get(f"/voice_in_trunk_groups/{group['id']}").status_code == 404


# -- protocol-level behaviour -------------------------------------------------------------------


def test_missing_api_key_is_401(emu: DidwwEmulator) -> None:
    with client(emu, key=None) as c:
        r = c.get("/dids")
    assert r.status_code == 401
    assert r.headers["content-type"] == MEDIA
    assert r.json() == {"errors": [{"title": "Unauthorized", "detail": "Authorization failed",
                                    "code": "401", "status": "401"}]}
    with client(emu, key="") as c:
        assert c.get("/balance").status_code == 401


def test_not_found(api: httpx.Client) -> None:
    missing = "3f0e5b2a-9c41-4d7e-8b1a-5d2c7e9f1a00"
    for path in ("/dids", "/orders", "/did_groups", "/countries", "/voice_in_trunks", "/available_dids"):
        r = api.get(f"{path}/{missing}")
        assert r.status_code == 404, path
        assert r.json()["errors"][0] == {"title": "Record not found",
                                         "detail": f"The record identified by {missing} could not be found.",
                                         "code": "404", "status": "404"}
    assert api.get("/nothing_here").status_code == 404


def test_rate_limit() -> None:
    clock = Clock()
    emu = DidwwEmulator(seed=1, clock=clock)
    assert emu.rate_limit == 10
    with client(emu) as c:
        assert all(c.get("/balance").status_code == 200 for _ in range(10))
        r = c.get("/balance")
        assert r.status_code == 429
        assert r.headers["retry-after"]
        assert r.json()["errors"][0]["status"] == "429"
        with client(emu, key="another-key") as other:
            assert other.get("/balance").status_code == 200
        clock.now += 1.0
        assert c.get("/balance").status_code == 200


def test_fault_injection(emu: DidwwEmulator, api: httpx.Client, spec: Spec) -> None:
    emu.faults.inject("GET /dids", status=503, times=1, message="maintenance")
    r = api.get("/dids")
    assert r.status_code == 503
    assert spec.problems(None, r.status_code, dict(r.headers), r.content) == []
    assert r.json()["errors"][0]["detail"] == "maintenance"
    assert api.get("/dids").status_code == 200

    emu.faults.inject("GET /balance", drop=True)
    with pytest.raises(httpx.RemoteProtocolError):
        api.get("/balance")

    # commit, then lose the reply: the order exists and can be found by its reference
    emu.faults.inject("POST /orders", commit_then_drop=True)
    with pytest.raises(httpx.RemoteProtocolError):
        send(api, "POST", "/orders", order_body({"sku_id": sku_of(emu, "ny_646"), "qty": 1},
                                                external_reference_id="lost-reply"))
    assert len(emu.purchased_numbers()) == 1
    found = api.get("/orders", params={"filter[external_reference_id]": "lost-reply"}).json()["data"]
    assert len(found) == 1


async def test_async_transport(emu: DidwwEmulator) -> None:
    async with httpx.AsyncClient(transport=emu.transport(), base_url=BASE, headers={"Api-Key": "k"}) as c:
        r = await c.get("/countries")
        assert r.status_code == 200
        assert len(r.json()["data"]) == 4


# -- determinism and reset ------------------------------------------------------------------------


def _script(emu: DidwwEmulator) -> list[Any]:
    with client(emu) as c:
        out = [c.get("/did_groups", params={"include": "stock_keeping_units"}).json(),
               c.get("/available_dids").json()]
        target = out[1]["data"][0]
        group = target["relationships"]["did_group"]
        sku = emu.world.groups[emu.world.available[target["id"]].group_id].sku_ids[0]
        assert group
        r = send(c, "POST", "/orders", order_body({"sku_id": sku, "available_did_id": target["id"]}))
        out.append(r.json())
        out.append(poll_until_done(c, r.json()["data"]["id"]))
        out.append(c.get("/dids").json())
        return out


def test_determinism() -> None:
    first, second = make(seed=11), make(seed=11)
    assert first.snapshot() == second.snapshot()
    assert _script(first) == _script(second)
    assert first.snapshot() == second.snapshot()
    other = make(seed=12)
    assert other.snapshot()["countries"] != first.snapshot()["countries"]
    assert [c["iso"] for c in other.snapshot()["countries"]] == [c["iso"] for c in first.snapshot()["countries"]]


def test_reset() -> None:
    emu = make(seed=5)
    fresh = copy.deepcopy(emu.snapshot())
    _script(emu)
    emu.set_balance("1.00")
    emu.faults.inject("*", status=500, times=None)
    assert emu.purchased_numbers()
    emu.reset()
    assert emu.purchased_numbers() == []
    assert emu.snapshot() == fresh
    assert emu.requests == []
    with client(emu) as c:
        assert c.get("/balance").json()["data"]["attributes"]["balance"] == "100.00"


def test_knobs() -> None:
    with pytest.raises(ValueError):
        DidwwEmulator(order_pending_polls=-1)
    emu = make(seed=2, balance="5.00")
    assert emu.snapshot()["balance"] == "5.00"
    emu.set_balance(Decimal("7.5"))
    assert emu.world.balance == Decimal("7.5")
    owned = emu.owned_numbers()
    assert len(owned) == 3
    assert all(n.startswith("+") for n in owned)
