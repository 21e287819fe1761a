"""Section 6: peak memory of a large behavioural run, as a whole process.

``tariffsim run`` (table output) on the 5,000-tranche scenario of section 5
(which extends the shipped ``base.yaml``, so its behavioural assumptions hold
for every tranche) with daily periods over base.yaml's horizon of 457 days:
static, behavioural and diverted rows, 3 × 5,004 × 457. The peak is the
child's largest resident set (``ru_maxrss`` from ``os.wait4``), interpreter and
libraries included. The run's memory budget is raised for it
(``TARIFFSIM_MEMORY_GB``): the budget's estimate counts the result frames a
CSV or JSON output would build, which a table does not.
"""

from __future__ import annotations

import os
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


def peak_of(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time [s] and peak resident memory [bytes] of a command run to its end."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(child.stderr.read().decode() if child.stderr else "failed")
    return seconds, usage.ru_maxrss * 1024.0  # kB on Linux


def memory(tranches: int = 5_000) -> list[str]:
    """Section 6: one run, its wall time and peak resident memory."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_large_scenario(Path(folder), tranches)
        env = bytecode_environment(Path(folder) / "bytecode") | {"TARIFFSIM_MEMORY_GB": "16"}
        argv = [sys.executable, "-m", "tariffsim", "run", str(path), "--step", "day"]
        seconds, peak = peak_of(argv, env)
    return [
        f"6. Memory: tariffsim run (table) of {tranches:,} tranches + base.yaml's, daily, "
        "behavioural, one process",
        f"   wall {seconds:.1f} s, peak resident memory {peak / 1e9:.2f} GB"
        f"   goal ≤ {PEAK_LIMIT / 1e9:.0f} GB: " + goal(peak <= PEAK_LIMIT),
    ]
