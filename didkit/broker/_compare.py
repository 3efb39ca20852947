"""compare(): one query on every provider at once, one list of offers, cheapest first."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ..errors import InvalidInputError
from ..model import SearchQuery
from ._ranking import rank
from ._runtime import (
    ProgressCallback,
    ProviderLike,
    Runtime,
    check_months,
    check_query,
    check_timeout,
    close_all,
    connect,
    prepare,
    run_blocking,
    search_all,
)
from ._types import Comparison, ComparisonFailedError

logger = logging.getLogger("didkit.broker")


async def _compare(
    query: SearchQuery,
    providers: ProviderLike | Sequence[ProviderLike],
    *,
    months: int,
    timeout: float | None,
    progress: ProgressCallback | None,
    connect_options: Mapping[str, Any] | None,
    async_mode: bool,
    ready_only: bool = False,
) -> Comparison:
    query = check_query(query)
    if not isinstance(ready_only, bool):
        raise InvalidInputError(f"ready_only must be True or False, got {ready_only!r}")
    months = check_months(months)
    timeout = check_timeout(timeout)
    prepared = prepare(providers, needs=("search_numbers",))
    handles = connect(prepared, async_mode=async_mode, connect_options=connect_options)
    runtime = Runtime.for_handles(handles)
    try:
        per_provider, reports = await search_all(handles, query, timeout, runtime, progress)
    finally:
        await close_all(handles, runtime)
        runtime.shutdown()
    if all(report.error is not None for report in reports):
        raise ComparisonFailedError(reports)
    for report in reports:
        if report.error is not None:
            logger.warning("compare: %s did not answer: %s", report.provider, report.error)
    # Every report says how many offers need documents; ready_only leaves those out.
    reports = [
        attrs.evolve(report, needs_documents=sum(1 for offer in found if offer.requires_documents))
        for report, found in zip(reports, per_provider, strict=True)
    ]
    if ready_only:
        per_provider = [[offer for offer in found if not offer.requires_documents] for found in per_provider]
    offers = [offer for _, offer in rank(per_provider, months).ranked]
    return Comparison(offers, reports, months=months, by_provider=per_provider)


async def compare_async(
    query: SearchQuery,
    providers: ProviderLike | Sequence[ProviderLike],
    *,
    months: int = 12,
    timeout: float | None = 30.0,
    progress: ProgressCallback | None = None,
    connect_options: Mapping[str, Any] | None = None,
    ready_only: bool = False,
) -> Comparison:
    """Run ``query`` on every provider concurrently; async. Same arguments and result as
    :func:`compare`. Async providers are awaited directly; sync ones run in worker threads."""
    return await _compare(
        query,
        providers,
        months=months,
        timeout=timeout,
        progress=progress,
        connect_options=connect_options,
        async_mode=True,
        ready_only=ready_only,
    )


def compare(
    query: SearchQuery,
    providers: ProviderLike | Sequence[ProviderLike],
    *,
    months: int = 12,
    timeout: float | None = 30.0,
    progress: ProgressCallback | None = None,
    connect_options: Mapping[str, Any] | None = None,
    ready_only: bool = False,
) -> Comparison:
    """Run ``query`` on every provider concurrently and merge the offers, cheapest first.

    Args:
        query: what to look for; ``query.limit`` applies to each provider.
        providers: provider instances (sync or async, mixed freely) and/or registered names,
            connected from the environment. An unknown name raises
            :class:`~didkit.ConfigurationError` before anything runs; a name that cannot be
            connected (a missing API key) is reported like any failing provider.
        months: offers are ordered by setup plus ``months`` × monthly price; ties by per-minute
            price, then by the providers' order; offers with an unknown price come last. Amounts
            are compared within one currency (the most common one first). This is the ordering
            :func:`procure` uses; :meth:`Comparison.plan` shows what it would try.
        timeout: seconds each provider may take (``None``: no limit). A provider that runs out of
            time is reported with a :class:`~didkit.TransportError`.
        progress: called as ``progress(report)`` with each provider's
            :class:`~didkit.ProviderReport` as it finishes, in the calling thread.
        connect_options: keyword arguments for :func:`didkit.connect` when providers are names
            (e.g. ``{"sandbox": True}``).
        ready_only: keep only offers that need no end-user documents
            (``AvailableNumber.requires_documents`` false), numbers that work once bought. Either
            way each report's ``needs_documents`` says how many of its offers need them.

    Returns:
        A :class:`~didkit.Comparison`: the offers, cheapest first, and ``.report`` with one
        :class:`~didkit.ProviderReport` per provider. Some providers failing never fails the
        comparison: each error is in its report, and logged at ``WARNING`` on the
        ``didkit.broker`` logger.

    Raises:
        ComparisonFailedError: no provider answered; the message names each one's failure.
        InvalidInputError: bad arguments.
        ConfigurationError: an unknown provider name.
        EventLoopRunningError: called from a running event loop (use :func:`compare_async`).
    """
    return run_blocking(
        lambda: _compare(
            query,
            providers,
            months=months,
            timeout=timeout,
            progress=progress,
            connect_options=connect_options,
            async_mode=False,
            ready_only=ready_only,
        ),
        "compare",
    )
