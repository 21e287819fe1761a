"""The ``tariffsim`` command line: parse arguments, call the library, render.

A thin shell: no arithmetic here. Heavy libraries (pandas, pint, matplotlib)
are imported inside the commands so ``tariffsim --help`` answers fast. User
errors (:class:`~tariffsim.errors.TariffsimError`) pass through one funnel,
:func:`user_errors`, that prints one line to stderr and exits with code 2;
any other exception is a bug and keeps its traceback (exit code 1).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer

from tariffsim.errors import TariffsimError

if TYPE_CHECKING:
    from tariffsim.outlook import Outlook

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(
    name="tariffsim",
    help="What will these tariffs cost? Day-exact duty exposure of tariff paths, with sources.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


class StepChoice(StrEnum):
    day = "day"
    week = "week"
    month = "month"
    quarter = "quarter"
    year = "year"


class FormatChoice(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"


def user_errors(command: Callable[P, R]) -> Callable[P, R]:
    """The one funnel: a user error becomes one stderr line and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except TariffsimError as exc:
            typer.echo(f"tariffsim: error: {exc.render()}", err=True)
            raise typer.Exit(code=2) from None
        except KeyboardInterrupt:
            typer.echo("tariffsim: interrupted; no output file was changed", err=True)
            raise typer.Exit(code=130) from None

    return wrapper


Files = Annotated[list[Path], typer.Argument(help="Scenario YAML files.", show_default=False)]
StepOption = Annotated[
    StepChoice | None,
    typer.Option("--step", help="Reporting period, overriding the horizon's step."),
]
FormatOption = Annotated[FormatChoice, typer.Option("--format", "-f", help="Output format.")]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the output to this file (atomically).")
]
StaticOption = Annotated[
    bool,
    typer.Option(
        "--static",
        help="Switch the behavioural response off: imports do not respond to tariffs.",
    ),
]
PlotOption = Annotated[
    Path | None, typer.Option("--plot", help="Write a chart: .png, .svg or .pdf.")
]


SamplesOption = Annotated[
    int | None,
    typer.Option("--samples", "-n", help="Draw the scenario's 'uncertainty:' N times."),
]
SeedOption = Annotated[int, typer.Option("--seed", min=0, help="Seed of the random draws.")]


@app.command()
@user_errors
def run(
    files: Files,
    step: StepOption = None,
    fmt: FormatOption = FormatChoice.table,
    output: OutputOption = None,
    plot: PlotOption = None,
    static: StaticOption = False,
    samples: SamplesOption = None,
    seed: SeedOption = 1,
) -> None:
    """Simulate scenarios and show duty by tranche and period, with sources.

    Scenarios with an ``assumptions:`` block run behavioural by default: static and
    behavioural totals side by side. With ``--samples N``, one scenario's
    ``uncertainty:`` distributions are drawn N times (a sweep of one branch).
    """
    from tariffsim.export import write_results
    from tariffsim.output import refuse_overwriting_inputs, write_text
    from tariffsim.report import render_summary
    from tariffsim.scenario import load_scenario
    from tariffsim.simulation import simulate

    refuse_overwriting_inputs(output, files, "--output")
    refuse_overwriting_inputs(plot, files, "--plot")
    if samples is not None:
        _sample_one(files, samples, seed, static, step, fmt, output, plot)
        return
    results = []
    for f in files:
        try:
            results.append(
                simulate(load_scenario(f), step.value if step else None, behavioural=not static)
            )
        except TariffsimError as exc:
            raise exc.located(file=f) from None
    if fmt is FormatChoice.table:
        text = "\n".join(render_summary(r) for r in results)
        if output is None:
            typer.echo(text, nl=False)
        else:
            write_text(output, text)
    else:
        text_out = write_results(results, fmt.value, output)
        if text_out is not None:
            typer.echo(text_out, nl=False)
    if plot is not None:
        from tariffsim.plotting import plot_tranche_duty, save_figure

        save_figure(plot_tranche_duty(results[0]), plot)
        typer.echo(f"chart written to {plot}", err=True)


@app.command()
@user_errors
def validate(files: Files) -> None:
    """Check scenario files (and outlook files) without running them."""
    from tariffsim.outlook import describe_outlook, is_outlook
    from tariffsim.scenario import load_scenario

    for f in files:
        if is_outlook(f):
            typer.echo(f"{f}: ok ({describe_outlook(f)})")
            continue
        scenario = load_scenario(f)
        typer.echo(
            f"{f}: ok ({len(scenario.tranches)} tranches, "
            f"{scenario.horizon.start} to {scenario.horizon.end})"
        )


@app.command()
@user_errors
def schema() -> None:
    """Print the JSON Schema of scenario files (for editor completion and checks)."""
    from tariffsim.scenario import scenario_json_schema

    typer.echo(scenario_json_schema())


class ChartFormat(StrEnum):
    png = "png"
    svg = "svg"
    pdf = "pdf"


LedgerOption = Annotated[
    Path, typer.Option("--ledger", help="Import ledger: .parquet or .csv (see docs/ledger.md).")
]
ColumnOption = Annotated[
    list[str] | None,
    typer.Option(
        "--column",
        help="Map a ledger column to your file's name, e.g. hts_code=HTS10 (repeatable).",
    ),
]


