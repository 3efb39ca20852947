"""Comparison fan-out benchmark (issue #8, target 3): wall time of ``compare`` over both carriers
with latency injected into every emulator answer, against the lower bound no client can beat.

Each carrier is a ``didkit.connect_async(name, sandbox=True)`` provider on real time, whose
emulator answers every request after ``--latency`` seconds. The emulators' logs (every request
and its answer) give each carrier's *longest chain of dependent requests*: a request depends on
an earlier one when it carries an id (a path parameter, or a query value of an ``...id`` filter)
that first appeared in that earlier answer, and a later page of a listing depends on its first
page. The lower bound of a carrier is ``chain × latency``, or what its rate limit allows for the
requests made (``(ceil(n / limit) - 1) × period``) if that is longer; the carriers run at once,
so the comparison's bound is the larger of the two.

Three runs: *process-cold* (the first comparison in the process: imports, schema compilation and
code generation included), *cold* (fresh providers, so every coverage cache is empty, in a warmed
process) and *warm* (the same providers again: coverage cached, only the searches remain). Prints
one JSON line.

    python -m benchmarks.bench_compare
    python -m benchmarks.bench_compare --latency 0.05 --city "New York" --repeat 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CARRIERS = ("wavix", "didww")


class Log:
    """Every request an emulator answered, with its answer and its depth in the dependency chain."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def record(self, emulator: Any, request: Any, route: str | None, response: Any) -> None:
        _, params, _ = emulator.match(request.method, request.path)
        tokens = {str(v) for v in params.values()}
        page = None
        for key, values in request.query.items():
            if key.endswith("id") or key.endswith("id]"):
                tokens.update(part for value in values for part in value.split(",") if part)
            if key in ("page", "page[number]") and values and values[0].isdigit():
                page = int(values[0])
        try:
            body = json.loads(response.body) if response.body else None
        except ValueError:
            body = None
        self.entries.append(
            {
                "at": time.perf_counter(),
                "carrier": emulator.name,
                "request": f"{request.method} {request.path}",
                "route": route,
                "tokens": tokens,
                "page": page,
                "values": set(_scalars(body)),
            }
        )

    def clear(self) -> None:
        self.entries.clear()

    def chains(self) -> dict[str, dict[str, Any]]:
        """Per carrier: requests made and the longest chain of dependent ones."""
        out: dict[str, dict[str, Any]] = {}
        for carrier in {e["carrier"] for e in self.entries}:
            entries = [e for e in self.entries if e["carrier"] == carrier]
            depths: list[int] = []
            for i, entry in enumerate(entries):
                depth = 1
                for token in entry["tokens"]:
                    producer = next((j for j in range(i) if token in entries[j]["values"]), None)
                    if producer is not None:
                        depth = max(depth, depths[producer] + 1)
                if entry["page"] is not None and entry["page"] > 1:
                    first = next((j for j in range(i) if entries[j]["route"] == entry["route"]), None)
                    if first is not None:
                        depth = max(depth, depths[first] + 1)
                depths.append(depth)
            out[carrier] = {
                "requests": len(entries),
                "chain": max(depths, default=0),
                "calls": [f"{e['request']} (depth {d})" for e, d in zip(entries, depths, strict=True)],
            }
        return out


