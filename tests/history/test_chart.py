"""The backtest chart: prepared data is right; the figure has its three panels."""

from __future__ import annotations

import pandas as pd
from numpy.testing import assert_allclose

from tariffsim.history.backtest import run_backtest
from tariffsim.history.chart import backtest_chart_data, plot_backtest
from tests.conftest import SCENARIOS

HISTORY = SCENARIOS / "history" / "us-china-2018-2020.yaml"


def test_chart_data_and_figure() -> None:
    replay = run_backtest(HISTORY, SCENARIOS / "history" / "published.yaml")
    data = backtest_chart_data(replay)
    cumulative = data["cumulative"]
    # each mode's cumulative duty curve ends at the sum of the Section 301 tranches' duty
    periods = replay.results[0].periods
    lists = periods[periods.tranche.isin(["list1", "list2", "list3", "list4a", "list4b"])]
    assert list(dict.fromkeys(cumulative["mode"])) == ["static", "behavioural"]
    for mode, curve in cumulative.groupby("mode"):
        total = lists[lists["mode"] == mode].additional_duty_usd.sum() / 1e9
        assert_allclose(curve.cumulative_busd.iloc[-1], total, rtol=1e-12)
    assert set(data["series"].importer) == {"US", "CN"}
    fig = plot_backtest(replay)
    assert len(fig.axes) == 4
    assert fig.axes[0].get_title(loc="left") == "US tariffs on imports from China"


def test_cumulative_duty_is_dated_when_recorded() -> None:
    replay = run_backtest(HISTORY, SCENARIOS / "history" / "published.yaml")
    cumulative = backtest_chart_data(replay)["cumulative"]
    lag = replay.published.collection_lag
    assert lag is not None
    gap = cumulative["recorded"] - pd.to_datetime(cumulative["period_start"])
    assert (gap == pd.Timedelta(days=lag.value)).all()
