"""A stateful in-memory emulator of DIDWW's API v3 (version 2026-04-16, JSON:API).

It speaks DIDWW's wire format as the published OpenAPI spec documents it and shares no code with
didkit's DIDWW client, so each checks the other::

    emu = DidwwEmulator(seed=1)
    client = httpx.Client(transport=emu.transport(), base_url="https://api.didww.com/v3")
"""

from ._emulator import DidwwEmulator

__all__ = ["DidwwEmulator"]
