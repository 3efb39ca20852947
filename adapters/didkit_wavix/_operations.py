"""Wavix's logic as sans-I/O operations (one implementation serves the sync and async providers).

See the package docstring for the decisions this module implements.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import attrs

from didkit import (
    DID,
    AmbiguousPurchaseError,
    AvailableNumber,
    Capability,
    City,
    ConfigurationError,
    Country,
    DeadlineExceededError,
    Destination,
    DestinationKind,
    DocumentsRequiredError,
    EndUser,
    InvalidInputError,
    MessagingKind,
    MessagingRoute,
    NotFoundError,
    NumberType,
    Order,
    OrderStatus,
    ProviderError,
    Region,
    Registration,
    Requirements,
    ResponseFormatError,
    SearchQuery,
    UnsupportedOperationError,
)
from didkit.adapter import IdShape, NumberRef, OperationContext, ProviderOperations
from didkit.engine import Emit, HttpRequest, HttpResponse, Operation, Sleep, Stream, url_path
from didkit.kit import (
    Declared,
    ExpiringCache,
    NumberFilter,
    NumberUpdate,
    Page,
    Param,
    check_flag,
    check_number,
    first_emitted,
    numbered_pages,
)
from didkit.places import matching_regions, unknown_place
from didkit.readers import FieldError, read_each
from didkit.reconcile import SettleWindow, settle_purchase
from didkit.validation import normalize_e164

from . import _mapping as mapping
from . import _regulatory as regulatory
from ._errors import CART_PATH, CHECKOUT_PATH, SCHEMAS, classify
from ._matching import EXACT, PREFIX, city_match, regions_for_qualifier
from ._wire import (
    WavixCity,
    WavixCountry,
    WavixRegion,
    city_from,
    country_from,
    record,
    region_from,
    total_pages,
    trunk_name,
)

logger = logging.getLogger("didkit.wavix")

T = TypeVar("T")

PER_PAGE = 100
"""Wavix's maximum page size."""
ORDER_PREFIX = "wavix-"
NUMBER_ID = IdShape(r"[0-9]{1,15}", "Wavix ids are digits, such as 24880")
"""A number's record id; 11 digits or more are taken as the number itself, without ``+``."""
ORDER_ID = IdShape(rf"{ORDER_PREFIX}(?:[0-9]{{1,15}}|\+[0-9]{{7,15}})", "Wavix order ids look like 'wavix-24880'")

