"""The command line through typer's CliRunner: outputs, files, exit codes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from numpy.testing import assert_allclose
from typer.testing import CliRunner

from tariffsim.cli import app
from tests.conftest import ROOT, SCENARIOS, assert_matches_golden

GOLDEN = Path(__file__).parents[1] / "golden"
runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository root so paths print as a user would see them."""
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("name", ["escalate", "ceasefire"])
def test_run_table_matches_golden(name: str, at_root: None, update_golden: bool) -> None:
    code, out, err = invoke("run", f"scenarios/{name}.yaml")
    assert code == 0, err
    assert_matches_golden(out, GOLDEN / f"run-{name}.txt", update_golden)


def test_run_csv_holds_every_tranche_and_period() -> None:
    code, out, _ = invoke("run", str(SCENARIOS / "hold.yaml"), "--format", "csv")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith("scenario,mode,tranche,label,importer,exporter,period_start")
    # static: 4 tranches; behavioural: 4 tranches + 4 diverted flows; × 15 months
    assert len(lines) == 1 + (4 + 8) * 15


def test_run_json_totals_and_sources(tmp_path: Path) -> None:
    target = tmp_path / "hold.json"
    code, _, err = invoke("run", str(SCENARIOS / "hold.yaml"), "-f", "json", "-o", str(target))
    assert code == 0, err
    payload = json.loads(target.read_text())
    assert payload[0]["scenario"] == "hold"
    assert payload[0]["units"]["money"] == "USD"
    assert "ustr-list3" in payload[0]["sources"]
    periods = [p for p in payload[0]["periods"] if p["mode"] == payload[0]["mode"]]
    assert_allclose(
        sum(p["total_duty_usd"] for p in periods), payload[0]["totals"]["total_duty_usd"]
    )


def test_run_parquet_and_step_override(tmp_path: Path) -> None:
    target = tmp_path / "out.parquet"
    code, _, err = invoke(
        "run",
        str(SCENARIOS / "escalate.yaml"),
        "--step",
        "quarter",
        "--format",
        "parquet",
        "--output",
        str(target),
    )
    assert code == 0, err
    frame = pd.read_parquet(target)
    assert frame.period_start.nunique() == 5  # Q4 2018 and four quarters of 2019
    # no temporary file left; the manifest beside the output
    assert sorted(os.listdir(tmp_path)) == ["out.parquet", "out.parquet.manifest.json"]


def test_run_charts_one_scenario_and_refuses_several(tmp_path: Path) -> None:
    chart, table = tmp_path / "chart.svg", tmp_path / "out.txt"
    hold, ceasefire = str(SCENARIOS / "hold.yaml"), str(SCENARIOS / "ceasefire.yaml")
    code, out, err = invoke("run", hold, ceasefire, "-o", str(table), "--plot", str(chart))
    assert code == 2
    assert err.count("\n") == 1 and "--plot: charts one scenario, got 2 files" in err
    assert "(use 'tariffsim compare' to chart several paths)" in err
    assert out == "" and sorted(os.listdir(tmp_path)) == []  # refused before anything is written
    code, out, err = invoke("run", hold, ceasefire)
    assert code == 0, err
    assert out.count("Duty by tranche") == 2
    code, out, err = invoke("run", hold, "--plot", str(chart))
    assert code == 0, err
    assert chart.read_text().lstrip().startswith("<?xml")


def test_parquet_needs_an_output_file() -> None:
    code, _, err = invoke("run", str(SCENARIOS / "hold.yaml"), "--format", "parquet")
    assert code == 2
    assert err.count("\n") == 1 and "--output" in err


def test_bad_chart_extension_is_refused_and_nothing_written(tmp_path: Path) -> None:
    chart, table = tmp_path / "chart.gif", tmp_path / "out.csv"
    args = ["-f", "csv", "-o", str(table), "--plot", str(chart)]
    code, _, err = invoke("run", str(SCENARIOS / "hold.yaml"), *args)
    assert code == 2
    assert "'.gif'" in err and ".png" in err
    assert sorted(os.listdir(tmp_path)) == []


