"""The shipped history's chart: a title, its footer's dollar signs shown as dollars."""

from __future__ import annotations

from tariffsim.history.backtest import run_backtest
from tariffsim.history.chart import plot_backtest
from tests import chartcheck
from tests.conftest import SCENARIOS


def test_backtest_chart_has_a_title_and_shows_its_dollar_signs() -> None:
    history = SCENARIOS / "history"
    fig = plot_backtest(
        run_backtest(history / "us-china-2018-2020.yaml", history / "published.yaml")
    )
    assert chartcheck.title_of(fig).startswith("Backtest: ")
    footer = next(t for t in fig.texts if t.get_text().startswith("tariffsim backtest"))
    text = footer.get_text()
    assert "$60B" in text and "$75B" in text  # the source titles' amounts, whole
    assert not footer.get_parse_math()  # drawn as text: "$60B … $75B" is no formula
    assert chartcheck.layout_problems(fig)[0] == []  # no text outside the figure
