"""Draw the comparison charts: each function takes comparable results and returns a Figure.

1. duty per period, one line per scenario, dated events marked and labelled;
2. cumulative duty; 3. effective additional tariff rate (a step chart);
4. totals with the difference to the reference. :func:`plot_comparison` puts
all four on one figure; :func:`comparison_figures` gives one figure per chart.
The data come from :mod:`tariffsim.comparison.chart_data`; nothing is computed here
beyond scaling to $B and %. No file I/O (see :func:`tariffsim.outputs.files.save_figure`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tariffsim.comparison import chart_data as data
from tariffsim.comparison.compute import check_comparable, reference_result
from tariffsim.outputs import style, text
from tariffsim.outputs.files import check_plot_dir

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from tariffsim.model.results import Result

BILLION = 1e9

TITLES = {
    "duty-per-period": "Additional duty per period",
    "cumulative-duty": "Cumulative additional duty",
    "effective-rate": "Effective additional tariff rate",
    "totals": "Total additional duty, and difference to the reference",
}
"""Chart name (also its file name in ``--plot-dir``) → title."""

Drawer = Callable[["Axes", Sequence["Result"], str | None], None]


def _series(results: Sequence[Result]) -> list[tuple[str, str]]:
    """(scenario, mode) of every line, in the order given, static before behavioural."""
    return [(r.name, m) for r in results for m in r.modes]


def _all_modes(results: Sequence[Result]) -> set[str]:
    return {m for r in results for m in r.modes}


def _line_style(results: Sequence[Result], scenario: str, mode: str) -> dict[str, Any]:
    names = [r.name for r in results]
    index = names.index(scenario)
    # earlier lines drawn wider, so a line lying on top of another leaves its edges visible
    width = 1.2 + 1.4 * (len(names) - 1 - index) / max(1, len(names) - 1)
    return {
        "color": style.scenario_colours(names)[scenario],
        "ls": style.MODE_LINESTYLE.get(mode, "-."),
        "lw": width,
        "label": style.series_label(scenario, mode, _all_modes(results)),
    }


def draw_duty_per_period(ax: Axes, results: Sequence[Result], reference: str | None) -> None:
    """Chart 1: additional duty per period [$B] as steps, events marked."""
    frame = data.duty_per_period_data(results)
    top = 0.0
    for scenario, mode in _series(results):
        rows = frame[(frame["scenario"] == scenario) & (frame["mode"] == mode)]
        x: Any = text.step_points(list(rows["period_start"]), list(rows["period_end"]))
        values = list(rows["additional_duty_usd"] / BILLION)
        ax.step(x, [*values, values[-1]], where="post", **_line_style(results, scenario, mode))
        top = max(top, *values)
    ax.set_title(TITLES["duty-per-period"])
    style.money_axis(ax, f"Additional duty per {results[0].step} ($B)")
    style.date_axis(ax)
    marks = text.event_marks(results)
    style.mark_events(ax, list(zip(marks["date"], marks["text"], strict=True)), top)


def draw_cumulative_duty(ax: Axes, results: Sequence[Result], reference: str | None) -> None:
    """Chart 2: additional duty accumulated since the horizon's start [$B].

    Each period's running total is drawn at the day after the period ends, from 0 at the start.
    """
    frame = data.cumulative_duty_data(results)
    start = results[0].scenario.horizon.start
    for scenario, mode in _series(results):
        rows = frame[(frame["scenario"] == scenario) & (frame["mode"] == mode)]
        x = [start, *[d + dt.timedelta(days=1) for d in rows["period_end"]]]
        y = [0.0, *list(rows["cumulative_additional_duty_usd"] / BILLION)]
        ax.plot(x, y, **_line_style(results, scenario, mode))
    ax.set_title(TITLES["cumulative-duty"])
    style.money_axis(ax, "Additional duty since the start ($B)")
    style.date_axis(ax)
    ax.set_ylim(bottom=0)


def draw_effective_rate(ax: Axes, results: Sequence[Result], reference: str | None) -> None:
    """Chart 3: the import-weighted additional rate of each period [%], as steps."""
    frame = data.effective_rate_data(results)
    for scenario, mode in _series(results):
        rows = frame[(frame["scenario"] == scenario) & (frame["mode"] == mode)]
        x: Any = text.step_points(list(rows["period_start"]), list(rows["period_end"]))
        values = list(rows["effective_additional_rate"] * 100)
        ax.step(x, [*values, values[-1]], where="post", **_line_style(results, scenario, mode))
    ax.set_title(TITLES["effective-rate"])
    ax.set_ylabel("Additional duty ÷ imports (%)")
    style.percent_axis(ax, scale=1.0)
    ax.set_ylim(bottom=0)
    style.date_axis(ax)


def draw_totals(ax: Axes, results: Sequence[Result], reference: str | None) -> None:
    """Chart 4: additional duty over the horizon [$B], one bar per scenario and mode.

    Each bar carries one label above it, at the axis: the series, its total and the
    difference to the reference (``"escalate  $116.6B  (+$45.9B, +64.9 %)"``). The
    labels give every value, so no value axis is drawn.
    """
    frame = data.totals_data(results, reference)
    ref_name = reference_result(results, reference).name
    colours = style.scenario_colours([r.name for r in results])
    modes = _all_modes(results)
    rows = list(frame.itertuples(index=False))
    top = max(float(frame["additional_duty_usd"].max()) / BILLION, 1e-9)
    for y, row in zip(range(len(rows))[::-1], rows, strict=True):
        value = row.additional_duty_usd / BILLION
        # the bar fills the lower half of its row, its label the upper half
        ax.barh(
            y - BAR_DROP,
            value,
            height=BAR_HEIGHT,
            color=colours[row.scenario],
            hatch=style.MODE_HATCH.get(row.mode, "..."),
            edgecolor="white",
            linewidth=0,
        )
        series = style.series_label(row.scenario, row.mode, modes)
        ax.annotate(
            f"{series}  ${value:,.1f}B  {_difference_text(row, ref_name)}".rstrip(),
            xy=(0, y - BAR_DROP + BAR_HEIGHT / 2),
            xytext=(1, 1.5),
            textcoords="offset points",
            va="bottom",
            fontsize=8.5,
            parse_math=False,
        )
    ax.set_xlim(0, top * 1.02)
    ax.set_ylim(-0.5 - BAR_DROP, len(rows) - 0.5)
    ax.set_title(f"{TITLES['totals']} ({ref_name})")
    ax.xaxis.set_visible(False)
    ax.yaxis.set_visible(False)
    ax.spines[["bottom", "top", "right"]].set_visible(False)
    ax.grid(False)


BAR_HEIGHT = 0.46
"""Height of a totals bar [rows]; the rest of its row holds its label."""
BAR_DROP = 0.22
"""How far a totals bar sits below its row's centre [rows]."""


