"""Duty forms on ledger lines: the EU all-in floor over each line's MFN, copper on a share.

``tests/data/forms/eu-ledger.yaml``: mfn measures of 4.5 % (6110) and 20 % (6403), the EU's
15 % all-in floor on everything from the EU, Section 232 copper at 50 % on a 40 % value share.
Four $1,000 lines; by hand, the additional duty is 15 % − MFN, never below 0:
8501 from DE (MFN 0): 150; 6110 from DE (4.5 %): 105; 6403 from DE (20 %): 0; 7408 from CL: 200.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from numpy.testing import assert_allclose
from typer.testing import CliRunner

from tariffsim.cli import app

FORMS = Path(__file__).resolve().parents[1] / "data" / "forms"


def test_floor_on_each_line_s_mfn_and_copper_on_its_share(tmp_path: Path) -> None:
    lines = tmp_path / "lines.csv"
    args = [
        "exposure",
        str(FORMS / "eu-ledger.yaml"),
        "--ledger",
        str(FORMS / "eu-ledger.csv"),
        "--lines",
        str(lines),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    frame = pd.read_csv(lines, dtype={"hts_code": str})
    assert_allclose(frame["additional_rate"], [0.15, 0.105, 0.0, 0.20])
    assert_allclose(frame["base_duty_usd"], [0, 45, 200, 0])
    assert_allclose(frame["additional_duty_usd"], [150, 105, 0, 200])


def test_explain_shows_the_floor_over_the_product_s_mfn() -> None:
    # The same stack as the ledger: sweaters from DE pay 4.5 % MFN and 10.5 % on top.
    args = ["explain", str(FORMS / "eu-ledger.yaml"), "--hts", "6110.20.20", "--origin", "DE"]
    result = CliRunner().invoke(app, [*args, "--date", "2026-03-01"])
    assert result.exit_code == 0, result.stderr
    assert "additional rate 10.5 %, base (MFN) rate 4.5 %, total 15 %" in result.stdout
