"""DIDWW resources mapped to didkit's domain model (each record type read once, field by field,
with the kit's lenient readers), and the SIP/PSTN trunk conventions both directions share."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property, lru_cache
from typing import Any

import attrs

from didkit import (
    DID,
    AvailableNumber,
    Capability,
    City,
    Country,
    Destination,
    DestinationKind,
    MessagingKind,
    MessagingRoute,
    Money,
    NumberStatus,
    NumberType,
    Order,
    OrderStatus,
    Region,
)
from didkit.errors import InvalidInputError, ResponseFormatError
from didkit.jsonapi import NOT_INCLUDED, Document, Resource
from didkit.model import destination_as_sent, new_did
from didkit.readers import (
    FieldError,
    read_bool,
    read_datetime,
    read_e164_and_region,
    read_int,
    read_str,
    required,
)
from didkit.validation import lenient_e164, normalize_sip_uri, region_of

from ._wire import (
    PROVIDER,
    CountryAttributes,
    DidGroupAttributes,
    DidGroupMeta,
    NamedAttributes,
    OrderAttributes,
    PstnConfiguration,
    RegionAttributes,
    SipConfiguration,
    SkuAttributes,
    SmsHttpIn,
    SmsTrunkAttributes,
    TrunkAttributes,
    format_error,
    read_attributes,
)

logger = logging.getLogger("didkit")

CURRENCY = "USD"

FEATURE_FOR_CAPABILITY: dict[Capability, str] = {
    Capability.VOICE: "voice_in",
    Capability.SMS: "sms_in",
    Capability.FAX: "t38",
    Capability.EMERGENCY: "emergency",
    Capability.CNAM: "cnam_out",
}
CAPABILITY_FOR_FEATURE = {feature: capability for capability, feature in FEATURE_FOR_CAPABILITY.items()}

_TYPE_NAMES = {
    "local": NumberType.LOCAL,
    "mobile": NumberType.MOBILE,
    "toll_free": NumberType.TOLL_FREE,
    "tollfree": NumberType.TOLL_FREE,
    "national": NumberType.NATIONAL,
    "shared_cost": NumberType.SHARED_COST,
}

_ORDER_STATUS = {
    "pending": OrderStatus.PENDING,
    "completed": OrderStatus.COMPLETED,
    "canceled": OrderStatus.CANCELLED,
    "cancelled": OrderStatus.CANCELLED,
}

SIP_PLACEHOLDERS = ("{DID}", "{CALL_DID}")
_TRANSPORT_UDP, _TRANSPORT_TCP, _TRANSPORT_TLS = 1, 2, 3


# -- helpers ------------------------------------------------------------------------------------


def field_of(document: Document, resource: Resource) -> str:
    """Where ``resource`` sits in ``document`` (``data``, ``data[3]``, ``included[1]``), for errors."""
    data = document.data
    if isinstance(data, Resource) and data is resource:
        return "data"
    if isinstance(data, tuple):
        for index, item in enumerate(data):
            if item is resource:
                return f"data[{index}]"
    raw_included = document.raw.get("included")
    if isinstance(raw_included, list):
        for index, item in enumerate(raw_included):
            if isinstance(item, Mapping) and item.get("type") == resource.type and str(item.get("id")) == resource.id:
                return f"included[{index}]"
    return f"{resource.type}[{resource.id}]"


def attributes(document: Document, resource: Resource, cls: type[Any]) -> Any:
    return read_attributes(resource.attributes, cls, field=lambda: f"{field_of(document, resource)}.attributes")


def money(amount: Any) -> Money | None:
    return None if amount is None else Money(amount, CURRENCY)


def number_type_for(name: str | None) -> NumberType:
    """``"Toll-free"`` → TOLL_FREE, ``"Shared Cost"`` → SHARED_COST; anything else UNKNOWN."""
    if not name:
        return NumberType.UNKNOWN
    key = re.sub(r"[\s\-]+", "_", name.strip().lower())
    return _TYPE_NAMES.get(key, NumberType.UNKNOWN)


def capabilities_for(features: Iterable[str]) -> frozenset[Capability]:
    names = (f.lower() for f in features if isinstance(f, str))
    return frozenset(CAPABILITY_FOR_FEATURE[name] for name in names if name in CAPABILITY_FOR_FEATURE)


def _related_name(document: Document, resource: Resource, name: str) -> str | None:
    related = document.related(resource, name)
    if related is None or related is NOT_INCLUDED:
        return None
    assert isinstance(related, Resource)
    return str(attributes(document, related, NamedAttributes).name)


def _related_country(document: Document, resource: Resource) -> str | None:
    related = document.related(resource, "country")
    if related is None or related is NOT_INCLUDED:
        return None
    assert isinstance(related, Resource)
    iso = str(attributes(document, related, CountryAttributes).iso).upper()
    return iso if re.fullmatch(r"[A-Z]{2}", iso) else None


# -- coverage -----------------------------------------------------------------------------------


def country_from(document: Document, resource: Resource) -> Country | None:
    """A DIDWW country, or ``None`` for a pseudo-country without an ISO code."""
    attrs_ = attributes(document, resource, CountryAttributes)
    iso = attrs_.iso.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", iso):
        logger.debug("didww: skipping country %r without an ISO 3166-1 code (%r)", attrs_.name, attrs_.iso)
        return None
    regions = resource.relationships.get("regions")
    has_regions: bool | None = None
    if regions is not None and regions.present:
        has_regions = bool(regions.data)
    return Country(
        code=iso,
        name=attrs_.name,
        provider=PROVIDER,
        id=resource.id,
        prefix=attrs_.prefix or None,
        has_regions=has_regions,
        raw=resource.raw,
    )


def region_from(document: Document, resource: Resource, country: str) -> Region:
    attrs_ = attributes(document, resource, RegionAttributes)
    code = (attrs_.iso or "").strip().upper()
    # 2026-11-19's draft spec gives ISO 3166-2 with the country part ("US-CA"), 2026-04-16
    # without ("CA"); the model keeps the subdivision part, as for every carrier
    if code.startswith(f"{country}-"):
        code = code[len(country) + 1 :]
    return Region(
        id=resource.id,
        name=attrs_.name,
        country=country,
        provider=PROVIDER,
        code=code or None,
        raw=resource.raw,
    )


def city_from(document: Document, resource: Resource, country: str, region: str | None) -> City:
    attrs_ = attributes(document, resource, NamedAttributes)
    return City(
        id=resource.id,
        name=attrs_.name,
        country=country,
        provider=PROVIDER,
        region=_related_name(document, resource, "region") or region,
        raw=resource.raw,
    )


# -- inventory ----------------------------------------------------------------------------------


@attrs.frozen
class Sku:
    id: str
    setup_price: Money
    monthly_price: Money
    channels: int | None
    raw: Mapping[str, Any]

    @property
    def sort_key(self) -> tuple[Any, ...]:
        return (self.monthly_price.amount, self.setup_price.amount, self.id)


@attrs.frozen
class Group:
    """A DID group with what an offer needs from it and from its included resources."""

    id: str
    features: tuple[str, ...]
    capabilities: frozenset[Capability]
    number_type: NumberType
    area_name: str | None
    region: str | None
    city: str | None
    country: str | None
    available_dids_enabled: bool
    needs_registration: bool
    is_available: bool | None
    skus: tuple[Sku, ...]
    raw: Mapping[str, Any]

    @property
    def cheapest(self) -> Sku | None:
        return min(self.skus, key=lambda s: s.sort_key) if self.skus else None


def group_from(document: Document, resource: Resource, country: str | None) -> Group:
    where = field_of(document, resource)
    attrs_ = attributes(document, resource, DidGroupAttributes)
    meta = read_attributes(resource.meta, DidGroupMeta, field=f"{where}.meta")
    number_type = NumberType.UNKNOWN
    if attrs_.number_type is not None:  # 2026-11-19
        number_type = number_type_for(attrs_.number_type)
    else:
        type_resource = document.related(resource, "did_group_type")
        if isinstance(type_resource, Resource):
            number_type = number_type_for(attributes(document, type_resource, NamedAttributes).name)
    skus: list[Sku] = []
    related_skus = document.related_many(resource, "stock_keeping_units")
    if related_skus is not NOT_INCLUDED:
        assert isinstance(related_skus, tuple)
        for sku in related_skus:
            sku_attrs = attributes(document, sku, SkuAttributes)
            skus.append(
                Sku(
                    id=sku.id,
                    setup_price=Money(sku_attrs.setup_price, CURRENCY),
                    monthly_price=Money(sku_attrs.monthly_price, CURRENCY),
                    channels=sku_attrs.channels_included_count,
                    raw=sku.raw,
                )
            )
    features = tuple(f.lower() for f in attrs_.features)
    return Group(
        id=resource.id,
        features=features,
        capabilities=capabilities_for(features),
        number_type=number_type,
        area_name=attrs_.area_name,
        region=_related_name(document, resource, "region"),
        city=_related_name(document, resource, "city"),
        country=_related_country(document, resource) or country,
        available_dids_enabled=meta.available_dids_enabled,
        needs_registration=meta.needs_registration,
        is_available=meta.is_available,
        skus=tuple(skus),
        raw=resource.raw,
    )


def sku_offers(group: Group, extra_ref: Mapping[str, str] | None = None) -> list[AvailableNumber]:
    """One "any number from this group" offer per SKU."""
    return [
        _offer(
            group,
            sku,
            None,
            group.country,
            {"did_group_id": group.id, "sku_id": sku.id, **(extra_ref or {})},
            {"did_group": group.raw, "stock_keeping_unit": sku.raw},
        )
        for sku in group.skus
    ]


def number_offer(group: Group, available_id: str, number: str, raw: Mapping[str, Any]) -> AvailableNumber | None:
    """An offer for one specific number, priced at its group's cheapest SKU."""
    sku = group.cheapest
    if sku is None:
        return None
    return _offer(
        group,
        sku,
        number,
        region_of(number) or group.country,
        {"did_group_id": group.id, "sku_id": sku.id, "available_did_id": available_id},
        {"available_did": raw, "did_group": group.raw, "stock_keeping_unit": sku.raw},
    )


