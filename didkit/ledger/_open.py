"""``open_ledger(spec)`` and the default ledger."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import InvalidInputError
from ._base import Ledger
from ._memory import MemoryLedger
from ._sqlite import SQLiteLedger
from ._types import LedgerError

__all__ = ["ENV_VAR", "default_ledger_path", "default_ledger_spec", "open_ledger"]

ENV_VAR = "DIDKIT_LEDGER"
FILENAME = "procurements.sqlite3"
SANDBOX_FILENAME = "procurements-sandbox.sqlite3"


def default_ledger_path() -> Path:
    """``procurements.sqlite3`` in the user state directory (``platformdirs.user_state_dir("didkit")``:
    ``~/.local/state/didkit`` on Linux)."""
    import platformdirs

    return Path(platformdirs.user_state_dir("didkit", appauthor=False)) / FILENAME


def default_ledger_spec(*, sandbox: bool = False) -> str:
    """``$DIDKIT_LEDGER`` when set, else the path of :func:`default_ledger_path` — for procurements
    from the built-in sandbox emulators (``sandbox=True``), ``procurements-sandbox.sqlite3`` beside
    it, so that make-believe orders never stand in the ledger of real ones. (Where one ledger
    holds both, a procure refuses a reference the other kind used.)"""
    chosen = os.environ.get(ENV_VAR, "").strip()
    if chosen:
        return chosen
    path = default_ledger_path()
    return str(path.with_name(SANDBOX_FILENAME) if sandbox else path)


def open_ledger(spec: str | os.PathLike[str] | None = None, **options: Any) -> Ledger:
    """Open the ledger ``spec`` names (nothing is connected until first use).

    Args:
        spec: a filesystem path or ``sqlite:///relative/path`` / ``sqlite:////absolute/path``
            (SQLite, safe for many processes on one machine); ``postgresql://…`` or
            ``postgres://…`` (PostgreSQL via psycopg 3, for workers on several machines; needs
            ``pip install 'didkit[postgres]'``); ``"memory"`` (this process only). ``None``: the
            default, :func:`default_ledger_spec`.
        options: for the backend: ``lease``, ``wait``, ``poll``, ``clock`` (every backend);
            ``busy_timeout`` (SQLite); ``table``, ``connect_timeout`` (PostgreSQL).
    """
    if spec is None:
        spec = default_ledger_spec()
    if isinstance(spec, os.PathLike):
        return SQLiteLedger(spec, **options)
    if not isinstance(spec, str) or not spec.strip():
        raise InvalidInputError(f"a ledger is a path, a sqlite:/// or postgresql:// URL, or 'memory'; got {spec!r}")
    text = spec.strip()
    if text == "memory":
        return MemoryLedger(**options)
    scheme = text.partition("://")[0].lower() if "://" in text else ""
    if scheme in ("postgresql", "postgres") or scheme.startswith("postgresql+"):
        try:
            from ._postgres import PostgresLedger
        except ImportError as exc:
            raise LedgerError("a PostgreSQL ledger needs psycopg 3: pip install 'didkit[postgres]'") from exc
        return PostgresLedger("postgresql://" + text.partition("://")[2], **options)
    if scheme == "sqlite" or scheme.startswith("sqlite+"):
        rest = text.partition("://")[2]
        if not rest.startswith("/") or rest == "/":
            raise InvalidInputError(
                f"a SQLite URL is sqlite:///relative/path or sqlite:////absolute/path, got {spec!r}"
            )
        path = rest[1:]  # sqlite:///x.db → "x.db"; sqlite:////tmp/x.db → "/tmp/x.db"
        if path in ("", ":memory:"):
            raise InvalidInputError(f"{spec!r} names no file: use 'memory' for a ledger of this process only")
        return SQLiteLedger(path, **options)
    if scheme:
        raise InvalidInputError(
            f"unknown ledger URL scheme {scheme!r} in {spec!r}: use sqlite:///, postgresql:// or a path"
        )
    return SQLiteLedger(text, **options)
