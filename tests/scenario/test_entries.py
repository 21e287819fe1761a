"""A misspelt tranche, measure or flow id in a child file or ``--set`` is named as such."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tariffsim.errors import TariffsimError
from tariffsim.scenario.validation import load_scenario
from tests.conftest import SCENARIOS

PARENT = """\
title: A parent
as_of: 2018-11-16
horizon: {start: 2018-10-01, end: 2019-12-31}
tranches:
  list1:
    label: List 1
    importer: US
    exporter: CN
    imports: 34 billion USD/year
    schedule: {2018-07-06: 25 %}
  list3:
    label: List 3
    importer: US
    exporter: CN
    imports: 200 billion USD/year
    schedule: {2018-09-24: 10 %, 2019-01-01: 25 %}
"""


def child(tmp_path: Path, tranches: str) -> Path:
    """``child.yaml`` extending ``parent.yaml``; ``tranches`` is the block's body, from line 4."""
    (tmp_path / "parent.yaml").write_text(PARENT, encoding="utf-8")
    path = tmp_path / "child.yaml"
    path.write_text(f"extends: parent.yaml\ntitle: A child\ntranches:\n{tranches}", "utf-8")
    return path


def error_of(path: Path, overrides: list[str] | None = None) -> TariffsimError:
    with pytest.raises(TariffsimError) as caught:
        load_scenario(path, overrides or [])
    return caught.value


def test_a_misspelt_id_in_a_child_is_unknown_with_the_near_id(tmp_path: Path) -> None:
    path = child(tmp_path, "  # List 3 lower\n  lsit3:\n    schedule: {2019-01-01: 20 %}\n")
    error = error_of(path)
    assert (error.file, error.line, error.field) == (str(path), 5, "tranches.lsit3")
    assert error.render() == (
        f"{path}:5: tranches.lsit3: unknown tranche 'lsit3' (did you mean 'list3'?)"
    )


def test_a_far_id_names_the_known_ids_and_what_a_new_one_needs(tmp_path: Path) -> None:
    path = child(tmp_path, "  steel:\n    imports: 5 billion USD/year\n")
    error = error_of(path)
    assert error.message == "unknown tranche 'steel'"
    assert error.hint == "known: list1, list3; a new tranche also needs label, importer, exporter"


def test_a_complete_new_tranche_in_a_child_loads(tmp_path: Path) -> None:
    path = child(
        tmp_path,
        "  list4:\n    label: List 4\n    importer: US\n    exporter: CN\n"
        "    imports: 100 billion USD/year\n",
    )
    s = load_scenario(path)
    assert list(s.tranches) == ["list1", "list3", "list4"]
    assert s.tranches["list4"].imports.value == pytest.approx(100e9)


def test_a_new_tranche_stating_its_importer_gets_its_missing_field(tmp_path: Path) -> None:
    """Close to 'list1' and 'list3', but it states an importer: it is meant as a new one."""
    path = child(
        tmp_path, "  list4:\n    importer: US\n    exporter: CN\n    imports: 1 billion USD/year\n"
    )
    error = error_of(path)
    assert (error.field, error.message) == ("tranches.list4.label", "required field is missing")
    assert error.line == 4


def test_a_change_to_an_inherited_tranche_is_not_new(tmp_path: Path) -> None:
    path = child(tmp_path, "  list3:\n    schedule: {2019-01-01: 20 %}\n")
    s = load_scenario(path)
    assert [step.rate for step in s.tranches["list3"].schedule.values()] == [0.10, 0.20]


def test_one_file_without_a_parent_keeps_the_missing_field_message(tmp_path: Path) -> None:
    path = tmp_path / "one.yaml"
    path.write_text(PARENT + "  lsit3:\n    schedule: {2019-01-01: 20 %}\n", "utf-8")
    error = error_of(path)
    assert error.field == "tranches.lsit3.label"
    assert error.message == "required field is missing [and 3 more problem(s)]"


@pytest.mark.parametrize(
    ("file", "override", "field", "hint"),
    [
        (
            SCENARIOS / "hold.yaml",
            "tranches.lsit3.schedule.2019-01-01.rate=20 %",
            "tranches.lsit3",
            "did you mean 'list3'?",
        ),
        (
            SCENARIOS / "examples" / "us-china-2025.yaml",
            "measures.fentanly.schedule.2025-03-04.rate=20 %",
            "measures.fentanly",
            "did you mean 'fentanyl'?",
        ),
        (
            SCENARIOS / "examples" / "us-china-2025.yaml",
            "flows.phnoes.imports=1 billion USD/year",
            "flows.phnoes",
            "did you mean 'phones'?",
        ),
    ],
)
def test_a_misspelt_id_set_on_the_command_line(
    file: Path, override: str, field: str, hint: str
) -> None:
    error = error_of(file, [override])
    kind = {"tranches": "tranche", "measures": "measure", "flows": "flow"}[field.split(".")[0]]
    assert (error.file, error.line, error.field) == ("--set", None, field)
    assert (error.message, error.hint) == (f"unknown {kind} '{field.split('.')[1]}'", hint)


def test_a_whole_new_tranche_set_on_the_command_line_loads() -> None:
    new = "{label: List 4, importer: US, exporter: CN, imports: 100 billion USD/year}"
    s = load_scenario(SCENARIOS / "hold.yaml", [f"tranches.list4={new}"])
    assert s.tranches["list4"].exporter == "CN"
    assert s.edits[0].describe().endswith("(new)")


def test_cli_names_the_misspelt_tranche_in_one_line(tmp_path: Path) -> None:
    path = child(tmp_path, "  lsit3:\n    schedule: {2019-01-01: 20 %}\n")
    result = CliRunner().invoke(app, ["run", str(path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"tariffsim: error: {path}:4: tranches.lsit3: unknown tranche 'lsit3'"
        " (did you mean 'list3'?)"
    ]
    result = CliRunner().invoke(
        app, ["run", str(SCENARIOS / "hold.yaml"), "--set", "tranches.list9.label=List 9"]
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "tariffsim: error: --set: tranches.list9: unknown tranche 'list9' (did you mean 'list3'?)"
    ]
