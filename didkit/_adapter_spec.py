"""What an adapter declares: its :class:`ProviderSpec`, its :class:`ProviderOperations`, and the
small types they use (public through :mod:`didkit.adapter`)."""

from __future__ import annotations

import abc
import re
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .auth import Authenticator, AuthSetup, Credentials
from .engine import (
    HttpRequest,
    HttpResponse,
    Operation,
    Stream,
    default_classify,
)
from .errors import InvalidInputError, ProviderError, UnsupportedOperationError
from .kit import Declared, NumberFilter, NumberUpdate
from .model import (
    DID,
    AvailableNumber,
    City,
    Country,
    Destination,
    Hold,
    MessagingRoute,
    Order,
    ProviderCapabilities,
    Region,
    SearchQuery,
)
from .regulatory import EndUser, Registration, Requirements
from .validation import normalize_e164

if TYPE_CHECKING:
    from .sandbox import Emulator


@attrs.frozen
class NumberRef:
    """How the caller named an owned number: the carrier's id, an E.164 number, or a DID."""

    id: str | None = None
    number: str | None = None
    did: DID | None = None

    @classmethod
    def of(cls, ref: DID | str) -> NumberRef:
        """``"+1…"`` is a number; any other string is the carrier's id."""
        if isinstance(ref, DID):
            return cls(id=ref.id, number=ref.number, did=ref)
        if not isinstance(ref, str) or not ref.strip():
            raise InvalidInputError(f"a number reference must be a DID, an id or an E.164 number, got {ref!r}")
        text = ref.strip()
        if text.startswith("+"):
            return cls(number=normalize_e164(text))
        return cls(id=text)


def _compiled(pattern: str | re.Pattern[str]) -> re.Pattern[str]:
    return re.compile(pattern, re.ASCII) if isinstance(pattern, str) else pattern


@attrs.frozen
class IdShape:
    """What a carrier's ids look like (``pattern`` must match the whole id; ASCII only).

    Declared on the :class:`ProviderSpec`, applied by the core wherever a caller names a number
    or an order, so an id of another shape (``"../balance"``, ``"abc?x=1"``) is an
    :class:`~didkit.InvalidInputError` before any request, whatever the operation.
    ``description`` completes "… is not a <carrier> <what> (<description>)".
    """

    pattern: re.Pattern[str] = attrs.field(converter=_compiled)
    description: str

    def check(self, value: str, *, provider: str, what: str, alternative: str = "") -> str:
        """``value`` if it has this shape, else an :class:`~didkit.InvalidInputError`."""
        if self.pattern.fullmatch(value):
            return value
        shown = repr(value) if len(value) <= 60 else repr(value[:57]) + "…"
        raise InvalidInputError(f"{shown} is not a {provider} {what} ({self.description}){alternative}")


@attrs.frozen
class OperationContext:
    """What operations may know about their provider: its name, options and clock."""

    provider: str
    options: Mapping[str, Any] = attrs.field(factory=dict)
    clock: Callable[[], float] = time.monotonic


