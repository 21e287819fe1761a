"""2024 imports from China priced with the 2017 MFN file, through the real CLI.

The Census ledger has no quantities, so every line whose 2017 MFN rate has a specific part
is reported as unpriced (its ad valorem part priced) instead of refusing the ledger. The
numbers are checked against an independent pandas join of the raw ledger and MFN file.
"""

from __future__ import annotations

import pandas as pd
import pytest
from numpy.testing import assert_allclose
from typer.testing import CliRunner

from tariffsim.cli import app
from tests.conftest import ROOT, SCENARIOS
from tests.official.shared_data import shared_file

runner = CliRunner()


@pytest.fixture(scope="module")
def priced(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    imports_file = shared_file("china_imports_2024_hs10.csv")
    table_file = shared_file("section301_usitc_2020-01-01.csv")
    mfn_file = shared_file("mfn_2017_hts8.csv")
    folder = tmp_path_factory.mktemp("real-mfn")
    ledger, lists, mfn = folder / "ledger.parquet", folder / "m.csv", folder / "mfn2017.csv"
    summary = folder / "summary.csv"
    exposure = [
        "exposure",
        SCENARIOS / "section301-2024.yaml",
        "--ledger",
        ledger,
        "--memberships",
        lists,
        "--mfn",
        mfn,
    ]
    steps = [
        ["data", "census", imports_file, "--period", "2024", "--country", "CN", "-o", ledger],
        ["data", "china-tariffs", table_file, "-o", lists],
        ["data", "mfn", mfn_file, "-o", mfn],
        [*exposure, "-o", summary],
        exposure,
    ]
    outputs = []
    for args in steps:
        result = runner.invoke(app, [str(a) for a in args])
        assert result.exit_code == 0, result.output
        outputs.append(result.stdout)
    return {
        "summary": pd.read_csv(summary, dtype={"key": str}),
        "ledger": pd.read_parquet(ledger),
        "mfn": pd.read_csv(mfn, dtype={"hts_code": str}, keep_default_na=False),
        "text": outputs[-1],
    }


def independent(ledger: pd.DataFrame, mfn: pd.DataFrame) -> dict[str, float]:
    """MFN duty of the ad valorem parts, and the value of lines with an unpriced specific part."""
    lines = ledger.assign(hts8=ledger["hts_code"].str[:8]).merge(
        mfn.rename(columns={"hts_code": "hts8"}), on="hts8", how="left"
    )
    parsed = lines["rate_form"].notna() & (lines["rate_form"] != "unparsed")
    ad_valorem = pd.to_numeric(lines["ad_valorem"]).fillna(0.0).where(parsed, 0.0)
    specific = (pd.to_numeric(lines["specific_usd"]).fillna(0.0) > 0) & parsed
    value = lines["customs_value_usd"]
    return {
        "mfn": float((value * ad_valorem).sum()),
        "unpriced_lines": float(specific.sum()),
        "unpriced_value": float(value[specific].sum()),
        "unknown_value": float(value[~parsed].sum()),
    }


def test_the_census_ledger_is_priced_with_unpriced_lines_reported(
    priced: dict[str, object],
) -> None:
    summary, ledger, mfn = priced["summary"], priced["ledger"], priced["mfn"]
    assert isinstance(summary, pd.DataFrame)
    assert isinstance(ledger, pd.DataFrame)
    assert isinstance(mfn, pd.DataFrame)
    expected = independent(ledger, mfn)
    tables = summary.groupby("table")
    assert_allclose(tables.get_group("total")["base_duty_usd"].sum(), expected["mfn"], rtol=1e-12)
    unpriced = tables.get_group("mfn_unpriced")
    assert unpriced["lines"].sum() == expected["unpriced_lines"]
    assert_allclose(unpriced["imports_usd"].sum(), expected["unpriced_value"], rtol=1e-12)
    unknown = tables.get_group("mfn_unknown")
    assert_allclose(unknown["imports_usd"].sum(), expected["unknown_value"], rtol=1e-12)


def test_the_real_output_in_the_docs_is_the_measured_one(priced: dict[str, object]) -> None:
    text = priced["text"]
    assert isinstance(text, str)
    docs = (ROOT / "docs" / "real-data.md").read_text(encoding="utf-8")
    for line in text.splitlines()[:5]:
        assert line in docs, line
