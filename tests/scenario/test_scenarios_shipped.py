"""The shipped scenarios: they load, and every number in them cites a source."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tariffsim.scenario.loading import read_document
from tariffsim.scenario.validation import load_scenario, scenario_json_schema
from tariffsim.scenario.yamlfile import parse_file
from tests.conftest import SCENARIOS

# published.yaml files hold figures to compare with (tariffsim backtest), not scenarios
SHIPPED = sorted(
    p
    for p in SCENARIOS.rglob("*.yaml")
    if "outlook" not in p.name and not p.name.endswith("published.yaml")
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
    for mid, measure in scenario.measures.items():
        for day, step in measure.schedule.items():
            assert step.source or measure.source, f"{mid}.schedule.{day} has no source"
            for origin, rate in step.by_origin.items():
                assert rate.source or step.source, f"{mid}.schedule.{day}.{origin} has no source"
    for fid, flow in scenario.flows.items():
        assert flow.imports.source or flow.source, f"{fid}.imports has no source"
    for rid, rule in scenario.precedence.items():
        assert rule.source, f"precedence {rid} has no source"
    for sid, source in scenario.sources.items():
        assert source.date is not None, f"source {sid} has no date"
        assert source.note, f"source {sid} has no note paraphrasing the fact"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_scenario_validates_against_the_printed_schema(path: Path) -> None:
    schema = json.loads(scenario_json_schema())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    merged = read_document(path).data
    own, _ = parse_file(path)  # the file's own keys; 'extends' fills in the rest
    for data in (merged, own):
        errors = [f"{list(e.path)}: {e.message[:200]}" for e in validator.iter_errors(data)]
        if data is own and "extends" in own:  # a partial file: what it leaves out is inherited
            partial = ("is a required property", "is not valid under any of the given schemas")
            errors = [e for e in errors if not any(p in e for p in partial)]
        assert not errors, errors


def test_the_schema_refuses_what_the_loader_refuses() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(scenario_json_schema()))
    data = read_document(SCENARIOS / "history" / "us-china-2018-2020.yaml").data
    assert not list(validator.iter_errors(data))
    bad = {**data, "tranches": {**data["tranches"], "x": {"label": "x", "colour": "red"}}}
    assert list(validator.iter_errors(bad))  # an unknown key, as the loader says
    bad_rule = {**data, "precedence": {"r": {"rule": "section232 beats reciprocal"}}}
    assert list(validator.iter_errors(bad_rule))
