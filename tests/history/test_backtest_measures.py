"""``tariffsim backtest`` on a history written with measures and a weighted flow (2025 style).

A small scenario in a temporary folder: one flow of $100B/year from China split over four
HTS-10 lines by a weights file (8504 20 %, 8471 30 %, 7208 10 %, 9503 40 %), with MFN 2 %,
Section 301 25 % on 8504, the IEEPA fentanyl tariff (10 % then 20 %, held invalid on
2025-10-01; the duty on entries from 2025-03-04 refunded in one payment on 2025-11-03), the
reciprocal tariff (10 %, 125 %, 10 %; electronics 8471 exempt) and Section 232 25 % on 7208
(which pays no reciprocal tariff).
Every expected number below is worked out by hand from those weights, through the real CLI.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tariffsim.cli import app

runner = CliRunner()

SCENARIO = """\
title: "A 2025-style history by authority"
as_of: 2025-12-31
horizon: {start: 2025-01-01, end: 2025-12-31, step: month}
sources:
  s: {title: "hand-made test facts", date: 2025-01-01, note: "rates and dates for a test"}
flows:
  china:
    importer: US
    exporter: CN
    imports: {value: 100 billion USD/year, source: s}
    products: {weights: weights.csv}
measures:
  mfn: {authority: mfn, importer: US, origins: CN, products: all,
        schedule: {2024-01-01: {rate: 2 %, source: s}}}
  s301: {authority: section301, importer: US, origins: CN, products: ["8504"],
         schedule: {2018-07-06: {rate: 25 %, source: s}}}
  fentanyl:
    authority: ieepa_fentanyl
    importer: US
    origins: CN
    products: all
    schedule: {2025-02-04: {rate: 10 %, source: s}, 2025-03-04: {rate: 20 %, source: s}}
    invalidated: 2025-10-01
    refund: {entries_from: 2025-03-04, paid: [{date: 2025-11-03, share: 1}], source: s}
  reciprocal:
    authority: ieepa_reciprocal
    importer: US
    origins: CN
    products: {include: all, exclude: ["8471"]}
    schedule:
      2025-04-05: {rate: 10 %, source: s}
      2025-04-10: {rate: 125 %, source: s}
      2025-05-14: {rate: 10 %, source: s}
  steel: {authority: section232, importer: US, origins: all, products: ["7208"],
          schedule: {2018-03-23: {rate: 25 %, source: s}}}
precedence:
  no-reciprocal-on-232: {rule: "section232 excludes ieepa_reciprocal", source: s}
"""

PUBLISHED = """\
title: "figures for a test"
sources:
  p: {title: "a tracker", date: 2025-06-01, note: "trade-weighted average"}
figures:
  march: {kind: average_tariff, importer: US, exporter: CN, date: 2025-03-10, value: 30 %,
          source: p}
  april: {kind: average_tariff, importer: US, exporter: CN, date: 2025-04-20, value: 100 %,
          source: p}
