"""Virtual time for the built-in sandbox: sleeping advances the clock instantly.

A sandbox provider and its emulator share one :class:`VirtualClock`, so retries, order polls and
the client-side rate limiter cost no real time, while the emulator still sees requests spaced as
the client spaced them (its own rate limit keeps working).
"""

from __future__ import annotations

import asyncio
import threading
import time


class VirtualClock:
    """A clock that starts at the wall-clock time and moves only when someone sleeps."""

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self._now

    def sleep(self, seconds: float) -> None:
        """Advance the clock instead of waiting."""
        if seconds > 0:
            with self._lock:
                self._now += seconds

    async def async_sleep(self, seconds: float) -> None:
        """Advance the clock and yield to the event loop once."""
        self.sleep(seconds)
        await asyncio.sleep(0)
