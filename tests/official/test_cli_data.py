"""``tariffsim data …`` through typer's CliRunner: files written, counts, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from numpy.testing import assert_allclose
from typer.testing import CliRunner

from tariffsim.cli import app
from tests.official.shared_data import shared_file
from tests.official.test_bad_files import GOOD

runner = CliRunner()

COMMANDS = {
    "china_tariffs": ["data", "china-tariffs"],
    "tariff_database": ["data", "mfn"],
    "hts_export": ["data", "chapter99"],
    "census": ["data", "census"],
}
EXTRA = {
    "china_tariffs": ["--edition", "2020 Basic"],
    "tariff_database": ["--edition", "2017"],
    "hts_export": ["--edition", "2020 Basic"],
    "census": ["--period", "2024", "--country", "CN"],
}


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def one_error_line(code: int, stderr: str) -> str:
    """The single stderr line of a refusal, after checking the exit code."""
    assert code == 2, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    assert lines[0].startswith("tariffsim: error: ")
    return lines[0].removeprefix("tariffsim: error: ")


def test_china_tariffs_writes_a_membership_file_exposure_reads(tmp_path: Path) -> None:
    source = tmp_path / "china.csv"
    source.write_text(GOOD["china_tariffs"] + "85011020,8501.10.20,9903.88.04,3\n")
    out = tmp_path / "memberships.csv"
    code, _, stderr = invoke(*COMMANDS["china_tariffs"], source, "-o", out, *EXTRA["china_tariffs"])
    assert code == 0, stderr
    frame = pd.read_csv(out, dtype=str)
    assert frame.columns.tolist() == ["hts_code", "measure", "list", "heading", "hts_edition"]
    assert frame["hts_code"].tolist() == ["01012100", "85011040", "85011020"]
    assert frame["measure"].tolist() == ["list4a", "list3", "list3"]
    assert set(frame["hts_edition"]) == {"2020 Basic"}
    assert "wrote 3 membership lines (HTS edition 2020 Basic)" in stderr
    # The exposure wing's own reader takes it as a membership file.
    from tariffsim.ledger.coverage import read_memberships

    lists = read_memberships(out, ["list3", "list4a"])
    assert lists == {"list3": ["85011040", "85011020"], "list4a": ["01012100"]}


def test_china_tariffs_keeps_only_the_lists_asked_for(tmp_path: Path) -> None:
    source = tmp_path / "china.csv"
    source.write_text(GOOD["china_tariffs"])
    out = tmp_path / "m.csv"
    args = [*COMMANDS["china_tariffs"], source, "-o", out, *EXTRA["china_tariffs"]]
    code, _, stderr = invoke(*args, "--list", "list3")
    assert code == 0, stderr
    assert pd.read_csv(out, dtype=str)["measure"].tolist() == ["list3"]
    out.unlink()
    code, _, stderr = invoke(*args, "--list", "4b")
    message = one_error_line(code, stderr)
    assert message == "--list: no list '4b' in this table (its lists: 3, 4A)"
    assert not out.exists()


def test_china_tariffs_from_an_excel_workbook(tmp_path: Path) -> None:
    book = tmp_path / "china_tariffs.xlsx"
    pd.DataFrame(
        {"HTS Number": ["0101.21.00", "8501.10.40"], "Chapter 99": ["9903.88.15", "9903.88.01"]}
    ).to_excel(book, index=False)
    out = tmp_path / "m.parquet"
    code, _, stderr = invoke("data", "china-tariffs", book, "-o", out, "--edition", "2020 Basic")
    assert code == 0, stderr
    frame = pd.read_parquet(out)
    assert frame["hts_code"].tolist() == ["01012100", "85011040"]
    assert frame["measure"].tolist() == ["list4a", "list1"]


def test_mfn_reads_either_layout_into_the_same_columns(tmp_path: Path) -> None:
    database = tmp_path / "db.csv"
    database.write_text(GOOD["tariff_database"])
    export = tmp_path / "hts_2020_basic.json"
    export.write_text(
        json.dumps(
            [
                {"htsno": "0101.30.00", "indent": "1", "description": "Asses", "general": "6.8%"},
                {"htsno": "0101.90.30", "indent": "1", "description": "Mules", "general": "Free"},
            ]
        )
    )
    frames = []
    for source, extra in ((database, ["--edition", "2017"]), (export, [])):
        out = tmp_path / f"{source.stem}.mfn.csv"
        code, _, stderr = invoke("data", "mfn", source, "-o", out, *extra)
        assert code == 0, stderr
        assert "wrote 2 MFN lines" in stderr and "1  ad_valorem" in stderr
        frames.append(pd.read_csv(out, dtype=str, keep_default_na=False))
    for frame in frames:
        assert frame["hts_code"].tolist() == ["01013000", "01019030"]
        assert frame["rate_form"].tolist() == ["ad_valorem", "free"]
        assert_allclose(frame["ad_valorem"].astype(float), [0.068, 0.0])
    assert frames[0]["hts_edition"].tolist() == ["2017", "2017"]
    assert frames[1]["hts_edition"].tolist() == ["2020 Basic", "2020 Basic"]


def test_mfn_refuses_a_file_of_neither_layout(tmp_path: Path) -> None:
    source = tmp_path / "china.csv"
    source.write_text(GOOD["china_tariffs"])
    out = tmp_path / "mfn.csv"
    message = one_error_line(*invoke("data", "mfn", source, "-o", out)[::2])
    assert message.startswith(f"{source}:1: not a USITC annual tariff database or HTS export")
    assert "looks like the USITC China Tariffs table (tariffsim data china-tariffs)" in message
    assert not out.exists()


def test_chapter99_headings_with_their_additional_rate(tmp_path: Path) -> None:
    source = tmp_path / "hts_2020_revision_10_csv.csv"
    source.write_text(
        "HTS Number,Indent,Description,General Rate of Duty\n"
        "0101.30.00,1,Asses,6.8%\n"
        '9903.88.01,1,"Articles of China, List 1",The duty provided in the applicable '
        "subheading + 25%\n"
        "9903.88.15,1,List 4A,The duty provided in the applicable subheading + 7.5%\n"
    )
    out = tmp_path / "ch99.csv"
    code, _, stderr = invoke("data", "chapter99", source, "-o", out)
    assert code == 0, stderr
    frame = pd.read_csv(out, keep_default_na=False)
    assert frame["heading"].tolist() == ["9903.88.01", "9903.88.15"]
    assert frame["rate_form"].tolist() == ["additional", "additional"]
    assert_allclose(frame["ad_valorem"], [0.25, 0.075])
    assert set(frame["hts_edition"]) == {"2020 Revision 10"}


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
def test_census_writes_a_ledger_with_text_codes_and_dates(tmp_path: Path, suffix: str) -> None:
    source = tmp_path / "answer.json"
    source.write_text(
        '[["I_COMMODITY","CTY_CODE","CON_VAL_MO","CAL_DUT_MO","time"],\n'
        '["0101300000","5700","100","6","2024-03"],\n'
        '["8501104000","5570","50","0","2024-04"]]\n'
    )
    out = tmp_path / f"ledger.{suffix}"
    code, _, stderr = invoke("data", "census", source, "-o", out, "--census-country", "5570=my")
    assert code == 0, stderr
    frame = (
        pd.read_parquet(out)
        if suffix == "parquet"
        else pd.read_csv(out, dtype={"hts_code": str, "census_country_code": str})
    )
    assert frame["hts_code"].tolist() == ["0101300000", "8501104000"]
    assert frame["country_of_origin"].tolist() == ["CN", "MY"]
    assert [str(d) for d in frame["entry_date"]] == ["2024-03-01", "2024-04-01"]
    assert_allclose(frame["customs_value_usd"], [100.0, 50.0])
    assert_allclose(frame["calculated_duty_usd"], [6.0, 0.0])
    assert "wrote 2 ledger lines (2024-03 to 2024-04, from CN, MY)" in stderr
    assert "customs value $150, calculated duty $6" in stderr


def test_census_bad_options_are_refused(tmp_path: Path) -> None:
    source = tmp_path / "imports.csv"
    source.write_text(GOOD["census"])
    out = tmp_path / "ledger.parquet"
    cases = {
        ("--period", "2024", "--country", "China"): "--country: expected an ISO 3166 alpha-2",
        ("--country", "CN"): f"{source}:1: no period: the file has no 'time' or 'YEAR' column",
        ("--period", "2024", "--country", "CN", "--census-country", "CN=5700"): (
            "--census-country: expected CENSUS_CODE=ISO, got 'CN=5700'"
        ),
    }
    for extra, start in cases.items():
        message = one_error_line(*invoke("data", "census", source, "-o", out, *extra)[::2])
        assert message.startswith(start), message
        assert not out.exists()


@pytest.mark.parametrize("name", sorted(COMMANDS))
@pytest.mark.parametrize("damage", ["truncated", "other layout", "latin-1"])
def test_a_bad_file_is_one_located_line_exit_2_and_no_output(
    name: str, damage: str, tmp_path: Path
) -> None:
    source = tmp_path / f"{name}.csv"
    text = GOOD[name]
    if damage == "truncated":
        source.write_text(text[: text.rindex(",")])
        expected = f"{source}:3: expected"
    elif damage == "other layout":
        source.write_text(GOOD["census" if name != "census" else "china_tariffs"])
        expected = f"{source}:1: not "
    else:
        source.write_bytes(text.replace("\n0101", "\n# café\n0101", 1).encode("latin-1"))
        expected = f"{source}:2: not UTF-8 text: byte 0xe9"
    out = tmp_path / "out.csv"
    code, stdout, stderr = invoke(*COMMANDS[name], source, "-o", out, *EXTRA[name])
    assert one_error_line(code, stderr).startswith(expected)
    assert stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == [source.name]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_output_targets_are_checked_before_reading(name: str, tmp_path: Path) -> None:
    source = tmp_path / f"{name}.csv"
    source.write_text(GOOD[name])
    cases = {
        tmp_path / "out.xlsx": "--output: unknown file type '.xlsx'",
        tmp_path / "missing" / "out.csv": "--output: folder",
        source: "--output: refusing to overwrite an input file",
    }
    for target, part in cases.items():
        message = one_error_line(*invoke(*COMMANDS[name], source, "-o", target, *EXTRA[name])[::2])
        assert part in message, message
    assert source.read_text() == GOOD[name]
    assert sorted(p.name for p in tmp_path.iterdir()) == [source.name]


def test_the_real_china_tariffs_table_counts_by_list(tmp_path: Path) -> None:
    source = shared_file("section301_usitc_2020-01-01.csv")
    out = tmp_path / "memberships.csv"
    code, _, stderr = invoke("data", "china-tariffs", source, "-o", out)
    assert code == 0, stderr
    frame = pd.read_csv(out, dtype=str)
    assert set(frame["hts_edition"]) == {"2020 Basic"}
    digits = frame["hts_code"].str.len()
    counts = frame.assign(h8=digits == 8, h10=digits == 10).groupby(["measure", "heading"])
    found = {k: (int(v["h8"].sum()), int(v["h10"].sum())) for k, v in counts}
    assert found == {
        ("list1", "9903.88.01"): (818, 0),
        ("list2", "9903.88.02"): (279, 0),
        ("list3", "9903.88.03"): (5759, 0),
        ("list3", "9903.88.04"): (0, 43),
        ("list4a", "9903.88.15"): (3229, 14),
        ("list4b", "9903.88.16"): (542, 13),
    }


def test_weights_by_line_from_census_data(tmp_path: Path) -> None:
    source = tmp_path / "answer.json"
    source.write_text(
        '[["I_COMMODITY","CTY_CODE","CON_VAL_MO","time"],\n'
        '["8501104000","5700","300","2024-03"],\n'
        '["8501104000","5700","100","2024-04"],\n'
        '["8501105000","5700","100","2024-04"]]\n'
    )
    for digits, expected in (("10", [0.8, 0.2]), ("8", [0.8, 0.2]), ("6", [1.0])):
        out = tmp_path / f"weights{digits}.csv"
        code, _, stderr = invoke("data", "weights", source, "-o", out, "--digits", digits)
        assert code == 0, stderr
        frame = pd.read_csv(out, dtype={"hts_code": str})
        assert frame["hts_code"].str.len().unique().tolist() == [int(digits)]
        assert_allclose(frame["weight"], expected)
        assert f"HTS-{digits} lines" in stderr and "split customs value $500" in stderr
    out = tmp_path / "w.csv"
    message = one_error_line(*invoke("data", "weights", source, "-o", out, "--digits", "7")[::2])
    assert message == "--digits: expected 2, 4, 6, 8 or 10 digits, got 7"
    assert not out.exists()
