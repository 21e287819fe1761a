"""One bad published-figures file per failure mode: one line, located in the figures file.

The files live in ``tests/data/hostile/published/``; every one is replayed against the
shipped history scenario. Problems found while reading the file and problems found only
while comparing (a figure outside the horizon, an unknown tranche) both name the
figures file and the figure's line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tests.conftest import SCENARIOS

PUBLISHED = Path(__file__).resolve().parent.parent / "data" / "hostile" / "published"
HISTORY = SCENARIOS / "history" / "us-china-2018-2020.yaml"


@pytest.mark.parametrize(
    ("name", "place", "says"),
    [
        ("empty_exporter.yaml", ":8: figures.f1.exporter: ", "expected an ISO 3166 alpha-2 code"),
        ("year_12_digits.yaml", ":9: figures.f1.year: ", "from 1900 to 2200, got 201900000000"),
        ("date_out_of_range.yaml", ":9: figures.f1.date: ", "from 1900-01-01 to 2200-12-31"),
        ("latin1.yaml", ":12: ", "not UTF-8 text (byte 0xe9"),
        ("outside_horizon.yaml", ":5: figures.f1: ", "no average tariff for imports into US"),
        ("unknown_tranche.yaml", ":5: figures.f1: ", "names tranche 'list9'"),
    ],
)
def test_bad_figures_file_is_one_line_in_that_file(
    tmp_path: Path, name: str, place: str, says: str
) -> None:
    path = PUBLISHED / name
    out = tmp_path / "comparison.csv"
    result = CliRunner().invoke(
        app, ["backtest", str(HISTORY), "--published", str(path), "--static", "-o", str(out)]
    )
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"tariffsim: error: {path}{place}"), line
    assert says in line
    assert "Traceback" not in result.output
    assert not out.exists()
    assert re.search(r"\$(inf|nan)", result.stdout) is None