def _offer(
    group: Group,
    sku: Sku,
    number: str | None,
    country: str | None,
    ref: Mapping[str, str],
    raw: Mapping[str, Any],
) -> AvailableNumber:
    """An offer from ``group`` at ``sku``'s prices."""
    return AvailableNumber(
        provider=PROVIDER,
        number=number,
        country=country,
        region=group.region,
        city=group.city,
        number_type=group.number_type,
        capabilities=group.capabilities,
        setup_price=sku.setup_price,
        monthly_price=sku.monthly_price,
        channels=sku.channels,
        requires_documents=group.needs_registration,
        offer_ref=ref,
        raw=raw,
    )


# -- trunks and destinations --------------------------------------------------------------------


@attrs.frozen
class SipTarget:
    """A SIP URI broken into what a DIDWW SIP configuration holds."""

    scheme: str
    user: str | None
    host: str
    port: int | None
    transport: int

    @property
    def key(self) -> tuple[Any, ...]:
        default_port = 5061 if self.transport == _TRANSPORT_TLS else 5060
        return (self.user or "", self.host.lower().rstrip("."), self.port or default_port, self.transport)

    @property
    def uri(self) -> str:
        user = f"{self.user}@" if self.user else ""
        port = f":{self.port}" if self.port else ""
        suffix = ";transport=tcp" if self.transport == _TRANSPORT_TCP else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}:{user}{host}{port}{suffix}"

    def configuration(self) -> dict[str, Any]:
        """The ``sip_configurations`` attributes that route calls to this URI."""
        attributes: dict[str, Any] = {"username": self.user, "host": self.host, "port": self.port}
        if self.transport != _TRANSPORT_UDP:
            attributes["transport_protocol_id"] = self.transport
        return {"type": "sip_configurations", "attributes": attributes}


