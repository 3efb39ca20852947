"""The carrier-free emulator framework, through a tiny emulator."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from didkit import InvalidInputError
from didkit.sandbox import Emulator, EmulatorRequest, EmulatorResponse, Route, add_recorder, remove_recorder


class Tiny(Emulator):
    name = "tiny"
    base_path = "/api"

    def build_world(self) -> None:
        self.bought: list[str] = []
        self.balance = Decimal("10")

    def routes(self) -> list[Route]:
        return [Route("GET", "/things/{id}", self.get_thing), Route("POST", "/buy", self.buy)]

    def get_thing(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        return EmulatorResponse.json({"id": id, "q": request.arg("q")})

    def buy(self, request: EmulatorRequest) -> EmulatorResponse:
        self.bought.append(str(request.json()["number"]))
        return EmulatorResponse.json({"ok": True}, 201)

    def authenticate(self, request: EmulatorRequest) -> EmulatorResponse | None:
        return None if request.headers.get("authorization") else self.error_response(401, "no key")

    def error_response(self, status: int, message: str) -> EmulatorResponse:
        return EmulatorResponse.json({"error": message}, status)

    def snapshot(self) -> dict[str, Any]:
        return {"bought": self.bought}

    def purchased_numbers(self) -> list[str]:
        return list(self.bought)

    def owned_numbers(self) -> list[str]:
        return list(self.bought)

    def set_balance(self, amount: Decimal | str) -> None:
        self.balance = Decimal(amount)

    def sell_out(self, number: str | None = None) -> None:
        pass


def client(emu: Emulator) -> httpx.Client:
    return httpx.Client(transport=emu.transport(), base_url="https://tiny.test/api", headers={"Authorization": "k"})


def test_routing_auth_and_errors() -> None:
    emu = Tiny()
    with client(emu) as http:
        assert http.get("/things/7", params={"q": "x"}).json() == {"id": "7", "q": "x"}
        assert http.get("/nowhere").status_code == 404
        assert http.delete("/things/7").status_code == 405
        assert http.post("/buy", content=b"not json").status_code == 400
    with httpx.Client(transport=emu.transport()) as anonymous:
        assert anonymous.get("https://tiny.test/api/things/1").status_code == 401
    assert len(emu.requests) == 5


def test_status_faults_count_down() -> None:
    emu = Tiny()
    emu.faults.inject("GET /things/{id}", status=503, times=2)
    with client(emu) as http:
        assert [http.get("/things/1").status_code for _ in range(3)] == [503, 503, 200]


def test_drop_and_commit_then_drop() -> None:
    emu = Tiny()
    emu.faults.inject("POST /buy", drop=True)
    emu.faults.inject("POST /buy", commit_then_drop=True)
    with client(emu) as http:
        with pytest.raises(httpx.RemoteProtocolError):
            http.post("/buy", json={"number": "+1"})
        assert emu.purchased_numbers() == []
        with pytest.raises(httpx.RemoteProtocolError):
            http.post("/buy", json={"number": "+2"})
        assert emu.purchased_numbers() == ["+2"]
        assert http.post("/buy", json={"number": "+3"}).status_code == 201


def test_rate_limit_with_injected_clock() -> None:
    now = [100.0]
    emu = Tiny(rate_limit=3, clock=lambda: now[0])
    with client(emu) as http:
        codes = [http.get("/things/1").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        now[0] += 1.0
        assert http.get("/things/1").status_code == 200


def test_reset_and_recorders() -> None:
    emu = Tiny()
    seen: list[tuple[str | None, int]] = []

    def record(e: Emulator, request: EmulatorRequest, key: str | None, response: EmulatorResponse) -> None:
        seen.append((key, response.status))

    add_recorder(record)
    try:
        with client(emu) as http:
            http.post("/buy", json={"number": "+1"})
    finally:
        remove_recorder(record)
    assert seen == [("POST /buy", 201)]
    emu.faults.inject("*", status=500, times=None)
    emu.reset()
    assert emu.purchased_numbers() == [] and emu.faults.armed == [] and emu.requests == []


async def test_async_transport() -> None:
    emu = Tiny()
    async with httpx.AsyncClient(
        transport=emu.transport(), base_url="https://tiny.test/api", headers={"Authorization": "k"}
    ) as http:
        response = await http.get("/things/3")
    assert response.json()["id"] == "3"


def test_served_over_loopback_with_control_endpoints() -> None:
    emu = Tiny()
    with emu.serve() as served, httpx.Client(base_url=served.url, headers={"Authorization": "k"}) as http:
        assert served.url.startswith("http://127.0.0.1:")
        assert http.get("/api/things/5").json()["id"] == "5"
        assert http.post("/_sandbox/faults", json={"route": "GET /things/{id}", "status": 502}).status_code == 201
        assert http.get("/api/things/5").status_code == 502
        http.post("/api/buy", json={"number": "+9"})
        state = http.get("/_sandbox/state").json()
        assert state["purchased_numbers"] == ["+9"]
        assert http.post("/_sandbox/reset").status_code == 204
        assert emu.purchased_numbers() == []
        emu.faults.inject("POST /buy", commit_then_drop=True)
        with pytest.raises(httpx.RemoteProtocolError):
            http.post("/api/buy", json={"number": "+8"})
        assert emu.purchased_numbers() == ["+8"]


# -- faults are checked when declared ----------------------------------------------------------


def test_fault_routes_are_normalised_or_rejected() -> None:
    emu = Tiny()
    # the base path and a lower-case method name the same route as the emulator's own key
    assert emu.faults.inject("get /api/things/{id}", status=500, times=None).route == "GET /things/{id}"
    with client(emu) as http:
        assert [http.get("/things/1").status_code for _ in range(3)] == [500, 500, 500]  # times=None: every time
    with pytest.raises(InvalidInputError, match=r"no route 'POST /bye'; did you mean 'POST /buy'"):
        emu.faults.inject("POST /bye", status=500)
    with pytest.raises(InvalidInputError, match="no route"):
        emu.faults.inject("GET /things/1", status=500)  # a concrete path, not the route's pattern
    assert [fault.route for fault in emu.faults.armed] == ["GET /things/{id}"]


@pytest.mark.parametrize(
    "values",
    [
        {"status": "x"},
        {"status": 200},
        {"status": True},
        {"times": 0},
        {"times": "2"},
        {"latency": -1},
        {"latency": float("nan")},
        {"drop": "yes"},
        {"drop": True, "commit_then_drop": True},
        {"message": 5},
    ],
)
def test_bad_fault_values_are_rejected_when_declared(values: dict[str, Any]) -> None:
    emu = Tiny()
    with pytest.raises(InvalidInputError, match="fault"):
        emu.faults.inject("*", **values)
    assert emu.faults.armed == []
    with client(emu) as http:
        assert http.get("/things/1").status_code == 200


def test_control_endpoint_answers_400_for_a_bad_fault() -> None:
    emu = Tiny()
    with emu.serve() as served, httpx.Client(base_url=served.url, headers={"Authorization": "k"}) as http:
        for spec in ({"status": "x"}, {"route": "GET /nowhere", "status": 500}, {"statuz": 500}, [1, 2]):
            answer = http.post("/_sandbox/faults", json=spec)
            assert answer.status_code == 400, spec
            assert answer.json()["error"]
        assert emu.faults.armed == []
        assert http.get("/api/things/1").status_code == 200  # the server still answers
        assert http.post("/_sandbox/faults", json={"route": "get /api/things/{id}", "status": 503}).status_code == 201
        assert http.get("/api/things/1").status_code == 503