def test_output_may_not_overwrite_an_input(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text((SCENARIOS / "base.yaml").read_text())
    before = scenario.read_text()
    code, _, err = invoke("run", str(scenario), "-f", "csv", "-o", str(scenario))
    assert code == 2 and "overwrite an input" in err
    assert scenario.read_text() == before


def test_validate_ok_and_missing_file() -> None:
    code, out, _ = invoke("validate", str(SCENARIOS / "escalate.yaml"))
    assert code == 0 and "ok (4 tranches" in out
    code, _, err = invoke("validate", str(SCENARIOS / "escalat.yaml"))
    assert code == 2
    assert err.strip().endswith("file not found (did you mean 'escalate.yaml'?)")
    assert "Traceback" not in err


def test_schema_is_json_with_the_scenario_fields() -> None:
    code, out, _ = invoke("schema")
    assert code == 0
    schema = json.loads(out)
    assert {"horizon", "tranches", "sources", "extends"} <= set(schema["properties"])


def test_help_lists_the_commands() -> None:
    code, out, _ = invoke("--help")
    assert code == 0
    for command in ("run", "validate", "schema"):
        assert command in out


def test_output_files_get_the_usual_permissions(tmp_path: Path) -> None:
    target = tmp_path / "hold.csv"
    mask = os.umask(0o022)
    try:
        code, _, _ = invoke("run", str(SCENARIOS / "hold.yaml"), "-f", "csv", "-o", str(target))
    finally:
        os.umask(mask)
    assert code == 0
    assert target.stat().st_mode & 0o777 == 0o644


def test_running_an_outlook_file_points_at_sweep() -> None:
    code, _, err = invoke("run", str(SCENARIOS / "outlook.yaml"))
    assert code == 2
    assert "outlook.yaml:" in err and "this is an outlook file" in err
    assert "tariffsim sweep" in err


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (
            ["run", "HOLD", "-f", "csv", "-o", "{tmp}/out.csv", "--plot", "{tmp}/nodir/p.png"],
            "--plot",
        ),
        (["run", "HOLD", "-o", "{tmp}/out.csv", "--plot", "{tmp}/chart.gif"], "--plot"),
        (
            ["compare", "HOLD", "CEASEFIRE", "-o", "{tmp}/out.csv", "--plot-dir", "{tmp}/no/x"],
            "--plot-dir",
        ),
        (
            ["sweep", "OUTLOOK", "-n", "10", "-o", "{tmp}/out.csv", "--plot", "{tmp}/nodir/f.png"],
            "--plot",
        ),
    ],
)
def test_a_bad_target_is_refused_before_anything_is_written(
    tmp_path: Path, args: list[str], option: str
) -> None:
    names = {
        "HOLD": str(SCENARIOS / "hold.yaml"),
        "CEASEFIRE": str(SCENARIOS / "ceasefire.yaml"),
        "OUTLOOK": str(SCENARIOS / "outlook.yaml"),
    }
    argv = [names.get(a, a.replace("{tmp}", str(tmp_path))) for a in args]
    code, out, err = invoke(*argv)
    assert code == 2 and err.count("\n") == 1
    assert f" {option}: " in err
    assert out == ""  # refused before the table was printed
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("out.csv", lambda p: p.read_text().startswith("scenario,mode,tranche")),
        ("out.json", lambda p: json.loads(p.read_text())[0]["scenario"] == "hold"),
        ("out.parquet", lambda p: len(pd.read_parquet(p)) > 0),
        ("out.txt", lambda p: p.read_text().startswith("hold: Hold")),
    ],
)
def test_the_output_extension_chooses_the_format(tmp_path: Path, name: str, check) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / name
    code, _, err = invoke("run", str(SCENARIOS / "hold.yaml"), "-o", str(target))
    assert code == 0, err
    assert check(target)


def test_a_format_that_contradicts_the_extension_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "out.parquet"
    code, _, err = invoke("run", str(SCENARIOS / "hold.yaml"), "-f", "csv", "-o", str(target))
    assert code == 2
    assert "--format csv does not match the file type '.parquet'" in err
    assert not target.exists()


MEASURES_ONLY = """\
name: ledger-only
title: measures without flows
as_of: 2025-12-31
horizon: {start: 2025-01-01, end: 2025-12-31}
measures:
  fentanyl:
    authority: ieepa_fentanyl
    importer: US
    origins: CN
    products: all
    schedule: {2025-02-04: 10 %}
"""


@pytest.mark.parametrize("command", ["run", "compare", "report"])
def test_a_scenario_with_nothing_to_price_is_refused(tmp_path: Path, command: str) -> None:
    """Measures without flows price ledgers only: run, compare and report say so (exit 2)."""
    path = tmp_path / "ledger-only.yaml"
    path.write_text(MEASURES_ONLY)
    assert invoke("validate", str(path))[0] == 0
    out = tmp_path / ("out.html" if command == "report" else "out.txt")
    code, _, err = invoke(command, str(path), "-o", str(out))
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "ledger-only.yaml: flows: scenario 'ledger-only' has measures but no tranche" in err
    assert "tariffsim exposure" in err
    assert not out.exists()
