"""Flows priced by the stack of measures, as rows every command runs.

``run``, ``compare``, ``sweep`` and ``backtest`` work on rows with a rate path
(tranches). A flow becomes one such row: on each date segment (between two days
on which any step takes effect or a group changes members) the measures covering
the flow are stacked by :func:`tariffsim.model.stack.stack`, and the stacked rate
becomes the row's schedule; ``mfn`` measures give its base rate. A tranche stays a
row with its own rates ("a flow with its own measure"). Two flows (or two tranches
that declare products) of one importer holding the same products from the same
exporter would count those imports twice, and are refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tariffsim.errors import TariffsimError
from tariffsim.model import measure_rates
from tariffsim.model.coverage import (
    Column,
    Columns,
    Lists,
    Products,
    columns_of,
    product_cover,
    product_prefixes,
)
from tariffsim.model.stack import BASE_AUTHORITY, Stacked, base_columns, by_authority, stack
from tariffsim.scenario import hts
from tariffsim.scenario.groups import Groups, OriginSet, OriginSpec
from tariffsim.scenario.memberships import scenario_lists
from tariffsim.scenario.mfn_file import MfnSchedule, scenario_mfn
from tariffsim.scenario.quantities import Flow, Rate
from tariffsim.scenario.schema import Scenario, ScheduleStep, Tranche
from tariffsim.scenario.validation import locate_error, read_scenario
from tariffsim.scenario.weights import Weights, flow_weights
from tariffsim.scenario.yamlfile import collector_paused

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class FlowStack:
    """The stack over one flow, segment by segment.

    Attributes
    ----------
    flow : the row's id (the flow's id, or ``flow[k]`` for a class of a weighted flow).
    days : first day of each date segment (the first segment starts a day before
        the first change, standing for all earlier days), shape (S,).
    columns : the importer's measures.
    stacked : the stack on each segment (keys = segments).
    part : the row's flow, products and share of the flow's value.
    """

    flow: str
    days: list[dt.date]
    columns: Columns
    stacked: Stacked
    part: Part | None = None

    def additional(self) -> np.ndarray:
        """The additional rate (every authority but ``mfn``) on each segment [fraction]."""
        extra = [c.authority != BASE_AUTHORITY for c in self.columns.columns]
        return np.asarray(self.stacked.component[:, extra].sum(axis=1))

    def base(self) -> np.ndarray:
        """The base (``mfn``) rate on each segment [fraction]: the MFN file's for a product
        class of a weighted flow when the scenario names one, else the ``mfn`` measures'."""
        if self.part is not None and self.part.mfn_rate is not None:
            return np.full(len(self.days), self.part.mfn_rate)
        base = [c.authority == BASE_AUTHORITY for c in self.columns.columns]
        return np.asarray(self.stacked.component[:, base].sum(axis=1))


def load_scenario(path: str | Path, overrides: Sequence[str] = ()) -> Scenario:
    """Read and validate a scenario, with its flows laid out as rows to run.

    ``overrides`` are ``--set key.path=value`` texts, checked as if written in the file.

    Raises
    ------
    TariffsimError
        for anything wrong, located to its file and line.
    """
    scenario, document = read_scenario(path, overrides)
    try:
        with collector_paused():
            lists = scenario_lists(scenario, document) if _names_lists(scenario) else {}
            return as_rows(
                scenario, lists, flow_weights(scenario, document), scenario_mfn(scenario, document)
            )
    except TariffsimError as exc:
        raise locate_error(exc, document) from None


def _names_lists(scenario: Scenario) -> bool:
    return any(m.products.list_names() for m in scenario.measures.values()) or any(
        f.products.list_names() for f in scenario.flows.values()
    )