def parse_sip(uri: str) -> SipTarget:
    """A (validated) ``sip:``/``sips:`` URI as a :class:`SipTarget`."""
    text = normalize_sip_uri(uri)
    scheme, _, rest = text.partition(":")
    params = ""
    if ";" in rest:
        rest, _, params = rest.partition(";")
    rest = rest.split("?", 1)[0]
    user, _, hostport = rest.rpartition("@")
    if hostport.startswith("["):
        host, _, port_text = hostport[1:].partition("]")
        port_text = port_text.removeprefix(":")
    else:
        host, _, port_text = hostport.partition(":")
    transport = _TRANSPORT_TLS if scheme == "sips" else _TRANSPORT_UDP
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "transport":
            transport = {"udp": _TRANSPORT_UDP, "tcp": _TRANSPORT_TCP, "tls": _TRANSPORT_TLS}.get(
                value.strip().lower(), transport
            )
    return SipTarget(
        scheme="sips" if transport == _TRANSPORT_TLS else "sip",
        user=user or None,
        host=host,
        port=int(port_text) if port_text else None,
        transport=transport,
    )


def _sip_from_configuration(config: SipConfiguration, digits: str | None) -> SipTarget | None:
    if not config.host:
        return None
    user = config.username or None
    if user and digits:
        for placeholder in SIP_PLACEHOLDERS:
            user = user.replace(placeholder, digits)
    transport = config.transport_protocol_id or _TRANSPORT_UDP
    target = SipTarget(
        scheme="sips" if transport == _TRANSPORT_TLS else "sip",
        user=user,
        host=config.host,
        port=config.port,
        transport=transport,
    )
    if digits and digits.isascii() and digits.isdigit():
        valid = _valid_for_any_digits(config)
        if valid is not None:
            return target if valid else None
    try:
        normalize_sip_uri(target.uri)
    except InvalidInputError:
        return None
    return target


