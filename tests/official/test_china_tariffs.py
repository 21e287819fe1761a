"""The USITC China Tariffs table, CSV and Excel, 2020 layout and the Yale 2026 layout."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tariffsim.errors import TariffsimError
from tariffsim.official.china_tariffs import list_counts, read_china_tariffs

from .shared_data import shared_file

# (list, heading) → (HTS-8 lines, HTS-10 lines) in the table of 1 January 2020.
LISTS_2020 = {
    ("1", "9903.88.01"): (818, 0),
    ("2", "9903.88.02"): (279, 0),
    ("3", "9903.88.03"): (5759, 0),
    ("3", "9903.88.04"): (0, 43),
    ("4A", "9903.88.15"): (3229, 14),
    ("4B", "9903.88.16"): (542, 13),
}


def _counts(membership: pd.DataFrame) -> dict[tuple[str, str], tuple[int, int]]:
    counts = list_counts(membership)
    return {key: (int(row.hts8_lines), int(row.hts10_lines)) for key, row in counts.iterrows()}


def test_2020_table_gives_the_official_list_counts_on_their_headings() -> None:
    membership = read_china_tariffs(shared_file("section301_usitc_2020-01-01.csv"))
    assert _counts(membership) == LISTS_2020
    assert len(membership) == 10_697
    assert set(membership["hts_edition"]) == {"2020 Basic"}
    assert list(membership.columns) == ["hts_code", "list", "heading", "hts_edition"]


def test_the_same_table_as_an_excel_workbook_gives_the_same_membership(tmp_path: Path) -> None:
    source = shared_file("section301_usitc_2020-01-01.csv")
    frame = pd.read_csv(source, comment="#", dtype=str, keep_default_na=False)
    workbook = tmp_path / "China Tariffs.xlsx"
    with pd.ExcelWriter(workbook, engine="openpyxl") as writer:
        pd.DataFrame([["China Tariffs, Last Updated January 1, 2020"]]).to_excel(
            writer, index=False, header=False
        )
        frame.to_excel(writer, index=False, startrow=2)
    from_excel = read_china_tariffs(workbook)
    from_csv = read_china_tariffs(source, edition="2020-01")
    assert _counts(from_excel) == LISTS_2020
    assert set(from_excel["hts_edition"]) == {"2020-01"}
    pd.testing.assert_frame_equal(from_excel, from_csv)


def test_yale_2026_layout_reads_with_its_later_lists() -> None:
    membership = read_china_tariffs(shared_file("section301_usitc_2026-01_yale.csv"))
    counts = _counts(membership)
    assert set(membership["hts_edition"]) == {"2026-01"}
    assert counts[("1", "9903.88.01")] == (860, 0)
    assert counts[("4B", "9903.88.16")] == (1519, 0)  # over-captured, as the data README says
    assert counts[("biden_25", "9903.91.01")] == (348, 0)
    kept = set(
        read_china_tariffs(shared_file("section301_usitc_2020-01-01.csv")).query("list == '1'")[
            "hts_code"
        ]
    )
    assert len(kept & set(membership.query("list == '1'")["hts_code"])) == 747


def test_list_comes_from_the_heading_when_the_table_has_no_list_column(tmp_path: Path) -> None:
    path = tmp_path / "china_2019-07.csv"
    path.write_text("HTS Number,Chapter 99\n0101.21.00,9903.88.15\n8501.10.4020,9903.88.04\n")
    membership = read_china_tariffs(path)
    assert membership.to_dict("list") == {
        "hts_code": ["01012100", "8501104020"],
        "list": ["4A", "3"],
        "heading": ["9903.88.15", "9903.88.04"],
        "hts_edition": ["2019-07", "2019-07"],
    }


def test_excel_numeric_codes_get_back_their_leading_zero(tmp_path: Path) -> None:
    workbook = tmp_path / "numbers.xlsx"
    pd.DataFrame(
        {
            "hts8": [1012100, 85011040],
            "list": ["4A", "3"],
            "ch99_code": ["9903.88.15", "9903.88.03"],
        }
    ).to_excel(workbook, index=False)
    membership = read_china_tariffs(workbook, edition="2020 Basic")
    assert list(membership["hts_code"]) == ["01012100", "85011040"]


def test_a_csv_code_that_lost_its_leading_zero_is_refused_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "lists.csv"
    path.write_text("hts8,list,ch99_code\n01012100,4A,9903.88.15\n1012900,4A,9903.88.15\n")
    with pytest.raises(TariffsimError) as caught:
        read_china_tariffs(path, edition="2020 Basic")
    assert caught.value.render().startswith(f"{path}:3: hts8: expected an HTS code")
    assert "leading zeros" in str(caught.value)


def test_a_table_without_a_stated_edition_asks_for_one(tmp_path: Path) -> None:
    path = tmp_path / "lists.csv"
    path.write_text("hts8,list,ch99_code\n01012100,4A,9903.88.15\n")
    with pytest.raises(TariffsimError, match="--edition '2020 Basic'"):
        read_china_tariffs(path)
