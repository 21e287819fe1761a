"""``python -m benchmarks``: run every section and print medians and ratios.

Run from the repository's root with the ``bench`` extra installed
(``python -m pip install -e ".[bench]"``). Sections can be picked with
``--only``; nothing is written into the repository.
"""

from __future__ import annotations

import argparse
import os
import sys

from benchmarks.timing import machine

SECTIONS = ("cli", "engine", "bandwidth", "loading", "memory", "charts", "results", "ledger")
"""cli: start-up and end-to-end runs (sections 1, 2); engine: 3; bandwidth: 4; loading: 5;
memory: 6; charts: 7; results: 8 (frames and CSV against the frames before); ledger: exposure
of 1, 10 and 30 M lines against DuckDB and polars (benchmarks/bench_ledger.py)."""


# numba's OpenMP threads spin for a while after each parallel call by default, taking the
# cores from whatever is timed next; they must sleep at once. Set before numba loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def load_now() -> str:
    """The load average before a section, so a reader sees which figures ran on a busy machine."""
    return "   (load average now: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()) + ")"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--only", choices=SECTIONS, action="append", help="run these sections")
    parser.add_argument("--tranches", type=int, default=100_000, help="synthetic tranches")
    parser.add_argument("--repeat", type=int, default=15, help="runs per timing (peers: a third)")
    parser.add_argument(
        "--ledger-rows",
        type=int,
        nargs="+",
        default=[1_000_000, 10_000_000, 30_000_000],
        help="ledger sizes of the ledger section [lines]",
    )
    parser.add_argument(
        "--ledger-repeat",
        type=int,
        default=2,
        help="runs per peer and size in the ledger section; the fastest counts",
    )
    args = parser.parse_args(argv)
    chosen = args.only or list(SECTIONS)
    repeat = max(args.repeat, 1)
    print("tariffsim benchmarks")
    print("\n".join(machine()))
    print()
    # Start-up is timed first, in fresh processes, before this one loads numpy and pandas.
    if "cli" in chosen:
        from benchmarks.startup import cli_timings

        print(load_now())
        print("\n".join(cli_timings(repeat)[0]), end="\n\n", flush=True)
    if "engine" in chosen or "bandwidth" in chosen:
        from benchmarks import throughput

        if "engine" in chosen:
            print(load_now())
            lines = throughput.engine_against_peers(args.tranches, repeat, max(3, repeat // 3))[0]
            print("\n".join(lines), end="\n\n", flush=True)
        if "bandwidth" in chosen:
            print(load_now())
            print("\n".join(throughput.bandwidth(args.tranches, repeat)[0]), end="\n\n", flush=True)
    if "loading" in chosen:
        from benchmarks.loading import loading

        print(load_now())
        print("\n".join(loading(max(3, repeat // 3))), end="\n\n", flush=True)
    if "memory" in chosen:
        from benchmarks.memory import memory

        print(load_now())
        print("\n".join(memory()), end="\n\n", flush=True)
    if "charts" in chosen:
        from benchmarks.charts import charts

        print(load_now())
        print("\n".join(charts(max(3, repeat // 3))), flush=True)
    if "results" in chosen:
        from benchmarks.results import results

        print(load_now())
        print("\n".join(results(max(3, repeat // 5))), end="\n\n", flush=True)
    if "ledger" in chosen:
        from benchmarks import bench_ledger

        print("\nLedger exposure, 3 scenarios (benchmarks/bench_ledger.py)", flush=True)
        print(load_now())
        peers, workers = bench_ledger.PEERS, [1, 2]
        print(
            "\n".join(bench_ledger.run(args.ledger_rows, 2019, peers, workers, args.ledger_repeat))
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
