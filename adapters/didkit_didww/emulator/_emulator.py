"""The DIDWW API v3 emulator (versions 2026-04-16 and 2026-11-19)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from didkit.sandbox import Emulator, EmulatorRequest, EmulatorResponse, Route

from . import _errors as err
from ._jsonapi import ResourceType
from ._regulation import Regulation
from ._resources import registry
from ._routes import DidwwApi
from ._routes_common import respond
from ._sms import SmsApi
from ._tokens import TokenService
from ._world import API_VERSION, API_VERSIONS, NEW_VERSION, World, build_world


def _decimal(amount: Decimal | str | int) -> Decimal:
    try:
        return Decimal(str(amount))
    except InvalidOperation:
        raise ValueError(f"not an amount: {amount!r}") from None


class DidwwEmulator(Emulator):
    """A stateful, in-memory DIDWW API v3 account speaking DIDWW's JSON:API wire format.

    ``order_pending_polls`` is how many GETs of a new order answer ``pending`` before it
    completes (0: orders complete at once). ``balance`` is the starting prepaid balance.

    Both API versions are served, each request in the version DIDWW would serve it in:
    ``account_version`` is the account's default (2026-04-16 unless told otherwise); a bearer
    token is served in its ``api_version`` claim, an ``Api-Key`` request in its
    ``X-DIDWW-API-Version`` header; neither goes below the account's default (DIDWW ignores a
    downgrade), and an ``Api-Key`` served as 2026-11-19 gets 401. The token service answers
    ``POST /token`` at the root of the host; tokens expire on the emulator's clock.
    """

    name = "didww"
    base_path = "/v3"
    rate_limit: int | None = 10
    lagging_lists = ("world.orders", "world.dids")  # a lag fault on a list hides orders/DIDs made since
    api_version = API_VERSION

    world: World
    registries: dict[str, dict[str, ResourceType]]

    def __init__(
        self,
        *,
        seed: int = 0,
        order_pending_polls: int = 1,
        balance: Decimal | str = "100.00",
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
        rate_limit: int | Literal["default"] | None = "default",
        account_version: str = API_VERSION,
    ) -> None:
        if order_pending_polls < 0:
            raise ValueError("order_pending_polls must be >= 0")
        if account_version not in API_VERSIONS:
            raise ValueError(f"account_version must be one of {', '.join(API_VERSIONS)}")
        self.order_pending_polls = order_pending_polls
        self.back_orders: str = "wait"
        """What a back-ordered ``qty`` order (``allow_back_ordering``, short of stock) does when
        polled: ``"wait"`` for stock (stays pending), or ``"partial"``: complete with the numbers
        in stock when it was placed (the rest refunded)."""
        self.initial_balance = _decimal(balance)
        self.account_version = account_version
        self.available_dids_denied = False
        self.served_version = account_version
        """The version the request being handled is served in."""
        self._api = DidwwApi(self)
        self._sms = SmsApi(self._api)
        self.regulation = Regulation(self._api)
        """Identities, addresses, proofs and address verifications; ``regulation.decide(...)``
        sets the verdict verifications get."""
        self.token_service = TokenService(lambda: self.clock(), self._new_token, lambda: self.account_version)
        super().__init__(seed=seed, clock=clock, sleep=sleep, rate_limit=rate_limit)

    # -- the framework's hooks

    def build_world(self) -> None:
        self.world = build_world(self.seed, self.now, self.initial_balance)
        self.registries = {version: registry(self.world, version) for version in API_VERSIONS}
        self.regulation.reset()
        for version, types in self.registries.items():
            self.regulation.extend(types, version)
        self.token_service.clear()

    @property
    def registry(self) -> dict[str, ResourceType]:
        """The resource types as the request being handled sees them."""
        return self.registries[self.served_version]

    def routes(self) -> list[Route]:
        return self._api.routes() + self._sms.routes() + self.regulation.routes()

    def root_routes(self) -> list[Route]:
        return [Route("POST", "/token", self.token_service.mint, name="token.create")]

    def _new_token(self) -> str:
        return "emu." + "".join(f"{self.rng.getrandbits(32):08x}" for _ in range(6))

    def authenticate(self, request: EmulatorRequest) -> EmulatorResponse | None:
        self.served_version = self.account_version
        scheme, _, credential = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            grant = self.token_service.grant(credential.strip())
            if grant is None or "api.didww.com" not in grant.aud:
                return self._unauthorized('Bearer error="invalid_token"')
            self.served_version = max(grant.api_version, self.account_version)
            if grant.scope == "read" and request.method not in ("GET", "HEAD"):
                error = err.ApiError.one(403, "Insufficient scope", "This token may only read.", "403")
                response = respond(error.document(), error.status)
                response.headers["www-authenticate"] = 'Bearer error="insufficient_scope"'
                return response
            return None
        if request.headers.get("api-key", "").strip():
            asked = request.headers.get("x-didww-api-version", "")
            # DIDWW ignores a version older than the account's default: no downgrades.
            version = asked if asked in API_VERSIONS and asked > self.account_version else self.account_version
            if version >= NEW_VERSION:
                return self._unauthorized("Bearer")  # 2026-11-19 takes bearer tokens only
            self.served_version = version
            return None
        return self._unauthorized("Bearer")

    def _unauthorized(self, challenge: str) -> EmulatorResponse:
        error = err.unauthorized()
        response = respond(error.document(), error.status)
        response.headers["www-authenticate"] = challenge
        return response

    def error_response(self, status: int, message: str) -> EmulatorResponse:
        error = err.http_error(status, message)
        return respond(error.document(), status)

    # -- inspection and knobs

    def snapshot(self) -> dict[str, Any]:
        return self.world.snapshot()

    def purchased_numbers(self) -> list[str]:
        return ["+" + number for number in self.world.purchased]

    def owned_numbers(self) -> list[str]:
        return ["+" + d.number for d in self.world.dids.values() if not d.terminated]

    def deny_available_dids(self, denied: bool = True) -> None:
        """Answer ``/available_dids`` with 403 "Access for Customer is Denied", as DIDWW does
        for new accounts until support enables the resource."""
        with self.lock:
            self.available_dids_denied = denied

    def set_balance(self, amount: Decimal | str) -> None:
        with self.lock:
            self.world.balance = _decimal(amount)

    def sell_out(self, number: str | None = None) -> None:
        with self.lock:
            world = self.world
            if number is None:
                world.available.clear()
                world.reservations.clear()
                return
            digits = "".join(ch for ch in number if ch.isdigit())
            for available in [a for a in world.available.values() if a.number == digits]:
                world.take_number(available)

    def close_back_orders(self) -> None:
        """Complete every back-ordered order with the numbers it got (the rest refunded)."""
        with self.lock:
            for order in self.world.orders.values():
                if order.status == "pending" and order.back_ordered:
                    self.world.close_back_order(order)

    def held_numbers(self) -> list[str]:
        """The numbers under a reservation now (lapsed ones dropped), E.164."""
        with self.lock:
            self.world.expire_reservations()
            world = self.world
            return sorted(
                "+" + world.available[r.available_did_id].number
                for r in world.reservations.values()
                if r.available_did_id in world.available
            )

    def keep_in_stock(self, group_key: str, count: int) -> None:
        """Leave only ``count`` numbers of the group ``group_key`` in stock (the rest sold)."""
        with self.lock:
            world = self.world
            group = world.group_keys[group_key]
            for available in [a for a in world.available.values() if a.group_id == group][count:]:
                world.take_number(available)

    # -- conveniences for tests

    def group_id(self, key: str) -> str:
        """The id of a DID group of the starting world by its key (``"la_213"``, ``"ber_30"`` …)."""
        return self.world.group_keys[key]
