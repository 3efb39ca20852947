"""Entries as JSON text, for the backends that store text (one format for SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import cattrs
import orjson

from ._types import LedgerEntry, LedgerError

__all__ = ["FORMAT", "decode", "encode"]

FORMAT = 3
"""The version of the JSON layout inside a stored entry (2: several orders per reference, a
count, and per-order references on intents; 3: the end-user registrations submitted for the
orders). Older formats read as they are (format 1 as one order; 1 and 2 with no
registrations); a didkit that knows only an older format refuses a newer entry rather than
drop what it cannot read."""

_READABLE = (1, 2, 3)

_converter = cattrs.Converter()
_converter.register_unstructure_hook(Decimal, str)
_converter.register_structure_hook(Decimal, lambda value, _: Decimal(value))
_converter.register_unstructure_hook(datetime, datetime.isoformat)
_converter.register_structure_hook(datetime, lambda value, _: datetime.fromisoformat(value))


def encode(entry: LedgerEntry) -> str:
    document: dict[str, Any] = {"format": FORMAT, "entry": _converter.unstructure(entry)}
    return orjson.dumps(document, default=_plain).decode()


def _plain(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    raise TypeError(f"{type(value).__name__} cannot be stored in the ledger")


def decode(text: str | bytes) -> LedgerEntry:
    try:
        document = orjson.loads(text)
        if document.get("format") not in _READABLE:
            raise LedgerError(
                f"a ledger entry is in format {document.get('format')!r}; this didkit reads format {FORMAT}: upgrade it"
            )
        return _converter.structure(document["entry"], LedgerEntry)
    except LedgerError:
        raise
    except Exception as exc:
        raise LedgerError(f"a ledger entry could not be read ({type(exc).__name__}: {exc})") from exc
