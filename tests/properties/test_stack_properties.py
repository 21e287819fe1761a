"""One stack for every command: a flow priced by ``run`` and the ledger of its daily imports
priced by ``exposure`` pay the same duty to the cent, over random stacks of measures."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from tariffsim.ledger.coverage import compile_measures
from tariffsim.ledger.pricing import price_ledger
from tariffsim.ledger.reader import LedgerReader
from tariffsim.model.flows import load_scenario
from tariffsim.model.simulation import simulate
from tariffsim.scenario.validation import load_scenario as read_measures
from tests.ledgers import write_parquet
from tests.stacks import write

# Each flow holds one HTS-6 heading from one exporter; every measure names products of at
# most 4 digits and origins that hold or miss a whole exporter, so it covers a flow whole.
FLOWS = {"motors": ("850110", "CN", 40), "steel": ("720851", "VN", 7), "seats": ("940161", "CN", 3)}
AUTHORITIES = ["section301", "section232", "ieepa_reciprocal", "ieepa_fentanyl", "mfn"]
ORIGINS = ["CN", "all", "{all_except: [CN]}", "[CN, VN]", "VN"]
PRODUCTS = [
    "all",
    "['85']",
    "['8501']",
    "['72']",
    "{include: all, exclude: ['72']}",
    "['94', '72']",
]
RATES = [0, 2.5, 7.5, 10, 20, 25, 50, 125]
DAYS = st.dates(dt.date(2024, 12, 1), dt.date(2025, 12, 31))

measure = st.tuples(
    st.sampled_from(AUTHORITIES),
    st.sampled_from(ORIGINS),
    st.sampled_from(PRODUCTS),
    st.lists(st.tuples(DAYS, st.sampled_from(RATES)), min_size=1, max_size=3),
    st.one_of(st.none(), st.sampled_from(RATES)),
)


def scenario_text(measures: list[tuple], rule: bool, within: str) -> str:
    lines = [
        "title: a random stack",
        "as_of: 2025-12-31",
        "horizon: {start: 2025-01-01, end: 2025-12-31, step: month}",
        f"stacking: {{section301: {within}}}"
        if any(m[0] == "section301" for m in measures)
        else "",
        "measures:",
    ]
    for i, (authority, origins, products, steps, cn_rate) in enumerate(measures):
        if authority == "mfn":  # run prices a constant base rate: one step, before the horizon
            steps = [(dt.date(2024, 1, 1), steps[0][1])]
        by_origin = "" if cn_rate is None else f", by_origin: {{CN: {cn_rate} %}}"
        schedule = ", ".join(f"{d}: {{rate: {r} %{by_origin}}}" for d, r in dict(steps).items())
        lines += [
            f"  m{i}: {{authority: {authority}, importer: US, origins: {origins},",
            f"        products: {products}, schedule: {{{schedule}}}}}",
        ]
    authorities = {m[0] for m in measures}
    if rule and {"section232", "ieepa_reciprocal"} <= authorities:
        lines.append("precedence: {metals: section232 excludes ieepa_reciprocal}")
    lines.append("flows:")
    for name, (code, origin, per_day) in FLOWS.items():
        lines.append(
            f"  {name}: {{importer: US, exporter: {origin}, imports: {per_day * 365} USD/year,"
            f" products: ['{code}']}}"
        )
    return "\n".join(x for x in lines if x) + "\n"


def daily_ledger(folder: Path) -> Path:
    """One line per flow and day of 2025, holding that day's imports [USD]."""
    days = [dt.date(2025, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    codes, origins, values, dates = [], [], [], []
    for code, origin, per_day in FLOWS.values():
        codes += [code + "0000"] * len(days)
        origins += [origin] * len(days)
        values += [float(per_day)] * len(days)
        dates += days
    return write_parquet(
        folder,
        {"hts_code": codes, "country_of_origin": origins, "customs_value_usd": values,
         "entry_date": dates},
    )  # fmt: skip


@settings(max_examples=30, deadline=None)
@given(st.lists(measure, min_size=1, max_size=4), st.booleans(), st.sampled_from(["add", "max"]))
def test_run_and_exposure_agree_to_the_cent(measures, rule, within) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = write(root, scenario_text(measures, rule, within))
        run = simulate(load_scenario(path), behavioural=False).totals()
        compiled = compile_measures(read_measures(path), {}, "US")
        exposure = price_ledger([compiled], LedgerReader(daily_ledger(root))).table("total")
    row = exposure.iloc[0]
    assert_allclose(row["imports_usd"], run["imports_usd"], rtol=0, atol=0.01)
    assert_allclose(row["base_duty_usd"], run["base_duty_usd"], rtol=0, atol=0.01)
    assert_allclose(row["additional_duty_usd"], run["additional_duty_usd"], rtol=0, atol=0.01)
    assert run["total_duty_usd"] >= 0
