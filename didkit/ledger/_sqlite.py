"""The SQLite ledger: one file, safe for many processes of one machine (WAL mode)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ._base import Ledger, Store, unreachable
from ._codec import decode, encode
from ._types import LedgerEntry, LedgerError

__all__ = ["SQLiteLedger"]

SCHEMA_VERSION = 2
"""Kept in ``PRAGMA user_version``; a file of a newer version is refused, an older one migrated."""

_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE IF NOT EXISTS procurements (
            reference TEXT PRIMARY KEY,
            state TEXT NOT NULL,
            holder TEXT,
            updated_at TEXT NOT NULL,
            body TEXT NOT NULL
        )""",
    ),
    2: (
        "ALTER TABLE procurements ADD COLUMN bought INTEGER NOT NULL DEFAULT 0",
        # format-1 bodies hold at most one order
        "UPDATE procurements SET bought = COALESCE(json_array_length(body, '$.entry.order.numbers'), 0)",
    ),
}
"""The statements that bring a file from version ``n - 1`` to ``n``."""


class _SQLiteStore:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    def load(self, reference: str) -> LedgerEntry | None:
        row = self._db.execute("SELECT body FROM procurements WHERE reference = ?", (reference,)).fetchone()
        return None if row is None else decode(row[0])

    def save(self, entry: LedgerEntry) -> None:
        self._db.execute(
            "INSERT INTO procurements (reference, state, holder, updated_at, body, bought) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (reference) DO UPDATE SET state = excluded.state, holder = excluded.holder, "
            "updated_at = excluded.updated_at, body = excluded.body, bought = excluded.bought",
            (entry.reference, entry.state, entry.holder, entry.updated_at.isoformat(), encode(entry), entry.bought),
        )

    def delete(self, reference: str) -> None:
        self._db.execute("DELETE FROM procurements WHERE reference = ?", (reference,))

    def scan(self) -> list[LedgerEntry]:
        return [decode(body) for (body,) in self._db.execute("SELECT body FROM procurements")]


class SQLiteLedger(Ledger):
    """A ledger in an SQLite file (created, with its folder, on first use).

    Each operation opens a connection, runs one ``BEGIN IMMEDIATE`` transaction (so two
    processes never read-modify-write the same reference at once) and closes it: short
    transactions, nothing shared across threads or a ``fork``. The file is in WAL mode, so
    readers never wait for the writer. ``busy_timeout`` is how long an operation waits for
    another process's transaction before :class:`LedgerError`.

    Safe for any number of processes *on one machine*; not on a network file system (SQLite's
    locks do not hold there): use PostgreSQL for several machines.
    """

    def __init__(self, path: str | os.PathLike[str], *, busy_timeout: float = 10.0, **options: Any) -> None:
        super().__init__(**options)
        self.path = Path(path).expanduser()
        self.url = f"sqlite:///{self.path}"  # an absolute path gives the four slashes
        self.busy_timeout = busy_timeout
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise unreachable(str(self.path), exc) from exc
        try:
            if not self._ready:
                self._prepare(connection)
                self._ready = True
        except BaseException:
            connection.close()
            raise
        return connection

    def _wal(self, connection: sqlite3.Connection) -> None:
        """Put the file in WAL mode (once: it stays so). Switching needs the file to itself and,
        unlike a transaction, does not wait through SQLite's busy handler: several processes or
        threads opening a new ledger at once would see "database is locked", so wait here."""
        deadline = time.monotonic() + self.busy_timeout
        while True:
            try:
                if str(connection.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                    connection.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() >= deadline:
                    raise
                time.sleep(0.01)

    def _prepare(self, connection: sqlite3.Connection) -> None:
        try:
            self._wal(connection)
            connection.execute("BEGIN IMMEDIATE")
            try:
                version = int(connection.execute("PRAGMA user_version").fetchone()[0])
                if version > SCHEMA_VERSION:
                    raise LedgerError(
                        f"the procurement ledger {self.path} has schema version {version}; this didkit knows "
                        f"up to {SCHEMA_VERSION}: upgrade didkit"
                    )
                for step in range(version + 1, SCHEMA_VERSION + 1):
                    for statement in _MIGRATIONS[step]:
                        connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise unreachable(str(self.path), exc) from exc

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Store]:
        connection = self._connect()
        try:
            try:
                connection.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise unreachable(str(self.path), exc) from exc
            try:
                yield _SQLiteStore(connection)
            except sqlite3.Error as exc:
                connection.execute("ROLLBACK")
                raise unreachable(str(self.path), exc) from exc
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            try:
                connection.execute("COMMIT")
            except sqlite3.Error as exc:
                raise unreachable(str(self.path), exc) from exc
        finally:
            connection.close()
