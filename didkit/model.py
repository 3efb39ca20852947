"""The provider-neutral domain model: frozen attrs value objects and enums.

Every object a provider returns keeps the carrier's payload in ``raw``, so nothing is lost.
Conversion from carrier payloads lives in the adapters, not here.
"""

from __future__ import annotations

import enum
import warnings
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from ._construct import plain_constructor
from .errors import InvalidInputError
from .validation import digits_only, normalize_country, normalize_e164, normalize_https_url, normalize_sip_uri

__all__ = [
    "DID",
    "AvailableNumber",
    "Capability",
    "City",
    "Country",
    "Destination",
    "DestinationKind",
    "Hold",
    "MessagingKind",
    "MessagingRoute",
    "Money",
    "NumberStatus",
    "NumberType",
    "Order",
    "OrderStatus",
    "ProviderCapabilities",
    "Region",
    "SearchQuery",
]


class NumberStatus(str, enum.Enum):
    """Where an owned number stands. Precedence when several apply: terminated → RELEASING;
    awaiting documents/registration → PENDING; blocked → BLOCKED; not renewing → RELEASING."""

    ACTIVE = "active"
    PENDING = "pending"
    BLOCKED = "blocked"
    RELEASING = "releasing"
    UNKNOWN = "unknown"


class Capability(str, enum.Enum):
    """What a number can do."""

    VOICE = "voice"
    SMS = "sms"
    MMS = "mms"
    FAX = "fax"
    EMERGENCY = "emergency"
    CNAM = "cnam"


class NumberType(str, enum.Enum):
    """The kind of number an offer is."""

    LOCAL = "local"
    MOBILE = "mobile"
    TOLL_FREE = "toll_free"
    NATIONAL = "national"
    SHARED_COST = "shared_cost"
    UNKNOWN = "unknown"


class DestinationKind(str, enum.Enum):
    """Where inbound calls are sent."""

    SIP_URI = "sip_uri"
    PSTN = "pstn"
    SIP_TRUNK = "sip_trunk"
    URL = "url"
    """An https URL the carrier asks what to do with each call (a call-control webhook, as
    TwiML-style carriers route calls); only where ``capabilities.destination_kinds`` has it."""


class MessagingKind(str, enum.Enum):
    """Where inbound messages (SMS) are delivered."""

    WEBHOOK = "webhook"
    """An HTTPS URL the carrier sends each inbound message to."""


class OrderStatus(str, enum.Enum):
    """The state of a purchase."""

    PENDING = "pending"
    COMPLETED = "completed"
    PARTIAL = "partial"
    FAILED = "failed"
    CANCELLED = "cancelled"


def _to_decimal(value: Any) -> Decimal:
    if type(value) is Decimal:  # the common case, checked first (a subclass takes the long way)
        if not value.is_finite():
            raise InvalidInputError(f"{value!r} is not a finite amount")
        return value
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, (bool, float)):
        raise InvalidInputError(f"money amounts must be Decimal, int or str, never {type(value).__name__}")
    elif isinstance(value, (int, str)):
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation:
            raise InvalidInputError(f"{value!r} is not a decimal amount") from None
    else:
        raise InvalidInputError(f"{value!r} is not a decimal amount")
    if not result.is_finite():
        raise InvalidInputError(f"{value!r} is not a finite amount")
    return result


_CURRENCIES: set[str] = set()
"""The ISO 4217 codes (upper case), read from ``pycountry`` on first use: a code in it passes with
one set lookup, which is all a price costs on the listing path."""


def _iso_currencies() -> set[str]:
    if not _CURRENCIES:
        import pycountry

        _CURRENCIES.update(str(currency.alpha_3) for currency in pycountry.currencies)
    return _CURRENCIES


def _to_currency(value: Any) -> str:
    if type(value) is str and value in _CURRENCIES:
        return value
    if not isinstance(value, str):
        raise InvalidInputError(f"currency must be an ISO 4217 code such as 'USD', got {type(value).__name__}")
    code = str(value).strip().upper()
    if code not in _iso_currencies():
        shown = repr(value) if len(value) <= 20 else repr(value[:17]) + "…"
        raise InvalidInputError(f"{shown} is not an ISO 4217 currency code (such as USD, EUR or GBP)")
    return code