class ProviderOperations(abc.ABC):
    """A carrier's logic, sans-I/O: each method returns a generator of engine steps.

    Operations receive validated input (ISO country codes, :class:`NumberRef`, destinations
    with priorities 1..n, a checked :class:`~didkit.kit.NumberFilter` or
    :class:`~didkit.kit.NumberUpdate`). They raise typed :mod:`didkit.errors` for anything the
    carrier sends that does not fit.

    Declarations (class attributes; ``__init__`` may replace them, e.g. per API version):
    """

    server_filters: frozenset[str] = frozenset()
    """The neutral ``list_numbers`` filters (:data:`~didkit.kit.NEUTRAL_FILTERS`) this carrier
    applies exactly, server-side. The core applies every other given one to each emitted DID."""
    number_filters: Declared = Declared("filter")
    """The carrier-only ``list_numbers`` filters (``carrier_filters={...}``)."""
    update_fields: Declared = Declared("update field")
    """The carrier-only ``update_number`` fields (``carrier_fields={...}``)."""

    def __init__(self, context: OperationContext) -> None:
        self.context = context
        self.provider = context.provider

    def search_notes(self) -> tuple[str, ...]:
        """What a caller of ``search_numbers`` should know about how this account's searches go,
        in words: a degraded mode the offers reflect (say, only "any number from this group"
        offers because the carrier denies listing specific numbers). Empty by default; the
        broker puts them in each :class:`~didkit.ProviderReport` (``notes``)."""
        return ()

    def classify(self, response: HttpResponse, request: HttpRequest) -> ProviderError | None:
        """Map a response to a typed error (``None`` = success). Override to add carrier rules."""
        return default_classify(response, request)

    @abc.abstractmethod
    def list_countries(self) -> Operation[list[Country]]: ...

    @abc.abstractmethod
    def list_regions(self, country: str) -> Operation[list[Region]]: ...

    @abc.abstractmethod
    def list_cities(self, country: str, region: str | None) -> Operation[list[City]]: ...

    @abc.abstractmethod
    def search_numbers(self, query: SearchQuery) -> Stream: ...

    @abc.abstractmethod
    def purchase(self, offer: AvailableNumber, reference: str | None, wait: float) -> Operation[Order]: ...

    @abc.abstractmethod
    def get_order(self, order_id: str) -> Operation[Order]: ...

    @abc.abstractmethod
    def list_numbers(self, filters: NumberFilter) -> Stream:
        """Owned numbers. Apply ``filters.carrier`` and, exactly, the neutral filters named in
        :attr:`server_filters`; the core applies the rest to what this emits."""

    @abc.abstractmethod
    def get_number(self, ref: NumberRef) -> Operation[DID]: ...

    @abc.abstractmethod
    def update_number(self, ref: NumberRef, changes: NumberUpdate) -> Operation[DID]:
        """Change what ``changes`` gives (at least one thing). A neutral field is only ever
        given where ``capabilities.labels`` / ``capabilities.auto_renew`` allow it."""

    @abc.abstractmethod
    def set_destinations(self, ref: NumberRef, destinations: Sequence[Destination]) -> Operation[DID]: ...

    @abc.abstractmethod
    def release_number(self, ref: NumberRef) -> Operation[None]: ...

    def set_messaging(self, ref: NumberRef, routes: Sequence[MessagingRoute]) -> Operation[DID]:
        """Route inbound SMS to ``routes`` (validated, priorities 1..n; ``()`` clears). Raise
        :class:`UnsupportedOperationError` before any request where the carrier cannot."""
        raise UnsupportedOperationError(f"{self.provider} cannot route inbound SMS", provider=self.provider)
        yield  # pragma: no cover - an operation that sends nothing

    def purchase_quantity(
        self, offer: AvailableNumber, quantity: int, reference: str | None, wait: float
    ) -> Operation[Order]:
        """Buy ``quantity`` (> 1) numbers of an "any number" offer in one order. Raise
        :class:`UnsupportedOperationError` before any request where the carrier cannot."""
        raise UnsupportedOperationError(
            f"{self.provider} cannot buy several numbers in one order", provider=self.provider
        )
        yield  # pragma: no cover - an operation that sends nothing

    def purchase_offers(
        self, offers: Sequence[AvailableNumber], reference: str | None, wait: float
    ) -> Operation[Order]:
        """Buy several specific offers (two or more, distinct) in one request: one order whose
        ``numbers`` are those bought, ``requested`` how many were asked for. Only called where
        ``capabilities.multi_number_checkout``."""
        raise UnsupportedOperationError(
            f"{self.provider} cannot buy several specific numbers in one request", provider=self.provider
        )
        yield  # pragma: no cover - an operation that sends nothing

    def hold(self, offer: AvailableNumber, ttl: float | None) -> Operation[Hold]:
        """Hold a specific number (``offer.number`` is set; ``ttl`` seconds > 0, or ``None`` for
        the carrier's default). Only called where ``capabilities.reservations``."""
        raise UnsupportedOperationError(f"{self.provider} cannot hold numbers", provider=self.provider)
        yield  # pragma: no cover - an operation that sends nothing

    def release_hold(self, hold: Hold) -> Operation[None]:
        """Give a hold up (one of this provider's)."""
        raise UnsupportedOperationError(f"{self.provider} cannot hold numbers", provider=self.provider)
        yield  # pragma: no cover - an operation that sends nothing

    def purchase_hold(self, hold: Hold, reference: str | None, wait: float) -> Operation[Order]:
        """Buy the number ``hold`` holds."""
        raise UnsupportedOperationError(f"{self.provider} cannot hold numbers", provider=self.provider)
        yield  # pragma: no cover - an operation that sends nothing

    def list_holds(self) -> Stream:
        """The holds the account has now (emitting :class:`~didkit.Hold` objects)."""
        raise UnsupportedOperationError(f"{self.provider} cannot hold numbers", provider=self.provider)
        yield  # pragma: no cover - an operation that sends nothing

    def requirements(self, offer: AvailableNumber) -> Operation[Requirements]:
        """What the carrier needs from the end user before ``offer``'s number works. The default
        knows only the offer's quick flag; override to ask the carrier."""
        return Requirements(documents_required=offer.requires_documents)
        yield  # pragma: no cover - an operation that sends nothing

    def register(self, refs: Sequence[NumberRef], end_user: EndUser) -> Operation[Registration]:
        """Submit ``end_user`` for the numbers ``refs`` (one or more, checked). Raise
        :class:`UnsupportedOperationError` before any request where the carrier cannot."""
        raise UnsupportedOperationError(f"{self.provider} cannot register end users", provider=self.provider)
        yield  # pragma: no cover - an operation that sends nothing

    def get_registration(self, registration_id: str) -> Operation[Registration]:
        """A registration by the id :meth:`register` gave it."""
        raise UnsupportedOperationError(f"{self.provider} cannot register end users", provider=self.provider)
        yield  # pragma: no cover - an operation that sends nothing

    def capabilities(self, declared: ProviderCapabilities) -> ProviderCapabilities:
        """The capabilities of this configuration (an API version may lack some the spec declares)."""
        return declared


