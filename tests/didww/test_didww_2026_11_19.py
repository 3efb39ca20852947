"""DIDWW API 2026-11-19 over httpx.MockTransport: bearer tokens minted with the key (cached,
re-minted before expiry on an injected clock, re-minted once on a 401), token-service errors,
``number_type`` instead of ``did_group_type``, page-size caps, SMS trunks, and no key or token in
any message, repr or log. Answers come from ``fixtures_2026_11_19`` (sources in its README)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from didkit_didww import API_VERSION, API_VERSIONS, AsyncDidwwProvider, DidwwProvider, token_url

import didkit
from didkit import (
    AuthenticationError,
    ConfigurationError,
    MessagingRoute,
    NumberType,
    PermissionDeniedError,
    RateLimitedError,
    RequestRejectedError,
    SearchQuery,
    UnsupportedOperationError,
)
from didkit.auth import TokenCache
from didkit.engine import RetryPolicy

FIXTURES = Path(__file__).parent / "fixtures_2026_11_19"
KEY = "k-2026-11-19-secret-9d1e"
JSONAPI = {"content-type": "application/vnd.api+json"}


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


TOKEN = fixture("token_response.json")["access_token"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


Answer = Callable[[httpx.Request], httpx.Response]


class Carrier:
    """A scripted DIDWW: a token service minting ``token-1``, ``token-2`` ... and an API that
    accepts the live ones (``expired`` lists tokens it refuses) and answers from ``routes``."""

    def __init__(self, routes: dict[str, Answer] | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.routes = routes or {}
        self.minted: list[str] = []
        self.refused: set[str] = set()
        self.token_answer: Answer | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path.endswith("/token"):
            if self.token_answer is not None:
                return self.token_answer(request)
            token = f"{TOKEN}-{len(self.minted) + 1}"
            self.minted.append(token)
            return httpx.Response(200, json={**fixture("token_response.json"), "access_token": token})
        sent = request.headers.get("authorization", "")
        if "api-key" in request.headers or not sent.startswith("Bearer ") or sent[7:] in self.refused:
            return httpx.Response(401, headers={"www-authenticate": 'Bearer error="invalid_token"'})
        answer = self.routes.get(f"{request.method} {request.url.path}")
        if answer is None:
            return httpx.Response(200, json={"data": [], "meta": {"api_version": API_VERSION}}, headers=JSONAPI)
        return answer(request)

    def api_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if not r.url.path.endswith("/token")]

    def mints(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path.endswith("/token")]


def provider(carrier: Carrier, **kwargs: Any) -> DidwwProvider:
    kwargs.setdefault("clock", Clock())
    kwargs.setdefault("sleep", lambda seconds: None)
    return DidwwProvider(api_key=KEY, rate_limit=False, transport=httpx.MockTransport(carrier), **kwargs)


def test_the_default_version_is_2026_11_19() -> None:
    assert API_VERSION == "2026-11-19"
    assert API_VERSIONS == ("2026-04-16", "2026-11-19")
    with pytest.raises(ConfigurationError, match="api_version"):
        DidwwProvider(api_key=KEY, api_version="2025-01-01")
    with pytest.raises(ConfigurationError, match="token_lifetime"):
        DidwwProvider(api_key=KEY, token_lifetime=30)


def test_a_token_is_minted_with_the_key_and_the_key_never_reaches_the_api() -> None:
    carrier = Carrier()
    with provider(carrier) as didww:
        didww.list_countries()
        list(didww.list_numbers())
    (mint,) = carrier.mints()
    assert str(mint.url) == "https://auth.didww.com/token"
    assert mint.method == "POST" and mint.headers["api-key"] == KEY
    assert mint.headers["content-type"] == "application/json"
    assert json.loads(mint.content) == fixture("token_request.json")
    for request in carrier.api_requests():
        assert request.url.host == "api.didww.com"
        assert "api-key" not in request.headers and KEY not in str(request.url)
        assert request.headers["authorization"] == f"Bearer {carrier.minted[0]}"
        assert request.headers["x-didww-api-version"] == "2026-11-19"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, "https://auth.didww.com/token"),
        ({"environment": "sandbox"}, "https://auth-sandbox.didww.com/token"),
        ({"base_url": "http://127.0.0.1:8099/v3"}, "http://127.0.0.1:8099/token"),
        ({"base_url": "https://proxy.example.com:8443/didww/v3"}, "https://proxy.example.com:8443/token"),
        ({"base_url": "https://proxy.example.com/v3", "auth_url": "https://auth.example.com/oauth/"},
         "https://auth.example.com/oauth/token"),
    ],
)  # fmt: skip
def test_where_tokens_are_minted(options: dict[str, Any], expected: str) -> None:
    carrier = Carrier()
    with provider(carrier, **options) as didww:
        didww.list_countries()
    assert [str(r.url) for r in carrier.mints()] == [expected]
    assert token_url(didww.base_url, options.get("auth_url")) == expected


def test_the_token_is_cached_until_shortly_before_it_runs_out() -> None:
    carrier, clock = Carrier(), Clock()
    with provider(carrier, clock=clock, coverage_ttl=0) as didww:
        didww.list_countries()
        clock.now += 800  # 900 s token, 30 s margin: still good
        didww.list_countries()
        assert len(carrier.mints()) == 1
        clock.now += 75  # 875 s after minting: inside the margin
        didww.list_countries()
    assert len(carrier.mints()) == 2
    tokens = [r.headers["authorization"] for r in carrier.api_requests()]
    assert tokens == [f"Bearer {carrier.minted[0]}"] * 2 + [f"Bearer {carrier.minted[1]}"]


def test_a_short_lived_token_keeps_half_its_life() -> None:
    carrier, clock = Carrier(), Clock()
    carrier.token_answer = lambda r: httpx.Response(200, json={**fixture("token_response.json"), "expires_in": 60})
    with provider(carrier, clock=clock, coverage_ttl=0, token_lifetime=60) as didww:
        didww.list_countries()
        clock.now += 29
        didww.list_countries()
        assert len(carrier.mints()) == 1
        clock.now += 2
        didww.list_countries()
    assert len(carrier.mints()) == 2
    assert json.loads(carrier.mints()[0].content)["expires_in"] == 60


def test_a_401_to_a_token_mints_once_and_retries_once() -> None:
    carrier = Carrier()
    with provider(carrier, coverage_ttl=0) as didww:
        didww.list_countries()
        carrier.refused.add(carrier.minted[0])  # revoked or expired early on DIDWW's side
        didww.list_countries()
        assert len(carrier.mints()) == 2
        carrier.refused.update({f"{TOKEN}-2", f"{TOKEN}-3"})
        with pytest.raises(AuthenticationError):
            didww.list_countries()
    assert len(carrier.mints()) == 3  # one new token for the failing call, no loop
    assert [r.url.path for r in carrier.requests].count("/v3/countries") == 5


def test_sync_and_async_providers_share_one_token() -> None:
    carrier, clock, cache = Carrier(), Clock(), TokenCache()
    sync = provider(carrier, clock=clock, token_cache=cache)
    asynchronous = AsyncDidwwProvider(
        api_key=KEY, rate_limit=False, transport=httpx.MockTransport(carrier), clock=clock, token_cache=cache
    )

    async def both() -> None:
        await asynchronous.list_countries()
        await asynchronous.aclose()

    sync.list_countries()
    import asyncio

    asyncio.run(both())
    sync.close()
    assert len(carrier.mints()) == 1
    assert {r.headers["authorization"] for r in carrier.api_requests()} == {f"Bearer {carrier.minted[0]}"}
    assert "fixture-token" not in repr(cache)


def test_providers_on_the_real_clock_share_tokens_by_default() -> None:
    carrier = Carrier()
    key = "k-shared-by-default-3a7f"
    first = DidwwProvider(api_key=key, rate_limit=False, transport=httpx.MockTransport(carrier))
    second = didkit.connect("didww", api_key=key, rate_limit=False, transport=httpx.MockTransport(carrier))
    first.list_countries()
    second.list_countries()
    assert len(carrier.mints()) == 1
    other = DidwwProvider(api_key=key + "-other", rate_limit=False, transport=httpx.MockTransport(carrier))
    other.list_countries()
    assert len(carrier.mints()) == 2  # another key, another token


@pytest.mark.parametrize(
    ("status", "headers", "error", "words"),
    [
        (401, {}, AuthenticationError, "invalid_client"),
        (400, {}, RequestRejectedError, "invalid_scope"),
        (429, {"retry-after": "7"}, RateLimitedError, "rate_limit_exceeded"),
    ],
)
def test_token_service_errors_are_typed(
    status: int, headers: dict[str, str], error: type[Exception], words: str
) -> None:
    carrier = Carrier()
    body = fixture("token_errors.json")[str(status)]
    carrier.token_answer = lambda r: httpx.Response(status, json=body, headers=headers)
    with provider(carrier, retry=RetryPolicy(max_retries=0)) as didww, pytest.raises(error) as raised:
        didww.list_countries()
    assert words in str(raised.value) and "token service" in str(raised.value)
    assert raised.value.provider == "didww" and raised.value.status_code == status  # type: ignore[attr-defined]
    if status == 429:
        assert raised.value.retry_after == 7.0  # type: ignore[attr-defined]
    assert carrier.api_requests() == []  # nothing reached the API without a token


def test_a_rate_limited_mint_is_retried_after_retry_after() -> None:
    carrier, slept = Carrier(), list[float]()
    answers = [httpx.Response(429, json=fixture("token_errors.json")["429"], headers={"retry-after": "2"})]

    def token(request: httpx.Request) -> httpx.Response:
        if answers:
            return answers.pop()
        return httpx.Response(200, json=fixture("token_response.json"))

    carrier.token_answer = token
    with provider(carrier, sleep=slept.append) as didww:
        didww.list_countries()
    assert slept == [2.0] and len(carrier.mints()) == 2 and len(carrier.api_requests()) == 1


def test_insufficient_scope_is_permission_denied() -> None:
    def forbidden(request: httpx.Request) -> httpx.Response:
        headers = {**JSONAPI, "www-authenticate": 'Bearer error="insufficient_scope"'}
        return httpx.Response(403, json=fixture("insufficient_scope.json"), headers=headers)

    carrier = Carrier({"PATCH /v3/dids/9f3c2a1b-4d5e-4f60-8a7b-9c0d1e2f3a4b": forbidden})
    with provider(carrier) as didww, pytest.raises(PermissionDeniedError) as raised:
        didww.update_number("9f3c2a1b-4d5e-4f60-8a7b-9c0d1e2f3a4b", label="x")
    assert not isinstance(raised.value, AuthenticationError)
    assert "Insufficient scope" in str(raised.value)


def test_new_accounts_403_on_available_dids_is_permission_denied() -> None:
    def denied(request: httpx.Request) -> httpx.Response:
        body = {"errors": [{"title": "Forbidden", "detail": "Access for Customer is Denied", "code": "403",
                            "status": "403"}]}  # fmt: skip
        return httpx.Response(403, json=body, headers=JSONAPI)

    carrier = Carrier({"GET /v3/available_dids": denied})
    with provider(carrier) as didww:
        request = didkit.engine.HttpRequest("GET", "/available_dids")
        with pytest.raises(PermissionDeniedError):
            didww._runner.run(_one(request))


def _one(request: Any) -> Any:
    response = yield request
    return response


def test_no_key_or_token_in_messages_reprs_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    carrier = Carrier()
    carrier.token_answer = lambda r: httpx.Response(
        401, json={"error": "invalid_client", "error_description": f"bad key {KEY}"}
    )
    caplog.set_level(logging.DEBUG, logger="didkit")
    didww = provider(carrier, retry=RetryPolicy(max_retries=0))
    with pytest.raises(AuthenticationError) as raised:
        didww.list_countries()
    carrier.token_answer = None
    didww.list_countries()
    token = carrier.minted[0]
    texts = [str(raised.value), repr(raised.value), *raised.value.messages, repr(didww), caplog.text,
             repr(didww._config), repr(didww._config.auth), repr(carrier.mints()[0])]  # fmt: skip
    for text in texts:
        assert KEY not in text and token not in text
    assert "POST https://auth.didww.com/token -> 401" in caplog.text  # logged, without secrets


def test_2026_04_16_sends_the_key_and_its_version_and_mints_nothing() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"data": [], "meta": {"api_version": "2026-04-16"}}, headers=JSONAPI)

    with DidwwProvider(
        api_key=KEY, api_version="2026-04-16", rate_limit=False, transport=httpx.MockTransport(answer)
    ) as didww:
        didww.list_countries()
        assert didww.capabilities.sms_config is False
        with pytest.raises(UnsupportedOperationError, match="2026-11-19"):
            didww.set_messaging("9f3c2a1b-4d5e-4f60-8a7b-9c0d1e2f3a4b", [MessagingRoute.webhook("https://a.example/s")])
    assert [r.url.path for r in seen] == ["/v3/countries"]  # set_messaging sent nothing
    assert seen[0].headers["api-key"] == KEY and seen[0].headers["x-didww-api-version"] == "2026-04-16"
    assert "authorization" not in seen[0].headers


def _countries(request: httpx.Request) -> httpx.Response:
    body = {"data": [{"id": "1f6fc2bd-f081-4202-9b1a-d9cb88d942b9", "type": "countries",
                      "attributes": {"name": "United States", "prefix": "1", "iso": "US"}}],
            "meta": {"api_version": "2026-11-19"}}  # fmt: skip
    return httpx.Response(200, json=body, headers=JSONAPI)


def test_search_by_number_type_never_sends_did_group_type() -> None:
    carrier = Carrier(
        {
            "GET /v3/countries": _countries,
            "GET /v3/did_groups": lambda r: httpx.Response(200, json=fixture("did_groups.json"), headers=JSONAPI),
        }
    )
    with provider(carrier) as didww:
        offers = list(didww.search_numbers(SearchQuery(country="US", number_type="toll_free")))
    assert [o.number_type for o in offers] == [NumberType.TOLL_FREE]
    assert offers[0].monthly_price == didkit.Money("2.5")
    paths = [r.url.path for r in carrier.api_requests()]
    assert "/v3/did_group_types" not in paths
    (groups,) = [r for r in carrier.api_requests() if r.url.path == "/v3/did_groups"]
    assert groups.url.params["filter[number_type]"] == "toll_free"
    assert groups.url.params["page[size]"] == "100"
    for request in carrier.api_requests():
        assert "did_group_type" not in str(request.url)


def test_page_sizes_are_capped_at_100() -> None:
    carrier = Carrier()
    with provider(carrier) as didww:
        list(didww.list_numbers())
    (page,) = carrier.api_requests()
    assert page.url.params["page[size]"] == "100"
    assert "sms_trunk_group.sms_trunks" in page.url.params["include"].split(",")
    with pytest.raises(ConfigurationError, match="at most 100"):
        DidwwProvider(api_key=KEY, page_size=500)
    older = DidwwProvider(api_key=KEY, page_size=500, api_version="2026-04-16")
    assert older.operations.page_size == 500  # type: ignore[attr-defined]


def test_list_filters_follow_the_version() -> None:
    carrier = Carrier()
    with provider(carrier) as didww:
        list(didww.list_numbers(carrier_filters={"sms_trunk_id": "0b1f6c2e-5d4a-4f8e-9c3b-7a2d1e6f4b90"}))
        with pytest.raises(didkit.InvalidInputError, match="pending_removal"):
            didww.list_numbers(carrier_filters={"pending_removal": True})
    assert carrier.api_requests()[0].url.params["filter[sms_trunk.id]"] == "0b1f6c2e-5d4a-4f8e-9c3b-7a2d1e6f4b90"


def test_set_messaging_creates_an_http_in_trunk_and_reads_it_back() -> None:
    did_id = "9f3c2a1b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
    patched: list[Any] = []

    def patch(request: httpx.Request) -> httpx.Response:
        patched.append(json.loads(request.content))
        return httpx.Response(200, json=fixture("did_with_sms_trunk.json"), headers=JSONAPI)

    carrier = Carrier(
        {
            "GET /v3/sms_trunks": lambda r: httpx.Response(
                200, json={"data": [], "meta": {"api_version": "2026-11-19", "total_records": 0}}, headers=JSONAPI
            ),
            "POST /v3/sms_trunks": lambda r: httpx.Response(201, json=fixture("sms_trunk.json"), headers=JSONAPI),
            f"PATCH /v3/dids/{did_id}": patch,
            f"GET /v3/dids/{did_id}": lambda r: httpx.Response(
                200, json=fixture("did_with_sms_trunk.json"), headers=JSONAPI
            ),
        }
    )
    with provider(carrier) as didww:
        did = didww.set_messaging(did_id, [MessagingRoute.webhook("https://hooks.example.com/didww/sms")])
    assert did.messaging == (MessagingRoute.webhook("https://hooks.example.com/didww/sms"),)
    (create,) = [r for r in carrier.api_requests() if r.method == "POST"]
    assert json.loads(create.content) == fixture("sms_trunk_create_request.json")
    assert create.headers["content-type"] == "application/vnd.api+json"
    trunk_id = fixture("sms_trunk.json")["data"]["id"]
    assert patched == [
        {
            "data": {
                "id": did_id,
                "type": "dids",
                "attributes": {},
                "relationships": {
                    "sms_trunk": {"data": {"type": "sms_trunks", "id": trunk_id}},
                    "sms_trunk_group": {"data": None},
                },
            }
        }
    ]


def test_set_messaging_checks_input_before_any_request() -> None:
    carrier = Carrier()
    with provider(carrier) as didww:
        for bad in (["https://a.example/s"], "https://a.example/s", [None]):
            with pytest.raises(didkit.InvalidInputError):
                didww.set_messaging("9f3c2a1b-4d5e-4f60-8a7b-9c0d1e2f3a4b", bad)  # type: ignore[arg-type]
        twice = [MessagingRoute.webhook("https://a.example/s")] * 2
        with pytest.raises(didkit.InvalidInputError, match="twice"):
            didww.set_messaging("9f3c2a1b-4d5e-4f60-8a7b-9c0d1e2f3a4b", twice)
        forged = MessagingRoute(didkit.MessagingKind.WEBHOOK, "http://plain.example/s")
        with pytest.raises(didkit.InvalidInputError, match="https"):
            didww.set_messaging("9f3c2a1b-4d5e-4f60-8a7b-9c0d1e2f3a4b", [forged])
    assert carrier.requests == []
    for url in ("http://a.example/s", "ftp://a.example", "https://", "/relative", "https://a b.example"):
        with pytest.raises(didkit.InvalidInputError):
            MessagingRoute.webhook(url)


def _replay_provider(asynchronous: bool = False) -> Any:
    options: dict[str, Any] = {"api_key": KEY, "rate_limit": False, "clock": Clock(), "token_cache": TokenCache()}
    return AsyncDidwwProvider(**options) if asynchronous else DidwwProvider(**options)


def test_set_messaging_replays_the_2026_11_19_cassette(didww_vcr: Any) -> None:
    hook = MessagingRoute.webhook("https://hooks.example.com/didww/sms")
    with didww_vcr.use_cassette("messaging_2026_11_19.yaml") as cassette, _replay_provider() as didww:
        did = didww.set_messaging("9f3c2a1b-4d5e-4f60-8a7b-9c0d1e2f3a4b", [hook])
        assert cassette.all_played
    assert did.messaging == (hook,) and did.number == "+12135550123"


def test_set_messaging_replays_the_2026_11_19_cassette_async(didww_vcr: Any) -> None:
    import asyncio

    hook = MessagingRoute.webhook("https://hooks.example.com/didww/sms")

    async def run() -> Any:
        didww = _replay_provider(asynchronous=True)
        try:
            return await didww.set_messaging("9f3c2a1b-4d5e-4f60-8a7b-9c0d1e2f3a4b", [hook])
        finally:
            await didww.aclose()

    with didww_vcr.use_cassette("messaging_2026_11_19.yaml") as cassette:
        did = asyncio.run(run())
        assert cassette.all_played
    assert did.messaging == (hook,)


def test_recording_scrubs_the_key_and_every_token(tmp_path: Path) -> None:
    from didww_support import make_vcr

    carrier = Carrier()
    recorder = make_vcr(tmp_path, record_mode="all")
    with recorder.use_cassette("recorded.yaml"), provider(carrier) as didww:
        didww.list_countries()
    text = (tmp_path / "recorded.yaml").read_text()
    assert "/token" in text and "api.didww.com/v3/countries" in text  # both were recorded
    assert KEY not in text and carrier.minted[0] not in text and "REDACTED" in text


def test_concurrent_async_requests_wait_for_one_mint() -> None:
    import asyncio

    carrier = Carrier()

    async def many() -> None:
        didww = AsyncDidwwProvider(
            api_key=KEY, rate_limit=False, transport=httpx.MockTransport(carrier), clock=Clock(), coverage_ttl=0
        )
        await asyncio.gather(*(didww.list_countries() for _ in range(5)))
        await didww.aclose()

    asyncio.run(many())
    assert len(carrier.mints()) == 1 and len(carrier.api_requests()) == 5


def test_the_2026_04_16_key_header_is_not_redacted_as_a_version() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": [], "meta": {"api_version": "2026-04-16"}}, headers=JSONAPI)

    with DidwwProvider(
        api_key=KEY, api_version="2026-04-16", rate_limit=False, transport=httpx.MockTransport(answer)
    ) as didww:
        didww.list_countries()  # the runner has learnt the authenticator's secrets
        assert didww._config.redactor.text("served 2026-04-16 with key " + KEY) == "served 2026-04-16 with key ***"