def as_rows(
    scenario: Scenario,
    lists: Lists | None = None,
    weights: dict[str, Weights] | None = None,
    mfn_rates: MfnSchedule | None = None,
) -> Scenario:
    """The scenario with each flow added as a tranche whose rates are its stack.

    A flow with product weights becomes one row per product class (the lines every
    measure treats alike), ``flow[1]``, ``flow[2]``, …, each with its share of the value;
    with ``mfn_rates`` (the scenario's ``mfn_file``) each such row's base rate is the
    value-weighted MFN of its lines. A scenario without flows comes back as it is (after
    the overlap check).
    """
    lists = lists or {}
    weights = weights or {}
    check_overlaps(scenario, lists, weights)
    if not scenario.flows:
        return scenario
    for importer in {m.importer for m in scenario.measures.values()}:
        clash = [t for t, tr in scenario.tranches.items() if tr.importer == importer]
        if clash:
            raise TariffsimError(
                f"tranche '{clash[0]}' and measures of importer {importer} in one file: the "
                "measures would not apply to the tranche",
                field=f"tranches.{clash[0]}",
                hint="write the tranche as a flow (see 'From tranches to measures' in "
                "docs/scenario-format.md)",
            )
    rows = dict(scenario.tranches)
    parts = {}
    for pid, fs in flow_stacks(scenario, lists, weights, mfn_rates).items():
        rows[pid] = _row(scenario, fs)
        parts[pid] = _authority_parts(fs)
    return scenario.model_copy(update={"tranches": rows, "authority_parts": parts})


def _authority_parts(fs: FlowStack) -> dict[str, tuple[tuple[dt.date, float], ...]]:
    """Each additional authority's part of the flow's rate, as (day, rate) steps on changes."""
    found: dict[str, tuple[tuple[dt.date, float], ...]] = {}
    for authority, rates in by_authority(fs.stacked.component, fs.columns.authorities).items():
        if authority == BASE_AUTHORITY:
            continue
        steps = [
            (fs.days[s], float(rates[s]))
            for s in range(1, len(fs.days))
            if rates[s] != rates[s - 1]
        ]
        found[authority] = tuple(steps)
    return found


@dataclass(frozen=True)
class Part:
    """A row laid out from a flow: all of it, or one product class of a weighted flow.

    Attributes
    ----------
    id : the row's id: the flow's id, or ``flow[k]`` for the k-th class of a weighted flow.
    flow : the flow's id.
    products : the products the row holds.
    share : its share of the flow's value [fraction].
    weighted : whether its products come from a weights file.
    mfn_rate : the value-weighted MFN of its lines from the scenario's MFN file [fraction];
        None: the ``mfn`` measures' rate.
    covered_by : for a class of a weighted flow, the ids of the measures above MFN that
        cover its lines (``"list1 + list3"``; ``"not covered"``); empty for a whole flow.
    """

    id: str
    flow: str
    products: Products
    share: float = 1.0
    weighted: bool = False
    mfn_rate: float | None = None
    covered_by: str = ""


def flow_stacks(
    scenario: Scenario,
    lists: Lists | None = None,
    weights: dict[str, Weights] | None = None,
    mfn_rates: MfnSchedule | None = None,
) -> dict[str, FlowStack]:
    """The stack over every row laid out from the scenario's flows, by row id."""
    lists = lists or {}
    by_importer = {
        importer: columns_of(scenario, importer, lists, tranches=False)
        for importer in dict.fromkeys(f.importer for f in scenario.flows.values())
    }
    out: dict[str, FlowStack] = {}
    for importer, cols in by_importer.items():
        fids = [fid for fid, f in scenario.flows.items() if f.importer == importer]
        parts = flow_parts(scenario, fids, cols, lists, weights or {}, mfn_rates)
        covered = _product_coverage(parts, cols)
        changes = cols.change_days()
        days = [changes[0] - _DAY, *changes] if changes else [scenario.horizon.start]
        base = base_columns(cols.authorities)
        for part in parts:
            flow = scenario.flows[part.flow]
            per_usd = measure_rates.quantity_per_usd(flow)
            covers = np.zeros((len(days), len(cols.columns)), dtype=np.bool_)
            rates = np.zeros(covers.shape)
            for s, day in enumerate(days):
                origins = flow.exporter.resolve(cols.groups, day)
                steps: dict[int, ScheduleStep] = {}
                for m, column in enumerate(cols.columns):
                    step = column.step_on(day)
                    if step is None or not covered[part.id][m]:
                        continue
                    if not _origin_cover(part.flow, origins, column, cols, day):
                        continue
                    covers[s, m] = True
                    rates[s, m] = _flow_rate(part.flow, origins, column, step, cols, day)
                    steps[m] = step
                # floors and caps read the MFN the flow pays on the segment (mfn measures add)
                mfn = (
                    float(rates[s, base & covers[s]].sum())
                    if part.mfn_rate is None
                    else part.mfn_rate
                )
                for m, step in steps.items():
                    if not base[m]:
                        column = cols.columns[m]
                        _check_quantity(part.flow, flow.quantity, column, step)
                        rates[s, m] = measure_rates.form_rate(
                            step, rates[s, m], mfn, per_usd, column.value_share, column.min_share
                        )
            stacked = stack(covers, rates, cols.authorities, cols.within, cols.rules)
            out[part.id] = FlowStack(part.id, days, cols, stacked, part)
    order = {fid: i for i, fid in enumerate(scenario.flows)}  # rows in the file's flow order
    return dict(
        sorted(out.items(), key=lambda item: order[item[1].part.flow if item[1].part else item[0]])
    )


