"""Section 6: peak memory of a large behavioural run, as a whole process.

The 5,000-tranche scenario of section 5 (which extends the shipped ``base.yaml``, so
its behavioural assumptions hold for every tranche) with daily periods over
base.yaml's horizon of 457 days: static, behavioural and diverted rows,
3 × 5,004 × 457 = 6.86 M rows. Three runs, each in its own process:
``tariffsim run`` with table output; the same writing the rows to CSV (``-o
out.csv``, rendered from the result's arrays in chunks); and the simulation in
Python with ``result.periods`` asked for (the frame the review measured at 9.9 s
and 3 GB). The peak is each child's largest resident set as Linux records it
(``VmHWM``), interpreter and libraries included. The run's memory budget is raised
for them (``TARIFFSIM_MEMORY_GB``): the frame probe builds the 6.86 M-row table, which
the default budget refuses.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.loading import write_large_scenario
from benchmarks.startup import ROOT, bytecode_environment
from benchmarks.timing import goal

PEAK_LIMIT = 1e9
"""Goal (issue 19): the 5,000-tranche × 457-day behavioural run peaks at most this [bytes]."""

PEAK_REPORT = """
status = open("/proc/self/status", encoding="ascii").read()
high = [line for line in status.splitlines() if line.startswith("VmHWM:")][0]
print("peak-kB", high.split()[1], file=sys.stderr)
"""

PROBE = """
import runpy, sys
sys.argv = ["tariffsim", *{argv!r}]
try:
    runpy.run_module("tariffsim", run_name="__main__", alter_sys=True)
finally:
""" + "\n".join("    " + line for line in PEAK_REPORT.strip().splitlines())
"""Runs the command and reports its own peak resident set (VmHWM, Linux). The child's
``ru_maxrss`` would not do: a process started by vfork inherits the parent's peak."""

FRAME_PROBE = (
    """
import sys, time
from tariffsim import load_scenario, simulate
result = simulate(load_scenario({path!r}), "day")
start = time.perf_counter()
frame = result.periods
print("frame-s", time.perf_counter() - start, "rows", len(frame), file=sys.stderr)
"""
    + PEAK_REPORT
)
"""Simulates in Python and builds ``result.periods``: the frame's own time, and the peak."""


def peak_of_code(code: str, env: dict[str, str]) -> tuple[float, float, str]:
    """Wall time [s], peak resident memory [bytes] and standard error of ``python -c CODE``."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - start
    kilobytes = int(done.stderr.rsplit("peak-kB", 1)[1].split()[0])
    return seconds, kilobytes * 1024.0, done.stderr


def peak_of(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time [s] and peak resident memory [bytes] of ``tariffsim ARGS`` run to its end."""
    seconds, peak, _ = peak_of_code(PROBE.format(argv=args), env)
    return seconds, peak


def memory(tranches: int = 5_000) -> list[str]:
    """Section 6: three runs, their wall time and peak resident memory."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_large_scenario(Path(folder), tranches)
        env = bytecode_environment(Path(folder) / "bytecode") | {"TARIFFSIM_MEMORY_GB": "16"}
        seconds, peak = peak_of(["run", str(path), "--step", "day"], env)
        csv = Path(folder) / "out.csv"
        csv_seconds, csv_peak = peak_of(["run", str(path), "--step", "day", "-o", str(csv)], env)
        csv_bytes = csv.stat().st_size
        frame_seconds, frame_peak, said = peak_of_code(FRAME_PROBE.format(path=str(path)), env)
    frame_only = float(said.split("frame-s", 1)[1].split()[0])
    rows = int(said.split("rows", 1)[1].split()[0])
    return [
        f"6. Memory: {tranches:,} tranches + base.yaml's, daily, behavioural ({rows:,} rows),"
        " one process each",
        f"   run (table)               wall {seconds:5.1f} s, peak resident memory"
        f" {peak / 1e9:.2f} GB   goal ≤ {PEAK_LIMIT / 1e9:.0f} GB: " + goal(peak <= PEAK_LIMIT),
        f"   run -o out.csv            wall {csv_seconds:5.1f} s, peak resident memory"
        f" {csv_peak / 1e9:.2f} GB   ({csv_bytes / 1e9:.2f} GB of CSV, written in chunks)",
        f"   simulate + result.periods wall {frame_seconds:5.1f} s, peak resident memory"
        f" {frame_peak / 1e9:.2f} GB   (the frame alone: {frame_only:.2f} s,"
        f" {frame_only / rows * 1e6:.2f} µs a row)",
    ]
