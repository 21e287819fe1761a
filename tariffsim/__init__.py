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
    "load_scenario": "tariffsim.model.flows",
    "simulate": "tariffsim.model.simulation",
    "Scenario": "tariffsim.scenario.schema",
    "Result": "tariffsim.model.results",
    "TariffsimError": "tariffsim.errors",
    "plot_tranche_duty": "tariffsim.run.chart",
    "compare": "tariffsim.comparison.compute",
    "plot_comparison": "tariffsim.comparison.chart",
    "plot_chart": "tariffsim.comparison.chart",
    "save_figure": "tariffsim.outputs.files",
    "load_measures": "tariffsim.ledger.coverage",
    "LedgerReader": "tariffsim.ledger.reader",
    "price_ledger": "tariffsim.ledger.pricing",
    "average_tariff_series": "tariffsim.model.aggregates",
    "authority_series": "tariffsim.model.aggregates",
    "refund_years": "tariffsim.model.aggregates",
    "yearly_totals": "tariffsim.model.aggregates",
    "run_backtest": "tariffsim.history.backtest",
    "load_outlook": "tariffsim.uncertainty.outlook",
    "sweep": "tariffsim.uncertainty.sweep",
    "summarise": "tariffsim.uncertainty.stats",
    "plot_sweep": "tariffsim.uncertainty.chart",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # re-exported names, for type checkers and editors
    from tariffsim.comparison.chart import plot_chart as plot_chart
    from tariffsim.comparison.chart import plot_comparison as plot_comparison
    from tariffsim.comparison.compute import compare as compare
    from tariffsim.errors import TariffsimError as TariffsimError
    from tariffsim.history.backtest import run_backtest as run_backtest
    from tariffsim.ledger.coverage import load_measures as load_measures
    from tariffsim.ledger.pricing import price_ledger as price_ledger
    from tariffsim.ledger.reader import LedgerReader as LedgerReader
    from tariffsim.model.aggregates import authority_series as authority_series
    from tariffsim.model.aggregates import average_tariff_series as average_tariff_series
    from tariffsim.model.aggregates import refund_years as refund_years
    from tariffsim.model.aggregates import yearly_totals as yearly_totals
    from tariffsim.model.flows import load_scenario as load_scenario
    from tariffsim.model.results import Result as Result
    from tariffsim.model.simulation import simulate as simulate
    from tariffsim.outputs.files import save_figure as save_figure
    from tariffsim.run.chart import plot_tranche_duty as plot_tranche_duty
    from tariffsim.scenario.schema import Scenario as Scenario
    from tariffsim.uncertainty.chart import plot_sweep as plot_sweep
    from tariffsim.uncertainty.outlook import load_outlook as load_outlook
    from tariffsim.uncertainty.stats import summarise as summarise
    from tariffsim.uncertainty.sweep import sweep as sweep


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'tariffsim' has no attribute {name!r}")
