"""Load an outlook file: branch scenarios with probabilities, uncertain step dates, and
distributions of assumptions.

An outlook names the paths the talks may take (each a scenario file) with the
probability of each; steps whose date is uncertain (a scheduled increase
happens on one of several dates, or is cancelled, each with a probability);
and distributions of behavioural assumptions (:mod:`tariffsim.scenario.distributions`).
Every probability and distribution cites a source id from ``sources:`` or the
word ``judgement``. The file is read by :mod:`tariffsim.scenario.loading` (safe YAML, line
map) and validated by the models of :mod:`tariffsim.uncertainty.outlook_model`; errors are
mapped to file:line by :func:`tariffsim.scenario.validation.validate_document`. Then the
branch scenarios are loaded and the checks that need them run here (shared
horizon, the steps an uncertain date moves). This module draws nothing and
computes no duty.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tariffsim.errors import TariffsimError, did_you_mean
from tariffsim.model.flows import for_importer, load_scenario, one_importer
from tariffsim.scenario.distributions import JUDGEMENT
from tariffsim.scenario.loading import NAME_MAX, Document, parse_file, read_document
from tariffsim.scenario.schema import Scenario, tranche_assumptions
from tariffsim.scenario.validation import validate_document
from tariffsim.uncertainty.outlook_model import Branch, OutlookSpec, UncertainStep


@dataclass(frozen=True)
class Outlook:
    """An outlook with its branch scenarios loaded.

    Attributes
    ----------
    path : the outlook file.
    spec : its validated content.
    scenarios : branch id → validated scenario, in file order.
    applies : uncertain step id → the branch ids it applies to.
    """

    path: Path
    spec: OutlookSpec
    scenarios: dict[str, Scenario]
    applies: dict[str, list[str]]

    @property
    def probabilities(self) -> dict[str, float]:
        return {b: br.probability for b, br in self.spec.branches.items()}

    @property
    def has_assumptions(self) -> bool:
        """Whether the branches state behavioural assumptions (all of them do, or none)."""
        return tranche_assumptions(next(iter(self.scenarios.values()))) is not None


def single_outlook(path: str | Path, scenario: Scenario) -> Outlook:
    """One scenario as an outlook of one certain branch (for ``run --samples``).

    Its own ``uncertainty:`` distributions are the only thing drawn.

    Raises
    ------
    TariffsimError
        when the scenario has no distributions to draw, or no assumptions for them.
    """
    if not scenario.uncertainty:
        raise TariffsimError(
            "no distributions under 'uncertainty:': --samples has nothing to draw",
            file=path,
            hint="add e.g. 'uncertainty: {elasticity: {distribution: uniform, low: 1, high: 3, "
            "source: judgement}}', or sweep an outlook",
        )
    if tranche_assumptions(scenario) is None:
        raise TariffsimError(
            "distributions of assumptions need an 'assumptions:' block (they replace its values)",
            file=path,
            field="uncertainty",
        )
    for edit in scenario.edits:  # a value --set where every draw replaces it would do nothing
        parts = edit.key.split(".")
        drawn = parts[1] if len(parts) > 1 and parts[0] == "assumptions" else None
        if drawn is not None and drawn in scenario.uncertainty:
            raise TariffsimError(
                f"assumptions.{drawn} is drawn from 'uncertainty:' under --samples, so the value "
                "set here would not be used",
                file="--set",
                field=edit.key,
                hint=f"set uncertainty.{drawn}.… (its range) instead, or run without --samples",
            )
    spec = OutlookSpec(
        title=scenario.title,
        as_of=scenario.as_of,
        sources=scenario.sources,
        branches={
            scenario.name: Branch(
                file=Path(path).name,
                probability=1.0,
                text="1",
                source=JUDGEMENT,
                note="the one scenario run",
            )
        },
    )
    return Outlook(path=Path(path), spec=spec, scenarios={scenario.name: scenario}, applies={})


def is_outlook(path: str | Path) -> bool:
    """Whether a file is an outlook (it has ``branches:`` and no ``tranches:``)."""
    try:
        data, _ = parse_file(Path(path))
    except TariffsimError:
        return False  # the scenario loader reports the problem
    return "branches" in data and "tranches" not in data


def describe_outlook(path: str | Path) -> str:
    """Load an outlook and summarise it in a few words, for ``tariffsim validate``."""
    outlook = load_outlook(path)
    spec = outlook.spec
    drawn = len(spec.assumptions) + sum(len(s.uncertainty) for s in outlook.scenarios.values())
    return (
        f"outlook of {len(spec.branches)} branches, {len(spec.uncertain_steps)} uncertain "
        f"steps, {drawn} distributions"
    )


def load_outlook(path: str | Path, importer: str | None = None) -> Outlook:
    """Read and validate an outlook file and the branch scenarios it names.

    With ``importer``, each branch keeps that importer's tranches only; without, a
    branch of several importers is refused (a draw's duty is one importer's).

    Raises
    ------
    TariffsimError
        for anything wrong, located to the outlook's (or a branch file's) line.
    """
    document = read_document(path)
    if "branches" not in document.data and "tranches" in document.data:
        raise TariffsimError(
            "this is a scenario file (it has no 'branches'), not an outlook",
            file=path,
            hint=f"run it with 'tariffsim run {path}'; an outlook names scenario files as branches",
        )
    spec = validate_document(document, OutlookSpec)
    _check_source_refs(spec, document)
    scenarios = {
        bid: for_importer(
            load_scenario(_branch_path(Path(path), bid, branch.file, document)), importer
        )
        for bid, branch in spec.branches.items()
    }
    for scenario in scenarios.values():
        one_importer(scenario, "sweep")
    _check_same_horizon(spec, scenarios, document)
    _check_same_mode(spec, scenarios, document)
    applies = {
        uid: _applying_branches(uid, step, scenarios, document)
        for uid, step in spec.uncertain_steps.items()
    }
    _check_no_crossing(spec, applies, document)
    return Outlook(path=Path(path), spec=spec, scenarios=scenarios, applies=applies)


def _check_no_crossing(
    spec: OutlookSpec, applies: dict[str, list[str]], document: Document
) -> None:
    """Two uncertain steps of one tranche in one branch: one step each, never crossing."""
    seen: dict[tuple[str, str], list[tuple[dt.date, str]]] = {}
    for uid, step in spec.uncertain_steps.items():
        for bid in applies[uid]:
            seen.setdefault((bid, step.tranche), []).append((step.date, uid))
    for (bid, tranche), steps in seen.items():
        steps.sort()
        for (day_a, a), (day_b, b) in itertools.pairwise(steps):
            if day_a == day_b:
                raise _error(
                    document,
                    ("uncertain_steps", b, "date"),
                    f"the step of {day_b} of tranche '{tranche}' in branch '{bid}' "
                    f"is already uncertain in '{a}'",
                )
            latest = max([d for d in spec.uncertain_steps[a].outcome_dates() if d] or [day_a])
            dates_b = [d for d in spec.uncertain_steps[b].outcome_dates() if d]
            if dates_b and min(dates_b) <= latest:
                raise _error(
                    document,
                    ("uncertain_steps", b, "outcomes"),
                    f"an outcome {min(dates_b)} of '{b}' is not after every outcome of '{a}' "
                    f"({latest}), so the two steps of tranche '{tranche}' could swap",
                )


def _error(document: Document, loc: tuple[str, ...], message: str, hint: str | None = None) -> Any:
    file, line = document.locate(loc) or (document.files[0], None)
    return TariffsimError(message, file=file, line=line, field=".".join(loc), hint=hint)


def _check_source_refs(spec: OutlookSpec, document: Document) -> None:
    for loc, ref in spec.source_refs():
        if ref != JUDGEMENT and ref not in spec.sources:
            hint = did_you_mean(ref, [*spec.sources, JUDGEMENT])
            raise _error(
                document,
                loc,
                f"unknown source '{ref}'",
                hint or f"add it under 'sources:' or write '{JUDGEMENT}'",
            )


def _branch_path(outlook: Path, bid: str, ref: str, document: Document) -> Path:
    """The branch file, which must lie in the outlook's folder tree."""
    loc = ("branches", bid, "file")
    root = outlook.resolve().parent
    target = outlook.parent / ref
    if len(os.fsencode(target.name)) > NAME_MAX:
        raise _error(document, loc, f"the file name is longer than {NAME_MAX} bytes")
    if not target.resolve().is_relative_to(root):
        raise _error(
            document,
            loc,
            f"'{ref}' lies outside the outlook's folder tree ({root.name}/)",
            "keep branch scenarios next to the outlook or below its folder",
        )
    if not target.is_file():
        siblings = [p.name for p in target.parent.glob("*.y*ml")] if target.parent.is_dir() else []
        raise _error(
            document, loc, f"branch scenario '{ref}' not found", did_you_mean(target.name, siblings)
        )
    return target


