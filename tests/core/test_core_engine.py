"""The engine: retries, backoff, Retry-After, rate limiting, lazy pagination, error mapping,
redaction — through a toy adapter and httpx.MockTransport, with a fake clock (nothing sleeps)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from toy_adapter import AsyncToyProvider, ToyProvider

import didkit
from didkit import (
    AuthenticationError,
    AvailableNumber,
    Destination,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    RequestRejectedError,
    SearchQuery,
    ServerError,
    TransportError,
)
from didkit.engine import RateLimiter, RetryPolicy, parse_retry_after

SECRET = "sk_live_SENTINEL_4f9a8b7c"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


Handler = Callable[[httpx.Request], httpx.Response]


def make(handler: Handler, clock: FakeClock | None = None, **kwargs: Any) -> tuple[ToyProvider, FakeClock]:
    clock = clock or FakeClock()
    kwargs.setdefault("rate_limit", False)
    provider = ToyProvider(
        api_key=SECRET, transport=httpx.MockTransport(handler), clock=clock, sleep=clock.sleep, **kwargs
    )
    return provider, clock


def test_reads_are_retried_with_backoff_on_5xx_then_succeed() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) < 3:
            return httpx.Response(503)
        return httpx.Response(200, json={"countries": ["US"]})

    provider, clock = make(handler, retry=RetryPolicy(max_retries=3, backoff_base=0.5, jitter=False))
    assert [c.code for c in provider.list_countries()] == ["US"]
    assert len(calls) == 3
    assert clock.sleeps == [0.5, 1.0]


def test_retry_after_is_honoured_and_capped() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            return httpx.Response(429, headers={"Retry-After": "7"})
        return httpx.Response(200, json={"countries": []})

    provider, clock = make(handler)
    provider.list_countries()
    assert clock.sleeps == [7.0]

    def always_429(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "3600"})

    provider, clock = make(always_429)
    with pytest.raises(RateLimitedError) as info:
        provider.list_countries()
    assert info.value.retry_after == 3600.0
    assert clock.sleeps == []


def test_reads_give_up_after_max_retries() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(502)

    provider, clock = make(handler, retry=RetryPolicy(max_retries=2))
    with pytest.raises(ServerError) as info:
        provider.list_countries()
    assert len(calls) == 3
    assert len(clock.sleeps) == 2
    assert info.value.status_code == 502
    assert info.value.outcome_unknown is False


def test_connection_errors_are_retried_for_reads() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(200, json={"countries": ["GB"]})

    provider, _ = make(handler)
    assert provider.list_countries()[0].code == "GB"
    assert len(calls) == 2


OFFER = AvailableNumber(provider="toy", number="+12125550123", country="US")


@pytest.mark.parametrize(
    ("failure", "error_type"),
    [
        (lambda r: httpx.Response(500), ServerError),
        (lambda r: httpx.Response(503), ServerError),
        (lambda r: httpx.Response(408), TransportError),
    ],
)
def test_purchases_are_never_retried_and_flag_unknown_outcome(failure: Handler, error_type: type[Exception]) -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return failure(request)

    provider, clock = make(handler)
    with pytest.raises(error_type) as info:
        provider.purchase(OFFER, reference="r1")
    assert len(calls) == 1
    assert clock.sleeps == []
    assert info.value.outcome_unknown is True  # type: ignore[attr-defined]


def test_purchase_dropped_after_sending_is_unknown_but_refused_connection_is_not() -> None:
    def dropped(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("Server disconnected", request=request)

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    for handler, unknown in ((dropped, True), (refused, False)):
        provider, _ = make(handler)
        with pytest.raises(TransportError) as info:
            provider.purchase(OFFER)
        assert info.value.outcome_unknown is unknown


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (401, AuthenticationError),
        (403, AuthenticationError),
        (404, NotFoundError),
        (400, RequestRejectedError),
        (422, RequestRejectedError),
        (402, didkit.InsufficientFundsError),
        (500, ServerError),
    ],
)
def test_status_mapping(status: int, error_type: type[didkit.ProviderError]) -> None:
    provider, _ = make(lambda r: httpx.Response(status, headers={"x-request-id": "req-42"}), retry=RetryPolicy(0))
    with pytest.raises(error_type) as info:
        provider.get_number("7")
    assert info.value.provider == "toy"
    assert info.value.status_code == status
    assert info.value.request_id == "req-42"
    assert "req-42" in str(info.value)


def test_page_number_pagination_is_lazy() -> None:
    pages: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        pages.append(str(page))
        return httpx.Response(200, json={"items": [f"+1212555{page:02d}{i:02d}" for i in range(2)], "pages": 3})

    provider, _ = make(handler)
    offers = provider.search_numbers(SearchQuery(country="US"))
    first = next(iter(offers))
    assert first.number == "+12125550100"
    assert pages == ["1"]
    rest = list(offers)
    assert len(rest) == 5
    assert pages == ["1", "2", "3"]


def test_limit_stops_fetching() -> None:
    pages: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        pages.append(1)
        return httpx.Response(200, json={"items": ["+12125550100", "+12125550101"], "pages": 50})

    provider, _ = make(handler)
    assert len(list(provider.search_numbers(SearchQuery(country="US", limit=3)))) == 3
    assert len(pages) == 2


def test_links_next_pagination_is_lazy_and_follows_absolute_urls() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path.endswith("/numbers"):
            return httpx.Response(
                200,
                json={"data": ["+12125550100"], "links": {"next": "https://toy.test/api/numbers/p2?page[number]=2"}},
            )
        return httpx.Response(200, json={"data": ["+12125550101"], "links": {}})

    provider, _ = make(handler)
    numbers = provider.list_numbers(status="active")
    assert next(numbers).number == "+12125550100"
    assert seen == ["https://toy.test/api/numbers?status=active"]
    assert [d.number for d in numbers] == ["+12125550101"]
    assert httpx.URL(seen[1]).path == "/api/numbers/p2"
    assert httpx.URL(seen[1]).params["page[number]"] == "2"


def test_rate_limiter_never_exceeds_limit_in_any_window() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10, 1.0, clock=clock)
    sends: list[float] = []
    for _ in range(55):
        wait = limiter.reserve()
        sends.append(clock.now + wait)
    sends.sort()
    for i, start in enumerate(sends):
        in_window = [t for t in sends[i:] if t < start + 1.0]
        assert len(in_window) <= 10
    assert sends[-1] - sends[0] <= 5.0  # as fast as the limit allows, no slower


async def test_rate_limiter_under_concurrent_async_load() -> None:
    clock = FakeClock()
    sent: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(clock.now)
        return httpx.Response(200, json={"countries": []})

    provider = AsyncToyProvider(
        api_key=SECRET,
        transport=httpx.MockTransport(handler),
        clock=clock,
        async_sleep=clock.async_sleep,
        rate_limit=(10, 1.0),
    )
    await asyncio.gather(*(provider.list_countries() for _ in range(45)))
    assert len(sent) == 45
    sent.sort()
    for i, start in enumerate(sent):
        assert len([t for t in sent[i:] if t < start + 1.0]) <= 10
    await provider.aclose()


async def test_async_provider_runs_the_same_operations() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path.endswith("/buy"):
            return httpx.Response(201, json={"id": 9})
        page = int(request.url.params["page"])
        return httpx.Response(200, json={"items": [f"+121255501{page}0"], "pages": 2})

    clock = FakeClock()
    async with AsyncToyProvider(
        api_key=SECRET, transport=httpx.MockTransport(handler), clock=clock, async_sleep=clock.async_sleep
    ) as provider:
        offers = [o async for o in provider.search_numbers(SearchQuery(country="US"))]
        assert [o.number for o in offers] == ["+12125550110", "+12125550120"]
        order = await provider.purchase(offers[0], reference="ref")
        assert order.id == "9"


def test_secret_never_in_logs_reprs_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == f"Token {SECRET}"
        return httpx.Response(400, json={"message": f"bad key {SECRET}"})

    provider, _ = make(handler)
    with caplog.at_level(logging.DEBUG, logger="didkit"), pytest.raises(RequestRejectedError) as info:
        provider.get_number("1")
    assert SECRET not in repr(provider)
    assert SECRET not in str(provider)
    assert SECRET not in caplog.text
    assert "GET" in caplog.text
    assert SECRET not in str(info.value)
    assert SECRET not in repr(info.value)


def test_secret_redacted_from_carrier_messages() -> None:
    from didkit.engine import error_for_status

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(418, text="x")

    provider, _ = make(handler)
    original = provider.operations.classify

    def classify(response: Any, request: Any) -> Any:
        return (
            error_for_status(response, request, messages=[f"echo {SECRET}"])
            if not response.ok
            else original(response, request)
        )

    provider._config.classify = classify
    with pytest.raises(didkit.ProviderError) as info:
        provider.get_number("1")
    assert SECRET not in str(info.value)
    assert all(SECRET not in m for m in info.value.messages)


def test_input_is_rejected_before_any_request() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(200, json={})

    provider, _ = make(handler)
    with pytest.raises(InvalidInputError):
        provider.list_regions("ZZ")
    with pytest.raises(InvalidInputError):
        provider.purchase(AvailableNumber(provider="other", number=None, country="US"))
    with pytest.raises(InvalidInputError):
        provider.purchase(OFFER, reference="  ")
    with pytest.raises(InvalidInputError):
        provider.set_destinations("1", [])
    with pytest.raises(InvalidInputError):
        provider.set_destinations("1", ["sip:a@b.c"])  # type: ignore[list-item]
    with pytest.raises(InvalidInputError):
        provider.get_number("+1 555")
    with pytest.raises(InvalidInputError), pytest.warns(DeprecationWarning, match="set_messaging"):
        provider.update_number("1", sms_webhook_url="ftp://x")
    with pytest.raises(InvalidInputError):
        provider.update_number("1")
    assert calls == []


def test_destinations_get_priorities_in_order() -> None:
    bodies: list[Any] = []

    def handler(request: httpx.Request) -> httpx.Response:
        import json

        bodies.append(json.loads(request.content))
        return httpx.Response(200, json={"number": "+12125550123"})

    provider, _ = make(handler)
    did = provider.set_destinations("5", [Destination.pstn("+12125550199"), Destination.sip("sip:a@b.example")])
    assert [d["priority"] for d in bodies[0]] == [1, 2]
    assert [d.priority for d in did.destinations] == [1, 2]
    # explicit priorities that agree with the list order are kept as that order (renumbered 1..n)
    provider.set_destinations(
        "5", [Destination.pstn("+12125550199", priority=3), Destination.sip("sip:a@b.example", priority=8)]
    )
    assert [(d["target"], d["priority"]) for d in bodies[1]] == [("+12125550199", 1), ("sip:a@b.example", 2)]


@pytest.mark.parametrize(
    "priorities",
    [(5, 2), (7, 1), (2, 2), (1, 1, 3), (1, 2, 2)],
)
def test_destination_priorities_that_contradict_the_list_are_rejected(priorities: tuple[int, ...]) -> None:
    sent: list[httpx.Request] = []
    provider, _ = make(lambda request: sent.append(request) or httpx.Response(200, json={"number": "+12125550123"}))
    targets = ["sip:a@b.example", "sip:c@d.example", "sip:e@f.example"]
    destinations = [Destination.sip(t, priority=p) for t, p in zip(targets, priorities, strict=False)]
    with pytest.raises(InvalidInputError, match="tried in list order"):
        provider.set_destinations("5", destinations)
    assert sent == []


def test_a_destination_given_twice_is_rejected() -> None:
    sent: list[httpx.Request] = []
    provider, _ = make(lambda request: sent.append(request) or httpx.Response(200, json={"number": "+12125550123"}))
    with pytest.raises(InvalidInputError, match="given twice"):
        provider.set_destinations("5", [Destination.sip("sip:a@b.example"), Destination.sip("SIP:a@b.example")])
    assert sent == []


def test_parse_retry_after_http_date() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=lambda: 1445412470.0) == 10.0
    assert parse_retry_after("garbage") is None
    assert parse_retry_after("5") == 5.0


def test_missing_key_and_bad_options_are_configuration_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOY_API_KEY", raising=False)
    with pytest.raises(didkit.ConfigurationError, match="TOY_API_KEY"):
        ToyProvider()
    monkeypatch.setenv("TOY_API_KEY", SECRET)
    assert ToyProvider().base_url == "https://toy.test/api"
    with pytest.raises(didkit.ConfigurationError):
        ToyProvider(base_url="ftp://x")
    with pytest.raises(InvalidInputError):
        ToyProvider(timeout=0)


def test_clients_didkit_builds_share_one_verifying_tls_context() -> None:
    """Building a TLS context costs ~45 ms; the clients didkit builds share one, which still
    verifies certificates and host names."""
    import ssl

    from didkit.engine.runner import AsyncRunner, EngineConfig, SyncRunner, shared_ssl_context

    config = EngineConfig(provider="toy", base_url="https://toy.example")
    first, second = SyncRunner(config), SyncRunner(config)
    async_runner = AsyncRunner(config)
    try:
        contexts = [
            runner.client._transport._pool._ssl_context  # type: ignore[attr-defined]
            for runner in (first, second, async_runner)
        ]
        assert all(context is shared_ssl_context() for context in contexts)
        assert contexts[0].verify_mode == ssl.CERT_REQUIRED and contexts[0].check_hostname
    finally:
        first.close()
        second.close()
        asyncio.run(async_runner.aclose())


@pytest.mark.parametrize(
    "params",
    [
        (("include", "did_group,voice_in_trunk"), ("page[number]", "2"), ("page[size]", "100")),
        (("search", "a b+c&d=e/é"), ("search", "again"), ("empty", "")),
        (("filter[number]", "12125550100"),),
    ],
)
@pytest.mark.parametrize("path", ["/dids", "https://other.example/v3/dids?page%5Bnumber%5D=9"])
def test_the_query_sent_is_the_one_httpx_would_build(params: tuple[tuple[str, str], ...], path: str) -> None:
    """The runner spells the query out itself (cheaper for httpx than merging params); what goes
    on the wire is exactly what httpx builds from the same URL and params."""
    from didkit.engine import HttpRequest
    from didkit.engine.runner import EngineConfig, SyncRunner

    seen: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(200, json={})

    base = "https://api.example/v3"
    runner = SyncRunner(EngineConfig(provider="toy", base_url=base), transport=httpx.MockTransport(handler))
    try:
        runner.send(HttpRequest("GET", path, params=params))
    finally:
        runner.close()
    url = path if path.startswith("https://") else base + path
    expected = httpx.Client().build_request("GET", url, params=params).url
    assert seen == [expected]
    assert seen[0].raw_path == expected.raw_path
