"""The toycarrier emulator: a small fictional JSON API with HTTP Basic auth and form bodies.

Written from the API description in ``__init__.py``'s docstring, sharing no code with the
adapter. Numbers are ``PN`` + 32 hex digits, orders ``OR`` + 32; errors are
``{"code": ..., "message": ...}``.
"""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

from didkit.sandbox import BadRequestBody, Emulator, EmulatorRequest, EmulatorResponse, Route

PAGE = 3
UNAVAILABLE = 21452


class ToyEmulator(Emulator):
    name = "toycarrier"
    base_path = "/v1"

    def build_world(self) -> None:
        self.balance = Decimal("100")
        self.stock = [f"+1{area}555{n:04d}" for area in ("212", "415") for n in range(100, 108)] + ["+442071838750"]
        self.numbers: dict[str, dict[str, Any]] = {}
        self.orders: dict[str, dict[str, Any]] = {}
        self.bought: list[str] = []
        for number, status, name in (
            ("+12125550001", "active", None),
            ("+14155550002", "active", "reception"),
            ("+12125550003", "pending", None),
            ("+442071838751", "active", None),
        ):
            self._own(number, status, name)

    def _sid(self, prefix: str) -> str:
        return f"{prefix}{self.rng.getrandbits(128):032x}"

    def _own(self, number: str, status: str = "active", name: str | None = None) -> dict[str, Any]:
        record: dict[str, Any] = {
            "sid": self._sid("PN"),
            "phone_number": number,
            "country": "US" if number.startswith("+1") else "GB",
            "status": status,
            "friendly_name": name,
            "routes": [],
            "monthly_price": "1.15",
            "currency": "USD",
            "capabilities": {"voice": True, "sms": status == "active"},
            # this API's dates drift between ISO and a spaced form, as real carriers' do
            "date_created": self.now().strftime("%Y-%m-%d %H:%M:%S+00:00"),
        }
        self.numbers[record["sid"]] = record
        return record

    def routes(self) -> list[Route]:
        return [
            Route("GET", "/countries", self._countries),
            Route("GET", "/countries/{iso}/regions", self._regions),
            Route("GET", "/available", self._available),
            Route("POST", "/orders", self._order),
            Route("GET", "/orders", self._orders),
            Route("GET", "/orders/{sid}", self._get_order),
            Route("GET", "/numbers", self._list),
            Route("GET", "/numbers/{sid}", self._get),
            Route("POST", "/numbers/{sid}", self._update),
            Route("DELETE", "/numbers/{sid}", self._release),
        ]

    def authenticate(self, request: EmulatorRequest) -> EmulatorResponse | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        try:
            sid, _, secret = base64.b64decode(token, validate=True).decode().partition(":")
        except ValueError:
            sid = secret = ""
        if scheme != "Basic" or not sid or not secret:
            return self.error_response(401, "Authenticate")
        return None

    def error_response(self, status: int, message: str, code: int | None = None) -> EmulatorResponse:
        return EmulatorResponse.json({"code": code or 20000 + status, "message": message}, status)

    def _form(self, request: EmulatorRequest) -> list[tuple[str, str]]:
        if request.headers.get("content-type", "").split(";")[0] != "application/x-www-form-urlencoded":
            raise BadRequestBody("this API takes form bodies only")
        return parse_qsl(request.body.decode(), keep_blank_values=True)

    def _countries(self, request: EmulatorRequest) -> EmulatorResponse:
        return EmulatorResponse.json(
            {"countries": [{"iso": "US", "name": "United States"}, {"iso": "GB", "name": "United Kingdom"}]}
        )

    def _regions(self, request: EmulatorRequest, iso: str) -> EmulatorResponse:
        regions = {"US": [{"code": "NY", "name": "New York"}, {"code": "CA", "name": "California"}]}
        return EmulatorResponse.json({"regions": regions.get(iso, [])})

    def _available(self, request: EmulatorRequest) -> EmulatorResponse:
        prefix = "+1" if request.arg("country") == "US" else "+44"
        matches = [n for n in self.stock if n.startswith(prefix) and (request.arg("contains") or "") in n]
        page = int(request.arg("page") or 1)
        items = [
            {
                "phone_number": n.lstrip("+"),
                "setup_price": "0.50",
                "monthly_price": "1.15",
                "currency": "USD",
                "capabilities": {"voice": True, "sms": True},
            }
            for n in matches[(page - 1) * PAGE : page * PAGE]
        ]
        return EmulatorResponse.json({"numbers": items, "page": page, "total_pages": -(-len(matches) // PAGE)})

    def _order(self, request: EmulatorRequest) -> EmulatorResponse:
        form = dict(self._form(request))
        earlier = [o for o in self.orders.values() if form.get("Reference") and o["reference"] == form["Reference"]]
        if earlier:
            return self._order_body(earlier[0])
        number = form.get("PhoneNumber", "")
        if number not in self.stock:
            return self.error_response(400, f"{number} is not available", UNAVAILABLE)
        self.stock.remove(number)
        self.bought.append(number)
        order: dict[str, Any] = {
            "sid": self._sid("OR"),
            "status": "completed",
            "reference": form.get("Reference"),
            "numbers": [self._own(number)["sid"]],
            "date_created": self.now().isoformat(),
        }
        self.orders[order["sid"]] = order
        return self._order_body(order, 201)

    def _expanded(self, order: dict[str, Any]) -> dict[str, Any]:
        return {**order, "numbers": [self.numbers[sid] for sid in order["numbers"]]}

    def _order_body(self, order: dict[str, Any], status: int = 200) -> EmulatorResponse:
        return EmulatorResponse.json(self._expanded(order), status)

    def _orders(self, request: EmulatorRequest) -> EmulatorResponse:
        found = [o for o in self.orders.values() if o["reference"] == request.arg("reference")]
        return EmulatorResponse.json(
            {"orders": [{**o, "numbers": [self.numbers[s] for s in o["numbers"]]} for o in found]}
        )

    def _get_order(self, request: EmulatorRequest, sid: str) -> EmulatorResponse:
        order = self.orders.get(sid)
        return self._order_body(order) if order else self.error_response(404, "no such order")

    def _list(self, request: EmulatorRequest) -> EmulatorResponse:
        statuses = set((request.arg("status") or "").split(",")) - {""}
        contains = request.arg("contains") or ""
        area = request.arg("area_code")
        records = [
            r
            for r in self.numbers.values()
            if r["status"] != "released"
            and (not statuses or r["status"] in statuses)
            and contains in r["phone_number"]
            and (area is None or r["phone_number"].startswith("+1" + area))
        ]
        start = int(request.arg("page_token") or 0)
        more = start + PAGE < len(records)
        return EmulatorResponse.json(
            {"numbers": records[start : start + PAGE], "next_page_token": str(start + PAGE) if more else None}
        )

    def _get(self, request: EmulatorRequest, sid: str) -> EmulatorResponse:
        record = self.numbers.get(sid)
        if record is None or record["status"] == "released":
            return self.error_response(404, f"no number {sid}")
        return EmulatorResponse.json(record)

    def _update(self, request: EmulatorRequest, sid: str) -> EmulatorResponse:
        if sid not in self.numbers:
            return self.error_response(404, f"no number {sid}")
        record = self.numbers[sid]
        form = self._form(request)
        routes = [value.split(":", 1) for name, value in form if name == "Route"]
        if routes:
            record["routes"] = [{"kind": kind, "target": target} for kind, target in routes]
        for name, value in form:
            if name == "FriendlyName":
                record["friendly_name"] = value or None
            elif name == "EmergencyEnabled":
                record["emergency_enabled"] = value == "true"
        return EmulatorResponse.json(record)

    def _release(self, request: EmulatorRequest, sid: str) -> EmulatorResponse:
        if sid not in self.numbers:
            return self.error_response(404, f"no number {sid}")
        self.numbers[sid]["status"] = "released"
        return EmulatorResponse.empty()

    def snapshot(self) -> dict[str, Any]:
        return {"numbers": list(self.numbers.values()), "stock": list(self.stock), "balance": str(self.balance)}

    def purchased_numbers(self) -> list[str]:
        return list(self.bought)

    def owned_numbers(self) -> list[str]:
        return [r["phone_number"] for r in self.numbers.values() if r["status"] != "released"]

    def set_balance(self, amount: Decimal | str) -> None:
        self.balance = Decimal(amount)

    def sell_out(self, number: str | None = None) -> None:
        self.stock = [] if number is None else [n for n in self.stock if n != number]
