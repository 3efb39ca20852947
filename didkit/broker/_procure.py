"""procure(): buy exactly one number from the best provider, failing over, never buying twice."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal, TypeAlias, TypeVar

from ..errors import (
    AmbiguousPurchaseError,
    AuthenticationError,
    ConfigurationError,
    DidkitError,
    DocumentsRequiredError,
    InsufficientFundsError,
    InvalidInputError,
    NotFoundError,
    NumberUnavailableError,
    ProviderError,
    RateLimitedError,
    ResponseFormatError,
    UnsupportedOperationError,
)
from ..ledger import (
    Intent,
    Ledger,
    LedgerBusyError,
    LedgerEntry,
    LedgerError,
    RecordedAttempt,
    RecordedError,
    RecordedRegistration,
    default_ledger_spec,
    new_holder,
    numbers_of,
    open_ledger,
)
from ..model import DID, AvailableNumber, Hold, Money, Order, OrderStatus, SearchQuery
from ..protocol import DEFAULT_WAIT
from ..regulatory import EndUser, Registration, RegistrationStatus, check_profile
from ._ranking import PriceCap, Strategy, check_cap, check_strategy, rank, upfront
from ._runtime import (
    Handle,
    ProgressCallback,
    ProviderLike,
    Runtime,
    check_months,
    check_query,
    check_timeout,
    close_all,
    connect,
    prepare,
    run_blocking,
    search_all,
)
from ._types import (
    AmbiguousProcurementError,
    Procurement,
    ProcurementAttempt,
    ProcurementFailedError,
    ProcurementIncompleteError,
    ProviderReport,
)

logger = logging.getLogger("didkit.broker")

T = TypeVar("T")

DEFAULT_SETTLE_WINDOW = 30.0
"""Seconds after an attempt's intent before "not found at the carrier" counts as "not bought".

