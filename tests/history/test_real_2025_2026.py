"""The 2025–2026 replay at product level, through the real CLI, against pandas on the raw files.

The chain of docs/validation.md ("2025–2026 at product level"): ``data census`` on 2024
imports from China by HTS-10 → the weights; ``data china-tariffs`` on the January 2026 China
Tariffs table → the Section 301 lists; ``exposure --steps`` with
``scenarios/history/us-china-2025-2026.yaml``. The expected series is computed here from the
raw CSVs with pandas, each rule written out again (list rates by chapter 99 heading, the
highest Section 301 rate, Section 232 by HTS prefix, goods under 232 paying no reciprocal or
Section 122 duty, the electronics exemption, the IEEPA tariffs void from 2026-02-20), not
with tariffsim's stack. Skipped where ``../shared/data`` is absent.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tests.conftest import ROOT, SCENARIOS
from tests.official.shared_data import shared_file
from tests.official.test_real_section301 import read_raw

runner = CliRunner()
SCENARIO = SCENARIOS / "history" / "us-china-2025-2026.yaml"
D = dt.date
START, END = D(2025, 1, 1), D(2026, 9, 30)
VOID = D(2026, 2, 20)
LONG_AGO = D(2000, 1, 1)

HEADINGS = {
    "9903.88.01": [(LONG_AGO, 0.25)],
    "9903.88.02": [(LONG_AGO, 0.25)],
    "9903.88.03": [(LONG_AGO, 0.25)],
    "9903.88.04": [(LONG_AGO, 0.25)],
    "9903.88.15": [(LONG_AGO, 0.075)],
    "9903.88.16": [(LONG_AGO, 0.0)],
    "9903.91.01": [(D(2024, 9, 27), 0.25)],
    "9903.91.02": [(D(2024, 9, 27), 0.50)],
    "9903.91.03": [(D(2024, 9, 27), 1.00)],
    "9903.92.10": [(D(2024, 9, 27), 0.25)],
    "9903.91.11": [(D(2025, 1, 1), 0.25)],
    "9903.91.05": [(D(2025, 1, 1), 0.50)],
    "9903.91.06": [(D(2026, 1, 1), 0.25)],
    "9903.91.07": [(D(2026, 1, 1), 0.50)],
    "9903.91.08": [(D(2026, 1, 1), 1.00)],
}
"""Section 301: each chapter 99 heading's rate from its date (the heading texts)."""
S232 = {
    (*(f"72{n:02d}" for n in range(6, 30)), "730110", "7302", "7304", "7305", "7306"): [
        (LONG_AGO, 0.25),
        (D(2025, 6, 4), 0.50),
    ],
    ("7601", "7604", "7605", "7606", "7607", "7608", "7609"): [
        (LONG_AGO, 0.10),
        (D(2025, 3, 12), 0.25),
        (D(2025, 6, 4), 0.50),
    ],
    tuple(f"74{n:02d}" for n in range(7, 14)): [(D(2025, 8, 1), 0.50)],
    ("8703", "870421", "870431"): [(D(2025, 4, 3), 0.25)],
    ("8708",): [(D(2025, 5, 3), 0.25)],
    ("870120", "870422", "870423", "870432"): [(D(2025, 11, 1), 0.25)],
    ("8702",): [(D(2025, 11, 1), 0.10)],
    ("940161", "940171", "940340"): [(D(2025, 10, 14), 0.25)],
    ("4407",): [(D(2025, 10, 14), 0.10)],
}
"""Section 232 by HTS prefix (no line is in two groups, so auto-over-metal never binds)."""
ELECTRONICS = [
    *["8471", "847330", "8486", "851713", "851762", "852351", "8524", "852852"],
    *["854110", "854121", "854129", "854130", "85414910", "85414970", "85414980"],
    *["85414995", "854151", "854159", "854190", "8542"],
]
FENTANYL = [(D(2025, 2, 4), 0.10), (D(2025, 3, 4), 0.20), (D(2025, 11, 10), 0.10), (VOID, 0.0)]
RECIPROCAL = [(D(2025, 4, 5), 0.10), (D(2025, 4, 9), 0.84), (D(2025, 4, 10), 1.25)]
RECIPROCAL += [(D(2025, 5, 14), 0.10), (VOID, 0.0)]
SECTION122 = [(D(2026, 2, 24), 0.10), (D(2026, 7, 24), 0.0)]
MFN = 0.024
PAYMENTS = [D(2026, 5, 1), D(2026, 8, 3), D(2026, 11, 2)]


