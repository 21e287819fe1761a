"""Flows priced by the stack of measures: hand-computed days, exclusions, refusals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from numpy.testing import assert_allclose

from tariffsim.errors import TariffsimError
from tariffsim.model.flows import flow_stacks, load_scenario
from tariffsim.model.simulation import simulate
from tests.stacks import STEEL_2025, write

DAY = 100e9 / 365  # the flow's imports per day of 2025 [USD]


def days(first: str, last: str) -> int:
    return (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days + 1


def total_duty(path: Path) -> float:
    result = simulate(load_scenario(path), "year", behavioural=False)
    return result.totals()["total_duty_usd"]


def test_steel_from_china_in_2025_day_by_day(tmp_path: Path) -> None:
    # fentanyl 10 % on 2025-02-04..03-03 (28 days), 20 % on 03-04..12-31 (303 days);
    # 232 at 25 % on 03-12..06-03 (84 days), 50 % on 06-04..12-31 (211 days); the
    # reciprocal tariff is excluded by 232 on every day it is in force (from 04-05).
    assert days("2025-02-04", "2025-03-03") == 28
    assert days("2025-03-04", "2025-12-31") == 303
    assert days("2025-03-12", "2025-06-03") == 84
    assert days("2025-06-04", "2025-12-31") == 211
    rate_days = 0.10 * 28 + 0.20 * 303 + 0.25 * 84 + 0.50 * 211  # = 189.9
    path = write(tmp_path, STEEL_2025 % {"steel": "72"})
    assert_allclose(total_duty(path), DAY * rate_days, rtol=1e-12)
    assert_allclose(DAY * rate_days, 52.027397260e9, rtol=1e-9)


def test_the_same_flow_outside_232_pays_the_reciprocal_tariff(tmp_path: Path) -> None:
    # 232 now covers chapter 73 only; the flow (7208) pays fentanyl and reciprocal 10 %
    # on 2025-04-05..12-31 (271 days)
    assert days("2025-04-05", "2025-12-31") == 271
    rate_days = 0.10 * 28 + 0.20 * 303 + 0.10 * 271  # = 90.5
    path = write(tmp_path, STEEL_2025 % {"steel": "73"})
    assert_allclose(total_duty(path), DAY * rate_days, rtol=1e-12)


def test_an_excluded_product_pays_the_other_measures_only(tmp_path: Path) -> None:
    text = (STEEL_2025 % {"steel": "73"}).replace(
        "  reciprocal:\n    authority: ieepa_reciprocal\n    importer: US\n    origins: all\n"
        "    products: all",
        "  reciprocal:\n    authority: ieepa_reciprocal\n    importer: US\n    origins: all\n"
        "    products: {include: all, exclude: ['72']}",
    )
    assert "exclude: ['72']" in text
    assert_allclose(total_duty(write(tmp_path, text)), DAY * (0.10 * 28 + 0.20 * 303))


def test_the_stack_carries_each_authority(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, STEEL_2025 % {"steel": "72"}))
    fs = flow_stacks(scenario)["article"]
    june = max(s for s, d in enumerate(fs.days) if d <= dt.date(2025, 6, 10))
    assert_allclose(fs.stacked.component[june], [0.0, 0.20, 0.50, 0.0])
    assert fs.stacked.excluded_by[june].tolist() == [-1, -1, -1, 0]


OVERLAP = """\
title: two flows holding the same imports
as_of: 2025-01-01
horizon: {start: 2025-01-01, end: 2025-12-31}
measures:
  fentanyl: {authority: ieepa_fentanyl, importer: US, origins: CN, products: all,
             schedule: {2025-02-04: 10 %}}
flows:
  all_goods: {importer: US, exporter: CN, imports: 400 billion USD/year, products: all}
  steel: {importer: US, exporter: [CN, HK], imports: 1 billion USD/year, products: ['72']}
