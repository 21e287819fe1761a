"""Every output target of every command, through the real entry point.

Whole-process tests (``python -m tariffsim`` in a subprocess) where the promise is about
the process: a device is not replaced, a full disk or a read-only folder is one line and
exit code 2 with nothing left behind, standard output on a full disk, an unwritable home
folder. In-process tests (typer's ``CliRunner``) for the refusals decided before any work:
an input as a target (through extends, branches, memberships), two options on one file.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tariffsim.errors import TariffsimError
from tariffsim.outputs.files import command_outputs, write_atomic, write_text
from tariffsim.scenario.inputs import record
from tests.conftest import ROOT, SCENARIOS
from tests.ledgers import (
    HAND_LINES,
    HAND_SCENARIO,
    ONE_FLOW_SCENARIO,
    write_csv,
    write_scenario,
)

runner = CliRunner()


def tariffsim(
    *args: str, env: dict[str, str] | None = None, stdout: int | None = subprocess.PIPE
) -> subprocess.CompletedProcess[str]:
    """The real entry point in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "tariffsim", *args],
        cwd=ROOT,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )


def one_error_line(stderr: str) -> str:
    progress = ("note:", "tariffsim: priced")  # informational lines of a run that got going
    lines = [line for line in stderr.splitlines() if not line.startswith(progress)]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("tariffsim: error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.fixture
def tiny(tmp_path: Path) -> str:
    """A one-year monthly scenario: the process tests are about the process, not the run."""
    return str(write_scenario(tmp_path, ONE_FLOW_SCENARIO, "tiny.yaml"))


@pytest.fixture
def scenarios(tmp_path: Path) -> Path:
    folder = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, folder)
    return folder


@pytest.fixture
def ledger_files(tmp_path: Path) -> tuple[Path, Path]:
    scenario = write_scenario(tmp_path, HAND_SCENARIO % {"rule": "max"}, "hand.yaml")
    return scenario, write_csv(tmp_path, HAND_LINES)


def _no_temporaries(*folders: Path) -> None:
    for folder in folders:
        assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []


# -- devices and pipes: written into, never replaced ---------------------------------------


@pytest.mark.skipif(not Path("/dev/null").is_char_device(), reason="no /dev/null device")
def test_dev_null_stays_a_device(tiny: str) -> None:
    done = tariffsim("run", tiny, "--static", "-f", "csv", "-o", "/dev/null")
    assert done.returncode == 0, done.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full device on this system")
def test_dev_full_is_one_line_exit_2(tiny: str) -> None:
    done = tariffsim("run", tiny, "--static", "-f", "csv", "-o", "/dev/full")
    assert done.returncode == 2
    line = one_error_line(done.stderr)
    assert line.startswith("tariffsim: error: /dev/full: cannot write: the disk is full")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full device on this system")
def test_stdout_on_a_full_disk_is_one_line_exit_2(tiny: str) -> None:
    with open("/dev/full", "w") as full:
        done = tariffsim("run", tiny, "--static", stdout=full.fileno())
    assert done.returncode == 2
    line = one_error_line(done.stderr)
    assert line == "tariffsim: error: cannot write to standard output: No space left on device"


@pytest.mark.skipif(not Path("/dev/stdout").is_symlink(), reason="no /dev/stdout link here")
def test_dev_stdout_redirected_to_a_file_is_written_through(tmp_path: Path, tiny: str) -> None:
    # As root, renaming over /dev/stdout would replace the system's link with a file.
    redirected = tmp_path / "stdout.csv"
    with open(redirected, "w") as stream:
        done = tariffsim("run", tiny, "--static", "-f", "csv", "-o", "/dev/stdout", stdout=stream)
    assert done.returncode == 0, done.stderr
    assert Path("/dev/stdout").is_symlink()
    expected = runner.invoke(app, ["run", tiny, "--static", "-f", "csv"]).stdout
    assert redirected.read_text(encoding="utf-8") == expected


