"""Compare tariff paths: align scenarios, then difference their results against a reference.

Scenarios are aligned before they are simulated: all are run over the date
range they share and on one reporting step, so their periods match row for
row. Results that were simulated already must share their periods; they are
never cut or resampled here. The frames returned are tidy (one row per
observation) and in the units of :mod:`tariffsim.model.results` ([USD], fractions).
This module does no file I/O and no drawing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tariffsim.comparison.rows import DIFFERENCE_OF as DIFFERENCE_OF
from tariffsim.comparison.rows import TOTAL_COLUMNS as TOTAL_COLUMNS
from tariffsim.comparison.rows import compared_in_currency, totals_records
from tariffsim.errors import TariffsimError, did_you_mean
from tariffsim.model.flows import load_scenario
from tariffsim.model.results import Result
from tariffsim.model.simulation import simulate
from tariffsim.scenario.schema import Horizon, Scenario, Step

if TYPE_CHECKING:
    import pandas as pd

PERIOD_KEYS = ["mode", "tranche", "period_start", "period_end"]


@dataclass(frozen=True)
class Alignment:
    """How a set of scenarios was aligned.

    Attributes
    ----------
    start, end : the shared date range, both ends included.
    step : the shared reporting step.
    clipped : names of the scenarios whose own horizon was cut to the shared range.
    """

    start: dt.date
    end: dt.date
    step: Step
    clipped: tuple[str, ...]


def align(scenarios: Sequence[Scenario], step: Step | None = None) -> Alignment:
    """The date range and step on which ``scenarios`` can be compared.

    The range is the intersection of the horizons; it must not be empty. The
    step is ``step`` if given, else the step all scenarios share; scenarios
    with different steps are refused unless ``step`` is given.
    """
    start = max(s.horizon.start for s in scenarios)
    end = min(s.horizon.end for s in scenarios)
    if end < start:
        spans = ", ".join(f"{s.name} {s.horizon.start} to {s.horizon.end}" for s in scenarios)
        raise TariffsimError(
            f"the scenarios' horizons do not overlap ({spans})",
            hint="compare scenarios that cover a common date range",
        )
    steps = {s.horizon.step for s in scenarios}
    if step is None and len(steps) > 1:
        listed = ", ".join(f"{s.name} by {s.horizon.step}" for s in scenarios)
        raise TariffsimError(
            f"the scenarios report on different steps ({listed})",
            field="--step",
            hint="choose one with --step, e.g. --step quarter",
        )
    clipped = tuple(s.name for s in scenarios if (s.horizon.start, s.horizon.end) != (start, end))
    return Alignment(start=start, end=end, step=step or steps.pop(), clipped=clipped)


def on_horizon(scenario: Scenario, alignment: Alignment) -> Scenario:
    """The scenario with its horizon replaced by the aligned one."""
    horizon = Horizon(start=alignment.start, end=alignment.end, step=alignment.step)
    return scenario.model_copy(update={"horizon": horizon})


def simulate_aligned(
    scenarios: Sequence[Scenario], step: Step | None = None, alignment: Alignment | None = None
) -> list[Result]:
    """Simulate each scenario over the shared date range, on one step (aligned here unless
    an ``alignment`` made already is given)."""
    alignment = alignment or align(scenarios, step)
    return [simulate(on_horizon(s, alignment), alignment.step) for s in scenarios]


@dataclass(frozen=True)
class Comparison:
    """Comparable results, their reference and how they were aligned: made once, passed on.

    Attributes
    ----------
    results : the compared results, in the order given; names unique, periods equal.
    reference : the one result the others are differenced against.
    alignment : the shared range and step, when the scenarios were aligned here.
    """

    results: tuple[Result, ...]
    reference: Result
    alignment: Alignment | None = None

    @classmethod
    def of(
        cls,
        results: Sequence[Result],
        reference: str | None = None,
        alignment: Alignment | None = None,
    ) -> Comparison:
        """Check ``results`` are comparable and find the reference (the first by default)."""
        check_comparable(results)
        return cls(tuple(results), reference_result(results, reference), alignment)

    def _repr_html_(self) -> str:
        """A notebook's view: totals per path and mode [billion USD] and the differences to
        the reference (no dollar sign: notebooks read text between two as mathematics)."""
        import html

        import pandas as pd

        frame = totals_frame(self.results, self.reference)
        shown = pd.DataFrame(
            {
                "path": frame["scenario"],
                "mode": frame["mode"],
                "additional duty": frame["additional_duty_usd"] / 1e9,
                "Δ additional": frame["additional_duty_difference_usd"] / 1e9,
                "Δ %": frame["additional_duty_relative_difference"] * 100,
                "total duty": frame["total_duty_usd"] / 1e9,
                "Δ total": frame["total_duty_difference_usd"] / 1e9,
            }
        )
        h = self.reference.scenario.horizon
        table: str = shown.to_html(
            index=False, float_format=lambda v: f"{v:,.2f}", na_rep="-", border=0
        )
        return (
            f"<div><p>Compared over {h.start} to {h.end}; reference:"
            f" <b>{html.escape(self.reference.name)}</b>. Billion USD; Δ % of the"
            " reference.</p>" + table + "</div>"
        )


def prepare(
    scenarios: Sequence[Scenario], reference: str | None = None, step: Step | None = None
) -> Comparison:
    """Align ``scenarios`` once, simulate them on the shared range and make the comparison."""
    alignment = align(scenarios, step)
    return Comparison.of(simulate_aligned(scenarios, alignment=alignment), reference, alignment)


def check_comparable(results: Sequence[Result]) -> None:
    """Refuse results whose names repeat or whose periods differ."""
    if not results:
        raise TariffsimError("nothing to compare", hint="give at least one scenario")
    names = [r.name for r in results]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise TariffsimError(
            f"scenario name '{repeated[0]}' appears more than once",
            hint="each compared scenario needs its own name",
        )
    first = results[0]
    for r in results[1:]:
        if _periods(r) != _periods(first):
            raise TariffsimError(
                f"'{r.name}' and '{first.name}' were simulated on different periods "
                f"({r.step} from {_span(r)}; {first.step} from {_span(first)})",
                hint="pass the scenarios instead of results, so they are aligned",
            )


def reference_result(results: Sequence[Result], reference: str | None) -> Result:
    """The result named ``reference``; the first one when ``reference`` is None."""
    if reference is None:
        return results[0]
    for r in results:
        if r.name == reference:
            return r
    names = [r.name for r in results]
    hint = did_you_mean(reference, names) or f"choose one of: {', '.join(names)}"
    raise TariffsimError(
        f"no compared scenario is named '{reference}'", field="--reference", hint=hint
    )


def compare(
    items: Sequence[Result | Scenario | str | Path],
    reference: str | None = None,
    step: Step | None = None,
) -> pd.DataFrame:
    """Totals per scenario and mode, with their differences to a reference scenario.

    Parameters
    ----------
    items : results, or scenarios or scenario files (simulated here over their shared range).
        Mixing the two is allowed only when the results already match the
        aligned periods.
    reference : name of the reference scenario; the first item by default.
    step : reporting step for the scenarios simulated here.

    Returns
    -------
    pandas.DataFrame
        One row per scenario × mode, in the order given: ``scenario``, ``title``,
        ``mode``, ``reference`` (its name), ``start``, ``end``, ``step``, the totals
        ``imports_usd``, ``additional_duty_usd``, ``base_duty_usd``,
        ``total_duty_usd`` [USD], ``run_rate_additional_usd`` [USD/year], and for
        additional and total duty ``*_difference_usd`` [USD] and
        ``*_relative_difference`` [1] (NaN where the reference is zero or lacks
        that mode).

    Notes
    -----
    For scenario s, mode m and reference r: ``Δ = D(s, m) − D(r, m)`` and
    ``Δ / D(r, m)``. A scenario compared with itself differs by exactly zero.
    """
    results = as_results(items, step)
    return totals_frame(results, reference_result(results, reference))


def as_results(
    items: Sequence[Result | Scenario | str | Path], step: Step | None = None
) -> list[Result]:
    """Results for ``items``: files are loaded, scenarios simulated on their aligned horizon."""
    loaded = [load_scenario(i) if isinstance(i, (str, Path)) else i for i in items]
    scenarios = [i for i in loaded if isinstance(i, Scenario)]
    simulated = iter(simulate_aligned(scenarios, step) if scenarios else [])
    results = [next(simulated) if isinstance(i, Scenario) else i for i in loaded]
    check_comparable(results)
    return results


def totals_frame(
    results: Sequence[Result], reference: Result, importer: str | None = None
) -> pd.DataFrame:
    """The rows of :func:`compare` for results that are already comparable.

    Duties of two importers are never added: where the results hold several importers the
    rows come per importer, marked by an ``importer`` column (second), unless ``importer``
    picks one.
    """
    import pandas as pd

    return pd.DataFrame(totals_records(results, reference, importer))


def period_differences(results: Sequence[Result], reference: Result) -> pd.DataFrame:
    """Per-tranche × per-period rows of every result, with the reference's values beside them.

    Returns
    -------
    pandas.DataFrame
        The columns of ``Result.periods`` plus ``reference``,
        ``reference_additional_duty_usd``, ``reference_total_duty_usd`` [USD],
        ``additional_duty_difference_usd`` and ``total_duty_difference_usd`` [USD].
        A tranche present in only one of the two counts as zero duty in the
        other; a mode the reference lacks leaves the reference columns NaN.
    """
    import pandas as pd

    ref = _plain(reference.periods[[*PERIOD_KEYS, "label", *DIFFERENCE_OF]]).rename(
        columns={c: f"reference_{c}" for c in ["label", *DIFFERENCE_OF]}
    )
    ref_modes = set(ref["mode"])
    frames = []
    for r in results:
        # the reference's rows of a mode this result lacks would read as zero duty: drop them
        own = ref[ref["mode"].isin(set(r.periods["mode"]))]
        merged = _plain(r.periods).merge(own, on=PERIOD_KEYS, how="outer", sort=False)
        only_ref = merged["scenario"].isna()
        merged.loc[only_ref, "label"] = merged.loc[only_ref, "reference_label"]
        merged["scenario"] = r.name
        present = merged["mode"].isin(ref_modes)
        for column in DIFFERENCE_OF:
            merged[column] = merged[column].fillna(0.0)
            merged.loc[present, f"reference_{column}"] = merged.loc[
                present, f"reference_{column}"
            ].fillna(0.0)
            stem = column.removesuffix("_usd")
            merged[f"{stem}_difference_usd"] = merged[column] - merged[f"reference_{column}"]
        merged.insert(1, "reference", reference.name)
        merged = merged.drop(columns="reference_label")
        # static rows first, as run writes them (the merge put them in sorted order)
        merged = merged.sort_values(
            "mode", key=lambda m: m != "static", kind="stable", ignore_index=True
        )
        money = {c: merged[c].to_numpy(dtype=float) for c in merged.columns if c.endswith("_usd")}
        stated, theirs = r.extra.get("currency"), reference.extra.get("currency")
        for name, values in compared_in_currency(money, stated, theirs).items():
            merged[name] = values
        frames.append(merged)
    return pd.concat(frames, ignore_index=True)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its categorical text columns as plain text: rows of two results are
    merged and filled across, which categoricals of different categories refuse."""
    import pandas as pd

    text = {
        c: frame[c].cat.categories.dtype
        for c in frame.columns
        if isinstance(frame[c].dtype, pd.CategoricalDtype)
    }
    return frame.astype(text) if text else frame


def _periods(result: Result) -> list[tuple[object, object]]:
    a = result.arrays
    if not len(a.modes):
        return []
    return list(zip(a.starts.tolist(), a.ends.tolist(), strict=True))


def _span(result: Result) -> str:
    h = result.scenario.horizon
    return f"{h.start} to {h.end}"
