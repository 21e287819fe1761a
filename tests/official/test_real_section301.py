"""2024 imports from China priced under the 2020 Section 301 lists, through the real CLI.

The chain a user runs (``data census`` → ledger, ``data china-tariffs`` → memberships,
``exposure`` with ``scenarios/section301-2024.yaml``) against an independent pandas
computation on the raw files: the highest list rate per HTS-8 (or HTS-10) line × value.
"""

from __future__ import annotations

import json
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


FLOWS_SCENARIO = """\
title: 2024 imports from China, one flow split by HTS-10 weights, under the Section 301 lists
as_of: 2024-01-01
horizon: {start: 2024-01-01, end: 2024-12-31, step: year}
memberships: m.csv
stacking: {section301: max}
measures:
  list1: {authority: section301, importer: US, origins: CN, products: [list1],
          schedule: {2018-07-06: 25 %}}
  list2: {authority: section301, importer: US, origins: CN, products: [list2],
          schedule: {2018-08-23: 25 %}}
  list3: {authority: section301, importer: US, origins: CN, products: [list3],
          schedule: {2019-05-10: 25 %}}
  list4a: {authority: section301, importer: US, origins: CN, products: [list4a],
           schedule: {2020-02-14: 7.5 %}}
  list4b: {authority: section301, importer: US, origins: CN, products: [list4b],
           schedule: {2019-12-15: {rate: 15 %, status: suspended}}}
flows:
  china:
    importer: US
    exporter: CN
    imports: 429425828419 USD/year
    products: {weights: weights.csv}
"""
"""The same lists and rates as measures, and the 2024 imports as one flow with line weights."""


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
    table_2026 = shared_file("section301_usitc_2026-01_yale.csv")
    folder = tmp_path_factory.mktemp("real")
    ledger, lists, summary = folder / "ledger.parquet", folder / "m.csv", folder / "s.csv"
    mfn, lines = folder / "mfn2017.csv", folder / "lines.parquet"
    lists_2026, summary_2026 = folder / "m2026.csv", folder / "s2026.csv"
    weights, flows, run_json = folder / "weights.csv", folder / "flows.yaml", folder / "run.json"
    flows.write_text(FLOWS_SCENARIO, encoding="utf-8")
    exposure = ["exposure", SCENARIOS / "section301-2024.yaml", "--ledger", ledger]
    steps = [
        ["data", "census", imports_file, "--period", "2024", "--country", "CN", "-o", ledger],
        ["data", "china-tariffs", table_file, "-o", lists],
        ["data", "mfn", mfn_file, "-o", mfn],
        [*exposure, "--memberships", lists, "-o", summary, "--lines", lines],
        ["data", "china-tariffs", table_2026, "-o", lists_2026]
        + [arg for name in ("1", "2", "3", "4A", "4B") for arg in ("--list", name)],
        [*exposure, "--memberships", lists_2026, "-o", summary_2026],
        ["data", "weights", imports_file, "--period", "2024", "--country", "CN", "-o", weights],
        ["run", flows, "-o", run_json],
    ]
    errors = []
    for args in steps:
        result = runner.invoke(app, [str(a) for a in args])
        assert result.exit_code == 0, result.output
        errors.append(result.stderr)
    return {
        "summary": pd.read_csv(summary),
        "summary_2026": pd.read_csv(summary_2026),
        "run": json.loads(run_json.read_text(encoding="utf-8"))[0],
        "mfn_duty": mfn_ad_valorem_duty(ledger, mfn),
        "ledger": pd.read_parquet(ledger),
        "lines": pd.read_parquet(lines),
        "mfn": pd.read_csv(mfn, dtype={"hts_code": str}, keep_default_na=False),
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
    assert abs(total["additional_duty_usd"] - duty) < 0.005  # to the cent
    assert missing["imports_usd"] == uncovered  # whole dollars, summed exactly
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
        assert f"${amount:,.2f}" in docs
    imports = priced["imports"]
    assert isinstance(imports, pd.DataFrame)
    census = imports["calculated_duty_usd"].astype(float).sum()
    ours = total["additional_duty_usd"] + mfn
    for amount in (census, ours, ours - census):
        assert f"${amount:,.2f}" in docs


def billions(amount: float, digits: int = 1) -> str:
    return f"${amount / 1e9:,.{digits}f}B"


def test_the_gaps_to_census_stated_in_the_docs(priced: dict[str, object]) -> None:
    """Every figure of the docs' explanation of the gap, recomputed from the CLI's outputs."""
    ledger, lines, mfn = priced["ledger"], priced["lines"], priced["mfn"]
    assert isinstance(ledger, pd.DataFrame) and isinstance(lines, pd.DataFrame)
    assert isinstance(mfn, pd.DataFrame)
    docs = (ROOT / "docs" / "real-data.md").read_text(encoding="utf-8")
    frame = ledger.assign(
        s301=lines["additional_duty_usd"].to_numpy(),
        listed=lines["measures"].to_numpy() > 0,
        hts8=ledger["hts_code"].str[:8],
        chapter=ledger["hts_code"].str[:2],
    ).merge(mfn.rename(columns={"hts_code": "hts8"}), on="hts8", how="left")
    frame["mfn"] = frame["customs_value_usd"] * pd.to_numeric(frame["ad_valorem"]).fillna(0.0)
    frame["gap"] = frame["calculated_duty_usd"] - frame["mfn"] - frame["s301"]
    value, census = frame["customs_value_usd"], frame["calculated_duty_usd"]
    new_codes = frame["rate_form"].isna()
    chapters = frame.groupby("chapter")["gap"].sum()
    phones = frame[frame["hts_code"] == "8517130000"].iloc[0]
    body_parts = frame[frame["hts_code"] == "8708295160"].iloc[0]
    assert not phones["listed"] and not body_parts["listed"]
    summary = priced["summary"]
    assert isinstance(summary, pd.DataFrame)
    value_4b = summary[(summary["table"] == "measure") & (summary["key"] == "list4b")]
    later = priced["summary_2026"]
    assert isinstance(later, pd.DataFrame)
    stated = {
        "above": billions(frame["gap"][frame["gap"] > 0].sum()),
        "below": billions(-frame["gap"][frame["gap"] < 0].sum()),
        "new codes": billions(value[new_codes].sum()),
        "census on new codes": billions(census[new_codes].sum()),
        "301 on new codes": billions(frame["s301"][new_codes].sum(), 2),
        "chapter 84": billions(-chapters["84"], 2),
        "chapter 85": billions(-chapters["85"], 2),
        "chapter 94": billions(chapters["94"]),
        "chapter 87": billions(chapters["87"], 2),
        "4B at 15 %": billions(0.15 * value_4b["imports_usd"].item()),
        "4B value": billions(value_4b["imports_usd"].item()),
        "specific": billions(value[frame["rate_form"] == "specific"].sum(), 2),
        "compound": billions(value[frame["rate_form"] == "compound"].sum(), 2),
        "refused": billions(value[frame["rate_form"] == "unparsed"].sum(), 2),
        "smartphones": billions(phones["customs_value_usd"]),
        "body parts": billions(body_parts["customs_value_usd"], 2),
        "body parts duty": f"${body_parts['calculated_duty_usd'] / 1e6:,.0f}M",
        "2026 uncovered": billions(later[later["table"] == "uncovered"]["imports_usd"].item()),
        "2026 duty": billions(later[later["table"] == "total"]["additional_duty_usd"].item()),
    }
    missing = {name: text for name, text in stated.items() if text not in docs}
    assert missing == {}


def test_run_on_a_flow_with_line_weights_equals_the_ledgers_duty(
    priced: dict[str, object],
) -> None:
    """Issue item 3: ``run`` prices the weighted flow line by line, as ``exposure`` does."""
    summary, run = priced["summary"], priced["run"]
    assert isinstance(summary, pd.DataFrame) and isinstance(run, dict)
    total = summary[summary["table"] == "total"].iloc[0]
    assert abs(run["totals"]["additional_duty_usd"] - total["additional_duty_usd"]) < 1.0
    assert abs(run["totals"]["imports_usd"] - total["imports_usd"]) < 1.0
    # One row per class of lines the lists treat alike: the value of each list, or none.
    rows = sorted(row["imports_usd"] for row in run["tranches"])
    measures = summary[summary["table"] == "measure"]
    missing = summary[summary["table"] == "uncovered"]["imports_usd"].item()
    expected = sorted([*measures["imports_usd"], missing])  # no code is on two 2020 lists
    assert len(rows) == len(expected) == 6
    for got, want in zip(rows, expected, strict=True):
        assert abs(got - want) < 1.0
