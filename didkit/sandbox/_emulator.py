"""The carrier-free base of every sandbox emulator: routing, auth and rate-limit hooks, fault
injection, a request log and conformance recorders. A carrier's emulator subclasses
:class:`Emulator` and supplies the world and the routes."""

from __future__ import annotations

import abc
import contextlib
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import attrs

from ._faults import Fault, FaultInjector
from ._messages import BadRequestBody, EmulatorRequest, EmulatorResponse

if TYPE_CHECKING:
    from ._server import ServedEmulator
    from ._transport import EmulatorTransport

Handler = Callable[..., EmulatorResponse]
Recorder = Callable[["Emulator", EmulatorRequest, "str | None", EmulatorResponse], None]

_recorders: list[Recorder] = []


def add_recorder(recorder: Recorder) -> None:
    """Call ``recorder(emulator, request, route_key, response)`` after every handled request of
    every emulator (used by the conformance tests to validate responses against the specs)."""
    _recorders.append(recorder)


def remove_recorder(recorder: Recorder) -> None:
    """Undo :func:`add_recorder`."""
    if recorder in _recorders:
        _recorders.remove(recorder)


@attrs.frozen
class Route:
    """A route: ``Route("GET", "/v1/numbers/{id}", handler)``; the handler gets path parameters as
    keyword arguments."""

    method: str
    pattern: str
    handler: Handler
    name: str | None = None

    @property
    def key(self) -> str:
        """The name faults and recorders use: ``"GET /v1/numbers/{id}"``."""
        return f"{self.method} {self.pattern}"

    def compile(self) -> re.Pattern[str]:
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.pattern))
        return re.compile(f"^{regex}$")


@attrs.frozen
class Dispatch:
    """The outcome of dispatching one request: what to answer, and how the transport must behave."""

    response: EmulatorResponse | None
    latency: float = 0.0
    drop: bool = False
    timed_out: bool = False
    """With ``drop``: the client sees its request time out (rather than the connection drop)."""


@attrs.frozen
class _LateCommit:
    due: float
    request: EmulatorRequest
    route: Route
    params: dict[str, str]
    key: str


