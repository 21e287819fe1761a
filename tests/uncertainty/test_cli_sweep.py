"""`tariffsim sweep` through typer's CliRunner: outputs, files, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tariffsim.cli import uncertainty as sweep_cli
from tests.conftest import SCENARIOS
from tests.outlooks import BRANCHES_ONLY, outlook_folder

OUTLOOK = str(SCENARIOS / "outlook.yaml")


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_table_output() -> None:
    code, out, err = invoke("sweep", OUTLOOK, "--samples", "2000", "--seed", "1")
    assert code == 0, err
    assert "Expected value across branches: $" in out
    assert err == ""


def test_same_seed_same_output_other_seed_other_output() -> None:
    args = ("sweep", OUTLOOK, "--samples", "3000", "--format", "csv")
    first, second = invoke(*args, "--seed", "9"), invoke(*args, "--seed", "9")
    assert first[0] == 0 and first[1] == second[1]
    assert invoke(*args, "--seed", "10")[1] != first[1]


def test_json_threshold_and_measure() -> None:
    code, out, _ = invoke(
        "sweep",
        OUTLOOK,
        "-n",
        "1000",
        "--threshold",
        "$120 billion",
        "--measure",
        "additional",
        "--format",
        "json",
    )
    assert code == 0
    record = json.loads(out)
    assert record["threshold_usd"] == 120e9 and record["measure"] == "additional"


def test_output_file_and_plot(tmp_path: Path) -> None:
    out, chart = tmp_path / "s.csv", tmp_path / "fan.png"
    code, stdout, err = invoke(
        "sweep", OUTLOOK, "-n", "500", "--format", "csv", "--output", str(out), "--plot", str(chart)
    )
    assert code == 0 and stdout == ""
    assert out.read_text().startswith("outlook,measure,branch,")
    assert chart.stat().st_size > 0 and "chart written to" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [  # no temp files left
        "fan.png",
        "fan.png.manifest.json",
        "s.csv",
        "s.csv.manifest.json",
    ]


def test_progress_bar_on_long_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    # the bar shows on a terminal only; in logs (stderr not a terminal) nothing stray is printed
    monkeypatch.setattr(sweep_cli, "PROGRESS_MIN_SAMPLES", 100)
    code, out, err = invoke("sweep", OUTLOOK, "-n", "200", "--format", "csv")
    assert code == 0 and "sweep" not in err
    assert out.startswith("outlook,")


@pytest.mark.parametrize("samples", ["0", "-5", "1000001"])
def test_samples_out_of_range_are_refused(samples: str) -> None:
    code, _, err = invoke("sweep", OUTLOOK, "-n", samples)
    assert code == 2 and err.count("\n") == 1
    assert "--samples: expected between 1 and 1,000,000 draws" in err


NORMAL = (
    "assumptions:\n"
    "  elasticity: {distribution: normal, mean: 2, sd: 0.5, low: 0, source: judgement}\n"
)

BAD = [
    ("sum", lambda t: t.replace("30 %", "20 %"), "branch probabilities sum to 0.9, expected 1"),
    (
        "negative-spread",
        lambda t: t + NORMAL.replace("sd: 0.5", "sd: -0.5"),
        "assumptions.elasticity: the spread 'sd' is negative (-0.5)",
    ),
    (
        "no-bound",
        lambda t: t + NORMAL.replace(", low: 0", ""),
        "assumptions.elasticity: the distribution reaches below 0: give 'low'",
    ),
    (
        "unknown-file",
        lambda t: t.replace("hold.yaml", "hodl.yaml"),
        "branch scenario 'hodl.yaml' not found",
    ),
    ("no-source", lambda t: t.replace(", source: judgement}", "}", 1), "cite a source id"),
]


@pytest.mark.parametrize(("case", "edit", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_outlook_one_line_exit_2(tmp_path: Path, case: str, edit, message: str) -> None:
    path = outlook_folder(tmp_path, edit(BRANCHES_ONLY))
    code, out, err = invoke("sweep", str(path), "-n", "100")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("tariffsim: error: ")
    assert f"{path}:" in err and message in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--threshold", "150 kg"), "--threshold: expected an amount of money"),
        (("--samples", "2"), "--samples: 2 samples cannot cover 3 branches"),
        (("--format", "parquet"), "Parquet is binary"),
        (("--plot", "fan.gif"), "unknown chart format '.gif'"),
    ],
)
def test_bad_options_one_line_exit_2(args: tuple[str, ...], message: str) -> None:
    code, _, err = invoke("sweep", OUTLOOK, *args)
    assert code == 2 and err.count("\n") == 1 and message in err


def test_run_samples_draws_the_scenarios_uncertainty() -> None:
    path = str(SCENARIOS / "hold-ranges.yaml")
    code, out, err = invoke("run", path, "--samples", "2000", "--seed", "3", "--format", "json")
    assert code == 0, err
    record = json.loads(out)
    assert record["mode"] == "behavioural" and record["samples"] == 2000
    drawn = {(a["branch"], a["assumption"]) for a in record["assumptions"]}
    assert drawn == {("hold-ranges", n) for n in ("elasticity", "pass_through", "half_life")}
    totals = {t["branch"]: t for t in record["totals"]}
    assert totals["hold-ranges"]["p5_usd"] < totals["hold-ranges"]["p95_usd"]
    assert invoke("run", path, "--samples", "2000", "--seed", "3", "--format", "json")[1] == out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("hold.yaml", "--samples", "10"), "no distributions under 'uncertainty:'"),
        (("hold-ranges.yaml", "--samples", "10", "--static"), "--static leaves nothing to draw"),
        (("hold-ranges.yaml", "hold.yaml", "--samples", "10"), "one scenario at a time"),
    ],
)
def test_run_samples_errors(args: tuple[str, ...], message: str) -> None:
    files = [str(SCENARIOS / a) if a.endswith(".yaml") else a for a in args]
    code, _, err = invoke("run", *files)
    assert code == 2 and err.count("\n") == 1 and message in err


def test_refuses_to_overwrite_the_outlook() -> None:
    code, _, err = invoke("sweep", OUTLOOK, "--output", OUTLOOK)
    assert code == 2 and "refusing to overwrite an input file" in err


def test_validate_knows_an_outlook() -> None:
    code, out, _ = invoke("validate", OUTLOOK, str(SCENARIOS / "hold-ranges.yaml"))
    assert code == 0
    assert out.splitlines()[0].endswith(
        "outlook.yaml: ok (outlook of 3 branches, 2 uncertain steps, 3 distributions)"
    )
    assert "hold-ranges.yaml: ok (4 tranches" in out
