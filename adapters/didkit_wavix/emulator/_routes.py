"""The Wavix API's endpoints: request parsing and validation as Wavix documents them, answers
rendered by :mod:`._render`. Each handler takes the world and the request and returns the JSON
status and body, or raises :class:`ApiError`."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlsplit

from didkit.sandbox import BadRequestBody, EmulatorRequest

from . import _render as render
from ._world import DOC_TYPES, ApiError, Destination, OwnedNumber, World

Answer = tuple[int, Any]
Handler = Callable[..., Answer]
T = TypeVar("T")

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 25
_SIP_URI = re.compile(r"^(sips?:)?[^@\s:;]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?(;\S*)?$")
_PSTN = re.compile(r"^\+?[1-9]\d{6,14}$")


def invalid(name: str) -> ApiError:
    return ApiError(400, f"Missing or invalid parameter {name}")


# -- query and body helpers ------------------------------------------------------------------------


def bool_arg(request: EmulatorRequest, name: str) -> bool | None:
    value = request.arg(name)
    if value is None or value == "":
        return None
    lowered = value.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise invalid(name)


def int_arg(request: EmulatorRequest, name: str, default: int) -> int:
    value = request.arg(name)
    if value is None or value == "":
        return default
    if not value.isdigit() or int(value) < 1:
        raise invalid(name)
    return int(value)


def paginate(request: EmulatorRequest, items: Sequence[T]) -> tuple[Sequence[T], dict[str, int]]:
    """A page of ``items``; ``per_page`` above Wavix's maximum of 100 is capped at 100."""
    page = int_arg(request, "page", 1)
    per_page = min(int_arg(request, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    start = (page - 1) * per_page
    return items[start : start + per_page], render.pagination(page, per_page, len(items))


def json_object(request: EmulatorRequest, *, required: bool = True, hint: str = "ids") -> dict[str, Any]:
    if not request.body.strip() and not required:
        return {}
    try:
        body = request.json()
    except BadRequestBody:
        raise invalid(hint) from None
    if not isinstance(body, dict):
        raise invalid(hint)
    return body


def phone_list(body: dict[str, Any], name: str = "ids") -> list[str]:
    """``ids`` of the cart endpoints: phone numbers as strings (digits, as Wavix sends them)."""
    extra = set(body) - {name}
    if extra:
        raise invalid(sorted(extra)[0])
    values = body.get(name)
    if not isinstance(values, list) or not values:
        raise invalid(name)
    numbers = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise invalid(name)
        digits = str(value).removeprefix("+")
        if not digits.isdigit():
            raise invalid(name)
        numbers.append(digits)
    return numbers


# -- inventory -------------------------------------------------------------------------------------


def list_countries(world: World, request: EmulatorRequest) -> Answer:
    text_only = bool_arg(request, "text_enabled_only")
    countries = [
        render.country(c)
        for c in sorted(world.countries.values(), key=lambda c: c.name)
        if not text_only or world.has_sms_stock(country_id=c.id)
    ]
    return 200, {"countries": countries}


def list_regions(world: World, request: EmulatorRequest, country_id: str) -> Answer:
    country = world.country(country_id)
    text_only = bool_arg(request, "text_enabled_only")
    if not country.has_provinces_or_states:
        raise ApiError(422, "Country has no states or provinces")
    regions = [
        render.region(r)
        for r in sorted(world.regions.values(), key=lambda r: r.name)
        if r.country_id == country.id and (not text_only or world.has_sms_stock(region_id=r.id))
    ]
    return 200, {"regions": regions}


def list_cities(world: World, request: EmulatorRequest, country_id: str) -> Answer:
    country = world.country(country_id)
    text_only = bool_arg(request, "text_enabled_only")
    if country.has_provinces_or_states:
        raise ApiError(400, "Country has states or provinces: list cities by region")
    return 200, {"cities": _cities(world, country.id, None, text_only)}


def list_region_cities(world: World, request: EmulatorRequest, country_id: str, region_id: str) -> Answer:
    country = world.country(country_id)
    text_only = bool_arg(request, "text_enabled_only")
    region = world.regions.get(int(region_id)) if region_id.isdigit() and len(region_id) < 12 else None
    if region is None or region.country_id != country.id:
        raise ApiError(404, "Record not found")
    return 200, {"cities": _cities(world, country.id, region.id, text_only)}


def _cities(world: World, country_id: int, region_id: int | None, text_only: bool | None) -> list[Any]:
    return [
        render.city(c)
        for c in sorted(world.cities.values(), key=lambda c: c.name)
        if c.country_id == country_id
        and (region_id is None or c.region_id == region_id)
        and (not text_only or world.has_sms_stock(city_id=c.id))
    ]


def list_available(world: World, request: EmulatorRequest, country_id: str, city_id: str) -> Answer:
    city = world.city_in(world.country(country_id), city_id)
    text_only = bool_arg(request, "text_enabled_only")
    offers = [o for o in world.offers_in(city.id) if o.sms_enabled or not text_only]
    page, pagination = paginate(request, offers)
    return 200, {"dids": [render.available_number(world, o.number) for o in page], "pagination": pagination}


# -- cart ------------------------------------------------------------------------------------------


def get_cart(world: World, request: EmulatorRequest) -> Answer:
    dids = [render.available_number(world, o.number) for o in world.cart_offers()]
    return 200, {"dids": dids, "doc_types": render.doc_types(DOC_TYPES)}


def add_to_cart(world: World, request: EmulatorRequest) -> Answer:
    world.add_to_cart(phone_list(json_object(request)))
    return 200, [render.available_number(world, o.number) for o in world.cart_offers()]


def remove_from_cart(world: World, request: EmulatorRequest) -> Answer:
    world.remove_from_cart(phone_list(json_object(request)))
    return 200, {"success": True}


def checkout(world: World, request: EmulatorRequest) -> Answer:
    world.checkout(phone_list(json_object(request)))
    return 201, {"success": True}


# -- owned numbers ---------------------------------------------------------------------------------


def list_numbers(world: World, request: EmulatorRequest) -> Answer:
    records = sorted(world.owned.values(), key=lambda n: n.id)
    city_id = request.arg("city_id")
    if city_id:
        if not city_id.isdigit():
            raise invalid("city_id")
        records = [n for n in records if n.offer.city_id == int(city_id)]
    search = (request.arg("search") or "").strip().removeprefix("+")
    if search:
        records = [n for n in records if search in n.number]
    label = request.arg("label")
    if label:
        records = [n for n in records if n.label is not None and n.label.lower() == label.lower()]
    label_present = bool_arg(request, "label_present")
    if label_present is not None:
        records = [n for n in records if bool(n.label) == label_present]
    page, pagination = paginate(request, records)
    return 200, {
        "items": [render.number(world, n) for n in page],
        "doc_types": render.doc_types(d for n in page for d in n.offer.require_docs),
        "pagination": pagination,
    }


def get_number(world: World, request: EmulatorRequest, id: str) -> Answer:
    return 200, render.number(world, world.number(id))


def update_number(world: World, request: EmulatorRequest, id: str) -> Answer:
    owned = world.number(id)
    apply = parse_update(world, json_object(request, required=False, hint="body"), [owned])
    apply(owned)
    return 200, render.number(world, owned)


def bulk_update_numbers(world: World, request: EmulatorRequest) -> Answer:
    body = json_object(request)
    ids = body.pop("ids", None)
    if (
        not isinstance(ids, list)
        or not ids
        or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids)
    ):
        raise invalid("ids")
    records = [world.number(i) for i in dict.fromkeys(ids)]
    apply = parse_update(world, body, records)
    for owned in records:
        apply(owned)
    return 200, {"items": [render.number(world, n) for n in records]}


def release_numbers(world: World, request: EmulatorRequest) -> Answer:
    ids = [v for name in ("ids", "ids[]") for raw in request.args(name) for v in raw.split(",") if v]
    dids = [v for name in ("dids", "dids[]") for raw in request.args(name) for v in raw.split(",") if v]
    if ids and dids:
        raise ApiError(422, "Provide either ids or dids, not both")
    if not ids and not dids:
        raise ApiError(422, "Missing or invalid parameter dids")
    if ids:
        if not all(i.strip().isdigit() for i in ids):
            raise ApiError(422, "Missing or invalid parameter ids")
        records = [world.number(i.strip()) for i in dict.fromkeys(ids)]
    else:
        by_number = {n.number: n for n in world.owned.values()}
        records = []
        for did in dict.fromkeys(d.strip().removeprefix("+") for d in dids):
            if did not in by_number:
                raise ApiError(404, "Record not found")
            records.append(by_number[did])
    world.release(records)
    return 200, {"success": True}


def parse_update(
    world: World, body: dict[str, Any], targets: list[OwnedNumber]
) -> Callable[[OwnedNumber], None]:
    """Validate a NumberUpdateRequest (everything, before any change) and return the change."""
    settings: dict[str, Any] = {}
    specs: list[tuple[str, int, int, int | None]] | None = None
    for name, value in body.items():
        if name in ("call_recording_enabled", "transcription_enabled", "sms_enabled"):
            if not isinstance(value, bool):
                raise invalid(name)
            if name == "sms_enabled" and value:
                for owned in targets:
                    iso = world.countries[world.cities[owned.offer.city_id].country_id].iso
                    if iso not in ("US", "CA"):
                        raise ApiError(400, "Inbound SMS can only be activated on US and CA phone numbers")
            settings[name] = value
        elif name == "transcription_threshold":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise invalid(name)
            settings[name] = value
        elif name in ("sms_relay_url", "call_status_url"):
            settings[name] = _url(name, value)
        elif name == "destinations":
            specs = _destinations(world, value)
        else:
            raise invalid(name)

    def apply(owned: OwnedNumber) -> None:
        for name, value in settings.items():
            setattr(owned, name, value)
        if specs is not None:
            owned.destinations = [Destination(world.new_destination_id(), *spec) for spec in specs]

    return apply


def _url(name: str, value: Any) -> str | None:
    if value is None or value == "":
        return None  # lenient: clears the callback
    if not isinstance(value, str):
        raise invalid(name)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise invalid(name)
    return value


def _destinations(world: World, value: Any) -> list[tuple[str, int, int, int | None]]:
    if not isinstance(value, list):
        raise invalid("destinations")
    specs = []
    for index, item in enumerate(value):
        where = f"destinations[{index}]"
        if not isinstance(item, dict):
            raise invalid(where)
        extra = set(item) - {"destination", "priority", "transport", "trunk_id"}
        if extra:
            raise invalid(f"{where}.{sorted(extra)[0]}")
        target, priority, transport = item.get("destination"), item.get("priority"), item.get("transport")
        trunk_id = item.get("trunk_id")
        if not isinstance(target, str) or not target:
            raise invalid(f"{where}.destination")
        if not isinstance(priority, int) or isinstance(priority, bool) or priority < 1:
            raise invalid(f"{where}.priority")
        if transport not in (1, 4, 5) or isinstance(transport, bool):
            raise invalid(f"{where}.transport")
        if trunk_id is not None and (not isinstance(trunk_id, int) or isinstance(trunk_id, bool)):
            raise invalid(f"{where}.trunk_id")
        if transport == 1 and not _SIP_URI.match(target):
            raise ApiError(400, f"Invalid SIP URI {target!r} in {where}.destination")
        if transport == 4 and not _PSTN.match(target):
            raise ApiError(400, f"Invalid phone number {target!r} in {where}.destination")
        if transport in (1, 4) and trunk_id is not None:
            raise invalid(f"{where}.trunk_id")
        if transport == 5:
            trunk = world.trunks.get(trunk_id) if trunk_id is not None else None
            if trunk is None:
                raise invalid(f"{where}.trunk_id")
            if target != trunk.name:
                raise ApiError(400, f"{where}.destination must be the SIP trunk login {trunk.name!r}")
        specs.append((target.removeprefix("+") if transport == 4 else target, priority, transport, trunk_id))
    return specs


# -- SIP trunks ------------------------------------------------------------------------------------


def list_trunks(world: World, request: EmulatorRequest) -> Answer:
    page, pagination = paginate(request, sorted(world.trunks.values(), key=lambda t: t.id))
    return 200, {"sip_trunks": [render.trunk_summary(t) for t in page], "pagination": pagination}


def get_trunk(world: World, request: EmulatorRequest, id: str) -> Answer:
    return 200, render.trunk_detail(world.trunk(id))


ROUTES: tuple[tuple[str, str, Handler, str], ...] = (
    ("GET", "/v1/buy/countries", list_countries, "buy.countries"),
    ("GET", "/v1/buy/countries/{country_id}/regions", list_regions, "buy.regions"),
    ("GET", "/v1/buy/countries/{country_id}/cities", list_cities, "buy.cities"),
    (
        "GET",
        "/v1/buy/countries/{country_id}/regions/{region_id}/cities",
        list_region_cities,
        "buy.region_cities",
    ),
    ("GET", "/v1/buy/countries/{country_id}/cities/{city_id}/dids", list_available, "buy.numbers"),
    ("GET", "/v1/buy/cart", get_cart, "cart.get"),
    ("PUT", "/v1/buy/cart", add_to_cart, "cart.add"),
    ("DELETE", "/v1/buy/cart", remove_from_cart, "cart.remove"),
    ("POST", "/v1/buy/cart/checkout", checkout, "cart.checkout"),
    ("GET", "/v1/numbers", list_numbers, "numbers.list"),
    ("PATCH", "/v1/numbers", bulk_update_numbers, "numbers.bulk_update"),
    ("DELETE", "/v1/numbers", release_numbers, "numbers.release"),
    ("GET", "/v1/numbers/{id}", get_number, "numbers.get"),
    ("PATCH", "/v1/numbers/{id}", update_number, "numbers.update"),
    ("GET", "/v1/trunks", list_trunks, "trunks.list"),
    ("GET", "/v1/trunks/{id}", get_trunk, "trunks.get"),
)
