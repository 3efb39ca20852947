"""An expiring cache for what a carrier rarely changes (countries, regions, cities, trunk names)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from ..engine import Operation

T = TypeVar("T")


class ExpiringCache:
    """Values kept for ``ttl`` seconds by the injected ``clock`` (``OperationContext.clock``, so
    tests move time instead of sleeping); ``ttl == 0`` keeps nothing.

    :meth:`get` is itself an operation: on a miss it runs ``fetch`` (whose requests go through
    the runner as usual) and keeps the result; a fetch that raises keeps nothing.
    """

    def __init__(self, ttl: float, clock: Callable[[], float]) -> None:
        if isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or ttl < 0:
            raise ValueError(f"ttl must be a number of seconds >= 0, got {ttl!r}")
        self.ttl = float(ttl)
        self._clock = clock
        self._entries: dict[Hashable, tuple[float, Any]] = {}

    def get(self, key: Hashable, fetch: Callable[[], Operation[T]]) -> Operation[T]:
        """The value under ``key``: kept, if it has not expired; else fetched (and kept)."""
        hit = self._entries.get(key)
        if hit is not None and hit[0] > self._clock():
            value: T = hit[1]
            return value
        value = yield from fetch()
        if self.ttl > 0:
            self._entries[key] = (self._clock() + self.ttl, value)
        return value

    def clear(self) -> None:
        """Forget everything (the next :meth:`get` of each key fetches)."""
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
