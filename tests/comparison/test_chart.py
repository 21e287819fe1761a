"""The comparison charts: what is drawn, titles and units, layout, files whole or absent."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from numpy.testing import assert_allclose

from tariffsim.comparison.chart import (
    TITLES,
    comparison_figures,
    plot_chart,
    plot_comparison,
    write_charts,
)
from tariffsim.comparison.chart_data import cumulative_duty_data, duty_per_period_data
from tariffsim.comparison.compute import as_results
from tariffsim.errors import TariffsimError
from tariffsim.model.results import Result
from tariffsim.scenario.validation import load_scenario
from tests.conftest import SCENARIOS
from tests.synthetic import static_only, with_behavioural

PATHS = ["escalate", "hold", "ceasefire"]


@pytest.fixture(scope="module")
def results() -> list[Result]:
    return as_results([static_only(load_scenario(SCENARIOS / f"{n}.yaml")) for n in PATHS])


@pytest.fixture(scope="module")
def figure(results: list[Result]) -> Figure:
    return plot_comparison(results, "hold")


def panel(fig: Figure, name: str) -> Axes:
    return next(ax for ax in fig.axes if ax.get_title("left").startswith(TITLES[name]))


def series(ax: Axes) -> list:
    return [line for line in ax.get_lines() if not line.get_label().startswith("_")]


def test_four_panels_with_titles_and_units(figure: Figure) -> None:
    assert len(figure.axes) == 4
    assert panel(figure, "duty-per-period").get_ylabel() == "Additional duty per month ($B)"
    assert panel(figure, "cumulative-duty").get_ylabel() == "Additional duty since the start ($B)"
    assert panel(figure, "effective-rate").get_ylabel() == "Additional duty ÷ imports (%)"
    totals = panel(figure, "totals")
    # no value axis: each bar's label gives its value in $B
    assert not totals.xaxis.get_visible()
    assert all("$" in t.get_text() and "B  " in t.get_text() for t in totals.texts)
    assert totals.get_title("left").endswith("(hold)")
    texts = [t.get_text() for t in figure.texts]
    assert texts[0] == "Tariff paths compared"
    assert texts[1] == "reference: hold · 2018-10-01 to 2019-12-31"
    assert any("Sources: " in t for t in texts)


def test_one_line_per_scenario_with_the_engines_values(
    figure: Figure, results: list[Result]
) -> None:
    duty = duty_per_period_data(results)
    lines = series(panel(figure, "duty-per-period"))
    assert [line.get_label() for line in lines] == PATHS
    for line, name in zip(lines, PATHS, strict=True):
        expected = duty[duty["scenario"] == name]["additional_duty_usd"].to_numpy() / 1e9
        assert_allclose(line.get_ydata()[:-1], expected)
    cumulative = cumulative_duty_data(results)
    for line, name in zip(series(panel(figure, "cumulative-duty")), PATHS, strict=True):
        rows = cumulative[cumulative["scenario"] == name]
        expected = rows["cumulative_additional_duty_usd"].to_numpy() / 1e9
        assert_allclose(line.get_ydata(), [0.0, *expected])


def test_effective_rate_is_a_step_chart_in_percent(figure: Figure) -> None:
    lines = series(panel(figure, "effective-rate"))
    assert all(line.get_drawstyle() == "steps-post" for line in lines)
    assert_allclose(lines[0].get_ydata()[-1], 25.0)


def test_totals_bars_and_difference_labels(figure: Figure, results: list[Result]) -> None:
    ax = panel(figure, "totals")
    widths = [bar.get_width() for bar in ax.patches]
    assert_allclose(widths, [r.totals()["additional_duty_usd"] / 1e9 for r in results])
    labels = [t.get_text() for t in ax.texts]
    assert labels[0] == "escalate  $116.6B  (+$45.9B, +64.9 %)"
    assert labels[1] == "hold  $70.7B  (reference)"
    assert labels[2] == "ceasefire  $40.7B  (−$30.0B, −42.4 %)"


def test_events_labelled_without_overlap(figure: Figure) -> None:
    ax = panel(figure, "duty-per-period")
    labels = [t for t in ax.texts if "→" in t.get_text()]
    assert labels[0].get_text() == "List 3 → 25 % (escalate, hold)"
    figure.canvas.draw()
    boxes = [t.get_window_extent() for t in labels]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    # the labels sit above every line
    highest = max(line.get_ydata().max() for line in series(ax))
    lowest_label = min(box.y0 for box in boxes)
    assert ax.transData.transform((0, highest))[1] < lowest_label


def test_nothing_falls_off_the_figure(figure: Figure) -> None:
    figure.canvas.draw()
    page = figure.bbox
    for text in figure.texts:
        box = text.get_window_extent()
        assert page.x0 <= box.x0 and box.x1 <= page.x1 + 1
        assert page.y0 <= box.y0 and box.y1 <= page.y1
    legend = figure.legends[0].get_window_extent()
    for ax in figure.axes:
        assert not legend.overlaps(ax.get_window_extent())


def test_behavioural_lines_are_dashed(results: list[Result]) -> None:
    mixed = [with_behavioural(r, 0.7) for r in results[:2]]
    fig = plot_chart("cumulative-duty", mixed, "hold")
    lines = series(fig.axes[0])
    styles = {line.get_label(): line.get_linestyle() for line in lines}
    assert styles == {
        "escalate (static)": "-",
        "escalate (behavioural)": "--",
        "hold (static)": "-",
        "hold (behavioural)": "--",
    }
    colours = {line.get_label(): line.get_color() for line in lines}
    assert colours["escalate (static)"] == colours["escalate (behavioural)"]
    assert any("dashed lines: behavioural" in t.get_text() for t in fig.texts)
    totals = plot_chart("totals", mixed, "hold")
    assert [bool(b.get_hatch()) for b in totals.axes[0].patches] == [False, True, False, True]


def footer(fig: Figure) -> str:
    return next(t.get_text() for t in fig.texts if t.get_text().startswith("tariffsim · "))


def test_each_footer_names_how_its_chart_shows_the_mode(results: list[Result]) -> None:
    mixed = [with_behavioural(r, 0.7) for r in results[:2]]
    lines = footer(plot_chart("duty-per-period", mixed, "hold"))
    assert lines.startswith("tariffsim · solid lines: static (")
    assert "; dashed lines: behavioural (" in lines and "hatched" not in lines
    bars = footer(plot_chart("totals", mixed, "hold"))
    assert bars.startswith("tariffsim · plain bars: static (")
    assert "; hatched bars: behavioural (" in bars and "dashed" not in bars
    both = footer(plot_comparison(mixed, "hold"))
    assert "dashed lines, hatched bars: behavioural" in both
    static = footer(plot_chart("totals", results, "hold"))
    assert static.startswith("tariffsim · static: imports do not respond to tariffs.")


def test_a_scenario_keeps_its_colour_whatever_the_order(results: list[Result]) -> None:
    def colours(fig: Figure) -> dict[str, str]:
        return {line.get_label(): line.get_color() for line in series(fig.axes[0])}

    forward = colours(plot_chart("cumulative-duty", results, "hold"))
    backward = colours(plot_chart("cumulative-duty", results[::-1], "hold"))
    assert forward == backward
    assert forward == {"escalate": "#0072B2", "hold": "#E69F00", "ceasefire": "#009E73"}
    bars = plot_chart("totals", results[::-1], "hold").axes[0].patches
    assert [to_hex(b.get_facecolor()) for b in bars] == ["#009e73", "#e69f00", "#0072b2"]


def test_one_figure_per_chart(results: list[Result]) -> None:
    figures = comparison_figures(results, "hold")
    assert list(figures) == list(TITLES)
    for name, fig in figures.items():
        assert fig.texts[0].get_text() == TITLES[name]
        assert fig.axes[0].get_title("left") == ""


def test_write_charts_to_a_folder(results: list[Result], tmp_path: Path) -> None:
    written = write_charts(results[:2], "hold", plot_dir=tmp_path / "img", extension="pdf")
    assert [p.name for p in written] == [f"{n}.pdf" for n in TITLES]
    assert all(p.read_bytes().startswith(b"%PDF-") for p in written)
    assert sorted(p.name for p in (tmp_path / "img").iterdir()) == sorted(
        f"{n}.pdf" for n in TITLES
    )


def test_plot_dir_needs_an_existing_parent(results: list[Result], tmp_path: Path) -> None:
    with pytest.raises(TariffsimError, match="does not exist"):
        write_charts(results, None, plot_dir=tmp_path / "no" / "img")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(TariffsimError, match="expected a folder"):
        write_charts(results, None, plot_dir=tmp_path / "file")


def test_a_failing_save_leaves_no_file(
    results: list[Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Figure, fname: object, **kwargs: object) -> None:
        Path(str(fname)).write_bytes(b"\x89PNG half a file")
        raise OSError("disk full")

    monkeypatch.setattr(Figure, "savefig", broken)
    # the operating system's error becomes the one user-error line, nothing left behind
    with pytest.raises(TariffsimError, match="cannot write: disk full; nothing was written"):
        write_charts(results, "hold", tmp_path / "all.png")
    assert list(tmp_path.iterdir()) == []
