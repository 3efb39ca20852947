"""What numbers can be bought: ``/did_group_types`` (2026-04-16 only), ``/did_groups``,
``/nanpa_prefixes`` and ``/available_dids`` (403 while the account is denied them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from didkit.sandbox import EmulatorRequest, EmulatorResponse

from . import _errors as err
from ._jsonapi import apply_sort, parse_bool, parse_int
from ._routes_common import (
    ApiBase,
    FilterSpec,
    Predicate,
    RouteEntry,
    apply_filters,
    f_bool,
    f_contains,
    f_eq,
    f_features,
    f_ieq,
    f_never,
    respond,
)
from ._world import AvailableDid, DidGroup, lookup

AVAILABLE_DIDS_CAP = 100


class InventoryRoutes(ApiBase):
    """The number inventory endpoints (read-only)."""

    def inventory_routes(self) -> list[RouteEntry]:
        """``/did_group_types``, ``/did_groups``, ``/nanpa_prefixes``, ``/available_dids``."""
        return [
            ("GET", "/did_group_types", self.did_group_types, "did_group_types.list"),
            ("GET", "/did_group_types/{id}", self.did_group_type, "did_group_types.get"),
            ("GET", "/did_groups", self.did_groups, "did_groups.list"),
            ("GET", "/did_groups/{id}", self.did_group, "did_groups.get"),
            ("GET", "/nanpa_prefixes", self.nanpa_prefixes, "nanpa_prefixes.list"),
            ("GET", "/nanpa_prefixes/{id}", self.nanpa_prefix, "nanpa_prefixes.get"),
            ("GET", "/available_dids", self.available_dids, "available_dids.list"),
            ("GET", "/available_dids/{id}", self.available_did, "available_dids.get"),
        ]

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

    # -- DID groups and available DIDs

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
