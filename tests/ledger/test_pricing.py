"""Ledger exposure: a hand-computed ledger, equality with the aggregate engine, periods."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from tariffsim.ledger.coverage import load_measures
from tariffsim.ledger.periods import period_bounds, period_ordinals
from tariffsim.ledger.pricing import price_ledger
from tariffsim.ledger.reader import LedgerReader
from tariffsim.ledger.summary import Exposure
from tariffsim.model.simulation import simulate
from tariffsim.model.timeline import day_number
from tariffsim.scenario.validation import load_scenario
from tests.ledgers import HAND_LINES, HAND_SCENARIO, write_csv, write_scenario


def run(scenarios: list[Path], ledger: Path, chunk_rows: int = 1000) -> Exposure:
    reader = LedgerReader(ledger, chunk_rows=chunk_rows)
    measures = [load_measures(s) for s in scenarios]
    return price_ledger(measures, reader, group_names=reader.group_names)


def by_key(frame: pd.DataFrame, column: str) -> dict[str, float]:
    return dict(zip(frame["key"], frame[column], strict=True))


@pytest.fixture
def hand(tmp_path: Path) -> Exposure:
    scenario = write_scenario(tmp_path, HAND_SCENARIO % {"rule": "max"}, "hand.yaml")
    return run([scenario], write_csv(tmp_path, HAND_LINES))


def test_hand_totals(hand: Exposure) -> None:
    total = hand.table("total").iloc[0]
    assert total["lines"] == 7
    assert_allclose(total["imports_usd"], 6000.0)
    assert_allclose(total["additional_duty_usd"], 100 + 250 + 300 + 0 + 250)
    assert_allclose(total["base_duty_usd"], 30 + 30 + 60 + 8)
    uncovered = hand.table("uncovered").iloc[0]
    assert (uncovered["lines"], uncovered["imports_usd"]) == (2, 600.0)


def test_hand_uncovered_by_chapter_and_entry_dates(hand: Exposure) -> None:
    chapters = hand.table("uncovered_chapter")
    assert chapters["key"].tolist() == ["42", "94"]  # the handbag from CN, the seat from VN
    assert chapters["lines"].tolist() == [1, 1]
    assert_allclose(chapters["imports_usd"], [100.0, 500.0])
    assert_allclose(chapters["total_duty_usd"], [0.0, 0.0])
    assert hand.entries == (dt.date(2018, 12, 31), dt.date(2019, 8, 1))


def test_uncovered_chapters_follow_each_lines_date_when_coverage_changes(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path, HAND_SCENARIO % {"rule": "max"}, "hand.yaml")
    m = load_measures(scenario)
    # Segments: before 2018-03-23, then from 2018-03-23, 2019-01-01, 2019-03-01, 2019-07-01.
    assert [str(d) for d in m.change_days.astype("datetime64[D]")][2:] == [
        "2019-03-01",
        "2019-07-01",
    ]
    # A coverage no scenario can state yet: nothing is covered from 2019-03-01 on.
    covers = m.covers.copy()
    covers[np.arange(m.n_keys) % (m.change_days.size + 1) >= 3] = False
    changed = replace(m, covers=covers)
    exposure = price_ledger([changed], LedgerReader(write_csv(tmp_path, HAND_LINES)))
    chapters = exposure.table("uncovered_chapter")
    # Uncovered: 8501 of 07-01 and 8504 of 04-01 (ch. 85), the VN seat, 7208 of 05-05, 4202.
    assert dict(zip(chapters["key"], chapters["lines"], strict=True)) == {
        "42": 1,
        "72": 1,
        "85": 2,
        "94": 1,
    }
    assert_allclose(chapters["imports_usd"], [100.0, 1000.0, 3000.0, 500.0])
    uncovered = exposure.table("uncovered").iloc[0]
    assert (uncovered["lines"], uncovered["imports_usd"]) == (5, 4600.0)


def test_hand_by_measure(hand: Exposure) -> None:
    measures = hand.table("measure")
    assert by_key(measures, "lines") == {"a": 3, "b": 3, "c": 1}
    assert_allclose(list(by_key(measures, "imports_usd").values()), [2400, 4000, 1000])
    assert_allclose(list(by_key(measures, "additional_duty_usd").values()), [350, 300, 250])
    assert_allclose(list(by_key(measures, "base_duty_usd").values()), [8, 120, 0])


def test_hand_by_period_and_sku(hand: Exposure) -> None:
    periods = hand.table("period")
    assert periods["period_start"].tolist()[:2] == [dt.date(2018, 12, 1), dt.date(2019, 2, 1)]
    assert periods["period_end"].tolist()[1] == dt.date(2019, 2, 28)
    feb = periods[periods["key"] == "2019-02-01"].iloc[0]
    assert (feb["lines"], feb["imports_usd"], feb["total_duty_usd"]) == (2, 1100.0, 130.0)
    skus = hand.table("sku")
    assert_allclose(list(by_key(skus, "total_duty_usd").values()), [410, 360, 258])


def test_add_rule(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path, HAND_SCENARIO % {"rule": "add"}, "add.yaml")
    exposure = run([scenario], write_csv(tmp_path, HAND_LINES))
    assert_allclose(exposure.table("total")["additional_duty_usd"].item(), 1050.0)
    measures = exposure.table("measure")
    assert_allclose(list(by_key(measures, "additional_duty_usd").values()), [350, 450, 250])


@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 1000])
def test_chunking_does_not_change_results(tmp_path: Path, hand: Exposure, chunk_rows: int) -> None:
    scenario = write_scenario(tmp_path, HAND_SCENARIO % {"rule": "max"}, "hand.yaml")
    again = run([scenario], write_csv(tmp_path, HAND_LINES), chunk_rows=chunk_rows)
    pd.testing.assert_frame_equal(again.summary, hand.summary, rtol=1e-12)


def test_measure_credits_add_up_to_totals(hand: Exposure) -> None:
    total = hand.table("total").iloc[0]
    for column in ("additional_duty_usd", "base_duty_usd"):
        assert_allclose(hand.table("measure")[column].sum(), total[column])
        assert_allclose(hand.table("period")[column].sum(), total[column])
        assert_allclose(hand.table("sku")[column].sum(), total[column])


AGGREGATE = """\
title: aggregate check
as_of: 2019-01-01
horizon: {start: 2019-01-01, end: 2019-12-31, step: %(step)s}
tranches:
  one:
    label: One
    importer: US
    exporter: CN
    imports: 365000 USD/year
    base_rate: 3.1 %%
    products: ["8501"]
    schedule:
      2018-07-06: 10 %%
      2019-05-10: 25 %%
      2019-09-01: {rate: 30 %%, status: suspended}
  two:
    label: Two
    importer: US
    exporter: CN
    imports: 730000 USD/year
    products: ["61", "62"]
    schedule:
      2019-09-01: 15 %%
      2019-12-15: 7.5 %%
