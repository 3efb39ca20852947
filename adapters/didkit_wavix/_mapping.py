"""Wavix wire types → the didkit domain model (and destinations back to Wavix's shape).

Decisions (also in the package docstring):

* Numbers are E.164 with ``+`` whether or not Wavix sent one.
* ``status``: ``active`` → ACTIVE, ``inactive`` → PENDING (Wavix keeps a number bought without
  its documents inactive), anything else → UNKNOWN; case-insensitive.
* ``added``/``paid_until`` → aware UTC datetimes; a date alone is midnight UTC.
  ``expires_at`` is ``paid_until``. ``auto_renew`` stays ``None``: Wavix does not say.
* Destinations: transport 1 → SIP_URI (``sip:`` added when Wavix sent ``user@host``), 4 → PSTN
  (E.164), 5 → SIP_TRUNK (target = the trunk's login name, ``trunk_id`` = its id). A ``[did]``
  placeholder in a SIP URI is kept as is (Wavix substitutes the called number at call time), so
  reading destinations and setting them again, or on another number, keeps their meaning.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

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
    NumberStatus,
    NumberType,
    Region,
)
from didkit.model import destination_as_sent, new_did
from didkit.readers import (
    FieldError,
    read_bool,
    read_datetime,
    read_e164,
    read_int,
    read_list,
    read_money,
    read_name,
    read_str,
    required,
)
from didkit.validation import country_code_for_name, lenient_e164, normalize_e164, region_of

from ._matching import subdivision_code
from ._wire import WavixCity, WavixCountry, WavixRegion, read_docrefs, read_id, record

logger = logging.getLogger("didkit.wavix")

CURRENCY = "USD"
TRANSPORT_SIP_URI = 1
TRANSPORT_PSTN = 4
TRANSPORT_SIP_TRUNK = 5

#: Document types as Wavix's cart lists them.
DEFAULT_DOC_TYPES: Mapping[str, str] = {"1": "id", "2": "address", "3": "localaddress"}


def iso_of_country(name: str) -> str | None:
    """ISO alpha-2 for a Wavix country name (``"United States"`` → ``"US"``)."""
    return country_code_for_name(name) if name else None


@lru_cache(maxsize=4096)
def number_type_of(number: str) -> NumberType:
    """LOCAL unless the number itself says otherwise (toll-free or mobile ranges)."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return NumberType.LOCAL
    kind = phonenumbers.number_type(parsed)
    if kind == phonenumbers.PhoneNumberType.TOLL_FREE:
        return NumberType.TOLL_FREE
    if kind == phonenumbers.PhoneNumberType.MOBILE:
        return NumberType.MOBILE
    return NumberType.LOCAL


def decode_docs(refs: Iterable[str] | None) -> tuple[str, ...]:
    """Required documents as names (``("id", "address")``): ids decoded through Wavix's usual
    table, names kept."""
    table = DEFAULT_DOC_TYPES
    out: list[str] = []
    for ref in refs or ():
        name = table.get(ref, ref if not ref.isdigit() else f"document type {ref}")
        if name not in out:
            out.append(name)
    return tuple(out)


def to_country(wire: WavixCountry, iso: str, provider: str, raw: Mapping[str, Any]) -> Country:
    import phonenumbers

    calling_code = phonenumbers.country_code_for_region(iso)
    return Country(
        code=iso,
        name=wire.name,
        provider=provider,
        id=str(wire.id),
        prefix=str(calling_code) if calling_code else None,
        has_regions=wire.has_provinces_or_states,
        raw=raw,
    )


def to_region(wire: WavixRegion, country: str, provider: str, raw: Mapping[str, Any]) -> Region:
    return Region(
        id=str(wire.id),
        name=wire.name,
        country=country,
        provider=provider,
        code=subdivision_code(country, wire.name),
        raw=raw,
    )


def to_city(wire: WavixCity, country: str, region: str | None, provider: str, raw: Mapping[str, Any]) -> City:
    return City(
        id=str(wire.id),
        name=wire.name,
        country=country,
        provider=provider,
        region=region,
        area_codes=(wire.area_code,) if wire.area_code else (),
        raw=raw,
    )


_MESSAGING: dict[str, tuple[MessagingRoute, ...]] = {}


def _messaging(relay: str | None) -> tuple[MessagingRoute, ...]:
    """Where Wavix sends a number's inbound SMS: its ``sms_relay_url``, if set (shared between
    records: a route is immutable, and numbers often share one webhook)."""
    if not relay:
        return ()
    found = _MESSAGING.get(relay)
    if found is None:
        found = (MessagingRoute(MessagingKind.WEBHOOK, relay, 1),)
        if len(_MESSAGING) >= 1024:
            _MESSAGING.clear()
        _MESSAGING[relay] = found
    return found


# -- reading records ---------------------------------------------------------------------------------
#
# One reader per record type: each field is read once with the kit's lenient readers (the usual
# shape checked inline, the drifted ones tried only when that fails); a value no form fits is a
# FieldError naming the field. Only fields didkit uses are read.

_UNSURE: Any = object()
_ISO_OF_SHORT_NAME: dict[str, str | None] = {}


