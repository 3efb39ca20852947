"""Retry policy and the client-side rate limiter (both clock-injectable, so tests never sleep)."""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable
from email.utils import parsedate_to_datetime

import attrs


@attrs.frozen
class RetryPolicy:
    """Exponential backoff with full jitter for idempotent requests.

    Retried: connection errors and timeouts, 408, 429 and 5xx; a request that is not idempotent
    (a purchase) only after a 429, which means nothing was processed. ``Retry-After`` is honoured,
    capped at ``max_retry_after`` seconds (a longer hint gives up and surfaces the error).
    """

    max_retries: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    max_retry_after: float = 30.0
    jitter: bool = True
    retry_statuses: frozenset[int] = frozenset({408, 429, 500, 502, 503, 504})

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float | None:
        """Seconds to wait before retry number ``attempt`` (1-based); ``None`` to give up."""
        if attempt > self.max_retries:
            return None
        if retry_after is not None:
            return None if retry_after > self.max_retry_after else max(retry_after, 0.0)
        ceiling = min(self.backoff_max, self.backoff_base * (2 ** (attempt - 1)))
        return rng.uniform(ceiling / 2, ceiling) if self.jitter else ceiling


NO_RETRIES = RetryPolicy(max_retries=0)


def parse_retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(float(text), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(when.timestamp() - now(), 0.0)


class RateLimiter:
    """At most ``limit`` requests in any window of ``period`` seconds, per limiter.

    A sliding window rather than a token bucket: bursts up to ``limit`` are allowed, yet no
    window of ``period`` seconds ever sees more than ``limit`` requests (which is how carriers
    such as DIDWW count). :meth:`reserve` books a slot and says how long to wait for it, so
    concurrent async callers never overshoot.
    """

    def __init__(self, limit: int, period: float = 1.0, *, clock: Callable[[], float] = time.monotonic) -> None:
        if limit < 1 or period <= 0:
            raise ValueError("rate limit needs limit >= 1 and period > 0")
        self.limit = limit
        self.period = period
        self.clock = clock
        self._slots: deque[float] = deque()
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Book the next slot; returns the seconds to wait before sending."""
        with self._lock:
            now = self.clock()
            while self._slots and self._slots[0] <= now - self.period:
                self._slots.popleft()
            at = now if len(self._slots) < self.limit else max(now, self._slots[-self.limit] + self.period)
            self._slots.append(at)
            # Only the last ``limit`` bookings decide future slots.
            while len(self._slots) > self.limit:
                self._slots.popleft()
            return at - now
