"""The DIDWW API v3 endpoints the emulator answers, as the 2026-04-16 spec documents them, and as
2026-11-19 changes them (per request, in the version the request is served in: see
``DidwwEmulator.authenticate``).

The handlers live one resource family per module (``_routes_coverage``, ``_routes_orders`` …),
each a mixin over :class:`~._routes_common.ApiBase`; :class:`DidwwApi` puts them together.
SMS trunks (``_sms``) and the regulation resources (``_regulation``) keep state of their own and
are separate objects over a :class:`DidwwApi`."""

from __future__ import annotations

from didkit.sandbox import Route

from ._routes_account import AccountRoutes
from ._routes_common import RouteEntry
from ._routes_coverage import CoverageRoutes
from ._routes_dids import DidRoutes
from ._routes_inventory import InventoryRoutes
from ._routes_orders import OrderRoutes
from ._routes_reservations import ReservationRoutes
from ._routes_voice_in import VoiceInRoutes


class DidwwApi(
    AccountRoutes, CoverageRoutes, InventoryRoutes, ReservationRoutes, OrderRoutes, DidRoutes, VoiceInRoutes
):
    """Route handlers over the emulator's world."""

    def routes(self) -> list[Route]:
        table: list[RouteEntry] = [
            *self.account_routes(),
            *self.coverage_routes(),
            *self.inventory_routes(),
            *self.reservation_routes(),
            *self.order_routes(),
            *self.did_routes(),
            *self.voice_in_routes(),
        ]
        return [Route(method, pattern, self._guard(fn), name=name) for method, pattern, fn, name in table]