def rate_on(steps: list[tuple[dt.date, float]], day: dt.date) -> float:
    found = [rate for start, rate in steps if start <= day]
    return found[-1] if found else 0.0


def change_days() -> list[dt.date]:
    every = [d for steps in HEADINGS.values() for d, _ in steps]
    every += [d for steps in S232.values() for d, _ in steps]
    every += [d for d, _ in FENTANYL + RECIPROCAL + SECTION122]
    return sorted({d for d in every if START < d <= END} | {START})


def independent_rates(imports: pd.DataFrame, table: pd.DataFrame, day: dt.date) -> dict:
    """Value-weighted average of each authority's rate on ``day`` [fraction], with pandas."""
    hts10 = imports["hts10"]
    value = imports["imports_usd"].astype(float)
    rates = table.assign(rate=[rate_on(HEADINGS[h], day) for h in table["ch99_code"]])
    s301 = hts10.str[:8].map(rates.groupby("hts8")["rate"].max()).fillna(0.0)
    s232 = pd.Series(0.0, index=imports.index)
    for prefixes, steps in S232.items():
        s232[hts10.str.startswith(prefixes)] += rate_on(steps, day)
    open_to_ieepa = ~hts10.str.startswith(tuple(ELECTRONICS)) & (s232 == 0)
    parts = {
        "section301": s301,
        "section232": s232,
        "ieepa_fentanyl": pd.Series(rate_on(FENTANYL, day), index=imports.index),
        "ieepa_reciprocal": open_to_ieepa * rate_on(RECIPROCAL, day),
        "section122": open_to_ieepa * rate_on(SECTION122, day),
    }
    return {name: float((value * part).sum() / value.sum()) for name, part in parts.items()}


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    imports_file = shared_file("china_imports_2024_hs10.csv")
    table_file = shared_file("section301_usitc_2026-01_yale.csv")
    folder = tmp_path_factory.mktemp("replay25")
    ledger, lists = folder / "ledger.parquet", folder / "memberships.csv"
    steps: list[list[object]] = [
        ["data", "census", imports_file, "--period", "2024", "--country", "CN", "-o", ledger],
        ["data", "china-tariffs", table_file, "-o", lists],
        ["exposure", SCENARIO, "--ledger", ledger, "--memberships", lists, "--steps"],
    ]
    out = ""
    for args in steps:
        result = runner.invoke(app, [str(a) for a in args])
        assert result.exit_code == 0, result.output
        out = result.stdout
    return {"out": out, "imports": read_raw(imports_file), "table": read_raw(table_file)}


def parsed(out: str) -> tuple[pd.DataFrame, dict[tuple[str, str], list[float]]]:
    lines = [line.split() for line in out.splitlines()]
    header = next(c for c in lines if c[:3] == ["from", "to", "days"])
    steps = pd.DataFrame(
        [c for c in lines if len(c) == len(header) and c[0][:2] == "20"], columns=header
    )
    years = {
        (c[0], c[1]): [float(x) for x in c[2:]] for c in lines if len(c) == 5 and c[1][:2] == "FY"
    }
    return steps, years


def test_every_step_equals_the_pandas_stack(replay: dict[str, object]) -> None:
    steps, _ = parsed(str(replay["out"]))
    days = change_days()
    assert steps["from"].tolist() == [d.isoformat() for d in days]
    imports, table = replay["imports"], replay["table"]
    assert isinstance(imports, pd.DataFrame) and isinstance(table, pd.DataFrame)
    for _, row in steps.iterrows():
        expected = independent_rates(imports, table, D.fromisoformat(row["from"]))
        for name, rate in expected.items():
            assert float(row[name]) == pytest.approx(rate * 100, abs=0.006), (row["from"], name)
        total = sum(expected.values()) + MFN
        assert float(row["total"]) == pytest.approx(total * 100, abs=0.006)


def test_the_court_drops_the_ieepa_part_on_2026_02_20(replay: dict[str, object]) -> None:
    steps, _ = parsed(str(replay["out"]))
    by_day = steps.set_index("from")
    before, after = by_day.loc["2026-01-01"], by_day.loc["2026-02-20"]
    ieepa = float(before["ieepa_fentanyl"]) + float(before["ieepa_reciprocal"])
    assert float(before["total"]) - float(after["total"]) == pytest.approx(ieepa, abs=0.011)
    assert float(after["ieepa_fentanyl"]) == float(after["ieepa_reciprocal"]) == 0.0
    assert float(after["section301"]) == float(before["section301"])