"""

LINES = {"8504409500": 20, "8471300100": 30, "7208101500": 10, "9503000090": 40}
FENTANYL_DAYS = {0.10: 28, 0.20: 211}
"""Entry days at each fentanyl rate before the ruling: 4 Feb–3 Mar, 4 Mar–30 Sep 2025."""


def write_history(folder: Path, lines: dict[str, float] = LINES) -> Path:
    (folder / "weights.csv").write_text(
        "hts_code,weight\n" + "".join(f"{c},{w}\n" for c, w in lines.items()), encoding="utf-8"
    )
    (folder / "history.published.yaml").write_text(PUBLISHED, encoding="utf-8")
    path = folder / "history.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def backtest(*args: object) -> tuple[int, str, str]:
    result = runner.invoke(app, ["backtest", *(str(a) for a in args)])
    return result.exit_code, result.stdout, result.stderr


def one_line_error(path: Path) -> str:
    """The error ``backtest`` prints on ``path``: exit code 2, one line, no traceback."""
    code, _, err = backtest(path)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    return lines[0]


def on(series: pd.DataFrame, day: str) -> pd.Series:
    rows = series[(series["start"] <= day) & (series["end"] >= day)]
    assert len(rows) == 1, day
    return rows.iloc[0]


def test_average_by_authority_is_the_hand_weighted_sum(tmp_path: Path) -> None:
    path = write_history(tmp_path)
    series_csv, comparison_csv = tmp_path / "series.csv", tmp_path / "comparison.csv"
    code, out, err = backtest(path, "--series", series_csv, "-o", comparison_csv)
    assert code == 0, err
    series = pd.read_csv(series_csv, dtype={"start": str, "end": str})
    # 10 March: MFN 2 on all; 301 25 % on the 20 % share; fentanyl 20 on all; 232 25 % on 10 %
    march = on(series, "2025-03-10")
    expected = {"mfn": 2.0, "section301": 5.0, "ieepa_fentanyl": 20.0, "section232": 2.5}
    for authority, percent in expected.items():
        assert march[authority] * 100 == pytest.approx(percent, abs=1e-4), authority
    assert march["ieepa_reciprocal"] == 0.0
    # 20 April: reciprocal 125 % on 8504 and 9503 only (8471 exempt, 7208 under 232): 60 %
    april = on(series, "2025-04-20")
    assert april["ieepa_reciprocal"] * 100 == pytest.approx(0.60 * 125, abs=1e-4)
    assert april["total"] * 100 == pytest.approx(2 + 5 + 20 + 2.5 + 75, abs=1e-4)
    # the published figures are read on the same days: 29.5 % and 104.5 %
    comparison = pd.read_csv(comparison_csv).set_index("figure")
    assert comparison.loc["march", "simulated"] == pytest.approx(0.295, abs=1e-6)
    assert comparison.loc["march", "error"] == pytest.approx(-0.005, abs=1e-6)
    assert comparison.loc["april", "simulated"] == pytest.approx(1.045, abs=1e-6)
    assert "history.published.yaml" not in err  # found beside the scenario, by its name
    # the ruling takes the fentanyl part out on its day: 35.5 % → 15.5 %
    assert "On 2025-10-01 (fentanyl invalidated) the US←CN average falls from 35.50 % to " in out
    assert "15.50 % (-20.00 pp)" in out


def test_the_parts_add_up_to_the_total_on_every_step(tmp_path: Path) -> None:
    series_csv = tmp_path / "series.csv"
    code, _, err = backtest(write_history(tmp_path), "--series", series_csv)
    assert code == 0, err
    series = pd.read_csv(series_csv)
    parts = series.drop(columns=["importer", "exporter", "start", "end", "days", "total"])
    assert (parts.sum(axis=1) - series["total"]).abs().max() < 2e-6  # CSV keeps 6 decimals
    assert series["days"].sum() == 365


def test_deposited_owed_and_refunded_by_fiscal_year(tmp_path: Path) -> None:
    code, out, err = backtest(write_history(tmp_path))
    assert code == 0, err
    rows = {
        (cells[0], cells[1]): [float(x) for x in cells[2:]]
        for cells in (line.split() for line in out.splitlines())
        if len(cells) == 7 and cells[1].startswith("FY") and cells[0] in ("fentanyl", "all")
    }
    # $100B a year, 1/365 of it a day in 2025: 28 days at 10 % (the part that stands) and
    # 211 days at 20 % (owed back: entries from 2025-03-04)
    stands = 100 * 0.10 * FENTANYL_DAYS[0.10] / 365
    back = 100 * 0.20 * FENTANYL_DAYS[0.20] / 365
    assert (round(stands, 2), round(back, 2)) == (0.77, 11.56)
    fy25, fy26 = rows[("fentanyl", "FY2025")], rows[("fentanyl", "FY2026")]
    assert fy25 == pytest.approx([round(stands + back, 2), 0.77, 11.56, 0.0, 0.0], abs=0.006)
    assert fy26 == pytest.approx([0.0, 0.0, 0.0, 11.56, 0.0])  # all claimed, paid 2025-11-03
    for key in (("fentanyl", "FY2025"), ("all", "FY2025")):
        deposited, owed, owed_back, *_ = rows[key]
        assert owed == pytest.approx(deposited - owed_back, abs=0.011)


def test_the_chart_draws_by_authority(tmp_path: Path) -> None:
    png = tmp_path / "backtest.png"
    code, _, err = backtest(write_history(tmp_path), "--plot", png)
    assert code == 0, err
    assert png.stat().st_size > 10_000


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.integers(min_value=1, max_value=1000), min_size=4, max_size=4))
def test_total_equals_the_applied_average(tmp_path: Path, weights: list[int]) -> None:
    """On any weights: each authority's part equals its hand-weighted share, all add up."""
    from tariffsim.model.aggregates import authority_series, average_tariff_series
    from tariffsim.model.flows import load_scenario

    lines = dict(zip(LINES, weights, strict=True))
    scenario = load_scenario(write_history(tmp_path, lines))
    parts, totals = authority_series(scenario), average_tariff_series(scenario)
    share = {code: w / sum(weights) for code, w in lines.items()}
    april = on(parts, dt.date(2025, 4, 20))  # type: ignore[arg-type]
    open_share = share["8504409500"] + share["9503000090"]
    assert april["ieepa_reciprocal"] == pytest.approx(1.25 * open_share, rel=1e-12)
    assert april["section232"] == pytest.approx(0.25 * share["7208101500"], rel=1e-12)
    for _, row in totals.iterrows():
        part = on(parts, row["start"])  # type: ignore[arg-type]
        assert part["total"] == pytest.approx(row["applied_rate"], rel=1e-12, abs=1e-15)