class Emulator(abc.ABC):
    """Base class of a stateful carrier emulator.

    Subclasses implement :meth:`build_world`, :meth:`routes`, :meth:`authenticate`,
    :meth:`error_response` and the inspection/knob methods. The framework provides routing, a
    request log, fault injection, per-key rate limiting, an ``httpx`` transport and a loopback
    HTTP server.
    """

    name: str = "emulator"
    base_path: str = ""
    rate_limit: int | None = None
    lagging_lists: tuple[str, ...] = ()
    """Dotted attribute paths of the dicts the emulator's lists are read from
    (``("world.owned",)``): what a ``lag`` fault freezes. Empty: its lists cannot lag."""

    def __init__(
        self,
        *,
        seed: int = 0,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
        rate_limit: int | Literal["default"] | None = "default",
    ) -> None:
        self.seed = seed
        self.clock: Callable[[], float] = clock or time.time
        self.sleep: Callable[[float], None] = sleep or time.sleep
        if rate_limit != "default":
            self.rate_limit = rate_limit if isinstance(rate_limit, int) else None
        self.faults = FaultInjector(
            lambda: [route.key for route, _ in self._compiled],
            self.base_path,
            self._lists_now if self.lagging_lists else None,
        )
        self._late: list[_LateCommit] = []
        self.requests: list[EmulatorRequest] = []
        self.rng = random.Random(seed)
        self.lock = threading.RLock()
        self._hits: dict[str, deque[float]] = {}
        self._compiled: list[tuple[Route, re.Pattern[str]]] = []
        self._compiled_root: list[tuple[Route, re.Pattern[str]]] = []
        self.reset()

    # -- to implement -------------------------------------------------------------------------

    @abc.abstractmethod
    def build_world(self) -> None:
        """(Re)create the whole in-memory world from ``self.seed``."""

    @abc.abstractmethod
    def routes(self) -> list[Route]:
        """Every route this emulator answers."""

    def root_routes(self) -> list[Route]:
        """Routes outside ``base_path`` (a token service at the host's root, say), matched on the
        whole path. They skip :meth:`authenticate` and the rate limit: they check their own
        credentials."""
        return []

    @abc.abstractmethod
    def authenticate(self, request: EmulatorRequest) -> EmulatorResponse | None:
        """``None`` when the request carries acceptable credentials, else the error to answer."""

    @abc.abstractmethod
    def error_response(self, status: int, message: str) -> EmulatorResponse:
        """A carrier-shaped error response."""

    @abc.abstractmethod
    def snapshot(self) -> dict[str, Any]:
        """A JSON-able view of the world."""

    @abc.abstractmethod
    def purchased_numbers(self) -> list[str]:
        """E.164 numbers bought since the last reset, one entry per purchase."""

    @abc.abstractmethod
    def owned_numbers(self) -> list[str]:
        """E.164 numbers owned now (not released)."""

    @abc.abstractmethod
    def set_balance(self, amount: Decimal | str) -> None:
        """Set the account balance."""

    @abc.abstractmethod
    def sell_out(self, number: str | None = None) -> None:
        """Make ``number`` (or, with ``None``, all inventory) unavailable."""

    def rate_limit_key(self, request: EmulatorRequest) -> str:
        """Which bucket a request counts against: by default its credentials."""
        return request.headers.get("authorization") or request.headers.get("api-key") or ""

    def rate_limited_response(self) -> EmulatorResponse:
        response = self.error_response(429, "Too Many Requests")
        response.headers.setdefault("retry-after", "1")
        return response

    # -- provided -------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The emulator's current time, timezone-aware UTC."""
        return datetime.fromtimestamp(self.clock(), tz=timezone.utc)

    def reset(self) -> None:
        """Forget faults and the request log and rebuild the world from the seed."""
        with self.lock:
            self.faults.clear()
            self._late.clear()
            self.requests.clear()
            self._hits.clear()
            self.rng = random.Random(self.seed)
            self.build_world()
            self._compiled = [(route, route.compile()) for route in self.routes()]
            self._compiled_root = [(route, route.compile()) for route in self.root_routes()]

    def match(
        self, method: str, path: str, *, root: bool = False
    ) -> tuple[Route | None, dict[str, str], bool]:
        """The route for ``method path``, its path parameters, and whether the path exists at all
        (``root``: among the :meth:`root_routes`)."""
        path_exists = False
        for route, regex in self._compiled_root if root else self._compiled:
            found = regex.match(path)
            if found:
                path_exists = True
                if route.method == method:
                    return route, found.groupdict(), True
        return None, {}, path_exists

    def handle(self, request: EmulatorRequest) -> EmulatorResponse:
        """Answer one request, ignoring latency/drop faults (status faults apply)."""
        dispatch = self.dispatch(request)
        if dispatch.response is None:
            return self.error_response(502, "connection dropped")
        return dispatch.response

    def dispatch(self, request: EmulatorRequest) -> Dispatch:
        """Route one request through faults, auth, rate limit and the handler."""
        with self.lock:
            if request.path.startswith("/_sandbox/"):
                return Dispatch(self._control(request))
            self.requests.append(request)
            root = not request.path.startswith(self.base_path)
            if root:
                inner = request
                route, params, path_exists = self.match(inner.method, inner.path, root=True)
                if not path_exists:
                    return Dispatch(self.error_response(404, "Not found"))
            else:
                inner = attrs.evolve(request, path=request.path[len(self.base_path) :] or "/")
                route, params, path_exists = self.match(inner.method, inner.path)
            self._commit_due()
            key = route.key if route else None
            fault = self.faults.take(key) if key else self.faults.take("*")
            latency = (fault.latency if fault else 0.0) or self.faults.default_latency
            if fault and fault.drop:
                return Dispatch(None, latency, drop=True)
            if fault and fault.status is not None:
                return Dispatch(self._faulted(fault), latency)
            if fault and fault.commit_late is not None and route is not None and key is not None:
                self._late.append(_LateCommit(self.clock() + fault.commit_late, inner, route, params, key))
                return Dispatch(None, latency, drop=True, timed_out=True)
            if fault and fault.lag:
                with self._lists_as(fault.state):
                    response = self._answer(inner, route, params, path_exists, root=root)
            else:
                response = self._answer(inner, route, params, path_exists, root=root)
            for recorder in list(_recorders):
                recorder(self, inner, key, response)
            if fault and fault.commit_then_drop:
                return Dispatch(None, latency, drop=True)
            return Dispatch(response, latency)

    def settle(self) -> int:
        """Carry out every late commit now, as the carrier eventually would (see the
        ``commit_late`` fault); returns how many there were."""
        with self.lock:
            late, self._late = self._late, []
            for commit in late:
                self._commit(commit)
            return len(late)

    @property
    def late_commits(self) -> int:
        """How many ``commit_late`` requests the emulator has yet to carry out."""
        return len(self._late)

    def _commit_due(self) -> None:
        now = self.clock()
        due = [commit for commit in self._late if commit.due <= now]
        if due:
            self._late = [commit for commit in self._late if commit.due > now]
            for commit in due:
                self._commit(commit)

    def _commit(self, commit: _LateCommit) -> None:
        response = self._answer(commit.request, commit.route, commit.params, True)
        for recorder in list(_recorders):
            recorder(self, commit.request, commit.key, response)

    def _lists_now(self) -> dict[str, dict[Any, Any]]:
        return {path: dict(self._resolve(path)) for path in self.lagging_lists}

    def _resolve(self, path: str) -> Any:
        target: Any = self
        for part in path.split("."):
            target = getattr(target, part)
        return target

    @contextlib.contextmanager
    def _lists_as(self, state: dict[str, dict[Any, Any]]) -> Iterator[None]:
        """Serve one request from ``state`` (each lagging list as it stood), then the live lists."""
        live: list[tuple[Any, str, Any]] = []
        for path, frozen in state.items():
            owner_path, _, name = path.rpartition(".")
            owner = self._resolve(owner_path) if owner_path else self
            live.append((owner, name, getattr(owner, name)))
            setattr(owner, name, frozen)
        try:
            yield
        finally:
            for owner, name, value in live:
                setattr(owner, name, value)

    def _faulted(self, fault: Fault) -> EmulatorResponse:
        if fault.status == 429:
            return self.rate_limited_response()
        return self.error_response(fault.status or 500, fault.message or "Injected fault")

    def _answer(
        self,
        request: EmulatorRequest,
        route: Route | None,
        params: dict[str, str],
        path_exists: bool,
        *,
        root: bool = False,
    ) -> EmulatorResponse:
        if not root:
            denied = self.authenticate(request)
            if denied is not None:
                return denied
            if self.rate_limit is not None and not self._admit(self.rate_limit_key(request)):
                return self.rate_limited_response()
        if route is None:
            if path_exists:
                return self.error_response(405, "Method not allowed")
            return self.error_response(404, "Not found")
        try:
            return route.handler(request, **params)
        except BadRequestBody as exc:
            return self.error_response(400, str(exc))

    def _admit(self, key: str) -> bool:
        assert self.rate_limit is not None
        now = self.clock()
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - 1.0:
            hits.popleft()
        if len(hits) >= self.rate_limit:
            return False
        hits.append(now)
        return True

    def _control(self, request: EmulatorRequest) -> EmulatorResponse:
        """Served-mode control endpoints: state, reset and faults."""
        action = request.path[len("/_sandbox/") :]
        if action == "state" and request.method == "GET":
            return EmulatorResponse.json(
                {
                    "name": self.name,
                    "seed": self.seed,
                    "requests": len(self.requests),
                    "purchased_numbers": self.purchased_numbers(),
                    "owned_numbers": self.owned_numbers(),
                    "faults": [fault.as_dict() for fault in self.faults.armed],
                    "world": self.snapshot(),
                }
            )
        if action == "reset" and request.method == "POST":
            self.reset()
            return EmulatorResponse.empty()
        if action == "faults" and request.method == "DELETE":
            self.faults.clear()
            return EmulatorResponse.empty()
        if action == "faults" and request.method == "POST":
            try:
                body = request.json()
                if not isinstance(body, dict):
                    raise BadRequestBody("a fault is a JSON object such as {\"route\": \"*\", \"status\": 503}")
                spec = dict(body)
                fault = self.faults.inject(spec.pop("route", "*"), **spec)
            except (BadRequestBody, TypeError, ValueError) as exc:  # InvalidInputError is a ValueError
                return EmulatorResponse.json({"error": str(exc)}, 400)
            return EmulatorResponse.json(fault.as_dict(), 201)
        return EmulatorResponse.json({"error": f"unknown control endpoint {request.path}"}, 404)

    def transport(self) -> EmulatorTransport:
        """An ``httpx`` transport (sync and async) answering from this emulator."""
        from ._transport import EmulatorTransport

        return EmulatorTransport(self)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> ServedEmulator:
        """Serve this emulator over HTTP on a loopback address, in a background thread."""
        from ._server import ServedEmulator

        return ServedEmulator(self, host, port)
