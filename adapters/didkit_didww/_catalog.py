"""What DIDWW accepts on each collection, transcribed from its OpenAPI spec (2026-04-16), and
what API version 2026-11-19 changes of it (:data:`RESOURCES_2026_11_19`, from DIDWW's 2026-11-19
resource pages): filters, sort fields, includable relationships, and whether the collection is
paginated.

It lets the adapter pass DIDWW's JSON:API power (``filter[...]``, ``include``, ``sort``) through
to callers while rejecting a typo as an :class:`~didkit.InvalidInputError` before any request
is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from didkit.errors import InvalidInputError

API_VERSION = "2026-04-16"
"""The older API version didkit speaks (``api_version="2026-04-16"``); see :mod:`._versions`."""
PAGE_SIZE_MAX = 1000
"""``page[size]`` maximum the 2026-04-16 spec allows on every paginated collection."""


@attrs.frozen
class ResourceRules:
    """Query rules of one collection."""

    filters: frozenset[str]
    sorts: frozenset[str]
    includes: Mapping[str, str]
    """includable relationship name → the related resource type (for nested paths)."""
    paginated: bool = True


def _rules(
    filters: Iterable[str], sorts: Iterable[str], includes: Mapping[str, str], *, paginated: bool = True
) -> ResourceRules:
    return ResourceRules(frozenset(filters), frozenset(sorts), dict(includes), paginated)


RESOURCES: dict[str, ResourceRules] = {
    "countries": _rules(
        ["id", "is_available", "iso", "name", "prefix"],
        ["iso", "name", "prefix"],
        {"regions": "regions"},
        paginated=False,
    ),
    "regions": _rules(["country.id", "id", "iso", "name"], ["iso", "name"], {"country": "countries"}, paginated=False),
    "cities": _rules(
        ["area.id", "country.id", "id", "is_available", "name", "region.id"],
        ["name"],
        {"country": "countries", "region": "regions", "area": "areas"},
    ),
    "did_group_types": _rules(["id", "name"], ["name"], {}),
    "did_groups": _rules(
        [
            "allow_additional_channels",
            "area_name",
            "available_dids_enabled",
            "city.id",
            "country.id",
            "did_group_type.id",
            "features",
            "id",
            "is_available",
            "is_metered",
            "meta.total_count_gteq",
            "nanpa_prefix.id",
            "nanpa_prefix.npanxx",
            "needs_registration",
            "prefix",
            "region.id",
        ],
        [
            "allow_additional_channels",
            "area_name",
            "country.name",
            "did_group_type.name",
            "is_metered",
            "prefix",
            "service_restrictions",
        ],
        {
            "country": "countries",
            "city": "cities",
            "did_group_type": "did_group_types",
            "region": "regions",
            "stock_keeping_units": "stock_keeping_units",
            "address_requirement": "address_requirements",
        },
    ),
    "available_dids": _rules(
        [
            "city.id",
            "country.id",
            "did_group.features",
            "did_group.id",
            "did_group.needs_registration",
            "did_group_type.id",
            "id",
            "nanpa_prefix.id",
            "number_contains",
            "region.id",
        ],
        ["number"],
        {"did_group": "did_groups", "nanpa_prefix": "nanpa_prefixes"},
        paginated=False,
    ),
    "dids": _rules(
        [
            "address_verification.id",
            "awaiting_registration",
            "billing_cycles_count",
            "blocked",
            "capacity_pool.id",
            "city.id",
            "country.id",
            "description",
            "did_group.features",
            "did_group.id",
            "emergency_calling_service.id",
            "emergency_enabled",
            "id",
            "number",
            "order.id",
            "order.reference",
            "pending_removal",
            "region.id",
            "shared_capacity_group.id",
            "terminated",
            "trunk.id",
            "trunk_group.id",
            "voice_in_trunk.id",
            "voice_in_trunk_group.id",
        ],
        [
            "awaiting_registration",
            "billing_cycles_count",
            "blocked",
            "capacity_limit",
            "channels_included_count",
            "created_at",
            "dedicated_channels_count",
            "description",
            "expires_at",
            "number",
            "terminated",
        ],
        {
            "did_group": "did_groups",
            "order": "orders",
            "capacity_pool": "capacity_pools",
            "shared_capacity_group": "shared_capacity_groups",
            "address_verification": "address_verifications",
            "voice_in_trunk": "voice_in_trunks",
            "voice_in_trunk_group": "voice_in_trunk_groups",
            "emergency_calling_service": "emergency_calling_services",
            "emergency_verification": "emergency_verifications",
            "identity": "identities",
        },
    ),
    "orders": _rules(
        ["created_at_gteq", "created_at_lteq", "external_reference_id", "id", "reference", "status"],
        ["amount", "created_at", "external_reference_id", "reference", "status"],
        {},
    ),
    "voice_in_trunks": _rules(
        ["configuration.type", "external_reference_id", "id", "name"],
        [
            "capacity_limit",
            "cli_format",
            "cli_prefix",
            "created_at",
            "description",
            "external_reference_id",
            "name",
            "priority",
            "ringing_timeout",
            "weight",
        ],
        {"voice_in_trunk_group": "voice_in_trunk_groups", "pop": "pops"},
    ),
    "voice_in_trunk_groups": _rules(
        ["external_reference_id", "id"],
        ["capacity_limit", "created_at", "external_reference_id", "name"],
        {"voice_in_trunks": "voice_in_trunks"},
    ),
    # Targets of nested includes the adapter (or a caller) may name.
    "capacity_pools": _rules(
        [], [], {"countries": "countries", "shared_capacity_groups": "shared_capacity_groups", "qty_based_pricings": ""}
    ),
    "shared_capacity_groups": _rules([], [], {"capacity_pool": "capacity_pools", "dids": "dids"}),
    "address_verifications": _rules([], [], {"address": "addresses", "dids": "dids"}),
    "emergency_calling_services": _rules(
        [],
        [],
        {
            "country": "countries",
            "did_group_type": "did_group_types",
            "order": "orders",
            "emergency_requirement": "emergency_requirements",
            "emergency_verification": "emergency_verifications",
            "dids": "dids",
        },
    ),
    "emergency_verifications": _rules(
        [], [], {"address": "addresses", "emergency_calling_service": "emergency_calling_services", "dids": "dids"}
    ),
    "identities": _rules(
        [],
        [],
        {
            "country": "countries",
            "birth_country": "countries",
            "proofs": "proofs",
            "addresses": "addresses",
            "permanent_documents": "permanent_supporting_documents",
        },
    ),
    "nanpa_prefixes": _rules([], [], {"country": "countries", "region": "regions"}),
    "address_requirements": _rules(
        [],
        [],
        {
            "country": "countries",
            "did_group_type": "did_group_types",
            "personal_permanent_document": "supporting_document_templates",
            "business_permanent_document": "supporting_document_templates",
            "personal_onetime_document": "supporting_document_templates",
            "business_onetime_document": "supporting_document_templates",
            "personal_proof_types": "proof_types",
            "business_proof_types": "proof_types",
            "address_proof_types": "proof_types",
        },
    ),
}


def _evolve(
    base: Mapping[str, ResourceRules],
    changes: Mapping[str, Mapping[str, Any]],
    added: Mapping[str, ResourceRules],
) -> dict[str, ResourceRules]:
    """``base`` with, per resource, filters/sorts/includes dropped (``"-filters"``, ...) and added
    (``"+filters"``, ...), plus whole new resources."""
    out = dict(base)
    for name, change in changes.items():
        rules = out[name]
        includes = {k: v for k, v in rules.includes.items() if k not in change.get("-includes", ())}
        includes.update(change.get("+includes", {}))
        out[name] = ResourceRules(
            (rules.filters - frozenset(change.get("-filters", ()))) | frozenset(change.get("+filters", ())),
            (rules.sorts - frozenset(change.get("-sorts", ()))) | frozenset(change.get("+sorts", ())),
            includes,
            rules.paginated,
        )
    out.update(added)
    return out


RESOURCES_2026_11_19: dict[str, ResourceRules] = _evolve(
    RESOURCES,
    {
        # did_group_type is gone: a number_type attribute replaces it, and naming the old
        # relationship in an include, filter or sort is a 400 (did-group-object.md).
        "did_groups": {
            "-filters": ["did_group_type.id"],
            "+filters": ["number_type", "is_demo"],
            "-sorts": ["did_group_type.name"],
            "+sorts": ["number_type", "is_demo"],
            "-includes": ["did_group_type"],
        },
        "available_dids": {"-filters": ["did_group_type.id"], "+filters": ["did_group.number_type"]},
        "dids": {
            "-filters": ["pending_removal"],
            "+filters": ["sms_trunk.id", "sms_trunk_group.id"],
            "+includes": {"sms_trunk": "sms_trunks", "sms_trunk_group": "sms_trunk_groups"},
        },
        "voice_in_trunks": {"-includes": ["pop"]},
        "emergency_calling_services": {"-includes": ["did_group_type"]},
        "address_requirements": {"-includes": ["did_group_type"]},
    },
    {
        "sms_trunks": _rules(
            ["id", "name", "external_reference_id", "configuration.type"],
            ["name", "external_reference_id", "blocked", "priority", "allow_in", "allow_out", "created_at",
             "updated_at"],
            {
                "outgoing_dids": "dids",
                "incoming_dids": "dids",
                "sms_trunk_group": "sms_trunk_groups",
                "sender_id_verifications": "sender_id_verifications",
            },
        ),
        "sms_trunk_groups": _rules(
            ["id", "name", "external_reference_id"],
            ["name", "external_reference_id", "created_at", "updated_at"],
            {"sms_trunks": "sms_trunks", "incoming_dids": "dids"},
        ),
    },
)
del RESOURCES_2026_11_19["did_group_types"]  # the endpoint is gone in 2026-11-19


def _choices(values: Iterable[str]) -> str:
    return ", ".join(sorted(values)) or "none"


def normalize_filter_key(resource: str, key: str, resources: Mapping[str, ResourceRules] = RESOURCES) -> str:
    """A DIDWW filter name from a Python keyword: the spec's name as is (``"order.id"``), or
    spelt with ``__`` for the dot (``order__id``), or with ``_id`` for ``.id`` (``order_id``).
    ``resources`` is the API version's table (:data:`RESOURCES` or :data:`RESOURCES_2026_11_19`)."""
    rules = resources[resource]
    if key in rules.filters:
        return key
    dotted = key.replace("__", ".")
    if dotted in rules.filters:
        return dotted
    if key.endswith("_id"):
        candidate = key[: -len("_id")] + ".id"
        if candidate in rules.filters:
            return candidate
    raise InvalidInputError(f"DIDWW {resource} has no filter {key!r} (allowed: {_choices(rules.filters)})")


