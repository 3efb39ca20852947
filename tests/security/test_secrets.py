"""API key hygiene: what ``connect`` accepts as a key, and that no error path (transport, timeout,
every HTTP status the engine maps, unreadable responses) puts a key or a header value into a
message, a repr or a log record, on both carriers."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import httpx
import pytest
from didkit_didww import DidwwProvider
from didkit_wavix import WavixProvider

import didkit
from didkit import ConfigurationError, InvalidInputError, ProviderError
from didkit.config import load_config
from didkit.engine import EngineConfig, HttpRequest, Redactor, RetryPolicy, SyncRunner

KEY = "sk_live_PLANTED_7c41d9e2b8"
CARRIERS: dict[str, type[Any]] = {"wavix": WavixProvider, "didww": DidwwProvider}
VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    "wavix": ("wavix", {}),
    "didww 2026-04-16": ("didww", {"api_version": "2026-04-16"}),  # the key in Api-Key on every request
    "didww 2026-11-19": ("didww", {}),  # the key mints a bearer token, which then travels instead
}
"""Every way a key travels: as the auth header itself, or exchanged for a token."""
TOKEN_REPLY = {
    "access_token": f"tok-{KEY}",  # a token is as secret as the key: planted too
    "token_type": "Bearer",
    "expires_in": 900,
    "aud": ["api.didww.com"],
    "scope": "full",
    "api_version": "2026-11-19",
}


def _planted(name: str) -> type[Any]:
    """The carrier's provider class with the key in every header it sends, not only the auth one."""
    base = CARRIERS[name]
    spec = base.spec
    headers = dict.fromkeys(spec.static_headers, f"{KEY}") | {"User-Agent": KEY, "X-Trace": f"t {KEY}"}
    return type(f"Planted{base.__name__}", (base,), {"spec": attrs.evolve(spec, static_headers=headers)})


def _echo_headers(request: httpx.Request) -> str:
    """What a careless HTTP stack would say: every header it was given, str and bytes spelling."""
    return f"sent {dict(request.headers)!r} raw {request.headers.raw!r}"


def _respond(status: int, body: bytes, content_type: str = "application/json") -> Callable[[httpx.Request], Any]:
    def handler(request: httpx.Request) -> httpx.Response:
        headers = {
            "content-type": content_type,
            "x-request-id": f"req-{KEY}",
            "x-echo": _echo_headers(request).replace("\n", " "),
        }
        return httpx.Response(status, content=body, headers=headers)

    return handler


def _raise(kind: type[httpx.TransportError]) -> Callable[[httpx.Request], Any]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise kind(_echo_headers(request), request=request)

    return handler


_JSON_ECHO = (
    b'{"success": false, "message": "bad key '
    + KEY.encode()
    + b'", "errors": [{"title": "key '
    + KEY.encode()
    + b'", "detail": "'
    + KEY.encode()
    + b'", "code": "'
    + KEY.encode()
    + b'", "source": {"pointer": "/'
    + KEY.encode()
    + b'"}}]}'
)

FAILURES: dict[str, Callable[[httpx.Request], Any]] = {
    "connection refused": _raise(httpx.ConnectError),
    "local protocol": _raise(httpx.LocalProtocolError),
    "read timeout": _raise(httpx.ReadTimeout),
    "connect timeout": _raise(httpx.ConnectTimeout),
    "dropped": _raise(httpx.RemoteProtocolError),
    "400": _respond(400, _JSON_ECHO),
    "401": _respond(401, _JSON_ECHO),
    "403": _respond(403, _JSON_ECHO),
    "404": _respond(404, _JSON_ECHO),
    "422": _respond(422, _JSON_ECHO),
    "429": _respond(429, _JSON_ECHO),
    "500": _respond(500, _JSON_ECHO),
    "503 html": _respond(503, b"<html>upstream said " + KEY.encode() + b"</html>", "text/html"),
    "200 not json": _respond(200, b"<html>" + KEY.encode() + b"</html>", "text/html"),
    "200 wrong shape": _respond(200, b'{"countries": "' + KEY.encode() + b'", "data": "' + KEY.encode() + b'"}'),
}


def _texts(error: BaseException) -> Iterator[str]:
    yield str(error)
    yield repr(error)
    yield from (str(arg) for arg in error.args)
    if isinstance(error, ProviderError):
        yield error.message
        yield from error.messages
        yield repr(error.details)
        yield str(error.request_id)
        yield str(getattr(error, "field", ""))


def _assert_clean(error: BaseException, caplog: pytest.LogCaptureFixture) -> None:
    secrets = (KEY, KEY[4:-4])
    for text in _texts(error):
        assert not any(secret in text for secret in secrets), text
    logged = caplog.text + "".join(str(record.args) for record in caplog.records)
    assert not any(secret in logged for secret in secrets)


