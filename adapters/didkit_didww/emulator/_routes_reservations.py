"""``/did_reservations``: holding an available number for a while before ordering it."""

from __future__ import annotations

from typing import Any

from didkit.sandbox import EmulatorRequest, EmulatorResponse

from . import _errors as err
from ._routes_common import ApiBase, RouteEntry, _linkage, _only, _resource_data, _str_attr, f_contains, f_eq
from ._world import RESERVATION_LIMIT, RESERVATION_TTL, Reservation, lookup


class ReservationRoutes(ApiBase):
    """The DID reservation endpoints."""

    def reservation_routes(self) -> list[RouteEntry]:
        """``/did_reservations``."""
        return [
            ("GET", "/did_reservations", self.reservations, "did_reservations.list"),
            ("POST", "/did_reservations", self.create_reservation, "did_reservations.create"),
            ("GET", "/did_reservations/{id}", self.reservation, "did_reservations.get"),
            ("DELETE", "/did_reservations/{id}", self.delete_reservation, "did_reservations.delete"),
        ]

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
