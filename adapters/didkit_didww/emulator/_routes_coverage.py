"""Where DIDWW has numbers: ``/countries``, ``/regions`` and ``/cities``."""

from __future__ import annotations

from didkit.sandbox import EmulatorRequest, EmulatorResponse

from ._routes_common import ApiBase, RouteEntry, f_bool, f_eq, f_ieq, f_never
from ._world import lookup


class CoverageRoutes(ApiBase):
    """The geography endpoints (read-only)."""

    def coverage_routes(self) -> list[RouteEntry]:
        """``/countries``, ``/regions``, ``/cities``."""
        return [
            ("GET", "/countries", self.countries, "countries.list"),
            ("GET", "/countries/{id}", self.country, "countries.get"),
            ("GET", "/regions", self.regions, "regions.list"),
            ("GET", "/regions/{id}", self.region, "regions.get"),
            ("GET", "/cities", self.cities, "cities.list"),
            ("GET", "/cities/{id}", self.city, "cities.get"),
        ]

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