_USER_SEPARATORS = frozenset(";?@[]")


@lru_cache(maxsize=256)
def _valid_for_any_digits(config: SipConfiguration) -> bool | None:
    """Whether the URI of ``config`` is valid, the same for any digits in its username's
    placeholders (many DIDs share one trunk whose username is ``{DID}``), or ``None`` when the
    digits could make a difference: a username holding URI separators or whitespace could put
    them in the host part. Otherwise digits only ever stand where the user part allows them."""
    username = config.username or ""
    if any(char in _USER_SEPARATORS or char.isspace() for char in username):
        return None
    user = username
    for placeholder in SIP_PLACEHOLDERS:
        user = user.replace(placeholder, "0")
    transport = config.transport_protocol_id or _TRANSPORT_UDP
    target = SipTarget(
        scheme="sips" if transport == _TRANSPORT_TLS else "sip",
        user=user or None,
        host=config.host or "",
        port=config.port,
        transport=transport,
    )
    try:
        normalize_sip_uri(target.uri)
    except InvalidInputError:
        return False
    return True


@attrs.frozen
class Trunk:
    id: str
    name: str
    priority: int | None
    weight: int | None
    kind: str
    """``"sip"``, ``"pstn"`` or another configuration type."""
    sip: SipConfiguration | None
    pstn_number: str | None
    group_id: str | None
    """The trunk group it belongs to, ``""`` for none, ``None`` when not known."""
    raw: Mapping[str, Any]

    def destination(self, digits: str | None, priority: int = 1) -> Destination:
        """Where this trunk sends calls for the DID with these digits."""
        if self.kind == "sip" and self.sip is not None:
            target = _sip_from_configuration(self.sip, digits)
            if target is not None:
                return destination_as_sent(DestinationKind.SIP_URI, target.uri, priority, self.id)
        if self.kind == "pstn" and self.pstn_number:
            return destination_as_sent(DestinationKind.PSTN, self.pstn_number, priority, self.id)
        return destination_as_sent(DestinationKind.SIP_TRUNK, self.name, priority, self.id)

    def routes_to(self, wanted: Destination, digits: str | None) -> bool:
        """Whether this trunk already sends calls where ``wanted`` says."""
        mine = self.destination(digits)
        if wanted.kind is DestinationKind.PSTN:
            return mine.kind is DestinationKind.PSTN and mine.target == wanted.target
        if wanted.kind is DestinationKind.SIP_URI and mine.kind is DestinationKind.SIP_URI:
            return parse_sip(mine.target).key == parse_sip(wanted.target).key
        return False


