"""``tariffsim exposure`` and ``synth-ledger``: an importer's own ledger, line by line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tariffsim.cli.cluster import DaskOption, SchedulerOption, dask_client
from tariffsim.cli.shell import (
    CurrencyOption,
    Files,
    app,
    manifest_for,
    user_errors,
)

if TYPE_CHECKING:
    from tariffsim.ledger.coverage import Measures
    from tariffsim.ledger.lines import LinePricing, Unpriced
    from tariffsim.ledger.parallel import Part
    from tariffsim.ledger.reader import LedgerReader
    from tariffsim.model.money import Currency

LedgerOption = Annotated[
    str,
    typer.Option(
        "--ledger",
        help="Import ledger: .parquet or .csv (see docs/ledger.md); with --scheduler or --dask "
        "also a folder, glob or URL (s3://…) of Parquet files.",
    ),
]
ColumnOption = Annotated[
    list[str] | None,
    typer.Option(
        "--column",
        metavar="NAME=YOURS",
        help="Map a ledger column to your file's name, e.g. hts_code=HTS10 (repeatable).",
    ),
]


@app.command()
@user_errors
def exposure(
    files: Files,
    ledger: LedgerOption,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the summary tables to .parquet or .csv."),
    ] = None,
    lines: Annotated[
        Path | None,
        typer.Option("--lines", help="Write every line's rates and duties to .parquet or .csv."),
    ] = None,
    column: ColumnOption = None,
    memberships: Annotated[
        Path | None,
        typer.Option(
            "--memberships", help="Membership CSV (hts_code, measure) for every scenario."
        ),
    ] = None,
    importer: Annotated[
        str | None, typer.Option("--importer", help="The ledger's importing country (ISO code).")
    ] = None,
    chunk_rows: Annotated[
        int, typer.Option("--chunk-rows", min=1000, help="Ledger lines read per chunk.")
    ] = 1_000_000,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help="Text encoding of the CSV ledger and membership file when not UTF-8, "
            "e.g. latin-1 or cp1252.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Processes pricing a Parquet ledger's row groups side by side "
            "[default: one per two cores, one per million lines at most].",
        ),
    ] = None,
    index: Annotated[
        bool,
        typer.Option(
            "--index",
            help="Also print the average tariff line by line and by HS-6 subheading "
            "(docs/validation.md, Index definitions).",
        ),
    ] = False,
    steps: Annotated[
        bool,
        typer.Option(
            "--steps",
            help="Also print the average tariff at every step of each scenario's horizon, "
            "weighting products by the ledger's value, by authority, and the duty deposited, "
            "owed and refunded of invalidated measures by US fiscal year.",
        ),
    ] = False,
    scheduler: SchedulerOption = None,
    dask: DaskOption = False,
    mfn: Annotated[
        Path | None,
        typer.Option(
            "--mfn",
            help="MFN file by HTS-8 line (from 'tariffsim data mfn'): every line pays its MFN "
            "[default: the file the scenarios name with 'mfn_file:', if any].",
        ),
    ] = None,
    unpriced: Annotated[
        str,
        typer.Option(
            "--unpriced",
            help="With --mfn, a specific MFN rate on a line without a quantity in its unit: "
            "'report' prices its ad valorem part and lists the line as unpriced; 'error' "
            "refuses the ledger at that line.",
        ),
    ] = "report",
    currency: CurrencyOption = None,
) -> None:
    """Duty of every line of your import ledger under each scenario, with totals.

    A Parquet ledger is priced on every core (``--workers``); the tables are the
    same, to the cent, whatever the number of workers. A CSV ledger, and a run
    writing ``--lines``, ``--index`` or ``--steps`` (they follow every line), are
    read in one process. With ``--scheduler`` or ``--dask`` the ledger may be a folder or
    glob of Parquet files, priced on a Dask cluster (see docs/scale.md).
    """
    if scheduler is not None or dask:
        follows = [n for n, on in (("--index", index), ("--steps", steps)) if on]
        if follows:
            from tariffsim.errors import TariffsimError

            name = follows[0]
            raise TariffsimError(
                f"{name} follows every line in one process",
                field=name,
                hint="drop --scheduler/--dask",
            )
        _exposure_on_cluster(
            files,
            ledger,
            output,
            lines,
            column,
            memberships,
            importer,
            chunk_rows,
            scheduler,
            dask,
            mfn,
            unpriced,
            currency,
        )
        return
    from tariffsim._types import IntArray
    from tariffsim.errors import TariffsimError
    from tariffsim.ledger import remote
    from tariffsim.ledger.coverage import load_measures
    from tariffsim.ledger.editions import edition_warnings
    from tariffsim.ledger.indices import SubheadingTally, render_indices
    from tariffsim.ledger.lines import LineDuties
    from tariffsim.ledger.parallel import available_cores, start_workers
    from tariffsim.ledger.reader import Chunk, LedgerReader, parse_column_map
    from tariffsim.ledger.report import LineWriter, progress_reporter, write_summary
    from tariffsim.ledger.steps import StepTally, refund_years, render_steps, step_series
    from tariffsim.ledger.table import render_exposure
    from tariffsim.model.budget import check_memory, ledger_bytes
    from tariffsim.outputs.files import check_target, write_atomic, write_beside

    if remote.is_url(ledger):
        raise TariffsimError(
            "a ledger named by URL is read on a Dask cluster",
            file=ledger,
            hint="add --dask (this machine's cores) or --scheduler ADDRESS; see docs/scale.md",
        )
    source = Path(ledger)
    if (
        source.suffix.lower() == ".parquet"
        and not (lines or index or steps)
        and (workers or available_cores() // 2) > 1
    ):
        start_workers()  # the fork server imports tariffsim while the scenarios load
    tables = {".parquet": "parquet", ".csv": "csv"}
    read = [*files, source, *(p for p in (memberships, mfn) if p is not None)]
    check_target(output, "--output", read, tables)
    line_format = check_target(lines, "--lines", read, tables)
    check_memory(
        ledger_bytes(chunk_rows, len(files)),
        f"{len(files)} scenarios × chunks of {chunk_rows:,} lines",
        "use a smaller --chunk-rows",
    )
    measures = [load_measures(f, importer, memberships, encoding) for f in files]
    pricing = _line_pricing(mfn, unpriced, measures)
    currencies = _currencies(measures, files, currency)
    reader = LedgerReader(source, parse_column_map(column or []), chunk_rows, encoding)
    update, finish = progress_reporter(reader.total_rows)
    found = []
    inputs = [("scenario", files), ("ledger", [source])]
    options = {
        "output": output,
        "lines": lines,
        "column": column or [],
        "memberships": memberships,
        "importer": importer,
        "index": index,
    }
    if memberships is not None:
        inputs.append(("memberships", [memberships]))
    manifest = manifest_for("exposure", inputs, options) if output or lines else None
    tally = SubheadingTally() if index else None
    step_tally = StepTally() if steps else None

    def price(sink: LineWriter | None) -> None:
        from tariffsim.ledger.pricing import price_ledger

        sinks = [s for s in (sink, tally, step_tally) if s is not None]

        def every(m: Measures, chunk: Chunk, key: IntArray, duties: LineDuties) -> None:
            if sink is not None:
                sink(m, chunk, key, duties)
            if tally is not None:
                tally(m, chunk, key)
            if step_tally is not None:
                step_tally(m, chunk, key)

        parts = [] if sinks else _parallel_parts(reader, workers)
        if parts:
            from tariffsim.ledger.parallel import price_in_parallel

            try:
                found.append(price_in_parallel(measures, parts, progress=update, pricing=pricing))
            except TariffsimError as exc:
                raise exc.located(file=ledger) from None
            return
        try:
            found.append(
                price_ledger(
                    measures,
                    reader,
                    group_names=reader.group_names,
                    sink=every if sinks else None,
                    progress=update,
                    pricing=pricing,
                )
            )
        except TariffsimError as exc:
            raise exc.located(file=ledger) from None

    if lines is None:
        price(None)
    else:

        def render(tmp: Path) -> None:
            text = None if pricing.mfn is None else pricing.mfn.text
            with LineWriter(tmp, str(line_format), reader.names, text) as sink:
                price(sink)

        write_atomic(lines, render)
        write_beside(lines, manifest)
    finish(found[0].rows)
    for m in measures:
        for warning in edition_warnings(m.scenario.name, m.hts_editions, found[0].entries):
            typer.echo(f"tariffsim: warning: {warning}", err=True)
    if output is None:
        typer.echo(render_exposure(found[0], currencies), nl=False)
    else:
        write_summary(output, found[0], currencies)
        write_beside(output, manifest)
    if tally is not None:
        typer.echo(render_indices(tally.indices()), nl=False)
    if step_tally is not None:
        for name, m in step_tally.measures.items():
            value = step_tally.value[name]
            typer.echo(render_steps(name, step_series(m, value), refund_years(m, value)), nl=False)


def _exposure_on_cluster(
    files: list[Path],
    ledger: str,
    output: Path | None,
    lines: Path | None,
    column: list[str] | None,
    memberships: Path | None,
    importer: str | None,
    chunk_rows: int,
    scheduler: str | None,
    local: bool,
    mfn: Path | None,
    unpriced: str,
    currency: str | None = None,
) -> None:
    """``exposure --scheduler/--dask``: the ledger's parts tallied on a Dask cluster."""
    from tariffsim.errors import TariffsimError
    from tariffsim.ledger import remote
    from tariffsim.ledger.cluster import dataset_files, dataset_parts, price_on_cluster
    from tariffsim.ledger.coverage import load_measures
    from tariffsim.ledger.reader import LedgerReader, parse_column_map
    from tariffsim.ledger.report import progress_reporter, write_summary
    from tariffsim.ledger.table import render_exposure
    from tariffsim.outputs.files import check_target

    if lines is not None:
        raise TariffsimError(
            "--lines is written by one process", field="--lines", hint="drop --scheduler/--dask"
        )
    read = [*files, *([memberships] if memberships is not None else [])]
    check_target(output, "--output", read, {".parquet": "parquet", ".csv": "csv"})
    measures = [load_measures(f, importer, memberships) for f in files]
    pricing = _line_pricing(mfn, unpriced, measures)
    currencies = _currencies(measures, files, currency)
    paths = dataset_files(ledger)
    fs, path = remote.filesystem(paths[0]) if remote.is_url(paths[0]) else (None, paths[0])
    mapping = parse_column_map(column or [])
    first = LedgerReader(path, mapping, chunk_rows, filesystem=fs)  # checks the columns
    parts = dataset_parts(paths, first.columns, chunk_rows)
    _, finish = progress_reporter(sum(p.rows for p in parts))
    with dask_client(scheduler, local) as client:
        try:
            found = price_on_cluster(measures, parts, client, pricing)
        except TariffsimError as exc:
            raise exc.located(file=ledger) from None
    finish(found.rows)
    if output is None:
        typer.echo(render_exposure(found, currencies), nl=False)
    else:
        write_summary(output, found, currencies)


