"""Sections 1 and 2: start-up and end-to-end runs of the CLI, as whole processes.

Each command starts a fresh interpreter, ``python -m tariffsim ...`` from the
repository's root (so this checkout's code runs), against a bare
``python -c "import typer"``: the least any typer CLI can cost. Charts go to
a temporary folder, never into the repository.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from benchmarks.timing import Timing, goal, seconds, time_command

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = "scenarios/escalate.yaml"

HELP_LIMIT = 0.25
"""Goal: ``tariffsim --help`` under this many seconds…"""
HELP_RATIO = 1.3
"""…and at most this many times a bare ``import typer``."""
RUN_LIMIT = 1.0
"""Goal: ``tariffsim run`` with table output under this many seconds."""


def tariffsim(*args: str) -> list[str]:
    return [sys.executable, "-m", "tariffsim", *args]


def bytecode_environment(cache: Path) -> dict[str, str]:
    """This environment, with bytecode cached in ``cache`` as an installed package has it.

    ``pip install`` compiles every module to bytecode; a checkout run with
    ``PYTHONDONTWRITEBYTECODE`` set would compile tariffsim's modules afresh
    on every start. The cache goes to a temporary folder, not the repository;
    the untimed warm-up run of each command fills it.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def startup(repeat: int) -> tuple[list[str], dict[str, Timing]]:
    """Time start-up: bare typer import, ``--help``, ``validate``."""
    with tempfile.TemporaryDirectory() as cache:
        env = bytecode_environment(Path(cache))
        timings = {
            "typer": time_command([sys.executable, "-c", "import typer"], repeat, ROOT, env),
            "help": time_command(tariffsim("--help"), repeat, ROOT, env),
            "validate": time_command(tariffsim("validate", SCENARIO), repeat, ROOT, env),
        }
    typer = timings["typer"].median
    help_ = timings["help"].median
    lines = [
        f"1. Start-up: fresh processes, median of {repeat}",
        f"   python -c 'import typer'                   {seconds(typer):>10}",
        f"   tariffsim --help                           {seconds(help_):>10}   "
        f"{help_ / typer:.2f}× typer; goal < {HELP_LIMIT} s and ≤ {HELP_RATIO}×: "
        + goal(help_ < HELP_LIMIT and help_ <= HELP_RATIO * typer),
        f"   tariffsim validate {SCENARIO} {seconds(timings['validate'].median):>10}   "
        f"{timings['validate'].median / typer:.2f}× typer",
    ]
    return lines, timings


def end_to_end(repeat: int) -> tuple[list[str], dict[str, Timing]]:
    """Time ``tariffsim run`` with the table only, and with a chart."""
    with tempfile.TemporaryDirectory() as folder:
        env = bytecode_environment(Path(folder) / "bytecode")
        chart = str(Path(folder) / "chart.png")
        timings = {
            "run": time_command(tariffsim("run", SCENARIO), repeat, ROOT, env),
            "run_plot": time_command(
                tariffsim("run", SCENARIO, "--plot", chart), repeat, ROOT, env
            ),
        }
    run = timings["run"].median
    lines = [
        f"2. tariffsim run, end to end: fresh processes, median of {repeat}",
        f"   run {SCENARIO} (table)           {seconds(run):>10}   "
        f"goal < {RUN_LIMIT} s: " + goal(run < RUN_LIMIT),
        f"   run {SCENARIO} --plot chart.png  {seconds(timings['run_plot'].median):>10}",
    ]
    return lines, timings
