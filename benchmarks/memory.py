"""Section 6: peak memory of a large behavioural run, as a whole process.

``tariffsim run`` (table output) on the 5,000-tranche scenario of section 5
(which extends the shipped ``base.yaml``, so its behavioural assumptions hold
for every tranche) with daily periods over base.yaml's horizon of 457 days:
static, behavioural and diverted rows, 3 × 5,004 × 457. The peak is the
child's largest resident set as Linux records it (``VmHWM``), interpreter and
libraries included. The run's memory budget is raised for it
(``TARIFFSIM_MEMORY_GB``): the budget's estimate counts the result frames a
CSV or JSON output would build, which a table does not.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.loading import write_large_scenario
from benchmarks.startup import bytecode_environment
from benchmarks.timing import goal

PEAK_LIMIT = 1e9
"""Goal (issue 19): the 5,000-tranche × 457-day behavioural run peaks at most this [bytes]."""


PROBE = """
import runpy, sys
sys.argv = ["tariffsim", *{argv!r}]
try:
    runpy.run_module("tariffsim", run_name="__main__", alter_sys=True)
finally:
    status = open("/proc/self/status", encoding="ascii").read()
    high = [line for line in status.splitlines() if line.startswith("VmHWM:")][0]
    print("peak-kB", high.split()[1], file=sys.stderr)
"""
"""Runs the command and reports its own peak resident set (VmHWM, Linux). The child's
``ru_maxrss`` would not do: a process started by vfork inherits the parent's peak."""


def peak_of(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time [s] and peak resident memory [bytes] of ``tariffsim ARGS`` run to its end."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=args)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - start
    kilobytes = int(done.stderr.rsplit("peak-kB", 1)[1].split()[0])
    return seconds, kilobytes * 1024.0


def memory(tranches: int = 5_000) -> list[str]:
    """Section 6: one run, its wall time and peak resident memory."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_large_scenario(Path(folder), tranches)
        env = bytecode_environment(Path(folder) / "bytecode") | {"TARIFFSIM_MEMORY_GB": "16"}
        seconds, peak = peak_of(["run", str(path), "--step", "day"], env)
    return [
        f"6. Memory: tariffsim run (table) of {tranches:,} tranches + base.yaml's, daily, "
        "behavioural, one process",
        f"   wall {seconds:.1f} s, peak resident memory {peak / 1e9:.2f} GB"
        f"   goal ≤ {PEAK_LIMIT / 1e9:.0f} GB: " + goal(peak <= PEAK_LIMIT),
    ]
