"""``exposure --steps``: the ledger's value priced at every step, and refunds by fiscal year.

Three lines ($100B of motors on Section 301 at 25 %, $300B of steel under Section 232 at
50 %, $600B of toys), a reciprocal tariff that steel does not pay (precedence) and a fentanyl
tariff held invalid on 2025-07-01 with its duty refunded in two halves (tests/data/steps).
Every expected number is computed here by hand from those facts.
"""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tests.conftest import ROOT

runner = CliRunner()
DATA = ROOT / "tests" / "data" / "steps"
VALUE = {"motors": 100e9, "steel": 300e9, "toys": 600e9}
TOTAL = sum(VALUE.values())


def run_steps() -> str:
    result = runner.invoke(
        app, ["exposure", str(DATA / "steps.yaml"), "--ledger", str(DATA / "ledger.csv"), "--steps"]
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def step_rows(text: str) -> dict[str, list[float]]:
    """Rows of the step table by first day: days, total, base, additional, then authorities."""
    rows = {}
    for line in text.splitlines():
        cells = line.split()
        if len(cells) > 3 and cells[0][:2] == "20" and cells[1][:2] == "20":
            rows[cells[0]] = [float(c) for c in cells[2:]]
    return rows


def test_each_step_is_the_value_weighted_stack() -> None:
    rows = step_rows(run_steps())
    s301 = 0.25 * VALUE["motors"] / TOTAL
    s232 = 0.50 * VALUE["steel"] / TOTAL
    recip = 0.10 * (VALUE["motors"] + VALUE["toys"]) / TOTAL  # steel pays 232 instead
    fen = 0.20
    expected = {
        "2025-01-01": (31, s301 + s232),
        "2025-02-01": (28, s301 + s232 + recip),
        "2025-03-01": (122, s301 + s232 + recip + fen),
        "2025-07-01": (184, s301 + s232 + recip),  # invalidated: the fentanyl part drops
    }
    assert list(rows) == list(expected)
    for day, (days, rate) in expected.items():
        assert rows[day][0] == days
        assert rows[day][1] == pytest.approx(rate * 100, abs=0.005)
        assert rows[day][4] == pytest.approx(s301 * 100, abs=0.005)
        assert rows[day][5] == pytest.approx(s232 * 100, abs=0.005)
    assert sum(r[0] for r in rows.values()) == 365


def test_the_invalidated_duty_is_deposited_then_refunded_by_fiscal_year() -> None:
    text = run_steps()
    found = {
        (cells[0], cells[1]): [float(c) for c in cells[2:]]
        for cells in (line.split() for line in text.splitlines())
        if len(cells) == 5 and cells[1].startswith("FY")
    }
    days = (dt.date(2025, 7, 1) - dt.date(2025, 3, 1)).days
    deposited = TOTAL * 0.20 * days / 365.25 / 1e9
    # FY2025 ends on 2025-09-30: the 1 September half is in it, the 3 November half in FY2026.
    assert found[("fen", "FY2025")] == pytest.approx([deposited, 0.0, deposited / 2], abs=0.005)
    assert found[("fen", "FY2026")] == pytest.approx([0.0, 0.0, deposited / 2], abs=0.005)
