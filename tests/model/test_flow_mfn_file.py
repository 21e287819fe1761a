"""MFN from an MFN file on a flow with product weights (``mfn_file:``), through ``run``.

``tests/data/forms/weighted``: 365 million USD a year from China, weights 0.2 sweaters (MFN
16.5 %), 0.3 footwear (20 %), 0.5 portable computers (Free, Section 301 at 25 %). The flow
splits into two product classes: the uncovered half pays the value-weighted MFN of its lines,
(0.2 × 16.5 % + 0.3 × 20 %) / 0.5 = 18.6 %, on 182.5 million USD: $33.945M; the computers pay
25 % on 182.5 million USD: $45.625M and no MFN.
"""

from __future__ import annotations

import json
from pathlib import Path

from numpy.testing import assert_allclose
from typer.testing import CliRunner

from tariffsim.cli import app

WEIGHTED = Path(__file__).resolve().parents[1] / "data" / "forms" / "weighted"
runner = CliRunner()


def test_each_product_class_pays_the_weighted_mfn_of_its_lines() -> None:
    result = runner.invoke(app, ["run", str(WEIGHTED / "weighted.yaml"), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    totals = json.loads(result.stdout)[0]["totals"]
    assert_allclose(totals["base_duty_usd"], 0.5 * 365e6 * (0.2 * 0.165 + 0.3 * 0.20) / 0.5)
    assert_allclose(totals["additional_duty_usd"], 0.5 * 365e6 * 0.25)


def test_a_missing_mfn_file_is_one_located_line(tmp_path: Path) -> None:
    for name in ("weights.csv",):
        (tmp_path / name).write_text((WEIGHTED / name).read_text())
    scenario = tmp_path / "weighted.yaml"
    scenario.write_text((WEIGHTED / "weighted.yaml").read_text())
    result = runner.invoke(app, ["run", str(scenario)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(
        f"tariffsim: error: {scenario}:8: mfn_file: MFN file 'mfn.csv' not found"
    )


def test_the_run_output_in_the_docs_is_the_measured_one() -> None:
    result = runner.invoke(app, ["run", str(WEIGHTED / "weighted.yaml")])
    docs = (WEIGHTED.parents[3] / "docs" / "duty-forms.md").read_text(encoding="utf-8")
    after_heading = result.stdout.split("Duty by tranche over the horizon")[1].split("\n", 1)[1]
    table = after_heading.split("\n\n")[0]
    assert table.startswith("  tranche ")
    for line in table.splitlines():
        assert line in docs, line


def test_exposure_prices_with_the_mfn_file_the_scenario_names(tmp_path: Path) -> None:
    # Sweaters at 16.5 % on $10,000 pay $1,650 MFN; computers Free and 25 % on $20,000.
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(
        "hts_code,country_of_origin,customs_value_usd,entry_date\n"
        "6110.20.2075,CN,10000,2026-02-01\n8471.30.0100,CN,20000,2026-05-01\n"
    )
    args = ["exposure", str(WEIGHTED / "weighted.yaml"), "--ledger", str(ledger)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert "duty $6,650.00 (MFN $1,650.00, additional $5,000.00)" in result.stdout


def test_scenarios_naming_different_mfn_files_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text((WEIGHTED / "weighted.yaml").read_text())
    (tmp_path / "weights.csv").write_text((WEIGHTED / "weights.csv").read_text())
    (tmp_path / "mfn.csv").write_text((WEIGHTED / "mfn.csv").read_text())
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(
        "hts_code,country_of_origin,customs_value_usd,entry_date\n6110.20.2075,CN,1,2026-02-01\n"
    )
    args = ["exposure", str(WEIGHTED / "weighted.yaml"), str(other), "--ledger", str(ledger)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "mfn_file: the scenarios name different MFN files" in result.stderr
    assert "pass it with --mfn" in result.stderr
    assert runner.invoke(app, [*args, "--mfn", str(tmp_path / "mfn.csv")]).exit_code == 0


def test_validate_counts_a_weighted_flow_as_a_flow_not_as_tranches() -> None:
    result = runner.invoke(app, ["validate", str(WEIGHTED / "weighted.yaml")])
    assert result.exit_code == 0, result.stderr
    assert "ok (0 tranches, 1 measure, 1 flow, 2026-01-01 to 2026-12-31)" in result.stdout
