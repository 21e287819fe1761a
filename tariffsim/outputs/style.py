"""The one house style of tariffsim's charts: colours, line styles, axes, legend, footer, labels.

Colours are Okabe–Ito, safe for the common colour-vision deficiencies; a
scenario keeps its colour in every panel and every chart
(:func:`scenario_colours`). Static results are drawn solid and behavioural
results dashed (bars: plain and hatched). Money axes are in $B, dates use
matplotlib's concise formatter. This module draws decorations only; it
computes no data.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datetime as dt

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
"""Okabe & Ito (2008) colours, distinguishable with the common colour-vision deficiencies."""

PATH_COLOURS = {
    "escalate": PALETTE[0],
    "hold": PALETTE[1],
    "ceasefire": PALETTE[2],
    "deescalate": PALETTE[3],
}
"""The shipped tariff paths, by scenario name: each keeps its colour in every chart."""

NEUTRAL = "#4D4D4D"
"""The colour of a series that belongs to no one scenario (a sweep's whole outlook)."""

MODE_LINESTYLE = {"static": "-", "behavioural": "--"}
"""Static results solid, behavioural (imports respond to tariffs) dashed."""

MODE_HATCH = {"static": "", "behavioural": "///"}
"""The same distinction for bars."""

FOOTER_POINTS = 7.0
"""Font size of the footer [pt]."""
TITLE_POINTS = 12.0
"""Font size of the figure title [pt]."""
LEGEND_POINTS = 8.5
"""Font size of the legend [pt]."""

RC: dict[str, Any] = {
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 9.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "axes.grid.axis": "y",
    "grid.alpha": 0.3,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "legend.fontsize": LEGEND_POINTS,
    "legend.frameon": False,
    "figure.titlesize": TITLE_POINTS,
    "figure.titleweight": "bold",
}


@contextmanager
def styled() -> Iterator[None]:
    """Draw inside this context so every chart gets the same fonts, spines and grid."""
    import matplotlib as mpl

    rc: Any = RC  # matplotlib types the keys as a Literal of every rc name
    with mpl.rc_context(rc):
        yield


def new_figure(width: float, height: float) -> Figure:
    """A Figure [inches] on the Agg canvas (no pyplot, no GUI), laid out by constrained layout."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def colour_of(index: int) -> str:
    """The palette colour of the series at ``index``."""
    return PALETTE[index % len(PALETTE)]


def scenario_colours(names: Sequence[str]) -> dict[str, str]:
    """The colour of each scenario, the same in every chart that shows it.

    The shipped paths take their colour from :data:`PATH_COLOURS` by name, so
    escalate is blue whether it is drawn first or last, in ``compare`` or in a
    sweep. Other names take, in the order given, the colours no shipped path
    owns, then those of the shipped paths not shown; past that they repeat.
    """
    unique = list(dict.fromkeys(names))
    colours = {n: PATH_COLOURS[n] for n in unique if n in PATH_COLOURS}
    owned = set(PATH_COLOURS.values())
    free = [c for c in PALETTE if c not in owned]
    free += [c for c in PALETTE if c in owned and c not in colours.values()]
    others = [n for n in unique if n not in colours]
    colours |= {n: free[i % len(free)] for i, n in enumerate(others)}
    return {n: colours[n] for n in unique}


def series_label(scenario: str, mode: str, modes: set[str]) -> str:
    """The legend entry: the scenario's name, with its mode when modes are mixed."""
    return scenario if modes == {"static"} else f"{scenario} ({mode})"


def money_axis(ax: Axes, label: str, axis: str = "y") -> None:
    """Label a money axis [$B] and show thousands separators."""
    from matplotlib.ticker import FuncFormatter

    formatter = FuncFormatter(lambda v, _pos: f"{v:,.0f}" if abs(v) >= 10 else f"{v:,.3g}")
    if axis == "y":
        ax.set_ylabel(label)
        ax.yaxis.set_major_formatter(formatter)
    else:
        ax.set_xlabel(label)
        ax.xaxis.set_major_formatter(formatter)


def date_axis(ax: Axes) -> None:
    """Readable dates: month ticks with the year shown once where it changes."""
    import matplotlib.dates

    mdates: Any = matplotlib.dates  # untyped constructors
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))