def test_deposited_owed_refunded_by_fiscal_year(replay: dict[str, object]) -> None:
    _, years = parsed(str(replay["out"]))
    imports, table = replay["imports"], replay["table"]
    assert isinstance(imports, pd.DataFrame) and isinstance(table, pd.DataFrame)
    total = imports["imports_usd"].astype(float).sum()
    days = pd.date_range(START, END, freq="D")
    segment = {d: independent_rates(imports, table, d) for d in change_days()}
    starts = np.array(sorted(segment), dtype="datetime64[D]")
    for measure, authority in (("fentanyl", "ieepa_fentanyl"), ("reciprocal", "ieepa_reciprocal")):
        at = np.searchsorted(starts, days.values.astype("datetime64[D]"), side="right") - 1
        rate = np.array([segment[sorted(segment)[i]][authority] for i in at])
        daily = pd.Series(total / 365.25 * rate, index=days)
        fiscal = daily.groupby(days.year + (days.month >= 10)).sum() / 1e9
        refund = daily.sum() / 1e9 / 3
        for year in (2025, 2026, 2027):
            deposited, owed, refunded = years[(measure, f"FY{year}")]
            assert deposited == pytest.approx(fiscal.get(year, 0.0), abs=0.006)
            assert owed == 0.0  # every IEEPA dollar was deposited on entries owed back
            paid = sum(p.year + (p.month >= 10) == year for p in PAYMENTS) * refund
            assert refunded == pytest.approx(paid, abs=0.006)


def test_the_numbers_in_validation_md_are_the_measured_ones(replay: dict[str, object]) -> None:
    steps, _ = parsed(str(replay["out"]))
    docs = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    for _, row in steps.iterrows():
        assert f"| {row['from']} | {row['total']} |" in docs, row["from"]


def test_ledger_path_is_not_shipped() -> None:
    """The repository holds the scenario, never the weights or the lists it is priced with."""
    shipped = {p.name for p in (ROOT / "scenarios").rglob("*") if p.is_file()}
    assert not shipped & {"china_imports_2024_hs10.csv", "section301_usitc_2026-01_yale.csv"}
    assert Path(SCENARIO).is_file()
    # the two files made beside the scenario (as its header says) are ignored by git
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    text = SCENARIO.read_text(encoding="utf-8")
    for made in ("china-2024-weights.csv", "section301-2026-01.csv"):
        assert made in text and f"/scenarios/history/{made}" in ignored, made


@pytest.fixture(scope="module")
def backtest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """``tariffsim backtest`` on the shipped scenario, its weights and lists made as documented.

    The scenario and its published figures are copied into a temporary folder beside the
    two files ``data weights`` and ``data china-tariffs`` make, so nothing lands in the tree.
    """
    imports_file = shared_file("china_imports_2024_hs10.csv")
    table_file = shared_file("section301_usitc_2026-01_yale.csv")
    folder = tmp_path_factory.mktemp("backtest25")
    for name in (SCENARIO.name, SCENARIO.stem + ".published.yaml"):
        (folder / name).write_bytes((SCENARIO.parent / name).read_bytes())
    series, comparison = folder / "series.csv", folder / "comparison.csv"
    steps: list[list[object]] = [
        ["data", "weights", imports_file, "--period", "2024", "--country", "CN"],
        ["data", "china-tariffs", table_file],
        ["backtest", folder / SCENARIO.name, "--series", series, "-o", comparison],
    ]
    steps[0] += ["-o", folder / "china-2024-weights.csv"]
    steps[1] += ["-o", folder / "section301-2026-01.csv"]
    out = ""
    for args in steps:
        result = runner.invoke(app, [str(a) for a in args])
        assert result.exit_code == 0, result.output
        out = result.stdout
    return {
        "out": out,
        "scenario": folder / SCENARIO.name,
        "series": pd.read_csv(series, dtype={"start": str, "end": str}),
        "comparison": pd.read_csv(comparison),
        "imports": read_raw(imports_file),
        "table": read_raw(table_file),
    }