def test_a_symlink_target_keeps_its_link(tmp_path: Path, tiny: str) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    result = runner.invoke(app, ["run", tiny, "--static", "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == real
    assert real.read_text(encoding="utf-8").startswith("scenario,mode,tranche")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_fifo_target_receives_the_bytes_and_stays_a_fifo(tmp_path: Path, tiny: str) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    done = tariffsim("run", tiny, "--static", "-f", "csv", "-o", str(fifo))
    reader.join(timeout=60)
    assert done.returncode == 0, done.stderr
    expected = runner.invoke(app, ["run", tiny, "--static", "-f", "csv"]).stdout
    assert received == [expected.encode()]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


# -- the operating system refuses: one line, nothing left -----------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 kB tmpfs, filled up but for a few kB (needs root and mount; skipped elsewhere)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_full_disk_leaves_neither_of_two_outputs(
    small_disk: Path, ledger_files: tuple[Path, Path]
) -> None:
    scenario, ledger = ledger_files
    (small_disk / "filler").write_bytes(b"\0" * 60_000)
    lines, summary = small_disk / "lines.csv", small_disk / "summary.csv"
    args = ["exposure", str(scenario), "--ledger", str(ledger)]
    done = tariffsim(*args, "--lines", str(lines), "-o", str(summary))
    assert done.returncode == 2
    line = one_error_line(done.stderr)
    assert "cannot write: the disk is full; nothing was written" in line
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]


def test_read_only_file_system_is_one_line(small_disk: Path, tiny: str) -> None:
    remounted = subprocess.run(
        ["mount", "-o", "remount,ro", str(small_disk)], capture_output=True, check=False
    )
    if remounted.returncode != 0:
        pytest.skip("cannot remount the tmpfs read-only here")
    target = small_disk / "out.csv"
    done = tariffsim("run", tiny, "--static", "-o", str(target))
    assert done.returncode == 2
    assert one_error_line(done.stderr) == (
        f"tariffsim: error: {target}: cannot write: the file system is read-only; nothing was "
        "written (choose a folder you can write to)"
    )


def test_name_over_255_bytes_is_refused_before_any_work(tmp_path: Path, tiny: str) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / ("é" * 130 + ".csv")  # 264 bytes in UTF-8, 134 characters
    done = tariffsim("run", tiny, "-o", str(target))
    assert done.returncode == 2
    line = one_error_line(done.stderr)
    assert "--output: the file name is 264 bytes, more than 255 (choose a shorter name)" in line
    assert list(folder.iterdir()) == []


def test_unwritable_home_folder_still_runs(tmp_path: Path, tiny: str) -> None:
    home = tmp_path / "home-is-a-file"
    home.write_text("not a folder", encoding="utf-8")
    done = tariffsim(
        "run", tiny, "--static", "-f", "csv", env={"HOME": str(home), "XDG_CACHE_HOME": ""}
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("scenario,mode,tranche")


def test_a_pipe_is_read_once(tmp_path: Path) -> None:
    # An outlook is sniffed, then loaded: two reads of one file; a pipe has its bytes once.
    scenario = tmp_path / "alone.yaml"
    text = (SCENARIOS / "base.yaml").read_text(encoding="utf-8")
    scenario.write_text(text.replace("name: base", "name: alone"), encoding="utf-8")
    done = subprocess.run(
        ["bash", "-c", f'"{sys.executable}" -m tariffsim validate <(cat "{scenario}")'],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("/dev/fd/") and ": ok (" in done.stdout


# -- refused before any work: inputs and clashing targets ----------------------------------


@pytest.mark.parametrize("victim", ["hold.yaml", "base.yaml", "outlook.yaml"])
def test_sweep_never_replaces_a_branch_or_its_parent(scenarios: Path, victim: str) -> None:
    before = (scenarios / victim).read_bytes()
    result = runner.invoke(
        app, ["sweep", str(scenarios / "outlook.yaml"), "-n", "10", "-o", str(scenarios / victim)]
    )
    assert result.exit_code == 2
    assert "--output: refusing to overwrite an input file" in one_error_line(result.stderr)
    assert (scenarios / victim).read_bytes() == before


def test_exposure_never_replaces_a_membership_file(
    tmp_path: Path, ledger_files: tuple[Path, Path]
) -> None:
    scenario, ledger = ledger_files
    lists = tmp_path / "lists.csv"
    lists.write_text("hts_code,measure\n8501,a\n", encoding="utf-8")
    named = write_scenario(
        tmp_path,
        (HAND_SCENARIO % {"rule": "max"}).replace("stacking:", "memberships: lists.csv\nstacking:"),
        "named.yaml",
    )
    for args in (
        [str(scenario), "--memberships", str(lists), "-o", str(lists)],
        [str(scenario), "--memberships", str(lists), "--lines", str(lists)],
        [str(named), "-o", str(lists)],  # named by the scenario's memberships:
        [str(named), "--lines", str(lists)],
    ):
        result = runner.invoke(app, ["exposure", "--ledger", str(ledger), *args])
        assert result.exit_code == 2, args
        assert "refusing to overwrite an input file" in one_error_line(result.stderr)
        assert lists.read_text(encoding="utf-8") == "hts_code,measure\n8501,a\n"


@pytest.mark.parametrize(
    ("command", "first", "second"),
    [
        (["run", "scenarios/hold.yaml"], "-o", "--plot"),
        (["backtest"], "-o", "--series"),
        (["backtest"], "-o", "--plot"),
        (["backtest"], "--series", "--plot"),
    ],
)
def test_two_options_on_one_file_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], first: str, second: str
) -> None:
    monkeypatch.chdir(ROOT)
    target = tmp_path / "same.png"
    result = runner.invoke(app, [*command, first, str(target), second, str(target)])
    assert result.exit_code == 2
    line = one_error_line(result.stderr)
    assert "the same file as" in line and "the second would overwrite the first" in line
    assert not target.exists()


