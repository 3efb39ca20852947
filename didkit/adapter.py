"""What an adapter writes, and the generic providers that run it.

An adapter supplies a :class:`ProviderSpec` (its name, base URL, auth headers, capabilities,
and factories for its operations and its emulator) and a :class:`ProviderOperations` subclass
whose methods are sans-I/O generators. :class:`SyncProvider` and :class:`AsyncProvider` turn
that into a :class:`~didkit.NumberProvider` and an :class:`~didkit.AsyncNumberProvider`: the
same operation code serves both.
"""

from __future__ import annotations

import abc
import asyncio
import itertools
import math
import os
import random
import re
import time
import warnings
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from types import EllipsisType, TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar, cast

import attrs
import httpx

from .auth import SHARED_TOKENS, Authenticator, AuthSetup, Credentials, TokenCache, check_credentials
from .config import check_api_key
from .engine import (
    AsyncRunner,
    EngineConfig,
    HttpRequest,
    HttpResponse,
    Operation,
    RateLimiter,
    Redactor,
    RetryPolicy,
    Stream,
    SyncRunner,
    default_classify,
)
from .errors import ConfigurationError, InvalidInputError, ProviderError, UnsupportedOperationError
from .kit import NEUTRAL_FILTERS, Declared, NumberFilter, NumberUpdate, keep_emitted
from .model import (
    DID,
    AvailableNumber,
    Capability,
    City,
    Country,
    Destination,
    Hold,
    MessagingKind,
    MessagingRoute,
    NumberStatus,
    Order,
    ProviderCapabilities,
    Region,
    SearchQuery,
)
from .protocol import DEFAULT_WAIT
from .regulatory import EndUser, Registration, Requirements
from .validation import normalize_country, normalize_e164, normalize_https_url

if TYPE_CHECKING:
    from .sandbox import Emulator

T = TypeVar("T")


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


_DEFAULT: Any = object()


def _check_connection(
    provider: str, *, base_url: object, sandbox: object, timeout: object, environment: object
) -> None:
    """The connection options every provider takes, checked for type and consistency, so that a
    mistake is one clear line rather than a ``TypeError`` from deep inside, or an option
    silently ignored."""
    if not isinstance(sandbox, bool):
        raise ConfigurationError(f"sandbox must be True or False, got {type(sandbox).__name__}")
    if base_url is not None and not isinstance(base_url, str):
        raise ConfigurationError(f"base_url must be an http(s) URL string, got {type(base_url).__name__}")
    if sandbox and (base_url is not None or environment is not None):
        option = "base_url" if base_url is not None else "environment"
        raise ConfigurationError(
            f"{provider}: sandbox=True talks to the built-in emulator, so {option} cannot be used with it; "
            f"pass one or the other"
        )
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not math.isfinite(timeout) or timeout <= 0
    ):
        shown = repr(timeout) if isinstance(timeout, (int, float, str)) else type(timeout).__name__
        raise InvalidInputError(f"timeout must be a positive number of seconds, got {shown}")


def _credentials(spec: ProviderSpec, given: object, sandbox: bool) -> tuple[str, Credentials | None]:
    """The provider's checked key (``""`` where the spec declares credential parts) and parts:
    the caller's, else the environment's, else, in the sandbox, stand-ins."""
    if spec.credential_parts:
        names = list(spec.credential_parts)
        sources: dict[str, str] = {}
        if given is None and not sandbox:
            found: dict[str, str] = {}
            for name, env in spec.credential_parts.items():
                value = os.environ.get(env) if env else None
                if value:
                    found[name] = value
                    sources[name] = f"from {env}"
            parts = spec.credential_parts.items()
            missing = [f"{name} ({env})" if env else name for name, env in parts if name not in found]
            if found and missing:
                raise ConfigurationError(f"the credentials for {spec.name!r} lack {', '.join(missing)}")
            given = found or None
        if given is None and sandbox:
            given = {name: f"sandbox-{name}" for name in names}
        if given is None:
            envs = [env for env in spec.credential_parts.values() if env]
            hint = f" or set {', '.join(envs)}" if envs else ""
            raise ConfigurationError(
                f"no credentials for {spec.name!r}: pass api_key=... ({', '.join(names)}){hint} "
                "(or use sandbox=True to try the emulator)"
            )
        return "", check_credentials(given, names, provider=spec.name, sources=sources)
    source = None
    if given is None and spec.api_key_env and not sandbox:
        given = os.environ.get(spec.api_key_env) or None
        source = f"from {spec.api_key_env}"
    if given is None and sandbox:
        given = "sandbox-key"
    if given is None:
        hint = f" or set {spec.api_key_env}" if spec.api_key_env else ""
        raise ConfigurationError(
            f"no API key for {spec.name!r}: pass api_key=...{hint} (or use sandbox=True to try the emulator)"
        )
    return check_api_key(given, provider=spec.name, source=source), None


