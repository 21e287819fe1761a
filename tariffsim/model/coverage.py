"""A scenario's measures as columns: who they hit, on what products, at what rate, by day.

Both flows (:mod:`tariffsim.model.flows`) and ledger lines
(:mod:`tariffsim.ledger.coverage`) price through these columns and
:func:`tariffsim.model.stack.stack`. A tranche is read as a measure of its own
(origins: its exporter; authority: its ``authority`` or its id). Product sets
become HTS prefixes here (membership lists resolved); origin sets are resolved
day by day, since groups such as ``EU`` change members. No file I/O here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from tariffsim._types import BoolArray
from tariffsim.errors import TariffsimError, did_you_mean
from tariffsim.model.stack import Rule, resolve_rules
from tariffsim.scenario import hts
from tariffsim.scenario.groups import Groups, OriginSpec
from tariffsim.scenario.measures import ProductSet, is_prefix
from tariffsim.scenario.schema import Scenario
from tariffsim.scenario.steps import ScheduleStep, applied_steps

Lists = Mapping[str, Sequence[str]]
"""Membership lists: name → HTS prefixes (normalised digits)."""


@dataclass(frozen=True)
class Products:
    """A product set as prefixes: ``include`` (None: every product) minus ``exclude``."""

    include: tuple[str, ...] | None
    exclude: tuple[str, ...] = ()
    scope: str = "listed"
    """'listed', or a tranche's catch-all 'all' / 'rest'."""


@dataclass(frozen=True)
class Column:
    """One measure (or tranche) of one importer, ready to stack.

    Attributes
    ----------
    id, label, authority : as written (a tranche without authority is its own).
    origins : the origins it hits, resolved by day with :attr:`Columns.groups`.
    products : the products it covers.
    steps : (entry date, step) of the steps that apply, in date order.
    base_rate : a tranche's constant base (MFN) rate [fraction]; 0 for a measure.
    tranche : whether the column is a tranche.
    source : the default source id.
    path : where it is written, e.g. ``('measures', 'fentanyl')``.
    """

    id: str
    label: str
    authority: str
    origins: OriginSpec
    products: Products
    steps: list[tuple[dt.date, ScheduleStep]]
    base_rate: float = 0.0
    tranche: bool = False
    source: str | None = None
    path: tuple[str, ...] = ()
    value_share: float | None = None
    min_share: float | None = None

    def step_on(self, day: dt.date) -> ScheduleStep | None:
        """The step in force on ``day`` (None before the first)."""
        found = None
        for start, step in self.steps:
            if start <= day:
                found = step
        return found

    def rate_for(self, step: ScheduleStep, country: str, day: dt.date, groups: Groups) -> float:
        """The rate ``country`` pays under ``step`` [fraction]: its own, a group's, or the rate.

        A country key wins over a group key; among groups, the first written wins.
        """
        if country in step.by_origin:
            return step.by_origin[country].value
        for key, rate in step.by_origin.items():
            if groups.is_group(key) and country in groups.members(key, day):
                return rate.value
        return step.rate


@dataclass(frozen=True)
class Columns:
    """The measures of one importer as columns, with the scenario's groups and rules."""

    importer: str
    columns: list[Column]
    groups: Groups
    within: Mapping[str, str]
    rules: list[Rule]
    rule_sources: list[str | None] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.columns]

    @property
    def authorities(self) -> list[str]:
        return [c.authority for c in self.columns]

    def change_days(self) -> list[dt.date]:
        """Every day a step takes effect or a named group changes members, sorted."""
        days = {d for c in self.columns for d, _ in c.steps}
        names: set[str] = set()
        for c in self.columns:
            names |= set(c.origins.group_names())
            for _, step in c.steps:
                names |= {k for k in step.by_origin if self.groups.is_group(k)}
        days |= self.groups.change_dates(names)
        return sorted(days)


def importers(scenario: Scenario) -> list[str]:
    """Every importer of the scenario's tranches, measures and flows, sorted."""
    found = {t.importer for t in scenario.tranches.values()}
    found |= {m.importer for m in scenario.measures.values()}
    found |= {f.importer for f in scenario.flows.values()}
    return sorted(found)


