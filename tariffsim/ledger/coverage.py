"""Which measures cover a ledger line, and the stacked rate it pays on a date.

A scenario's tranches, read as *measures* on product lines: each covers the
HTS prefixes in its ``products`` list and in the scenario's membership file,
from its exporter into the importer. A catch-all is written, never implied:
``products: all`` covers every product from the exporter, ``products: rest``
every product no listed measure on that exporter covers; a measure with no
prefixes anywhere is refused.
This module compiles a scenario into small lookup tables, so that pricing a
line is a few array gathers:

    line → (product class, exporter class, date segment) → key
    key  → additional rate, base rate, and the share of each measure

A *product class* is a set of measures that cover the same HTS keys; an
*exporter class* the set of measures on one country of origin; a *date
segment* an interval between two consecutive schedule dates of any measure.
On one key, every measure's rate is constant, so stacking is done once per key
(see :func:`stack`). Reading the membership CSV is the only file I/O here; no
ledger reading (:mod:`tariffsim.ledger.reader`) and no aggregation
(:mod:`tariffsim.ledger.pricing`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from tariffsim._types import BoolArray, FloatArray, IntArray
from tariffsim.errors import TariffsimError, did_you_mean
from tariffsim.ledger.editions import read_editions
from tariffsim.model.timeline import day_number, step_function
from tariffsim.scenario import hts, inputs
from tariffsim.scenario.loading import read_document
from tariffsim.scenario.schema import Scenario, Tranche
from tariffsim.scenario.validation import validate_document

MEMBERSHIP_COLUMNS = ("hts_code", "measure")
MAX_MEMBERSHIP_BYTES = 10_000_000
"""Largest membership file read [bytes]; a full set of Section 301 annexes is ~1 MB."""
MAX_MEMBERSHIP_ROWS = 200_000
"""Most rows of a membership file; the whole HTS has about 19,000 ten-digit lines."""


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
    exporter_class : country of origin → exporter class (0: no measure).
    n_exporter_classes : number of exporter classes, with class 0.
    change_days : sorted schedule dates of all measures [day number], shape (T,).
    covers : whether measure m covers key k, shape (K, M).
    additional_rate : stacked additional rate on key k [fraction], shape (K,).
    additional_share : measure m's part of ``additional_rate`` [fraction], (K, M).
    base_rate : base (MFN) rate on key k [fraction], shape (K,).
    base_owner : the measure whose base rate key k pays, one-hot, shape (K, M).
    hts_editions : the HTS editions its membership file states (``hts_edition`` column).
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
    base_owner: BoolArray
    hts_editions: tuple[str, ...] = ()

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
        return np.array([self.exporter_class.get(c, 0) for c in countries], dtype=np.int64)

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
    document = read_document(path)
    document.data.setdefault("name", Path(path).stem)
    scenario = validate_document(document, Scenario)
    lists: dict[str, list[str]] = {}
    target: Path | None = None
    if memberships is not None:
        target = Path(memberships)
        lists = read_memberships(target, list(scenario.tranches), encoding)
    elif scenario.memberships is not None:
        file, line = document.locate(("memberships",)) or (str(path), None)
        root = Path(path).resolve().parent  # confined like 'extends'
        target = inputs.confine(scenario.memberships, file, root, "memberships", line)
        if not target.is_file():
            raise TariffsimError(
                f"membership file '{scenario.memberships}' not found",
                file=file,
                line=line,
                field="memberships",
                hint="the path is relative to the scenario file that names it",
            )
        lists = read_memberships(target, list(scenario.tranches), encoding)
    try:
        measures = compile_measures(scenario, lists, importer)
    except TariffsimError as exc:
        place = document.locate(tuple(exc.field.split("."))) if exc.field else None
        raise (exc.located(file=place[0], line=place[1]) if place else exc) from None
    editions = (
        tuple(read_editions(target, encoding, MAX_MEMBERSHIP_BYTES)) if target is not None else ()
    )
    return replace(measures, hts_editions=editions)


def read_memberships(
    path: Path, measure_ids: list[str], encoding: str | None = None
) -> dict[str, list[str]]:
    """Measure id → HTS prefixes (normalised digits) from a membership CSV.

    The file has a header with the columns ``hts_code`` and ``measure`` (others
    are ignored); each row puts one code prefix on one measure's list. Lines
    starting with ``#`` are comments. A measure the file does not name keeps
    only its ``products``. The file is read once (a pipe works), as UTF-8 unless
    ``encoding`` is declared, within :data:`MAX_MEMBERSHIP_BYTES` and
    :data:`MAX_MEMBERSHIP_ROWS`.
    """
    raw = inputs.read_bytes(path, MAX_MEMBERSHIP_BYTES, "membership file")
    text = inputs.decode(raw, path, encoding)
    found: dict[str, list[str]] = {m: [] for m in measure_ids}
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for row in reader:
            if row and not row[0].lstrip().startswith("#"):
                rows.append((reader.line_num, row))
                if len(rows) > MAX_MEMBERSHIP_ROWS + 1:
                    raise TariffsimError(
                        f"more than {MAX_MEMBERSHIP_ROWS:,} rows",
                        file=path,
                        line=reader.line_num,
                        hint="a membership file lists HTS prefixes; the whole HTS has ~19,000",
                    )
    except csv.Error as exc:
        raise TariffsimError(
            f"cannot read the CSV: {exc}", file=path, line=max(reader.line_num, 1)
        ) from None
    header_line, header = rows[0] if rows else (1, [])
    header = [c.strip() for c in header]
    for column in MEMBERSHIP_COLUMNS:
        if column not in header:
            raise TariffsimError(
                f"missing column '{column}'",
                file=path,
                line=header_line,
                hint=did_you_mean(column, header)
                or f"the header must name: {', '.join(MEMBERSHIP_COLUMNS)}",
            )
    code_at, measure_at = (header.index(c) for c in MEMBERSHIP_COLUMNS)
    for line, row in rows[1:]:
        cells = [*row, "", ""]
        measure = cells[measure_at].strip()
        if measure not in found:
            raise TariffsimError(
                f"unknown measure '{measure}'",
                file=path,
                line=line,
                field="measure",
                hint=did_you_mean(measure, found) or f"expected a tranche id: {', '.join(found)}",
            )
        try:
            digits = hts.normalise_prefix(cells[code_at])
        except ValueError as exc:
            raise TariffsimError(str(exc), file=path, line=line, field="hts_code") from None
        if len(digits) % 2:
            raise TariffsimError(
                f"expected an HTS prefix of 2, 4, 6, 8 or 10 digits, got {cells[code_at]!r}",
                file=path,
                line=line,
                field="hts_code",
                hint="a code like '8501.0' was read as a number by a spreadsheet; "
                "store codes as text",
            )
        found[measure].append(digits)
    return found


def compile_measures(
    scenario: Scenario,
    memberships: dict[str, list[str]] | None = None,
    importer: str | None = None,
) -> Measures:
    """Lay a scenario's measures out as lookup tables (see the module docstring)."""
    importer = _importer(scenario, importer)
    tranches = {k: t for k, t in scenario.tranches.items() if t.importer == importer}
    ids = list(tranches)
    prefixes, scopes = _product_lists(tranches, memberships or {})
    segment_start, segment_covers = hts.segments(prefixes)
    for m, scope in enumerate(scopes):
        if scope == "rest":
            listed = [
                j
                for j, t in enumerate(tranches.values())
                if scopes[j] == "listed" and t.exporter == tranches[ids[m]].exporter
            ]
            segment_covers[:, m] = ~segment_covers[:, listed].any(axis=1)
    product_sets, segment_class = np.unique(segment_covers, axis=0, return_inverse=True)
    exporters = sorted({t.exporter for t in tranches.values()})
    exporter_sets = np.zeros((len(exporters) + 1, len(ids)), dtype=np.bool_)
    for e, country in enumerate(exporters, start=1):
        exporter_sets[e] = [t.exporter == country for t in tranches.values()]
    combo = product_sets[:, None, :] & exporter_sets[None, :, :]
    combo = combo.reshape(-1, len(ids))

    steps = [t.applied_steps() for t in tranches.values()]
    step_days = [[day_number(d) for d, _ in s] for s in steps]
    change_days = np.array(sorted({d for days in step_days for d in days}), dtype=np.int64)
    # A representative day of each date segment: before the first change, then each change day.
    first = int(change_days[0]) - 1 if change_days.size else 0
    at = np.concatenate([[first], change_days]).astype(np.int64)
    rates = step_function(step_days, [[r for _, r in s] for s in steps], at)  # (M, T+1)

    n_segments = at.size
    covers = np.repeat(combo, n_segments, axis=0)  # key = combo · (T+1) + segment
    key_rates = np.tile(rates.T, (combo.shape[0], 1))
    authorities = [t.authority or f"{k}" for k, t in tranches.items()]
    rules = [scenario.stacking.get(t.authority or "", "add") for t in tranches.values()]
    share = stack(covers, key_rates, authorities, rules)
    base = np.array([t.base_rate.value for t in tranches.values()], dtype=np.float64)
    base_rate, base_owner = _largest(covers, np.broadcast_to(base, covers.shape))
    return Measures(
        scenario=scenario,
        importer=importer,
        ids=ids,
        labels=[t.label for t in tranches.values()],
        authorities=authorities,
        segment_start=segment_start,
        segment_class=np.asarray(segment_class, dtype=np.int64).ravel(),
        exporter_class={c: e for e, c in enumerate(exporters, start=1)},
        n_exporter_classes=len(exporters) + 1,
        change_days=change_days,
        covers=covers,
        additional_rate=share.sum(axis=1),
        additional_share=share,
        base_rate=base_rate,
        base_owner=base_owner,
    )


