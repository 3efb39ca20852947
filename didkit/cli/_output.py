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


def count(amount: int, noun: str, plural: str | None = None) -> str:
    """``1 offer``, ``3 offers``, ``0 offers`` (``plural`` for nouns that do not just take an s)."""
    return f"{amount} {noun if amount == 1 else plural or noun + 's'}"


class Activity:
    """What the command is waiting for, as a spinner and one line on stderr — only on a terminal,
    and never with ``quiet`` (``--json``, or ``-v`` whose log lines would tear the spinner).

    ``with Activity("Listing numbers on wavix…") as activity: ... activity.update("…")``. Safe to
    update from worker threads.
    """

    def __init__(self, message: str, *, quiet: bool = False) -> None:
        self.message = message
        self._console = None if quiet else err()
        self._status: Any = None

    def __enter__(self) -> Activity:
        if self._console is not None and self._console.is_terminal:
            self._status = self._console.status(self.message, spinner="dots")
            self._status.start()
        return self

    @property
    def live(self) -> bool:
        """Whether the spinner is showing (on a terminal, not quiet, inside the ``with``)."""
        return self._status is not None

    def update(self, message: str) -> None:
        """Say what the command waits for now."""
        self.message = message
        if self._status is not None:
            self._status.update(message)

    def __exit__(self, *exc: object) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None


@attrs.frozen
class Col:
    """A table column.

    ``whole``: its cells are never wrapped, folded or cut (prices, numbers, offer indexes, dates).
    ``drop``: when the table does not fit the terminal, the columns with a rank go first, lowest
    rank first; a column without one is always shown. ``right``: right-aligned (amounts).
    ``floor``: the narrowest a foldable column may get (default ``_FOLD_FLOOR``).
    """

    header: str
    whole: bool = False
    drop: int | None = None
    right: bool = False
    floor: int | None = None


_FOLD_FLOOR = 12
"""The narrowest a foldable column gets unless it says otherwise (fewer characters when its widest
cell is shorter)."""


def table(
    columns: Sequence[Col],
    rows: Iterable[Sequence[str]],
    *,
    title: str | None = None,
    header: bool = True,
    width: int | None = None,
) -> Table:
    """The one table builder of the CLI: ``rows`` under ``columns``, fitted to ``width`` (default:
    the terminal's). Columns are dropped in their ``drop`` order until the rest fit; whole columns
    get their widest cell, and the foldable ones share what is left, none under its floor."""
    from rich.cells import cell_len

    data = [list(row) for row in rows]
    wants: list[int] = []
    floors: list[int] = []
    for index, column in enumerate(columns):
        cells = [*(row[index] for row in data), column.header if header else ""]
        widest = max(1, *(cell_len(line) for cell in cells for line in (cell.splitlines() or [""])))
        wants.append(widest)
        floors.append(widest if column.whole else min(widest, column.floor or _FOLD_FLOOR))
    if width is None:
        width = out().width

    def frame(indexes: Sequence[int], widths: Sequence[int]) -> Table:
        from rich import box
        from rich.table import Column, Table

        return Table(
            *(
                Column(
                    columns[index].header,
                    justify="right" if columns[index].right else "left",
                    no_wrap=columns[index].whole,
                    overflow="fold",
                    width=widths[index],
                )
                for index in indexes
            ),
            title=title,
            box=box.SIMPLE_HEAD if header else box.SIMPLE,
            show_header=header,
            title_justify="left",
            pad_edge=False,
        )

    def narrowest(indexes: Sequence[int]) -> int:
        return _measure(frame(indexes, floors))

    shown = list(range(len(columns)))
    dropped: list[int] = []
    for index in sorted((i for i, c in enumerate(columns) if c.drop is not None), key=lambda i: columns[i].drop or 0):
        if narrowest(shown) <= width:
            break
        shown.remove(index)
        dropped.append(index)
    for index in reversed(dropped):  # a narrow column dropped early may fit beside the ones kept
        candidate = sorted([*shown, index])
        if narrowest(candidate) <= width:
            shown = candidate
    folding = [index for index in shown if not columns[index].whole]
    spare = width - narrowest(shown) + sum(floors[index] for index in folding)
    widths = list(wants)
    shares = _share(spare, [wants[i] for i in folding], [floors[i] for i in folding])
    for index, given in zip(folding, shares, strict=True):
        widths[index] = given
    result = frame(shown, widths)
    for row in data:
        result.add_row(*(row[index] for index in shown))
    return result