def flow_parts(
    scenario: Scenario,
    fids: list[str],
    cols: Columns,
    lists: Lists,
    weights: dict[str, Weights],
    mfn_rates: MfnSchedule | None = None,
) -> list[Part]:
    """The rows of some flows: one per flow, or one per product class of a weighted flow.

    A weighted flow's lines are grouped by the set of measures covering each; each group
    is a row holding those lines and the sum of their weights.
    """
    parts: list[Part] = []
    for fid in fids:
        if fid not in weights:
            products = product_prefixes(scenario.flows[fid].products, lists, _path(fid))
            parts.append(Part(fid, fid, products))
            continue
        lines = weights[fid]
        pattern = _line_patterns([code for code, _ in lines], cols)  # (lines, M)
        classes, which = np.unique(pattern, axis=0, return_inverse=True)
        which = np.asarray(which).ravel()
        for k in range(classes.shape[0]):
            members = [lines[i] for i in np.flatnonzero(which == k)]
            pid = fid if classes.shape[0] == 1 else f"{fid}[{k + 1}]"
            products = Products(tuple(code for code, _ in members))
            mfn_rate = (
                None
                if mfn_rates is None
                else mfn_rates.weighted_ad_valorem([c for c, _ in members], [w for _, w in members])
            )
            share = sum(w for _, w in members)
            covering = [cols.columns[m] for m in np.flatnonzero(classes[k])]
            ids = [c.id for c in covering if c.authority != BASE_AUTHORITY]
            covered = " + ".join(ids) if ids else "not covered"
            parts.append(
                Part(
                    pid, fid, products, share, weighted=True, mfn_rate=mfn_rate, covered_by=covered
                )
            )
    return parts


def _line_patterns(codes: list[str], cols: Columns) -> np.ndarray:
    """Whether each measure covers any part of each line, shape (lines, M).

    Notes
    -----
    The measures cut the HTS key line into segments (K); a line's range ``[low, high)``
    spans the segments ``[first, last)``, and it meets measure m if any of them is
    covered: ``C[last, m] − C[first, m] > 0`` with C the running count of covered
    segments. One pass over the lines, not a (lines × segments) matrix: weights files
    hold some 14,000 HTS-10 lines.
    """
    starts, covers = product_cover([c.products for c in cols.columns])
    running = np.zeros((starts.size + 1, covers.shape[1]), dtype=np.int64)
    np.cumsum(covers, axis=0, out=running[1:])
    ranges = np.array([hts.prefix_range(code) for code in codes], dtype=np.int64).reshape(-1, 2)
    first = np.searchsorted(starts, ranges[:, 0], side="right") - 1
    last = np.searchsorted(starts, ranges[:, 1], side="left")
    return np.asarray((running[last] - running[first]) > 0)


