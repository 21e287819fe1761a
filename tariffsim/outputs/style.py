"""The one house style of tariffsim's charts: colours, line styles, axes, legend, footer, labels.

Colours are Okabe–Ito, safe for the common colour-vision deficiencies; a
scenario keeps its colour in every panel and every chart
(:func:`scenario_colours`). Static results are drawn solid and behavioural
results dashed (bars: plain and hatched). Money axes are in $B, dates use
matplotlib's concise formatter. This module draws decorations only; it
computes no data.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datetime as dt

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]
"""Okabe & Ito (2008) colours, distinguishable with the common colour-vision deficiencies.

Yellow comes last: it is barely visible on white, so a chart of up to seven series never
uses it (:data:`MAX_SERIES`)."""

MAX_SERIES = 8
"""Most series a chart tells apart by colour; past that the smallest are grouped as "other"."""

OTHER = "#A6A6A6"
"""The colour of the grouped "other" series (no palette colour)."""

THRESHOLD = "#B2182B"
"""The colour of a threshold line (no palette colour, so no series shares it)."""

MAX_EVENT_ROWS = 4
"""Rows of event labels above a chart's data; labels that do not fit are counted as "+N more"."""

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

FILE_DPI = 150
"""Resolution charts are written at [dots per inch] (``tariffsim.outputs.files.DPI``)."""
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
    # '$' is text, never the start of mathematics: "$60B and $1.5B" must not turn italic
    "text.parse_math": False,
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


def settle(fig: Figure, dpi: float) -> Figure:
    """Lay ``fig`` out once at ``dpi`` [dots per inch] and keep that layout.

    Saving a figure that has a layout engine draws it twice: once without pixels
    to lay it out, then for real. A settled figure has no engine left, so saving
    it at the same ``dpi`` draws once and gives the same pixels. Call it when
    nothing more will be added to the figure.
    """
    import matplotlib as mpl

    engine = fig.get_layout_engine()
    if engine is None:
        return fig
    fig.set_dpi(dpi)
    engine.execute(fig)
    # None means "no engine" only while the rc asks for no automatic layout
    with mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)
    return fig


def colour_of(index: int) -> str:
    """The palette colour of the series at ``index``."""
    return PALETTE[index % len(PALETTE)]


def largest_series(sizes: dict[str, float], limit: int = MAX_SERIES) -> tuple[list[str], list[str]]:
    """Split series into those shown by colour and those grouped as "other".

    With more than ``limit`` series, the ``limit − 1`` largest (by ``sizes``, ties by
    order given) keep their own colour and the rest share one "other" series; the kept
    ones stay in the order given. Returns (kept, grouped).
    """
    names = list(sizes)
    if len(names) <= limit:
        return names, []
    ranked = sorted(names, key=lambda n: (-sizes[n], names.index(n)))
    kept = set(ranked[: limit - 1])
    return [n for n in names if n in kept], [n for n in names if n not in kept]


def percent_axis(ax: Axes, axis: str = "y", scale: float = 100.0) -> None:
    """A rate axis in %, with as many decimals as its ticks need (7.5 %, not 8 %).

    ``scale`` turns the data into percent: 100 for fractions [1], 1 for data in % already.
    """
    from matplotlib.ticker import Formatter

    class _Percent(Formatter):
        decimals = 0

        def set_locs(self, locs: list[float]) -> None:
            super().set_locs(locs)
            self.decimals = percent_decimals([float(v) * scale / 100 for v in locs])

        def __call__(self, x: float, pos: int | None = None) -> str:
            return f"{x * scale:.{self.decimals}f} %"

    getattr(ax, f"{axis}axis").set_major_formatter(_Percent())


