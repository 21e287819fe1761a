"""Charts hold up as the 150-dpi files draw them, where glyphs fitted to pixels run wider.

A long footer of sources is wrapped by its drawn width, so no line runs off the figure: hold and
the 2018–2020 history name 35 sources between them, many titles of capitals and wide letters,
and a wrap by counting characters let some lines run past the right edge. Event labels are
measured at the files' resolution: at the screen's, "List 3 → 25 % (escalate, hold)" seemed to
leave room for "Next round → 25 %" in the same row, and ran into it in the file.
"""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from tariffsim.comparison.chart import comparison_figures, plot_comparison
from tariffsim.comparison.compute import prepare
from tariffsim.model.flows import load_scenario
from tariffsim.outputs.files import DPI
from tariffsim.outputs.style import wrap_measured
from tests import chartcheck
from tests.conftest import SCENARIOS


@pytest.fixture(scope="module")
def figures() -> dict[str, Figure]:
    paths = [SCENARIOS / "hold.yaml", SCENARIOS / "history" / "us-china-2018-2020.yaml"]
    results = list(prepare([load_scenario(p) for p in paths], "hold").results)
    return {"all": plot_comparison(results, "hold"), **comparison_figures(results, "hold")}


@pytest.mark.parametrize("name", ["all", "duty-per-period", "effective-rate", "totals"])
def test_the_footer_stays_inside_the_figure(figures: dict[str, Figure], name: str) -> None:
    """Checked at the files' resolution: the renderer fits glyphs to whole pixels, so the
    same line is wider at 150 dots per inch than at the screen's 100."""
    fig = figures[name]
    fig.set_dpi(DPI)
    footer = max((t for t in fig.texts if t.get_text().startswith("tariffsim ·")), key=len_of)
    assert footer.get_text().count("\n") >= 5  # long enough to need many lines
    assert chartcheck.layout_problems(fig)[0] == []


def len_of(text: object) -> int:
    return len(text.get_text())  # type: ignore[attr-defined]


def test_words_are_kept_whole_and_lines_filled() -> None:
    words = ("Notice of Modification of Section 301 Action WWWW " * 12).split()
    lines = wrap_measured(" ".join(words), 300.0, 7.0)
    assert " ".join(lines).split() == words  # nothing lost, nothing split
    assert len(lines) > 3
    narrow = wrap_measured("a" * 200 + " b", 50.0, 7.0)
    assert narrow == ["a" * 200, "b"]  # a word wider than the line stands alone


def test_every_event_of_the_four_paths_is_labelled_without_overlap() -> None:
    names = ("escalate", "hold", "ceasefire", "deescalate")
    results = list(prepare([load_scenario(SCENARIOS / f"{n}.yaml") for n in names], "hold").results)
    fig = plot_comparison(results, "hold")
    fig.set_dpi(DPI)
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert "Next round → 25 % (escalate)" in labels
    assert "List 3 → 25 % (escalate, hold)" in labels
    assert not any(text.endswith(" more") for text in labels)
    assert chartcheck.layout_problems(fig) == ([], [])


@pytest.mark.parametrize("width", range(60, 100, 3))
def test_a_short_aside_in_a_title_is_never_cut(width: int) -> None:
    from tariffsim.outputs.style import wrap_title

    title = "Hold: List 3 rises to 25 % on 1 January 2019; the next round stays on hold"
    wrapped = wrap_title(title + " (modified by --set)", width)
    assert any("(modified by --set)" in line for line in wrapped.splitlines())
    assert wrapped.replace("\n", " ") == title + " (modified by --set)"
