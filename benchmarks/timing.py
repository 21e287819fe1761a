"""Timing helpers and the description of the machine a benchmark ran on.

Medians over repeated runs, in-process (a callable) or of a whole process
(a command line). No tariffsim imports here, so the start-up timings are not
disturbed by this module.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path


@dataclass(frozen=True)
class Timing:
    """Wall-clock times of repeated runs [s]."""

    seconds: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def runs(self) -> int:
        return len(self.seconds)


def time_rounds(
    calls: Mapping[str, Callable[[], object]],
    rounds: int,
    per_round: Mapping[str, int] | None = None,
) -> dict[str, Timing]:
    """Time several callables in turn, round after round, after one untimed call each.

    Interleaving spreads any change in the machine's load (other jobs,
    frequency scaling) evenly over the callables, so their ratios stay fair.
    ``per_round`` runs some callables several times a round (default 1).
    """
    for function in calls.values():
        function()
    seconds: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, function in calls.items():
            for _ in range((per_round or {}).get(name, 1)):
                start = time.perf_counter()
                function()
                seconds[name].append(time.perf_counter() - start)
    return {name: Timing(tuple(times)) for name, times in seconds.items()}


def command(
    argv: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None
) -> Callable[[], None]:
    """A callable running a command (output discarded) that must exit with 0."""

    def run() -> None:
        subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True)

    return run


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (Linux), else what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory_gib() -> float | None:
    """Installed memory [GiB] from /proc/meminfo (Linux); None elsewhere."""
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return None


def versions(packages: Sequence[str]) -> str:
    """``name version`` of each installed package, comma-separated."""
    found = []
    for name in packages:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def machine() -> list[str]:
    """Lines describing the machine and software a benchmark ran on."""
    memory = memory_gib()
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return [
        f"machine: {os.cpu_count()} cores, {cpu_model()}"
        + (f", {memory:.0f} GiB RAM" if memory else ""),
        f"software: Python {platform.python_version()} on {platform.system()}; "
        + versions(["numpy", "pandas", "pyarrow", "duckdb", "pint", "typer", "matplotlib"]),
        "load average at start (1, 5, 15 min): "
        + (", ".join(f"{x:.2f}" for x in load) if load else "unknown"),
    ]


def seconds(value: float) -> str:
    """A duration for people: '0.081 s', '12.3 ms'."""
    return f"{value * 1e3:.1f} ms" if value < 0.1 else f"{value:.3f} s"


def spread(timing: Timing) -> str:
    """Median and best of a timing, aligned: '  29.8 ms (best 18.0 ms)'."""
    return f"{seconds(timing.median):>9} (best {seconds(timing.best)})"


def goal(met: bool) -> str:
    return "met" if met else "NOT met"
