"""The broker's result types and the errors only the broker raises."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Literal, overload

import attrs

from ..errors import AmbiguousPurchaseError, DidkitError, InvalidInputError, NumberUnavailableError
from ..ledger import numbers_of
from ..model import DID, AvailableNumber, Order, OrderStatus
from ..regulatory import Registration
from ._ranking import PriceCap, Strategy, check_cap, check_strategy, rank

__all__ = [
    "AmbiguousProcurementError",
    "AttemptOutcome",
    "Comparison",
    "ComparisonFailedError",
    "EventLoopRunningError",
    "Procurement",
    "ProcurementAttempt",
    "ProcurementFailedError",
    "ProcurementIncompleteError",
    "ProviderReport",
]

AttemptOutcome = Literal["purchased", "failed", "skipped", "ambiguous"]
"""What became of one offer during :func:`~didkit.procure`."""


def _notes(value: Iterable[object]) -> tuple[str, ...]:
    return tuple(str(note) for note in value)


@attrs.frozen
class ProviderReport:
    """How one provider's search went.

    Attributes:
        provider: the provider's name (or the name it was given by, when it could not be connected).
        offers: how many offers it returned (0 when it failed).
        elapsed: seconds the search took.
        error: why it failed (a :class:`~didkit.DidkitError`), or ``None``. A timeout is a
            :class:`~didkit.TransportError`; a missing API key a :class:`~didkit.ConfigurationError`.
        timed_out: ``True`` when the provider did not answer within the timeout.
        needs_documents: how many of its offers need the end user's documents before the number
            works (``AvailableNumber.requires_documents``); with ``compare(..., ready_only=True)``
            these were left out of the comparison.
        notes: what the provider said about how its search went, in words — a degraded mode the
            offers reflect (e.g. an account that may not list specific numbers, so its offers are
            "any number from this group"). Empty when it had nothing to say.
    """

    provider: str
    offers: int = 0
    elapsed: float = 0.0
    error: DidkitError | None = attrs.field(default=None, eq=False)
    timed_out: bool = False
    needs_documents: int = 0
    notes: tuple[str, ...] = attrs.field(default=(), converter=_notes)

    @property
    def degraded(self) -> bool:
        """``True`` when the provider attached notes: its offers reflect a degraded mode."""
        return bool(self.notes)

    @property
    def ok(self) -> bool:
        """``True`` when the search succeeded (possibly with no offers)."""
        return self.error is None

    def __str__(self) -> str:
        if self.error is None:
            found = f"{self.provider}: {self.offers} offer{'' if self.offers == 1 else 's'} in {self.elapsed:.2f} s"
            found += f" ({self.needs_documents} need documents)" if self.needs_documents else ""
            return found + "".join(f"; note: {note}" for note in self.notes)
        return f"{self.provider}: failed after {self.elapsed:.2f} s: {self.error}"


class Comparison(Sequence[AvailableNumber]):
    """Offers from several providers, cheapest first, with a :class:`ProviderReport` per provider.

    A read-only sequence: iterate it, index it, take ``len()``. Offers are ordered by their cost
    over :attr:`months` (setup plus ``months`` × monthly), ties broken by the per-minute price,
    then by the providers' order; offers whose price is unknown come last.
    """

    __slots__ = ("_by_provider", "_offers", "months", "report")

    def __init__(
        self,
        offers: Iterable[AvailableNumber],
        report: Iterable[ProviderReport],
        *,
        months: int,
        by_provider: Iterable[Iterable[AvailableNumber]] | None = None,
    ) -> None:
        self._offers: tuple[AvailableNumber, ...] = tuple(offers)
        self.report: tuple[ProviderReport, ...] = tuple(report)
        """One entry per provider, in the order the providers were given."""
        self.months = months
        """The number of months prices were compared over."""
        self._by_provider: tuple[tuple[AvailableNumber, ...], ...] = (
            tuple(tuple(found) for found in by_provider) if by_provider is not None else self._grouped()
        )

    def _grouped(self) -> tuple[tuple[AvailableNumber, ...], ...]:
        """The offers per report entry, by provider name (for a comparison built by hand)."""
        names = [r.provider for r in self.report]
        groups: list[list[AvailableNumber]] = [[] for _ in names]
        extra: dict[str, list[AvailableNumber]] = {}
        for offer in self._offers:
            if offer.provider in names:
                groups[names.index(offer.provider)].append(offer)
            else:
                extra.setdefault(offer.provider, []).append(offer)
        return tuple(tuple(group) for group in [*groups, *extra.values()])

    def plan(
        self,
        *,
        max_monthly: PriceCap | None = None,
        max_setup: PriceCap | None = None,
        require_no_documents: bool = False,
        strategy: Strategy = "cheapest",
    ) -> list[AvailableNumber]:
        """The offers :func:`~didkit.procure` would try with these limits, in the order it would
        try them (over :attr:`months`): the one ranking procure itself uses, so a preview never
        disagrees with the purchase (on the same offers). Offers outside the limits are left out.

        Raises:
            InvalidInputError: a bad cap or strategy.
        """
        ranking = rank(
            self._by_provider,
            self.months,
            check_strategy(strategy),
            max_monthly=check_cap(max_monthly, "max_monthly"),
            max_setup=check_cap(max_setup, "max_setup"),
            require_no_documents=_check_flag(require_no_documents, "require_no_documents"),
        )
        return [offer for _, offer in ranking.ranked]

    @overload
    def __getitem__(self, index: int) -> AvailableNumber: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[AvailableNumber, ...]: ...

    def __getitem__(self, index: int | slice) -> AvailableNumber | tuple[AvailableNumber, ...]:
        return self._offers[index]

    def __len__(self) -> int:
        return len(self._offers)

    def __iter__(self) -> Iterator[AvailableNumber]:
        return iter(self._offers)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Comparison):
            return self._offers == other._offers and self.report == other.report
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    @property
    def offers(self) -> tuple[AvailableNumber, ...]:
        """The offers, cheapest first (the same as iterating the comparison)."""
        return self._offers

    @property
    def cheapest(self) -> AvailableNumber | None:
        """The first offer, or ``None`` when no provider had any."""
        return self._offers[0] if self._offers else None

    @property
    def errors(self) -> dict[str, DidkitError]:
        """The providers that failed, by name, with their errors."""
        return {r.provider: r.error for r in self.report if r.error is not None}

    def __repr__(self) -> str:
        providers = ", ".join(
            f"{r.provider}={r.offers}" if r.error is None else f"{r.provider}=error" for r in self.report
        )
        found = len(self._offers)
        return f"<Comparison {found} offer{'' if found == 1 else 's'} over {self.months} months ({providers})>"


@attrs.frozen
class ProcurementAttempt:
    """One offer :func:`~didkit.procure` tried (or skipped).

    Attributes:
        provider: the provider's name.
        offer: the offer.
        outcome: ``"purchased"`` (this attempt bought the number), ``"failed"`` (nothing was
            bought; the broker moved on), ``"skipped"`` (not tried, because an earlier error
            ruled its provider out: ``error`` is that error) or ``"ambiguous"`` (the outcome is
            unknown; the broker stopped).
        error: the error, or ``None`` for a purchase.
        elapsed: seconds the attempt took (0 for a skipped offer).
    """

    provider: str
    offer: AvailableNumber
    outcome: AttemptOutcome
    error: DidkitError | None = attrs.field(default=None, eq=False)
    elapsed: float = 0.0

    def __str__(self) -> str:
        what = self.offer.number or "any number"
        text = f"{self.provider} {what}: {self.outcome}"
        return f"{text} ({self.error})" if self.error is not None else text


def _orders(value: Iterable[Order]) -> tuple[Order, ...]:
    return tuple(value)


def _registrations(value: Iterable[Registration]) -> tuple[Registration, ...]:
    return tuple(value)


def _registration_errors(value: Mapping[str, DidkitError]) -> Mapping[str, DidkitError]:
    return MappingProxyType(dict(value))


@attrs.frozen
class Procurement:
    """The result of :func:`~didkit.procure`: the orders that bought the numbers and every attempt.

    ``order`` is the first order; ``orders`` every one (several when ``count`` > 1 was filled
    from several offers or carriers), ``numbers`` every number they delivered. An order's status
    may be :attr:`~didkit.OrderStatus.PENDING` when the carrier completes orders asynchronously
    and ``wait`` ran out: its numbers *are* bought (the broker never buys again for them); poll
    ``provider.get_order(order.id)`` for them.

    With ``procure(..., end_user=profile)``, ``registrations`` holds the end-user registration
    submitted for each order whose numbers need one, and ``registration_errors`` why a
    registration failed, by order id: the purchase stands either way (see :attr:`registered`).
    """

    order: Order
    attempts: tuple[ProcurementAttempt, ...]
    reference: str
    report: tuple[ProviderReport, ...] = ()
    orders: tuple[Order, ...] = attrs.field(default=(), converter=_orders)
    count: int = 1
    """How many numbers were asked for."""
    registrations: tuple[Registration, ...] = attrs.field(default=(), converter=_registrations)
    """The registrations submitted right after the purchases (``end_user=``), one per order that
    needed one, in the orders' order. Poll each with ``provider.get_registration(id)``; one
    recorded by an earlier call with this reference comes back as the ledger kept it (no
    ``raw``)."""
    registration_errors: Mapping[str, DidkitError] = attrs.field(factory=dict, converter=_registration_errors, eq=False)
    """Why registering an order's numbers failed, by order id: the order *is* bought. Register
    it again yourself (``provider.register(order, end_user)`` or ``didkit register NUMBER
    --profile …``); procure with this reference does not."""

    def __attrs_post_init__(self) -> None:
        if not self.orders:
            object.__setattr__(self, "orders", (self.order,))

    @property
    def registered(self) -> bool:
        """``False`` when a registration procure set out to submit failed (``registration_errors``)."""
        return not self.registration_errors

    @property
    def numbers(self) -> tuple[DID, ...]:
        """Every number the orders delivered so far (a pending order's arrive later)."""
        return tuple(did for order in self.orders for did in order.numbers)

    @property
    def bought(self) -> int:
        """How many numbers the orders account for (a pending order: all it asked for)."""
        return sum(numbers_of(order) for order in self.orders)

    @property
    def provider(self) -> str:
        """The name of the provider the number was bought from."""
        return self.order.provider

    @property
    def offer(self) -> AvailableNumber | None:
        """The offer that was bought."""
        for attempt in reversed(self.attempts):
            if attempt.outcome == "purchased":
                return attempt.offer
        return None

    @property
    def pending(self) -> bool:
        """``True`` when an order was still being completed by the carrier when procure returned."""
        return any(order.status is OrderStatus.PENDING for order in self.orders)


class EventLoopRunningError(DidkitError, RuntimeError):
    """A blocking broker function (:func:`~didkit.compare`, :func:`~didkit.procure`) was called
    from inside a running event loop; await its ``_async`` twin instead."""


class ComparisonFailedError(DidkitError):
    """No provider answered :func:`~didkit.compare`: every one failed (or could not be connected).

    The message names each provider and its failure; ``report`` holds every
    :class:`ProviderReport` (each with its ``error``), ``errors`` the errors by provider.
    When at least one provider answers, :func:`~didkit.compare` returns and logs each failure at
    ``WARNING`` on the ``didkit.broker`` logger instead.
    """

    def __init__(self, report: Iterable[ProviderReport]) -> None:
        self.report: tuple[ProviderReport, ...] = tuple(report)
        failures = "; ".join(_failure(r) for r in self.report if r.error is not None)
        super().__init__(f"no provider answered: {failures}")

    @property
    def errors(self) -> dict[str, DidkitError]:
        """Each provider's error, by name."""
        return {r.provider: r.error for r in self.report if r.error is not None}


def _check_flag(value: bool, name: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInputError(f"{name} must be True or False, got {value!r}")
    return value


def _failure(report: ProviderReport) -> str:
    """``provider: what went wrong`` (a provider error already starts with its provider)."""
    text = " ".join(str(report.error).split()) or type(report.error).__name__
    return text if text.startswith(f"{report.provider}:") else f"{report.provider}: {text}"


class _ProcurementErrorMixin:
    attempts: tuple[ProcurementAttempt, ...]
    report: tuple[ProviderReport, ...]
    procurement: Procurement | None
    """What was bought before the error (``count`` > 1 filled in part), or ``None``: keep or
    release those numbers."""

    def _set_trail(
        self,
        attempts: Iterable[ProcurementAttempt],
        report: Iterable[ProviderReport],
        procurement: Procurement | None = None,
    ) -> None:
        self.attempts = tuple(attempts)
        self.report = tuple(report)
        self.procurement = procurement

    def __str__(self) -> str:
        # The message already says what failed and how, in words: no provider prefix or status
        # appended a second time.
        return str(getattr(self, "message", ""))


class ProcurementFailedError(_ProcurementErrorMixin, NumberUnavailableError):
    """:func:`~didkit.procure` bought nothing, and knows it: no offer fitted the limits, or every
    offer tried failed with an error that leaves nothing bought.

    A :class:`~didkit.NumberUnavailableError`; ``attempts`` lists what was tried, ``report`` how
    each provider's search went, and ``__cause__`` is the last attempt's error.
    """

    def __init__(
        self,
        message: str,
        *,
        attempts: Iterable[ProcurementAttempt] = (),
        report: Iterable[ProviderReport] = (),
        provider: str = "broker",
        procurement: Procurement | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, provider=provider, **kwargs)
        self._set_trail(attempts, report, procurement)


class ProcurementIncompleteError(ProcurementFailedError):
    """:func:`~didkit.procure` with ``count`` > 1 bought some of the numbers and no further offer
    could supply the rest. ``procurement`` holds what was bought (never more than ``count``):
    keep or release those numbers. The same reference again continues the fill."""


class AmbiguousProcurementError(_ProcurementErrorMixin, AmbiguousPurchaseError):
    """A purchase attempt's outcome is unknown, so :func:`~didkit.procure` stopped without trying
    another offer (it never risks a second purchase).

    An :class:`~didkit.AmbiguousPurchaseError`: ``provider`` is the provider it happened with,
    ``offer`` the offer, ``reference`` the idempotency key, ``attempts`` every attempt and
    ``__cause__`` the provider's error. Check the account with that provider before buying again.
    """

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        offer: AvailableNumber | None,
        reference: str,
        attempts: Iterable[ProcurementAttempt] = (),
        report: Iterable[ProviderReport] = (),
        procurement: Procurement | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, provider=provider, reference=reference, **kwargs)
        self.offer = offer
        self._set_trail(attempts, report, procurement)
