"""Randomised crash schedules against the procurement ledger (issue #14): processes are killed
at random points of a purchase, or race on one reference, and new processes retry; the
emulators' own books must show at most one purchase per reference (no *double* purchase), and
a purchase that happened must be what the retry returns (no *lost* purchase).

    python -m benchmarks.bench_ledger_crashes --schedules 500 [--postgres DSN]

Prints one JSON line: schedules, doubles, lost, outcomes by kind, elapsed. ``--postgres``
(default ``$DIDKIT_TEST_POSTGRES_DSN``) adds PostgreSQL to SQLite as a backend to draw from.
"""

from __future__ import annotations

import argparse
import collections
import json
import logging
import multiprocessing
import os
import random
import signal
import tempfile
import threading
import time
import uuid
from importlib.metadata import entry_points
from typing import Any

import didkit
from didkit import SearchQuery
from didkit.sandbox import add_recorder, remove_recorder

QUERY = SearchQuery(country="US", city="Los Angeles", limit=3)
PURCHASE_ROUTE = {"wavix": "POST /v1/buy/cart/checkout", "didww": "POST /orders"}
KILLS = ("none", "before the request", "after the commit", "after the reply", "race")
FORK = multiprocessing.get_context("fork")


def _child(spec: str, options: dict[str, Any], carrier: str, url: str, reference: str, kill: str, out: Any) -> None:
    ledger = didkit.open_ledger(spec, **options)
    if kill == "before the request":
        record_intent = ledger.record_intent

        def intent_then_die(*args: Any, **kwargs: Any) -> Any:
            record_intent(*args, **kwargs)
            os.kill(os.getpid(), signal.SIGKILL)

        ledger.record_intent = intent_then_die  # type: ignore[method-assign]
    elif kill == "after the reply":
        record_outcome = ledger.record_outcome

        def die_before_bought(*args: Any, **kwargs: Any) -> Any:
            if args[2] == "bought":
                os.kill(os.getpid(), signal.SIGKILL)
            return record_outcome(*args, **kwargs)

        ledger.record_outcome = die_before_bought  # type: ignore[method-assign]
    provider = didkit.connect(carrier, api_key="bench-key", base_url=url, timeout=5)
    try:
        result = didkit.procure(QUERY, [provider], reference=reference, ledger=ledger, wait=5, settle_window=0)
        out.put((reference, "ok", [did.number for did in result.order.numbers]))
    except didkit.AmbiguousPurchaseError as error:
        out.put((reference, "ambiguous", str(error)))
    except Exception as error:
        out.put((reference, type(error).__name__, str(error)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schedules", type=int, default=500)
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--postgres", default=os.environ.get("DIDKIT_TEST_POSTGRES_DSN", ""))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    logging.getLogger("didkit").setLevel(logging.ERROR)  # take-overs are the point here, not news

    found = {ep.name: ep for ep in entry_points(group="didkit.emulators")}
    emulators = {
        "wavix": found["wavix"].load()(seed=0, rate_limit=None),
        "didww": found["didww"].load()(seed=0, rate_limit=None, order_pending_polls=0),
    }
    servers = {name: emulator.serve(port=0) for name, emulator in emulators.items()}
    urls = {"wavix": servers["wavix"].url, "didww": servers["didww"].url + "/v3"}
    folder = tempfile.mkdtemp(prefix="didkit-crashes-")
    backends: list[tuple[str, dict[str, Any]]] = [(os.path.join(folder, "ledger.sqlite3"), {"poll": 0.05})]
    if args.postgres:
        backends.append((args.postgres, {"poll": 0.05, "table": f"bench_{uuid.uuid4().hex[:12]}"}))

    committed = threading.Event()
    watched: dict[str, Any] = {}

    def on_purchase(emulator: Any, request: Any, key: str | None, response: Any) -> None:
        if emulator is watched.get("emulator") and key == watched.get("route"):
            committed.set()

    add_recorder(on_purchase)
    doubles: list[str] = []
    lost: list[str] = []
    outcomes: collections.Counter[str] = collections.Counter()
    started = time.perf_counter()
    try:
        for run in range(args.schedules):
            if run % 20 == 0:
                for emulator in emulators.values():
                    emulator.reset()
            carrier = rng.choice(("wavix", "didww"))
            spec, options = rng.choice(backends)
            kill = rng.choice(KILLS)
            emulator, url = emulators[carrier], urls[carrier]
            reference = f"schedule-{run}-{uuid.uuid4().hex[:6]}"
            before = len(emulator.purchased_numbers())
            out = FORK.SimpleQueue()
            results: list[tuple[str, str, Any]] = []

            job = (spec, options, carrier, url, reference)

            def start(crash: str, job: tuple[Any, ...] = job, out: Any = out) -> Any:
                process = FORK.Process(target=_child, args=(*job, crash, out))
                process.start()
                return process

            if kill == "after the commit":
                watched.update(emulator=emulator, route=PURCHASE_ROUTE[carrier])
                committed.clear()
                emulator.faults.inject(PURCHASE_ROUTE[carrier], commit_then_drop=True, latency=10)
                first = start("none")
                if committed.wait(20):
                    os.kill(first.pid, signal.SIGKILL)
                first.join(30)
                watched.clear()
                emulator.faults.clear()
            elif kill == "race":
                racers = [start("none") for _ in range(rng.randint(2, 4))]
                for racer in racers:
                    racer.join(30)
                    if racer.exitcode == 0:
                        results.append(out.get())
            else:
                first = start(kill)
                first.join(30)
                if first.exitcode == 0:
                    results.append(out.get())
            retry = start("none")
            retry.join(30)
            final = out.get()
            results.append(final)

            bought = emulator.purchased_numbers()[before:]
            label = f"run {run} {carrier} {kill}: {results} books={bought}"
            if len(bought) > 1:
                doubles.append(label)
            returned = {tuple(numbers) for _, status, numbers in results if status == "ok"}
            if bought and (final[1] != "ok" or returned != {tuple(bought)}):
                lost.append(label)
            outcomes[f"{kill}: {final[1]}"] += 1
    finally:
        remove_recorder(on_purchase)
        for server in servers.values():
            server.close()
    print(
        json.dumps(
            {
                "benchmark": "ledger_crashes",
                "schedules": args.schedules,
                "backends": [spec.split("://")[0] if "://" in spec else "sqlite" for spec, _ in backends],
                "doubles": len(doubles),
                "lost": len(lost),
                "outcomes": dict(sorted(outcomes.items())),
                "elapsed_s": round(time.perf_counter() - started, 1),
                "examples": (doubles + lost)[:5],
            }
        )
    )


if __name__ == "__main__":
    main()
