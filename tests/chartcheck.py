"""Layout checks for drawn figures, from the renderer's own text extents.

Every visible, non-empty text of a figure (titles, tick labels, legend entries, event
labels, footers) must lie inside the figure and must not overlap another.
"""

from __future__ import annotations

from typing import Any

from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.text import Text


def texts(fig: Figure) -> list[tuple[Text, Any]]:
    """Every text drawn, with its extent [display pixels], after a full draw.

    Tick labels count only for ticks inside the axis' view of a visible axis:
    matplotlib keeps label objects for ticks beyond it, and for hidden axes, but
    does not draw them.
    """
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    ticks = {id(label) for ax in fig.axes for label in ax.get_xticklabels() + ax.get_yticklabels()}
    drawn = set()
    for ax in fig.axes:
        for axis, labels in ((ax.xaxis, ax.get_xticklabels()), (ax.yaxis, ax.get_yticklabels())):
            if not axis.get_visible():
                continue
            low, high = sorted(axis.get_view_interval())
            span = (high - low) * 1e-9
            index = 0 if axis is ax.xaxis else 1
            drawn |= {
                id(label)
                for label in labels
                if low - span <= label.get_position()[index] <= high + span
            }
    found = []
    for t in fig.findobj(Text):
        if not (t.get_visible() and t.get_text().strip()):
            continue
        if t.axes is not None and not t.axes.get_visible():
            continue
        if id(t) in ticks and id(t) not in drawn:
            continue
        found.append((t, t.get_window_extent(renderer)))
    return found


def layout_problems(fig: Figure) -> tuple[list[str], list[tuple[str, str]]]:
    """Texts outside the figure, and overlapping pairs, from one draw."""
    found = texts(fig)
    return outside(fig, found=found), overlapping(fig, found=found)


def outside(fig: Figure, tolerance: float = 1.0, found: list[Any] | None = None) -> list[str]:
    """Texts reaching past the figure's edges."""
    box = fig.bbox
    return [
        t.get_text()
        for t, b in (found if found is not None else texts(fig))
        if b.x0 < box.x0 - tolerance
        or b.y0 < box.y0 - tolerance
        or b.x1 > box.x1 + tolerance
        or b.y1 > box.y1 + tolerance
    ]


def overlapping(
    fig: Figure, tolerance: float = 0.5, found: list[Any] | None = None
) -> list[tuple[str, str]]:
    """Pairs of texts whose extents overlap by more than ``tolerance`` pixels each way."""
    found = found if found is not None else texts(fig)
    pairs = []
    for i, (a, ba) in enumerate(found):
        for b, bb in found[i + 1 :]:
            width = min(ba.x1, bb.x1) - max(ba.x0, bb.x0)
            height = min(ba.y1, bb.y1) - max(ba.y0, bb.y0)
            if width > tolerance and height > tolerance:
                pairs.append((a.get_text(), b.get_text()))
    return pairs


def legend_colours(fig: Figure) -> list[str]:
    """The colour of every legend entry of the figure, as hex."""
    colours = []
    for legend in fig.legends:
        for handle in legend.legend_handles:
            getter = getattr(handle, "get_facecolor", None) or handle.get_color  # type: ignore[union-attr]
            colour = getter()
            colours.append(to_hex(colour if isinstance(colour, str) else tuple(colour)))
    return colours


def title_of(fig: Figure) -> str:
    """The figure's title: its topmost figure-level text."""
    candidates = [t for t in fig.texts if t.get_text().strip()]
    fig.canvas.draw()
    top = max(candidates, key=lambda t: t.get_window_extent().y1)
    return top.get_text()
