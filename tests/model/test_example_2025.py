"""The shipped 2025 US–China example, by authority, equals the same policy summed by hand."""

from __future__ import annotations

from pathlib import Path

from numpy.testing import assert_allclose

from tariffsim.model.flows import load_scenario
from tariffsim.model.simulation import simulate
from tests.conftest import SCENARIOS
from tests.stacks import write

EXAMPLE = SCENARIOS / "examples" / "us-china-2025.yaml"

# Each product group's additional rate, added up by hand from the measures that hit it [%]:
# phones, laptops: fentanyl only (Annex II: no reciprocal; List 4B suspended);
# toys: fentanyl + reciprocal (4B suspended); batteries: + List 4A 7.5;
# furniture, e-bikes: + List 3 / List 2 25; cars: List 1 25 + fentanyl + auto 232 25 from
# 04-03 (232: no reciprocal); steel: List 4A 7.5 + fentanyl + steel 232 25, 50 from 06-04.
HAND_SUMMED = {
    "phones": (0, [("2025-02-04", 10), ("2025-03-04", 20), ("2025-11-10", 10)]),
    "laptops": (0, [("2025-02-04", 10), ("2025-03-04", 20), ("2025-11-10", 10)]),
    "toys": (
        0,
        [
            ("2025-02-04", 10),
            ("2025-03-04", 20),
            ("2025-04-05", 30),
            ("2025-04-09", 104),
            ("2025-04-10", 145),
            ("2025-05-14", 30),
            ("2025-11-10", 20),
        ],
    ),
    "batteries": (
        7.5,
        [
            ("2025-02-04", 17.5),
            ("2025-03-04", 27.5),
            ("2025-04-05", 37.5),
            ("2025-04-09", 111.5),
            ("2025-04-10", 152.5),
            ("2025-05-14", 37.5),
            ("2025-11-10", 27.5),
        ],
    ),
    "furniture": (
        25,
        [
            ("2025-02-04", 35),
            ("2025-03-04", 45),
            ("2025-04-05", 55),
            ("2025-04-09", 129),
            ("2025-04-10", 170),
            ("2025-05-14", 55),
            ("2025-11-10", 45),
        ],
    ),
    "cars": (25, [("2025-02-04", 35), ("2025-03-04", 45), ("2025-04-03", 70), ("2025-11-10", 60)]),
    "steel": (
        32.5,
        [("2025-02-04", 42.5), ("2025-03-04", 52.5), ("2025-06-04", 77.5), ("2025-11-10", 67.5)],
    ),
}
HAND_SUMMED["ebikes"] = HAND_SUMMED["furniture"]  # List 2 and List 3: both 25 %
VALUES = {  # billion USD/year, as in the example (census-2024)
    "phones": 40.68, "laptops": 32.16, "toys": 13.45, "batteries": 15.66,
    "furniture": 2.54, "ebikes": 0.76, "cars": 1.75, "steel": 0.10,
}  # fmt: skip


def hand_summed(tmp_path: Path) -> Path:
    lines = [
        "title: the 2025 example, one summed rate per product group",
        "as_of: 2025-12-31",
        "horizon: {start: 2025-01-01, end: 2025-12-31, step: month}",
        "tranches:",
    ]
    for name, (start, steps) in HAND_SUMMED.items():
        schedule = ", ".join(f"{d}: {r} %" for d, r in [("2025-01-01", start), *steps])
        lines += [
            f"  {name}: {{label: {name}, importer: US, exporter: CN,",
            f"    imports: {VALUES[name]} billion USD/year, schedule: {{{schedule}}}}}",
        ]
    return write(tmp_path, "\n".join(lines) + "\n", "hand.yaml")


def test_the_example_by_authority_equals_the_hand_summed_groups(tmp_path: Path) -> None:
    by_authority = simulate(load_scenario(EXAMPLE), behavioural=False)
    summed = simulate(load_scenario(hand_summed(tmp_path)), behavioural=False)
    a = by_authority.tranches.set_index("tranche")["total_duty_usd"]
    b = summed.tranches.set_index("tranche")["total_duty_usd"]
    assert_allclose(a[list(HAND_SUMMED)], b[list(HAND_SUMMED)], rtol=0, atol=0.005)
    assert_allclose(by_authority.totals()["total_duty_usd"], summed.totals()["total_duty_usd"],
                    rtol=0, atol=0.01)  # fmt: skip


def test_the_example_steps_keep_their_sources() -> None:
    scenario = load_scenario(EXAMPLE)
    toys = scenario.tranches["toys"].schedule
    assert [s.source for s in toys.values()] == [
        "eo-14195", "eo-14228", "eo-14257", "eo-14259", "eo-14266", "eo-14298", "busan-2025",
    ]  # fmt: skip