class _ProviderCore:
    spec: ClassVar[ProviderSpec]

    def __init__(
        self,
        *,
        api_key: str | Credentials | Mapping[str, str] | Sequence[str] | None = None,
        base_url: str | None = None,
        sandbox: bool = False,
        timeout: float = 30.0,
        environment: str | None = None,
        retry: RetryPolicy | None = None,
        rate_limit: tuple[int, float] | Literal[False] | None = _DEFAULT,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
        async_sleep: Callable[[float], Awaitable[None]] | None = None,
        emulator: Emulator | None = None,
        seed: int | None = None,
        token_cache: TokenCache | None = None,
        **options: Any,
    ) -> None:
        spec = self.spec
        _check_connection(spec.name, base_url=base_url, sandbox=sandbox, timeout=timeout, environment=environment)
        self.sandbox = bool(sandbox or emulator is not None)
        self.emulator: Emulator | None = emulator
        if self.sandbox and self.emulator is None:
            if spec.emulator is None:
                raise ConfigurationError(f"provider {spec.name!r} has no built-in sandbox")
            if clock is None and sleep is None and async_sleep is None:
                # The built-in sandbox runs on virtual time shared with its emulator: polls,
                # backoff and rate-limit waits cost nothing, yet the emulator's limits still hold.
                from .sandbox import VirtualClock

                virtual = VirtualClock()
                clock, sleep, async_sleep = virtual, virtual.sleep, virtual.async_sleep
                self.emulator = spec.emulator(seed=seed or 0, clock=virtual, sleep=virtual.sleep)
            else:
                self.emulator = spec.emulator(seed=seed or 0)
        key, parts = _credentials(spec, api_key, self.sandbox)
        if base_url is None and environment is not None:
            if environment not in spec.environments:
                known = ", ".join(sorted(spec.environments)) or "none"
                raise ConfigurationError(f"{spec.name!r} has no environment {environment!r} (known: {known})")
            base_url = spec.environments[environment]
        if base_url is None:
            base_url = "https://sandbox.invalid" + spec.emulator_base_path if self.sandbox else spec.default_base_url
        if not base_url.startswith(("http://", "https://")):
            raise ConfigurationError(f"base_url must be an http(s) URL, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        monotonic = clock or time.monotonic
        limit = spec.rate_limit if rate_limit is _DEFAULT else (rate_limit or None)
        self.options = dict(options)
        self.operations = spec.operations(OperationContext(spec.name, self.options, monotonic))
        credentials = cast(Callable[[Any], Mapping[str, str]], spec.auth_headers)(parts if parts is not None else key)
        headers = dict(spec.static_headers)
        auth: Authenticator | None = None
        if spec.authenticator is not None:
            if token_cache is None:
                # Providers on the real clock share their tokens; a private clock (tests, the
                # sandbox's virtual time) gets a private cache, as its expiry times are its own.
                token_cache = SHARED_TOKENS if clock is None and not self.sandbox else TokenCache()
            setup = AuthSetup(
                spec.name, key, self.base_url, self.options, monotonic, token_cache, self.sandbox, credentials=parts
            )
            auth = spec.authenticator(setup)
        else:
            headers.update(credentials)
        self._config = EngineConfig(
            provider=spec.name,
            base_url=self.base_url,
            headers=headers,
            timeout=timeout,
            retry=retry or RetryPolicy(),
            rate_limiter=RateLimiter(limit[0], limit[1], clock=monotonic) if limit else None,
            classify=self.operations.classify,
            redactor=Redactor([key, *(parts.secrets() if parts is not None else ()), *credentials.values()]),
            content_type=spec.content_type,
            clock=monotonic,
            sleep=sleep if sleep is not None else time.sleep,
            async_sleep=async_sleep if async_sleep is not None else asyncio.sleep,
            rng=random.Random(),
            auth=auth,
        )

    @property
    def name(self) -> str:
        """The provider's registered name."""
        return self.spec.name

    @property
    def capabilities(self) -> ProviderCapabilities:
        """What this carrier supports (as configured: an API version may lack some features)."""
        return self.operations.capabilities(self.spec.capabilities)

    @property
    def purchases_are_real(self) -> bool:
        """``False`` over the built-in emulator or one of the carrier's test environments
        (:attr:`ProviderSpec.test_environments`, chosen by ``environment=`` or its URL as
        ``base_url``): the procurement ledger keeps such purchases apart from real ones."""
        if self.emulator is not None:
            return False
        tests = {self.spec.environments[name].rstrip("/") for name in self.spec.test_environments}
        return self.base_url not in tests

    def search_notes(self) -> tuple[str, ...]:
        """What to know about how this account's searches go, in words (a degraded mode the
        offers reflect); empty when nothing. Optional for a provider: the broker asks for it
        when present and reports it per provider (``ProviderReport.notes``)."""
        return tuple(self.operations.search_notes())

    def __repr__(self) -> str:
        mode = "sandbox" if self.sandbox else self.base_url
        return f"<{type(self).__name__} {self.spec.name} {mode}>"

    def _ref(self, ref: DID | str) -> NumberRef:
        """How the caller named one of this carrier's numbers, checked before any request: a DID
        of this provider, an E.164 number, or an id of the carrier's shape."""
        if isinstance(ref, DID):
            if ref.provider != self.name:
                raise InvalidInputError(f"this DID is from {ref.provider!r}, not {self.name!r}")
            if not ref.id:
                return NumberRef(number=ref.number)
        resolved = NumberRef.of(ref)
        shape = self.spec.number_id
        if resolved.id is not None and shape is not None:
            shape.check(resolved.id, provider=self.name, what="number id", alternative=" nor an E.164 number")
        return resolved

    def _order_ref(self, order_id: str) -> str:
        """An order id, checked before any request."""
        if not isinstance(order_id, str) or not order_id.strip():
            raise InvalidInputError("order_id must be a non-empty string")
        text = order_id.strip()
        shape = self.spec.order_id
        return shape.check(text, provider=self.name, what="order id") if shape is not None else text

    def _registration_refs(self, ref_or_order: DID | Order | str, end_user: EndUser) -> tuple[NumberRef, ...]:
        """The numbers a registration covers (a number, or every number of an order), checked."""
        if not isinstance(end_user, EndUser):
            raise InvalidInputError(
                f"end_user must be an EndUser (EndUser.person/business), got {type(end_user).__name__}"
            )
        if isinstance(ref_or_order, Order):
            if ref_or_order.provider != self.name:
                raise InvalidInputError(f"this order is from {ref_or_order.provider!r}, not {self.name!r}")
            if not ref_or_order.numbers:
                raise InvalidInputError(
                    f"order {ref_or_order.id} has no numbers yet: register them once get_order() lists them"
                )
            return tuple(self._ref(did) for did in ref_or_order.numbers)
        return (self._ref(ref_or_order),)

    def _registration_id(self, registration_id: str) -> str:
        if not isinstance(registration_id, str) or not registration_id.strip():
            raise InvalidInputError("registration_id must be a non-empty string")
        return registration_id.strip()

    def _check_offer_of(self, offer: AvailableNumber) -> AvailableNumber:
        if not isinstance(offer, AvailableNumber):
            raise InvalidInputError(f"requirements() takes an AvailableNumber, got {type(offer).__name__}")
        if offer.provider != self.name:
            raise InvalidInputError(f"this offer is from {offer.provider!r}, not {self.name!r}")
        return offer

    def _check_offer(
        self, offer: AvailableNumber | Hold, reference: str | None, wait: float, quantity: int = 1
    ) -> None:
        if isinstance(offer, Hold):
            if offer.provider != self.name:
                raise InvalidInputError(f"this hold is from {offer.provider!r}, not {self.name!r}")
            self._check_reservations()
        elif not isinstance(offer, AvailableNumber):
            raise InvalidInputError(f"purchase() takes an AvailableNumber or a Hold, got {type(offer).__name__}")
        elif offer.provider != self.name:
            raise InvalidInputError(f"this offer is from {offer.provider!r}, not {self.name!r}")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise InvalidInputError(f"quantity must be a whole number >= 1, got {quantity!r}")
        if quantity > 1 and (isinstance(offer, Hold) or offer.number is not None):
            what = "a hold" if isinstance(offer, Hold) else f"the offer for {offer.number}"
            raise InvalidInputError(
                f"quantity={quantity}: {what} is one specific number; only an 'any number from this group' "
                "offer can be bought several at a time (for several specific numbers use procure(count=...))"
            )
        if reference is not None and (not isinstance(reference, str) or not reference.strip()):
            raise InvalidInputError("reference must be a non-empty string")
        if isinstance(wait, bool) or not isinstance(wait, (int, float)) or wait < 0:
            raise InvalidInputError(f"wait must be a number of seconds >= 0, got {wait!r}")

    def _deadline(self, wait: float) -> float:
        """A purchase's deadline in seconds: ``wait``, but never less than one request's timeout,
        so that ``wait=0`` still sends the order (and returns it pending). Every request, retry,
        backoff, poll and reconciliation look of the purchase draws from it."""
        timeout = self._config.timeout
        return max(float(wait), timeout if isinstance(timeout, (int, float)) else 0.0)

    def _check_offers(
        self, offers: Sequence[AvailableNumber], reference: str | None, wait: float
    ) -> list[AvailableNumber]:
        if isinstance(offers, (AvailableNumber, str)) or not isinstance(offers, Sequence):
            raise InvalidInputError("purchase_offers() takes a list of offers")
        checked = list(offers)
        if not checked:
            raise InvalidInputError("purchase_offers() needs at least one offer")
        for offer in checked:
            self._check_offer(offer, reference, wait)
            if not isinstance(offer, AvailableNumber) or offer.number is None:
                raise InvalidInputError("purchase_offers() buys specific numbers only")
        numbers = [offer.number for offer in checked]
        if len(set(numbers)) != len(numbers):
            raise InvalidInputError("purchase_offers() got the same number twice")
        if len(checked) > 1 and not self.capabilities.multi_number_checkout:
            raise UnsupportedOperationError(
                f"{self.name} cannot buy several specific numbers in one request "
                "(capabilities.multi_number_checkout is False)",
                provider=self.name,
            )
        return checked

    def _offers_operation(
        self, offers: list[AvailableNumber], reference: str | None, wait: float
    ) -> Operation[Order]:
        if len(offers) == 1:
            return self.operations.purchase(offers[0], reference, wait)
        return self.operations.purchase_offers(offers, reference, wait)

    def _check_reservations(self) -> None:
        if not self.capabilities.reservations:
            raise UnsupportedOperationError(
                f"{self.name} cannot hold numbers before buying them (capabilities.reservations is False)",
                provider=self.name,
            )

    def _check_hold(self, offer: AvailableNumber, ttl: float | None) -> float | None:
        if not isinstance(offer, AvailableNumber):
            raise InvalidInputError(f"hold() takes an AvailableNumber, got {type(offer).__name__}")
        if offer.provider != self.name:
            raise InvalidInputError(f"this offer is from {offer.provider!r}, not {self.name!r}")
        if ttl is not None and (
            isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or not math.isfinite(ttl) or ttl <= 0
        ):
            raise InvalidInputError(f"ttl must be a number of seconds > 0 (or None), got {ttl!r}")
        self._check_reservations()
        if offer.number is None:
            raise InvalidInputError(
                "only an offer for a specific number can be held; this one is for 'any number from this group'"
            )
        return None if ttl is None else float(ttl)

    def _check_release(self, hold: Hold) -> Hold:
        if not isinstance(hold, Hold):
            raise InvalidInputError(f"release_hold() takes a Hold, got {type(hold).__name__}")
        if hold.provider != self.name:
            raise InvalidInputError(f"this hold is from {hold.provider!r}, not {self.name!r}")
        self._check_reservations()
        return hold

    def _purchase_operation(
        self, offer: AvailableNumber | Hold, quantity: int, reference: str | None, wait: float
    ) -> Operation[Order]:
        if isinstance(offer, Hold):
            return self.operations.purchase_hold(offer, reference, wait)
        if quantity > 1:
            return self.operations.purchase_quantity(offer, quantity, reference, wait)
        return self.operations.purchase(offer, reference, wait)

    def _check_destinations(self, destinations: Sequence[Destination]) -> tuple[Destination, ...]:
        if isinstance(destinations, Destination):
            destinations = [destinations]
        items = tuple(destinations)
        if not items:
            raise InvalidInputError("at least one destination is required")
        for item in items:
            if not isinstance(item, Destination):
                raise InvalidInputError(
                    f"destinations must be Destination objects (Destination.sip/pstn/trunk), got {item!r}"
                )
        kinds = self.capabilities.destination_kinds
        for item in items:
            if item.kind not in kinds:
                offered = ", ".join(sorted(kind.value for kind in kinds)) or "none"
                raise UnsupportedOperationError(
                    f"{self.name} cannot route calls to a {item.kind.value} destination "
                    f"(capabilities.destination_kinds: {offered})",
                    provider=self.name,
                )
        seen: set[tuple[object, ...]] = set()
        for item in items:
            key = (item.kind, item.target, item.trunk_id)
            if key in seen:
                raise InvalidInputError(f"destination {item.target!r} is given twice")
            seen.add(key)
        priorities = [item.priority for item in items]
        if any(p != 1 for p in priorities) and any(b <= a for a, b in itertools.pairwise(priorities)):
            # The list is the priority order; priorities that say otherwise are a mistake to
            # report, never a reason to reorder (or to ignore one of them).
            given = ", ".join(f"{item.target} ({item.priority})" for item in items)
            raise InvalidInputError(
                "destinations are tried in list order, so their priorities must be all left at 1 or "
                f"distinct and increasing along the list; got {given}: list them in the order to try"
            )
        # Each destination is checked again as it is renumbered (one read from a carrier included).
        return tuple(item.with_priority(index) for index, item in enumerate(items, start=1))

    def _check_routes(self, routes: Sequence[MessagingRoute] | MessagingRoute) -> tuple[MessagingRoute, ...]:
        if isinstance(routes, MessagingRoute):
            routes = [routes]
        if isinstance(routes, (str, bytes)) or not isinstance(routes, Sequence):
            raise InvalidInputError(
                f"routes must be a list of MessagingRoute (MessagingRoute.webhook(url)), got {routes!r}"
            )
        checked: list[MessagingRoute] = []
        for index, route in enumerate(routes, start=1):
            if not isinstance(route, MessagingRoute):
                raise InvalidInputError(
                    f"routes must be MessagingRoute objects (MessagingRoute.webhook), got {route!r}"
                )
            if route.kind is MessagingKind.WEBHOOK:
                route = MessagingRoute(route.kind, normalize_https_url(route.target), index)
            if any(route.target == seen.target and route.kind is seen.kind for seen in checked):
                raise InvalidInputError(f"messaging route {route.target!r} is given twice")
            checked.append(route.with_priority(index))
        capabilities = self.capabilities
        if len(checked) > 1 and capabilities.sms_config and not capabilities.multiple_messaging_routes:
            raise UnsupportedOperationError(
                f"{self.name} takes one messaging route per number, got {len(checked)}", provider=self.name
            )
        return tuple(checked)

    def _number_filter(
        self,
        country: str | None,
        number_contains: str | int | None,
        label: str | None,
        status: NumberStatus | str | Iterable[NumberStatus | str] | None,
        capability: Capability | str | Iterable[Capability | str] | None,
        carrier_filters: Mapping[str, Any] | None,
        legacy: Mapping[str, Any],
    ) -> NumberFilter:
        declared = self.operations.number_filters
        carrier = self._with_legacy(carrier_filters, legacy, "list_numbers", "carrier_filters", declared)
        if carrier and not declared:
            neutral = ", ".join(NEUTRAL_FILTERS)
            raise InvalidInputError(f"{self.name} has no carrier filters (the neutral ones: {neutral})")
        checked = declared.check(carrier, provider=self.name)
        return NumberFilter(country, number_contains, label, status, capability, checked)

    def _numbers(self, filters: NumberFilter) -> Stream:
        """The operation's stream, with the neutral filters the carrier left undone applied."""
        stream = self.operations.list_numbers(filters)
        keep = filters.predicate(self.operations.server_filters)
        return stream if keep is None else keep_emitted(stream, keep)

    def _number_update(
        self,
        label: str | EllipsisType | None,
        auto_renew: bool | EllipsisType,
        carrier_fields: Mapping[str, Any] | None,
        legacy: Mapping[str, Any],
    ) -> NumberUpdate:
        declared = self.operations.update_fields
        carrier = self._with_legacy(carrier_fields, legacy, "update_number", "carrier_fields", declared)
        update = NumberUpdate(label, auto_renew, declared.check(carrier, provider=self.name))
        capabilities = self.capabilities
        if "label" in update.given() and not capabilities.labels:
            raise UnsupportedOperationError(
                f"{self.name} cannot set a number's label (capabilities.labels is False)", provider=self.name
            )
        if "auto_renew" in update.given() and not capabilities.auto_renew:
            raise UnsupportedOperationError(
                f"{self.name} cannot turn a number's renewal on or off (capabilities.auto_renew is False)",
                provider=self.name,
            )
        return update

    def _with_legacy(
        self, given: Mapping[str, Any] | None, legacy: Mapping[str, Any], method: str, keyword: str, declared: Declared
    ) -> dict[str, Any]:
        """``given`` plus carrier names passed the old way, as keywords (deprecated; a name the
        carrier does not declare is an error, not a deprecation)."""
        if given is not None and not isinstance(given, Mapping):
            raise InvalidInputError(f"{keyword} must be a mapping of name to value, got {given!r}")
        merged = dict(given or {})
        for name in legacy:
            if declared.name_of(name) is None:
                raise InvalidInputError(
                    f"{method}() has no keyword {name!r}, and {self.name} has no {declared.what} {name!r} "
                    f"({declared.known()})"
                )
        if legacy:
            names = ", ".join(f"{name}=..." for name in legacy)
            warnings.warn(
                f"{method}({names}) is deprecated: pass carrier-only names as {keyword}={{...}}",
                DeprecationWarning,
                stacklevel=5,
            )
            for name, value in legacy.items():
                if name in merged:
                    raise InvalidInputError(f"{name!r} is given both as a keyword and in {keyword}")
                merged[name] = value
        return merged

    def _split_messaging(self, changes: dict[str, Any]) -> tuple[MessagingRoute, ...] | None:
        """``update_number(sms_webhook_url=...)``, deprecated: the routes it stands for (taken out
        of ``changes``; ``None`` when not given). They are set by :meth:`set_messaging`."""
        if "sms_webhook_url" not in changes:
            return None
        warnings.warn(
            "update_number(sms_webhook_url=...) is deprecated; use set_messaging(ref, [MessagingRoute.webhook(url)])",
            DeprecationWarning,
            stacklevel=4,
        )
        url = changes.pop("sms_webhook_url")
        if url is None or url == "":
            return ()
        if not isinstance(url, str):
            raise InvalidInputError(f"sms_webhook_url must be an https URL or None, got {url!r}")
        return self._check_routes([MessagingRoute.webhook(url)])

    # One plan per operation of the protocol: every check, then what to run. The sync and async
    # shells (generated from the protocol by tools/surface.py) only run the plan.

    def _plan_list_countries(self) -> Call[list[Country]]:
        return Call(self.operations.list_countries())

    def _plan_list_regions(self, country: str) -> Call[list[Region]]:
        return Call(self.operations.list_regions(normalize_country(country)))

    def _plan_list_cities(self, country: str, region: str | None) -> Call[list[City]]:
        return Call(self.operations.list_cities(normalize_country(country), region))

    def _plan_search_numbers(self, query: SearchQuery) -> Listing[AvailableNumber]:
        if not isinstance(query, SearchQuery):
            raise InvalidInputError(f"search_numbers() takes a SearchQuery, got {type(query).__name__}")
        return Listing(self.operations.search_numbers(query), query.limit or None)

    def _plan_purchase(
        self, offer: AvailableNumber | Hold, quantity: int, reference: str | None, wait: float
    ) -> Call[Order]:
        self._check_offer(offer, reference, wait, quantity)
        operation = self._purchase_operation(offer, quantity, reference, float(wait))
        return Call(operation, self._deadline(wait))

    def _plan_hold(self, offer: AvailableNumber, ttl: float | None) -> Call[Hold]:
        return Call(self.operations.hold(offer, self._check_hold(offer, ttl)))

    def _plan_release_hold(self, hold: Hold) -> Call[None]:
        return Call(self.operations.release_hold(self._check_release(hold)))

    def _plan_list_holds(self) -> Listing[Hold]:
        self._check_reservations()
        return Listing(self.operations.list_holds())

    def _plan_purchase_offers(
        self, offers: Sequence[AvailableNumber], reference: str | None, wait: float
    ) -> Call[Order]:
        checked = self._check_offers(offers, reference, wait)
        return Call(self._offers_operation(checked, reference, float(wait)), self._deadline(wait))

    def _plan_get_order(self, order_id: str) -> Call[Order]:
        return Call(self.operations.get_order(self._order_ref(order_id)))

    def _plan_list_numbers(
        self,
        country: str | None,
        number_contains: str | int | None,
        label: str | None,
        status: NumberStatus | str | Iterable[NumberStatus | str] | None,
        capability: Capability | str | Iterable[Capability | str] | None,
        carrier_filters: Mapping[str, Any] | None,
        **legacy: Any,
    ) -> Listing[DID]:
        filters = self._number_filter(country, number_contains, label, status, capability, carrier_filters, legacy)
        return Listing(self._numbers(filters))

    def _plan_get_number(self, ref: DID | str) -> Call[DID]:
        return Call(self.operations.get_number(self._ref(ref)))

    def _plan_update_number(
        self,
        did: DID | str,
        label: str | EllipsisType | None,
        auto_renew: bool | EllipsisType,
        carrier_fields: Mapping[str, Any] | None,
        **legacy: Any,
    ) -> Call[DID]:
        routes = self._split_messaging(legacy)
        update = self._number_update(label, auto_renew, carrier_fields, legacy)
        if routes is not None and not update:
            return self._plan_set_messaging(did, routes)
        if not update:
            raise InvalidInputError("update_number() needs at least one change")
        ref = self._ref(did)
        changed = self.operations.update_number(ref, update)
        if routes is None:
            return Call(changed)
        # Both operations are made (and so checked) before the first request goes out.
        routed = self.operations.set_messaging(ref, routes)

        def change_then_route() -> Operation[DID]:
            yield from changed
            return (yield from routed)

        return Call(change_then_route())

    def _plan_set_destinations(self, did: DID | str, destinations: Sequence[Destination]) -> Call[DID]:
        checked = self._check_destinations(destinations)
        return Call(self.operations.set_destinations(self._ref(did), checked))

    def _plan_set_messaging(self, did: DID | str, routes: Sequence[MessagingRoute]) -> Call[DID]:
        checked = self._check_routes(routes)
        return Call(self.operations.set_messaging(self._ref(did), checked))

    def _plan_release_number(self, did: DID | str) -> Call[None]:
        return Call(self.operations.release_number(self._ref(did)))

    def _plan_requirements(self, offer: AvailableNumber) -> Call[Requirements]:
        return Call(self.operations.requirements(self._check_offer_of(offer)))

    def _plan_register(self, ref_or_order: DID | Order | str, end_user: EndUser) -> Call[Registration]:
        refs = self._registration_refs(ref_or_order, end_user)
        return Call(self.operations.register(refs, end_user))

    def _plan_get_registration(self, registration_id: str) -> Call[Registration]:
        return Call(self.operations.get_registration(self._registration_id(registration_id)))


class Call(Generic[T]):
    """An operation ready to run, with its deadline (seconds; ``None``: each request's timeout)."""

    __slots__ = ("deadline", "operation")

    def __init__(self, operation: Operation[T], deadline: float | None = None) -> None:
        self.operation = operation
        self.deadline = deadline


class Listing(Generic[T]):
    """A stream ready to iterate, and how many of its items to take at most."""

    __slots__ = ("limit", "stream")

    def __init__(self, stream: Stream, limit: int | None = None) -> None:
        self.stream = stream
        self.limit = limit


class SyncProvider(_ProviderCore):
    """A :class:`~didkit.NumberProvider` over a spec: subclass it and set ``spec``.

    Options: ``api_key`` (else the spec's environment variable), ``base_url``, ``sandbox``,
    ``timeout``, ``environment``, ``retry``, ``rate_limit`` (``(requests, seconds)`` or
    ``False``), ``client``/``transport`` (inject ``httpx``), ``clock``/``sleep`` (tests),
    plus adapter options.
    """

    async_class: ClassVar[type[AsyncProvider] | None] = None
    """The async twin :func:`didkit.connect_async` builds for this provider's name."""

    def __init__(
        self,
        *,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if transport is None and client is None and self.emulator is not None:
            transport = self.emulator.transport()
        self._runner = SyncRunner(self._config, client=client, transport=transport)

    def close(self) -> None:
        """Close the HTTP client (if this provider created it)."""
        self._runner.close()

    def __enter__(self) -> SyncProvider:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _call(self, call: Call[T]) -> T:
        return self._runner.run(call.operation, deadline=call.deadline)

    def _list(self, listing: Listing[T]) -> Iterator[T]:
        items: Iterator[T] = self._runner.iterate(listing.stream)
        return items if listing.limit is None else itertools.islice(items, listing.limit)

    # [[[cog import surface; surface.shells(asynchronous=False)]]]
    def list_countries(self) -> list[Country]:
        """Countries with inventory; ``Country.code`` is ISO 3166-1 alpha-2."""
        return self._call(self._plan_list_countries())

    def list_regions(self, country: str) -> list[Region]:
        """Regions (states, provinces) of ``country`` (ISO code); empty where the carrier has none."""
        return self._call(self._plan_list_regions(country))

    def list_cities(self, country: str, region: str | None = None) -> list[City]:
        """Cities of ``country``, optionally within ``region`` (its id or name)."""
        return self._call(self._plan_list_cities(country, region))

    def search_numbers(self, query: SearchQuery) -> Iterator[AvailableNumber]:
        """Inventory offers matching ``query``, fetched lazily, at most ``query.limit``."""
        return self._list(self._plan_search_numbers(query))

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
        return self._call(self._plan_purchase(offer, quantity=quantity, reference=reference, wait=wait))

    def hold(self, offer: AvailableNumber, *, ttl: float | None = None) -> Hold:
        """Hold the specific number of ``offer`` so nobody else buys it first, until
        ``Hold.expires_at`` (the carrier's truth: ``ttl`` seconds where the carrier takes one).
        :class:`~didkit.UnsupportedOperationError` before any request where
        ``capabilities.reservations`` is false; :class:`~didkit.InvalidInputError` for an
        "any number" offer."""
        return self._call(self._plan_hold(offer, ttl=ttl))

    def release_hold(self, hold: Hold) -> None:
        """Give a hold up (the number goes back to the carrier's stock)."""
        return self._call(self._plan_release_hold(hold))

    def list_holds(self) -> Iterator[Hold]:
        """The holds the account has now (:class:`~didkit.UnsupportedOperationError` before any
        request where ``capabilities.reservations`` is false)."""
        return self._list(self._plan_list_holds())

    def purchase_offers(
        self,
        offers: Sequence[AvailableNumber],
        *,
        reference: str | None = None,
        wait: float = DEFAULT_WAIT,
    ) -> Order:
        """Buy several specific offers in one request (``capabilities.multi_number_checkout``;
        Wavix: one cart checkout): one order with the numbers bought. One offer is a plain
        purchase; several where the carrier cannot is an :class:`~didkit.UnsupportedOperationError`
        before any request. ``reference`` and ``wait`` as for :meth:`purchase`; never retried
        automatically."""
        return self._call(self._plan_purchase_offers(offers, reference=reference, wait=wait))

    def get_order(self, order_id: str) -> Order:
        """An order by the carrier's id, with its numbers once completed."""
        return self._call(self._plan_get_order(order_id))

    def list_numbers(
        self,
        *,
        country: str | None = None,
        number_contains: str | int | None = None,
        label: str | None = None,
        status: NumberStatus | str | Iterable[NumberStatus | str] | None = None,
        capability: Capability | str | Iterable[Capability | str] | None = None,
        carrier_filters: Mapping[str, Any] | None = None,
        **legacy: Any,
    ) -> Iterator[DID]:
        """Every owned number, pages fetched lazily, with only those that match every filter given.

        The keyword filters mean the same on every carrier (each is applied server-side where the
        carrier can, client-side otherwise): ``country`` (ISO code), ``number_contains`` (digits
        of the E.164 number, country code included), ``label`` (equal), ``status`` (one or
        several :class:`~didkit.NumberStatus`: any of them), ``capability`` (one or several
        :class:`~didkit.Capability`: all of them). ``carrier_filters`` are the carrier's own,
        checked against its names before any request (:class:`~didkit.InvalidInputError`
        naming the known ones)."""
        return self._list(
            self._plan_list_numbers(
                country=country,
                number_contains=number_contains,
                label=label,
                status=status,
                capability=capability,
                carrier_filters=carrier_filters,
                **legacy,
            )
        )

    def get_number(self, ref: DID | str) -> DID:
        """An owned number by the carrier's id or by E.164 number (with ``+``)."""
        return self._call(self._plan_get_number(ref))

    def update_number(
        self,
        did: DID | str,
        *,
        label: str | EllipsisType | None = ...,
        auto_renew: bool | EllipsisType = ...,
        carrier_fields: Mapping[str, Any] | None = None,
        **legacy: Any,
    ) -> DID:
        """Change only what is given: ``label`` (``None`` clears it; ``capabilities.labels``),
        ``auto_renew`` (``capabilities.auto_renew``), the carrier's own ``carrier_fields``. A
        neutral field the carrier lacks is an :class:`~didkit.UnsupportedOperationError`, an
        unknown carrier field an :class:`~didkit.InvalidInputError`, both before any request.
        Carrier fields passed as keywords still work, deprecated; ``sms_webhook_url=`` is
        deprecated too: it calls :meth:`set_messaging`."""
        return self._call(
            self._plan_update_number(did, label=label, auto_renew=auto_renew, carrier_fields=carrier_fields, **legacy)
        )

    def set_destinations(self, did: DID | str, destinations: Sequence[Destination]) -> DID:
        """Route inbound calls to ``destinations`` in priority order (first = priority 1),
        replacing what was there."""
        return self._call(self._plan_set_destinations(did, destinations))

    def set_messaging(self, did: DID | str, routes: Sequence[MessagingRoute]) -> DID:
        """Route inbound SMS to ``routes`` (``[MessagingRoute.webhook(url)]``), in priority order
        (first = priority 1; several fail over in order where ``capabilities.multiple_messaging_routes``,
        else :class:`~didkit.UnsupportedOperationError` before any request), replacing what was
        there; ``[]`` clears. Read back in ``DID.messaging``."""
        return self._call(self._plan_set_messaging(did, routes))

    def release_number(self, did: DID | str) -> None:
        """Give the number back (or stop its renewal, where that is the carrier's way)."""
        return self._call(self._plan_release_number(did))

    def requirements(self, offer: AvailableNumber) -> Requirements:
        """What the carrier needs from the end user before ``offer``'s number works (before
        buying it). ``offer.requires_documents`` is the quick flag; this asks the carrier."""
        return self._call(self._plan_requirements(offer))

    def register(self, ref_or_order: DID | Order | str, end_user: EndUser) -> Registration:
        """Submit ``end_user``'s identity, address and documents for a number (a DID, its id
        or E.164 number) or for every number of an order. A profile that cannot satisfy the
        carrier is an :class:`~didkit.InvalidInputError` before anything is sent."""
        return self._call(self._plan_register(ref_or_order, end_user))

    def get_registration(self, registration_id: str) -> Registration:
        """A registration's current verdict (poll it until it leaves ``PENDING``)."""
        return self._call(self._plan_get_registration(registration_id))

    # [[[end]]]


class AsyncProvider(_ProviderCore):
    """An :class:`~didkit.AsyncNumberProvider` over a spec: subclass it and set ``spec``."""

    def __init__(
        self,
        *,
        client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if transport is None and client is None and self.emulator is not None:
            transport = self.emulator.transport()
        self._runner = AsyncRunner(self._config, client=client, transport=transport)

    async def aclose(self) -> None:
        """Close the HTTP client (if this provider created it)."""
        await self._runner.aclose()

    async def __aenter__(self) -> AsyncProvider:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def _call(self, call: Call[T]) -> T:
        return await self._runner.run(call.operation, deadline=call.deadline)

    def _list(self, listing: Listing[T]) -> AsyncIterator[T]:
        items: AsyncGenerator[T, None] = self._runner.iterate(listing.stream)
        return items if listing.limit is None else _take(items, listing.limit)

    # [[[cog import surface; surface.shells(asynchronous=True)]]]
    async def list_countries(self) -> list[Country]:
        """Countries with inventory; ``Country.code`` is ISO 3166-1 alpha-2."""
        return await self._call(self._plan_list_countries())

    async def list_regions(self, country: str) -> list[Region]:
        """Regions (states, provinces) of ``country`` (ISO code); empty where the carrier has none."""
        return await self._call(self._plan_list_regions(country))

    async def list_cities(self, country: str, region: str | None = None) -> list[City]:
        """Cities of ``country``, optionally within ``region`` (its id or name)."""
        return await self._call(self._plan_list_cities(country, region))

    def search_numbers(self, query: SearchQuery) -> AsyncIterator[AvailableNumber]:
        """Inventory offers matching ``query``, fetched lazily, at most ``query.limit``."""
        return self._list(self._plan_search_numbers(query))

    async def purchase(
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
        return await self._call(self._plan_purchase(offer, quantity=quantity, reference=reference, wait=wait))

    async def hold(self, offer: AvailableNumber, *, ttl: float | None = None) -> Hold:
        """Hold the specific number of ``offer`` so nobody else buys it first, until
        ``Hold.expires_at`` (the carrier's truth: ``ttl`` seconds where the carrier takes one).
        :class:`~didkit.UnsupportedOperationError` before any request where
        ``capabilities.reservations`` is false; :class:`~didkit.InvalidInputError` for an
        "any number" offer."""
        return await self._call(self._plan_hold(offer, ttl=ttl))

    async def release_hold(self, hold: Hold) -> None:
        """Give a hold up (the number goes back to the carrier's stock)."""
        return await self._call(self._plan_release_hold(hold))

    def list_holds(self) -> AsyncIterator[Hold]:
        """The holds the account has now (:class:`~didkit.UnsupportedOperationError` before any
        request where ``capabilities.reservations`` is false)."""
        return self._list(self._plan_list_holds())

    async def purchase_offers(
        self,
        offers: Sequence[AvailableNumber],
        *,
        reference: str | None = None,
        wait: float = DEFAULT_WAIT,
    ) -> Order:
        """Buy several specific offers in one request (``capabilities.multi_number_checkout``;
        Wavix: one cart checkout): one order with the numbers bought. One offer is a plain
        purchase; several where the carrier cannot is an :class:`~didkit.UnsupportedOperationError`
        before any request. ``reference`` and ``wait`` as for :meth:`purchase`; never retried
        automatically."""
        return await self._call(self._plan_purchase_offers(offers, reference=reference, wait=wait))

    async def get_order(self, order_id: str) -> Order:
        """An order by the carrier's id, with its numbers once completed."""
        return await self._call(self._plan_get_order(order_id))

    def list_numbers(
        self,
        *,
        country: str | None = None,
        number_contains: str | int | None = None,
        label: str | None = None,
        status: NumberStatus | str | Iterable[NumberStatus | str] | None = None,
        capability: Capability | str | Iterable[Capability | str] | None = None,
        carrier_filters: Mapping[str, Any] | None = None,
        **legacy: Any,
    ) -> AsyncIterator[DID]:
        """Every owned number, pages fetched lazily, with only those that match every filter given.

        The keyword filters mean the same on every carrier (each is applied server-side where the
        carrier can, client-side otherwise): ``country`` (ISO code), ``number_contains`` (digits
        of the E.164 number, country code included), ``label`` (equal), ``status`` (one or
        several :class:`~didkit.NumberStatus`: any of them), ``capability`` (one or several
        :class:`~didkit.Capability`: all of them). ``carrier_filters`` are the carrier's own,
        checked against its names before any request (:class:`~didkit.InvalidInputError`
        naming the known ones)."""
        return self._list(
            self._plan_list_numbers(
                country=country,
                number_contains=number_contains,
                label=label,
                status=status,
                capability=capability,
                carrier_filters=carrier_filters,
                **legacy,
            )
        )

    async def get_number(self, ref: DID | str) -> DID:
        """An owned number by the carrier's id or by E.164 number (with ``+``)."""
        return await self._call(self._plan_get_number(ref))

    async def update_number(
        self,
        did: DID | str,
        *,
        label: str | EllipsisType | None = ...,
        auto_renew: bool | EllipsisType = ...,
        carrier_fields: Mapping[str, Any] | None = None,
        **legacy: Any,
    ) -> DID:
        """Change only what is given: ``label`` (``None`` clears it; ``capabilities.labels``),
        ``auto_renew`` (``capabilities.auto_renew``), the carrier's own ``carrier_fields``. A
        neutral field the carrier lacks is an :class:`~didkit.UnsupportedOperationError`, an
        unknown carrier field an :class:`~didkit.InvalidInputError`, both before any request.
        Carrier fields passed as keywords still work, deprecated; ``sms_webhook_url=`` is
        deprecated too: it calls :meth:`set_messaging`."""
        return await self._call(
            self._plan_update_number(did, label=label, auto_renew=auto_renew, carrier_fields=carrier_fields, **legacy)
        )

    async def set_destinations(self, did: DID | str, destinations: Sequence[Destination]) -> DID:
        """Route inbound calls to ``destinations`` in priority order (first = priority 1),
        replacing what was there."""
        return await self._call(self._plan_set_destinations(did, destinations))

    async def set_messaging(self, did: DID | str, routes: Sequence[MessagingRoute]) -> DID:
        """Route inbound SMS to ``routes`` (``[MessagingRoute.webhook(url)]``), in priority order
        (first = priority 1; several fail over in order where ``capabilities.multiple_messaging_routes``,
        else :class:`~didkit.UnsupportedOperationError` before any request), replacing what was
        there; ``[]`` clears. Read back in ``DID.messaging``."""
        return await self._call(self._plan_set_messaging(did, routes))

    async def release_number(self, did: DID | str) -> None:
        """Give the number back (or stop its renewal, where that is the carrier's way)."""
        return await self._call(self._plan_release_number(did))

    async def requirements(self, offer: AvailableNumber) -> Requirements:
        """What the carrier needs from the end user before ``offer``'s number works (before
        buying it). ``offer.requires_documents`` is the quick flag; this asks the carrier."""
        return await self._call(self._plan_requirements(offer))

    async def register(self, ref_or_order: DID | Order | str, end_user: EndUser) -> Registration:
        """Submit ``end_user``'s identity, address and documents for a number (a DID, its id
        or E.164 number) or for every number of an order. A profile that cannot satisfy the
        carrier is an :class:`~didkit.InvalidInputError` before anything is sent."""
        return await self._call(self._plan_register(ref_or_order, end_user))

    async def get_registration(self, registration_id: str) -> Registration:
        """A registration's current verdict (poll it until it leaves ``PENDING``)."""
        return await self._call(self._plan_get_registration(registration_id))

    # [[[end]]]


async def _take(items: AsyncGenerator[T, None], limit: int) -> AsyncIterator[T]:
    """At most ``limit`` items, without asking for one more (that could cost a page request)."""
    count = 0
    try:
        while count < limit:
            try:
                item = await items.__anext__()
            except StopAsyncIteration:
                return
            count += 1
            yield item
    finally:
        await items.aclose()
