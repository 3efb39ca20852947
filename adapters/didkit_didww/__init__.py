"""didkit's DIDWW adapter (DIDWW API v3: version 2026-11-19 by default, 2026-04-16 on request).

>>> import didkit
>>> didww = didkit.connect("didww", sandbox=True)          # or api_key=..., environment="sandbox"
>>> older = didkit.connect("didww", sandbox=True, api_version="2026-04-16")
>>> offers = didww.search_numbers(didkit.SearchQuery(country="US", city="Los Angeles"))

It is found through the ``didkit.providers`` entry point ``didww``. Besides the providers it
exports :func:`verify_callback_signature`, for DIDWW's signed order callbacks.
"""

from ._callbacks import SIGNATURE_HEADER, callback_signature, verify_callback_signature
from ._operations import DidwwOperations
from ._provider import (
    CAPABILITIES,
    DEFAULT_BASE_URL,
    DIDWW_SPEC,
    SANDBOX_BASE_URL,
    AsyncDidwwProvider,
    DidwwProvider,
    token_url,
)
from ._versions import DEFAULT_VERSION, VERSIONS, ApiVersion

API_VERSION = DEFAULT_VERSION
"""The API version a connection speaks unless ``api_version=`` says otherwise."""
API_VERSIONS = tuple(sorted(VERSIONS))
"""Every API version the adapter speaks."""

SPEC = DIDWW_SPEC

__all__ = [
    "API_VERSION",
    "API_VERSIONS",
    "CAPABILITIES",
    "DEFAULT_BASE_URL",
    "DIDWW_SPEC",
    "SANDBOX_BASE_URL",
    "SIGNATURE_HEADER",
    "SPEC",
    "ApiVersion",
    "AsyncDidwwProvider",
    "DidwwOperations",
    "DidwwProvider",
    "callback_signature",
    "token_url",
    "verify_callback_signature",
]