def columns_of(
    scenario: Scenario, importer: str, lists: Lists | None = None, *, tranches: bool = True
) -> Columns:
    """The columns of one importer: its tranches (if ``tranches``), then its measures."""
    lists = lists or {}
    found: list[Column] = []
    if tranches:
        for tid, t in scenario.tranches.items():
            if t.importer != importer:
                continue
            found.append(
                Column(
                    id=tid,
                    label=t.label,
                    authority=t.authority or tid,
                    origins=OriginSpec((t.exporter,)),
                    products=_tranche_products(tid, t.products, lists),
                    steps=applied_steps(t.schedule, t.end_date()),
                    base_rate=t.base_rate.value,
                    tranche=True,
                    source=t.source,
                    path=("tranches", tid),
                    value_share=t.value_share,
                    min_share=t.min_share,
                )
            )
    for mid, m in scenario.measures.items():
        if m.importer != importer:
            continue
        found.append(
            Column(
                id=mid,
                label=m.label or mid,
                authority=m.authority,
                origins=m.origins,
                products=product_prefixes(m.products, lists, ("measures", mid, "products")),
                steps=applied_steps(m.schedule, m.end_date()),
                source=m.source,
                path=("measures", mid),
                value_share=m.value_share,
                min_share=m.min_share,
            )
        )
    ids = [c.id for c in found]
    authorities = [c.authority for c in found]
    written = {rid: (r.excluders, r.excluded) for rid, r in scenario.precedence.items()}
    return Columns(
        importer=importer,
        columns=found,
        groups=Groups(scenario.groups),
        within=dict(scenario.stacking),
        rules=resolve_rules(written, ids, authorities),
        rule_sources=[r.source for r in scenario.precedence.values()],
    )


def _tranche_products(tid: str, products: list[str] | str, lists: Lists) -> Products:
    rows = tuple(lists.get(tid, ()))
    if isinstance(products, str):
        if rows:
            raise TariffsimError(
                f"tranche '{tid}' covers products '{products}' but the membership file "
                f"lists {len(rows)} codes for it",
                field=f"tranches.{tid}.products",
                hint="drop its membership rows, or replace the catch-all by a list",
            )
        return Products(None, scope=products)
    return Products((*products, *rows))


def product_prefixes(products: ProductSet, lists: Lists, path: tuple[str, ...]) -> Products:
    """A written product set as prefixes, membership lists resolved."""

    def expand(items: Sequence[str]) -> tuple[str, ...]:
        found: list[str] = []
        for item in items:
            if is_prefix(item):
                found.append(item)
            elif item in lists:
                found += lists[item]
            else:
                raise TariffsimError(
                    f"no membership list named '{item}'",
                    field=".".join(path),
                    hint=did_you_mean(item, lists)
                    or "name the membership file under 'memberships:' (or pass --memberships), "
                    "or quote an HTS prefix like '8517.13'",
                )
        return tuple(found)

    if products.weights is not None:
        raise TariffsimError(
            "product weights belong to flows; a measure covers HTS prefixes or lists",
            field=".".join((*path, "weights")),
            hint="write them as ['8517.13', list3] or {include: ..., exclude: ...}",
        )
    include = None if products.include is None else expand(products.include)
    return Products(include, expand(products.exclude))


def product_cover(sets: Sequence[Products]) -> tuple[np.ndarray, BoolArray]:
    """Cut the HTS key line into segments and mark which product sets cover each.

    Returns the segments' first keys, shape (K,), and ``covers`` (K, len(sets)).
    A set with ``include`` None covers every key; ``exclude`` is taken out; a
    tranche's 'rest' is left uncovered here (the caller fills it in).
    """
    groups: list[Sequence[str]] = []
    for s in sets:
        groups.append(s.include or ())
        groups.append(s.exclude or ("__none__",))
    clean = [[p for p in g if p != "__none__"] for g in groups]
    starts, covers = hts.segments(clean)
    out = np.zeros((starts.size, len(sets)), dtype=np.bool_)
    for i, s in enumerate(sets):
        include = covers[:, 2 * i]
        exclude = covers[:, 2 * i + 1] if s.exclude else np.zeros(starts.size, dtype=np.bool_)
        if s.include is not None and not s.include:
            include = np.zeros(starts.size, dtype=np.bool_)  # an empty list covers nothing
        out[:, i] = include & ~exclude
    return starts, out


def fill_rest(columns: Sequence[Column], covers: BoolArray) -> None:
    """Fill in each tranche 'rest' column of ``covers`` (K, M), in place.

    A 'rest' tranche covers the keys that no listed tranche on its exporter covers.
    """
    for m, column in enumerate(columns):
        if column.products.scope == "rest":
            listed = [
                j
                for j, c in enumerate(columns)
                if c.tranche and c.products.scope == "listed" and c.origins == column.origins
            ]
            covers[:, m] = ~covers[:, listed].any(axis=1)
