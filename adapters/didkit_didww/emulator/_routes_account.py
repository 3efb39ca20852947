"""``/balance``: the account's prepaid balance (a singleton resource)."""

from __future__ import annotations

from didkit.sandbox import EmulatorRequest, EmulatorResponse

from ._routes_common import ApiBase, RouteEntry, respond


class AccountRoutes(ApiBase):
    """The account's own resources."""

    def account_routes(self) -> list[RouteEntry]:
        """``/balance``."""
        return [
            ("GET", "/balance", self.balance, "balance.get"),
        ]

    def balance(self, request: EmulatorRequest) -> EmulatorResponse:
        self.query(request, "balances")
        balance = _Singleton(self.world.balance_id)
        return respond(self.renderer(request).document("balances", balance))


class _Singleton:
    """The balance: a resource with an id and nothing else of its own."""

    def __init__(self, ident: str) -> None:
        self.id = ident
