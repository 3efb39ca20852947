"""A stateful in-memory emulator of Wavix's HTTP API, for tests and ``didkit --sandbox``.

It speaks Wavix's wire format as Wavix's published OpenAPI document describes it and shares no
code with the Wavix client adapter, so the two check each other::

    emu = WavixEmulator(seed=0)
    client = httpx.Client(transport=emu.transport(), base_url="https://api.wavix.com")
"""

from ._emulator import DEFAULT_BALANCE, WavixEmulator
from ._world import (
    AR,
    AUSTIN,
    BERLIN,
    BUENOS_AIRES,
    CHICAGO,
    DE,
    GB,
    LONDON,
    LOS_ANGELES,
    MIAMI,
    NEW_YORK,
    SEATTLE,
    US,
)

__all__ = [
    "AR",
    "AUSTIN",
    "BERLIN",
    "BUENOS_AIRES",
    "CHICAGO",
    "DE",
    "DEFAULT_BALANCE",
    "GB",
    "LONDON",
    "LOS_ANGELES",
    "MIAMI",
    "NEW_YORK",
    "SEATTLE",
    "US",
    "WavixEmulator",
]
