"""DIDWW's operations as sans-I/O generators on didkit's engine and JSON:API layer."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from didkit import (
    DID,
    AvailableNumber,
    City,
    Country,
    Destination,
    DestinationKind,
    EndUser,
    Hold,
    MessagingKind,
    MessagingRoute,
    NumberStatus,
    NumberType,
    Order,
    OrderStatus,
    ProviderCapabilities,
    Region,
    Registration,
    Requirements,
)
from didkit import SearchQuery as _SearchQuery
from didkit.adapter import IdShape, NumberRef, OperationContext, ProviderOperations
from didkit.engine import Emit, HttpRequest, HttpResponse, Operation, Sleep, Stream, url_path
from didkit.errors import (
    AmbiguousPurchaseError,
    ConfigurationError,
    DeadlineExceededError,
    InvalidInputError,
    NotFoundError,
    NumberUnavailableError,
    PermissionDeniedError,
    ProviderError,
    RequestRejectedError,
    UnsupportedOperationError,
)
from didkit.jsonapi import Document, Resource, query, to_one
from didkit.kit import (
    Declared,
    ExpiringCache,
    NumberFilter,
    NumberUpdate,
    Page,
    Param,
    check_flag,
    check_number,
    collect,
    linked_pages,
)
from didkit.places import matching_cities, matching_regions, unknown_place
from didkit.reconcile import SettleWindow, settle_purchase
from didkit.schema import SchemaSet
from didkit.validation import lenient_e164, region_of

from . import _catalog as catalog
from . import _regulatory as regulatory
from ._errors import ORDER_OPERATION, classify
from ._mapping import (
    FEATURE_FOR_CAPABILITY,
    Group,
    Memo,
    SmsTrunk,
    Trunk,
    attributes,
    city_from,
    country_from,
    did_from,
    group_from,
    group_trunks,
    number_offer,
    number_type_for,
    order_attributes,
    order_from,
    order_status,
    parse_sip,
    region_from,
    sku_offers,
    sms_group_trunks,
    sms_trunk_from,
    trunk_from,
)
from ._versions import api_version
from ._wire import PROVIDER, AvailableDidAttributes, NamedAttributes, ReservationAttributes

logger = logging.getLogger("didkit")

SCHEMAS = SchemaSet("didkit_didww")
"""Where the ``dids`` schema describes a DID's attributes."""

DID_INCLUDE: tuple[str, ...] = (
    "did_group",
    "did_group.country",
    "did_group.region",
    "did_group.city",
    "voice_in_trunk",
    "voice_in_trunk_group",
    "voice_in_trunk_group.voice_in_trunks",
)
"""What every DID read includes: enough to normalise country, capabilities and destinations."""
SMS_INCLUDE: tuple[str, ...] = ("sms_trunk", "sms_trunk_group", "sms_trunk_group.sms_trunks")
"""What DID reads add where the API version has SMS trunks: enough to read ``DID.messaging``."""

GROUP_INCLUDE: tuple[str, ...] = ("stock_keeping_units", "did_group_type", "region", "city")

HOLD_GROUP = "available_did.did_group."
"""Where a reservation's group is, in an include path (its SKUs price the held number)."""

SEARCH_PAGE_SIZE = 100
SMS_WEBHOOK_BODY = '{"from":"{SMS_SRC_ADDR}","to":"{SMS_DST_ADDR}","text":"{SMS_TEXT}","time":"{SMS_TIME}"}'
"""What an SMS trunk didkit creates posts (JSON; DIDWW fills the placeholders): the body of the
http_in example in DIDWW's 2026-11-19 sms-trunk pages."""
_UUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_UUID = re.compile(_UUID_PATTERN, re.ASCII)
_UUID_SHAPE = "DIDWW ids are UUIDs such as 9df99644-f1a5-4a3c-99a4-559d758eb96b"
NUMBER_ID = IdShape(rf"{_UUID_PATTERN}|[0-9]{{7,15}}", _UUID_SHAPE)
"""A DID's id; the digits of a number (without ``+``) are taken too, and looked up."""
ORDER_ID = IdShape(_UUID_PATTERN, _UUID_SHAPE)
RESERVATION_LIMIT = 10
"""Reservations DIDWW lets an account hold at once by default ("capped by its plan"); each
lasts 10 minutes."""
_NAME_LIMIT = 100

def _http_url(value: Any) -> str:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise InvalidInputError(f"callback_url must be an http(s) URL, got {value!r}")
    return value


def _callback_method(value: Any) -> str:
    if str(value).lower() not in ("get", "post"):
        raise InvalidInputError(f"callback_method must be 'get' or 'post', got {value!r}")
    return str(value).lower()


OPTIONS = Declared(
    "option",
    {
        "api_version": Param('"2026-11-19" (the default) or "2026-04-16"'),
        "auth_url": Param("the token service's root (2026-11-19; didkit appends /token)"),
        "token_lifetime": Param("seconds a minted token lives (60-3600, default 900)"),
        "coverage_ttl": Param(
            "seconds countries, regions, cities and DID group types stay cached (default 3600; 0 disables)",
            check_number("coverage_ttl", minimum=0),
            default=3600.0,
        ),
        "page_size": Param(
            "page[size] for listings (default: the API version's maximum)", check_number("page_size", minimum=1)
        ),
        "allow_back_ordering": Param("sent with every order", bool),
        "callback_url": Param("sent with every order", _http_url),
        "callback_method": Param('"get" or "post", sent with every order', _callback_method),
        "poll_interval": Param(
            "first pause (seconds) between polls of a pending order (default 1)",
            check_number("poll_interval", minimum=0),
            default=1.0,
        ),
        "poll_max_interval": Param(
            "longest pause between polls of a pending order (default 10)",
            check_number("poll_max_interval", minimum=0),
            default=10.0,
        ),
        "specific_numbers": Param("search also lists specific numbers without contains/prefix", bool),
        "strict_schemas": Param(
            "also validate every response whole against the adapter's JSON Schemas", check_flag("strict_schemas")
        ),
        "settle_window": Param(
            "seconds an order whose outcome is unknown is looked for by its reference before 'no such order' "
            "counts as not bought (default 10; 0 believes the first look)"
        ),
    },
)
"""Adapter options accepted by ``didkit.connect("didww", ...)``."""


STATUS_NARROWING: Mapping[NumberStatus, Mapping[str, str]] = {
    NumberStatus.ACTIVE: {"terminated": "false", "awaiting_registration": "false", "blocked": "false"},
    NumberStatus.PENDING: {"terminated": "false", "awaiting_registration": "true"},
    NumberStatus.BLOCKED: {"terminated": "false", "awaiting_registration": "false", "blocked": "true"},
}
"""``filter[...]`` that narrow ``list_numbers(status=...)`` to a superset of one status (the
status is derived from several fields; RELEASING is an "or" no filter can say)."""


def _capacity_limit(value: Any) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise InvalidInputError(f"capacity_limit must be an integer >= 0 or None, got {value!r}")
    return value