def filter_value(key: str, value: Any) -> str:
    """A filter value as DIDWW takes it: lists comma-joined, booleans lower-case."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        text = str(value).strip()
        if not text:
            raise InvalidInputError(f"filter {key!r} must not be empty")
        return text
    if isinstance(value, (list, tuple, set, frozenset)):
        parts = [filter_value(key, item) for item in value]
        if not parts:
            raise InvalidInputError(f"filter {key!r} must not be an empty list")
        return ",".join(parts)
    raise InvalidInputError(f"filter {key!r} takes a string, number, boolean or a list of them, got {value!r}")


def _split(value: Any, what: str) -> list[str]:
    if isinstance(value, str):
        items = [part.strip() for part in value.split(",")]
    elif isinstance(value, (list, tuple)):
        items = []
        for item in value:
            if not isinstance(item, str):
                raise InvalidInputError(f"{what} entries must be strings, got {item!r}")
            items.extend(part.strip() for part in item.split(","))
    else:
        raise InvalidInputError(f"{what} takes a string or a list of strings, got {value!r}")
    if any(not item for item in items):
        raise InvalidInputError(f"{what} has an empty entry: {value!r}")
    return items


def check_include(resource: str, value: Any, resources: Mapping[str, ResourceRules] = RESOURCES) -> list[str]:
    """The include paths in ``value`` (``"a,b.c"`` or a list), each checked hop by hop."""
    paths = _split(value, "include")
    for path in paths:
        current = resource
        for hop in path.split("."):
            rules = resources.get(current)
            if rules is None or hop not in rules.includes:
                allowed = _choices(rules.includes) if rules else "none known"
                raise InvalidInputError(f"DIDWW {current} cannot include {hop!r} (in {path!r}; allowed: {allowed})")
            current = rules.includes[hop]
    return paths


def check_sort(resource: str, value: Any, resources: Mapping[str, ResourceRules] = RESOURCES) -> list[str]:
    """The sort fields in ``value`` (``"a,-b"`` or a list), each checked."""
    fields = _split(value, "sort")
    allowed = resources[resource].sorts
    for field in fields:
        if field.removeprefix("-") not in allowed:
            raise InvalidInputError(f"DIDWW {resource} cannot be sorted by {field!r} (allowed: {_choices(allowed)})")
    return fields
