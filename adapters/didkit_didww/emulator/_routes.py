"""The DIDWW API v3 endpoints the emulator answers, as the 2026-04-16 spec documents them, and as
2026-11-19 changes them (per request, in the version the request is served in: see
``DidwwEmulator.authenticate``)."""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from operator import attrgetter
from typing import Any, Protocol

from didkit.sandbox import BadRequestBody, EmulatorRequest, EmulatorResponse, Route

from . import _errors as err
from ._errors import ApiError
from ._jsonapi import Query, Renderer, ResourceType, apply_sort, parse_bool, parse_int, parse_query
from ._world import (
    FEATURES,
    NEW_VERSION,
    RESERVATION_LIMIT,
    RESERVATION_TTL,
    SIP_DEFAULTS,
    AvailableDid,
    Did,
    DidGroup,
    Order,
    OrderItem,
    Reservation,
    Trunk,
    TrunkGroup,
    World,
    lookup,
    ruby_decimal,
)

MEDIA_TYPE = "application/vnd.api+json"
AVAILABLE_DIDS_CAP = 100
NEW_PAGE_SIZE_MAX = 100
"""``page[size]`` maximum of 2026-11-19 on most collections (cities and areas: 1000)."""

Predicate = Callable[[Any], bool]
FilterSpec = Callable[[str, list[str]], Predicate]


class Host(Protocol):
    """What the handlers need from the emulator."""

    world: World
    order_pending_polls: int
    back_orders: str
    served_version: str

    @property
    def registry(self) -> dict[str, ResourceType]: ...


# -- filters ------------------------------------------------------------------------------------


def f_eq(get: Callable[[Any], Any]) -> FilterSpec:
    return lambda _name, values: lambda o: get(o) in values


def f_ieq(get: Callable[[Any], str | None]) -> FilterSpec:
    def make(_name: str, values: list[str]) -> Predicate:
        wanted = {v.lower() for v in values}
        return lambda o: (get(o) or "").lower() in wanted

    return make


def f_contains(get: Callable[[Any], str | None]) -> FilterSpec:
    def make(_name: str, values: list[str]) -> Predicate:
        return lambda o: any(v.lower() in (get(o) or "").lower() for v in values)

    return make


def f_bool(get: Callable[[Any], bool]) -> FilterSpec:
    def make(name: str, values: list[str]) -> Predicate:
        wanted = parse_bool(name, values)
        return lambda o: get(o) == wanted

    return make


def f_features(get: Callable[[Any], list[str]]) -> FilterSpec:
    def make(name: str, values: list[str]) -> Predicate:
        for value in values:
            if value not in FEATURES:
                raise err.invalid_filter_value(name, value)
        return lambda o: set(values) <= set(get(o))

    return make


def f_never(_name: str, _values: list[str]) -> Predicate:
    """A filter on something the emulator does not model (nothing is ever linked to it)."""
    return lambda _o: False


def apply_filters(objects: list[Any], query: Query, specs: Mapping[str, FilterSpec]) -> list[Any]:
    predicates = [specs[name](name, values) for name, values in query.filters.items()]
    return [o for o in objects if all(p(o) for p in predicates)]


# -- request bodies -----------------------------------------------------------------------------