def percent_decimals(values: Sequence[float], most: int = 3) -> int:
    """The fewest decimals that show every tick value [fraction] in % exactly (at most ``most``)."""
    for decimals in range(most + 1):
        if all(abs(round(v * 100, decimals) - v * 100) < 1e-7 for v in values):
            return decimals
    return most


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
    visible = PALETTE[:-1]  # yellow, the last, only when every other colour is taken
    free = [c for c in visible if c not in owned]
    free += [c for c in visible if c in owned and c not in colours.values()]
    free += PALETTE[-1:]
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
        ncols = legend_columns(fig.get_figwidth(), labels)
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
    # drawn, small text runs a few per cent wider than its outline's advances (the
    # renderer fits each glyph to whole pixels), hence the margin
    lines = wrap_measured(footer, fig.get_figwidth() * 72 * 0.92, FOOTER_POINTS)
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


def legend_columns(width: float, labels: Sequence[str]) -> int:
    """Legend columns that fit ``labels`` side by side in a figure ``width`` inches wide.

    A column is as wide as its longest label, measured as drawn at the legend's size,
    plus the handle and the gaps (3 + 0.8 + 2 em); the legend wraps onto more rows
    instead of running off the figure.
    """
    wide = width_at(LEGEND_POINTS)
    widest = max(wide(x) for x in labels)
    column = (widest + 6.0 * LEGEND_POINTS) / 72  # [inch]
    return max(1, min(len(labels), int(width * 0.98 / column)))


def mark_events(ax: Axes, marks: Sequence[tuple[float | dt.date, str]], top: float) -> None:
    """Dotted lines at the events and their labels in a band above the data.

    Events on one date share one label (``"List 3 → 25 % +2 more"``). Labels go
    left-aligned beside their line, each in the highest of :data:`MAX_EVENT_ROWS`
    rows where it does not collide with the label before it; a label that fits in
    no row, or would run past the axes, is left out and counted in a ``"+N more"``
    note at the band's right end. The y-axis starts at 0 and is raised so the band
    never covers data. ``top`` is the highest data value [axis units]. The figure
    is laid out once here (no drawing) to measure the labels, so call this after
    everything else on the figure is in place.
    """
    if not marks:
        ax.set_ylim(top=top * 1.05 if top > 0 else 1.0)
        return
    fig: Any = ax.get_figure()
    by_date: dict[Any, list[str]] = {}
    for x, text in marks:
        if x not in by_date:
            ax.axvline(x, color="#777777", lw=0.8, ls=":", zorder=1)  # type: ignore[arg-type]
        by_date.setdefault(x, []).append(text)
    labels = [
        (_label(ax, x, texts[0] + (f" +{len(texts) - 1} more" if len(texts) > 1 else "")), texts)
        for x, texts in by_date.items()
    ]
    note = _label(ax, 1.0, "+999 more", right=True)
    # measured as the files draw them: glyphs are fitted to whole pixels, so a label is a
    # few per cent wider at 150 dpi than on a 100-dpi screen (positions are in points)
    screen = fig.dpi
    fig.set_dpi(FILE_DPI)
    _lay_out(fig)
    gap = 8 * fig.dpi / 72
    edge = ax.get_window_extent().x1
    start = ax.get_window_extent().x0
    rows, left_out, flipped = _pack([t for t, _ in labels], (start, edge), None, gap)
    if left_out:
        reserved = note.get_window_extent().x0
        rows, left_out, flipped = _pack([t for t, _ in labels], (start, edge), reserved, gap)
    hidden = sum(len(texts) for t, texts in labels if t in left_out)
    height = max(t.get_window_extent().height for t, _ in labels) * 72 / fig.dpi  # [pt]
    for t, _ in labels:
        if t in left_out:
            t.remove()
        elif t in flipped:  # near the right edge: the label ends at its line instead
            t.set_horizontalalignment("right")
            t.set_position((-3, -3 - rows[t] * (height + 2)))
        else:
            t.set_position((3, -3 - rows[t] * (height + 2)))
    if hidden:
        note.set_text(f"+{hidden} more")
    else:
        note.remove()
    band = (max(rows.values(), default=0) + 1) * (height + 2) * fig.dpi / 72 + 6
    share = min(0.5, band / ax.get_window_extent().height)
    ax.set_ylim(bottom=0, top=(top if top > 0 else 1.0) * 1.02 / (1 - share))
    fig.set_dpi(screen)


