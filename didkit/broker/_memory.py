"""The in-process memory of procurements by reference (thread-safe, loop-agnostic)."""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Iterator

import attrs

from ..errors import InvalidInputError
from ..model import AvailableNumber
from ._types import Procurement, ProcurementAttempt

__all__ = ["Claim", "ProcurementRegistry", "Unresolved", "default_registry"]


@attrs.frozen
class Unresolved:
    """A purchase under a reference whose outcome is unknown."""

    provider: str
    offer: AvailableNumber
    attempts: tuple[ProcurementAttempt, ...] = ()


@attrs.frozen
class Claim:
    """The right to procure under a reference, held by one call at a time."""

    reference: str
    done: concurrent.futures.Future[None] = attrs.field(eq=False)
    unresolved: Unresolved | None = None


class ProcurementRegistry:
    """What this process remembers about references passed to :func:`~didkit.procure`.

    * A reference that bought a number maps to its :class:`~didkit.Procurement`: ``procure``
      with that reference returns it again and buys nothing.
    * A reference whose purchase attempt had an unknown outcome stays *unresolved*: ``procure``
      with it does not buy anything new; it asks the same provider again when that provider
      stores references itself (``capabilities.carrier_side_reference``), otherwise it raises
      :class:`~didkit.AmbiguousPurchaseError` until you :meth:`forget` the reference (after
      checking the account).
    * While one call procures under a reference, another call with the same reference (in any
      thread or event loop) waits for it, then sees its result.

    A reference that bought nothing for sure is not remembered. Nothing here outlives the
    process: persist references yourself (see :mod:`didkit.broker`).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, Procurement | Unresolved | Claim] = {}

    def get(self, reference: str) -> Procurement | None:
        """The procurement bought under ``reference`` in this process, if any."""
        with self._lock:
            entry = self._entries.get(reference)
        return entry if isinstance(entry, Procurement) else None

    def is_unresolved(self, reference: str) -> bool:
        """``True`` when a purchase under ``reference`` has an unknown outcome."""
        with self._lock:
            entry = self._entries.get(reference)
        return isinstance(entry, Unresolved) or (isinstance(entry, Claim) and entry.unresolved is not None)

    def forget(self, reference: str) -> None:
        """Drop what is remembered about ``reference`` (not while a call is using it).

        Only do this for an unresolved reference once you have checked the account: the next
        ``procure`` with it may buy a number.
        """
        with self._lock:
            if isinstance(self._entries.get(reference), Claim):
                raise InvalidInputError(f"reference {reference!r} is being procured right now; it cannot be forgotten")
            self._entries.pop(reference, None)

    def clear(self) -> None:
        """Forget every reference not in use."""
        with self._lock:
            for reference in [r for r, e in self._entries.items() if not isinstance(e, Claim)]:
                del self._entries[reference]

    def __contains__(self, reference: object) -> bool:
        with self._lock:
            return reference in self._entries

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            return iter(list(self._entries))

    # -- used by procure ---------------------------------------------------------------------

    def _claim(self, reference: str) -> Procurement | Claim | concurrent.futures.Future[None]:
        """The earlier procurement; or the claim to go ahead (carrying any unresolved attempt);
        or, when another call holds the reference, a future to wait on before asking again."""
        with self._lock:
            entry = self._entries.get(reference)
            if isinstance(entry, Procurement):
                return entry
            if isinstance(entry, Claim):
                return entry.done
            claim = Claim(reference, concurrent.futures.Future(), entry)
            self._entries[reference] = claim
            return claim

    def _release(self, claim: Claim, outcome: Procurement | Unresolved | None) -> None:
        """End a claim with what is now known, and wake the calls waiting for it."""
        with self._lock:
            if self._entries.get(claim.reference) is claim:
                if outcome is None:
                    del self._entries[claim.reference]
                else:
                    self._entries[claim.reference] = outcome
        claim.done.set_result(None)


default_registry = ProcurementRegistry()
"""The registry :func:`~didkit.procure` uses unless given another."""
