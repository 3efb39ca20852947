"""The PostgreSQL ledger: for workers on several machines (psycopg 3, the ``postgres`` extra)."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from ..errors import InvalidInputError
from ._base import Ledger, Store, unreachable
from ._codec import decode, encode
from ._types import LedgerEntry, LedgerError

__all__ = ["PostgresLedger"]

SCHEMA_VERSION = 2

_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE IF NOT EXISTS {table} (
            reference TEXT PRIMARY KEY,
            state TEXT NOT NULL,
            holder TEXT,
            updated_at TIMESTAMPTZ NOT NULL,
            body JSONB NOT NULL
        )""",
    ),
    2: (
        "ALTER TABLE {table} ADD COLUMN IF NOT EXISTS bought INTEGER NOT NULL DEFAULT 0",
        # format-1 bodies hold at most one order
        "UPDATE {table} SET bought = COALESCE(jsonb_array_length(body->'entry'->'order'->'numbers'), 0)",
    ),
}

_INHERITED: list[Any] = []
"""Connections a forked child inherited: kept, never closed, so the parent's stay open."""

_SCHEMA_LOCK = 0x6469646B6974  # "didkit": one advisory lock id for creating/migrating the schema


def _redacted(dsn: str) -> str:
    parts = urlsplit(dsn)
    if parts.password is None:
        return dsn
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


class _PostgresStore:
    def __init__(self, cursor: psycopg.Cursor[Any], table: str) -> None:
        self._cursor = cursor
        self._table = sql.Identifier(table)

    def load(self, reference: str) -> LedgerEntry | None:
        # The advisory lock serialises callers on a reference that has no row yet (FOR UPDATE
        # alone locks only rows that exist); it ends with the transaction.
        self._cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (reference,))
        self._cursor.execute(
            sql.SQL("SELECT body::text FROM {} WHERE reference = %s FOR UPDATE").format(self._table), (reference,)
        )
        row = self._cursor.fetchone()
        return None if row is None else decode(row[0])

    def save(self, entry: LedgerEntry) -> None:
        self._cursor.execute(
            sql.SQL(
                "INSERT INTO {} (reference, state, holder, updated_at, body, bought) "
                "VALUES (%s, %s, %s, %s, %s::jsonb, %s) ON CONFLICT (reference) DO UPDATE SET state = EXCLUDED.state, "
                "holder = EXCLUDED.holder, updated_at = EXCLUDED.updated_at, body = EXCLUDED.body, "
                "bought = EXCLUDED.bought"
            ).format(self._table),
            (entry.reference, entry.state, entry.holder, entry.updated_at, encode(entry), entry.bought),
        )

    def delete(self, reference: str) -> None:
        self._cursor.execute(sql.SQL("DELETE FROM {} WHERE reference = %s").format(self._table), (reference,))

    def scan(self) -> list[LedgerEntry]:
        self._cursor.execute(sql.SQL("SELECT body::text FROM {}").format(self._table))
        return [decode(body) for (body,) in self._cursor.fetchall()]


class PostgresLedger(Ledger):
    """A ledger in a PostgreSQL table, shared by workers on any number of machines.

    The reference is the primary key; each operation is one transaction that takes a
    transaction-scoped advisory lock on the reference and the row ``FOR UPDATE``. The table
    (``didkit_procurements`` by default) and its schema version (in
    ``didkit_ledger_meta``) are created or migrated on first use, under an advisory lock so
    that workers starting together do it once.

    One connection per ledger object, opened on first use (again after a ``fork``), used by
    one operation at a time. ``connect_timeout`` bounds how long an unreachable server takes
    to fail with :class:`LedgerError`. Leases use each worker's own clock: keep the machines'
    clocks in sync (NTP) to well under the lease.
    """

    def __init__(
        self, dsn: str, *, table: str = "didkit_procurements", connect_timeout: float = 10.0, **options: Any
    ) -> None:
        super().__init__(**options)
        if not table.replace("_", "").isalnum():
            raise InvalidInputError(f"ledger table name must be letters, digits and underscores, got {table!r}")
        self.dsn = dsn
        self.url = _redacted(dsn)
        self.table = table
        self.connect_timeout = connect_timeout
        self._connection: psycopg.Connection[Any] | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def _connect(self) -> psycopg.Connection[Any]:
        if self._connection is not None and self._pid == os.getpid() and not self._connection.closed:
            return self._connection
        if self._connection is not None and self._pid != os.getpid():
            # Inherited through fork: closing (or collecting) it would end the parent's session.
            _INHERITED.append(self._connection)
            self._connection = None
        try:
            connection = psycopg.connect(self.dsn, connect_timeout=max(1, round(self.connect_timeout)))
        except psycopg.Error as exc:
            raise unreachable(self.url, exc) from exc
        try:
            self._migrate(connection)
        except BaseException:
            connection.close()
            raise
        self._connection, self._pid = connection, os.getpid()
        return connection

    def _migrate(self, connection: psycopg.Connection[Any]) -> None:
        try:
            with connection.transaction(), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                cursor.execute(
                    "CREATE TABLE IF NOT EXISTS didkit_ledger_meta (name TEXT PRIMARY KEY, version INTEGER NOT NULL)"
                )
                cursor.execute("SELECT version FROM didkit_ledger_meta WHERE name = %s", (self.table,))
                row = cursor.fetchone()
                version = int(row[0]) if row else 0
                if version > SCHEMA_VERSION:
                    raise LedgerError(
                        f"the procurement ledger table {self.table} has schema version {version}; this didkit "
                        f"knows up to {SCHEMA_VERSION}: upgrade didkit"
                    )
                for step in range(version + 1, SCHEMA_VERSION + 1):
                    for statement in _MIGRATIONS[step]:
                        cursor.execute(sql.SQL(statement).format(table=sql.Identifier(self.table)))
                cursor.execute(
                    "INSERT INTO didkit_ledger_meta (name, version) VALUES (%s, %s) "
                    "ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version",
                    (self.table, SCHEMA_VERSION),
                )
        except psycopg.Error as exc:
            raise unreachable(self.url, exc) from exc

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Store]:
        with self._lock:
            connection = self._connect()
            try:
                with connection.transaction(), connection.cursor() as cursor:
                    yield _PostgresStore(cursor, self.table)
            except psycopg.Error as exc:
                self._drop()
                raise unreachable(self.url, exc) from exc

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.close()

    def close(self) -> None:
        with self._lock:
            self._drop()
