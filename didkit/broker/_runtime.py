"""How the broker drives providers: resolving names, telling sync from async providers, running
sync providers in worker threads, searching with a timeout, and the sync-over-async bridge."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeAlias, TypeVar, cast

from ..errors import DidkitError, InvalidInputError, ProviderError, ResponseFormatError, UnsupportedOperationError
from ..errors import TransportError as _TransportError
from ..model import AvailableNumber, Hold, Order, ProviderCapabilities, SearchQuery
from ..protocol import SURFACE, AsyncNumberProvider, NumberProvider
from ..regulatory import Requirements
from ._types import EventLoopRunningError, ProviderReport

T = TypeVar("T")

logger = logging.getLogger("didkit.broker")

ProviderLike: TypeAlias = "NumberProvider | AsyncNumberProvider | str"
"""A provider instance (sync or async) or a registered provider name."""

ProgressCallback = Callable[[ProviderReport], object]
"""Called with each provider's report as its search finishes (may return an awaitable)."""


def run_blocking(factory: Callable[[], Coroutine[Any, Any, T]], name: str) -> T:
    """Run the coroutine ``factory()`` makes to completion from sync code; refuse inside a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise EventLoopRunningError(
            f"didkit.{name}() blocks, so it cannot be called from a running event loop; "
            f"use `await didkit.{name}_async(...)` instead"
        )
    return asyncio.run(factory())


def check_timeout(timeout: float | None, what: str = "timeout") -> float | None:
    """``None`` or a positive number of seconds."""
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise InvalidInputError(f"{what} must be a positive number of seconds or None, got {timeout!r}")
    return float(timeout)


def check_months(months: int) -> int:
    """A positive whole number of months."""
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise InvalidInputError(f"months must be a positive integer, got {months!r}")
    return months


def check_query(query: object) -> SearchQuery:
    if not isinstance(query, SearchQuery):
        raise InvalidInputError(f"the query must be a didkit.SearchQuery, got {type(query).__name__}")
    return query


def _is_async_provider(provider: Any) -> bool:
    for member in SURFACE.values():
        method = getattr(provider, member.name, None)
        if inspect.iscoroutinefunction(method) or (member.listing and inspect.isasyncgenfunction(method)):
            return True
    return False


def _unexpected(exc: BaseException, provider: str) -> ProviderError:
    error = ProviderError(f"unexpected {type(exc).__name__}: {exc}", provider=provider)
    error.__cause__ = exc
    return error


class Runtime:
    """Per-call resources: a private thread pool for sync providers (never the loop's default
    executor, so a hung provider cannot hold up ``asyncio.run`` on exit)."""

    def __init__(self, workers: int = 4) -> None:
        self._workers = max(1, workers)
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    @classmethod
    def for_handles(cls, handles: Sequence[Handle]) -> Runtime:
        """A runtime with a thread per sync provider (so their searches all run at once)."""
        return cls(sum(1 for h in handles if not h.is_async) + 1)

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="didkit-broker")
            return self._executor

    async def in_thread(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` in a worker thread, with the caller's context variables."""
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()
        call = functools.partial(context.run, fn, *args, **kwargs)
        return await loop.run_in_executor(self._pool(), call)

    def shutdown(self) -> None:
        """Release the pool without waiting for threads still busy with a timed-out provider."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)


class Handle:
    """One entry of the caller's provider list, connected (or not: ``error``)."""

    def __init__(
        self,
        label: str,
        provider: Any = None,
        *,
        is_async: bool = False,
        owned: bool = False,
        error: DidkitError | None = None,
    ) -> None:
        self.label = label
        self.provider = provider
        self.is_async = is_async
        self.owned = owned
        self.error = error

    def __repr__(self) -> str:
        return f"<Handle {self.label} {'async' if self.is_async else 'sync'}{' failed' if self.error else ''}>"

    @property
    def capabilities(self) -> ProviderCapabilities:
        caps = getattr(self.provider, "capabilities", None)
        return caps if isinstance(caps, ProviderCapabilities) else ProviderCapabilities()

    async def search(self, query: SearchQuery, runtime: Runtime, cancel: threading.Event) -> list[AvailableNumber]:
        """Every offer (at most ``query.limit``), consumed in a thread for sync providers."""
        if self.is_async:
            result = self.provider.search_numbers(query)
            if inspect.isawaitable(result):
                result = await result
            return await _collect_async(result, query.limit, self.label)
        collected = await runtime.in_thread(_collect_sync, self.provider, query, cancel, self.label)
        if isinstance(collected, list):
            return collected
        return await _collect_async(collected, query.limit, self.label)

    async def call(self, name: str, runtime: Runtime, /, *args: Any, **kwargs: Any) -> Any:
        """``provider.<name>(*args, **kwargs)``, awaited or run in a worker thread, its result
        checked against :data:`~didkit.protocol.SURFACE` (a wrong type is a
        :class:`~didkit.ResponseFormatError`; from an operation that buys, with the outcome unknown)."""
        member = SURFACE[name]
        method = getattr(self.provider, name, None)
        if method is None:
            raise UnsupportedOperationError(f"{self.label} has no {name}()", provider=self.label)
        if self.is_async:
            result = await method(*args, **kwargs)
        else:
            result = await runtime.in_thread(method, *args, **kwargs)
        if not isinstance(result, member.result):
            raise ResponseFormatError(
                f"{name}() returned {type(result).__name__}, not {member.result.__name__}",
                provider=self.label,
                outcome_unknown=member.buys,
            )
        return result

    async def purchase(
        self, offer: AvailableNumber | Hold, reference: str, wait: float, runtime: Runtime, quantity: int = 1
    ) -> Order:
        # quantity travels only when it is more than one: a provider written before it existed
        # still buys single numbers
        extra: dict[str, Any] = {"quantity": quantity} if quantity != 1 else {}
        order: Order = await self.call("purchase", runtime, offer, reference=reference, wait=wait, **extra)
        return order

    async def requirements(self, offer: AvailableNumber, runtime: Runtime) -> Requirements | None:
        """What the carrier needs from ``offer``'s end user, or ``None`` for a provider without
        ``requirements()``."""
        if getattr(self.provider, "requirements", None) is None:
            return None
        needs: Requirements = await self.call("requirements", runtime, offer)
        return needs

    def search_notes(self) -> tuple[str, ...]:
        """What the provider says about how its searches went (a degraded mode), in words; never
        raises (the notes are advice, not results)."""
        notes = getattr(self.provider, "search_notes", None)
        if not callable(notes):
            return ()
        try:
            said = notes()
        except Exception:
            logger.debug("search_notes() on %s raised", self.label, exc_info=True)
            return ()
        if isinstance(said, str) or not isinstance(said, Iterable):
            return ()
        return tuple(str(note) for note in said if str(note).strip())

    async def close(self, runtime: Runtime) -> None:
        """Close a provider the broker connected itself; never raises."""
        if not self.owned or self.provider is None:
            return
        try:
            aclose = getattr(self.provider, "aclose", None)
            if self.is_async and aclose is not None:
                await aclose()
            elif getattr(self.provider, "close", None) is not None:
                await runtime.in_thread(self.provider.close)
        except Exception:  # closing is best effort
            logger.debug("closing %s failed", self.label, exc_info=True)


