"""The provider protocols every adapter satisfies: :class:`NumberProvider` (sync) and
:class:`AsyncNumberProvider` (async; same names, ``async def``, async iterators).

A provider holds an HTTP connection pool: close it when done, with ``close()`` (async:
``await aclose()``) or by using it as a context manager (``with didkit.connect(...) as p:``;
async: ``async with didkit.connect_async(...) as p:``).

:class:`SandboxNumberProvider` and :class:`AsyncSandboxNumberProvider` are what
``connect(name, sandbox=True)`` and ``connect_async(name, sandbox=True)`` return: the same
protocols plus ``emulator``, the stateful fake carrier behind them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from types import EllipsisType, TracebackType
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

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
    ProviderCapabilities,
    Region,
    SearchQuery,
)
from .regulatory import EndUser, Registration, Requirements

if TYPE_CHECKING:
    from .sandbox import Emulator

DEFAULT_WAIT = 60.0
"""Seconds :meth:`NumberProvider.purchase` waits for an asynchronous order to complete."""


@runtime_checkable
class NumberProvider(Protocol):
    """One carrier, synchronously."""

    @property
    def name(self) -> str:
        """The provider's registered name: ``"wavix"``, ``"didww"``."""
        ...

    @property
    def capabilities(self) -> ProviderCapabilities:
        """What this carrier supports."""
        ...

    def list_countries(self) -> list[Country]:
        """Countries with inventory; ``Country.code`` is ISO 3166-1 alpha-2."""
        ...

    def list_regions(self, country: str) -> list[Region]:
        """Regions (states, provinces) of ``country`` (ISO code); empty where the carrier has none."""
        ...

    def list_cities(self, country: str, region: str | None = None) -> list[City]:
        """Cities of ``country``, optionally within ``region`` (its id or name)."""
        ...

    def search_numbers(self, query: SearchQuery) -> Iterator[AvailableNumber]:
        """Inventory offers matching ``query``, fetched lazily, at most ``query.limit``."""
        ...

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
        ...

    def hold(self, offer: AvailableNumber, *, ttl: float | None = None) -> Hold:
        """Hold the specific number of ``offer`` so nobody else buys it first, until
        ``Hold.expires_at`` (the carrier's truth: ``ttl`` seconds where the carrier takes one).
        :class:`~didkit.UnsupportedOperationError` before any request where
        ``capabilities.reservations`` is false; :class:`~didkit.InvalidInputError` for an
        "any number" offer."""
        ...

    def release_hold(self, hold: Hold) -> None:
        """Give a hold up (the number goes back to the carrier's stock)."""
        ...

    def list_holds(self) -> Iterator[Hold]:
        """The holds the account has now (:class:`~didkit.UnsupportedOperationError` before any
        request where ``capabilities.reservations`` is false)."""
        ...

    def purchase_offers(
        self, offers: Sequence[AvailableNumber], *, reference: str | None = None, wait: float = DEFAULT_WAIT
    ) -> Order:
        """Buy several specific offers in one request (``capabilities.multi_number_checkout``;
        Wavix: one cart checkout): one order with the numbers bought. One offer is a plain
        purchase; several where the carrier cannot is an :class:`~didkit.UnsupportedOperationError`
        before any request. ``reference`` and ``wait`` as for :meth:`purchase`; never retried
        automatically."""
        ...

    def get_order(self, order_id: str) -> Order:
        """An order by the carrier's id, with its numbers once completed."""
        ...

    def list_numbers(
        self,
        *,
        country: str | None = None,
        number_contains: str | int | None = None,
        label: str | None = None,
        status: NumberStatus | str | Iterable[NumberStatus | str] | None = None,
        capability: Capability | str | Iterable[Capability | str] | None = None,
        carrier_filters: Mapping[str, Any] | None = None,
    ) -> Iterator[DID]:
        """Every owned number, pages fetched lazily, with only those that match every filter given.

        The keyword filters mean the same on every carrier (each is applied server-side where the
        carrier can, client-side otherwise): ``country`` (ISO code), ``number_contains`` (digits
        of the E.164 number, country code included), ``label`` (equal), ``status`` (one or
        several :class:`~didkit.NumberStatus`: any of them), ``capability`` (one or several
        :class:`~didkit.Capability`: all of them). ``carrier_filters`` are the carrier's own,
        checked against its names before any request (:class:`~didkit.InvalidInputError`
        naming the known ones)."""
        ...

    def get_number(self, ref: DID | str) -> DID:
        """An owned number by the carrier's id or by E.164 number (with ``+``)."""
        ...

    def update_number(
        self,
        did: DID | str,
        *,
        label: str | EllipsisType | None = ...,
        auto_renew: bool | EllipsisType = ...,
        carrier_fields: Mapping[str, Any] | None = None,
    ) -> DID:
        """Change only what is given: ``label`` (``None`` clears it; ``capabilities.labels``),
        ``auto_renew`` (``capabilities.auto_renew``), the carrier's own ``carrier_fields``. A
        neutral field the carrier lacks is an :class:`~didkit.UnsupportedOperationError`, an
        unknown carrier field an :class:`~didkit.InvalidInputError`, both before any request.
        Carrier fields passed as keywords still work, deprecated; ``sms_webhook_url=`` is
        deprecated too: it calls :meth:`set_messaging`."""
        ...

    def set_destinations(self, did: DID | str, destinations: Sequence[Destination]) -> DID:
        """Route inbound calls to ``destinations`` in priority order (first = priority 1),
        replacing what was there."""
        ...

    def set_messaging(self, did: DID | str, routes: Sequence[MessagingRoute]) -> DID:
        """Route inbound SMS to ``routes`` (``[MessagingRoute.webhook(url)]``), in priority order
        (first = priority 1; several fail over in order where ``capabilities.multiple_messaging_routes``,
        else :class:`~didkit.UnsupportedOperationError` before any request), replacing what was
        there; ``[]`` clears. Read back in ``DID.messaging``."""
        ...

    def release_number(self, did: DID | str) -> None:
        """Give the number back (or stop its renewal, where that is the carrier's way)."""
        ...

    def requirements(self, offer: AvailableNumber) -> Requirements:
        """What the carrier needs from the end user before ``offer``'s number works (before
        buying it). ``offer.requires_documents`` is the quick flag; this asks the carrier."""
        ...

    def register(self, ref_or_order: DID | Order | str, end_user: EndUser) -> Registration:
        """Submit ``end_user``'s identity, address and documents for a number (a DID, its id
        or E.164 number) or for every number of an order. A profile that cannot satisfy the
        carrier is an :class:`~didkit.InvalidInputError` before anything is sent."""
        ...

    def get_registration(self, registration_id: str) -> Registration:
        """A registration's current verdict (poll it until it leaves ``PENDING``)."""
        ...

    def close(self) -> None:
        """Release the provider's HTTP connections (only those it opened itself: an injected
        ``httpx.Client`` stays open). The provider must not be used afterwards."""
        ...

    def __enter__(self) -> NumberProvider:
        """``with didkit.connect(...) as provider:`` closes the provider on the way out."""
        ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