UPDATE_FIELDS = Declared(
    "update field",
    {"capacity_limit": Param("calls the number may carry at once; None lifts the limit", _capacity_limit)},
)
"""``update_number(carrier_fields={...})``: DID attributes beyond the neutral ``label``
(``description``) and ``auto_renew`` (``billing_cycles_count``)."""


def number_filters(resources: Mapping[str, catalog.ResourceRules]) -> Declared:
    """``list_numbers(carrier_filters={...})`` for one API version: every ``filter[...]`` its
    ``dids`` collection takes (by DIDWW's name, ``"order.id"``, or spelt ``order_id`` /
    ``order__id``), plus ``include`` and ``sort``."""
    rules = resources["dids"]

    def wire(name: str) -> Param:
        if name == "number":  # DIDWW stores numbers as digits without "+"
            return Param("DIDWW filter[number]", lambda v: catalog.filter_value(name, _digits_of(v)))
        return Param(f"DIDWW filter[{name}]", lambda v: catalog.filter_value(name, v))

    def canonical(key: str) -> str | None:
        try:
            return catalog.normalize_filter_key("dids", key, resources)
        except InvalidInputError:
            return None

    params = {name: wire(name) for name in sorted(rules.filters)}
    params["include"] = Param("more relationships to include", lambda v: catalog.check_include("dids", v, resources))
    params["sort"] = Param("sort fields (-field: descending)", lambda v: catalog.check_sort("dids", v, resources))
    return Declared("filter", params, canonical)


