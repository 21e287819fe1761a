"""``--set key.path=value``: a value changed without a file, checked exactly like the file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from typer.testing import CliRunner

from tariffsim.cli import app
from tariffsim.errors import TariffsimError
from tariffsim.model.simulation import simulate
from tariffsim.scenario.edits import SET_SOURCE, Edit
from tariffsim.scenario.validation import load_scenario
from tests.conftest import SCENARIOS

HOLD = SCENARIOS / "hold.yaml"
runner = CliRunner()


def test_an_override_changes_the_rate_and_nothing_else() -> None:
    plain = load_scenario(HOLD)
    changed = load_scenario(HOLD, ["tranches.list3.schedule.2019-01-01.rate=20 %"])
    assert changed.tranches["list3"].rate_on(dt.date(2019, 1, 1)) == pytest.approx(0.20)
    assert plain.tranches["list3"].rate_on(dt.date(2019, 1, 1)) == pytest.approx(0.25)
    step = changed.tranches["list3"].schedule[dt.date(2019, 1, 1)]
    was = plain.tranches["list3"].schedule[dt.date(2019, 1, 1)]
    # the rest of the step is the file's; its number is the user's, cited as such
    assert (step.status, step.announced) == (was.status, was.announced)
    assert (step.source, was.source) == (SET_SOURCE, "ustr-list3")
    assert step.note == (
        "set with --set: tranches.list3.schedule.2019-01-01.rate = 20 % (was 25 % [ustr-list3])"
    )
    assert changed.edits == (
        Edit("tranches.list3.schedule.2019-01-01.rate", "20 %", "25 %", "ustr-list3"),
    )
    assert changed.title == plain.title + " (modified by --set)"
    assert plain.edits == ()
    assert {k: v for k, v in changed.sources.items() if k != SET_SOURCE} == plain.sources
    assert changed.sources[SET_SOURCE].note == changed.edits[0].describe()
    other = {"tranches", "sources", "title"}
    assert changed.model_dump(exclude=other) == plain.model_dump(exclude=other)
    for tid in ("list1", "list2", "next-round"):
        assert changed.tranches[tid] == plain.tranches[tid]


def test_the_override_reaches_the_duty() -> None:
    """List 3 is $200B/year: 20 % instead of 25 % over calendar 2019 is $10B less, static."""
    base = simulate(load_scenario(HOLD), "year", behavioural=False)
    lower = simulate(
        load_scenario(HOLD, ["tranches.list3.schedule.2019-01-01.rate='20 %'"]),
        "year",
        behavioural=False,
    )

    def list3_2019(r: object) -> float:
        p = r.periods  # type: ignore[attr-defined]
        row = p[(p["tranche"] == "list3") & (p["period_start"] == pd.Timestamp(2019, 1, 1))]
        return float(row["additional_duty_usd"].sum())

    assert_allclose(list3_2019(base) - list3_2019(lower), 0.05 * 200e9, rtol=1e-12)


def test_an_override_may_add_a_date_and_replace_a_mapping() -> None:
    s = load_scenario(
        HOLD,
        [
            "tranches.list3.schedule.2019-6-1={rate: 30 %, status: scheduled}",
            "title=A what-if",
        ],
    )
    assert s.tranches["list3"].rate_on(dt.date(2019, 6, 1)) == pytest.approx(0.30)
    assert s.title == "A what-if (modified by --set)"
    assert s.tranches["list3"].schedule[dt.date(2019, 6, 1)].source == SET_SOURCE
    assert [e.describe() for e in s.edits] == [
        "tranches.list3.schedule.2019-06-01 = {rate: 30 %, status: scheduled} (new)",
        "title = A what-if (was Hold: List 3 rises to 25 % on 1 January 2019; the next roun…)",
    ]


def test_later_overrides_win() -> None:
    s = load_scenario(
        HOLD,
        ["tranches.list1.imports=10 billion USD/year"] * 1
        + ["tranches.list1.imports=12 billion USD/year"],
    )
    assert s.tranches["list1"].imports.value == pytest.approx(12e9)


@pytest.mark.parametrize(
    ("override", "field", "words"),
    [
        (
            "tranches.list3.schedule.2019-01-01.rate=20 kg",
            "tranches.list3.schedule.2019-01-01.rate",
            "expected a rate",
        ),
        ("tranches.list3.improts=1", "tranches.list3.improts", "did you mean 'imports'"),
        ("tranches.list3.imports=-5 billion USD/year", "tranches.list3.imports", "at least 0"),
        ("title=[1, 2]", "title", "expected text"),
        ("title.sub=x", "title.sub", "is a single value"),
        ("no-equals-sign", "--set", "expected key.path=value"),
        ("tranches..rate=1 %", "--set", "expected key.path=value"),
        ("title={a: [", "title", "malformed YAML"),
    ],
)
def test_bad_overrides_are_one_located_line(override: str, field: str, words: str) -> None:
    with pytest.raises(TariffsimError) as caught:
        load_scenario(HOLD, [override])
    error = caught.value
    assert error.field == field
    assert words in error.message + (error.hint or "")
    assert error.file in ("--set", None)
    assert error.line is None


def test_cli_set_prints_one_line_and_exits_2() -> None:
    result = runner.invoke(
        app, ["run", str(HOLD), "--set", "tranches.list3.schedule.2019-01-01.rate=20 kg"]
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "tariffsim: error: --set: tranches.list3.schedule.2019-01-01.rate:"
        " expected a rate like '25 %', got '20 kg' ([mass])"
    ]


def test_cli_set_changes_the_written_totals(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    args = ["run", str(HOLD), "--static", "--step", "year", "-o"]
    assert runner.invoke(app, [*args, str(out)]).exit_code == 0
    before = json.loads(out.read_text())[0]["totals"]["additional_duty_usd"]
    result = runner.invoke(
        app, [*args, str(out), "--set", "tranches.list3.schedule.2019-01-01.rate=20 %"]
    )
    assert result.exit_code == 0, result.stderr
    after = json.loads(out.read_text())[0]["totals"]["additional_duty_usd"]
    assert_allclose(before - after, 0.05 * 200e9, rtol=1e-12)


def test_a_bare_value_set_over_a_sourced_one_cites_set() -> None:
    """``elasticity: {value: 2, source: usitc-2023}`` set to a bare 3: the value is the user's."""
    s = load_scenario(HOLD, ["assumptions.elasticity=3"])
    assert s.assumptions is not None and s.assumptions.elasticity is not None
    assert (s.assumptions.elasticity.value, s.assumptions.elasticity.source) == (3, SET_SOURCE)
    assert s.edits == (Edit("assumptions.elasticity", "3", "2", "usitc-2023"),)


