"""Field readers for adapters: one lenient reader per kind of value carriers send.

Carriers drift: the same field arrives as ``4`` or ``"4"``, a number with or without ``+``, a
date with or without a time. An adapter reads each record once, field by field, with these
readers. Each does the cheap check for the usual shape inline and, only when that fails, tries
the other forms carriers send; a value no form fits raises :class:`FieldError` naming the field.
The adapter prefixes where the record sits (``items[3]``) and turns it into a
:class:`~didkit.ResponseFormatError` with :meth:`FieldError.response_error`, so the message names
the provider and the full path (``items[3].channels``).

Every reader passes ``None`` through (a field that is absent or ``null``); a record reader that
needs a value checks for ``None`` itself (:func:`required`).

Typical use in a record reader::

    def number_from(item: Any, provider: str) -> DID:
        record = read_object(item, "")
        get = record.get
        channels = read_int(get("channels"), "channels")
        ...

and in the page loop, where ``i`` names the record::

    try:
        for i, item in enumerate(items):
            dids.append(number_from(item, provider))
    except FieldError as error:
        raise error.within(f"items[{i}]").response_error(provider) from None
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn, TypeVar

from .errors import ResponseFormatError
from .model import Money
from .validation import lenient_e164, lenient_e164_and_region, split_e164

__all__ = [
    "FieldError",
    "join_path",
    "read_bool",
    "read_datetime",
    "read_decimal",
    "read_e164",
    "read_e164_and_region",
    "read_each",
    "read_int",
    "read_list",
    "read_money",
    "read_name",
    "read_object",
    "read_str",
    "required",
]

T = TypeVar("T")

_UTC = timezone.utc
_CACHE_SIZE = 4096


def join_path(prefix: str, field: str) -> str:
    """``("items[3]", "channels")`` → ``"items[3].channels"``; ``("destination", "[0]")`` →
    ``"destination[0]"``; an empty side leaves the other."""
    if not prefix:
        return field
    if not field:
        return prefix
    return prefix + field if field[0] == "[" else prefix + "." + field


class FieldError(ValueError):
    """A field whose value no form of its reader fits.

    ``field`` is the path within what was being read (``"channels"``, ``"destination[1].transport"``);
    ``problem`` says what was wrong, with the value."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"field {field or '(document)'!r} is invalid: {problem}")
        self.field = field
        self.problem = problem

    def within(self, prefix: str) -> FieldError:
        """The same error with ``prefix`` (where the record sits) in front of its path."""
        return FieldError(join_path(prefix, self.field), self.problem)

    def response_error(
        self, provider: str, *, status_code: int | None = None, request_id: str | None = None
    ) -> ResponseFormatError:
        """The :class:`~didkit.ResponseFormatError` to raise: names the provider and the field."""
        field = self.field or "(document)"
        return ResponseFormatError(
            f"{provider}: field {field!r} is invalid: {self.problem}",
            provider=provider,
            status_code=status_code,
            request_id=request_id,
            field=field,
        )


def _fail(field: str, expected: str, value: Any) -> NoReturn:
    text = repr(value)
    if len(text) > 80:
        text = text[:79] + "…"
    raise FieldError(field, f"expected {expected}, got {text}")


def required(value: Any, field: str) -> Any:
    """``value`` itself, or :class:`FieldError` when it is ``None`` (absent or ``null``)."""
    if value is None:
        raise FieldError(field, "is missing")
    return value


# -- structure ------------------------------------------------------------------------------------


def read_object(value: Any, field: str) -> dict[str, Any] | None:
    """A JSON object (``dict``), or ``None``."""
    if type(value) is dict or value is None:
        return value
    if isinstance(value, dict):
        return value
    _fail(field, "an object", value)


def read_list(value: Any, field: str) -> list[Any] | None:
    """A JSON array (``list``), or ``None``."""
    if type(value) is list or value is None:
        return value
    if isinstance(value, list):
        return value
    _fail(field, "a list", value)


