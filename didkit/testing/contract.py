"""A reusable contract suite for adapters: what every didkit provider must do, run against the
adapter's own sandbox emulator.

Subclass :class:`ProviderContract` in a test module and name the provider; pytest collects the
inherited tests::

    from didkit.testing.contract import ProviderContract

    class TestMyCarrierContract(ProviderContract):
        provider_name = "mycarrier"          # its entry point in ``didkit.providers``
        country = "US"                        # a country the emulator's world sells numbers in

The suite covers every operation of the protocol (listing coverage, searching, buying one number
or several, holds, reading and updating, routing calls and SMS, requirements and registration,
releasing numbers): what the carrier declares it can do must work, and what it declares it cannot
must be refused before any request. Also the mapping of the carrier's errors to
didkit's, the refusal of malformed ids before any request, the sync and async twins, and the
procurement guarantee (one reference, one purchase). Each test gets a fresh emulator. This module
needs pytest (unlike the rest of :mod:`didkit.testing`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

from ..errors import (
    AuthenticationError,
    DidkitError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    UnsupportedOperationError,
)
from ..model import (
    DID,
    AvailableNumber,
    Capability,
    Destination,
    DestinationKind,
    MessagingRoute,
    Money,
    NumberStatus,
    OrderStatus,
    SearchQuery,
)
from ..protocol import SandboxNumberProvider
from ..regulatory import EndUser, Registration, Requirements
from . import sandbox_provider

__all__ = ["ProviderContract"]

_MALFORMED_IDS = ("../balance", "x/../../orders", "abc?x=1", "abc#frag", "..%2Fbalance")


class ProviderContract:
    """The contract every didkit provider keeps, as pytest tests over the adapter's emulator.

    Set :attr:`provider_name`; override :attr:`country`, :meth:`make_provider` or
    :meth:`destinations` where the carrier needs it.
    """

    provider_name: ClassVar[str]
    """The provider's registered name (its ``didkit.providers`` entry point)."""
    country: ClassVar[str] = "US"
    """A country (ISO 3166-1 alpha-2) the emulator's world has stock and owned numbers in."""
    options: ClassVar[dict[str, Any]] = {}
    """Adapter options for every provider the suite makes (an API version, say)."""
    specific_number_options: ClassVar[dict[str, Any]] = {}
    """Adapter options under which a search offers specific numbers (for holds and several
    numbers in one checkout), where the carrier needs any (DIDWW: ``{"specific_numbers": True}``)."""
    registration_query: ClassVar[SearchQuery | None] = None
    """A search whose offers include numbers that need documents; with :attr:`end_user`, the
    registration round trip runs (buy one, register the end user, read the verdict)."""
    end_user: ClassVar[EndUser | None] = None
    """An end user the emulator accepts for :attr:`registration_query`'s numbers."""

    def make_provider(self, **options: Any) -> SandboxNumberProvider:
        """A sync provider over a fresh emulator, with :attr:`options` (and ``options``)."""
        provider: SandboxNumberProvider = sandbox_provider(self.provider_name, **{**self.options, **options})
        return provider

    def destinations(self) -> list[Destination]:
        """What :meth:`test_destinations_round_trip` routes a number to, in priority order."""
        return [Destination.sip("sip:support@pbx.example.com"), Destination.pstn("+14155550123")]

    @pytest.fixture
    def provider(self) -> Iterator[SandboxNumberProvider]:
        provider = self.make_provider()
        try:
            yield provider
        finally:
            provider.close()

    # -- coverage ------------------------------------------------------------------------------

    def test_name_and_capabilities(self, provider: SandboxNumberProvider) -> None:
        assert provider.name == self.provider_name
        assert provider.capabilities is not None

    def test_countries_are_iso_codes(self, provider: SandboxNumberProvider) -> None:
        countries = provider.list_countries()
        assert countries, "the emulator's world must sell numbers somewhere"
        assert all(len(c.code) == 2 and c.code.isupper() and c.provider == provider.name for c in countries)
        assert self.country in {c.code for c in countries}

    def test_cities_and_an_unknown_region(self, provider: SandboxNumberProvider) -> None:
        assert all(city.provider == provider.name for city in provider.list_cities(self.country))
        with pytest.raises(InvalidInputError):
            provider.list_cities(self.country, region="Narnia Nowhere")

    def test_regions_belong_to_the_country(self, provider: SandboxNumberProvider) -> None:
        regions = provider.list_regions(self.country)
        assert all(r.country == self.country and r.provider == provider.name for r in regions)
        for region in regions[:2]:
            assert all(city.provider == provider.name for city in provider.list_cities(self.country, region.id))
        provider.emulator.faults.inject("*", status=500, times=None)  # any request would show as a ServerError
        with pytest.raises(InvalidInputError):
            provider.list_regions("Narnia")

    # -- inventory -----------------------------------------------------------------------------

    def _offers(
        self, provider: SandboxNumberProvider, limit: int = 10, capabilities: frozenset[Capability] = frozenset()
    ) -> list[AvailableNumber]:
        query = SearchQuery(country=self.country, limit=limit, capabilities=capabilities)
        offers = list(provider.search_numbers(query))
        assert offers, f"the emulator must have stock in {self.country}"
        return offers

    def test_offers_are_priced_in_money(self, provider: SandboxNumberProvider) -> None:
        for offer in self._offers(provider):
            assert offer.provider == provider.name and offer.country == self.country
            assert offer.number is None or offer.number.startswith("+")
            for price in (offer.setup_price, offer.monthly_price, offer.per_minute_price):
                assert price is None or isinstance(price, Money)

    def test_search_respects_the_limit(self, provider: SandboxNumberProvider) -> None:
        assert len(list(provider.search_numbers(SearchQuery(country=self.country, limit=2)))) <= 2

    # -- the lifecycle of a number ---------------------------------------------------------------

    def _buy(
        self,
        provider: SandboxNumberProvider,
        reference: str = "contract-1",
        capabilities: frozenset[Capability] = frozenset(),
    ) -> DID:
        offers = self._offers(provider, capabilities=capabilities)
        offer = next((o for o in offers if o.number), offers[0])  # a specific number where there is one
        order = provider.purchase(offer, reference=reference)
        assert order.provider == provider.name
        assert order.status in (OrderStatus.COMPLETED, OrderStatus.PENDING)
        if not order.numbers:
            order = provider.get_order(order.id)
        assert order.numbers, "a completed sandbox order carries its numbers"
        return order.numbers[0]

    def test_buy_list_get_release(self, provider: SandboxNumberProvider) -> None:
        emulator = provider.emulator
        before = set(emulator.purchased_numbers())
        did = self._buy(provider)
        assert set(emulator.purchased_numbers()) - before == {did.number}
        assert did.number in {owned.number for owned in provider.list_numbers()}
        for ref in (did, did.id, did.number):
            found = provider.get_number(ref)
            assert (found.id, found.number, found.provider) == (did.id, did.number, provider.name)
        provider.release_number(did)
        remaining = {owned.number: owned for owned in provider.list_numbers()}
        assert did.number not in remaining or remaining[did.number].status is NumberStatus.RELEASING

    def test_update_number_changes_only_what_is_given(self, provider: SandboxNumberProvider) -> None:
        did = self._buy(provider, "contract-update")
        capabilities = provider.capabilities
        if capabilities.labels:
            labelled = provider.update_number(did, label="contract label")
            assert labelled.label == "contract label" and labelled.number == did.number
            assert provider.get_number(did).label == "contract label"
            assert provider.update_number(did, label=None).label is None
        if capabilities.auto_renew:
            assert provider.update_number(did, auto_renew=False).auto_renew is False
        provider.emulator.faults.inject("*", status=500, times=None)  # any request would show as a ServerError
        if not capabilities.labels:
            with pytest.raises(UnsupportedOperationError):
                provider.update_number(did, label="contract label")
        if not capabilities.auto_renew:
            with pytest.raises(UnsupportedOperationError):
                provider.update_number(did, auto_renew=False)
        with pytest.raises(InvalidInputError):
            provider.update_number(did)
        with pytest.raises(InvalidInputError):
            provider.update_number(did, carrier_fields={"no_such_carrier_field": 1})

    def _specific_offers(self, provider: SandboxNumberProvider, wanted: int) -> list[AvailableNumber]:
        offers = [o for o in provider.search_numbers(SearchQuery(country=self.country, limit=50)) if o.number]
        assert len(offers) >= wanted, f"the emulator must offer {wanted} specific numbers in {self.country}"
        return offers[:wanted]

    def test_holds(self) -> None:
        provider = self.make_provider(**self.specific_number_options)
        try:
            if not provider.capabilities.reservations:
                offer = self._offers(provider)[0]
                provider.emulator.faults.inject("*", status=500, times=None)
                with pytest.raises(UnsupportedOperationError):
                    provider.hold(offer)
                with pytest.raises(UnsupportedOperationError):
                    list(provider.list_holds())
                return
            first, second = self._specific_offers(provider, 2)
            hold = provider.hold(first)
            assert (hold.provider, hold.number) == (provider.name, first.number)
            assert hold.expires_at.tzinfo is not None
            other = provider.hold(second)
            assert {first.number, second.number} <= {h.number for h in provider.list_holds()}
            provider.release_hold(other)
            assert second.number not in {h.number for h in provider.list_holds()}
            order = provider.purchase(hold, reference="contract-hold")
            if not order.numbers:
                order = provider.get_order(order.id)
            assert [d.number for d in order.numbers] == [first.number]
        finally:
            provider.close()

    def test_purchase_offers(self) -> None:
        provider = self.make_provider(**self.specific_number_options)
        try:
            first, second = self._specific_offers(provider, 2)
            with pytest.raises(InvalidInputError):
                provider.purchase_offers([])
            if provider.capabilities.multi_number_checkout:
                order = provider.purchase_offers([first, second], reference="contract-batch")
                if not order.numbers:
                    order = provider.get_order(order.id)
                assert {d.number for d in order.numbers} == {first.number, second.number}
                assert len(order.numbers) == 2
                return
            order = provider.purchase_offers([first], reference="contract-batch")  # one: a plain purchase
            if not order.numbers:
                order = provider.get_order(order.id)
            assert [d.number for d in order.numbers] == [first.number]
            provider.emulator.faults.inject("*", status=500, times=None)
            with pytest.raises(UnsupportedOperationError):
                provider.purchase_offers([second, first])
        finally:
            provider.close()

    def test_requirements_and_registration(self, provider: SandboxNumberProvider) -> None:
        offer = self._offers(provider)[0]
        needs = provider.requirements(offer)
        assert isinstance(needs, Requirements)
        assert needs.documents_required or not offer.requires_documents
        with pytest.raises(InvalidInputError):
            provider.register("+14155550123", "not an end user")  # type: ignore[arg-type]
        if self.registration_query is None or self.end_user is None:
            with pytest.raises(DidkitError):  # unsupported, or not found: never a made-up verdict
                provider.get_registration("contract-no-such-registration")
            return
        needing = next(o for o in provider.search_numbers(self.registration_query) if o.requires_documents)
        assert provider.requirements(needing).documents_required
        order = provider.purchase(needing, reference="contract-register")
        if not order.numbers:
            order = provider.get_order(order.id)
        registration = provider.register(order, self.end_user)
        assert isinstance(registration, Registration) and registration.provider == provider.name
        assert registration.numbers == tuple(d.number for d in order.numbers)
        assert provider.get_registration(registration.id).id == registration.id

    def test_destinations_round_trip(self, provider: SandboxNumberProvider) -> None:
        did = self._buy(provider, "contract-route")
        wanted = self.destinations()
        routed = provider.set_destinations(did, wanted)
        kinds = [(d.kind, d.priority) for d in routed.destinations]
        assert kinds == [(d.kind, index) for index, d in enumerate(wanted, start=1)]
        again = provider.get_number(did)
        assert [d.kind for d in again.destinations] == [d.kind for d in wanted]
        assert all(d.kind in DestinationKind for d in again.destinations)

    def test_messaging_round_trip(self, provider: SandboxNumberProvider) -> None:
        route = MessagingRoute.webhook("https://hooks.example.com/contract-sms")
        if not provider.capabilities.sms_config:
            did = self._buy(provider, "contract-sms")
            with pytest.raises(UnsupportedOperationError):
                provider.set_messaging(did, [route])
            return
        did = self._buy(provider, "contract-sms", frozenset({Capability.SMS}))
        routed = provider.set_messaging(did, [route])
        assert [r.target for r in routed.messaging] == [route.target]
        assert [r.target for r in provider.get_number(did).messaging] == [route.target]
        assert provider.set_messaging(did, []).messaging == ()

    def test_one_reference_buys_once(self, provider: SandboxNumberProvider) -> None:
        from ..broker import procure

        query = SearchQuery(country=self.country, limit=5)
        first = procure(query, [provider], reference="contract-once", ledger="memory")
        again = procure(query, [provider], reference="contract-once", ledger="memory")
        assert [n.number for n in again.order.numbers] == [n.number for n in first.order.numbers]
        assert len(provider.emulator.purchased_numbers()) == len(first.order.numbers)

    # -- errors ----------------------------------------------------------------------------------

    @pytest.mark.parametrize(
        ("status", "error"),
        [(401, AuthenticationError), (404, NotFoundError), (429, RateLimitedError), (500, ServerError)],
    )
    def test_carrier_errors_map_to_didkit_errors(
        self, provider: SandboxNumberProvider, status: int, error: type[Exception]
    ) -> None:
        provider.list_countries()  # first, whatever credentials the carrier mints or caches
        provider.emulator.faults.inject("*", status=status, times=None)
        with pytest.raises(error) as caught:
            list(provider.list_numbers())  # a read no adapter may cache
        assert getattr(caught.value, "provider", None) == provider.name

    @pytest.mark.parametrize("ident", _MALFORMED_IDS)
    def test_malformed_ids_are_refused_before_any_request(self, provider: SandboxNumberProvider, ident: str) -> None:
        provider.emulator.faults.inject("*", status=500, times=None)  # any request would show as a ServerError
        for call in (provider.get_number, provider.release_number):
            with pytest.raises(InvalidInputError):
                call(ident)

    # -- async ----------------------------------------------------------------------------------

    async def test_the_async_twin_answers_alike(self) -> None:
        provider = sandbox_provider(self.provider_name, asynchronous=True, **self.options)
        try:
            countries = await provider.list_countries()
            assert self.country in {c.code for c in countries}
            offers = [offer async for offer in provider.search_numbers(SearchQuery(country=self.country, limit=3))]
            assert offers and all(o.provider == self.provider_name for o in offers)
        finally:
            await provider.aclose()
