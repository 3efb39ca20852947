"""Wavix's wire format: attrs types structured from validated JSON with a cattrs converter.

Wavix's field types drift between API versions (``channels``, ``sms_price``, ``area_code`` as
ints, floats or strings; ``require_docs`` as ids or names; numbers with or without ``+``; dates
with or without a time). The hooks here parse leniently; :mod:`._mapping` normalises strictly.
Every payload is validated against the adapter's JSON Schema *before* it is structured, and a
structuring failure still becomes a :class:`~didkit.ResponseFormatError` naming the field.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, NewType, TypeVar

import attrs
import cattrs

from didkit import ResponseFormatError
from didkit.engine import HttpResponse
from didkit.validation import lenient_e164, split_e164, utc_millis_moment

T = TypeVar("T")

IntLike = NewType("IntLike", int)
"""An integer sent as ``4``, ``4.0`` or ``"4"``."""
Amount = NewType("Amount", Decimal)
"""A USD amount sent as ``"0.99"``, ``0.99`` or ``1``; never kept as a float."""
PhoneNumber = NewType("PhoneNumber", str)
"""A phone number sent as ``"12135550100"``, ``"+12135550100"`` or an int; held as E.164."""
Timestamp = NewType("Timestamp", datetime)
"""``2023-12-07``, ``2023-04-10T06:42:59.000Z``, ``...+02:00``, ``2023-04-10 06:42:59``: aware UTC."""
DocRef = NewType("DocRef", str)
"""A required document as an id (``1``, ``"1"``) or a name (``"address"``): ``"1"`` / ``"address"``."""
AreaCode = NewType("AreaCode", str)
"""An area code / rate centre sent as ``213``, ``213.0`` or ``"213"``: held as digits."""


# -- lenient scalar parsers ------------------------------------------------------------------------


def parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"expected an integer, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    raise ValueError(f"expected an integer, got {value!r}")


def parse_amount(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"expected an amount, got {value!r}")
    try:
        # str() of a float is its shortest repr ("0.0085"), so no binary noise gets in.
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"expected an amount, got {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"expected a finite amount, got {value!r}")
    return amount


def parse_phone(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"expected a phone number, got {value!r}")
    number = lenient_e164(value)
    if number is None:
        raise ValueError(f"{value!r} is not a phone number")
    return number


_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_FRACTION = re.compile(r"^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?)(?:[.,](\d+))?(.*)$")
_UTC_SUFFIX = re.compile(r"\s*(?:Z|UTC|GMT)$", re.IGNORECASE)
_COMPACT_OFFSET = re.compile(r"\s*([+-]\d{2}):?(\d{2})$")


def parse_timestamp(value: Any) -> datetime:
    """Every date format Wavix has sent, as an aware UTC datetime (a date alone is midnight UTC)."""
    if not isinstance(value, str):
        raise ValueError(f"expected a date or date-time string, got {value!r}")
    text = value.strip()
    day = _DATE.match(text)
    if day:
        try:
            return datetime(int(day[1]), int(day[2]), int(day[3]), tzinfo=timezone.utc)
        except ValueError:
            raise ValueError(f"{value!r} is not a valid date") from None
    text = _UTC_SUFFIX.sub("+00:00", text)
    text = _COMPACT_OFFSET.sub(r"\1:\2", text)
    parts = _FRACTION.match(text)
    if parts is None:
        raise ValueError(f"{value!r} is not a date-time")
    head, fraction, tail = parts.groups()
    # Python 3.10's fromisoformat takes exactly 3 or 6 fractional digits.
    text = head + ("." + (fraction + "000000")[:6] if fraction else "") + tail.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{value!r} is not a date-time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def parse_docref(value: Any) -> str:
    if isinstance(value, bool):
        raise ValueError(f"expected a document type id or name, got {value!r}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and value.strip():
        text = value.strip()
        return str(int(text)) if text.isdigit() else text.lower()
    raise ValueError(f"expected a document type id or name, got {value!r}")


def parse_area_code(value: Any) -> str:
    if isinstance(value, bool):
        raise ValueError(f"expected an area code, got {value!r}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and value.strip().isdigit():
        return value.strip()
    raise ValueError(f"expected an area code, got {value!r}")


def _strict_bool(value: Any, _: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"expected true or false, got {value!r}")


def _strict_str(value: Any, _: Any) -> str:
    if isinstance(value, str):
        return value
    raise ValueError(f"expected a string, got {value!r}")


# -- quick paths for the common shapes (exactly what the parsers above give, or "unsure") -----------

UNSURE: Any = object()
"""What a quick parser returns when only the full parser can tell."""

_QUICK_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_QUICK_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3}|\.\d{6})?(?:Z|\+00:00)", re.ASCII)
_UTC_OFFSET = "+00:00"
_QUICK_DAYS: dict[str, datetime] = {}
"""Dates (``paid_until``) repeat from record to record; a datetime is immutable, so they are shared."""


def quick_timestamp(value: Any) -> Any:
    """:func:`parse_timestamp` for ``None``, ``2023-12-07`` and ``2023-04-10T06:42:59[.000]Z``
    (or ``+00:00``); :data:`UNSURE` for anything else, and for a value it would reject."""
    if value is None:
        return None
    if type(value) is not str:
        return UNSURE
    moment = utc_millis_moment(value)
    if moment is not None:
        return moment
    if len(value) == 10:
        day = _QUICK_DAYS.get(value)
        if day is not None:
            return day
    try:
        if len(value) == 10 and _QUICK_DATE.fullmatch(value):
            day = datetime(int(value[:4]), int(value[5:7]), int(value[8:]), tzinfo=timezone.utc)
            if len(_QUICK_DAYS) >= 4096:
                _QUICK_DAYS.clear()
            _QUICK_DAYS[value] = day
            return day
        if _QUICK_MOMENT.fullmatch(value):
            text = value[:-1] + _UTC_OFFSET if value[-1] == "Z" else value
            return datetime.fromisoformat(text)
    except ValueError:
        pass
    return UNSURE


def quick_phone(value: Any) -> str | None:
    """:func:`parse_phone` for digits with or without ``+`` (no other characters); ``None`` when
    only the full parser can tell."""
    if type(value) is not str:
        return None
    digits = value[1:] if value[:1] == "+" else value
    if not digits[:1].isdigit() or digits[0] == "0":
        return None
    parts = split_e164(digits)
    return "+" + digits if parts is not None and parts[2] else None


def quick_docref(value: Any) -> bool:
    """Whether :func:`parse_docref` takes ``value`` as it usually comes (an id or a name)."""
    return type(value) is int or (type(value) is str and bool(value.strip()))


# -- wire types ------------------------------------------------------------------------------------


@attrs.frozen
class WavixCountry:
    """``/v1/buy/countries`` item: Wavix sends a name and its own id, not an ISO code."""

    id: IntLike
    name: str
    has_provinces_or_states: bool = False


@attrs.frozen
class WavixRegion:
    id: IntLike
    name: str


@attrs.frozen
class WavixCity:
    id: IntLike
    name: str
    area_code: AreaCode | None = None


@attrs.frozen
class WavixDocType:
    id: IntLike
    name: str
    title: str | None = None


@attrs.frozen
class WavixPagination:
    current_page: IntLike
    total_pages: IntLike
    per_page: IntLike | None = None
    total: IntLike | None = None


@attrs.frozen
class WavixOffer:
    """A number for sale (``/dids`` item, cart item)."""

    number: PhoneNumber
    id: IntLike | None = None
    activation_fee: Amount | None = None
    monthly_fee: Amount | None = None
    per_min: Amount | None = None
    channels: IntLike | None = None
    city: str | None = None
    country: str | None = None
    country_short_name: str | None = None
    cnam: bool | None = None
    sms_enabled: bool | None = None
    sms_price: Amount | None = None
    free_min: IntLike | None = None
    require_docs: tuple[DocRef, ...] | None = None


@attrs.frozen
class WavixDestination:
    destination: str
    transport: IntLike
    priority: IntLike | None = None
    id: IntLike | None = None
    trunk_id: IntLike | None = None
    trunk_label: str | None = None
    srtp: bool | None = None


@attrs.frozen
class WavixNumber:
    """An owned number (``/v1/numbers`` item, ``/v1/numbers/{id}``)."""

    id: IntLike
    number: PhoneNumber
    status: str | None = None
    activation_fee: Amount | None = None
    monthly_fee: Amount | None = None
    per_min: Amount | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    country_short_name: str | None = None
    destination: tuple[WavixDestination, ...] | None = None
    channels: IntLike | None = None
    require_docs: tuple[DocRef, ...] | None = None
    label: str | None = None
    added: Timestamp | None = None
    paid_until: Timestamp | None = None
    sms_enabled: bool | None = None
    sms_relay_url: str | None = None
    cnam: bool | None = None
    call_recording_enabled: bool | None = None
    transcription_enabled: bool | None = None
    transcription_threshold: IntLike | None = None
    call_status_url: str | None = None


@attrs.frozen
class WavixTrunk:
    """``/v1/trunks/{id}``: only what routing needs (``name`` is the trunk's login)."""

    id: IntLike
    name: str
    label: str | None = None


# -- the converter ---------------------------------------------------------------------------------


def _hook(parse: Any) -> Any:
    return lambda value, _: parse(value)


converter = cattrs.Converter(forbid_extra_keys=False)
converter.register_structure_hook(IntLike, _hook(parse_int))
converter.register_structure_hook(Amount, _hook(parse_amount))
converter.register_structure_hook(PhoneNumber, _hook(parse_phone))
converter.register_structure_hook(Timestamp, _hook(parse_timestamp))
converter.register_structure_hook(DocRef, _hook(parse_docref))
converter.register_structure_hook(AreaCode, _hook(parse_area_code))
converter.register_structure_hook(bool, _strict_bool)
converter.register_structure_hook(str, _strict_str)

_PATH = re.compile(r" @ \$(.*)$")


def structure(payload: Any, cls: type[T], *, where: str, response: HttpResponse) -> T:
    """``payload`` (already schema-valid) as a ``cls``; a failure names the field (``items[3].added``)."""
    try:
        return converter.structure(payload, cls)
    except Exception as exc:  # cattrs raises ClassValidationError / ValueError / TypeError
        problems = cattrs.transform_error(exc) if isinstance(exc, cattrs.BaseValidationError) else [str(exc)]
        first = problems[0] if problems else type(exc).__name__
        found = _PATH.search(first)
        suffix = found.group(1) if found else ""
        field = (where + suffix) if where else suffix.lstrip(".")
        field = field or "(document)"
        reason = _PATH.sub("", first)
        raise ResponseFormatError(
            f"field {field!r} is invalid: {reason}",
            provider=response.provider,
            status_code=response.status_code,
            request_id=response.request_id,
            field=field,
        ) from None
