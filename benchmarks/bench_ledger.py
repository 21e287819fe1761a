"""Benchmark: ledger exposure of N lines × 3 scenarios, tariffsim against DuckDB SQL.

Run from the repository's root (needs the ``bench`` extra, i.e. duckdb):

    python -m benchmarks.bench_ledger                 # 10 million lines
    python -m benchmarks.bench_ledger --rows 1000000  # a quicker run

It writes a synthetic ledger (``tariffsim synth-ledger``) to a temporary
folder, then runs each peer in its own subprocess, so each one's peak
resident memory (``ru_maxrss``) is its own; wall time is measured around the
whole subprocess (interpreter start and imports included) and around the
computation alone. The peers' summary tables are checked equal before the
ratios are printed. Scenarios: the shipped hold, escalate and ceasefire paths
with the illustrative Section 301 membership file of ``docs/examples``.
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

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = [ROOT / "scenarios" / f"{name}.yaml" for name in ("hold", "escalate", "ceasefire")]
MEMBERSHIPS = ROOT / "docs" / "examples" / "section301-illustrative.csv"
COMPARED = ["lines", "imports_usd", "base_duty_usd", "additional_duty_usd"]


def worker(peer: str, ledger: str, out: str) -> None:
    """Compute the summary with one peer, write it to ``out``, print time and peak RSS."""
    from tariffsim.ledger.coverage import load_measures

    started = time.perf_counter()
    measures = [load_measures(s, memberships=MEMBERSHIPS) for s in SCENARIOS]
    if peer == "tariffsim":
        from tariffsim.ledger.pricing import price_ledger
        from tariffsim.ledger.reader import LedgerReader

        reader = LedgerReader(ledger)
        summary = price_ledger(measures, reader, group_names=reader.group_names).summary
    else:
        from benchmarks.ledger_duckdb import duckdb_exposure, scenario_tables
        from tariffsim.ledger.coverage import read_memberships

        lists = read_memberships(MEMBERSHIPS, list(measures[0].scenario.tranches))
        summary = duckdb_exposure(ledger, scenario_tables(measures, lists))
    seconds = time.perf_counter() - started
    summary[["scenario", "table", "key", *COMPARED]].to_parquet(out)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    report = {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
    }
    print(json.dumps(report))


def run_peer(peer: str, ledger: Path, out: Path) -> dict[str, float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_ledger", "--worker", peer, str(ledger), str(out)],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"the {peer} peer failed:\n{done.stderr}")
    report: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    report["wall_seconds"] = time.perf_counter() - started
    return report


def check_equal(ours: pd.DataFrame, theirs: pd.DataFrame) -> int:
    """Compare the peers' measure, period, SKU and uncovered tables; the rows compared."""
    keys = ["scenario", "table", "key"]
    tables = ["measure", "period", "sku", "uncovered"]
    ours = ours[ours["table"].isin(tables)].set_index(keys).sort_index()
    theirs = theirs.set_index(keys).sort_index()
    # DuckDB has no row for a measure that covers no line, nor a period for a scenario with none.
    ours = ours[(ours["lines"] > 0) | ours.index.get_level_values("table").isin(["uncovered"])]
    assert ours.index.equals(theirs.index), "the peers' tables have different rows"
    for column in COMPARED:
        np.testing.assert_allclose(
            ours[column].to_numpy(float), theirs[column].to_numpy(float), rtol=1e-9, atol=1e-6
        )
    return len(ours)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--repeat", type=int, default=1, help="runs per peer; the fastest counts")
    parser.add_argument("--worker", nargs=3, metavar=("PEER", "LEDGER", "OUT"))
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    from tariffsim.ledger.synth import synthetic_batches, write_ledger

    with tempfile.TemporaryDirectory() as folder:
        ledger = Path(folder) / "ledger.parquet"
        started = time.perf_counter()
        write_ledger(ledger, synthetic_batches(args.rows, args.seed))
        print(f"synthetic ledger: {args.rows:,} lines, {ledger.stat().st_size / 1e6:.0f} MB, "
              f"written in {time.perf_counter() - started:.1f} s")  # fmt: skip
        results = {}
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        for peer in ("tariffsim", "duckdb"):
            runs = [
                run_peer(peer, ledger, Path(folder) / f"{peer}.parquet") for _ in range(args.repeat)
            ]
            results[peer] = r = min(runs, key=lambda run: run["seconds"])
            print(
                f"{peer:>9}: {r['seconds']:6.2f} s computing, {r['wall_seconds']:6.2f} s "
                f"wall, {r['cpu_seconds']:6.2f} s CPU, peak RSS {r['peak_rss_mb']:5.0f} MB"
            )
        rows = check_equal(
            pd.read_parquet(Path(folder) / "tariffsim.parquet"),
            pd.read_parquet(Path(folder) / "duckdb.parquet"),
        )
    ours, theirs = results["tariffsim"], results["duckdb"]
    print(f"results equal on {rows:,} summary rows (rtol 1e-9)")
    print(f"ratios DuckDB / tariffsim: time {theirs['seconds'] / ours['seconds']:.2f}× "
          f"(wall {theirs['wall_seconds'] / ours['wall_seconds']:.2f}×, "
          f"CPU {theirs['cpu_seconds'] / ours['cpu_seconds']:.2f}×), "
          f"peak memory {theirs['peak_rss_mb'] / ours['peak_rss_mb']:.2f}×")  # fmt: skip


if __name__ == "__main__":
    main()
