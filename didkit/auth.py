"""How a provider's requests carry credentials (part of the adapter kit).

An :class:`Authenticator` gives the headers of the next request as a sans-I/O flow: it may
yield :class:`~didkit.engine.HttpRequest` steps of its own (to mint a token) before returning
them. The engine's runners drive it, sync or async alike, through their own retries, backoff,
``Retry-After`` handling, error mapping and logging, without the provider's rate limiter (a token
service counts its own requests).

* :class:`Credentials` — a credential of several named parts (an account id and a token, a key
  and a secret), each part checked like a single key and kept out of every message;
  :func:`basic_auth` — the HTTP Basic header of two parts.
* :class:`StaticHeaders` — a key sent as a header on every call.
* :class:`TokenAuth` — an OAuth-style exchange: the key buys short-lived bearer tokens at a token
  service; a token is cached (in a :class:`TokenCache`, which providers may share, sync and async
  alike), re-minted ``margin`` seconds before it runs out, and re-minted once when the API
  answers 401 to it. Token-service errors in the OAuth shape (``error``,
  ``error_description``; RFC 6749 §5.2) map to typed errors.

Neither a key nor a token appears in a repr, a log line or an error message: the runner's
redactor learns every token as it is minted.
"""

from __future__ import annotations

import abc
import base64
import hashlib
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from .config import check_api_key
from .engine.errormap import error_for_status
from .engine.steps import HttpRequest, HttpResponse
from .errors import (
    AuthenticationError,
    ConfigurationError,
    PermissionDeniedError,
    ProviderError,
    RateLimitedError,
    RequestRejectedError,
    ResponseFormatError,
    ServerError,
)

__all__ = [
    "AuthFlow",
    "AuthSetup",
    "Authenticator",
    "Credentials",
    "StaticHeaders",
    "Token",
    "TokenAuth",
    "TokenCache",
    "basic_auth",
    "check_credentials",
    "oauth_error",
    "oauth_token",
]


class Credentials(Mapping[str, str]):
    """A credential of several named parts: ``Credentials(account_sid="AC…", auth_token="…")``.

    An adapter whose carrier authenticates with more than one secret declares the parts in
    ``ProviderSpec.credential_parts`` (part name → environment variable); its ``auth_headers``
    then receives a :class:`Credentials` instead of a key string. A caller passes one as
    ``api_key=`` — or a mapping of part to value, or the values in the declared order as a tuple.
    Every part is checked as a single key is (:func:`~didkit.config.check_api_key`: stripped,
    printable ASCII) and every part is a secret to the engine's redactor.

    It is a read-only mapping of part name to value; its ``repr`` and ``str`` name the parts and
    never show a value.
    """

    __slots__ = ("_parts",)

    def __init__(self, parts: Mapping[str, str] | None = None, /, **named: str) -> None:
        self._parts: dict[str, str] = {**(parts or {}), **named}

    def __getitem__(self, name: str) -> str:
        return self._parts[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._parts)

    def __len__(self) -> int:
        return len(self._parts)

    def __repr__(self) -> str:
        return f"Credentials({', '.join(f'{name}=***' for name in self._parts)})"

    __str__ = __repr__

    def secrets(self) -> list[str]:
        """Every part's value: what a redactor must never let through."""
        return list(self._parts.values())


def check_credentials(
    value: object, parts: Sequence[str], *, provider: str, sources: Mapping[str, str] | None = None
) -> Credentials:
    """``value`` as the credentials of the declared ``parts``: a :class:`Credentials`, a mapping
    of every part, or a tuple or list of the values in the declared order. Each part is checked
    with :func:`~didkit.config.check_api_key`; a :class:`~didkit.ConfigurationError` names the
    part (and where it came from: ``sources[part]``, such as ``"from TOY_AUTH_TOKEN"``), never
    a value."""
    names = list(parts)
    sources = sources or {}
    where = f"the credentials for {provider!r}"
    given: Mapping[Any, Any]
    if isinstance(value, Mapping):
        given = value
    elif isinstance(value, (tuple, list)):
        if len(value) != len(names):
            raise ConfigurationError(f"{where} have {len(names)} parts ({', '.join(names)}), got {len(value)}")
        given = dict(zip(names, value, strict=True))
    else:
        raise ConfigurationError(
            f"{where} must be a Credentials, a mapping or a tuple of {', '.join(names)}; got {type(value).__name__}"
        )
    unknown = [name for name in given if name not in names]
    if unknown:
        # the unknown names are not quoted: a value pasted where a name goes would be shown
        raise ConfigurationError(f"{where} have {len(unknown)} unknown part(s); the parts are {', '.join(names)}")
    missing = [name for name in names if given.get(name) is None]
    if missing:
        raise ConfigurationError(f"{where} lack {', '.join(missing)}")
    return Credentials(
        {name: check_api_key(given[name], provider=provider, source=sources.get(name), part=name) for name in names}
    )