def _share(room: int, wants: Sequence[int], floors: Sequence[int]) -> list[int]:
    """Widths for the foldable columns: each ``max(floor, min(want, level))`` at the highest level
    that fits ``room``; what is left goes one character at a time to the columns still short."""

    def total(level: int) -> int:
        return sum(max(floor, min(want, level)) for want, floor in zip(wants, floors, strict=True))

    low, high = 0, max(wants, default=0)
    while low < high:  # the highest level whose total fits
        middle = (low + high + 1) // 2
        low, high = (middle, high) if total(middle) <= room else (low, middle - 1)
    widths = [max(floor, min(want, low)) for want, floor in zip(wants, floors, strict=True)]
    left = room - sum(widths)
    for index, want in enumerate(wants):
        if left <= 0:
            break
        if widths[index] < want:
            widths[index] += 1
            left -= 1
    return widths


def _measure(empty: Table) -> int:
    """How wide ``empty`` (a table whose columns all have a width) is, borders and padding included."""
    import io

    from rich.console import Console

    return Console(width=100_000, file=io.StringIO()).measure(empty).maximum


def show(renderable: Any, console: Console | None = None) -> None:
    """Print a rich renderable (on stdout by default). A table whose whole columns alone are wider
    than the terminal is printed at its own width, for the terminal to wrap: never cut."""
    from rich.table import Table

    console = console or out()
    width = console.width
    if isinstance(renderable, Table) and _measure(renderable) > width:
        console.width = _measure(renderable)  # print() clamps any width it is given to the console's
    try:
        console.print(renderable, crop=False)
    finally:
        console.width = width


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


OFFER_COLUMNS = (
    Col("provider", whole=True),
    Col("#", whole=True, right=True),
    Col("number", whole=True),
    Col("city", drop=4),
    Col("type", whole=True, drop=2),
    Col("setup", whole=True, right=True),
    Col("monthly", whole=True, right=True),
    Col("per-minute", whole=True, right=True, drop=3),
    Col("channels", whole=True, right=True, drop=1),
    Col("documents", whole=True, drop=5),
)


def offers_table(rows: Sequence[tuple[int, AvailableNumber]], title: str | None = None) -> Table:
    """The search table: ``rows`` are ``(per-provider position, offer)``, already in order."""
    return table(
        OFFER_COLUMNS,
        (
            (
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
            for position, offer in rows
        ),
        title=title,
    )


NUMBER_COLUMNS = (
    Col("provider", whole=True),
    Col("number", whole=True),
    Col("status", whole=True, drop=5),
    Col("country", whole=True, drop=1),
    Col("city", drop=3),
    Col("label", drop=2),
    Col("monthly", whole=True, right=True),
    Col("routes to", drop=6),
    Col("expires", whole=True, drop=4),
)


def numbers_table(dids: Sequence[DID]) -> Table:
    """Owned numbers, one row each."""
    return table(
        NUMBER_COLUMNS,
        (
            (
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
            for did in dids
        ),
    )


def did_details(did: DID) -> Table:
    """One owned number, field by field."""
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
    # the value column folds long URIs and ids, but never a number or a price: its floor fits them
    atomic = [did.number, *(value for name, value in rows if "price" in name)]
    floor = max(_FOLD_FLOOR, *(len(value) for value in atomic))
    return table((Col("field", whole=True), Col("value", floor=floor)), rows, header=False)
