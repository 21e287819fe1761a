"""The compare table and the CSV/JSON/Parquet detail."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from tariffsim.comparison.compute import as_results
from tariffsim.comparison.report import (
    render_comparison,
    signed_billions,
    signed_percent,
    write_comparison,
)
from tariffsim.errors import TariffsimError
from tariffsim.model.results import Result
from tariffsim.scenario.validation import load_scenario
from tests.conftest import SCENARIOS
from tests.synthetic import static_only

PATHS = ["escalate", "hold", "ceasefire"]


@pytest.fixture(scope="module")
def results() -> list[Result]:
    return as_results([static_only(load_scenario(SCENARIOS / f"{n}.yaml")) for n in PATHS])


def test_table(results: list[Result]) -> None:
    text = render_comparison(results, "hold")
    lines = text.splitlines()
    assert lines[0] == (
        "Compared over 2018-10-01 to 2019-12-31 (inclusive), monthly periods; reference: hold"
    )
    rows = {line.split()[0]: line.split() for line in lines if line.startswith("  ")}
    assert rows["escalate"][2:5] == ["116.56", "+45.87", "+64.9"]
    assert rows["hold"][:5] == ["hold", "*", "static", "70.69", "+0.00"]
    assert rows["ceasefire"][3:5] == ["−30.00", "−42.4"]


def test_signed_formats() -> None:
    assert signed_billions(-1.5e9) == "−1.50"
    assert signed_billions(float("nan")) == "-"
    assert signed_percent(0.123) == "+12.3 %"
    assert signed_percent(float("nan")) == "-"


def test_csv_detail(results: list[Result]) -> None:
    text = write_comparison(results, "hold", "csv", None)
    assert text is not None
    frame = pd.read_csv(io.StringIO(text))
    assert len(frame) == sum(len(r.periods) for r in results)
    assert {"reference", "additional_duty_difference_usd"} <= set(frame.columns)
    assert set(frame["reference"]) == {"hold"}


def test_json_has_totals_and_periods(results: list[Result], tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    assert write_comparison(results, "hold", "json", path) is None
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["reference"] == "hold"
    assert [t["scenario"] for t in doc["totals"]] == PATHS
    assert doc["periods"][0]["period_start"] == "2018-10-01"


def test_parquet_needs_a_file(results: list[Result], tmp_path: Path) -> None:
    with pytest.raises(TariffsimError, match="Parquet is binary"):
        write_comparison(results, None, "parquet", None)
    path = tmp_path / "c.parquet"
    write_comparison(results, None, "parquet", path)
    frame = pd.read_parquet(path)
    assert set(frame["reference"]) == {"escalate"}
