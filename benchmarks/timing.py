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


def time_call(function: Callable[[], object], repeat: int, warmup: int = 1) -> Timing:
    """Time ``repeat`` calls of ``function`` after ``warmup`` untimed ones."""
    for _ in range(warmup):
        function()
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - start)
    return Timing(tuple(seconds))


def time_command(
    argv: Sequence[str],
    repeat: int,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    warmup: int = 1,
) -> Timing:
    """Time ``repeat`` runs of a command (output discarded); it must exit with 0."""

    def once() -> None:
        subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True)

    return time_call(once, repeat, warmup)


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


def goal(met: bool) -> str:
    return "met" if met else "NOT met"
