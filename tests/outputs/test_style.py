"""The house style's colour assignment: one colour per scenario, the same in every chart."""

from __future__ import annotations

from tariffsim.outputs.style import PALETTE, PATH_COLOURS, scenario_colours


def test_shipped_paths_keep_their_colour_in_any_order_or_company() -> None:
    assert scenario_colours(["escalate", "hold", "ceasefire"]) == {
        "escalate": PALETTE[0],
        "hold": PALETTE[1],
        "ceasefire": PALETTE[2],
    }
    alone = scenario_colours(["ceasefire"])
    mixed = scenario_colours(["mine", "deescalate", "ceasefire", "escalate"])
    assert alone["ceasefire"] == mixed["ceasefire"] == PATH_COLOURS["ceasefire"]
    assert mixed["deescalate"] == PALETTE[3] and mixed["escalate"] == PALETTE[0]


def test_other_names_take_the_colours_no_path_owns_first() -> None:
    colours = scenario_colours(["mine", "hold", "yours", "mine"])
    assert list(colours) == ["mine", "hold", "yours"]
    assert colours == {"mine": PALETTE[4], "hold": PALETTE[1], "yours": PALETTE[5]}
    # so a file of one's own keeps its colour beside any of the shipped paths
    assert scenario_colours(["escalate", "mine"])["mine"] == colours["mine"]


def test_many_names_use_every_colour_then_repeat() -> None:
    names = [f"s{i}" for i in range(len(PALETTE) + 2)]
    colours = [scenario_colours(names)[n] for n in names]
    assert colours[:4] == PALETTE[4:] and colours[4:8] == PALETTE[:4]
    assert colours[8:] == colours[:2]
