"""Start-up benchmark (issue #8, target 4): wall time of ``python -c "import didkit"`` and of
``didkit --help``, against a bare ``python -c pass`` baseline in the same run (median of N runs),
plus which heavy modules ``import didkit`` pulls in (it should pull in none).

    python -m benchmarks.bench_startup
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

HEAVY = ("httpx", "jsonschema", "phonenumbers", "pycountry", "typer", "rich", "cattrs", "yaml")


def wall(argv: list[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    python = sys.executable
    baseline = wall([python, "-c", "pass"], args.runs)
    import_didkit = wall([python, "-c", "import didkit"], args.runs)
    help_ = wall([python, "-m", "didkit.cli", "--help"], args.runs)
    probe = (
        "import sys, didkit; print(','.join(m for m in "
        f"{HEAVY!r} if m in sys.modules))"
    )
    loaded = subprocess.run([python, "-c", probe], check=True, capture_output=True, text=True).stdout.strip()
    print(
        json.dumps(
            {
                "benchmark": "startup",
                "python_baseline_s": round(baseline, 3),
                "import_didkit_s": round(import_didkit, 3),
                "didkit_help_s": round(help_, 3),
                "import_didkit_over_baseline_s": round(import_didkit - baseline, 3),
                "didkit_help_over_baseline_s": round(help_ - baseline, 3),
                "import_didkit_vs_baseline": round(import_didkit / baseline, 2),
                "heavy_modules_on_import": loaded.split(",") if loaded else [],
            }
        )
    )


if __name__ == "__main__":
    main()
