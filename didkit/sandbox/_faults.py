"""Fault injection: make an emulated carrier misbehave on purpose, per route."""

from __future__ import annotations

import threading
from typing import Any

import attrs


@attrs.define
class Fault:
    """One armed fault. ``times`` counts down on each matching request; ``None`` means forever."""

    route: str
    status: int | None = None
    times: int | None = 1
    latency: float = 0.0
    drop: bool = False
    commit_then_drop: bool = False
    message: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


class FaultInjector:
    """Per-route faults: a status for the next N calls, latency, a dropped connection, or
    "commit then lose the reply" (the request is handled, the response never arrives).

    Routes are named ``"METHOD /pattern"`` exactly as the emulator declares them, or ``"*"``.
    """

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self.default_latency: float = 0.0

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
    ) -> Fault:
        """Arm a fault for the next ``times`` requests matching ``route``."""
        if times is not None and times < 1:
            raise ValueError("times must be at least 1 (or None for every request)")
        if drop and commit_then_drop:
            raise ValueError("a fault either drops before or after handling, not both")
        fault = Fault(route, status, times, latency, drop, commit_then_drop, message)
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
                if fault.route in (route, "*"):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None
