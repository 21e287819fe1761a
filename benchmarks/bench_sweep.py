"""Benchmark of the uncertainty sweep: 10,000 draws of the shipped outlook, monthly.

Measures, in one process: the time of one ``run`` of a branch scenario
(simulate only, the file already loaded), the time of the sweep's draws
(plan, random draws, engine on all draw × tranche rows), the time of its
statistics, the peak memory the sweep allocates (tracemalloc, which numpy
reports to), and the ratio of the draws to one run. Each time is the best
of several repeats, after one warm-up. Run from the repository root:

    python -m benchmarks.bench_sweep [--samples 10000]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tariffsim.model.simulation import simulate
from tariffsim.uncertainty.outlook import load_outlook
from tariffsim.uncertainty.stats import summarise
from tariffsim.uncertainty.sweep import sweep

OUTLOOK = Path(__file__).resolve().parent.parent / "scenarios" / "outlook.yaml"
REPEATS = 7


def best_of(function: Callable[[], Any], repeats: int = REPEATS) -> float:
    """Shortest wall time of ``repeats`` calls [s], after one warm-up call."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_memory(function: Callable[[], Any]) -> int:
    """Peak memory allocated during one call [bytes], by tracemalloc."""
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(samples: int = 10_000, seed: int = 1) -> dict[str, float]:
    """The benchmark's numbers: seconds, bytes, and the sweep-to-run ratio."""
    outlook = load_outlook(OUTLOOK)
    hold = outlook.scenarios["hold"]
    result = sweep(outlook, samples, seed)
    run_s = best_of(lambda: simulate(hold))
    draws_s = best_of(lambda: sweep(outlook, samples, seed))
    stats_s = best_of(lambda: summarise(result, "total", 150e9))
    return {
        "samples": samples,
        "periods": result.plan.grid.n_periods,
        "rows": samples * len(result.plan.tranche_ids),
        "run_s": run_s,
        "draws_s": draws_s,
        "stats_s": stats_s,
        "peak_bytes": peak_memory(lambda: sweep(outlook, samples, seed)),
        "ratio": draws_s / run_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10_000)
    args = parser.parse_args()
    m = measure(args.samples)
    print(f"sweep of {OUTLOOK.name}: {m['samples']:,} draws × {m['periods']} monthly periods")
    print(f"  engine rows (draws × tranches)  {m['rows']:>12,}")
    print(f"  one run (simulate, hold)        {m['run_s'] * 1e3:>9.2f} ms")
    print(f"  draws (plan, draw, engine)      {m['draws_s'] * 1e3:>9.2f} ms")
    print(f"  statistics (percentiles etc.)   {m['stats_s'] * 1e3:>9.2f} ms")
    print(f"  peak memory of the draws        {m['peak_bytes'] / 2**20:>9.1f} MiB")
    print(f"  draws ÷ one run                 {m['ratio']:>9.1f} ×")


if __name__ == "__main__":
    main()
