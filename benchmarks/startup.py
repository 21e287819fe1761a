"""Sections 1 and 2: start-up and end-to-end runs of the CLI, as whole processes.

Each command starts a fresh interpreter, ``python -m tariffsim ...`` from the
repository's root (so this checkout's code runs), against a bare
``python -c "import typer"``: the least any typer CLI can cost. Charts and the
CSV and JSON files of ``run -o`` go to a temporary folder, never into the repository.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from benchmarks.timing import Timing, command, goal, spread, time_rounds

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = "scenarios/escalate.yaml"

HELP_LIMIT = 0.25
"""Goal: ``tariffsim --help`` under this many seconds…"""
HELP_RATIO = 1.3
"""…and at most this many times a bare ``import typer``."""
RUN_LIMIT = 1.0
"""Goal: ``tariffsim run`` with table output under this many seconds…"""
RUN_RATIO = 1.3
"""…and (issue 19) at most this many times the import of the libraries it needs."""
LIBRARIES = "import numpy, pint, pydantic, yaml, typer"
"""What ``run`` with table output cannot avoid importing: its floor."""


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


def cli_timings(repeat: int) -> tuple[list[str], dict[str, Timing]]:
    """Sections 1 and 2: every command timed in turn, ``repeat`` rounds."""
    with tempfile.TemporaryDirectory() as folder:
        env = bytecode_environment(Path(folder) / "bytecode")
        chart = str(Path(folder) / "chart.png")
        argv = {
            "typer": [sys.executable, "-c", "import typer"],
            "libraries": [sys.executable, "-c", LIBRARIES],
            "help": tariffsim("--help"),
            "validate": tariffsim("validate", SCENARIO),
            "run": tariffsim("run", SCENARIO),
            "run_plot": tariffsim("run", SCENARIO, "--plot", chart),
            "run_csv": tariffsim("run", SCENARIO, "-o", str(Path(folder) / "x.csv")),
            "run_json": tariffsim("run", SCENARIO, "-o", str(Path(folder) / "x.json")),
        }
        timings = time_rounds({k: command(v, ROOT, env) for k, v in argv.items()}, repeat)
    typer, help_, run = (timings[k].median for k in ("typer", "help", "run"))
    floor = timings["libraries"].median
    lines = [
        f"1. Start-up: fresh processes, in turn, median of {repeat}",
        f"   python -c 'import typer'                    {spread(timings['typer'])}",
        f"   tariffsim --help                            {spread(timings['help'])}"
        f"   {help_ / typer:.2f}× typer; goal < {HELP_LIMIT} s and ≤ {HELP_RATIO}×: "
        + goal(help_ < HELP_LIMIT and help_ <= HELP_RATIO * typer),
        f"   tariffsim validate {SCENARIO}  {spread(timings['validate'])}"
        f"   {timings['validate'].median / typer:.2f}× typer",
        "",
        "2. tariffsim run, end to end: the same rounds",
        f"   python -c '{LIBRARIES}'  {spread(timings['libraries'])}",
        f"   run {SCENARIO} (table)          {spread(timings['run'])}"
        f"   {run / floor:.2f}× the libraries; goal < {RUN_LIMIT} s and ≤ {RUN_RATIO}×: "
        + goal(run < RUN_LIMIT and run <= RUN_RATIO * floor),
        f"   run {SCENARIO} --plot chart.png {spread(timings['run_plot'])}",
        f"   run {SCENARIO} -o x.csv         {spread(timings['run_csv'])}"
        f"   {timings['run_csv'].median / floor:.2f}× the libraries (no pandas on this path)",
        f"   run {SCENARIO} -o x.json        {spread(timings['run_json'])}"
        f"   {timings['run_json'].median / floor:.2f}× the libraries",
    ]
    return lines, timings
