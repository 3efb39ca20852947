"""Write the Wavix cassettes (vcrpy format, version 1) from Wavix's published examples.

Every body starts from a JSON example extracted from Wavix's OpenAPI document
(``vendor/wavix/examples/*.json``, see its ``_sources.tsv``), or is assembled from the schema of
the same document, then varied to cover the type drift Wavix has shipped (``channels`` as int or
string, ``require_docs`` as ids or names, numbers with or without ``+``, dates with or without a
time, ...). README.md in this folder lists each cassette and its sources.

    python cassettes/wavix/build_cassettes.py [--vendor tests/vendor/wavix]

The cassettes are committed; the tests never run this script.
"""

from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml

HERE = Path(__file__).resolve().parent
BASE = "https://api.wavix.com"
SCRUBBED = "Bearer <scrubbed>"
EXAMPLES: Path = HERE


def ex(name: str) -> Any:
    """A vendor example, deep-copied."""
    return json.loads((EXAMPLES / name).read_text("utf-8"))


def interaction(
    method: str,
    path: str,
    body: Any,
    *,
    status: int = 200,
    query: list[tuple[str, Any]] | None = None,
    request_json: Any = None,
    headers: dict[str, str] | None = None,
    raw_body: str | None = None,
) -> dict[str, Any]:
    pairs = [(k, ("true" if v is True else "false" if v is False else str(v))) for k, v in (query or [])]
    uri = BASE + path + ("?" + urlencode(pairs) if pairs else "")
    request_headers = {"accept": ["application/json"], "authorization": [SCRUBBED]}
    request_body = ""
    if request_json is not None:
        request_body = json.dumps(request_json, separators=(",", ":"))
        request_headers["content-type"] = ["application/json"]
    response_headers = {"content-type": ["application/json"]}
    for name, value in (headers or {}).items():
        response_headers[name.lower()] = [value]
    text = raw_body if raw_body is not None else json.dumps(body)
    if raw_body is not None and "content-type" not in {k.lower() for k in (headers or {})}:
        response_headers["content-type"] = ["text/html"]
    reasons = {200: "OK", 201: "Created", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
               404: "Not Found", 422: "Unprocessable Entity", 429: "Too Many Requests",
               500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
    return {
        "request": {"body": request_body, "headers": request_headers, "method": method, "uri": uri},
        "response": {
            "body": {"string": text},
            "headers": response_headers,
            "status": {"code": status, "message": reasons.get(status, "")},
        },
    }


def page(number: int = 1) -> list[tuple[str, Any]]:
    return [("page", number), ("per_page", 100)]


# -- bodies --------------------------------------------------------------------------------------------

US, AR, AU, GB = 8871, 8669, 8650, 8845
LA = 305581


def countries() -> Any:
    body = ex("buy_countries_list.200.json")  # Argentina (no provinces), Australia (provinces)
    body["countries"] += [
        {"id": US, "has_provinces_or_states": True, "name": "United States"},
        {"id": str(GB), "has_provinces_or_states": False, "name": "United Kingdom"},  # id drift: string
        {"id": 9999, "has_provinces_or_states": False, "name": "Atlantis"},  # no ISO code: skipped
    ]
    return body


def us_regions() -> Any:
    return ex("buy_regions_list.200.json")  # Alabama 13, Arizona 15, Arkansas 16, California 17


REGION_CITIES = {
    13: [{"id": 101201, "name": "BIRMINGHAM, AL", "area_code": 205}],
    15: [{"id": 101502, "name": "PHOENIX, AZ", "area_code": "602"}],  # area_code drift: string
    16: [],
    17: [
        {"id": LA, "name": "LOS ANGELES, CA", "area_code": 213},
        {"id": 305600, "name": "LOS ALAMITOS, CA", "area_code": 562.0},  # area_code drift: float
    ],
}


def offer(base: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    """An AvailableNumber shaped like Wavix's example, changed."""
    item = copy.deepcopy(base) if base is not None else ex("buy_available_numbers_list.200.json")["dids"][0]
    item.update(changes)
    return item


def la_offers() -> list[dict[str, Any]]:
    us = {"city": "LOS ANGELES, CA", "country": "United States", "country_short_name": "US"}
    return [
        offer(**us, id=12132995903, number="12132995903", activation_fee="0.99", monthly_fee="0.99",
              channels="24", cnam=True, sms_enabled=True, sms_price=0.0085, require_docs=[]),
        offer(**us, id=12133137001, number="+12133137001", activation_fee="0.99", monthly_fee="0.99",
              channels=4, cnam=None, sms_enabled=False, sms_price=0, require_docs=[1, 3]),
        offer(**us, id=12135587442, number="12135587442", activation_fee="1.5", monthly_fee="1.49",
              channels="4", cnam=False, sms_enabled=False, sms_price="0.0085", require_docs=["address"]),
    ]


def la_page2() -> list[dict[str, Any]]:
    us = {"city": "LOS ANGELES, CA", "country": "United States", "country_short_name": "US"}
    return [
        offer(**us, id=13103733617, number="13103733617", activation_fee="1.5", monthly_fee="1.49",
              channels=24, cnam=True, sms_enabled=True, sms_price="0.0085", require_docs=["1"]),
    ]


def pagination(current: int, per_page: int, total: int) -> dict[str, int]:
    return {"current_page": current, "per_page": per_page, "total": total,
            "total_pages": (total + per_page - 1) // per_page}


def number_record(**changes: Any) -> dict[str, Any]:
    """An owned Number shaped like Wavix's example (``numbers_get.200.json``), changed."""
    item = ex("numbers_get.200.json")
    item.update(changes)
    return item


AR_NUMBER = "541139862174"


def ar_owned() -> dict[str, Any]:
    return number_record(
        id=24882, number="+" + AR_NUMBER, activation_fee="15.0", monthly_fee="10.0", per_min="0.01",
        city="Buenos Aires", state=None, country="Argentina", country_short_name="AR", destination=[],
        channels="4", require_docs=["1"], documents=[], label=None, status="inactive", seconds="0",
        added="2026-06-30 10:00:00", paid_until="2026-07-30", sms_enabled=False, sms_relay_url=None,
        cnam=False, call_status_url=None,
    )


def search_for(number: str, items: list[dict[str, Any]], doc_types: list[dict[str, Any]] | None = None) -> dict:
    return interaction(
        "GET", "/v1/numbers",
        {"items": items, "doc_types": doc_types or [], "pagination": pagination(1, 100, len(items))},
        query=[("search", number), *page()],
    )


def doc_types() -> list[dict[str, Any]]:
    return ex("cart_get.200.json")["doc_types"]


def error(name: str) -> Any:
    return ex(name)


# -- cassettes -------------------------------------------------------------------------------------------


def coverage() -> list[dict[str, Any]]:
    return [
        interaction("GET", "/v1/buy/countries", countries()),
        interaction("GET", f"/v1/buy/countries/{US}/regions", us_regions()),
        interaction("GET", f"/v1/buy/countries/{AU}/regions", error("error_422_country_has_no_regions.json"),
                    status=422),
        interaction("GET", f"/v1/buy/countries/{AR}/cities", ex("buy_cities_list.200.json")),
        *[interaction("GET", f"/v1/buy/countries/{US}/regions/{rid}/cities", {"cities": cities})
          for rid, cities in REGION_CITIES.items()],
    ]


def search_los_angeles() -> list[dict[str, Any]]:
    return [
        interaction("GET", "/v1/buy/countries", countries()),
        interaction("GET", f"/v1/buy/countries/{US}/regions", us_regions()),
        *[interaction("GET", f"/v1/buy/countries/{US}/regions/{rid}/cities", {"cities": cities})
          for rid, cities in REGION_CITIES.items()],
        interaction("GET", f"/v1/buy/countries/{US}/cities/{LA}/dids",
                    {"dids": la_offers(), "pagination": pagination(1, 3, 4)}, query=page(1)),
        interaction("GET", f"/v1/buy/countries/{US}/cities/{LA}/dids",
                    {"dids": la_page2(), "pagination": pagination(2, 3, 4)}, query=page(2)),
        interaction("GET", f"/v1/buy/countries/{US}/cities/{LA}/dids",
                    {"dids": [la_offers()[0], *la_page2()], "pagination": pagination(1, 100, 2)},
                    query=[*page(1), ("text_enabled_only", True)]),
    ]


def search_argentina() -> list[dict[str, Any]]:
    cities = ex("buy_cities_list.200.json")["cities"]
    return [
        interaction("GET", "/v1/buy/countries", countries()),
        interaction("GET", f"/v1/buy/countries/{AR}/cities", ex("buy_cities_list.200.json")),
        interaction("GET", f"/v1/buy/countries/{AR}/cities/{cities[0]['id']}/dids",
                    ex("buy_available_numbers_list.200.json"), query=page(1)),
        *[interaction("GET", f"/v1/buy/countries/{AR}/cities/{city['id']}/dids",
                      {"dids": [], "pagination": pagination(1, 100, 0)}, query=page(1))
          for city in cities[1:]],
    ]


def purchase() -> list[dict[str, Any]]:
    ids = {"ids": [AR_NUMBER]}
    return [
        *search_argentina()[:3],
        interaction("PUT", "/v1/buy/cart", ex("cart_add.200.json"), request_json=ids),
        interaction("POST", "/v1/buy/cart/checkout", ex("cart_checkout.201.json"), status=201, request_json=ids),
        search_for(AR_NUMBER, [ar_owned()], doc_types()),
        interaction("GET", "/v1/numbers/24882", ar_owned()),
    ]


def _cart_then(checkout_status: int, checkout_body: Any, *after: dict[str, Any]) -> list[dict[str, Any]]:
    ids = {"ids": [AR_NUMBER]}
    return [
        interaction("PUT", "/v1/buy/cart", ex("cart_add.200.json"), request_json=ids),
        interaction("POST", "/v1/buy/cart/checkout", checkout_body, status=checkout_status, request_json=ids),
        *after,
    ]


def drop_from_cart() -> dict[str, Any]:
    return interaction("DELETE", "/v1/buy/cart", ex("cart_remove.200.json"), request_json={"ids": [AR_NUMBER]})


def purchase_sold() -> list[dict[str, Any]]:
    body = {"success": False, "message": f"Phone number {AR_NUMBER} is no longer available"}
    return [interaction("PUT", "/v1/buy/cart", body, status=404, request_json={"ids": [AR_NUMBER]})]


def purchase_insufficient_funds() -> list[dict[str, Any]]:
    return _cart_then(422, {"success": False, "message": "Insufficient funds"}, drop_from_cart())


def purchase_success_false() -> list[dict[str, Any]]:
    body = {"success": False, "message": f"Phone number {AR_NUMBER} has already been sold"}
    return _cart_then(201, body, drop_from_cart())


def purchase_documents_refused() -> list[dict[str, Any]]:
    body = {"success": False, "message": "Documents required: upload a proof of address to buy this number"}
    return _cart_then(400, body, drop_from_cart())


def purchase_unknown_found() -> list[dict[str, Any]]:
    body = {"success": False, "message": "Bad Gateway"}
    return _cart_then(502, body, search_for(AR_NUMBER, [ar_owned()], doc_types()))


def purchase_unknown_absent() -> list[dict[str, Any]]:
    body = {"success": False, "message": "Service Unavailable"}
    return _cart_then(503, body, search_for(AR_NUMBER, []), drop_from_cart())


def purchase_unknown_lookup_fails() -> list[dict[str, Any]]:
    failing = interaction("GET", "/v1/numbers", {"success": False, "message": "Internal Server Error"},
                          status=500, query=[("search", AR_NUMBER), *page()])
    return _cart_then(
        500, {"success": False, "message": "Internal Server Error"},
        failing, failing, failing, failing,  # the lookup, retried three times by the engine
        search_for(AR_NUMBER, [ar_owned()], doc_types()),  # the next attempt with the same reference
    )


def numbers() -> list[dict[str, Any]]:
    base = ex("numbers_list.200.json")
    first = base["items"][0]  # the example: 12565378257, [did]@sipuri.com, date-time with Z, date only
    first["status"] = "active"
    second = number_record(
        id=124, number="+14155550123", channels="24", require_docs=[2], status="INACTIVE",
        added="2024-01-05", paid_until="2024-02-05T00:00:00Z", label=None, sms_relay_url=None, cnam=None,
        destination=[
            {"id": 7, "destination": "14155550100", "priority": 1, "transport": 4, "trunk_id": None,
             "srtp": False, "trunk_label": None},
            {"id": 8, "destination": "32882", "priority": 2, "transport": 5, "trunk_id": 3107,
             "srtp": False, "trunk_label": "My trunk"},
        ],
    )
    third = number_record(
        id=125, number="442071234567", channels=4, require_docs=["address", "1"], status="example",
        added="2024-02-01 10:20:30", paid_until="2024-03-01T10:20:30+02:00", city="LONDON", state=None,
        country="United Kingdom", country_short_name="GB", sms_enabled=True, cnam=False,
        destination=[
            {"id": 9, "destination": "sip:alice@pbx.example.com:5060", "priority": 2, "transport": 1,
             "trunk_id": None, "srtp": False, "trunk_label": None},
            {"id": 10, "destination": "[did]@backup.example.com", "priority": 1, "transport": 1,
             "trunk_id": None, "srtp": True, "trunk_label": None},
        ],
    )
    return [
        interaction("GET", "/v1/numbers",
                    {"items": [first, second], "doc_types": base["doc_types"],
                     "pagination": pagination(1, 2, 3)}, query=page(1)),
        interaction("GET", "/v1/numbers",
                    {"items": [third], "doc_types": doc_types(), "pagination": pagination(2, 2, 3)},
                    query=page(2)),
        interaction("GET", "/v1/numbers",
                    {"items": [first], "doc_types": base["doc_types"], "pagination": pagination(1, 100, 1)},
                    query=[("search", "1256537"), ("label", "ALEX"), ("label_present", True),
                           ("city_id", "123"), *page()]),
    ]


def number_get() -> list[dict[str, Any]]:
    return [
        interaction("GET", "/v1/numbers/123", ex("numbers_get.200.json")),
        search_for("12565378257", ex("numbers_list.200.json")["items"], ex("numbers_list.200.json")["doc_types"]),
        interaction("GET", "/v1/numbers/999", error("error_404_not_found.json"), status=404),
        search_for("12125550000", []),
    ]


def number_update() -> list[dict[str, Any]]:
    updated = number_record(sms_relay_url="https://hooks.example.com/sms", sms_enabled=True)
    recording = number_record(call_recording_enabled=False, transcription_enabled=True,
                              transcription_threshold=30, call_status_url=None)
    return [
        interaction("PATCH", "/v1/numbers/123", updated,
                    request_json={"sms_relay_url": "https://hooks.example.com/sms", "sms_enabled": True}),
        interaction("PATCH", "/v1/numbers/123", recording,
                    request_json={"call_recording_enabled": False, "transcription_enabled": True,
                                  "transcription_threshold": 30, "call_status_url": ""}),
        search_for("12565378257", ex("numbers_list.200.json")["items"], ex("numbers_list.200.json")["doc_types"]),
        interaction("PATCH", "/v1/numbers/123", updated,
                    request_json={"sms_relay_url": "https://hooks.example.com/sms", "sms_enabled": True}),
    ]


def destinations() -> list[dict[str, Any]]:
    trunk = ex("sip_trunks_get.200.json")
    trunk.update(id=3107, name="32882")
    wanted = [
        {"destination": "100@pbx.example.com", "priority": 1, "transport": 1},
        {"destination": "14155550100", "priority": 2, "transport": 4},
        {"destination": "32882", "priority": 3, "transport": 5, "trunk_id": 3107},
        {"destination": "[did]@backup.example.com", "priority": 4, "transport": 1},
    ]
    routed = number_record(destination=[
        {"id": 11, "destination": "100@pbx.example.com", "priority": 1, "transport": 1, "trunk_id": None,
         "srtp": False, "trunk_label": None},
        {"id": 12, "destination": "14155550100", "priority": 2, "transport": 4, "trunk_id": None,
         "srtp": False, "trunk_label": None},
        {"id": 13, "destination": "32882", "priority": 3, "transport": 5, "trunk_id": 3107,
         "srtp": False, "trunk_label": "My trunk"},
        {"id": 14, "destination": "[did]@backup.example.com", "priority": 4, "transport": 1, "trunk_id": None,
         "srtp": False, "trunk_label": None},
    ])
    return [
        interaction("GET", "/v1/trunks/3107", trunk),
        interaction("PATCH", "/v1/numbers/123", routed, request_json={"destinations": wanted}),
    ]


def release() -> list[dict[str, Any]]:
    return [
        interaction("DELETE", "/v1/numbers", ex("numbers_release.200.json"), query=[("dids", "12565378257")]),
        interaction("DELETE", "/v1/numbers", ex("numbers_release.200.json"), query=[("ids", "123")]),
        interaction("DELETE", "/v1/numbers", error("legacy_mydids_release.422.json"), status=404,
                    query=[("dids", "12125550000")]),
    ]


def errors() -> list[dict[str, Any]]:
    rate_limited = interaction("GET", "/v1/numbers/429", {"success": False, "message": "Too Many Requests"},
                               status=429, headers={"Retry-After": "2"})
    unavailable = interaction("GET", "/v1/numbers/503", {"success": False, "message": "Service Unavailable"},
                              status=503)
    html = interaction("GET", "/v1/numbers/500", None, status=500, raw_body="<html><body>oops</body></html>")
    return [
        interaction("GET", "/v1/numbers/401", error("error_401_unauthorized.json"), status=401,
                    headers={"X-Request-Id": "req-401"}),
        interaction("GET", "/v1/numbers/403", error("error_403_forbidden.json"), status=403),
        interaction("GET", "/v1/numbers/404", error("error_404_not_found.json"), status=404),
        interaction("GET", "/v1/trunks/3999", error("sip_trunks_get.404_not_provisioned.json"), status=404),
        interaction("PATCH", "/v1/numbers/400", error("error_400_422_validation.json"), status=400,
                    request_json={"sms_relay_url": "https://hooks.example.com/sms", "sms_enabled": True}),
        interaction("PATCH", "/v1/numbers/422", error("legacy_mydids_update_sms_enabled.422.json"), status=422,
                    request_json={"sms_enabled": True}),
        interaction("PATCH", "/v1/numbers/200", error("legacy_mydids_update_sms_enabled.422.json"), status=200,
                    request_json={"sms_enabled": True}),
        rate_limited, rate_limited, rate_limited, rate_limited,
        unavailable, unavailable, unavailable, unavailable,
        html, html, html, html,
    ]


def malformed() -> list[dict[str, Any]]:
    listing = ex("numbers_list.200.json")
    broken = copy.deepcopy(listing["items"][0])
    broken["channels"] = {"count": 4}
    listing["items"].append(broken)
    listing["pagination"] = pagination(1, 100, 2)
    bad_countries = ex("buy_countries_list.200.json")
    bad_countries["countries"][1]["has_provinces_or_states"] = "yes"
    return [
        interaction("GET", "/v1/numbers/1", number_record(id=1, number="call me")),
        interaction("GET", "/v1/numbers/2", number_record(id=2, added="yesterday")),
        interaction("GET", "/v1/numbers/3", None, raw_body="<html>maintenance</html>"),
        interaction("GET", "/v1/numbers/4", number_record(id=4, paid_until="2023-02-30")),
        interaction("GET", "/v1/numbers", listing, query=page(1)),
        interaction("GET", "/v1/buy/countries", bad_countries),
    ]


CASSETTES = {
    "coverage": coverage,
    "search_los_angeles": search_los_angeles,
    "search_argentina": search_argentina,
    "purchase": purchase,
    "purchase_sold": purchase_sold,
    "purchase_insufficient_funds": purchase_insufficient_funds,
    "purchase_success_false": purchase_success_false,
    "purchase_documents_refused": purchase_documents_refused,
    "purchase_unknown_found": purchase_unknown_found,
    "purchase_unknown_absent": purchase_unknown_absent,
    "purchase_unknown_lookup_fails": purchase_unknown_lookup_fails,
    "numbers": numbers,
    "number_get": number_get,
    "number_update": number_update,
    "destinations": destinations,
    "release": release,
    "errors": errors,
    "malformed": malformed,
}


def main() -> None:
    global EXAMPLES
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vendor", type=Path, default=HERE.parents[1] / "tests" / "vendor" / "wavix")
    args = parser.parse_args()
    EXAMPLES = args.vendor / "examples"
    for name, build in CASSETTES.items():
        data = {"version": 1, "interactions": build()}
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)
        (HERE / f"{name}.yaml").write_text(text, "utf-8")
        print(f"wrote {name}.yaml ({len(data['interactions'])} interactions)")


if __name__ == "__main__":
    main()