"""


def test_overlapping_flows_are_refused_with_one_located_line(tmp_path: Path) -> None:
    with pytest.raises(TariffsimError) as info:
        load_scenario(write(tmp_path, OVERLAP))
    message = info.value.render()
    assert message.startswith(f"{tmp_path / 's.yaml'}:9: flows.steel: ")
    assert "'flows.all_goods' and 'flows.steel'" in message
    assert "count them twice" in message and "exclude the shared ones" in message
    fixed = OVERLAP.replace("products: all}", "products: {include: all, exclude: ['72']}}")
    with pytest.raises(TariffsimError) as info:
        load_scenario(write(tmp_path, fixed, "ok.yaml"))  # no overlap now, but ...
    message = info.value.render()  # ... fentanyl hits CN, not HK: a flow of both is refused
    assert message.startswith(f"{tmp_path / 'ok.yaml'}:9: flows.steel.exporter: ")
    assert "hits some of this flow's exporters on 2025-02-04" in message
    assert "split the flow" in message
    split = fixed.replace("[CN, HK]", "CN")
    steel = load_scenario(write(tmp_path, split, "split.yaml")).tranches["steel"]
    assert steel.rate_on(dt.date(2025, 3, 1)) == pytest.approx(0.10)


EU_FLOWS = """\
title: EU by date
as_of: 2021-12-31
horizon: {start: 2019-01-01, end: 2021-12-31, step: year}
groups:
  usmca: [CA, MX]
measures:
  eu_duty:
    authority: retaliation
    importer: US
    origins: EU
    products: all
    schedule: {2019-01-01: 10 %}
  others:
    authority: section232
    importer: US
    origins: {all_except: [usmca]}
    products: all
    schedule: {2019-01-01: 25 %}
flows:
  uk: {importer: US, exporter: GB, imports: 365 USD/year}
  mexico: {importer: US, exporter: MX, imports: 365 USD/year}
  japan: {importer: US, exporter: JP, imports: 365 USD/year}
"""


def test_eu_membership_by_date_and_all_except(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, EU_FLOWS))
    uk = scenario.tranches["uk"]
    # the UK pays the EU duty while a member (to 2020-01-31), then 232 alone
    assert uk.rate_on(dt.date(2020, 1, 31)) == pytest.approx(0.35)
    assert uk.rate_on(dt.date(2020, 2, 1)) == pytest.approx(0.25)
    assert scenario.tranches["mexico"].rate_on(dt.date(2020, 6, 1)) == 0.0
    assert scenario.tranches["japan"].rate_on(dt.date(2020, 6, 1)) == pytest.approx(0.25)
    result = simulate(scenario, "year", behavioural=False)
    duty = result.tranches.set_index("tranche")["total_duty_usd"]
    # 1 USD a day in 2019 and 2021, 365/366 a day in 2020: 35 % while the UK is in the
    # EU (2019 and 2020-01, 31 days), then 25 % (2020-02-01..12-31: 335 days, and 2021)
    expected = 365 * 0.35 + 365 / 366 * (31 * 0.35 + 335 * 0.25) + 365 * 0.25
    assert_allclose(duty["uk"], expected, rtol=1e-12)
    assert_allclose(duty["mexico"], 0.0)
    assert_allclose(duty["japan"], 3 * 365 * 0.25, rtol=1e-12)


def test_eu_has_28_members_in_2019_and_27_in_2021() -> None:
    from tariffsim.scenario.groups import Groups, OriginSpec

    groups = Groups({})
    assert len(groups.members("EU", dt.date(2019, 6, 1))) == 28
    assert len(groups.members("EU", dt.date(2021, 6, 1))) == 27
    assert "GB" in OriginSpec(("EU",)).resolve(groups, dt.date(2020, 1, 31))
    assert "GB" not in OriginSpec(("EU",)).resolve(groups, dt.date(2020, 2, 1))
    spec = OriginSpec(("usmca",), complement=True)
    usmca = Groups({"usmca": ("CA", "MX")})
    hit = spec.resolve(usmca, dt.date(2025, 1, 1))
    assert "CN" in hit and "DE" in hit and "CA" not in hit and "MX" not in hit


TRANCHES_PER_AUTHORITY = """\
title: one tranche per authority over the same imports
as_of: 2025-01-01
horizon: {start: 2025-01-01, end: 2025-12-31}
tranches:
  list3: {label: List 3, importer: US, exporter: CN, imports: 200 billion USD/year,
          products: ['8501'], authority: section301, schedule: {2025-01-01: 25 %}}
  fentanyl: {label: Fentanyl, importer: US, exporter: CN, imports: 400 billion USD/year,
             products: all, authority: ieepa_fentanyl, schedule: {2025-02-04: 10 %}}
