"""The run chart holds up beyond four paths: 50 tranches, 40 dated changes, two importers."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from tariffsim.model.simulation import simulate
from tariffsim.outputs import style
from tariffsim.run.chart import plot_tranche_duty
from tariffsim.scenario.validation import load_scenario
from tests import chartcheck
from tests.crowded import write_crowded


@pytest.fixture(scope="module")
def figure(tmp_path_factory: pytest.TempPathFactory) -> Figure:
    path = write_crowded(tmp_path_factory.mktemp("crowded"))
    return plot_tranche_duty(simulate(load_scenario(path), behavioural=False))


def test_no_text_outside_the_figure_and_no_overlapping_labels(figure: Figure) -> None:
    assert chartcheck.layout_problems(figure) == ([], [])


def test_at_most_eight_distinct_colours_and_the_rest_grouped(figure: Figure) -> None:
    colours = chartcheck.legend_colours(figure)
    assert len(colours) == style.MAX_SERIES
    assert len(set(colours)) == len(colours)  # every series its own colour
    labels = [t.get_text() for t in figure.legends[0].get_texts()]
    assert labels[-1] == "other (43 tranches)"  # 50 − 7 kept
    # the seven kept are the largest by duty: each holds more than any grouped tranche
    assert all("group 2" in x or "group 3" in x or "group 4" in x for x in labels[:-1])


def test_one_panel_per_importer_and_events_capped(figure: Figure) -> None:
    axes = [ax for ax in figure.axes if ax.get_visible()]
    titles = [ax.get_title(loc="left") for ax in axes]
    assert [t.split(":")[0] for t in titles] == ["Imports into US", "Imports into CN"]
    notes = [t.get_text() for ax in axes for t in ax.texts if t.get_text().startswith("+")]
    labels = [t.get_text() for ax in axes for t in ax.texts if " → " in t.get_text()]
    hidden = sum(int(n.split()[0][1:]) for n in notes)
    shown = sum(1 + (int(x.split("+")[1].split()[0]) if " +" in x else 0) for x in labels)
    assert shown + hidden == 40  # every change is either labelled or counted
    assert len(labels) <= 2 * style.MAX_EVENT_ROWS * 4


def test_title_and_dollar_signs(figure: Figure) -> None:
    assert chartcheck.title_of(figure).startswith("Crowded test scenario")
    footer = next(t for t in figure.texts if t.get_text().startswith("tariffsim ·"))
    assert "$60B" in footer.get_text()
    assert not footer.get_parse_math()  # shown as dollars, not as mathematics
