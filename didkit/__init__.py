"""didkit: one model of phone numbers (DIDs) over many carriers.

>>> import didkit
>>> provider = didkit.connect("wavix", sandbox=True)
>>> offers = list(provider.search_numbers(didkit.SearchQuery(country="US", city="Los Angeles")))

The model and the errors are imported eagerly (they are light); the engine, registry, broker
and JSON:API layers load on first use, so ``import didkit`` stays fast.
"""

# No ``from __future__ import annotations`` and no ``from typing import ...`` here: every global
# name of this module shows in ``dir(didkit)``, so only the public API may be bound.
import typing as _typing
from types import ModuleType as _ModuleType

from .errors import (
    AmbiguousPurchaseError,
    AuthenticationError,
    ConfigurationError,
    DeadlineExceededError,
    DidkitError,
    DocumentsRequiredError,
    InsufficientFundsError,
    InvalidInputError,
    NotFoundError,
    NumberUnavailableError,
    PermissionDeniedError,
    ProviderError,
    RateLimitedError,
    RequestRejectedError,
    ResponseFormatError,
    ServerError,
    TransportError,
    UnknownPlaceError,
    UnsupportedOperationError,
)
from .model import (
    DID,
    AvailableNumber,
    Capability,
    City,
    Country,
    Destination,
    DestinationKind,
    Hold,
    MessagingKind,
    MessagingRoute,
    Money,
    NumberStatus,
    NumberType,
    Order,
    OrderStatus,
    ProviderCapabilities,
    Region,
    SearchQuery,
)
from .regulatory import Address, Document, EndUser, Registration, RegistrationStatus, Requirements

if _typing.TYPE_CHECKING:
    from .broker import (
        AmbiguousProcurementError,
        Comparison,
        ComparisonFailedError,
        EventLoopRunningError,
        Procurement,
        ProcurementAttempt,
        ProcurementFailedError,
        ProcurementIncompleteError,
        ProviderReport,
        compare,
        compare_async,
        procure,
        procure_async,
    )
    from .ledger import Ledger, LedgerBusyError, LedgerError, open_ledger
    from .protocol import AsyncNumberProvider, AsyncSandboxNumberProvider, NumberProvider, SandboxNumberProvider
    from .registry import available_providers, connect, connect_async

__version__ = "0.1.0"

import logging as _logging

# A library's records go where the application sends them, and nowhere when it configures no
# logging (not to stderr through logging's last-resort handler).
_logging.getLogger(__name__).addHandler(_logging.NullHandler())
del _logging

_LAZY = {
    "NumberProvider": "protocol",
    "AsyncNumberProvider": "protocol",
    "SandboxNumberProvider": "protocol",
    "AsyncSandboxNumberProvider": "protocol",
    "connect": "registry",
    "connect_async": "registry",
    "available_providers": "registry",
    "compare": "broker",
    "compare_async": "broker",
    "procure": "broker",
    "procure_async": "broker",
    "Comparison": "broker",
    "ComparisonFailedError": "broker",
    "Procurement": "broker",
    "ProcurementAttempt": "broker",
    "ProviderReport": "broker",
    "ProcurementFailedError": "broker",
    "ProcurementIncompleteError": "broker",
    "AmbiguousProcurementError": "broker",
    "EventLoopRunningError": "broker",
    "open_ledger": "ledger",
    "Ledger": "ledger",
    "LedgerError": "ledger",
    "LedgerBusyError": "ledger",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'didkit' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public API, the dunders and the submodules loaded so far."""
    names = {name for name, value in globals().items() if isinstance(value, _ModuleType) and not name.startswith("_")}
    names.update(name for name in globals() if name.startswith("__"))
    return sorted(names | set(__all__))


__all__ = [
    "DID",
    "Address",
    "AmbiguousProcurementError",
    "AmbiguousPurchaseError",
    "AsyncNumberProvider",
    "AsyncSandboxNumberProvider",
    "AuthenticationError",
    "AvailableNumber",
    "Capability",
    "City",
    "Comparison",
    "ComparisonFailedError",
    "ConfigurationError",
    "Country",
    "DeadlineExceededError",
    "Destination",
    "DestinationKind",
    "DidkitError",
    "Document",
    "DocumentsRequiredError",
    "EndUser",
    "EventLoopRunningError",
    "Hold",
    "InsufficientFundsError",
    "InvalidInputError",
    "Ledger",
    "LedgerBusyError",
    "LedgerError",
    "MessagingKind",
    "MessagingRoute",
    "Money",
    "NotFoundError",
    "NumberProvider",
    "NumberStatus",
    "NumberType",
    "NumberUnavailableError",
    "Order",
    "OrderStatus",
    "PermissionDeniedError",
    "Procurement",
    "ProcurementAttempt",
    "ProcurementFailedError",
    "ProcurementIncompleteError",
    "ProviderCapabilities",
    "ProviderError",
    "ProviderReport",
    "RateLimitedError",
    "Region",
    "Registration",
    "RegistrationStatus",
    "RequestRejectedError",
    "Requirements",
    "ResponseFormatError",
    "SandboxNumberProvider",
    "SearchQuery",
    "ServerError",
    "TransportError",
    "UnknownPlaceError",
    "UnsupportedOperationError",
    "available_providers",
    "compare",
    "compare_async",
    "connect",
    "connect_async",
    "open_ledger",
    "procure",
    "procure_async",
]