Neither carrier documents how long after a request it may still commit it, or how far its lists
may lag its writes; a carrier still working on a request when the client gives up usually
finishes within its own gateway timeout. 30 s is didkit's default request timeout: a client that
waited that long for an answer gives the carrier as long again to show its books."""

SETTLE_PAUSE = 2.0
"""Seconds at least between two looks at the carrier while settling."""

LedgerLike: TypeAlias = "Ledger | str | os.PathLike[str] | None"
"""A :class:`~didkit.ledger.Ledger`, a spec for :func:`~didkit.open_ledger`, or ``None`` for the default."""

Verdict = Literal["ambiguous", "stop", "provider", "funds", "next"]

_RESOLVING = (NumberUnavailableError, InsufficientFundsError, DocumentsRequiredError)
"""Errors a reference-storing adapter raises only from the buying step itself — after it found no
earlier order under the reference — so they settle an unresolved attempt as "nothing bought"."""


def classify(error: BaseException) -> Verdict:
    """What a purchase error means for the next offer.

    * ``"ambiguous"`` — the outcome is unknown: stop, never try another offer. An
      :class:`~didkit.AmbiguousPurchaseError`, any :class:`~didkit.ProviderError` with
      ``outcome_unknown``, a :class:`~didkit.ResponseFormatError` (the carrier answered, maybe
      with success, in a shape we could not read), or an exception that is not a
      :class:`~didkit.DidkitError` (a bug: nothing can be assumed).
    * ``"stop"`` — the caller's input or setup is wrong, and would be for every offer:
      :class:`~didkit.InvalidInputError`, :class:`~didkit.ConfigurationError`, or a
      :class:`~didkit.DidkitError` outside :class:`~didkit.ProviderError`. Re-raised as is.
    * ``"provider"`` — nothing was bought, and this provider's other offers would fail the same
      way: :class:`~didkit.AuthenticationError`, :class:`~didkit.RateLimitedError`.
    * ``"funds"`` — :class:`~didkit.InsufficientFundsError`: skip this provider's offers that
      cost as much or more up front.
    * ``"next"`` — nothing was bought; another offer may work: every other
      :class:`~didkit.ProviderError` with a known outcome (number unavailable, documents
      required, 5xx or connection failures known not to have reached the carrier, 404, request
      rejected, an offer of a kind this carrier cannot buy — :class:`~didkit.UnsupportedOperationError`).
    """
    if isinstance(error, AmbiguousPurchaseError):
        return "ambiguous"
    if isinstance(error, ProviderError) and (error.outcome_unknown or isinstance(error, ResponseFormatError)):
        return "ambiguous"
    if not isinstance(error, DidkitError):
        return "ambiguous"
    if isinstance(error, (InvalidInputError, ConfigurationError)):
        return "stop"
    if isinstance(error, (AuthenticationError, RateLimitedError)):
        return "provider"
    if isinstance(error, InsufficientFundsError):
        return "funds"
    if isinstance(error, (ProviderError, UnsupportedOperationError)):
        return "next"
    return "stop"


def _check_reference(reference: str) -> str:
    if not isinstance(reference, str) or not reference.strip():
        raise InvalidInputError(f"reference must be a non-empty string (your idempotency key), got {reference!r}")
    return reference


def _check_wait(wait: float, what: str = "wait") -> float:
    if isinstance(wait, bool) or not isinstance(wait, (int, float)) or not wait >= 0:
        raise InvalidInputError(f"{what} must be a number of seconds >= 0, got {wait!r}")
    return float(wait)


def _describe(query: SearchQuery) -> str:
    parts = [query.country]
    parts += [p for p in (query.region, query.city) if p]
    if query.prefix:
        parts.append(f"prefix {query.prefix}")
    if query.contains:
        parts.append(f"containing {query.contains}")
    if query.number_type is not None:
        parts.append(query.number_type.value)
    if query.capabilities:
        parts.append("+".join(sorted(c.value for c in query.capabilities)))
    return ", ".join(parts)


def _offer_name(offer: AvailableNumber) -> str:
    return offer.number or f"any number ({offer.city or offer.region or offer.country or 'group'})"


def _named(provider: str, error: BaseException) -> str:
    """The error's text, said once to come from ``provider`` (didkit's errors already say so)."""
    text = str(error)
    return text if isinstance(error, ProviderError) or text.startswith(f"{provider}:") else f"{provider}: {text}"


def _failures(reports: Sequence[ProviderReport]) -> str:
    failed = [_named(r.provider, r.error) for r in reports if r.error is not None]
    return f"; failed: {'; '.join(failed)}" if failed else ""


class _Procurer:
    """One procure() call, holding the reference's claim in the ledger. Every purchase attempt is
    written through: its intent before the request leaves, its outcome after."""

    def __init__(
        self,
        *,
        query: SearchQuery | None,
        handles: list[Handle],
        runtime: Runtime,
        reference: str,
        ledger: Ledger,
        holder: str,
        entry: LedgerEntry,
        max_monthly: Money | Decimal | None,
        max_setup: Money | Decimal | None,
        strategy: Strategy,
        require_no_documents: bool,
        wait: float,
        months: int,
        timeout: float | None,
        progress: ProgressCallback | None,
        offer: AvailableNumber | None = None,
        settle_window: float = DEFAULT_SETTLE_WINDOW,
        count: int = 1,
        hold_first: bool = False,
        end_user: EndUser | None = None,
    ) -> None:
        self.end_user = end_user
        self.registrations, self.registration_errors = _registrations_of(entry)
        self.count = count
        self.hold_first = hold_first
        self.orders: list[Order] = list(entry.orders)
        self.holds: dict[tuple[int, str], Hold] = {}
        """Holds made by this call and not used yet, by (handle index, number)."""
        self.gone: set[tuple[int, str]] = set()
        """Specific offers found sold while holding them."""
        self.query = query
        self.settle_window = settle_window
        self.handles = handles
        self.runtime = runtime
        self.reference = reference
        self.ledger = ledger
        self.holder = holder
        self.entry = entry
        self.max_monthly = max_monthly
        self.max_setup = max_setup
        self.strategy = strategy
        self.require_no_documents = require_no_documents
        self.wait = wait
        self.months = months
        self.timeout = timeout
        self.progress = progress
        self.offer = offer
        self.attempts: list[ProcurementAttempt] = []
        self.reports: list[ProviderReport] = []
        self.last_error: BaseException | None = None
        self._written = 0

    def _remaining(self) -> int:
        return self.count - sum(numbers_of(order) for order in self.orders)

    def _procurement(self) -> Procurement:
        return Procurement(
            self.orders[0],
            tuple(self.attempts),
            self.reference,
            tuple(self.reports),
            orders=tuple(self.orders),
            count=self.count,
            registrations=_in_order(self.orders, self.registrations),
            registration_errors={k: v for k, v in self.registration_errors.items() if k not in self.registrations},
        )

    def _so_far(self) -> Procurement | None:
        """What this reference has bought so far, for an error to carry."""
        return self._procurement() if self.orders else None

    async def run(self) -> Procurement:
        """Fill the count; every hold this call made and did not use is released on the way out,
        whatever happens (errors, cancellation)."""
        try:
            return await self._run()
        finally:
            await self._release_holds()

    async def _release_holds(self) -> None:
        while self.holds:
            (index, _), hold = self.holds.popitem()
            handle = self.handles[index]
            try:
                await handle.call("release_hold", self.runtime, hold)
            except Exception as exc:  # it lapses on its own at expires_at
                logger.warning(
                    "procure %r: releasing the hold on %s at %s failed (%s); it lapses at %s",
                    self.reference,
                    hold.offer.number,
                    handle.label,
                    _reason(exc),
                    f"{hold.expires_at:%H:%M:%S} UTC",
                )

    async def _hold_ahead(self, candidates: list[tuple[int, AvailableNumber]]) -> None:
        """Hold the specific numbers procure expects to buy, in ranked order, where the carrier
        can, before the first purchase: enough to fill what is missing."""
        need = self._remaining()
        supply = 0
        refused: set[int] = set()
        for index, offer in candidates:
            if supply >= need:
                return
            if offer.number is None:
                supply += need  # an "any number" offer may fill it all
                continue
            handle = self.handles[index]
            key = (index, offer.number)
            if not handle.capabilities.reservations or index in refused or key in self.holds:
                supply += 1
                continue
            try:
                self.holds[key] = await handle.call("hold", self.runtime, offer)
            except NumberUnavailableError as exc:
                self.gone.add(key)
                self.attempts.append(ProcurementAttempt(handle.label, offer, "skipped", exc))
                continue
            except DidkitError as exc:
                refused.add(index)  # a limit, an outage: buy this carrier's numbers unheld
                logger.warning("procure %r: %s holds no more numbers (%s)", self.reference, handle.label, _reason(exc))
            supply += 1

    def _batch(
        self,
        candidates: list[tuple[int, AvailableNumber]],
        position: int,
        remaining: int,
        consumed: set[int],
        settled: tuple[str, AvailableNumber] | None,
    ) -> list[tuple[int, AvailableNumber]]:
        """The specific offers of this offer's provider, from ``position`` on in rank order, that
        one request can buy together (``capabilities.multi_number_checkout``), up to ``remaining``."""
        index, offer = candidates[position]
        handle = self.handles[index]
        if offer.number is None or remaining < 2 or not handle.capabilities.multi_number_checkout:
            return []
        if getattr(handle.provider, "purchase_offers", None) is None:
            return []
        batch: list[tuple[int, AvailableNumber]] = []
        for later in range(position, len(candidates)):
            other_index, other = candidates[later]
            if len(batch) == remaining:
                break
            if (
                other_index != index
                or other.number is None
                or later in consumed
                or (other_index, other.number) in self.gone
                or (other_index, other.number) in self.holds
                or (settled is not None and settled == (handle.label, other))
                or any(o.number == other.number for _, o in batch)
            ):
                continue
            batch.append((later, other))
        return batch

    async def _run(self) -> Procurement:
        settled: tuple[str, AvailableNumber] | None = None
        if self.entry.unresolved:
            result = await self._resume(self.entry)
            if isinstance(result, Procurement):
                if self._remaining() <= 0:
                    return result
            else:
                settled = result
        if self.orders and self._remaining() <= 0:
            return self._procurement()
        if self.offer is not None:
            candidates = [(0, self.offer)]
        else:
            assert self.query is not None
            per_provider, reports = await search_all(
                self.handles, self.query, self.timeout, self.runtime, self.progress
            )
            self.reports = reports
            candidates = await self._fitting_profile(self._candidates(per_provider))
        if self.hold_first:
            await self._hold_ahead(candidates)
        blocked: dict[int, DidkitError] = {}
        short_of_funds: dict[int, tuple[Money | None, DidkitError]] = {}
        consumed: set[int] = set()
        for position, (index, offer) in enumerate(candidates):
            remaining = self._remaining()
            if remaining <= 0:
                break
            handle = self.handles[index]
            if position in consumed or (settled is not None and settled == (handle.label, offer)):
                continue
            if offer.number is not None and (index, offer.number) in self.gone:
                continue
            reason = blocked.get(index) or self._funds_block(short_of_funds.get(index), offer)
            if reason is not None:
                self.attempts.append(ProcurementAttempt(handle.label, offer, "skipped", reason))
                continue
            hold = self.holds.get((index, offer.number)) if offer.number is not None else None
            quantity = 1 if offer.number is not None else remaining
            batch = self._batch(candidates, position, remaining, consumed, settled) if hold is None else []
            if len(batch) > 1:
                consumed.update(p for p, _ in batch)
                outcome = await self._attempt(handle, offer, quantity=len(batch), batch=[o for _, o in batch])
            else:
                key = (index, offer.number or "")
                outcome = await self._attempt(handle, offer, quantity=quantity, hold=hold, key=key)
            if isinstance(outcome, Procurement):
                if self._remaining() <= 0:
                    return outcome
                continue  # a partial fill: the next offers supply the rest
            error = self.attempts[-1].error
            assert error is not None
            if outcome == "provider":
                blocked[index] = error
            elif outcome == "funds":
                ceiling = upfront(offer)
                earlier = short_of_funds.get(index)
                if (
                    earlier is not None
                    and earlier[0] is not None
                    and ceiling is not None
                    and earlier[0].currency == ceiling.currency
                    and earlier[0].amount < ceiling.amount
                ):
                    ceiling = earlier[0]
                short_of_funds[index] = (ceiling, error)
        if self.orders:
            if self._remaining() <= 0:
                return self._procurement()
            raise self._incomplete()
        if self.offer is not None and isinstance(self.last_error, DidkitError):
            raise self.last_error  # one offer, one error: the caller gets it as the provider raised it
        raise self._all_failed()

    @staticmethod
    def _funds_block(entry: tuple[Money | None, DidkitError] | None, offer: AvailableNumber) -> DidkitError | None:
        """After a provider said "insufficient funds", only its offers cheaper up front may work."""
        if entry is None:
            return None
        ceiling, error = entry
        price = upfront(offer)
        if ceiling is None or price is None or price.currency != ceiling.currency or price.amount >= ceiling.amount:
            return error
        return None

    def _candidates(self, per_provider: list[list[AvailableNumber]]) -> list[tuple[int, AvailableNumber]]:
        ranking = rank(
            per_provider,
            self.months,
            self.strategy,
            max_monthly=self.max_monthly,
            max_setup=self.max_setup,
            require_no_documents=self.require_no_documents,
        )
        if ranking.ranked:
            return list(ranking.ranked)
        found, excluded = ranking.found, ranking.excluded
        what = self._what()
        if not found:
            message = f"no offers for {what}{_failures(self.reports)}"
        else:
            reasons = ", ".join(f"{count} {reason}" for reason, count in excluded.most_common())
            message = f"none of the {found} offers for {what} fits your limits: {reasons}{_failures(self.reports)}"
        if self.orders:
            # Some were bought already (an earlier call of this reference, settled now): the
            # error must carry them, or they would look lost.
            raise self._incomplete()
        raise ProcurementFailedError(message, attempts=self.attempts, report=self.reports)

    def _what(self) -> str:
        if self.query is not None:
            return _describe(self.query)
        return _offer_name(self.offer) if self.offer is not None else "the offer"

    # -- the end user's registration --------------------------------------------------------------

    async def _fitting_profile(
        self, candidates: list[tuple[int, AvailableNumber]]
    ) -> list[tuple[int, AvailableNumber]]:
        """With an end user: the candidates whose numbers the profile can be registered for. An
        offer that needs documents is checked against its carrier's requirements (cached per
        country and type by the adapters) before anything is bought: a number the profile cannot
        register is skipped, never bought."""
        if self.end_user is None:
            return candidates
        fitting: list[tuple[int, AvailableNumber]] = []
        verdicts: dict[tuple[int, str | None, str | None], InvalidInputError | None] = {}
        for index, offer in candidates:
            if not offer.requires_documents:
                fitting.append((index, offer))
                continue
            handle = self.handles[index]
            key = (index, offer.country, offer.number_type.value if offer.number_type else None)
            if key not in verdicts:
                verdicts[key] = await self._misfit(handle, offer)
            misfit = verdicts[key]
            if misfit is None:
                fitting.append((index, offer))
            else:
                self.attempts.append(ProcurementAttempt(handle.label, offer, "skipped", misfit))
        return fitting  # none left: the run ends as any run without a fitting offer, saying why

    async def _misfit(self, handle: Handle, offer: AvailableNumber) -> InvalidInputError | None:
        """Why the profile cannot be registered for ``offer``, or ``None`` (also when the carrier
        cannot say: the registration after the purchase then reports it)."""
        assert self.end_user is not None
        try:
            needs = await handle.requirements(offer, self.runtime)
            if needs is not None:
                check_profile(needs, self.end_user, country=offer.country)
        except InvalidInputError as exc:
            return InvalidInputError(f"{handle.label}: the end user's profile does not fit this number: {exc}")
        except DidkitError as exc:
            logger.warning(
                "procure %r: %s could not say what %s needs of the end user (%s); buying it anyway",
                self.reference,
                handle.label,
                _offer_name(offer),
                _reason(exc),
            )
        return None

    async def _register(self, handle: Handle, order: Order, offers: Sequence[AvailableNumber]) -> None:
        """Register the end user for ``order``'s numbers right after their purchase, once: a
        registration the ledger already has for the order is never submitted again. A failure
        leaves the purchase standing; it is recorded and reported, not raised."""
        if self.end_user is None or order.id in self.registrations or order.id in self.registration_errors:
            return
        if not any(offer.requires_documents for offer in offers):
            return
        at = self.ledger.now()
        try:
            registration = await handle.call("register", self.runtime, order, self.end_user)
        except Exception as exc:
            error = exc if isinstance(exc, DidkitError) else _as_provider_error(exc, handle.label)
            self.registration_errors[order.id] = error
            logger.warning(
                "procure %r: order %s from %s is bought, but registering the end user failed: %s",
                self.reference,
                order.id,
                handle.label,
                _reason(error),
            )
            recorded = RecordedRegistration(order.id, handle.label, at, error=_reason(error))
        else:
            self.registrations[order.id] = registration
            logger.info(
                "procure %r: registration %s submitted to %s for order %s (%s)",
                self.reference,
                registration.id,
                handle.label,
                order.id,
                registration.status.value,
            )
            recorded = RecordedRegistration(
                order.id,
                handle.label,
                at,
                id=registration.id,
                status=registration.status.value,
                numbers=registration.numbers,
            )
        try:
            self.entry = await _in_thread(self.ledger.record_registration, self.reference, self.holder, recorded)
        except LedgerError as exc:
            logger.error(
                "procure %r: the registration for order %s could not be written to the ledger (%s)",
                self.reference,
                order.id,
                exc,
            )

    # -- the ledger ------------------------------------------------------------------------------

    def _fresh_attempts(self) -> list[RecordedAttempt]:
        fresh = self.attempts[self._written :]
        self._written = len(self.attempts)
        return [
            RecordedAttempt(a.provider, a.offer, a.outcome, _reason(a.error) if a.error else None, a.elapsed)
            for a in fresh
        ]

    def _next_reference(self) -> str:
        """The reference the next order carries: the caller's own for one number; for several,
        one per order (``<reference>#<n>``, counting up across calls through the ledger's last
        intent), so a carrier that stores references never hands back an earlier order."""
        if self.count == 1:
            return self.reference
        previous = self.entry.intent.reference if self.entry.intent is not None else None
        serial = 0
        if previous and previous.startswith(f"{self.reference}#"):
            suffix = previous[len(self.reference) + 1 :]
            serial = int(suffix) if suffix.isdigit() else 0
        return f"{self.reference}#{serial + 1}"

    async def _write_intent(
        self,
        handle: Handle,
        offer: AvailableNumber,
        quantity: int,
        reference: str,
        hold: Hold | None,
        batch: tuple[AvailableNumber, ...] = (),
    ) -> None:
        intent = Intent(
            handle.label,
            offer,
            quantity,
            self.ledger.now(),
            reference=reference,
            hold=hold.id if hold else None,
            batch=batch,
            sandbox=_is_sandbox(handle.provider),
        )
        try:
            self.entry = await _in_thread(
                self.ledger.record_intent, self.reference, self.holder, intent, count=self.count
            )
        except LedgerError as exc:
            raise LedgerError(
                f"{_offer_name(offer)} from {handle.label} was not bought: its intent could not be recorded "
                f"under reference {self.reference!r} first ({exc})"
            ) from exc

    async def _record(
        self,
        outcome: Literal["bought", "failed", "unknown"],
        *,
        order: Order | None = None,
        note: str | None = None,
    ) -> None:
        try:
            self.entry = await _in_thread(
                self.ledger.record_outcome,
                self.reference,
                self.holder,
                outcome,
                order=order,
                note=note,
                attempts=self._fresh_attempts(),
            )
        except LedgerError as exc:
            # The intent stays unresolved in the ledger: the next procure with this reference
            # settles it with the carrier, so nothing is lost — only re-checked.
            logger.error(
                "procure %r: the outcome (%s) could not be written to the ledger (%s); the next call with this "
                "reference will settle it with the carrier",
                self.reference,
                outcome,
                exc,
            )

    # -- settling an earlier attempt -------------------------------------------------------------

    async def _resume(self, entry: LedgerEntry) -> Procurement | tuple[str, AvailableNumber] | None:
        """Settle an earlier attempt whose outcome is unknown before anything else is bought.

        A provider that stores references itself is asked to buy the same offer under the same
        reference: it hands back the earlier order, or proves there is none and buys it now.
        Otherwise the offer's number is looked up among the account's numbers."""
        intent = entry.intent
        if intent is None:
            return None
        handle = next((h for h in self.handles if h.label == intent.provider and h.error is None), None)
        if handle is None:
            raise self._unsettled(
                entry, f"{intent.provider} is not among this call's providers (or could not be connected)"
            )
        logger.info("procure %r: settling the earlier unresolved attempt with %s", self.reference, handle.label)
        settled_at = intent.at.timestamp() + self.settle_window
        if handle.capabilities.carrier_side_reference:
            # The carrier is asked once, by buying under the same reference (the protocol has no
            # read-only lookup): ask only once a late commit would show.
            await self._settle_pause(settled_at - self.ledger.clock())
            outcome = await self._attempt(
                handle,
                intent.offer,
                resolving=True,
                quantity=intent.quantity,
                reference=intent.reference or self.reference,
            )
            if isinstance(outcome, Procurement):
                return outcome
            return (handle.label, intent.offer)
        numbers = intent.numbers
        if not numbers:
            raise self._unsettled(
                entry, f"{intent.provider} keeps no reference and the offer names no number to look for"
            )
        checks = 0
        while True:
            owned: list[DID] = []
            for number in numbers:
                try:
                    owned.append(await handle.call("get_number", self.runtime, number))
                except NotFoundError:
                    continue
                except Exception as exc:
                    raise self._unsettled(
                        entry,
                        f"looking {number} up among the {intent.provider} account's numbers failed: {_reason(exc)}",
                    ) from exc
            if owned:
                break
            checks += 1
            now = self.ledger.clock()
            if now >= settled_at and (checks >= 2 or self.settle_window == 0):
                logger.info(
                    "procure %r: %s not owned after %d looks: nothing was bought before",
                    self.reference,
                    " or ".join(numbers),
                    checks,
                )
                await self._record(
                    "failed",
                    note=f"settled: {' or '.join(numbers)} not among the {intent.provider} account's numbers "
                    f"({checks} looks, the last {now - intent.at.timestamp():.0f} s after the attempt)",
                )
                return None
            await self._settle_pause(max(settled_at - now, min(SETTLE_PAUSE, self.settle_window)))
        did = owned[0]
        order = Order(
            id=did.id,
            provider=handle.label,
            status=OrderStatus.COMPLETED,
            reference=intent.reference or self.reference,
            numbers=tuple(owned),
            raw={"settled_from": "owned numbers", "numbers": [d.number for d in owned]},
            requested=len(owned),
        )
        self.attempts.append(ProcurementAttempt(handle.label, intent.offer, "purchased"))
        self.orders.append(order)
        bought = ", ".join(d.number for d in owned)
        await self._record("bought", order=order, note=f"settled: {bought} among the account's numbers")
        await self._register(handle, order, intent.batch or (intent.offer,))
        logger.info("procure %r: the earlier attempt bought %s from %s", self.reference, bought, handle.label)
        return self._procurement()

    async def _settle_pause(self, seconds: float) -> None:
        if seconds > 0:
            logger.info("procure %r: waiting %.1f s for the carrier's books to settle", self.reference, seconds)
            await self.ledger.sleep(seconds)

    def _unsettled(self, entry: LedgerEntry, why: str) -> AmbiguousProcurementError:
        intent = entry.intent
        assert intent is not None
        return AmbiguousProcurementError(
            f"an earlier purchase of {intent.item} from {intent.provider} under reference {self.reference!r} "
            f"(started {intent.at:%Y-%m-%d %H:%M:%S} UTC) has an unknown outcome, and {why}; nothing was bought. "
            f"Check: {entry.to_check} Then forget the reference (didkit procurements forget "
            f"{self.reference}) or use a new one",
            provider=intent.provider,
            offer=intent.offer,
            reference=self.reference,
            attempts=self.attempts,
            report=self.reports,
            procurement=self._so_far(),
        )

    # -- one attempt -----------------------------------------------------------------------------

    async def _attempt(
        self,
        handle: Handle,
        offer: AvailableNumber,
        *,
        resolving: bool = False,
        quantity: int = 1,
        reference: str | None = None,
        hold: Hold | None = None,
        key: tuple[int, str] | None = None,
        batch: Sequence[AvailableNumber] = (),
    ) -> Procurement | Verdict:
        """Buy ``quantity`` of one offer (through ``hold`` when given), or the specific offers of
        ``batch`` in one request, written through the ledger."""
        reference = reference or self._next_reference()
        await self._write_intent(handle, offer, quantity, reference, hold, tuple(batch))
        logger.debug("procure %r: trying %s %s × %d", self.reference, handle.label, _offer_name(offer), quantity)
        started = time.perf_counter()
        tried = list(batch) or [offer]
        try:
            if batch:
                order = await handle.call("purchase_offers", self.runtime, batch, reference=reference, wait=self.wait)
            else:
                order = await handle.purchase(hold or offer, reference, self.wait, self.runtime, quantity)
        except Exception as exc:
            elapsed = time.perf_counter() - started
            self.last_error = exc
            verdict = classify(exc)
            if resolving and verdict != "ambiguous" and not isinstance(exc, _RESOLVING):
                verdict = "ambiguous"  # the adapter may not even have looked for the earlier order
            error = exc if isinstance(exc, DidkitError) else _as_provider_error(exc, handle.label)
            if verdict == "ambiguous":
                self.attempts.extend(ProcurementAttempt(handle.label, o, "ambiguous", error, elapsed) for o in tried)
                await self._record("unknown", note=_reason(error))
                raise self._ambiguous(handle, offer, error) from exc
            self.attempts.extend(ProcurementAttempt(handle.label, o, "failed", error, elapsed) for o in tried)
            await self._record("failed", note=_reason(error))
            logger.debug("procure %r: %s failed (%s): %s", self.reference, handle.label, verdict, error)
            if verdict == "stop":
                raise
            return verdict
        elapsed = time.perf_counter() - started
        if order.status in (OrderStatus.FAILED, OrderStatus.CANCELLED):
            error = NumberUnavailableError(
                f"order {order.id} ended {order.status.value}", provider=handle.label, status_code=None
            )
            self.last_error = error
            self.attempts.extend(ProcurementAttempt(handle.label, o, "failed", error, elapsed) for o in tried)
            await self._record("failed", note=_reason(error))
            # a provider that stores the reference would hand back this failed order for every offer
            return "provider" if handle.capabilities.carrier_side_reference else "next"
        if key is not None:
            self.holds.pop(key, None)  # the order used the hold up
        self.attempts.extend(ProcurementAttempt(handle.label, o, "purchased", None, elapsed) for o in tried)
        self.orders.append(order)
        await self._record("bought", order=order)
        await self._register(handle, order, tried)
        procurement = self._procurement()
        logger.info(
            "procure %r: bought %s from %s (order %s, %s%s)",
            self.reference,
            _offer_name(offer),
            handle.label,
            order.id,
            order.status.value,
            f", {numbers_of(order)} of {quantity}" if quantity > 1 else "",
        )
        return procurement

    def _ambiguous(self, handle: Handle, offer: AvailableNumber, error: DidkitError) -> AmbiguousProcurementError:
        return AmbiguousProcurementError(
            f"the purchase of {_offer_name(offer)} from {handle.label} under reference {self.reference!r} may or may "
            f"not have happened: {_reason(error)}. No other offer was tried; the reference stays unresolved until "
            f"{handle.label} is checked (procure with it again settles it first)",
            provider=handle.label,
            offer=offer,
            reference=self.reference,
            attempts=self.attempts,
            report=self.reports,
            procurement=self._so_far(),
            status_code=getattr(error, "status_code", None),
            request_id=getattr(error, "request_id", None),
        )

    def _incomplete(self) -> ProcurementIncompleteError:
        bought = self.count - self._remaining()
        failed = [a for a in self.attempts if a.outcome == "failed"]
        listed = "; ".join(f"{a.provider} {_offer_name(a.offer)}: {_reason(a.error)}" for a in failed[:5] if a.error)
        why = f" ({listed}{'; and more' if len(failed) > 5 else ''})" if listed else ""
        message = (
            f"bought {bought} of the {self.count} numbers asked for ({self._what()}) under reference "
            f"{self.reference!r}: no further offer could supply the rest{why}{_failures(self.reports)}. "
            "error.procurement holds what was bought: keep or release it; procure with the same reference "
            "again to fill the rest"
        )
        error = ProcurementIncompleteError(
            message, attempts=self.attempts, report=self.reports, procurement=self._procurement()
        )
        error.__cause__ = self.last_error
        return error

    def _all_failed(self) -> ProcurementFailedError:
        failed = [a for a in self.attempts if a.outcome == "failed"]
        skipped = sum(1 for a in self.attempts if a.outcome == "skipped")
        listed = "; ".join(f"{a.provider} {_offer_name(a.offer)}: {_reason(a.error)}" for a in failed[:5] if a.error)
        if not failed:
            # every offer was skipped: say why, once per distinct reason
            listed = "; ".join(dict.fromkeys(_reason(a.error) for a in self.attempts if a.error))
        more = f"; and {len(failed) - 5} more" if len(failed) > 5 else ""
        skip = f", {skipped} skipped" if skipped else ""
        tried = f"{len(failed)} offer{'' if len(failed) == 1 else 's'} failed"
        message = f"no number bought for {self._what()}: {tried}{skip} ({listed}{more}){_failures(self.reports)}"
        error = ProcurementFailedError(message, attempts=self.attempts, report=self.reports)
        error.__cause__ = self.last_error
        return error


def _registrations_of(entry: LedgerEntry) -> tuple[dict[str, Registration], dict[str, DidkitError]]:
    """The registrations (and failures) the ledger recorded for the entry's orders, by order id;
    the latest per order counts."""
    submitted: dict[str, Registration] = {}
    failed: dict[str, DidkitError] = {}
    for recorded in entry.registrations:
        if recorded.id is not None:
            submitted[recorded.order_id] = Registration(
                recorded.id,
                recorded.provider,
                RegistrationStatus(recorded.status or RegistrationStatus.PENDING.value),
                numbers=recorded.numbers,
            )
            failed.pop(recorded.order_id, None)
        else:
            failed[recorded.order_id] = RecordedError(recorded.error or "the registration failed")
            submitted.pop(recorded.order_id, None)
    return submitted, failed


def _in_order(orders: Sequence[Order], registrations: Mapping[str, Registration]) -> tuple[Registration, ...]:
    return tuple(registrations[order.id] for order in orders if order.id in registrations)


def _reason(error: BaseException | None) -> str:
    """An error in words, once."""
    if error is None:
        return "no error"
    if isinstance(error, ProviderError):
        return error.describe()
    return str(error) or type(error).__name__


def _as_provider_error(exc: BaseException, provider: str) -> ProviderError:
    error = ProviderError(f"unexpected {type(exc).__name__}: {exc}", provider=provider, outcome_unknown=True)
    error.__cause__ = exc
    return error


async def _in_thread(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """A ledger call off the event loop (each is one short transaction, bounded by the backend's
    own timeouts)."""
    return await asyncio.to_thread(fn, *args, **kwargs)


def _open_ledger(ledger: LedgerLike, *, sandbox: bool = False) -> tuple[Ledger, bool]:
    """The ledger to use, and whether this call opened it (and so closes it). The default for
    procurements from the sandbox emulators is a ledger of their own."""
    if isinstance(ledger, Ledger):
        return ledger, False
    if ledger is None:
        return open_ledger(default_ledger_spec(sandbox=sandbox)), True
    if isinstance(ledger, (str, os.PathLike)):
        return open_ledger(ledger), True
    raise InvalidInputError(f"ledger must be a didkit Ledger, a path or URL, or None; got {ledger!r}")


def _is_sandbox(provider: Any) -> bool:
    """A provider whose orders are make-believe: over a built-in emulator
    (:class:`~didkit.SandboxNumberProvider`) or a carrier's own test environment
    (``purchases_are_real`` is false)."""
    return getattr(provider, "emulator", None) is not None or getattr(provider, "purchases_are_real", True) is False


def _realm(handles: Sequence[Handle]) -> str:
    """``"sandbox"`` when every connected provider's purchases are make-believe, ``"live"`` when
    none are, else ``"mixed"`` (a reference's record is then taken as it is)."""
    kinds = {_is_sandbox(handle.provider) for handle in handles if handle.provider is not None}
    return "mixed" if len(kinds) != 1 else "sandbox" if kinds == {True} else "live"


async def _acquire(ledger: Ledger, reference: str, holder: str) -> LedgerEntry:
    """Hold ``reference``, waiting up to ``ledger.wait`` for another holder; or its bought entry."""
    deadline = ledger.clock() + ledger.wait
    while True:
        try:
            claimed = await _in_thread(ledger.claim, reference, holder)
        except LedgerError as exc:
            raise LedgerError(f"{exc}; nothing was bought") from exc
        if claimed.granted or claimed.entry.state == "bought":
            if claimed.taken_over is not None:
                logger.warning(
                    "procure %r: took over from %s, whose claim lapsed (lease ran out or process gone)%s",
                    reference,
                    claimed.taken_over,
                    "; settling its unresolved attempt first" if claimed.entry.unresolved else "",
                )
            return claimed.entry
        remaining = deadline - ledger.clock()
        if remaining <= 0:
            raise LedgerBusyError(
                f"reference {reference!r} is being procured by another caller ({claimed.entry.holder}), which did not "
                f"finish within {ledger.wait:g} s; nothing was bought by this call. Call again with the same "
                "reference later: it returns that purchase",
                reference=reference,
                holder=claimed.entry.holder,
            )
        await ledger.sleep(min(ledger.poll, remaining))


async def _heartbeat(ledger: Ledger, reference: str, holder: str) -> None:
    """Renew the claim every third of the lease while the call works."""
    while True:
        await asyncio.sleep(ledger.lease / 3)  # real time: the lease runs on the backend's clock too
        try:
            await _in_thread(ledger.renew, reference, holder)
        except LedgerError as exc:
            logger.warning("procure %r: renewing the claim failed: %s", reference, exc)


def _from_entry(entry: LedgerEntry) -> Procurement:
    """The procurement a bought entry records."""
    assert entry.order is not None
    attempts = tuple(
        ProcurementAttempt(a.provider, a.offer, a.outcome, RecordedError(a.error) if a.error else None, a.elapsed)
        for a in entry.attempts
    )
    submitted, failed = _registrations_of(entry)
    return Procurement(
        entry.order,
        attempts,
        entry.reference,
        orders=entry.orders,
        count=entry.count,
        registrations=_in_order(entry.orders, submitted),
        registration_errors=failed,
    )


async def _procure(
    query: SearchQuery | None,
    providers: ProviderLike | Sequence[ProviderLike],
    *,
    reference: str,
    max_monthly: PriceCap | None,
    max_setup: PriceCap | None,
    strategy: str,
    require_no_documents: bool,
    wait: float,
    months: int,
    timeout: float | None,
    progress: ProgressCallback | None,
    connect_options: Mapping[str, Any] | None,
    ledger: LedgerLike,
    async_mode: bool,
    offer: AvailableNumber | None = None,
    settle_window: float = DEFAULT_SETTLE_WINDOW,
    count: int = 1,
    hold_first: bool = False,
    end_user: EndUser | None = None,
) -> Procurement:
    if end_user is not None and not isinstance(end_user, EndUser):
        raise InvalidInputError(
            f"end_user must be an EndUser (EndUser.person/business) or None, got {type(end_user).__name__}"
        )
    if end_user is not None and require_no_documents is True:
        raise InvalidInputError(
            "require_no_documents=True and an end_user contradict each other: with an end user procure buys "
            "numbers that need documents and registers them; leave one out"
        )
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise InvalidInputError(f"count must be a whole number >= 1, got {count!r}")
    if not isinstance(hold_first, bool):
        raise InvalidInputError(f"hold_first must be True or False, got {hold_first!r}")
    if offer is None:
        query = check_query(query)
    elif not isinstance(offer, AvailableNumber):
        raise InvalidInputError(f"the offer must be a didkit.AvailableNumber, got {type(offer).__name__}")
    elif offer.number is not None and count > 1:
        raise InvalidInputError(
            f"quantity={count}: the offer for {offer.number} is one specific number; only an 'any number from "
            "this group' offer can be bought several at a time"
        )
    reference = _check_reference(reference)
    checked_strategy = check_strategy(strategy)
    monthly_cap = check_cap(max_monthly, "max_monthly")
    setup_cap = check_cap(max_setup, "max_setup")
    if not isinstance(require_no_documents, bool):
        raise InvalidInputError(f"require_no_documents must be True or False, got {require_no_documents!r}")
    wait = _check_wait(wait)
    settle_window = _check_wait(settle_window, "settle_window")
    months = check_months(months)
    timeout = check_timeout(timeout)
    prepared = prepare(providers, needs=("search_numbers", "purchase"))
    # Connecting sends nothing; it tells whose purchases are make-believe before the ledger opens.
    handles = connect(prepared, async_mode=async_mode, connect_options=connect_options)
    runtime = Runtime.for_handles(handles)
    try:
        realm = _realm(handles)
        book, owned = _open_ledger(ledger, sandbox=realm == "sandbox")
        try:
            return await _procure_claimed(
                book,
                reference,
                count,
                realm,
                lambda entry, holder: _Procurer(
                    query=query,
                    handles=handles,
                    runtime=runtime,
                    reference=reference,
                    ledger=book,
                    holder=holder,
                    entry=entry,
                    max_monthly=monthly_cap,
                    max_setup=setup_cap,
                    strategy=checked_strategy,
                    require_no_documents=require_no_documents,
                    wait=wait,
                    months=months,
                    timeout=timeout,
                    progress=progress,
                    offer=offer,
                    settle_window=settle_window,
                    count=count,
                    hold_first=hold_first,
                    end_user=end_user,
                ),
            )
        finally:
            if owned:
                book.close()
    finally:
        await close_all(handles, runtime)
        runtime.shutdown()


async def _procure_claimed(
    book: Ledger, reference: str, count: int, realm: str, procurer: Callable[[LedgerEntry, str], _Procurer]
) -> Procurement:
    """Claim ``reference`` in the ledger and procure under the claim: the earlier purchase when the
    ledger has it, else a new one."""
    holder = new_holder()
    entry = await _acquire(book, reference, holder)
    if entry.intent is not None and realm != "mixed" and entry.sandbox != (realm == "sandbox"):
        await _in_thread(book.release, reference, holder)
        was, now = ("the sandbox", "real carriers") if entry.sandbox else ("real carriers", "the sandbox")
        raise InvalidInputError(
            f"reference {reference!r} was procured from {was} ({entry.state}); this call uses {now}, so that "
            f"record cannot answer for it: use another reference (or forget it: didkit procurements forget "
            f"{reference})"
        )
    if entry.orders and entry.count != count:
        await _in_thread(book.release, reference, holder)
        raise InvalidInputError(
            f"reference {reference!r} was procured for {entry.count} number{'' if entry.count == 1 else 's'} "
            f"(it has {entry.bought}), not {count}: use a new reference for another count"
        )
    if entry.state == "bought":
        logger.info("procure %r: already bought (order %s): buying nothing", reference, entry.order and entry.order.id)
        return _from_entry(entry)
    heartbeat = asyncio.ensure_future(_heartbeat(book, reference, holder))
    try:
        return await procurer(entry, holder).run()
    finally:
        heartbeat.cancel()
        await asyncio.gather(heartbeat, return_exceptions=True)
        try:
            await _in_thread(book.release, reference, holder)
        except LedgerError as exc:  # the lease lapses on its own
            logger.warning("procure %r: releasing the claim failed: %s", reference, exc)


async def procure_async(
    query: SearchQuery,
    providers: ProviderLike | Sequence[ProviderLike],
    *,
    reference: str,
    max_monthly: PriceCap | None = None,
    max_setup: PriceCap | None = None,
    strategy: Strategy = "cheapest",
    require_no_documents: bool = False,
    wait: float = DEFAULT_WAIT,
    months: int = 12,
    timeout: float | None = 30.0,
    progress: ProgressCallback | None = None,
    connect_options: Mapping[str, Any] | None = None,
    ledger: LedgerLike = None,
    settle_window: float = DEFAULT_SETTLE_WINDOW,
    count: int = 1,
    hold_first: bool = False,
    end_user: EndUser | None = None,
) -> Procurement:
    """Buy exactly ``count`` numbers matching ``query`` from the best of ``providers``; async.

    Same arguments and behaviour as :func:`procure`. Sync providers and the ledger run in worker
    threads, so they never block the event loop.
    """
    return await _procure(
        query,
        providers,
        reference=reference,
        max_monthly=max_monthly,
        max_setup=max_setup,
        strategy=strategy,
        require_no_documents=require_no_documents,
        wait=wait,
        months=months,
        timeout=timeout,
        progress=progress,
        connect_options=connect_options,
        ledger=ledger,
        async_mode=True,
        settle_window=settle_window,
        count=count,
        hold_first=hold_first,
        end_user=end_user,
    )


def procure(
    query: SearchQuery,
    providers: ProviderLike | Sequence[ProviderLike],
    *,
    reference: str,
    max_monthly: PriceCap | None = None,
    max_setup: PriceCap | None = None,
    strategy: Strategy = "cheapest",
    require_no_documents: bool = False,
    wait: float = DEFAULT_WAIT,
    months: int = 12,
    timeout: float | None = 30.0,
    progress: ProgressCallback | None = None,
    connect_options: Mapping[str, Any] | None = None,
    ledger: LedgerLike = None,
    settle_window: float = DEFAULT_SETTLE_WINDOW,
    count: int = 1,
    hold_first: bool = False,
    end_user: EndUser | None = None,
) -> Procurement:
    """Buy exactly ``count`` numbers (one by default) matching ``query`` from the best of ``providers``.

    Searches every provider at once (as :func:`compare`), drops offers outside the limits, ranks
    the rest by ``strategy`` and tries them one by one with ``provider.purchase(offer,
    reference=reference, wait=wait)`` until one succeeds — each attempt written through the
    ``ledger``: its intent before the request leaves, its outcome after.

    Args:
        query: what to buy.
        providers: provider instances (sync or async) and/or registered names, connected from the
            environment (an unknown name raises :class:`~didkit.ConfigurationError` before
            anything runs; a missing key only rules that provider out).
        reference: your idempotency key for this purchase: the same string for every attempt.
            Use one per number you mean to own.
        max_monthly: the highest monthly price to pay (``Money``, or a ``Decimal``/``str``/``int``
            amount in the offer's currency); offers with an unknown monthly price do not fit.
        max_setup: the same for the setup price.
        strategy: ``"cheapest"`` — every provider's offers by cost over ``months`` (setup plus
            ``months`` × monthly), ties by per-minute price then the providers' order; or
            ``"in_order"`` — the providers in the order given, cheapest offer first within each.
        require_no_documents: skip offers that need documents or registration.
        wait: seconds a provider may wait for an asynchronous order to complete. An order still
            :attr:`~didkit.OrderStatus.PENDING` afterwards counts as bought.
        months: the horizon prices are compared over.
        timeout: seconds each provider's *search* may take (``None``: no limit). Purchases are
            never cut short by the broker — that would leave their outcome unknown.
        progress: called with each provider's search report as it finishes.
        connect_options: keyword arguments for :func:`didkit.connect` when providers are names
            (e.g. ``{"sandbox": True}``).
        ledger: where purchases by reference are recorded: a :class:`~didkit.ledger.Ledger`,
            a spec for :func:`~didkit.open_ledger` (a path, ``sqlite:///…``,
            ``postgresql://…``, ``"memory"``), or ``None`` — ``$DIDKIT_LEDGER``, else
            ``procurements.sqlite3`` in the user state directory.
        settle_window: seconds after an earlier attempt with an unknown outcome before "the
            carrier shows no such purchase" is believed: until then procure waits (looking at
            least twice, on carriers it can look at without buying) and the reference stays
            unresolved in the ledger. ``0`` believes the first look.
        count: how many numbers to buy in all. Offers are tried in rank order: a specific number
            supplies one, an "any number" offer asks for all still missing in one order
            (``quantity``), and whatever an order leaves short (a partial fill) is bought from the
            next offers, on any carrier — never more than ``count`` (an order still pending
            counts as all it asked for). Each order carries its own reference to the carrier
            (``<reference>#<n>``); the ledger records every one.
        hold_first: hold the specific numbers procure expects to buy (where the carrier can
            hold: ``capabilities.reservations``) before the first purchase, then buy the holds.
            Every hold not used is released before procure returns or raises, cancellation
            included.
        end_user: the end user's profile (:class:`~didkit.EndUser`), to buy numbers that need
            documents or registration and register them right away. Each offer that needs
            documents is first checked against its carrier's ``requirements()``: one the profile
            does not fit (an address abroad for a local number, a missing proof) is skipped, never
            bought. Right after a purchase whose offer needs documents, procure calls
            ``provider.register(order, end_user)`` and records the registration in the ledger, so
            a call again with the same reference never registers twice. A failed registration
            does not undo or hide the purchase: it is in ``Procurement.registration_errors``
            (and the ledger), and procure returns normally. A carrier that refuses to *sell*
            before it has documents (:class:`~didkit.DocumentsRequiredError`) cannot be helped by
            a registration, which needs a number the account owns: that attempt fails and procure
            moves on, as without a profile. Contradicts ``require_no_documents=True``.

    Returns:
        A :class:`~didkit.Procurement`: the ``orders`` (``order`` is the first), the ``numbers``
        and every attempt. With a reference the ledger has a full purchase for, that earlier
        procurement (as recorded), and nothing is bought; with one it has part of, the rest.
        With ``end_user``: ``registrations`` and ``registration_errors`` too.

    Raises:
        InvalidInputError: bad arguments (before anything runs).
        ConfigurationError: an unknown provider name (before anything runs).
        ProcurementFailedError: a :class:`~didkit.NumberUnavailableError`: no offer fits, or every
            offer tried failed — and nothing was bought.
        ProcurementIncompleteError: (a :class:`ProcurementFailedError`) ``count`` > 1 and the
            offers ran out with fewer bought: ``error.procurement`` holds them.
        AmbiguousProcurementError: an :class:`~didkit.AmbiguousPurchaseError`: an attempt's outcome
            is unknown (now, or from an earlier call that the carrier cannot settle), so the broker
            stopped rather than risk a second number. It names the reference and the number.
        LedgerError: the ledger could not be read or written before a purchase: nothing was bought.
        LedgerBusyError: another caller held the reference for longer than ``ledger.wait``.
        EventLoopRunningError: called from a running event loop (use :func:`procure_async`).
    """
    return run_blocking(
        lambda: _procure(
            query,
            providers,
            reference=reference,
            max_monthly=max_monthly,
            max_setup=max_setup,
            strategy=strategy,
            require_no_documents=require_no_documents,
            wait=wait,
            months=months,
            timeout=timeout,
            progress=progress,
            connect_options=connect_options,
            ledger=ledger,
            async_mode=False,
            settle_window=settle_window,
            count=count,
            hold_first=hold_first,
            end_user=end_user,
        ),
        "procure",
    )


def buy(
    provider: ProviderLike,
    offer: AvailableNumber,
    *,
    reference: str,
    wait: float = DEFAULT_WAIT,
    ledger: LedgerLike = None,
    connect_options: Mapping[str, Any] | None = None,
    settle_window: float = DEFAULT_SETTLE_WINDOW,
    quantity: int = 1,
) -> Procurement:
    """Buy one given offer under ``reference`` (``quantity`` numbers of an "any number" offer, in
    one order), written through the ledger as :func:`procure` does: a reference the ledger has a
    purchase for returns it and buys nothing; an unresolved one is settled with the carrier
    first. The provider's own error is raised as it is; a partial order is
    :class:`ProcurementIncompleteError` carrying it."""
    return run_blocking(
        lambda: _procure(
            None,
            provider,
            reference=reference,
            max_monthly=None,
            max_setup=None,
            strategy="cheapest",
            require_no_documents=False,
            wait=wait,
            months=12,
            timeout=None,
            progress=None,
            connect_options=connect_options,
            ledger=ledger,
            async_mode=False,
            offer=offer,
            settle_window=settle_window,
            count=quantity,
        ),
        "buy",
    )