def read_each(value: Any, field: str, read: Callable[..., T], *args: Any) -> list[T]:
    """``read(element, *args)`` for every element of the required list ``value``; an element's
    error is named within the list (``items[3].channels``)."""
    items = read_list(required(value, field), field)
    assert items is not None
    out: list[T] = []
    append = out.append
    try:
        for index, item in enumerate(items):  # noqa: B007 - the except names it
            append(read(item, *args))
    except FieldError as error:
        raise error.within(f"{field}[{index}]") from None
    return out


# -- scalars ---------------------------------------------------------------------------------------


def read_str(value: Any, field: str) -> str | None:
    """Text, as sent (a number where text belongs is a wrong value, not a drifted one)."""
    if type(value) is str or value is None:
        return value
    if isinstance(value, str):
        return str(value)
    _fail(field, "a string", value)


def read_name(value: Any, field: str) -> str | None:
    """An enumerated name as carriers spell it in any case (``"Active"``, ``"ACTIVE"``,
    ``" active "``): stripped and lower-case, for comparing with known names."""
    if type(value) is str:
        return value.strip().lower()
    if value is None:
        return None
    _fail(field, "a name", value)


_INT_TEXT = re.compile(r"\s*[-+]?[0-9]+\s*", re.ASCII)


def read_int(value: Any, field: str) -> int | None:
    """An integer sent as ``4``, ``"4"`` (spaces and a sign allowed) or ``4.0``; never a bool."""
    if type(value) is int or value is None:
        return value
    if isinstance(value, str) and _INT_TEXT.fullmatch(value):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    _fail(field, "an integer", value)


_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})


def read_bool(value: Any, field: str) -> bool | None:
    """A flag sent as ``true``, ``1``/``0`` or text (``"true"``, ``"False"``, ``"1"``, ``"0"``);
    nothing else (``"yes"`` is no form a carrier documents)."""
    if type(value) is bool or value is None:
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    _fail(field, "true or false", value)


def read_decimal(value: Any, field: str) -> Decimal | None:
    """A finite decimal sent as text (``"0.99"``) or a JSON number (``0.99``, ``1``); a float is
    read through its shortest repr, so no binary noise gets in."""
    if value is None:
        return None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        try:
            amount = Decimal(value.strip() if isinstance(value, str) else str(value))
        except InvalidOperation:
            pass
        else:
            if amount.is_finite():
                return amount
    _fail(field, "a decimal amount", value)


_MONEY: dict[tuple[Any, str, type], Money] = {}


def read_money(value: Any, field: str, currency: str) -> Money | None:
    """:func:`read_decimal` as :class:`~didkit.Money` in ``currency``. Prices repeat from record to
    record and a ``Money`` is immutable, so they are shared (a bounded cache, keyed by the value
    as sent and its type: ``1`` and ``1.0`` read to different decimals)."""
    kind = type(value)
    if kind is not str and kind is not float and kind is not int:
        amount = read_decimal(value, field)  # None, or a wrong value it names
        return None if amount is None else Money(amount, currency)
    key = (value, currency, kind)
    found = _MONEY.get(key)
    if found is None:
        amount = read_decimal(value, field)
        assert amount is not None
        found = Money(amount, currency)
        if len(_MONEY) >= _CACHE_SIZE:
            _MONEY.clear()
        _MONEY[key] = found
    return found


def read_e164(value: Any, field: str) -> str | None:
    """A phone number sent as digits with or without ``+`` (spaces, dashes, ``00`` and an int
    allowed), as E.164 with ``+``. Carriers sell ranges ``phonenumbers`` may not know yet, so any
    *possible* number is taken (:func:`~didkit.validation.lenient_e164`)."""
    if type(value) is str:
        digits = value[1:] if value[:1] == "+" else value
        if digits.isdigit() and digits.isascii() and digits[:1] != "0":
            parts = split_e164(digits)
            if parts is not None and parts[2]:
                return "+" + digits
    elif value is None:
        return None
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        number = lenient_e164(value)
        if number is not None:
            return number
    _fail(field, "a phone number", value)


