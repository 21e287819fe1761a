"""Results as CSV, JSON and Parquet: the machine-readable outputs of ``run``.

CSV and JSON are rendered from the result's arrays (:mod:`tariffsim.model.result_tables`),
so writing them imports no pandas; Parquet is written from a frame. The files are written
by :mod:`tariffsim.outputs.files`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tariffsim.model.tables import Table
from tariffsim.outputs.csv_rows import column_union, csv_text
from tariffsim.outputs.edits import edit_records
from tariffsim.outputs.emit import emit
from tariffsim.outputs.json_rows import LazyRows

if TYPE_CHECKING:
    import pandas as pd

    from tariffsim.model.results import Result


def periods_frame(results: Sequence[Result]) -> pd.DataFrame:
    """All scenarios' per-tranche × per-period rows in one tidy frame (the CSV's columns).

    A scenario written with measures adds one column per authority,
    ``additional_duty_<authority>_usd`` [USD]: the row's additional duty by authority; with
    ``--currency``, each money column again in that currency, at the scenario's stated rate.
    """
    import pandas as pd

    from tariffsim.model.budget import check_frame

    tables = [export_table(r) for r in results]
    check_frame(sum(t.n for t in tables))
    return pd.concat([t.to_frame() for t in tables], ignore_index=True)


def export_table(result: Result) -> Table:
    """One result's rows as written to CSV: :func:`periods_frame`'s columns, from the arrays."""
    from tariffsim.model.money import in_currency
    from tariffsim.model.result_tables import period_table

    table = period_table(result.name, result.arrays)
    columns = dict(table.columns)
    if result.scenario.authority_parts:
        from tariffsim.model.breakdown import authority_columns

        split = authority_columns(result)
        columns.update({f"additional_duty_{a}_usd": v.ravel() for a, v in split.items()})
    columns.update(in_currency(columns, result.extra.get("currency")))
    return Table(table.n, columns)


def csv_chunks(results: Sequence[Result]) -> Iterator[str]:
    """All scenarios' rows as CSV text in chunks (the columns of :func:`periods_frame`)."""
    tables = [export_table(r) for r in results]
    return csv_text(tables, column_union(tables))


def json_payload(results: Sequence[Result]) -> list[dict[str, Any]]:
    """One record per scenario: metadata, totals, tranches, periods, importers, events."""
    from tariffsim.model.breakdown import rate_parts
    from tariffsim.model.result_tables import importer_table, period_table, tranche_table
    from tariffsim.model.results import event_rows

    payload = []
    for r in results:
        s = r.scenario
        payload.append(
            {
                "scenario": s.name,
                "title": s.title,
                "as_of": s.as_of.isoformat(),
                "mode": r.mode,
                "step": r.step,
                "horizon": {"start": s.horizon.start.isoformat(), "end": s.horizon.end.isoformat()},
                "units": {"money": "USD", "flow": "USD/year", "rate": "fraction"},
                # one importer's totals, or None: two importers' duties are never added
                "totals": r.totals() if len(r.importer_codes) == 1 else None,
                "totals_by_importer": {i: r.totals(importer=i) for i in r.importer_codes},
                # static and behavioural alike (``totals`` holds the headline mode's)
                "totals_by_mode": {
                    m: (
                        r.totals(m)
                        if len(r.importer_codes) == 1
                        else {i: r.totals(m, i) for i in r.importer_codes}
                    )
                    for m in r.modes
                },
                **r.extra,
                "tranches": tranche_table(r.name, r.arrays).records(),
                "periods": LazyRows(period_table(r.name, r.arrays).record_chunks),
                "importers": importer_table(r.name, r.arrays).records(),
                "by_authority": rate_parts(r) if s.authority_parts else [],
                "events": event_rows(s),
                **(
                    {"refunds": r.refunds.to_dict(orient="records")}
                    if r.refunds is not None
                    else {}
                ),
                "sources": {k: v.model_dump(mode="json") for k, v in s.sources.items()},
                **edit_records(s),
            }
        )
    return payload


def write_results(
    results: Sequence[Result],
    fmt: str,
    output: Path | None,
    manifest: Mapping[str, Any] | None = None,
) -> str | None:
    """Write ``results`` as ``fmt`` to ``output``; return the text instead when no file is given.

    ``manifest`` goes into each JSON record, or beside any other file.
    """
    from tariffsim.run.report import render_summary

    return emit(
        fmt,
        output,
        table=lambda: "\n".join(render_summary(r) for r in results),
        frame=lambda: periods_frame(results),
        payload=lambda: json_payload(results),
        manifest=manifest,
        csv=lambda: csv_chunks(results),
    )