@runtime_checkable
class AsyncNumberProvider(Protocol):
    """One carrier, asynchronously: the members of :class:`NumberProvider` as coroutines."""

    @property
    def name(self) -> str: ...

    @property
    def capabilities(self) -> ProviderCapabilities: ...

    # [[[cog import surface; surface.async_protocol()]]]
    async def list_countries(self) -> list[Country]: ...

    async def list_regions(self, country: str) -> list[Region]: ...

    async def list_cities(self, country: str, region: str | None = None) -> list[City]: ...

    def search_numbers(self, query: SearchQuery) -> AsyncIterator[AvailableNumber]: ...

    async def purchase(
        self,
        offer: AvailableNumber | Hold,
        *,
        quantity: int = 1,
        reference: str | None = None,
        wait: float = DEFAULT_WAIT,
    ) -> Order: ...

    async def hold(self, offer: AvailableNumber, *, ttl: float | None = None) -> Hold: ...

    async def release_hold(self, hold: Hold) -> None: ...

    def list_holds(self) -> AsyncIterator[Hold]: ...

    async def purchase_offers(
        self,
        offers: Sequence[AvailableNumber],
        *,
        reference: str | None = None,
        wait: float = DEFAULT_WAIT,
    ) -> Order: ...

    async def get_order(self, order_id: str) -> Order: ...

    def list_numbers(
        self,
        *,
        country: str | None = None,
        number_contains: str | int | None = None,
        label: str | None = None,
        status: NumberStatus | str | Iterable[NumberStatus | str] | None = None,
        capability: Capability | str | Iterable[Capability | str] | None = None,
        carrier_filters: Mapping[str, Any] | None = None,
    ) -> AsyncIterator[DID]: ...

    async def get_number(self, ref: DID | str) -> DID: ...

    async def update_number(
        self,
        did: DID | str,
        *,
        label: str | EllipsisType | None = ...,
        auto_renew: bool | EllipsisType = ...,
        carrier_fields: Mapping[str, Any] | None = None,
    ) -> DID: ...

    async def set_destinations(self, did: DID | str, destinations: Sequence[Destination]) -> DID: ...

    async def set_messaging(self, did: DID | str, routes: Sequence[MessagingRoute]) -> DID: ...

    async def release_number(self, did: DID | str) -> None: ...

    async def requirements(self, offer: AvailableNumber) -> Requirements: ...

    async def register(self, ref_or_order: DID | Order | str, end_user: EndUser) -> Registration: ...

    async def get_registration(self, registration_id: str) -> Registration: ...

    # [[[end]]]

    async def aclose(self) -> None:
        """Release the provider's HTTP connections (only those it opened itself: an injected
        ``httpx.AsyncClient`` stays open). The provider must not be used afterwards."""
        ...

    async def __aenter__(self) -> AsyncNumberProvider:
        """``async with didkit.connect_async(...) as provider:`` closes the provider on the way out."""
        ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


