"""The procurement ledger: what :func:`~didkit.procure` bought, or set out to buy, under each
reference — durable, so that "never buys twice" holds across processes, crashes and machines.

Open one with :func:`open_ledger` (``didkit.open_ledger``): a path or ``sqlite:///`` URL
(:class:`SQLiteLedger`, the default, in the user state directory), ``postgresql://…``
(:class:`PostgresLedger`) or ``"memory"`` (:class:`MemoryLedger`). All three share one set of
rules (:class:`Ledger`); see the "Procurement ledger" page of the docs for the guarantees.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._base import DEFAULT_LEASE, DEFAULT_POLL, DEFAULT_WAIT, Ledger, new_holder
from ._memory import MemoryLedger
from ._open import ENV_VAR, default_ledger_path, default_ledger_spec, open_ledger
from ._sqlite import SQLiteLedger
from ._types import (
    ClaimResult,
    EntryState,
    Intent,
    LedgerBusyError,
    LedgerEntry,
    LedgerError,
    RecordedAttempt,
    RecordedError,
    RecordedRegistration,
    numbers_of,
)

if TYPE_CHECKING:
    from ._postgres import PostgresLedger

__all__ = [
    "DEFAULT_LEASE",
    "DEFAULT_POLL",
    "DEFAULT_WAIT",
    "ENV_VAR",
    "ClaimResult",
    "EntryState",
    "Intent",
    "Ledger",
    "LedgerBusyError",
    "LedgerEntry",
    "LedgerError",
    "MemoryLedger",
    "PostgresLedger",
    "RecordedAttempt",
    "RecordedError",
    "RecordedRegistration",
    "SQLiteLedger",
    "default_ledger_path",
    "default_ledger_spec",
    "new_holder",
    "numbers_of",
    "open_ledger",
]


def __getattr__(name: str) -> Any:
    if name == "PostgresLedger":  # imported on demand: psycopg is an optional dependency
        from ._postgres import PostgresLedger

        return PostgresLedger
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
