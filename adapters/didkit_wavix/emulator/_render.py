"""World objects rendered the way Wavix's API sends them (field names, types and formats as in
Wavix's published OpenAPI document)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from ._world import DOC_TYPES, City, Country, OwnedNumber, Region, Trunk, World


def money(amount: Decimal) -> str:
    """Wavix prices: ``"15.0"`` for whole amounts, else as few digits as needed (``"0.99"``)."""
    if amount == amount.to_integral_value():
        return f"{amount:.1f}"
    return format(amount.normalize(), "f")


def timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def country(item: Country) -> dict[str, Any]:
    return {"id": item.id, "name": item.name, "has_provinces_or_states": item.has_provinces_or_states}


def region(item: Region) -> dict[str, Any]:
    return {"id": item.id, "name": item.name}


def city(item: City) -> dict[str, Any]:
    return {"id": item.id, "name": item.name, "area_code": item.area_code}


def available_number(world: World, number: str) -> dict[str, Any]:
    offer = world.stock.get(number) or world.sold[number]
    where = world.cities[offer.city_id]
    home = world.countries[where.country_id]
    sms_price = offer.sms_price
    return {
        "id": int(offer.number),
        "number": offer.number,
        "activation_fee": money(offer.activation_fee),
        "monthly_fee": money(offer.monthly_fee),
        "per_min": money(offer.per_min),
        "channels": str(offer.channels),
        "city": where.name,
        "country": home.name,
        "country_short_name": home.iso,
        "cnam": offer.cnam,
        "domestic_cli": offer.domestic_cli,
        "free_min": offer.free_min,
        "require_docs": list(offer.require_docs),
        "sms_enabled": offer.sms_enabled,
        "sms_price": float(sms_price) if sms_price else 0,
    }


def doc_types(ids: Iterable[int]) -> list[dict[str, Any]]:
    return [{"id": i, "name": DOC_TYPES[i][0], "title": DOC_TYPES[i][1]} for i in sorted(set(ids))]


def number(world: World, owned: OwnedNumber) -> dict[str, Any]:
    offer = owned.offer
    where = world.cities[offer.city_id]
    home = world.countries[where.country_id]
    state = world.regions[where.region_id].name if where.region_id is not None else None
    destinations = []
    for dest in sorted(owned.destinations, key=lambda d: (d.priority, d.id)):
        trunk = world.trunks.get(dest.trunk_id) if dest.trunk_id is not None else None
        destinations.append(
            {
                "id": dest.id,
                "destination": dest.destination,
                "priority": dest.priority,
                "transport": dest.transport,
                "trunk_id": dest.trunk_id,
                "srtp": dest.srtp,
                "trunk_label": trunk.label if trunk else None,
            }
        )
    return {
        "id": owned.id,
        "number": offer.number,
        "activation_fee": money(offer.activation_fee),
        "monthly_fee": money(offer.monthly_fee),
        "per_min": money(offer.per_min),
        "city": where.name,
        "state": state,
        "country": home.name,
        "country_short_name": home.iso,
        "destination": destinations,
        "channels": offer.channels,
        "require_docs": [str(d) for d in offer.require_docs],
        "documents": [
            {
                "id": doc.id,
                "allow_replace": doc.status == "rejected",
                "did_number": offer.number,
                "doc_content_type": doc.content_type,
                "doc_file_name": doc.file_name,
                "doc_type_id": doc.doc_type_id,
                "status": doc.status,
                "url": f"https://api.wavix.com/v1/numbers/{owned.id}/papers/{doc.id}",
            }
            for doc in owned.documents
        ],
        "domestic_cli": offer.domestic_cli,
        "free_min": offer.free_min,
        "unlimited": False,
        "label": owned.label,
        "status": owned.status,
        "seconds": str(owned.seconds),
        "added": timestamp(owned.added),
        "paid_until": owned.paid_until.isoformat(),
        "sms_enabled": owned.sms_enabled,
        "sms_relay_url": owned.sms_relay_url,
        "cnam": offer.cnam,
        "call_recording_enabled": owned.call_recording_enabled,
        "transcription_enabled": owned.transcription_enabled,
        "transcription_threshold": owned.transcription_threshold,
        "call_status_url": owned.call_status_url,
    }


def _trunk_common(trunk: Trunk) -> dict[str, Any]:
    return {
        "id": trunk.id,
        "name": trunk.name,
        "label": trunk.label,
        "callerid": trunk.callerid,
        "multiple_numbers": trunk.callerid is None,
        "passthrough": False,
        "encrypted_media": trunk.encrypted_media,
        "call_recording_enabled": False,
        "machine_detection_enabled": False,
        "transcription_enabled": False,
        "transcription_threshold": 6,
        "access_token": None,
    }


def trunk_summary(trunk: Trunk) -> dict[str, Any]:
    host_request = {"host": trunk.host, "status": trunk.status} if trunk.auth_method == "IP auth" else None
    return {
        **_trunk_common(trunk),
        "auth_method": trunk.auth_method,
        "host_request": host_request,
        "status": trunk.status,
        "talk_time": trunk.talk_time,
        "charge": money(trunk.charge) if trunk.charge else "0.0",
    }


def trunk_detail(trunk: Trunk) -> dict[str, Any]:
    return {
        **_trunk_common(trunk),
        "ip_restrict": bool(trunk.allowed_ips),
        "allowed_ips": [{"id": ip_id, "ip": ip} for ip_id, ip in trunk.allowed_ips],
        "channels_restrict": trunk.max_channels is not None,
        "max_channels": trunk.max_channels,
        "cost_limit": False,
        "max_call_cost": None,
        "call_restrict": False,
        "call_limit": None,
        "didinfo_enabled": True,
        "rewrite_enabled": False,
        "rewrite_prefix": "",
        "rewrite_cond": "",
        "created_at": timestamp(trunk.created_at),
        "host": trunk.host,
    }


def pagination(page: int, per_page: int, total: int) -> dict[str, int]:
    return {
        "current_page": page,
        "per_page": per_page,
        "total": total,
        "total_pages": (total + per_page - 1) // per_page,
    }