class DidwwOperations(ProviderOperations):
    """DIDWW API v3. Options (extra keyword arguments of ``connect()``):

    * ``api_version`` — ``"2026-11-19"`` (the default: bearer tokens, ``number_type``, SMS
      trunks) or ``"2026-04-16"`` (``Api-Key``; no per-number SMS routing);
    * ``auth_url`` — the token service's root (2026-11-19; didkit appends ``/token``); by
      default DIDWW's for its production and sandbox hosts, and the origin of ``base_url``
      when that is overridden;
    * ``token_lifetime`` — seconds a minted token lives (60–3600, default 900);
    * ``coverage_ttl`` — seconds countries, regions, cities and DID group types stay cached
      (default 3600; 0 disables the cache);
    * ``page_size`` — ``page[size]`` for listings (default: the version's maximum, 100 on
      2026-11-19 and 1000 on 2026-04-16, for owned numbers, cities and trunks; 100 for DID
      groups in searches);
    * ``specific_numbers`` — search also lists specific numbers (``available_dids``) of groups
      that offer them, even without ``contains``/``prefix`` (default ``False``);
    * ``allow_back_ordering``, ``callback_url``, ``callback_method`` (``"get"``/``"post"``) —
      sent with every order;
    * ``poll_interval`` / ``poll_max_interval`` — first and longest pause between polls of a
      pending order (default 1 s / 10 s);
    * ``strict_schemas`` — also validate every response whole against the adapter's JSON Schemas
      (default ``False``: each resource is read field by field, and a value no drifted form
      fits is a :class:`~didkit.ResponseFormatError` naming the field);
    * ``settle_window`` — seconds an order whose outcome is unknown is looked for by its
      ``external_reference_id`` before "no such order" counts as "not bought" (default
      :data:`didkit.reconcile.DEFAULT_SETTLE_WINDOW`, 10; 0 believes the first look).
    """

    server_filters = frozenset({"country"})  # filter[country.id], once the ISO code is DIDWW's id
    update_fields = UPDATE_FIELDS

    def __init__(self, context: OperationContext) -> None:
        super().__init__(context)
        options = OPTIONS.check(context.options, provider="DIDWW", error=ConfigurationError, defaults=True)
        self.version = api_version(options.get("api_version"))
        self.resources = self.version.resources
        self.group_include = tuple(
            path for path in GROUP_INCLUDE if path in self.resources["did_groups"].includes
        )
        self.did_include = DID_INCLUDE + (SMS_INCLUDE if self.version.sms_trunks else ())
        self.coverage_ttl = float(options["coverage_ttl"])
        size = options.get("page_size")
        self.page_size: int | None = None
        if size is not None:
            if size > self.version.page_size_max:
                raise ConfigurationError(f"option page_size must be at most {self.version.page_size_max}, got {size!r}")
            self.page_size = int(size)
        self.specific_numbers = bool(options.get("specific_numbers", False))
        self.strict_schemas: bool = options.get("strict_schemas", False)
        self.allow_back_ordering = bool(options.get("allow_back_ordering", False))
        self.callback_url: str | None = options.get("callback_url")
        self.callback_method: str | None = options.get("callback_method")
        self.poll_interval = float(options["poll_interval"])
        self.poll_max_interval = float(options["poll_max_interval"])
        self._cache = ExpiringCache(self.coverage_ttl, context.clock)
        self.settle = SettleWindow.from_options(options)
        self._warned_versions: set[str] = set()
        self.number_filters = number_filters(self.resources)
        self.available_dids_denied = False
        """Set once DIDWW answered 403 on ``available_dids`` (new accounts, until support enables
        it): searches then offer "any number from this group" instead of specific numbers."""

    # -- plumbing ------------------------------------------------------------------------------

    def classify(self, response: HttpResponse, request: HttpRequest) -> ProviderError | None:
        error = classify(response, request)
        if error is not None and response.status_code == 401 and self.version.auth == "api_key":
            # DIDWW ignores a version header older than the account's default: once the account
            # is upgraded to 2026-11-19, every Api-Key call is refused, however valid the key.
            error.message += (
                f" (with api_version={self.version.name!r} the key is sent as Api-Key, which DIDWW refuses "
                "once the account's default API version is 2026-11-19: connect with api_version='2026-11-19')"
            )
            error.args = (error.message,)
        return error

    def capabilities(self, declared: ProviderCapabilities) -> ProviderCapabilities:
        sms = self.version.sms_trunks
        return attrs.evolve(declared, sms_config=sms, multiple_messaging_routes=sms)

    def _size(self, default: int | None = None) -> int:
        return self.page_size or min(default or self.version.page_size_max, self.version.page_size_max)

    def read(self, response: HttpResponse, schema: str) -> Document:
        """Decode, parse (with ``strict_schemas``, validate against our schema first), and check
        the API version."""
        document = Document.parse(
            self.validated(response, schema),
            provider=PROVIDER,
            status_code=response.status_code,
            request_id=response.request_id,
        )
        self.check_version(document)
        return document

    def validated(self, response: HttpResponse, schema: str) -> Any:
        """The decoded body; with ``strict_schemas``, validated against our schema ``schema``."""
        body = response.json()
        if self.strict_schemas:
            SCHEMAS[schema].validate(
                body, provider=PROVIDER, status_code=response.status_code, request_id=response.request_id
            )
        return body

    def check_version(self, document: Document) -> None:
        """Warn (once per version) when DIDWW answers in an API version didkit does not speak."""
        version = document.meta.get("api_version")
        if isinstance(version, str) and version != self.version.name and version not in self._warned_versions:
            self._warned_versions.add(version)
            logger.warning(
                "didww: the API answered with version %s, not %s (the version didkit speaks); "
                "fields may be missing or shaped differently",
                version,
                self.version.name,
            )

    def _get(self, path: str, params: Sequence[tuple[str, str]], schema: str, operation: str) -> Operation[Document]:
        response = yield HttpRequest("GET", path, params=tuple(params), operation=operation)
        return self.read(response, schema)

    def _pages(
        self,
        path: str,
        params: Sequence[tuple[str, str]],
        schema: str,
        operation: str,
        *,
        size: int | None = None,
        each: Callable[[Page[Document]], Stream] | None = None,
    ) -> Stream:
        """A paginated collection, page by page (each page's document is the page's one item;
        ``each`` turns it into steps, by default emitting the document)."""
        size = size or self._size()

        def fetch(number: int) -> Operation[Page[Document]]:
            page = [*params, ("page[number]", str(number)), ("page[size]", str(size))]
            document = yield from self._get(path, page, schema, operation)
            return Page([document], next=document.next_page(number, size))

        return linked_pages(fetch, 1, each=each) if each is not None else linked_pages(fetch, 1)

    def _collect(
        self, path: str, params: Sequence[tuple[str, str]], schema: str, operation: str
    ) -> Operation[list[Document]]:
        """Every page of a paginated collection."""
        documents: list[Document] = yield from collect(self._pages(path, params, schema, operation))
        return documents

    # -- coverage ------------------------------------------------------------------------------

    def _countries(self) -> Operation[list[Country]]:
        def load() -> Operation[list[Country]]:
            document = yield from self._get("/countries", [], "countries", "list countries")
            found = (country_from(document, resource) for resource in document.resources())
            return [country for country in found if country is not None]

        return (yield from self._cache.get(("countries",), load))

    def _country(self, iso: str) -> Operation[Country | None]:
        for country in (yield from self._countries()):
            if country.code == iso:
                return country
        return None

    def list_countries(self) -> Operation[list[Country]]:
        return list((yield from self._countries()))

    def _regions(self, country: Country) -> Operation[list[Region]]:
        def load() -> Operation[list[Region]]:
            params = query(filters={"country.id": _country_id(country)})
            document = yield from self._get("/regions", params, "regions", "list regions")
            return [region_from(document, resource, country.code) for resource in document.resources()]

        return (yield from self._cache.get(("regions", country.code), load))

    def list_regions(self, country: str) -> Operation[list[Region]]:
        found = yield from self._country(country)
        if found is None:
            return []
        return list((yield from self._regions(found)))

    def _find_region(self, country: Country, name: str) -> Operation[Region]:
        """The region ``name`` names; :class:`~didkit.UnknownPlaceError` when none."""
        regions = yield from self._regions(country)
        found = matching_regions(country.code, regions, name)
        if not found:
            raise unknown_place("region", name, [r.name for r in regions], provider=PROVIDER, country=country.code)
        return found[0]

    def _cities(self, country: Country, region: Region | None) -> Operation[list[City]]:
        def load() -> Operation[list[City]]:
            filters = {"country.id": _country_id(country)}
            if region is not None:
                filters["region.id"] = region.id
            params = query(filters=filters, include="region")
            documents = yield from self._collect("/cities", params, "cities", "list cities")
            name = region.name if region else None
            return [city_from(doc, resource, country.code, name) for doc in documents for resource in doc.resources()]

        return (yield from self._cache.get(("cities", country.code, region.id if region else ""), load))

    def list_cities(self, country: str, region: str | None) -> Operation[list[City]]:
        found = yield from self._country(country)
        if found is None:
            return []
        where: Region | None = None
        if region is not None:
            where = yield from self._find_region(found, region)
        return list((yield from self._cities(found, where)))

    def _find_city(self, country: Country, region: Region | None, name: str) -> Operation[City]:
        """The city ``name`` names (in ``region``); :class:`~didkit.UnknownPlaceError` when none."""
        cities = yield from self._cities(country, region)
        found = matching_cities(country.code, cities, name)
        if not found:
            raise unknown_place(
                "city",
                name,
                [c.name for c in cities],
                provider=PROVIDER,
                country=country.code,
                within=region.name if region else None,
            )
        return found[0]

    def _group_type_ids(self, wanted: Any) -> Operation[list[str]]:
        def load() -> Operation[list[tuple[str, str]]]:
            documents = yield from self._collect("/did_group_types", [], "did_group_types", "list DID group types")
            return [
                (resource.id, attributes(doc, resource, NamedAttributes).name)
                for doc in documents
                for resource in doc.resources()
            ]

        types = yield from self._cache.get(("did_group_types",), load)
        return [type_id for type_id, name in types if number_type_for(name) == wanted]

    # -- search --------------------------------------------------------------------------------

    def search_numbers(self, query_: _SearchQuery) -> Stream:
        country = yield from self._country(query_.country)
        if country is None:
            logger.debug("didww: no coverage in %s", query_.country)
            return
        filters: dict[str, str] = {"country.id": _country_id(country)}
        region: Region | None = None
        if query_.region:
            region = yield from self._find_region(country, query_.region)
            filters["region.id"] = region.id
        if query_.city:
            city = yield from self._find_city(country, region, query_.city)
            filters["city.id"] = city.id
        if query_.number_type is not None and self.version.number_type == "attribute":
            if query_.number_type is NumberType.UNKNOWN:
                return
            filters["number_type"] = query_.number_type.value  # didkit's names are DIDWW's
        elif query_.number_type is not None:
            type_ids = yield from self._group_type_ids(query_.number_type)
            if not type_ids:
                return
            filters["did_group_type.id"] = ",".join(type_ids)
        features: list[str] = []
        for capability in sorted(query_.capabilities, key=lambda c: c.value):
            feature = FEATURE_FOR_CAPABILITY.get(capability)
            if feature is None:
                logger.debug("didww: no DID group feature offers %s", capability.value)
                return
            features.append(feature)
        if features:
            filters["features"] = ",".join(features)
        full_prefix: str | None = None
        npanxx = False
        if query_.prefix:
            full_prefix = (country.prefix or "") + query_.prefix
            if country.prefix == "1" and len(query_.prefix) == 6:
                filters["nanpa_prefix.npanxx"] = query_.prefix
                npanxx = True
            else:
                filters["prefix"] = full_prefix
        filters["is_available"] = "true"
        if query_.contains:
            filters["available_dids_enabled"] = "true"
        specific = bool(query_.contains or query_.prefix or self.specific_numbers)
        params = query(filters=filters, include=self.group_include)

        def offers_of(page: Page[Document]) -> Stream:
            document = page.items[0]
            for resource in document.resources():
                group = group_from(document, resource, country.code)
                if group.is_available is False or not set(features) <= set(group.features):
                    continue
                offers: list[AvailableNumber] | None = None
                if specific and group.available_dids_enabled and not self.available_dids_denied:
                    offers = yield from self._specific_offers(country, group, query_.contains, full_prefix)
                within: list[AvailableNumber] = []
                if npanxx and not query_.contains and query_.prefix:
                    # "any number of this group within the NPA-NXX": ordered with nanpa_prefix_id
                    nanpa = yield from self._nanpa_prefix_id(country, query_.prefix)
                    if nanpa is not None:
                        within = [
                            attrs.evolve(o, offer_ref={**o.offer_ref, "nanpa_prefix_id": nanpa})
                            for o in sku_offers(group)
                        ]
                if offers is None:
                    if query_.contains or (npanxx and not within):
                        continue  # "any number from this group" cannot promise those digits
                    offers = within or sku_offers(group)
                else:
                    offers = offers + within
                if offers:
                    yield Emit(offers)

        size = self._size(SEARCH_PAGE_SIZE)
        yield from self._pages("/did_groups", params, "did_groups", "search DID groups", size=size, each=offers_of)

    def _nanpa_prefix_id(self, country: Country, npanxx: str) -> Operation[str | None]:
        """DIDWW's id of an NPA-NXX (``None`` when it has no numbers behind it)."""

        def load() -> Operation[str | None]:
            params = query(filters={"country.id": _country_id(country), "npanxx": npanxx})
            document = yield from self._get("/nanpa_prefixes", params, "nanpa_prefixes", "find NANPA prefix")
            return next((resource.id for resource in document.resources()), None)

        return (yield from self._cache.get(("nanpa", country.code, npanxx), load))

    def search_notes(self) -> tuple[str, ...]:
        if not self.available_dids_denied:
            return ()
        return (
            "this account may not list specific numbers (available_dids answered 403): its offers are "
            "'any number from this group'; DIDWW support enables available_dids",
        )

    def _specific_offers(
        self, country: Country, group: Group, contains: str | None, full_prefix: str | None
    ) -> Operation[list[AvailableNumber] | None]:
        """:meth:`_number_offers`, or ``None`` where DIDWW denies ``available_dids`` to the
        account (a 403 that support lifts): the search goes on with group offers, and says so."""
        try:
            return (yield from self._number_offers(country, group, contains, full_prefix))
        except PermissionDeniedError as exc:
            self.available_dids_denied = True
            logger.warning(
                "didww: this account may not list specific numbers (%s); searching offers of 'any number "
                "from this group' instead (DIDWW support enables available_dids)",
                exc.message,
            )
            return None

    def _number_offers(
        self, country: Country, group: Group, contains: str | None, full_prefix: str | None
    ) -> Operation[list[AvailableNumber]]:
        filters = {"country.id": _country_id(country), "did_group.id": group.id}
        if contains or full_prefix:
            filters["number_contains"] = contains or full_prefix or ""
        params = query(filters=filters, sort="number")
        document = yield from self._get("/available_dids", params, "available_dids", "search available numbers")
        offers: list[AvailableNumber] = []
        for resource in document.resources():
            wire = attributes(document, resource, AvailableDidAttributes)
            number = lenient_e164(wire.number)
            if number is None:
                logger.debug("didww: skipping available DID %s with number %r", resource.id, wire.number)
                continue
            if full_prefix and not number[1:].startswith(full_prefix):
                continue
            if contains and contains not in number[1:]:
                continue
            offer = number_offer(group, resource.id, number, resource.raw)
            if offer is not None:
                offers.append(offer)
        return offers

    # -- orders --------------------------------------------------------------------------------

    def order_document(
        self, offer: AvailableNumber, reference: str | None, *, quantity: int = 1, reservation_id: str | None = None
    ) -> dict[str, Any]:
        """The ``POST /orders`` body for one offer, ``quantity`` numbers of an "any number" offer,
        or a held number (shaped as DIDWW's SDK fixtures shape it)."""
        ref = offer.offer_ref
        sku_id = ref.get("sku_id")
        if not sku_id:
            raise InvalidInputError("this offer carries no DIDWW sku_id: buy offers that search_numbers() returned")
        item: dict[str, Any] = {"sku_id": sku_id}
        available_did_id = ref.get("available_did_id")
        if reservation_id is not None:
            item["did_reservation_id"] = reservation_id
        elif available_did_id:
            item["available_did_id"] = available_did_id
        elif ref.get("did_reservation_id"):
            item["did_reservation_id"] = ref["did_reservation_id"]
        elif offer.number is not None:
            raise InvalidInputError(
                f"the offer for {offer.number} carries no DIDWW available_did_id: buy offers that search_numbers() "
                "returned"
            )
        else:
            item["qty"] = quantity
            if ref.get("nanpa_prefix_id"):
                item["nanpa_prefix_id"] = ref["nanpa_prefix_id"]
        attributes_: dict[str, Any] = {"items": [{"type": "did_order_items", "attributes": item}]}
        if self.allow_back_ordering and "qty" in item:
            attributes_["allow_back_ordering"] = True
        if self.callback_url:
            attributes_["callback_url"] = self.callback_url
            attributes_["callback_method"] = self.callback_method or "post"
        if reference is not None:
            attributes_["external_reference_id"] = reference
        return {"data": {"type": "orders", "attributes": attributes_}}

    def _find_order(self, reference: str) -> Operation[tuple[Document, Resource] | None]:
        """The order DIDWW stores under ``external_reference_id == reference``, if any
        (completed before pending before canceled; newest first)."""
        params = [
            *query(filters={"external_reference_id": reference}, sort="-created_at"),
            ("page[number]", "1"),
            ("page[size]", "100"),
        ]
        document = yield from self._get("/orders", params, "orders", "find order by reference")
        rank = {OrderStatus.COMPLETED: 0, OrderStatus.PENDING: 1, OrderStatus.CANCELLED: 2}
        best: tuple[int, int, Resource] | None = None
        for position, resource in enumerate(document.resources()):
            attrs_ = order_attributes(document, resource)
            if attrs_.external_reference_id is None or attrs_.external_reference_id != reference:
                continue
            key = (rank.get(order_status(document, resource, attrs_), 3), position, resource)
            if best is None or key[:2] < best[:2]:
                best = key
        return None if best is None else (document, best[2])

    def purchase_quantity(
        self, offer: AvailableNumber, quantity: int, reference: str | None, wait: float
    ) -> Operation[Order]:
        body = self.order_document(offer, reference, quantity=quantity)
        return (yield from self.purchase(offer, reference, wait, body))

    def purchase_hold(self, hold: Hold, reference: str | None, wait: float) -> Operation[Order]:
        body = self.order_document(hold.offer, reference, reservation_id=hold.id)
        try:
            return (yield from self.purchase(hold.offer, reference, wait, body))
        except RequestRejectedError as exc:
            if "did_reservation" not in " ".join(exc.messages):
                raise
            raise NumberUnavailableError(
                f"the hold on {hold.offer.number} lapsed (at {hold.expires_at:%H:%M:%S} UTC) or was released: "
                "nothing was bought",
                provider=PROVIDER,
                status_code=exc.status_code,
                messages=exc.messages,
                request_id=exc.request_id,
            ) from exc

    # -- holds (did_reservations) ----------------------------------------------------------------

    def hold(self, offer: AvailableNumber, ttl: float | None) -> Operation[Hold]:
        available_did_id = offer.offer_ref.get("available_did_id")
        if not available_did_id:
            raise InvalidInputError(
                f"the offer for {offer.number} carries no DIDWW available_did_id: hold offers that search_numbers() "
                "returned"
            )
        if ttl is not None:
            logger.debug("didww: reservations last as long as DIDWW says (ttl=%s not sent)", ttl)
        body = {
            "data": {
                "type": "did_reservations",
                "attributes": {"description": "didkit"},
                "relationships": {"available_did": to_one("available_dids", available_did_id)},
            }
        }
        try:
            response = yield HttpRequest(
                "POST", "/did_reservations", json=body, idempotent=False, operation="hold number"
            )
        except RequestRejectedError as exc:
            raise _hold_error(exc, offer) from exc
        except ProviderError as exc:
            if not exc.outcome_unknown:
                raise
            # The hold may exist: find it, or prove it absent, so that none is left unknown.
            for held in (yield from self._all_holds()):
                if held.offer.offer_ref.get("available_did_id") == available_did_id:
                    logger.info("didww: the hold on %s was made after all (%s)", offer.number, exc.describe())
                    return attrs.evolve(held, offer=offer)
            exc.outcome_unknown = False
            raise
        document = self.read(response, "did_reservation")
        return _hold_from(document, document.one(), offer)

    def release_hold(self, hold: Hold) -> Operation[None]:
        path = url_path("/did_reservations/{id}", id=hold.id)
        try:
            yield HttpRequest("DELETE", path, idempotent=True, operation="release hold")
        except NotFoundError:
            logger.info("didww: hold %s on %s is gone already (lapsed or used)", hold.id, hold.offer.number)

    def list_holds(self) -> Stream:
        holds = yield from self._all_holds()
        if holds:
            yield Emit(holds)

    def _all_holds(self) -> Operation[list[Hold]]:
        """Every reservation (DIDWW caps them at a few), with its number offered as a search
        would offer it: priced at its group's cheapest SKU, which an order for it must name."""
        include = ("available_did", "available_did.did_group", *(HOLD_GROUP + p for p in self.group_include))
        params = query(include=include)
        holds: list[Hold] = []
        for document in (yield from self._collect("/did_reservations", params, "did_reservations", "list holds")):
            for resource in document.resources():
                available = document.related(resource, "available_did")
                if not isinstance(available, Resource):
                    continue
                number = lenient_e164(attributes(document, available, AvailableDidAttributes).number)
                if number is None:
                    continue
                group = document.related(available, "did_group")
                offer = None
                if isinstance(group, Resource):
                    offer = number_offer(group_from(document, group, None), available.id, number, available.raw)
                if offer is None:  # no group or no SKU given: the hold is real, but cannot be bought as is
                    offer = AvailableNumber(
                        provider=PROVIDER,
                        number=number,
                        country=region_of(number),
                        offer_ref={"available_did_id": available.id},
                        raw={"available_did": available.raw},
                    )
                holds.append(_hold_from(document, resource, offer))
        return holds

    def purchase(
        self, offer: AvailableNumber, reference: str | None, wait: float, body: Mapping[str, Any] | None = None
    ) -> Operation[Order]:
        body = body if body is not None else self.order_document(offer, reference)
        found: tuple[Document, Resource] | None = None
        if reference is not None:
            found = yield from self._find_order(reference)
            if found is not None:
                logger.info("didww: order %s already placed for reference %r; not buying again", found[1].id, reference)
        if found is None:
            try:
                response = yield HttpRequest("POST", "/orders", json=body, idempotent=False, operation=ORDER_OPERATION)
            except ProviderError as exc:
                if not exc.outcome_unknown:
                    raise
                found = yield from self._reconcile(exc, reference)
            else:
                try:
                    document = self.read(response, "order")
                    found = (document, document.one())
                except ProviderError as exc:
                    # The order was accepted but its reply is unreadable: it may exist, so find it.
                    exc.outcome_unknown = True
                    found = yield from self._reconcile(exc, reference)
        return (yield from self._settle(found[0], found[1], wait))

    def _reconcile(self, error: ProviderError, reference: str | None) -> Operation[tuple[Document, Resource]]:
        """After an order whose outcome is unknown: find it by reference, or prove it absent over
        the settle window (the kit's; a late commit or a lagging list does not pass for absent)."""
        if reference is None:
            raise AmbiguousPurchaseError(
                "DIDWW order outcome unknown and no reference to look it up by: check your orders before retrying",
                provider=PROVIDER,
                status_code=error.status_code,
                messages=error.messages,
                request_id=error.request_id,
                reference=None,
            ) from error
        found = yield from settle_purchase(
            error,
            lambda: self._find_order(reference),
            window=self.settle,
            clock=self.context.clock,
            what=f"the DIDWW order with reference {reference!r}",
            reference=reference,
            hint="check your orders before retrying",
        )
        logger.info("didww: order %s found by reference %r after an unknown outcome", found[1].id, reference)
        return found

    def _settle(self, document: Document, resource: Resource, wait: float) -> Operation[Order]:
        """Poll a pending order (bounded by ``wait`` seconds), then read its numbers."""
        status = order_status(document, resource, order_attributes(document, resource))
        started = self.context.clock()
        slept = 0.0
        delay = self.poll_interval
        while status is OrderStatus.PENDING and wait > 0:
            remaining = wait - max(self.context.clock() - started, slept)
            if remaining <= 0:
                break
            pause = min(delay, remaining)
            try:
                yield Sleep(pause)
            except DeadlineExceededError:
                break  # the call's deadline: the order is returned as it stands
            slept += pause
            delay = min(max(delay * 1.5, 0.1), max(self.poll_max_interval, self.poll_interval))
            try:
                document = yield from self._get(url_path("/orders/{id}", id=resource.id), [], "order", "get order")
            except ProviderError as exc:
                logger.warning("didww: polling order %s failed (%s); returning it as pending", resource.id, exc)
                break
            resource = document.one()
            status = order_status(document, resource, order_attributes(document, resource))
        numbers: list[DID] = []
        unread = False
        numbers_read = False
        if status is OrderStatus.COMPLETED:
            try:
                numbers = yield from self._order_numbers(resource.id)
                numbers_read = True
            except ProviderError as exc:
                # The purchase happened: failing now would invite a second one. Return the order
                # with numbers_pending; get_order() fills in its numbers later.
                logger.warning("didww: order %s completed but reading its numbers failed (%s)", resource.id, exc)
                unread = True
        return order_from(document, resource, numbers, numbers_read=numbers_read, numbers_unread=unread)

    def _order_numbers(self, order_id: str) -> Operation[list[DID]]:
        params = query(filters={"order.id": order_id}, include=self.did_include)
        documents = yield from self._collect("/dids", params, "dids", "list order numbers")
        return [did_from(doc, resource) for doc in documents for resource in doc.resources()]

    def get_order(self, order_id: str) -> Operation[Order]:
        document = yield from self._get(url_path("/orders/{id}", id=order_id), [], "order", "get order")
        return (yield from self._settle(document, document.one(), 0.0))

    # -- owned numbers -------------------------------------------------------------------------

    def list_params(self, filters: NumberFilter, country_id: str | None = None) -> list[tuple[str, str]]:
        """The ``GET /dids`` query for ``filters`` (the carrier's already checked against
        :attr:`number_filters`); ``country_id`` is DIDWW's id of ``filters.country``."""
        wire = dict(filters.carrier)
        include = wire.pop("include", ())
        sort = wire.pop("sort", None)
        if country_id is not None:
            wire["country.id"] = country_id
        if filters.label and "description" not in wire:
            wire["description"] = filters.label  # DIDWW matches a part of it: narrows, the core checks
        if len(filters.status) == 1:
            for name, value in STATUS_NARROWING.get(next(iter(filters.status)), {}).items():
                wire.setdefault(name, value)  # a superset of the status (several fields make it): the core checks
        features = [FEATURE_FOR_CAPABILITY.get(capability) for capability in filters.capability]
        if features and all(features) and "did_group.features" not in wire:
            wire["did_group.features"] = ",".join(sorted(f for f in features if f))  # narrows, the core checks
        includes = [*self.did_include, *(path for path in include if path not in self.did_include)]
        return query(filters=wire, include=includes, sort=sort)

    def list_numbers(self, filters: NumberFilter) -> Stream:
        country_id: str | None = None
        if filters.country:
            country = yield from self._country(filters.country)
            if country is None:
                return  # DIDWW has no numbers in a country it does not cover
            country_id = _country_id(country)
            if filters.carrier.get("country.id", country_id) != country_id:
                return  # two different countries at once: nothing matches
        params = self.list_params(filters, country_id)

        def dids_of(page: Page[Document]) -> Stream:
            document = page.items[0]
            memo: Memo = {}
            dids = [did_from(document, resource, memo) for resource in document.resources()]
            if dids:
                yield Emit(dids)

        yield from self._pages("/dids", params, "dids", "list numbers", each=dids_of)

    @staticmethod
    def _as_number(ref: NumberRef) -> str | None:
        if ref.number:
            return ref.number
        if ref.id and not _UUID.fullmatch(ref.id) and re.fullmatch(r"[0-9]{7,15}", ref.id):
            return lenient_e164(ref.id)
        return None

    def _by_number(self, number: str) -> Operation[tuple[Document, Resource]]:
        params = [*query(filters={"number": number.lstrip("+")}, include=self.did_include), ("page[size]", "100")]
        document = yield from self._get("/dids", params, "dids", "find number")
        for resource in document.resources():
            if lenient_e164(resource.attributes.get("number")) == number:
                return document, resource
        raise NotFoundError(f"DIDWW has no number {number} on this account", provider=PROVIDER, status_code=None)

    def _fetch(self, did_id: str) -> Operation[tuple[Document, Resource]]:
        params = query(include=self.did_include)
        document = yield from self._get(url_path("/dids/{id}", id=did_id), params, "did", "get number")
        return document, document.one()

    def _locate(self, ref: NumberRef) -> Operation[tuple[str, str | None]]:
        """The DID's id, and its number where known without a request."""
        if ref.did is not None:
            return ref.did.id, ref.did.number
        number = self._as_number(ref)
        if number is not None:
            _, resource = yield from self._by_number(number)
            return resource.id, number
        assert ref.id is not None
        return ref.id, None

    def get_number(self, ref: NumberRef) -> Operation[DID]:
        number = self._as_number(ref) if ref.did is None else None
        if number is not None:
            document, resource = yield from self._by_number(number)
        else:
            did_id = ref.did.id if ref.did is not None else ref.id
            assert did_id is not None
            document, resource = yield from self._fetch(did_id)
        return did_from(document, resource)

    def _patch_did(
        self, did_id: str, attributes_: Mapping[str, Any], relationships: Mapping[str, Any] | None, operation: str
    ) -> Operation[Document]:
        data: dict[str, Any] = {"id": did_id, "type": "dids", "attributes": dict(attributes_)}
        if relationships:
            data["relationships"] = dict(relationships)
        path = url_path("/dids/{id}", id=did_id)
        response = yield HttpRequest("PATCH", path, json={"data": data}, operation=operation)
        return self.read(response, "did")

    @staticmethod
    def did_changes(changes: NumberUpdate) -> dict[str, Any]:
        """didkit's ``update_number`` changes as DIDWW DID attributes."""
        wire: dict[str, Any] = {}
        if changes.label is not ...:
            wire["description"] = changes.label
        if changes.auto_renew is not ...:
            wire["billing_cycles_count"] = None if changes.auto_renew else 0
        wire.update(changes.carrier)
        return wire

    # -- regulation (see _regulatory) ---------------------------------------------------------

    def requirements(self, offer: AvailableNumber) -> Operation[Requirements]:
        return (yield from regulatory.requirements(self, offer))

    def register(self, refs: Sequence[NumberRef], end_user: EndUser) -> Operation[Registration]:
        return (yield from regulatory.register(self, refs, end_user))

    def get_registration(self, registration_id: str) -> Operation[Registration]:
        ORDER_ID.check(registration_id, provider=PROVIDER, what="address verification id")
        return (yield from regulatory.get_registration(self, registration_id))

    def update_number(self, ref: NumberRef, changes: NumberUpdate) -> Operation[DID]:
        wire = self.did_changes(changes)
        did_id, _ = yield from self._locate(ref)
        yield from self._patch_did(did_id, wire, None, "update number")
        document, resource = yield from self._fetch(did_id)
        return did_from(document, resource)

    def release_number(self, ref: NumberRef) -> Operation[None]:
        """``PATCH terminated: true``. DIDWW cancels the number; it stays on the account (and
        reads back as RELEASING) until the end of its billing period, when DIDWW releases it."""
        did_id, _ = yield from self._locate(ref)
        yield from self._patch_did(did_id, {"terminated": True}, None, "release number")

    # -- routing -------------------------------------------------------------------------------

    def set_destinations(self, ref: NumberRef, destinations: Sequence[Destination]) -> Operation[DID]:
        seen: set[tuple[Any, ...]] = set()
        for destination in destinations:
            if destination.kind is DestinationKind.SIP_URI:
                key: tuple[Any, ...] = ("sip", parse_sip(destination.target).key)
            elif destination.kind is DestinationKind.PSTN:
                key = ("pstn", destination.target)
            elif destination.kind is DestinationKind.SIP_TRUNK:
                if not destination.trunk_id:
                    raise InvalidInputError("a SIP_TRUNK destination needs the DIDWW trunk id (Destination.trunk(id))")
                key = ("trunk", destination.trunk_id)
            else:
                raise InvalidInputError(f"DIDWW cannot route to {destination.kind!r}")
            if key in seen:
                raise InvalidInputError(f"destination {destination.target!r} is given twice")
            seen.add(key)
        did_id, number = yield from self._locate(ref)
        if number is None:
            document, resource = yield from self._fetch(did_id)
            number = did_from(document, resource).number
        digits = number.lstrip("+")
        trunks = _TrunkBook()
        if len(destinations) == 1:
            trunk_id = yield from self._trunk_for(destinations[0], digits, trunks, grouped_ok=True, priority=None)
            relationships = {
                "voice_in_trunk": to_one("voice_in_trunks", trunk_id),
                "voice_in_trunk_group": to_one("voice_in_trunk_groups", None),
            }
        else:
            group_id = yield from self._trunk_group_for(destinations, digits, number, trunks)
            relationships = {
                "voice_in_trunk": to_one("voice_in_trunks", None),
                "voice_in_trunk_group": to_one("voice_in_trunk_groups", group_id),
            }
        yield from self._patch_did(did_id, {}, relationships, "set destinations")
        document, resource = yield from self._fetch(did_id)
        return did_from(document, resource)

    # -- messaging (2026-11-19) -----------------------------------------------------------------

    def set_messaging(self, ref: NumberRef, routes: Sequence[MessagingRoute]) -> Operation[DID]:
        """One route: an ``http_in`` SMS trunk posting to its URL (found, or created) on the DID's
        ``sms_trunk``; several: an SMS trunk group of such trunks in priority order (found, or
        created); ``[]``: both relationships cleared. DIDWW routes a DID to a trunk or a group,
        never both: the other relationship is always sent as ``null``."""
        if not self.version.sms_trunks:
            raise UnsupportedOperationError(
                f"DIDWW routes inbound SMS per number from API version 2026-11-19 on; this connection speaks "
                f"{self.version.name} (connect with api_version='2026-11-19')",
                provider=PROVIDER,
            )
        for route in routes:
            if route.kind is not MessagingKind.WEBHOOK:
                raise UnsupportedOperationError(f"DIDWW cannot route SMS to {route.kind.value}", provider=PROVIDER)
        did_id, number = yield from self._locate(ref)
        trunk_id: str | None = None
        group_id: str | None = None
        if len(routes) == 1:
            trunk_id = yield from self._sms_trunk_for(routes[0], _SmsBook(), priority=None)
        elif routes:
            if number is None:
                document, resource = yield from self._fetch(did_id)
                number = did_from(document, resource).number
            group_id = yield from self._sms_group_for(routes, number)
        relationships = {
            "sms_trunk": to_one("sms_trunks", trunk_id),
            "sms_trunk_group": to_one("sms_trunk_groups", group_id),
        }
        yield from self._patch_did(did_id, {}, relationships, "set messaging")
        document, resource = yield from self._fetch(did_id)
        return did_from(document, resource)

    def _load_sms_trunks(self, book: _SmsBook) -> Operation[list[SmsTrunk]]:
        if book.trunks is None:
            params = query(filters={"configuration.type": "http_in"}, include="sms_trunk_group")
            documents = yield from self._collect("/sms_trunks", params, "sms_trunks", "list SMS trunks")
            book.trunks = [sms_trunk_from(doc, resource) for doc in documents for resource in doc.resources()]
        return book.trunks

    def _sms_trunk_for(self, route: MessagingRoute, book: _SmsBook, *, priority: int | None) -> Operation[str]:
        """The id of an ``http_in`` SMS trunk that POSTs to ``route.target``: an existing one
        (for a group, one in no group yet), or a new one."""
        trunks = yield from self._load_sms_trunks(book)
        matches = [
            t for t in trunks
            if t.url == route.target and t.http_method == "post" and t.id not in book.used
            and (priority is None or t.group_id == "")
        ]  # fmt: skip
        if matches:
            book.used.add(matches[0].id)
            return matches[0].id
        attributes_: dict[str, Any] = {
            "name": _unique_name(f"didkit {route.target}", {t.name for t in trunks} | book.names),
            "configuration": {
                "type": "http_in",
                "attributes": {
                    "url": route.target,
                    "http_method": "post",
                    "body_type": "json",
                    "body": SMS_WEBHOOK_BODY,
                    "headers": {"Content-Type": "application/json"},
                    "validate_https_certificate": True,
                    "follow_redirect": False,
                },
            },
        }
        if priority is not None:
            attributes_["priority"] = priority
        document = yield from self._create("sms_trunks", attributes_, "create SMS trunk")
        trunk = sms_trunk_from(document, document.one())
        trunks.append(trunk)
        book.used.add(trunk.id)
        logger.info("didww: created SMS trunk %s for %s", trunk.id, route.target)
        return trunk.id

    def _sms_group_for(self, routes: Sequence[MessagingRoute], number: str) -> Operation[str]:
        """An SMS trunk group whose members post to ``routes``' URLs in this order (DIDWW tries
        higher ``priority`` first): an existing one, or a new one."""
        params = query(include="sms_trunks")
        documents = yield from self._collect("/sms_trunk_groups", params, "sms_trunk_groups", "list SMS trunk groups")
        wanted = [route.target for route in routes]
        for document in documents:
            for group in document.resources():
                members = sms_group_trunks(document, group)
                if members is None or len(members) != len(routes):
                    continue
                priorities = [t.priority for t in members]
                if len(set(priorities)) == len(priorities) and [t.url for t in members] == wanted and all(
                    t.http_method == "post" for t in members
                ):
                    return group.id
        taken = {str(group.attributes.get("name")) for document in documents for group in document.resources()}
        book = _SmsBook(names=taken)
        trunks = yield from self._load_sms_trunks(book)
        by_id = {t.id: t for t in trunks}
        ids: list[str] = []
        for index, route in enumerate(routes):
            priority = (len(routes) - index) * 10  # the first route gets the highest priority
            trunk_id = yield from self._sms_trunk_for(route, book, priority=priority)
            ids.append(trunk_id)
            known = by_id.get(trunk_id)
            if known is not None and known.priority != priority:
                yield from self._set_priority("sms_trunks", trunk_id, priority, "set SMS trunk priority")
        name = _unique_name(f"didkit {number}: " + " > ".join(wanted), taken | {t.name for t in trunks})
        group_id = yield from self._create_group("sms_trunk_groups", "sms_trunks", name, ids, "create SMS trunk group")
        logger.info("didww: created SMS trunk group %s for %s", group_id, number)
        return group_id

    def _load_trunks(self, book: _TrunkBook) -> Operation[list[Trunk]]:
        if book.trunks is None:
            params = query(include="voice_in_trunk_group")
            documents = yield from self._collect("/voice_in_trunks", params, "voice_in_trunks", "list trunks")
            book.trunks = [trunk_from(doc, resource) for doc in documents for resource in doc.resources()]
        return book.trunks

    def _trunk_for(
        self, destination: Destination, digits: str, book: _TrunkBook, *, grouped_ok: bool, priority: int | None
    ) -> Operation[str]:
        """The id of a voice-in trunk routing to ``destination``: named (SIP_TRUNK), found among
        the account's trunks, or created."""
        if destination.kind is DestinationKind.SIP_TRUNK:
            assert destination.trunk_id is not None
            return destination.trunk_id
        trunks = yield from self._load_trunks(book)
        matches = [t for t in trunks if t.routes_to(destination, digits) and t.id not in book.used]
        if not grouped_ok:
            matches = [t for t in matches if t.group_id == ""]
        matches.sort(key=lambda t: t.group_id != "")
        if matches:
            book.used.add(matches[0].id)
            return matches[0].id
        if destination.kind is DestinationKind.SIP_URI:
            configuration = parse_sip(destination.target).configuration()
        else:
            configuration = {"type": "pstn_configurations", "attributes": {"dst": destination.target.lstrip("+")}}
        name = _unique_name(f"didkit {destination.target}", {t.name for t in trunks})
        attributes_: dict[str, Any] = {"name": name}
        if priority is not None:
            attributes_["priority"] = priority
        attributes_["configuration"] = configuration
        document = yield from self._create("voice_in_trunks", attributes_, "create trunk")
        trunk = trunk_from(document, document.one())
        trunks.append(trunk)
        book.used.add(trunk.id)
        logger.info("didww: created voice-in trunk %s for %s", trunk.id, destination.target)
        return trunk.id

    def _trunk_group_for(
        self, destinations: Sequence[Destination], digits: str, number: str, book: _TrunkBook
    ) -> Operation[str]:
        """A voice-in trunk group whose trunks route to ``destinations`` in this order: an
        existing one, or a new one (reusing trunks that are in no group, creating the rest)."""
        params = query(include="voice_in_trunks")
        documents = yield from self._collect("/voice_in_trunk_groups", params, "voice_in_trunk_groups", "list groups")
        for document in documents:
            for group in document.resources():
                members = group_trunks(document, group)
                if members is None or len(members) != len(destinations):
                    continue
                priorities = [t.priority for t in members]
                if len(set(priorities)) != len(priorities):
                    continue
                if all(
                    (d.kind is DestinationKind.SIP_TRUNK and t.id == d.trunk_id) or t.routes_to(d, digits)
                    for t, d in zip(members, destinations, strict=True)
                ):
                    return group.id
        trunks = yield from self._load_trunks(book)
        by_id = {t.id: t for t in trunks}
        ids: list[str] = []
        for priority, destination in enumerate(destinations, start=1):
            trunk_id = yield from self._trunk_for(destination, digits, book, grouped_ok=False, priority=priority)
            ids.append(trunk_id)
            known = by_id.get(trunk_id)
            if known is not None and known.priority != priority:
                yield from self._set_priority("voice_in_trunks", trunk_id, priority, "set trunk priority")
        taken = {str(group.attributes.get("name")) for document in documents for group in document.resources()}
        name = _unique_name(f"didkit {number}: " + " > ".join(d.target for d in destinations), taken)
        group_id = yield from self._create_group(
            "voice_in_trunk_groups", "voice_in_trunks", name, ids, "create trunk group"
        )
        logger.info("didww: created voice-in trunk group %s for %s", group_id, number)
        return group_id

    def _set_priority(self, trunks: str, trunk_id: str, priority: int, operation: str) -> Operation[None]:
        """PATCH one trunk's ``priority`` (``trunks``: its resource type, voice or SMS)."""
        body = {"data": {"id": trunk_id, "type": trunks, "attributes": {"priority": priority}}}
        path = url_path(f"/{trunks}/{{id}}", id=trunk_id)
        response = yield HttpRequest("PATCH", path, json=body, operation=operation)
        self.read(response, trunks[:-1])

    def _create(
        self,
        kind: str,
        attributes: Mapping[str, Any],
        operation: str,
        relationships: Mapping[str, Any] | None = None,
    ) -> Operation[Document]:
        """POST a new resource of ``kind`` (a trunk or trunk group, voice or SMS); the answer."""
        data: dict[str, Any] = {"type": kind, "attributes": attributes}
        if relationships is not None:
            data["relationships"] = relationships
        response = yield HttpRequest("POST", f"/{kind}", json={"data": data}, operation=operation)
        return self.read(response, kind[:-1])

    def _create_group(self, groups: str, members: str, name: str, ids: list[str], operation: str) -> Operation[str]:
        """Create a trunk group (voice or SMS) of ``ids`` in that order; its id."""
        relationship = {"data": [{"type": members, "id": ident} for ident in ids]}
        document = yield from self._create(groups, {"name": name}, operation, {members: relationship})
        return document.one().id