def trunk_from(document: Document, resource: Resource) -> Trunk:
    attrs_ = attributes(document, resource, TrunkAttributes)
    config = attrs_.configuration
    kind = "other"
    sip: SipConfiguration | None = None
    pstn: str | None = None
    if isinstance(config, SipConfiguration):
        kind, sip = "sip", config
    elif isinstance(config, PstnConfiguration):
        kind = "pstn"
        pstn = lenient_e164(config.dst) if config.dst else None
    group_id: str | None = None
    rel = resource.relationships.get("voice_in_trunk_group")
    if rel is not None and rel.present:
        group_id = "" if rel.data is None else getattr(rel.data, "id", None)
    return Trunk(
        id=resource.id,
        name=attrs_.name,
        priority=attrs_.priority,
        weight=attrs_.weight,
        kind=kind,
        sip=sip,
        pstn_number=pstn,
        group_id=group_id,
        raw=resource.raw,
    )


def ordered_trunks(trunks: Sequence[Trunk]) -> list[Trunk]:
    """Trunks of a group in routing order: lower ``priority`` first, then heavier ``weight``."""
    indexed = list(enumerate(trunks))
    indexed.sort(
        key=lambda item: (
            item[1].priority if item[1].priority is not None else 1 << 30,
            -(item[1].weight or 0),
            item[0],
        )
    )
    return [trunk for _, trunk in indexed]


def group_trunks(document: Document, group: Resource) -> list[Trunk] | None:
    related = document.related_many(group, "voice_in_trunks")
    if related is NOT_INCLUDED:
        return None
    assert isinstance(related, tuple)
    return ordered_trunks([trunk_from(document, trunk) for trunk in related])


Memo = dict[tuple[str, int], Any]
"""What one page's DIDs share, worked out once: their included groups and trunks, by what they
are and which included resource (alive as long as the document the memo belongs to)."""


class _Route:
    """How one trunk routes every DID of a page, worked out once: the same destination for each
    DID, or a SIP URI whose user part holds the DID's digits, or, where the digits could decide
    whether the URI is valid at all, :meth:`Trunk.destination` for each DID."""

    __slots__ = ("constant", "head", "priority", "tail", "trunk", "user")

    def __init__(self, trunk: Trunk, priority: int) -> None:
        self.trunk = trunk
        self.priority = priority
        self.constant: Destination | None = None
        self.user: str | None = None
        self.head = self.tail = ""
        config = trunk.sip if trunk.kind == "sip" else None
        username = (config.username or "") if config is not None else ""
        if config is None or not config.host or not any(mark in username for mark in SIP_PLACEHOLDERS):
            return  # the digits change nothing: the first DID's destination is every DID's
        if _valid_for_any_digits(config):
            transport = config.transport_protocol_id or _TRANSPORT_UDP
            scheme = "sips" if transport == _TRANSPORT_TLS else "sip"
            bare = SipTarget(scheme=scheme, user=None, host=config.host, port=config.port, transport=transport).uri
            self.user, self.head, self.tail = username, f"{scheme}:", "@" + bare[len(scheme) + 1 :]

    def destination(self, digits: str) -> Destination:
        if self.user is not None and digits.isascii() and digits.isdigit():
            user = self.user
            for placeholder in SIP_PLACEHOLDERS:
                user = user.replace(placeholder, digits)
            uri = self.head + user + self.tail
            return destination_as_sent(DestinationKind.SIP_URI, uri, self.priority, self.trunk.id)
        if self.user is None:
            if self.constant is None:
                self.constant = self.trunk.destination(digits, self.priority)
            return self.constant
        return self.trunk.destination(digits, self.priority)


def _trunk_routes(document: Document, trunk: Resource, memo: Memo | None) -> tuple[_Route, ...]:
    key = ("trunk", id(trunk))
    routes: tuple[_Route, ...] | None = memo.get(key) if memo is not None else None
    if routes is None:
        routes = (_Route(trunk_from(document, trunk), 1),)
        if memo is not None:
            memo[key] = routes
    return routes


