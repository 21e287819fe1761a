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
    # the colours no shipped path owns, then the shipped ones, yellow (hard to see) last
    assert colours[:3] == PALETTE[4:7] and colours[3:7] == PALETTE[:4]
    assert colours[7] == PALETTE[7] == "#F0E442"
    assert len(set(colours[:8])) == 8
    assert colours[8:] == colours[:2]


def test_percent_decimals_are_what_the_ticks_need() -> None:
    from tariffsim.outputs.style import percent_decimals

    assert percent_decimals([0.0, 0.05, 0.10, 0.15]) == 0
    assert percent_decimals([0.0, 0.025, 0.05, 0.075]) == 1  # 7.5 %, not 8 %
    assert percent_decimals([0.0, 0.0025, 0.005]) == 2
    assert percent_decimals([1 / 3]) == 3  # never more than three


def test_percent_axis_labels_ticks_exactly() -> None:
    from tariffsim.outputs import style

    with style.styled():
        fig = style.new_figure(4, 3)
        ax = fig.subplots()
        ax.plot([0, 1], [0.0, 0.075])
        ax.set_yticks([0.0, 0.025, 0.05, 0.075])
        style.percent_axis(ax)
        fig.canvas.draw()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0.0 %", "2.5 %", "5.0 %", "7.5 %"]


def test_largest_series_keep_seven_and_group_the_rest() -> None:
    from tariffsim.outputs.style import MAX_SERIES, largest_series

    sizes = {f"t{i}": float(i) for i in range(20)}
    kept, grouped = largest_series(sizes)
    assert kept == [f"t{i}" for i in range(13, 20)]  # the seven largest, in the order given
    assert len(kept) == MAX_SERIES - 1 and len(grouped) == 13
    few = {"a": 1.0, "b": 2.0}
    assert largest_series(few) == (["a", "b"], [])


def test_threshold_and_other_colours_are_no_series_colour() -> None:
    from tariffsim.outputs.style import OTHER, PALETTE, THRESHOLD
    from tariffsim.uncertainty.chart import MARKER, MEAN

    assert THRESHOLD not in PALETTE and OTHER not in PALETTE
    assert MARKER == THRESHOLD and MEAN != THRESHOLD