@app.command()
@user_errors
def compare(
    files: Files,
    reference: Annotated[
        str | None,
        typer.Option(
            "--reference", "-r", help="Name of the reference scenario (default: the first file's)."
        ),
    ] = None,
    step: StepOption = None,
    fmt: FormatOption = FormatChoice.table,
    output: OutputOption = None,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Write all four charts on one figure: .png, .svg or .pdf."),
    ] = None,
    plot_dir: Annotated[
        Path | None,
        typer.Option("--plot-dir", help="Write one file per chart into this folder."),
    ] = None,
    plot_format: Annotated[
        ChartFormat, typer.Option("--plot-format", help="File type of the --plot-dir charts.")
    ] = ChartFormat.png,
) -> None:
    """Compare tariff paths: totals and differences to a reference, per period and tranche."""
    from tariffsim.comparison import align, check_comparable, reference_result, simulate_aligned
    from tariffsim.comparison_report import write_comparison
    from tariffsim.output import refuse_overwriting_inputs
    from tariffsim.plotting import chart_format
    from tariffsim.scenario import load_scenario

    refuse_overwriting_inputs(output, files, "--output")
    refuse_overwriting_inputs(plot, files, "--plot")
    if plot is not None:
        chart_format(plot)
    scenarios = [load_scenario(f) for f in files]
    alignment = align(scenarios, step.value if step else None)
    results = simulate_aligned(scenarios, alignment.step)
    check_comparable(results)
    reference_result(results, reference)
    if alignment.clipped:
        typer.echo(
            f"note: compared over the common range {alignment.start} to {alignment.end}"
            f" (horizon cut for {', '.join(alignment.clipped)})",
            err=True,
        )
    text = write_comparison(results, reference, fmt.value, output)
    if text is not None:
        typer.echo(text, nl=False)
    if plot is not None or plot_dir is not None:
        from tariffsim.charts.compare import write_charts

        for path in write_charts(results, reference, plot, plot_dir, plot_format.value):
            typer.echo(f"chart written to {path}", err=True)


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
) -> None:
    """Duty of every line of your import ledger under each scenario, with totals."""
    from tariffsim.coverage import load_measures
    from tariffsim.exposure_output import (
        LineWriter,
        file_format,
        progress_reporter,
        render_exposure,
        write_summary,
    )
    from tariffsim.ledger import LedgerReader, parse_column_map
    from tariffsim.output import refuse_overwriting_inputs, write_atomic

    for target in (output, lines):
        refuse_overwriting_inputs(target, [*files, ledger])
    if output is not None:
        file_format(output, "--output")
    measures = [load_measures(f, importer, memberships) for f in files]
    reader = LedgerReader(ledger, parse_column_map(column or []), chunk_rows)
    update, finish = progress_reporter(reader.total_rows)
    found = []

    def price(sink: LineWriter | None) -> None:
        from tariffsim.exposure import price_ledger

        found.append(
            price_ledger(
                measures, reader, group_names=reader.group_names, sink=sink, progress=update
            )
        )

    if lines is None:
        price(None)
    else:
        fmt = file_format(lines, "--lines")

        def render(tmp: Path) -> None:
            with LineWriter(tmp, fmt) as sink:
                price(sink)

        write_atomic(lines, render)
    finish(found[0].rows)
    if output is None:
        typer.echo(render_exposure(found[0]), nl=False)
    else:
        write_summary(output, found[0])


@app.command("synth-ledger")
@user_errors
def synth_ledger(
    output: Annotated[Path, typer.Option("--output", "-o", help="A .parquet or .csv file.")],
    rows: Annotated[int, typer.Option("--rows", min=1, help="Number of ledger lines.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same file).")] = 0,
    start: Annotated[str, typer.Option("--start", help="First entry date.")] = "2019-01-01",
    end: Annotated[str, typer.Option("--end", help="Last entry date.")] = "2019-12-31",
) -> None:
    """Write a realistic synthetic import ledger (see docs/ledger.md)."""
    from tariffsim.synth import parse_day, synthetic_batches, write_ledger

    batches = synthetic_batches(rows, seed, parse_day(start, "--start"), parse_day(end, "--end"))
    write_ledger(output, batches)
    typer.echo(f"wrote {rows:,} ledger lines to {output}", err=True)


HISTORY = Path("scenarios/history/us-china-2018-2020.yaml")


