"""The duty forms in the scenario model and in the printed JSON Schema."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from numpy.testing import assert_allclose

from tariffsim.scenario.validation import load_scenario, scenario_json_schema

FORMS = Path(__file__).resolve().parents[1] / "data" / "forms"


def plain(value: Any) -> Any:
    """YAML data as a JSON document: dates (keys and values) as ISO text."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


@pytest.mark.parametrize(
    "name",
    [
        "forms.yaml",
        "ieepa-refunds.yaml",
        "measures.yaml",
        "lines/floors.yaml",
        "lines/shares.yaml",
        "lines/specific.yaml",
        "lines/refunds.yaml",
        "lines/currency.yaml",
        "lines/dates.yaml",
        "weighted/weighted.yaml",
    ],
)
def test_every_form_validates_against_the_printed_schema(name: str) -> None:
    schema = json.loads(scenario_json_schema())
    data = plain(yaml.safe_load((FORMS / name).read_text()))
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)


def test_the_schema_refuses_what_the_loader_refuses() -> None:
    schema = json.loads(scenario_json_schema())
    data = plain(yaml.safe_load((FORMS / "forms.yaml").read_text()))
    data["tranches"]["copper"]["value_sahre"] = "40 %"
    with pytest.raises(jsonschema.ValidationError, match="value_sahre"):
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)


def test_the_model_holds_each_form() -> None:
    scenario = load_scenario(FORMS / "forms.yaml")
    t = scenario.tranches
    assert_allclose(t["eu_free"].imports.value, 292e6 * 1.25)
    assert scenario.currencies["EUR"].date == dt.date(2025, 12, 31)
    (step,) = t["compound"].schedule.values()
    assert (step.rate, step.specific, step.unit) == (0.024, 5.0, "kg")
    assert t["compound"].quantity is not None and t["compound"].quantity.unit == "kg"
    assert_allclose(t["compound"].quantity.value, 73e6)
    (postal,) = t["postal"].schedule.values()
    assert (postal.specific, postal.unit) == (200.0, "item")
    (floor,) = t["eu_low"].schedule.values()
    assert floor.all_in_floor == 0.15 and floor.rate == 0.0
    (same_day,) = t["same_day"].schedule.values()
    assert same_day.rate == 0.84 and [s.rate for s in same_day.superseded] == [0.34]
    assert t["section122"].applied_steps() == [
        (dt.date(2026, 2, 24), 0.10),
        (dt.date(2026, 7, 24), 0.0),
    ]
    assert t["copper"].value_share == 0.40
    refunds = load_scenario(FORMS / "ieepa-refunds.yaml").tranches["ieepa"].refund
    assert refunds is not None
    assert [(p.date, p.share) for p in refunds.paid] == [(dt.date(2026, 5, 1), 1.0)]
