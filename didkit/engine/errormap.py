"""Default mapping of HTTP failures to the typed errors. Adapters refine it with carrier
knowledge (message texts, error codes) through their ``classify`` hook."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import (
    AuthenticationError,
    InsufficientFundsError,
    NotFoundError,
    ProviderError,
    RateLimitedError,
    RequestRejectedError,
    ServerError,
    TransportError,
)
from .policy import parse_retry_after
from .steps import HttpRequest, HttpResponse

REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-correlation-id", "x-amzn-requestid", "cf-ray")


def request_id_of(headers: Mapping[str, str]) -> str | None:
    """The carrier's request id from the usual headers."""
    for name in REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value
    return None


def error_class_for(status: int) -> type[ProviderError]:
    """The error type an HTTP status maps to when the carrier says nothing more specific."""
    if status in (401, 403):
        return AuthenticationError
    if status == 404:
        return NotFoundError
    if status == 402:
        return InsufficientFundsError
    if status == 408:
        return TransportError
    if status == 429:
        return RateLimitedError
    if status >= 500:
        return ServerError
    if 400 <= status < 500:
        return RequestRejectedError
    return ProviderError


def error_for_status(
    response: HttpResponse,
    request: HttpRequest,
    *,
    messages: Sequence[str] = (),
    details: Sequence[Mapping[str, Any]] = (),
    cls: type[ProviderError] | None = None,
) -> ProviderError:
    """Build the typed error for a failed response."""
    error_type = cls or error_class_for(response.status_code)
    text = "; ".join(m for m in messages if m) or f"{request.label} failed"
    kwargs: dict[str, Any] = {
        "provider": response.provider,
        "status_code": response.status_code,
        "messages": tuple(messages),
        "request_id": response.request_id,
        "details": tuple(details),
    }
    if issubclass(error_type, RateLimitedError):
        kwargs["retry_after"] = parse_retry_after(response.headers.get("retry-after"))
    return error_type(text, **kwargs)
