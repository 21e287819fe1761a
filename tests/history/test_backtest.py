"""Published figures: loading, errors located to lines, and hand-computed comparisons."""

from __future__ import annotations

from pathlib import Path

import pytest
from numpy.testing import assert_allclose

from tariffsim.errors import TariffsimError
from tariffsim.history.backtest import load_published, run_backtest
from tests.conftest import SCENARIOS

SCENARIO = """
title: t
as_of: 2019-01-01
horizon: {start: 2019-01-01, end: 2019-12-31, step: month}
tranches:
  a:
    label: A
    importer: US
    exporter: CN
    imports: 365 billion USD/year
    base_rate: 2 %
    schedule:
      2019-01-01: 10 %
  b:
    label: B
    importer: US
    exporter: CN
    imports: 365 billion USD/year
    base_rate: 2 %
"""

PUBLISHED = """
title: figures
sources:
  s: {title: A tracker}
figures:
  avg:
    {kind: average_tariff, importer: US, exporter: CN, date: 2019-03-01, value: 8 %, source: s}
  span:
    kind: cumulative_duty
    importer: US
    exporter: CN
    since: 2019-01-01
    date: 2019-01-10
    tranches: [a]
    value: 1 billion USD
    source: s
  imports:
    {kind: calendar_year_imports, importer: US, exporter: CN, year: 2019,
     value: 800 billion USD, source: s}
"""


def files(tmp_path: Path, published: str = PUBLISHED) -> tuple[Path, Path]:
    scenario = tmp_path / "history.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    figures = tmp_path / "published.yaml"
    figures.write_text(published, encoding="utf-8")
    return scenario, figures


def test_hand_computed_comparison(tmp_path: Path) -> None:
    comparison = run_backtest(*files(tmp_path)).comparison.set_index("figure")
    # average: 2 % base + 10 % on half the imports = 7 %; published 8 % → −1 pp
    assert_allclose(comparison.loc["avg", "simulated"], 0.07, rtol=1e-12)
    assert_allclose(comparison.loc["avg", "error"], -0.01, rtol=1e-9)
    # ten days of tranche a at 1e9 USD a day and 10 % = 1e9 USD: no error
    assert_allclose(comparison.loc["span", "simulated"], 1e9, rtol=1e-12)
    assert_allclose(comparison.loc["span", "error"], 0.0, atol=1e-3)
    # imports 730e9 against 800e9: −70e9, −8.75 %
    assert_allclose(comparison.loc["imports", "error"], -70e9, rtol=1e-12)
    assert_allclose(comparison.loc["imports", "relative_error"], -0.0875, rtol=1e-12)
    assert set(comparison["mode"]) == {"static"}


def test_fiscal_year_outside_the_horizon_is_refused(tmp_path: Path) -> None:
    text = PUBLISHED + (
        "  fy:\n    {kind: fiscal_year_duty, importer: US, exporter: CN, year: 2019,"
        " value: 1 billion USD, source: s}\n"
    )
    with pytest.raises(TariffsimError, match="FY2019 lies outside the horizon"):
        run_backtest(*files(tmp_path, text))


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "message"),
    [
        ("source: s}\n  span", "source: t}\n  span", 7, "figures.avg.source", "unknown source 't'"),
        ("value: 8 %", "value: 8 kg", 6, "figures.avg", "expected a rate like '25 %'"),
        ("date: 2019-03-01, ", "", 6, "figures.avg", "needs date"),
        ("kind: average_tariff", "kind: avg", 7, "figures.avg.kind", "average_tariff"),
        ("tranches: [a]", "tranches: [z]", None, None, "tranche 'z'"),
    ],
)
def test_bad_published_files(
    tmp_path: Path, old: str, new: str, line: int | None, field: str | None, message: str
) -> None:
    assert old in PUBLISHED
    scenario, figures = files(tmp_path, PUBLISHED.replace(old, new, 1))
    with pytest.raises(TariffsimError) as caught:
        run_backtest(scenario, figures)
    rendered = caught.value.render()
    assert message in rendered
    if line is not None:
        assert f"published.yaml:{line}:" in rendered
    if field is not None:
        assert field in rendered


def test_shipped_published_figures_load() -> None:
    published = load_published(SCENARIOS / "history" / "published.yaml")
    assert len(published.figures) >= 15
    for figure in published.figures.values():
        assert figure.source in published.sources
        source = published.sources[figure.source]
        assert source.url and source.date and source.note


def test_monthly_imports(tmp_path: Path) -> None:
    text = PUBLISHED + (
        "  feb:\n    {kind: monthly_imports, importer: US, exporter: CN, year: 2019, month: 2,"
        " value: 50 billion USD, source: s}\n"
    )
    comparison = run_backtest(*files(tmp_path, text)).comparison.set_index("figure")
    # February 2019: 28 days of 730e9/365 = 2e9 a day
    assert_allclose(comparison.loc["feb", "simulated"], 56e9, rtol=1e-12)
    assert_allclose(comparison.loc["feb", "relative_error"], 56 / 50 - 1, rtol=1e-12)
    assert comparison.loc["feb", "when"] == "2019-02"


def test_collection_lag_before_the_horizon_is_refused(tmp_path: Path) -> None:
    # duty recorded from 1 January 2019 was on goods entered from 27 December 2018
    text = PUBLISHED.replace("figures:\n", "collection_lag: {value: 5 days, source: s}\nfigures:\n")
    with pytest.raises(TariffsimError, match="outside the horizon"):
        run_backtest(*files(tmp_path, text))


def test_collection_lag_shifts_the_duty_span(tmp_path: Path) -> None:
    lagged = PUBLISHED.replace(
        "figures:\n", "collection_lag: {value: 5 days, source: s}\nfigures:\n"
    ).replace("since: 2019-01-01\n    date: 2019-01-10", "since: 2019-01-06\n    date: 2019-01-20")
    comparison = run_backtest(*files(tmp_path, lagged)).comparison.set_index("figure")
    # recorded 6–20 January = entered 1–15 January: 15 days of 1e8 USD of duty a day
    assert_allclose(comparison.loc["span", "simulated"], 1.5e9, rtol=1e-12)


def test_collection_lag_needs_a_known_source(tmp_path: Path) -> None:
    text = PUBLISHED.replace("figures:\n", "collection_lag: {value: 5 days, source: x}\nfigures:\n")
    with pytest.raises(TariffsimError, match="unknown source 'x'") as caught:
        run_backtest(*files(tmp_path, text))
    assert "collection_lag.source" in caught.value.render()