@app.command()
@user_errors
def backtest(
    scenario: Annotated[
        Path, typer.Argument(help="History scenario to replay.", show_default=True)
    ] = HISTORY,
    published: Annotated[
        Path | None,
        typer.Option(help="Published figures (YAML); default: published.yaml beside the scenario."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the comparison as CSV (atomically)."),
    ] = None,
    series: Annotated[
        Path | None,
        typer.Option(help="Write the daily average-tariff step series (CSV), atomically."),
    ] = None,
    plot: PlotOption = None,
    static: Annotated[
        bool, typer.Option("--static", help="Static replay only: imports do not respond.")
    ] = False,
) -> None:
    """Replay a history scenario and print it next to published figures, with errors.

    Also prints the simulated imports and duties by calendar year and by US
    fiscal year (October–September).
    """
    from tariffsim.aggregates import average_tariff_series, yearly_totals
    from tariffsim.backtest import run_backtest
    from tariffsim.backtest_report import render_backtest, render_years
    from tariffsim.export import csv_text
    from tariffsim.output import refuse_overwriting_inputs, write_text

    figures = published or scenario.parent / "published.yaml"
    for target in (output, series, plot):
        refuse_overwriting_inputs(target, [scenario, figures])
    replay = run_backtest(scenario, figures, behavioural=not static)
    typer.echo(render_backtest(replay.comparison))
    for kind in ("calendar", "fiscal"):
        typer.echo(render_years(yearly_totals(replay.results[0], kind), kind))
    if output is not None:
        write_text(output, csv_text(replay.comparison))
        typer.echo(f"comparison written to {output}", err=True)
    if series is not None:
        write_text(series, csv_text(average_tariff_series(replay.results[0].scenario)))
        typer.echo(f"average-tariff series written to {series}", err=True)
    if plot is not None:
        from tariffsim.backtest_chart import plot_backtest
        from tariffsim.plotting import save_figure

        save_figure(plot_backtest(replay), plot)
        typer.echo(f"chart written to {plot}", err=True)


def _sample_one(
    files: list[Path],
    samples: int,
    seed: int,
    static: bool,
    step: StepChoice | None,
    fmt: FormatChoice,
    output: Path | None,
    plot: Path | None,
) -> None:
    """``run --samples``: one scenario as a one-branch outlook, swept."""
    from tariffsim.outlook import single_outlook
    from tariffsim.scenario import load_scenario

    if len(files) != 1:
        raise TariffsimError("--samples runs one scenario at a time", field="--samples")
    if static:
        raise TariffsimError(
            "--static leaves nothing to draw: the distributions are of behavioural assumptions",
            field="--samples",
        )
    outlook = single_outlook(files[0], load_scenario(files[0]))
    _sweep_and_render(outlook, samples, seed, None, "total", False, step, fmt, output, plot)


class MeasureChoice(StrEnum):
    total = "total"
    additional = "additional"


PROGRESS_MIN_SAMPLES = 100_000
"""Sweeps with at least this many draws show a progress bar on stderr."""


@app.command()
@user_errors
def sweep(
    outlook: Annotated[Path, typer.Argument(help="Outlook YAML file.", show_default=False)],
    samples: Annotated[int, typer.Option("--samples", "-n", help="Number of draws.")] = 10_000,
    seed: SeedOption = 1,
    threshold: Annotated[
        str | None,
        typer.Option(
            "--threshold", help="Report P(duty over the horizon > this), e.g. '150 billion USD'."
        ),
    ] = None,
    measure: Annotated[
        MeasureChoice, typer.Option("--measure", help="Total duty or additional duty only.")
    ] = MeasureChoice.total,
    static: StaticOption = False,
    step: StepOption = None,
    fmt: FormatOption = FormatChoice.table,
    output: OutputOption = None,
    plot: PlotOption = None,
) -> None:
    """Monte Carlo over an outlook's branches, uncertain dates and assumptions."""
    from tariffsim.outlook import load_outlook
    from tariffsim.output import refuse_overwriting_inputs
    from tariffsim.units import parse_money

    for target in (output, plot):
        refuse_overwriting_inputs(target, [outlook])
    try:
        limit = None if threshold is None else parse_money(threshold)
    except TariffsimError as exc:
        raise TariffsimError(exc.message, field="--threshold", hint=exc.hint) from None
    loaded = load_outlook(outlook)
    _sweep_and_render(loaded, samples, seed, limit, measure.value, static, step, fmt, output, plot)


def _sweep_and_render(
    outlook: Outlook,
    samples: int,
    seed: int,
    threshold: float | None,
    measure: str,
    static: bool,
    step: StepChoice | None,
    fmt: FormatChoice,
    output: Path | None,
    plot: Path | None,
) -> None:
    """Sweep (with a progress bar on long runs), then print or write, and chart."""
    import sys

    from tariffsim.montecarlo import sweep as run_sweep
    from tariffsim.stats import summarise
    from tariffsim.sweep_output import write_sweep

    with typer.progressbar(
        length=samples, label="sweep", file=sys.stderr, hidden=samples < PROGRESS_MIN_SAMPLES
    ) as bar:
        result = run_sweep(
            outlook,
            samples,
            seed,
            step.value if step else None,
            progress=lambda done, _: bar.update(done - bar.pos),
            behavioural=not static,
        )
    summary = summarise(result, measure, threshold)
    text = write_sweep(result, summary, fmt.value, output)
    if text is not None:
        typer.echo(text, nl=False)
    if plot is not None:
        from tariffsim.fanchart import plot_sweep
        from tariffsim.plotting import save_figure

        save_figure(plot_sweep(result, summary), plot)
        typer.echo(f"chart written to {plot}", err=True)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
