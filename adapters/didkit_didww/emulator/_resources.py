"""How each DIDWW resource type is written on the wire (attributes, relationships, meta), in each
API version: 2026-11-19 replaces the DID group's ``did_group_type`` relationship with a
``number_type`` attribute, makes a voice-in trunk's ``pop`` an attribute, gives DIDs
``sms_trunk``/``sms_trunk_group`` relationships and adds ``sms_trunks`` and ``sms_trunk_groups``."""

from __future__ import annotations

from typing import Any

from ._jsonapi import Rel, ResourceType
from ._world import (
    AvailableDid,
    City,
    Country,
    Did,
    DidGroup,
    DidGroupType,
    Order,
    Region,
    Reservation,
    Sku,
    SmsTrunk,
    SmsTrunkGroup,
    Trunk,
    TrunkGroup,
    World,
    money,
    ruby_decimal,
    timestamp,
)


def _none(_: Any) -> None:
    return None


def registry(world: World, version: str = "2026-04-16") -> dict[str, ResourceType]:
    """The resource types of ``world`` as API ``version`` writes them, keyed by JSON:API type."""
    new = version >= "2026-11-19"

    def country_attrs(c: Country) -> dict[str, Any]:
        return {"name": c.name, "prefix": c.prefix, "iso": c.iso}

    def region_attrs(r: Region) -> dict[str, Any]:
        return {"name": r.name, "iso": r.iso}

    def city_attrs(c: City) -> dict[str, Any]:
        return {"name": c.name}

    def type_attrs(t: DidGroupType) -> dict[str, Any]:
        return {"name": t.name}

    def group_attrs(g: DidGroup) -> dict[str, Any]:
        out: dict[str, Any] = {
            "prefix": g.prefix,
            "area_name": g.area_name,
            "features": list(g.features),
            "is_metered": g.is_metered,
            "allow_additional_channels": g.allow_additional_channels,
            "service_restrictions": g.service_restrictions,
        }
        if new:
            out["number_type"] = world.number_type(g)
            out["is_demo"] = False
        return out

    def group_meta(g: DidGroup) -> dict[str, Any]:
        stock = len(world.group_stock(g.id))
        return {
            "available_dids_enabled": g.available_dids_enabled,
            "needs_registration": g.needs_registration,
            "is_available": stock > 0,
            "total_count": stock,
        }

    def sku_attrs(s: Sku) -> dict[str, Any]:
        return {
            "setup_price": ruby_decimal(s.setup_price),
            "monthly_price": ruby_decimal(s.monthly_price),
            "channels_included_count": s.channels_included_count,
        }

    def available_attrs(a: AvailableDid) -> dict[str, Any]:
        return {"number": a.number}

    def reservation_attrs(r: Reservation) -> dict[str, Any]:
        return {
            "description": r.description,
            "created_at": timestamp(r.created_at),
            "expires_at": timestamp(r.expires_at),
        }

    def did_attrs(d: Did) -> dict[str, Any]:
        return {
            "number": d.number,
            "description": d.description,
            "blocked": d.blocked,
            "awaiting_registration": d.awaiting_registration,
            "terminated": d.terminated,
            "emergency_enabled": d.emergency_enabled,
            "capacity_limit": d.capacity_limit,
            "channels_included_count": d.channels_included_count,
            "dedicated_channels_count": d.dedicated_channels_count,
            "billing_cycles_count": d.billing_cycles_count,
            "created_at": timestamp(d.created_at),
            "expires_at": timestamp(d.expires_at) if d.expires_at else None,
        }

    def order_attrs(o: Order) -> dict[str, Any]:
        return {
            "reference": o.reference,
            "description": o.description,
            "amount": ruby_decimal(o.amount),
            "status": o.status,
            "created_at": timestamp(o.created_at),
            "callback_url": o.callback_url,
            "callback_method": o.callback_method,
            "external_reference_id": o.external_reference_id,
            "items": [
                {
                    "type": "did_order_items",
                    "attributes": {
                        "qty": i.qty,
                        "nrc": ruby_decimal(i.setup_price),
                        "mrc": ruby_decimal(i.monthly_price),
                        "prorated_mrc": False,
                        "billed_from": i.billed_from.isoformat() if i.billed_from else None,
                        "billed_to": i.billed_to.isoformat() if i.billed_to else None,
                        "did_group_id": i.group_id,
                        "setup_price": ruby_decimal(i.setup_price),
                        "monthly_price": ruby_decimal(i.monthly_price),
                    },
                }
                for i in o.items
            ],
        }

    def trunk_attrs(t: Trunk) -> dict[str, Any]:
        pop: dict[str, Any] = {"pop": None} if new else {}
        return pop | {
            "name": t.name,
            "description": t.description,
            "external_reference_id": t.external_reference_id,
            "priority": t.priority,
            "weight": t.weight,
            "capacity_limit": t.capacity_limit,
            "cli_format": t.cli_format,
            "cli_prefix": t.cli_prefix,
            "ringing_timeout": t.ringing_timeout,
            "created_at": timestamp(t.created_at),
            "configuration": {"type": t.config_type, "attributes": dict(t.config)},
        }

    def sms_trunk_attrs(t: SmsTrunk) -> dict[str, Any]:
        return {
            "name": t.name,
            "external_reference_id": t.external_reference_id,
            "blocked": t.blocked,
            "priority": t.priority,
            "allow_any_did_as_source": t.allow_any_did_as_source,
            "allow_in": t.allow_in,
            "allow_out": t.allow_out,
            "created_at": timestamp(t.created_at),
            "updated_at": timestamp(t.updated_at),
            "configuration": {"type": t.config_type, "attributes": dict(t.config)},
        }

    def sms_group_attrs(g: SmsTrunkGroup) -> dict[str, Any]:
        return {
            "name": g.name,
            "external_reference_id": g.external_reference_id,
            "created_at": timestamp(g.created_at),
            "updated_at": timestamp(g.updated_at),
        }

    def incoming(kind: str) -> Any:
        return lambda o: [d.id for d in world.dids.values() if getattr(d, kind) == o.id]

    def trunk_group_attrs(g: TrunkGroup) -> dict[str, Any]:
        return {
            "name": g.name,
            "capacity_limit": g.capacity_limit,
            "external_reference_id": g.external_reference_id,
            "created_at": timestamp(g.created_at),
        }

    def balance_attrs(_: Any) -> dict[str, Any]:
        return {
            "balance": money(world.balance),
            "credit": money(world.credit),
            "total_balance": money(world.balance + world.credit),
        }

    types = [
        ResourceType(
            "countries",
            country_attrs,
            {"regions": Rel("regions", True, lambda c: [r.id for r in world.regions.values()
                                                         if r.country_id == c.id])},
            fetch=world.countries.get,
        ),
        ResourceType(
            "regions", region_attrs, {"country": Rel("countries", False, lambda r: r.country_id)},
            fetch=world.regions.get,
        ),
        ResourceType(
            "cities",
            city_attrs,
            {
                "country": Rel("countries", False, lambda c: c.country_id),
                "region": Rel("regions", False, lambda c: c.region_id),
                "area": Rel("areas", False, _none),
            },
            fetch=world.cities.get,
        ),
        ResourceType("did_group_types", type_attrs, fetch=world.group_types.get, has_relationships=False),
        ResourceType(
            "did_groups",
            group_attrs,
            {
                "country": Rel("countries", False, lambda g: g.country_id),
                "city": Rel("cities", False, lambda g: g.city_id),
                **({} if new else {"did_group_type": Rel("did_group_types", False, lambda g: g.type_id)}),
                "region": Rel("regions", False, lambda g: g.region_id),
                "stock_keeping_units": Rel("stock_keeping_units", True, lambda g: list(g.sku_ids)),
                "address_requirement": Rel("address_requirements", False, _none),
            },
            meta=group_meta,
            fetch=world.groups.get,
        ),
        ResourceType("stock_keeping_units", sku_attrs, fetch=world.skus.get, has_relationships=False),
        ResourceType(
            "available_dids",
            available_attrs,
            {
                "did_group": Rel("did_groups", False, lambda a: a.group_id),
                "nanpa_prefix": Rel("nanpa_prefixes", False, world.nanpa_of),
            },
            fetch=world.available.get,
        ),
        ResourceType(
            "nanpa_prefixes",
            lambda p: {"npa": p.npa, "nxx": p.nxx},
            {
                "country": Rel("countries", False, lambda p: p.country_id),
                "region": Rel("regions", False, lambda p: p.region_id),
            },
            fetch=lambda ident: world.nanpa_prefixes().get(ident),
        ),
        ResourceType(
            "did_reservations",
            reservation_attrs,
            {"available_did": Rel("available_dids", False, lambda r: r.available_did_id)},
            fetch=world.reservations.get,
        ),
        ResourceType(
            "dids",
            did_attrs,
            {
                "did_group": Rel("did_groups", False, lambda d: d.group_id),
                "order": Rel("orders", False, lambda d: d.order_id),
                "capacity_pool": Rel("capacity_pools", False, _none),
                "shared_capacity_group": Rel("shared_capacity_groups", False, _none),
                "address_verification": Rel("address_verifications", False, _none),
                "voice_in_trunk": Rel("voice_in_trunks", False, lambda d: d.trunk_id),
                "voice_in_trunk_group": Rel("voice_in_trunk_groups", False, lambda d: d.trunk_group_id),
                "emergency_calling_service": Rel("emergency_calling_services", False, _none),
                "emergency_verification": Rel("emergency_verifications", False, _none),
                "identity": Rel("identities", False, _none),
                **(
                    {
                        "sms_trunk": Rel("sms_trunks", False, lambda d: d.sms_trunk_id),
                        "sms_trunk_group": Rel("sms_trunk_groups", False, lambda d: d.sms_trunk_group_id),
                    }
                    if new
                    else {}
                ),
            },
            fetch=world.dids.get,
        ),
        ResourceType("orders", order_attrs, fetch=world.orders.get, has_relationships=False),
        ResourceType(
            "voice_in_trunks",
            trunk_attrs,
            {
                "voice_in_trunk_group": Rel("voice_in_trunk_groups", False, lambda t: t.group_id),
                **({} if new else {"pop": Rel("pops", False, _none)}),
            },
            fetch=world.trunks.get,
        ),
        ResourceType(
            "voice_in_trunk_groups",
            trunk_group_attrs,
            {"voice_in_trunks": Rel("voice_in_trunks", True, lambda g: [t.id for t in world.trunks_of(g.id)])},
            meta=lambda g: {"trunks_count": len(world.trunks_of(g.id))},
            fetch=world.trunk_groups.get,
        ),
        ResourceType("balances", balance_attrs, has_relationships=False),
    ]
    if new:
        types = [t for t in types if t.type != "did_group_types"]
        types += [
            ResourceType(
                "sms_trunks",
                sms_trunk_attrs,
                {
                    "outgoing_dids": Rel("dids", True, lambda t: []),
                    "incoming_dids": Rel("dids", True, incoming("sms_trunk_id")),
                    "sms_trunk_group": Rel("sms_trunk_groups", False, lambda t: t.group_id),
                },
                fetch=world.sms_trunks.get,
            ),
            ResourceType(
                "sms_trunk_groups",
                sms_group_attrs,
                {
                    "sms_trunks": Rel("sms_trunks", True, lambda g: [t.id for t in world.sms_trunks_of(g.id)]),
                    "incoming_dids": Rel("dids", True, incoming("sms_trunk_group_id")),
                },
                meta=lambda g: {"sms_trunks_count": len(world.sms_trunks_of(g.id))},
                fetch=world.sms_trunk_groups.get,
            ),
        ]
    return {t.type: t for t in types}