def _check_same_horizon(
    spec: OutlookSpec, scenarios: dict[str, Scenario], document: Document
) -> None:
    first_id, first = next(iter(scenarios.items()))
    for bid, scenario in scenarios.items():
        h, f = scenario.horizon, first.horizon
        if (h.start, h.end) != (f.start, f.end):
            raise _error(
                document,
                ("branches", bid, "file"),
                f"horizon {h.start} to {h.end} differs from branch '{first_id}' "
                f"({f.start} to {f.end})",
                "branches are compared period by period, so they share one horizon",
            )


def _check_same_mode(spec: OutlookSpec, scenarios: dict[str, Scenario], document: Document) -> None:
    """Branches all state behavioural assumptions or none; distributions need them."""
    stating = {b: tranche_assumptions(s) is not None for b, s in scenarios.items()}
    if len(set(stating.values())) > 1:
        without = next(b for b, has in stating.items() if not has)
        raise _error(
            document,
            ("branches", without, "file"),
            f"branch '{without}' states no behavioural assumptions but other branches do",
            "give every branch an 'assumptions:' block (or extend one that has it)",
        )
    drawn = spec.assumptions or any(s.uncertainty for s in scenarios.values())
    if drawn and not all(stating.values()):
        raise _error(
            document,
            ("assumptions",),
            "distributions of assumptions need branch scenarios with 'assumptions:'",
            "the distributions replace values the branches state",
        )


