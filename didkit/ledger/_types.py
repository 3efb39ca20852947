"""What the ledger records about a reference, and the errors it raises."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import attrs

from ..errors import DidkitError
from ..model import AvailableNumber, Order

__all__ = [
    "ClaimResult",
    "EntryState",
    "Intent",
    "LedgerBusyError",
    "LedgerEntry",
    "LedgerError",
    "RecordedAttempt",
    "RecordedError",
]

EntryState = Literal["open", "intent", "unknown", "bought"]
"""Where a reference stands.

* ``"open"`` — nothing is bought under it: no attempt yet, or every attempt failed cleanly.
* ``"intent"`` — a purchase request may have left and no outcome was written: the process
  died, or is still waiting for the carrier. *Unresolved.*
* ``"unknown"`` — an attempt ended and its outcome is unknown (a timeout, a dropped
  connection, a 5xx to a purchase) and the carrier could not settle it. *Unresolved.*
* ``"bought"`` — a number was bought: ``order`` holds it.
"""


class LedgerError(DidkitError):
    """The procurement ledger could not be read or written (a database that is unreachable,
    locked for too long, or of a newer schema). Raised before any purchase request leaves, so
    nothing was bought by the call that raised it — unless the message says otherwise."""


class LedgerBusyError(LedgerError):
    """Another caller holds the reference and did not finish within the wait: nothing was
    bought by this call. Try again later with the same reference; it will see the other
    caller's result."""

    def __init__(self, message: str, *, reference: str, holder: str | None) -> None:
        super().__init__(message)
        self.reference = reference
        self.holder = holder


class RecordedError(DidkitError):
    """An attempt's error as the ledger recorded it (its message; the original object stayed
    in the process that made the attempt)."""


@attrs.frozen
class Intent:
    """A purchase about to be requested, committed before the request leaves.

    Attributes:
        provider: the provider's name.
        offer: the offer (a specific ``number``, or "any number" with the carrier's SKU ids in
            ``offer.offer_ref``).
        quantity: how many numbers the request asks for.
        at: when the intent was written (timezone-aware).
    """

    provider: str
    offer: AvailableNumber
    quantity: int
    at: datetime

    @property
    def number(self) -> str | None:
        """The specific number asked for, or ``None`` for an "any number" offer."""
        return self.offer.number

    @property
    def item(self) -> str:
        """The number, or a description of the group and its SKU ids, in words."""
        if self.offer.number:
            return self.offer.number
        where = self.offer.city or self.offer.region or self.offer.country or "group"
        ids = ", ".join(f"{k} {v}" for k, v in sorted(self.offer.offer_ref.items()))
        return f"any number ({where}{'; ' + ids if ids else ''})"


@attrs.frozen
class RecordedAttempt:
    """One purchase attempt as the ledger keeps it (the error as its message)."""

    provider: str
    offer: AvailableNumber
    outcome: Literal["purchased", "failed", "skipped", "ambiguous"]
    error: str | None = None
    elapsed: float = 0.0


@attrs.frozen
class LedgerEntry:
    """Everything the ledger knows about one reference.

    Attributes:
        reference: the caller's idempotency key.
        state: see :data:`EntryState`.
        intent: the latest purchase intent (kept after its outcome, for the record).
        order: the order, when ``state == "bought"``.
        note: the last outcome in words (why an attempt failed, or why its outcome is unknown).
        attempts: every attempt made under the reference, oldest first.
        created_at / updated_at: timezone-aware.
        holder: who holds the claim (``host:pid:token``), or ``None``.
        lease_until: when the holder's claim lapses unless renewed.
    """

    reference: str
    state: EntryState
    created_at: datetime
    updated_at: datetime
    intent: Intent | None = None
    order: Order | None = None
    note: str | None = None
    attempts: tuple[RecordedAttempt, ...] = ()
    holder: str | None = None
    lease_until: datetime | None = None

    @property
    def unresolved(self) -> bool:
        """``True`` when a purchase under this reference may or may not have happened."""
        return self.state in ("intent", "unknown")

    @property
    def numbers(self) -> tuple[str, ...]:
        """The numbers bought (E.164)."""
        return tuple(did.number for did in self.order.numbers) if self.order is not None else ()

    @property
    def to_check(self) -> str | None:
        """For an unresolved entry: what to look for on the carrier before forgetting it."""
        if not self.unresolved or self.intent is None:
            return None
        intent = self.intent
        if intent.number:
            return f"is {intent.number} among the {intent.provider} account's numbers?"
        return (
            f"is there a {intent.provider} order with reference {self.reference!r} "
            f"(for {intent.item}, placed about {intent.at:%Y-%m-%d %H:%M} UTC)?"
        )


@attrs.frozen
class ClaimResult:
    """The answer to :meth:`Ledger.claim`.

    Attributes:
        granted: ``True`` when the caller now holds the reference.
        entry: the entry as it stands (``None`` never: a granted claim creates one).
        taken_over: the holder whose claim lapsed (lease expired or process gone) and was
            taken over; the new holder must reconcile an unresolved entry first.
    """

    granted: bool
    entry: LedgerEntry
    taken_over: str | None = None
