"""Settling a purchase whose outcome is unknown, once for every adapter.

A purchase request that timed out, lost its reply or got a 5xx may have been carried out. The
adapter can look for it (an order by the caller's reference, a number among the account's), but
one "not found" straight after the failure proves little: a carrier may still commit the request
after the client gave up, and its lists may lag its writes by a read or two. So "nothing was
bought" is believed only once the *settle window* has passed since the failure, with at least two
looks; a look that finds the purchase settles it at once. Until then — and whenever the
operation's deadline (the purchase's ``wait``) runs out first, or a look fails — the outcome stays
unknown: :class:`~didkit.AmbiguousPurchaseError`, which the broker never fails over on.

An adapter supplies only the look (``look()`` → the purchase, or ``None``)::

    found = yield from settle_purchase(failure, lambda: self._find_owned(number),
                                       window=self.settle, clock=self.context.clock,
                                       what=f"checkout of {number}", reference=reference)
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs

from .engine.steps import Operation, Sleep
from .errors import AmbiguousPurchaseError, ConfigurationError, DeadlineExceededError, ProviderError

T = TypeVar("T")

logger = logging.getLogger("didkit")

DEFAULT_SETTLE_WINDOW = 10.0
"""Seconds after a purchase's unknown outcome before "not found" counts as "not bought".

Neither Wavix nor DIDWW documents how long after a request it may still carry it out, or how far
its lists may lag its writes (DIDWW documents only that an order "may complete asynchronously";
Wavix nothing). 10 s is didkit's own choice: it covers the cases measured against the emulators
(a commit 1 s after a client timeout; a list two reads behind, looked at every 2 s) several times
over, and fits a purchase's default ``wait`` of 60 s after a full 30 s request timeout. Raise it
with the provider option ``settle_window`` for a carrier you see being slower."""

DEFAULT_SETTLE_PAUSE = 2.0
"""Seconds between two looks while settling."""


@attrs.frozen
class SettleWindow:
    """How an unknown purchase outcome is settled: look, pause ``pause`` seconds, look again,
    until ``seconds`` have passed since the failure (and at least ``looks`` looks were made).
    ``seconds=0`` believes the first look (one look, no pause)."""

    seconds: float = DEFAULT_SETTLE_WINDOW
    pause: float = DEFAULT_SETTLE_PAUSE
    looks: int = 2

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> SettleWindow:
        """The window a provider's ``settle_window`` option sets (seconds >= 0; default
        :data:`DEFAULT_SETTLE_WINDOW`); :class:`~didkit.ConfigurationError` for a bad value."""
        value = options.get("settle_window", DEFAULT_SETTLE_WINDOW)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise ConfigurationError(f"settle_window must be a number of seconds >= 0, got {value!r}")
        return cls(seconds=float(value), pause=min(DEFAULT_SETTLE_PAUSE, float(value)))


def settle_purchase(
    failure: ProviderError,
    look: Callable[[], Operation[T | None]],
    *,
    window: SettleWindow,
    clock: Callable[[], float],
    what: str,
    reference: str | None,
    hint: str = "check the account before buying again",
    since: float | None = None,
) -> Operation[T]:
    """Settle a purchase ``failure`` whose outcome is unknown: what ``look()`` finds, or — once
    the window has passed with nothing found — ``failure`` raised with ``outcome_unknown``
    ``False`` (nothing was bought: safe to fail over on).

    ``since`` is when the outcome became unknown (on ``clock``), for settling an earlier call's
    failure; by default, now.

    Raises:
        AmbiguousPurchaseError: a look failed, or the operation's deadline came before the
            window closed; names ``what`` and ``reference``.
    """
    started = clock() if since is None else since
    needed = 1 if window.seconds == 0 else max(window.looks, 1)
    looks = 0
    slept = 0.0  # counted too: with an injected sleep that does not move the clock, time still passes
    while True:
        try:
            found = yield from look()
        except ProviderError as error:
            raise _ambiguous(failure, error, what, reference, looks, hint) from failure
        looks += 1
        if found is not None:
            logger.info("%s: %s had an unknown outcome; look %d found it", failure.provider, what, looks)
            return found
        waited = max(clock() - started, slept)
        if looks >= needed and waited >= window.seconds:
            logger.info(
                "%s: %s had an unknown outcome; not found in %d looks over %.1f s: nothing was bought",
                failure.provider,
                what,
                looks,
                waited,
            )
            failure.outcome_unknown = False
            raise failure
        pause = min(window.pause, window.seconds - waited)
        if pause > 0:
            try:
                yield Sleep(pause)
                slept += pause
            except DeadlineExceededError as error:
                raise _ambiguous(failure, error, what, reference, looks, hint) from failure


def _ambiguous(
    failure: ProviderError, error: ProviderError, what: str, reference: str | None, looks: int, hint: str
) -> AmbiguousPurchaseError:
    if isinstance(error, DeadlineExceededError):
        why = f"the call's deadline came before it could be settled ({looks} look(s) found nothing yet)"
    else:
        why = f"looking for it failed: {error.describe()}"
    return AmbiguousPurchaseError(
        f"{what} may have completed ({failure.describe()}), and {why}: {hint}",
        provider=failure.provider,
        status_code=failure.status_code,
        request_id=failure.request_id,
        messages=(*failure.messages, *error.messages),
        reference=reference,
    )
