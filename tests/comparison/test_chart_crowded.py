"""The comparison charts hold up with crowded paths: 50 tranches, 40 changes, two importers."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from tariffsim.comparison.chart import comparison_figures, plot_comparison
from tariffsim.comparison.compute import prepare
from tariffsim.outputs import style
from tariffsim.scenario.validation import load_scenario
from tests import chartcheck
from tests.crowded import write_crowded
from tests.synthetic import static_only


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Figure]:
    folder = tmp_path_factory.mktemp("crowded")
    names = ("a", "b", "c", "d", "e")
    scenarios = [
        static_only(load_scenario(write_crowded(folder, n, 2.5 * i))) for i, n in enumerate(names)
    ]
    results = list(prepare(scenarios).results)
    return {"all": plot_comparison(results, "a"), **comparison_figures(results, "a")}


@pytest.mark.parametrize("name", ["all", "duty-per-period", "effective-rate", "totals"])
def test_no_text_outside_and_no_overlap(figures: dict[str, Figure], name: str) -> None:
    assert chartcheck.layout_problems(figures[name]) == ([], [])


def test_every_figure_has_a_title_and_distinct_colours(figures: dict[str, Figure]) -> None:
    for name, fig in figures.items():
        assert chartcheck.title_of(fig), name
    colours = chartcheck.legend_colours(figures["duty-per-period"])
    assert len(colours) == 5 and len(set(colours)) == 5
    assert "#f0e442" not in colours  # the yellow that vanishes on white is never used


def test_events_are_grouped_and_capped(figures: dict[str, Figure]) -> None:
    ax = figures["duty-per-period"].axes[0]
    labels = [t.get_text() for t in ax.texts if " → " in t.get_text()]
    notes = [t.get_text() for t in ax.texts if t.get_text().startswith("+")]
    assert len(notes) == 1 and notes[0].endswith(" more")
    assert 0 < len(labels) <= style.MAX_EVENT_ROWS * 6  # a few per row, four rows at most


@pytest.mark.parametrize("name", ["all", "totals"])
def test_totals_of_each_importer_share_one_scale(figures: dict[str, Figure], name: str) -> None:
    # the panels show no value axis, so a bar's length must mean the same dollars in each
    panels = [ax for ax in figures[name].axes if ax.patches]
    assert len(panels) == 2
    scales = [ax.get_xlim() for ax in panels]
    assert scales[0] == scales[1]
    widest = max(bar.get_width() for ax in panels for bar in ax.patches)
    assert scales[0][0] == 0 and widest <= scales[0][1] <= widest * 1.05
