"""The backtest chart: simulated average tariffs and duty against published points.

Prepare the data (pure, testable) → draw (returns a Figure); saving goes
through :func:`tariffsim.outputs.files.save_figure` (atomic). Rates in %, money
in $B. No file I/O here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from tariffsim.model.aggregates import average_tariff_series
from tariffsim.outputs.style import PALETTE, date_axis

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from tariffsim.history.backtest import Backtest

MODE_COLOURS = {"static": PALETTE[0], "behavioural": PALETTE[2]}

_PAIR_TITLE = {
    ("US", "CN"): "US tariffs on imports from China",
    ("CN", "US"): "China's tariffs on imports from the US",
}


def backtest_chart_data(replay: Backtest) -> dict[str, pd.DataFrame]:
    """Frames to draw: ``series`` (average tariffs, %), ``points`` (published figures),
    ``cumulative`` (simulated Section 301 duty since its first day, $B, per mode, dated
    ``recorded``: the entry day plus the figures' collection lag, as the published points are).
    """
    result = replay.results[0]
    series = average_tariff_series(result.scenario)
    points = replay.comparison
    duty_points = points[points["kind"] == "cumulative_duty"]
    tranches = _duty_scope(replay)
    frames = []
    for run in replay.results:
        periods = run.periods[run.periods["tranche"].isin(tranches)]
        daily = periods.groupby(["mode", "period_start"], sort=False)["additional_duty_usd"].sum()
        frame = daily.groupby(level="mode", sort=False).cumsum().reset_index()
        frame["cumulative_busd"] = frame["additional_duty_usd"] / 1e9
        frames.append(frame)
    cumulative = pd.concat(frames, ignore_index=True)
    lag = replay.published.collection_lag
    shift = pd.Timedelta(days=lag.value if lag is not None else 0)
    cumulative["recorded"] = pd.to_datetime(cumulative["period_start"]) + shift
    return {
        "series": series,
        "points": points,
        "duty_points": duty_points,
        "cumulative": cumulative,
    }


def _duty_scope(replay: Backtest) -> list[str]:
    """The tranches the cumulative-duty figures cover (all tranches if none say)."""
    named = [
        t
        for figure in replay.published.figures.values()
        if figure.kind == "cumulative_duty"
        for t in figure.tranches
    ]
    return sorted(set(named)) or list(replay.results[0].scenario.tranches)


def plot_backtest(replay: Backtest) -> Figure:
    """Four panels: each importer's average tariff (applied, planned, published), the
    cumulative duty and the yearly imports, simulated (every mode) against published."""
    from tariffsim.outputs import style
    from tariffsim.outputs.text import sources_line

    scenario = replay.results[0].scenario
    if scenario.authority_parts:  # written with measures: the chart by authority
        from tariffsim.history.chart_authority import plot_authority_backtest

        return plot_authority_backtest(replay)
    data = backtest_chart_data(replay)
    footer = (
        "tariffsim backtest · fixed 2017 weights · published: PIIE (Bown), CBP via trade press."
        f" {sources_line(replay.results[:1])}"
    )
    with style.styled():
        fig = style.new_figure(13, 9.0)
        style.frame_figure(fig, f"Backtest: {scenario.title}", footer)
        axes = fig.subplots(2, 2)
        for ax, pair in zip(axes[0], [("US", "CN"), ("CN", "US")], strict=True):
            _draw_pair(ax, data, pair)
            style.percent_axis(ax, scale=1.0)
        _draw_duty(axes[1][0], data)
        _draw_imports(axes[1][1], data)
    return fig


def _steps(frame: pd.DataFrame, column: str) -> tuple[list[Any], list[float]]:
    x = [*frame["start"], frame["end"].iloc[-1]]
    y = [*(frame[column] * 100), float(frame[column].iloc[-1] * 100)]
    return x, y


def _draw_pair(ax: Axes, data: dict[str, pd.DataFrame], pair: tuple[str, str]) -> None:
    series = data["series"]
    frame = series[(series["importer"] == pair[0]) & (series["exporter"] == pair[1])]
    x, y = _steps(frame, "planned_rate")
    ax.step(
        x,
        y,
        where="post",
        color=PALETTE[1],
        ls="--",
        lw=1.2,
        label="planned (every announced step)",
    )
    x, y = _steps(frame, "applied_rate")
    ax.step(x, y, where="post", color=PALETTE[0], lw=2, label="applied (simulated)")
    points = data["points"]
    mine = points[
        (points["kind"] == "average_tariff")
        & (points["importer"] == pair[0])
        & (points["exporter"] == pair[1])
        & (points["mode"] == points["mode"].iloc[0])
    ]
    ax.plot(
        pd.to_datetime(mine["when"]),
        mine["published"] * 100,
        "o",
        color=PALETTE[5],
        label="published (PIIE, Bown)",
    )
    date_axis(ax)
    ax.set_ylabel("Average tariff (%)")
    ax.set_title(
        _PAIR_TITLE.get(pair, f"{pair[0]} on imports from {pair[1]}"), loc="left", fontsize=10
    )
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)


def _draw_duty(ax: Axes, data: dict[str, pd.DataFrame]) -> None:
    cumulative = data["cumulative"]
    for mode, frame in cumulative.groupby("mode", sort=False):
        ax.plot(
            frame["recorded"],
            frame["cumulative_busd"],
            color=MODE_COLOURS.get(str(mode), PALETTE[7]),
            lw=2,
            label=f"simulated, {mode}",
        )
    points = data["duty_points"]
    first = points[points["mode"] == points["mode"].iloc[0]] if len(points) else points
    ax.plot(
        pd.to_datetime([w.split(" to ")[1] for w in first["when"]]),
        first["published"] / 1e9,
        "o",
        color=PALETTE[5],
        label="published (duty assessed to date)",
    )
    date_axis(ax)
    ax.set_ylabel("Cumulative additional duty ($B)")
    ax.set_title(
        "Cumulative additional duty of the tranches the published duty figures cover",
        loc="left",
        fontsize=10,
    )
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)


def _draw_imports(ax: Axes, data: dict[str, pd.DataFrame]) -> None:
    points = data["points"]
    imports = points[points["kind"] == "calendar_year_imports"]
    modes = list(dict.fromkeys(imports["mode"]))
    first = imports[imports["mode"] == modes[0]] if modes else imports
    years = list(first["when"])
    width = 0.8 / (len(modes) + 1)
    positions = range(len(years))
    bars = ax.bar(
        [p - 0.4 + width / 2 for p in positions],
        first["published"] / 1e9,
        width,
        color=PALETTE[5],
        label="published (Census)",
    )
    ax.bar_label(bars, fmt="%.0f", fontsize=7)
    for i, mode in enumerate(modes, start=1):
        rows = imports[imports["mode"] == mode]
        bars = ax.bar(
            [p - 0.4 + width * (i + 0.5) for p in positions],
            rows["simulated"] / 1e9,
            width,
            color=MODE_COLOURS.get(mode, PALETTE[7]),
            label=f"simulated, {mode}",
        )
        ax.bar_label(bars, fmt="%.0f", fontsize=7)
    ax.set_xticks(list(positions), years)
    ax.set_ylabel("Imports ($B)")
    ax.set_title("US imports from China by calendar year", loc="left", fontsize=10)
    ax.legend(loc="lower right", frameon=True, fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