def _resource_data(
    request: EmulatorRequest, type_: str, *, ident: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(attributes, relationships)`` of a request document, checked as JSONAPI::Resources does."""
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != MEDIA_TYPE:
        raise err.unsupported_media_type(content_type)
    body = request.json()
    if not isinstance(body, dict) or "data" not in body:
        raise err.param_missing("data")
    data = body["data"]
    if not isinstance(data, dict):
        raise err.ApiError.one(400, "Invalid data format", "Data must be a hash.", "122")
    for key in data:
        if key not in ("type", "id", "attributes", "relationships") or (key == "id" and ident is None):
            raise err.param_not_allowed(key)
    if "type" not in data:
        raise err.param_missing("type")
    if data["type"] != type_:
        raise err.type_mismatch(data["type"])
    if ident is not None:
        if "id" not in data:
            raise err.param_missing("id")
        if data["id"] != ident:
            raise err.key_not_in_url(str(data["id"]))
    attributes = data.get("attributes") or {}
    relationships = data.get("relationships") or {}
    if not isinstance(attributes, dict) or not isinstance(relationships, dict):
        raise err.ApiError.one(400, "Invalid data format", "Data must be a hash.", "122")
    return attributes, relationships


def _only(section: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for key in section:
        if key not in allowed:
            raise err.param_not_allowed(key)


def _linkage(relationships: Mapping[str, Any], name: str, type_: str) -> tuple[bool, str | None]:
    """``(given, id)`` for a to-one relationship in a request (``id`` None: cleared)."""
    if name not in relationships:
        return False, None
    rel = relationships[name]
    if not isinstance(rel, dict) or "data" not in rel:
        raise err.ApiError.one(400, "Invalid Links Object", "Data is not a valid Links Object.", "115")
    data = rel["data"]
    if data is None:
        return True, None
    if not isinstance(data, dict) or "id" not in data or "type" not in data:
        raise err.ApiError.one(400, "Invalid Links Object", "Data is not a valid Links Object.", "115")
    if data["type"] != type_:
        raise err.type_mismatch(data["type"])
    return True, str(data["id"])


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_attr(
    attrs: Mapping[str, Any], name: str, *, nullable: bool, minimum: int = 0, maximum: int | None = None,
    pointer: str | None = None,
) -> int | None:
    value = attrs[name]
    if value is None and nullable:
        return None
    if not _is_int(value):
        raise err.invalid(name, "is not a number", pointer=pointer)
    if value < minimum:
        raise err.invalid(name, f"must be greater than or equal to {minimum}", pointer=pointer)
    if maximum is not None and value > maximum:
        raise err.invalid(name, f"must be less than or equal to {maximum}", pointer=pointer)
    return int(value)


def _str_attr(attrs: Mapping[str, Any], name: str, *, nullable: bool, pointer: str | None = None) -> str | None:
    value = attrs[name]
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise err.invalid(name, "is invalid", pointer=pointer)
    return value


def _bool_attr(attrs: Mapping[str, Any], name: str) -> bool:
    value = attrs[name]
    if not isinstance(value, bool):
        raise err.invalid(name, "is invalid")
    return value


_SIP_KINDS: dict[str, str | tuple[str, ...]] = {
    "username": "str?", "host": "str?", "port": "int?", "codec_ids": "int[]",
    "rx_dtmf_format_id": "int?", "tx_dtmf_format_id": "int?", "resolve_ruri": "bool",
    "auth_enabled": "bool", "auth_user": "str?", "auth_password": "str?", "auth_from_user": "str?",
    "auth_from_domain": "str?", "sst_enabled": "bool", "sst_min_timer": "int?", "sst_max_timer": "int?",
    "sst_accept_501": "bool", "sip_timer_b": "int?", "dns_srv_failover_timer": "int?", "rtp_ping": "bool?",
    "rtp_timeout": "int?", "force_symmetric_rtp": "bool?", "symmetric_rtp_ignore_rtcp": "bool?",
    "rerouting_disconnect_code_ids": "int[]?", "sst_session_expires": "int?", "sst_refresh_method_id": "int",
    "transport_protocol_id": ("1", "2", "3"), "max_transfers": "int", "max_30x_redirects": "int",
    "media_encryption_mode": ("disabled", "srtp_sdes", "srtp_dtls", "zrtp"),
    "stir_shaken_mode": ("disabled", "original", "pai", "original_pai", "verstat"),
    "allowed_rtp_ips": "str[]?",
    "network_protocol_priority": ("force_ipv4", "force_ipv6", "any", "prefer_ipv4", "prefer_ipv6"),
    "enabled_sip_registration": "bool", "use_did_in_ruri": "bool",
    "diversion_relay_policy": ("none", "as_is", "sip", "tel"),
    "diversion_inject_mode": ("none", "did_number"), "cnam_lookup": "bool",
}


def _kind_ok(kind: str | tuple[str, ...], value: Any) -> bool:
    if isinstance(kind, tuple):
        return str(value) in kind and (isinstance(value, str) or _is_int(value))
    if kind.endswith("?"):
        if value is None:
            return True
        kind = kind[:-1]
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return _is_int(value)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int[]":
        return isinstance(value, list) and all(_is_int(v) for v in value)
    if kind == "str[]":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return False  # pragma: no cover


# -- the API ------------------------------------------------------------------------------------


class DidwwApi:
    """Route handlers over the emulator's world."""

    def __init__(self, host: Host) -> None:
        self.host = host

    @property
    def world(self) -> World:
        return self.host.world

    # -- plumbing

    def routes(self) -> list[Route]:
        table: list[tuple[str, str, Callable[..., EmulatorResponse], str]] = [
            ("GET", "/balance", self.balance, "balance.get"),
            ("GET", "/countries", self.countries, "countries.list"),
            ("GET", "/countries/{id}", self.country, "countries.get"),
            ("GET", "/regions", self.regions, "regions.list"),
            ("GET", "/regions/{id}", self.region, "regions.get"),
            ("GET", "/cities", self.cities, "cities.list"),
            ("GET", "/cities/{id}", self.city, "cities.get"),
            ("GET", "/did_group_types", self.did_group_types, "did_group_types.list"),
            ("GET", "/did_group_types/{id}", self.did_group_type, "did_group_types.get"),
            ("GET", "/did_groups", self.did_groups, "did_groups.list"),
            ("GET", "/did_groups/{id}", self.did_group, "did_groups.get"),
            ("GET", "/nanpa_prefixes", self.nanpa_prefixes, "nanpa_prefixes.list"),
            ("GET", "/nanpa_prefixes/{id}", self.nanpa_prefix, "nanpa_prefixes.get"),
            ("GET", "/available_dids", self.available_dids, "available_dids.list"),
            ("GET", "/available_dids/{id}", self.available_did, "available_dids.get"),
            ("GET", "/did_reservations", self.reservations, "did_reservations.list"),
            ("POST", "/did_reservations", self.create_reservation, "did_reservations.create"),
            ("GET", "/did_reservations/{id}", self.reservation, "did_reservations.get"),
            ("DELETE", "/did_reservations/{id}", self.delete_reservation, "did_reservations.delete"),
            ("GET", "/orders", self.orders, "orders.list"),
            ("POST", "/orders", self.create_order, "orders.create"),
            ("GET", "/orders/{id}", self.order, "orders.get"),
            ("PATCH", "/orders/{id}", self.update_order, "orders.update"),
            ("DELETE", "/orders/{id}", self.cancel_order, "orders.delete"),
            ("GET", "/dids", self.dids, "dids.list"),
            ("GET", "/dids/{id}", self.did, "dids.get"),
            ("PATCH", "/dids/{id}", self.update_did, "dids.update"),
            ("GET", "/voice_in_trunks", self.trunks, "voice_in_trunks.list"),
            ("POST", "/voice_in_trunks", self.create_trunk, "voice_in_trunks.create"),
            ("GET", "/voice_in_trunks/{id}", self.trunk, "voice_in_trunks.get"),
            ("PATCH", "/voice_in_trunks/{id}", self.update_trunk, "voice_in_trunks.update"),
            ("DELETE", "/voice_in_trunks/{id}", self.delete_trunk, "voice_in_trunks.delete"),
            ("GET", "/voice_in_trunk_groups", self.trunk_groups, "voice_in_trunk_groups.list"),
            ("POST", "/voice_in_trunk_groups", self.create_trunk_group, "voice_in_trunk_groups.create"),
            ("GET", "/voice_in_trunk_groups/{id}", self.trunk_group, "voice_in_trunk_groups.get"),
            ("PATCH", "/voice_in_trunk_groups/{id}", self.update_trunk_group, "voice_in_trunk_groups.update"),
            ("DELETE", "/voice_in_trunk_groups/{id}", self.delete_trunk_group, "voice_in_trunk_groups.delete"),
        ]
        return [Route(method, pattern, self._guard(fn), name=name) for method, pattern, fn, name in table]

    def _guard(self, fn: Callable[..., EmulatorResponse]) -> Callable[..., EmulatorResponse]:
        def handler(request: EmulatorRequest, **params: str) -> EmulatorResponse:
            try:
                self.world.expire_reservations()
                return fn(request, **params)
            except ApiError as exc:
                return respond(exc.document(), exc.status)
            except BadRequestBody as exc:
                return respond(err.bad_request(str(exc)).document(), 400)

        handler.__name__ = getattr(fn, "__name__", "handler")
        return handler

    @property
    def new(self) -> bool:
        """Whether the request is served as 2026-11-19 (or later)."""
        return self.host.served_version >= NEW_VERSION

    def renderer(self, request: EmulatorRequest) -> Renderer:
        return Renderer(self.host.registry, base_url(request), self.host.served_version)

    def query(self, request: EmulatorRequest, root: str, **kwargs: Any) -> Query:
        if self.new and root not in ("cities", "areas"):  # 2026-11-19: max 100, but 1000 on cities and areas
            kwargs.setdefault("page_size_max", NEW_PAGE_SIZE_MAX)
        return parse_query(request, self.host.registry, root, **kwargs)

    def only_before_new(self) -> None:
        """Endpoints 2026-11-19 removed (``/did_group_types``) are unknown routes there."""
        if self.new:
            raise err.http_error(404, "Not found")

    def only_new(self) -> None:
        """Endpoints 2026-11-19 added (``/sms_trunks`` ...) are unknown routes before it."""
        if not self.new:
            raise err.http_error(404, "Not found")

    def show(self, request: EmulatorRequest, type_: str, obj: Any, includes: tuple[str, ...] = (),
             status: int = 200, meta: Mapping[str, Any] | None = None) -> EmulatorResponse:
        query = self.query(request, type_, includes=includes)
        return respond(self.renderer(request).document(type_, obj, query, meta=meta), status)

    def listing(
        self, request: EmulatorRequest, type_: str, objects: list[Any], *,
        filters: Mapping[str, FilterSpec], includes: tuple[str, ...] = (),
        sorts: Mapping[str, Callable[[Any], Any]] | None = None, paginated: bool = True,
        before: Callable[[list[Any], Query], None] | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> EmulatorResponse:
        sorts = sorts or {}
        query = self.query(request, type_, filters=filters.keys(), includes=includes, sorts=sorts.keys(),
                           paginated=paginated)
        if before is not None:
            before(objects, query)
        found = apply_sort(apply_filters(objects, query, filters), query.sort, sorts)
        renderer = self.renderer(request)
        if paginated:
            return respond(renderer.page(type_, found, query, request, f"/{type_}", meta=meta))
        return respond(renderer.document(type_, found, query, meta=meta))

    # -- account

    def balance(self, request: EmulatorRequest) -> EmulatorResponse:
        self.query(request, "balances")
        balance = _Singleton(self.world.balance_id)
        return respond(self.renderer(request).document("balances", balance))

    # -- coverage

    def countries(self, request: EmulatorRequest) -> EmulatorResponse:
        w = self.world
        stocked = {g.country_id for g in w.groups.values() if w.group_stock(g.id)}
        return self.listing(
            request, "countries", list(w.countries.values()),
            filters={
                "id": f_eq(lambda c: c.id), "iso": f_ieq(lambda c: c.iso), "name": f_ieq(lambda c: c.name),
                "prefix": f_eq(lambda c: c.prefix), "is_available": f_bool(lambda c: c.id in stocked),
            },
            includes=("regions",),
            sorts={"iso": lambda c: c.iso, "name": lambda c: c.name, "prefix": lambda c: c.prefix},
            paginated=False,
        )

    def country(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        return self.show(request, "countries", lookup(self.world.countries, id), ("regions",))

    def regions(self, request: EmulatorRequest) -> EmulatorResponse:
        return self.listing(
            request, "regions", list(self.world.regions.values()),
            filters={
                "country.id": f_eq(lambda r: r.country_id), "id": f_eq(lambda r: r.id),
                "iso": f_ieq(lambda r: r.iso), "name": f_ieq(lambda r: r.name),
            },
            includes=("country",),
            sorts={"iso": lambda r: r.iso, "name": lambda r: r.name},
            paginated=False,
        )

    def region(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        return self.show(request, "regions", lookup(self.world.regions, id), ("country",))

    def cities(self, request: EmulatorRequest) -> EmulatorResponse:
        w = self.world
        stocked = {g.city_id for g in w.groups.values() if w.group_stock(g.id)}
        return self.listing(
            request, "cities", list(w.cities.values()),
            filters={
                "area.id": f_never, "country.id": f_eq(lambda c: c.country_id), "id": f_eq(lambda c: c.id),
                "is_available": f_bool(lambda c: c.id in stocked), "name": f_ieq(lambda c: c.name),
                "region.id": f_eq(lambda c: c.region_id),
            },
            includes=("country", "region", "area"),
            sorts={"name": lambda c: c.name},
        )

    def city(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        return self.show(request, "cities", lookup(self.world.cities, id), ("country", "region", "area"))

    def did_group_types(self, request: EmulatorRequest) -> EmulatorResponse:
        self.only_before_new()
        return self.listing(
            request, "did_group_types", list(self.world.group_types.values()),
            filters={"id": f_eq(lambda t: t.id), "name": f_ieq(lambda t: t.name)},
            sorts={"name": lambda t: t.name},
        )

    def did_group_type(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        self.only_before_new()
        return self.show(request, "did_group_types", lookup(self.world.group_types, id))

    # -- DID groups and inventory

    _GROUP_INCLUDES = ("country", "city", "did_group_type", "region", "stock_keeping_units", "address_requirement")

    def did_groups(self, request: EmulatorRequest) -> EmulatorResponse:
        w = self.world

        def stock(g: DidGroup) -> int:
            return len(w.group_stock(g.id))

        def count_gteq(name: str, values: list[str]) -> Predicate:
            minimum = parse_int(name, values)
            return lambda g: stock(g) >= minimum

        def npanxx(name: str, values: list[str]) -> Predicate:
            for value in values:
                if len(value) != 6 or not value.isdigit():
                    raise err.invalid_filter_value(name, value)
            return lambda g: g.prefix.startswith("1") and any(
                a.number.startswith("1" + v) for v in values for a in w.group_stock(g.id)
            )

        filters: dict[str, FilterSpec] = {
            "allow_additional_channels": f_bool(lambda g: g.allow_additional_channels),
            "area_name": f_contains(lambda g: g.area_name),
            "available_dids_enabled": f_bool(lambda g: g.available_dids_enabled),
            "city.id": f_eq(lambda g: g.city_id),
            "country.id": f_eq(lambda g: g.country_id),
        }
        sorts: dict[str, Callable[[Any], Any]] = {}
        if self.new:  # did_group_type gives way to the number_type attribute (naming it is a 400)
            filters["number_type"] = f_ieq(w.number_type)
            filters["is_demo"] = f_bool(lambda g: False)
            sorts["number_type"] = w.number_type
            sorts["is_demo"] = lambda g: False
        else:
            filters["did_group_type.id"] = f_eq(lambda g: g.type_id)
            sorts["did_group_type.name"] = lambda g: w.group_types[g.type_id].name
        return self.listing(
            request, "did_groups", list(w.groups.values()),
            filters={
                **filters,
                "features": f_features(lambda g: g.features),
                "id": f_eq(lambda g: g.id),
                "is_available": f_bool(lambda g: stock(g) > 0),
                "is_metered": f_bool(lambda g: g.is_metered),
                "meta.total_count_gteq": count_gteq,
                "nanpa_prefix.id": f_never,
                "nanpa_prefix.npanxx": npanxx,
                "needs_registration": f_bool(lambda g: g.needs_registration),
                "prefix": f_eq(lambda g: g.prefix),
                "region.id": f_eq(lambda g: g.region_id),
            },
            includes=self._GROUP_INCLUDES,
            sorts={
                "allow_additional_channels": lambda g: g.allow_additional_channels,
                "area_name": lambda g: g.area_name,
                "country.name": lambda g: w.countries[g.country_id].name,
                **sorts,
                "is_metered": lambda g: g.is_metered,
                "prefix": lambda g: g.prefix,
                "service_restrictions": lambda g: g.service_restrictions,
            },
        )

    def did_group(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        return self.show(request, "did_groups", lookup(self.world.groups, id), self._GROUP_INCLUDES)

    def _listed(self) -> list[AvailableDid]:
        """Numbers /available_dids shows: in stock, unreserved, of groups that allow picking."""
        w = self.world
        return [a for g in w.groups.values() if g.available_dids_enabled for a in w.group_stock(g.id)]

    def _available_dids_allowed(self) -> None:
        if getattr(self.host, "available_dids_denied", False):
            raise err.ApiError.one(403, "Forbidden", "Access for Customer is Denied", "403")

    def available_dids(self, request: EmulatorRequest) -> EmulatorResponse:
        self._available_dids_allowed()
        w = self.world

        def group(a: AvailableDid) -> DidGroup:
            return w.groups[a.group_id]

        def contains(name: str, values: list[str]) -> Predicate:
            return lambda a: any(v in a.number for v in values)

        filters: dict[str, FilterSpec] = {
            "city.id": f_eq(lambda a: group(a).city_id),
            "country.id": f_eq(lambda a: group(a).country_id),
            "did_group.features": f_features(lambda a: group(a).features),
            "did_group.id": f_eq(lambda a: a.group_id),
            "did_group.needs_registration": f_bool(lambda a: group(a).needs_registration),
            "id": f_eq(lambda a: a.id),
            "nanpa_prefix.id": f_never,
            "number_contains": contains,
            "region.id": f_eq(lambda a: group(a).region_id),
        }
        if self.new:
            filters["did_group.number_type"] = f_ieq(lambda a: w.number_type(group(a)))
        else:
            filters["did_group_type.id"] = f_eq(lambda a: group(a).type_id)
        query = self.query(request, "available_dids", filters=filters.keys(),
                           includes=("did_group", "nanpa_prefix"), sorts=("number",))
        digits = query.filters.get("number_contains")
        coverage = {"city.id", "country.id", "did_group.id", "region.id", "id"} & query.filters.keys()
        if digits is not None:
            for value in digits:
                if not value.isdigit() or (len(value) < 3 and not coverage):
                    raise err.invalid_filter_value("number_contains", value)
        found = apply_sort(apply_filters(self._listed(), query, filters), query.sort,
                           {"number": lambda a: a.number})
        doc = self.renderer(request).document(
            "available_dids", found[:AVAILABLE_DIDS_CAP], query, meta={"total_count": len(found)}
        )
        return respond(doc)

    def available_did(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        self._available_dids_allowed()
        available = lookup(self.world.available, id)
        if not self.world.groups[available.group_id].available_dids_enabled:
            raise err.not_found(id)
        return self.show(request, "available_dids", available, ("did_group", "nanpa_prefix"))

    # -- NANPA prefixes

    def nanpa_prefixes(self, request: EmulatorRequest) -> EmulatorResponse:
        w = self.world

        def stocked(name: str, values: list[str]) -> Predicate:
            wanted = parse_bool(name, values)
            return lambda p: wanted  # every listed prefix has numbers in stock

        def features(name: str, values: list[str]) -> Predicate:
            wanted = {f for v in values for f in v.split(",")}

            def has(p: Any) -> bool:
                groups = {a.group_id for a in w.available.values() if w.nanpa_of(a) == p.id}
                return any(wanted <= set(w.groups[g].features) for g in groups)

            return has

        return self.listing(
            request, "nanpa_prefixes", sorted(w.nanpa_prefixes().values(), key=lambda p: p.npanxx),
            filters={
                "country.id": f_eq(lambda p: p.country_id),
                "did_group.features": features,
                "did_group.is_available": stocked,
                "id": f_eq(lambda p: p.id),
                "npa": f_eq(lambda p: p.npa),
                "npanxx": f_eq(lambda p: p.npanxx),
                "nxx": f_eq(lambda p: p.nxx),
                "region.id": f_eq(lambda p: p.region_id),
            },
            includes=("country", "region"),
            sorts={"npa": lambda p: p.npa, "nxx": lambda p: p.nxx},
        )

    def nanpa_prefix(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        return self.show(request, "nanpa_prefixes", lookup(self.world.nanpa_prefixes(), id), ("country", "region"))

    # -- reservations

    def _reservation_meta(self) -> dict[str, Any]:
        return {"available_count": max(0, RESERVATION_LIMIT - len(self.world.reservations))}

    def reservations(self, request: EmulatorRequest) -> EmulatorResponse:
        return self.listing(
            request, "did_reservations", list(self.world.reservations.values()),
            filters={"description": f_contains(lambda r: r.description), "id": f_eq(lambda r: r.id)},
            includes=("available_did",),
            sorts={"created_at": lambda r: r.created_at, "description": lambda r: r.description,
                   "expire_at": lambda r: r.expires_at, "expires_at": lambda r: r.expires_at},
            meta=self._reservation_meta(),
        )

    def reservation(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        return self.show(request, "did_reservations", lookup(self.world.reservations, id), ("available_did",),
                         meta=self._reservation_meta())

    def create_reservation(self, request: EmulatorRequest) -> EmulatorResponse:
        w = self.world
        attributes, relationships = _resource_data(request, "did_reservations")
        _only(attributes, ("description",))
        _only(relationships, ("available_did",))
        description = _str_attr(attributes, "description", nullable=True) if "description" in attributes else None
        given, available_id = _linkage(relationships, "available_did", "available_dids")
        pointer = "/data/relationships/available_did"
        if not given or available_id is None:
            raise err.invalid("available_did", "can't be blank", pointer=pointer)
        available = w.available.get(available_id)
        if available is None or not w.groups[available.group_id].available_dids_enabled:
            raise err.invalid("available_did", "is invalid", pointer=pointer)
        if w.reservation_for(available.id) is not None:
            raise err.invalid("available_did", "has already been reserved", pointer=pointer)
        if len(w.reservations) >= RESERVATION_LIMIT:
            raise err.invalid("base", "Reservations limit reached", pointer="/data")
        now = w.clock()
        reservation = Reservation(w.new_id(), available.id, description, now, now + RESERVATION_TTL)
        w.reservations[reservation.id] = reservation
        return self.show(request, "did_reservations", reservation, ("available_did",), status=201)

    def delete_reservation(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        lookup(self.world.reservations, id)
        del self.world.reservations[id]
        return EmulatorResponse.empty(204)

    # -- orders

    def orders(self, request: EmulatorRequest) -> EmulatorResponse:
        def moment(name: str, values: list[str]) -> datetime:
            try:
                parsed = datetime.fromisoformat(values[0].replace("Z", "+00:00"))
            except ValueError:
                raise err.invalid_filter_value(name, values[0]) from None
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=self.world.clock().tzinfo)

        def gteq(name: str, values: list[str]) -> Predicate:
            bound = moment(name, values)
            return lambda o: o.created_at >= bound

        def lteq(name: str, values: list[str]) -> Predicate:
            bound = moment(name, values)
            return lambda o: o.created_at <= bound

        filters: dict[str, FilterSpec] = {
            "created_at_gteq": gteq,
            "created_at_lteq": lteq,
            "external_reference_id": f_eq(lambda o: o.external_reference_id),
            "id": f_eq(lambda o: o.id),
            "reference": f_eq(lambda o: o.reference),
            "status": f_ieq(lambda o: o.status),
        }

        def poll(orders: list[Any], query: Query) -> None:
            # every GET that shows a pending order is one poll of it
            others = {k: v for k, v in filters.items() if k != "status"}
            narrowed = Query({k: v for k, v in query.filters.items() if k != "status"}, {}, [], 1, 50, False)
            for order in apply_filters(orders, narrowed, others):
                self.world.advance(order, self.host.back_orders)

        return self.listing(
            request, "orders", list(self.world.orders.values()),
            filters=filters,
            sorts={"amount": lambda o: o.amount, "created_at": lambda o: o.created_at,
                   "external_reference_id": lambda o: o.external_reference_id,
                   "reference": lambda o: o.reference, "status": lambda o: o.status},
            before=poll,
        )

    def order(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        order = lookup(self.world.orders, id)
        query = self.query(request, "orders")
        self.world.advance(order, self.host.back_orders)
        return respond(self.renderer(request).document("orders", order, query))

    def update_order(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        order = lookup(self.world.orders, id)
        attributes, relationships = _resource_data(request, "orders", ident=id)
        _only(attributes, ("external_reference_id",))
        _only(relationships, ())
        if "external_reference_id" in attributes:
            order.external_reference_id = _str_attr(attributes, "external_reference_id", nullable=True)
        return self.show(request, "orders", order)

    def cancel_order(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        w = self.world
        order = lookup(w.orders, id)
        if order.status != "pending":
            raise err.invalid("status", f"order is {order.status} and can't be cancelled", pointer="/data")
        for item in order.items:
            for number in item.numbers:
                available = AvailableDid(w.new_id(), number, item.group_id)
                w.available[available.id] = available
        w.balance += order.amount
        order.status = "canceled"
        return EmulatorResponse.empty(204)

    def create_order(self, request: EmulatorRequest) -> EmulatorResponse:
        w = self.world
        attributes, relationships = _resource_data(request, "orders")
        _only(attributes, ("items", "allow_back_ordering", "callback_url", "callback_method",
                           "external_reference_id"))
        _only(relationships, ())
        if "items" not in attributes:
            raise err.param_missing("items")
        raw_items = attributes["items"]
        if not isinstance(raw_items, list) or not raw_items:
            raise err.invalid_field_value("items", raw_items)
        back_ordering = _bool_attr(attributes, "allow_back_ordering") if "allow_back_ordering" in attributes \
            else False
        callback_url = _str_attr(attributes, "callback_url", nullable=True) if "callback_url" in attributes \
            else None
        callback_method = None
        if attributes.get("callback_method") is not None:
            callback_method = str(attributes["callback_method"])
            if callback_method not in ("get", "post"):
                raise err.invalid_field_value("callback_method", callback_method)
        reference = _str_attr(attributes, "external_reference_id", nullable=True) \
            if "external_reference_id" in attributes else None

        items: list[OrderItem] = []
        picks: list[list[AvailableDid]] = []
        chosen: set[str] = set()
        back_ordered = False
        for index, raw in enumerate(raw_items):
            where = f"/data/attributes/items/{index}"
            if not isinstance(raw, dict) or "type" not in raw:
                raise err.param_missing("type")
            if raw["type"] != "did_order_items":
                raise err.invalid_field_value("type", raw["type"])
            _only(raw, ("type", "attributes"))
            item = raw.get("attributes") or {}
            if not isinstance(item, dict):
                raise err.invalid_field_value("attributes", item)
            _only(item, ("sku_id", "qty", "did_reservation_id", "available_did_id", "nanpa_prefix_id",
                         "billing_cycles_count"))
            if "sku_id" not in item:
                raise err.param_missing("sku_id")
            sku = w.skus.get(str(item["sku_id"]))
            if sku is None:
                raise err.invalid("sku", "is invalid", pointer=f"{where}/attributes/sku_id", status=400)
            group = w.groups[sku.group_id]
            ways = [k for k in ("qty", "available_did_id", "did_reservation_id") if k in item]
            if len(ways) != 1:
                raise err.ApiError.one(
                    400, "Invalid order item",
                    "Supply exactly one of qty, available_did_id or did_reservation_id with sku_id.",
                    "100", pointer=where,
                )
            nanpa: str | None = None
            if "nanpa_prefix_id" in item:
                nanpa = str(item["nanpa_prefix_id"])
                if ways[0] != "qty" or nanpa not in w.nanpa_prefixes():
                    raise err.invalid("nanpa_prefix", "is invalid", pointer=f"{where}/attributes/nanpa_prefix_id",
                                      status=400)
            cycles = None
            if "billing_cycles_count" in item:
                cycles = _int_attr(item, "billing_cycles_count", nullable=True, minimum=1,
                                   pointer=f"{where}/attributes/billing_cycles_count")
            taken: list[AvailableDid] = []
            if ways[0] == "qty":
                qty = item["qty"]
                if not _is_int(qty) or qty < 1:
                    raise err.invalid_field_value("qty", qty)
                stock = [a for a in w.group_stock(group.id)
                         if a.id not in chosen and (nanpa is None or w.nanpa_of(a) == nanpa)]
                if len(stock) < qty:
                    if not back_ordering:
                        raise err.ApiError.one(
                            400, "Insufficient stock",
                            f"did_group - only {len(stock)} DIDs of {group.area_name} ({group.prefix}) are "
                            f"available, {qty} requested",
                            "100", pointer=f"{where}/attributes/qty",
                        )
                    back_ordered = True
                taken = stock[:qty]  # a back-order takes what is in stock now and waits for the rest
            elif ways[0] == "available_did_id":
                qty = 1
                available = w.available.get(str(item["available_did_id"]))
                if available is None or available.group_id != group.id or available.id in chosen:
                    raise err.invalid("available_did", "is not available",
                                      pointer=f"{where}/attributes/available_did_id", status=400)
                taken = [available]
            else:
                qty = 1
                held = w.reservations.get(str(item["did_reservation_id"]))
                available = w.available.get(held.available_did_id) if held else None
                if available is None or available.group_id != group.id or available.id in chosen:
                    raise err.invalid("did_reservation", "is invalid",
                                      pointer=f"{where}/attributes/did_reservation_id", status=400)
                taken = [available]
            chosen.update(a.id for a in taken)
            picks.append(taken)
            items.append(OrderItem(sku.id, group.id, qty, sku.setup_price, sku.monthly_price, cycles))

        total = sum((i.qty * (i.setup_price + i.monthly_price) for i in items), Decimal("0"))
        if total > w.balance + w.credit:
            raise err.ApiError.one(
                400, "Insufficient balance", "Insufficient balance.", "400",
                meta={"total_cost": ruby_decimal(total)},
            )

        # commit: charge, take the numbers out of stock, record the purchase
        w.balance -= total
        for item, taken in zip(items, picks, strict=True):
            item.numbers = [w.take_number(a) for a in taken]
            w.purchased.extend(item.numbers)
        order = Order(
            id=w.new_id(), reference=w.new_reference(), description="DID", status="pending",
            created_at=w.clock(), callback_url=callback_url, callback_method=callback_method,
            external_reference_id=reference, items=items, polls_left=self.host.order_pending_polls,
            back_ordered=back_ordered,
        )
        w.orders[order.id] = order
        if order.polls_left == 0 and not back_ordered:
            w.complete(order)
        return self.show(request, "orders", order, status=201)

    # -- DIDs

    _DID_INCLUDES = ("did_group", "order", "capacity_pool", "shared_capacity_group", "address_verification",
                     "voice_in_trunk", "voice_in_trunk_group", "emergency_calling_service",
                     "emergency_verification", "identity", "sms_trunk", "sms_trunk_group")

    def dids(self, request: EmulatorRequest) -> EmulatorResponse:
        w = self.world

        def group(d: Did) -> DidGroup:
            return w.groups[d.group_id]

        def cycles(name: str, values: list[str]) -> Predicate:
            wanted = {None if v.lower() == "null" else parse_int(name, [v]) for v in values}
            return lambda d: d.billing_cycles_count in wanted

        return self.listing(
            request, "dids", list(w.dids.values()),
            filters={
                "address_verification.id": f_never,
                "awaiting_registration": f_bool(lambda d: d.awaiting_registration),
                "billing_cycles_count": cycles,
                "blocked": f_bool(lambda d: d.blocked),
                "capacity_pool.id": f_never,
                "city.id": f_eq(lambda d: group(d).city_id),
                "country.id": f_eq(lambda d: group(d).country_id),
                "description": f_contains(lambda d: d.description),
                "did_group.features": f_features(lambda d: group(d).features),
                "did_group.id": f_eq(lambda d: d.group_id),
                "emergency_calling_service.id": f_never,
                "emergency_enabled": f_bool(lambda d: d.emergency_enabled),
                "id": f_eq(lambda d: d.id),
                "number": f_eq(lambda d: d.number),
                "order.id": f_eq(lambda d: d.order_id),
                "order.reference": f_eq(lambda d: w.orders[d.order_id].reference),
                **(
                    {
                        "sms_trunk.id": f_eq(lambda d: d.sms_trunk_id),
                        "sms_trunk_group.id": f_eq(lambda d: d.sms_trunk_group_id),
                    }
                    if self.new
                    else {"pending_removal": f_bool(lambda d: d.billing_cycles_count == 0)}
                ),
                "region.id": f_eq(lambda d: group(d).region_id),
                "shared_capacity_group.id": f_never,
                "terminated": f_bool(lambda d: d.terminated),
                "trunk.id": f_eq(lambda d: d.trunk_id),
                "trunk_group.id": f_eq(lambda d: d.trunk_group_id),
                "voice_in_trunk.id": f_eq(lambda d: d.trunk_id),
                "voice_in_trunk_group.id": f_eq(lambda d: d.trunk_group_id),
            },
            includes=self._DID_INCLUDES,
            sorts={
                "awaiting_registration": lambda d: d.awaiting_registration,
                "billing_cycles_count": lambda d: d.billing_cycles_count,
                "blocked": lambda d: d.blocked, "capacity_limit": lambda d: d.capacity_limit,
                "channels_included_count": lambda d: d.channels_included_count,
                "created_at": lambda d: d.created_at,
                "dedicated_channels_count": lambda d: d.dedicated_channels_count,
                "description": lambda d: d.description, "expires_at": lambda d: d.expires_at,
                "number": lambda d: d.number, "terminated": lambda d: d.terminated,
            },
        )

    def did(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        return self.show(request, "dids", lookup(self.world.dids, id), self._DID_INCLUDES)

    def update_did(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        w = self.world
        did = lookup(w.dids, id)
        attributes, relationships = _resource_data(request, "dids", ident=id)
        _only(attributes, ("capacity_limit", "description", "terminated", "billing_cycles_count",
                           "dedicated_channels_count"))
        _only(relationships, ("capacity_pool", "shared_capacity_group", "address_verification", "voice_in_trunk",
                              "voice_in_trunk_group", "emergency_calling_service",
                              *(("sms_trunk", "sms_trunk_group") if self.new else ())))
        changes: dict[str, Any] = {}
        if "description" in attributes:
            changes["description"] = _str_attr(attributes, "description", nullable=True)
        if "capacity_limit" in attributes:
            changes["capacity_limit"] = _int_attr(attributes, "capacity_limit", nullable=True)
        if "billing_cycles_count" in attributes:
            changes["billing_cycles_count"] = _int_attr(attributes, "billing_cycles_count", nullable=True)
        if "dedicated_channels_count" in attributes:
            changes["dedicated_channels_count"] = _int_attr(attributes, "dedicated_channels_count",
                                                            nullable=False)
        if "terminated" in attributes:
            changes["terminated"] = _bool_attr(attributes, "terminated")
        for name, type_ in (("capacity_pool", "capacity_pools"), ("shared_capacity_group", "shared_capacity_groups"),
                            ("address_verification", "address_verifications"),
                            ("emergency_calling_service", "emergency_calling_services")):
            given, ident = _linkage(relationships, name, type_)
            if given and ident is not None:  # none of these exist in the emulated account
                raise err.invalid(name, "is invalid", pointer=f"/data/attributes/{name}_id")
        trunk_given, trunk_id = _linkage(relationships, "voice_in_trunk", "voice_in_trunks")
        group_given, group_id = _linkage(relationships, "voice_in_trunk_group", "voice_in_trunk_groups")
        if trunk_id is not None and trunk_id not in w.trunks:
            raise err.invalid("voice_in_trunk", "is invalid", pointer="/data/attributes/voice_in_trunk_id")
        if group_id is not None and group_id not in w.trunk_groups:
            raise err.invalid("voice_in_trunk_group", "is invalid",
                              pointer="/data/attributes/voice_in_trunk_group_id")
        if trunk_id is not None and group_id is not None:
            raise err.invalid("voice_in_trunk_group", "can't be assigned together with voice_in_trunk",
                              pointer="/data/relationships/voice_in_trunk_group")
        sms_given, sms_id = _linkage(relationships, "sms_trunk", "sms_trunks")
        sms_group_given, sms_group_id = _linkage(relationships, "sms_trunk_group", "sms_trunk_groups")
        if sms_id is not None and sms_id not in w.sms_trunks:
            raise err.invalid("sms_trunk", "is invalid", pointer="/data/relationships/sms_trunk")
        if sms_id is not None and not w.sms_trunks[sms_id].allow_in:
            raise err.invalid("sms_trunk", "can't receive inbound messages", pointer="/data/relationships/sms_trunk")
        if sms_group_id is not None and sms_group_id not in w.sms_trunk_groups:
            raise err.invalid("sms_trunk_group", "is invalid", pointer="/data/relationships/sms_trunk_group")
        if sms_id is not None and sms_group_id is not None:
            raise err.invalid("sms_trunk_group", "can't be assigned together with sms_trunk",
                              pointer="/data/relationships/sms_trunk_group")

        # apply
        for name in ("description", "capacity_limit", "dedicated_channels_count"):
            if name in changes:
                setattr(did, name, changes[name])
        if "terminated" in changes:
            did.terminated = changes["terminated"]
            did.billing_cycles_count = 0 if did.terminated else None
        if "billing_cycles_count" in changes:
            did.billing_cycles_count = changes["billing_cycles_count"]
        if trunk_given:
            did.trunk_id = trunk_id
            if trunk_id is not None:
                did.trunk_group_id = None
        if group_given:
            did.trunk_group_id = group_id
            if group_id is not None:
                did.trunk_id = None
        # One SMS route at a time: setting either relationship replaces the other; null clears its own.
        if sms_given:
            did.sms_trunk_id = sms_id
            if sms_id is not None:
                did.sms_trunk_group_id = None
        if sms_group_given:
            did.sms_trunk_group_id = sms_group_id
            if sms_group_id is not None:
                did.sms_trunk_id = None
        return self.show(request, "dids", did, self._DID_INCLUDES)

    # -- voice-in trunks

    def trunks(self, request: EmulatorRequest) -> EmulatorResponse:
        return self.listing(
            request, "voice_in_trunks", list(self.world.trunks.values()),
            filters={
                "configuration.type": f_eq(lambda t: t.config_type),
                "external_reference_id": f_eq(lambda t: t.external_reference_id),
                "id": f_eq(lambda t: t.id), "name": f_eq(lambda t: t.name),
            },
            includes=("voice_in_trunk_group", "pop"),
            sorts={name: attrgetter(name) for name in (
                "capacity_limit", "cli_format", "cli_prefix", "created_at", "description",
                "external_reference_id", "name", "priority", "ringing_timeout", "weight")},
        )

    def trunk(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        return self.show(request, "voice_in_trunks", lookup(self.world.trunks, id), ("voice_in_trunk_group", "pop"))

    def _configuration(self, raw: Any, current: Trunk | None) -> tuple[str, dict[str, Any]]:
        pointer = "/data/attributes/configuration"
        if not isinstance(raw, dict) or "type" not in raw:
            raise err.invalid_field_value("configuration", raw)
        type_ = raw["type"]
        given = raw.get("attributes") or {}
        if type_ not in ("sip_configurations", "pstn_configurations") or not isinstance(given, dict):
            raise err.invalid_field_value("configuration", type_)
        if current is not None and current.config_type != type_:
            raise err.invalid("configuration", "type can't be changed", pointer=pointer)
        if type_ == "pstn_configurations":
            _only(given, ("dst",))
            dst = given.get("dst")
            if not dst:
                raise err.invalid("dst", "can't be blank", pointer=f"{pointer}/dst")
            if not isinstance(dst, str) or not dst.isdigit() or not 5 <= len(dst) <= 15:
                raise err.invalid("dst", "is invalid", pointer=f"{pointer}/dst")
            return type_, {"dst": dst}
        _only(given, tuple(_SIP_KINDS))
        for key, value in given.items():
            if not _kind_ok(_SIP_KINDS[key], value):
                raise err.invalid(key, "is invalid", pointer=f"{pointer}/{key}")
        config = {**SIP_DEFAULTS, **given}
        if config["enabled_sip_registration"]:
            if config["port"] is not None:
                raise err.invalid("port", "must be blank", pointer=f"{pointer}/port")
            if current is not None and current.config.get("incoming_auth_username"):
                config["incoming_auth_username"] = current.config["incoming_auth_username"]
                config["incoming_auth_password"] = current.config["incoming_auth_password"]
            else:
                rng = self.world.rng
                config["incoming_auth_username"] = "".join(rng.choice(string.ascii_lowercase) for _ in range(10))
                config["incoming_auth_password"] = "".join(
                    rng.choice(string.ascii_letters + string.digits) for _ in range(16))
        else:
            if not config["host"]:
                raise err.invalid("host", "can't be blank", pointer=f"{pointer}/host")
            if config["use_did_in_ruri"]:
                raise err.invalid("use_did_in_ruri", "requires enabled_sip_registration",
                                  pointer=f"{pointer}/use_did_in_ruri")
            config["incoming_auth_username"] = None
            config["incoming_auth_password"] = None
        if config["port"] is not None and not 1 <= config["port"] <= 65535:
            raise err.invalid("port", "is invalid", pointer=f"{pointer}/port")
        return type_, config

    _TRUNK_ATTRIBUTES = ("name", "description", "external_reference_id", "priority", "weight", "capacity_limit",
                         "cli_format", "cli_prefix", "ringing_timeout", "configuration")

    def _trunk_changes(self, attributes: Mapping[str, Any], relationships: Mapping[str, Any],
                       current: Trunk | None) -> dict[str, Any]:
        w = self.world
        _only(attributes, self._TRUNK_ATTRIBUTES)
        _only(relationships, ("voice_in_trunk_group", "pop"))
        changes: dict[str, Any] = {}
        if "name" in attributes:
            name = _str_attr(attributes, "name", nullable=True)
            if not name:
                raise err.invalid("name", "can't be blank")
            if any(t.name == name for t in w.trunks.values() if t is not current):
                raise err.invalid("name", "has already been taken")
            changes["name"] = name
        for key in ("description", "external_reference_id", "cli_format", "cli_prefix"):
            if key in attributes:
                changes[key] = _str_attr(attributes, key, nullable=True)
        for key, nullable, maximum in (("priority", False, None), ("weight", False, 65535),
                                       ("capacity_limit", True, None), ("ringing_timeout", True, 300)):
            if key in attributes:
                changes[key] = _int_attr(attributes, key, nullable=nullable, maximum=maximum)
        if "configuration" in attributes:
            changes["config_type"], changes["config"] = self._configuration(attributes["configuration"], current)
        given, group_id = _linkage(relationships, "voice_in_trunk_group", "voice_in_trunk_groups")
        if given:
            if group_id is not None and group_id not in w.trunk_groups:
                raise err.invalid("voice_in_trunk_group", "is invalid",
                                  pointer="/data/attributes/voice_in_trunk_group_id")
            changes["group_id"] = group_id
        given, pop_id = _linkage(relationships, "pop", "pops")
        if given and pop_id is not None:
            raise err.invalid("pop", "is invalid", pointer="/data/attributes/pop_id")
        return changes

    def create_trunk(self, request: EmulatorRequest) -> EmulatorResponse:
        w = self.world
        attributes, relationships = _resource_data(request, "voice_in_trunks")
        if "configuration" not in attributes:
            raise err.param_missing("configuration")
        if "name" not in attributes:
            raise err.invalid("name", "can't be blank")
        changes = self._trunk_changes(attributes, relationships, None)
        trunk = Trunk(id=w.new_id(), name=changes.pop("name"), created_at=w.clock(),
                      config_type=changes.pop("config_type"), config=changes.pop("config"))
        for key, value in changes.items():
            setattr(trunk, key, value)
        w.trunks[trunk.id] = trunk
        return self.show(request, "voice_in_trunks", trunk, ("voice_in_trunk_group", "pop"), status=201)

    def update_trunk(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        trunk = lookup(self.world.trunks, id)
        attributes, relationships = _resource_data(request, "voice_in_trunks", ident=id)
        for key, value in self._trunk_changes(attributes, relationships, trunk).items():
            setattr(trunk, key, value)
        return self.show(request, "voice_in_trunks", trunk, ("voice_in_trunk_group", "pop"))

    def delete_trunk(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        w = self.world
        lookup(w.trunks, id)
        del w.trunks[id]
        for did in w.dids.values():
            if did.trunk_id == id:
                did.trunk_id = None
        return EmulatorResponse.empty(204)

    # -- voice-in trunk groups

    def trunk_groups(self, request: EmulatorRequest) -> EmulatorResponse:
        return self.listing(
            request, "voice_in_trunk_groups", list(self.world.trunk_groups.values()),
            filters={"external_reference_id": f_eq(lambda g: g.external_reference_id), "id": f_eq(lambda g: g.id)},
            includes=("voice_in_trunks",),
            sorts={name: attrgetter(name) for name in (
                "capacity_limit", "created_at", "external_reference_id", "name")},
        )

    def trunk_group(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        return self.show(request, "voice_in_trunk_groups", lookup(self.world.trunk_groups, id),
                         ("voice_in_trunks",))

    def _group_changes(self, attributes: Mapping[str, Any], relationships: Mapping[str, Any],
                       current: TrunkGroup | None) -> tuple[dict[str, Any], list[str] | None]:
        w = self.world
        _only(attributes, ("name", "capacity_limit", "external_reference_id"))
        _only(relationships, ("voice_in_trunks",))
        changes: dict[str, Any] = {}
        if "name" in attributes:
            name = _str_attr(attributes, "name", nullable=True)
            if not name:
                raise err.invalid("name", "can't be blank")
            if any(g.name == name for g in w.trunk_groups.values() if g is not current):
                raise err.invalid("name", "has already been taken")
            changes["name"] = name
        if "capacity_limit" in attributes:
            changes["capacity_limit"] = _int_attr(attributes, "capacity_limit", nullable=True)
        if "external_reference_id" in attributes:
            changes["external_reference_id"] = _str_attr(attributes, "external_reference_id", nullable=True)
        members: list[str] | None = None
        if "voice_in_trunks" in relationships:
            rel = relationships["voice_in_trunks"]
            data = rel.get("data") if isinstance(rel, dict) else None
            if not isinstance(data, list):
                raise err.ApiError.one(400, "Invalid Links Object", "Data is not a valid Links Object.", "115")
            members = []
            for entry in data:
                if not isinstance(entry, dict) or entry.get("type") != "voice_in_trunks":
                    raise err.type_mismatch(entry.get("type") if isinstance(entry, dict) else entry)
                if entry.get("id") not in w.trunks:
                    raise err.invalid("voice_in_trunks", "is invalid", pointer="/data/relationships/voice_in_trunks")
                members.append(str(entry["id"]))
        return changes, members

    def _set_members(self, group: TrunkGroup, members: list[str] | None) -> None:
        if members is None:
            return
        for trunk in self.world.trunks.values():
            if trunk.id in members:
                trunk.group_id = group.id
            elif trunk.group_id == group.id:
                trunk.group_id = None

    def create_trunk_group(self, request: EmulatorRequest) -> EmulatorResponse:
        w = self.world
        attributes, relationships = _resource_data(request, "voice_in_trunk_groups")
        if "name" not in attributes:
            raise err.invalid("name", "can't be blank")
        changes, members = self._group_changes(attributes, relationships, None)
        group = TrunkGroup(id=w.new_id(), name=changes.pop("name"), created_at=w.clock())
        for key, value in changes.items():
            setattr(group, key, value)
        w.trunk_groups[group.id] = group
        self._set_members(group, members)
        return self.show(request, "voice_in_trunk_groups", group, ("voice_in_trunks",), status=201)

    def update_trunk_group(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        group = lookup(self.world.trunk_groups, id)
        attributes, relationships = _resource_data(request, "voice_in_trunk_groups", ident=id)
        changes, members = self._group_changes(attributes, relationships, group)
        for key, value in changes.items():
            setattr(group, key, value)
        self._set_members(group, members)
        return self.show(request, "voice_in_trunk_groups", group, ("voice_in_trunks",))

    def delete_trunk_group(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        w = self.world
        lookup(w.trunk_groups, id)
        del w.trunk_groups[id]
        for trunk in w.trunks.values():
            if trunk.group_id == id:
                trunk.group_id = None
        for did in w.dids.values():
            if did.trunk_group_id == id:
                did.trunk_group_id = None
        return EmulatorResponse.empty(204)


class _Singleton:
    """The balance: a resource with an id and nothing else of its own."""

    def __init__(self, ident: str) -> None:
        self.id = ident


def respond(document: Mapping[str, Any], status: int = 200) -> EmulatorResponse:
    return EmulatorResponse.json(dict(document), status, content_type=MEDIA_TYPE)


def base_url(request: EmulatorRequest) -> str:
    """Where links point: the host the request was sent to, under ``/v3``."""
    host = request.headers.get("host") or "api.didww.com"
    local = host.startswith(("127.", "localhost", "[::1]", "0.0.0.0"))  # noqa: S104
    return f"{'http' if local else 'https'}://{host}/v3"
