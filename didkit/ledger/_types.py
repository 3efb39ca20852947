"""What the ledger records about a reference, and the errors it raises."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import attrs

from ..errors import DidkitError
from ..model import AvailableNumber, Order, OrderStatus

__all__ = [
    "ClaimResult",
    "EntryState",
    "Intent",
    "LedgerBusyError",
    "LedgerEntry",
    "LedgerError",
    "RecordedAttempt",
    "RecordedError",
    "RecordedRegistration",
    "numbers_of",
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
        reference: the reference the request carries to the carrier: the entry's own, or for
            a procurement of several numbers one per order (``<reference>#<n>``), so that a
            carrier that stores references tells each order apart.
        hold: the carrier's id of the hold the request buys, if any.
        batch: the specific offers of a request that buys several in one (a Wavix cart
            checkout); ``offer`` is the first of them.
        sandbox: the request went to a built-in sandbox emulator or to a carrier's own test
            environment, not to the carrier's real books: nothing real was bought under it.
    """

    provider: str
    offer: AvailableNumber
    quantity: int
    at: datetime
    reference: str | None = None
    hold: str | None = None
    batch: tuple[AvailableNumber, ...] = ()
    sandbox: bool = False

    @property
    def numbers(self) -> tuple[str, ...]:
        """Every specific number the request asks for."""
        if self.batch:
            return tuple(offer.number for offer in self.batch if offer.number)
        return (self.offer.number,) if self.offer.number else ()

    @property
    def number(self) -> str | None:
        """The specific number asked for, or ``None`` for an "any number" offer."""
        return self.offer.number

    @property
    def item(self) -> str:
        """The number, or a description of the group and its SKU ids, in words."""
        if self.batch:
            return ", ".join(self.numbers)
        if self.offer.number:
            return self.offer.number
        if self.quantity > 1:
            return f"{self.quantity} × {self._group()}"
        return self._group()

    def _group(self) -> str:
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
class RecordedRegistration:
    """The end user's registration of one order's numbers, submitted by
    :func:`~didkit.procure` right after the purchase (``end_user=``), as the ledger keeps it.

    Only what finds the registration again is kept — never the profile or its documents.

    Attributes:
        order_id: the order whose numbers were registered.
        provider: the provider's name.
        at: when the registration was submitted, or failed (timezone-aware).
        id: the carrier's registration id (for ``get_registration``), or ``None`` when it failed.
        status: the registration's status when submitted (a
            :class:`~didkit.RegistrationStatus` value), or ``None`` when it failed.
        numbers: the numbers it covers (E.164).
        error: why the registration failed, in words, or ``None``.
    """

    order_id: str
    provider: str
    at: datetime
    id: str | None = None
    status: str | None = None
    numbers: tuple[str, ...] = ()
    error: str | None = None

    @property
    def submitted(self) -> bool:
        """``True`` when the carrier accepted the registration (whatever its verdict later)."""
        return self.id is not None


@attrs.frozen
class LedgerEntry:
    """Everything the ledger knows about one reference.

    Attributes:
        reference: the caller's idempotency key.
        state: see :data:`EntryState`. With ``count`` > 1 an entry is ``"bought"`` once the
            count is filled; until then it is ``"open"`` between attempts, with ``orders`` so far.
        intent: the latest purchase intent (kept after its outcome, for the record).
        order: the first order bought under the reference.
        orders: every order bought under the reference, oldest first.
        count: how many numbers the reference is for.
        note: the last outcome in words (why an attempt failed, or why its outcome is unknown).
        attempts: every attempt made under the reference, oldest first.
        created_at / updated_at: timezone-aware.
        holder: who holds the claim (``host:pid:token``), or ``None``.
        lease_until: when the holder's claim lapses unless renewed.
        registrations: the end-user registrations procure submitted (or failed to submit) for
            the orders, oldest first; the latest per order counts.
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
    orders: tuple[Order, ...] = ()
    count: int = 1
    registrations: tuple[RecordedRegistration, ...] = ()

    def __attrs_post_init__(self) -> None:
        if self.order is not None and not self.orders:
            # an entry written before several orders per reference existed
            object.__setattr__(self, "orders", (self.order,))

    @property
    def sandbox(self) -> bool:
        """The reference was procured from sandbox emulators or a carrier's test environment
        (make-believe orders): a procure on real carriers refuses it, and the other way round."""
        return self.intent is not None and self.intent.sandbox

    @property
    def bought(self) -> int:
        """How many numbers the orders so far account for: those delivered, and for an order
        still pending all it asked for (it may yet deliver them)."""
        return sum(numbers_of(order) for order in self.orders)

    def registration_of(self, order_id: str) -> RecordedRegistration | None:
        """The latest registration recorded for the order ``order_id``, or ``None``."""
        for recorded in reversed(self.registrations):
            if recorded.order_id == order_id:
                return recorded
        return None

    @property
    def unresolved(self) -> bool:
        """``True`` when a purchase under this reference may or may not have happened."""
        return self.state in ("intent", "unknown")

    @property
    def numbers(self) -> tuple[str, ...]:
        """The numbers bought (E.164), over every order."""
        return tuple(did.number for order in self.orders for did in order.numbers)

    @property
    def to_check(self) -> str | None:
        """For an unresolved entry: what to look for on the carrier before forgetting it."""
        if not self.unresolved or self.intent is None:
            return None
        intent = self.intent
        if intent.numbers:
            return f"is {' or '.join(intent.numbers)} among the {intent.provider} account's numbers?"
        return (
            f"is there a {intent.provider} order with reference {intent.reference or self.reference!r} "
            f"(for {intent.item}, placed about {intent.at:%Y-%m-%d %H:%M} UTC)?"
        )


def numbers_of(order: Order) -> int:
    """How many numbers ``order`` accounts for: a :attr:`~didkit.OrderStatus.PARTIAL` one those
    it delivered; a failed or cancelled one none; any other all it asked for (``requested``, else
    one) — a completed order whose numbers could not be read still holds them, and a pending
    one may yet deliver them all."""
    if order.status is OrderStatus.PARTIAL:
        return len(order.numbers)
    if order.status in (OrderStatus.FAILED, OrderStatus.CANCELLED):
        return 0
    return max(order.requested or 1, len(order.numbers))


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
