"""didkit: one model of phone numbers (DIDs) over many carriers.

>>> import didkit
>>> provider = didkit.connect("wavix", sandbox=True)
>>> offers = list(provider.search_numbers(didkit.SearchQuery(country="US", city="Los Angeles")))

The model and the errors are imported eagerly (they are light); the engine, registry, broker
and JSON:API layers load on first use, so ``import didkit`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import (
    AmbiguousPurchaseError,
    AuthenticationError,
    ConfigurationError,
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

if TYPE_CHECKING:
    from .broker import (
        AmbiguousProcurementError,
        Comparison,
        Procurement,
        ProcurementAttempt,
        ProcurementFailedError,
        ProviderReport,
        compare,
        compare_async,
        procure,
        procure_async,
    )
    from .protocol import AsyncNumberProvider, NumberProvider
    from .registry import available_providers, connect, connect_async

__version__ = "0.1.0"

_LAZY = {
    "NumberProvider": "protocol",
    "AsyncNumberProvider": "protocol",
    "connect": "registry",
    "connect_async": "registry",
    "available_providers": "registry",
    "compare": "broker",
    "compare_async": "broker",
    "procure": "broker",
    "procure_async": "broker",
    "Comparison": "broker",
    "Procurement": "broker",
    "ProcurementAttempt": "broker",
    "ProviderReport": "broker",
    "ProcurementFailedError": "broker",
    "AmbiguousProcurementError": "broker",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'didkit' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "DID",
    "AmbiguousProcurementError",
    "AmbiguousPurchaseError",
    "AsyncNumberProvider",
    "AuthenticationError",
    "AvailableNumber",
    "Capability",
    "City",
    "Comparison",
    "ConfigurationError",
    "Country",
    "Destination",
    "DestinationKind",
    "DidkitError",
    "DocumentsRequiredError",
    "InsufficientFundsError",
    "InvalidInputError",
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
    "ProviderCapabilities",
    "ProviderError",
    "ProviderReport",
    "RateLimitedError",
    "Region",
    "RequestRejectedError",
    "ResponseFormatError",
    "SearchQuery",
    "ServerError",
    "TransportError",
    "UnsupportedOperationError",
    "available_providers",
    "compare",
    "compare_async",
    "connect",
    "connect_async",
    "procure",
    "procure_async",
]
