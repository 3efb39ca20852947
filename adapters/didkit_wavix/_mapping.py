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
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
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
    Money,
    NumberStatus,
    NumberType,
    Region,
)
from didkit.model import new_did
from didkit.validation import country_code_for_name, lenient_e164, normalize_e164, region_of

from ._matching import subdivision_code
from ._wire import (
    UNSURE,
    WavixCity,
    WavixCountry,
    WavixDestination,
    WavixDocType,
    WavixNumber,
    WavixOffer,
    WavixRegion,
    parse_amount,
    quick_docref,
    quick_phone,
    quick_timestamp,
)

logger = logging.getLogger("didkit.wavix")

CURRENCY = "USD"
TRANSPORT_SIP_URI = 1
TRANSPORT_PSTN = 4
TRANSPORT_SIP_TRUNK = 5

#: Document types as Wavix's cart lists them; used when a response carries no ``doc_types`` table.
DEFAULT_DOC_TYPES: Mapping[str, str] = {"1": "id", "2": "address", "3": "localaddress"}


def money(amount: Decimal | None) -> Money | None:
    return None if amount is None else Money(amount, CURRENCY)


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


def decode_docs(refs: Iterable[str] | None, doc_types: Sequence[WavixDocType] = ()) -> tuple[str, ...]:
    """Required documents as names (``("id", "address")``): ids decoded through the response's
    ``doc_types`` table (falling back to Wavix's usual table), names kept."""
    table = dict(DEFAULT_DOC_TYPES)
    table.update({str(t.id): t.name for t in doc_types})
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


_ISO_OF_SHORT_NAME: dict[str, str | None] = {}


def _iso(short_name: str | None, country_name: str | None, number: str) -> str | None:
    if short_name:
        iso: str | None = _ISO_OF_SHORT_NAME.get(short_name, UNSURE)
        if iso is UNSURE:
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


def _capabilities(sms: bool | None, cnam: bool | None) -> frozenset[Capability]:
    caps = {Capability.VOICE}
    if sms:
        caps.add(Capability.SMS)
    if cnam:
        caps.add(Capability.CNAM)
    return frozenset(caps)


def to_offer(
    wire: WavixOffer,
    raw: Mapping[str, Any],
    *,
    provider: str,
    country: str | None,
    region: str | None,
    city: str | None,
    country_id: int | None = None,
    city_id: int | None = None,
) -> AvailableNumber:
    digits = wire.number[1:]
    ref = {"number": digits, "id": str(wire.id) if wire.id is not None else digits}
    if country_id is not None:
        ref["country_id"] = str(country_id)
    if city_id is not None:
        ref["city_id"] = str(city_id)
    return AvailableNumber(
        provider=provider,
        number=wire.number,
        country=_iso(wire.country_short_name, wire.country, wire.number) or country,
        region=region,
        city=wire.city or city,
        number_type=number_type_of(wire.number),
        capabilities=_capabilities(wire.sms_enabled, wire.cnam),
        setup_price=money(wire.activation_fee),
        monthly_price=money(wire.monthly_fee),
        per_minute_price=money(wire.per_min),
        channels=wire.channels,
        requires_documents=bool(wire.require_docs),
        offer_ref=ref,
        raw=raw,
    )


def status_of(value: str | None) -> NumberStatus:
    text = (value or "").strip().lower()
    if text == "active":
        return NumberStatus.ACTIVE
    if text == "inactive":
        return NumberStatus.PENDING
    return NumberStatus.UNKNOWN


def to_destinations(wires: Sequence[WavixDestination] | None) -> tuple[Destination, ...]:
    out: list[tuple[int, int, Destination]] = []
    for index, wire in enumerate(wires or ()):
        priority = wire.priority if wire.priority is not None and wire.priority > 0 else index + 1
        target = wire.destination.strip()
        if wire.transport == TRANSPORT_SIP_URI:
            uri = target if target.lower().startswith(("sip:", "sips:")) else "sip:" + target
            destination = Destination(DestinationKind.SIP_URI, uri, priority)
        elif wire.transport == TRANSPORT_PSTN:
            destination = Destination(DestinationKind.PSTN, lenient_e164(target) or target, priority)
        elif wire.transport == TRANSPORT_SIP_TRUNK:
            trunk_id = str(wire.trunk_id) if wire.trunk_id is not None else None
            destination = Destination(DestinationKind.SIP_TRUNK, target, priority, trunk_id)
        else:
            logger.debug("wavix: skipping a destination with unknown transport %r", wire.transport)
            continue
        out.append((priority, index, destination))
    return tuple(d for _, _, d in sorted(out, key=lambda item: (item[0], item[1])))