def _scalars(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _scalars(value)
    elif isinstance(node, list):
        for value in node:
            yield from _scalars(value)
    elif isinstance(node, (str, int)) and not isinstance(node, bool):
        yield str(node)


@contextmanager
def recording() -> Iterator[Log]:
    from didkit.sandbox import add_recorder, remove_recorder

    log = Log()
    add_recorder(log.record)
    try:
        yield log
    finally:
        remove_recorder(log.record)


def connect(latency: float) -> list[Any]:
    import didkit

    providers = []
    for name in CARRIERS:
        # Real time (the sandbox otherwise runs on virtual time, where rate-limit waits cost nothing).
        provider = didkit.connect_async(name, sandbox=True, clock=time.monotonic, async_sleep=asyncio.sleep)
        provider.emulator.faults.default_latency = latency
        providers.append(provider)
    return providers


def bound(chains: dict[str, dict[str, Any]], latency: float) -> dict[str, float]:
    from didkit.registry import provider_class

    bounds = {}
    for carrier, chain in chains.items():
        limit = provider_class(carrier).spec.rate_limit
        rate_bound = 0.0
        if limit:
            count, period = limit
            rate_bound = (math.ceil(chain["requests"] / count) - 1) * period
        bounds[carrier] = max(chain["chain"] * latency, rate_bound)
    return bounds


async def one_run(providers: list[Any], query: Any, log: Log, latency: float) -> dict[str, Any]:
    import didkit

    log.clear()
    started = time.perf_counter()
    comparison = await didkit.compare_async(query, providers)
    wall = time.perf_counter() - started
    failures = [f"{r.provider}: {r.error}" for r in comparison.report if r.error]
    if failures:
        raise SystemExit(f"a provider failed: {failures}")
    chains = log.chains()
    bounds = bound(chains, latency)
    lower = max(bounds.values(), default=0.0)
    return {
        "wall_s": wall,
        "lower_bound_s": lower,
        "offers": len(comparison),
        "chains": chains,
        "per_carrier": {
            r.provider: {"elapsed_s": round(r.elapsed, 4), "lower_bound_s": round(bounds.get(r.provider, 0.0), 4)}
            for r in comparison.report
        },
    }


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    from didkit import SearchQuery

    query = SearchQuery(country=args.country, city=args.city, limit=args.limit)
    figures: dict[str, Any] = {
        "benchmark": "compare",
        "carriers": list(CARRIERS),
        "query": {"country": args.country, "city": args.city, "limit": args.limit},
        "latency_s": args.latency,
    }
    with recording() as log:
        first = await one_run(connect(args.latency), query, log, args.latency)
        cold: list[dict[str, Any]] = []
        warm: list[dict[str, Any]] = []
        for _ in range(args.repeat):
            providers = connect(args.latency)
            cold.append(await one_run(providers, query, log, args.latency))
            warm.append(await one_run(providers, query, log, args.latency))
            for provider in providers:
                await provider.aclose()
    for label, runs in (("process_cold", [first]), ("cold", cold), ("warm", warm)):
        wall = statistics.median(run["wall_s"] for run in runs)
        lower = runs[0]["lower_bound_s"]
        figures[f"{label}_wall_s"] = round(wall, 4)
        figures[f"{label}_lower_bound_s"] = round(lower, 4)
        figures[f"{label}_vs_bound"] = round(wall / lower, 2) if lower else None
        figures[f"{label}_chain"] = {c: v["chain"] for c, v in runs[0]["chains"].items()}
        figures[f"{label}_requests"] = {c: v["requests"] for c, v in runs[0]["chains"].items()}
        figures[f"{label}_per_carrier"] = runs[-1]["per_carrier"]
    figures["warm_is_search_only"] = all(
        all("dids" in call or "did_groups" in call or "available_dids" in call for call in chain["calls"])
        for chain in warm[0]["chains"].values()
    )
    figures["target_vs_bound"] = 1.3
    figures["cold_within_target"] = figures["cold_vs_bound"] is not None and figures["cold_vs_bound"] <= 1.3
    if args.verbose:
        figures["cold_calls"] = {c: v["calls"] for c, v in cold[0]["chains"].items()}
        figures["warm_calls"] = {c: v["calls"] for c, v in warm[0]["chains"].items()}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05, help="seconds every emulator answer waits")
    parser.add_argument("--country", default="US")
    parser.add_argument("--city", default="Los Angeles")
    parser.add_argument("--limit", type=int, default=20, help="offers per carrier")
    parser.add_argument("--repeat", type=int, default=3, help="cold/warm pairs (the median counts)")
    parser.add_argument("--verbose", action="store_true", help="also list every request with its depth")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main_async(args))))


if __name__ == "__main__":
    main()