def _hold_from(document: Document, resource: Resource, offer: AvailableNumber) -> Hold:
    wire = attributes(document, resource, ReservationAttributes)
    return Hold(id=resource.id, provider=PROVIDER, offer=offer, expires_at=wire.expires_at, raw=resource.raw)


def _hold_error(error: RequestRejectedError, offer: AvailableNumber) -> ProviderError:
    """DIDWW's 422s on a reservation, in words: the account's limit, or a number gone."""
    text = " ".join(error.messages).lower()
    if "limit" in text:
        return RequestRejectedError(
            f"DIDWW holds at most {RESERVATION_LIMIT} numbers at once by default (meta.available_count of "
            "GET /did_reservations says how many more this account may take) and none is left: release a hold "
            f"(release_hold) or let one lapse before holding {offer.number}",
            provider=PROVIDER,
            status_code=error.status_code,
            messages=error.messages,
            request_id=error.request_id,
        )
    if "reserved" in text or "invalid" in text or "available" in text:
        return NumberUnavailableError(
            f"{offer.number} cannot be held: it is held or bought already, or no longer in stock",
            provider=PROVIDER,
            status_code=error.status_code,
            messages=error.messages,
            request_id=error.request_id,
        )
    return error


def _digits(value: Any) -> Any:
    return re.sub(r"[\s+().\-]", "", value) if isinstance(value, str) else value


def _digits_of(value: Any) -> Any:
    return [_digits(v) for v in value] if isinstance(value, (list, tuple)) else _digits(value)


def _unique_name(base: str, taken: set[str]) -> str:
    """``base`` (cut to DIDWW's practical name length), numbered when the account already has it:
    DIDWW rejects a trunk or trunk group name that is taken."""
    name = base[:_NAME_LIMIT]
    number = 2
    while name in taken:
        suffix = f" ({number})"
        name = base[: _NAME_LIMIT - len(suffix)] + suffix
        number += 1
    return name


def _country_id(country: Country) -> str:
    if not country.id:
        raise InvalidInputError(f"DIDWW country {country.code} has no id")
    return country.id


class _SmsBook:
    """The account's SMS trunks as one ``set_messaging`` call learns them; ``names`` are taken
    by trunk groups (names are unique across trunks and groups)."""

    def __init__(self, names: set[str] | None = None) -> None:
        self.trunks: list[SmsTrunk] | None = None
        self.used: set[str] = set()
        self.names: set[str] = names or set()


class _TrunkBook:
    """The account's trunks as one ``set_destinations`` call learns them."""

    def __init__(self) -> None:
        self.trunks: list[Trunk] | None = None
        self.used: set[str] = set()
