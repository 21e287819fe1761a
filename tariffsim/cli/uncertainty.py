"""``tariffsim sweep`` and ``run --samples``: Monte Carlo over an outlook."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tariffsim.cli.cluster import DaskOption, SchedulerOption, dask_client
from tariffsim.cli.shell import (
    FormatOption,
    ImporterOption,
    OutputOption,
    PlotOption,
    SeedOption,
    StaticOption,
    StepChoice,
    StepOption,
    app,
    manifest_for,
    user_errors,
)
from tariffsim.errors import TariffsimError

if TYPE_CHECKING:
    from tariffsim.uncertainty.outlook import Outlook


def sample_one(
    files: list[Path],
    samples: int,
    seed: int,
    static: bool,
    step: StepChoice | None,
    fmt: str,
    output: Path | None,
    plot: Path | None,
    overrides: list[str],
    importer: str | None = None,
) -> None:
    """run --samples: one scenario as a one-branch outlook, swept."""
    from tariffsim.model.flows import for_importer, load_scenario, one_importer, require_rows
    from tariffsim.uncertainty.outlook import single_outlook

    check_samples(samples)
    if len(files) != 1:
        raise TariffsimError("--samples runs one scenario at a time", field="--samples")
    if static:
        raise TariffsimError(
            "--static leaves nothing to draw: the distributions are of behavioural assumptions",
            field="--samples",
        )
    scenario = for_importer(load_scenario(files[0], overrides), importer)
    one_importer(scenario, "--samples")
    require_rows(scenario, "run --samples")
    outlook = single_outlook(files[0], scenario)
    options: dict[str, object] = {"samples": samples, "step": step, "format": fmt}
    options |= {"output": output, "plot": plot, "importer": importer, "set": overrides}
    manifest = manifest_for("run", [("scenario", files)], options, seed)
    _sweep_and_render(
        outlook, samples, seed, None, "total", False, step, fmt, output, plot, manifest
    )


class MeasureChoice(StrEnum):
    total = "total"
    additional = "additional"


MAX_SAMPLES = 1_000_000
"""Most draws accepted: memory grows with draws × tranches × slices (1.3 GB at the limit)."""

PROGRESS_MIN_SAMPLES = 100_000
"""Sweeps with at least this many draws show a progress bar on stderr."""


@app.command()
@user_errors
def sweep(
    outlook: Annotated[
        Path, typer.Argument(help="Outlook YAML file.", show_default=False, metavar="OUTLOOK")
    ],
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
    fmt: FormatOption = None,
    output: OutputOption = None,
    plot: PlotOption = None,
    importer: ImporterOption = None,
    scheduler: SchedulerOption = None,
    dask: DaskOption = False,
) -> None:
    """Monte Carlo over an outlook's branches, uncertain dates and assumptions.

    With ``--scheduler`` or ``--dask`` the draws are priced in blocks on a Dask
    cluster's workers; the draws themselves are made here, so a seed gives the
    same statistics as a run in one process.
    """
    check_samples(samples)
    from tariffsim.outputs.files import CHART_SUFFIXES, check_target, output_format
    from tariffsim.scenario.units import parse_money
    from tariffsim.uncertainty.outlook import load_outlook

    check_target(output, "--output", [outlook])
    check_target(plot, "--plot", [outlook], CHART_SUFFIXES)
    fmt_name = output_format(fmt.value if fmt else None, output)
    try:
        limit = None if threshold is None else parse_money(threshold)
    except TariffsimError as exc:
        raise TariffsimError(exc.message, field="--threshold", hint=exc.hint) from None
    loaded = load_outlook(outlook, importer)
    branches = [outlook.parent / b.file for b in loaded.spec.branches.values()]
    options = {
        "samples": samples,
        "threshold": threshold,
        "measure": measure,
        "static": static,
        "step": step,
        "format": fmt_name,
        "output": output,
        "plot": plot,
        "importer": importer,
    }
    manifest = manifest_for(
        "sweep", [("outlook", [outlook]), ("scenario", branches)], options, seed
    )
    with dask_client(scheduler, dask) as client:
        _sweep_and_render(
            loaded,
            samples,
            seed,
            limit,
            measure.value,
            static,
            step,
            fmt_name,
            output,
            plot,
            manifest,
            client,
        )


def check_samples(samples: int) -> None:
    """Refuse a number of draws outside 1 … :data:`MAX_SAMPLES` before any work."""
    if not 1 <= samples <= MAX_SAMPLES:
        raise TariffsimError(
            f"expected between 1 and {MAX_SAMPLES:,} draws, got {samples:,}",
            field="--samples",
            hint="10,000 draws give percentiles to about ±1 %" if samples > 0 else None,
        )


def _sweep_and_render(
    outlook: Outlook,
    samples: int,
    seed: int,
    threshold: float | None,
    measure: str,
    static: bool,
    step: StepChoice | None,
    fmt: str,
    output: Path | None,
    plot: Path | None,
    manifest: dict[str, Any],
    client: Any = None,
) -> None:
    """Sweep (with a progress bar on long runs), then print or write, and chart."""

    from tariffsim.uncertainty.report import write_sweep
    from tariffsim.uncertainty.stats import summarise
    from tariffsim.uncertainty.sweep import sweep as run_sweep

    with typer.progressbar(
        length=samples,
        label="sweep",
        file=sys.stderr,
        hidden=samples < PROGRESS_MIN_SAMPLES or not sys.stderr.isatty(),
    ) as bar:
        result = run_sweep(
            outlook,
            samples,
            seed,
            step.value if step else None,
            progress=lambda done, _: bar.update(done - bar.pos),
            behavioural=not static,
            client=client,
        )
    summary = summarise(result, measure, threshold)
    text = write_sweep(result, summary, fmt, output, manifest)
    if text is not None:
        typer.echo(text, nl=False)
    if plot is not None:
        from tariffsim.outputs.files import save_figure
        from tariffsim.uncertainty.chart import plot_sweep

        save_figure(plot_sweep(result, summary), plot, manifest)
        typer.echo(f"chart written to {plot}", err=True)
