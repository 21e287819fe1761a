"""The ``assumptions:`` block (tariffsim.scenario.assumptions): parsing, merging, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tariffsim.errors import TariffsimError
from tariffsim.scenario.assumptions import Assumptions
from tariffsim.scenario.schema import tranche_assumptions
from tariffsim.scenario.validation import load_scenario

GOOD = """\
title: test
as_of: 2019-01-01
sources:
  s: {title: a source}
assumptions:
  reference_date: 2019-01-01
  elasticity: {value: 2, source: s}
  pass_through: 100 %
  half_life: 6 months
  diversion: {to: VN, share: 10 %}
horizon: {start: 2019-01-01, end: 2019-12-31}
tranches:
  t:
    label: T
    importer: US
    exporter: CN
    imports: 100 billion USD/year
    schedule:
      2019-03-01: 25 %
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_values_parse_through_units(tmp_path: Path) -> None:
    s = load_scenario(write(tmp_path, GOOD))
    a = s.assumptions
    assert a is not None and a.half_life is not None and a.pass_through is not None
    assert a.half_life.value == pytest.approx(365.25 / 2)
    assert a.pass_through.value == 1.0
    assert a.elasticity is not None and a.elasticity.source == "s"


def test_tranche_overrides_merge_field_by_field() -> None:
    scenario_level = Assumptions.model_validate(
        {"reference_date": "2019-01-01", "elasticity": 2, "pass_through": "90 %"}
    )
    merged = Assumptions.model_validate({"elasticity": "3.5"}).over(scenario_level)
    assert merged.elasticity is not None and merged.elasticity.value == 3.5
    assert merged.pass_through is not None and merged.pass_through.value == 0.9


def test_a_scenario_without_assumptions_has_none(tmp_path: Path) -> None:
    text = GOOD.split("assumptions:")[0] + "horizon:" + GOOD.split("horizon:")[1]
    assert tranche_assumptions(load_scenario(write(tmp_path, text))) is None


BAD = [
    (
        "  elasticity: {value: 2, source: s}",
        "  elasticity: -2",
        7,
        "assumptions.elasticity",
        "elasticity magnitude of at least 0",
    ),
    (
        "  pass_through: 100 %",
        "  pass_through: 150 %",
        8,
        "assumptions.pass_through",
        "between 0 and 100 %",
    ),
    (
        "  half_life: 6 months",
        "  half_life: 0 days",
        9,
        "assumptions.half_life",
        "longer than 0 days",
    ),
    (
        "{to: VN, share: 10 %}",
        "{to: XX, share: 10 %}",
        10,
        "assumptions.diversion.to",
        "ISO 3166 alpha-2",
    ),
    (
        "{to: VN, share: 10 %}",
        "{to: CN, share: 10 %}",
        10,
        "assumptions.diversion.to",
        "its own importer or exporter",
    ),
    ("  half_life: 6 months", "  half_life: 6", 9, "assumptions.half_life", "without a unit"),
    (
        "  reference_date: 2019-01-01",
        "  reference_date: 2019-02-01",
        6,
        "assumptions.reference_date",
        "after the horizon's start",
    ),
    (
        "  elasticity: {value: 2, source: s}",
        "  elasticity: {value: 2, source: t}",
        7,
        "assumptions.elasticity.source",
        "unknown source",
    ),
    (
        "  pass_through: 100 %",
        "  pass_thru: 100 %",
        8,
        "assumptions.pass_thru",
        "did you mean 'pass_through'",
    ),
    ("  elasticity: {value: 2, source: s}\n", "", 12, "tranches.t", "no 'elasticity'"),
]


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "message"),
    BAD,
    ids=[
        "negative-elasticity",
        "pass-through-above-1",
        "zero-half-life",
        "unknown-exporter",
        "diversion-to-own-exporter",
        "half-life-without-unit",
        "reference-after-start",
        "unknown-source",
        "misspelt-key",
        "missing-elasticity",
    ],
)
def test_bad_assumptions_are_located(
    tmp_path: Path, old: str, new: str, line: int, field: str, message: str
) -> None:
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(TariffsimError) as caught:
        load_scenario(path)
    text = str(caught.value)
    assert text.startswith(f"{path}:{line}: {field}"), text
    assert message in text


@pytest.mark.parametrize(("old", "new"), [(b[0], b[1]) for b in BAD[:4]])
def test_cli_prints_one_line_and_exits_2(tmp_path: Path, old: str, new: str) -> None:
    path = write(tmp_path, GOOD.replace(old, new))
    result = CliRunner().invoke(app, ["run", str(path)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"tariffsim: error: {path}:")
    assert "Traceback" not in result.output


def test_json_schema_describes_the_written_form() -> None:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    defs = json.loads(result.stdout)["$defs"]
    for name in ("Elasticity", "Share", "Duration", "ReferenceDate"):
        scalar, mapping = defs[name]["anyOf"]
        assert "string" in scalar["type"]
        assert "text" not in mapping["properties"]
