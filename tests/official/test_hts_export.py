"""USITC HTS exports, CSV and JSON: MFN by line and chapter 99 headings of each revision."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tariffsim.official.hts_export import read_hts_export

from .shared_data import SHARED_DATA, shared_file

CSV_EXPORT = """HTS Number,Indent,Description,Unit of Quantity,General Rate of Duty,\
Special Rate of Duty,Column 2 Rate of Duty,Quota Quantity,Additional Duties
0101,0,"Live horses, asses, mules and hinnies:",,,,,,
0101.30.00,1,Asses,,6.8%,Free,15%,,
0101.30.00.10,2,Purebred breeding animals,No.,,,,,
1704.90.35,1,Other,,5.6% + 2.2 cents/kg,Free,40%,,
9903.88.03,0,Articles the product of China (List 3),,The duty provided in the applicable \
subheading + 25%,,,,
"""


def test_csv_export_splits_mfn_lines_from_chapter99(tmp_path: Path) -> None:
    path = tmp_path / "hts_2020_revision_10_csv.csv"
    path.write_text(CSV_EXPORT)
    export = read_hts_export(path)
    assert list(export.mfn["hts_code"]) == ["01013000", "17049035"]
    assert list(export.mfn["rate_form"]) == ["ad_valorem", "compound"]
    assert list(export.mfn["specific_usd"]) == [0.0, 0.022]
    assert list(export.chapter99["heading"]) == ["9903.88.03"]
    assert list(export.chapter99["ad_valorem"]) == [0.25]
    assert set(export.mfn["hts_edition"]) == {"2020 Revision 10"}


def test_json_export_reads_the_same(tmp_path: Path) -> None:
    items = [
        {
            "htsno": "0101.30.00",
            "indent": "1",
            "description": "Asses",
            "general": "6.8%",
            "special": "Free",
            "other": "15%",
        },
        {
            "htsno": "9903.88.15",
            "indent": "0",
            "description": "List 4A",
            "general": "The duty provided in the applicable subheading + 7.5%",
        },
    ]
    path = tmp_path / "hts_2020_basic.json"
    path.write_text(json.dumps(items, indent=1))
    export = read_hts_export(path)
    assert list(export.mfn["ad_valorem"]) == [0.068]
    assert list(export.chapter99["ad_valorem"]) == [0.075]
    assert set(export.chapter99["hts_edition"]) == {"2020 Basic"}


def _revisions() -> list[str]:
    folder = SHARED_DATA / "chapter99"
    return sorted(p.name for p in folder.glob("*.csv")) if folder.exists() else ["absent"]


@pytest.mark.parametrize("name", _revisions())
def test_section301_headings_of_every_revision(name: str) -> None:
    export = read_hts_export(shared_file(f"chapter99/{name}"))
    rates = dict(zip(export.chapter99["heading"], export.chapter99["ad_valorem"], strict=True))
    assert export.mfn.empty  # these files hold chapter 99 only
    for list_1_or_2 in ("9903.88.01", "9903.88.02"):  # absent before July/August 2018
        assert rates.get(list_1_or_2, 0.25) == 0.25
    if "9903.88.15" in rates:  # List 4A: 15 % from September 2019, 7.5 % from February 2020
        assert rates["9903.88.15"] in (0.15, 0.075)