def _lay_out(fig: Any) -> None:
    """Place the axes as they will be drawn, without drawing: the layout engine's pass only.

    Text extents can then be measured where they will fall; the scales are brought
    up to date first, as a draw would.
    """
    for ax in fig.axes:
        ax.get_xlim(), ax.get_ylim()  # applies any pending autoscaling
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)


def _label(ax: Axes, x: Any, text: str, right: bool = False) -> Any:
    """An event label at the top of the axes: beside its line, or (``right``) at the right end."""
    return ax.annotate(
        text,
        xy=(x, 1.0),
        xycoords=("axes fraction" if right else "data", "axes fraction"),
        xytext=(-2 if right else 3, -3),
        textcoords="offset points",
        fontsize=7.5,
        ha="right" if right else "left",
        va="top",
        color="#333333",
        bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85},
    )


def _pack(
    texts: Sequence[Any], span: tuple[float, float], reserved: float | None, gap: float
) -> tuple[dict[Any, int], set[Any], set[Any]]:
    """Rows for labels in x order [display units] inside ``span`` (the axes' left and right).

    A label that would run past the right edge ends at its line instead (flipped).
    ``reserved``: row 0 ends there (for the note). Returns each placed label's row, the
    labels that fit nowhere and the flipped ones.
    """
    left, edge = span
    ends = [float("-inf")] * MAX_EVENT_ROWS
    rows: dict[Any, int] = {}
    left_out: set[Any] = set()
    flipped: set[Any] = set()
    for t in texts:
        box = t.get_window_extent()
        x0, x1 = box.x0, box.x1
        if x1 > edge + 1:  # the label starts 3 pt right of its line; end 3 pt left of it
            shift = box.width + 2 * gap * 3 / 8
            x0, x1 = x0 - shift, x1 - shift
            if x0 < left:
                left_out.add(t)
                continue
            flipped.add(t)
        limits = [
            reserved if i == 0 and reserved is not None else edge + gap
            for i in range(MAX_EVENT_ROWS)
        ]
        free = [
            i for i in range(MAX_EVENT_ROWS) if x0 > ends[i] + gap and x1 + gap <= limits[i] + 1e-9
        ]
        if not free:
            left_out.add(t)
            flipped.discard(t)
            continue
        ends[free[0]] = x1
        rows[t] = free[0]
    return rows, left_out, flipped


def width_at(size: float) -> Callable[[str], float]:
    """The drawn width [pt] of a text at ``size`` [pt]: the font's advance widths, as the
    layout sets it (no glyph outlines built)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    measure, font = TextToPath(), FontProperties(size=size)
    return lambda text: float(measure.get_text_width_height_descent(text, font, False)[0])


def wrap_measured(text: str, width: float, size: float) -> list[str]:
    """``text`` in lines no wider than ``width`` [pt] at ``size`` [pt], words kept whole.

    Each word is measured as drawn (the font's advance widths), not counted in
    characters: a line of capitals and wide letters is wider than its count says and
    would run off the figure. A word wider than the line stands on a line of its own.
    """
    wide = width_at(size)
    space = wide("a b") - wide("ab")
    lines: list[str] = []
    line, used = "", 0.0
    for word in text.split():
        w = wide(word)
        if line and used + space + w > width:
            lines.append(line)
            line, used = "", 0.0
        line, used = (f"{line} {word}", used + space + w) if line else (word, w)
    if line:
        lines.append(line)
    return lines


def wrap_title(text: str, width: int) -> str:
    """A long title on at most two lines; a short aside in brackets, such as
    "(modified by --set)", is never cut across them."""
    kept = re.sub(r"\([^()]{1,24}\)", lambda m: m.group(0).replace(" ", NO_BREAK), text)
    lines = [line.replace(NO_BREAK, " ") for line in textwrap.wrap(kept, width)]
    return "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")


NO_BREAK = "\u00a0"
"""A space :mod:`textwrap` does not break at (it breaks at ASCII whitespace only)."""
