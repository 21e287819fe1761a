"""Compiling scenarios into measure tables: coverage, stacking, memberships, errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from tariffsim.errors import TariffsimError
from tariffsim.ledger.coverage import Measures, load_measures
from tariffsim.model.stack import stack
from tariffsim.model.timeline import day_number
from tariffsim.scenario import hts
from tests.conftest import ROOT, SCENARIOS
from tests.ledgers import HAND_SCENARIO, write_scenario


def key_of(m: Measures, code: str, origin: str, day: dt.date) -> int:
    product = m.product_classes(hts.code_keys([code]))
    exporter = m.exporter_classes([origin])
    combo = product * m.n_exporter_classes + exporter
    return int(m.keys(combo, np.array([day_number(day)]))[0])


@pytest.fixture(params=["max", "add"])
def measures(request: pytest.FixtureRequest, tmp_path: Path) -> Measures:
    return load_measures(write_scenario(tmp_path, HAND_SCENARIO % {"rule": request.param}))


def test_rates_per_key(measures: Measures) -> None:
    rule = measures.scenario.stacking["section301"]
    july = key_of(measures, "8501104000", "CN", dt.date(2019, 7, 1))
    expected = 0.25 if rule == "max" else 0.40
    assert_allclose(measures.additional_rate[july], expected)
    share = measures.additional_share[july]
    assert_allclose(share, [0.25, 0.0, 0.0] if rule == "max" else [0.25, 0.15, 0.0])
    assert_allclose(measures.base_rate[july], 0.03)  # the larger base rate, from b
    assert_allclose(measures.base_share[july], [0.0, 0.03, 0.0])  # the base rate is b's


def test_day_before_a_step_has_the_old_rate(measures: Measures) -> None:
    key = key_of(measures, "8504000000", "CN", dt.date(2019, 2, 28))
    assert measures.covers[key].tolist() == [False, True, False]
    assert_allclose(measures.additional_rate[key], 0.0)
    key = key_of(measures, "8504000000", "CN", dt.date(2019, 3, 1))
    assert_allclose(measures.additional_rate[key], 0.15)


@pytest.mark.parametrize(("code", "origin"), [("8501104000", "VN"), ("4202000000", "CN")])
def test_uncovered(measures: Measures, code: str, origin: str) -> None:
    key = key_of(measures, code, origin, dt.date(2019, 5, 1))
    assert not measures.covered[key]
    assert measures.additional_rate[key] == 0.0
    assert measures.base_rate[key] == 0.0


def test_stack_different_authorities_add() -> None:
    covers = np.array([[True, True, True]])
    rates = np.array([[0.1, 0.2, 0.05]])
    share = stack(covers, rates, ["x", "x", "y"], {"x": "max"}).component
    assert_allclose(share, [[0.0, 0.2, 0.05]])


def test_stack_max_ties_credit_the_first_measure() -> None:
    stacked = stack(np.array([[True, True]]), np.array([[0.25, 0.25]]), ["x", "x"], {"x": "max"})
    assert_allclose(stacked.component, [[0.25, 0.0]])


def test_shipped_scenarios_take_the_highest_section301_rate(tmp_path: Path) -> None:
    lists = tmp_path / "m.csv"
    lists.write_text("hts_code,measure\n8501,list1\n85,list2\n8501.10,list3\n", encoding="utf-8")
    m = load_measures(SCENARIOS / "escalate.yaml", memberships=lists)
    key = key_of(m, "8501104000", "CN", dt.date(2019, 7, 1))
    assert m.covers[key].tolist() == [True, True, True, False]  # on a list: not the rest
    assert_allclose(m.additional_rate[key], 0.25)  # 25 % each, max: once, not 75 %
    assert_allclose(m.additional_share[key], [0.25, 0.0, 0.0, 0.0])  # the first on a tie
    assert_allclose(m.base_rate[key], 0.031)


def test_a_tranche_without_products_is_refused() -> None:
    with pytest.raises(
        TariffsimError,
        match=r"base\.yaml:\d+: tranches\.list1\.products: tranche 'list1' names no products "
        r"\(pass --memberships FILE or give the tranche `products:`",
    ):
        load_measures(SCENARIOS / "hold.yaml")


def test_products_all_and_rest(tmp_path: Path) -> None:
    text = (HAND_SCENARIO % {"rule": "max"}).replace('products: ["7208"]', "products: all")
    text += "  r:\n    label: R\n    importer: US\n    exporter: CN\n    imports: 1 USD/year\n"
    text += "    products: rest\n    schedule: {2019-01-01: 5 %}\n"
    text += "  v:\n    label: V\n    importer: US\n    exporter: VN\n    imports: 1 USD/year\n"
    text += "    products: rest\n"
    m = load_measures(write_scenario(tmp_path, text))
    day = dt.date(2019, 5, 1)
    # a: 8501, 9401.61; b: 85; c: all from CN; r: CN not on a or b (c is a catch-all,
    # not a list); v: everything from VN, since no listed measure is on VN.
    assert m.covers[key_of(m, "8501104000", "CN", day)].tolist() == [1, 1, 1, 0, 0]
    assert m.covers[key_of(m, "8504000000", "CN", day)].tolist() == [0, 1, 1, 0, 0]
    assert m.covers[key_of(m, "4202000000", "CN", day)].tolist() == [0, 0, 1, 1, 0]
    assert m.covers[key_of(m, "9401611000", "CN", day)].tolist() == [1, 0, 1, 0, 0]
    assert m.covers[key_of(m, "9401620000", "CN", day)].tolist() == [0, 0, 1, 1, 0]
    assert m.covers[key_of(m, "8501104000", "VN", day)].tolist() == [0, 0, 0, 0, 1]
    # 4202 from CN: c (section232) 25 % + r (its own authority) 5 %
    assert_allclose(m.additional_rate[key_of(m, "4202000000", "CN", day)], 0.30)


@pytest.mark.parametrize(
    ("products", "message"),
    [
        ("every", r"tranches\.c\.products: expected a list of quoted HTS prefixes"),
        ('["7208", 8501]', r"tranches\.c\.products: item 2: .*quote it"),
    ],
)
def test_bad_products(tmp_path: Path, products: str, message: str) -> None:
    text = (HAND_SCENARIO % {"rule": "max"}).replace('products: ["7208"]', f"products: {products}")
    with pytest.raises(TariffsimError, match=message):
        load_measures(write_scenario(tmp_path, text))


def test_a_catch_all_with_membership_rows_is_refused(tmp_path: Path) -> None:
    text = (HAND_SCENARIO % {"rule": "max"}).replace('products: ["7208"]', "products: rest")
    (tmp_path / "m.csv").write_text("hts_code,measure\n7208,c\n", encoding="utf-8")
    with pytest.raises(TariffsimError, match=r"s\.yaml:\d+: tranches\.c\.products: .*'rest'"):
        load_measures(write_scenario(tmp_path, text), memberships=tmp_path / "m.csv")


def test_membership_file_relative_to_the_scenario(tmp_path: Path) -> None:
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "m.csv").write_text(
        "# a comment\nhts_code,measure\n7208,a\n'8517',b\n", encoding="utf-8"
    )
    text = HAND_SCENARIO % {"rule": "max"} + "memberships: lists/m.csv\n"
    with pytest.raises(TariffsimError, match=r"m\.csv:4: hts_code: expected an HTS code"):
        load_measures(write_scenario(tmp_path, text))
    (tmp_path / "lists" / "m.csv").write_text(
        "hts_code,measure\n7208,a\n8517,b\n", encoding="utf-8"
    )
    m = load_measures(write_scenario(tmp_path, text))
    key = key_of(m, "7208100000", "CN", dt.date(2019, 5, 1))
    assert m.covers[key].tolist() == [True, False, True]


@pytest.mark.parametrize(
    ("csv", "message"),
    [
        ("hts_code,measure\n7208,aa\n", r"m\.csv:2: measure: unknown measure 'aa'"),
        ("code,measure\n7208,a\n", r"m\.csv:1: missing column 'hts_code'"),
        ("hts_code,measure\n7,a\n", r"m\.csv:2: hts_code: expected an HTS code of 2 to 10"),
    ],
)
def test_bad_membership_files(tmp_path: Path, csv: str, message: str) -> None:
    (tmp_path / "m.csv").write_text(csv, encoding="utf-8")
    scenario = write_scenario(tmp_path, HAND_SCENARIO % {"rule": "max"})
    with pytest.raises(TariffsimError, match=message):
        load_measures(scenario, memberships=tmp_path / "m.csv")


def test_missing_membership_file(tmp_path: Path) -> None:
    text = HAND_SCENARIO % {"rule": "max"} + "memberships: nowhere.csv\n"
    with pytest.raises(TariffsimError, match=r"s\.yaml:\d+: memberships: membership file"):
        load_measures(write_scenario(tmp_path, text))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'products: ["7208"]',
            "products: [7208]",
            r"s\.yaml:\d+: tranches\.c\.products: item 1: .*quote it",
        ),
        (
            "section301: max",
            "section302: max",
            r"stacking: no tranche or measure has authority 'section302'",
        ),
        ("section301: max", "section301: min", r"stacking\.section301: "),
        ("authority: section232", "authority: 'section 232'", r"tranches\.c\.authority"),
    ],
)
def test_bad_scenario_fields(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = (HAND_SCENARIO % {"rule": "max"}).replace(old, new)
    with pytest.raises(TariffsimError, match=message):
        load_measures(write_scenario(tmp_path, text))


def test_importer_choice(tmp_path: Path) -> None:
    text = HAND_SCENARIO % {"rule": "max"}
    text += "  retaliation:\n    label: R\n    importer: CN\n    exporter: US\n"
    text += "    imports: 1 USD/year\n    products: all\n"
    path = write_scenario(tmp_path, text)
    with pytest.raises(TariffsimError, match=r"several importers.*--importer"):
        load_measures(path)
    assert load_measures(path, "cn").ids == ["retaliation"]
    with pytest.raises(TariffsimError, match="no measure or tranche imported by 'DE'"):
        load_measures(path, "DE")


def test_illustrative_membership_file_with_the_shipped_scenarios() -> None:
    lists = ROOT / "docs" / "examples" / "section301-illustrative.csv"
    m = load_measures(SCENARIOS / "escalate.yaml", memberships=lists)
    motor = key_of(m, "8501104000", "CN", dt.date(2019, 7, 1))
    assert m.covers[motor].tolist() == [True, False, False, False]  # list 1, not the rest
    assert m.additional_share[motor].tolist() == [0.25, 0.0, 0.0, 0.0]
    toy = key_of(m, "9503000000", "CN", dt.date(2019, 7, 1))
    assert m.covers[toy].tolist() == [False, False, False, True]
