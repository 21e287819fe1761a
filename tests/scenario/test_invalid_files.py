"""One bad scenario file per failure mode, each checked for its one-line message.

Every file in ``tests/data/invalid/`` has a row in :data:`CASES`: where the
error must point (file, line, field) and the words it must say, hint
included. Each is run through ``validate`` and through ``run --output``:
exit code 2, exactly one stderr line, no traceback, no output file.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tariffsim.scenario.yamlfile import MAX_FILE_BYTES

INVALID = Path(__file__).resolve().parents[1] / "data" / "invalid"


class Case(NamedTuple):
    file: str
    where: str
    """The exact start of the message: ``file:line: field:`` (parts that apply)."""
    says: tuple[str, ...]
    """Fragments the rest of the message must contain (the hint among them)."""


CASES = [
    Case("missing.yaml", "missing.yaml:", ("file not found",)),
    Case("empty.yaml", "empty.yaml:", ("the file is empty",)),
    Case("malformed_yaml.yaml", "malformed_yaml.yaml:6:", ("malformed YAML", "expected ','")),
    Case("bad_indentation.yaml", "bad_indentation.yaml:11:", ("malformed YAML",)),
    Case(
        "not_utf8.yaml",
        "not_utf8.yaml:8:",
        ("not UTF-8 text", "byte 0xe9", "save the file as UTF-8"),
    ),
    Case("control_character.yaml", "control_character.yaml:8:", ("U+0007", "remove control")),
    Case(
        "top_level_list.yaml", "top_level_list.yaml:1:", ("expected a mapping of scenario fields",)
    ),
    Case("scalar_file.yaml", "scalar_file.yaml:1:", ("expected a mapping of scenario fields",)),
    Case(
        "duplicate_key.yaml",
        "duplicate_key.yaml:11: tranches.list3.importer:",
        ("duplicate key 'importer'", "first on line 9"),
    ),
    Case(
        "duplicate_date_key.yaml",
        "duplicate_date_key.yaml:14: tranches.list3.schedule.2019-01-01:",
        ("duplicate key '2019-01-01'", "first on line 13"),
    ),
    Case("key_is_a_list.yaml", "key_is_a_list.yaml:11: tranches.list3:", ("expected a plain key",)),
    Case(
        "unknown_key.yaml",
        "unknown_key.yaml:11: tranches.list3.improts:",
        ("unknown key 'improts'", "(did you mean 'imports'?)"),
    ),
    Case(
        "unknown_top_key.yaml",
        "unknown_top_key.yaml:5: horizn:",
        ("unknown key 'horizn'", "(did you mean 'horizon'?)"),
    ),
    Case(
        "missing_required.yaml", "missing_required.yaml: horizon:", ("required field is missing",)
    ),
    Case("title_wrong_type.yaml", "title_wrong_type.yaml:1: title:", ("expected text", "got [")),
    Case(
        "tranches_not_mapping.yaml",
        "tranches_not_mapping.yaml:6: tranches:",
        ("expected a mapping", "got ['list1'"),
    ),
    Case("no_tranches.yaml", "no_tranches.yaml:6: tranches:", ("expected at least 1 entry",)),
    Case("bad_name.yaml", "bad_name.yaml:1: name:", ("letters, digits", "got 'my scenario'")),
    Case(
        "rate_without_unit.yaml",
        "rate_without_unit.yaml:13: tranches.list3.schedule.2019-01-01:",
        ("got 25 without a unit", "(did you mean '25 %' or 0.25?)"),
    ),
    Case(
        "specific_without_quantity.yaml",
        "specific_without_quantity.yaml:13: tranches.t.schedule.2025-04-01:",
        ("a specific rate ('0.50 USD/kg') needs the quantity", "'quantity: 50 million kg/year'"),
    ),
    Case(
        "flow_specific_without_quantity.yaml",
        "flow_specific_without_quantity.yaml:14: flows.mx_beef:",
        ("measure 'beef' has a specific rate", "states no quantity", "'quantity: 50 million"),
    ),
    Case(
        "specific_unit_mismatch.yaml",
        "specific_unit_mismatch.yaml:14: tranches.t.schedule.2025-04-01:",
        ("the rate is per kg but the tranche's quantity is in item",),
    ),
    Case(
        "unknown_currency.yaml",
        "unknown_currency.yaml:11: tranches.t.imports:",
        ("got '2.8 billion XYZ/year'", "unknown currency 'XYZ'", "EUR, CNY"),
    ),
    Case(
        "currency_without_rate.yaml",
        "currency_without_rate.yaml:11: tranches.t.imports:",
        ("no exchange rate for EUR", "under 'currencies:'"),
    ),
    Case(
        "floor_above_100.yaml",
        "floor_above_100.yaml:13: tranches.t.schedule.2025-08-07.all_in_floor:",
        ("expected a floor between 0 and 100 %", "got '150 %'"),
    ),
    Case(
        "value_share_above_100.yaml",
        "value_share_above_100.yaml:12: tranches.t.value_share:",
        ("expected a value share between 0 and 100 %", "got '140 %'"),
    ),
    Case(
        "refund_without_invalidation.yaml",
        "refund_without_invalidation.yaml:7: tranches.t:",
        ("a 'refund' needs the date the measure was 'invalidated'",),
    ),
    Case(
        "rate_wrong_dimension.yaml",
        "rate_wrong_dimension.yaml:13: tranches.list3.schedule.2019-01-01.rate:",
        ("expected a rate like '25 %'", "got '25 kg'", "[mass]"),
    ),
    Case(
        "unknown_unit.yaml",
        "unknown_unit.yaml:11: tranches.list3.imports:",
        ("got '200 billon USD/year'", "(did you mean 'billion'?)"),
    ),
    Case(
        "money_wrong_dimension.yaml",
        "money_wrong_dimension.yaml:11: tranches.list3.imports:",
        ("expected a flow of money per time", "got '200 billion USD'", "[currency]"),
    ),
    Case(
        "huge_exponent.yaml",
        "huge_exponent.yaml:11: tranches.list3.imports:",
        ("expected a finite number", "1e999"),
    ),
    Case(
        "power_expression.yaml",
        "power_expression.yaml:13: tranches.list3.schedule.2019-01-01.rate:",
        ("powers ('**') are not allowed",),
    ),
    Case(
        "flow_too_large.yaml",
        "flow_too_large.yaml:11: tranches.list3.imports:",
        ("at most 1e+18 USD/year", "got '1e20 USD/year'"),
    ),
    Case(
        "rate_too_large.yaml",
        "rate_too_large.yaml:13: tranches.list3.schedule.2019-01-01.rate:",
        ("at most 1,000 %", "got '20000 %'"),
    ),
    Case(
        "negative_flow.yaml",
        "negative_flow.yaml:11: tranches.list3.imports:",
        ("at least 0 USD/year", "got '-200 billion USD/year'"),
    ),
    Case(
        "negative_rate.yaml",
        "negative_rate.yaml:13: tranches.list3.schedule.2019-01-01.rate:",
        ("at least 0 %", "got '-5 %'"),
    ),
    Case(
        "nan_flow.yaml",
        "nan_flow.yaml:11: tranches.list3.imports:",
        ("expected a finite number, got nan",),
    ),
    Case(
        "infinite_rate.yaml",
        "infinite_rate.yaml:13: tranches.list3.schedule.2019-01-01.rate:",
        ("expected a finite number, got inf",),
    ),
    Case(
        "date_not_a_date.yaml",
        "date_not_a_date.yaml:13: tranches.list3.schedule.2019-13-01:",
        ("expected a date like 2019-01-01", "got '2019-13-01'"),
    ),
    Case(
        "as_of_not_a_date.yaml",
        "as_of_not_a_date.yaml:2: as_of:",
        ("expected a date like 2019-01-01", "got '2018-02-30'"),
    ),
    Case(
        "date_as_timestamp.yaml",
        "date_as_timestamp.yaml:2: as_of:",
        ("expected a date like 2019-01-01", "got 1542326400"),
    ),
    Case(
        "date_out_of_range.yaml",
        "date_out_of_range.yaml:14: tranches.list3.schedule.9999-12-31:",
        ("between 1800-01-01 and 2299-12-31",),
    ),
    Case(
        "schedule_key_not_a_date.yaml",
        "schedule_key_not_a_date.yaml:13: tranches.list3.schedule.jan 2019:",
        ("expected a date like 2019-01-01", "got 'jan 2019'"),
    ),
    Case(
        "horizon_end_before_start.yaml",
        "horizon_end_before_start.yaml:5: horizon.end:",
        ("end 2018-12-31 is before start 2019-01-01",),
    ),
    Case(
        "unknown_step.yaml",
        "unknown_step.yaml:5: horizon.step:",
        ("expected 'day', 'week', 'month', 'quarter' or 'year'", "got 'fortnight'"),
    ),
    Case(
        "unknown_status.yaml",
        "unknown_status.yaml:13: tranches.list3.schedule.2019-01-01.status:",
        ("'suspended'", "got 'pending'"),
    ),
    Case(
        "unknown_source.yaml",
        "unknown_source.yaml:13: tranches.list3.schedule.2019-01-01.source:",
        ("unknown source 'ustr-list'", "(did you mean 'ustr-list3'?)"),
    ),
    Case(
        "assumption_date_as_number.yaml",
        "assumption_date_as_number.yaml:15: assumptions.reference_date:",
        ("expected a date like 2019-01-01", "got 1514678400"),
    ),
    Case(
        "seasonality_overflow.yaml",
        "seasonality_overflow.yaml:15: assumptions.seasonality:",
        ("monthly weights from 0 to 1e+15",),
    ),
    Case(
        "bad_country_code.yaml",
        "bad_country_code.yaml:10: tranches.list3.exporter:",
        ("ISO 3166 alpha-2", "got 'XX'"),
    ),
    Case(
        "country_alias.yaml",
        "country_alias.yaml:10: tranches.list3.exporter:",
        ("'UK' is not an ISO 3166 alpha-2 code", "did you mean 'GB'?"),
    ),
    Case(
        "importer_is_exporter.yaml",
        "importer_is_exporter.yaml:10: tranches.list3.exporter:",
        ("the exporter is the importer 'US'",),
    ),
    Case(
        "python_object_tag.yaml",
        "python_object_tag.yaml:8: tranches.list3.label:",
        ("'!!python/object/apply:os.system' is not allowed", "plain values only"),
    ),
    Case(
        "custom_tag.yaml",
        "custom_tag.yaml:8: tranches.list3.label:",
        ("'!include' is not allowed",),
    ),
    Case(
        "billion_laughs.yaml",
        "billion_laughs.yaml:6: f:",
        ("more than 100,000 YAML values", "aliases that expand without bound"),
    ),
    Case(
        "merge_key.yaml",
        "merge_key.yaml:8: tranches.list3:",
        ("merge keys ('<<') are not supported", "use 'extends: parent.yaml'"),
    ),
    Case(
        "recursive_alias.yaml",
        "recursive_alias.yaml:8: tranches:",
        ("nested more than 50 levels deep (after expanding aliases)", "may not refer to the value"),
    ),
    Case(
        "escaped_control.yaml",
        "escaped_control.yaml:8: tranches.list3.label:",
        ("control or invalid character U+001B", "remove escapes"),
    ),
    Case("deep_nesting.yaml", "deep_nesting.yaml:2:", ("nested more than 50 levels",)),
    Case(
        "extends_missing.yaml",
        "extends_missing.yaml:1: extends:",
        ("'parents/bsae.yaml' not found", "(did you mean 'base.yaml'?)"),
    ),
    Case(
        "misspelt_tranche.yaml",
        "misspelt_tranche.yaml:5: tranches.lsit3:",
        ("unknown tranche 'lsit3'", "(did you mean 'list3'?)"),
    ),
    Case(
        "extends_cycle.yaml",
        "parents/cycle.yaml:1: extends:",
        ("forms a cycle: extends_cycle.yaml → cycle.yaml → extends_cycle.yaml",),
    ),
    Case(
        "extends_self.yaml",
        "extends_self.yaml:1: extends:",
        ("forms a cycle: extends_self.yaml → extends_self.yaml",),
    ),
    Case(
        "extends_directory.yaml",
        "extends_directory.yaml:1: extends:",
        ("'parents' is a directory",),
    ),
    Case(
        "extends_outside.yaml",
        "extends_outside.yaml:2: extends:",
        ("outside the scenario's folder tree", "keep the parent next to the scenario"),
    ),
    Case(
        "extends_not_text.yaml",
        "extends_not_text.yaml:2: extends:",
        ("expected a file name like 'base.yaml'",),
    ),
    Case("too_large.yaml", "too_large.yaml:", ("scenario files are limited to 1,000,000 bytes",)),
    Case(
        "unknown_group.yaml",
        "unknown_group.yaml:10: measures.reciprocal.origins:",
        ("unknown country or group 'usmcA'", "(did you mean 'usmca'?)"),
    ),
    Case(
        "flows_overlap.yaml",
        "flows_overlap.yaml:8: flows.steel:",
        (
            "'flows.everything' and 'flows.steel' both hold US imports from CN of HTS 72",
            "count them twice",
            "exclude the shared ones",
        ),
    ),
    Case(
        "flow_partly_covered.yaml",
        "flow_partly_covered.yaml:7: flows.iron_and_steel.products:",
        ("measure 'steel232' covers some of this flow's products, not all", "split the flow"),
    ),
    Case(
        "precedence_unknown_name.yaml",
        "precedence_unknown_name.yaml:8: precedence.metals:",
        ("no measure or authority named 'ieepa_reciprocl'", "did you mean 'ieepa_reciprocal'"),
    ),
]

GENERATED = {"missing.yaml", "too_large.yaml"}
"""Cases built by the test: a file that is not there, and one too large to keep in git."""


def _too_large(folder: Path) -> Path:
    path = folder / "too_large.yaml"
    comment = b"# padding\n" * (MAX_FILE_BYTES // 10 + 1)
    path.write_bytes((INVALID / "parents" / "base.yaml").read_bytes() + comment)
    return path


def test_every_corpus_file_has_a_case() -> None:
    on_disk = {p.name for p in INVALID.iterdir() if p.is_file()}
    assert on_disk == {case.file for case in CASES} - GENERATED
    assert len(CASES) >= 30


@pytest.mark.parametrize("command", ["validate", "run"])
@pytest.mark.parametrize("case", CASES, ids=[case.file for case in CASES])
def test_bad_file_gives_one_located_line(
    case: Case, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = INVALID
    if case.file == "too_large.yaml":
        folder = tmp_path
        _too_large(folder)
    monkeypatch.chdir(folder)
    output = tmp_path / "out.csv"
    args = [command, case.file] + (["-f", "csv", "-o", str(output)] if command == "run" else [])

    result = CliRunner().invoke(app, args)

    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    message = lines[0]
    assert message.startswith(f"tariffsim: error: {case.where} "), message
    for fragment in case.says:
        assert fragment in message
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert not output.exists()


def test_run_too_large_for_memory_is_refused(tmp_path: Path) -> None:
    # A valid file: 100 tranches over 200 years is fine monthly, 7.3 million rows daily.
    rows = ["title: t", "as_of: 1900-01-01", "horizon: {start: 1900-01-01, end: 2099-12-31}"]
    rows.append("tranches:")
    rows += [
        f"  t{i}: {{label: t, importer: US, exporter: CN, imports: 1 billion USD/year}}"
        for i in range(100)
    ]
    path = tmp_path / "long.yaml"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    output = tmp_path / "out.csv"

    result = CliRunner().invoke(app, ["run", str(path), "--step", "day", "-o", str(output)])

    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"tariffsim: error: {path}: horizon: 100 tranches × 73,049 periods")
    assert "use a coarser --step" in line
    assert not output.exists()


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_endless_device_is_refused_without_reading_it_all() -> None:
    result = CliRunner().invoke(app, ["validate", "/dev/zero"])
    assert result.exit_code == 2
    assert result.stderr == (
        "tariffsim: error: /dev/zero: file is endless (a device or pipe); scenario files are"
        " limited to 1,000,000 bytes (split product lists into a membership CSV)\n"
    )
