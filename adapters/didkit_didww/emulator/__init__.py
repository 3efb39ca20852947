"""A stateful in-memory emulator of DIDWW's API v3 (versions 2026-04-16 and 2026-11-19, JSON:API),
with the 2026-11-19 token service at the root of its host.

It speaks DIDWW's wire format as the published OpenAPI spec documents it and shares no code with
didkit's DIDWW client, so each checks the other::

    emu = DidwwEmulator(seed=1)
    client = httpx.Client(transport=emu.transport(), base_url="https://api.didww.com/v3")
"""

from ._emulator import DidwwEmulator

__all__ = ["DidwwEmulator"]
