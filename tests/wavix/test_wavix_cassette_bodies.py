"""Every response body in the Wavix cassettes validates against the adapter's own JSON Schemas;
the schemas agree with each other and accept Wavix's published examples."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from didkit_wavix._errors import SCHEMAS

from didkit import ResponseFormatError

ROOT = Path(__file__).resolve().parents[2]
CASSETTES = ROOT / "cassettes" / "wavix"
VENDOR = ROOT / "tests" / "vendor" / "wavix" / "examples"  # tests/vendor/SOURCES.md
SCHEMA_DIR = ROOT / "adapters" / "didkit_wavix" / "schemas"

#: (method, path pattern) → the schema of a 2xx answer.
ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("GET", re.compile(r"^/v1/buy/countries$"), "countries"),
    ("GET", re.compile(r"^/v1/buy/countries/\d+/regions$"), "regions"),
    ("GET", re.compile(r"^/v1/buy/countries/\d+(/regions/\d+)?/cities$"), "cities"),
    ("GET", re.compile(r"^/v1/buy/countries/\d+/cities/\d+/dids$"), "available_numbers"),
    ("PUT", re.compile(r"^/v1/buy/cart$"), "cart"),
    ("DELETE", re.compile(r"^/v1/buy/cart$"), "success"),
    ("POST", re.compile(r"^/v1/buy/cart/checkout$"), "success"),
    ("GET", re.compile(r"^/v1/numbers$"), "numbers"),
    ("GET", re.compile(r"^/v1/numbers/\d+$"), "number"),
    ("PATCH", re.compile(r"^/v1/numbers/\d+$"), "number"),
    ("DELETE", re.compile(r"^/v1/numbers$"), "success"),
    ("GET", re.compile(r"^/v1/trunks/\d+$"), "trunk"),
]


def schema_for(method: str, path: str, status: int, body: Any) -> str:
    if not 200 <= status < 300 or (isinstance(body, dict) and body.get("success") is False):
        return "error"
    for route_method, pattern, name in ROUTES:
        if route_method == method and pattern.match(path):
            return name
    raise AssertionError(f"no schema for {method} {path}")


def interactions() -> list[tuple[str, int, dict[str, Any]]]:
    out = []
    for path in sorted(CASSETTES.glob("*.yaml")):
        data = yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)
        for index, item in enumerate(data["interactions"]):
            out.append((path.stem, index, item))
    return out


ALL = interactions()


def test_there_are_cassettes() -> None:
    assert len({name for name, _, _ in ALL}) >= 15


@pytest.mark.parametrize(("name", "index", "item"), ALL, ids=[f"{n}[{i}]" for n, i, _ in ALL])
def test_every_cassette_body_fits_its_schema(name: str, index: int, item: dict[str, Any]) -> None:
    request, response = item["request"], item["response"]
    method = request["method"]
    path = request["uri"].split("://", 1)[1].split("/", 1)[1].split("?", 1)[0]
    status = response["status"]["code"]
    text = response["body"]["string"]
    content_type = (response["headers"].get("content-type") or [""])[0]
    assert request["headers"]["authorization"] == ["Bearer <scrubbed>"]  # no key in a cassette
    assert "appid" not in request["uri"]
    if "json" not in content_type:
        assert name in ("errors", "malformed")  # the deliberate non-JSON answers
        return
    body = json.loads(text)
    schema = schema_for(method, "/" + path, status, body)
    if name == "malformed":
        return  # deliberately broken; test_malformed_cassette_breaks_the_schemas covers it
    SCHEMAS[schema].validate(body, provider="wavix", status_code=status)


def test_malformed_cassette_breaks_the_schemas() -> None:
    broken = 0
    for name, _, item in ALL:
        if name != "malformed" or "json" not in item["response"]["headers"]["content-type"][0]:
            continue
        request, response = item["request"], item["response"]
        path = "/" + request["uri"].split("://", 1)[1].split("/", 1)[1].split("?", 1)[0]
        body = json.loads(response["body"]["string"])
        try:
            SCHEMAS[schema_for(request["method"], path, response["status"]["code"], body)].validate(
                body, provider="wavix"
            )
        except ResponseFormatError:
            broken += 1
    assert broken == 4  # plus a 30 February and an HTML page, which only the parser rejects


def test_cassette_requests_carry_no_secret() -> None:
    for path in CASSETTES.glob("*.yaml"):
        text = path.read_text("utf-8")
        assert "wx-test-key" not in text
        assert "siped7a3f5c1b9e042d6f8a4c2e7b9d1f3a5c8e0b2d4f6a8c0e2d4b6f8a1c3e5d7" not in text


def test_repeated_fragments_agree_across_schema_files() -> None:
    """The schemas are written out in full (no ``$ref``: jsonschema resolves references slowly,
    and a page of 100 numbers would pay for thousands of lookups); the copies must not drift."""

    def load(name: str) -> Any:
        return json.loads((SCHEMA_DIR / f"{name}.json").read_text("utf-8"))

    def body(schema: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in schema.items() if k not in ("$schema", "$id", "title", "description")}

    numbers, number = load("numbers"), load("number")
    offers, cart = load("available_numbers"), load("cart")
    assert body(numbers["properties"]["items"]["items"]) == body(number)
    assert offers["properties"]["dids"]["items"] == cart["items"]
    assert numbers["properties"]["pagination"] == offers["properties"]["pagination"]
    for name in SCHEMAS.names():
        text = (SCHEMA_DIR / f"{name}.json").read_text("utf-8")
        assert ("$ref" in text) == (name == "error"), name  # only the recursive error message refers


def test_every_schema_is_used_and_loads() -> None:
    names = set(SCHEMAS.names())
    assert names == {name for _, _, name in ROUTES} | {"error"}
    for name in names:
        assert SCHEMAS[name].schema["$schema"].endswith("2020-12/schema")


EXAMPLE_SCHEMAS = {
    "buy_countries_list.200.json": "countries",
    "buy_regions_list.200.json": "regions",
    "buy_cities_list.200.json": "cities",
    "buy_available_numbers_list.200.json": "available_numbers",
    "cart_add.200.json": "cart",
    "cart_checkout.201.json": "success",
    "cart_remove.200.json": "success",
    "numbers_list.200.json": "numbers",
    "numbers_get.200.json": "number",
    "numbers_release.200.json": "success",
    "sip_trunks_get.200.json": "trunk",
    "error_400_422_validation.json": "error",
    "error_401_unauthorized.json": "error",
    "error_403_forbidden.json": "error",
    "error_404_not_found.json": "error",
    "error_422_country_has_no_regions.json": "error",
    "sip_trunks_get.404_not_provisioned.json": "error",
    "legacy_mydids_update_sms_enabled.422.json": "error",
}


@pytest.mark.parametrize(("example", "schema"), sorted(EXAMPLE_SCHEMAS.items()))
def test_wavix_published_examples_fit_the_schemas(example: str, schema: str) -> None:
    body = json.loads((VENDOR / example).read_text("utf-8"))
    SCHEMAS[schema].validate(body, provider="wavix")
