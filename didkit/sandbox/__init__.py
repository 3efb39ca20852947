"""The carrier-free sandbox framework: each adapter ships an :class:`Emulator` subclass of its
carrier's API; this package gives it routing, fault injection, an ``httpx`` transport and a
loopback server."""

from ._clock import VirtualClock
from ._emulator import Dispatch, Emulator, Route, add_recorder, remove_recorder
from ._faults import Fault, FaultInjector
from ._messages import BadRequestBody, EmulatorRequest, EmulatorResponse
from ._server import ServedEmulator
from ._transport import EmulatorTransport

__all__ = [
    "BadRequestBody",
    "Dispatch",
    "Emulator",
    "EmulatorRequest",
    "EmulatorResponse",
    "EmulatorTransport",
    "Fault",
    "FaultInjector",
    "Route",
    "ServedEmulator",
    "VirtualClock",
    "add_recorder",
    "remove_recorder",
]
