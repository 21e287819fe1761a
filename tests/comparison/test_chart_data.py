"""The data behind each comparison chart equal the engine's results, one series per line."""

from __future__ import annotations

import datetime as dt

import pytest
from numpy.testing import assert_allclose

from tariffsim.comparison.chart_data import (
    cumulative_duty_data,
    duty_per_period_data,
    effective_rate_data,
    totals_data,
)
from tariffsim.comparison.compute import as_results
from tariffsim.model.results import Result
from tariffsim.outputs.text import event_marks, short_label, sources_line, step_points
from tariffsim.scenario.validation import load_scenario
from tests.conftest import SCENARIOS
from tests.synthetic import static_only, with_behavioural

PATHS = ["escalate", "hold", "ceasefire"]


@pytest.fixture(scope="module")
def results() -> list[Result]:
    return as_results([static_only(load_scenario(SCENARIOS / f"{n}.yaml")) for n in PATHS])


def test_duty_per_period_is_the_engines_sum_over_tranches(results: list[Result]) -> None:
    frame = duty_per_period_data(results)
    assert list(frame["scenario"].unique()) == PATHS
    for r in results:
        rows = frame[frame["scenario"] == r.name]
        expected = r.periods.groupby("period_start", sort=False)["additional_duty_usd"].sum()
        assert list(rows["period_start"]) == list(expected.index.date)
        assert_allclose(rows["additional_duty_usd"], expected.to_numpy(), rtol=1e-15)
    june = frame[(frame["scenario"] == "escalate") & (frame["period_start"] == dt.date(2019, 6, 1))]
    # all four tranches at 25 %: (34 + 16 + 200 + 267)e9 · 25 % · 30/365
    assert_allclose(june["additional_duty_usd"].item(), 517e9 * 0.25 * 30 / 365)


def test_cumulative_duty_ends_at_the_total(results: list[Result]) -> None:
    frame = cumulative_duty_data(results)
    for r in results:
        rows = frame[frame["scenario"] == r.name]
        assert rows["cumulative_additional_duty_usd"].is_monotonic_increasing
        assert_allclose(
            rows["cumulative_additional_duty_usd"].iloc[-1], r.totals()["additional_duty_usd"]
        )
        assert rows["period_end"].iloc[-1] == r.scenario.horizon.end


def test_effective_rate_by_hand(results: list[Result]) -> None:
    frame = effective_rate_data(results).set_index(["scenario", "period_start"])
    rate = frame["effective_additional_rate"]
    # escalate from June 2019: every tranche at 25 %
    assert_allclose(rate[("escalate", dt.date(2019, 7, 1))], 0.25)
    # hold in 2019: 25 % on 250e9 of 517e9, nothing on the next round
    assert_allclose(rate[("hold", dt.date(2019, 7, 1))], 0.25 * 250 / 517)
    # ceasefire: 25 % on 50e9 and 10 % on 200e9
    assert_allclose(rate[("ceasefire", dt.date(2019, 7, 1))], (0.25 * 50 + 0.10 * 200) / 517)


def test_totals_data_difference_to_the_reference(results: list[Result]) -> None:
    frame = totals_data(results, "hold").set_index("scenario")
    assert list(frame.index) == PATHS
    for r in results:
        assert_allclose(frame.loc[r.name, "additional_duty_usd"], r.totals()["additional_duty_usd"])
    assert frame.loc["hold", "additional_duty_difference_usd"] == 0.0
    assert_allclose(frame.loc["ceasefire", "additional_duty_difference_usd"], -30e9)


def test_behavioural_rows_are_series_of_their_own(results: list[Result]) -> None:
    mixed = [with_behavioural(r, 0.5) for r in results]
    frame = duty_per_period_data(mixed)
    series = frame[["scenario", "mode"]].drop_duplicates()
    assert len(series) == 2 * len(PATHS)
    static = frame[frame["mode"] == "static"]["additional_duty_usd"].to_numpy()
    behavioural = frame[frame["mode"] == "behavioural"]["additional_duty_usd"].to_numpy()
    assert_allclose(behavioural, 0.5 * static)
    assert len(totals_data(mixed, "hold")) == 2 * len(PATHS)


def test_events_labelled_once_with_the_paths_they_apply_in(results: list[Result]) -> None:
    marks = event_marks(results)
    texts = dict(zip(marks["date"], marks["text"], strict=True))
    assert texts[dt.date(2019, 1, 1)] == "List 3 → 25 % (escalate, hold)"
    assert texts[dt.date(2019, 3, 1)] == "Next round → 10 % (escalate)"
    assert texts[dt.date(2019, 6, 1)] == "Next round → 25 % (escalate)"
    # steps before the compared range (List 1 in July 2018) are not marked
    assert min(marks["date"]) >= results[0].scenario.horizon.start
    assert list(marks["date"]) == sorted(marks["date"])


def test_an_event_in_every_path_names_none(results: list[Result]) -> None:
    marks = event_marks(results[1:2])
    assert list(marks["text"]) == ["List 3 → 25 %"]


def test_small_helpers(results: list[Result]) -> None:
    assert short_label("List 3 ($200B)") == "List 3"
    line = sources_line(results)
    assert line.startswith("Sources: ")
    assert "Notice of Action Pursuant to Section 301 (2018)" in line
    assert line.count("tariffsim assumption") == 1
    starts = [dt.date(2019, 1, 1), dt.date(2019, 2, 1)]
    ends = [dt.date(2019, 1, 31), dt.date(2019, 2, 28)]
    assert step_points(starts, ends)[-1] == dt.date(2019, 3, 1)
