"""``exposure``'s text table, summary CSV and line CSV: golden bytes of the money format.

The hand-computed ledger (tests/ledgers.py) plus two lines in cents, under ``max`` and ``add``:
the text to the cent, CSV money as ``1234.56`` and rates without float noise. The amounts
themselves are checked by hand in test_cli_exposure.py and test_pricing.py; these files pin
the format (``--update-golden`` rewrites them, a mismatch leaves ``*.actual.txt`` beside).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tests.conftest import assert_matches_golden
from tests.ledgers import HAND_LINES, HAND_SCENARIO, write_csv, write_scenario

GOLDEN = Path(__file__).parents[1] / "golden"
CENT_LINES = [
    ("8501.10.4000", "CN", "1234.56", "2019-02-15", "S1"),
    ("8504400000", "CN", "10.07", "2019-08-02", "S2"),
]
runner = CliRunner()


@pytest.fixture
def args(tmp_path: Path) -> list[str]:
    hand = write_scenario(tmp_path, HAND_SCENARIO % {"rule": "max"}, "hand.yaml")
    other = write_scenario(tmp_path, HAND_SCENARIO % {"rule": "add"}, "other.yaml")
    ledger = write_csv(tmp_path, [*HAND_LINES, *CENT_LINES])
    return ["exposure", str(hand), str(other), "--ledger", str(ledger)]


def test_text_table_matches_golden(args: list[str], update_golden: bool) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert_matches_golden(result.stdout, GOLDEN / "exposure.txt", update_golden)


@pytest.mark.parametrize(("option", "golden"), [("-o", "exposure.csv"), ("--lines", "lines.csv")])
def test_csv_files_match_golden(
    tmp_path: Path, args: list[str], option: str, golden: str, update_golden: bool
) -> None:
    out = tmp_path / "out.csv"
    result = runner.invoke(app, [*args, option, str(out)])
    assert result.exit_code == 0, result.stderr
    assert_matches_golden(out.read_text(encoding="utf-8"), GOLDEN / golden, update_golden)
