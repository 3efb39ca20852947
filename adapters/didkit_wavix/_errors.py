"""Wavix answers → typed didkit errors.

Wavix errors are flat ``{"success": false, "message": "..."}`` bodies (401 adds ``"error":
true``). The status picks the family; Wavix's message refines it:

* 401/403 → :class:`AuthenticationError`; "not provisioned" (403, and the 404 ``/v1/trunks``
  answers with) says the account lacks the service rather than the key being wrong.
* 404 → :class:`NotFoundError`, except on the cart and checkout, where it means the number is no
  longer for sale → :class:`NumberUnavailableError`.
* 400/422 → :class:`RequestRejectedError` with Wavix's message, refined by the message into
  :class:`InsufficientFundsError`, :class:`NumberUnavailableError` or
  :class:`DocumentsRequiredError`.
* 429 → :class:`RateLimitedError` (``Retry-After`` honoured); 5xx → :class:`ServerError`.
* A 2xx body with ``"success": false`` is an error too: its class comes from the message
  (default :class:`RequestRejectedError`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from didkit import (
    AuthenticationError,
    DocumentsRequiredError,
    InsufficientFundsError,
    NotFoundError,
    NumberUnavailableError,
    ProviderError,
    RateLimitedError,
    RequestRejectedError,
    ResponseFormatError,
    ServerError,
)
from didkit.engine import HttpRequest, HttpResponse, error_class_for, parse_retry_after
from didkit.schema import SchemaSet

SCHEMAS = SchemaSet("didkit_wavix")

CART_PATH = "/v1/buy/cart"
CHECKOUT_PATH = "/v1/buy/cart/checkout"

_INSUFFICIENT = re.compile(
    r"insufficient\s+(?:funds|balance)|not\s+enough\s+(?:funds|balance|money)|low\s+balance", re.I
)
_UNAVAILABLE = re.compile(
    r"no\s+longer\s+available|not\s+available|unavailable|\bsold\b|out\s+of\s+stock|already\s+(?:purchased|taken)",
    re.I,
)
_DOCUMENTS = re.compile(
    r"\bdocument|\bpapers?\b|proof\s+of|require[sd]?\s+(?:docs|documents|verification|registration)", re.I
)
_NOT_PROVISIONED = re.compile(r"not\s+provisioned", re.I)
_NOT_FOUND = re.compile(r"not\s+found", re.I)
_UNAUTHORIZED = re.compile(r"unauthori[sz]ed|unauthenticated|invalid\s+(?:api\s+)?(?:key|token)", re.I)


def messages_of(response: HttpResponse) -> tuple[bool | None, list[str]]:
    """``(success, messages)`` from a Wavix body, validated against the flat error schema.

    A body that is not JSON or does not fit gives ``(None, [])``: the status alone decides.
    """
    content = response.content
    if not content or not content.lstrip().startswith(b"{"):
        return None, []
    try:
        body = response.json()
        SCHEMAS["error"].validate(body, provider=response.provider or "wavix", status_code=response.status_code)
    except ResponseFormatError:
        return None, []
    success = body.get("success")
    return (success if isinstance(success, bool) else None), _flatten(body.get("message"))


def _flatten(message: Any) -> list[str]:
    """Wavix's ``message``: a string, or (older validation errors) a list / field → list mapping."""
    if isinstance(message, str):
        return [message.strip()] if message.strip() else []
    if isinstance(message, list):
        return [m for item in message for m in _flatten(item)]
    if isinstance(message, dict):
        return [f"{key}: {m}" for key, value in message.items() for m in _flatten(value)]
    return []


def refine(text: str, *, purchase: bool) -> type[ProviderError] | None:
    """The error class Wavix's message names, if any. "Sold" and "documents required" only mean
    something for the cart and the checkout; elsewhere they stay request rejections."""
    if _INSUFFICIENT.search(text):
        return InsufficientFundsError
    if purchase and _UNAVAILABLE.search(text):
        return NumberUnavailableError
    if purchase and _DOCUMENTS.search(text):
        return DocumentsRequiredError
    return None


def _is_purchase(request: HttpRequest) -> bool:
    path = request.path.split("?", 1)[0].rstrip("/")
    return (request.method.upper(), path) in (("PUT", CART_PATH), ("POST", CHECKOUT_PATH))


def classify(response: HttpResponse, request: HttpRequest) -> ProviderError | None:
    """Map one Wavix response to a typed error (``None`` = success)."""
    status = response.status_code
    if response.ok:
        if b'"success"' not in response.content:
            return None
        success, messages = messages_of(response)
        if success is not False:
            return None
        text = " ".join(messages)
        if _NOT_PROVISIONED.search(text) or _UNAUTHORIZED.search(text):
            cls: type[ProviderError] = AuthenticationError
        elif _NOT_FOUND.search(text):
            cls = NumberUnavailableError if _is_purchase(request) else NotFoundError
        else:
            cls = refine(text, purchase=_is_purchase(request)) or RequestRejectedError
        return build(cls, response, request, messages or ["Wavix answered success: false"])
    _, messages = messages_of(response)
    text = " ".join(messages)
    purchase = _is_purchase(request)
    refined = refine(text, purchase=purchase)
    if status == 429:
        cls = RateLimitedError
    elif status >= 500:
        cls = ServerError
    elif status == 401 or _NOT_PROVISIONED.search(text):
        cls = AuthenticationError
    elif status == 403:
        cls = refined if refined is InsufficientFundsError else AuthenticationError
    elif status == 404:
        cls = NumberUnavailableError if purchase else NotFoundError
    else:
        cls = refined or error_class_for(status)
    return build(cls, response, request, messages)


def build(
    cls: type[ProviderError], response: HttpResponse, request: HttpRequest, messages: Sequence[str]
) -> ProviderError:
    """The typed error, its text being Wavix's message (plus a hint for credential problems)."""
    text = "; ".join(messages) or f"{request.label} failed"
    if cls is AuthenticationError:
        joined = " ".join(messages)
        if _NOT_PROVISIONED.search(joined):
            text += " (the Wavix account is not provisioned for this service: ask Wavix to enable it)"
        elif response.status_code == 401 or _UNAUTHORIZED.search(joined):
            text += " (check the Wavix API key: WAVIX_API_KEY or api_key=...)"
        else:
            text += " (the Wavix API key is not allowed to do this)"
    kwargs: dict[str, Any] = {
        "provider": response.provider or "wavix",
        "status_code": response.status_code,
        "messages": tuple(messages),
        "request_id": response.request_id,
    }
    if cls is RateLimitedError:
        return RateLimitedError(
            text, retry_after=parse_retry_after(response.headers.get("retry-after")), **kwargs
        )
    return cls(text, **kwargs)
