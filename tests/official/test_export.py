"""Tidy files: measure ids, list selection, and codes that survive CSV and Parquet."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffsim.errors import TariffsimError
from tariffsim.ledger.coverage import read_memberships
from tariffsim.official.export import measure_id, membership_table, write_table
from tariffsim.official.report import membership_report


@pytest.mark.parametrize(
    ("name", "measure"),
    [
        ("1", "list1"),
        ("4A", "list4a"),
        (" 3_addl ", "list3_addl"),
        ("biden_25", "biden_25"),
        ("Cranes 301", "cranes_301"),
    ],
)
def test_measure_id(name: str, measure: str) -> None:
    assert measure_id(name) == measure


def membership(codes: list[str], lists: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "hts_code": codes,
            "list": lists,
            "heading": ["9903.88.01"] * len(codes),
            "hts_edition": ["2020 Basic"] * len(codes),
        }
    )


def test_lists_are_chosen_by_name_or_measure_id() -> None:
    frame = membership(["01012100", "85011040", "9401610010"], ["4A", "3", "1"])
    chosen = membership_table(frame, ["4a", "list1"])
    assert chosen["hts_code"].tolist() == ["01012100", "9401610010"]
    with pytest.raises(TariffsimError, match=r"no list '2' in this table \(its lists: 1, 3, 4A\)"):
        membership_table(frame, ["2"])


codes = st.lists(
    st.text("0123456789", min_size=8, max_size=8) | st.text("0123456789", min_size=10, max_size=10),
    min_size=1,
    max_size=30,
)


@settings(max_examples=30, deadline=None)
@given(codes, st.sampled_from([".csv", ".parquet"]))
def test_codes_keep_their_leading_zeros_and_exposure_reads_them(
    found: list[str], suffix: str
) -> None:
    lists = [["1", "2", "4A"][i % 3] for i in range(len(found))]
    table = membership_table(membership(found, lists))
    with tempfile.TemporaryDirectory() as folder:
        path = write_table(table, Path(folder) / f"m{suffix}")
        read = (
            pd.read_parquet(path)
            if suffix == ".parquet"
            else pd.read_csv(path, dtype=str, keep_default_na=False)
        )
        assert read["hts_code"].tolist() == found
        assert read["measure"].tolist() == [measure_id(x) for x in lists]
        if suffix == ".csv":
            by_measure = read_memberships(path, ["list1", "list2", "list4a"])
            for measure in ("list1", "list2", "list4a"):
                expected = [
                    c for c, x in zip(found, lists, strict=True) if measure_id(x) == measure
                ]
                assert by_measure[measure] == expected


def test_membership_report_keeps_the_headings_aligned_past_twelve_characters() -> None:
    frame = pd.DataFrame(
        {
            "hts_code": ["85011040", "01012100", "9401610010"],
            "measure": ["list1", "biden_25_jan25", "list1"],
            "heading": ["9903.88.01", "9903.91.11", "9903.88.01"],
            "hts_edition": ["2026-01"] * 3,
        }
    )
    lines = membership_report(frame, Path("m.csv")).splitlines()
    assert lines[1:] == [
        "  biden_25_jan25 9903.91.11  1 HTS-8",
        "  list1          9903.88.01  1 HTS-8 + 1 HTS-10",
    ]
