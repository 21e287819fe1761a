"""Comparison of tariff paths: alignment, totals, differences (hand-computed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import tariffsim
from tariffsim.comparison.compute import (
    align,
    as_results,
    compare,
    period_differences,
    reference_result,
    simulate_aligned,
)
from tariffsim.errors import TariffsimError
from tariffsim.model.simulation import simulate
from tariffsim.scenario.schema import Horizon, Scenario
from tariffsim.scenario.validation import load_scenario
from tests.conftest import SCENARIOS
from tests.synthetic import static_only, with_behavioural

PATHS = ["escalate", "hold", "ceasefire", "deescalate"]


@pytest.fixture(scope="module")
def scenarios() -> list[Scenario]:
    return [static_only(load_scenario(SCENARIOS / f"{name}.yaml")) for name in PATHS]


def renamed(scenario: Scenario, name: str, **horizon: object) -> Scenario:
    h = scenario.horizon.model_dump() | horizon
    return scenario.model_copy(update={"name": name, "horizon": Horizon(**h)})


def test_differences_to_hold_by_hand(scenarios: list[Scenario]) -> None:
    frame = compare(scenarios, reference="hold").set_index("scenario")
    # escalate adds the next round on 267e9/year: 10 % for 92 days (Mar–May), 25 % for 214 days
    escalate = 267e9 * (0.10 * 92 + 0.25 * 214) / 365
    # ceasefire keeps List 3 at 10 % instead of 25 % through 2019: 15 % of 200e9
    ceasefire = -0.15 * 200e9
    # de-escalate also removes List 3's 10 % from 1 April 2019 (275 days)
    deescalate = ceasefire - 0.10 * 200e9 * 275 / 365
    got = frame["additional_duty_difference_usd"]
    assert_allclose(got[["escalate", "ceasefire", "deescalate"]], [escalate, ceasefire, deescalate])
    assert got["hold"] == 0.0
    hold = frame.loc["hold", "additional_duty_usd"]
    assert_allclose(frame.loc["escalate", "additional_duty_relative_difference"], escalate / hold)
    # only additional duty differs between the paths; MFN duty is the same in all
    assert_allclose(frame["total_duty_difference_usd"], got)
    assert set(frame["reference"]) == {"hold"}


def test_reference_defaults_to_the_first(scenarios: list[Scenario]) -> None:
    frame = compare(scenarios)
    assert set(frame["reference"]) == {"escalate"}
    assert frame.loc[0, "additional_duty_difference_usd"] == 0.0


def test_columns_and_order(scenarios: list[Scenario]) -> None:
    frame = compare(scenarios[:2])
    assert list(frame["scenario"]) == ["escalate", "hold"]
    assert list(frame["mode"]) == ["static", "static"]
    for column in ["additional_duty_usd", "total_duty_usd", "run_rate_additional_usd", "step"]:
        assert column in frame


def test_public_api_name() -> None:
    assert tariffsim.compare is compare


def test_unknown_reference_suggests_a_name(scenarios: list[Scenario]) -> None:
    with pytest.raises(TariffsimError, match="no compared scenario is named 'hodl'") as err:
        compare(scenarios, reference="hodl")
    assert err.value.hint == "did you mean 'hold'?"
    assert err.value.field == "--reference"


def test_different_horizons_compared_over_the_common_range(scenarios: list[Scenario]) -> None:
    short = renamed(scenarios[1], "hold-2019", start=dt.date(2019, 1, 1))
    alignment = align([scenarios[1], short])
    assert (alignment.start, alignment.end) == (dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert alignment.clipped == ("hold",)
    frame = compare([scenarios[1], short]).set_index("scenario")
    # over the common range the two are the same path: 62.5e9 in 2019 each
    assert_allclose(frame["additional_duty_usd"], [62.5e9, 62.5e9])
    assert_allclose(frame["additional_duty_difference_usd"], [0.0, 0.0], atol=1e-3)


def test_horizons_without_overlap_are_refused(scenarios: list[Scenario]) -> None:
    later = renamed(scenarios[1], "later", start=dt.date(2020, 1, 1), end=dt.date(2020, 12, 31))
    with pytest.raises(TariffsimError, match="horizons do not overlap"):
        compare([scenarios[0], later])


def test_different_steps_need_a_step(scenarios: list[Scenario]) -> None:
    quarterly = renamed(scenarios[1], "hold-q", step="quarter")
    with pytest.raises(TariffsimError, match="different steps") as err:
        compare([scenarios[0], quarterly])
    assert err.value.field == "--step"
    results = simulate_aligned([scenarios[0], quarterly], step="quarter")
    assert {r.step for r in results} == {"quarter"}
    assert len(results[0].periods) == len(results[1].periods)


def test_results_on_different_periods_are_refused(scenarios: list[Scenario]) -> None:
    monthly = simulate(scenarios[0])
    quarterly = simulate(scenarios[1], "quarter")
    with pytest.raises(TariffsimError, match="different periods"):
        compare([monthly, quarterly])


def test_repeated_names_are_refused(scenarios: list[Scenario]) -> None:
    with pytest.raises(TariffsimError, match="'hold' appears more than once"):
        compare([scenarios[1], scenarios[1]])


def test_results_and_scenarios_mix(scenarios: list[Scenario]) -> None:
    frame = compare([simulate(scenarios[0]), scenarios[1]], reference="hold")
    assert list(frame["scenario"]) == ["escalate", "hold"]


def test_period_differences_add_up_to_the_totals(scenarios: list[Scenario]) -> None:
    results = as_results(scenarios)
    reference = reference_result(results, "hold")
    detail = period_differences(results, reference)
    totals = compare(results, reference="hold").set_index("scenario")
    by_scenario = detail.groupby("scenario")["additional_duty_difference_usd"].sum()
    assert_allclose(by_scenario[PATHS], totals.loc[PATHS, "additional_duty_difference_usd"])
    assert len(detail) == sum(len(r.periods) for r in results)
    hold = detail[detail["scenario"] == "hold"]
    assert (hold["additional_duty_difference_usd"] == 0).all()


def test_period_difference_of_one_period_by_hand(scenarios: list[Scenario]) -> None:
    results = as_results(scenarios[:2])
    detail = period_differences(results, results[1])
    june = detail[
        (detail["scenario"] == "escalate")
        & (detail["tranche"] == "next-round")
        & (detail["period_start"] == pd.Timestamp(2019, 6, 1))
    ]
    assert_allclose(june["additional_duty_difference_usd"].item(), 267e9 * 0.25 * 30 / 365)


def test_a_tranche_missing_from_the_reference_counts_as_zero(scenarios: list[Scenario]) -> None:
    hold = scenarios[1]
    fewer = hold.model_copy(
        update={
            "name": "fewer",
            "tranches": {k: v for k, v in hold.tranches.items() if k != "list3"},
        }
    )
    results = as_results([hold, fewer])
    against_fewer = period_differences(results, results[1])
    list3 = against_fewer[
        (against_fewer["scenario"] == "hold") & (against_fewer["tranche"] == "list3")
    ]
    assert_allclose(list3["additional_duty_difference_usd"], list3["additional_duty_usd"])
    detail = period_differences(results, results[0])
    missing = detail[(detail["scenario"] == "fewer") & (detail["tranche"] == "list3")]
    assert len(missing) == len(list3)
    assert_allclose(
        missing["additional_duty_difference_usd"], -list3["additional_duty_usd"].to_numpy()
    )
    assert (missing["additional_duty_usd"] == 0).all()
    assert set(missing["label"]) == {"List 3 ($200B)"}


def test_behavioural_rows_are_compared_mode_by_mode(scenarios: list[Scenario]) -> None:
    escalate, hold = (simulate(s) for s in scenarios[:2])
    frame = compare([with_behavioural(escalate, 0.8), with_behavioural(hold, 0.9)], "hold")
    rows = frame.set_index(["scenario", "mode"])["additional_duty_difference_usd"]
    static = escalate.totals()["additional_duty_usd"] - hold.totals()["additional_duty_usd"]
    behavioural = 0.8 * escalate.totals()["additional_duty_usd"]
    behavioural -= 0.9 * hold.totals()["additional_duty_usd"]
    assert_allclose(rows[("escalate", "static")], static)
    assert_allclose(rows[("escalate", "behavioural")], behavioural)
    assert list(frame["mode"]) == ["static", "behavioural", "static", "behavioural"]


def test_a_mode_the_reference_lacks_has_no_difference(scenarios: list[Scenario]) -> None:
    escalate, hold = (simulate(s) for s in scenarios[:2])
    frame = compare([with_behavioural(escalate, 0.8), hold], "hold")
    behavioural = frame[frame["mode"] == "behavioural"]
    assert np.isnan(behavioural["additional_duty_difference_usd"]).all()
    assert np.isnan(behavioural["additional_duty_relative_difference"]).all()
    detail = period_differences([with_behavioural(escalate, 0.8), hold], hold)
    rows = detail[detail["mode"] == "behavioural"]
    assert rows["reference_additional_duty_usd"].isna().all()
    assert len(detail[detail["scenario"] == "hold"]) == len(hold.periods)


def test_zero_reference_gives_no_relative_difference(scenarios: list[Scenario]) -> None:
    hold = scenarios[1]
    free = hold.model_copy(
        update={
            "name": "free",
            "tranches": {
                k: v.model_copy(update={"schedule": {}}) for k, v in hold.tranches.items()
            },
        }
    )
    frame = compare([free, hold], reference="free").set_index("scenario")
    assert np.isnan(frame.loc["hold", "additional_duty_relative_difference"])
    assert_allclose(frame.loc["hold", "additional_duty_difference_usd"], 70.69e9, rtol=1e-3)


def test_compare_takes_scenario_files() -> None:
    frame = compare([SCENARIOS / "hold.yaml", str(SCENARIOS / "ceasefire.yaml")])
    static = frame[frame["mode"] == "static"].set_index("scenario")
    assert_allclose(static.loc["ceasefire", "additional_duty_difference_usd"], -30e9, rtol=1e-12)


def test_prepare_aligns_once_and_finds_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    """compare makes its Comparison once: one alignment, one reference lookup."""
    from tariffsim.comparison import compute

    calls = {"align": 0, "reference": 0}
    real_align, real_reference = compute.align, compute.reference_result

    def counted_align(*args: Any, **kwargs: Any) -> Any:
        calls["align"] += 1
        return real_align(*args, **kwargs)

    def counted_reference(*args: Any, **kwargs: Any) -> Any:
        calls["reference"] += 1
        return real_reference(*args, **kwargs)

    monkeypatch.setattr(compute, "align", counted_align)
    monkeypatch.setattr(compute, "reference_result", counted_reference)
    scenarios = [load_scenario(SCENARIOS / f"{n}.yaml") for n in ("hold", "escalate")]
    made = compute.prepare(scenarios, "escalate")
    assert calls == {"align": 1, "reference": 1}
    assert made.reference is made.results[1]
    assert made.alignment is not None and made.alignment.clipped == ()


def test_comparison_displays_its_totals_in_a_notebook() -> None:
    import re

    from tariffsim.comparison.compute import prepare
    from tariffsim.model.flows import load_scenario
    from tests.conftest import SCENARIOS

    comparison = prepare([load_scenario(SCENARIOS / f"{n}.yaml") for n in ("hold", "escalate")])
    page = comparison._repr_html_()
    cells = re.findall(r"<td>([^<]*)</td>", page)
    totals = comparison.reference.totals("static")["additional_duty_usd"] / 1e9
    assert f"{totals:,.2f}" in cells
    assert "hold" in page and "$" not in page
