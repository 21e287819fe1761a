"""The comparison charts draw few texts, each carrying its values, and are drawn once to save.

Drawing cost follows the texts drawn (FreeType renders every character on its own), so
each chart's count of drawn texts is derived here from what it must say: its frame
(title, subtitle, footer), one legend entry per scenario and per mode, one label per
event date, one label per bar.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from tariffsim.comparison.chart import DRAWERS, plot_chart, write_charts
from tariffsim.comparison.compute import as_results
from tariffsim.model.results import Result
from tariffsim.outputs import style
from tariffsim.outputs.files import DPI, save_figure
from tariffsim.scenario.validation import load_scenario
from tests import chartcheck
from tests.conftest import SCENARIOS
from tests.synthetic import static_only, with_behavioural

PATHS = ["escalate", "hold", "ceasefire"]
FRAME = 3
"""Title, subtitle and footer: the texts every chart draws whatever its data."""


@pytest.fixture(scope="module")
def static() -> list[Result]:
    """The three paths, static rows only."""
    return as_results([static_only(load_scenario(SCENARIOS / f"{n}.yaml")) for n in PATHS])


@pytest.fixture(scope="module")
def mixed(static: list[Result]) -> list[Result]:
    """The three paths, static rows and behavioural rows at 0.7 × the static ones."""
    return [with_behavioural(r, 0.7) for r in static]


@pytest.fixture
def draws(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The renderer of every Figure.draw while the test runs (layout passes included)."""
    calls: list[object] = []
    original = Figure.draw

    def counted(self: Figure, renderer: object) -> None:
        calls.append(renderer)
        original(self, renderer)  # type: ignore[arg-type]

    monkeypatch.setattr(Figure, "draw", counted)
    return calls


def drawn(fig: Figure) -> list[str]:
    return [t.get_text() for t, _ in chartcheck.texts(fig)]


def tick_labels(fig: Figure) -> list[str]:
    """The tick labels a full draw shows (those of ticks inside each axis' view)."""
    shown = {id(t) for t, _ in chartcheck.texts(fig)}
    return [
        t.get_text()
        for ax in fig.axes
        for t in ax.get_xticklabels() + ax.get_yticklabels()
        if id(t) in shown
    ]


def test_totals_draw_one_label_per_bar_and_nothing_else(mixed: list[Result]) -> None:
    fig = plot_chart("totals", mixed, "hold")
    ax = fig.axes[0]
    bars = len(PATHS) * 2
    assert len(ax.patches) == bars
    texts = drawn(fig)
    # no value axis and no name axis: every bar's one label says both
    assert tick_labels(fig) == []
    assert len(texts) == FRAME + bars
    labels = [t.get_text() for t in ax.texts]
    assert len(labels) == bars
    for label, bar in zip(labels, ax.patches, strict=True):
        assert f"${bar.get_width():,.1f}B" in label


def test_totals_labels_give_the_hand_computed_differences(mixed: list[Result]) -> None:
    labels = [t.get_text() for t in plot_chart("totals", mixed, "hold").axes[0].texts]
    # escalation adds the next round on $267B/year: 10 % for 92 days, 25 % for 214 days
    # (docs/charts.md); the ceasefire keeps List 3 ($200B/year) at 10 % instead of 25 %
    escalate = 267 * (0.10 * 92 + 0.25 * 214) / 365
    ceasefire = 0.15 * 200
    assert labels[0].startswith("escalate (static)  $")
    assert labels[0].endswith(f"(+${escalate:.1f}B, +64.9 %)")
    assert labels[1].endswith(f"(+${escalate * 0.7:.1f}B, +64.9 %)")  # 0.7 × both: same share
    assert labels[2].endswith("  (reference)") and labels[3].startswith("hold (behavioural)  $")
    assert labels[4].endswith(f"(−${ceasefire:.1f}B, −42.4 %)")


def test_each_totals_label_sits_above_its_own_bar(mixed: list[Result]) -> None:
    fig = plot_chart("totals", mixed, "hold")
    fig.canvas.draw()
    ax = fig.axes[0]
    bars = [b.get_window_extent() for b in ax.patches]
    labels = [t.get_window_extent() for t in ax.texts]
    for i, (label, bar) in enumerate(zip(labels, bars, strict=True)):
        assert label.y0 >= bar.y1 - 0.5  # above its bar…
        assert abs(label.x0 - bar.x0) < 3 * DPI / 72  # …starting where it starts
        for j, other in enumerate(bars):
            if j != i:
                assert not label.overlaps(other), (ax.texts[i].get_text(), j)


