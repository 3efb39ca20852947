"""Fault injection: make an emulated carrier misbehave on purpose, per route."""

from __future__ import annotations

import difflib
import math
import threading
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from ..errors import InvalidInputError

ANY_ROUTE = "*"
"""The route pattern that matches every request."""


def _check_status(_: Any, __: Any, value: Any) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 400 <= value <= 599):
        raise InvalidInputError(f"a fault's status must be an HTTP error status (400-599) or None, got {value!r}")


def _check_times(_: Any, __: Any, value: Any) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise InvalidInputError(f"a fault's times must be an integer >= 1, or None for every request, got {value!r}")


def _check_latency(_: Any, __: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise InvalidInputError(f"a fault's latency must be a number of seconds >= 0, got {value!r}")


def _check_flag(_: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, bool):
        raise InvalidInputError(f"a fault's {attribute.name} must be true or false, got {value!r}")


def _check_commit_late(_: Any, __: Any, value: Any) -> None:
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0
    ):
        raise InvalidInputError(f"a fault's commit_late must be a number of seconds > 0, or None, got {value!r}")


def _check_message(_: Any, __: Any, value: Any) -> None:
    if value is not None and not isinstance(value, str):
        raise InvalidInputError(f"a fault's message must be a string or None, got {value!r}")


# Validated once, when declared: ``times`` then counts down in place, below its lower bound.
@attrs.define(on_setattr=attrs.setters.NO_OP)
class Fault:
    """One armed fault. ``times`` counts down on each matching request; ``None`` means every
    request, for as long as the fault is armed.

    Every value is checked when the fault is declared (:class:`~didkit.InvalidInputError`):
    ``status`` an HTTP error status (400-599) or ``None``, ``times`` >= 1 or ``None``, ``latency``
    seconds >= 0, ``drop``, ``commit_then_drop`` and ``lag`` booleans, ``commit_late`` seconds
    > 0 or ``None``, ``message`` text; at most one of ``status``, ``drop``, ``commit_then_drop``,
    ``commit_late`` and ``lag``.

    * ``commit_late``: the request times out for the client, and the carrier carries it out that
      many seconds later on the emulator's clock (at the first request it handles after then, or
      at :meth:`~didkit.sandbox.Emulator.settle`): a carrier that commits after the client gave up.
    * ``lag`` (read routes only): each matching read answers from the lists as they stood when the
      fault was declared — a carrier whose lists lag its writes by ``times`` reads.
    """

    route: str
    status: int | None = attrs.field(default=None, validator=_check_status)
    times: int | None = attrs.field(default=1, validator=_check_times)
    latency: float = attrs.field(default=0.0, validator=_check_latency)
    drop: bool = attrs.field(default=False, validator=_check_flag)
    commit_then_drop: bool = attrs.field(default=False, validator=_check_flag)
    message: str | None = attrs.field(default=None, validator=_check_message)
    commit_late: float | None = attrs.field(default=None, validator=_check_commit_late)
    lag: bool = attrs.field(default=False, validator=_check_flag)
    state: Any = attrs.field(default=None, init=False, eq=False, repr=False)
    """What a ``lag`` fault answers from: the emulator's lists when it was declared."""

    def __attrs_post_init__(self) -> None:
        kinds = [
            name
            for name, on in (
                ("status", self.status is not None),
                ("drop", self.drop),
                ("commit_then_drop", self.commit_then_drop),
                ("commit_late", self.commit_late is not None),
                ("lag", self.lag),
            )
            if on
        ]
        if len(kinds) > 1:
            raise InvalidInputError(f"a fault is one thing at a time, not {' and '.join(kinds)}")
        if self.lag and not self.route.startswith("GET "):
            raise InvalidInputError(f"a lag fault needs a read route ('GET /pattern'), got {self.route!r}")

    def as_dict(self) -> dict[str, Any]:
        return attrs.asdict(self, filter=lambda attribute, _: attribute.name != "state")


class FaultInjector:
    """Per-route faults: a status for the next N calls, latency, a dropped connection, or
    "commit then lose the reply" (the request is handled, the response never arrives).

    Routes are named ``"METHOD /pattern"`` as the emulator declares them (``"GET /dids/{id}"``),
    or ``"*"``. The method may be in any case, and the pattern may start with the emulator's base
    path (``"POST /v3/orders"`` is DIDWW's ``"POST /orders"``). A route the emulator does not
    answer is an :class:`~didkit.InvalidInputError` naming the closest routes.
    """

    def __init__(
        self,
        routes: Callable[[], Sequence[str]] | None = None,
        base_path: str = "",
        lists: Callable[[], Any] | None = None,
    ) -> None:
        self._lists = lists  # the emulator's lists as they stand now, for lag faults
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._routes = routes
        self._base_path = base_path.rstrip("/")
        self.default_latency: float = 0.0

    def route_key(self, route: str) -> str:
        """``route`` as the emulator names it (method upper-cased, base path removed), checked
        against the emulator's routes."""
        if not isinstance(route, str) or not route.strip():
            raise InvalidInputError(f"a fault's route must be 'METHOD /pattern' or '*', got {route!r}")
        text = route.strip()
        if text == ANY_ROUTE:
            return text
        method, _, pattern = text.partition(" ")
        pattern = pattern.strip()
        if self._base_path and pattern.startswith(self._base_path + "/"):
            pattern = pattern[len(self._base_path) :]
        key = f"{method.upper()} {pattern}"
        if self._routes is None:
            return key
        known = list(self._routes())
        if key not in known:
            close = difflib.get_close_matches(key, known, n=3, cutoff=0.6)
            hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else " (see the emulator's routes())"
            raise InvalidInputError(f"the emulator has no route {route!r}{hint}")
        return key

    def inject(
        self,
        route: str,
        *,
        status: int | None = None,
        times: int | None = 1,
        latency: float = 0.0,
        drop: bool = False,
        commit_then_drop: bool = False,
        message: str | None = None,
        commit_late: float | None = None,
        lag: bool = False,
    ) -> Fault:
        """Arm a fault for the next ``times`` requests matching ``route`` (``None``: every one).
        See :class:`Fault` for the kinds.

        Raises:
            InvalidInputError: an unknown route or a bad value (a ``lag`` fault on an emulator
                whose lists cannot lag, too); nothing is armed.
        """
        fault = Fault(
            self.route_key(route), status, times, latency, drop, commit_then_drop, message, commit_late, lag
        )
        if fault.lag:
            if self._lists is None:
                raise InvalidInputError("this emulator's lists cannot lag (it names no lagging_lists)")
            fault.state = self._lists()
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        """Disarm every fault and the default latency."""
        with self._lock:
            self._faults.clear()
            self.default_latency = 0.0

    @property
    def armed(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take(self, route: str) -> Fault | None:
        """The first armed fault for ``route`` (consuming one of its ``times``)."""
        with self._lock:
            for fault in self._faults:
                if fault.route in (route, ANY_ROUTE):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None
