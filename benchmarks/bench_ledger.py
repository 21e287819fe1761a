"""Benchmark: ledger exposure of N lines × 3 scenarios, tariffsim against expert peers.

Run from the repository's root (needs the ``bench`` extra: duckdb and polars):

    python -m benchmarks.bench_ledger                          # 1, 10 and 30 million lines
    python -m benchmarks.bench_ledger --rows 1000000           # a quicker run
    python -m benchmarks.bench_ledger --peers tariffsim duckdb-expert --workers 1 2

For each size it writes a synthetic ledger (``tariffsim synth-ledger``) to a
temporary folder, then runs each peer in its own subprocess: tariffsim with each
``--workers`` count; the expert DuckDB query and the polars lazy query of
:mod:`benchmarks.ledger_expert` (aggregate the lines to cells first, stack on
the small table); and, with ``--peers duckdb``, the older per-line DuckDB query of
:mod:`benchmarks.ledger_duckdb`. Time is the computation alone (imports and
interpreter start excluded); peak memory is the largest resident set of the
peer's whole process tree (workers included), sampled every 10 ms from /proc.
Every peer's summary tables are checked equal to tariffsim's before the ratios
to the fastest peer are printed; nothing is asserted. Scenarios: the shipped
hold, escalate and ceasefire paths with the illustrative Section 301 membership
file of ``docs/examples``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = [ROOT / "scenarios" / f"{name}.yaml" for name in ("hold", "escalate", "ceasefire")]
MEMBERSHIPS = ROOT / "docs" / "examples" / "section301-illustrative.csv"
COMPARED = ["lines", "imports_usd", "base_duty_usd", "additional_duty_usd"]
PEERS = ["tariffsim", "duckdb-expert", "polars-expert"]


def worker(peer: str, ledger: str, out: str) -> None:
    """Compute the summary with one peer, write it to ``out``, print time and peak RSS.

    Every module the peer uses is imported before the clock starts; the clock then
    covers reading the scenarios, the ledger and computing the summary tables.
    """
    import pyarrow.parquet  # noqa: F401 (tariffsim imports it on first use)

    from benchmarks.ledger_duckdb import duckdb_exposure, scenario_tables
    from benchmarks.ledger_expert import duckdb_expert, polars_expert
    from tariffsim.ledger.coverage import load_measures, read_memberships
    from tariffsim.ledger.parallel import plan_parts, price_in_parallel, start_workers
    from tariffsim.ledger.pricing import price_ledger
    from tariffsim.ledger.reader import LedgerReader
    from tariffsim.scenario.units import registry

    registry()  # pint is imported on first use of a unit: every peer reads the scenarios
    if peer.startswith("duckdb"):
        import duckdb  # noqa: F401 (imports are not timed)
    if peer == "polars-expert":
        import polars  # noqa: F401
    started = time.perf_counter()
    if peer.startswith("tariffsim"):
        workers = int(peer.split("-")[1]) if "-" in peer else 1
        if workers > 1:  # as `exposure` does: the workers start while the scenarios load
            start_workers()
        measures = [load_measures(s, memberships=MEMBERSHIPS) for s in SCENARIOS]
        if workers > 1:
            summary = price_in_parallel(measures, plan_parts(ledger, workers)).summary
        else:
            reader = LedgerReader(ledger)
            summary = price_ledger(measures, reader, group_names=reader.group_names).summary
    else:
        measures = [load_measures(s, memberships=MEMBERSHIPS) for s in SCENARIOS]
        lists = read_memberships(MEMBERSHIPS, list(measures[0].scenario.tranches))
        compute = {
            "duckdb": duckdb_exposure,
            "duckdb-expert": duckdb_expert,
            "polars-expert": polars_expert,
        }[peer]
        summary = compute(ledger, scenario_tables(measures, lists))
    seconds = time.perf_counter() - started
    summary[["scenario", "table", "key", *COMPARED]].to_parquet(out)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # tariffsim's worker processes
    report = {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
    }
    print(json.dumps(report))


def tariffsim_summary(measures: list[Any], ledger: str, workers: int) -> pd.DataFrame:
    """tariffsim's summary with ``workers`` processes, as ``exposure --workers`` runs it."""
    from tariffsim.ledger.parallel import plan_parts, price_in_parallel
    from tariffsim.ledger.pricing import price_ledger
    from tariffsim.ledger.reader import LedgerReader

    if workers > 1:
        return price_in_parallel(measures, plan_parts(ledger, workers)).summary
    reader = LedgerReader(ledger)
    return price_ledger(measures, reader, group_names=reader.group_names).summary


