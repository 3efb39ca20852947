"""DIDWW's wire types: attrs classes for the resource attributes the adapter reads, structured
with a cattrs converter whose hooks absorb the drift between API versions (decimal amounts as
strings or numbers, integers as strings, timestamps with any precision, enum values in any
case). Anything that still does not fit is a :class:`~didkit.ResponseFormatError` naming the
field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import BaseValidationError

from didkit._construct import plain_constructor as _plain_constructor
from didkit.errors import ResponseFormatError
from didkit.validation import utc_millis_moment

T = TypeVar("T")

PROVIDER = "didww"


# -- scalar hooks ------------------------------------------------------------------------------


def _decimal(value: Any, _: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise TypeError(f"expected a decimal amount, got {value!r}")
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a decimal amount") from None
    if not result.is_finite():
        raise ValueError(f"{value!r} is not a finite amount")
    return result


def _int(value: Any, _: Any) -> int:
    if isinstance(value, bool):
        raise TypeError(f"expected an integer, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise TypeError(f"expected an integer, got {value!r}")


def _bool(value: Any, _: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise TypeError(f"expected a boolean, got {value!r}")


def _str(value: Any, _: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f"expected a string, got {value!r}")


_FRACTION = re.compile(r"\.(\d+)")


_QUICK_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3}|\.\d{6})?(?:Z|\+00:00)", re.ASCII)


def parse_datetime(value: Any) -> datetime:
    """An aware datetime from DIDWW's ISO 8601 text (``Z`` or an offset; any fraction digits;
    a bare date is midnight UTC; a naive time is taken as UTC)."""
    if type(value) is str and (moment := utc_millis_moment(value)) is not None:
        return moment
    if type(value) is str and _QUICK_MOMENT.fullmatch(value):  # what DIDWW sends: UTC, 0/3/6 digits
        try:
            return datetime.fromisoformat(value[:-1] + "+00:00" if value[-1] == "Z" else value)
        except ValueError:
            pass  # not a real date: the full parser words the error
    return parse_datetime_full(value)


def parse_datetime_full(value: Any) -> datetime:
    """:func:`parse_datetime` without its fast path: every accepted form, and every error."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
        text = text.replace(" ", "T", 1)
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        text = _FRACTION.sub(lambda m: "." + (m.group(1) + "000000")[:6], text, count=1)
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO 8601 timestamp") from None
    else:
        raise TypeError(f"expected a timestamp, got {value!r}")
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)


def _datetime(value: Any, _: Any) -> datetime:
    return parse_datetime(value)


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
class DidAttributes:
    number: str
    description: str | None = None
    blocked: bool = False
    awaiting_registration: bool = False
    terminated: bool = False
    capacity_limit: int | None = None
    channels_included_count: int | None = None
    dedicated_channels_count: int | None = None
    billing_cycles_count: int | None = None
    created_at: datetime | None = None
    expires_at: datetime | None = None


@attrs.frozen
class OrderAttributes:
    status: str
    amount: Decimal | None = None
    reference: str | None = None
    external_reference_id: str | None = None
    created_at: datetime | None = None


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


# -- the converter --------------------------------------------------------------------------


converter = cattrs.Converter()
converter.register_structure_hook(Decimal, _decimal)
converter.register_structure_hook(int, _int)
converter.register_structure_hook(bool, _bool)
converter.register_structure_hook(str, _str)
converter.register_structure_hook(datetime, _datetime)


def _configuration(value: Any, _: Any) -> Configuration:
    if not isinstance(value, Mapping):
        raise TypeError(f"expected a configuration object, got {value!r}")
    kind = str(value.get("type") or "").lower()
    attributes = value.get("attributes") or {}
    if kind == "sip_configurations":
        return converter.structure(attributes, SipConfiguration)
    if kind == "pstn_configurations":
        return converter.structure(attributes, PstnConfiguration)
    return OtherConfiguration(kind)


def _optional_configuration(value: Any, _: Any) -> Configuration | None:
    return None if value is None else _configuration(value, _)