def _difference_text(row: Any, reference: str) -> str:
    if row.scenario == reference:
        return "(reference)"
    difference = row.additional_duty_difference_usd / BILLION
    if difference != difference:  # NaN: the reference lacks this mode
        return ""
    relative = row.additional_duty_relative_difference
    sign = "+" if difference >= 0 else "−"
    share = "" if relative != relative else f", {sign}{abs(relative) * 100:,.1f} %"
    return f"({sign}${abs(difference):,.1f}B{share})"


DRAWERS: dict[str, Drawer] = {
    "duty-per-period": draw_duty_per_period,
    "cumulative-duty": draw_cumulative_duty,
    "effective-rate": draw_effective_rate,
    "totals": draw_totals,
}


def _subtitle(results: Sequence[Result], reference: str | None) -> str:
    """The reference and the range; the paths themselves are named once, by the legend or bars."""
    ref = reference_result(results, reference).name
    h = results[0].scenario.horizon
    return f"reference: {ref} · {h.start} to {h.end}"


MODE_MEANING = {
    "static": "imports do not respond to tariffs",
    "behavioural": "imports respond to tariffs",
}
"""What each mode means, for the footer."""


def _footer(results: Sequence[Result], name: str | None = None) -> str:
    """The footer of chart ``name`` (None: the four-panel figure): how each mode is drawn.

    Lines show a mode by their style (solid, dashed), the totals' bars by their hatching.
    """
    modes = _all_modes(results)
    if len(modes) == 1:
        (mode,) = modes
        note = f"{mode}: {MODE_MEANING.get(mode, mode)}"
    else:
        if name == "totals":
            looks = {"static": "plain bars", "behavioural": "hatched bars"}
        elif name is not None:
            looks = {"static": "solid lines", "behavioural": "dashed lines"}
        else:
            looks = {
                "static": "solid lines, plain bars",
                "behavioural": "dashed lines, hatched bars",
            }
        note = "; ".join(f"{looks[m]}: {m} ({MODE_MEANING[m]})" for m in MODE_MEANING if m in modes)
    return f"tariffsim · {note}. {text.sources_line(results)}"


def _legend(results: Sequence[Result]) -> tuple[list[Any], list[str]]:
    """The legend: one entry per line, or, when modes are mixed, one colour per scenario and
    one line style per mode (a 4 × 2 grid of entries would not fit above the chart)."""
    from matplotlib.lines import Line2D

    series = _series(results)
    modes = _all_modes(results)
    if len(modes) == 1:
        entries = [_line_style(results, s, m) for s, m in series]
        return [Line2D([], [], **e) for e in entries], [e["label"] for e in entries]
    handles: list[Any] = []
    labels: list[str] = []
    for scenario in dict.fromkeys(s for s, _ in series):
        colour = _line_style(results, scenario, "static")["color"]
        handles.append(Line2D([], [], color=colour, ls="-", lw=2.4))
        labels.append(scenario)
    for mode in sorted(modes, key=lambda m: m != "static"):
        handles.append(
            Line2D([], [], color="#555555", ls=style.MODE_LINESTYLE.get(mode, "-."), lw=1.6)
        )
        labels.append(mode)
    return handles, labels


