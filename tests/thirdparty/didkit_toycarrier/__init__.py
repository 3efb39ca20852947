"""didkit_toycarrier: a third carrier written only with didkit's public adapter kit (a test fixture).

The fictional toycarrier API (root ``/v1``; HTTP Basic with an account SID and an auth token;
request bodies form-encoded; errors ``{"code", "message"}``, code 21452: number unavailable):

* ``GET /countries``, ``GET /countries/{iso}/regions``;
* ``GET /available?country=&contains=&page=`` — offers, ``page``/``total_pages``;
* ``POST /orders`` (``PhoneNumber``, ``Reference``: an order placed again under a used reference
  is answered with the first one, nothing bought), ``GET /orders?reference=``, ``GET /orders/{sid}``;
* ``GET /numbers?status=a,b&contains=&area_code=&page_token=`` — owned numbers, ``next_page_token``;
* ``GET|POST|DELETE /numbers/{sid}`` — ``POST`` takes ``FriendlyName``, ``EmergencyEnabled`` and
  ``Route=kind:target`` pairs in priority order (``url``, ``sip``, ``tel``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import attrs

from didkit import (
    DID,
    AvailableNumber,
    Capability,
    City,
    ConfigurationError,
    Country,
    Destination,
    DestinationKind,
    InvalidInputError,
    NotFoundError,
    NumberStatus,
    NumberUnavailableError,
    Order,
    OrderStatus,
    ProviderCapabilities,
    ProviderError,
    Region,
    SearchQuery,
)
from didkit.adapter import (
    AsyncProvider,
    IdShape,
    NumberRef,
    OperationContext,
    ProviderOperations,
    ProviderSpec,
    SyncProvider,
)
from didkit.engine import HttpRequest, HttpResponse, Operation, Stream, default_classify, url_path
from didkit.kit import (
    Credentials,
    Declared,
    ExpiringCache,
    NumberFilter,
    NumberUpdate,
    Page,
    Param,
    basic_auth,
    check_flag,
    check_number,
    first_emitted,
    linked_pages,
    numbered_pages,
)
from didkit.model import destination_as_sent, new_did
from didkit.places import matching_regions, unknown_place
from didkit.readers import (
    FieldError,
    read_bool,
    read_datetime,
    read_e164,
    read_each,
    read_int,
    read_list,
    read_money,
    read_name,
    read_object,
    read_str,
    required,
)
from didkit.reconcile import SettleWindow, settle_purchase

from .emulator import ToyEmulator

T = TypeVar("T")
NAME = "toycarrier"
OPTIONS = Declared(
    "option",
    {
        "coverage_ttl": Param(
            "seconds countries and regions stay cached", check_number("coverage_ttl", minimum=0), 3600.0
        ),
        "settle_window": Param("seconds an unknown purchase outcome is looked for"),
    },
)
_STATUS = {"active": NumberStatus.ACTIVE, "pending": NumberStatus.PENDING, "released": NumberStatus.RELEASING}
_KINDS = {"url": DestinationKind.URL, "sip": DestinationKind.SIP_URI, "tel": DestinationKind.PSTN}
_PREFIX = {kind: prefix for prefix, kind in _KINDS.items()}


def _record(item: Any) -> dict[str, Any]:
    """A record that must be a JSON object (a FieldError, placed by the caller, otherwise)."""
    return read_object(required(item, ""), "") or {}


def _country(item: Any) -> Country:
    record = _record(item)
    code = read_str(required(record.get("iso"), "iso"), "iso") or ""
    return Country(code=code, name=read_name(record.get("name"), "name") or code, provider=NAME, raw=record)


def _region(item: Any, country: str) -> Region:
    record = _record(item)
    code = read_str(required(record.get("code"), "code"), "code") or ""
    name = read_name(record.get("name"), "name") or code
    return Region(id=code, name=name, country=country, code=f"{country}-{code}", provider=NAME, raw=record)


def _route(item: Any) -> Destination:
    record = _record(item)
    kind = _KINDS.get(read_str(required(record.get("kind"), "kind"), "kind") or "")
    if kind is None:
        raise FieldError("kind", f"not a route kind: {record.get('kind')!r}")
    return destination_as_sent(kind, read_str(required(record.get("target"), "target"), "target") or "")


def _capabilities(value: Any, field: str) -> frozenset[Capability]:
    flags = read_object(value, field) or {}
    return frozenset(
        cap for cap in (Capability.VOICE, Capability.SMS) if read_bool(flags.get(cap.value), f"{field}.{cap.value}")
    )


def _did(item: Any, provider: str) -> DID:
    """The one reader of a number record."""
    record = _record(item)
    currency = read_str(record.get("currency"), "currency") or "USD"
    routes = read_each(record.get("routes") or [], "routes", _route)
    return new_did(
        read_str(required(record.get("sid"), "sid"), "sid"),
        provider,
        read_e164(required(record.get("phone_number"), "phone_number"), "phone_number"),
        read_str(record.get("country"), "country"),
        None,
        None,
        _STATUS.get(read_str(record.get("status"), "status") or "", NumberStatus.UNKNOWN),
        _capabilities(record.get("capabilities"), "capabilities"),
        None,
        tuple(attrs.evolve(route, priority=index) for index, route in enumerate(routes, start=1)),
        None,
        read_money(record.get("monthly_price"), "monthly_price", currency),
        None,
        read_name(record.get("friendly_name"), "friendly_name"),
        read_datetime(record.get("date_created"), "date_created"),
        None,
        None,
        (),
        None,
        record,
    )


def _offer(item: Any, provider: str, country: str) -> AvailableNumber:
    item = _record(item)
    currency = read_str(item.get("currency"), "currency") or "USD"
    return AvailableNumber(
        provider=provider,
        number=read_e164(required(item.get("phone_number"), "phone_number"), "phone_number"),
        country=country,
        capabilities=_capabilities(item.get("capabilities"), "capabilities"),
        setup_price=read_money(item.get("setup_price"), "setup_price", currency),
        monthly_price=read_money(item.get("monthly_price"), "monthly_price", currency),
        raw=item,
    )


def _area_code(value: Any) -> str:
    if not isinstance(value, str) or not (len(value) == 3 and value.isdigit()):
        raise InvalidInputError(f"area_code must be three digits, got {value!r}")
    return value


class ToyOperations(ProviderOperations):
    server_filters = frozenset({"status", "number_contains"})
    number_filters = Declared("filter", {"area_code": Param("North American numbers in this area code", _area_code)})
    update_fields = Declared(
        "update field",
        {
            "emergency_enabled": Param("route emergency calls", check_flag("emergency_enabled")),
        },
    )

    def __init__(self, context: OperationContext) -> None:
        super().__init__(context)
        options = OPTIONS.check(context.options, provider=NAME, error=ConfigurationError, defaults=True)
        self._cache = ExpiringCache(float(options["coverage_ttl"]), context.clock)
        self._window = SettleWindow.from_options(context.options)

    def classify(self, response: HttpResponse, request: HttpRequest) -> ProviderError | None:
        try:
            body = None if response.ok else response.json()
        except ProviderError:  # not JSON (a proxy's HTML page): the status says enough
            body = None
        if isinstance(body, dict) and body.get("code") == 21452:
            return NumberUnavailableError(str(body.get("message")), provider=NAME, status_code=response.status_code)
        return default_classify(response, request)

    def _read(self, body: Any, read: Callable[..., T], *args: Any) -> T:
        """``read(body, *args)``; a field no form fits is the ResponseFormatError naming it."""
        try:
            return read(body, *args)
        except FieldError as error:
            raise error.response_error(NAME) from None

    def list_countries(self) -> Operation[list[Country]]:
        def fetch() -> Operation[list[Country]]:
            response = yield HttpRequest("GET", "/countries", operation="countries")
            body = self._read(response.json(), _record)
            return self._read(body.get("countries"), read_each, "countries", _country)

        countries: list[Country] = yield from self._cache.get("countries", fetch)
        return countries

    def list_regions(self, country: str) -> Operation[list[Region]]:
        def fetch() -> Operation[list[Region]]:
            response = yield HttpRequest("GET", url_path("/countries/{iso}/regions", iso=country), operation="regions")
            body = self._read(response.json(), _record)
            return self._read(body.get("regions"), read_each, "regions", _region, country)

        regions: list[Region] = yield from self._cache.get(("regions", country), fetch)
        return regions

    def list_cities(self, country: str, region: str | None) -> Operation[list[City]]:
        regions = yield from self.list_regions(country)
        if region is not None and not matching_regions(country, regions, region):
            raise unknown_place("region", region, [r.name for r in regions], provider=NAME, country=country)
        return []  # toycarrier sells by country and area code, not by city

    def search_numbers(self, query: SearchQuery) -> Stream:
        def fetch(page: int) -> Operation[Page[AvailableNumber]]:
            params = {"country": query.country, "contains": query.contains, "page": page}
            response = yield HttpRequest("GET", "/available", params=params, operation="search")
            body = self._read(response.json(), _record)
            offers = self._read(body.get("numbers"), read_each, "numbers", _offer, NAME, query.country)
            return Page(offers, total_pages=self._read(body.get("total_pages"), read_int, "total_pages"))

        yield from numbered_pages(fetch)

    def _order(self, body: Any) -> Order:
        def read(item: Any) -> Order:
            body = _record(item)
            return Order(
                id=read_str(required(body.get("sid"), "sid"), "sid") or "",
                provider=NAME,
                status=OrderStatus.COMPLETED if body.get("status") == "completed" else OrderStatus.PENDING,
                reference=read_str(body.get("reference"), "reference"),
                numbers=tuple(read_each(body.get("numbers"), "numbers", _did, NAME)),
                created_at=read_datetime(body.get("date_created"), "date_created"),
                raw=body,
            )

        order: Order = self._read(body, read)
        return order

    def purchase(self, offer: AvailableNumber, reference: str | None, wait: float) -> Operation[Order]:
        form = {"PhoneNumber": offer.number, "Reference": reference}
        try:
            response = yield HttpRequest("POST", "/orders", form=form, idempotent=False, operation="purchase")
        except ProviderError as error:
            if not error.outcome_unknown:
                raise
            found: Order = yield from settle_purchase(
                error,
                lambda: self._look(offer, reference),
                window=self._window,
                clock=self.context.clock,
                what=f"the purchase of {offer.number}",
                reference=reference,
            )
            return found
        return self._order(response.json())

    def _look(self, offer: AvailableNumber, reference: str | None) -> Operation[Order | None]:
        if reference is None:
            owned = yield from first_emitted(self.list_numbers(NumberFilter()), lambda d: d.number == offer.number)
            return (
                None
                if owned is None
                else Order(id=owned.id, provider=NAME, status=OrderStatus.COMPLETED, numbers=(owned,))
            )
        response = yield HttpRequest("GET", "/orders", params={"reference": reference}, operation="find order")
        orders = self._read(self._read(response.json(), _record).get("orders"), read_list, "orders")
        return self._order(orders[0]) if orders else None

    def get_order(self, order_id: str) -> Operation[Order]:
        response = yield HttpRequest("GET", url_path("/orders/{sid}", sid=order_id), operation="order")
        return self._order(response.json())

    def list_numbers(self, filters: NumberFilter) -> Stream:
        params = {
            "status": ",".join(sorted(s.value for s in filters.status)) or None,
            "contains": filters.number_contains,
            **filters.carrier,
        }

        def fetch(token: str | None) -> Operation[Page[DID]]:
            response = yield HttpRequest("GET", "/numbers", params={**params, "page_token": token}, operation="numbers")
            body = self._read(response.json(), _record)
            dids = self._read(body.get("numbers"), read_each, "numbers", _did, NAME)
            return Page(dids, next=self._read(body.get("next_page_token"), read_str, "next_page_token"))

        yield from linked_pages(fetch, None)

    def get_number(self, ref: NumberRef) -> Operation[DID]:
        if ref.id is None:
            digits = (ref.number or "").lstrip("+")
            found: DID | None = yield from first_emitted(
                self.list_numbers(NumberFilter(number_contains=digits)), lambda d: d.number == ref.number
            )
            if found is None:
                raise NotFoundError(f"{NAME} owns no number {ref.number}", provider=NAME)
            return found
        response = yield HttpRequest("GET", url_path("/numbers/{sid}", sid=ref.id), operation="number")
        did: DID = self._read(response.json(), _did, NAME)
        return did

    def _post(self, ref: NumberRef, form: Sequence[tuple[str, str]]) -> Operation[DID]:
        sid = ref.id if ref.id is not None else (yield from self.get_number(ref)).id
        response = yield HttpRequest("POST", url_path("/numbers/{sid}", sid=sid), form=form, idempotent=True)
        did: DID = self._read(response.json(), _did, NAME)
        return did

    def update_number(self, ref: NumberRef, changes: NumberUpdate) -> Operation[DID]:
        form = [("FriendlyName", changes.label or "")] if changes.label is not ... else []
        if "emergency_enabled" in changes.carrier:
            form.append(("EmergencyEnabled", "true" if changes.carrier["emergency_enabled"] else "false"))
        return (yield from self._post(ref, form))

    def set_destinations(self, ref: NumberRef, destinations: Sequence[Destination]) -> Operation[DID]:
        return (yield from self._post(ref, [("Route", f"{_PREFIX[d.kind]}:{d.target}") for d in destinations]))

    def release_number(self, ref: NumberRef) -> Operation[None]:
        sid = ref.id if ref.id is not None else (yield from self.get_number(ref)).id
        yield HttpRequest("DELETE", url_path("/numbers/{sid}", sid=sid), idempotent=True, operation="release")


def _headers(credentials: Credentials) -> Mapping[str, str]:
    return basic_auth(credentials["account_sid"], credentials["auth_token"])


SPEC = ProviderSpec(
    name=NAME,
    default_base_url="https://api.toycarrier.test/v1",
    capabilities=ProviderCapabilities(
        multiple_destinations=True,
        immediate_release=True,
        labels=True,
        specific_numbers=True,
        carrier_side_reference=True,
        destination_kinds={DestinationKind.URL, DestinationKind.SIP_URI, DestinationKind.PSTN},
    ),
    auth_headers=_headers,
    credential_parts={"account_sid": "TOYCARRIER_ACCOUNT_SID", "auth_token": "TOYCARRIER_AUTH_TOKEN"},
    operations=ToyOperations,
    emulator=ToyEmulator,
    emulator_base_path="/v1",
    number_id=IdShape(r"PN[0-9a-f]{32}", "toycarrier number ids are PN and 32 hex digits"),
    order_id=IdShape(r"OR[0-9a-f]{32}", "toycarrier order ids are OR and 32 hex digits"),
)


class AsyncToyProvider(AsyncProvider):
    spec = SPEC


class ToyProvider(SyncProvider):
    spec = SPEC
    async_class = AsyncToyProvider
