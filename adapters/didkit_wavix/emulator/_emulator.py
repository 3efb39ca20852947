"""The Wavix sandbox emulator: Wavix's HTTP API over an in-memory world."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from didkit.sandbox import Emulator, EmulatorRequest, EmulatorResponse, Route

from . import _render as render
from . import _world
from ._papers import Papers
from ._routes import ROUTES, Handler
from ._world import ApiError, OwnedNumber, World

DEFAULT_BALANCE = Decimal("100.00")


class WavixEmulator(Emulator):
    """A stateful emulator of Wavix's API (``https://api.wavix.com``, paths ``/v1/...``).

    Any non-empty ``Authorization: Bearer <key>`` (or the deprecated ``appid`` query parameter)
    is accepted. The world is built from ``seed``: countries, US states, cities with stock, three
    owned numbers, two SIP trunks and a balance of ``balance`` USD.
    """

    name = "wavix"
    base_path = ""
    lagging_lists = ("world.owned",)  # a lag fault on GET /v1/numbers hides numbers bought since
    rate_limit = None

    def __init__(
        self,
        *,
        seed: int = 0,
        balance: Decimal | str = DEFAULT_BALANCE,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
        rate_limit: int | Literal["default"] | None = "default",
    ) -> None:
        self.initial_balance = _decimal(balance)
        self.world: World
        self.papers = Papers()
        """Document uploads; ``papers.decide(...)`` sets the verdict pending documents get."""
        super().__init__(seed=seed, clock=clock, sleep=sleep, rate_limit=rate_limit)

    # -- framework hooks --------------------------------------------------------------------------

    def build_world(self) -> None:
        self.world = _world.build(self.seed, self.now, self.initial_balance)
        self.papers.reset()

    def routes(self) -> list[Route]:
        # Reading a number is when its pending documents get their verdict.
        reviewed = {"numbers.get": self.papers.get_number}
        routes = [
            Route(method, pattern, self._bind(reviewed.get(name, handler)), name=name)
            for method, pattern, handler, name in ROUTES
        ]
        return [*routes, Route("POST", "/v1/numbers/papers", self._bind(self.papers.upload), name="numbers.papers")]

    def _bind(self, handler: Handler) -> Callable[..., EmulatorResponse]:
        def answer(request: EmulatorRequest, **params: str) -> EmulatorResponse:
            try:
                status, body = handler(self.world, request, **params)
            except ApiError as error:
                return self.error_response(error.status, error.message)
            return EmulatorResponse.json(body, status)

        return answer

    def authenticate(self, request: EmulatorRequest) -> EmulatorResponse | None:
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and key.strip():
            return None
        if request.arg("appid"):
            return None
        return self.error_response(401, "Unauthorized")

    def error_response(self, status: int, message: str) -> EmulatorResponse:
        body: dict[str, Any] = {"success": False, "message": message}
        if status == 401:
            body = {"success": False, "error": True, "message": message}
        return EmulatorResponse.json(body, status)

    # -- inspection and knobs ---------------------------------------------------------------------

    @property
    def balance(self) -> Decimal:
        """The account balance now (USD)."""
        return self.world.balance

    def set_balance(self, amount: Decimal | str) -> None:
        self.world.balance = _decimal(amount)

    def purchased_numbers(self) -> list[str]:
        return list(self.world.purchased)

    def owned_numbers(self) -> list[str]:
        return ["+" + n.number for n in sorted(self.world.owned.values(), key=lambda n: n.id)]

    def available_numbers(self, city_id: int | None = None) -> list[str]:
        """E.164 numbers in stock (in one city, or everywhere)."""
        return [
            "+" + o.number
            for o in sorted(self.world.stock.values(), key=lambda o: o.number)
            if city_id is None or o.city_id == city_id
        ]

    def sell_out(self, number: str | None = None) -> None:
        with self.lock:
            if number is None:
                self.world.sold.update(self.world.stock)
                self.world.stock.clear()
                return
            digits = number.removeprefix("+")
            if digits not in self.world.stock:
                raise ValueError(f"{number} is not in stock")
            self.world.sold[digits] = self.world.stock.pop(digits)

    def approve_documents(self, number: str) -> None:
        """Approve the documents of owned ``number`` (E.164, with or without '+'): it becomes active."""
        with self.lock:
            self.world.approve_documents(self._owned(number))

    def _owned(self, number: str) -> OwnedNumber:
        digits = number.removeprefix("+")
        for owned in self.world.owned.values():
            if owned.number == digits:
                return owned
        raise ValueError(f"{number} is not an owned number")

    def snapshot(self) -> dict[str, Any]:
        world = self.world
        with self.lock:
            return {
                "balance": str(world.balance),
                "countries": [render.country(c) for c in world.countries.values()],
                "regions": [{**render.region(r), "country_id": r.country_id} for r in world.regions.values()],
                "cities": [
                    {**render.city(c), "country_id": c.country_id, "region_id": c.region_id}
                    for c in world.cities.values()
                ],
                "stock": [render.available_number(world, n) for n in sorted(world.stock)],
                "sold": sorted(world.sold),
                "cart": list(world.cart),
                "numbers": [
                    render.number(world, n) for n in sorted(world.owned.values(), key=lambda n: n.id)
                ],
                "trunks": [render.trunk_detail(t) for t in world.trunks.values()],
                "purchased": list(world.purchased),
            }


def _decimal(amount: Decimal | str) -> Decimal:
    try:
        value = Decimal(amount)
    except InvalidOperation:
        raise ValueError(f"not an amount: {amount!r}") from None
    if not value.is_finite():
        raise ValueError(f"not an amount: {amount!r}")
    return value