def _path(fid: str) -> tuple[str, ...]:
    return ("flows", fid, "products")


def _product_coverage(parts: list[Part], cols: Columns) -> dict[str, np.ndarray]:
    """Per row: whether each measure covers all its products (or none); partial refused."""
    _, covers = product_cover([*(p.products for p in parts), *(c.products for c in cols.columns)])
    # float matrices: the products go through BLAS (integer matmul has none)
    inside = covers[:, : len(parts)].T.astype(np.float64)  # (P, K)
    measure = covers[:, len(parts) :].astype(np.float64)  # (K, M)
    both = (inside @ measure) > 0
    outside = (inside @ (1 - measure)) > 0
    partial = both & outside
    if partial.any():
        f, m = (int(i[0]) for i in np.nonzero(partial))
        weighted = parts[f].weighted
        raise TariffsimError(
            f"measure '{cols.columns[m].id}' covers some of this flow's products, not all",
            field=".".join((*_path(parts[f].flow), *(("weights",) if weighted else ()))),
            hint="split the flow so each measure covers all of a flow's products or none "
            "(e.g. one flow for the listed products, one for the rest)"
            if not weighted
            else "give the weights file longer HTS codes, each wholly in or out of the measure",
        )
    return {p.id: both[i] for i, p in enumerate(parts)}


def _origin_cover(
    fid: str, origins: OriginSet, column: Column, cols: Columns, day: dt.date
) -> bool:
    hit = column.origins.resolve(cols.groups, day)
    if origins.issubset(hit):
        return True
    if origins.isdisjoint(hit):
        return False
    raise TariffsimError(
        f"measure '{column.id}' hits some of this flow's exporters on {day}, not all "
        f"(it hits {hit.describe()}; the flow holds {origins.describe()})",
        field=f"flows.{fid}.exporter",
        hint="split the flow by exporter so each measure hits all of a flow or none",
    )


def _flow_rate(
    fid: str,
    origins: OriginSet,
    column: Column,
    step: ScheduleStep,
    cols: Columns,
    day: dt.date,
) -> float:
    """The measure's rate on the flow: one rate for all its exporters, else refused."""
    if not step.by_origin:
        return step.rate
    if origins.complement:
        named = OriginSpec(tuple(step.by_origin)).resolve(cols.groups, day)
        if not origins.isdisjoint(named):
            raise _mixed_rates(fid, column, day)
        return step.rate
    found = {column.rate_for(step, c, day, cols.groups) for c in origins.members}
    if len(found) > 1:
        raise _mixed_rates(fid, column, day)
    return found.pop() if found else step.rate


def _check_quantity(fid: str, quantity: Any, column: Column, step: ScheduleStep) -> None:
    """A specific rate on a flow needs the flow's quantity, in the rate's unit."""
    if not step.is_specific:
        return
    if quantity is None:
        raise TariffsimError(
            f"measure '{column.id}' has a specific rate ('{step.text}') on flow '{fid}', "
            "which states no quantity",
            field=f"flows.{fid}",
            hint=f"add e.g. 'quantity: 50 million {step.unit}/year' to the flow",
        )
    if quantity.unit != step.unit:
        raise TariffsimError(
            f"measure '{column.id}' is per {step.unit} but flow '{fid}''s quantity is in "
            f"{quantity.unit}",
            field=f"flows.{fid}.quantity",
            hint="state both by mass, by item or by volume",
        )


def _mixed_rates(fid: str, column: Column, day: dt.date) -> TariffsimError:
    return TariffsimError(
        f"measure '{column.id}' sets different rates for this flow's exporters on {day}",
        field=f"flows.{fid}.exporter",
        hint="split the flow by exporter so each part pays one rate",
    )