@pytest.mark.parametrize("name", ["duty-per-period", "cumulative-duty", "effective-rate"])
def test_line_charts_draw_a_text_budget_derived_from_series_and_events(
    mixed: list[Result], name: str
) -> None:
    fig = plot_chart(name, mixed, "hold")
    texts = drawn(fig)
    ticks = tick_labels(fig)
    # the legend: a colour per scenario and a line style per mode, never one per line
    legend = [t.get_text() for t in fig.legends[0].texts]
    assert legend == [*PATHS, "static", "behavioural"]
    ax = fig.axes[0]
    events = [t.get_text() for t in ax.texts]
    dates = {d for r in mixed for d in r.events[r.events["applies"]]["date"]}
    assert len(events) <= len(dates) if name == "duty-per-period" else events == []
    # no text twice, and nothing drawn beyond the frame, legend, axis label, ticks, events
    assert len(texts) == len(set(texts)) + (len(ticks) - len(set(ticks)))
    assert len(texts) == FRAME + len(legend) + 1 + len(ticks) + len(events)
    # the paths are named by the legend only, not again in the subtitle
    assert fig.texts[1].get_text() in texts
    assert fig.texts[1].get_text() == "reference: hold · 2018-10-01 to 2019-12-31"


def test_event_labels_are_placed_without_drawing(mixed: list[Result], draws: list[object]) -> None:
    fig = plot_chart("duty-per-period", mixed, "hold")
    assert draws == []
    assert fig.axes[0].texts[0].get_text() == "List 3 → 25 % (escalate, hold)"


def test_a_settled_figure_saves_in_one_draw_with_the_same_pixels(
    mixed: list[Result], tmp_path: Path, draws: list[object]
) -> None:
    for name in DRAWERS:
        draws.clear()
        save_figure(plot_chart(name, mixed, "hold"), tmp_path / f"{name}-as-is.png")
        assert len(draws) == 2  # a layout pass without pixels, then the pixels
        draws.clear()
        settled = style.settle(plot_chart(name, mixed, "hold"), DPI)
        assert settled.get_layout_engine() is None
        save_figure(settled, tmp_path / f"{name}-settled.png")
        assert len(draws) == 1
        as_is = (tmp_path / f"{name}-as-is.png").read_bytes()
        assert (tmp_path / f"{name}-settled.png").read_bytes() == as_is, name


def test_write_charts_draws_each_figure_once(
    mixed: list[Result], tmp_path: Path, draws: list[object]
) -> None:
    written = write_charts(mixed, "hold", tmp_path / "all.png", tmp_path / "img")
    assert len(written) == 1 + len(DRAWERS)
    assert len(draws) == len(written)


@settings(max_examples=12, deadline=None)
@given(st.lists(st.floats(0.05, 1.5), min_size=3, max_size=3), st.sampled_from(PATHS))
def test_every_totals_label_states_its_bars_numbers(
    static: list[Result], factors: list[float], reference: str
) -> None:
    """Whatever the totals: one label per bar, with the bar's value and its difference."""
    results = [with_behavioural(r, f) for r, f in zip(static, factors, strict=True)]
    ax = plot_chart("totals", results, reference).axes[0]
    assert len(ax.texts) == len(ax.patches) == 2 * len(PATHS)
    # bars run top to bottom in the order given, static before behavioural
    own = {
        (r.name, mode): r.totals(mode)["additional_duty_usd"] / 1e9
        for r in results
        for mode in ("static", "behavioural")
    }
    for text, ((name, mode), value) in zip(ax.texts, own.items(), strict=True):
        label = text.get_text()
        assert label.startswith(f"{name} ({mode})  ${value:,.1f}B  ")
        if name == reference:
            assert label.endswith("(reference)")
            continue
        difference = value - own[(reference, mode)]
        sign = "+" if difference >= 0 else "−"
        share = abs(difference) / own[(reference, mode)] * 100
        assert label.endswith(f"({sign}${abs(difference):,.1f}B, {sign}{share:,.1f} %)")
