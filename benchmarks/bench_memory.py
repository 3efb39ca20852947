"""Memory benchmark (issue #8, target 2): peak RSS growth while iterating N owned numbers
(default 100,000) through didkit from the loopback page server. Pages must not accumulate: the
growth stays flat as N grows. Prints one JSON line (also the growth for N/10, for the ratio).

    python -m benchmarks.bench_memory --carrier wavix
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from typing import Any

from benchmarks.bench_listing import page_server


def child(carrier: str, base: str, count: int) -> dict[str, Any]:
    code = f"""
import resource, didkit, json
root = {base!r} if {carrier!r} == "wavix" else {base!r} + "/v3"
extra = {{"api_version": "2026-04-16"}} if {carrier!r} == "didww" else {{}}  # the pages served are 2026-04-16's
p = didkit.connect({carrier!r}, api_key="bench", base_url=root, rate_limit=False, **extra)
it = p.list_numbers()
first = next(it)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
n = 1 + sum(1 for _ in it)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seen": n, "growth_kb": after - before}}))
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(out)
    if result["seen"] != count:
        raise SystemExit(f"listed {result['seen']}, expected {count}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--carrier", choices=["wavix", "didww"], default="wavix")
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()
    figures: dict[str, Any] = {"benchmark": "memory", "carrier": args.carrier, "count": args.count}
    for count, key in ((args.count // 10, "small"), (args.count, "full")):
        with page_server(args.carrier, count) as base:
            result = child(args.carrier, base, count)
        figures[f"{key}_count"] = count
        figures[f"{key}_peak_rss_growth_mb"] = round(result["growth_kb"] / 1024, 1)
    figures["target_mb"] = 50
    figures["within_target"] = figures["full_peak_rss_growth_mb"] < 50
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
