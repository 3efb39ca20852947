"""DIDWW's wire types: attrs classes for the resource attributes the adapter reads, each read by
one function over the kit's lenient field readers (:mod:`didkit.readers`), which absorb the
drift between API versions (decimal amounts as strings or numbers, integers as strings,
timestamps with any precision, enum values in any case). A value no form fits is a
:class:`~didkit.readers.FieldError` naming the field within the attributes; :func:`read_attributes`
turns it into a :class:`~didkit.ResponseFormatError` naming where the resource sits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from didkit.errors import ResponseFormatError
from didkit.readers import (
    FieldError,
    read_bool,
    read_datetime,
    read_decimal,
    read_int,
    read_list,
    read_name,
    read_object,
    read_str,
    required,
)

T = TypeVar("T")

PROVIDER = "didww"


def required_text(value: Any, field: str) -> str:
    """A text field that must be there."""
    found = read_str(required(value, field), field)
    assert found is not None
    return found


def flag(value: Any, field: str) -> bool:
    """A flag that is false when absent."""
    return read_bool(value, field) is True


# -- wire types ---------------------------------------------------------------------------------


@attrs.frozen
class CountryAttributes:
    name: str
    iso: str
    prefix: str | None = None


@attrs.frozen
class RegionAttributes:
    name: str
    iso: str | None = None


@attrs.frozen
class NamedAttributes:
    """Cities, DID group types, trunk groups: only the name is read."""

    name: str


@attrs.frozen
class DidGroupAttributes:
    prefix: str | None = None
    area_name: str | None = None
    features: tuple[str, ...] = ()
    is_metered: bool | None = None
    allow_additional_channels: bool | None = None
    number_type: str | None = None
    """2026-11-19: the group's kind (``local``, ``toll_free`` ...), replacing ``did_group_type``."""


@attrs.frozen
class DidGroupMeta:
    available_dids_enabled: bool = False
    needs_registration: bool = False
    is_available: bool | None = None
    total_count: int | None = None


@attrs.frozen
class SkuAttributes:
    setup_price: Decimal
    monthly_price: Decimal
    channels_included_count: int | None = None


@attrs.frozen
class AvailableDidAttributes:
    number: str


@attrs.frozen
class OrderAttributes:
    status: str
    amount: Decimal | None = None
    reference: str | None = None
    external_reference_id: str | None = None
    created_at: datetime | None = None
    requested: int | None = None
    """The numbers the order's DID items ask for (the sum of their ``qty``), where they say."""


@attrs.frozen
class ReservationAttributes:
    expires_at: datetime
    created_at: datetime | None = None
    description: str | None = None


@attrs.frozen
class SipConfiguration:
    host: str | None = None
    port: int | None = None
    username: str | None = None
    transport_protocol_id: int | None = None
    enabled_sip_registration: bool | None = None


@attrs.frozen
class PstnConfiguration:
    dst: str | None = None


@attrs.frozen
class OtherConfiguration:
    type: str


Configuration = SipConfiguration | PstnConfiguration | OtherConfiguration


@attrs.frozen
class TrunkAttributes:
    name: str
    priority: int | None = None
    weight: int | None = None
    configuration: Configuration | None = None


@attrs.frozen
class SmsConfiguration:
    """An SMS trunk's ``configuration`` (2026-11-19); ``attributes`` are read per ``type``."""

    type: str
    attributes: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class SmsHttpIn:
    """The ``http_in`` configuration: DIDWW sends each inbound SMS to ``url``."""

    url: str
    http_method: str | None = None


@attrs.frozen
class SmsTrunkAttributes:
    name: str
    priority: int | None = None
    configuration: SmsConfiguration | None = None


# -- readers -----------------------------------------------------------------------------------


def _country(a: Mapping[str, Any]) -> CountryAttributes:
    get = a.get
    return CountryAttributes(
        required_text(get("name"), "name"), required_text(get("iso"), "iso"), read_str(get("prefix"), "prefix")
    )


def _region(a: Mapping[str, Any]) -> RegionAttributes:
    return RegionAttributes(required_text(a.get("name"), "name"), read_str(a.get("iso"), "iso"))


def _named(a: Mapping[str, Any]) -> NamedAttributes:
    return NamedAttributes(required_text(a.get("name"), "name"))


def _did_group(a: Mapping[str, Any]) -> DidGroupAttributes:
    get = a.get
    features = read_list(get("features"), "features") or []
    return DidGroupAttributes(
        read_str(get("prefix"), "prefix"),
        read_str(get("area_name"), "area_name"),
        tuple(required_text(f, f"features[{i}]") for i, f in enumerate(features)),
        read_bool(get("is_metered"), "is_metered"),
        read_bool(get("allow_additional_channels"), "allow_additional_channels"),
        read_name(get("number_type"), "number_type"),
    )


def _did_group_meta(a: Mapping[str, Any]) -> DidGroupMeta:
    get = a.get
    return DidGroupMeta(
        flag(get("available_dids_enabled"), "available_dids_enabled"),
        flag(get("needs_registration"), "needs_registration"),
        read_bool(get("is_available"), "is_available"),
        read_int(get("total_count"), "total_count"),
    )


