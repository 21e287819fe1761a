"""Charts of a sweep: a fan chart over time and the distribution of totals per branch.

Prepare the data (pure, testable) → draw (returns a Figure) → save atomically
with :func:`tariffsim.outputs.files.save_figure`. Money axes are in $B; fonts, footer
and branch colours come from :mod:`tariffsim.outputs.style`, so a branch has the
colour its scenario has in ``compare``. matplotlib is imported on first use; no
statistics are computed here beyond binning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tariffsim.outputs import style
from tariffsim.uncertainty.stats import ALL, PERCENTILE_COLUMNS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from tariffsim._types import FloatArray
    from tariffsim.uncertainty.stats import SweepSummary
    from tariffsim.uncertainty.sweep import SweepResult

BINS = 40
"""Number of bins of the distribution of totals."""

FAN = style.NEUTRAL
"""The fan is the whole outlook, no one branch, so it takes no scenario's colour."""
MEAN = style.PALETTE[5]
"""The mean line of the fan (vermillion)."""
MARKER = style.THRESHOLD
"""The threshold line: a colour no branch and no line of the fan takes."""


def fan_data(summary: SweepSummary) -> pd.DataFrame:
    """Mean and percentiles of each period's duty, whole outlook [$B], one row per period."""
    rows = summary.periods[summary.periods["branch"] == ALL]
    frame = rows.set_index("period_start")[["mean_usd", *PERCENTILE_COLUMNS]] / 1e9
    frame.columns = [c.removesuffix("_usd") for c in frame.columns]
    return frame


def totals_histogram(result: SweepResult, measure: str) -> tuple[FloatArray, pd.DataFrame]:
    """Probability mass of the horizon total per bin and branch.

    Returns the bin edges [$B], shape (BINS + 1,), and a frame with one column
    per branch of the summed draw weights in each bin [1]; the columns add up
    to the whole outlook's distribution, and all cells add up to 1.
    """
    duty = result.total_duty if measure == "total" else result.additional_duty
    totals = duty.sum(axis=1) / 1e9
    low, high = float(totals.min()), float(totals.max())
    pad = max(1e-9, 0.02 * (high - low), 1e-3 * abs(high))
    edges = np.linspace(low - pad, high + pad, BINS + 1)
    mass = {
        bid: np.histogram(
            totals[result.draws.branch == b],
            bins=edges,
            weights=result.draws.weight[result.draws.branch == b],
        )[0]
        for b, bid in enumerate(result.plan.branch_ids)
    }
    return edges, pd.DataFrame(mass)


def plot_sweep(result: SweepResult, summary: SweepSummary) -> Figure:
    """Fan chart of duty per period (left) and the distribution of horizon totals (right)."""
    what = "Total duty (additional + MFN)" if summary.measure == "total" else "Additional duty"
    subtitle = f"{what} · {result.samples:,} draws (seed {result.seed}) · {result.plan.mode} mode"
    with style.styled():
        fig = style.new_figure(11.0, 5.0)
        style.frame_figure(fig, result.outlook.spec.title, _footer(result), subtitle=subtitle)
        fan_ax, dist_ax = fig.subplots(1, 2, width_ratios=[3, 2])
        _draw_fan(fan_ax, result, fan_data(summary))
        _draw_totals(dist_ax, result, summary)
    return fig


def _footer(result: SweepResult) -> str:
    spec = result.outlook.spec
    cited = sorted({b.source for b in spec.branches.values()})
    titles = "; ".join(src.title for src in spec.sources.values())
    text = f"tariffsim · {result.outlook.path.name}"
    if len(spec.branches) > 1:  # one scenario's draws (run --samples) have no branches to weigh
        text += f" · branch probabilities: {', '.join(cited)}"
    edited = [e.describe() for s in result.outlook.scenarios.values() for e in s.edits]
    if edited:  # run --samples --set
        text += " · modified by --set: " + "; ".join(edited)
    return text + (f" · sources: {titles}" if titles else "")


def _draw_fan(ax: Any, result: SweepResult, data: pd.DataFrame) -> None:
    grid = result.plan.grid
    # each period's value holds from its first day to its last, drawn as a step
    starts = [np.datetime64(d) for d in grid.period_start]
    x = np.array([*starts, np.datetime64(grid.period_end[-1]) + np.timedelta64(1, "D")])

    def edge(column: str) -> FloatArray:
        values = data[column].to_numpy(dtype=np.float64)
        return np.append(values, values[-1])

    ax.fill_between(
        x, edge("p5"), edge("p95"), step="post", color=FAN, alpha=0.16, lw=0, label="p5–p95"
    )
    ax.fill_between(
        x,
        edge("p25"),
        edge("p75"),
        step="post",
        color=FAN,
        alpha=0.34,
        lw=0,
        label="p25–p75",
    )
    ax.step(x, edge("p50"), where="post", color=FAN, lw=1.8, label="median")
    ax.step(x, edge("mean"), where="post", color=MEAN, lw=1.2, ls="--", label="mean")
    style.money_axis(ax, f"Duty per {result.step} ($B)")
    style.date_axis(ax)
    ax.set_ylim(bottom=0)
    ax.set_xlim(x[0], x[-1])
    ax.legend(loc="best")  # the corner where the median and mean lines are not
    ax.set_title("Duty over time" + (", all branches" if len(result.plan.branch_ids) > 1 else ""))


def _draw_totals(ax: Any, result: SweepResult, summary: SweepSummary) -> None:
    edges, mass = totals_histogram(result, summary.measure)
    width = float(edges[1] - edges[0])
    bottom = np.zeros(len(mass))
    probabilities = dict(zip(result.plan.branch_ids, result.plan.probability, strict=True))
    colours = style.scenario_colours(list(mass.columns))
    for bid in mass.columns:
        values = mass[bid].to_numpy() * 100
        ax.bar(
            edges[:-1],
            values,
            width=width,
            bottom=bottom,
            align="edge",
            color=colours[bid],
            label=f"{bid} ({probabilities[bid]:.0%})",
        )
        bottom += values
    expected = summary.expected_usd / 1e9
    _marker(ax, expected, f"expected ${expected:,.1f}B", "#333333", "--")
    if summary.threshold is not None:
        threshold = summary.threshold / 1e9
        share = float(summary.totals.loc[summary.totals["branch"] == ALL, "p_exceeds"].iloc[0])
        _marker(ax, threshold, f"P(> ${threshold:,.0f}B) = {share:.1%}", MARKER, "-")
    style.money_axis(ax, "Duty over the horizon ($B)", axis="x")
    ax.set_ylabel("Probability (%)")
    style.percent_axis(ax, scale=1.0)
    if len(mass.columns) > 1:
        ax.set_title("Distribution of totals by branch")
        ax.legend(loc="best", frameon=True, framealpha=1, edgecolor="none")
    else:  # one scenario's draws: the title above names it
        ax.set_title("Distribution of totals")


def _marker(ax: Any, x: float, text: str, color: str, style: str) -> None:
    """A vertical line at ``x`` labelled along its left side."""
    ax.axvline(x, color=color, lw=1, ls=style, zorder=1)
    ax.annotate(
        text,
        xy=(x, 0.5),
        xycoords=("data", "axes fraction"),
        xytext=(-3, 0),
        textcoords="offset points",
        rotation=90,
        ha="right",
        va="center",
        fontsize=7.5,
        color=color,
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.0},
    )
