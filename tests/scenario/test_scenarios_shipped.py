"""The shipped scenarios: they load, and every number in them cites a source."""

from __future__ import annotations

from pathlib import Path

import pytest

from tariffsim.scenario.validation import load_scenario
from tests.conftest import SCENARIOS

# published.yaml files hold figures to compare with (tariffsim backtest), not scenarios
SHIPPED = sorted(
    p for p in SCENARIOS.rglob("*.yaml") if "outlook" not in p.name and p.name != "published.yaml"
)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_number_cites_a_source(path: Path) -> None:
    scenario = load_scenario(path)
    for tid, tranche in scenario.tranches.items():
        default = tranche.source
        assert tranche.imports.source or default, f"{tid}.imports has no source"
        assert tranche.base_rate.source or default, f"{tid}.base_rate has no source"
        for day, step in tranche.schedule.items():
            assert step.source or default, f"{tid}.schedule.{day} has no source"
    for sid, source in scenario.sources.items():
        assert source.date is not None, f"source {sid} has no date"
        assert source.note, f"source {sid} has no note paraphrasing the fact"