def _currencies(
    measures: list[Measures], files: list[Path], code: str | None
) -> dict[str, Currency]:
    """Per scenario name, ``--currency`` at the exchange rate the scenario states."""
    from tariffsim.errors import TariffsimError
    from tariffsim.model.money import currency_of

    if code is None:
        return {}
    found = {}
    for m, f in zip(measures, files, strict=True):
        try:
            found[m.scenario.name] = currency_of(m.scenario, code)
        except TariffsimError as exc:
            raise exc.located(file=f) from None
    return found


def _line_pricing(mfn: Path | None, unpriced: str, measures: list[Measures]) -> LinePricing:
    """``--mfn`` read (or the MFN file the scenarios name), with ``--unpriced`` checked."""
    from tariffsim.errors import TariffsimError
    from tariffsim.ledger.lines import LinePricing

    if unpriced not in ("report", "error"):
        raise TariffsimError(
            f"expected 'report' or 'error', got {unpriced!r}",
            field="--unpriced",
            hint="'report' lists lines an MFN specific rate cannot price; 'error' refuses them",
        )
    policy: Unpriced = "error" if unpriced == "error" else "report"
    if mfn is None:
        named = list(dict.fromkeys(m.mfn_file for m in measures if m.mfn_file is not None))
        if len(named) > 1:
            raise TariffsimError(
                f"the scenarios name different MFN files ({', '.join(map(str, named))})",
                field="mfn_file",
                hint="price them with one MFN file: pass it with --mfn",
            )
        mfn = named[0] if named else None
    if mfn is None:
        return LinePricing(unpriced=policy)
    from tariffsim.ledger.mfn import read_mfn_file

    return LinePricing(read_mfn_file(mfn), policy)


