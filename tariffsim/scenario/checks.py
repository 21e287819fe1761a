"""Checks that need a whole validated scenario and its document, each located at its key.

Pydantic validates each block alone; these run after it, when every tranche, source and
assumption is known: every source id cited exists, every tranche has the assumptions it needs
to respond, a reference date precedes the horizon, diversion goes to a third country.
"""

from __future__ import annotations

from tariffsim.errors import TariffsimError, did_you_mean
from tariffsim.scenario.groups import ALL, BUILT_IN, Groups, is_country
from tariffsim.scenario.loading import Document
from tariffsim.scenario.schema import Scenario, tranche_assumptions

REQUIRED = ("reference_date", "elasticity", "pass_through")
"""Assumptions every tranche needs (from its own block or the scenario's) to respond."""


def check_source_refs(scenario: Scenario, document: Document) -> None:
    """Every source id the scenario cites is declared under ``sources:``."""
    for path, ref in scenario.source_refs():
        if ref not in scenario.sources:
            file, line = document.locate(path) or (document.files[0], None)
            raise TariffsimError(
                f"unknown source '{ref}'",
                file=file,
                line=line,
                field=".".join(path),
                hint=did_you_mean(ref, scenario.sources)
                or "add it under 'sources:' with a title, date and url",
            )


def check_assumptions(scenario: Scenario, document: Document) -> None:
    """Checks that need the whole scenario: every tranche has what it needs to respond,
    the reference date is not after the horizon's start, diversion goes to a third country.

    Raises
    ------
    TariffsimError
        located at the offending key.
    """
    effective = tranche_assumptions(scenario)
    if effective is None:
        return

    def fail(path: tuple[str, ...], message: str, hint: str | None = None) -> TariffsimError:
        file, line = document.locate(path) or (document.files[0], None)
        return TariffsimError(message, file=file, line=line, field=".".join(path), hint=hint)

    def where(tid: str, name: str) -> tuple[str, ...]:
        own = scenario.tranches[tid].assumptions
        if own is not None and name in own.model_fields_set:
            return ("tranches", tid, "assumptions", name)
        return ("assumptions", name)

    for tid, a in effective.items():
        for name in REQUIRED:
            if getattr(a, name) is None:
                raise fail(
                    ("tranches", tid),
                    f"no '{name}' assumption for this tranche",
                    hint="set it under the scenario's 'assumptions:' or the tranche's",
                )
        assert a.reference_date is not None  # checked just above
        if a.reference_date.value > scenario.horizon.start:
            raise fail(
                where(tid, "reference_date"),
                f"reference date {a.reference_date.value} is after the horizon's start "
                f"{scenario.horizon.start}",
                hint="the response is traced forward from the reference date",
            )
        tranche = scenario.tranches[tid]
        if a.diversion and a.diversion.to in (tranche.exporter, tranche.importer):
            raise fail(
                (*where(tid, "diversion"), "to"),
                f"diversion from tranche '{tid}' goes to '{a.diversion.to}', "
                "which is its own importer or exporter",
                hint="name a third country, e.g. 'VN'",
            )


def check_names(scenario: Scenario, document: Document) -> None:
    """Every group, origin and precedence name refers to something the scenario knows.

    Raises
    ------
    TariffsimError
        located at the offending key, with a "did you mean" hint.
    """

    def fail(path: tuple[str, ...], message: str, hint: str | None) -> TariffsimError:
        file, line = document.locate(path) or (document.files[0], None)
        return TariffsimError(message, file=file, line=line, field=".".join(path), hint=hint)

    if not (scenario.tranches or scenario.measures or scenario.flows):
        raise fail(
            ("tranches",),
            "expected at least 1 entry, or 'measures' (and 'flows' to run them)",
            "see docs/scenario-format.md",
        )
    groups = Groups(scenario.groups)
    for name, members in scenario.groups.items():
        if name in BUILT_IN or name == ALL or is_country(name):
            raise fail(
                ("groups", name),
                f"'{name}' is a country, 'all' or a built-in group",
                "give your group another name",
            )
        for member in members:
            if not is_country(member) and not groups.is_group(member):
                raise fail(("groups", name), f"unknown country or group '{member}'", None)
        if name in _reachable(scenario.groups, name):
            raise fail(("groups", name), f"group '{name}' contains itself", None)

    def check_origin(path: tuple[str, ...], item: str) -> None:
        if not is_country(item) and not groups.is_group(item):
            raise fail(
                path,
                f"unknown country or group '{item}'",
                did_you_mean(item, groups.names())
                or f"use an ISO code like 'CN', or a group: {', '.join(groups.names())}",
            )

    for mid, measure in scenario.measures.items():
        for item in measure.origins.items:
            check_origin(("measures", mid, "origins"), item)
        for day, step in measure.schedule.items():
            for item in step.by_origin:
                check_origin(("measures", mid, "schedule", day.isoformat(), "by_origin"), item)
    for fid, flow in scenario.flows.items():
        for item in flow.exporter.items:
            check_origin(("flows", fid, "exporter"), item)
    known = {m.authority for m in scenario.measures.values()} | set(scenario.measures)
    for rid, rule in scenario.precedence.items():
        for name in (*rule.excluders, *rule.excluded):
            if name not in known:
                raise fail(
                    ("precedence", rid),
                    f"no measure or authority named '{name}'",
                    did_you_mean(name, known) or f"known: {', '.join(sorted(known)) or 'none'}",
                )


def _reachable(groups: dict[str, tuple[str, ...]], name: str) -> set[str]:
    """Groups reachable from ``name`` through its members."""
    seen: set[str] = set()
    todo = [m for m in groups.get(name, ()) if m in groups]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo += [m for m in groups.get(current, ()) if m in groups]
    return seen


def check_forms(scenario: Scenario, document: Document) -> None:
    """A specific rate on a flow needs the flow's quantity, in the rate's unit.

    Raises
    ------
    TariffsimError
        located at the step whose rate is specific.
    """
    for tid, tranche in scenario.tranches.items():
        for day, step in tranche.schedule.items():
            if not step.is_specific:
                continue
            path = ("tranches", tid, "schedule", day.isoformat())
            file, line = document.locate(path) or (document.files[0], None)
            if tranche.quantity is None:
                raise TariffsimError(
                    f"a specific rate ('{step.text}') needs the quantity of the tranche's imports",
                    file=file,
                    line=line,
                    field=".".join(path),
                    hint=f"add e.g. 'quantity: 50 million {step.unit}/year' to the tranche",
                )
            if tranche.quantity.unit != step.unit:
                raise TariffsimError(
                    f"the rate is per {step.unit} but the tranche's quantity is in "
                    f"{tranche.quantity.unit}",
                    file=file,
                    line=line,
                    field=".".join(path),
                    hint="state both by mass, by item or by volume",
                )
