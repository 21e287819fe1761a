"""The four shipped paths share their past: day by day through ``tariffsim run``'s CSV.

Every path extends base.yaml, whose facts are those of its ``as_of`` date; whatever a path
decides later cannot change what importers did before it (docs/behaviour.md, B3).
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tariffsim.scenario.validation import load_scenario
from tests.conftest import SCENARIOS

PATHS = ["hold", "escalate", "ceasefire", "deescalate"]
KEY = ["mode", "tranche", "period_start"]


@pytest.fixture(scope="module")
def daily() -> dict[str, pd.DataFrame]:
    """Each path's daily rows, read from the CSV the command prints."""
    frames = {}
    for name in PATHS:
        result = CliRunner().invoke(
            app, ["run", str(SCENARIOS / f"{name}.yaml"), "--step", "day", "-f", "csv"]
        )
        assert result.exit_code == 0, result.stderr
        frame = pd.read_csv(io.StringIO(result.stdout), parse_dates=["period_start"])
        frames[name] = frame.drop(columns="scenario").set_index(KEY).sort_index()
    return frames


def _before(frame: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    return frame[frame.index.get_level_values("period_start") < day]


def _assert_same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert len(a) > 0
    money = [c for c in a.columns if c.endswith("_usd")]
    # to the cent in every money column; the rest (rates, days, labels) exactly
    pd.testing.assert_frame_equal(a[money], b[money], check_exact=False, rtol=0, atol=0.005)
    rest = [c for c in a.columns if c not in money]
    pd.testing.assert_frame_equal(a[rest], b[rest], check_exact=True)


def test_every_path_is_the_same_before_the_as_of_date(daily: dict[str, pd.DataFrame]) -> None:
    as_of = pd.Timestamp(load_scenario(SCENARIOS / "base.yaml").as_of)
    assert all(pd.Timestamp(load_scenario(SCENARIOS / f"{p}.yaml").as_of) == as_of for p in PATHS)
    hold = _before(daily["hold"], as_of)
    # the window before the 1 January rise is bought ahead in the past every path shares
    assert hold["frontloaded_usd"].sum() > 0
    for name in PATHS[1:]:
        _assert_same(hold, _before(daily[name], as_of))


def test_the_ceasefire_stops_buying_ahead_on_the_day_of_the_truce(
    daily: dict[str, pd.DataFrame],
) -> None:
    step = load_scenario(SCENARIOS / "ceasefire.yaml").tranches["list3"].schedule
    truce = pd.Timestamp(step[pd.Timestamp(2019, 1, 1).date()].decided)
    hold, ceasefire = daily["hold"], daily["ceasefire"]
    _assert_same(_before(hold, truce), _before(ceasefire, truce))
    list3 = ("behavioural", "list3")
    shifted = ceasefire.loc[list3, "frontloaded_usd"]
    days = shifted.index
    assert (shifted[(days >= truce) & (days < pd.Timestamp(2019, 1, 1))] == 0).all()
    assert (hold.loc[list3, "frontloaded_usd"][days == truce] > 0).all()
    # what was bought before the truce is not bought again in the quarter after the rise's date
    assert abs(shifted.sum()) < 0.01
