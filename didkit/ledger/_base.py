"""The ledger's rules, written once over a tiny transactional store each backend provides."""

from __future__ import annotations

import abc
import asyncio
import contextlib
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from datetime import datetime, timezone
from types import TracebackType
from typing import Literal, Protocol

import attrs

from ..errors import InvalidInputError
from ..model import Order
from ._types import ClaimResult, Intent, LedgerEntry, LedgerError, RecordedAttempt, RecordedRegistration, numbers_of

__all__ = ["DEFAULT_LEASE", "DEFAULT_POLL", "DEFAULT_WAIT", "Ledger", "Store", "new_holder"]

DEFAULT_LEASE = 30.0
"""Seconds a claim lasts without renewal. The broker renews it every third of that while it
works, so only a holder that died (or froze for this long) loses it."""

DEFAULT_WAIT = 120.0
"""Seconds a caller waits for another caller holding the same reference before
:class:`LedgerBusyError`. It exceeds the default ``wait`` of a purchase (60 s) with room for
the search and the reconciliation."""

DEFAULT_POLL = 0.25
"""Seconds between looks at a reference another caller holds."""

_HOST = socket.gethostname()


def new_holder() -> str:
    """A claim holder's id: ``host:pid:token`` (the host and pid let a process on the same
    machine see at once that the holder died)."""
    return f"{_HOST}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _holder_gone(holder: str) -> bool:
    """``True`` only when the holder is surely dead: a process of this host that no longer exists."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != _HOST or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, but belongs to someone else
        return False
    return _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    # A killed child not yet reaped by its parent still answers kill(pid, 0).
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rpartition(")")[2].split()[0] == "Z"
    except (OSError, IndexError):
        return False


class Store(Protocol):
    """One open transaction of a backend. ``load`` locks the reference (or the whole store)
    until the transaction ends, so a read-modify-write is atomic."""

    def load(self, reference: str) -> LedgerEntry | None: ...

    def save(self, entry: LedgerEntry) -> None: ...

    def delete(self, reference: str) -> None: ...

    def scan(self) -> list[LedgerEntry]: ...


class Ledger(abc.ABC):
    """The durable record of purchases by reference, with exclusive claims.

    Every call is one short transaction, committed before it returns. A caller that means to
    buy under a reference:

    1. :meth:`claim`\\ s it (a lease of ``lease`` seconds, renewed with :meth:`renew`);
    2. writes :meth:`record_intent` before each purchase request leaves;
    3. writes :meth:`record_outcome` after it: ``"bought"`` (with the order), ``"failed"``
       (nothing bought) or ``"unknown"``;
    4. :meth:`release`\\ s the claim.

    A claim whose lease ran out, or whose holder is a process of this machine that no longer
    exists, can be claimed by another caller (``ClaimResult.taken_over``), which must settle an
    unresolved entry with the carrier before buying anything.

    Args:
        lease: seconds a claim lasts without renewal.
        wait: seconds :func:`~didkit.procure` waits for another holder of the same reference.
        poll: seconds between its looks while waiting.
        clock: the time source (seconds since the epoch); inject one in tests.
        sleep: how a caller of :func:`~didkit.procure` waits on this ledger — for another holder,
            or for an unknown outcome to settle (an ``async`` function of seconds; inject one in
            tests).
    """

    url: str = ""
    """Where the ledger lives, for messages (no password)."""

    def __init__(
        self,
        *,
        lease: float = DEFAULT_LEASE,
        wait: float = DEFAULT_WAIT,
        poll: float = DEFAULT_POLL,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        for name, value in (("lease", lease), ("wait", wait), ("poll", poll)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise InvalidInputError(f"ledger {name} must be a number of seconds >= 0, got {value!r}")
        if not lease > 0:
            raise InvalidInputError(f"ledger lease must be more than 0 seconds, got {lease!r}")
        self.lease = float(lease)
        self.wait = float(wait)
        self.poll = float(poll)
        self.clock = clock
        self.sleep = sleep

    # -- the backend ---------------------------------------------------------------------------

    @abc.abstractmethod
    def _transaction(self) -> contextlib.AbstractContextManager[Store]:
        """One transaction: committed when the block ends, rolled back on an exception.
        Backend failures surface as :class:`LedgerError`."""

    def close(self) -> None:  # noqa: B027 - backends without connections have nothing to close
        """Release the backend's connections (the ledger reopens them on next use)."""

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url}>"

    # -- claims --------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The ledger's clock as a timezone-aware datetime."""
        return datetime.fromtimestamp(self.clock(), tz=timezone.utc)

    def claim(self, reference: str, holder: str, *, lease: float | None = None) -> ClaimResult:
        """Try to hold ``reference``. Not granted when it is bought (``entry.state == "bought"``)
        or another live holder's lease runs."""
        _check_reference(reference)
        now = self.now()
        until = datetime.fromtimestamp(now.timestamp() + (self.lease if lease is None else lease), tz=timezone.utc)
        with self._transaction() as store:
            entry = store.load(reference)
            if entry is None:
                entry = LedgerEntry(reference, "open", now, now, holder=holder, lease_until=until)
                store.save(entry)
                return ClaimResult(True, entry)
            if entry.state == "bought":
                return ClaimResult(False, entry)
            previous = entry.holder
            if previous is not None and previous != holder and not self._lapsed(entry, now):
                return ClaimResult(False, entry)
            entry = attrs.evolve(entry, holder=holder, lease_until=until, updated_at=now)
            store.save(entry)
            return ClaimResult(True, entry, previous if previous not in (None, holder) else None)

    @staticmethod
    def _lapsed(entry: LedgerEntry, now: datetime) -> bool:
        if entry.holder is None:
            return True
        if entry.lease_until is not None and entry.lease_until <= now:
            return True
        return _holder_gone(entry.holder)

    def renew(self, reference: str, holder: str, *, lease: float | None = None) -> LedgerEntry:
        """Extend ``holder``'s claim; :class:`LedgerError` when it holds it no longer."""
        now = self.now()
        until = datetime.fromtimestamp(now.timestamp() + (self.lease if lease is None else lease), tz=timezone.utc)
        with self._transaction() as store:
            entry = self._held(store, reference, holder)
            entry = attrs.evolve(entry, lease_until=until, updated_at=now)
            store.save(entry)
            return entry

    def release(self, reference: str, holder: str) -> None:
        """Give the claim up (nothing happens when ``holder`` does not hold it)."""
        with self._transaction() as store:
            entry = store.load(reference)
            if entry is not None and entry.holder == holder:
                store.save(attrs.evolve(entry, holder=None, lease_until=None, updated_at=self.now()))

    @staticmethod
    def _held(store: Store, reference: str, holder: str) -> LedgerEntry:
        entry = store.load(reference)
        if entry is None or entry.holder != holder:
            raise LedgerError(
                f"the claim on reference {reference!r} was lost (its lease ran out and "
                f"{entry.holder if entry is not None and entry.holder else 'nobody'} holds it now)"
            )
        return entry

    # -- what happened -------------------------------------------------------------------------

    def record_intent(self, reference: str, holder: str, intent: Intent, *, count: int = 1) -> LedgerEntry:
        """Commit that a purchase request for ``intent`` is about to leave (renews the claim).
        ``count`` is how many numbers the reference is for; the intent must not ask for more
        than are still missing."""
        with self._transaction() as store:
            entry = self._held(store, reference, holder)
            if entry.state == "bought":
                raise LedgerError(f"reference {reference!r} already bought {', '.join(entry.numbers) or 'a number'}")
            if entry.bought + intent.quantity > count:
                raise LedgerError(
                    f"reference {reference!r} is for {count} number{'' if count == 1 else 's'} and has "
                    f"{entry.bought}: an order for {intent.quantity} more would overshoot"
                )
            now = self.now()
            entry = attrs.evolve(
                entry,
                state="intent",
                intent=intent,
                count=count,
                note=None,
                updated_at=now,
                lease_until=datetime.fromtimestamp(now.timestamp() + self.lease, tz=timezone.utc),
            )
            store.save(entry)
            return entry

    def record_outcome(
        self,
        reference: str,
        holder: str,
        outcome: Literal["bought", "failed", "unknown"],
        *,
        order: Order | None = None,
        note: str | None = None,
        attempts: Sequence[RecordedAttempt] = (),
    ) -> LedgerEntry:
        """Commit how the latest intent ended: ``"bought"`` (give ``order``), ``"failed"``
        (nothing bought: the reference is open again) or ``"unknown"``. ``attempts`` are
        appended to the entry's. A ``"bought"`` order joins ``orders``; the entry is
        ``"bought"`` once they fill its ``count``, else open for the rest."""
        if (outcome == "bought") != (order is not None):
            raise InvalidInputError("an order is given exactly when the outcome is 'bought'")
        state: Literal["open", "unknown", "bought"] = "open" if outcome == "failed" else outcome
        with self._transaction() as store:
            entry = self._held(store, reference, holder)
            orders = entry.orders
            if order is not None:
                orders = (*orders, order)
                if sum(numbers_of(o) for o in orders) < entry.count:
                    state = "open"
            entry = attrs.evolve(
                entry,
                state=state,
                order=orders[0] if orders else None,
                orders=orders,
                note=note,
                attempts=(*entry.attempts, *attempts),
                updated_at=self.now(),
            )
            store.save(entry)
            return entry

    def record_registration(self, reference: str, holder: str, registration: RecordedRegistration) -> LedgerEntry:
        """Commit an end-user registration submitted (or failed) for one of the reference's
        orders, right after the purchase. ``registration.order_id`` must be one of them."""
        with self._transaction() as store:
            entry = self._held(store, reference, holder)
            if not any(order.id == registration.order_id for order in entry.orders):
                raise LedgerError(
                    f"reference {reference!r} has no order {registration.order_id!r} to record a registration for"
                )
            entry = attrs.evolve(entry, registrations=(*entry.registrations, registration), updated_at=self.now())
            store.save(entry)
            return entry

    # -- reading and forgetting ----------------------------------------------------------------

    def get(self, reference: str) -> LedgerEntry | None:
        """The entry for ``reference``, or ``None``."""
        with self._transaction() as store:
            return store.load(reference)

    def entries(self) -> list[LedgerEntry]:
        """Every entry: unresolved first, then the rest; newest first within each."""
        with self._transaction() as store:
            found = store.scan()
        return sorted(found, key=lambda e: (not e.unresolved, -e.updated_at.timestamp(), e.reference))

    def __iter__(self) -> Iterator[LedgerEntry]:
        return iter(self.entries())

    def forget(self, reference: str) -> bool:
        """Drop everything known about ``reference``; ``True`` when there was an entry.

        Forget an unresolved reference only after checking the carrier account
        (:attr:`LedgerEntry.to_check`): the next ``procure`` with it may buy a number.
        A reference a live caller holds right now cannot be forgotten (:class:`LedgerError`).
        """
        with self._transaction() as store:
            entry = store.load(reference)
            if entry is None:
                return False
            if entry.holder is not None and not self._lapsed(entry, self.now()):
                raise LedgerError(f"reference {reference!r} is being procured right now ({entry.holder})")
            store.delete(reference)
            return True


def _check_reference(reference: str) -> None:
    if not isinstance(reference, str) or not reference.strip():
        raise InvalidInputError(f"reference must be a non-empty string, got {reference!r}")


def unreachable(url: str, exc: BaseException) -> LedgerError:
    """The error for a backend that failed, naming where and why (never a password)."""
    error = LedgerError(f"the procurement ledger at {url} is unreachable ({type(exc).__name__}: {exc})")
    error.__cause__ = exc
    return error
