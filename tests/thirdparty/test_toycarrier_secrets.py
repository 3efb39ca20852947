"""Credentials of several parts (``ProviderSpec.credential_parts``), on the toy carrier's HTTP
Basic: each part is checked like a single key, and no error path — transport, every mapped
status, unreadable responses, sync and async — shows a part, the two joined, or the Basic
header's base64 token (as ``tests/security/test_secrets.py`` does for single keys)."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import httpx
import pytest
from didkit_toycarrier import AsyncToyProvider, ToyProvider
from toycarrier_registration import toycarrier_registered  # noqa: F401 - an autouse fixture

import didkit
from didkit import ConfigurationError, ProviderError
from didkit.auth import AuthSetup, StaticHeaders
from didkit.engine import RetryPolicy
from didkit.kit import Credentials, basic_auth

SID = "ACplantedSID0a1b2c3d4e5f"
TOKEN = "tokPLANTEDsecret9z8y7x"
BASIC = base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
SECRETS = (SID, TOKEN, BASIC, f"{SID}:{TOKEN}", SID[4:-4], TOKEN[4:-4], BASIC[4:-4])


def _echo(request: httpx.Request) -> str:
    """What a careless HTTP stack would say: every header, in str and bytes spelling."""
    return f"sent {dict(request.headers)!r} raw {request.headers.raw!r}"


def _respond(status: int, content_type: str = "application/json") -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        said = f"{_echo(request)} sid {SID} token {TOKEN} basic {BASIC}".replace('"', "'")
        body = f'{{"code": {status}, "message": "{said}", "countries": "{said}"}}'
        headers = {"content-type": content_type, "x-request-id": f"req-{TOKEN}", "x-echo": said}
        return httpx.Response(status, content=body.encode(), headers=headers)

    return handler


def _raise(kind: type[httpx.TransportError]) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise kind(_echo(request), request=request)

    return handler


FAILURES: dict[str, Callable[[httpx.Request], httpx.Response]] = {
    "connection refused": _raise(httpx.ConnectError),
    "read timeout": _raise(httpx.ReadTimeout),
    "dropped": _raise(httpx.RemoteProtocolError),
    **{str(status): _respond(status) for status in (400, 401, 403, 404, 422, 429, 500)},
    "503 html": _respond(503, "text/html"),
    "200 wrong shape": _respond(200),
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
    for text in _texts(error):
        assert not any(secret in text for secret in SECRETS), text
    logged = caplog.text + "".join(str(record.args) for record in caplog.records)
    assert not any(secret in logged for secret in SECRETS)


GIVEN: dict[str, Any] = {
    "Credentials": Credentials(account_sid=SID, auth_token=TOKEN),
    "mapping": {"account_sid": f" {SID}\n", "auth_token": f"{TOKEN}\r\n"},
    "tuple": (SID, TOKEN),
}


@pytest.mark.parametrize("given", list(GIVEN))
@pytest.mark.parametrize("failure", list(FAILURES))
def test_no_error_shows_a_part_or_the_basic_token(given: str, failure: str, caplog: pytest.LogCaptureFixture) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return FAILURES[failure](request)

    provider = ToyProvider(
        api_key=GIVEN[given],
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(max_retries=1, jitter=False),
        sleep=lambda seconds: None,
    )
    with caplog.at_level(logging.DEBUG, logger="didkit"), pytest.raises(ProviderError) as info:
        provider.list_countries()
    assert seen and seen[0].headers["authorization"] == f"Basic {BASIC}"  # the parts stripped, then sent
    _assert_clean(info.value, caplog)
    for text in (repr(provider), repr(provider._config), repr(GIVEN[given]) if given == "Credentials" else ""):
        assert not any(secret in text for secret in SECRETS)


async def test_async_errors_are_scrubbed_too(caplog: pytest.LogCaptureFixture) -> None:
    provider = AsyncToyProvider(api_key=(SID, TOKEN), transport=httpx.MockTransport(_respond(422)))
    with caplog.at_level(logging.DEBUG, logger="didkit"), pytest.raises(ProviderError) as info:
        await provider.list_countries()
    _assert_clean(info.value, caplog)
    await provider.aclose()


def test_credentials_show_their_parts_never_their_values() -> None:
    credentials = Credentials({"account_sid": SID}, auth_token=TOKEN)
    assert repr(credentials) == str(credentials) == "Credentials(account_sid=***, auth_token=***)"
    assert dict(credentials) == {"account_sid": SID, "auth_token": TOKEN}
    assert basic_auth(SID, TOKEN) == {"Authorization": f"Basic {BASIC}"}


BAD = {
    "empty": "",
    "whitespace": " \n\t ",
    "inner newline": "sk_live\nSECRET",
    "NUL": "sk_live\x00SECRET",
    "non-ASCII": "sk_live_SÉCRET",
    "zero-width": "sk_live\u200bSECRET",
    "not a string": 12345,
}


@pytest.mark.parametrize("connect", [didkit.connect, didkit.connect_async])
@pytest.mark.parametrize("part", ["account_sid", "auth_token"])
@pytest.mark.parametrize("case", list(BAD))
def test_each_bad_part_is_a_configuration_error_naming_the_part_not_the_value(
    connect: Callable[..., Any], part: str, case: str
) -> None:
    parts = {"account_sid": SID, "auth_token": TOKEN} | {part: BAD[case]}
    with pytest.raises(ConfigurationError) as info:
        connect("toycarrier", api_key=parts, transport=httpx.MockTransport(lambda r: pytest.fail("no request")))
    message = str(info.value)
    assert part in message and "toycarrier" in message and "\n" not in message
    assert not any(secret in message for secret in ("SECRET", "sk_live", *SECRETS))


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ((SID,), "have 2 parts"),
        ({"account_sid": SID}, "lack auth_token"),
        ({"account_sid": SID, "auth_token": TOKEN, TOKEN: "x"}, "1 unknown part"),
        (SID, "must be a Credentials, a mapping or a tuple"),
    ],
)
def test_malformed_credentials_are_refused_without_quoting_them(given: Any, words: str) -> None:
    with pytest.raises(ConfigurationError, match=words) as info:
        didkit.connect("toycarrier", api_key=given)
    assert not any(secret in str(info.value) for secret in SECRETS)


def test_each_part_comes_from_its_own_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOYCARRIER_ACCOUNT_SID", SID + "\n")
    monkeypatch.setenv("TOYCARRIER_AUTH_TOKEN", TOKEN)
    assert didkit.connect("toycarrier")._config.headers["Authorization"] == f"Basic {BASIC}"  # type: ignore[attr-defined]
    monkeypatch.setenv("TOYCARRIER_AUTH_TOKEN", "sk_live\nSECRET")
    with pytest.raises(ConfigurationError, match=r"auth_token.*TOYCARRIER_AUTH_TOKEN") as info:
        didkit.connect("toycarrier")
    assert "SECRET" not in str(info.value)
    monkeypatch.delenv("TOYCARRIER_AUTH_TOKEN")
    with pytest.raises(ConfigurationError, match=r"lack auth_token \(TOYCARRIER_AUTH_TOKEN\)"):
        didkit.connect("toycarrier")
    monkeypatch.delenv("TOYCARRIER_ACCOUNT_SID")
    with pytest.raises(ConfigurationError, match=r"no credentials.*TOYCARRIER_ACCOUNT_SID, TOYCARRIER_AUTH_TOKEN"):
        didkit.connect("toycarrier")


def test_an_authenticator_reads_the_parts_from_its_setup() -> None:
    """A spec with an ``authenticator`` gets the checked parts as ``AuthSetup.credentials``."""
    seen: list[Any] = []

    def authenticator(setup: AuthSetup) -> StaticHeaders:
        seen.append(setup)
        assert setup.credentials is not None
        return StaticHeaders(basic_auth(setup.credentials["account_sid"], setup.credentials["auth_token"]))

    planted = type("Planted", (ToyProvider,), {"spec": attrs.evolve(ToyProvider.spec, authenticator=authenticator)})
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"countries": [{"iso": "US", "name": "United States"}]})

    provider = planted(api_key={"account_sid": SID, "auth_token": TOKEN}, transport=httpx.MockTransport(handler))
    assert [c.code for c in provider.list_countries()] == ["US"]
    assert sent[0].headers["authorization"] == f"Basic {BASIC}"
    assert seen[0].api_key == "" and SID not in repr(seen[0]) and TOKEN not in repr(seen[0])
