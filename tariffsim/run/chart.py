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

import numpy as np

from tariffsim.outputs import style
from tariffsim.outputs.text import event_marks, sources_line

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from tariffsim.model.results import Result

PALETTE = style.PALETTE
"""Okabe & Ito (2008) colours, distinguishable with the common colour-vision deficiencies."""


BAR_WIDTH = 0.8
"""Width of a period's bar, and of its static-total mark [periods]."""


def tranche_duty_data(
    result: Result, mode: str | None = None, importer: str | None = None
) -> pd.DataFrame:
    """Additional duty per period [USD / 1e9 = $B]: rows are period starts, columns tranche labels.

    ``mode`` defaults to the run's headline mode; ``importer`` keeps one importer's tranches.
    """
    import pandas as pd

    a = result.arrays
    chosen = a.of_mode(mode or result.mode)
    if importer is not None:
        chosen &= np.asarray(a.rows.importers, dtype=object) == importer
    duty = a.values["additional_duty_usd"]
    by_label: dict[str, np.ndarray] = {}
    for i in np.flatnonzero(chosen).tolist():
        label = a.rows.labels[i]
        by_label[label] = by_label[label] + duty[i] if label in by_label else duty[i].copy()
    order = [
        t.label
        for t in result.scenario.tranches.values()
        if importer is None or t.importer == importer
    ]
    kept = [label for label in dict.fromkeys(order) if label in by_label]
    index = pd.Index(a.starts.tolist(), name="period_start")
    return pd.DataFrame({label: by_label[label] / 1e9 for label in kept}, index=index)


def series_colours(result: Result) -> tuple[dict[str, str], list[str]]:
    """The colour of each tranche label with duty, and the labels grouped as "other".

    At most :data:`~tariffsim.outputs.style.MAX_SERIES` series by colour: past that, the
    tranches with the least additional duty over the horizon share one grey "other".
    """
    data = tranche_duty_data(result)
    sizes = data.abs().sum()
    sizes = sizes[sizes > 0]
    kept, grouped = style.largest_series({str(k): float(v) for k, v in sizes.items()})
    colours = {label: style.colour_of(i) for i, label in enumerate(kept)}
    return colours, grouped


def importers_of(result: Result) -> list[str]:
    """The importing countries of a scenario's tranches, in file order."""
    return list(dict.fromkeys(t.importer for t in result.scenario.tranches.values()))


def plot_tranche_duty(result: Result) -> Figure:
    """Stacked bars of additional duty per period by tranche, rate changes marked and labelled.

    One panel per importer: two countries' duties are never stacked in one bar.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    colours, grouped = series_colours(result)
    importers = importers_of(result)
    handles: list[object] = [Patch(color=c) for c in colours.values()]
    labels = list(colours)
    if grouped:
        handles.append(Patch(color=style.OTHER))
        labels.append(f"other ({len(grouped)} tranches)")
    if result.mode != "static":
        handles.append(Line2D([], [], color="#000000", lw=2))
        labels.append("static total (imports fixed)")
    footer = f"tariffsim · {result.name} · {result.mode} model. {sources_line([result])}"
    with style.styled():
        fig = style.new_figure(9.0, 5.4 + 3.4 * (len(importers) - 1))
        style.frame_figure(fig, result.scenario.title, footer, handles, labels)
        axes = fig.subplots(len(importers), 1, squeeze=False)[:, 0]
        panels = [
            (ax, i if len(importers) > 1 else None) for ax, i in zip(axes, importers, strict=True)
        ]
        tops = [_draw_panel(ax, result, importer, colours, grouped) for ax, importer in panels]
        # the event labels are measured on the finished layout
        for (ax, importer), top in zip(panels, tops, strict=True):
            _mark_panel(ax, result, importer, top)
    return fig


def _draw_panel(
    ax: Axes, result: Result, importer: str | None, colours: dict[str, str], grouped: list[str]
) -> float:
    """One importer's stacked bars and static marks; returns the highest bar [$B]."""
    data = tranche_duty_data(result, importer=importer)
    periods = list(data.index)
    bottom = [0.0] * len(periods)
    stacks = [(label, data[label].to_numpy(), c) for label, c in colours.items() if label in data]
    others = [label for label in grouped if label in data]
    if others:
        stacks.append(("other", data[others].sum(axis=1).to_numpy(), style.OTHER))
    for _, values, colour in stacks:
        ax.bar(range(len(periods)), values, bottom=bottom, color=colour, width=BAR_WIDTH)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    if result.mode != "static":
        static = tranche_duty_data(result, "static", importer).sum(axis=1)
        top = static.reindex(periods).to_numpy()
        # a line across each bar's own width, in data units: a marker's width is fixed in
        # points, so on daily or weekly bars it spilled over its neighbours
        left = [i - BAR_WIDTH / 2 for i in range(len(periods))]
        right = [i + BAR_WIDTH / 2 for i in range(len(periods))]
        ax.hlines(top, left, right, color="#000000", lw=2, zorder=3)
        bottom = [max(b, t) for b, t in zip(bottom, top, strict=True)]
    ax.set_xticks(*_period_ticks(periods, result.step))
    ax.set_xlim(-0.6, len(periods) - 0.4)
    model = "" if result.mode == "static" else f" ({result.mode} model; marks: static)"
    into = f"Imports into {importer}: additional" if importer else "Additional"
    ax.set_title(f"{into} duty per {result.step}, by tranche{model}", fontsize=10)
    style.money_axis(ax, f"Additional duty per {result.step} ($B)")
    return max(bottom, default=0.0)


def _mark_panel(ax: Axes, result: Result, importer: str | None, top: float) -> None:
    """The rate changes of one importer's tranches, marked on its panel."""
    periods = list(tranche_duty_data(result, importer=importer).index)
    marks = event_marks([result], importer)
    ends = result.arrays.ends.tolist()
    positions = [_position(d, periods, ends) for d in marks["date"]]
    style.mark_events(ax, list(zip(positions, marks["text"], strict=True)), top)


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


def _position(day: dt.date, periods: list[dt.date], ends: list[dt.date]) -> float:
    """x of a date on the bar axis: bar i spans i − 0.5 to i + 0.5 over its period's days."""
    import bisect

    index = bisect.bisect_right(periods, day) - 1
    end = ends[index]
    share = (day - periods[index]).days / ((end - periods[index]).days + 1)
    return float(index - 0.5 + share)
