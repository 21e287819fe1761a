"""A flow split by product weights: hand-computed duties, refusals, invariants."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from tariffsim.errors import TariffsimError
from tariffsim.model.flows import load_scenario
from tariffsim.model.simulation import simulate

SCENARIO = """\
title: a weighted flow
as_of: 2024-01-01
horizon: {start: 2024-01-01, end: 2024-12-31, step: year}
stacking: {section301: max}
measures:
  list1:
    authority: section301
    importer: US
    origins: CN
    products: ["8501"]
    schedule: {2018-07-06: 25 %%}
  list4a:
    authority: section301
    importer: US
    origins: CN
    products: ["9401"]
    schedule: {2020-02-14: 7.5 %%}
  everything:
    authority: ieepa
    importer: US
    origins: CN
    products: all
    schedule: {2024-07-01: 10 %%}
flows:
  china:
    importer: US
    exporter: CN
    imports: 1000 USD/year
    products: %(products)s
    weights: w.csv
"""
WEIGHTS = "hts_code,weight\n8501104000,50\n9401610000,30\n4202920000,20\n"


def write(folder: Path, weights: str = WEIGHTS, products: str = "all") -> Path:
    (folder / "w.csv").write_text(weights, encoding="utf-8")
    path = folder / "s.yaml"
    path.write_text(SCENARIO % {"products": products}, encoding="utf-8")
    return path


def by_flow(path: Path) -> dict[str, tuple[float, float]]:
    """Per row: (imports, additional duty) over the year [USD]."""
    result = simulate(load_scenario(path), "year", behavioural=False)
    frame = result.tranches
    return {
        row["tranche"]: (row["imports_usd"], row["additional_duty_usd"])
        for _, row in frame.iterrows()
    }


def test_each_measure_pays_on_the_lines_it_covers(tmp_path: Path) -> None:
    found = by_flow(write(tmp_path))
    # 'everything' covers every line, so it names no part; 10 % from 1 July: 184 of 366 days.
    half = 184 / 366 * 0.10
    assert list(found) == ["china[none]", "china[list1]", "china[list4a]"]  # by first code
    assert_allclose([v for v, _ in found.values()], [200.0, 500.0, 300.0])
    expected = [200 * half, 500 * (0.25 + half), 300 * (0.075 + half)]
    assert_allclose([d for _, d in found.values()], expected)
    # The flow's line-weighted average: 1000 × (0.5 × 25 % + 0.3 × 7.5 %) before July.
    assert_allclose(sum(d for _, d in found.values()), 147.5 + 1000 * half)


def test_lines_outside_the_flows_products_are_left_out(tmp_path: Path) -> None:
    found = by_flow(write(tmp_path, products='["85", "94"]'))
    # 8501 and 9401 weigh 50 and 30: shares 5/8 and 3/8 of the flow's 1000.
    assert_allclose(found["china[list1]"][0], 625.0)
    assert_allclose(found["china[list4a]"][0], 375.0)
    assert "china[none]" not in found


@pytest.mark.parametrize(
    ("weights", "products", "where"),
    [
        (
            "hts_code,weight\n8501104000,1\n85,1\n",
            "all",
            "w.csv:3: hts_code: HTS line 85 is partly covered by measure 'list1'",
        ),
        ("hts_code,weight\n8501104000,-1\n", "all", "w.csv:2: weight: expected a weight"),
        ("hts_code,weight\n8501.1,1\n", "all", "w.csv:2: hts_code: expected an HTS code"),
        ("hts_code,share\n8501104000,1\n", "all", "w.csv:1: missing column 'weight'"),
        ("hts_code,weight\n8501104000,0\n", "all", "w.csv: no line with a positive weight"),
        (
            "hts_code,weight\n8501104000,1\n",
            '["94"]',
            "w.csv: no line of the weights file is among flow 'china''s products",
        ),
    ],
)
def test_bad_weights_are_refused_at_their_line(
    tmp_path: Path, weights: str, products: str, where: str
) -> None:
    path = write(tmp_path, weights, products)
    with pytest.raises(TariffsimError) as caught:
        load_scenario(path)
    assert caught.value.render().startswith(f"{tmp_path}/{where}")


def test_a_missing_weights_file_is_located_in_the_scenario(tmp_path: Path) -> None:
    path = write(tmp_path)
    (tmp_path / "w.csv").unlink()
    with pytest.raises(TariffsimError) as caught:
        load_scenario(path)
    assert caught.value.render().startswith(
        f"{path}:30: flows.china.weights: weights file 'w.csv' not found"
    )


CODES = ["8501104000", "8501200000", "9401610000", "9401200000", "4202920000", "7208100000"]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(CODES), st.integers(0, 10**9)), min_size=1, max_size=12),
)
def test_parts_hold_the_whole_flow_and_each_line_once(rows: list[tuple[str, int]]) -> None:
    if sum(w for _, w in rows) == 0:
        return
    text = "hts_code,weight\n" + "".join(f"{c},{w}\n" for c, w in rows)
    with tempfile.TemporaryDirectory() as folder:
        scenario = load_scenario(write(Path(folder), text))
    parts = {k: f for k, f in scenario.flows.items()}
    assert_allclose(sum(f.imports.value for f in parts.values()), 1000.0, rtol=1e-12)
    held = [c for f in parts.values() for c in (f.products.include or ())]
    assert sorted(held) == sorted({c for c, _ in rows})
    for f in parts.values():
        weight = sum(w for c, w in rows if c in (f.products.include or ()))
        assert_allclose(f.imports.value, 1000.0 * weight / sum(w for _, w in rows), rtol=1e-12)