def _group_routes(document: Document, group: Resource, memo: Memo | None) -> tuple[_Route, ...]:
    key = ("trunks", id(group))
    routes: tuple[_Route, ...] | None = memo.get(key) if memo is not None else None
    if routes is None:
        trunks = group_trunks(document, group) or []
        routes = tuple(_Route(t, priority) for priority, t in enumerate(trunks, start=1))
        if memo is not None:
            memo[key] = routes
    return routes


def destinations_of(
    document: Document, resource: Resource, digits: str, memo: Memo | None = None
) -> tuple[Destination, ...]:
    """A DID's destinations from its included voice-in trunk or trunk group."""
    trunk = document.related(resource, "voice_in_trunk")
    if isinstance(trunk, Resource):
        return (_trunk_routes(document, trunk, memo)[0].destination(digits),)
    group = document.related(resource, "voice_in_trunk_group")
    if isinstance(group, Resource):
        return tuple(route.destination(digits) for route in _group_routes(document, group, memo))
    return ()


# -- SMS trunks (2026-11-19) --------------------------------------------------------------------


@attrs.frozen
class SmsTrunk:
    """An SMS trunk as routing needs it: its webhook (``http_in`` only) and priority."""

    id: str
    name: str
    priority: int | None
    url: str | None
    """Where an ``http_in`` trunk posts inbound SMS; ``None`` for other kinds."""
    http_method: str | None
    group_id: str | None
    """The SMS trunk group it belongs to, ``""`` for none, ``None`` when not known."""

    def route(self, priority: int = 1) -> MessagingRoute | None:
        return MessagingRoute(MessagingKind.WEBHOOK, self.url, priority) if self.url else None


def sms_trunk_from(document: Document, resource: Resource) -> SmsTrunk:
    attrs_ = attributes(document, resource, SmsTrunkAttributes)
    config = attrs_.configuration
    url = method = None
    if config is not None and config.type == "http_in":
        where = f"{field_of(document, resource)}.attributes.configuration.attributes"
        http_in = read_attributes(config.attributes, SmsHttpIn, field=where)
        url, method = http_in.url or None, (http_in.http_method or "").lower() or None
    group_id: str | None = None
    rel = resource.relationships.get("sms_trunk_group")
    if rel is not None and rel.present:
        group_id = "" if rel.data is None else getattr(rel.data, "id", None)
    return SmsTrunk(resource.id, attrs_.name, attrs_.priority, url, method, group_id)


def ordered_sms_trunks(trunks: Sequence[SmsTrunk]) -> list[SmsTrunk]:
    """An SMS trunk group's members in delivery order: DIDWW tries higher ``priority`` first
    (its documentation; the draft spec's "lower wins" contradicts it and the docs win)."""
    indexed = sorted(enumerate(trunks), key=lambda item: (-(item[1].priority or 0), item[0]))
    return [trunk for _, trunk in indexed]


def sms_group_trunks(document: Document, group: Resource) -> list[SmsTrunk] | None:
    related = document.related_many(group, "sms_trunks")
    if related is NOT_INCLUDED:
        return None
    assert isinstance(related, tuple)
    return ordered_sms_trunks([sms_trunk_from(document, trunk) for trunk in related])


def _messaging(
    document: Document, related: Callable[[Any, str], Any], owner: Any, memo: Memo | None
) -> tuple[MessagingRoute, ...] | None:
    """A DID's inbound SMS routes from its included ``sms_trunk`` or ``sms_trunk_group`` (read
    with ``related``, as :func:`_destinations` reads trunks); ``()`` where neither is set or the
    API version has none; ``None`` where ``related`` answers ``False``. Trunks that are not
    webhooks (e-mail, SMPP) have no :class:`MessagingRoute` kind yet: they are left out (the
    DID's ``raw`` keeps them)."""
    trunk = related(owner, "sms_trunk")
    if trunk is False:
        return None
    if isinstance(trunk, Resource):
        route = sms_trunk_from(document, trunk).route()
        return (route,) if route is not None else ()
    group = related(owner, "sms_trunk_group")
    if group is False:
        return None
    if not isinstance(group, Resource):
        return ()
    key = ("sms", id(group))
    routes: tuple[MessagingRoute, ...] | None = memo.get(key) if memo is not None else None
    if routes is None:
        found = [t.route() for t in sms_group_trunks(document, group) or []]
        routes = tuple(r.with_priority(i) for i, r in enumerate((r for r in found if r is not None), start=1))
        if memo is not None:
            memo[key] = routes
    return routes


