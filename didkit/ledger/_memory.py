"""The memory ledger: this process only."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from ._base import DEFAULT_LEASE, Ledger, Store
from ._types import LedgerEntry

__all__ = ["MemoryLedger"]


class _DictStore:
    def __init__(self, entries: dict[str, LedgerEntry]) -> None:
        self._entries = entries

    def load(self, reference: str) -> LedgerEntry | None:
        return self._entries.get(reference)

    def save(self, entry: LedgerEntry) -> None:
        self._entries[entry.reference] = entry

    def delete(self, reference: str) -> None:
        self._entries.pop(reference, None)

    def scan(self) -> list[LedgerEntry]:
        return list(self._entries.values())


class MemoryLedger(Ledger):
    """A ledger in this process's memory: safe across its threads and event loops, gone when it
    exits. Use it in tests, or where another system already guarantees one purchase per
    reference. Its default ``poll`` is short: the holder is in this process."""

    url = "memory"

    def __init__(self, *, lease: float = DEFAULT_LEASE, poll: float = 0.02, **options: Any) -> None:
        super().__init__(lease=lease, poll=poll, **options)
        self._lock = threading.RLock()
        self._entries: dict[str, LedgerEntry] = {}

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Store]:
        with self._lock:
            # Changes go to a copy, kept only when the block ends without an exception.
            working = dict(self._entries)
            yield _DictStore(working)
            self._entries = working

    def clear(self) -> None:
        """Forget every entry (held ones included)."""
        with self._lock:
            self._entries = {}

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __contains__(self, reference: object) -> bool:
        with self._lock:
            return reference in self._entries
