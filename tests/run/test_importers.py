"""Two importers (US←CN and CN←US) are reported apart: their duties are never added."""

from __future__ import annotations

import json
from pathlib import Path

from numpy.testing import assert_allclose
from typer.testing import CliRunner

from tariffsim.cli import app
from tests.stacks import write

runner = CliRunner()

TWO_WAYS = """\
title: two importers
as_of: 2025-12-31
horizon: {start: 2025-01-01, end: 2025-12-31, step: year}
measures:
  us_on_cn: {authority: section301, importer: US, origins: CN, products: all,
             schedule: {2025-01-01: 25 %}}
  cn_on_us: {authority: retaliation, importer: CN, origins: US, products: all,
             schedule: {2025-01-01: 10 %}}
flows:
  us_imports: {importer: US, exporter: CN, imports: 365 billion USD/year}
  cn_imports: {importer: CN, exporter: US, imports: 146 billion USD/year}
"""


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_run_reports_one_effective_rate_per_importer(tmp_path: Path) -> None:
    path = write(tmp_path, TWO_WAYS)
    code, out, err = invoke("run", str(path))
    assert code == 0, err
    us = out.split("Duty by period, importer US (static), $B")[1].splitlines()[3]
    cn = out.split("Duty by period, importer CN (static), $B")[1].splitlines()[3]
    assert us.split()[-2:] == ["25.00", "%"] and us.split()[2:4] == ["365.00", "91.25"]
    assert cn.split()[-2:] == ["10.00", "%"] and cn.split()[2:4] == ["146.00", "14.60"]
    # the sum would be 511.00 of imports at 20.71 %: it appears nowhere
    assert "511.00" not in out and "20.71" not in out
    assert "all tranches" not in out


def test_run_json_keeps_totals_per_importer(tmp_path: Path) -> None:
    code, out, err = invoke("run", str(write(tmp_path, TWO_WAYS)), "--format", "json")
    assert code == 0, err
    (record,) = json.loads(out)
    assert record["totals"] is None
    by = record["totals_by_importer"]
    assert_allclose(by["US"]["additional_duty_usd"], 0.25 * 365e9)
    assert_allclose(by["CN"]["additional_duty_usd"], 0.10 * 146e9)


def test_importer_option_narrows_every_command(tmp_path: Path) -> None:
    path = write(tmp_path, TWO_WAYS)
    code, out, err = invoke("run", str(path), "--importer", "cn", "--format", "json")
    assert code == 0, err
    (record,) = json.loads(out)
    assert_allclose(record["totals"]["total_duty_usd"], 0.10 * 146e9)
    code, out, err = invoke("compare", str(path), "--importer", "US", "--format", "json")
    assert code == 0, err
    assert "365" in out or "3.65e+11" in out or "365000000000" in out


def test_compare_shows_two_importers_apart(tmp_path: Path) -> None:
    """US 25 % on $365B and China 10 % on $146B: one totals block each, never the sum."""
    path = write(tmp_path, TWO_WAYS)
    code, out, err = invoke("compare", str(path), "--format", "json")
    assert code == 0, err
    totals = {(t["importer"], t["mode"]): t for t in json.loads(out)["totals"]}
    assert_allclose(totals["US", "static"]["additional_duty_usd"], 0.25 * 365e9)
    assert_allclose(totals["CN", "static"]["additional_duty_usd"], 0.10 * 146e9)
    code, out, err = invoke("compare", str(path))
    assert code == 0, err
    us, cn = out.split("Imports into US")[1].split("Imports into CN")
    assert "91.25" in us and "14.60" in cn
    assert f"{0.25 * 365 + 0.10 * 146:.2f}" not in out


def test_run_chart_draws_one_panel_per_importer(tmp_path: Path) -> None:
    from tariffsim.model.flows import load_scenario
    from tariffsim.model.simulation import simulate
    from tariffsim.run.chart import plot_tranche_duty

    path = write(tmp_path, TWO_WAYS)
    code, _, err = invoke("run", str(path), "--plot", str(tmp_path / "c.png"))
    assert code == 0, err
    assert (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    fig = plot_tranche_duty(simulate(load_scenario(path), behavioural=False))
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert [t.split(":")[0] for t in titles] == ["Imports into US", "Imports into CN"]


def test_an_unknown_importer_is_refused(tmp_path: Path) -> None:
    code, _, err = invoke("run", str(write(tmp_path, TWO_WAYS)), "--importer", "DE")
    assert code == 2 and "no tranche or flow imported by 'DE'" in err and "US, CN" in err


def test_draws_refuse_two_importers_and_run_with_one(tmp_path: Path) -> None:
    text = TWO_WAYS + (
        "assumptions: {reference_date: 2024-12-31, elasticity: {value: 1.5, source: j},"
        " pass_through: {value: 100 %, source: j}}\n"
        "uncertainty: {elasticity: {distribution: uniform, low: 1, high: 2, source: judgement}}\n"
        "sources: {j: {title: judgement, date: 2025-01-01, note: an assumption for the test}}\n"
    )
    path = str(write(tmp_path, text))
    code, _, err = invoke("run", path, "--samples", "20")
    assert code == 2 and err.count("\n") == 1, err
    assert "--samples reports one importer's duty at a time" in err
    code, out, err = invoke("run", path, "--samples", "20", "--importer", "CN", "-f", "json")
    assert code == 0, err
    assert json.loads(out)  # the draws of CN's duty alone
