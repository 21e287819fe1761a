"""compare's CSV and JSON rows made from the arrays: the frames' own text, gaps included."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tariffsim.comparison.compute import as_results, period_differences, totals_frame
from tariffsim.comparison.rows import COLUMNS, difference_tables, totals_records
from tariffsim.model.results import Result
from tariffsim.outputs.csv_rows import csv_text
from tariffsim.outputs.files import to_json_text
from tariffsim.outputs.text import csv_text as frame_csv_text
from tariffsim.outputs.text import records
from tariffsim.scenario.schema import Scenario
from tariffsim.scenario.validation import load_scenario
from tests.conftest import SCENARIOS
from tests.synthetic import static_only
from tests.test_cli_startup import loaded_modules

PATHS = ["escalate", "hold", "ceasefire", "deescalate"]


@pytest.fixture(scope="module")
def scenarios() -> list[Scenario]:
    return [load_scenario(SCENARIOS / f"{name}.yaml") for name in PATHS]


def without(scenario: Scenario, tranche: str, name: str) -> Scenario:
    tranches = {k: v for k, v in scenario.tranches.items() if k != tranche}
    return scenario.model_copy(update={"name": name, "tranches": tranches})


def same_as_the_frames(results: list[Result], reference: Result) -> None:
    """CSV text and JSON records from the arrays equal the merged frames' (pandas)."""
    frame = period_differences(results, reference)
    tables = difference_tables(results, reference)
    assert "".join(csv_text(tables, COLUMNS)) == frame_csv_text(frame)
    rows = [row for t in tables for row in t.records()]
    assert to_json_text(rows) == to_json_text(records(frame))
    totals = totals_records(results, reference)
    assert to_json_text(totals) == to_json_text(records(totals_frame(results, reference)))


def test_the_shipped_paths(scenarios: list[Scenario]) -> None:
    results = as_results(scenarios)
    same_as_the_frames(results, results[1])


def test_tranches_missing_on_either_side(scenarios: list[Scenario]) -> None:
    hold = scenarios[1]
    results = as_results([hold, without(hold, "list3", "fewer"), without(hold, "list1", "other")])
    for reference in results:
        same_as_the_frames(results, reference)
    tables = difference_tables(results, results[0])
    fewer = {c: tables[1].cells(c) for c in ("tranche", "importer", "days")}
    gap = [i for i, t in enumerate(fewer["tranche"]) if t == "list3"]
    assert gap and all(fewer["importer"][i] is None for i in gap)
    assert all(np.isnan(fewer["days"][i]) for i in gap)  # days became floats, as in the merge


def test_a_static_reference_leaves_behavioural_rows_without_one(scenarios: list[Scenario]) -> None:
    results = as_results([scenarios[0], static_only(scenarios[1])])
    same_as_the_frames(results, results[1])
    (table, _) = difference_tables(results, results[1])
    modes = table.cells("mode")
    reference = table.columns["reference_additional_duty_usd"]
    assert all(np.isnan(v) for v, m in zip(reference, modes, strict=True) if m == "behavioural")


def test_two_importers_get_totals_each() -> None:
    example = load_scenario(SCENARIOS / "examples" / "us-china-2025.yaml")
    results = as_results([example, example.model_copy(update={"name": "again"})])
    same_as_the_frames(results, results[0])
    totals = totals_records(results, results[0])
    assert {t["importer"] for t in totals} == set(results[0].importer_codes)
    assert all(t["additional_duty_difference_usd"] == 0 for t in totals if t["scenario"] == "again")


@pytest.mark.parametrize("output", ["x.csv", "x.json", None])
def test_compare_imports_no_pandas(output: str | None, tmp_path) -> None:  # type: ignore[no-untyped-def]
    files = [str(SCENARIOS / "hold.yaml"), str(SCENARIOS / "escalate.yaml")]
    if output is None:  # the table
        loaded = loaded_modules(["compare", *files])
        assert "numpy" in loaded
        assert [m for m in ("pandas", "pyarrow", "matplotlib") if m in loaded] == []
        return
    target = tmp_path / output
    loaded = loaded_modules(["compare", *files, "-o", str(target)])
    assert target.stat().st_size > 10_000
    if output == "x.json":
        assert json.loads(target.read_text())["reference"] == "hold"
    assert [m for m in ("pandas", "pyarrow", "matplotlib") if m in loaded] == []