@attrs.frozen
class ProviderSpec:
    """Everything the generic providers need to know about one carrier."""

    name: str
    default_base_url: str
    capabilities: ProviderCapabilities
    auth_headers: Callable[[str], Mapping[str, str]] | Callable[[Credentials], Mapping[str, str]]
    """The credential headers of every request: given the checked key, or — where
    :attr:`credential_parts` is declared — the checked :class:`~didkit.auth.Credentials`."""
    operations: Callable[[OperationContext], ProviderOperations]
    api_key_env: str | None = None
    credential_parts: Mapping[str, str | None] = attrs.field(factory=dict)
    """A credential of several parts, where the carrier needs one: part name → the environment
    variable that holds it (``{"account_sid": "TOY_ACCOUNT_SID", "auth_token": "TOY_AUTH_TOKEN"}``).
    Empty (the default): one key, in :attr:`api_key_env`."""
    emulator: Callable[..., Emulator] | None = None
    emulator_base_path: str = ""
    environments: Mapping[str, str] = attrs.field(factory=dict)
    """Named API roots (``environment=`` picks one): ``{"production": ..., "sandbox": ...}``."""
    test_environments: frozenset[str] = frozenset()
    """The names in :attr:`environments` where nothing bought is real (the carrier's own
    sandbox): their purchases, like the built-in emulator's, never answer for real ones in the
    procurement ledger."""
    static_headers: Mapping[str, str] = attrs.field(factory=dict)
    content_type: str = "application/json"
    rate_limit: tuple[int, float] | None = None
    number_id: IdShape | None = None
    """The shape of the carrier's number ids (a reference that is not ``+`` and E.164 must have
    it); ``None`` takes any id. Ids always travel as one percent-encoded path segment."""
    order_id: IdShape | None = None
    """The shape of the carrier's order ids, as :attr:`number_id`."""
    authenticator: Callable[[AuthSetup], Authenticator] | None = None
    """Credentials beyond static headers (bearer tokens minted with the key, ...); when given,
    it replaces ``auth_headers``. See :mod:`didkit.auth`."""