# -- owned numbers and orders -------------------------------------------------------------------


def status_for(terminated: bool, awaiting: bool, blocked: bool, cycles: int | None) -> NumberStatus:
    """terminated → RELEASING; awaiting registration → PENDING; blocked → BLOCKED; not renewing
    (``billing_cycles_count == 0``) → RELEASING; else ACTIVE."""
    if terminated:
        return NumberStatus.RELEASING
    if awaiting:
        return NumberStatus.PENDING
    if blocked:
        return NumberStatus.BLOCKED
    if cycles == 0:
        return NumberStatus.RELEASING
    return NumberStatus.ACTIVE


_EXPLAINED = (NumberStatus.PENDING, NumberStatus.BLOCKED)


def _status_reason(document: Document, resource: Resource, status: NumberStatus) -> str:
    """Why a DID is PENDING or BLOCKED: ``awaiting_registration`` (with its address
    verification's status and reject reasons, where the document includes it) or ``blocked``."""
    if status is NumberStatus.BLOCKED:
        return "blocked"
    reason = "awaiting registration"
    verification = document.related(resource, "address_verification")
    if isinstance(verification, Resource):
        get = verification.attributes.get
        state = get("status")
        if isinstance(state, str) and state.strip():
            reason += f"; address verification {state.strip().lower()}"
        reasons = (
            [str(item) for item in get("reject_reasons") or () if item]
            if isinstance(get("reject_reasons"), list)
            else []
        )
        if reasons:
            reason += ": " + "; ".join(reasons)
    return reason


class _GroupFacts:
    """What a DID takes from its DID group, each read the first time a DID asks for it (in the
    order, and with the errors, of reading it for every DID)."""

    def __init__(self, document: Document, group: Resource) -> None:
        self.document = document
        self.group = group

    @cached_property
    def capabilities(self) -> frozenset[Capability]:
        return capabilities_for(attributes(self.document, self.group, DidGroupAttributes).features)

    @cached_property
    def country(self) -> str | None:
        return _related_country(self.document, self.group)

    @cached_property
    def region(self) -> str | None:
        return _related_name(self.document, self.group, "region")

    @cached_property
    def city(self) -> str | None:
        return _related_name(self.document, self.group, "city")


_NO_CAPABILITIES: frozenset[Capability] = frozenset()


def _group_facts(document: Document, group: Resource, memo: Memo | None) -> _GroupFacts:
    key = ("did_group", id(group))
    facts: _GroupFacts | None = memo.get(key) if memo is not None else None
    if facts is None:
        facts = _GroupFacts(document, group)
        if memo is not None:
            memo[key] = facts
    return facts


