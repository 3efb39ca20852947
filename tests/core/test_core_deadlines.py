"""One deadline per operation: every request, retry, backoff, Retry-After wait and poll of an
operation run with ``deadline=`` draws from it — sync and async, on an injected clock (nothing
sleeps; the mock transport advances the clock as a slow carrier would)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from didkit import DeadlineExceededError, ProviderError, RateLimitedError, ServerError, TransportError
from didkit.engine import AsyncRunner, EngineConfig, HttpRequest, Operation, RetryPolicy, Sleep, SyncRunner


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)
        await asyncio.sleep(0)


Handler = Callable[[httpx.Request], httpx.Response]


def config(clock: FakeClock, **kwargs: Any) -> EngineConfig:
    kwargs.setdefault("retry", RetryPolicy(max_retries=10, jitter=False, backoff_max=8.0))
    return EngineConfig(
        provider="toy",
        base_url="https://toy.invalid",
        timeout=30.0,
        clock=clock,
        sleep=clock.sleep,
        async_sleep=clock.async_sleep,
        **kwargs,
    )


def run(handler: Handler, operation: Operation[Any], clock: FakeClock, deadline: float | None, use_async: bool) -> Any:
    cfg = config(clock)
    if use_async:

        async def go() -> Any:
            runner = AsyncRunner(cfg, transport=httpx.MockTransport(handler))
            try:
                return await runner.run(operation, deadline=deadline)
            finally:
                await runner.aclose()

        return asyncio.run(go())
    runner = SyncRunner(cfg, transport=httpx.MockTransport(handler))
    try:
        return runner.run(operation, deadline=deadline)
    finally:
        runner.close()


def slow(clock: FakeClock, status: int, seconds: float, headers: dict[str, str] | None = None) -> Handler:
    """A carrier that takes ``seconds`` to answer ``status`` — or times out first, as httpx would."""

    def handler(request: httpx.Request) -> httpx.Response:
        timeout = request.extensions["timeout"]["read"]
        if timeout is not None and seconds >= timeout:
            clock.now += timeout
            raise httpx.ReadTimeout("timed out", request=request)
        clock.now += seconds
        return httpx.Response(status, headers=headers or {}, json={"ok": status < 400})

    return handler


def lookups(count: int) -> Operation[int]:
    """Look something up ``count`` times with a poll between: each look failing is tolerated."""
    failures = 0
    for _ in range(count):
        try:
            yield HttpRequest("GET", "/lookup")
        except DeadlineExceededError:
            raise
        except ProviderError:
            failures += 1
        yield Sleep(5.0)
    return failures


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_retries_backoff_and_polls_all_draw_from_one_deadline(use_async: bool) -> None:
    clock = FakeClock()
    started = clock.now
    with pytest.raises(DeadlineExceededError, match="deadline had passed"):
        run(slow(clock, 503, 2.0), lookups(15), clock, 60.0, use_async)
    assert clock.now - started <= 60.0


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_without_a_deadline_the_same_operation_runs_far_longer(use_async: bool) -> None:
    clock = FakeClock()
    started = clock.now
    assert run(slow(clock, 503, 2.0), lookups(15), clock, None, use_async) == 15
    assert clock.now - started > 300  # what the deadline prevents


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_a_hung_endpoint_gets_only_the_time_left(use_async: bool) -> None:
    clock = FakeClock()
    started = clock.now
    seen: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"]["read"])
        return slow(clock, 200, 1000.0)(request)

    def one() -> Operation[None]:
        yield Sleep(50.0)
        yield HttpRequest("POST", "/orders", idempotent=False)

    with pytest.raises(TransportError) as caught:
        run(handler, one(), clock, 60.0, use_async)
    assert seen == [pytest.approx(10.0)]
    assert caught.value.outcome_unknown  # the order was sent: its outcome is open, not "deadline"
    assert clock.now - started == pytest.approx(60.0)


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_a_retry_after_beyond_the_deadline_gives_up_with_the_carriers_error(use_async: bool) -> None:
    clock = FakeClock()
    started = clock.now

    def read() -> Operation[Any]:
        return (yield HttpRequest("GET", "/lookup"))

    with pytest.raises(RateLimitedError):
        run(slow(clock, 429, 0.1, {"Retry-After": "20"}), read(), clock, 10.0, use_async)
    assert clock.now - started == pytest.approx(0.1)  # it did not sleep 20 s first


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_a_poll_is_cut_to_the_deadline_and_the_operation_hears_of_it(use_async: bool) -> None:
    clock = FakeClock()
    started = clock.now
    heard: list[str] = []

    def poll() -> Operation[str]:
        yield HttpRequest("GET", "/order")
        try:
            yield Sleep(100.0)
            yield Sleep(100.0)
        except DeadlineExceededError as error:
            heard.append(str(error))
            return "pending"
        return "done"

    assert run(slow(clock, 200, 1.0), poll(), clock, 30.0, use_async) == "pending"
    assert clock.now - started == pytest.approx(30.0)
    assert heard and "deadline" in heard[0]


def test_a_deadline_error_is_a_transport_error_with_a_known_outcome() -> None:
    clock = FakeClock()

    def two() -> Operation[None]:
        yield HttpRequest("GET", "/a")
        yield Sleep(10.0)
        yield HttpRequest("GET", "/b")

    with pytest.raises(DeadlineExceededError) as caught:
        run(slow(clock, 200, 1.0), two(), clock, 5.0, False)
    assert isinstance(caught.value, TransportError)
    assert not caught.value.outcome_unknown
    assert caught.value.provider == "toy"
    assert not isinstance(caught.value, ServerError)
