"""``run``'s outputs carry the duty by authority of a scenario written with measures."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
from numpy.testing import assert_allclose
from typer.testing import CliRunner

from tariffsim.cli import app
from tests.stacks import STEEL_2025, write

runner = CliRunner()
DAY = 100e9 / 365


def test_csv_json_and_table_split_the_duty_by_authority(tmp_path: Path) -> None:
    path = str(write(tmp_path, STEEL_2025 % {"steel": "72"}))
    result = runner.invoke(app, ["run", path, "--step", "month", "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert_allclose(frame["additional_duty_section232_usd"].sum(), DAY * 126.5, rtol=1e-12)
    assert_allclose(frame["additional_duty_ieepa_fentanyl_usd"].sum(), DAY * 63.4, rtol=1e-12)
    split = frame.filter(like="additional_duty_").drop(columns="additional_duty_usd").sum(axis=1)
    assert_allclose(split, frame["additional_duty_usd"], rtol=1e-12, atol=1e-6)
    result = runner.invoke(app, ["run", path, "-f", "json"])
    parts = {p["authority"]: p for p in json.loads(result.stdout)[0]["by_authority"]}
    assert_allclose(parts["section232"]["rate_part"], 126.5 / 365, rtol=1e-12)
    table = runner.invoke(app, ["run", path]).stdout
    assert "Duty by authority over the horizon (static), $B" in table
    row = next(x for x in table.splitlines() if x.strip().startswith("US        section232"))
    assert row.split()[2:] == ["34.66", "34.66", "%"]
    # every part in percent with two decimals, as the per-period effective rates: the excluded
    # reciprocal tariff reads 0.00 %, not a bare 0 %
    row = next(x for x in table.splitlines() if x.strip().startswith("US        ieepa_reciprocal"))
    assert row.split()[2:] == ["0.00", "0.00", "%"]
