"""``compare --set`` and ``report --set``: each path's changes listed where the paths are shown.

``--set`` applies to every compared file: hold and escalate both write List 3's rise on
2019-01-01 as 25 % citing ``ustr-list3``, so both list the same change.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tests.conftest import SCENARIOS
from tests.footers import caught_footers

FILES = [str(SCENARIOS / f"{n}.yaml") for n in ("hold", "escalate")]
KEY = "tranches.list3.schedule.2019-01-01.rate"
CHANGE = f"{KEY} = 20 % (was 25 % [ustr-list3])"
runner = CliRunner()


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_the_table_lists_each_paths_change() -> None:
    lines = invoke("compare", *FILES, "--set", f"{KEY}=20 %").splitlines()
    scenarios = lines[lines.index("Scenarios") + 1 :]
    assert scenarios[0].startswith("  hold: Hold: ") and scenarios[0].endswith(
        " (modified by --set)"
    )
    assert scenarios[1:3] == [
        "    modified by --set (a what-if, not the file as written):",
        f"      {CHANGE}",
    ]
    assert scenarios[3].startswith("  escalate: ")
    assert scenarios[4:] == scenarios[1:3]
    assert "--set" not in invoke("compare", *FILES)


def test_json_records_the_changes_per_path(tmp_path: Path) -> None:
    out = tmp_path / "c.json"
    invoke("compare", *FILES, "--set", f"{KEY}=20 %", "-f", "json", "-o", str(out))
    document = json.loads(out.read_text(encoding="utf-8"))
    record = {"key": KEY, "value": "20 %", "was": "25 %", "was_source": "ustr-list3"}
    assert document["modified_by_set"] == {"hold": [record], "escalate": [record]}
    assert all(t["title"].endswith(" (modified by --set)") for t in document["totals"])


def test_chart_footers_list_the_change_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    footers = caught_footers(monkeypatch)
    args = ["compare", *FILES, "--mode", "static", "--plot", str(tmp_path / "c.png")]
    invoke(*args, "--set", f"{KEY}=20 %")
    (footer,) = footers
    assert f"Modified by --set: {CHANGE}. Sources: " in footer
    assert footer.count("Modified by --set") == 1


def test_the_report_page_lists_the_change_under_its_title(tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    invoke("report", FILES[0], "--set", f"{KEY}=20 %", "-o", str(page))
    text = page.read_text(encoding="utf-8")
    header = text[text.index("<header>") : text.index("</header>")]
    assert "(modified by --set)</h1>" in header
    assert (
        "<p><strong>Modified by --set (a what-if, not the file as written):</strong></p>"
        f"<ul><li><code>{CHANGE}</code></li></ul>"
    ) in header
    timeline = text[text.index('id="timeline"') : text.index('id="assumptions"')]
    assert (
        "<td>2019-01-01</td><td>List 3 ($200B)</td><td>10 % → 20 %</td><td>scheduled</td>"
        "<td>all</td><td>[--set]</td>"
    ) in timeline
    assert "<code>[--set]</code> your values, set on the command line with --set<br>" in text


def test_a_set_that_fails_on_one_of_several_files_names_that_file() -> None:
    """'decided' suits ceasefire (its step is suspended), not hold (its step goes ahead)."""
    change = "tranches.list3.schedule.2019-01-01.decided=2018-12-15"
    files = [str(SCENARIOS / "ceasefire.yaml"), str(SCENARIOS / "hold.yaml")]
    done = runner.invoke(app, ["compare", *files, "--set", change])
    assert done.exit_code == 2
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("tariffsim: error: --set: tranches.list3.schedule.2019-01-01:")
    assert done.stderr.rstrip().endswith(f"(applied to {files[1]})")
