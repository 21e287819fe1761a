"""The page's sections: per-importer headline sums, checked against independent sums."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from tariffsim.model.simulation import simulate
from tariffsim.page.sections import headline, importer_totals, money, percent
from tariffsim.scenario.validation import load_scenario
from tests.crowded import US_TRANCHES, write_crowded


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("crowded")
    return [
        simulate(load_scenario(write_crowded(folder, "a")), behavioural=False),
        simulate(load_scenario(write_crowded(folder, "b", 5.0)), behavioural=False),
    ]


def test_importers_are_never_added_together(crowded) -> None:  # type: ignore[no-untyped-def]
    sums = importer_totals(crowded, "a")
    assert sorted(set(sums["importer"])) == ["CN", "US"]
    # imports: tranche i holds (i + 1) billion USD/year over all 365 days of 2019
    us = sums[(sums["importer"] == "US") & (sums["scenario"] == "a")].iloc[0]
    cn = sums[(sums["importer"] == "CN") & (sums["scenario"] == "a")].iloc[0]
    assert_allclose(us["imports_usd"], sum(range(1, US_TRANCHES + 1)) * 1e9, rtol=1e-9)
    assert_allclose(cn["imports_usd"], sum(range(US_TRANCHES + 1, 51)) * 1e9, rtol=1e-9)
    for row in (us, cn):
        assert_allclose(
            row["effective_additional_rate"], row["additional_duty_usd"] / row["imports_usd"]
        )
    b_us = sums[(sums["importer"] == "US") & (sums["scenario"] == "b")].iloc[0]
    assert_allclose(
        b_us["additional_difference_usd"], b_us["additional_duty_usd"] - us["additional_duty_usd"]
    )
    assert b_us["additional_difference_usd"] > 0  # every rise is 5 points higher in b


def test_headline_has_one_table_per_importer(crowded) -> None:  # type: ignore[no-untyped-def]
    html = headline(crowded, "a")
    assert html.count("<table>") == 2
    assert "Imports into US" in html and "Imports into CN" in html


def test_number_formats() -> None:
    assert money(1.23456e9) == "$1.23B"
    assert money(float("nan")) == "-"
    assert percent(0.075) == "7.50 %"
    assert percent(-0.1, 1, signed=True) == "−10.0 %"