def test_a_scenario_with_nothing_to_replay_is_one_line(tmp_path: Path) -> None:
    path = write_history(tmp_path)
    text = SCENARIO.split("flows:")[0] + "measures:" + SCENARIO.split("measures:")[1]
    path.write_text(text, encoding="utf-8")
    line = one_line_error(path)
    assert "history.yaml" in line and "no tranches or flows: nothing to replay" in line


def test_a_missing_weights_file_says_how_to_make_it(tmp_path: Path) -> None:
    path = write_history(tmp_path)
    (tmp_path / "weights.csv").unlink()
    line = one_line_error(path)
    assert "weights file 'weights.csv' not found" in line
    assert "tariffsim data weights FILE -o " in line and str(tmp_path / "weights.csv") in line


def test_no_published_figures_beside_the_scenario_is_one_line(tmp_path: Path) -> None:
    path = write_history(tmp_path)
    (tmp_path / "history.published.yaml").unlink()
    line = one_line_error(path)
    assert "no published figures beside the scenario" in line
    assert "history.published.yaml and published.yaml" in line and "--published" in line


def test_chart_data_by_authority(tmp_path: Path) -> None:
    from tariffsim.history.backtest import run_backtest
    from tariffsim.history.chart_authority import authority_chart_data

    path = write_history(tmp_path)
    data = authority_chart_data(run_backtest(path, tmp_path / "history.published.yaml"))
    series = data["series"]
    parts = series.drop(columns=["importer", "exporter", "start", "end", "days", "total"])
    assert (parts.sum(axis=1) - series["total"]).abs().max() < 1e-12
    assert list(data["points"]["figure"]) == ["march", "april"]
    refunds = data["refunds"].set_index("year")
    assert refunds.loc["FY2026", "refunded_usd"] == pytest.approx(
        100e9 * 0.20 * FENTANYL_DAYS[0.20] / 365, rel=1e-9
    )