def _parallel_parts(reader: LedgerReader, workers: int | None) -> list[Part]:
    """The parts to price in parallel, or none when one process reads the ledger."""
    from tariffsim.ledger.parallel import default_workers, plan_parts

    if reader.is_csv or reader.total_rows is None:
        return []
    count = workers or default_workers(reader.total_rows, reader.chunk_rows)
    if count <= 1:
        return []
    parts = plan_parts(reader.source, count, reader.columns, reader.chunk_rows)
    return parts if len(parts) > 1 else []


MAX_SYNTH_ROWS = 1_000_000_000
"""Most lines ``synth-ledger`` writes: about 30 GB of Parquet; checked before writing."""


@app.command("synth-ledger")
@user_errors
def synth_ledger(
    output: Annotated[Path, typer.Option("--output", "-o", help="A .parquet or .csv file.")],
    rows: Annotated[
        int,
        typer.Option("--rows", min=1, max=MAX_SYNTH_ROWS, help="Number of ledger lines."),
    ] = 10_000,
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="Random seed (same seed, same file).")
    ] = 0,
    start: Annotated[str, typer.Option("--start", help="First entry date.")] = "2019-01-01",
    end: Annotated[str, typer.Option("--end", help="Last entry date.")] = "2019-12-31",
) -> None:
    """Write a realistic synthetic import ledger (see docs/ledger.md)."""
    from tariffsim.ledger.synth import parse_day, synthetic_batches, write_ledger

    batches = synthetic_batches(rows, seed, parse_day(start, "--start"), parse_day(end, "--end"))
    write_ledger(output, batches)
    typer.echo(f"wrote {rows:,} ledger lines to {output}", err=True)
