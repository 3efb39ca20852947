"""What every provider does before a request: connection options, credentials, and each
operation's checks and plan (``_ProviderCore._plan_<name>``), written once for the sync and async
providers of :mod:`didkit._providers`."""

from __future__ import annotations

import asyncio
import itertools
import math
import os
import random
import time
import warnings
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from types import EllipsisType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar, cast

from ._adapter_spec import NumberRef, OperationContext, ProviderSpec
from .auth import SHARED_TOKENS, Authenticator, AuthSetup, Credentials, TokenCache, check_credentials
from .config import check_api_key
from .engine import (
    EngineConfig,
    Operation,
    RateLimiter,
    Redactor,
    RetryPolicy,
    Stream,
)
from .errors import ConfigurationError, InvalidInputError, UnsupportedOperationError
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
from .regulatory import EndUser, Registration, Requirements
from .validation import normalize_country, normalize_https_url

if TYPE_CHECKING:
    from .sandbox import Emulator

T = TypeVar("T")

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

    def _offers_operation(self, offers: list[AvailableNumber], reference: str | None, wait: float) -> Operation[Order]:
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
                stacklevel=4,  # the caller of the provider's method (shell, plan, here)
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
        declared = self.operations.number_filters
        carrier = self._with_legacy(carrier_filters, legacy, "list_numbers", "carrier_filters", declared)
        if carrier and not declared:
            neutral = ", ".join(NEUTRAL_FILTERS)
            raise InvalidInputError(f"{self.name} has no carrier filters (the neutral ones: {neutral})")
        checked = declared.check(carrier, provider=self.name)
        filters = NumberFilter(country, number_contains, label, status, capability, checked)
        # the neutral filters the carrier leaves undone are applied to what it emits
        stream = self.operations.list_numbers(filters)
        keep = filters.predicate(self.operations.server_filters)
        return Listing(stream if keep is None else keep_emitted(stream, keep))

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
