"""The CLI starts light: ``--help`` loads typer and tariffsim's small modules only.

Checked by module names in a fresh interpreter, not by timing (timings live
in ``benchmarks/``).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

HEAVY = ["numpy", "pandas", "pyarrow", "pint", "matplotlib", "yaml", "duckdb"]

PROBE = """
import json, sys
from tariffsim.cli import app
try:
    app({argv!r})
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def modules_after(probe: str) -> set[str]:
    """The module names a fresh interpreter printed (as JSON, last line) after ``probe``."""
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def loaded_modules(argv: list[str]) -> set[str]:
    return modules_after(PROBE.format(argv=argv))


def test_help_imports_nothing_heavy() -> None:
    loaded = loaded_modules(["--help"])
    assert [m for m in [*HEAVY, "pydantic"] if m in loaded] == []


@pytest.mark.parametrize("command", ["run", "validate", "schema"])
def test_command_help_imports_nothing_heavy(command: str) -> None:
    # typer itself loads pydantic to build a command's parameters; nothing else heavy.
    loaded = loaded_modules([command, "--help"])
    assert [m for m in HEAVY if m in loaded] == []


def test_the_probe_sees_heavy_imports() -> None:
    # The probe itself must be able to fail: validating a file does load pydantic and yaml.
    loaded = loaded_modules(["validate", str(ROOT / "scenarios" / "escalate.yaml")])
    assert {"pydantic", "yaml"} <= loaded


def test_common_units_need_no_pint_and_others_do(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """'25 %', 'billion USD/year' and 'months' are read without pint; a flow per week is not."""
    assert "pint" not in loaded_modules(["run", str(ROOT / "scenarios" / "escalate.yaml")])
    base = (ROOT / "scenarios" / "base.yaml").read_text()
    weekly = tmp_path / "base.yaml"
    weekly.write_text(base.replace("value: 34 billion USD/year", "value: 654 million USD/week", 1))
    assert "pint" in loaded_modules(["validate", str(weekly)])


@pytest.mark.parametrize("scenario", ["escalate.yaml", "hold.yaml"])
def test_a_run_printed_as_a_table_imports_no_pandas(scenario: str) -> None:
    # The table is read from the result's arrays; frames (and pandas, and pyarrow with
    # pandas 3) are for CSV, JSON, Parquet and charts only.
    loaded = loaded_modules(["run", str(ROOT / "scenarios" / scenario)])
    assert "numpy" in loaded  # the probe ran the simulation
    assert [m for m in ("pandas", "pyarrow", "matplotlib") if m in loaded] == []


def test_the_table_probe_sees_pandas_when_a_frame_is_asked_for(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # CSV and JSON are written from the arrays too (tests/run/test_cli_files.py); Parquet
    # is written from a frame
    target = tmp_path / "hold.parquet"
    loaded = loaded_modules(["run", str(ROOT / "scenarios" / "hold.yaml"), "-o", str(target)])
    assert "pandas" in loaded


def test_nothing_starts_dask_unless_asked() -> None:
    # pint itself imports dask's array module when dask is installed (its dask facet); the
    # cluster client (distributed) is tariffsim's own and only loaded by --scheduler/--dask.
    loaded = loaded_modules(["sweep", str(ROOT / "scenarios" / "outlook.yaml"), "-n", "200"])
    assert "numpy" in loaded  # the sweep ran
    assert "distributed" not in loaded


def test_only_the_cluster_modules_name_dask() -> None:
    import ast

    naming = set()
    for path in (ROOT / "tariffsim").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if any(n.split(".")[0] in ("dask", "distributed") for n in names):
                naming.add(path.relative_to(ROOT).as_posix())
                assert node.col_offset > 0, f"{path}: dask imported at module level"
    assert naming == {"tariffsim/ledger/cluster.py", "tariffsim/cli/cluster.py"}
