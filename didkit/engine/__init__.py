"""The engine: one sans-I/O implementation of each provider operation, driven by a sync or an
async runner. Adapters write operations as generators over the steps in :mod:`.steps`."""

from .errormap import error_class_for, error_for_status, request_id_of
from .policy import NO_RETRIES, RateLimiter, RetryPolicy, parse_retry_after
from .redact import Redactor
from .runner import AsyncRunner, EngineConfig, SyncRunner, default_classify
from .steps import Emit, HttpRequest, HttpResponse, Operation, Sleep, Step, Stream, url_path

__all__ = [
    "NO_RETRIES",
    "AsyncRunner",
    "Emit",
    "EngineConfig",
    "HttpRequest",
    "HttpResponse",
    "Operation",
    "RateLimiter",
    "Redactor",
    "RetryPolicy",
    "Sleep",
    "Step",
    "Stream",
    "SyncRunner",
    "default_classify",
    "error_class_for",
    "error_for_status",
    "parse_retry_after",
    "request_id_of",
    "url_path",
]