@pytest.mark.parametrize("failure", list(FAILURES))
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_no_error_quotes_a_key_planted_in_every_header(
    variant: str, failure: str, caplog: pytest.LogCaptureFixture
) -> None:
    carrier, options = VARIANTS[variant]
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/token":
            return httpx.Response(200, json=TOKEN_REPLY)
        result: httpx.Response = FAILURES[failure](request)
        return result

    provider = _planted(carrier)(
        api_key=KEY + "\n",
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(max_retries=1, jitter=False),
        sleep=lambda seconds: None,
        rate_limit=False,
        **options,
    )
    with caplog.at_level(logging.DEBUG, logger="didkit"), pytest.raises(ProviderError) as info:
        provider.list_countries()
    api = [request for request in seen if request.url.path != "/token"]
    assert api, "the request must have been sent for this test to mean anything"
    auth = ["Authorization"] if variant == "didww 2026-11-19" else list(provider.spec.auth_headers("k"))
    planted = [*provider.spec.static_headers, *auth]
    assert len(planted) >= 4 and all(KEY in api[0].headers[name] for name in planted)
    _assert_clean(info.value, caplog)
    assert KEY not in repr(provider) and KEY not in repr(provider._config)


@pytest.mark.parametrize("failure", list(FAILURES))
def test_no_error_of_the_token_service_quotes_the_key(failure: str, caplog: pytest.LogCaptureFixture) -> None:
    """DIDWW 2026-11-19: the request that carries the key is the token request; every way it can
    fail is scrubbed too."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        result: httpx.Response = FAILURES[failure](request)
        return result

    provider = _planted("didww")(
        api_key=KEY + "\n",
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(max_retries=1, jitter=False),
        sleep=lambda seconds: None,
        rate_limit=False,
    )
    with caplog.at_level(logging.DEBUG, logger="didkit"), pytest.raises(didkit.DidkitError) as info:
        provider.list_countries()
    assert seen and seen[0].url.path == "/token" and seen[0].headers["api-key"] == KEY
    _assert_clean(info.value, caplog)


@pytest.mark.parametrize("variant", list(VARIANTS))
async def test_async_errors_are_scrubbed_too(variant: str, caplog: pytest.LogCaptureFixture) -> None:
    carrier, options = VARIANTS[variant]
    failing = _respond(422, _JSON_ECHO)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            return httpx.Response(200, json=TOKEN_REPLY)
        result: httpx.Response = failing(request)
        return result

    provider = CARRIERS[carrier].async_class(
        api_key=KEY, transport=httpx.MockTransport(handler), rate_limit=False, **options
    )
    with caplog.at_level(logging.DEBUG, logger="didkit"), pytest.raises(ProviderError) as info:
        await provider.list_countries()
    _assert_clean(info.value, caplog)
    await provider.aclose()


def test_a_header_the_http_client_refuses_is_never_quoted() -> None:
    """The issue's case, through the real HTTP stack: h11 refuses a header with a newline and its
    error quotes the header (``Illegal header value b'Bearer …\\n'``). The engine must not pass
    that on, even for a header whose value it was not told is secret."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    config = EngineConfig(
        provider="toy",
        base_url=f"http://127.0.0.1:{port}",
        headers={"Authorization": f"Bearer {KEY}\n", "X-Other": f"{KEY}\n"},
        retry=RetryPolicy(max_retries=0),
        timeout=5.0,
    )
    runner = SyncRunner(config, client=httpx.Client())
    try:
        with pytest.raises(didkit.TransportError) as info:
            runner.send(HttpRequest("GET", "/countries"))
    finally:
        runner.client.close()
        listener.close()
    assert "could not be sent" in str(info.value)
    assert KEY not in str(info.value) and "Bearer" not in str(info.value)


def test_redactor_knows_every_spelling_of_a_secret_and_sensitive_headers() -> None:
    redactor = Redactor([KEY + "\n"]).with_headers({"Api-Key": "other-secret-1234", "Accept": "application/json"})
    for text in (KEY, repr(KEY + "\n"), repr((KEY + "\n").encode()), "other-secret-1234"):
        assert redactor.text(f"before {text} after") == f"before {redactor.text(text)} after"
        assert KEY not in redactor.text(text) and "other-secret" not in redactor.text(text)
    assert redactor.text("application/json") == "application/json"


# -- what connect accepts ------------------------------------------------------------------------