def test_a_key_set_twice_is_one_edit_from_the_file_value_to_the_last() -> None:
    key = "tranches.list1.imports"
    s = load_scenario(HOLD, [f"{key}=10 billion USD/year", f"{key}=12 billion USD/year"])
    assert s.edits == (Edit(key, "12 billion USD/year", "34 billion USD/year", "ustr-list1"),)
    assert s.tranches["list1"].imports.source == SET_SOURCE


def test_a_source_the_user_names_is_kept() -> None:
    day = "tranches.list3.schedule.2019-01-01"
    s = load_scenario(HOLD, [f"{day}.source=article", f"{day}.rate=20 %"])
    assert s.tranches["list3"].schedule[dt.date(2019, 1, 1)].source == "article"
    assert SET_SOURCE not in s.sources  # nothing cites it


def test_a_label_set_leaves_every_number_cited_as_in_the_file() -> None:
    plain = load_scenario(HOLD)
    s = load_scenario(HOLD, ["tranches.list3.label=Third list"])
    assert s.tranches["list3"].label == "Third list"
    assert s.source_refs() == plain.source_refs()
    assert s.edits == (Edit("tranches.list3.label", "Third list", "List 3 ($200B)"),)
    assert s.title.endswith(" (modified by --set)")


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=200))
def test_any_rate_set_is_the_step_rate_cited_to_set(percent: int) -> None:
    key = "tranches.list3.schedule.2019-01-01.rate"
    s = load_scenario(HOLD, [f"{key}={percent} %"])
    step = s.tranches["list3"].schedule[dt.date(2019, 1, 1)]
    assert step.rate == pytest.approx(percent / 100, abs=1e-15)
    assert step.source == SET_SOURCE
    assert s.edits == (Edit(key, f"{percent} %", "25 %", "ustr-list3"),)


