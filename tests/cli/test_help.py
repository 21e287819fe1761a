"""Every command's --help reads as plain text: no reST markup, no typer braces or type names."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tariffsim.cli.shell import COMMAND_ORDER

runner = CliRunner()


@pytest.mark.parametrize("command", COMMAND_ORDER)
def test_help_has_no_markup(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith(f"Usage: tariffsim {command} [OPTIONS]")
    for noise in ("``", "{", "}", "list[", "<list"):
        assert noise not in text, f"{command} --help shows {noise!r}"


def test_usage_names_the_files_plainly() -> None:
    result = runner.invoke(app, ["run", "--help"])
    first = result.stdout.splitlines()[0]
    assert first == "Usage: tariffsim run [OPTIONS] FILE..."


def test_a_missing_argument_is_named_plainly() -> None:
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 2
    assert "'FILE'" in result.stderr and "{" not in result.stderr