def _iso(short_name: str | None, country_name: str | None, number: str) -> str | None:
    if short_name:
        iso: str | None = _ISO_OF_SHORT_NAME.get(short_name, _UNSURE)
        if iso is _UNSURE:
            text = short_name.strip()
            iso = text.upper() if len(text) == 2 and text.isalpha() else None
            if len(_ISO_OF_SHORT_NAME) < 1024:
                _ISO_OF_SHORT_NAME[short_name] = iso
        if iso is not None:
            return iso
    if country_name:
        found = iso_of_country(country_name)
        if found:
            return found
    return region_of(number)


_CAPABILITIES: dict[tuple[bool, bool], frozenset[Capability]] = {}


def _capabilities(sms: bool | None, cnam: bool | None) -> frozenset[Capability]:
    """Voice always; SMS and CNAM where flagged (shared: there are four sets)."""
    key = (bool(sms), bool(cnam))
    found = _CAPABILITIES.get(key)
    if found is None:
        caps = {Capability.VOICE}
        if sms:
            caps.add(Capability.SMS)
        if cnam:
            caps.add(Capability.CNAM)
        found = _CAPABILITIES[key] = frozenset(caps)
    return found


_STATUS = {"active": NumberStatus.ACTIVE, "inactive": NumberStatus.PENDING}


def status_of(value: str | None) -> NumberStatus:
    """``active`` → ACTIVE, ``inactive`` → PENDING (bought, documents pending), else UNKNOWN."""
    return _STATUS.get((value or "").strip().lower(), NumberStatus.UNKNOWN)


_PENDING = NumberStatus.PENDING


def _documents_reason(require_docs: Any, documents: Any) -> str | None:
    """Why an inactive number waits, in Wavix's words: its documents not yet approved (with their
    status), else the document types it requires (``require_docs``)."""
    parts = []
    for item in documents if isinstance(documents, list) else ():
        if isinstance(item, dict):
            state = str(item.get("status") or "").strip().lower()
            if state != "approved":
                parts.append(f"document {item.get('doc_file_name') or item.get('doc_type_id')} {state or 'pending'}")
    refs = read_docrefs(require_docs, "require_docs")
    if not parts and refs:
        parts.append("documents required: " + ", ".join(refs))
    return "; ".join(parts) or None


_DESTINATIONS: dict[tuple[str, int, int, int | None], Destination] = {}
_CACHE_SIZE = 4096


def _destination(target: str, transport: int, rank: int, trunk_id: int | None) -> Destination | None:
    """One route (shared between records: routes repeat, and a Destination is immutable);
    ``None`` for a transport didkit does not model."""
    key = (target, transport, rank, trunk_id)
    found = _DESTINATIONS.get(key)
    if found is None:
        text = target.strip()
        if transport == TRANSPORT_SIP_URI:
            uri = text if text.lower().startswith(("sip:", "sips:")) else "sip:" + text
            found = destination_as_sent(DestinationKind.SIP_URI, uri, rank)
        elif transport == TRANSPORT_PSTN:
            found = destination_as_sent(DestinationKind.PSTN, lenient_e164(text) or text, rank)
        elif transport == TRANSPORT_SIP_TRUNK:
            trunk = str(trunk_id) if trunk_id is not None else None
            found = destination_as_sent(DestinationKind.SIP_TRUNK, text, rank, trunk)
        else:
            logger.debug("wavix: skipping a destination with unknown transport %r", transport)
            return None
        if len(_DESTINATIONS) >= _CACHE_SIZE:
            _DESTINATIONS.clear()
        _DESTINATIONS[key] = found
    return found


def destinations_from(value: Any, field: str = "destination") -> tuple[Destination, ...]:
    """A record's ``destination`` list, in priority order (ties in the order sent; a missing or
    non-positive priority is the entry's position)."""
    entries = read_list(value, field)
    if not entries:
        return ()
    out: list[Destination] = []
    ranks: list[int] = []
    for index, entry in enumerate(entries):
        # Each field: the usual type checked inline, the kit's reader only for anything else.
        try:
            route = entry if type(entry) is dict else record(entry)
            get = route.get
            target, transport = get("destination"), get("transport")
            priority, trunk_id = get("priority"), get("trunk_id")
            if type(target) is not str:
                target = read_str(required(target, "destination"), "destination")
            if type(transport) is not int:
                transport = read_int(required(transport, "transport"), "transport")
            if priority is not None and type(priority) is not int:
                priority = read_int(priority, "priority")
            if trunk_id is not None and type(trunk_id) is not int:
                trunk_id = read_int(trunk_id, "trunk_id")
        except FieldError as error:
            raise error.within(f"{field}[{index}]") from None
        assert target is not None and transport is not None
        rank = priority if priority is not None and priority > 0 else index + 1
        destination = _destination(target, transport, rank, trunk_id)
        if destination is not None:
            ranks.append(rank)
            out.append(destination)
    if len(ranks) > 1 and ranks != sorted(ranks):
        order = sorted(range(len(out)), key=lambda i: (ranks[i], i))
        return tuple(out[i] for i in order)
    return tuple(out)


