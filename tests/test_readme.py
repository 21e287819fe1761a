"""The outputs pasted into README.md are what the commands print today (the fast ones).

Each block is found by the prose that introduces it and checked against the real command
line: every pasted line (the README abridges with ``...``) appears in the output, in order.
"""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
runner = CliRunner()


FENCED = re.compile(r"^```[a-z]*\n(.*?)^```", re.S | re.M)


def block_after(marker: str) -> list[str]:
    """The lines of the first fenced block after ``marker`` in the README."""
    match = FENCED.search(README, README.index(marker))
    assert match is not None, f"no fenced block after {marker!r}"
    return match.group(1).splitlines()


def missing_in_order(pasted: list[str], printed: str) -> list[str]:
    """Pasted lines not found in ``printed`` after the previous one ('...' skips)."""
    lines = [line.rstrip() for line in printed.splitlines()]
    missing, at = [], 0
    for line in (p.rstrip() for p in pasted):
        if line.strip() in ("", "..."):
            continue
        try:
            at = lines.index(line, at) + 1
        except ValueError:
            missing.append(line)
    return missing


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository root, as the README does, so paths print the same."""
    monkeypatch.chdir(ROOT)


def test_quickstart_output_is_what_run_prints() -> None:
    pasted = block_after("The first command prints")
    assert pasted[0].startswith("escalate: ") and "..." in pasted
    result = runner.invoke(app, ["run", "scenarios/escalate.yaml"])
    assert result.exit_code == 0, result.stderr
    assert missing_in_order(pasted, result.stdout) == []


@pytest.mark.parametrize("prefix", ["$ tariffsim validate"])
def test_console_block_is_what_its_command_prints(prefix: str) -> None:
    blocks = [m.group(1).splitlines() for m in FENCED.finditer(README)]
    block = next(b for b in blocks if any(line.startswith(prefix) for line in b))
    command = next(line for line in block if line.startswith(prefix))
    args = [part for arg in command.split()[2:] for part in expand_braces(arg)]
    result = runner.invoke(app, args)
    pasted = block[block.index(command) + 1 :]
    assert missing_in_order(pasted, result.stdout + result.stderr) == [], command


def expand_braces(arg: str) -> list[str]:
    """The shell's ``a/{b,c}.yaml`` → ``a/b.yaml a/c.yaml`` (one brace group)."""
    match = re.fullmatch(r"(.*)\{([^}]*)\}(.*)", arg)
    if match is None:
        return [arg]
    head, inner, tail = match.groups()
    return [f"{head}{part}{tail}" for part in inner.split(",")]


def test_a_drifted_line_is_caught() -> None:
    """The check itself can fail: a changed figure, or lines out of order, are reported."""
    printed = "a\nb 1.00\nc\n"
    assert missing_in_order(["a", "...", "c"], printed) == []
    assert missing_in_order(["b 1.01"], printed) == ["b 1.01"]
    assert missing_in_order(["c", "a"], printed) == ["a"]