def test_a_whole_step_set_as_a_bare_rate_cites_set() -> None:
    """The step ``{rate: 25 %, status: scheduled, source: ustr-list3, …}`` replaced by '20 %'."""
    s = load_scenario(HOLD, ["tranches.list3.schedule.2019-01-01=20 %"])
    step = s.tranches["list3"].schedule[dt.date(2019, 1, 1)]
    assert (step.rate, step.source, step.status.value) == (0.20, SET_SOURCE, "in_force")
    assert s.edits == (Edit("tranches.list3.schedule.2019-01-01", "20 %", "25 %", "ustr-list3"),)


def test_a_node_made_invalid_by_set_is_located_to_set_not_to_the_file() -> None:
    """'decided' on a step that goes ahead is refused at the step, which lives in base.yaml:
    the problem is the user's change, so the line names --set, not the file's line; an error
    in a node --set did not touch still names its file and line."""
    changed = "tranches.list3.schedule.2019-01-01.decided=2018-12-01"
    result = CliRunner().invoke(app, ["run", str(SCENARIOS / "hold.yaml"), "--set", changed])
    assert result.exit_code == 2
    assert result.stderr.startswith("tariffsim: error: --set: tranches.list3.schedule.2019-01-01:")
    assert "base.yaml" not in result.stderr
    untouched = CliRunner().invoke(
        app, ["validate", str(SCENARIOS.parent / "tests/data/invalid/rate_without_unit.yaml")]
    )
    assert ":13: tranches.list3.schedule.2019-01-01: expected a rate" in untouched.stderr


def test_a_tranche_set_whole_cites_set_for_its_numbers_unless_they_name_a_source() -> None:
    """A new tranche given whole on the command line: its imports and each step are the user's
    numbers, cited '--set'; a step that names its own source keeps it."""
    extra = (
        "tranches.extra={label: Extra, importer: US, exporter: CN, "
        "imports: 10 billion USD/year, schedule: {2019-01-01: 10 %, "
        "2019-06-01: {rate: 15 %, source: ustr-list3}}}"
    )
    s = load_scenario(HOLD, [extra])
    tranche = s.tranches["extra"]
    assert tranche.imports.source == SET_SOURCE
    assert tranche.schedule[dt.date(2019, 1, 1)].source == SET_SOURCE
    assert tranche.schedule[dt.date(2019, 6, 1)].source == "ustr-list3"
    assert tranche.schedule[dt.date(2019, 1, 1)].rate == pytest.approx(0.10)
    assert SET_SOURCE in s.sources


def test_a_step_called_off_after_its_own_date_is_refused() -> None:
    """A suspended step 'decided' after the day it was due would have taken effect by then."""
    key = "tranches.list3.schedule.2019-01-01.decided"
    done = CliRunner().invoke(
        app, ["run", str(SCENARIOS / "ceasefire.yaml"), "--set", f"{key}=2019-06-30"]
    )
    assert done.exit_code == 2
    assert "decided 2019-06-30 is after the step's own date" in done.stderr
    on_time = CliRunner().invoke(
        app, ["run", str(SCENARIOS / "ceasefire.yaml"), "--set", f"{key}=2018-12-20"]
    )
    assert on_time.exit_code == 0, on_time.stderr
