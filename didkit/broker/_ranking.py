"""Ordering offers by price, and the caller's price caps."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal, TypeAlias

import attrs

from ..errors import DidkitError, InvalidInputError
from ..model import AvailableNumber, Money

Strategy = Literal["cheapest", "in_order"]
"""``"cheapest"``: every provider's offers together, cheapest first; ``"in_order"``: the providers'
order, cheapest first within each."""

STRATEGIES: tuple[str, ...] = ("cheapest", "in_order")

PriceCap: TypeAlias = "Money | Decimal | str | int"
"""A price limit: :class:`~didkit.Money` (only offers in its currency can fit), or a bare amount
(compared in each offer's own currency)."""

SortKey = tuple[int, int, Decimal, int, Decimal]


def cost(offer: AvailableNumber, months: int) -> Money | None:
    """Setup plus ``months`` × monthly, or ``None`` when unknown (or priced in two currencies)."""
    try:
        return offer.cost_over(months)
    except DidkitError:
        return None


def currency_ranks(offers: Sequence[AvailableNumber], months: int) -> dict[str, int]:
    """The most common currency ranks first: amounts are only compared within one currency."""
    counts = Counter(c.currency for c in (cost(o, months) for o in offers) if c is not None)
    ordered = sorted(counts, key=lambda currency: (-counts[currency], currency))
    return {currency: rank for rank, currency in enumerate(ordered)}


def sort_key(offer: AvailableNumber, months: int, ranks: dict[str, int]) -> SortKey:
    """Known prices first; then by currency rank, cost over ``months``, per-minute price."""
    total = cost(offer, months)
    per_minute = offer.per_minute_price
    minute_key = (0, per_minute.amount) if per_minute is not None else (1, Decimal(0))
    if total is None:
        return (1, 0, Decimal(0), *minute_key)
    return (0, ranks.get(total.currency, len(ranks)), total.amount, *minute_key)


def check_strategy(strategy: str) -> Strategy:
    """``"cheapest"`` or ``"in_order"``."""
    if strategy not in STRATEGIES:
        raise InvalidInputError(f"strategy must be one of {', '.join(map(repr, STRATEGIES))}, got {strategy!r}")
    return strategy  # type: ignore[return-value]


@attrs.frozen
class Ranking:
    """Offers that fit the caller's limits, in the order they are tried, and what was left out.

    Attributes:
        ranked: ``(provider index, offer)``, best first.
        excluded: how many offers each reason left out (``"monthly over 1.00"``, …).
        found: how many offers there were before the limits.
    """

    ranked: tuple[tuple[int, AvailableNumber], ...]
    excluded: Counter[str]
    found: int


def rank(
    per_provider: Sequence[Sequence[AvailableNumber]],
    months: int,
    strategy: Strategy = "cheapest",
    *,
    max_monthly: Money | Decimal | None = None,
    max_setup: Money | Decimal | None = None,
    require_no_documents: bool = False,
) -> Ranking:
    """The one ordering of offers: what :func:`~didkit.compare` lists, what
    :meth:`~didkit.Comparison.plan` previews and what :func:`~didkit.procure` tries.

    Offers outside the limits are left out first; the rest are ordered by :func:`sort_key`, the
    currencies ranked over those same offers (``"cheapest"``), or by provider first
    (``"in_order"``). Equal offers keep the providers' order and their own.
    """
    excluded: Counter[str] = Counter()
    fitting: list[tuple[int, AvailableNumber]] = []
    for index, offers in enumerate(per_provider):
        for offer in offers:
            reason = exclusion(
                offer, max_monthly=max_monthly, max_setup=max_setup, require_no_documents=require_no_documents
            )
            if reason is None:
                fitting.append((index, offer))
            else:
                excluded[reason] += 1
    ranks = currency_ranks([offer for _, offer in fitting], months)
    if strategy == "in_order":
        ordered = sorted(fitting, key=lambda item: (item[0], sort_key(item[1], months, ranks)))
    else:
        ordered = sorted(fitting, key=lambda item: sort_key(item[1], months, ranks))
    return Ranking(tuple(ordered), excluded, sum(len(offers) for offers in per_provider))


def check_cap(value: PriceCap | None, name: str) -> Money | Decimal | None:
    """Validate a price cap: ``Money``, ``Decimal``, ``int`` or ``str``; never a float."""
    if value is None:
        return None
    if isinstance(value, Money):
        amount: Decimal = value.amount
        result: Money | Decimal = value
    elif isinstance(value, (bool, float)) or not isinstance(value, (Decimal, str, int)):
        raise InvalidInputError(f"{name} must be Money, Decimal, int or str (never float), got {value!r}")
    else:
        amount = Money(value).amount
        result = amount
    if amount < 0:
        raise InvalidInputError(f"{name} must not be negative, got {value!r}")
    return result


def _over(price: Money | None, cap: Money | Decimal, what: str) -> str | None:
    if price is None:
        return f"{what} price unknown"
    if isinstance(cap, Money):
        if price.currency != cap.currency:
            return f"priced in {price.currency}, not {cap.currency}"
        return f"{what} over {cap}" if price.amount > cap.amount else None
    # A bare amount caps each offer in its own currency: say which, as a Money cap would.
    return f"{what} over {Money(cap, price.currency)}" if price.amount > cap else None


def exclusion(
    offer: AvailableNumber,
    *,
    max_monthly: Money | Decimal | None,
    max_setup: Money | Decimal | None,
    require_no_documents: bool,
) -> str | None:
    """Why ``offer`` cannot be bought within the caller's limits, or ``None`` when it fits.

    A cap is a promise: an offer whose capped price is unknown does not fit it.
    """
    if require_no_documents and offer.requires_documents:
        return "needs documents"
    if max_monthly is not None:
        reason = _over(offer.monthly_price, max_monthly, "monthly")
        if reason:
            return reason
    if max_setup is not None:
        reason = _over(offer.setup_price, max_setup, "setup")
        if reason:
            return reason
    return None


def upfront(offer: AvailableNumber) -> Money | None:
    """What buying the offer charges at once (setup plus the first month), when known."""
    return cost(offer, 1)