def basic_auth(user: str, password: str) -> dict[str, str]:
    """The HTTP Basic ``Authorization`` header of ``user`` and ``password`` (RFC 7617). The
    header value, its base64 token and both parts are all kept out of messages by the engine."""
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


AuthFlow = Generator[HttpRequest, HttpResponse, Mapping[str, str]]
"""A sans-I/O flow that yields requests of its own and returns the credential headers."""


@attrs.frozen
class AuthSetup:
    """What an adapter's ``authenticator`` factory learns about the provider being built."""

    provider: str
    api_key: str = attrs.field(repr=False)
    """The checked key; with several credential parts, ``""`` (read :attr:`credentials`)."""
    base_url: str
    options: Mapping[str, Any]
    clock: Callable[[], float]
    token_cache: TokenCache
    sandbox: bool = False
    credentials: Credentials | None = attrs.field(default=None, repr=False)
    """The checked parts, where the spec declares ``credential_parts``."""


class Authenticator(abc.ABC):
    """The credentials of a provider's requests."""

    @abc.abstractmethod
    def headers(self) -> AuthFlow:
        """The headers that authenticate the next request (a flow: it may yield requests)."""

    def renew(self, response: HttpResponse, used: Mapping[str, str]) -> bool:
        """Whether ``response`` (answering a request sent with the headers ``used``) calls for
        fresh credentials and one more try; the authenticator forgets the stale ones first."""
        return False

    def classify(self, response: HttpResponse, request: HttpRequest) -> ProviderError | None:
        """The typed error of a failed response to one of this authenticator's own requests."""
        return None if response.ok else error_for_status(response, request)

    def secrets(self) -> Iterable[str]:
        """Values to keep out of logs and messages (the engine's redactor learns them)."""
        return ()


class StaticHeaders(Authenticator):
    """The same headers on every request (an API key header, say). The provider's redactor
    already knows its key; ``secrets`` names any other value to keep out of logs."""

    def __init__(self, headers: Mapping[str, str], *, secrets: Iterable[str] = ()) -> None:
        self._headers = dict(headers)
        self._secrets = tuple(secrets)

    def headers(self) -> AuthFlow:
        return self._headers
        yield  # a flow that needs no request  # pragma: no cover

    def secrets(self) -> Iterable[str]:
        return self._secrets

    def __repr__(self) -> str:
        return f"<StaticHeaders {', '.join(sorted(self._headers))}>"


@attrs.frozen
class Token:
    """A minted token and when it runs out, on the clock of the authenticator that minted it."""

    value: str = attrs.field(repr=False)
    expires_at: float
    lifetime: float

    def __repr__(self) -> str:
        return f"Token(value='***', expires_at={self.expires_at!r})"


class TokenCache:
    """Minted tokens by credentials (a fingerprint of the key, service, audience, scope ...).

    One cache may serve several providers, sync and async: they then share their tokens. Safe
    to use from several threads."""

    def __init__(self) -> None:
        self._tokens: dict[str, Token] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Token | None:
        with self._lock:
            return self._tokens.get(key)

    def put(self, key: str, token: Token) -> None:
        with self._lock:
            self._tokens[key] = token

    def discard(self, key: str, value: str) -> None:
        """Forget the token under ``key`` if it is still ``value`` (another caller may have
        minted a fresh one meanwhile)."""
        with self._lock:
            current = self._tokens.get(key)
            if current is not None and current.value == value:
                del self._tokens[key]

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()

    def __len__(self) -> int:
        return len(self._tokens)

    def __repr__(self) -> str:
        return f"<TokenCache of {len(self._tokens)} token(s)>"


SHARED_TOKENS = TokenCache()
"""The process-wide cache of providers that use the real clock and no cache of their own."""


