"""``tariffsim run`` with the behavioural response: side-by-side totals, ``--static``, JSON."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tariffsim.cli import app
from tests.conftest import ROOT, SCENARIOS

runner = CliRunner()
WORKED = str(ROOT / "docs" / "examples" / "worked-list3.yaml")


def test_run_shows_static_and_behavioural_totals_and_the_assumptions() -> None:
    result = runner.invoke(app, ["run", WORKED])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "mode: behavioural" in out
    assert "elasticity 1 [worked]" in out
    assert "pass-through 100 % [worked]" in out
    lines = {line.split("  ")[1].strip(): line.split() for line in out.splitlines()[9:17]}
    assert lines["imports"][-3:] == ["200.00", "176.00", "-24.00"]
    assert lines["additional duty"][-3:] == ["50.00", "44.00", "-6.00"]
    assert lines["deadweight loss"][-3:] == ["0.00", "4.20", "4.20"]


def test_static_switches_the_response_off() -> None:
    result = runner.invoke(app, ["run", WORKED, "--static"])
    assert result.exit_code == 0, result.output
    assert "mode: static" in result.stdout
    assert "switched off with --static" in result.stdout
    assert "Static and behavioural totals" not in result.stdout
    assert "list3    List 3 ($200B)  US←CN   200.00       50.00" in result.stdout


def test_json_names_the_mode_and_the_assumptions(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["run", str(SCENARIOS / "hold.yaml"), "-f", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    payload = json.loads(out.read_text(encoding="utf-8"))[0]
    assert payload["mode"] == "behavioural"
    list3 = payload["assumptions"]["list3"]
    assert list3["elasticity"] == 2.0
    assert list3["sources"]["elasticity/source"] == "usitc-2023"
    assert list3["diversion_to"] == "VN"
    assert {row["mode"] for row in payload["periods"]} == {"static", "behavioural"}
    assert "list3→VN" in {row["tranche"] for row in payload["tranches"]}
