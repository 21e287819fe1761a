"""``tariffsim report``: one self-contained HTML page of several paths, to share.

The shell gathers what the page shows from each wing (the comparison's totals and charts,
each path's tranche chart, a sweep over an outlook, a backtest) and hands it to
:mod:`tariffsim.page`, which may not import the other wings itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tariffsim.cli.shell import (
    Files,
    ImporterOption,
    SeedOption,
    SetOption,
    StepOption,
    app,
    at_file,
    manifest_for,
    user_errors,
)
from tariffsim.errors import TariffsimError

if TYPE_CHECKING:
    from tariffsim.model.results import Result
    from tariffsim.page.sections import Block

PAGE_SUFFIXES = {".html": "html", ".htm": "html"}


@app.command()
@user_errors
def report(
    files: Files,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The page to write: a .html file (atomically).")
    ],
    reference: Annotated[
        str | None,
        typer.Option(
            "--reference", "-r", help="Name of the reference path (default: the first file's)."
        ),
    ] = None,
    outlook: Annotated[
        Path | None,
        typer.Option("--outlook", help="Add the uncertainty: an outlook file, swept."),
    ] = None,
    history: Annotated[
        Path | None,
        typer.Option(
            "--history",
            help="Add a backtest: a history scenario (its published figures beside it, as "
            "backtest finds them).",
        ),
    ] = None,
    samples: Annotated[
        int, typer.Option("--samples", "-n", help="Draws of the --outlook sweep.")
    ] = 10_000,
    seed: SeedOption = 1,
    step: StepOption = None,
    overrides: SetOption = None,
    importer: ImporterOption = None,
) -> None:
    """Write one HTML page of the paths: headline per importer, charts, rates, sources.

    The page stands alone (no network, no scripts, charts inline as SVG), reads on a
    phone and prints. It ends with the run's manifest.
    """
    from tariffsim.cli.uncertainty import check_samples
    from tariffsim.comparison.compute import prepare, totals_frame
    from tariffsim.history.backtest import default_published
    from tariffsim.model.flows import for_importer, load_scenario, require_rows
    from tariffsim.outputs.files import check_target, write_text
    from tariffsim.page.build import PageInputs, render_page

    published = default_published(history) if history is not None else None
    inputs = [*files, *(p for p in (outlook, history, published) if p is not None)]
    check_target(output, "--output", inputs, PAGE_SUFFIXES)
    if outlook is not None:
        check_samples(samples)
    scenarios = []
    for f in files:
        try:
            scenarios.append(for_importer(load_scenario(f, overrides or []), importer))
            require_rows(scenarios[-1], "report")
        except TariffsimError as exc:
            raise at_file(exc, f, several=len(files) > 1) from None
    comparison = prepare(scenarios, reference, step.value if step else None)
    results, ref = list(comparison.results), comparison.reference.name
    roles = [("scenario", files)]
    uncertainty = None
    if outlook is not None:
        uncertainty, branches = _uncertainty(outlook, samples, seed)
        roles += [("outlook", [outlook]), ("scenario", branches)]
    backtest = None
    if history is not None and published is not None:
        backtest = _backtest(history, published)
        roles += [("history scenario", [history]), ("published figures", [published])]
    options = {
        "reference": ref,
        "outlook": outlook,
        "history": history,
        "samples": samples if outlook is not None else None,
        "step": step,
        "set": overrides or [],
        "output": output,
        "importer": importer,
    }
    manifest = manifest_for("report", roles, options, seed if outlook is not None else None)
    page = render_page(
        PageInputs(
            results=results,
            reference=ref,
            totals=totals_frame(results, comparison.reference),
            charts=_charts(results, ref),
            manifest=manifest,
            uncertainty=uncertainty,
            history=backtest,
        )
    )
    write_text(output, page)
    typer.echo(f"report written to {output} ({len(page.encode()) / 1e6:.1f} MB)", err=True)


def _charts(results: list[Result], reference: str) -> list:  # type: ignore[type-arg]
    """The comparison's charts (a panel per importer when there are several), then each
    path's duty by tranche."""
    from tariffsim.comparison.chart import TITLES, comparison_figures
    from tariffsim.page.sections import Chart
    from tariffsim.run.chart import plot_tranche_duty

    captions = {
        "duty-per-period": "Additional duty per period on each path; dotted lines mark the"
        " dated rate changes.",
        "cumulative-duty": "Additional duty accumulated from the start of the range.",
        "effective-rate": "Additional duty ÷ imports, per importer: the average extra tariff.",
        "totals": f"Total additional duty over the range, and each path's difference to"
        f" {reference}.",
    }
    found = [
        Chart(name, TITLES[name], captions[name], fig)
        for name, fig in comparison_figures(results, reference).items()
    ]
    found += [
        Chart(
            f"tranches-{r.name}",
            f"{r.name}: duty by tranche",
            f"{r.name}: additional duty per period, stacked by tranche.",
            plot_tranche_duty(r),
        )
        for r in results
    ]
    return found


def _uncertainty(outlook: Path, samples: int, seed: int) -> tuple[Block, list[Path]]:
    """The sweep's section: per-branch statistics of total duty over the range, and its chart."""
    from tariffsim.page.sections import Block, Chart, Column
    from tariffsim.uncertainty.chart import plot_sweep
    from tariffsim.uncertainty.outlook import load_outlook
    from tariffsim.uncertainty.stats import summarise
    from tariffsim.uncertainty.sweep import sweep

    loaded = load_outlook(outlook)
    result = sweep(loaded, samples, seed)
    summary = summarise(result, "total")
    columns = [
        Column("branch", "branch"),
        Column("probability", "probability", "share"),
        Column("draws", "draws", "count"),
        Column("mean_usd", "mean", "money"),
        *(Column(f"p{q}_usd", f"p{q}", "money") for q in (5, 25, 50, 75, 95)),
        Column("contribution_usd", "p × mean", "money"),
    ]
    block = Block(
        key="uncertainty",
        title="Uncertainty",
        intro=f"{loaded.spec.title}: {samples:,} draws (seed {seed}) of the branches, the"
        " uncertain dates and the behavioural assumptions; total duty over the range."
        f" Expected value ${summary.expected_usd / 1e9:,.2f}B.",
        frame=summary.totals,
        columns=columns,
        charts=[
            Chart(
                "sweep", "Outlook", "Duty per period (fan) and totals.", plot_sweep(result, summary)
            )
        ],
    )
    return block, [outlook.parent / b.file for b in loaded.spec.branches.values()]


def _backtest(history: Path, published: Path) -> Block:
    """The backtest's section: each published figure beside the simulated one."""
    from tariffsim.history.backtest import run_backtest
    from tariffsim.history.chart import plot_backtest
    from tariffsim.page.sections import Block, Chart, Column

    replay = run_backtest(history, published)
    columns = [
        Column("figure", "figure"),
        Column("importer", "importer"),
        Column("when", "when"),
        Column("mode", "mode"),
        Column("published", "published", "by-unit"),
        Column("simulated", "simulated", "by-unit"),
        Column("error", "error", "error-by-unit"),
        Column("source", "source"),
    ]
    return Block(
        key="backtest",
        title="Backtest against published figures",
        intro=f"{replay.results[0].scenario.title}: replayed day by day and set beside"
        " published figures.",
        frame=replay.comparison,
        columns=columns,
        charts=[
            Chart("backtest", "Backtest", "Simulated against published.", plot_backtest(replay))
        ],
    )
