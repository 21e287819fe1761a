"""Census imports by HTS-10: the API's JSON, its CSV, the one-country yearly layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tariffsim.errors import TariffsimError
from tariffsim.official.census import product_weights, read_census_imports

from .shared_data import shared_file

API_ANSWER = [
    ["I_COMMODITY", "CTY_CODE", "CON_VAL_MO", "CAL_DUT_MO", "time"],
    ["0101300000", "5700", "1000", "68", "2024-01"],
    ["8501104020", "5700", "3000", "750", "2024-02"],
    ["8501104020", "1220", "500", "0", "2024-02"],
]


def test_api_json_becomes_a_ledger(tmp_path: Path) -> None:
    path = tmp_path / "answer.json"
    path.write_text("[" + ",\n".join(json.dumps(row) for row in API_ANSWER) + "]")
    ledger = read_census_imports(path)
    assert list(ledger["country_of_origin"]) == ["CN", "CN", "CA"]
    assert list(ledger["period"]) == ["2024-01", "2024-02", "2024-02"]
    assert [d.isoformat()[:10] for d in ledger["entry_date"]] == [
        "2024-01-01",
        "2024-02-01",
        "2024-02-01",
    ]
    assert list(ledger["customs_value_usd"]) == [1000.0, 3000.0, 500.0]
    weights = product_weights(ledger, digits=8)
    assert list(weights["hts_code"]) == ["01013000", "85011040"]
    assert list(weights["weight"]) == [1000 / 4500, 3500 / 4500]


def test_api_csv_with_an_unknown_country_is_refused_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "answer.csv"
    path.write_text("\n".join(",".join(row) for row in API_ANSWER).replace("1220", "9999"))
    with pytest.raises(TariffsimError) as caught:
        read_census_imports(path)
    assert caught.value.render().startswith(f"{path}:4: CTY_CODE: unknown Census country")


def test_a_file_without_period_asks_for_one(tmp_path: Path) -> None:
    path = tmp_path / "imports.csv"
    path.write_text("hts10,imports_usd\n0101300000,5\n")
    with pytest.raises(TariffsimError, match="--period 2024"):
        read_census_imports(path, country_of_origin="CN")


def test_2024_china_imports_total_and_weights() -> None:
    ledger = read_census_imports(
        shared_file("china_imports_2024_hs10.csv"), period="2024", country_of_origin="CN"
    )
    assert len(ledger) == 14_422
    assert ledger["customs_value_usd"].sum() == 429_425_828_419.0
    assert ledger["calculated_duty_usd"].sum() == 46_661_215_871.0
    weights = product_weights(ledger, digits=8)
    assert weights["weight"].sum() == pytest.approx(1.0, abs=1e-12)
    assert weights["hts_code"].str.len().eq(8).all()


def test_year_to_date_values_of_december_are_the_year_and_others_are_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "answer.json"
    header = '[["I_COMMODITY","CTY_CODE","CON_VAL_YR","time"],\n'
    path.write_text(header + '["0101300000","5700","1200","2024-12"]]\n')
    ledger = read_census_imports(path)
    assert ledger["period"].tolist() == ["2024"]
    assert str(ledger["entry_date"].iloc[0].date()) == "2024-01-01"
    path.write_text(
        header + '["0101300000","5700","1200","2024-12"],\n["0101300000","5700","300","2024-03"]]\n'
    )
    with pytest.raises(TariffsimError) as caught:
        read_census_imports(path)
    message = caught.value.render()
    assert message.startswith(f"{path}:3: time: CON_VAL_YR at '2024-03' is the year to date")