def tree_memory_mb(pid: int) -> float:
    """Memory of a process and all its descendants [MB]: the sum of their proportional set
    sizes (PSS, from /proc/PID/smaps_rollup, Linux), so pages that worker processes share
    with the process they were forked from count once, not once per process."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total / 1024


def run_peer(peer: str, ledger: Path, out: Path) -> dict[str, float]:
    started = time.perf_counter()
    argv = [sys.executable, "-m", "benchmarks.bench_ledger", "--worker", peer]
    argv += [str(ledger), str(out)]
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, tree_memory_mb(process.pid))
        time.sleep(0.01)
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"the {peer} peer failed:\n{stderr.decode()}")
    report: dict[str, float] = json.loads(stdout.decode().strip().splitlines()[-1])
    report["wall_seconds"] = time.perf_counter() - started
    report["tree_peak_mb"] = peak or report["peak_rss_mb"]  # a run too short to be sampled
    return report


def check_equal(ours: pd.DataFrame, theirs: pd.DataFrame) -> int:
    """Compare the peers' measure, period, SKU and uncovered tables; the rows compared."""
    keys = ["scenario", "table", "key"]
    tables = ["measure", "period", "sku", "uncovered"]

    def rows(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame[frame["table"].isin(tables)].set_index(keys).sort_index()
        # The SQL peers have no row for a measure that covers no line.
        uncovered = frame.index.get_level_values("table") == "uncovered"
        return frame[(frame["lines"] > 0) | uncovered]

    ours, theirs = rows(ours), rows(theirs)
    assert ours.index.equals(theirs.index), "the peers' tables have different rows"
    for column in COMPARED:
        np.testing.assert_allclose(
            ours[column].to_numpy(float), theirs[column].to_numpy(float), rtol=1e-9, atol=1e-6
        )
    return len(ours)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000, 30_000_000])
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--repeat", type=int, default=1, help="runs per peer; the fastest counts")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--peers", nargs="+", default=PEERS)
    parser.add_argument("--worker", nargs=3, metavar=("PEER", "LEDGER", "OUT"))
    args = parser.parse_args(argv)
    if args.worker:
        worker(*args.worker)
        return
    print("\n".join(run(args.rows, args.seed, args.peers, args.workers, args.repeat)))


def run(
    sizes: list[int], seed: int, chosen: list[str], workers: list[int], repeat: int = 1
) -> list[str]:
    """Every size in turn, printed as it goes; returns the closing table's lines."""
    print(
        f"machine: {os.cpu_count()} CPUs; load average {_load()} at start "
        "(1, 5, 15 min; other jobs on the machine slow every peer)",
        flush=True,
    )
    peers = [p for p in chosen if p != "tariffsim"]
    if "tariffsim" in chosen:
        peers = [f"tariffsim-{w}" for w in workers] + peers
    rows = [bench_size(n, seed, peers, repeat) for n in sizes]
    return _table(peers, sizes, rows)


def _load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def _table(
    peers: list[str], sizes: list[int], results: list[dict[str, dict[str, float]]]
) -> list[str]:
    """The scaling table: time and peak memory per peer and size, tariffsim's ratios."""
    names = {
        "duckdb-expert": "DuckDB expert",
        "polars-expert": "polars lazy",
        "duckdb": "DuckDB per line",
    }
    header = (
        ["lines"]
        + [
            f"tariffsim --workers {p.split('-')[1]}" if p.startswith("tariffsim") else names[p]
            for p in peers
        ]
        + ["strongest peer's time ÷ tariffsim's"]
    )
    lines = ["", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for n, result in zip(sizes, results, strict=True):
        cells = [f"{n / 1e6:g} M"] + [
            f"{result[p]['seconds']:.2f} s, {result[p]['tree_peak_mb']:.0f} MB" for p in peers
        ]
        mine = [p for p in peers if p.startswith("tariffsim")]
        others = [p for p in peers if p not in mine]
        if mine and others:
            strongest = min(others, key=lambda p: result[p]["seconds"])
            ratios = ", ".join(
                f"{result[strongest]['seconds'] / result[p]['seconds']:.2f}× "
                f"(--workers {p.split('-')[1]})"
                for p in mine
            )
            cells.append(f"{names[strongest]}: {ratios}")
        else:
            cells.append("")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def bench_size(rows: int, seed: int, peers: list[str], repeat: int) -> dict[str, dict[str, float]]:
    """One ledger size: every peer timed, results checked equal, ratios printed."""
    from tariffsim.ledger.synth import synthetic_batches, write_ledger

    with tempfile.TemporaryDirectory() as folder:
        ledger = Path(folder) / "ledger.parquet"
        started = time.perf_counter()
        write_ledger(ledger, synthetic_batches(rows, seed))
        print(f"\n{rows:,} lines × 3 scenarios ({ledger.stat().st_size / 1e6:.0f} MB of Parquet, "
              f"written in {time.perf_counter() - started:.1f} s); load average {_load()}",
              flush=True)  # fmt: skip
        results = {}
        for peer in peers:
            runs = [run_peer(peer, ledger, Path(folder) / f"{peer}.parquet") for _ in range(repeat)]
            results[peer] = r = min(runs, key=lambda run: run["seconds"])
            print(
                f"  {peer:>15}: {r['seconds']:6.2f} s computing, {r['cpu_seconds']:6.2f} s CPU, "
                f"peak memory {r['tree_peak_mb']:5.0f} MB (main process's RSS "
                f"{r['peak_rss_mb']:.0f} MB; load {_load()})",
                flush=True,
            )
        ours = pd.read_parquet(Path(folder) / f"{peers[0]}.parquet")
        for peer in peers[1:]:
            compared = check_equal(ours, pd.read_parquet(Path(folder) / f"{peer}.parquet"))
        if len(peers) > 1:
            print(f"  results equal on {compared:,} summary rows (rtol 1e-9) for every peer")
    mine = [p for p in peers if p.startswith("tariffsim")]
    others = [p for p in peers if p not in mine]
    if mine and others:
        best = min(mine, key=lambda p: results[p]["seconds"])
        for peer in sorted(others, key=lambda p: results[p]["seconds"]):
            theirs, ours_best = results[peer], results[best]
            time_ratio = theirs["seconds"] / ours_best["seconds"]
            memory_ratio = theirs["tree_peak_mb"] / ours_best["tree_peak_mb"]
            print(f"  {peer} ÷ {best}: time {time_ratio:.2f}×, peak memory {memory_ratio:.2f}×")
    return results


if __name__ == "__main__":
    main()