def _by_importer(results: Sequence[Result]) -> list[tuple[str | None, list[Result]]]:
    """The results split by importer, one entry per importing country (None: only one)."""
    from tariffsim.model.results import importers_of, select_importer

    importers = list(dict.fromkeys(i for r in results for i in importers_of(r)))
    if len(importers) <= 1:
        return [(None, list(results))]
    return [(i, [select_importer(r, i) for r in results]) for i in importers]


SHORT_TITLES = {
    "duty-per-period": "additional duty per period",
    "cumulative-duty": "cumulative additional duty",
    "effective-rate": "effective additional rate",
    "totals": "total additional duty",
}
"""Panel titles when each chart is drawn once per importer, kept short to fit a column."""


def _panel_title(ax: Axes, importer: str | None, name: str) -> None:
    if importer is not None:
        ax.set_title(f"Imports into {importer}: {SHORT_TITLES[name]}", loc="left")


def plot_chart(name: str, results: Sequence[Result], reference: str | None = None) -> Figure:
    """One comparison chart on its own figure; ``name`` is a key of :data:`TITLES`.

    With several importers, one panel per importer: their duties are never added.
    """
    check_comparable(results)
    parts = _by_importer(results)
    with style.styled():
        fig = style.new_figure(9.0, 5.4 + 3.6 * (len(parts) - 1))
        handles, labels = _legend(results) if name != "totals" else ([], [])
        subtitle = _subtitle(results, reference)
        footer = _footer(results, name)
        style.frame_figure(fig, TITLES[name], footer, handles, labels, subtitle)
        axes = fig.subplots(len(parts), 1, squeeze=False)[:, 0]
        for ax, (importer, own) in zip(axes, parts, strict=True):
            DRAWERS[name](ax, own, reference)
            if importer is None:
                ax.set_title("")  # the figure's title says it
            else:
                ax.set_title(f"Imports into {importer}", loc="left")
        if name == "totals":
            _one_scale(list(axes))
    return fig


def _one_scale(totals: Sequence[Axes]) -> None:
    """One length per dollar in every importer's totals panel: they show no axis to compare."""
    right = max(ax.get_xlim()[1] for ax in totals)
    for ax in totals:
        ax.set_xlim(0, right)


def plot_comparison(results: Sequence[Result], reference: str | None = None) -> Figure:
    """All four comparison charts on one figure (2 × 2), one shared legend.

    With several importers, one column per importer and one row per chart.
    """
    check_comparable(results)
    parts = _by_importer(results)
    with style.styled():
        if len(parts) == 1:
            fig = style.new_figure(12.0, 8.4)
        else:
            fig = style.new_figure(6.5 * len(parts), 16.0)
        handles, labels = _legend(results)
        subtitle = _subtitle(results, reference)
        style.frame_figure(
            fig, "Tariff paths compared", _footer(results), handles, labels, subtitle
        )
        order = ["duty-per-period", "cumulative-duty", "effective-rate", "totals"]
        if len(parts) == 1:
            grid = fig.subplots(2, 2)
            cells = [{n: ax for n, ax in zip(order, grid.ravel(), strict=True)}]
        else:
            grid = fig.subplots(4, len(parts), squeeze=False)
            cells = [
                {n: grid[row, col] for row, n in enumerate(order)} for col in range(len(parts))
            ]
        # the event labels are measured on the finished layout, so that chart comes last
        for (importer, own), axes in zip(parts, cells, strict=True):
            for name in ["cumulative-duty", "effective-rate", "totals"]:
                DRAWERS[name](axes[name], own, reference)
                _panel_title(axes[name], importer, name)
        _one_scale([axes["totals"] for axes in cells])
        for (importer, own), axes in zip(parts, cells, strict=True):
            DRAWERS["duty-per-period"](axes["duty-per-period"], own, reference)
            _panel_title(axes["duty-per-period"], importer, "duty-per-period")
    return fig


def comparison_figures(
    results: Sequence[Result], reference: str | None = None
) -> dict[str, Figure]:
    """Each comparison chart on its own figure, keyed by chart name."""
    return {name: plot_chart(name, results, reference) for name in DRAWERS}


def write_charts(
    results: Sequence[Result],
    reference: str | None,
    plot: Path | None = None,
    plot_dir: Path | None = None,
    extension: str = "png",
    manifest: Mapping[str, Any] | None = None,
) -> list[Path]:
    """Save the multi-panel figure to ``plot`` and/or one file per chart into ``plot_dir``.

    Every figure is drawn before any file is written, and each file is
    written atomically; ``plot_dir`` is created if its parent exists. Each figure
    is laid out once (:func:`tariffsim.outputs.style.settle`), so saving draws it once.
    """
    from tariffsim.outputs.files import DPI, chart_format, save_figure

    figures: dict[Path, Figure] = {}
    if plot is not None:
        chart_format(plot)  # refuse a bad name before drawing anything
        figures[plot] = plot_comparison(results, reference)
    if plot_dir is not None:
        check_plot_dir(plot_dir)
        for name, fig in comparison_figures(results, reference).items():
            figures[plot_dir / f"{name}.{extension}"] = fig
        plot_dir.mkdir(exist_ok=True)
    # laid out once each, so saving draws each figure once
    return [save_figure(style.settle(fig, DPI), path, manifest) for path, fig in figures.items()]
