"""Sweep charts: the data behind them, and a drawn, saved figure."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.colors import to_hex
from numpy.testing import assert_allclose

from tariffsim.outputs.files import save_figure
from tariffsim.outputs.style import FOOTER_POINTS
from tariffsim.uncertainty.chart import BINS, fan_data, plot_sweep, totals_histogram
from tariffsim.uncertainty.outlook import load_outlook
from tariffsim.uncertainty.stats import summarise
from tariffsim.uncertainty.sweep import sweep
from tests.conftest import SCENARIOS


def test_fan_data_and_histogram() -> None:
    result = sweep(load_outlook(SCENARIOS / "outlook.yaml"), 3_000, seed=2, behavioural=False)
    summary = summarise(result)
    fan = fan_data(summary)
    assert list(fan.columns) == ["mean", "p5", "p25", "p50", "p75", "p95"]
    assert len(fan) == result.plan.grid.n_periods
    assert np.all(fan["p5"] <= fan["p50"]) and np.all(fan["p50"] <= fan["p95"])
    assert_allclose(fan["mean"].sum(), summary.expected_usd / 1e9, rtol=1e-12)
    edges, mass = totals_histogram(result, "total")
    assert edges.size == BINS + 1 and list(mass.columns) == ["escalate", "hold", "ceasefire"]
    assert_allclose(mass.sum().to_numpy(), [0.25, 0.45, 0.30], rtol=1e-12)
    # the ceasefire path has one total, so all of its mass sits in one bin
    assert (mass["ceasefire"] > 0).sum() == 1


def test_plot_is_saved(tmp_path: Path) -> None:
    result = sweep(load_outlook(SCENARIOS / "outlook.yaml"), 500, seed=2)
    figure = plot_sweep(result, summarise(result, threshold=120e9))
    assert len(figure.axes) == 2
    target = save_figure(figure, tmp_path / "fan.png")
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_branches_wear_their_scenarios_colours_and_the_house_footer() -> None:
    result = sweep(load_outlook(SCENARIOS / "outlook.yaml"), 300, seed=2, behavioural=False)
    figure = plot_sweep(result, summarise(result))
    dist = figure.axes[1]
    legend = dist.get_legend()
    colours = {
        t.get_text().split(" ")[0]: to_hex(h.get_facecolor())
        for t, h in zip(legend.get_texts(), legend.legend_handles, strict=True)
    }
    # the same colours as in `compare` (tariffsim.comparison.chart takes them from the same map)
    assert colours == {"escalate": "#0072b2", "hold": "#e69f00", "ceasefire": "#009e73"}
    # the fan is the whole outlook, so none of the branches' colours
    fan = figure.axes[0].get_lines()
    assert to_hex(fan[0].get_color()) not in colours.values()
    texts = [t.get_text() for t in figure.texts]
    assert texts[0] == result.outlook.spec.title
    footer = next(t for t in figure.texts if t.get_text().startswith("tariffsim · outlook.yaml"))
    assert footer.get_fontsize() == FOOTER_POINTS
    assert "…" not in footer.get_text() and "..." not in footer.get_text()


def test_one_scenarios_draws_speak_of_no_branches() -> None:
    """``run --samples --plot``: one scenario, one certain branch. Its chart names no branches,
    weighs no branch probabilities and marks the expected total in dollars."""
    from tariffsim.model.flows import load_scenario
    from tariffsim.uncertainty.outlook import single_outlook

    path = SCENARIOS / "hold-ranges.yaml"
    result = sweep(single_outlook(path, load_scenario(path)), 300, seed=2)
    summary = summarise(result)
    figure = plot_sweep(result, summary)
    fan, dist = figure.axes
    titles = (fan.get_title(loc="left"), dist.get_title(loc="left"))
    assert titles == ("Duty over time", "Distribution of totals")
    assert dist.get_legend() is None
    marks = [t.get_text() for t in dist.texts]
    assert f"expected ${summary.expected_usd / 1e9:,.1f}B" in marks
    footer = next(t.get_text() for t in figure.texts if t.get_text().startswith("tariffsim ·"))
    assert "branch" not in footer
    outlook = sweep(load_outlook(SCENARIOS / "outlook.yaml"), 300, seed=2)
    many = plot_sweep(outlook, summarise(outlook))
    assert many.axes[1].get_title(loc="left") == "Distribution of totals by branch"
    assert "branch probabilities: judgement" in next(
        t.get_text() for t in many.texts if t.get_text().startswith("tariffsim ·")
    )