def _product_lists(
    tranches: dict[str, Tranche], memberships: dict[str, list[str]]
) -> tuple[list[list[str]], list[str]]:
    """Each measure's HTS prefixes, and its scope: 'listed', 'all' or 'rest'.

    A catch-all measure ('all', 'rest') gets no prefixes, which
    :func:`tariffsim.scenario.hts.segments` reads as every key. A measure with no
    prefixes and no catch-all is refused: silently covering every product would
    credit it duty on lines it does not cover.
    """
    prefixes: list[list[str]] = []
    scopes: list[str] = []
    for tid, t in tranches.items():
        rows = memberships.get(tid, [])
        if isinstance(t.products, str):
            if rows:
                raise TariffsimError(
                    f"tranche '{tid}' covers products '{t.products}' but the membership file "
                    f"lists {len(rows)} codes for it",
                    field=f"tranches.{tid}.products",
                    hint="drop its membership rows, or replace the catch-all by a list",
                )
            prefixes.append([])
            scopes.append(t.products)
            continue
        if not t.products and not rows:
            raise TariffsimError(
                f"tranche '{tid}' names no products",
                field=f"tranches.{tid}.products",
                hint="pass --memberships FILE or give the tranche `products:`: HTS prefixes, "
                "'all' or 'rest'; see docs/ledger.md",
            )
        prefixes.append([*t.products, *rows])
        scopes.append("listed")
    return prefixes, scopes