def _applying_branches(
    uid: str, step: UncertainStep, scenarios: dict[str, Scenario], document: Document
) -> list[str]:
    """Branches whose tranche applies the step; every named branch must."""
    loc = ("uncertain_steps", uid)
    named = step.branches
    for i, bid in enumerate(named or []):
        if bid not in scenarios:
            raise _error(
                document,
                (*loc, "branches", str(i)),
                f"unknown branch '{bid}'",
                did_you_mean(bid, scenarios) or f"expected one of: {', '.join(scenarios)}",
            )
    applying = []
    for bid in named if named is not None else list(scenarios):
        tranches = scenarios[bid].tranches
        if step.tranche in tranches and step.date in _applied_dates(scenarios[bid], step.tranche):
            applying.append(bid)
        elif named is not None:
            raise _error(
                document,
                (*loc, "date"),
                f"branch '{bid}' applies no step on {step.date} to tranche '{step.tranche}'",
            )
    if not applying:
        known = {t for s in scenarios.values() for t in s.tranches}
        if step.tranche not in known:
            raise _error(
                document,
                (*loc, "tranche"),
                f"no branch has a tranche '{step.tranche}'",
                did_you_mean(step.tranche, known),
            )
        raise _error(
            document,
            (*loc, "date"),
            f"no branch applies a step on {step.date} to tranche '{step.tranche}'",
            "give the date of an in-force or scheduled step in a branch scenario",
        )
    for bid in applying:
        _check_order(uid, step, bid, _applied_dates(scenarios[bid], step.tranche), document)
    return applying


def _applied_dates(scenario: Scenario, tranche: str) -> list[dt.date]:
    return [day for day, _ in scenario.tranches[tranche].applied_steps()]


def _check_order(
    uid: str, step: UncertainStep, bid: str, dates: list[dt.date], document: Document
) -> None:
    """An outcome date must stay between the tranche's neighbouring steps."""
    i = dates.index(step.date)
    before = dates[i - 1] if i > 0 else dt.date.min
    after = dates[i + 1] if i + 1 < len(dates) else dt.date.max
    for key, day in zip(step.outcomes, step.outcome_dates(), strict=True):
        if day is not None and not before < day < after:
            raise _error(
                document,
                ("uncertain_steps", uid, "outcomes", key),
                f"outcome {day} would move the step past the tranche's neighbouring step "
                f"in branch '{bid}' ({before if i > 0 else after})",
                "an uncertain date must stay between the steps before and after it",
            )
