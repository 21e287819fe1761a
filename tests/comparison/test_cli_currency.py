"""``compare --currency``: every scenario's money again in that currency, at its own stated rate.

Two scenarios: ``tests/data/forms/forms.yaml`` (``EUR: 1.25 USD/EUR``) and a child of it that
states ``EUR: 1.10 USD/EUR``. Every euro figure must be that scenario's own USD figure divided
by its own rate, in the table, the JSON totals and every row of the CSV and Parquet files.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from numpy.testing import assert_allclose
from typer.testing import CliRunner

from tariffsim.cli import app

FORMS = Path(__file__).resolve().parents[1] / "data" / "forms"
RATES = {"forms": 1.25, "dearer": 1.10}
runner = CliRunner()


@pytest.fixture
def two_rates(tmp_path: Path) -> list[str]:
    shutil.copy(FORMS / "forms.yaml", tmp_path / "forms.yaml")
    (tmp_path / "dearer.yaml").write_text(
        "extends: forms.yaml\nname: dearer\n"
        "currencies:\n  EUR: {value: 1.10 USD/EUR, date: 2026-06-30, source: ecb}\n",
        encoding="utf-8",
    )
    return [str(tmp_path / "forms.yaml"), str(tmp_path / "dearer.yaml")]


def test_totals_in_euros_at_each_scenarios_rate(two_rates: list[str]) -> None:
    args = ["compare", *two_rates, "--currency", "EUR"]
    done = runner.invoke(app, [*args, "--format", "json"])
    assert done.exit_code == 0, done.stderr
    document = json.loads(done.stdout)
    assert {name: c["usd_per_unit"] for name, c in document["currencies"].items()} == RATES
    reference = next(r for r in document["totals"] if r["scenario"] == "forms")
    for row in document["totals"]:
        rate = RATES[row["scenario"]]
        for name in ("imports", "additional_duty", "total_duty"):
            assert row[f"{name}_eur"] == pytest.approx(row[f"{name}_usd"] / rate, rel=1e-15)
        # a difference in euros is between the two euro figures, each at its own rate
        expected = row["total_duty_eur"] - reference["total_duty_usd"] / RATES["forms"]
        assert row["total_duty_difference_eur"] == pytest.approx(expected, rel=1e-12, abs=1e-6)
    text = runner.invoke(app, args).stdout
    section = text.split("Duty over the range in EUR, billions, with USD alongside\n")[1]
    for row in document["totals"]:
        line = next(x for x in section.splitlines() if x.split()[:1] == [row["scenario"]])
        expected = [
            row["additional_duty_usd"] / RATES[row["scenario"]],
            row["total_duty_usd"] / RATES[row["scenario"]],
            row["additional_duty_usd"],
            row["total_duty_usd"],
        ]
        assert line.split()[2:] == [f"{x / 1e9:,.2f}" for x in expected]
    assert "EUR at 1.25 USD/EUR, ecb, 2025-12-31: the stated rate of forms" in section
    assert "EUR at 1.10 USD/EUR, ecb, 2026-06-30: the stated rate of dearer" in section


def test_every_row_of_the_files_in_euros_too(two_rates: list[str], tmp_path: Path) -> None:
    import pandas as pd

    frames = {}
    for suffix in ("csv", "parquet"):
        out = tmp_path / f"rows.{suffix}"
        done = runner.invoke(app, ["compare", *two_rates, "--currency", "EUR", "-o", str(out)])
        assert done.exit_code == 0, done.stderr
        frames[suffix] = pd.read_csv(out) if suffix == "csv" else pd.read_parquet(out)
    for suffix, frame in frames.items():
        euros = [c for c in frame.columns if c.endswith("_eur")]
        assert "reference_total_duty_eur" in euros and "total_duty_difference_eur" in euros
        rate = frame["scenario"].map(RATES)
        # CSV text keeps 6 decimals of a dollar or euro; Parquet the float itself
        tolerance = {"rtol": 1e-15 if suffix == "parquet" else 1e-12, "atol": 1e-6}
        for column in euros:
            usd = frame[column.removesuffix("_eur") + "_usd"]
            if column.startswith("reference_"):  # the reference's amounts at its own rate
                assert_allclose(frame[column], usd / RATES["forms"], **tolerance)
            elif "_difference_" not in column:
                assert_allclose(frame[column], usd / rate, **tolerance)
        for stem in ("additional_duty", "total_duty"):
            own, theirs = frame[f"{stem}_eur"], frame[f"reference_{stem}_eur"]
            assert_allclose(frame[f"{stem}_difference_eur"], own - theirs, **tolerance)
    assert list(frames["csv"].columns) == list(frames["parquet"].columns)


def test_a_scenario_without_the_rate_is_one_located_line(two_rates: list[str]) -> None:
    done = runner.invoke(app, ["compare", *two_rates, "--currency", "JPY"])
    assert done.exit_code == 2
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"tariffsim: error: {two_rates[0]}: --currency: scenario ")
    assert "states no exchange rate for JPY" in done.stderr