@attrs.frozen
class SurfaceMember:
    """One operation of the provider surface, as the broker runs it (generated from
    :class:`NumberProvider` into :data:`SURFACE`)."""

    name: str
    result: type
    """What a result (each item, for a listing) must be an instance of."""
    listing: bool
    """The operation returns an iterator (async: an async iterator)."""
    buys: bool
    """The operation buys: a result it cannot vouch for leaves the purchase's outcome unknown."""


# [[[cog import surface; surface.surface_table()]]]
SURFACE: Mapping[str, SurfaceMember] = {
    "list_countries": SurfaceMember("list_countries", list, listing=False, buys=False),
    "list_regions": SurfaceMember("list_regions", list, listing=False, buys=False),
    "list_cities": SurfaceMember("list_cities", list, listing=False, buys=False),
    "search_numbers": SurfaceMember("search_numbers", AvailableNumber, listing=True, buys=False),
    "purchase": SurfaceMember("purchase", Order, listing=False, buys=True),
    "hold": SurfaceMember("hold", Hold, listing=False, buys=False),
    "release_hold": SurfaceMember("release_hold", type(None), listing=False, buys=False),
    "list_holds": SurfaceMember("list_holds", Hold, listing=True, buys=False),
    "purchase_offers": SurfaceMember("purchase_offers", Order, listing=False, buys=True),
    "get_order": SurfaceMember("get_order", Order, listing=False, buys=False),
    "list_numbers": SurfaceMember("list_numbers", DID, listing=True, buys=False),
    "get_number": SurfaceMember("get_number", DID, listing=False, buys=False),
    "update_number": SurfaceMember("update_number", DID, listing=False, buys=False),
    "set_destinations": SurfaceMember("set_destinations", DID, listing=False, buys=False),
    "set_messaging": SurfaceMember("set_messaging", DID, listing=False, buys=False),
    "release_number": SurfaceMember("release_number", type(None), listing=False, buys=False),
    "requirements": SurfaceMember("requirements", Requirements, listing=False, buys=False),
    "register": SurfaceMember("register", Registration, listing=False, buys=False),
    "get_registration": SurfaceMember("get_registration", Registration, listing=False, buys=False),
}
# [[[end]]]
"""Every operation of :class:`NumberProvider` by name, generated from it (``tools/surface.py``)."""


@runtime_checkable
class SandboxNumberProvider(NumberProvider, Protocol):
    """A :class:`NumberProvider` over a built-in emulator: what ``connect(name, sandbox=True)``
    and the ``didkit.testing`` fixtures give."""

    @property
    def emulator(self) -> Emulator:
        """The stateful fake carrier: inspect it (``purchased_numbers()``, ``requests``), break it
        (``faults.inject(...)``, ``sell_out()``, ``set_balance(...)``) or ``reset()`` it."""
        ...

    def __enter__(self) -> SandboxNumberProvider: ...


@runtime_checkable
class AsyncSandboxNumberProvider(AsyncNumberProvider, Protocol):
    """An :class:`AsyncNumberProvider` over a built-in emulator: what
    ``connect_async(name, sandbox=True)`` gives."""

    @property
    def emulator(self) -> Emulator:
        """The stateful fake carrier (see :attr:`SandboxNumberProvider.emulator`)."""
        ...

    async def __aenter__(self) -> AsyncSandboxNumberProvider: ...