"""


def test_tranches_written_per_authority_over_one_flow_are_refused_by_run(tmp_path: Path) -> None:
    with pytest.raises(TariffsimError) as info:
        load_scenario(write(tmp_path, TRANCHES_PER_AUTHORITY))
    message = info.value.render()
    assert message.startswith(f"{tmp_path / 's.yaml'}:7: tranches.fentanyl: ")
    assert "'tranches.list3' and 'tranches.fentanyl' both hold US imports" in message


def test_statuses_and_in_transit_grace_apply_to_measures(tmp_path: Path) -> None:
    text = STEEL_2025 % {"steel": "73"}
    text = text.replace(
        "schedule: {2025-04-05: 10 %}",
        "schedule: {2025-04-05: {rate: 10 %, in_transit: {shipped_before: 2025-04-05, "
        "entered_by: 2025-05-27, shipping_lag: 30 days}}, "
        "2025-06-01: {rate: 50 %, status: suspended}}",
    )
    assert "suspended" in text
    article = load_scenario(write(tmp_path, text)).tranches["article"]
    # by entry date the 10 % starts on 2025-04-05 + 30 days = 2025-05-05; the 50 % never applies
    assert article.rate_on(dt.date(2025, 5, 4)) == pytest.approx(0.20)
    assert article.rate_on(dt.date(2025, 5, 5)) == pytest.approx(0.30)
    assert article.rate_on(dt.date(2025, 7, 1)) == pytest.approx(0.30)


def test_a_flow_with_product_weights_is_priced_class_by_class(tmp_path: Path) -> None:
    (tmp_path / "weights.csv").write_text(
        "# 2024 shares, illustrative\nhts_code,weight\n7208.10,50\n8517.13.00,30\n9503,20\n",
        encoding="utf-8",
    )
    text = (
        (STEEL_2025 % {"steel": "72"})
        .replace(
            "    products: all\n    schedule: {2025-04-05: 10 %}",
            "    products: {include: all, exclude: ['8517.13']}\n    schedule: {2025-04-05: 10 %}",
        )
        .replace('products: ["7208"]\n', "products: {weights: weights.csv}\n")
    )
    assert "weights.csv" in text and "exclude: ['8517.13']" in text
    scenario = load_scenario(write(tmp_path, text))
    rows = {t: scenario.tranches[t] for t in scenario.tranches if t.startswith("article")}
    shares = {t: r.imports.value / 100e9 for t, r in rows.items()}
    assert sorted(shares.values()) == pytest.approx([0.2, 0.3, 0.5])
    # steel (50 %): fentanyl + 232; phones (30 %): fentanyl only (exempt from reciprocal);
    # toys (20 %): fentanyl + reciprocal on 271 days
    expected = DAY * (0.5 * (63.4 + 126.5) + 0.3 * 63.4 + 0.2 * (63.4 + 0.10 * 271))
    assert_allclose(total_duty(write(tmp_path, text)), expected, rtol=1e-12)


def test_a_weights_line_one_measure_covers_in_part_is_refused(tmp_path: Path) -> None:
    (tmp_path / "weights.csv").write_text("hts_code,weight\n72,1\n", encoding="utf-8")
    text = STEEL_2025 % {"steel": "7208"}
    text = text[: text.rindex('products: ["7208"]')] + "products: {weights: weights.csv}\n"
    with pytest.raises(TariffsimError) as info:
        load_scenario(write(tmp_path, text))
    message = info.value.render()
    assert "flows.article.products.weights: measure 'steel232' covers some" in message
    assert "longer HTS codes" in message