def messaging_of(relay: str | None) -> tuple[MessagingRoute, ...]:
    """Where Wavix sends a number's inbound SMS: its ``sms_relay_url``, if set."""
    return (MessagingRoute(MessagingKind.WEBHOOK, relay, 1),) if relay else ()


def to_did(wire: WavixNumber, raw: Mapping[str, Any], *, provider: str) -> DID:
    created: datetime | None = wire.added
    expires: datetime | None = wire.paid_until
    return DID(
        id=str(wire.id),
        provider=provider,
        number=wire.number,
        country=_iso(wire.country_short_name, wire.country, wire.number),
        region=wire.state or None,
        city=wire.city or None,
        status=status_of(wire.status),
        capabilities=_capabilities(wire.sms_enabled, wire.cnam),
        channels=wire.channels,
        destinations=to_destinations(wire.destination),
        setup_price=money(wire.activation_fee),
        monthly_price=money(wire.monthly_fee),
        per_minute_price=money(wire.per_min),
        label=wire.label or None,
        created_at=created,
        expires_at=expires,
        auto_renew=None,
        messaging=messaging_of(wire.sms_relay_url),
        raw=raw,
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


# -- the lean path for listings ------------------------------------------------------------------
#
# ``GET /v1/numbers`` pages carry 100 records each; structuring every one through cattrs and the
# wire types costs several times what decoding the page does. :func:`did_from_item` builds the DID
# straight from a (schema-valid) record when every field has the shape Wavix usually sends, with
# the same result ``to_did(structure(item, WavixNumber), item)`` gives; for anything else it
# returns ``None`` and the caller takes that reference path, which also words any error.

_MONEY: dict[str, Money] = {}
_DESTINATIONS: dict[tuple[str, int, int, int | None], Destination] = {}
_CAPABILITIES: dict[tuple[bool, bool], frozenset[Capability]] = {}
_TRANSPORTS = frozenset({TRANSPORT_SIP_URI, TRANSPORT_PSTN, TRANSPORT_SIP_TRUNK})
_CACHE_SIZE = 4096


def _quick_money(value: Any) -> Any:
    """``money(parse_amount(value))`` for a price sent as plain decimal text (``"1.49"``, the
    shape the schema allows), shared between records (prices repeat; a :class:`Money` is
    immutable); :data:`UNSURE` for anything else, which the reference path decides."""
    if value is None:
        return None
    if type(value) is not str:
        return UNSURE
    found = _MONEY.get(value)
    if found is None:
        whole, dot, fraction = (value[1:] if value[:1] == "-" else value).partition(".")
        if not (whole.isascii() and whole.isdigit() and (not dot or (fraction.isascii() and fraction.isdigit()))):
            return UNSURE
        try:
            amount = parse_amount(value)
        except ValueError:
            return UNSURE
        found = Money(amount, CURRENCY)
        if len(_MONEY) >= _CACHE_SIZE:
            _MONEY.clear()
        _MONEY[value] = found
    return found


def _quick_destination(target: str, transport: int, rank: int, trunk_id: int | None) -> Destination:
    """One entry of :func:`to_destinations` (shared: routes repeat, and a Destination is immutable)."""
    key = (target, transport, rank, trunk_id)
    found = _DESTINATIONS.get(key)
    if found is None:
        target = target.strip()
        if transport == TRANSPORT_SIP_URI:
            uri = target if target.lower().startswith(("sip:", "sips:")) else "sip:" + target
            found = Destination(DestinationKind.SIP_URI, uri, rank)
        elif transport == TRANSPORT_PSTN:
            found = Destination(DestinationKind.PSTN, lenient_e164(target) or target, rank)
        else:
            trunk = str(trunk_id) if trunk_id is not None else None
            found = Destination(DestinationKind.SIP_TRUNK, target, rank, trunk)
        if len(_DESTINATIONS) >= _CACHE_SIZE:
            _DESTINATIONS.clear()
        _DESTINATIONS[key] = found
    return found


def _quick_destinations(value: Any) -> tuple[Destination, ...] | None:
    """:func:`to_destinations` of the structured list, for the usual shapes; ``None`` otherwise."""
    if value is None:
        return ()
    if type(value) is not list:
        return None
    if not value:
        return ()
    out: list[Destination] = []
    ranks: list[int] = []
    for index, entry in enumerate(value):
        if type(entry) is not dict:
            return None
        get = entry.get
        target, transport, priority, trunk_id = get("destination"), get("transport"), get("priority"), get("trunk_id")
        ident, label, srtp = get("id"), get("trunk_label"), get("srtp")
        if (
            type(target) is not str
            or type(transport) is not int
            or transport not in _TRANSPORTS
            or (priority is not None and type(priority) is not int)
            or (trunk_id is not None and type(trunk_id) is not int)
            or (ident is not None and type(ident) is not int)
            or (label is not None and type(label) is not str)
            or (srtp is not None and type(srtp) is not bool)
        ):
            return None
        rank = priority if priority is not None and priority > 0 else index + 1
        ranks.append(rank)
        out.append(_quick_destination(target, transport, rank, trunk_id))
    # In priority order, ties in the order sent (as to_destinations sorts).
    if len(ranks) > 1 and ranks != sorted(ranks):
        order = sorted(range(len(out)), key=lambda i: (ranks[i], i))
        return tuple(out[i] for i in order)
    return tuple(out)


_STATUS = {"active": NumberStatus.ACTIVE, "inactive": NumberStatus.PENDING}


def dids_from_items(items: Any, provider: str) -> list[DID] | None:
    """:func:`did_from_item` for every record of a page, or ``None`` unless it takes them all."""
    if type(items) is not list:
        return None
    dids = []
    for item in items:
        did = did_from_item(item, provider)
        if did is None:
            return None
        dids.append(did)
    return dids


def did_from_item(item: Any, provider: str) -> DID | None:
    """The DID of a ``/v1/numbers`` record, or ``None`` when only the reference path can tell."""
    if type(item) is not dict:
        return None
    get = item.get
    ident, number = get("id"), quick_phone(get("number"))
    if type(ident) is not int or number is None:
        return None
    status, city, state, country, short_name = (
        get("status"), get("city"), get("state"), get("country"), get("country_short_name")
    )  # fmt: skip
    label, relay, status_url = get("label"), get("sms_relay_url"), get("call_status_url")
    # Unrolled rather than looped over a tuple: this runs for every number listed.
    if (
        (status is not None and type(status) is not str)
        or (city is not None and type(city) is not str)
        or (state is not None and type(state) is not str)
        or (country is not None and type(country) is not str)
        or (short_name is not None and type(short_name) is not str)
        or (label is not None and type(label) is not str)
        or (relay is not None and type(relay) is not str)
        or (status_url is not None and type(status_url) is not str)
    ):
        return None
    sms, cnam, recording, transcription = (
        get("sms_enabled"), get("cnam"), get("call_recording_enabled"), get("transcription_enabled")
    )  # fmt: skip
    if (
        (sms is not None and type(sms) is not bool)
        or (cnam is not None and type(cnam) is not bool)
        or (recording is not None and type(recording) is not bool)
        or (transcription is not None and type(transcription) is not bool)
    ):
        return None
    channels, threshold, docs = get("channels"), get("transcription_threshold"), get("require_docs")
    if (channels is not None and type(channels) is not int) or (threshold is not None and type(threshold) is not int):
        return None
    if docs is not None and (type(docs) is not list or (docs and not all(quick_docref(ref) for ref in docs))):
        return None
    setup, monthly, per_minute = (
        _quick_money(get("activation_fee")), _quick_money(get("monthly_fee")), _quick_money(get("per_min"))
    )  # fmt: skip
    added, paid_until = quick_timestamp(get("added")), quick_timestamp(get("paid_until"))
    if setup is UNSURE or monthly is UNSURE or per_minute is UNSURE or added is UNSURE or paid_until is UNSURE:
        return None
    destinations = _quick_destinations(get("destination"))
    if destinations is None:
        return None
    key = (bool(sms), bool(cnam))
    capabilities = _CAPABILITIES.get(key)
    if capabilities is None:
        capabilities = _CAPABILITIES[key] = _capabilities(sms, cnam)
    return new_did(
        str(ident),  # id
        provider,  # provider
        number,  # number
        _iso(short_name, country, number),  # country
        state or None,  # region
        city or None,  # city
        _STATUS.get(status) or status_of(status),  # type: ignore[arg-type]  # status
        capabilities,  # capabilities
        channels,  # channels
        destinations,  # destinations
        setup,  # setup_price
        monthly,  # monthly_price
        per_minute,  # per_minute_price
        label or None,  # label
        added,  # created_at
        paid_until,  # expires_at
        None,  # auto_renew
        messaging_of(relay),  # messaging
        item,  # raw
    )