def _row(scenario: Scenario, fs: FlowStack) -> Tranche:
    """A flow as a tranche: its stacked additional rate as the schedule, mfn as the base."""
    part = fs.part or Part(fs.flow, fs.flow, Products(None))
    fid = part.flow
    flow = scenario.flows[fid]
    additional, base = fs.additional(), fs.base()
    horizon = scenario.horizon
    inside = [
        s
        for s, day in enumerate(fs.days)
        if day <= horizon.end and (s + 1 == len(fs.days) or fs.days[s + 1] > horizon.start)
    ]
    if np.ptp(base[inside]) > 0:
        raise TariffsimError(
            f"the mfn rate on flow '{fid}' changes within the horizon",
            field=f"flows.{fid}",
            hint="run prices a constant base rate per flow; split the horizon, or price a "
            "ledger with 'tariffsim exposure'",
        )
    schedule: dict[dt.date, ScheduleStep] = {}
    previous = additional[0]
    for s in range(1, len(fs.days)):
        if additional[s] != previous:
            # built, not parsed: a stacked rate above 100 % is a number, not a typo
            schedule[fs.days[s]] = ScheduleStep.model_construct(
                rate=float(additional[s]),
                text=_percent(float(additional[s])),
                announced=_announced(fs, fs.days[s]),
                source=_source(fs, s),
            )
        previous = additional[s]
    base_rate = float(base[inside[0]]) if inside else 0.0
    parts = {
        column.id: [(day, float(fs.stacked.component[s, m])) for s, day in enumerate(fs.days)]
        for m, column in enumerate(fs.columns.columns)
        if not column.tranche
        and scenario.measures[column.id].refund is not None
        and fs.stacked.applied[:, m].any()
    }
    return Tranche.model_construct(
        refund_parts=parts,
        # a class's label names the measures covering it: which row is which list
        label=(flow.label or fid)
        + (f"{part.id[len(fid) :]}: {part.covered_by}" if part.id != fid else ""),
        importer=flow.importer,
        exporter=flow.exporter.text(),
        imports=flow.imports
        if part.share == 1.0
        else Flow.model_construct(
            value=flow.imports.value * part.share,
            text=f"{part.share:.6g} of {flow.imports.text}",
            source=flow.imports.source,
            note=None,
        ),
        base_rate=Rate.model_construct(value=base_rate, text=_percent(base_rate)),
        schedule=schedule,
        exclusions=[],
        source=flow.source,
        note=flow.note,
        products=[],
        authority=None,
        assumptions=flow.assumptions,
    )


def _announced(fs: FlowStack, day: dt.date) -> dt.date | None:
    """The earliest announcement of the steps taking effect on ``day``."""
    found = [
        step.announced
        for c in fs.columns.columns
        for start, step in c.steps
        if start == day and step.announced is not None
    ]
    return min(found) if found else None


def _source(fs: FlowStack, segment: int) -> str | None:
    """The source of the first measure whose paid part changes on the segment's first day."""
    before, now = fs.stacked.component[segment - 1], fs.stacked.component[segment]
    for m in np.flatnonzero(before != now):
        column = fs.columns.columns[int(m)]
        step = column.step_on(fs.days[segment])
        if step is None:
            continue
        own = [r.source for r in step.by_origin.values() if r.value == now[m] and r.source]
        found = own[0] if own else step.source or column.source
        if found:
            return found
    return None


def _percent(rate: float) -> str:
    return f"{rate * 100:.10g} %"