def stack(
    covers: BoolArray, rates: FloatArray, authorities: list[str], rules: Sequence[str]
) -> FloatArray:
    """Each measure's part of the stacked additional rate, shape (K, M) [fraction].

    Notes
    -----
    Measures of different authorities add. Within one authority ``a`` with rule
    ``add`` the covering measures' rates add; with rule ``max`` only the
    largest applies, and it is credited to the first measure (in file order)
    that has it:

        τ_k = Σ_a  Σ_{m ∈ a, m covers k} τ_m        (add)
        τ_k = Σ_a  max_{m ∈ a, m covers k} τ_m      (max)
    """
    share = np.where(covers, rates, 0.0)
    for authority in dict.fromkeys(authorities):
        members = [m for m, a in enumerate(authorities) if a == authority]
        if rules[members[0]] != "max" or len(members) < 2:
            continue
        cols = np.array(members)
        _, owner = _largest(covers[:, cols], rates[:, cols])
        share[:, cols] = np.where(owner, share[:, cols], 0.0)
    return share


def _largest(covers: BoolArray, values: FloatArray) -> tuple[FloatArray, BoolArray]:
    """Largest value among covering columns per row, and a one-hot of its first column."""
    masked = np.where(covers, values, -np.inf)
    first = np.argmax(masked, axis=1)
    any_cover = covers.any(axis=1)
    owner = np.zeros(covers.shape, dtype=np.bool_)
    owner[np.arange(covers.shape[0]), first] = any_cover
    largest = np.where(any_cover, masked[np.arange(covers.shape[0]), first], 0.0)
    return largest, owner


def _importer(scenario: Scenario, importer: str | None) -> str:
    importers = sorted({t.importer for t in scenario.tranches.values()})
    if importer is None:
        if len(importers) > 1:
            raise TariffsimError(
                f"scenario '{scenario.name}' has tranches of several importers "
                f"({', '.join(importers)})",
                hint="name the ledger's importer with --importer",
            )
        return importers[0]
    code = importer.strip().upper()
    if code not in importers:
        raise TariffsimError(
            f"scenario '{scenario.name}' has no tranche imported by '{importer}'",
            field="--importer",
            hint=f"its importers: {', '.join(importers)}",
        )
    return code