def _check_offer(offer: Any, provider: str) -> AvailableNumber:
    if not isinstance(offer, AvailableNumber):
        raise ResponseFormatError(
            f"search_numbers() yielded {type(offer).__name__}, not an AvailableNumber", provider=provider
        )
    return offer


def _collect_sync(provider: Any, query: SearchQuery, cancel: threading.Event, label: str) -> Any:
    offers = provider.search_numbers(query)
    if hasattr(offers, "__aiter__") and not hasattr(offers, "__iter__"):
        return offers  # an async iterator from a provider we took for sync: consume it in the loop
    out: list[AvailableNumber] = []
    try:
        for offer in offers:
            if cancel.is_set():
                break
            out.append(_check_offer(offer, label))
            if query.limit is not None and len(out) >= query.limit:
                break
    finally:
        close = getattr(offers, "close", None)
        if callable(close):
            close()
    return out


async def _collect_async(offers: Any, limit: int | None, label: str) -> list[AvailableNumber]:
    if not hasattr(offers, "__aiter__"):
        if isinstance(offers, Iterable):
            items = [_check_offer(o, label) for o in offers]
            return items[:limit] if limit is not None else items
        raise ResponseFormatError(f"search_numbers() returned {type(offers).__name__}", provider=label)
    out: list[AvailableNumber] = []
    try:
        async for offer in offers:
            out.append(_check_offer(offer, label))
            if limit is not None and len(out) >= limit:
                break
    finally:
        aclose = getattr(offers, "aclose", None)
        if aclose is not None:
            await aclose()
    return out


def _as_list(providers: ProviderLike | Sequence[ProviderLike]) -> list[ProviderLike]:
    if isinstance(providers, str) or hasattr(providers, "search_numbers"):
        return [cast(ProviderLike, providers)]
    if not isinstance(providers, Iterable):
        raise InvalidInputError(f"providers must be a list of providers or provider names, got {providers!r}")
    items = list(providers)
    if not items:
        raise InvalidInputError("at least one provider is required")
    return items


class Prepared:
    """The caller's provider list, checked: instances as they are, names with their class."""

    def __init__(self, items: list[tuple[ProviderLike, type[Any] | None]]) -> None:
        self.items = items