def _search(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidInputError(f"search must be digits, got {value!r}")
    text = str(value).strip().removeprefix("+").replace(" ", "").replace("-", "")
    if not text.isdigit():
        raise InvalidInputError(f"search must be (part of) a phone number, got {value!r}")
    return text


def _city_id(value: Any) -> str:
    if isinstance(value, bool) or not str(value).strip().isdigit():
        raise InvalidInputError(f"city_id must be a Wavix city id, got {value!r}")
    return str(value).strip()


def _threshold(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInputError(f"transcription_threshold must be seconds >= 0, got {value!r}")
    return value


NUMBER_FILTERS = Declared(
    "filter",
    {
        "search": Param("Wavix's own search: a full or partial phone number", _search),
        "label_present": Param("True: only labelled numbers; False: only unlabelled ones", check_flag("label_present")),
        "city_id": Param("the Wavix id of the number's city", _city_id),
    },
)
"""``list_numbers(carrier_filters={...})``: what ``GET /v1/numbers`` offers beyond the neutral
filters. Wavix filters nothing neutral exactly: ``number_contains`` and ``label`` are sent as
``search`` and ``label`` to fetch fewer pages, and checked again by the core."""

UPDATE_FIELDS = Declared(
    "update field",
    {
        "sms_enabled": Param("enable inbound SMS (Wavix allows it on US and CA numbers)", check_flag("sms_enabled")),
        "call_status_url": Param(
            "URL Wavix posts call status events to; None clears it", lambda value: _url("call_status_url", value)
        ),
        "call_recording_enabled": Param("record calls", check_flag("call_recording_enabled")),
        "transcription_enabled": Param("transcribe recorded calls", check_flag("transcription_enabled")),
        "transcription_threshold": Param("minimum call duration (seconds) before transcription runs", _threshold),
    },
)
"""``update_number(carrier_fields={...})``: what ``PATCH /v1/numbers/{id}`` can change. Wavix's
API sets no label and no renewal (``capabilities.labels`` and ``.auto_renew`` are False)."""

OPTIONS = Declared(
    "option",
    {
        "coverage_ttl": Param(
            "seconds countries/regions/cities/trunk names stay cached (default 3600; 0 disables)",
            check_number("coverage_ttl", minimum=0),
            default=3600.0,
        ),
        "max_search_cities": Param(
            "cities searched at most when a query names no city (default 20)",
            check_number("max_search_cities", minimum=1, integer=True),
            default=20,
        ),
        "strict_schemas": Param(
            "also validate every record response whole against the adapter's JSON Schema (default False)",
            check_flag("strict_schemas"),
            default=False,
        ),
        "settle_window": Param(
            "seconds an unknown checkout outcome is looked for before 'not owned' counts as not bought "
            "(default 10; 0 believes the first look)"
        ),
    },
)
"""Adapter options accepted by ``didkit.connect("wavix", ...)``."""

_CAPABILITIES_OFFERED = frozenset({Capability.VOICE, Capability.SMS, Capability.CNAM})
NUMBER_TYPES = frozenset({NumberType.LOCAL, NumberType.MOBILE, NumberType.TOLL_FREE})


@attrs.frozen
class _Located:
    """A number record with the context it was read in."""

    did: DID
    raw: Mapping[str, Any]


@attrs.frozen
class _Place:
    """Where a search runs: a Wavix country, optionally one of its regions, and a city."""

    country: WavixCountry
    iso: str
    region: WavixRegion | None
    city: WavixCity


class WavixOperations(ProviderOperations):
    """Every provider operation for Wavix, as sans-I/O generators.

    Per-instance state (one instance per provider object):

    * a TTL cache of countries, regions, cities and trunk login names (the context clock),
    * the purchases this process made, by caller ``reference`` (Wavix stores no reference).
    """

    def __init__(self, context: OperationContext) -> None:
        super().__init__(context)
        options = OPTIONS.check(context.options, provider="Wavix", error=ConfigurationError, defaults=True)
        self.coverage_ttl = float(options["coverage_ttl"])
        self.max_search_cities: int = options["max_search_cities"]
        self.strict_schemas: bool = options["strict_schemas"]
        self._cache = ExpiringCache(self.coverage_ttl, context.clock)
        self.settle = SettleWindow.from_options(context.options)
        self._lock = threading.Lock()
        self._orders: dict[str, Order] = {}
        self._references: dict[str, str] = {}
        self._unsettled: dict[str, tuple[str, ProviderError, float]] = {}  # reference → (digits, failure, when)
        self._inflight: set[str] = set()

    def classify(self, response: HttpResponse, request: HttpRequest) -> ProviderError | None:
        return classify(response, request)

    # -- reading responses ----------------------------------------------------------------------

    def _read(self, response: HttpResponse, schema: str) -> Any:
        """The body, validated against the adapter's schema ``schema``."""
        body = response.json()
        SCHEMAS[schema].validate(
            body, provider=self.provider, status_code=response.status_code, request_id=response.request_id
        )
        return body

    def _records(self, response: HttpResponse, schema: str) -> dict[str, Any]:
        """A body of records, which the caller reads field by field (the readers are the check;
        with ``strict_schemas`` the whole body is also validated against ``schema`` first)."""
        body = response.json()
        if self.strict_schemas:
            SCHEMAS[schema].validate(
                body, provider=self.provider, status_code=response.status_code, request_id=response.request_id
            )
        try:
            return record(body)
        except FieldError as error:
            raise self._format_error(error, response) from None

    def _format_error(self, error: FieldError, response: HttpResponse) -> ResponseFormatError:
        return error.response_error(self.provider, status_code=response.status_code, request_id=response.request_id)

    # -- coverage (cached) ----------------------------------------------------------------------

    def _countries(self) -> Operation[list[tuple[str, WavixCountry, Mapping[str, Any]]]]:
        def fetch() -> Operation[list[tuple[str, WavixCountry, Mapping[str, Any]]]]:
            response = yield HttpRequest("GET", "/v1/buy/countries")
            known = []
            out = self._each(response, "countries", country_from)
            for wire, item in out:
                iso = mapping.iso_of_country(wire.name)
                if iso is None:
                    logger.debug("wavix: no ISO code for country %r (id %s); skipped", wire.name, wire.id)
                    continue
                known.append((iso, wire, item))
            return known

        return (yield from self._cache.get(("countries",), fetch))

    def _countries_for(self, iso: str) -> Operation[list[WavixCountry]]:
        countries = yield from self._countries()
        return [wire for code, wire, _ in countries if code == iso]

    def _regions(self, country: WavixCountry) -> Operation[list[tuple[WavixRegion, Mapping[str, Any]]]]:
        if not country.has_provinces_or_states:
            return []  # Wavix answers 422 "Country has no states or provinces": never ask

        def fetch() -> Operation[list[tuple[WavixRegion, Mapping[str, Any]]]]:
            request = HttpRequest("GET", url_path("/v1/buy/countries/{country}/regions", country=country.id))
            try:
                response = yield request
            except ProviderError as error:
                if error.status_code == 422:
                    return []  # the country lost its regions since we listed countries
                raise
            return self._each(response, "regions", region_from)

        return (yield from self._cache.get(("regions", country.id), fetch))

    def _cities(
        self, country: WavixCountry, region: WavixRegion | None
    ) -> Operation[list[tuple[WavixCity, Mapping[str, Any]]]]:
        if region is None:
            path = url_path("/v1/buy/countries/{country}/cities", country=country.id)
        else:
            path = url_path("/v1/buy/countries/{country}/regions/{region}/cities", country=country.id, region=region.id)

        def fetch() -> Operation[list[tuple[WavixCity, Mapping[str, Any]]]]:
            response = yield HttpRequest("GET", path)
            return self._each(response, "cities", city_from)

        return (yield from self._cache.get(("cities", country.id, region.id if region else None), fetch))

    def _each(self, response: HttpResponse, key: str, read: Callable[[Any], T]) -> list[tuple[T, Mapping[str, Any]]]:
        """Every record under ``key``, read by ``read``, with its raw form."""
        body = self._records(response, key)
        try:
            return read_each(body.get(key), key, lambda item: (read(item), item))
        except FieldError as error:
            raise self._format_error(error, response) from None

    def list_countries(self) -> Operation[list[Country]]:
        countries = yield from self._countries()
        return [mapping.to_country(wire, iso, self.provider, raw) for iso, wire, raw in countries]

    def list_regions(self, country: str) -> Operation[list[Region]]:
        out: list[Region] = []
        for wire_country in (yield from self._countries_for(country)):
            for region, raw in (yield from self._regions(wire_country)):
                out.append(mapping.to_region(region, country, self.provider, raw))
        return out

    def list_cities(self, country: str, region: str | None) -> Operation[list[City]]:
        if region is not None and (not isinstance(region, str) or not region.strip()):
            raise InvalidInputError(f"region must be a region id or name, got {region!r}")
        out: list[City] = []
        for wire_country, scopes in (yield from self._scopes(country, region)):
            for scope in scopes:
                for city, raw in (yield from self._cities(wire_country, scope)):
                    out.append(mapping.to_city(city, country, scope.name if scope else None, self.provider, raw))
        return out

    def _scopes(
        self, iso: str, region: str | None
    ) -> Operation[list[tuple[WavixCountry, list[WavixRegion | None]]]]:
        """Each Wavix country for ``iso`` with the regions to look in: those ``region`` names, or
        all of them (the whole country where it has none). A ``region`` that names none in any of
        them is an :class:`~didkit.UnknownPlaceError`."""
        found: list[tuple[WavixCountry, list[WavixRegion | None]]] = []
        known: list[str] = []
        for country in (yield from self._countries_for(iso)):
            regions = [r for r, _ in (yield from self._regions(country))]  # none where it has no regions
            known.extend(r.name for r in regions)
            scopes: list[WavixRegion | None]
            if region is not None:
                scopes = [*matching_regions(iso, regions, region)]
            else:
                scopes = [*regions] if country.has_provinces_or_states else [None]
            found.append((country, scopes))
        if region is not None and found and not any(scopes for _, scopes in found):
            raise unknown_place("region", region, known, provider=self.provider, country=iso)
        return found

    # -- search ---------------------------------------------------------------------------------

    def search_numbers(self, query: SearchQuery) -> Stream:
        """Resolve country → region(s) → city by name, then page ``/dids`` lazily, city by city.
        A region or city Wavix does not know is an :class:`~didkit.UnknownPlaceError`."""
        if not query.capabilities <= _CAPABILITIES_OFFERED:
            return  # Wavix offers say nothing about MMS, fax or emergency service: none can match
        if query.number_type is not None and query.number_type not in NUMBER_TYPES:
            return
        iso = query.country
        places = yield from self._scopes(iso, query.region or None)
        seen: set[str] = set()
        budget = [self.max_search_cities]
        if not query.city:
            for country, scopes in places:
                yield from self._search_any_city(country, iso, scopes, query, seen, budget)
            return
        known: list[str] = []
        matched = False
        for country, scopes in places:
            if not query.region and country.has_provinces_or_states:
                regions = [scope for scope in scopes if scope is not None]
                scopes = [*(regions_for_qualifier(iso, regions, query.city) or regions)]
            matched = (yield from self._search_named_city(country, iso, scopes, query, seen, budget, known)) or matched
        if places and not matched:
            within = query.region if query.region else None
            raise unknown_place("city", query.city, known, provider=self.provider, country=iso, within=within)

    def _search_named_city(
        self,
        country: WavixCountry,
        iso: str,
        scopes: Sequence[WavixRegion | None],
        query: SearchQuery,
        seen: set[str],
        budget: list[int],
        known: list[str],
    ) -> Operation[bool]:
        """Every city the typed name names exactly (looking through the regions lazily); failing
        that, the cities whose name starts with it (at most ``max_search_cities``). Whether any
        city matched; the names of the cities looked through go to ``known``."""
        assert query.city is not None
        listed: list[tuple[WavixRegion | None, list[WavixCity]]] = []
        exact = False
        for scope in scopes:
            cities = [c for c, _ in (yield from self._cities(country, scope))]
            listed.append((scope, cities))
            known.extend(c.name for c in cities)
            for city in cities:
                if city_match(iso, city.name, scope.name if scope else None, query.city) == EXACT:
                    exact = True
                    yield from self._search_place(_Place(country, iso, scope, city), query, seen)
        if exact:
            return True
        matched = False
        for scope, cities in listed:
            for city in cities:
                if city_match(iso, city.name, scope.name if scope else None, query.city) == PREFIX:
                    matched = True
                    if budget[0] <= 0:
                        return True
                    budget[0] -= 1
                    yield from self._search_place(_Place(country, iso, scope, city), query, seen)
        return matched

    def _search_any_city(
        self,
        country: WavixCountry,
        iso: str,
        scopes: Sequence[WavixRegion | None],
        query: SearchQuery,
        seen: set[str],
        budget: list[int],
    ) -> Stream:
        """No city given: the cities of the region(s)/country, region by region, at most
        ``max_search_cities`` of them; with a ``prefix``, cities whose area code fits come first."""
        for scope in scopes:
            cities = [c for c, _ in (yield from self._cities(country, scope))]
            for city in _prefix_first(cities, query.prefix):
                if budget[0] <= 0:
                    return
                budget[0] -= 1
                yield from self._search_place(_Place(country, iso, scope, city), query, seen)

    def _search_place(self, place: _Place, query: SearchQuery, seen: set[str]) -> Stream:
        path = url_path("/v1/buy/countries/{country}/cities/{id}/dids", country=place.country.id, id=place.city.id)

        def fetch(page: int) -> Operation[Page[AvailableNumber]]:
            params: dict[str, Any] = {"page": page, "per_page": PER_PAGE}
            if Capability.SMS in query.capabilities:
                params["text_enabled_only"] = True
            response = yield HttpRequest("GET", path, params=params)
            body = self._records(response, "available_numbers")
            try:
                found = read_each(
                    body.get("dids"),
                    "dids",
                    mapping.offer_from,
                    self.provider,
                    place.iso,
                    place.region.name if place.region else None,
                    place.city.name,
                    place.country.id,
                    place.city.id,
                )
                pages = total_pages(body)
            except FieldError as error:
                raise self._format_error(error, response) from None
            return Page(found, total_pages=pages)

        def each(page: Page[AvailableNumber]) -> Stream:
            offers = []
            for offer in page.items:
                if offer.number in seen:
                    continue
                seen.add(offer.number or "")
                if _fits(offer, query):
                    offers.append(offer)
            if offers:
                yield Emit(offers)

        yield from numbered_pages(fetch, each=each)

    # -- purchase -------------------------------------------------------------------------------

    def purchase(self, offer: AvailableNumber, reference: str | None, wait: float) -> Operation[Order]:
        """Cart → checkout (never retried) → find the new record. See the package docstring for
        how an unknown checkout outcome is reconciled and how ``reference`` is honoured."""
        digits = _offer_digits(offer)
        earlier: Order | None = None
        if reference is not None:
            with self._lock:
                earlier = self._orders.get(reference)
                if earlier is None:
                    if reference in self._inflight:
                        raise InvalidInputError(f"a purchase with reference {reference!r} is already in progress")
                    self._inflight.add(reference)
        if earlier is not None:
            return (yield from self._settle(earlier))
        try:
            order = yield from self._purchase(offer, digits, reference, wait)
        finally:
            if reference is not None:
                with self._lock:
                    self._inflight.discard(reference)
        return order

    def _purchase(self, offer: AvailableNumber, digits: str, reference: str | None, wait: float) -> Operation[Order]:
        number = "+" + digits
        if reference is not None and reference in self._unsettled:
            settled = yield from self._settle_unknown(reference, offer)
            if settled is not None:
                return settled
        # 1.-2. the cart, then the checkout (never retried automatically)
        failure = yield from self._checkout([digits])
        if failure is not None:
            if not failure.outcome_unknown:
                yield from self._drop_from_cart(digits)
                raise _explained(failure, offer)
            found = yield from self._reconcile(failure, offer, digits, reference)
            return self._remember(reference, self._completed(found, reference, offer))
        # 3. Wavix answers 201 {"success": true} without ids: find the new record
        located = yield from self._await_record(number, wait)
        if located is None:
            pending = Order(
                id=ORDER_PREFIX + number,
                provider=self.provider,
                status=OrderStatus.PENDING,
                reference=reference,
                total=_total(offer),
                raw={"checkout": {"success": True}, "number": number},
                numbers_pending=True,
            )
            return self._remember(reference, pending)
        return self._remember(reference, self._completed(located, reference, offer))

    def purchase_offers(
        self, offers: Sequence[AvailableNumber], reference: str | None, wait: float
    ) -> Operation[Order]:
        """Several numbers in one cart and one checkout (``ids[]``); the new records are found as
        for one. An unknown checkout outcome is settled by looking every number up."""
        digits = [_offer_digits(offer) for offer in offers]
        failure = yield from self._checkout(digits)
        located: list[_Located] = []
        if failure is not None:
            if not failure.outcome_unknown:
                yield from self._drop_all_from_cart(digits)
                raise _explained(failure, offers[0])

            def look() -> Operation[list[_Located] | None]:
                owned: list[_Located] = []
                for number in digits:
                    found = yield from self._find_owned("+" + number)
                    if found is not None:
                        owned.append(found)
                return owned or None  # one found settles it: the checkout went through

            try:
                located = yield from settle_purchase(
                    failure,
                    look,
                    window=self.settle,
                    clock=self.context.clock,
                    what=f"checkout of {len(digits)} numbers",
                    reference=reference,
                    hint="check the account's numbers before buying again",
                )
            except AmbiguousPurchaseError:
                raise
            except ProviderError:
                # Proven over the settle window: none of them is owned.
                yield from self._drop_all_from_cart(digits)
                raise
        else:
            for number in digits:
                found = yield from self._await_record("+" + number, wait)
                if found is not None:
                    located.append(found)
        # A number not found yet may still show up: the order stays pending, counted as all it asked for.
        status = OrderStatus.COMPLETED if len(located) == len(digits) else OrderStatus.PENDING
        totals = [t for t in (_total(o) for o in offers) if t is not None]
        return Order(
            id=ORDER_PREFIX + (located[0].did.id if located else "+" + digits[0]),
            provider=self.provider,
            status=status,
            reference=reference,
            numbers=tuple(found.did for found in located),
            total=sum(totals[1:], totals[0]) if len(totals) == len(offers) else None,
            created_at=located[0].did.created_at if located else None,
            raw={"checkout": {"ids": digits}, "numbers": [found.raw for found in located]},
            requested=len(digits),
        )

    def _checkout(self, digits: list[str]) -> Operation[ProviderError | None]:
        """Put ``digits`` in the cart (adding twice leaves one: safe to retry), then check out —
        never retried automatically. The checkout's failure, if any (``outcome_unknown`` where
        the numbers may be ours); a cart that fails raises."""
        try:
            response = yield HttpRequest(
                "PUT", CART_PATH, json={"ids": digits}, idempotent=True, operation="add to cart"
            )
            self._read(response, "cart")
        except ProviderError as error:
            if error.status_code is None or not 400 <= error.status_code < 500:
                yield from self._drop_all_from_cart(digits)
            raise
        try:
            response = yield HttpRequest(
                "POST", CHECKOUT_PATH, json={"ids": digits}, idempotent=False, operation="checkout"
            )
        except ProviderError as error:
            return error
        try:
            self._read(response, "success")
        except ResponseFormatError as error:
            error.outcome_unknown = True  # a 2xx we cannot read: the numbers may be ours
            return error
        return None

    def _drop_all_from_cart(self, digits: Sequence[str]) -> Operation[None]:
        for number in digits:
            yield from self._drop_from_cart(number)

    def _reconcile(
        self, failure: ProviderError, offer: AvailableNumber, digits: str, reference: str | None
    ) -> Operation[_Located]:
        """The checkout's outcome is unknown: is the number ours now? Settled by the kit over
        the settle window (a late commit or a lagging list does not pass for "not bought")."""
        number = "+" + digits
        started = self.context.clock()
        try:
            return (
                yield from settle_purchase(
                    failure,
                    lambda: self._find_owned(number),
                    window=self.settle,
                    clock=self.context.clock,
                    what=f"checkout of {number}",
                    reference=reference,
                    hint="check the account's numbers before buying again",
                )
            )
        except AmbiguousPurchaseError:
            if reference is not None:
                self._unsettled[reference] = (digits, failure, started)
            raise
        except ProviderError:
            # Proven not bought: the original error, now safe to fail over on.
            yield from self._drop_from_cart(digits)
            raise

    def _settle_unknown(self, reference: str, offer: AvailableNumber) -> Operation[Order | None]:
        """An earlier attempt with this reference ended ambiguous: decide it before buying, over
        what is left of its settle window (once that has passed, one look that answers decides)."""
        digits, failure, since = self._unsettled[reference]
        number = "+" + digits
        try:
            found = yield from settle_purchase(
                failure,
                lambda: self._find_owned(number),
                window=self.settle,
                clock=self.context.clock,
                what=f"an earlier checkout of {number} with reference {reference!r}",
                reference=reference,
                hint="check the account's numbers before buying again",
                since=since,
            )
        except AmbiguousPurchaseError:
            raise
        except ProviderError:
            del self._unsettled[reference]
            return None  # proven not bought: buy now
        del self._unsettled[reference]
        return self._remember(reference, self._completed(found, reference, offer))

    def _settle(self, earlier: Order) -> Operation[Order]:
        """The order an earlier call made with the same reference (completed now, if it was pending)."""
        if earlier.status is not OrderStatus.PENDING:
            return earlier
        number = earlier.id[len(ORDER_PREFIX) :]
        try:
            found = yield from self._find_owned(number)
        except ProviderError:
            return earlier
        if found is None:
            return earlier
        order = self._completed(found, earlier.reference, None, total=earlier.total)
        return self._remember(earlier.reference, order)

    def _await_record(self, number: str, wait: float) -> Operation[_Located | None]:
        """The bought number's record, looked up until ``wait`` runs out; ``None`` if not yet
        found (the purchase is certain: the caller returns it pending)."""
        delays = _poll_delays(wait)
        for attempt in range(len(delays) + 1):
            try:
                found = yield from self._find_owned(number)
            except DeadlineExceededError:
                return None
            except ProviderError as error:
                logger.debug("wavix: looking up bought number %s failed: %s", number, error)
                found = None
            if found is not None or attempt == len(delays):
                return found
            try:
                yield Sleep(delays[attempt])
            except DeadlineExceededError:
                return None
        return None  # pragma: no cover - the loop always returns

    def _drop_from_cart(self, digits: str) -> Operation[None]:
        """Best effort: take the number out of the cart so nothing lingers (never raises)."""
        try:
            yield HttpRequest("DELETE", CART_PATH, json={"ids": [digits]}, idempotent=False)
        except ProviderError as error:
            logger.debug("wavix: removing %s from the cart failed: %s", digits, error)

    def _completed(
        self, located: _Located, reference: str | None, offer: AvailableNumber | None, total: Any = None
    ) -> Order:
        did = located.did
        return Order(
            id=ORDER_PREFIX + did.id,
            provider=self.provider,
            status=OrderStatus.COMPLETED,
            reference=reference,
            numbers=(did,),
            total=_total(offer) if offer is not None else total,
            created_at=did.created_at,
            raw={"number": located.raw},
        )

    def _remember(self, reference: str | None, order: Order) -> Order:
        if reference is not None:
            with self._lock:
                self._orders[reference] = order
                self._references[order.id] = reference
        return order

    def get_order(self, order_id: str) -> Operation[Order]:
        """``wavix-<number id>`` (or ``wavix-+<E.164>`` for a purchase not yet found) → the order."""
        if not order_id.startswith(ORDER_PREFIX):
            raise InvalidInputError(f"{order_id!r} is not a Wavix order id (they look like 'wavix-24880')")
        rest = order_id[len(ORDER_PREFIX) :]
        if rest.isdigit():
            located = yield from self._get_record(rest)
        elif rest.startswith("+"):
            number = normalize_e164(rest, what="order id number")
            found = yield from self._find_owned(number)
            if found is None:
                raise NotFoundError(f"no owned number {number} (order {order_id})", provider=self.provider)
            located = found
        else:
            raise InvalidInputError(f"{order_id!r} is not a Wavix order id (they look like 'wavix-24880')")
        did_id = located.did.id
        reference = self._references.get(order_id) or self._references.get(ORDER_PREFIX + did_id)
        earlier = self._orders.get(reference) if reference is not None else None
        return self._completed(located, reference, None, total=earlier.total if earlier else None)

    # -- owned numbers --------------------------------------------------------------------------

    number_filters = NUMBER_FILTERS
    update_fields = UPDATE_FIELDS

    def list_numbers(self, filters: NumberFilter) -> Stream:
        params = dict(filters.carrier)
        if filters.number_contains and "search" not in params:
            params["search"] = filters.number_contains  # partial match: narrows, the core checks
        if filters.label:
            params["label"] = filters.label  # the emulator matches it ignoring case: narrows
        yield from self._numbers(params)

    def _numbers(self, params: Mapping[str, Any], operation: str | None = None) -> Stream:
        """``GET /v1/numbers`` with ``params``, page by page."""

        def fetch(page: int) -> Operation[Page[DID]]:
            response = yield HttpRequest(
                "GET", "/v1/numbers", params={**params, "page": page, "per_page": PER_PAGE}, operation=operation
            )
            dids, pages = self._numbers_page(response)
            return Page(dids, total_pages=pages)

        return numbered_pages(fetch)

    def _numbers_page(self, response: HttpResponse) -> tuple[list[DID], int]:
        """A ``/v1/numbers`` page: its DIDs and the number of pages."""
        body = self._records(response, "numbers")
        try:
            dids = read_each(body.get("items"), "items", mapping.number_from, self.provider)
            pages = total_pages(body)
        except FieldError as error:
            raise self._format_error(error, response) from None
        return dids, pages

    def _get_record(self, record_id: str) -> Operation[_Located]:
        response = yield HttpRequest("GET", url_path("/v1/numbers/{id}", id=record_id))
        return self._located(response)

    def _located(self, response: HttpResponse) -> _Located:
        body = self._records(response, "number")
        try:
            return _Located(mapping.number_from(body, self.provider), body)
        except FieldError as error:
            raise self._format_error(error, response) from None

    def _find_owned(self, number: str) -> Operation[_Located | None]:
        """The owned record of E.164 ``number`` (``GET /v1/numbers?search=<digits>``), or None;
        no page after the one it is on is fetched."""
        pages = self._numbers({"search": number[1:]}, "the owned-number lookup")
        did: DID | None = yield from first_emitted(pages, lambda did: did.number == number)
        return None if did is None else _Located(did, did.raw)

    def _ref_target(self, ref: NumberRef) -> tuple[str | None, str | None]:
        """``(record id, E.164 number)`` the caller gave (at least one is set)."""
        if ref.did is not None:
            return ref.did.id, ref.did.number
        if ref.number is not None:
            return None, ref.number
        text = (ref.id or "").strip()
        if text.isdigit() and len(text) <= 10:
            return text, None  # Wavix record ids are 32-bit integers
        if text.isdigit():
            return None, normalize_e164(text, what="number")  # 11+ digits: a number without '+'
        raise InvalidInputError(f"{ref.id!r} is neither a Wavix number id nor an E.164 number")

    def _resolve(self, ref: NumberRef) -> Operation[_Located]:
        record_id, number = self._ref_target(ref)
        if record_id is not None:
            return (yield from self._get_record(record_id))
        assert number is not None
        found = yield from self._find_owned(number)
        if found is None:
            raise NotFoundError(f"{number} is not a number on this Wavix account", provider=self.provider)
        return found

    def _record_id(self, ref: NumberRef) -> Operation[str]:
        record_id, _ = self._ref_target(ref)
        if record_id is not None:
            return record_id
        located = yield from self._resolve(ref)
        return located.did.id

    def get_number(self, ref: NumberRef) -> Operation[DID]:
        located = yield from self._resolve(ref)
        return located.did

    # -- documents (see _regulatory) -----------------------------------------------------------

    def requirements(self, offer: AvailableNumber) -> Operation[Requirements]:
        return (yield from regulatory.requirements(self, offer))

    def register(self, refs: Sequence[NumberRef], end_user: EndUser) -> Operation[Registration]:
        return (yield from regulatory.register(self, refs, end_user))

    def get_registration(self, registration_id: str) -> Operation[Registration]:
        return (yield from regulatory.get_registration(self, registration_id))

    def update_number(self, ref: NumberRef, changes: NumberUpdate) -> Operation[DID]:
        body = dict(changes.carrier)  # the core sends no neutral field: Wavix has none to set
        self._ref_target(ref)  # validate before any request
        record_id = yield from self._record_id(ref)
        response = yield HttpRequest("PATCH", url_path("/v1/numbers/{id}", id=record_id), json=body, idempotent=True)
        located = self._located(response)
        return located.did

    def set_messaging(self, ref: NumberRef, routes: Sequence[MessagingRoute]) -> Operation[DID]:
        """``PATCH`` the number's ``sms_relay_url`` with ``sms_enabled: true`` (Wavix takes one
        webhook per number, which the caller's checks hold to); ``[]`` clears the URL and
        disables inbound SMS."""
        for route in routes:
            if route.kind is not MessagingKind.WEBHOOK:
                raise UnsupportedOperationError(f"Wavix cannot route SMS to {route.kind.value}", provider=self.provider)
        self._ref_target(ref)
        body: dict[str, Any] = {"sms_relay_url": routes[0].target, "sms_enabled": True} if routes else {
            "sms_relay_url": "",
            "sms_enabled": False,
        }
        record_id = yield from self._record_id(ref)
        response = yield HttpRequest("PATCH", url_path("/v1/numbers/{id}", id=record_id), json=body, idempotent=True)
        return self._located(response).did

    def set_destinations(self, ref: NumberRef, destinations: Sequence[Destination]) -> Operation[DID]:
        """Replace the number's destinations: transport 1 (SIP URI), 4 (PSTN), 5 (SIP trunk, by its
        login name, looked up from ``/v1/trunks/{id}``), priorities ascending from 1."""
        entries: list[dict[str, Any]] = []
        for destination in destinations:
            entries.append(_destination_entry(destination))
        self._ref_target(ref)
        for entry in entries:
            if entry["transport"] == mapping.TRANSPORT_SIP_TRUNK:
                entry["destination"] = yield from self._trunk_login(entry["trunk_id"])
        record_id = yield from self._record_id(ref)
        response = yield HttpRequest(
            "PATCH", url_path("/v1/numbers/{id}", id=record_id), json={"destinations": entries}, idempotent=True
        )
        located = self._located(response)
        return located.did

    def _trunk_login(self, trunk_id: int) -> Operation[str]:
        def fetch() -> Operation[str]:
            response = yield HttpRequest("GET", url_path("/v1/trunks/{id}", id=trunk_id))
            body = self._records(response, "trunk")
            try:
                return trunk_name(body)
            except FieldError as error:
                raise self._format_error(error, response) from None

        return (yield from self._cache.get(("trunk", trunk_id), fetch))

    def release_number(self, ref: NumberRef) -> Operation[None]:
        """``DELETE /v1/numbers?dids=<digits>`` (``ids=<id>`` when only the record id is known).

        Not retried automatically; when the outcome is unknown the number is looked up: gone →
        released; still there → the error (``outcome_unknown`` False)."""
        record_id, number = self._ref_target(ref)
        params = {"dids": number[1:]} if number is not None else {"ids": record_id}
        failure: ProviderError | None = None
        try:
            response = yield HttpRequest("DELETE", "/v1/numbers", params=params)
        except ProviderError as error:
            failure = error
        else:
            try:
                self._read(response, "success")
            except ResponseFormatError as error:
                error.outcome_unknown = True
                failure = error
        if failure is None:
            return None
        if not failure.outcome_unknown:
            raise failure
        try:
            if number is not None:
                still = yield from self._find_owned(number)
            else:
                assert record_id is not None
                still = yield from self._get_record(record_id)
        except NotFoundError:
            return None
        except ProviderError:
            raise failure from None
        if still is None:
            return None
        failure.outcome_unknown = False
        raise failure


# -- helpers -----------------------------------------------------------------------------------------


def _offer_digits(offer: AvailableNumber) -> str:
    ref = offer.offer_ref.get("number") if offer.offer_ref else None
    candidate = ref or (offer.number or "")
    digits = candidate.strip().removeprefix("+")
    if not digits.isdigit():
        raise InvalidInputError("this Wavix offer has no number to buy (offers come from search_numbers())")
    return digits


def _total(offer: AvailableNumber | None) -> Any:
    if offer is None or offer.monthly_price is None:
        return None
    return offer.cost_over(1)


def _explained(error: ProviderError, offer: AvailableNumber) -> ProviderError:
    if isinstance(error, DocumentsRequiredError) and offer.raw:
        docs = mapping.decode_docs(_docrefs(offer.raw.get("require_docs")))
        if docs:
            error.message = f"{error.message} (documents this number needs: {', '.join(docs)})"
            error.args = (error.message,)
    return error


def _docrefs(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    out = []
    for item in value:
        if isinstance(item, bool):
            continue
        if isinstance(item, int):
            out.append(str(item))
        elif isinstance(item, str) and item.strip():
            out.append(item.strip() if not item.strip().isdigit() else str(int(item)))
    return out


def _poll_delays(wait: float) -> list[float]:
    """Sleeps between lookups of a bought number, adding up to at most ``wait`` seconds."""
    delays: list[float] = []
    total = 0.0
    step = 0.5
    while total + step <= wait and len(delays) < 30:
        delays.append(step)
        total += step
        step = min(step * 2, 5.0)
    return delays


def _url(key: str, value: Any) -> str:
    """An http(s) URL for Wavix, or "" to clear the callback (``None`` given)."""
    from urllib.parse import urlsplit

    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise InvalidInputError(f"{key} must be an http(s) URL or None, got {value!r}")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInputError(f"{key} must be an http(s) URL, got {value!r}")
    return value.strip()


def _destination_entry(destination: Destination) -> dict[str, Any]:
    from didkit.validation import normalize_sip_uri

    if destination.kind is DestinationKind.SIP_URI:
        target = mapping.sip_target(normalize_sip_uri(destination.target))
        return {"destination": target, "priority": destination.priority, "transport": mapping.TRANSPORT_SIP_URI}
    if destination.kind is DestinationKind.PSTN:
        return {
            "destination": mapping.pstn_target(destination.target),
            "priority": destination.priority,
            "transport": mapping.TRANSPORT_PSTN,
        }
    if destination.kind is DestinationKind.SIP_TRUNK:
        trunk = (destination.trunk_id or destination.target or "").strip()
        if not trunk.isdigit():
            raise InvalidInputError(f"a Wavix SIP trunk destination needs the trunk's numeric id, got {trunk!r}")
        return {
            "destination": None,
            "priority": destination.priority,
            "transport": mapping.TRANSPORT_SIP_TRUNK,
            "trunk_id": int(trunk),
        }
    raise InvalidInputError(f"Wavix cannot route calls to {destination.kind!r}")


def _national(number: str) -> str:
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number.removeprefix("+")
    return number[1 + len(str(parsed.country_code)) :]


def _fits(offer: AvailableNumber, query: SearchQuery) -> bool:
    """Client-side filters for what ``/dids`` cannot filter: prefix, contains, type, capabilities."""
    if not query.capabilities <= offer.capabilities:
        return False
    if query.number_type is not None and offer.number_type is not query.number_type:
        return False
    if offer.number is None:
        return False
    national = _national(offer.number)
    if query.prefix and not national.startswith(query.prefix):
        return False
    return not (query.contains and query.contains not in national)


def _prefix_first(cities: list[WavixCity], prefix: str | None) -> list[WavixCity]:
    if not prefix:
        return cities

    def fits(city: WavixCity) -> bool:
        area = city.area_code or ""
        return bool(area) and (area.startswith(prefix) or prefix.startswith(area))

    return sorted(cities, key=lambda city: not fits(city))
