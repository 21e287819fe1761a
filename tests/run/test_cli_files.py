"""``run``'s CSV and JSON files: golden bytes, the frames' own text, and no pandas on the way.

The golden files were written by the earlier, pandas-made path (``DataFrame.to_csv`` and
``to_dict``); the files now rendered from the result's arrays must match them byte for byte.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from numpy.testing import assert_allclose
from typer.testing import CliRunner

from tariffsim.cli import app
from tariffsim.model.flows import load_scenario
from tariffsim.model.simulation import simulate
from tariffsim.outputs.files import to_json_text
from tariffsim.outputs.text import csv_text
from tests.conftest import ROOT, SCENARIOS, assert_matches_golden
from tests.test_cli_startup import loaded_modules

GOLDEN = Path(__file__).parents[1] / "golden"
MEASURES = ROOT / "tests" / "data" / "forms" / "measures.yaml"
runner = CliRunner()


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize(
    ("scenario", "golden"),
    [
        ("scenarios/escalate.yaml", "run-escalate.csv"),
        ("tests/data/forms/measures.yaml", "run-measures.csv"),
    ],
)
def test_csv_matches_golden(scenario: str, golden: str, at_root: None, update_golden: bool) -> None:
    result = runner.invoke(app, ["run", scenario, "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    assert_matches_golden(result.stdout, GOLDEN / golden, update_golden)


def test_json_matches_golden(tmp_path: Path, at_root: None, update_golden: bool) -> None:
    target = tmp_path / "out.json"
    result = runner.invoke(app, ["run", "tests/data/forms/measures.yaml", "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    records = json.loads(target.read_text())
    for record in records:
        record.pop("manifest")  # names the versions of the libraries installed
    assert_matches_golden(to_json_text(records), GOLDEN / "run-measures.json", update_golden)


@pytest.mark.parametrize("scenario", [SCENARIOS / "hold.yaml", MEASURES])
def test_the_csv_file_is_the_frames_own_text(scenario: Path, tmp_path: Path) -> None:
    # an independent rendering: pandas writes Result.periods (categoricals, datetimes)
    target = tmp_path / "out.csv"
    result = runner.invoke(app, ["run", str(scenario), "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    periods = simulate(load_scenario(scenario)).periods
    written = pd.read_csv(io.StringIO(target.read_text()))
    own = pd.read_csv(io.StringIO(csv_text(periods)))
    pd.testing.assert_frame_equal(written[list(own.columns)], own)
    if scenario == SCENARIOS / "hold.yaml":
        assert target.read_text() == csv_text(periods)


def test_two_scenarios_share_one_header(tmp_path: Path) -> None:
    target = tmp_path / "two.csv"
    files = [str(SCENARIOS / "hold.yaml"), str(MEASURES)]
    result = runner.invoke(app, ["run", *files, "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    frame = pd.read_csv(target)
    assert list(frame["scenario"].unique()) == ["hold", "measures"]
    split = [
        c for c in frame.columns if c.startswith("additional_duty_") and c != "additional_duty_usd"
    ]
    assert split  # the measures' authorities, blank on the tranche scenario's rows
    assert frame.loc[frame["scenario"] == "hold", split].isna().all().all()
    assert frame.loc[frame["scenario"] == "measures", split].notna().any(axis=1).all()


@pytest.mark.parametrize("output", ["x.csv", "x.json"])
def test_writing_csv_or_json_imports_no_pandas(output: str, tmp_path: Path) -> None:
    target = tmp_path / output
    loaded = loaded_modules(["run", str(SCENARIOS / "escalate.yaml"), "-o", str(target)])
    assert target.stat().st_size > 10_000  # the probe did write the file
    assert [m for m in ("pandas", "pyarrow", "matplotlib") if m in loaded] == []


def test_parquet_holds_the_csvs_rows_with_text_and_dates(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    parquet, csv = tmp_path / "m.parquet", tmp_path / "m.csv"
    for target in (parquet, csv):
        result = runner.invoke(app, ["run", str(MEASURES), "-o", str(target)])
        assert result.exit_code == 0, result.stderr
    schema = pq.read_schema(parquet)
    assert str(schema.field("tranche").type) == "large_string"
    assert str(schema.field("period_start").type) == "date32[day]"
    back = pd.read_parquet(parquet)
    written = pd.read_csv(csv)
    assert list(back.columns) == list(written.columns)
    back["period_start"] = back["period_start"].astype(str)
    pd.testing.assert_series_equal(back["period_start"], written["period_start"], check_dtype=False)
    numbers = [c for c in written.columns if c.endswith("_usd")]
    # the CSV holds six decimals of each amount [USD]
    assert_allclose(back[numbers], written[numbers], rtol=0, atol=5e-7)  # NaN where NaN


@pytest.mark.parametrize(
    ("command", "name", "hint"),
    [
        (["run"], "report.xlsx", "open it in the spreadsheet"),
        (["run"], "page.html", "'tariffsim report' writes an HTML page"),
        (["compare", "--format", "csv"], "rows.png", "charts are written with --plot"),
        (["run"], "rows.feather", "tariffsim writes .csv, .json, .parquet or a text table"),
    ],
)
def test_a_file_kind_tariffsim_does_not_write_is_refused(
    command: list[str], name: str, hint: str, tmp_path: Path
) -> None:
    """A text table in a '.xlsx' would be a file the spreadsheet cannot open: one line, exit 2,
    nothing written; any other extension (here '.txt') still holds the table."""
    out = tmp_path / name
    paths = ["hold.yaml", "escalate.yaml"] if command[0] == "compare" else ["hold.yaml"]
    files = [str(SCENARIOS / p) for p in paths]
    done = runner.invoke(app, [*command, *files, "-o", str(out)])
    assert done.exit_code == 2
    assert done.stderr.count("\n") == 1
    assert f"--output: tariffsim cannot write a '{out.suffix}' file" in done.stderr
    assert hint in done.stderr
    assert not out.exists()
    text = tmp_path / "table.txt"
    assert runner.invoke(app, ["run", str(SCENARIOS / "hold.yaml"), "-o", str(text)]).exit_code == 0
    assert text.read_text(encoding="utf-8").startswith("hold: Hold: List 3 rises to 25 %")


def test_the_json_gives_the_totals_of_every_mode() -> None:
    """A behavioural run's ``totals`` are the headline (behavioural) mode's; ``totals_by_mode``
    gives static ones too, each the sum of that mode's tranche records."""
    done = runner.invoke(app, ["run", str(SCENARIOS / "escalate.yaml"), "--format", "json"])
    assert done.exit_code == 0, done.stderr
    record = json.loads(done.stdout)[0]
    by_mode = record["totals_by_mode"]
    assert list(by_mode) == ["static", "behavioural"]
    assert by_mode["behavioural"] == record["totals"]
    for mode, totals in by_mode.items():
        rows = [t for t in record["tranches"] if t["mode"] == mode]
        for column in ("imports_usd", "additional_duty_usd", "total_duty_usd"):
            assert totals[column] == pytest.approx(sum(t[column] for t in rows), rel=1e-12)
    assert by_mode["static"]["additional_duty_usd"] > by_mode["behavioural"]["additional_duty_usd"]
