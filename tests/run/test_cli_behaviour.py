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


def test_the_behavioural_run_rate_is_the_long_run_at_the_last_days_rates(tmp_path: Path) -> None:
    target = tmp_path / "hold.json"
    result = runner.invoke(app, ["run", str(SCENARIOS / "hold.yaml"), "-o", str(target)])
    assert result.exit_code == 0, result.output
    payload = json.loads(target.read_text())[0]
    # By hand from base.yaml: on 31 December 2019 Lists 1-3 ($34B + $16B + $200B) pay 25 %
    # on top of 3.1 % MFN, against 3.1 % on the reference date (2017-12-31); ε = 2, ρ = 1.
    # Imports fully adjusted: V_0 · ((1 + 0.281) / (1 + 0.031))^-2; Viet Nam pays no
    # additional duty and the next round none in hold.
    long_run = 250e9 * 0.25 * (1.031 / 1.281) ** 2
    assert abs(payload["totals"]["run_rate_additional_usd"] - long_run) < 1.0
    # not the pace of the last month: the lag has not run its course by December 2019
    december = sum(
        p["additional_duty_usd"]
        for p in payload["periods"]
        if p["mode"] == "behavioural" and p["period_start"] == "2019-12-01"
    )
    assert december * 365 / 31 > 1.1 * long_run
    table = runner.invoke(app, ["run", str(SCENARIOS / "hold.yaml")]).stdout
    row = next(line for line in table.splitlines() if "run-rate add., long run ($B/yr)" in line)
    assert row.split()[-3:-1] == [f"{250 * 0.25:.2f}", f"{long_run / 1e9:.2f}"]
    assert "imports fully adjusted: the long run" in table
