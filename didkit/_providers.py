"""The generic providers: :class:`SyncProvider` and :class:`AsyncProvider` (public through
:mod:`didkit.adapter`). Their operation methods are generated from
:class:`~didkit.NumberProvider` by ``tools/surface.py``; each runs the plan
:class:`~didkit._provider_core._ProviderCore` makes."""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Iterator, Mapping, Sequence
from types import EllipsisType, TracebackType
from typing import Any, ClassVar, TypeVar

import httpx

from ._provider_core import Call, Listing, _ProviderCore
from .engine import (
    AsyncRunner,
    SyncRunner,
)
from .model import (
    DID,
    AvailableNumber,
    Capability,
    City,
    Country,
    Destination,
    Hold,
    MessagingRoute,
    NumberStatus,
    Order,
    Region,
    SearchQuery,
)
from .protocol import DEFAULT_WAIT
from .regulatory import EndUser, Registration, Requirements

T = TypeVar("T")


class SyncProvider(_ProviderCore):
    """A :class:`~didkit.NumberProvider` over a spec: subclass it and set ``spec``.

    Options: ``api_key`` (else the spec's environment variable), ``base_url``, ``sandbox``,
    ``timeout``, ``environment``, ``retry``, ``rate_limit`` (``(requests, seconds)`` or
    ``False``), ``client``/``transport`` (inject ``httpx``), ``clock``/``sleep`` (tests),
    plus adapter options.
    """

    async_class: ClassVar[type[AsyncProvider] | None] = None
    """The async twin :func:`didkit.connect_async` builds for this provider's name."""

    def __init__(
        self,
        *,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if transport is None and client is None and self.emulator is not None:
            transport = self.emulator.transport()
        self._runner = SyncRunner(self._config, client=client, transport=transport)

    def close(self) -> None:
        """Close the HTTP client (if this provider created it)."""
        self._runner.close()

    def __enter__(self) -> SyncProvider:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _call(self, call: Call[T]) -> T:
        return self._runner.run(call.operation, deadline=call.deadline)

    def _list(self, listing: Listing[T]) -> Iterator[T]:
        items: Iterator[T] = self._runner.iterate(listing.stream)
        return items if listing.limit is None else itertools.islice(items, listing.limit)

    # [[[cog import surface; surface.shells(asynchronous=False)]]]
    def list_countries(self) -> list[Country]:
        """Countries with inventory; ``Country.code`` is ISO 3166-1 alpha-2."""
        return self._call(self._plan_list_countries())

    def list_regions(self, country: str) -> list[Region]:
        """Regions (states, provinces) of ``country`` (ISO code); empty where the carrier has none."""
        return self._call(self._plan_list_regions(country))

    def list_cities(self, country: str, region: str | None = None) -> list[City]:
        """Cities of ``country``, optionally within ``region`` (its id or name)."""
        return self._call(self._plan_list_cities(country, region))

    def search_numbers(self, query: SearchQuery) -> Iterator[AvailableNumber]:
        """Inventory offers matching ``query``, fetched lazily, at most ``query.limit``."""
        return self._list(self._plan_search_numbers(query))

    def purchase(
        self,
        offer: AvailableNumber | Hold,
        *,
        quantity: int = 1,
        reference: str | None = None,
        wait: float = DEFAULT_WAIT,
    ) -> Order:
        """Buy ``offer``, or the number a :class:`~didkit.Hold` holds. ``quantity`` > 1 buys that
        many numbers of an "any number from this group" offer in one order (a specific-number
        offer or a hold with ``quantity`` > 1 is an :class:`~didkit.InvalidInputError`; a carrier
        that cannot raises :class:`~didkit.UnsupportedOperationError`; both before any request).
        The order may end :attr:`~didkit.OrderStatus.PARTIAL`: ``len(order.numbers)`` of
        ``order.requested`` arrived. ``reference`` is the caller's idempotency key; ``wait``
        bounds the whole call — every request, retry, backoff, poll and reconciliation look draws
        from it (never less than one request's timeout, so ``wait=0`` still sends the order and
        returns it pending). When it runs out with the outcome unknown:
        :class:`~didkit.AmbiguousPurchaseError`. Never retried automatically, except after a 429
        (nothing was processed)."""
        return self._call(self._plan_purchase(offer, quantity=quantity, reference=reference, wait=wait))

    def hold(self, offer: AvailableNumber, *, ttl: float | None = None) -> Hold:
        """Hold the specific number of ``offer`` so nobody else buys it first, until
        ``Hold.expires_at`` (the carrier's truth: ``ttl`` seconds where the carrier takes one).
        :class:`~didkit.UnsupportedOperationError` before any request where
        ``capabilities.reservations`` is false; :class:`~didkit.InvalidInputError` for an
        "any number" offer."""
        return self._call(self._plan_hold(offer, ttl=ttl))

    def release_hold(self, hold: Hold) -> None:
        """Give a hold up (the number goes back to the carrier's stock)."""
        return self._call(self._plan_release_hold(hold))

    def list_holds(self) -> Iterator[Hold]:
        """The holds the account has now (:class:`~didkit.UnsupportedOperationError` before any
        request where ``capabilities.reservations`` is false)."""
        return self._list(self._plan_list_holds())

    def purchase_offers(
        self,
        offers: Sequence[AvailableNumber],
        *,
        reference: str | None = None,
        wait: float = DEFAULT_WAIT,
    ) -> Order:
        """Buy several specific offers in one request (``capabilities.multi_number_checkout``;
        Wavix: one cart checkout): one order with the numbers bought. One offer is a plain
        purchase; several where the carrier cannot is an :class:`~didkit.UnsupportedOperationError`
        before any request. ``reference`` and ``wait`` as for :meth:`purchase`; never retried
        automatically."""
        return self._call(self._plan_purchase_offers(offers, reference=reference, wait=wait))

    def get_order(self, order_id: str) -> Order:
        """An order by the carrier's id, with its numbers once completed."""
        return self._call(self._plan_get_order(order_id))

    def list_numbers(
        self,
        *,
        country: str | None = None,
        number_contains: str | int | None = None,
        label: str | None = None,
        status: NumberStatus | str | Iterable[NumberStatus | str] | None = None,
        capability: Capability | str | Iterable[Capability | str] | None = None,
        carrier_filters: Mapping[str, Any] | None = None,
        **legacy: Any,
    ) -> Iterator[DID]:
        """Every owned number, pages fetched lazily, with only those that match every filter given.

        The keyword filters mean the same on every carrier (each is applied server-side where the
        carrier can, client-side otherwise): ``country`` (ISO code), ``number_contains`` (digits
        of the E.164 number, country code included), ``label`` (equal), ``status`` (one or
        several :class:`~didkit.NumberStatus`: any of them), ``capability`` (one or several
        :class:`~didkit.Capability`: all of them). ``carrier_filters`` are the carrier's own,
        checked against its names before any request (:class:`~didkit.InvalidInputError`
        naming the known ones)."""
        return self._list(
            self._plan_list_numbers(
                country=country,
                number_contains=number_contains,
                label=label,
                status=status,
                capability=capability,
                carrier_filters=carrier_filters,
                **legacy,
            )
        )

    def get_number(self, ref: DID | str) -> DID:
        """An owned number by the carrier's id or by E.164 number (with ``+``)."""
        return self._call(self._plan_get_number(ref))

    def update_number(
        self,
        did: DID | str,
        *,
        label: str | EllipsisType | None = ...,
        auto_renew: bool | EllipsisType = ...,
        carrier_fields: Mapping[str, Any] | None = None,
        **legacy: Any,
    ) -> DID:
        """Change only what is given: ``label`` (``None`` clears it; ``capabilities.labels``),
        ``auto_renew`` (``capabilities.auto_renew``), the carrier's own ``carrier_fields``. A
        neutral field the carrier lacks is an :class:`~didkit.UnsupportedOperationError`, an
        unknown carrier field an :class:`~didkit.InvalidInputError`, both before any request.
        Carrier fields passed as keywords still work, deprecated; ``sms_webhook_url=`` is
        deprecated too: it calls :meth:`set_messaging`."""
        return self._call(
            self._plan_update_number(did, label=label, auto_renew=auto_renew, carrier_fields=carrier_fields, **legacy)
        )

    def set_destinations(self, did: DID | str, destinations: Sequence[Destination]) -> DID:
        """Route inbound calls to ``destinations`` in priority order (first = priority 1),
        replacing what was there."""
        return self._call(self._plan_set_destinations(did, destinations))

    def set_messaging(self, did: DID | str, routes: Sequence[MessagingRoute]) -> DID:
        """Route inbound SMS to ``routes`` (``[MessagingRoute.webhook(url)]``), in priority order
        (first = priority 1; several fail over in order where ``capabilities.multiple_messaging_routes``,
        else :class:`~didkit.UnsupportedOperationError` before any request), replacing what was
        there; ``[]`` clears. Read back in ``DID.messaging``."""
        return self._call(self._plan_set_messaging(did, routes))

    def release_number(self, did: DID | str) -> None:
        """Give the number back (or stop its renewal, where that is the carrier's way)."""
        return self._call(self._plan_release_number(did))

    def requirements(self, offer: AvailableNumber) -> Requirements:
        """What the carrier needs from the end user before ``offer``'s number works (before
        buying it). ``offer.requires_documents`` is the quick flag; this asks the carrier."""
        return self._call(self._plan_requirements(offer))

    def register(self, ref_or_order: DID | Order | str, end_user: EndUser) -> Registration:
        """Submit ``end_user``'s identity, address and documents for a number (a DID, its id
        or E.164 number) or for every number of an order. A profile that cannot satisfy the
        carrier is an :class:`~didkit.InvalidInputError` before anything is sent."""
        return self._call(self._plan_register(ref_or_order, end_user))

    def get_registration(self, registration_id: str) -> Registration:
        """A registration's current verdict (poll it until it leaves ``PENDING``)."""
        return self._call(self._plan_get_registration(registration_id))

    # [[[end]]]


class AsyncProvider(_ProviderCore):
    """An :class:`~didkit.AsyncNumberProvider` over a spec: subclass it and set ``spec``."""

    def __init__(
        self,
        *,
        client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if transport is None and client is None and self.emulator is not None:
            transport = self.emulator.transport()
        self._runner = AsyncRunner(self._config, client=client, transport=transport)

    async def aclose(self) -> None:
        """Close the HTTP client (if this provider created it)."""
        await self._runner.aclose()

    async def __aenter__(self) -> AsyncProvider:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def _call(self, call: Call[T]) -> T:
        return await self._runner.run(call.operation, deadline=call.deadline)

    def _list(self, listing: Listing[T]) -> AsyncIterator[T]:
        items: AsyncGenerator[T, None] = self._runner.iterate(listing.stream)
        return items if listing.limit is None else _take(items, listing.limit)

    # [[[cog import surface; surface.shells(asynchronous=True)]]]
    async def list_countries(self) -> list[Country]:
        """Countries with inventory; ``Country.code`` is ISO 3166-1 alpha-2."""
        return await self._call(self._plan_list_countries())

    async def list_regions(self, country: str) -> list[Region]:
        """Regions (states, provinces) of ``country`` (ISO code); empty where the carrier has none."""
        return await self._call(self._plan_list_regions(country))

    async def list_cities(self, country: str, region: str | None = None) -> list[City]:
        """Cities of ``country``, optionally within ``region`` (its id or name)."""
        return await self._call(self._plan_list_cities(country, region))

    def search_numbers(self, query: SearchQuery) -> AsyncIterator[AvailableNumber]:
        """Inventory offers matching ``query``, fetched lazily, at most ``query.limit``."""
        return self._list(self._plan_search_numbers(query))

    async def purchase(
        self,
        offer: AvailableNumber | Hold,
        *,
        quantity: int = 1,
        reference: str | None = None,
        wait: float = DEFAULT_WAIT,
    ) -> Order:
        """Buy ``offer``, or the number a :class:`~didkit.Hold` holds. ``quantity`` > 1 buys that
        many numbers of an "any number from this group" offer in one order (a specific-number
        offer or a hold with ``quantity`` > 1 is an :class:`~didkit.InvalidInputError`; a carrier
        that cannot raises :class:`~didkit.UnsupportedOperationError`; both before any request).
        The order may end :attr:`~didkit.OrderStatus.PARTIAL`: ``len(order.numbers)`` of
        ``order.requested`` arrived. ``reference`` is the caller's idempotency key; ``wait``
        bounds the whole call — every request, retry, backoff, poll and reconciliation look draws
        from it (never less than one request's timeout, so ``wait=0`` still sends the order and
        returns it pending). When it runs out with the outcome unknown:
        :class:`~didkit.AmbiguousPurchaseError`. Never retried automatically, except after a 429
        (nothing was processed)."""
        return await self._call(self._plan_purchase(offer, quantity=quantity, reference=reference, wait=wait))

    async def hold(self, offer: AvailableNumber, *, ttl: float | None = None) -> Hold:
        """Hold the specific number of ``offer`` so nobody else buys it first, until
        ``Hold.expires_at`` (the carrier's truth: ``ttl`` seconds where the carrier takes one).
        :class:`~didkit.UnsupportedOperationError` before any request where
        ``capabilities.reservations`` is false; :class:`~didkit.InvalidInputError` for an
        "any number" offer."""
        return await self._call(self._plan_hold(offer, ttl=ttl))

    async def release_hold(self, hold: Hold) -> None:
        """Give a hold up (the number goes back to the carrier's stock)."""
        return await self._call(self._plan_release_hold(hold))

    def list_holds(self) -> AsyncIterator[Hold]:
        """The holds the account has now (:class:`~didkit.UnsupportedOperationError` before any
        request where ``capabilities.reservations`` is false)."""
        return self._list(self._plan_list_holds())

    async def purchase_offers(
        self,
        offers: Sequence[AvailableNumber],
        *,
        reference: str | None = None,
        wait: float = DEFAULT_WAIT,
    ) -> Order:
        """Buy several specific offers in one request (``capabilities.multi_number_checkout``;
        Wavix: one cart checkout): one order with the numbers bought. One offer is a plain
        purchase; several where the carrier cannot is an :class:`~didkit.UnsupportedOperationError`
        before any request. ``reference`` and ``wait`` as for :meth:`purchase`; never retried
        automatically."""
        return await self._call(self._plan_purchase_offers(offers, reference=reference, wait=wait))

    async def get_order(self, order_id: str) -> Order:
        """An order by the carrier's id, with its numbers once completed."""
        return await self._call(self._plan_get_order(order_id))

    def list_numbers(
        self,
        *,
        country: str | None = None,
        number_contains: str | int | None = None,
        label: str | None = None,
        status: NumberStatus | str | Iterable[NumberStatus | str] | None = None,
        capability: Capability | str | Iterable[Capability | str] | None = None,
        carrier_filters: Mapping[str, Any] | None = None,
        **legacy: Any,
    ) -> AsyncIterator[DID]:
        """Every owned number, pages fetched lazily, with only those that match every filter given.

        The keyword filters mean the same on every carrier (each is applied server-side where the
        carrier can, client-side otherwise): ``country`` (ISO code), ``number_contains`` (digits
        of the E.164 number, country code included), ``label`` (equal), ``status`` (one or
        several :class:`~didkit.NumberStatus`: any of them), ``capability`` (one or several
        :class:`~didkit.Capability`: all of them). ``carrier_filters`` are the carrier's own,
        checked against its names before any request (:class:`~didkit.InvalidInputError`
        naming the known ones)."""
        return self._list(
            self._plan_list_numbers(
                country=country,
                number_contains=number_contains,
                label=label,
                status=status,
                capability=capability,
                carrier_filters=carrier_filters,
                **legacy,
            )
        )

    async def get_number(self, ref: DID | str) -> DID:
        """An owned number by the carrier's id or by E.164 number (with ``+``)."""
        return await self._call(self._plan_get_number(ref))

    async def update_number(
        self,
        did: DID | str,
        *,
        label: str | EllipsisType | None = ...,
        auto_renew: bool | EllipsisType = ...,
        carrier_fields: Mapping[str, Any] | None = None,
        **legacy: Any,
    ) -> DID:
        """Change only what is given: ``label`` (``None`` clears it; ``capabilities.labels``),
        ``auto_renew`` (``capabilities.auto_renew``), the carrier's own ``carrier_fields``. A
        neutral field the carrier lacks is an :class:`~didkit.UnsupportedOperationError`, an
        unknown carrier field an :class:`~didkit.InvalidInputError`, both before any request.
        Carrier fields passed as keywords still work, deprecated; ``sms_webhook_url=`` is
        deprecated too: it calls :meth:`set_messaging`."""
        return await self._call(
            self._plan_update_number(did, label=label, auto_renew=auto_renew, carrier_fields=carrier_fields, **legacy)
        )

    async def set_destinations(self, did: DID | str, destinations: Sequence[Destination]) -> DID:
        """Route inbound calls to ``destinations`` in priority order (first = priority 1),
        replacing what was there."""
        return await self._call(self._plan_set_destinations(did, destinations))

    async def set_messaging(self, did: DID | str, routes: Sequence[MessagingRoute]) -> DID:
        """Route inbound SMS to ``routes`` (``[MessagingRoute.webhook(url)]``), in priority order
        (first = priority 1; several fail over in order where ``capabilities.multiple_messaging_routes``,
        else :class:`~didkit.UnsupportedOperationError` before any request), replacing what was
        there; ``[]`` clears. Read back in ``DID.messaging``."""
        return await self._call(self._plan_set_messaging(did, routes))

    async def release_number(self, did: DID | str) -> None:
        """Give the number back (or stop its renewal, where that is the carrier's way)."""
        return await self._call(self._plan_release_number(did))

    async def requirements(self, offer: AvailableNumber) -> Requirements:
        """What the carrier needs from the end user before ``offer``'s number works (before
        buying it). ``offer.requires_documents`` is the quick flag; this asks the carrier."""
        return await self._call(self._plan_requirements(offer))

    async def register(self, ref_or_order: DID | Order | str, end_user: EndUser) -> Registration:
        """Submit ``end_user``'s identity, address and documents for a number (a DID, its id
        or E.164 number) or for every number of an order. A profile that cannot satisfy the
        carrier is an :class:`~didkit.InvalidInputError` before anything is sent."""
        return await self._call(self._plan_register(ref_or_order, end_user))

    async def get_registration(self, registration_id: str) -> Registration:
        """A registration's current verdict (poll it until it leaves ``PENDING``)."""
        return await self._call(self._plan_get_registration(registration_id))

    # [[[end]]]


async def _take(items: AsyncGenerator[T, None], limit: int) -> AsyncIterator[T]:
    """At most ``limit`` items, without asking for one more (that could cost a page request)."""
    count = 0
    try:
        while count < limit:
            try:
                item = await items.__anext__()
            except StopAsyncIteration:
                return
            count += 1
            yield item
    finally:
        await items.aclose()