"""


@pytest.mark.parametrize("step", ["month", "quarter", "week"])
def test_daily_lines_equal_the_aggregate_engine(tmp_path: Path, step: str) -> None:
    path = write_scenario(tmp_path, AGGREGATE % {"step": step})
    scenario = load_scenario(path)
    days = [dt.date(2019, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    rows = [
        (code, "CN", repr(tranche.imports.value / 365), day.isoformat(), tid)
        for tid, code in (("one", "8501104000"), ("two", "6109100010"))
        for tranche in [scenario.tranches[tid]]
        for day in days
    ]
    exposure = run([path], write_csv(tmp_path, rows), chunk_rows=100)
    expected = simulate(scenario).tranches.set_index("tranche")
    measures = exposure.table("measure").set_index("key")
    for column in ("imports_usd", "additional_duty_usd", "base_duty_usd"):
        assert_allclose(measures[column], expected.loc[measures.index, column], rtol=1e-12)
    periods = simulate(scenario).periods.groupby("period_start")["total_duty_usd"].sum()
    periods.index = pd.Index(periods.index.date)  # result frames hold days as datetime64
    got = exposure.table("period").set_index("period_start")["total_duty_usd"]
    got.index = pd.Index(got.index)
    if step == "week":  # the aggregate's first week is clipped to the horizon; ours is not
        assert_allclose(got.sum(), periods.sum(), rtol=1e-12)
    else:
        assert_allclose(got.loc[periods.index], periods, rtol=1e-12)


@pytest.mark.parametrize(
    ("day", "step", "start", "end"),
    [
        (dt.date(2019, 2, 28), "month", dt.date(2019, 2, 1), dt.date(2019, 2, 28)),
        (dt.date(2020, 2, 29), "quarter", dt.date(2020, 1, 1), dt.date(2020, 3, 31)),
        (dt.date(2019, 1, 1), "week", dt.date(2018, 12, 31), dt.date(2019, 1, 6)),
        (dt.date(1969, 12, 31), "year", dt.date(1969, 1, 1), dt.date(1969, 12, 31)),
        (dt.date(2019, 3, 3), "day", dt.date(2019, 3, 3), dt.date(2019, 3, 3)),
    ],
)
def test_period_of_a_day(day: dt.date, step: str, start: dt.date, end: dt.date) -> None:
    ordinal = period_ordinals(np.array([day_number(day)]), step)  # type: ignore[arg-type]
    assert period_bounds(int(ordinal[0]), step) == (start, end)  # type: ignore[arg-type]
