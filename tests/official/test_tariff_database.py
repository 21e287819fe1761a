"""The USITC annual tariff database: MFN by HTS-8 line, one period per line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tariffsim.official.tariff_database import rate_form_counts, read_tariff_database

from .shared_data import shared_file

PIPE_FILE = """hts8|brief_description|mfn_text_rate|begin_effect_date|end_effective_date
01013000|Live asses|6.8%|1/1/2016 0:00:00|12/31/2050 0:00:00
11041990|Rolled grains|0.45 cents/kg|10/31/2012 0:00:00|6/30/2017 0:00:00
11041990|Rolled grains|0.5 cents/kg|7/1/2017 0:00:00|12/31/2050 0:00:00
"""


def test_reads_the_official_pipe_delimited_text(tmp_path: Path) -> None:
    path = tmp_path / "tariff_database_2017.txt"
    path.write_text(PIPE_FILE)
    mfn = read_tariff_database(path)
    assert list(mfn["hts_code"]) == ["01013000", "11041990"]
    assert list(mfn["ad_valorem"]) == [0.068, 0.0]
    assert list(mfn["specific_usd"]) == [0.0, 0.005]  # the period that begins last
    assert set(mfn["hts_edition"]) == {"2017"}
    early = read_tariff_database(path, in_effect_on=dt.date(2017, 3, 1))
    assert list(early["specific_usd"]) == [0.0, 0.0045]


def test_2017_database_gives_one_row_per_hts8_line() -> None:
    mfn = read_tariff_database(shared_file("mfn_2017_hts8.csv"))
    assert len(mfn) == 12_734  # 12,861 rows; 127 lines have two periods in 2017
    assert mfn["hts_code"].is_unique
    assert set(mfn["hts_edition"]) == {"2017"}
    counts = rate_form_counts(mfn).set_index(["rate_form", "refusal_reason"])["lines"]
    assert counts.sum() == 12_734
    assert counts[("ad_valorem", "")] == 5790
    assert counts[("unparsed", "no rate text")] == 917