def fingerprint(*parts: str) -> str:
    """A cache key for credentials that reveals none of them."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def oauth_error(response: HttpResponse, request: HttpRequest) -> ProviderError | None:
    """A token service's failure (``{"error": ..., "error_description": ...}``) as a typed
    error: 401 ``invalid_client`` → :class:`AuthenticationError`; 403 → :class:`PermissionDeniedError`;
    400 (``invalid_request``, ``invalid_scope`` ...) → :class:`RequestRejectedError`; 429 →
    :class:`RateLimitedError` with ``Retry-After``; 5xx → :class:`ServerError`."""
    if response.ok:
        return None
    code = description = None
    try:
        body = response.json()
    except ResponseFormatError:
        body = None
    if isinstance(body, Mapping):
        code = body.get("error") if isinstance(body.get("error"), str) else None
        text = body.get("error_description")
        description = text if isinstance(text, str) else None
    status = response.status_code
    cls: type[ProviderError] | None
    if status == 401:
        cls = AuthenticationError
    elif status == 403:
        cls = PermissionDeniedError
    elif status == 429:
        cls = RateLimitedError
    elif status >= 500:
        cls = ServerError
    elif 400 <= status < 500:
        cls = RequestRejectedError
    else:
        cls = None
    message = "token service: " + ": ".join(p for p in (code, description) if p) if code or description else ""
    details = ({"code": code, "detail": description},) if code else ()
    return error_for_status(response, request, messages=(message,) if message else (), details=details, cls=cls)


def oauth_token(response: HttpResponse) -> tuple[str, float]:
    """``(access_token, expires_in)`` of a token service's 200 answer."""
    body = response.json()
    value = body.get("access_token") if isinstance(body, Mapping) else None
    lifetime = body.get("expires_in") if isinstance(body, Mapping) else None
    if not isinstance(value, str) or not value:
        raise ResponseFormatError(
            "token service answered without an access_token",
            provider=response.provider,
            status_code=response.status_code,
            field="access_token",
        )
    if isinstance(lifetime, bool) or not isinstance(lifetime, (int, float)) or lifetime <= 0:
        raise ResponseFormatError(
            f"token service answered with expires_in {lifetime!r}, not a positive number of seconds",
            provider=response.provider,
            status_code=response.status_code,
            field="expires_in",
        )
    return value, float(lifetime)


class TokenAuth(Authenticator):
    """Short-lived bearer tokens minted with a key.

    ``mint`` builds the token request (it carries the key); ``read`` takes ``(token,
    lifetime in seconds)`` from its answer (OAuth's ``access_token``/``expires_in`` by
    default). A token is used until ``margin`` seconds (at most half its lifetime) before it runs
    out; then the next request mints a new one: tokens that cannot be refreshed are simply
    replaced. A 401 to a request that carried a token forgets it and the request is tried once
    more with a fresh one.
    """

    def __init__(
        self,
        *,
        mint: Callable[[], HttpRequest],
        cache_key: str,
        cache: TokenCache | None = None,
        read: Callable[[HttpResponse], tuple[str, float]] = oauth_token,
        classify: Callable[[HttpResponse, HttpRequest], ProviderError | None] = oauth_error,
        clock: Callable[[], float] = time.monotonic,
        margin: float = 30.0,
        header: str = "Authorization",
        scheme: str = "Bearer",
        extra_headers: Mapping[str, str] | None = None,
    ) -> None:
        self._mint = mint
        self._key = cache_key
        self.cache = cache if cache is not None else TokenCache()
        self._read = read
        self._classify = classify
        self.clock = clock
        self.margin = margin
        self._header = header
        self._scheme = scheme
        self._extra = dict(extra_headers or {})
        self.minted = 0
        """How many tokens this authenticator has minted (for tests and diagnostics)."""

    def __repr__(self) -> str:
        return f"<TokenAuth {self._header} {self._scheme} (cached: {self.cache.get(self._key) is not None})>"

    def _fresh(self, token: Token | None) -> bool:
        if token is None:
            return False
        return self.clock() < token.expires_at - min(self.margin, token.lifetime / 2)

    def headers(self) -> AuthFlow:
        token = self.cache.get(self._key)
        if not self._fresh(token):
            started = self.clock()
            response = yield self._mint()
            value, lifetime = self._read(response)
            # Counted from before the request: the token's clock started while it travelled.
            token = Token(value, started + lifetime, lifetime)
            self.cache.put(self._key, token)
            self.minted += 1
        assert token is not None
        return {**self._extra, self._header: f"{self._scheme} {token.value}"}

    def renew(self, response: HttpResponse, used: Mapping[str, str]) -> bool:
        if response.status_code != 401:
            return False
        sent = used.get(self._header, "")
        prefix = f"{self._scheme} "
        if not sent.startswith(prefix):
            return False
        self.cache.discard(self._key, sent[len(prefix) :])
        return True

    def classify(self, response: HttpResponse, request: HttpRequest) -> ProviderError | None:
        return self._classify(response, request)

    def secrets(self) -> Iterable[str]:
        token = self.cache.get(self._key)
        return (token.value,) if token is not None else ()


def run_flow(flow: AuthFlow, send: Callable[[HttpRequest], Any]) -> Mapping[str, str]:
    """Drive ``flow`` synchronously with ``send`` (errors ``send`` raises are thrown into it)."""
    try:
        step = next(flow)
        while True:
            try:
                answer = send(step)
            except ProviderError as exc:
                step = flow.throw(exc)
                continue
            step = flow.send(answer)
    except StopIteration as stop:
        result: Mapping[str, str] = stop.value
        return result
