"""The chart of one scenario run: duty by tranche and period, with the dated rate changes.

Three steps kept apart: prepare the data (:func:`tranche_duty_data`, pure),
draw (:func:`plot_tranche_duty`, returns a Figure), save
(:func:`save_figure`, atomic: the file is whole or absent). Money axes are
in $B; colours and layout come from :mod:`tariffsim.outputs.style`. The
comparison charts live in :mod:`tariffsim.comparison.chart`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from tariffsim.outputs import style
from tariffsim.outputs.text import event_marks, sources_line

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from tariffsim.model.results import Result

PALETTE = style.PALETTE
"""Okabe & Ito (2008) colours, distinguishable with the common colour-vision deficiencies."""


BAR_WIDTH = 0.8
"""Width of a period's bar, and of its static-total mark [periods]."""


def tranche_duty_data(result: Result, mode: str | None = None) -> pd.DataFrame:
    """Additional duty per period [USD / 1e9 = $B]: rows are period starts, columns tranche labels.

    ``mode`` defaults to the run's headline mode.
    """
    rows = result.periods[result.periods["mode"] == (mode or result.mode)]
    frame = rows.pivot_table(
        index="period_start",
        columns="label",
        values="additional_duty_usd",
        aggfunc="sum",
        sort=False,
    )
    order = [t.label for t in result.scenario.tranches.values()]
    return frame[order] / 1e9


def plot_tranche_duty(result: Result) -> Figure:
    """Stacked bars of additional duty per period by tranche, rate changes marked and labelled."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    data = tranche_duty_data(result)
    data = data.loc[:, data.abs().sum() > 0]
    periods = list(data.index)
    colours = [style.colour_of(i) for i in range(len(data.columns))]
    # a behavioural run also marks the static (imports fixed) total of each period
    static = None if result.mode == "static" else tranche_duty_data(result, "static").sum(axis=1)
    with style.styled():
        fig = style.new_figure(9.0, 5.4)
        handles: list[object] = [Patch(color=c) for c in colours]
        labels = list(data.columns)
        if static is not None:
            handles.append(Line2D([], [], color="#000000", lw=2))
            labels.append("static total (imports fixed)")
        footer = f"tariffsim · {result.name} · {result.mode} model. {sources_line([result])}"
        style.frame_figure(fig, result.scenario.title, footer, handles, labels)
        ax = fig.subplots()
        bottom = [0.0] * len(periods)
        for label, colour in zip(data.columns, colours, strict=True):
            values = data[label].to_numpy()
            ax.bar(range(len(periods)), values, bottom=bottom, color=colour, width=BAR_WIDTH)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        if static is not None:
            top = static.reindex(periods).to_numpy()
            # a line across each bar's own width, in data units: a marker's width is fixed in
            # points, so on daily or weekly bars it spilled over its neighbours
            left = [i - BAR_WIDTH / 2 for i in range(len(periods))]
            right = [i + BAR_WIDTH / 2 for i in range(len(periods))]
            ax.hlines(top, left, right, color="#000000", lw=2, zorder=3)
            bottom = [max(b, t) for b, t in zip(bottom, top, strict=True)]
        ax.set_xticks(*_period_ticks(periods, result.step))
        ax.set_xlim(-0.6, len(periods) - 0.4)
        model = "" if static is None else f" ({result.mode} model; marks: static)"
        ax.set_title(f"Additional duty per {result.step}, by tranche{model}", fontsize=10)
        style.money_axis(ax, f"Additional duty per {result.step} ($B)")
        marks = event_marks([result])
        positions = [_position(d, periods, result.periods) for d in marks["date"]]
        style.mark_events(ax, list(zip(positions, marks["text"], strict=True)), max(bottom))
    return fig


MAX_TICKS = 16
"""Most tick labels on the period axis; more are thinned out."""


def _period_ticks(periods: list[dt.date], step: str) -> tuple[list[int], list[str]]:
    """Tick positions and labels for the bars: months (or quarters, years), the year shown
    under the first tick and under each January.

    Daily and weekly bars get a tick at the first bar of each month only.
    """
    if step in ("day", "week"):
        positions = [i for i, d in enumerate(periods) if i == 0 or d.month != periods[i - 1].month]
    else:
        positions = list(range(len(periods)))
    every = -(-len(positions) // MAX_TICKS)
    positions = positions[::every]
    labels = []
    for n, i in enumerate(positions):
        day = periods[i]
        new_year = n == 0 or day.year != periods[positions[n - 1]].year
        year = f"\n{day.year}" if new_year else ""
        if step == "quarter":
            labels.append(f"Q{(day.month - 1) // 3 + 1}{year}")
        elif step == "year":
            labels.append(str(day.year))
        else:
            labels.append(day.strftime("%b") + year)
    return positions, labels


def _position(day: dt.date, periods: list[dt.date], rows: pd.DataFrame) -> float:
    """x of a date on the bar axis: bar i spans i − 0.5 to i + 0.5 over its period's days."""
    import bisect

    index = bisect.bisect_right(periods, day) - 1
    end = rows.loc[rows["period_start"] == periods[index], "period_end"].iloc[0]
    share = (day - periods[index]).days / ((end - periods[index]).days + 1)
    return float(index - 0.5 + share)
