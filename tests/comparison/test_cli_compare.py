"""``tariffsim compare`` through typer's CliRunner: exit codes, one-line errors, files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from tariffsim.cli import app
from tests.conftest import SCENARIOS

runner = CliRunner()
FILES = [str(SCENARIOS / f"{n}.yaml") for n in ["escalate", "hold", "ceasefire"]]


def test_table_with_a_reference() -> None:
    result = runner.invoke(app, ["compare", *FILES, "--reference", "hold"])
    assert result.exit_code == 0, result.output
    assert "reference: hold" in result.stdout
    assert "+45.87" in result.stdout


def test_bad_reference_is_one_line_and_exit_2() -> None:
    result = runner.invoke(app, ["compare", *FILES, "--reference", "hodl"])
    assert result.exit_code == 2
    assert result.stderr == (
        "tariffsim: error: --reference: no compared scenario is named 'hodl'"
        " (did you mean 'hold'?)\n"
    )


def test_json_to_a_file_and_charts(tmp_path: Path) -> None:
    out = tmp_path / "c.json"
    plot = tmp_path / "all.png"
    args = ["compare", *FILES, "-f", "json", "-o", str(out), "--plot", str(plot)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["reference"] == "escalate"
    assert plot.read_bytes()[:4] == b"\x89PNG"
    assert result.stderr == f"chart written to {plot}\n"


def test_plot_format_svg(tmp_path: Path) -> None:
    args = ["compare", *FILES[:2], "--plot-dir", str(tmp_path), "--plot-format", "svg"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert [n for n in names if not n.endswith(".manifest.json")] == sorted(
        f"{c}.svg" for c in ("cumulative-duty", "duty-per-period", "effective-rate", "totals")
    )
    assert [n for n in names if n.endswith(".manifest.json")] == [
        n + ".manifest.json" for n in names if n.endswith(".svg")
    ]


def variant(tmp_path: Path, name: str, horizon: str) -> Path:
    """A scenario extending a copy of hold.yaml with a different horizon."""
    for parent in ["base.yaml", "hold.yaml"]:
        shutil.copy(SCENARIOS / parent, tmp_path / parent)
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"extends: hold.yaml\nhorizon:\n  {horizon}\n", encoding="utf-8")
    return path


def test_different_steps_refused_then_aligned(tmp_path: Path) -> None:
    quarterly = variant(tmp_path, "quarterly", "step: quarter")
    result = runner.invoke(app, ["compare", FILES[0], str(quarterly)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "different steps (escalate by month, quarterly by quarter)" in result.stderr
    result = runner.invoke(app, ["compare", FILES[0], str(quarterly), "--step", "quarter"])
    assert result.exit_code == 0, result.output
    assert "quarterly periods" in result.stdout


def test_shorter_horizon_is_noted(tmp_path: Path) -> None:
    short = variant(tmp_path, "short", "start: 2019-01-01")
    result = runner.invoke(app, ["compare", FILES[1], str(short)])
    assert result.exit_code == 0, result.output
    assert "note: compared over the common range 2019-01-01 to 2019-12-31" in result.stderr
    assert "(horizon cut for hold)" in result.stderr


def test_parquet_without_output_is_refused() -> None:
    result = runner.invoke(app, ["compare", *FILES, "-f", "parquet"])
    assert result.exit_code == 2
    assert "Parquet is binary" in result.stderr


def test_output_must_not_replace_an_input() -> None:
    result = runner.invoke(app, ["compare", *FILES, "-f", "csv", "-o", FILES[0]])
    assert result.exit_code == 2
    assert "refusing to overwrite an input file" in result.stderr


def test_unknown_plot_extension() -> None:
    result = runner.invoke(app, ["compare", *FILES, "--plot", "chart.jpg"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "unknown chart format '.jpg'" in result.stderr


def test_a_scenario_without_flows_into_an_importer_is_left_out_of_its_block() -> None:
    """hold has no imports into CN; the history has both: the CN block lists the history's rows
    only (no 'nan'), says why hold is missing, and the US block keeps both scenarios."""
    history = str(SCENARIOS / "history" / "us-china-2018-2020.yaml")
    done = runner.invoke(app, ["compare", str(SCENARIOS / "hold.yaml"), history, "-r", "hold"])
    assert done.exit_code == 0, done.stderr
    assert "nan" not in done.stdout
    us, cn = done.stdout.split("  Imports into US\n")[1].split("  Imports into CN\n")
    assert [line.split()[0] for line in us.splitlines()[2:6]] == [
        "hold",
        "hold",
        *["us-china-2018-2020"] * 2,
    ]
    block = cn.split("\n\n")[0].splitlines()
    cn_rows = [line.split()[0] for line in block[2:] if not line.startswith("  (")]
    assert cn_rows == ["us-china-2018-2020"] * 2
    assert "  (hold has no imports into CN; no differences to the reference)" in cn


def test_the_files_list_static_rows_first_as_run_does(tmp_path: Path) -> None:
    import pandas as pd

    frames = {}
    for suffix in ("csv", "parquet"):
        out = tmp_path / f"rows.{suffix}"
        assert runner.invoke(app, ["compare", *FILES[:2], "-o", str(out)]).exit_code == 0
        frames[suffix] = pd.read_csv(out) if suffix == "csv" else pd.read_parquet(out)
    for frame in frames.values():
        for _, rows in frame.groupby("scenario", sort=False):
            assert list(dict.fromkeys(rows["mode"])) == ["static", "behavioural"]
    assert frames["csv"]["tranche"].tolist() == frames["parquet"]["tranche"].tolist()
