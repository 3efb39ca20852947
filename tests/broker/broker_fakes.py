"""Fake providers for the broker tests: plain classes satisfying the provider protocols, with
scripted search results, delays and purchase outcomes. No HTTP, no adapter."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any

from didkit import (
    DID,
    AvailableNumber,
    City,
    Country,
    Destination,
    Money,
    NotFoundError,
    Order,
    OrderStatus,
    ProviderCapabilities,
    Region,
    SearchQuery,
)

_ids = itertools.count(1)


def offer(
    provider: str,
    number: str | None,
    monthly: str | None = "1.00",
    setup: str | None = "0",
    *,
    per_minute: str | None = None,
    documents: bool = False,
    currency: str = "USD",
) -> AvailableNumber:
    """An offer priced in ``currency``."""
    return AvailableNumber(
        provider=provider,
        number=number,
        country="US",
        setup_price=Money(setup, currency) if setup is not None else None,
        monthly_price=Money(monthly, currency) if monthly is not None else None,
        per_minute_price=Money(per_minute, currency) if per_minute is not None else None,
        requires_documents=documents,
    )


Outcome = BaseException | Order | Callable[[AvailableNumber, str | None], Any] | None


class Overlap:
    """Counts how many searches run at once (across threads and tasks)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.peak = 0

    def enter(self) -> None:
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)

    def leave(self) -> None:
        with self.lock:
            self.now -= 1


class _FakeBase:
    def __init__(
        self,
        name: str,
        offers: Sequence[AvailableNumber] = (),
        *,
        outcomes: dict[str | None, Outcome | list[Outcome]] | None = None,
        search_error: BaseException | None = None,
        delay: float = 0.0,
        gate: Any = None,
        overlap: Overlap | None = None,
        carrier_side_reference: bool = False,
        order_status: OrderStatus = OrderStatus.COMPLETED,
    ) -> None:
        self._name = name
        self.offers = list(offers)
        self.outcomes = dict(outcomes or {})
        self.search_error = search_error
        self.delay = delay
        self.gate = gate
        self.overlap = overlap
        self._capabilities = ProviderCapabilities(carrier_side_reference=carrier_side_reference)
        self.order_status = order_status
        self.searches: list[SearchQuery] = []
        self.purchases: list[tuple[AvailableNumber, str | None, float]] = []
        self.bought: list[AvailableNumber] = []
        self.orders_by_reference: dict[str, Order] = {}
        self.owned: dict[str, DID] = {}
        self.lookups: list[str] = []
        self.lookup_error: BaseException | None = None
        self.closed = False

    @property
    def name(self) -> str:
        return self._name

    @property
    def capabilities(self) -> ProviderCapabilities:
        return self._capabilities

    def _buy(self, offer: AvailableNumber, reference: str | None, wait: float) -> Order:
        self.purchases.append((offer, reference, wait))
        if self._capabilities.carrier_side_reference and reference in self.orders_by_reference:
            return self.orders_by_reference[reference]
        scripted = self.outcomes.get(offer.number)
        outcome = (scripted.pop(0) if scripted else None) if isinstance(scripted, list) else scripted
        if callable(outcome) and not isinstance(outcome, BaseException):
            outcome = outcome(offer, reference)
        if isinstance(outcome, BaseException):
            raise outcome
        if isinstance(outcome, Order):
            return outcome
        return self.book(offer, reference)

    def book(self, offer: AvailableNumber, reference: str | None) -> Order:
        """Record a purchase (as the carrier would) and return its order."""
        self.bought.append(offer)
        did = DID(id=str(next(_ids)), provider=self.name, number=offer.number or "+12125550100")
        self.owned[did.number] = did
        order = Order(
            id=f"{self.name}-order-{len(self.bought)}",
            provider=self.name,
            status=self.order_status,
            reference=reference,
            numbers=(did,) if self.order_status is OrderStatus.COMPLETED else (),
        )
        if reference is not None:
            self.orders_by_reference[reference] = order
        return order

    def _owned(self, ref: DID | str) -> DID:
        """The broker settles an unknown outcome by looking the number up among owned ones."""
        number = ref.number if isinstance(ref, DID) else ref
        self.lookups.append(number)
        if self.lookup_error is not None:
            raise self.lookup_error
        if number not in self.owned:
            raise NotFoundError(f"{number} is not owned", provider=self.name, status_code=404)
        return self.owned[number]

    def _not_needed(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError


class FakeProvider(_FakeBase):
    """A sync NumberProvider."""

    def list_countries(self) -> list[Country]:
        return []

    def list_regions(self, country: str) -> list[Region]:
        return []

    def list_cities(self, country: str, region: str | None = None) -> list[City]:
        return []

    def search_numbers(self, query: SearchQuery) -> Iterator[AvailableNumber]:
        self.searches.append(query)
        if self.overlap:
            self.overlap.enter()
        try:
            if self.delay:
                time.sleep(self.delay)
            if self.gate is not None:
                self.gate.wait(5)
            if self.search_error is not None:
                raise self.search_error
            found = list(self.offers)
        finally:
            if self.overlap:
                self.overlap.leave()
        return iter(found)

    def purchase(self, offer: AvailableNumber, *, reference: str | None = None, wait: float = 60.0) -> Order:
        return self._buy(offer, reference, wait)

    def get_order(self, order_id: str) -> Order:
        raise NotImplementedError

    def list_numbers(self, **filters: Any) -> Iterator[DID]:
        return iter(())

    def get_number(self, ref: DID | str) -> DID:
        return self._owned(ref)

    def update_number(self, did: DID | str, **changes: Any) -> DID:
        raise NotImplementedError

    def set_destinations(self, did: DID | str, destinations: Sequence[Destination]) -> DID:
        raise NotImplementedError

    def release_number(self, did: DID | str) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.closed = True


class AsyncFakeProvider(_FakeBase):
    """An AsyncNumberProvider."""

    async def list_countries(self) -> list[Country]:
        return []

    async def list_regions(self, country: str) -> list[Region]:
        return []

    async def list_cities(self, country: str, region: str | None = None) -> list[City]:
        return []

    async def search_numbers(self, query: SearchQuery) -> AsyncIterator[AvailableNumber]:
        self.searches.append(query)
        if self.overlap:
            self.overlap.enter()
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.gate is not None:
                await self.gate.wait()
            if self.search_error is not None:
                raise self.search_error
        finally:
            if self.overlap:
                self.overlap.leave()
        for item in list(self.offers):
            yield item

    async def purchase(self, offer: AvailableNumber, *, reference: str | None = None, wait: float = 60.0) -> Order:
        await asyncio.sleep(0)
        return self._buy(offer, reference, wait)

    async def get_order(self, order_id: str) -> Order:
        raise NotImplementedError

    async def list_numbers(self, **filters: Any) -> AsyncIterator[DID]:
        for _ in ():
            yield _

    async def get_number(self, ref: DID | str) -> DID:
        return self._owned(ref)

    async def update_number(self, did: DID | str, **changes: Any) -> DID:
        raise NotImplementedError

    async def set_destinations(self, did: DID | str, destinations: Sequence[Destination]) -> DID:
        raise NotImplementedError

    async def release_number(self, did: DID | str) -> None:
        raise NotImplementedError

    async def aclose(self) -> None:
        self.closed = True
