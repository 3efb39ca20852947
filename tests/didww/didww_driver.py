"""Drive the adapter's sans-I/O operations by hand: every request is recorded and answered by a
scripted responder, so tests can look at the exact bodies the adapter would send."""

from __future__ import annotations

import json
from collections.abc import Callable, Generator
from typing import Any

from didkit_didww import DidwwOperations

from didkit.adapter import OperationContext
from didkit.engine import Emit, HttpRequest, HttpResponse, Sleep
from didkit.errors import ProviderError

Responder = Callable[[HttpRequest], "HttpResponse | ProviderError"]


def operations(**options: Any) -> DidwwOperations:
    return DidwwOperations(OperationContext("didww", options))


def response(body: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(
        status_code=status,
        headers={"content-type": "application/vnd.api+json"},
        content=json.dumps(body).encode(),
        provider="didww",
    )


def with_number(document: dict[str, Any], number: str = "16092091234") -> dict[str, Any]:
    """A DID document whose placeholder number (the SDK fixtures use 17 digits) is a real one."""
    document["data"]["attributes"]["number"] = number
    return document


def empty_collection() -> dict[str, Any]:
    return {"data": [], "meta": {"total_records": 0}, "links": {"first": "x", "last": "x"}}


def drive(operation: Generator[Any, Any, Any], responder: Responder) -> tuple[Any, list[HttpRequest], list[Any]]:
    """Run ``operation`` to its end; returns (result, requests, emitted items)."""
    requests: list[HttpRequest] = []
    emitted: list[Any] = []
    answer: Any = None
    try:
        step = next(operation)
        while True:
            if isinstance(step, HttpRequest):
                requests.append(step)
                got = responder(step)
                if isinstance(got, ProviderError):
                    step = operation.throw(got)
                    continue
                answer = got
            elif isinstance(step, Emit):
                emitted.extend(step.items)
                answer = None
            elif isinstance(step, Sleep):
                answer = None
            step = operation.send(answer)
    except StopIteration as stop:
        return stop.value, requests, emitted


def first_request(operation: Generator[Any, Any, Any]) -> HttpRequest:
    step = next(operation)
    assert isinstance(step, HttpRequest), step
    operation.close()
    return step
