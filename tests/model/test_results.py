"""Result views: one mode's rows (``--mode``) and the notebook display."""

from __future__ import annotations

import datetime as dt
import html.parser
import io

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from typer.testing import CliRunner

from tariffsim.cli import app
from tariffsim.errors import TariffsimError
from tariffsim.model.results import select_mode
from tariffsim.model.simulation import simulate
from tariffsim.scenario.validation import load_scenario
from tests.conftest import SCENARIOS

runner = CliRunner()


@pytest.fixture(scope="module")
def hold():  # type: ignore[no-untyped-def]
    return simulate(load_scenario(SCENARIOS / "hold.yaml"))


@pytest.mark.parametrize("mode", ["static", "behavioural"])
def test_select_mode_keeps_one_mode_and_its_totals(hold, mode: str) -> None:  # type: ignore[no-untyped-def]
    one = select_mode(hold, mode)
    assert set(one.periods["mode"]) == set(one.tranches["mode"]) == {mode}
    assert one.mode == mode
    # a naive sum over the one-mode rows is the mode's total: nothing counted twice
    assert_allclose(
        one.periods["additional_duty_usd"].sum(), hold.totals(mode)["additional_duty_usd"]
    )
    assert len(one.periods) == (hold.periods["mode"] == mode).sum()


def test_select_mode_refuses_a_mode_the_run_lacks() -> None:
    static = simulate(load_scenario(SCENARIOS / "hold.yaml"), behavioural=False)
    with pytest.raises(TariffsimError, match="no behavioural rows") as caught:
        select_mode(static, "behavioural")
    assert caught.value.field == "--mode"


def test_cli_mode_writes_one_mode_only() -> None:
    both = runner.invoke(app, ["run", str(SCENARIOS / "hold.yaml"), "-f", "csv"])
    one = runner.invoke(app, ["run", str(SCENARIOS / "hold.yaml"), "-f", "csv", "--mode", "static"])
    assert both.exit_code == one.exit_code == 0
    every = pd.read_csv(io.StringIO(both.stdout))
    static = pd.read_csv(io.StringIO(one.stdout))
    assert set(static["mode"]) == {"static"}
    assert_allclose(
        static["total_duty_usd"].sum(),
        every.loc[every["mode"] == "static", "total_duty_usd"].sum(),
    )
    assert every["total_duty_usd"].sum() > 1.5 * static["total_duty_usd"].sum()


class _Cells(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._in = False

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._in = tag in ("td", "th")
        if self._in:
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in = False

    def handle_data(self, data: str) -> None:
        if self._in:
            self.cells[-1] += data.strip()


def test_notebook_display_shows_the_totals_and_changes(hold) -> None:  # type: ignore[no-untyped-def]
    page = hold._repr_html_()
    parser = _Cells()
    parser.feed(page)
    cells = parser.cells
    row = cells.index("additional_duty_usd")
    static, behavioural = (float(c.replace(",", "")) for c in cells[row + 1 : row + 3])
    assert static == pytest.approx(hold.totals("static")["additional_duty_usd"] / 1e9, abs=0.005)
    assert behavioural == pytest.approx(
        hold.totals("behavioural")["additional_duty_usd"] / 1e9, abs=0.005
    )
    assert "10 % → 25 %" in cells  # List 3's rise
    assert str(dt.date(2019, 1, 1)) in cells
    assert "$" not in page.replace(hold.scenario.title, "")


def test_notebook_display_shows_each_importer_apart() -> None:
    """Two importers (US and China, 2018-2020): one totals table each, never one sum."""
    both = simulate(load_scenario(SCENARIOS / "history" / "us-china-2018-2020.yaml"))
    page = both._repr_html_()
    assert page.count("Imports into ") == 2
    for code in ("US", "CN"):
        part = page.split(f"Imports into {code}")[1].split("Imports into ")[0]
        parser = _Cells()
        parser.feed(part)
        row = parser.cells.index("additional_duty_usd")
        shown = float(parser.cells[row + 1].replace(",", ""))
        own = both.totals("static", importer=code)["additional_duty_usd"] / 1e9
        assert shown == pytest.approx(own, abs=0.005)


def test_stacking_moves_the_parts_columns_without_changing_them() -> None:
    from tariffsim.model.results import PeriodArrays, Rows

    def part(mode: str, rows: int, offset: float) -> PeriodArrays:
        return PeriodArrays(
            modes=np.full(rows, mode, dtype=object),
            rows=Rows(
                ids=[f"t{i}" for i in range(rows)],
                labels=[f"T{i}" for i in range(rows)],
                importers=["US"] * rows,
                exporters=["CN"] * rows,
            ),
            starts=np.array(["2019-01-01", "2019-02-01"], dtype="datetime64[D]"),
            ends=np.array(["2019-01-31", "2019-02-28"], dtype="datetime64[D]"),
            values={
                "imports_usd": np.arange(2.0 * rows).reshape(rows, 2) + offset,
                "base_duty_usd": np.full((rows, 2), offset),
            },
            run_rate_additional=np.full(rows, offset),
            run_rate_total=np.full(rows, 2 * offset),
        )

    parts = [part("static", 2, 0.0), part("behavioural", 3, 100.0)]
    copied = PeriodArrays.stacked(parts)
    moved = PeriodArrays.stacked(parts, consume=True)
    assert parts[0].values == {} and parts[1].values == {}
    assert list(moved.values) == ["imports_usd", "base_duty_usd"]
    for name, values in moved.values.items():
        np.testing.assert_array_equal(values, copied.values[name])
    np.testing.assert_array_equal(
        moved.values["imports_usd"], [[0, 1], [2, 3], [100, 101], [102, 103], [104, 105]]
    )
    assert list(moved.modes) == ["static"] * 2 + ["behavioural"] * 3
    assert moved.rows.ids == ["t0", "t1", "t0", "t1", "t2"]
