"""Duty by authority: the steel example split by hand, and the parts adding up."""

from __future__ import annotations

from pathlib import Path

from numpy.testing import assert_allclose

from tariffsim.model.breakdown import duty_by_authority, effective_rate_parts
from tariffsim.model.flows import load_scenario
from tariffsim.model.simulation import simulate
from tests.conftest import SCENARIOS
from tests.stacks import STEEL_2025, write

DAY = 100e9 / 365


def test_the_steel_flow_by_authority(tmp_path: Path) -> None:
    result = simulate(
        load_scenario(write(tmp_path, STEEL_2025 % {"steel": "72"})), "month", behavioural=False
    )
    parts = duty_by_authority(result).groupby("authority")["additional_duty_usd"].sum()
    # fentanyl: 10 % × 28 days + 20 % × 303; 232: 25 % × 84 + 50 % × 211; reciprocal excluded
    assert_allclose(parts["ieepa_fentanyl"], DAY * (0.10 * 28 + 0.20 * 303), rtol=1e-12)
    assert_allclose(parts["section232"], DAY * (0.25 * 84 + 0.50 * 211), rtol=1e-12)
    assert_allclose(parts["ieepa_reciprocal"], 0.0, atol=1e-6)
    rate = effective_rate_parts(result).set_index("authority")["rate_part"]
    assert_allclose(rate["section232"], (0.25 * 84 + 0.50 * 211) / 365, rtol=1e-12)
    assert_allclose(rate.sum(), result.totals()["additional_duty_usd"] / 100e9, rtol=1e-12)


def test_parts_add_up_to_each_row_and_period() -> None:
    result = simulate(load_scenario(SCENARIOS / "examples" / "us-china-2025.yaml"))
    split = duty_by_authority(result).groupby(["mode", "tranche", "period_start"])
    rows = result.periods.set_index(["mode", "tranche", "period_start"])["additional_duty_usd"]
    summed = split["additional_duty_usd"].sum()
    assert_allclose(summed.to_numpy(), rows.loc[summed.index].to_numpy(), rtol=1e-12, atol=1e-6)
    assert_allclose(summed.sum(), result.totals()["additional_duty_usd"], rtol=1e-12)