def _amount(value: Any, field: str) -> Decimal:
    found = read_decimal(required(value, field), field)
    assert found is not None
    return found


def _sku(a: Mapping[str, Any]) -> SkuAttributes:
    get = a.get
    return SkuAttributes(
        _amount(get("setup_price"), "setup_price"),
        _amount(get("monthly_price"), "monthly_price"),
        read_int(get("channels_included_count"), "channels_included_count"),
    )


def _available_did(a: Mapping[str, Any]) -> AvailableDidAttributes:
    return AvailableDidAttributes(required_text(a.get("number"), "number"))


def _order(a: Mapping[str, Any]) -> OrderAttributes:
    get = a.get
    return OrderAttributes(
        required_text(get("status"), "status"),
        read_decimal(get("amount"), "amount"),
        read_str(get("reference"), "reference"),
        read_str(get("external_reference_id"), "external_reference_id"),
        read_datetime(get("created_at"), "created_at"),
        _requested(get("items")),
    )


def _requested(value: Any) -> int | None:
    items = read_list(value, "items")
    if not items:
        return None
    total = 0
    for index, item in enumerate(items):
        where = f"items[{index}]"
        entry = read_object(item, where) or {}
        if entry.get("type", "did_order_items") != "did_order_items":
            continue  # capacity items buy channels, not numbers
        qty = read_int((read_object(entry.get("attributes"), f"{where}.attributes") or {}).get("qty"), f"{where}.qty")
        if qty is None:
            return None
        total += qty
    return total or None


def _reservation(a: Mapping[str, Any]) -> ReservationAttributes:
    get = a.get
    expires_at = read_datetime(required(get("expires_at"), "expires_at"), "expires_at")
    assert expires_at is not None
    return ReservationAttributes(
        expires_at, read_datetime(get("created_at"), "created_at"), read_str(get("description"), "description")
    )


def _configuration(value: Any, field: str) -> Configuration | None:
    config = read_object(value, field)
    if config is None:
        return None
    kind = read_name(config.get("type"), f"{field}.type") or ""
    where = f"{field}.attributes"
    a = read_object(config.get("attributes"), where) or {}
    get = a.get
    try:
        if kind == "sip_configurations":
            return SipConfiguration(
                read_str(get("host"), "host"),
                read_int(get("port"), "port"),
                read_str(get("username"), "username"),
                read_int(get("transport_protocol_id"), "transport_protocol_id"),
                read_bool(get("enabled_sip_registration"), "enabled_sip_registration"),
            )
        if kind == "pstn_configurations":
            return PstnConfiguration(read_str(get("dst"), "dst"))
    except FieldError as error:
        raise error.within(where) from None
    return OtherConfiguration(kind)


def _trunk(a: Mapping[str, Any]) -> TrunkAttributes:
    get = a.get
    return TrunkAttributes(
        required_text(get("name"), "name"),
        read_int(get("priority"), "priority"),
        read_int(get("weight"), "weight"),
        _configuration(get("configuration"), "configuration"),
    )


def _sms_trunk(a: Mapping[str, Any]) -> SmsTrunkAttributes:
    get = a.get
    config = read_object(get("configuration"), "configuration")
    configuration = None
    if config is not None:
        kind = read_name(config.get("type"), "configuration.type") or ""
        attributes = read_object(config.get("attributes"), "configuration.attributes") or {}
        configuration = SmsConfiguration(kind, attributes)
    return SmsTrunkAttributes(required_text(get("name"), "name"), read_int(get("priority"), "priority"), configuration)


def _sms_http_in(a: Mapping[str, Any]) -> SmsHttpIn:
    return SmsHttpIn(required_text(a.get("url"), "url"), read_str(a.get("http_method"), "http_method"))


_READERS: dict[type[Any], Callable[[Mapping[str, Any]], Any]] = {
    CountryAttributes: _country,
    RegionAttributes: _region,
    NamedAttributes: _named,
    DidGroupAttributes: _did_group,
    DidGroupMeta: _did_group_meta,
    SkuAttributes: _sku,
    AvailableDidAttributes: _available_did,
    OrderAttributes: _order,
    ReservationAttributes: _reservation,
    TrunkAttributes: _trunk,
    SmsTrunkAttributes: _sms_trunk,
    SmsHttpIn: _sms_http_in,
}


def format_error(error: FieldError, field: str) -> ResponseFormatError:
    """``error`` (a path within what ``field`` names) as the error to raise."""
    name = f"{field}.{error.field}" if error.field else field
    return ResponseFormatError(f"DIDWW field {name!r} is invalid: {error.problem}", provider=PROVIDER, field=name)


def read_attributes(value: Any, cls: type[T], *, field: str | Callable[[], str]) -> T:
    """``value`` (a resource's attributes or meta) read as ``cls``; :class:`ResponseFormatError`
    naming the field otherwise (``field`` may be a function giving where ``value`` sits, called
    only then)."""
    try:
        found: T = _READERS[cls](read_object(value, "") or {})
    except FieldError as error:
        raise format_error(error, field if isinstance(field, str) else field()) from None
    return found
