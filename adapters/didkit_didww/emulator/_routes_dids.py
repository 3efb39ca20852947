"""``/dids``: the numbers the account owns, and their routing (a voice-in trunk or trunk group;
from 2026-11-19 also an SMS trunk or trunk group)."""

from __future__ import annotations

from typing import Any

from didkit.sandbox import EmulatorRequest, EmulatorResponse

from . import _errors as err
from ._jsonapi import parse_int
from ._routes_common import (
    ApiBase,
    Predicate,
    RouteEntry,
    _bool_attr,
    _int_attr,
    _linkage,
    _only,
    _resource_data,
    _str_attr,
    f_bool,
    f_contains,
    f_eq,
    f_features,
    f_never,
)
from ._world import Did, DidGroup, lookup


class DidRoutes(ApiBase):
    """The owned-number endpoints."""

    def did_routes(self) -> list[RouteEntry]:
        """``/dids``."""
        return [
            ("GET", "/dids", self.dids, "dids.list"),
            ("GET", "/dids/{id}", self.did, "dids.get"),
            ("PATCH", "/dids/{id}", self.update_did, "dids.update"),
        ]

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