def number_from(item: Any, provider: str) -> DID:
    """The DID of an owned-number record (``/v1/numbers`` item, ``/v1/numbers/{id}``)."""
    if type(item) is not dict:
        item = record(item)
    get = item.get
    # Each field: the usual type checked inline, the kit's reader only for anything else (which
    # reads the drifted forms or names the field). This runs for every number listed.
    ident, channels, status = get("id"), get("channels"), get("status")
    if type(ident) is not int:
        ident = read_id(ident, "id")
    if channels is not None and type(channels) is not int:
        channels = read_int(channels, "channels")
    status = status.strip().lower() if type(status) is str else read_name(status, "status")
    short_name, country, state, city, label, relay = (
        get("country_short_name"), get("country"), get("state"), get("city"), get("label"), get("sms_relay_url")
    )  # fmt: skip
    if short_name is not None and type(short_name) is not str:
        short_name = read_str(short_name, "country_short_name")
    if country is not None and type(country) is not str:
        country = read_str(country, "country")
    if state is not None and type(state) is not str:
        state = read_str(state, "state")
    if city is not None and type(city) is not str:
        city = read_str(city, "city")
    if label is not None and type(label) is not str:
        label = read_str(label, "label")
    if relay is not None and type(relay) is not str:
        relay = read_str(relay, "sms_relay_url")
    sms, cnam = get("sms_enabled"), get("cnam")
    if sms is not None and type(sms) is not bool:
        sms = read_bool(sms, "sms_enabled")
    if cnam is not None and type(cnam) is not bool:
        cnam = read_bool(cnam, "cnam")
    number = read_e164(required(get("number"), "number"), "number")
    assert number is not None
    destinations = destinations_from(get("destination"))
    number_status = _STATUS.get(status or "", NumberStatus.UNKNOWN)
    return new_did(
        str(ident),  # id
        provider,  # provider
        number,  # number
        _iso(short_name, country, number),  # country
        state or None,  # region
        city or None,  # city
        number_status,  # status
        _capabilities(sms, cnam),  # capabilities
        channels,  # channels
        destinations,  # destinations
        read_money(get("activation_fee"), "activation_fee", CURRENCY),  # setup_price
        read_money(get("monthly_fee"), "monthly_fee", CURRENCY),  # monthly_price
        read_money(get("per_min"), "per_min", CURRENCY),  # per_minute_price
        label or None,  # label
        read_datetime(get("added"), "added"),  # created_at
        read_datetime(get("paid_until"), "paid_until"),  # expires_at
        None,  # auto_renew: Wavix does not say
        _messaging(relay),  # messaging
        _documents_reason(get("require_docs"), get("documents")) if number_status is _PENDING else None,
        item,  # raw
    )


def offer_from(
    item: Any,
    provider: str,
    country: str | None,
    region: str | None,
    city: str | None,
    country_id: int | None = None,
    city_id: int | None = None,
) -> AvailableNumber:
    """An offer (``/dids`` item) in the place it was searched."""
    if type(item) is not dict:
        item = record(item)
    get = item.get
    number = read_e164(required(get("number"), "number"), "number")
    assert number is not None
    ident = read_int(get("id"), "id")
    digits = number[1:]
    ref = {"number": digits, "id": str(ident) if ident is not None else digits}
    if country_id is not None:
        ref["country_id"] = str(country_id)
    if city_id is not None:
        ref["city_id"] = str(city_id)
    short_name = read_str(get("country_short_name"), "country_short_name")
    country_name = read_str(get("country"), "country")
    return AvailableNumber(
        provider=provider,
        number=number,
        country=_iso(short_name, country_name, number) or country,
        region=region,
        city=read_str(get("city"), "city") or city,
        number_type=number_type_of(number),
        capabilities=_capabilities(read_bool(get("sms_enabled"), "sms_enabled"), read_bool(get("cnam"), "cnam")),
        setup_price=read_money(get("activation_fee"), "activation_fee", CURRENCY),
        monthly_price=read_money(get("monthly_fee"), "monthly_fee", CURRENCY),
        per_minute_price=read_money(get("per_min"), "per_min", CURRENCY),
        channels=read_int(get("channels"), "channels"),
        requires_documents=bool(read_docrefs(get("require_docs"), "require_docs")),
        offer_ref=ref,
        raw=item,
    )

# -- domain → wire -----------------------------------------------------------------------------------


def sip_target(uri: str) -> str:
    """A ``sip:`` URI as Wavix stores it: ``user@host[:port]`` (``sip:`` dropped; ``sips:`` kept).

    A URI without a user part gets Wavix's ``[did]`` placeholder, so calls reach the host with
    the called number as the user: ``sip:pbx.example.com`` → ``[did]@pbx.example.com``.
    """
    text = uri.strip()
    scheme, _, rest = text.partition(":")
    if scheme.lower() == "sips":
        return text if "@" in rest else f"sips:[did]@{rest}"
    return rest if "@" in rest else f"[did]@{rest}"


def pstn_target(number: str) -> str:
    """An E.164 number as Wavix stores it: digits, no ``+``."""
    return normalize_e164(number, what="PSTN destination")[1:]