@attrs.frozen(order=False)
class Money:
    """An amount in a currency. ``amount`` is always a :class:`~decimal.Decimal`, never a float."""

    amount: Decimal = attrs.field(converter=_to_decimal)
    currency: str = attrs.field(default="USD", converter=_to_currency)

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        return Money(self.amount * factor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount <= other.amount

    def _same_currency(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise InvalidInputError(f"cannot combine {self.currency} with {other.currency}")

    def __str__(self) -> str:
        """``0.90 USD``: at least two decimals, more where the amount has them (``0.0125 USD``)."""
        whole, _, fraction = f"{self.amount:f}".partition(".")
        return f"{whole}.{fraction.ljust(2, '0')} {self.currency}"


def _frozenset_of(enum_type: type[enum.Enum]) -> Any:
    def convert(values: Iterable[Any] | None) -> frozenset[Any]:
        if values is None:
            return frozenset()
        if type(values) is frozenset:  # already a set of members (the usual case): kept as is
            for value in values:
                if type(value) is not enum_type:
                    break
            else:
                return values
        out = set()
        for value in values:
            try:
                out.add(value if isinstance(value, enum_type) else enum_type(value))
            except ValueError:
                raise InvalidInputError(f"{value!r} is not a {enum_type.__name__}") from None
        return frozenset(out)

    return convert


_capabilities_of = _frozenset_of(Capability)
_number_types_of = _frozenset_of(NumberType)
_destination_kinds_of = _frozenset_of(DestinationKind)


def _capabilities(values: Iterable[Any] | None) -> frozenset[Capability]:
    result: frozenset[Capability] = _capabilities_of(values)
    return result


def _number_types(values: Iterable[Any] | None) -> frozenset[NumberType]:
    result: frozenset[NumberType] = _number_types_of(values)
    return result


def _destination_kinds(values: Iterable[Any] | None) -> frozenset[DestinationKind]:
    result: frozenset[DestinationKind] = _destination_kinds_of(values)
    return result


def _raw_field() -> Any:
    return attrs.field(factory=dict, eq=False, hash=False, repr=False)


def _to_destination_kind(value: Any) -> DestinationKind:
    if isinstance(value, DestinationKind):
        return value
    try:
        return DestinationKind(str(value).strip().lower()) if isinstance(value, str) else DestinationKind(value)
    except ValueError:
        kinds = ", ".join(kind.value for kind in DestinationKind)
        raise InvalidInputError(f"destination kind must be one of {kinds}, got {value!r}") from None


def _to_destination_target(value: Any, kind: DestinationKind) -> str:
    if kind is DestinationKind.SIP_URI:
        return normalize_sip_uri(value)
    if kind is DestinationKind.PSTN:
        return normalize_e164(value, what="PSTN destination")
    if kind is DestinationKind.URL:
        return normalize_https_url(value, what="call URL")
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"a SIP trunk destination needs the trunk's name or id, got {value!r}")
    return value.strip()


def _to_priority(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInputError(f"destination priority must be an integer >= 1 (1 is tried first), got {value!r}")
    return value


def _to_trunk_id(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if not text:
        raise InvalidInputError(f"trunk id must be a non-empty string or integer, got {value!r}")
    return text


@attrs.frozen
class Destination:
    """Where inbound calls to a number go. ``priority`` 1 is tried first.

    Every instance is validated and normalised here, however it is built: ``kind`` is a
    :class:`DestinationKind` (or its value), ``target`` a ``sip:``/``sips:`` URI with a real host
    for ``SIP_URI``, a valid number (normalised to E.164) for ``PSTN``, and the trunk's name or id
    for ``SIP_TRUNK``; ``priority`` an integer >= 1; ``trunk_id`` ``None`` or a non-empty id.
    Anything else is an :class:`~didkit.InvalidInputError`. :meth:`sip`, :meth:`pstn` and
    :meth:`trunk` are shorthands.
    """

    kind: DestinationKind = attrs.field(converter=_to_destination_kind)
    target: str
    priority: int = attrs.field(default=1, converter=_to_priority)
    trunk_id: str | None = attrs.field(default=None, converter=_to_trunk_id)

    def __attrs_post_init__(self) -> None:
        # How the target is checked depends on the kind, so it is converted once both are known.
        object.__setattr__(self, "target", _to_destination_target(self.target, self.kind))

    @classmethod
    def sip(cls, uri: str, *, priority: int = 1) -> Destination:
        """Calls go to a SIP URI (``sip:user@host[:port]``)."""
        return cls(DestinationKind.SIP_URI, uri, priority)

    @classmethod
    def pstn(cls, number: str, *, priority: int = 1) -> Destination:
        """Calls are forwarded to a phone number (normalised to E.164)."""
        return cls(DestinationKind.PSTN, number, priority)

    @classmethod
    def trunk(cls, trunk_id: str | int, *, name: str | None = None, priority: int = 1) -> Destination:
        """Calls go to one of the carrier's SIP trunks, by the carrier's trunk id (``name``, the
        trunk's name, is what the carrier shows; it defaults to the id)."""
        return cls(DestinationKind.SIP_TRUNK, name or ("" if trunk_id is None else str(trunk_id)), priority, trunk_id)

    @classmethod
    def url(cls, url: str, *, priority: int = 1) -> Destination:
        """Calls are routed by an https URL the carrier asks what to do with each call (a
        call-control webhook). Carriers that cannot (``DestinationKind.URL`` not in their
        ``capabilities.destination_kinds``) refuse it before any request."""
        return cls(DestinationKind.URL, url, priority)

    def with_priority(self, priority: int) -> Destination:
        """The same destination at another priority."""
        return attrs.evolve(self, priority=priority)


@attrs.frozen
class MessagingRoute:
    """Where inbound SMS to a number go. ``priority`` 1 is tried first (several routes fail over
    in order, where the carrier can: ``capabilities.multiple_messaging_routes``).

    Build one with :meth:`webhook`, which validates the URL; routes read back from a carrier keep
    the carrier's URL as it is.
    """

    kind: MessagingKind
    target: str
    priority: int = 1

    @classmethod
    def webhook(cls, url: str, *, priority: int = 1) -> MessagingRoute:
        """Inbound messages are sent to ``url`` (an absolute ``https://`` URL)."""
        return cls(MessagingKind.WEBHOOK, normalize_https_url(url), priority)

    def with_priority(self, priority: int) -> MessagingRoute:
        """The same route at another priority."""
        return attrs.evolve(self, priority=priority)


@attrs.frozen
class Country:
    """A country a carrier sells numbers in; ``code`` is ISO 3166-1 alpha-2."""

    code: str
    name: str
    provider: str
    id: str | None = None
    prefix: str | None = None
    has_regions: bool | None = None
    raw: Mapping[str, Any] = _raw_field()


@attrs.frozen
class Region:
    """A state, province or region within a country."""

    id: str
    name: str
    country: str
    provider: str
    code: str | None = None
    raw: Mapping[str, Any] = _raw_field()


@attrs.frozen
class City:
    """A city (or rate centre) with inventory."""

    id: str
    name: str
    country: str
    provider: str
    region: str | None = None
    area_codes: tuple[str, ...] = ()
    raw: Mapping[str, Any] = _raw_field()


@attrs.frozen
class ProviderCapabilities:
    """What a carrier supports; the broker and the CLI read this instead of guessing."""

    reservations: bool = False
    async_orders: bool = False
    multiple_destinations: bool = False
    immediate_release: bool = False
    sms_config: bool = False
    labels: bool = False
    """``update_number(label=...)`` sets (or clears) a number's label."""
    auto_renew: bool = False
    """``update_number(auto_renew=...)`` turns a number's renewal on or off."""
    specific_numbers: bool = True
    carrier_side_reference: bool = False
    multiple_messaging_routes: bool = False
    """``set_messaging`` takes several routes (failover in order); else one at most."""
    multi_number_checkout: bool = False
    """``purchase_offers`` buys several specific offers in one request (Wavix: one cart checkout)."""
    number_types: frozenset[NumberType] = attrs.field(factory=frozenset, converter=_number_types)
    destination_kinds: frozenset[DestinationKind] = attrs.field(factory=frozenset, converter=_destination_kinds)
    """The destination kinds ``set_destinations`` takes; any other is refused before any request."""


def _positive_limit(instance: Any, attribute: Any, value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise InvalidInputError(f"limit must be a positive integer, got {value!r}")


def _digits(value: str | int | None, what: str) -> str | None:
    if isinstance(value, bool):
        raise InvalidInputError(f"{what} must contain digits only, got {value!r}")
    return digits_only(str(value) if isinstance(value, int) else value, what=what)


def _country(value: str) -> str:
    return normalize_country(value)


def _prefix(value: str | int | None) -> str | None:
    return _digits(value, "prefix")


def _contains(value: str | int | None) -> str | None:
    return _digits(value, "contains")


def _optional_text(value: str | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInputError(f"expected text, got {value!r}")
    return value.strip() or None


def _number_type(value: NumberType | str | None) -> NumberType | None:
    if value is None or isinstance(value, NumberType):
        return value
    try:
        return NumberType(str(value).lower().replace("-", "_"))
    except ValueError:
        choices = ", ".join(t.value for t in NumberType)
        raise InvalidInputError(f"unknown number type {value!r} (one of {choices})") from None


@attrs.frozen
class SearchQuery:
    """What to look for. Validated on construction: a bad query never reaches a carrier.

    ``prefix`` is the digits after the country code (an area code or NPA-NXX); ``contains``
    is digits anywhere in the number.
    """

    country: str = attrs.field(converter=_country)
    region: str | None = attrs.field(default=None, converter=_optional_text)
    city: str | None = attrs.field(default=None, converter=_optional_text)
    prefix: str | None = attrs.field(default=None, converter=_prefix)
    contains: str | None = attrs.field(default=None, converter=_contains)
    number_type: NumberType | None = attrs.field(default=None, converter=_number_type)
    capabilities: frozenset[Capability] = attrs.field(factory=frozenset, converter=_capabilities)
    limit: int | None = attrs.field(default=None, validator=_positive_limit)


@attrs.frozen
class AvailableNumber:
    """An inventory offer: a specific number (``number`` set) or "any number from this group"
    (``number`` is ``None``). ``offer_ref`` holds the carrier ids needed to buy it."""

    provider: str
    number: str | None
    country: str | None
    region: str | None = None
    city: str | None = None
    number_type: NumberType = NumberType.UNKNOWN
    capabilities: frozenset[Capability] = attrs.field(factory=frozenset, converter=_capabilities)
    setup_price: Money | None = None
    monthly_price: Money | None = None
    per_minute_price: Money | None = None
    channels: int | None = None
    requires_documents: bool = False
    offer_ref: Mapping[str, str] = attrs.field(factory=dict, eq=False, hash=False)
    raw: Mapping[str, Any] = _raw_field()

    def cost_over(self, months: int) -> Money | None:
        """Setup plus ``months`` of the monthly price; ``None`` when a price is unknown."""
        if self.monthly_price is None:
            return None
        setup = self.setup_price or Money(0, self.monthly_price.currency)
        return setup + self.monthly_price * months


@attrs.frozen
class DID:
    """A number the account owns."""

    id: str
    provider: str
    number: str
    country: str | None = None
    region: str | None = None
    city: str | None = None
    status: NumberStatus = NumberStatus.UNKNOWN
    capabilities: frozenset[Capability] = attrs.field(factory=frozenset, converter=_capabilities)
    channels: int | None = None
    destinations: tuple[Destination, ...] = ()
    setup_price: Money | None = None
    monthly_price: Money | None = None
    per_minute_price: Money | None = None
    label: str | None = None
    created_at: datetime | None = None
    expires_at: datetime | None = None
    auto_renew: bool | None = None
    messaging: tuple[MessagingRoute, ...] = ()
    """Where inbound SMS go, in priority order (``()``: nowhere didkit can name)."""
    status_reason: str | None = None
    """Why the number is ``PENDING`` or ``BLOCKED``, in the carrier's words (``None`` otherwise,
    or where the carrier does not say)."""
    raw: Mapping[str, Any] = _raw_field()

    def __attrs_post_init__(self) -> None:
        if self.created_at is not None and self.created_at.tzinfo is None:
            raise InvalidInputError("DID.created_at must be timezone-aware")
        if self.expires_at is not None and self.expires_at.tzinfo is None:
            raise InvalidInputError("DID.expires_at must be timezone-aware")

    @property
    def sms_webhook_url(self) -> str | None:
        """Deprecated: the first webhook of :attr:`messaging` (read ``messaging`` instead)."""
        warnings.warn(
            "DID.sms_webhook_url is deprecated; read DID.messaging", DeprecationWarning, stacklevel=2
        )
        for route in self.messaging:
            if route.kind is MessagingKind.WEBHOOK:
                return route.target
        return None


def _plain_capabilities(values: Any) -> bool:
    if type(values) is not frozenset:
        return False
    for value in values:  # noqa: SIM110 - a loop costs less than all() over a generator here
        if type(value) is not Capability:
            return False
    return True


new_did: Callable[..., DID] = plain_constructor(
    DID,
    guard=(
        "_plain_capabilities(capabilities)"
        " and (created_at is None or created_at.tzinfo is not None)"
        " and (expires_at is None or expires_at.tzinfo is not None)"
    ),
    names={"_plain_capabilities": _plain_capabilities},
)
"""``DID(...)`` with every field given positionally, in the order of ``attrs.fields(DID)``, for
adapters' listing paths: the same object in half the time where the values are already what
``DID``'s converter and checks keep as they are (a frozenset of :class:`Capability`, aware
datetimes); ``DID(...)`` itself, with its conversions and errors, otherwise. Its callers' tests
compare what it builds with ``DID(...)`` field by field."""

@attrs.frozen
class Order:
    """A purchase. ``reference`` is the caller's idempotency key.

    ``numbers_pending`` is ``True`` when the purchase happened but ``numbers`` does not hold its
    numbers yet: the order is still :attr:`~OrderStatus.PENDING`, or it is
    :attr:`~OrderStatus.COMPLETED` but its numbers could not be read before the call's ``wait``
    ran out (a carrier that answers the order but not, for a while, its numbers). The purchase is
    made either way — never buy again for it; ``provider.get_order(order.id)`` fetches the
    numbers (and clears the flag once it has them)."""

    id: str
    provider: str
    status: OrderStatus
    reference: str | None = None
    numbers: tuple[DID, ...] = ()
    total: Money | None = None
    created_at: datetime | None = None
    raw: Mapping[str, Any] = _raw_field()
    # A pending order's numbers are pending by definition; a completed one says so explicitly.
    numbers_pending: bool = attrs.field(
        default=attrs.Factory(lambda self: self.status is OrderStatus.PENDING, takes_self=True)
    )
    requested: int | None = None
    """How many numbers the order asked for (``None`` where the carrier does not say). A
    :attr:`OrderStatus.PARTIAL` order delivered ``len(numbers)`` of them; the rest never will."""

    @property
    def missing(self) -> int:
        """How many of the numbers asked for did not arrive (0 when unknown or all arrived)."""
        if self.requested is None or self.status is OrderStatus.PENDING:
            return 0
        return max(0, self.requested - len(self.numbers))


def _aware(instance: Any, attribute: Any, value: datetime) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise InvalidInputError(f"{attribute.name} must be a timezone-aware datetime, got {value!r}")


@attrs.frozen
class Hold:
    """A specific number held for this account before it is bought (a DIDWW ``did_reservation``).

    Buy it with ``provider.purchase(hold)``; give it up with ``provider.release_hold(hold)``. It
    lapses on its own at ``expires_at`` (the carrier's clock).

    Attributes:
        id: the carrier's id of the hold.
        provider: the provider's name.
        offer: the held offer (a specific number).
        expires_at: when the carrier lets the number go (timezone-aware).
    """

    id: str
    provider: str
    offer: AvailableNumber
    expires_at: datetime = attrs.field(validator=_aware)
    raw: Mapping[str, Any] = _raw_field()

    @property
    def number(self) -> str:
        """The held number (E.164)."""
        assert self.offer.number is not None
        return self.offer.number

    def expired(self, now: datetime) -> bool:
        """``True`` once ``now`` (timezone-aware) is at or past :attr:`expires_at`."""
        return now >= self.expires_at


_unchecked_destination: Callable[[DestinationKind, str, int, str | None], Destination] = plain_constructor(
    Destination, guard="True"
)


def destination_as_sent(
    kind: DestinationKind, target: str, priority: int = 1, trunk_id: str | None = None
) -> Destination:
    """A :class:`Destination` exactly as a carrier's record gives it, not checked: for adapters
    reading owned numbers, which must stay readable whatever routing the carrier holds. A
    caller's destinations are always checked by :class:`Destination` itself, and one read this
    way is checked again before it is set (``set_destinations``)."""
    return _unchecked_destination(kind, target, priority, trunk_id)
