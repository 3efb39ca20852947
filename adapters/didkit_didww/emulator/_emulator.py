"""The DIDWW API v3 emulator (version 2026-04-16)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from didkit.sandbox import Emulator, EmulatorRequest, EmulatorResponse, Route

from . import _errors as err
from ._jsonapi import ResourceType
from ._resources import registry
from ._routes import DidwwApi, respond
from ._world import World, build_world


def _decimal(amount: Decimal | str | int) -> Decimal:
    try:
        return Decimal(str(amount))
    except InvalidOperation:
        raise ValueError(f"not an amount: {amount!r}") from None


class DidwwEmulator(Emulator):
    """A stateful, in-memory DIDWW API v3 account speaking DIDWW's JSON:API wire format.

    ``order_pending_polls`` is how many GETs of a new order answer ``pending`` before it
    completes (0: orders complete at once). ``balance`` is the starting prepaid balance.
    """

    name = "didww"
    base_path = "/v3"
    rate_limit: int | None = 10
    api_version = "2026-04-16"

    world: World
    registry: dict[str, ResourceType]

    def __init__(
        self,
        *,
        seed: int = 0,
        order_pending_polls: int = 1,
        balance: Decimal | str = "100.00",
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
        rate_limit: int | Literal["default"] | None = "default",
    ) -> None:
        if order_pending_polls < 0:
            raise ValueError("order_pending_polls must be >= 0")
        self.order_pending_polls = order_pending_polls
        self.initial_balance = _decimal(balance)
        self._api = DidwwApi(self)
        super().__init__(seed=seed, clock=clock, sleep=sleep, rate_limit=rate_limit)

    # -- the framework's hooks

    def build_world(self) -> None:
        self.world = build_world(self.seed, self.now, self.initial_balance)
        self.registry = registry(self.world)

    def routes(self) -> list[Route]:
        return self._api.routes()

    def authenticate(self, request: EmulatorRequest) -> EmulatorResponse | None:
        if request.headers.get("api-key", "").strip():
            return None
        error = err.unauthorized()
        return respond(error.document(), error.status)

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

    # -- conveniences for tests

    def group_id(self, key: str) -> str:
        """The id of a DID group of the starting world by its key (``"la_213"``, ``"ber_30"`` …)."""
        return self.world.group_keys[key]