def frame_figure(
    fig: Figure,
    title: str,
    footer: str,
    handles: Sequence[Any] = (),
    labels: Sequence[str] = (),
    subtitle: str = "",
) -> None:
    """Title, subtitle, a legend row above the axes, and a wrapped footer, space kept for each.

    Constrained layout places the axes inside what is left, so neither the
    legend nor the footer can cover data or fall off the figure.
    """
    height = fig.get_figheight() * 72  # [pt]
    title_size = TITLE_POINTS
    # bold DejaVu Sans averages about 0.62 em per character
    title = wrap_title(title, int(fig.get_figwidth() * 72 / (title_size * 0.62)))
    fig.text(0.008, 1 - 6 / height, title, fontsize=title_size, weight="bold", ha="left", va="top")
    header = 6 + title_size * 1.3 * (title.count("\n") + 1)
    if subtitle:
        fig.text(0.008, 1 - header / height, subtitle, fontsize=9.5, color="#333333", va="top")
        header += 9.5 * 1.4
    if labels:
        ncols = max(1, min(len(labels), int(fig.get_figwidth() / 1.45)))
        rows = -(-len(labels) // ncols)
        fig.legend(
            handles,
            labels,
            loc="upper left",
            bbox_to_anchor=(0.003, 1 - header / height),
            ncols=ncols,
            handlelength=3.0,
            borderaxespad=0.2,
        )
        header += rows * LEGEND_POINTS * 1.7 + 6
    chars = max(40, int(fig.get_figwidth() * 72 / (FOOTER_POINTS * 0.56)))
    lines = textwrap.wrap(footer, chars)
    fig.text(
        0.008,
        4 / height,
        "\n".join(lines),
        fontsize=FOOTER_POINTS,
        color="#555555",
        ha="left",
        va="bottom",
        linespacing=1.35,
    )
    bottom = (len(lines) * FOOTER_POINTS * 1.35 + 10) / height
    engine: Any = fig.get_layout_engine()
    engine.set(rect=(0.0, bottom, 1.0, 1.0 - bottom - header / height))


def mark_events(ax: Axes, marks: Sequence[tuple[float | dt.date, str]], top: float) -> None:
    """Dotted lines at the events and their labels in a band above the data.

    Labels go left-aligned beside their line, each in the highest row where it
    does not collide with the label before it; the y-axis starts at 0 and is
    raised so the band never covers data. ``top`` is the highest data value
    [axis units]. The figure is drawn once here to measure the labels, so call
    this after everything else on the figure is in place.
    """
    if not marks:
        ax.set_ylim(top=top * 1.05 if top > 0 else 1.0)
        return
    fig: Any = ax.get_figure()
    texts = []
    for x, text in marks:
        ax.axvline(x, color="#777777", lw=0.8, ls=":", zorder=1)  # type: ignore[arg-type]
        texts.append(
            ax.annotate(
                text,
                xy=(x, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(3, -3),
                textcoords="offset points",
                fontsize=7.5,
                ha="left",
                va="top",
                color="#333333",
                bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85},
            )
        )
    fig.canvas.draw()
    row_right: list[float] = []
    row_height = 0.0
    for t in texts:
        box = t.get_window_extent()
        row_height = max(row_height, box.height)
        # a gap of 8 pt: text widths differ slightly between the screen and the saved dpi
        gap = 8 * fig.dpi / 72
        row = next((i for i, right in enumerate(row_right) if box.x0 > right + gap), len(row_right))
        if row == len(row_right):
            row_right.append(box.x1)
        row_right[row] = box.x1
        t.set_position((3, -3 - row * (box.height * 72 / fig.dpi + 2)))
    band = len(row_right) * (row_height + 2 * fig.dpi / 72) + 6
    axes_height = ax.get_window_extent().height
    share = min(0.5, band / axes_height)
    ax.set_ylim(bottom=0, top=(top if top > 0 else 1.0) * 1.02 / (1 - share))


def wrap_title(text: str, width: int) -> str:
    """A long title on at most two lines."""
    lines = textwrap.wrap(text, width)
    return "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")
