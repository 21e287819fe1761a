"""Which measures cover a ledger line, and the stacked rate it pays on a date.

A scenario's measures (and its tranches, each read as a measure of its own) on
product lines: each covers the HTS prefixes in its ``products`` (with the
scenario's membership lists), from its origins into the importer. A catch-all
is written, never implied:
``products: all`` covers every product from the exporter, ``products: rest``
every product no listed measure on that exporter covers; a measure with no
prefixes anywhere is refused.
This module compiles a scenario into small lookup tables, so that pricing a
line is a few array gathers:

    line → (product class, exporter class, date segment) → key
    key  → additional rate, base rate, and the share of each measure

A *product class* is a set of measures that cover the same HTS keys; an
*exporter class* a set of countries every measure treats alike (origins and
rates by origin) on every date segment; a *date segment* an interval between two
consecutive days on which any step takes effect or a named group changes members.
On one key, every measure's rate is constant, so stacking
(:func:`tariffsim.model.stack.stack`, the one implementation ``run`` shares) is
done once per key. Reading the scenario and membership files is the only file
I/O here; no ledger reading (:mod:`tariffsim.ledger.reader`) and no aggregation
(:mod:`tariffsim.ledger.pricing`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from tariffsim._types import BoolArray, FloatArray, IntArray
from tariffsim.errors import TariffsimError
from tariffsim.ledger.editions import read_editions
from tariffsim.ledger.forms import KeyForms
from tariffsim.model import duty_forms, measure_rates
from tariffsim.model.coverage import Columns, columns_of, fill_rest, importers, product_cover
from tariffsim.model.stack import Stacked, base_columns, largest_owner, stack
from tariffsim.model.timeline import day_number
from tariffsim.scenario.duty_rates import BASE_UNITS
from tariffsim.scenario.memberships import (
    MAX_MEMBERSHIP_BYTES,
    list_names,
    memberships_path,
    read_memberships,
)
from tariffsim.scenario.mfn_file import mfn_file_path
from tariffsim.scenario.schema import Scenario
from tariffsim.scenario.validation import locate_error, read_scenario

__all__ = ["Measures", "compile_measures", "load_measures", "read_memberships"]

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Measures:
    """A scenario compiled for pricing ledger lines, for one importer.

    Attributes
    ----------
    scenario : the scenario compiled.
    importer : ISO code of the importing country whose ledger is priced.
    ids, labels, authorities : per measure (tranche), shape (M,); a measure
        without an ``authority`` is an authority of its own.
    segment_start : first HTS key of each product segment, shape (Kp,).
    segment_class : product class of each segment, shape (Kp,).
    exporter_class : country of origin → exporter class (``other_class``: no measure names it).
    n_exporter_classes : number of exporter classes, with class 0.
    change_days : sorted schedule dates of all measures [day number], shape (T,).
    covers : whether measure m covers key k, shape (K, M).
    additional_rate : stacked additional rate on key k [fraction], shape (K,).
    additional_share : measure m's part of ``additional_rate`` [fraction], (K, M).
    base_rate : base (MFN) rate on key k [fraction], shape (K,).
    base_share : measure m's part of ``base_rate`` [fraction], shape (K, M): a tranche's
        base rate (the largest of the covering tranches') and ``mfn`` measures.
    stacked : the stack on every key (:func:`tariffsim.model.stack.stack`), for the
        reasons a line pays what it pays.
    columns : the measures as compiled (:mod:`tariffsim.model.coverage`).
    other_class : the exporter class of countries no measure names.
    hts_editions : the HTS editions its membership file states (``hts_edition`` column).
    forms : the duty forms of each measure on each key, for pricing line by line
        (:class:`tariffsim.ledger.forms.KeyForms`).
    mfn_file : the MFN file the scenario names (``mfn_file:``), resolved; None without one.
    """

    scenario: Scenario
    importer: str
    ids: list[str]
    labels: list[str]
    authorities: list[str]
    segment_start: IntArray
    segment_class: IntArray
    exporter_class: dict[str, int]
    n_exporter_classes: int
    change_days: IntArray
    covers: BoolArray
    additional_rate: FloatArray
    additional_share: FloatArray
    base_rate: FloatArray
    base_share: FloatArray
    stacked: Stacked
    columns: Columns
    other_class: int = 0
    hts_editions: tuple[str, ...] = ()
    forms: KeyForms | None = None
    mfn_file: Path | None = None

    @property
    def n_keys(self) -> int:
        return int(self.additional_rate.size)

    @property
    def covered(self) -> BoolArray:
        """Whether any measure covers key k, shape (K,)."""
        return np.asarray(self.covers.any(axis=1))

    def product_classes(self, keys: IntArray) -> IntArray:
        """Product class of HTS keys (:func:`tariffsim.scenario.hts.code_keys`)."""
        segment = np.searchsorted(self.segment_start, keys, side="right") - 1
        return self.segment_class[segment]

    def exporter_classes(self, countries: list[str]) -> IntArray:
        """Exporter class of ISO country codes (0 for a country no measure names)."""
        return np.array(
            [self.exporter_class.get(c, self.other_class) for c in countries], dtype=np.int64
        )

    def keys(self, combo_class: IntArray, days: IntArray) -> IntArray:
        """Keys of lines from their (product × exporter) class and entry day.

        ``combo_class = product_class · n_exporter_classes + exporter_class``.
        """
        segment = np.searchsorted(self.change_days, days, side="right")
        return combo_class * (self.change_days.size + 1) + segment


def load_measures(
    path: str | Path,
    importer: str | None = None,
    memberships: str | Path | None = None,
    encoding: str | None = None,
) -> Measures:
    """Read a scenario file and its membership file, and compile it for a ledger.

    Parameters
    ----------
    path : the scenario YAML file.
    importer : the ledger's importing country; by default the scenario's only one.
    memberships : a membership CSV used instead of the one the scenario names.
    encoding : the membership CSV's encoding when it is not UTF-8.
    """
    scenario, document = read_scenario(path)
    try:
        target = memberships_path(scenario, document, memberships)
        lists = {} if target is None else read_memberships(target, list_names(scenario), encoding)
        measures = compile_measures(scenario, lists, importer)
        mfn = mfn_file_path(scenario, document)
    except TariffsimError as exc:
        raise locate_error(exc, document) from None
    editions = (
        tuple(read_editions(target, encoding, MAX_MEMBERSHIP_BYTES)) if target is not None else ()
    )
    return replace(measures, hts_editions=editions, mfn_file=mfn)


def compile_measures(
    scenario: Scenario,
    memberships: dict[str, list[str]] | None = None,
    importer: str | None = None,
) -> Measures:
    """Lay a scenario's measures out as lookup tables (see the module docstring)."""
    importer = _importer(scenario, importer)
    cols = columns_of(scenario, importer, memberships or {})
    _check_products(cols)
    columns = cols.columns
    segment_start, segment_covers = product_cover([c.products for c in columns])
    fill_rest(columns, segment_covers)
    product_sets, segment_class = np.unique(segment_covers, axis=0, return_inverse=True)

    changes = cols.change_days()
    change_days = np.array([day_number(d) for d in changes], dtype=np.int64)
    days = [changes[0] - _DAY, *changes] if changes else [scenario.horizon.start]
    origins = _origin_classes(cols, days)
    # key = (product class · n_origin_classes + origin class) · n_segments + segment
    reach = (product_sets[:, None, None, :] & origins.reach[None, :, :, :]).reshape(
        -1, len(columns)
    )
    in_force = np.broadcast_to(
        origins.in_force[None, :, :, :], (product_sets.shape[0], *origins.in_force.shape)
    ).reshape(-1, len(columns))
    rates = np.broadcast_to(
        origins.rate[None, :, :, :], (product_sets.shape[0], *origins.rate.shape)
    ).reshape(-1, len(columns))
    stacked = stack(reach & in_force, rates, cols.authorities, cols.within, cols.rules)
    base_column = base_columns(cols.authorities)
    tranche = np.array([c.tranche for c in columns], dtype=np.bool_)
    base = np.array([c.base_rate for c in columns], dtype=np.float64)
    owner = largest_owner(reach & tranche, np.broadcast_to(base, reach.shape))
    base_share = owner * base + np.where(base_column, stacked.component, 0.0)
    additional_share = duty_forms.all_in_components(
        np.where(base_column, 0.0, stacked.component),
        stacked.applied,
        base_share.sum(axis=1),
        *(
            np.broadcast_to(a[None], (product_sets.shape[0], *a.shape)).reshape(-1, len(columns))
            for a in (origins.floor, origins.cap)
        ),
    )

    def per_key(a: np.ndarray) -> np.ndarray:
        return np.broadcast_to(a[None], (product_sets.shape[0], *a.shape)).reshape(-1, len(columns))

    forms = KeyForms(
        rate=per_key(origins.raw),
        specific=per_key(origins.specific),
        unit=per_key(origins.unit),
        floor=per_key(origins.floor),
        cap=per_key(origins.cap),
        value_share=np.array([np.nan if c.value_share is None else c.value_share for c in columns]),
        min_share=np.array([np.nan if c.min_share is None else c.min_share for c in columns]),
        refunded=np.array([_refunded(scenario, c.id, c.tranche) for c in columns], dtype=bool),
    )
    return Measures(
        scenario=scenario,
        importer=importer,
        ids=cols.ids,
        labels=[c.label for c in columns],
        authorities=cols.authorities,
        segment_start=segment_start,
        segment_class=np.asarray(segment_class, dtype=np.int64).ravel(),
        exporter_class=origins.of_country,
        n_exporter_classes=origins.n_classes,
        other_class=origins.other,
        change_days=change_days,
        covers=reach,
        additional_rate=additional_share.sum(axis=1),
        additional_share=additional_share,
        base_rate=base_share.sum(axis=1),
        base_share=base_share,
        stacked=stacked,
        columns=cols,
        forms=forms,
    )


def _refunded(scenario: Scenario, mid: str, tranche: bool) -> bool:
    """Whether the measure (or tranche) ``mid`` is invalidated with a ``refund`` block."""
    found = scenario.tranches.get(mid) if tranche else scenario.measures.get(mid)
    return found is not None and found.refund is not None and found.invalidated is not None


@dataclass(frozen=True)
class _Origins:
    """Countries grouped into classes that every measure treats alike on every segment.

    ``reach`` (O, S, M): class o is among measure m's origins on segment s;
    ``in_force`` (O, S, M): m has a step in force; ``rate`` (O, S, M) its rate there, on
    the measure's value share; ``raw`` (O, S, M): the rate before the value share;
    ``specific``, ``unit`` (O, S, M): the step's specific part [USD per unit] and its unit
    (index into ``BASE_UNITS``, −1 none); ``floor``, ``cap`` (O, S, M): the step's all-in
    floor and cap [fraction], NaN where it has none.
    """

    of_country: dict[str, int]
    other: int
    n_classes: int
    reach: BoolArray
    in_force: BoolArray
    rate: FloatArray
    floor: FloatArray
    cap: FloatArray
    raw: FloatArray
    specific: FloatArray
    unit: IntArray


def _origin_classes(cols: Columns, days: list[dt.date]) -> _Origins:
    """Class every named country (and 'any other country') by what each measure does to it."""
    columns = cols.columns
    resolved = [[c.origins.resolve(cols.groups, d) for d in days] for c in columns]
    named: set[str] = set()
    for m, c in enumerate(columns):
        for s, day in enumerate(days):
            named |= resolved[m][s].members
            step = c.step_on(day)
            for key in step.by_origin if step else ():
                named |= cols.groups.members(key, day) if cols.groups.is_group(key) else {key}
    countries = ["", *sorted(named)]  # "" stands for every country no measure names
    shape = (len(countries), len(days), len(columns))
    reach = np.zeros(shape, dtype=np.bool_)
    in_force = np.zeros(shape, dtype=np.bool_)
    rate = np.zeros(shape)
    floor = np.full(shape, np.nan)
    cap = np.full(shape, np.nan)
    raw = np.zeros(shape)
    specific = np.zeros(shape)
    unit = np.full(shape, -1, dtype=np.int64)
    for m, c in enumerate(columns):
        share = measure_rates.column_share(c.value_share, c.min_share)
        for s, day in enumerate(days):
            step = c.step_on(day)
            for i, country in enumerate(countries):
                reach[i, s, m] = country in resolved[m][s]
                if step is not None:
                    in_force[i, s, m] = True
                    raw[i, s, m] = c.rate_for(step, country, day, cols.groups)
                    rate[i, s, m] = raw[i, s, m] * share
                    if step.unit is not None:
                        specific[i, s, m] = step.specific
                        unit[i, s, m] = BASE_UNITS.index(step.unit)
                    if step.all_in_floor is not None:
                        floor[i, s, m] = step.all_in_floor
                    if step.all_in_cap is not None:
                        cap[i, s, m] = step.all_in_cap
    signature = np.concatenate(
        [
            reach.reshape(len(countries), -1),
            in_force.reshape(len(countries), -1),
            rate.reshape(len(countries), -1),
            np.nan_to_num(floor, nan=-1.0).reshape(len(countries), -1),
            np.nan_to_num(cap, nan=-1.0).reshape(len(countries), -1),
            specific.reshape(len(countries), -1),
        ],
        axis=1,
    )
    _, first, klass = np.unique(signature, axis=0, return_index=True, return_inverse=True)
    klass = np.asarray(klass).ravel()
    return _Origins(
        of_country={c: int(klass[i]) for i, c in enumerate(countries) if c},
        other=int(klass[0]),
        n_classes=int(first.size),
        reach=reach[first],
        in_force=in_force[first],
        rate=rate[first],
        floor=floor[first],
        cap=cap[first],
        raw=raw[first],
        specific=specific[first],
        unit=unit[first],
    )


def _check_products(cols: Columns) -> None:
    """A tranche or measure that names no products is refused, not read as a catch-all."""
    for c in cols.columns:
        if (
            c.products.scope == "listed"
            and c.products.include is not None
            and not c.products.include
        ):
            kind = "tranche" if c.tranche else "measure"
            raise TariffsimError(
                f"{kind} '{c.id}' names no products",
                field=".".join((*c.path, "products")),
                hint=f"pass --memberships FILE or give the {kind} `products:`: HTS prefixes, "
                "'all' or 'rest'; see docs/ledger.md",
            )


def _importer(scenario: Scenario, importer: str | None) -> str:
    found = importers(scenario)
    if importer is None:
        if len(found) > 1:
            raise TariffsimError(
                f"scenario '{scenario.name}' has measures of several importers "
                f"({', '.join(found)})",
                hint="name the ledger's importer with --importer",
            )
        return found[0]
    code = importer.strip().upper()
    if code not in found:
        raise TariffsimError(
            f"scenario '{scenario.name}' has no measure or tranche imported by '{importer}'",
            field="--importer",
            hint=f"its importers: {', '.join(found)}",
        )
    return code
