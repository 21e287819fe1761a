"""Outlooks that would cost without bound or name files they may not: one located line.

The files live in ``tests/data/hostile/outlook/``: more branches than the bound (refused
before any branch is loaded), a branch file name over the file-system limit, a branch
outside the outlook's folder tree.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tariffsim.uncertainty.outlook_model import MAX_BRANCHES

OUTLOOKS = Path(__file__).resolve().parent.parent / "data" / "hostile" / "outlook"


@pytest.mark.parametrize(
    ("name", "place", "says"),
    [
        ("too_many_branches.yaml", ":3: branches: ", f"expected at most {MAX_BRANCHES} entries"),
        ("branch_name_too_long.yaml", ":4: branches.b.file: ", "longer than 255 bytes"),
        ("branch_outside.yaml", ":4: branches.b.file: ", "lies outside the outlook's folder"),
    ],
)
def test_bad_outlook_is_one_located_line(name: str, place: str, says: str) -> None:
    path = OUTLOOKS / name
    for args in (["sweep", str(path), "-n", "10"], ["validate", str(path)]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2
        [line] = result.stderr.splitlines()
        assert line.startswith(f"tariffsim: error: {path}{place}"), line
        assert says in line
