"""The single-run chart and atomic saving."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from numpy.testing import assert_allclose

from tariffsim.errors import TariffsimError
from tariffsim.model.results import Result
from tariffsim.model.simulation import simulate
from tariffsim.outputs.files import save_figure
from tariffsim.run.chart import plot_tranche_duty, tranche_duty_data
from tariffsim.scenario.validation import load_scenario
from tests.conftest import SCENARIOS
from tests.synthetic import static_only


@pytest.fixture(scope="module")
def result() -> Result:
    return simulate(static_only(load_scenario(SCENARIOS / "escalate.yaml")))


@pytest.fixture(scope="module")
def figure(result: Result) -> Figure:
    return plot_tranche_duty(result)


def test_data_are_the_engines_duty_in_billions(result: Result) -> None:
    data = tranche_duty_data(result)
    assert list(data.columns) == [t.label for t in result.scenario.tranches.values()]
    rows = result.periods[result.periods["tranche"] == "list3"]
    assert_allclose(data["List 3 ($200B)"].to_numpy(), rows["additional_duty_usd"] / 1e9)


def test_bars_stack_to_the_period_totals(figure: Figure, result: Result) -> None:
    ax = figure.axes[0]
    tops = {}
    for bar in ax.patches:
        x = round(bar.get_x() + bar.get_width() / 2)
        tops[x] = max(tops.get(x, 0.0), bar.get_y() + bar.get_height())
    expected = result.periods.groupby("period_start")["additional_duty_usd"].sum() / 1e9
    assert_allclose([tops[i] for i in range(len(expected))], expected.to_numpy())


def test_title_labels_and_footer(figure: Figure, result: Result) -> None:
    ax = figure.axes[0]
    assert ax.get_ylabel() == "Additional duty per month ($B)"
    texts = [t.get_text() for t in figure.texts]
    assert result.scenario.title in texts
    assert any(t.startswith("tariffsim · escalate · static model. Sources:") for t in texts)
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[:4] == ["Oct\n2018", "Nov", "Dec", "Jan\n2019"]


def test_event_labels_above_the_bars_and_apart(figure: Figure) -> None:
    ax = figure.axes[0]
    labels = [t for t in ax.texts if "→" in t.get_text()]
    assert [t.get_text() for t in labels] == [
        "List 3 → 25 %",
        "Next round → 10 %",
        "Next round → 25 %",
    ]
    figure.canvas.draw()
    boxes = [t.get_window_extent() for t in labels]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    top_bar = max(bar.get_y() + bar.get_height() for bar in ax.patches)
    assert ax.transData.transform((0, top_bar))[1] < min(box.y0 for box in boxes)


def test_footer_and_legend_stay_on_the_figure(figure: Figure) -> None:
    figure.canvas.draw()
    page = figure.bbox
    for text in figure.texts:
        box = text.get_window_extent()
        assert page.x0 <= box.x0 and box.x1 <= page.x1 + 1
        assert page.y0 <= box.y0 and box.y1 <= page.y1
    assert not figure.legends[0].get_window_extent().overlaps(figure.axes[0].get_window_extent())


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_save_figure_by_extension(figure: Figure, tmp_path: Path, suffix: str) -> None:
    path = save_figure(figure, tmp_path / f"chart{suffix}")
    head = path.read_bytes()[:5]
    assert head == {".png": b"\x89PNG\r", ".svg": b"<?xml", ".pdf": b"%PDF-"}[suffix]
    assert [p.name for p in tmp_path.iterdir()] == [f"chart{suffix}"]


def test_unknown_extension_is_a_user_error(figure: Figure, tmp_path: Path) -> None:
    with pytest.raises(TariffsimError, match=r"unknown chart format '\.jpg'"):
        save_figure(figure, tmp_path / "chart.jpg")


def test_a_failing_savefig_keeps_the_old_file(
    figure: Figure, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "chart.png"
    target.write_bytes(b"old")

    def broken(self: Figure, fname: object, **kwargs: object) -> None:
        Path(str(fname)).write_bytes(b"partial")
        raise RuntimeError("renderer failed")

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(RuntimeError, match="renderer failed"):
        save_figure(figure, target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["chart.png"]


def test_weekly_bars_get_one_tick_per_month() -> None:
    result = simulate(load_scenario(SCENARIOS / "hold.yaml"), step="week")
    fig = plot_tranche_duty(result)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks[:5] == ["Oct\n2018", "Nov", "Dec", "Jan\n2019", "Feb"]
    assert len(ticks) == 15


@pytest.mark.parametrize("step", ["day", "week", "month", "quarter"])
def test_a_behavioural_run_marks_the_static_total_over_each_bar(step: str) -> None:
    behavioural = simulate(load_scenario(SCENARIOS / "escalate.yaml"), step=step)
    assert behavioural.mode == "behavioural"
    fig = plot_tranche_duty(behavioural)
    ax = fig.axes[0]
    (marks,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    segments = marks.get_segments()
    static = tranche_duty_data(behavioural, "static").sum(axis=1).to_numpy()
    assert len(segments) == len(static)
    assert_allclose([s[:, 1] for s in segments], np.column_stack([static, static]), rtol=1e-12)
    # each mark spans exactly its bar: same left and right edges, whatever the step
    spans = sorted({(round(b.get_x(), 9), round(b.get_x() + b.get_width(), 9)) for b in ax.patches})
    assert_allclose([s[:, 0] for s in segments], spans, atol=1e-9)
    assert "static total (imports fixed)" in [t.get_text() for t in fig.legends[0].get_texts()]
