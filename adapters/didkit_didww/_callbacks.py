"""Verification of DIDWW's signed callbacks (``X-DIDWW-Signature``).

DIDWW signs each callback (order completed/canceled, export ready, …) with HMAC-SHA1, keyed
with the account's *callback secret* (API keys set up before callback secrets existed sign with
the API key). The signed text is the callback URL, normalised to
``scheme://[userinfo@]host:port/path[?query][#fragment]`` with the port always written out
(80/443 by default), followed by every payload parameter as ``key`` + ``value``, in key order.
The signature is the lower-case hex digest. This is what DIDWW's official SDKs implement
(``didww.callback.request_validator.RequestValidator``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

SIGNATURE_HEADER = "X-DIDWW-Signature"

__all__ = ["SIGNATURE_HEADER", "callback_signature", "verify_callback_signature"]


def _normalize_url(url: str) -> str:
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    hostname = parts.hostname or ""
    host = f"[{hostname}]" if ":" in hostname else hostname
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None:
        port = 443 if scheme == "https" else 80
    userinfo = ""
    if parts.username:
        userinfo = parts.username + (f":{parts.password}" if parts.password else "") + "@"
    query = f"?{parts.query}" if parts.query else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"{scheme}://{userinfo}{host}:{port}{parts.path}{query}{fragment}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)


def callback_signature(url: str, payload: Mapping[str, Any], secret: str) -> str:
    """The ``X-DIDWW-Signature`` DIDWW sends for a callback to ``url`` carrying ``payload``
    (the form or query parameters: ``id``, ``type``, ``status``, …)."""
    if not isinstance(secret, str) or not secret:
        raise ValueError("the callback secret must be a non-empty string")
    data = _normalize_url(url) + "".join(str(key) + _text(payload[key]) for key in sorted(payload, key=str))
    return hmac.new(secret.encode("utf-8"), data.encode("utf-8"), hashlib.sha1).hexdigest()


def verify_callback_signature(url: str, payload: Mapping[str, Any], signature: str | None, secret: str) -> bool:
    """``True`` when ``signature`` (the ``X-DIDWW-Signature`` header) proves DIDWW sent this
    callback; ``False`` for a missing, malformed or forged one. The comparison is constant-time.

    ``url`` is the order's ``callback_url`` (the URL DIDWW called), ``payload`` the callback's
    parameters (the POST form fields, or the query parameters DIDWW added to a GET callback:
    ``id``, ``type``, ``status``), and ``secret`` the callback secret enabled in the DIDWW user
    panel (or the API key, for keys set up before callback secrets).
    """
    if not signature or not isinstance(signature, str):
        return False
    expected = callback_signature(url, payload, secret)
    return hmac.compare_digest(expected.encode("ascii"), signature.strip().lower().encode("ascii", "replace"))