@pytest.mark.parametrize("carrier", list(CARRIERS))
@pytest.mark.parametrize("padded", [KEY + "\n", f"  {KEY}\r\n", f"\t{KEY} "])
def test_surrounding_whitespace_is_stripped(carrier: str, padded: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(500)

    provider = didkit.connect(carrier, api_key=padded, transport=httpx.MockTransport(handler), retry=RetryPolicy(0))
    with pytest.raises(didkit.ServerError):
        provider.list_countries()
    assert any(value in (KEY, f"Bearer {KEY}") for value in seen[0].headers.values())


BAD_KEYS = {
    "empty": "",
    "whitespace": " \n\t ",
    "inner newline": "sk_live\nSECRET",
    "NUL": "sk_live\x00SECRET",
    "DEL": "sk_live\x7fSECRET",
    "non-ASCII": "sk_live_SÉCRET",
    "non-ASCII space": "sk_live\u00a0SECRET",
    "zero-width": "sk_live\u200bSECRET",
}


@pytest.mark.parametrize("connect", [didkit.connect, didkit.connect_async])
@pytest.mark.parametrize("carrier", list(CARRIERS))
@pytest.mark.parametrize("case", list(BAD_KEYS))
def test_bad_keys_are_a_configuration_error_that_does_not_quote_them(
    connect: Callable[..., Any], carrier: str, case: str
) -> None:
    key = BAD_KEYS[case]
    with pytest.raises(ConfigurationError) as info:
        connect(carrier, api_key=key, transport=httpx.MockTransport(lambda r: pytest.fail("no request")))
    message = str(info.value)
    assert "\n" not in message and "API key" in message and carrier in message
    assert "SECRET" not in message and "sk_live" not in message


@pytest.mark.parametrize("carrier", list(CARRIERS))
@pytest.mark.parametrize("case", ["whitespace", "inner newline", "non-ASCII"])
def test_bad_keys_from_the_environment_name_the_variable(
    carrier: str, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    variable = f"{carrier.upper()}_API_KEY"
    monkeypatch.setenv(variable, BAD_KEYS[case])
    with pytest.raises(ConfigurationError, match=variable) as info:
        didkit.connect(carrier)
    assert "SECRET" not in str(info.value)


def test_an_environment_key_is_stripped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAVIX_API_KEY", KEY + "\n")
    provider = didkit.connect("wavix")
    assert provider._config.headers["Authorization"] == f"Bearer {KEY}"


def test_the_sandbox_needs_no_key_and_ignores_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIDWW_API_KEY", "  \n")
    assert didkit.connect("didww", sandbox=True).list_countries()


def test_bad_keys_in_the_configuration_file(tmp_path: Any) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[providers.wavix]\napi_key = "sk_live_\\u0000SECRET"\n')
    with pytest.raises(ConfigurationError, match=r"providers\.wavix") as info:
        load_config(path)
    assert "SECRET" not in str(info.value)
    path.write_text('[providers.wavix]\napi_key = " sk_live_SECRET\\n"\n')
    assert load_config(path).provider("wavix").api_key == "sk_live_SECRET"


BAD_OPTIONS: dict[str, tuple[dict[str, Any], type[Exception], str]] = {
    "timeout str": ({"timeout": "x"}, InvalidInputError, "timeout"),
    "timeout zero": ({"timeout": 0}, InvalidInputError, "timeout"),
    "timeout nan": ({"timeout": float("nan")}, InvalidInputError, "timeout"),
    "timeout bool": ({"timeout": True}, InvalidInputError, "timeout"),
    "api_key int": ({"api_key": 123}, ConfigurationError, "must be a string, got int"),
    "api_key bytes": ({"api_key": b"sk_live_SECRET"}, ConfigurationError, "must be a string, got bytes"),
    "sandbox and base_url": ({"sandbox": True, "base_url": "http://proxy.test"}, ConfigurationError, "base_url"),
    "sandbox and environment": ({"sandbox": True, "environment": "production"}, ConfigurationError, "environment"),
    "sandbox str": ({"sandbox": "yes"}, ConfigurationError, "sandbox"),
    "base_url int": ({"base_url": 8080}, ConfigurationError, "base_url"),
}


@pytest.mark.parametrize("connect", [didkit.connect, didkit.connect_async])
@pytest.mark.parametrize("carrier", list(CARRIERS))
@pytest.mark.parametrize("case", list(BAD_OPTIONS))
def test_bad_connection_options_are_one_clear_didkit_error(
    connect: Callable[..., Any], carrier: str, case: str
) -> None:
    options, error, words = BAD_OPTIONS[case]
    options = {"api_key": "k-123456789"} | options
    with pytest.raises(error, match=words) as info:
        connect(carrier, **options)
    assert isinstance(info.value, didkit.DidkitError)
    assert "\n" not in str(info.value) and "SECRET" not in str(info.value)