def check_overlaps(
    scenario: Scenario, lists: Lists, weights: dict[str, Weights] | None = None
) -> None:
    """Refuse two flows, or two tranches declaring products, that hold the same imports.

    Raises
    ------
    TariffsimError
        naming both, located at the second.
    """
    rows: list[tuple[str, str, OriginSpec, Products]] = []
    for tid, t in scenario.tranches.items():
        if t.products:
            products = (
                Products(None) if isinstance(t.products, str) else Products(tuple(t.products))
            )
            rows.append((f"tranches.{tid}", t.importer, OriginSpec((t.exporter,)), products))
    for fid, f in scenario.flows.items():
        if weights and fid in weights:
            products = Products(tuple(code for code, _ in weights[fid]))
        else:
            products = product_prefixes(f.products, lists, ("flows", fid, "products"))
        rows.append((f"flows.{fid}", f.importer, f.exporter, products))
    if len(rows) < 2:
        return
    starts, covers = product_cover([r[3] for r in rows])
    groups = Groups(scenario.groups)
    days = sorted(
        {scenario.horizon.start}
        | {
            d
            for d in groups.change_dates(n for r in rows for n in r[2].group_names())
            if scenario.horizon.start <= d <= scenario.horizon.end
        }
    )
    for j in range(1, len(rows)):
        for i in range(j):
            a, b = rows[i], rows[j]
            if a[1] != b[1] or not (covers[:, i] & covers[:, j]).any():
                continue
            if {_kind(scenario, a[0]), _kind(scenario, b[0])} == {"rest", "listed"}:
                continue  # 'rest' is what the listed tranches leave
            if all(a[2].resolve(groups, d).isdisjoint(b[2].resolve(groups, d)) for d in days):
                continue
            shared = int(starts[np.flatnonzero(covers[:, i] & covers[:, j])[0]])
            digits = f"{shared:010d}".rstrip("0")
            digits += "0" * (max(2, len(digits) + len(digits) % 2) - len(digits))
            raise TariffsimError(
                f"'{a[0]}' and '{b[0]}' both hold {b[1]} imports from "
                f"{b[2].text()} of HTS {digits}: run would count them twice",
                field=b[0],
                hint="give each flow its own products (exclude the shared ones from one); "
                "duties of several authorities on one flow are measures, not flows "
                "(see docs/scenario-format.md)",
            )


def _kind(scenario: Scenario, path: str) -> str:
    """'flow', or a tranche's product scope: 'listed', 'all' or 'rest'."""
    block, name = path.split(".", 1)
    if block == "flows":
        return "flow"
    products = scenario.tranches[name].products
    return products if isinstance(products, str) else "listed"


def importers_of(scenario: Scenario) -> list[str]:
    """The importers of a scenario's rows (tranches and flows), in file order."""
    return list(dict.fromkeys(t.importer for t in scenario.tranches.values()))


def for_importer(scenario: Scenario, importer: str | None) -> Scenario:
    """The scenario narrowed to one importer's rows, measures and flows (None: unchanged).

    Raises
    ------
    TariffsimError
        if the scenario has no row imported by ``importer``.
    """
    if importer is None:
        return scenario
    code = importer.strip().upper()
    found = importers_of(scenario)
    if code not in found:
        raise TariffsimError(
            f"scenario '{scenario.name}' has no tranche or flow imported by '{importer}'",
            field="--importer",
            hint=f"its importers: {', '.join(found)}",
        )
    return scenario.model_copy(
        update={
            "tranches": {k: t for k, t in scenario.tranches.items() if t.importer == code},
            "measures": {k: m for k, m in scenario.measures.items() if m.importer == code},
            "flows": {k: f for k, f in scenario.flows.items() if f.importer == code},
        }
    )


def one_importer(scenario: Scenario, command: str) -> None:
    """Refuse a scenario of several importers where ``command`` reports one total.

    US duty on Chinese goods and Chinese duty on US goods are never added into one number.
    """
    found = importers_of(scenario)
    if len(found) > 1:
        raise TariffsimError(
            f"scenario '{scenario.name}' has tranches of several importers ({', '.join(found)}); "
            f"{command} reports one importer's duty at a time",
            field="--importer",
            hint=f"pass --importer {found[0]} (or {', '.join(found[1:])})",
        )


def require_rows(scenario: Scenario, command: str) -> None:
    """Refuse a scenario with nothing ``command`` can price: no tranche and no flow.

    Such a scenario is valid (its measures price a ledger in ``tariffsim exposure``), but
    a run of it would print an empty table and a total of zero.
    """
    if not scenario.tranches:
        what = "measures but no tranche or flow" if scenario.measures else "no tranche or flow"
        raise TariffsimError(
            f"scenario '{scenario.name}' has {what}: {command} has no imports to price",
            field="flows",
            hint="price an import ledger with 'tariffsim exposure FILE --ledger LEDGER', or add "
            "flows (see 'From tranches to measures' in docs/scenario-format.md)",
        )