def prepare(providers: ProviderLike | Sequence[ProviderLike], *, needs: Sequence[str]) -> Prepared:
    """Check the provider list before anything runs: an unknown name raises
    :class:`~didkit.ConfigurationError`, an object that is not a provider
    :class:`~didkit.InvalidInputError`."""
    from .. import registry

    unknown = [name for name in needs if name not in SURFACE]
    if unknown:
        raise ValueError(f"not operations of the provider surface: {unknown}")
    checked: list[tuple[ProviderLike, type[Any] | None]] = []
    for item in _as_list(providers):
        if isinstance(item, str):
            checked.append((item, registry.provider_class(item)))
            continue
        missing = [m for m in ("name", *needs) if not hasattr(item, m)]
        if missing:
            raise InvalidInputError(
                f"{item!r} is neither a provider name nor a NumberProvider (it lacks {', '.join(missing)})"
            )
        checked.append((item, None))
    return Prepared(checked)


def connect(prepared: Prepared, *, async_mode: bool, connect_options: Mapping[str, Any] | None) -> list[Handle]:
    """Handles for the prepared list, connecting names (``connect_async`` in async mode, where the
    provider has an async class). A failure to connect — a missing key — stays on the handle, to
    be reported like any other provider failure."""
    from .. import registry

    options = dict(connect_options or {})
    handles: list[Handle] = []
    for item, cls in prepared.items:
        if not isinstance(item, str):
            handles.append(Handle(str(item.name), item, is_async=_is_async_provider(item)))
            continue
        name = item.strip().lower()
        use_async = async_mode and getattr(cls, "async_class", None) is not None
        try:
            connected = registry.connect_async(name, **options) if use_async else registry.connect(name, **options)
        except DidkitError as exc:
            handles.append(Handle(name, error=exc))
            continue
        handles.append(Handle(str(connected.name), connected, is_async=use_async, owned=True))
    return handles


async def search_one(
    handle: Handle, query: SearchQuery, timeout: float | None, runtime: Runtime
) -> tuple[list[AvailableNumber], ProviderReport]:
    """One provider's offers and its report; never raises for a provider failure."""
    started = time.perf_counter()
    if handle.error is not None:
        return [], ProviderReport(handle.label, 0, 0.0, handle.error)
    cancel = threading.Event()
    error: DidkitError | None = None
    timed_out = False
    offers: list[AvailableNumber] = []
    try:
        if timeout is None:
            offers = await handle.search(query, runtime, cancel)
        else:
            offers = await asyncio.wait_for(handle.search(query, runtime, cancel), timeout)
    except asyncio.TimeoutError:
        timed_out = True
        error = _TransportError(f"search did not finish within {timeout:g} s", provider=handle.label)
    except DidkitError as exc:
        error = exc
    except Exception as exc:
        logger.debug("search on %s raised", handle.label, exc_info=True)
        error = _unexpected(exc, handle.label)
    finally:
        cancel.set()
    elapsed = time.perf_counter() - started
    notes = handle.search_notes()
    if error is not None:
        logger.debug("search on %s failed after %.3f s: %s", handle.label, elapsed, error)
        return [], ProviderReport(handle.label, 0, elapsed, error, timed_out, notes=notes)
    return offers, ProviderReport(handle.label, len(offers), elapsed, notes=notes)


async def search_all(
    handles: Sequence[Handle],
    query: SearchQuery,
    timeout: float | None,
    runtime: Runtime,
    progress: ProgressCallback | None,
) -> tuple[list[list[AvailableNumber]], list[ProviderReport]]:
    """Search every provider concurrently; reports in the providers' order, ``progress`` called
    in the order the providers finish."""
    tasks: list[asyncio.Future[tuple[list[AvailableNumber], ProviderReport]]] = [
        asyncio.ensure_future(search_one(h, query, timeout, runtime)) for h in handles
    ]
    index = {task: i for i, task in enumerate(tasks)}
    offers: list[list[AvailableNumber]] = [[] for _ in handles]
    reports: list[ProviderReport | None] = [None] * len(handles)
    pending: set[asyncio.Future[tuple[list[AvailableNumber], ProviderReport]]] = set(tasks)
    try:
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in sorted(done, key=index.__getitem__):
                found, report = task.result()
                offers[index[task]] = found
                reports[index[task]] = report
                if progress is not None:
                    outcome = progress(report)
                    if inspect.isawaitable(outcome):
                        await cast(Awaitable[object], outcome)
    finally:
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
    return offers, [r for r in reports if r is not None]


async def close_all(handles: Iterable[Handle], runtime: Runtime) -> None:
    for handle in handles:
        await handle.close(runtime)
