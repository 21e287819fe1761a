"""The lines and the footer sentence that say what --set changed."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tariffsim.outputs.edits import edit_lines, edit_records, edits_sentence
from tariffsim.scenario.edits import Edit, written

RISE = Edit("tranches.list3.schedule.2019-01-01.rate", "20 %", "25 %", "ustr-list3")
NEW = Edit("tranches.list3.schedule.2019-06-01.rate", "30 %")


def path(name: str, *edits: Edit) -> Any:
    """A stand-in for a result: its name and its scenario's edits are all these read."""
    return SimpleNamespace(name=name, scenario=SimpleNamespace(edits=edits))


def test_an_edit_says_what_it_replaced_and_its_source() -> None:
    assert (
        RISE.describe() == "tranches.list3.schedule.2019-01-01.rate = 20 % (was 25 % [ustr-list3])"
    )
    assert NEW.describe() == "tranches.list3.schedule.2019-06-01.rate = 30 % (new)"
    assert Edit("title", "T", "Old").describe() == "title = T (was Old)"


def test_lines_are_empty_without_edits_and_indented_with() -> None:
    assert edit_lines(path("hold").scenario) == []
    assert edit_records(path("hold").scenario) == {}
    assert edit_lines(path("hold", RISE, NEW).scenario, "  ") == [
        "  modified by --set (a what-if, not the file as written):",
        f"    {RISE.describe()}",
        f"    {NEW.describe()}",
    ]


def test_the_sentence_names_paths_only_for_an_edit_not_all_share() -> None:
    assert edits_sentence([path("hold"), path("escalate")]) == ""
    assert edits_sentence([path("hold", RISE), path("escalate", RISE)]) == (
        f"Modified by --set: {RISE.describe()}. "
    )
    assert edits_sentence([path("hold", RISE, NEW), path("escalate", RISE)]) == (
        f"Modified by --set: {RISE.describe()}; {NEW.describe()} in hold. "
    )


def test_a_written_value_is_one_short_line() -> None:
    assert written({"rate": "20 %", "source": "x"}) == "{rate: 20 %, source: x}"
    assert written({"rate": "20 %", "source": "x"}, number=True) == "20 %"
    assert written("two\n  lines") == "two lines"
    assert written([1, True, None]) == "[1, true, null]"
    assert written("x" * 70) == "x" * 59 + "…"
