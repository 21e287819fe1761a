"""Membership files: which HTS prefixes are on which named list (a measure's, or a list's).

A CSV with the columns ``hts_code`` and ``measure``; each row puts one code prefix
on one list. Measures and flows name lists in their ``products``; a tranche's id is
its own list. Reading this file is this module's only job.
"""

from __future__ import annotations

import csv
from pathlib import Path

from tariffsim.errors import TariffsimError, did_you_mean
from tariffsim.scenario import hts
from tariffsim.scenario.loading import Document
from tariffsim.scenario.schema import Scenario

MEMBERSHIP_COLUMNS = ("hts_code", "measure")
MAX_MEMBERSHIP_BYTES = 50_000_000
"""Largest membership file read [bytes]; a full set of Section 301 annexes is ~1 MB."""


def read_memberships(path: Path, measure_ids: list[str]) -> dict[str, list[str]]:
    """Measure id → HTS prefixes (normalised digits) from a membership CSV.

    The file has a header with the columns ``hts_code`` and ``measure`` (others
    are ignored); each row puts one code prefix on one measure's list. Lines
    starting with ``#`` are comments. A measure the file does not name keeps
    only its ``products``.
    """
    found: dict[str, list[str]] = {m: [] for m in measure_ids}
    header, rows = read_rows(path, MEMBERSHIP_COLUMNS, "membership file")
    code_at, measure_at = (header.index(c) for c in MEMBERSHIP_COLUMNS)
    for line, row in rows:
        cells = [*row, "", ""]
        measure = cells[measure_at].strip()
        if measure not in found:
            raise TariffsimError(
                f"unknown measure '{measure}'",
                file=path,
                line=line,
                field="measure",
                hint=did_you_mean(measure, found)
                or f"expected a tranche id or a list name: {', '.join(found)}",
            )
        try:
            found[measure].append(hts.normalise_prefix(cells[code_at]))
        except ValueError as exc:
            raise TariffsimError(str(exc), file=path, line=line, field="hts_code") from None
    return found


def read_rows(
    path: Path, columns: tuple[str, ...], kind: str
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """A small CSV's header and its (line number, cells) rows; ``#`` lines are comments.

    Raises
    ------
    TariffsimError
        if the file is missing, too large, or its header lacks one of ``columns``.
    """
    if not path.is_file():
        raise TariffsimError(f"{kind} not found", file=path)
    if path.stat().st_size > MAX_MEMBERSHIP_BYTES:
        raise TariffsimError(f"larger than {MAX_MEMBERSHIP_BYTES} bytes", file=path)
    with open(path, newline="", encoding="utf-8-sig") as stream:
        rows = [
            (number, row)
            for number, row in enumerate(csv.reader(stream), start=1)
            if row and not row[0].lstrip().startswith("#")
        ]
    header_line, header = rows[0] if rows else (1, [])
    header = [c.strip() for c in header]
    for column in columns:
        if column not in header:
            raise TariffsimError(
                f"missing column '{column}'",
                file=path,
                line=header_line,
                hint=did_you_mean(column, header) or f"the header must name: {', '.join(columns)}",
            )
    return header, rows[1:]


def list_names(scenario: Scenario) -> list[str]:
    """The names a membership file may use: tranche ids and the lists measures and flows name."""
    names = list(scenario.tranches)
    for m in scenario.measures.values():
        names += m.products.list_names()
    for f in scenario.flows.values():
        names += f.products.list_names()
    return list(dict.fromkeys(names))


def memberships_path(
    scenario: Scenario, document: Document, override: str | Path | None = None
) -> Path | None:
    """The membership file to read: ``override``, or the one the scenario names (or None).

    The file a scenario names is relative to the scenario file that names it.
    """
    if override is not None:
        return Path(override)
    if scenario.memberships is None:
        return None
    file, line = document.locate(("memberships",)) or (document.files[0], None)
    target = Path(file).parent / scenario.memberships
    if not target.is_file():
        raise TariffsimError(
            f"membership file '{scenario.memberships}' not found",
            file=file,
            line=line,
            field="memberships",
            hint="the path is relative to the scenario file that names it",
        )
    return target


def scenario_lists(
    scenario: Scenario, document: Document, override: str | Path | None = None
) -> dict[str, list[str]]:
    """The membership lists of a scenario (see :func:`memberships_path`); none without a file."""
    target = memberships_path(scenario, document, override)
    return {} if target is None else read_memberships(target, list_names(scenario))