def test_backtest_steps_by_authority_equal_the_pandas_stack(backtest: dict[str, object]) -> None:
    series = backtest["series"]
    imports, table = backtest["imports"], backtest["table"]
    assert isinstance(series, pd.DataFrame) and isinstance(imports, pd.DataFrame)
    assert isinstance(table, pd.DataFrame)
    assert series["start"].tolist() == [d.isoformat() for d in change_days()]
    for day in (D(2025, 4, 10), D(2026, 1, 1), D(2026, 2, 24)):
        row = series[series["start"] == day.isoformat()].iloc[0]
        expected = independent_rates(imports, table, day)
        for name, rate in expected.items():
            assert row[name] == pytest.approx(rate, abs=2e-6), (day, name)
        assert row["total"] == pytest.approx(sum(expected.values()) + MFN, abs=5e-6)


def test_backtest_shows_the_drop_on_2026_02_20(backtest: dict[str, object]) -> None:
    series = backtest["series"].set_index("start")  # type: ignore[union-attr]
    before, after = series.loc["2026-01-01"], series.loc["2026-02-20"]
    ieepa = before["ieepa_fentanyl"] + before["ieepa_reciprocal"]
    assert before["total"] - after["total"] == pytest.approx(ieepa, abs=2e-6)
    assert after["section301"] == before["section301"]
    line = (
        f"On 2026-02-20 (fentanyl, reciprocal invalidated) the US←CN average falls from "
        f"{before['total'] * 100:.2f} % to {after['total'] * 100:.2f} % ({-ieepa * 100:+.2f} pp)"
    )
    assert line in str(backtest["out"])


def test_backtest_deposited_owed_refunded_agree(backtest: dict[str, object]) -> None:
    rows = [
        cells
        for cells in (line.split() for line in str(backtest["out"]).splitlines())
        if len(cells) == 7 and cells[1] in ("FY2025", "FY2026", "FY2027")
    ]
    assert {c[0] for c in rows} == {"fentanyl", "reciprocal", "all"}
    for measure in ("fentanyl", "reciprocal", "all"):
        mine = [[float(x) for x in c[2:]] for c in rows if c[0] == measure]
        for deposited, owed, owed_back, _, _ in mine:
            assert owed == pytest.approx(deposited - owed_back, abs=0.011)
        # every dollar owed back is claimed and paid by FY2027, with no interest modelled
        back, refunded = sum(r[2] for r in mine), sum(r[3] for r in mine)
        assert refunded == pytest.approx(back, abs=0.02)
    assert [c[1] for c in rows if c[0] == "all"] == ["FY2025", "FY2026", "FY2027"]


def test_backtest_compares_on_the_published_days(backtest: dict[str, object]) -> None:
    series, comparison = backtest["series"], backtest["comparison"]
    assert isinstance(series, pd.DataFrame) and isinstance(comparison, pd.DataFrame)
    for _, figure in comparison.iterrows():
        day = str(figure["when"])
        row = series[(series["start"] <= day) & (series["end"] >= day)].iloc[0]
        assert figure["simulated"] == pytest.approx(row["total"], abs=5e-6), figure["figure"]
        assert figure["error"] == pytest.approx(figure["simulated"] - figure["published"])


def test_validation_md_shows_this_backtest(backtest: dict[str, object]) -> None:
    """The output pasted in docs/validation.md is this run's, line for line; so is its FY table."""
    docs = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    out = str(backtest["out"])
    for line in out.splitlines():
        assert line in docs, line
    for cells in (line.split() for line in out.splitlines()):
        if len(cells) == 7 and cells[1] in ("FY2025", "FY2026", "FY2027"):
            deposited, owed, _, refunded, _ = cells[2:]
            assert f"| {cells[0]} | {cells[1]} | {deposited} | {owed} | {refunded} |" in docs


def test_the_python_example_in_validation_md_prints_these(backtest: dict[str, object]) -> None:
    import tariffsim

    history = tariffsim.load_scenario(Path(str(backtest["scenario"])))
    steps = tariffsim.authority_series(history)
    columns = ["start", "total", "ieepa_fentanyl", "ieepa_reciprocal", "section122"]
    refunds = tariffsim.refund_years(tariffsim.simulate(history))
    money = ["year", "deposited_usd", "owed_usd", "refunded_usd"]
    printed = steps[columns].iloc[15:18].round(4).to_string(index=False)
    printed += "\n" + refunds[refunds.measure == "all"][money].to_string(index=False)
    docs = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    assert printed in docs
