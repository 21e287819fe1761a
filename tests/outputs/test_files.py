"""Outputs are whole or absent, and never replace an input (through the CLI)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tariffsim.outputs.files import write_text
from tests.conftest import SCENARIOS


@pytest.fixture
def scenarios(tmp_path: Path) -> Path:
    """A copy of the shipped scenarios, so a failing refusal can't damage the repository."""
    folder = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, folder)
    return folder


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _interrupt_half_way(self: Path, data: str, *args: Any, **kwargs: Any) -> int:
    """Stands in for ``Path.write_text``: writes half the text, then Ctrl-C arrives."""
    with open(self, "w", encoding="utf-8") as stream:
        stream.write(data[: len(data) // 2])
    raise KeyboardInterrupt


@pytest.mark.parametrize("previous", ["previous results\n", None])
def test_interrupted_run_leaves_previous_file_or_none(
    scenarios: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, previous: str | None
) -> None:
    out = tmp_path / "out.csv"
    if previous is not None:
        out.write_text(previous, encoding="utf-8")
    monkeypatch.setattr(Path, "write_text", _interrupt_half_way)

    result = CliRunner().invoke(
        app, ["run", str(scenarios / "hold.yaml"), "-f", "csv", "-o", str(out)]
    )

    assert result.exit_code == 130
    assert result.stderr.splitlines() == ["tariffsim: interrupted; no output file was changed"]
    if previous is None:
        assert not out.exists()
    else:
        assert out.read_text(encoding="utf-8") == previous
    assert _leftovers(tmp_path) == []


def test_interrupted_parquet_leaves_previous_file(
    scenarios: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pandas as pd

    out = tmp_path / "out.parquet"
    out.write_bytes(b"PAR1 previous")

    def half_then_interrupt(self: pd.DataFrame, path: Path, **kwargs: Any) -> None:
        Path(path).write_bytes(b"PAR1 half")
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_parquet", half_then_interrupt)
    result = CliRunner().invoke(
        app, ["run", str(scenarios / "hold.yaml"), "-f", "parquet", "-o", str(out)]
    )

    assert result.exit_code == 130
    assert out.read_bytes() == b"PAR1 previous"
    assert _leftovers(tmp_path) == []


def test_failed_render_removes_its_temporary_file(tmp_path: Path) -> None:
    from tariffsim.outputs.files import write_atomic

    def broken(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise RuntimeError("renderer bug")

    with pytest.raises(RuntimeError):
        write_atomic(tmp_path / "x.csv", broken)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("option", "victim"),
    [
        ("--output", "escalate.yaml"),  # the file being run
        ("--output", "base.yaml"),  # the parent it extends
        ("--plot", "escalate.yaml"),
        ("--plot", "base.yaml"),
    ],
)
def test_output_never_replaces_an_input(scenarios: Path, option: str, victim: str) -> None:
    target = scenarios / victim
    before = target.read_bytes()

    result = CliRunner().invoke(app, ["run", str(scenarios / "escalate.yaml"), option, str(target)])

    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"tariffsim: error: {target}: {option}: refusing to overwrite an input")
    assert target.read_bytes() == before
    assert result.stdout == ""


def test_output_through_another_spelling_of_the_input_is_refused(scenarios: Path) -> None:
    sneaky = scenarios / "." / ".." / "scenarios" / "hold.yaml"
    result = CliRunner().invoke(app, ["run", str(scenarios / "hold.yaml"), "-o", str(sneaky)])
    assert result.exit_code == 2
    assert "refusing to overwrite an input file" in result.stderr


def test_write_text_replaces_whole_file(tmp_path: Path) -> None:
    out = tmp_path / "a.txt"
    out.write_text("old and longer\n", encoding="utf-8")
    write_text(out, "new\n")
    assert out.read_text(encoding="utf-8") == "new\n"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["missing-folder/out.csv", "."])
def test_output_to_a_bad_place_is_a_user_error(scenarios: Path, tmp_path: Path, where: str) -> None:
    result = CliRunner().invoke(
        app, ["run", str(scenarios / "hold.yaml"), "-f", "csv", "-o", str(tmp_path / where)]
    )
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
