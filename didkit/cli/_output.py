"""Rendering: rich tables for people, JSON for machines.

JSON keys are the domain field names. ``Money`` is an object ``{"amount": "0.99", "currency": "USD"}``
(the amount a decimal string, never a float); datetimes are ISO 8601; enums are their values; sets
are sorted lists; the carrier payload (``raw``) is left out.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from ..model import DID, AvailableNumber, Destination, DestinationKind, Money

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

_OMIT = frozenset({"raw"})


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data (see the module docstring for the conventions)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, Money):
        return {"amount": str(value.amount), "currency": value.currency}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, BaseException):
        return {"type": type(value).__name__, "message": str(value)}
    if attrs.has(type(value)):
        return {
            field.name: jsonable(getattr(value, field.name))
            for field in attrs.fields(type(value))
            if field.name not in _OMIT and not field.name.startswith("_")
        }
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: jsonable(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if field.name not in _OMIT and not field.name.startswith("_")
        }
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        items = [jsonable(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    if isinstance(value, Iterable):
        return [jsonable(item) for item in value]
    return str(value)


def print_json(data: Any) -> None:
    """Write ``data`` as JSON on stdout, and nothing else."""
    sys.stdout.write(json.dumps(jsonable(data), indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


# -- consoles ------------------------------------------------------------------------------------


def _console(stderr: bool) -> Console:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None
    if not stream.isatty() and not os.environ.get("COLUMNS"):
        width = 160  # files and pipes: wide enough that tables do not wrap
    # markup off: carrier data (and destination kinds in brackets) is printed literally
    return Console(file=stream, stderr=stderr, highlight=False, markup=False, emoji=False, width=width)


def out() -> Console:
    """A console on the current stdout (so that test runners capture it)."""
    return _console(False)


def err() -> Console:
    """A console on the current stderr."""
    return _console(True)


def say(message: str) -> None:
    """A one-line note for people, on stderr (so that stdout stays the command's output)."""
    sys.stderr.write(" ".join(message.split()) + "\n")
    sys.stderr.flush()


_NUMERIC = frozenset({"#", "setup", "monthly", "per-minute", "channels", "total", "elapsed"})
_NO_WRAP = frozenset({"provider", "number", "status", "type", "expires", "code", "prefix", "outcome"})


def table(*columns: str, title: str | None = None) -> Table:
    """A plain table with ``columns``; columns named like prices are right-aligned."""
    from rich import box
    from rich.table import Table

    result = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    for name in columns:
        numeric = name in _NUMERIC
        result.add_column(
            name,
            justify="right" if numeric else "left",
            no_wrap=numeric or name in _NO_WRAP,
            overflow="fold",
        )
    return result


def show(renderable: Any) -> None:
    """Print a rich renderable on stdout."""
    out().print(renderable)


# -- formatting ----------------------------------------------------------------------------------

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def money(value: Money | None) -> str:
    """``$0.99``, ``1.50 CAD``; ``-`` when unknown."""
    if value is None:
        return "-"
    amount = value.amount
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        amount = amount.quantize(Decimal("0.01"))
    symbol = _SYMBOLS.get(value.currency)
    return f"{symbol}{amount}" if symbol else f"{amount} {value.currency}"


def text(value: Any) -> str:
    """A cell: ``-`` for ``None``, ISO dates, enum values."""
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, Money):
        return money(value)
    return str(value)


def words(values: Iterable[Any]) -> str:
    """Enum members or strings, sorted and comma-separated."""
    items = sorted(str(item.value if isinstance(item, enum.Enum) else item) for item in values)
    return ", ".join(items) or "-"


def offer_number(offer: AvailableNumber) -> str:
    """The offer's number, or ``any in <area>`` for a "any number from this group" offer."""
    if offer.number:
        return offer.number
    area = offer.city or offer.region or offer.country or "this group"
    return f"any in {area}"


def destination(dest: Destination) -> str:
    """``sip:…``, ``+1…`` or ``trunk …``."""
    if dest.kind is DestinationKind.SIP_TRUNK:
        return f"trunk {dest.target}" + (
            f" ({dest.trunk_id})" if dest.trunk_id and dest.trunk_id != dest.target else ""
        )
    return dest.target


def destinations(dests: Sequence[Destination]) -> str:
    """Destinations in priority order."""
    ordered = sorted(dests, key=lambda d: d.priority)
    return ", ".join(destination(d) for d in ordered) or "-"


def offers_table(rows: Sequence[tuple[int, AvailableNumber]], title: str | None = None) -> Table:
    """The search table: ``rows`` are ``(per-provider position, offer)``, already in order."""
    result = table(
        "provider",
        "#",
        "number",
        "city",
        "type",
        "setup",
        "monthly",
        "per-minute",
        "channels",
        "documents",
        title=title,
    )
    for position, offer in rows:
        result.add_row(
            offer.provider,
            str(position),
            offer_number(offer),
            text(offer.city or offer.region),
            text(offer.number_type),
            money(offer.setup_price),
            money(offer.monthly_price),
            money(offer.per_minute_price),
            text(offer.channels),
            "required" if offer.requires_documents else "-",
        )
    return result


def numbers_table(dids: Sequence[DID]) -> Table:
    """Owned numbers, one row each."""
    result = table("provider", "number", "status", "country", "city", "label", "monthly", "routes to", "expires")
    for did in dids:
        result.add_row(
            did.provider,
            did.number,
            text(did.status),
            text(did.country),
            text(did.city or did.region),
            text(did.label),
            money(did.monthly_price),
            destinations(did.destinations),
            text(did.expires_at.date() if did.expires_at else None),
        )
    return result


def did_details(did: DID) -> Table:
    """One owned number, field by field."""
    from rich import box
    from rich.table import Table

    result = Table(box=box.SIMPLE, show_header=False, pad_edge=False)
    result.add_column("field", style="bold")
    result.add_column("value")
    rows: list[tuple[str, str]] = [
        ("number", did.number),
        ("provider", did.provider),
        ("id", did.id),
        ("status", text(did.status)),
        ("country", text(did.country)),
        ("region", text(did.region)),
        ("city", text(did.city)),
        ("capabilities", words(did.capabilities)),
        ("channels", text(did.channels)),
        ("label", text(did.label)),
        ("sms routes", " > ".join(route.target for route in did.messaging) or "-"),
        ("setup price", money(did.setup_price)),
        ("monthly price", money(did.monthly_price)),
        ("per-minute price", money(did.per_minute_price)),
        ("created", text(did.created_at)),
        ("expires", text(did.expires_at)),
        ("auto-renew", text(did.auto_renew)),
    ]
    ordered = sorted(did.destinations, key=lambda d: d.priority)
    if not ordered:
        rows.append(("destinations", "-"))
    for dest in ordered:
        rows.append((f"destination {dest.priority}", f"{destination(dest)} [{dest.kind.value}]"))
    for name, value in rows:
        result.add_row(name, value, end_section=False)
    return result
