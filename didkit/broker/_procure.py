"""procure(): buy exactly one number from the best provider, failing over, never buying twice."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal

from ..errors import (
    AmbiguousPurchaseError,
    AuthenticationError,
    ConfigurationError,
    DidkitError,
    DocumentsRequiredError,
    InsufficientFundsError,
    InvalidInputError,
    NumberUnavailableError,
    ProviderError,
    RateLimitedError,
    ResponseFormatError,
    UnsupportedOperationError,
)
from ..model import AvailableNumber, Money, OrderStatus, SearchQuery
from ..protocol import DEFAULT_WAIT
from ._memory import Claim, ProcurementRegistry, Unresolved, default_registry
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
    ProviderReport,
)

logger = logging.getLogger("didkit.broker")

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


def _check_wait(wait: float) -> float:
    if isinstance(wait, bool) or not isinstance(wait, (int, float)) or not wait >= 0:
        raise InvalidInputError(f"wait must be a number of seconds >= 0, got {wait!r}")
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


def _failures(reports: Sequence[ProviderReport]) -> str:
    failed = [
        f"{r.error}" if isinstance(r.error, ProviderError) else f"{r.provider}: {r.error}"
        for r in reports
        if r.error is not None
    ]
    return f"; failed: {'; '.join(failed)}" if failed else ""


class _Procurer:
    """One procure() call. ``state`` always says what is known about the reference, so that
    whatever interrupts the call (an error, a cancellation) leaves the registry truthful."""

    def __init__(
        self,
        *,
        query: SearchQuery,
        handles: list[Handle],
        runtime: Runtime,
        reference: str,
        claim: Claim,
        max_monthly: Money | Decimal | None,
        max_setup: Money | Decimal | None,
        strategy: Strategy,
        require_no_documents: bool,
        wait: float,
        months: int,
        timeout: float | None,
        progress: ProgressCallback | None,
    ) -> None:
        self.query = query
        self.handles = handles
        self.runtime = runtime
        self.reference = reference
        self.max_monthly = max_monthly
        self.max_setup = max_setup
        self.strategy = strategy
        self.require_no_documents = require_no_documents
        self.wait = wait
        self.months = months
        self.timeout = timeout
        self.progress = progress
        self.state: Procurement | Unresolved | None = claim.unresolved
        self.attempts: list[ProcurementAttempt] = []
        self.reports: list[ProviderReport] = []
        self.last_error: BaseException | None = None

    async def run(self) -> Procurement:
        settled: tuple[str, AvailableNumber] | None = None
        if isinstance(self.state, Unresolved):
            result = await self._resume(self.state)
            if isinstance(result, Procurement):
                return result
            settled = result
        per_provider, reports = await search_all(self.handles, self.query, self.timeout, self.runtime, self.progress)
        self.reports = reports
        candidates = self._candidates(per_provider)
        blocked: dict[int, DidkitError] = {}
        short_of_funds: dict[int, tuple[Money | None, DidkitError]] = {}
        for index, offer in candidates:
            handle = self.handles[index]
            if settled is not None and settled == (handle.label, offer):
                continue
            reason = blocked.get(index) or self._funds_block(short_of_funds.get(index), offer)
            if reason is not None:
                self.attempts.append(ProcurementAttempt(handle.label, offer, "skipped", reason))
                continue
            outcome = await self._attempt(handle, offer)
            if isinstance(outcome, Procurement):
                return outcome
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
        what = _describe(self.query)
        if not found:
            message = f"no offers for {what}{_failures(self.reports)}"
        else:
            reasons = ", ".join(f"{count} {reason}" for reason, count in excluded.most_common())
            message = f"none of the {found} offers for {what} fits your limits: {reasons}{_failures(self.reports)}"
        raise ProcurementFailedError(message, attempts=self.attempts, report=self.reports)

    async def _resume(self, unresolved: Unresolved) -> Procurement | tuple[str, AvailableNumber]:
        """Settle an earlier attempt with an unknown outcome before anything else is bought.

        Only a provider that stores references itself can answer "did that order happen?" — by
        being asked to buy the same offer under the same reference. Otherwise: raise again."""
        handle = next(
            (
                h
                for h in self.handles
                if h.label == unresolved.provider and h.error is None and h.capabilities.carrier_side_reference
            ),
            None,
        )
        if handle is None:
            raise AmbiguousProcurementError(
                f"an earlier purchase of {_offer_name(unresolved.offer)} under reference {self.reference!r} has an "
                f"unknown outcome and {unresolved.provider} cannot be asked about it here; check that account, then "
                "forget the reference (didkit.broker.default_registry.forget(reference)) or use a new one",
                provider=unresolved.provider,
                offer=unresolved.offer,
                reference=self.reference,
                attempts=unresolved.attempts,
            )
        logger.info("procure %r: settling the earlier unresolved attempt with %s", self.reference, handle.label)
        outcome = await self._attempt(handle, unresolved.offer, resolving=True)
        if isinstance(outcome, Procurement):
            return outcome
        return (handle.label, unresolved.offer)

    async def _attempt(
        self, handle: Handle, offer: AvailableNumber, *, resolving: bool = False
    ) -> Procurement | Verdict:
        """Buy one offer; record the attempt and what is known about the reference."""
        self.state = Unresolved(handle.label, offer, tuple(self.attempts))
        logger.debug("procure %r: trying %s %s", self.reference, handle.label, _offer_name(offer))
        started = time.perf_counter()
        try:
            order = await handle.purchase(offer, self.reference, self.wait, self.runtime)
        except Exception as exc:
            elapsed = time.perf_counter() - started
            self.last_error = exc
            verdict = classify(exc)
            if resolving and verdict != "ambiguous" and not isinstance(exc, _RESOLVING):
                verdict = "ambiguous"  # the adapter may not even have looked for the earlier order
            error = exc if isinstance(exc, DidkitError) else _as_provider_error(exc, handle.label)
            if verdict == "ambiguous":
                self.attempts.append(ProcurementAttempt(handle.label, offer, "ambiguous", error, elapsed))
                self.state = Unresolved(handle.label, offer, tuple(self.attempts))
                raise self._ambiguous(handle, offer, error) from exc
            self.attempts.append(ProcurementAttempt(handle.label, offer, "failed", error, elapsed))
            self.state = None  # known: this attempt bought nothing
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
            self.attempts.append(ProcurementAttempt(handle.label, offer, "failed", error, elapsed))
            self.state = None
            # a provider that stores the reference would hand back this failed order for every offer
            return "provider" if handle.capabilities.carrier_side_reference else "next"
        self.attempts.append(ProcurementAttempt(handle.label, offer, "purchased", None, elapsed))
        procurement = Procurement(order, tuple(self.attempts), self.reference, tuple(self.reports))
        self.state = procurement
        logger.info(
            "procure %r: bought %s from %s (order %s, %s)",
            self.reference,
            _offer_name(offer),
            handle.label,
            order.id,
            order.status.value,
        )
        return procurement

    def _ambiguous(self, handle: Handle, offer: AvailableNumber, error: DidkitError) -> AmbiguousProcurementError:
        return AmbiguousProcurementError(
            f"the purchase of {_offer_name(offer)} under reference {self.reference!r} may or may not have happened "
            f"({error}); no other offer was tried. Check the {handle.label} account before buying again",
            provider=handle.label,
            offer=offer,
            reference=self.reference,
            attempts=self.attempts,
            report=self.reports,
            status_code=getattr(error, "status_code", None),
            request_id=getattr(error, "request_id", None),
        )

    def _all_failed(self) -> ProcurementFailedError:
        failed = [a for a in self.attempts if a.outcome == "failed"]
        skipped = sum(1 for a in self.attempts if a.outcome == "skipped")
        listed = "; ".join(
            f"{a.provider} {_offer_name(a.offer)}: {type(a.error).__name__}" for a in failed[:5] if a.error
        )
        more = f"; and {len(failed) - 5} more" if len(failed) > 5 else ""
        skip = f", {skipped} skipped" if skipped else ""
        message = (
            f"no number bought for {_describe(self.query)}: {len(failed)} offers failed{skip} ({listed}{more})"
            f"{_failures(self.reports)}"
        )
        error = ProcurementFailedError(message, attempts=self.attempts, report=self.reports)
        error.__cause__ = self.last_error
        return error


def _as_provider_error(exc: BaseException, provider: str) -> ProviderError:
    error = ProviderError(f"unexpected {type(exc).__name__}: {exc}", provider=provider, outcome_unknown=True)
    error.__cause__ = exc
    return error


async def _procure(
    query: SearchQuery,
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
    registry: ProcurementRegistry | None,
    async_mode: bool,
) -> Procurement:
    query = check_query(query)
    reference = _check_reference(reference)
    checked_strategy = check_strategy(strategy)
    monthly_cap = check_cap(max_monthly, "max_monthly")
    setup_cap = check_cap(max_setup, "max_setup")
    if not isinstance(require_no_documents, bool):
        raise InvalidInputError(f"require_no_documents must be True or False, got {require_no_documents!r}")
    wait = _check_wait(wait)
    months = check_months(months)
    timeout = check_timeout(timeout)
    if registry is not None and not isinstance(registry, ProcurementRegistry):
        raise InvalidInputError(f"registry must be a ProcurementRegistry, got {registry!r}")
    memory = registry if registry is not None else default_registry
    prepared = prepare(providers, needs=("search_numbers", "purchase"))

    while True:
        claimed = memory._claim(reference)
        if isinstance(claimed, Procurement):
            logger.info("procure %r: already bought in this process (order %s)", reference, claimed.order.id)
            return claimed
        if isinstance(claimed, Claim):
            break
        await asyncio.wrap_future(claimed)  # another call is procuring under this reference

    procurer: _Procurer | None = None
    try:
        handles = connect(prepared, async_mode=async_mode, connect_options=connect_options)
        runtime = Runtime.for_handles(handles)
        procurer = _Procurer(
            query=query,
            handles=handles,
            runtime=runtime,
            reference=reference,
            claim=claimed,
            max_monthly=monthly_cap,
            max_setup=setup_cap,
            strategy=checked_strategy,
            require_no_documents=require_no_documents,
            wait=wait,
            months=months,
            timeout=timeout,
            progress=progress,
        )
        try:
            return await procurer.run()
        finally:
            await close_all(handles, runtime)
            runtime.shutdown()
    finally:
        memory._release(claimed, procurer.state if procurer is not None else claimed.unresolved)


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
    registry: ProcurementRegistry | None = None,
) -> Procurement:
    """Buy exactly one number matching ``query`` from the best of ``providers``; async.

    Same arguments and behaviour as :func:`procure`. Sync providers run in worker threads, so
    they never block the event loop.
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
        registry=registry,
        async_mode=True,
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
    registry: ProcurementRegistry | None = None,
) -> Procurement:
    """Buy exactly one number matching ``query`` from the best of ``providers``.

    Searches every provider at once (as :func:`compare`), drops offers outside the limits, ranks
    the rest by ``strategy`` and tries them one by one with ``provider.purchase(offer,
    reference=reference, wait=wait)`` until one succeeds.

    Args:
        query: what to buy.
        providers: provider instances (sync or async) and/or registered names, connected from the
            environment (an unknown name raises :class:`~didkit.ConfigurationError` before
            anything runs; a missing key only rules that provider out).
        reference: your idempotency key for this purchase: the same string for every attempt.
            Use one per number you mean to own, and persist it *before* calling.
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
        registry: the in-process memory of references (default: ``didkit.broker.default_registry``).

    Returns:
        A :class:`~didkit.Procurement`: the ``order`` and every attempt. With a reference this
        process already bought under, the earlier procurement, and nothing is bought.

    Raises:
        InvalidInputError: bad arguments (before anything runs).
        ConfigurationError: an unknown provider name (before anything runs).
        ProcurementFailedError: a :class:`~didkit.NumberUnavailableError`: no offer fits, or every
            offer tried failed — and nothing was bought.
        AmbiguousProcurementError: an :class:`~didkit.AmbiguousPurchaseError`: an attempt's outcome
            is unknown, so the broker stopped rather than risk a second number. Check that
            provider's account before trying again.
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
            registry=registry,
            async_mode=False,
        ),
        "procure",
    )