def read_e164_and_region(value: Any, field: str) -> tuple[str, str | None] | None:
    """:func:`read_e164` and the number's ISO country (``None`` when ``phonenumbers`` cannot tell),
    splitting the number once."""
    if value is None:
        return None
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        if type(value) is str and value[:1] == "+":
            value = value[1:]
        found = lenient_e164_and_region(value)
        if found is not None:
            return found
    _fail(field, "a phone number", value)


_DAYS: dict[str, datetime] = {}
_FROMISOFORMAT_IS_LENIENT = sys.version_info >= (3, 11)
_SEPARATORS = ("", "T", " ")
_DAY = re.compile(r"\s*([0-9]{4})-([0-9]{2})-([0-9]{2})\s*", re.ASCII)
_MOMENT = re.compile(
    r"\s*([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]([0-9]{2}:[0-9]{2}(?::[0-9]{2})?)(?:[.,]([0-9]+))?"
    r"\s*(Z|UTC|GMT|[+-][0-9]{2}(?::?[0-9]{2})?)?\s*",
    re.ASCII | re.IGNORECASE,
)


def read_datetime(value: Any, field: str) -> datetime | None:
    """An aware UTC datetime from the forms carriers send: ``2026-03-10`` (midnight UTC),
    ``2026-03-10 06:42:59`` (naive: UTC), ``2026-03-10 06:42:59+00:00``,
    ``2026-03-10T06:42:59.000Z``, any fraction digits, ``+02:00``/``+0200`` offsets (converted to
    UTC) and ``UTC``/``GMT`` suffixes."""
    if type(value) is not str:
        if value is None:
            return None
        _fail(field, "a date or date-time", value)
    if len(value) == 10:
        day = _DAYS.get(value)
        if day is not None:
            return day
    moment: datetime | None = None
    if _FROMISOFORMAT_IS_LENIENT and value[4:5] == "-" and value.isascii():
        try:
            # A naive time is UTC: said in the text, that costs less than replace() afterwards.
            moment = datetime.fromisoformat(value + "+00:00" if len(value) == 19 else value)
        except ValueError:
            moment = None
    if moment is None or len(value) < 10 or value[7:8] != "-" or value[10:11] not in _SEPARATORS:
        # not the extended form with T or a space (fromisoformat takes more): decide below
        moment = _datetime_forms(value, field)
    if moment.tzinfo is _UTC:
        return moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_UTC)
        if len(value) == 10:
            if len(_DAYS) >= _CACHE_SIZE:
                _DAYS.clear()
            _DAYS[value] = moment
        return moment
    return moment.astimezone(_UTC)


def _datetime_forms(value: str, field: str) -> datetime:
    """Every form :func:`read_datetime` takes, spelled out (Python 3.10's ``fromisoformat`` takes
    fewer; and on 3.11+ only these forms are taken, not ISO week dates or the basic format)."""
    day = _DAY.fullmatch(value)
    try:
        if day is not None:
            return datetime.combine(date(int(day[1]), int(day[2]), int(day[3])), datetime.min.time())
        parts = _MOMENT.fullmatch(value)
        if parts is not None:
            days, clock, fraction, zone = parts.groups()
            text = days + "T" + clock
            if fraction:
                text += "." + (fraction + "000000")[:6]
            if zone and zone.upper() not in ("Z", "UTC", "GMT"):
                text += zone if len(zone) == 6 else zone[:3] + ":" + (zone[-2:] if len(zone) > 3 else "00")
            elif zone:
                text += "+00:00"
            return datetime.fromisoformat(text)
    except ValueError:
        pass
    _fail(field, "a date or date-time", value)