def did_from(document: Document, resource: Resource, memo: Memo | None = None) -> DID:
    """The DID of a ``dids`` resource. ``memo`` (one per document) shares what DIDs of one page
    have in common, their included DID group and trunks, instead of reading them for each."""
    get = resource.attributes.get
    # Each field: the usual type checked inline, the kit's reader only for anything else (which
    # reads the drifted forms or names the field). This runs for every number listed.
    label, terminated, awaiting, blocked = (
        get("description"), get("terminated", False), get("awaiting_registration", False), get("blocked", False)
    )  # fmt: skip
    cycles, included, dedicated = (
        get("billing_cycles_count"), get("channels_included_count"), get("dedicated_channels_count")
    )  # fmt: skip
    try:
        found = read_e164_and_region(required(get("number"), "number"), "number")
        assert found is not None
        number, country = found
        if label is not None and type(label) is not str:
            label = read_str(label, "description")
        if type(terminated) is not bool:
            terminated = read_bool(terminated, "terminated") is True
        if type(awaiting) is not bool:
            awaiting = read_bool(awaiting, "awaiting_registration") is True
        if type(blocked) is not bool:
            blocked = read_bool(blocked, "blocked") is True
        if cycles is not None and type(cycles) is not int:
            cycles = read_int(cycles, "billing_cycles_count")
        if included is not None and type(included) is not int:
            included = read_int(included, "channels_included_count")
        if dedicated is not None and type(dedicated) is not int:
            dedicated = read_int(dedicated, "dedicated_channels_count")
        created = read_datetime(get("created_at"), "created_at")
        expires = read_datetime(get("expires_at"), "expires_at")
    except FieldError as error:
        raise format_error(error, f"{field_of(document, resource)}.attributes") from None
    capabilities, country, region, city = _group_parts(document, document.related(resource, "did_group"), country, memo)
    messaging = _messaging(document, document.related, resource, memo)
    assert messaging is not None  # related() always answers
    channels: int | None = None
    if included is not None or dedicated is not None:
        channels = (included or 0) + (dedicated or 0)
    status = status_for(terminated, awaiting, blocked, cycles)
    return new_did(
        resource.id,  # id
        PROVIDER,  # provider
        number,  # number
        country,  # country
        region,  # region
        city,  # city
        status,  # status
        capabilities,  # capabilities
        channels,  # channels
        destinations_of(document, resource, number[1:], memo),  # destinations
        None,  # setup_price
        None,  # monthly_price
        None,  # per_minute_price
        label,  # label
        created,  # created_at
        expires,  # expires_at
        cycles != 0,  # auto_renew
        messaging,  # messaging
        _status_reason(document, resource, status) if status in _EXPLAINED else None,  # status_reason
        resource.raw,  # raw
    )


_GroupParts = tuple[frozenset[Capability], "str | None", "str | None", "str | None"]


def _group_parts(document: Document, group: Any, country: str | None, memo: Memo | None) -> _GroupParts:
    """What a DID takes from its DID group (``group``, as :meth:`Document.related` gives it):
    capabilities, country (the number's own, else the group's), region and city."""
    if not isinstance(group, Resource):
        return _NO_CAPABILITIES, country, None, None
    facts = _group_facts(document, group, memo)
    return facts.capabilities, country or facts.country, facts.region, facts.city


def order_status(document: Document, resource: Resource, attrs_: OrderAttributes) -> OrderStatus:
    status = _ORDER_STATUS.get(attrs_.status.strip().lower())
    if status is None:
        field = f"{field_of(document, resource)}.attributes.status"
        raise ResponseFormatError(
            f"DIDWW field {field!r} has an unknown order status {attrs_.status!r}", provider=PROVIDER, field=field
        )
    return status


def order_attributes(document: Document, resource: Resource) -> OrderAttributes:
    result: OrderAttributes = attributes(document, resource, OrderAttributes)
    return result


def order_from(
    document: Document,
    resource: Resource,
    numbers: Sequence[DID] = (),
    *,
    numbers_read: bool = False,
    numbers_unread: bool = False,
) -> Order:
    """The order. With ``numbers_read`` (its DIDs were listed), a completed order that delivered
    fewer numbers than its items asked for is :attr:`OrderStatus.PARTIAL`; ``numbers_unread``: it
    completed, but reading its numbers failed (``numbers_pending``)."""
    attrs_ = order_attributes(document, resource)
    status = order_status(document, resource, attrs_)
    if (
        numbers_read
        and status is OrderStatus.COMPLETED
        and attrs_.requested is not None
        and len(numbers) < attrs_.requested
    ):
        status = OrderStatus.PARTIAL
    return Order(
        id=resource.id,
        provider=PROVIDER,
        status=status,
        requested=attrs_.requested,
        reference=attrs_.external_reference_id,
        numbers=tuple(numbers),
        total=money(attrs_.amount),
        created_at=attrs_.created_at,
        raw=resource.raw,
        numbers_pending=status is OrderStatus.PENDING or (status is OrderStatus.COMPLETED and numbers_unread),
    )
