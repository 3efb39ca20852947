"""didkit's DIDWW adapter (DIDWW API v3, version 2026-04-16).

>>> import didkit
>>> didww = didkit.connect("didww", sandbox=True)          # or api_key=..., environment="sandbox"
>>> offers = didww.search_numbers(didkit.SearchQuery(country="US", city="Los Angeles"))

It is found through the ``didkit.providers`` entry point ``didww``. Besides the providers it
exports :func:`verify_callback_signature`, for DIDWW's signed order callbacks.
"""

from ._callbacks import SIGNATURE_HEADER, callback_signature, verify_callback_signature
from ._catalog import API_VERSION
from ._operations import DidwwOperations
from ._provider import (
    CAPABILITIES,
    DEFAULT_BASE_URL,
    DIDWW_SPEC,
    SANDBOX_BASE_URL,
    AsyncDidwwProvider,
    DidwwProvider,
)

SPEC = DIDWW_SPEC

__all__ = [
    "API_VERSION",
    "CAPABILITIES",
    "DEFAULT_BASE_URL",
    "DIDWW_SPEC",
    "SANDBOX_BASE_URL",
    "SIGNATURE_HEADER",
    "SPEC",
    "AsyncDidwwProvider",
    "DidwwOperations",
    "DidwwProvider",
    "callback_signature",
    "verify_callback_signature",
]
