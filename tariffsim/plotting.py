"""Charts of one scenario run: prepare the data (pure), draw (a Figure), save (atomic).

Money axes are in $B. The palette is Okabe–Ito, safe for colour-blind readers.
matplotlib is imported on first use with the non-interactive Agg backend.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tariffsim.errors import TariffsimError
from tariffsim.output import write_atomic

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from tariffsim.results import Result

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
"""Okabe & Ito (2008) colours, distinguishable with the common colour-vision deficiencies."""

CHART_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def tranche_duty_data(result: Result) -> pd.DataFrame:
    """Additional duty per period [$B]: rows are period starts, columns tranche labels."""
    frame = result.periods_of().pivot_table(
        index="period_start",
        columns="label",
        values="additional_duty_usd",
        aggfunc="sum",
        sort=False,
    )
    order = [t.label for t in result.scenario.tranches.values()]
    return frame[order] / 1e9


def plot_tranche_duty(result: Result) -> Figure:
    """Stacked bars of additional duty per period by tranche, rate changes marked."""
    from matplotlib.figure import Figure

    data = tranche_duty_data(result)
    data = data.loc[:, data.abs().sum() > 0]
    fig = Figure(figsize=(9, 5), layout="constrained")
    ax = fig.subplots()
    positions = range(len(data.index))
    bottom = [0.0] * len(data.index)
    for i, label in enumerate(data.columns):
        values = data[label].to_numpy()
        ax.bar(
            positions,
            values,
            bottom=bottom,
            color=PALETTE[i % len(PALETTE)],
            label=label,
            width=0.8,
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xticks(
        list(positions),
        [_period_label(d, result.step) for d in data.index],
        rotation=45 if len(data.index) > 8 else 0,
        ha="right" if len(data.index) > 8 else "center",
    )
    if len(data.index) > 24:
        for label in ax.get_xticklabels()[1::2]:
            label.set_visible(False)
    ax.set_ylabel("Additional duty per period ($B)")
    ax.set_title(f"{result.scenario.title}", fontsize=10, loc="left")
    _mark_events(ax, result, list(data.index))
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", alpha=0.3)
    fig.text(0.01, 0.005, _footer(result), fontsize=6.5, color="#555555", ha="left", va="bottom")
    return fig


def _period_label(day: object, step: str) -> str:
    import datetime as dt

    assert isinstance(day, dt.date)
    if step == "month":
        return day.strftime("%b %Y")
    if step == "quarter":
        return f"Q{(day.month - 1) // 3 + 1} {day.year}"
    if step == "year":
        return str(day.year)
    return day.isoformat()


def _mark_events(ax: object, result: Result, periods: list[object]) -> None:
    """Label each applied rate change above the period it falls in."""
    import bisect

    events = result.events[result.events["applies"]]
    starts = [p for p in periods]
    seen: set[int] = set()
    for e in events.itertuples():
        index = bisect.bisect_right(starts, e.date) - 1
        if index < 0 or e.date > result.scenario.horizon.end:
            continue
        text = f"{e.label.split(' (')[0]} → {e.to_rate * 100:.4g} %"
        offset = sum(1 for i in seen if i == index)
        ax.annotate(  # type: ignore[attr-defined]
            text,
            xy=(index, 0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 4 + 11 * offset),
            textcoords="offset points",
            fontsize=7,
            rotation=0,
            ha="center",
            va="bottom",
            color="#333333",
        )
        ax.axvline(index - 0.45, color="#999999", lw=0.6, ls=":")  # type: ignore[attr-defined]
        seen.add(index)


def _footer(result: Result) -> str:
    s = result.scenario
    titles = "; ".join(src.title for src in s.sources.values())
    text = f"tariffsim · {s.name} · {result.mode} · sources: {titles}"
    return text if len(text) < 220 else text[:217] + "..."


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Save a figure as PNG, SVG or PDF (by extension), atomically."""
    target = Path(path)
    fmt = CHART_FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise TariffsimError(
            f"unknown chart format '{target.suffix or '(none)'}'",
            file=target,
            field="--plot",
            hint="use a file name ending in .png, .svg or .pdf",
        )
    return write_atomic(target, lambda tmp: fig.savefig(tmp, format=fmt, dpi=150))
