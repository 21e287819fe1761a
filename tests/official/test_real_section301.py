"""2024 imports from China priced under the 2020 Section 301 lists, through the real CLI.

The chain a user runs (``data census`` → ledger, ``data china-tariffs`` → memberships,
``exposure`` with ``scenarios/section301-2024.yaml``) against an independent pandas
computation on the raw files: the highest list rate per HTS-8 (or HTS-10) line × value.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tests.conftest import ROOT, SCENARIOS
from tests.official.shared_data import shared_file

runner = CliRunner()

HEADING_RATES = {
    "9903.88.01": 0.25,
    "9903.88.02": 0.25,
    "9903.88.03": 0.25,
    "9903.88.04": 0.25,
    "9903.88.15": 0.075,
    "9903.88.16": 0.0,  # List 4B: suspended, never applied
}
"""Additional rate in 2024 of each chapter 99 heading of the 2020 table [fraction]."""


def read_raw(path: Path) -> pd.DataFrame:
    """A shared CSV as text, skipping its leading ``#`` lines only.

    (pandas' ``comment="#"`` would also cut the descriptions that contain a ``#``.)
    """
    with open(path, encoding="utf-8") as stream:
        skip = sum(1 for _ in iter(lambda: stream.readline().startswith("#"), False))
    return pd.read_csv(path, skiprows=skip, dtype=str, keep_default_na=False)


def independent_section301(imports: pd.DataFrame, table: pd.DataFrame) -> tuple[float, float]:
    """(Section 301 duty, value no list covers) [USD], from the raw files with pandas."""
    table = table.assign(rate=table["chapter99"].map(HEADING_RATES))
    assert table["rate"].notna().all()
    by8 = table[table["hts"].str.len() == 8].groupby("hts")["rate"].max()
    by10 = table[table["hts"].str.len() == 10].groupby("hts")["rate"].max()
    rates = pd.concat([imports["hts10"].str[:8].map(by8), imports["hts10"].map(by10)], axis=1).max(
        axis=1
    )
    value = imports["imports_usd"].astype(float)
    return float((value * rates.fillna(0.0)).sum()), float(value[rates.isna()].sum())


def mfn_ad_valorem_duty(ledger_file: Path, mfn_file: Path) -> float:
    """MFN duty [USD] of the ad valorem rates by HTS-8, as docs/real-data.md computes it."""
    ledger = pd.read_parquet(ledger_file)
    mfn = pd.read_csv(mfn_file, dtype={"hts_code": str}, keep_default_na=False)
    lines = ledger.assign(hts8=ledger["hts_code"].str[:8]).merge(
        mfn.rename(columns={"hts_code": "hts8"}), on="hts8", how="left"
    )
    ad_valorem = pd.to_numeric(lines["ad_valorem"]).fillna(0.0)
    return float((lines["customs_value_usd"] * ad_valorem).sum())


@pytest.fixture(scope="module")
def priced(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    imports_file = shared_file("china_imports_2024_hs10.csv")
    table_file = shared_file("section301_usitc_2020-01-01.csv")
    mfn_file = shared_file("mfn_2017_hts8.csv")
    folder = tmp_path_factory.mktemp("real")
    ledger, lists, summary = folder / "ledger.parquet", folder / "m.csv", folder / "s.csv"
    mfn = folder / "mfn2017.csv"
    steps = [
        ["data", "census", imports_file, "--period", "2024", "--country", "CN", "-o", ledger],
        ["data", "china-tariffs", table_file, "-o", lists],
        ["data", "mfn", mfn_file, "-o", mfn],
        ["exposure", SCENARIOS / "section301-2024.yaml", "--ledger", ledger],
    ]
    steps[-1] += ["--memberships", lists, "-o", summary]
    errors = []
    for args in steps:
        result = runner.invoke(app, [str(a) for a in args])
        assert result.exit_code == 0, result.output
        errors.append(result.stderr)
    return {
        "summary": pd.read_csv(summary),
        "mfn_duty": mfn_ad_valorem_duty(ledger, mfn),
        "imports": read_raw(imports_file),
        "table": read_raw(table_file),
        "stderr": errors,
    }


def test_section301_duty_equals_an_independent_pandas_computation(
    priced: dict[str, object],
) -> None:
    summary = priced["summary"]
    assert isinstance(summary, pd.DataFrame)
    duty, uncovered = independent_section301(priced["imports"], priced["table"])  # type: ignore[arg-type]
    total = summary[summary["table"] == "total"].iloc[0]
    missing = summary[summary["table"] == "uncovered"].iloc[0]
    assert abs(total["additional_duty_usd"] - duty) < 1.0
    assert abs(missing["imports_usd"] - uncovered) < 1.0
    imports = priced["imports"]
    assert isinstance(imports, pd.DataFrame)
    assert total["lines"] == len(imports) == 14_422
    assert abs(total["imports_usd"] - imports["imports_usd"].astype(float).sum()) < 1.0
    # Per list: the measure rows add up to the total (max within Section 301, no overlap here).
    measures = summary[summary["table"] == "measure"].set_index("key")
    assert abs(measures["additional_duty_usd"].sum() - duty) < 1.0
    assert measures.loc["list4b", "additional_duty_usd"] == 0.0


def test_the_numbers_in_the_docs_are_the_measured_ones(priced: dict[str, object]) -> None:
    summary = priced["summary"]
    assert isinstance(summary, pd.DataFrame)
    total = summary[summary["table"] == "total"].iloc[0]
    missing = summary[summary["table"] == "uncovered"].iloc[0]
    docs = (ROOT / "docs" / "real-data.md").read_text(encoding="utf-8")
    mfn = priced["mfn_duty"]
    assert isinstance(mfn, float)
    amounts = (total["additional_duty_usd"], missing["imports_usd"], total["imports_usd"], mfn)
    for amount in amounts:
        assert f"${amount:,.0f}" in docs
    imports = priced["imports"]
    assert isinstance(imports, pd.DataFrame)
    census = imports["calculated_duty_usd"].astype(float).sum()
    ours = total["additional_duty_usd"] + mfn
    for amount in (census, ours, ours - census):
        assert f"${amount:,.0f}" in docs
