"""``run --set``: every output says the scenario was modified, and cites the user's value.

The rise of List 3 on 2019-01-01 is 25 % in the file (USTR's notice, source ``ustr-list3``);
``--set`` makes it 20 %. The table, the JSON and the chart's footer list the change with the
value it replaced, and the step cites ``--set``; without ``--set`` nothing of this appears
(the golden files of ``tests/run/test_cli.py`` hold the rest byte for byte).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tests.conftest import SCENARIOS
from tests.footers import caught_footers

HOLD = str(SCENARIOS / "hold.yaml")
KEY = "tranches.list3.schedule.2019-01-01.rate"
SET = ["--set", f"{KEY}=20 %"]
CHANGE = f"{KEY} = 20 % (was 25 % [ustr-list3])"
runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, ["run", HOLD, *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_the_table_lists_the_change_and_cites_set() -> None:
    lines = run(*SET).splitlines()
    assert lines[0].endswith("the next round stays on hold (modified by --set)")
    at = lines.index("  modified by --set (a what-if, not the file as written):")
    assert lines[at + 1] == f"    {CHANGE}"
    assert lines[at + 2] == ""  # the header ends here, before the first table
    timeline = [x.split() for x in lines if x.startswith("  2019-01-01  list3")]
    assert timeline == [["2019-01-01", "list3", "10", "%", "→", "20", "%", "scheduled", "[--set]"]]
    assert "  [--set] your values, set on the command line with --set" in lines


def test_without_set_nothing_says_set() -> None:
    out = run()
    assert "--set" not in out and "modified" not in out
    assert "  2019-01-01  list3    10 % → 25 %  scheduled  [ustr-list3]" in out.splitlines()


def test_json_records_each_change_and_the_source(tmp_path: Path) -> None:
    target = tmp_path / "hold.json"
    run(*SET, "--set", "assumptions.elasticity=3", "-f", "json", "-o", str(target))
    record = json.loads(target.read_text(encoding="utf-8"))[0]
    assert record["title"].endswith(" (modified by --set)")
    assert record["modified_by_set"] == [
        {"key": KEY, "value": "20 %", "was": "25 %", "was_source": "ustr-list3"},
        {"key": "assumptions.elasticity", "value": "3", "was": "2", "was_source": "usitc-2023"},
    ]
    (step,) = [e for e in record["events"] if (e["date"], e["tranche"]) == ("2019-01-01", "list3")]
    assert (step["to_rate"], step["source"]) == (0.20, "--set")
    assert record["assumptions"]["list3"]["sources"]["elasticity/source"] == "--set"
    assert record["sources"]["--set"]["note"] == (
        f"{CHANGE}; assumptions.elasticity = 3 (was 2 [usitc-2023])"
    )
    plain = tmp_path / "plain.json"
    run("-f", "json", "-o", str(plain))
    assert "modified_by_set" not in json.loads(plain.read_text(encoding="utf-8"))[0]


def test_the_chart_footer_lists_the_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    footers = caught_footers(monkeypatch)
    run(*SET, "--static", "--plot", str(tmp_path / "hold.png"))
    run("--static", "--plot", str(tmp_path / "plain.png"))
    assert footers[0].startswith(f"tariffsim · hold · static model. Modified by --set: {CHANGE}. ")
    assert footers[0].endswith("; your values, set on the command line with --set.")
    assert "--set" not in footers[1]


def test_samples_list_the_change_in_the_table_json_and_footer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    footers = caught_footers(monkeypatch)
    ranges = str(SCENARIOS / "hold-ranges.yaml")
    args = ["run", ranges, "--samples", "20", *SET]
    result = runner.invoke(app, [*args, "--plot", str(tmp_path / "fan.png")])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith(" (modified by --set)")
    at = lines.index("  modified by --set (a what-if, not the file as written):")
    assert lines[at + 1] == f"    {CHANGE}"
    (footer,) = footers
    assert f" · modified by --set: {CHANGE} · " in footer
    out = tmp_path / "s.json"
    result = runner.invoke(app, [*args, "-f", "json", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["modified_by_set"] == [
        {"key": KEY, "value": "20 %", "was": "25 %", "was_source": "ustr-list3"}
    ]


def test_an_assumption_set_where_samples_draw_it_is_refused() -> None:
    """Under --samples every draw replaces the elasticity, so setting it would change nothing
    while the outputs said it had: refused, pointing at the range; without --samples it runs."""
    path = str(SCENARIOS / "hold-ranges.yaml")
    args = ["run", path, "--samples", "50", "--set", "assumptions.elasticity.value=0.5"]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 2
    assert done.stderr.count("\n") == 1
    assert "--set: assumptions.elasticity.value: assumptions.elasticity is drawn" in done.stderr
    assert "set uncertainty.elasticity" in done.stderr
    ranged = ["run", path, "--samples", "50", "--set", "uncertainty.elasticity.mode=3"]
    assert CliRunner().invoke(app, ranged).exit_code == 0
    plain = ["run", path, "--set", "assumptions.elasticity.value=0.5"]
    assert CliRunner().invoke(app, plain).exit_code == 0
