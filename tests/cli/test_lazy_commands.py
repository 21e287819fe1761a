"""``main`` loads only the asked command's module; the map it reads names every command."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tariffsim import cli
from tests.conftest import ROOT
from tests.test_cli_startup import modules_after

PROBE = """
import json, sys
sys.argv = ["tariffsim", *{argv!r}]
from tariffsim.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.startswith("tariffsim.cli."))))
"""


def cli_modules(argv: list[str]) -> set[str]:
    return {m.rsplit(".", 1)[1] for m in modules_after(PROBE.format(argv=argv))}


def test_the_map_names_every_command_and_its_module() -> None:
    app = cli.app  # every module loaded
    registered = {
        c.name or c.callback.__name__: c.callback.__module__ for c in app.registered_commands
    }  # type: ignore[union-attr]
    registered |= {g.name: "tariffsim.cli.official" for g in app.registered_groups}
    expected = {name: f"tariffsim.cli.{module}" for name, module in cli.COMMAND_MODULES.items()}
    assert registered == expected


def test_run_loads_its_own_module_only() -> None:
    loaded = cli_modules(["run", str(ROOT / "scenarios" / "hold.yaml")])
    assert loaded == {"shell", "scenarios"}


@pytest.mark.parametrize("argv", [["--help"], ["no-such-command"]])
def test_help_and_unknown_words_load_every_module(argv: list[str]) -> None:
    assert set(cli._ORDER) <= cli_modules(argv)


def test_a_lone_command_still_runs_by_name() -> None:
    # comparing registers one command; with scenarios beside it the app stays a group.
    done = subprocess.run(
        [sys.executable, "-m", "tariffsim", "compare", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith("Usage: python -m tariffsim compare [OPTIONS] FILE...")


FULL_HELP = """
import sys
sys.argv = ["tariffsim", *{argv!r}]
from tariffsim.cli import app  # typer builds every command and option
app()
"""


@pytest.mark.parametrize("argv", [[], ["--help"]])
def test_the_top_level_help_is_typers_text_without_building_every_option(
    argv: list[str],
) -> None:
    """``tariffsim`` and ``tariffsim --help`` print, through the real entry point, the same
    stdout, stderr and exit code as typer's fully built app (exit 2 for a bare call)."""
    fast = subprocess.run(
        [sys.executable, "-m", "tariffsim", *argv], cwd=ROOT, capture_output=True, text=True
    )
    full = subprocess.run(
        [sys.executable, "-c", FULL_HELP.format(argv=argv)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert fast.returncode == full.returncode == (0 if argv else 2)
    shown = (fast.stdout + fast.stderr).replace("python -m tariffsim", "tariffsim")
    assert shown == full.stdout + full.stderr
    for command in cli.COMMAND_MODULES:
        assert f"\n  {command} " in shown
