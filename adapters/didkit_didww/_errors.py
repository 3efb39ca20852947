"""DIDWW's JSON:API ``errors[]`` mapped to didkit's typed errors.

The core's :func:`didkit.jsonapi.error_from_response` gives the status-based type (401/403 →
:class:`~didkit.AuthenticationError`, 404 → :class:`~didkit.NotFoundError`, 400/422 →
:class:`~didkit.RequestRejectedError`, 429 → :class:`~didkit.RateLimitedError`, 5xx →
:class:`~didkit.ServerError`) with every ``detail`` and ``source.pointer``; this module refines
it with what DIDWW's error texts, codes and ``meta`` say: insufficient balance, stock,
registration requirements, and 403s that deny a feature rather than the key
(:class:`~didkit.PermissionDeniedError`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from didkit import Money
from didkit.engine import HttpRequest, HttpResponse, error_for_status
from didkit.errors import (
    DocumentsRequiredError,
    InsufficientFundsError,
    NumberUnavailableError,
    PermissionDeniedError,
    ProviderError,
    RateLimitedError,
)
from didkit.jsonapi import error_from_response

CURRENCY = "USD"
ORDER_OPERATION = "create order"

_FUNDS = re.compile(r"insufficient\s+(funds|balance)|balance\s+is\s+too\s+low|not\s+enough\s+(funds|balance)", re.I)
_STOCK = re.compile(
    r"insufficient\s+stock|out\s+of\s+stock|not\s+available|no\s+longer\s+available|sold|"
    r"only\s+\d+\s+dids?\b|exceed|already\s+(taken|reserved|purchased)",
    re.I,
)
_STOCK_POINTERS = ("/qty", "/available_did_id", "/did_reservation_id", "/sku_id")
_DOCUMENTS = re.compile(
    r"registration|address\s+verification|verified\s+address|identity|supporting\s+document|proof|"
    r"requirement|documents?\s+required",
    re.I,
)
_DENIED = re.compile(r"insufficient\s+scope|access\s+for\s+customer\s+is\s+denied|not\s+enabled", re.I)
"""403s from a valid key that may not do this: a ``read`` token writing ("Insufficient scope",
2026-11-19), or a resource support has not enabled for the account (``available_dids`` on new
accounts: "Access for Customer is Denied")."""
_REQUIRED_KEYS = ("total_cost", "required", "amount", "cost")
_AVAILABLE_KEYS = ("balance", "available_balance", "total_balance", "available")


def _money(value: Any) -> Money | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return Money(amount, CURRENCY) if amount.is_finite() else None


def _first_money(metas: Sequence[Mapping[str, Any]], keys: Sequence[str]) -> Money | None:
    for meta in metas:
        for key in keys:
            if key in meta:
                found = _money(meta[key])
                if found is not None:
                    return found
    return None


def _is_order_request(request: HttpRequest) -> bool:
    if request.operation == ORDER_OPERATION:
        return True
    return request.method.upper() == "POST" and request.path.rstrip("/").endswith("/orders")


def classify(response: HttpResponse, request: HttpRequest) -> ProviderError | None:
    """``None`` for a success, else the typed error for DIDWW's answer."""
    if response.ok:
        return None
    base = error_from_response(response, request)
    if isinstance(base, RateLimitedError) or response.status_code >= 500 or response.status_code in (401, 404):
        return base
    details = list(base.details)
    metas = [d["meta"] for d in details if isinstance(d.get("meta"), Mapping)]
    texts = " | ".join(str(d.get(key) or "") for d in details for key in ("title", "detail")) or base.message
    pointers = [str(d.get("pointer") or "") for d in details]
    kwargs: dict[str, Any] = {
        "provider": base.provider,
        "status_code": base.status_code,
        "messages": base.messages,
        "request_id": base.request_id,
        "details": base.details,
    }

    if response.status_code == 403 and (
        _DENIED.search(texts) or "insufficient_scope" in response.headers.get("www-authenticate", "")
    ):
        return error_for_status(
            response, request, messages=base.messages, details=base.details, cls=PermissionDeniedError
        )
    if _FUNDS.search(texts) or any("total_cost" in meta for meta in metas) or response.status_code == 402:
        return InsufficientFundsError(
            base.message,
            required=_first_money(metas, _REQUIRED_KEYS),
            available=_first_money(metas, _AVAILABLE_KEYS),
            **kwargs,
        )
    if _is_order_request(request):
        if _DOCUMENTS.search(texts):
            return error_for_status(
                response, request, messages=base.messages, details=base.details, cls=DocumentsRequiredError
            )
        invalid = "invalid" in texts.lower()
        if _STOCK.search(texts) or any(p.endswith(_STOCK_POINTERS) and not invalid for p in pointers):
            return error_for_status(
                response, request, messages=base.messages, details=base.details, cls=NumberUnavailableError
            )
    return base
