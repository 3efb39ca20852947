"""The two shells that drive sans-I/O operations: :class:`SyncRunner` over ``httpx.Client`` and
:class:`AsyncRunner` over ``httpx.AsyncClient``. Retries, backoff, ``Retry-After``, client-side
rate limiting, timeouts, error mapping and request logging live here, once."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import random
import ssl
import threading
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode

import attrs
import httpx

from ..errors import DeadlineExceededError, ProviderError, RateLimitedError, TransportError
from .errormap import error_for_status, request_id_of
from .policy import RateLimiter, RetryPolicy
from .redact import Redactor
from .steps import Emit, HttpRequest, HttpResponse, Operation, Sleep, Step, Stream

if TYPE_CHECKING:
    from ..auth import Authenticator, AuthFlow

T = TypeVar("T")

logger = logging.getLogger("didkit")

Classifier = Callable[[HttpResponse, HttpRequest], "ProviderError | None"]


def default_classify(response: HttpResponse, request: HttpRequest) -> ProviderError | None:
    """Any non-2xx status is an error of the type its status maps to."""
    return None if response.ok else error_for_status(response, request)


@attrs.define
class EngineConfig:
    """Everything a runner needs; built by the provider base from its spec and options."""

    provider: str
    base_url: str
    headers: Mapping[str, str] = attrs.field(factory=dict, repr=False)  # carries the API key
    timeout: float | httpx.Timeout = 30.0
    retry: RetryPolicy = attrs.field(factory=RetryPolicy)
    rate_limiter: RateLimiter | None = None
    classify: Classifier = default_classify
    redactor: Redactor = attrs.field(factory=Redactor, repr=False)
    content_type: str = "application/json"
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    async_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    rng: random.Random = attrs.field(factory=random.Random)
    auth: Authenticator | None = attrs.field(default=None, repr=False)
    """Credentials added to each request (beyond ``headers``); see :mod:`didkit.auth`."""


def _at_most(value: float | None, limit: float) -> float:
    return limit if value is None else min(value, limit)


def _past(ends: float | None, clock: Callable[[], float], delay: float) -> bool:
    """Whether a retry ``delay`` seconds from now would start after the deadline."""
    return ends is not None and clock() + delay >= ends


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    """The TLS context of every client didkit builds, made once per process: building one
    (loading the CA bundle) costs ~45 ms, which a process creating several providers, or
    re-creating one, would otherwise pay each time. It is httpx's default context (certifi's CA
    bundle, or ``SSL_CERT_FILE``/``SSL_CERT_DIR`` as set when it is first made); pass your own
    ``client`` for anything else."""
    return httpx.create_ssl_context()


class _RunnerBase:
    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self._redactor = config.redactor.with_headers(config.headers)

    def _url(self, request: HttpRequest) -> str:
        if request.path.startswith(("http://", "https://")):
            return request.path
        return self.config.base_url.rstrip("/") + "/" + request.path.lstrip("/")

    def _build(self, request: HttpRequest) -> tuple[str, dict[str, str], bytes | None, httpx.QueryParams | None]:
        headers = dict(self.config.headers)
        headers.update(request.headers)
        content = None
        if request.json is not None:
            content = json.dumps(request.json, separators=(",", ":")).encode()
            headers.setdefault("Content-Type", self.config.content_type)
        elif request.content is not None:
            content = request.content
        elif request.form is not None:
            content = urlencode(request.form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        url = self._url(request)
        params = httpx.QueryParams(request.params) if request.params else None
        if params is not None and "?" not in url:
            # The query spelled out by httpx itself, as it would merge it: a URL with its query
            # costs httpx a third less to take than one plus params to merge.
            url, params = f"{url}?{params}", None
        return url, headers, content, params

    def _wrap(self, raw: httpx.Response) -> HttpResponse:
        return HttpResponse(
            status_code=raw.status_code,
            headers=raw.headers,
            content=raw.content,
            url=str(raw.url),
            request_id=request_id_of(raw.headers),
            provider=self.config.provider,
        )

    def _transport_error(self, exc: httpx.TransportError, request: HttpRequest) -> TransportError:
        if isinstance(exc, httpx.LocalProtocolError):
            # The HTTP client refused our own request before sending it; its text quotes the
            # header it refused, which is as likely as not the one carrying the key.
            return TransportError(
                f"{request.label} could not be sent: the HTTP client refused the request as malformed "
                f"({type(exc).__name__}; its detail is withheld, as it may quote a header)",
                provider=self.config.provider,
            )
        never_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
        kind = "timed out" if isinstance(exc, httpx.TimeoutException) else "connection failed"
        detail = self._redactor.with_headers(request.headers).text(str(exc)) or type(exc).__name__
        error = TransportError(
            f"{request.label} {kind}: {detail}",
            provider=self.config.provider,
            outcome_unknown=not request.retryable and not never_sent,
        )
        error.operation = request.label
        return error

    def _after(
        self, request: HttpRequest, response: HttpResponse, elapsed: float, classify: Classifier | None = None
    ) -> ProviderError | None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s %s -> %s in %.1f ms%s",
                self.config.provider,
                request.method,
                self._loggable_url(request),
                response.status_code,
                elapsed * 1000,
                f" [request id {self._redactor.text(response.request_id)}]" if response.request_id else "",
            )
        error = (classify or self.config.classify)(response, request)
        if error is not None:
            error.operation = request.label
            self._redactor.with_headers(request.headers).error(error)
            if not request.retryable and (response.status_code >= 500 or response.status_code == 408):
                error.outcome_unknown = True
        return error

    def _learn(self, auth: Authenticator) -> None:
        for secret in auth.secrets():
            self.config.redactor.add(secret)

    def _auth_for(self, authorize: bool) -> tuple[Authenticator | None, Classifier | None]:
        """The authenticator of an API request, or (``authorize=False``, one of the
        authenticator's own requests) none, and the classifier of its answers."""
        auth = self.config.auth
        if authorize or auth is None:
            return auth, None
        return None, auth.classify

    def _loggable_url(self, request: HttpRequest) -> str:
        params = self._redactor.params(request.params)
        query = "&".join(f"{k}={v}" for k, v in params)
        return self._redactor.text(self._url(request)) + (f"?{query}" if query else "")

    def _ends(self, deadline: float | None) -> float | None:
        """The clock reading at which an operation with ``deadline`` seconds must be over."""
        return None if deadline is None else self.config.clock() + max(deadline, 0.0)

    def _left(self, ends: float | None, what: str) -> float | None:
        """Seconds left before ``ends`` (``None``: no deadline); :class:`DeadlineExceededError`
        when none are, so ``what`` is not started."""
        if ends is None:
            return None
        left = ends - self.config.clock()
        if left <= 0:
            raise DeadlineExceededError(
                f"{what} was not started: the call's deadline had passed", provider=self.config.provider
            )
        return left

    def _timeout(self, left: float | None) -> float | httpx.Timeout:
        """The request's timeout, cut to the time left before the deadline."""
        timeout = self.config.timeout
        if left is None:
            return timeout
        if isinstance(timeout, httpx.Timeout):
            return httpx.Timeout(
                connect=_at_most(timeout.connect, left),
                read=_at_most(timeout.read, left),
                write=_at_most(timeout.write, left),
                pool=_at_most(timeout.pool, left),
            )
        return min(timeout, left)

    def _bounded_sleep(self, seconds: float, ends: float | None, what: str) -> float:
        """``seconds``, or what is left before the deadline when that is less."""
        left = self._left(ends, what)
        return seconds if left is None else min(seconds, left)

    def _retry_delay(self, error: ProviderError, request: HttpRequest, attempt: int) -> float | None:
        # A 429 means the carrier processed nothing: even a purchase may be sent again, once its
        # Retry-After has passed (within the call's deadline, like every retry).
        if not request.retryable and not isinstance(error, RateLimitedError):
            return None
        status = error.status_code
        if not isinstance(error, TransportError) and status not in self.config.retry.retry_statuses:
            return None
        retry_after = error.retry_after if isinstance(error, RateLimitedError) else None
        delay = self.config.retry.delay(attempt, retry_after, self.config.rng)
        if delay is not None:
            logger.debug(
                "%s %s failed (%s); retry %d in %.2f s",
                self.config.provider,
                request.label,
                status or type(error).__name__,
                attempt,
                delay,
            )
        return delay

    def _exchange(self, request: HttpRequest, authorize: bool, ends: float | None) -> _Exchange:
        """One request with credentials, rate limiting, retries and error mapping, as a sans-I/O
        generator: it yields what to do (:class:`_Transmit`, :class:`_Wait`, :class:`_Authorize`)
        and returns the response, or raises the error. Each runner only does what it yields."""
        url, headers, content, params = self._build(request)
        auth, classify = self._auth_for(authorize)
        renewed = False
        attempt = 0
        while True:
            attempt += 1
            self._left(ends, request.label)  # past the deadline: not even a token mint
            credentials: Mapping[str, str] = {}
            if auth is not None:
                credentials = yield _Authorize(auth.headers())
                self._learn(auth)
                headers.update(credentials)
            limiter = self.config.rate_limiter if authorize else None
            if limiter is not None:
                wait = limiter.reserve()
                if wait > 0:
                    if _past(ends, self.config.clock, wait):
                        raise DeadlineExceededError(
                            f"{request.label} was not sent: the client-side rate limit would hold it past the "
                            "call's deadline",
                            provider=self.config.provider,
                        )
                    yield _Wait(wait)
            timeout = self._timeout(self._left(ends, request.label))
            started = self.config.clock()
            answer = yield _Transmit(request.method, url, params, headers, content, timeout)
            if isinstance(answer, httpx.TransportError):
                error: ProviderError | None = self._transport_error(answer, request)
            else:
                response = self._wrap(answer)
                if auth is not None and not renewed and auth.renew(response, credentials):
                    renewed, attempt = True, attempt - 1  # stale credentials: once more with fresh ones
                    continue
                error = self._after(request, response, self.config.clock() - started, classify)
                if error is None:
                    return response
            assert error is not None
            delay = self._retry_delay(error, request, attempt)
            if delay is None:
                raise error
            if _past(ends, self.config.clock, delay):
                logger.debug("%s %s: no retry, the call's deadline comes first", self.config.provider, request.label)
                raise error
            yield _Wait(delay)


@attrs.frozen(slots=True)
class _Transmit:
    """Send this over the HTTP client; answer with its ``httpx.Response`` or ``httpx.TransportError``."""

    method: str
    url: str
    params: httpx.QueryParams | None
    headers: dict[str, str]
    content: bytes | None
    timeout: float | httpx.Timeout


@attrs.frozen(slots=True)
class _Wait:
    """Sleep this many seconds (on the config's clock); answer with nothing."""

    seconds: float


@attrs.frozen(slots=True)
class _Authorize:
    """Run the authenticator's flow (one at a time); answer with its credential headers."""

    flow: AuthFlow


_Exchange = Generator["_Transmit | _Wait | _Authorize", Any, HttpResponse]


class SyncRunner(_RunnerBase):
    """Drives operations with an ``httpx.Client`` (given, or built over ``transport``)."""

    def __init__(
        self,
        config: EngineConfig,
        *,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(config)
        self._owns_client = client is None
        self.client = client or httpx.Client(
            transport=transport, timeout=config.timeout, verify=True if transport else shared_ssl_context()
        )
        self._auth_lock = threading.Lock()  # one token mint at a time: the others then reuse it

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    def send(self, request: HttpRequest, *, authorize: bool = True, ends: float | None = None) -> HttpResponse:
        """Send one request with credentials, rate limiting, retries and error mapping.
        ``authorize=False`` sends one of the authenticator's own requests (a token mint): no
        credentials, no rate limiter, its errors mapped by the authenticator. ``ends`` is the
        operation's deadline on the config's clock: every wait, timeout and retry fits before it
        (a retry that would not is not made: the last error is raised)."""
        exchange = self._exchange(request, authorize, ends)
        try:
            action = next(exchange)
            while True:
                answer: Any = None
                if isinstance(action, _Transmit):
                    try:
                        answer = self.client.request(
                            action.method,
                            action.url,
                            params=action.params,
                            headers=action.headers,
                            content=action.content,
                            timeout=action.timeout,
                        )
                    except httpx.TransportError as exc:
                        answer = exc
                elif isinstance(action, _Wait):
                    self.config.sleep(action.seconds)
                else:
                    answer = self._credentials(action.flow, ends)
                action = exchange.send(answer)
        except StopIteration as done:
            response: HttpResponse = done.value
            return response
        finally:
            exchange.close()

    def _credentials(self, flow: AuthFlow, ends: float | None = None) -> Mapping[str, str]:
        from ..auth import run_flow

        with self._auth_lock:
            return run_flow(flow, lambda step: self.send(step, authorize=False, ends=ends))

    def _step(self, step: Step, ends: float | None = None) -> Any:
        if isinstance(step, HttpRequest):
            return self.send(step, ends=ends)
        if isinstance(step, Sleep):
            self.config.sleep(self._bounded_sleep(step.seconds, ends, "the next poll"))
            return None
        raise TypeError(f"an operation yielded {step!r}, which run() cannot take (use iterate())")

    def run(self, operation: Operation[T], *, deadline: float | None = None) -> T:
        """Drive an operation to its result. With ``deadline`` (seconds from now), every request,
        retry, backoff, rate-limit wait and :class:`Sleep` of the operation fits before it: a
        request's timeout is cut to the time left, and a step due after it is not started — a
        :class:`~didkit.DeadlineExceededError` is thrown into the operation at that step instead,
        for it to say what its outcome is."""
        ends = self._ends(deadline)
        try:
            step = next(operation)
            while True:
                try:
                    answer = self._step(step, ends)
                except ProviderError as exc:
                    step = operation.throw(exc)
                    continue
                step = operation.send(answer)
        except StopIteration as stop:
            result: T = stop.value
            return result
        except ProviderError as exc:
            # Errors an operation builds itself (from a body it could not read) are scrubbed too.
            self._redactor.error(exc)
            raise

    def iterate(self, stream: Stream) -> Iterator[Any]:
        """Drive a stream lazily: the next page is requested only when the consumer wants it.

        The stream is primed at once, so input it validates before its first request fails at
        the call, not at the first iteration; no request is sent until the consumer iterates."""
        try:
            first = next(stream)
        except StopIteration:
            return iter(())
        return self._drive(stream, first)

    def _drive(self, stream: Stream, step: Step) -> Iterator[Any]:
        try:
            while True:
                if isinstance(step, Emit):
                    yield from step.items
                    step = stream.send(None)
                    continue
                try:
                    answer = self._step(step)
                except ProviderError as exc:
                    step = stream.throw(exc)
                    continue
                step = stream.send(answer)
        except StopIteration:
            return
        except ProviderError as exc:
            self._redactor.error(exc)
            raise
        finally:
            stream.close()


class AsyncRunner(_RunnerBase):
    """Drives operations with an ``httpx.AsyncClient`` (given, or built over ``transport``)."""

    def __init__(
        self,
        config: EngineConfig,
        *,
        client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(config)
        self._owns_client = client is None
        self.client = client or httpx.AsyncClient(
            transport=transport, timeout=config.timeout, verify=True if transport else shared_ssl_context()
        )
        self._auth_lock: asyncio.Lock | None = None  # made on first use, inside the running loop

    async def aclose(self) -> None:
        if self._owns_client:
            await self.client.aclose()

    async def send(self, request: HttpRequest, *, authorize: bool = True, ends: float | None = None) -> HttpResponse:
        """Send one request with credentials, rate limiting, retries and error mapping (see
        :meth:`SyncRunner.send`)."""
        exchange = self._exchange(request, authorize, ends)
        try:
            action = next(exchange)
            while True:
                answer: Any = None
                if isinstance(action, _Transmit):
                    try:
                        answer = await self.client.request(
                            action.method,
                            action.url,
                            params=action.params,
                            headers=action.headers,
                            content=action.content,
                            timeout=action.timeout,
                        )
                    except httpx.TransportError as exc:
                        answer = exc
                elif isinstance(action, _Wait):
                    await self.config.async_sleep(action.seconds)
                else:
                    answer = await self._credentials(action.flow, ends)
                action = exchange.send(answer)
        except StopIteration as done:
            response: HttpResponse = done.value
            return response
        finally:
            exchange.close()

    async def _credentials(self, flow: AuthFlow, ends: float | None = None) -> Mapping[str, str]:
        # One token mint at a time: concurrent requests wait for it and then reuse the token.
        if self._auth_lock is None:
            self._auth_lock = asyncio.Lock()
        async with self._auth_lock:
            return await self._drive_credentials(flow, ends)

    async def _drive_credentials(self, flow: AuthFlow, ends: float | None) -> Mapping[str, str]:
        try:
            step = next(flow)
            while True:
                try:
                    answer = await self.send(step, authorize=False, ends=ends)
                except ProviderError as exc:
                    step = flow.throw(exc)
                    continue
                step = flow.send(answer)
        except StopIteration as stop:
            result: Mapping[str, str] = stop.value
            return result

    async def _step(self, step: Step, ends: float | None = None) -> Any:
        if isinstance(step, HttpRequest):
            return await self.send(step, ends=ends)
        if isinstance(step, Sleep):
            await self.config.async_sleep(self._bounded_sleep(step.seconds, ends, "the next poll"))
            return None
        raise TypeError(f"an operation yielded {step!r}, which run() cannot take (use iterate())")

    async def run(self, operation: Operation[T], *, deadline: float | None = None) -> T:
        """Drive an operation to its result. With ``deadline`` (seconds from now), every request,
        retry, backoff, rate-limit wait and :class:`Sleep` of the operation fits before it: a
        request's timeout is cut to the time left, and a step due after it is not started — a
        :class:`~didkit.DeadlineExceededError` is thrown into the operation at that step instead,
        for it to say what its outcome is."""
        ends = self._ends(deadline)
        try:
            step = next(operation)
            while True:
                try:
                    answer = await self._step(step, ends)
                except ProviderError as exc:
                    step = operation.throw(exc)
                    continue
                step = operation.send(answer)
        except StopIteration as stop:
            result: T = stop.value
            return result
        except ProviderError as exc:
            # Errors an operation builds itself (from a body it could not read) are scrubbed too.
            self._redactor.error(exc)
            raise

    def iterate(self, stream: Stream) -> AsyncGenerator[Any, None]:
        """Drive a stream lazily, as an async iterator (primed at once, like the sync runner's)."""
        try:
            first: Step | None = next(stream)
        except StopIteration:
            first = None
        return self._drive(stream, first)

    async def _drive(self, stream: Stream, step: Step | None) -> AsyncGenerator[Any, None]:
        if step is None:
            return
        try:
            while True:
                if isinstance(step, Emit):
                    for item in step.items:
                        yield item
                    step = stream.send(None)
                    continue
                try:
                    answer = await self._step(step)
                except ProviderError as exc:
                    step = stream.throw(exc)
                    continue
                step = stream.send(answer)
        except StopIteration:
            return
        except ProviderError as exc:
            self._redactor.error(exc)
            raise
        finally:
            stream.close()
