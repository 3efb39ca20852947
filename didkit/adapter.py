"""What an adapter writes, and the generic providers that run it.

An adapter supplies a :class:`ProviderSpec` (its name, base URL, auth headers, capabilities,
and factories for its operations and its emulator) and a :class:`ProviderOperations` subclass
whose methods are sans-I/O generators. :class:`SyncProvider` and :class:`AsyncProvider` turn
that into a :class:`~didkit.NumberProvider` and an :class:`~didkit.AsyncNumberProvider`: the
same operation code serves both.
"""

from __future__ import annotations

from ._adapter_spec import IdShape, NumberRef, OperationContext, ProviderOperations, ProviderSpec
from ._providers import AsyncProvider, SyncProvider

__all__ = [
    "AsyncProvider",
    "IdShape",
    "NumberRef",
    "OperationContext",
    "ProviderOperations",
    "ProviderSpec",
    "SyncProvider",
]
