"""The backtest chart of a replay written with measures: the average tariff by authority.

Two panels: the average tariff at each step, stacked by authority (MFN at the bottom), with
the published figures as points; and the duty of invalidated measures by US fiscal year
(deposited and owed by entry date, refunded by payment date). Prepare the data (pure,
testable) → draw (returns a Figure); saving goes through
:func:`tariffsim.outputs.files.save_figure`. Rates in %, money in $B. No file I/O here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tariffsim.model.aggregates import authority_series, refund_years
from tariffsim.model.stack import authority_name
from tariffsim.outputs.style import PALETTE, colour_of, date_axis

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from tariffsim.history.backtest import Backtest

_KEYS = ["importer", "exporter", "start", "end", "days", "total"]


def authority_chart_data(replay: Backtest) -> dict[str, pd.DataFrame]:
    """Frames to draw: ``series`` (one importer × exporter's steps by authority, [1]),
    ``points`` (its published average tariffs, first mode), ``refunds`` (every measure
    together, by fiscal year [USD])."""
    result = replay.results[0]
    series = authority_series(result.scenario)
    first = series[["importer", "exporter"]].drop_duplicates().iloc[0]
    series = series[
        (series["importer"] == first["importer"]) & (series["exporter"] == first["exporter"])
    ]
    points = replay.comparison
    points = points[
        (points["kind"] == "average_tariff")
        & (points["importer"] == first["importer"])
        & (points["exporter"] == first["exporter"])
        & (points["mode"] == points["mode"].iloc[0])
    ]
    refunds = refund_years(result)
    return {
        "series": series.reset_index(drop=True),
        "points": points.reset_index(drop=True),
        "refunds": refunds[refunds["measure"] == "all"].reset_index(drop=True),
    }


def plot_authority_backtest(replay: Backtest) -> Figure:
    """The average tariff stacked by authority against published figures, and the refunds."""
    from tariffsim.outputs import style
    from tariffsim.outputs.text import sources_line

    data = authority_chart_data(replay)
    scenario = replay.results[0].scenario
    footer = (
        "tariffsim backtest · fixed weights, static · published: "
        + ", ".join(dict.fromkeys(data["points"]["source_id"]))
        + f". {sources_line(replay.results[:1])}"
    )
    with style.styled():
        fig = style.new_figure(13, 9.0)
        style.frame_figure(fig, f"Backtest: {scenario.title}", footer)
        top, bottom = fig.subplots(2, 1, height_ratios=[3, 2])
        _draw_steps(top, data)
        style.percent_axis(top, scale=1.0)
        _draw_refunds(bottom, data["refunds"])
    return fig


def _draw_steps(ax: Axes, data: dict[str, pd.DataFrame]) -> None:
    series = data["series"]
    parts = [c for c in series.columns if c not in _KEYS]
    x = [*pd.to_datetime(series["start"]), pd.to_datetime(series["end"].iloc[-1])]
    below = np.zeros(len(x))
    for i, part in enumerate(parts):
        values = np.array([*series[part], series[part].iloc[-1]]) * 100
        ax.fill_between(
            x,
            below,
            below + values,
            step="post",
            color=colour_of(i),
            alpha=0.8,
            label=authority_name(part),
        )
        below = below + values
    ax.step(x, below, where="post", color="black", lw=1, label="total (simulated)")
    points = data["points"]
    for j, (source, rows) in enumerate(points.groupby("source_id", sort=False)):
        ax.plot(
            pd.to_datetime(rows["when"]),
            rows["published"] * 100,
            "o^sD"[j % 4],
            color="black",
            mfc="white",
            label=f"published: {source}",
        )
    date_axis(ax)
    pair = series.iloc[0]
    ax.set_ylabel("Average tariff (%)")
    ax.set_title(
        f"{pair['importer']} tariffs on imports from {pair['exporter']}, by authority",
        loc="left",
        fontsize=10,
    )
    ax.legend(loc="upper right", frameon=False, fontsize=8, ncols=2)
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)


def _draw_refunds(ax: Axes, refunds: pd.DataFrame) -> None:
    if refunds.empty:
        ax.text(0.5, 0.5, "No measure is held invalid in this history.", ha="center")
        ax.set_axis_off()
        return
    bars: list[tuple[str, str, Any]] = [
        ("deposited_usd", "deposited (by entry)", PALETTE[0]),
        ("owed_usd", "owed, what stands (by entry)", PALETTE[1]),
        ("refunded_usd", "refunded (by payment)", PALETTE[2]),
    ]
    positions = np.arange(len(refunds))
    width = 0.8 / len(bars)
    for i, (column, label, colour) in enumerate(bars):
        drawn = ax.bar(
            positions - 0.4 + width * (i + 0.5),
            refunds[column] / 1e9,
            width,
            color=colour,
            label=label,
        )
        ax.bar_label(drawn, fmt="%.1f", fontsize=7)
    ax.set_xticks(list(positions), list(refunds["year"]))
    ax.set_ylabel("Duty ($B)")
    ax.set_title("Duty of the measures held invalid, by US fiscal year", loc="left", fontsize=10)
    ax.legend(loc="upper right", frameon=False, fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
