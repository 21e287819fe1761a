"""tariffsim: what will these tariffs cost, and how does that change if talks escalate, hold
or reach a ceasefire?

The public API is small: load a scenario, simulate it, and (from the modules
named below) compare and plot. Names are imported on first use so that
``import tariffsim`` and the CLI start fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_scenario": "tariffsim.scenario",
    "simulate": "tariffsim.simulation",
    "Scenario": "tariffsim.schema",
    "Result": "tariffsim.results",
    "TariffsimError": "tariffsim.errors",
    "plot_tranche_duty": "tariffsim.plotting",
    "compare": "tariffsim.comparison",
    "plot_comparison": "tariffsim.charts.compare",
    "plot_chart": "tariffsim.charts.compare",
    "save_figure": "tariffsim.plotting",
    "load_measures": "tariffsim.coverage",
    "LedgerReader": "tariffsim.ledger",
    "price_ledger": "tariffsim.exposure",
    "average_tariff_series": "tariffsim.aggregates",
    "yearly_totals": "tariffsim.aggregates",
    "run_backtest": "tariffsim.backtest",
    "load_outlook": "tariffsim.outlook",
    "sweep": "tariffsim.montecarlo",
    "summarise": "tariffsim.stats",
    "plot_sweep": "tariffsim.fanchart",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # re-exported names, for type checkers and editors
    from tariffsim.aggregates import average_tariff_series as average_tariff_series
    from tariffsim.aggregates import yearly_totals as yearly_totals
    from tariffsim.backtest import run_backtest as run_backtest
    from tariffsim.charts.compare import plot_chart as plot_chart
    from tariffsim.charts.compare import plot_comparison as plot_comparison
    from tariffsim.comparison import compare as compare
    from tariffsim.coverage import load_measures as load_measures
    from tariffsim.errors import TariffsimError as TariffsimError
    from tariffsim.exposure import price_ledger as price_ledger
    from tariffsim.fanchart import plot_sweep as plot_sweep
    from tariffsim.ledger import LedgerReader as LedgerReader
    from tariffsim.montecarlo import sweep as sweep
    from tariffsim.outlook import load_outlook as load_outlook
    from tariffsim.plotting import plot_tranche_duty as plot_tranche_duty
    from tariffsim.plotting import save_figure as save_figure
    from tariffsim.results import Result as Result
    from tariffsim.scenario import load_scenario as load_scenario
    from tariffsim.schema import Scenario as Scenario
    from tariffsim.simulation import simulate as simulate
    from tariffsim.stats import summarise as summarise


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'tariffsim' has no attribute {name!r}")