def test_exposure_lines_and_output_on_one_file(
    tmp_path: Path, ledger_files: tuple[Path, Path]
) -> None:
    scenario, ledger = ledger_files
    target = tmp_path / "both.csv"
    args = ["exposure", str(scenario), "--ledger", str(ledger), "-o", str(target)]
    result = runner.invoke(app, [*args, "--lines", str(target)])
    assert result.exit_code == 2
    assert "--lines: the same file as --output" in one_error_line(result.stderr)
    assert not target.exists()


def test_same_file_through_another_spelling(tmp_path: Path) -> None:
    target = tmp_path / "a.csv"
    other = tmp_path / "." / "sub" / ".." / "a.csv"
    (tmp_path / "sub").mkdir()
    result = runner.invoke(
        app, ["backtest", "-o", str(target), "--series", str(other)], catch_exceptions=False
    )
    assert result.exit_code == 2
    assert "the same file as --output" in result.stderr


# -- all or none ---------------------------------------------------------------------------


def test_second_output_failing_leaves_the_first_unwritten(
    tmp_path: Path, ledger_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from tariffsim.ledger import report

    scenario, ledger = ledger_files
    lines, summary = tmp_path / "lines.csv", tmp_path / "summary.csv"
    lines.write_text("previous lines\n", encoding="utf-8")

    def full_disk(path: Path, exposure: object, currencies: object = None) -> Path:
        def render(tmp: Path) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        return write_atomic(path, render)

    monkeypatch.setattr(report, "write_summary", full_disk)
    result = runner.invoke(
        app,
        [
            "exposure",
            str(scenario),
            "--ledger",
            str(ledger),
            "--lines",
            str(lines),
            "-o",
            str(summary),
        ],
    )
    assert result.exit_code == 2
    assert f"{summary}: cannot write: the disk is full" in one_error_line(result.stderr)
    assert lines.read_text(encoding="utf-8") == "previous lines\n"  # the first one too
    assert not summary.exists()
    _no_temporaries(tmp_path)


def test_a_target_read_as_input_during_the_run_is_refused_at_the_end(tmp_path: Path) -> None:
    # Checked once more when the files move in: an input found only while running counts.
    source = tmp_path / "read.csv"
    source.write_text("input\n", encoding="utf-8")
    refused = pytest.raises(TariffsimError, match="refusing to overwrite an input file")
    with refused, command_outputs():
        record(source)
        write_text(source, "output\n")
    assert source.read_text(encoding="utf-8") == "input\n"
    _no_temporaries(tmp_path)


# -- usage errors: one line through the funnel ---------------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["run", "--step", "fortnight", "x.yaml"], "Invalid value for '--step'"),
        (["run"], "Missing argument 'FILE'"),
        (["nope"], "No such command 'nope'"),
        (["run", "--samples", "abc", "x.yaml"], "Invalid value for '--samples'"),
        (["run", "--bogus", "x.yaml"], "No such option: --bogus"),
        (["synth-ledger", "-o", "x.csv", "--seed", "-1"], "Invalid value for '--seed'"),
        (["exposure", "x.yaml"], "Missing option '--ledger'"),
    ],
)
def test_usage_errors_are_one_line(args: list[str], says: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    line = one_error_line(result.stderr)
    assert says in line
    assert line.endswith("--help')")
    assert "{" not in line  # no stray metavar
