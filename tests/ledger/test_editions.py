"""HTS editions of membership files, and the warning when a ledger is far from them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tariffsim.ledger.coverage import load_measures
from tariffsim.ledger.editions import edition_start, edition_warnings, read_editions
from tests.ledgers import HAND_SCENARIO, write_csv, write_scenario

runner = CliRunner()


@pytest.mark.parametrize(
    ("edition", "start"),
    [
        ("2020 Basic", dt.date(2020, 1, 1)),
        ("2025 Revision 10", dt.date(2025, 1, 1)),
        ("2026-01", dt.date(2026, 1, 1)),
        ("2019-12", dt.date(2019, 12, 1)),
        ("2017", dt.date(2017, 1, 1)),
        ("January edition", None),
        ("2019-13", dt.date(2019, 1, 1)),  # not a month: the year alone
    ],
)
def test_edition_start(edition: str, start: dt.date | None) -> None:
    assert edition_start(edition) == start


def test_read_editions_in_file_order_without_blanks(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text(
        "# made by hand\nhts_code,measure,hts_edition\n85,a,2020 Basic\n94,b,\n"
        "72,c,2026-01\n84,a,2020 Basic\n"
    )
    assert read_editions(path) == ["2020 Basic", "2026-01"]
    bare = tmp_path / "bare.csv"
    bare.write_text("hts_code,measure\n85,a\n")
    assert read_editions(bare) == []


def test_a_warning_only_beyond_the_gap() -> None:
    near = (dt.date(2020, 1, 1), dt.date(2020, 12, 31))  # 365 days from 2020-01-01
    assert edition_warnings("s", ["2020 Basic"], near) == []
    far = (dt.date(2019, 6, 1), dt.date(2024, 1, 1))
    (warning,) = edition_warnings("s", ["2020 Basic", "no year"], far)
    # the farther end decides: 2024-01-01 is 1,461 days = 4.0 years after 2020-01-01
    assert warning.startswith(
        "s: the ledger's entry dates (2019-06-01 to 2024-01-01) are 4.0 years from the HTS "
        "edition of its membership file (2020 Basic)"
    )
    assert edition_warnings("s", ["2020 Basic"], None) == []
    assert edition_warnings("s", [], far) == []


def test_load_measures_carries_the_membership_editions(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path, HAND_SCENARIO % {"rule": "max"})
    lists = tmp_path / "lists.csv"
    lists.write_text("hts_code,measure,hts_edition\n4202,a,2020 Basic\n")
    assert load_measures(scenario, memberships=lists).hts_editions == ("2020 Basic",)
    assert load_measures(scenario).hts_editions == ()


def test_exposure_warns_on_stderr_and_still_prices(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path, HAND_SCENARIO % {"rule": "max"})
    lists = tmp_path / "lists.csv"
    ledger = write_csv(tmp_path, [("4202920000", "CN", "100", "2019-02-20", "S1")])
    args = ["exposure", str(scenario), "--ledger", str(ledger), "--memberships", str(lists)]
    for edition, warned in (("2019 Basic", False), ("2026-01", True)):
        lists.write_text(f"hts_code,measure,hts_edition\n4202,a,{edition}\n")
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert "duty $12" in result.stdout  # 100 × (10 % of a + 2 % base of a)
        warnings = [x for x in result.stderr.splitlines() if x.startswith("tariffsim: warning:")]
        assert len(warnings) == int(warned)
        if warned:
            assert "(2026-01)" in warnings[0] and "6.9 years" in warnings[0]


@pytest.mark.parametrize(
    ("code", "covered"),
    [
        ("8501104000", True),  # HTS-10 under the HTS-8 line 8501.10.40
        ("8501.10.40.80", True),
        ("8501105000", False),  # another HTS-8 line of the same heading
        ("4202920010", True),  # the HTS-10 line listed on its own
        ("4202920020", False),  # its HTS-10 neighbour is not
    ],
)
def test_hts10_ledger_codes_match_hts8_lists_by_prefix(
    tmp_path: Path, code: str, covered: bool
) -> None:
    scenario = write_scenario(tmp_path, HAND_SCENARIO % {"rule": "max"})
    lists = tmp_path / "lists.csv"
    # As `tariffsim data china-tariffs` writes them: HTS-8 lines and a few HTS-10 lines.
    lists.write_text("hts_code,measure\n85011040,c\n4202920010,c\n")
    ledger = write_csv(tmp_path, [(code, "CN", "100", "2019-05-01", "S1")])
    args = ["exposure", str(scenario), "--ledger", str(ledger), "--memberships", str(lists)]
    result = runner.invoke(app, [*args, "-o", str(tmp_path / "s.csv")])
    assert result.exit_code == 0, result.output
    summary = pd.read_csv(tmp_path / "s.csv", dtype={"key": str})
    c = summary[(summary["table"] == "measure") & (summary["key"] == "c")].iloc[0]
    assert c["lines"] == int(covered)
    # c is 25 % from 2018-03-23, a (8501 prefix) also covers 8501 lines: different authority.
    assert c["additional_duty_usd"] == (25.0 if covered else 0.0)
