"""``tariffsim run``, ``validate``, ``schema`` and ``explain``: one scenario file at a time."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from tariffsim.cli.shell import (
    CurrencyOption,
    Files,
    FormatOption,
    ImporterOption,
    ModeOption,
    OutputOption,
    PlotOption,
    SamplesOption,
    SeedOption,
    SetOption,
    StaticOption,
    StepOption,
    app,
    at_file,
    manifest_for,
    user_errors,
)
from tariffsim.errors import TariffsimError


@app.command()
@user_errors
def run(
    files: Files,
    step: StepOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    plot: PlotOption = None,
    static: StaticOption = False,
    samples: SamplesOption = None,
    seed: SeedOption = 1,
    mode: ModeOption = None,
    overrides: SetOption = None,
    importer: ImporterOption = None,
    currency: CurrencyOption = None,
) -> None:
    """Simulate scenarios and show duty by tranche and period, with sources.

    Scenarios with an 'assumptions:' block run behavioural by default: static and
    behavioural totals side by side. With --samples N, one scenario's 'uncertainty:'
    distributions are drawn N times (a sweep of one branch).
    """
    from tariffsim.model.flows import for_importer, load_scenario, require_rows
    from tariffsim.model.results import select_mode
    from tariffsim.model.simulation import simulate
    from tariffsim.outputs.files import CHART_SUFFIXES, check_target, output_format
    from tariffsim.run.export import write_results

    check_target(output, "--output", files)
    check_target(plot, "--plot", files, CHART_SUFFIXES)
    if plot is not None and len(files) > 1:
        raise TariffsimError(
            f"charts one scenario, got {len(files)} files",
            field="--plot",
            hint="use 'tariffsim compare' to chart several paths",
        )
    fmt_name = output_format(fmt.value if fmt else None, output)
    options = {
        "step": step,
        "format": fmt_name,
        "output": output,
        "plot": plot,
        "static": static,
        "samples": samples,
        "mode": mode,
        "set": overrides or [],
        "importer": importer,
        "currency": currency,
    }
    if samples is not None:
        from tariffsim.cli.uncertainty import sample_one

        sample_one(
            files, samples, seed, static, step, fmt_name, output, plot, overrides or [], importer
        )
        return
    results = []
    for f in files:
        try:
            # the chart draws one panel per importer, so several importers need no refusal
            scenario = for_importer(load_scenario(f, overrides or []), importer)
            require_rows(scenario, "run")
            result = simulate(scenario, step.value if step else None, behavioural=not static)
            if currency is not None:
                from tariffsim.model.money import currency_of

                found = currency_of(scenario, currency).as_json()
                result = replace(result, extra={**result.extra, "currency": found})
            results.append(result)
        except TariffsimError as exc:
            raise at_file(exc, f, several=len(files) > 1) from None
    if mode is not None:
        results = [select_mode(r, mode.value) for r in results]
    manifest = manifest_for("run", [("scenario", files)], options)
    text_out = write_results(results, fmt_name, output, manifest)
    if text_out is not None:
        typer.echo(text_out, nl=False)
    if plot is not None:
        from tariffsim.outputs.files import save_figure
        from tariffsim.run.chart import plot_tranche_duty

        (result,) = results
        save_figure(plot_tranche_duty(result), plot, manifest)
        typer.echo(f"chart written to {plot}", err=True)


@app.command()
@user_errors
def validate(files: Files) -> None:
    """Check scenario files (and outlook files) without running them.

    Every file is checked: one line per file, 'ok' or its error; the exit code
    is 2 if any file failed.
    """
    from tariffsim.cli.shell import report_error
    from tariffsim.model.flows import load_scenario
    from tariffsim.uncertainty.outlook import describe_outlook, is_outlook

    failed = False
    for f in files:
        try:
            if is_outlook(f):
                typer.echo(f"{f}: ok ({describe_outlook(f)})")
                continue
            scenario = load_scenario(f)
        except TariffsimError as exc:
            report_error(exc)
            failed = True
            continue
        # rows laid out from flows (``flow`` or ``flow[k]`` of a weighted flow) are not tranches
        own = [t for t in scenario.tranches if t.split("[")[0] not in scenario.flows]
        counts = _count(len(own), "tranche")
        if scenario.measures or scenario.flows:
            counts += f", {_count(len(scenario.measures), 'measure')}"
            counts += f", {_count(len(scenario.flows), 'flow')}"
        typer.echo(f"{f}: ok ({counts}, {scenario.horizon.start} to {scenario.horizon.end})")
    if failed:
        raise typer.Exit(code=2)


def _count(number: int, noun: str) -> str:
    """'1 flow', '2 flows', '0 flows'."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


@app.command()
@user_errors
def schema() -> None:
    """Print the JSON Schema of scenario files (for editor completion and checks)."""
    from tariffsim.scenario.validation import scenario_json_schema

    typer.echo(scenario_json_schema())


@app.command()
@user_errors
def explain(
    scenario: Annotated[Path, typer.Argument(help="A scenario YAML file.", show_default=False)],
    hts_code: Annotated[str, typer.Option("--hts", help="An HTS code, e.g. 8517.13.00.")],
    origin: Annotated[str, typer.Option("--origin", help="Country of origin (ISO code).")],
    date: Annotated[str, typer.Option("--date", help="Entry date, YYYY-MM-DD.")],
    importer: Annotated[
        str | None, typer.Option("--importer", help="The importing country (ISO code).")
    ] = None,
    memberships: Annotated[
        Path | None, typer.Option("--memberships", help="Membership CSV (hts_code, measure).")
    ] = None,
) -> None:
    """Why a product pays its rate: every measure of the stack on one day, applied or not."""
    from tariffsim.explain.compute import load_explanation
    from tariffsim.explain.report import render_explanation
    from tariffsim.scenario.quantities import iso_date

    try:
        day = iso_date(date)
    except ValueError as exc:
        raise TariffsimError(str(exc), field="--date") from None
    found = load_explanation(scenario, hts_code, origin, day, importer, memberships)
    typer.echo(render_explanation(found), nl=False)