converter.register_structure_hook(Configuration, _configuration)
converter.register_structure_hook(Configuration | None, _optional_configuration)


def _optional(hook: Any) -> Any:
    def structure_optional(value: Any, cls: Any) -> Any:
        return None if value is None else hook(value, cls)

    return structure_optional


# What cattrs does for ``X | None`` (None, else X's hook), without its per-call dispatch.
for _type, _scalar_hook in ((Decimal, _decimal), (int, _int), (bool, _bool), (str, _str), (datetime, _datetime)):
    converter.register_structure_hook(_type | None, _optional(_scalar_hook))


def _problem_path(exc: BaseException) -> tuple[str, str]:
    messages = cattrs.transform_error(exc, path="") if isinstance(exc, BaseValidationError) else [str(exc)]
    first = messages[0] if messages else str(exc)
    detail, _, where = first.rpartition(" @ ")
    if not detail:
        return "", first
    return where.lstrip("$").lstrip("."), detail


def structure(value: Any, cls: type[T], *, field: str | Callable[[], str]) -> T:
    """Structure ``value`` as ``cls``; :class:`ResponseFormatError` naming the field otherwise
    (``field`` may be a function giving it, called only then)."""
    if value is None:
        value = {}
    try:
        return converter.structure(value, cls)
    except (BaseValidationError, TypeError, ValueError) as exc:
        where, detail = _problem_path(exc)
        if not isinstance(field, str):
            field = field()
        name = f"{field}.{where}" if where else field
        raise ResponseFormatError(f"DIDWW field {name!r} is invalid: {detail}", provider=PROVIDER, field=name) from None


def _quick_moment(value: Any) -> Any:
    """``parse_datetime`` for ``None`` and DIDWW's usual UTC text; ``False`` when unsure."""
    if value is None:
        return None
    if type(value) is str and (moment := utc_millis_moment(value)) is not None:
        return moment
    if type(value) is str and _QUICK_MOMENT.fullmatch(value):
        try:
            return datetime.fromisoformat(value[:-1] + "+00:00" if value[-1] == "Z" else value)
        except ValueError:
            return False
    return False


_new_did_attributes: Callable[..., DidAttributes] = _plain_constructor(DidAttributes)


def quick_did_attributes(value: Any) -> DidAttributes | None:
    """``structure(value, DidAttributes)`` when every field has the shape DIDWW usually sends
    (plain strings, booleans, integers, UTC timestamps); ``None`` when only cattrs can tell."""
    fields = quick_did_fields(value)
    # DidAttributes has neither converters nor validators: its fields are set as they are.
    return None if fields is None else _new_did_attributes(*fields)


DidFields = tuple[
    str, "str | None", bool, bool, bool, "int | None", "int | None", "int | None", "int | None",
    "datetime | None", "datetime | None",
]  # fmt: skip
""":class:`DidAttributes`' fields in order, for a caller that reads them without the object."""


def quick_did_fields(value: Any) -> DidFields | None:
    """:func:`quick_did_attributes` as the tuple of the fields it would hold."""
    if type(value) is not dict:
        return None
    get = value.get
    number, description = get("number"), get("description")
    if type(number) is not str or (description is not None and type(description) is not str):
        return None
    blocked, awaiting, terminated = get("blocked", False), get("awaiting_registration", False), get("terminated", False)
    if type(blocked) is not bool or type(awaiting) is not bool or type(terminated) is not bool:
        return None
    capacity, included, dedicated, cycles = (
        get("capacity_limit"), get("channels_included_count"), get("dedicated_channels_count"),
        get("billing_cycles_count"),
    )  # fmt: skip
    if (
        (capacity is not None and type(capacity) is not int)
        or (included is not None and type(included) is not int)
        or (dedicated is not None and type(dedicated) is not int)
        or (cycles is not None and type(cycles) is not int)
    ):
        return None
    created, expires = _quick_moment(get("created_at")), _quick_moment(get("expires_at"))
    if created is False or expires is False:
        return None
    return number, description, blocked, awaiting, terminated, capacity, included, dedicated, cycles, created, expires
