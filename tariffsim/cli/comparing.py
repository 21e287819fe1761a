"""``tariffsim compare``: several paths against a reference, in tables and charts."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tariffsim.cli.shell import (
    CurrencyOption,
    Files,
    FormatOption,
    ImporterOption,
    ModeOption,
    OutputOption,
    SetOption,
    StepOption,
    app,
    at_file,
    manifest_for,
    user_errors,
)
from tariffsim.errors import TariffsimError

if TYPE_CHECKING:
    from tariffsim.comparison.compute import Comparison


class ChartFormat(StrEnum):
    png = "png"
    svg = "svg"
    pdf = "pdf"


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
    fmt: FormatOption = None,
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
    mode: ModeOption = None,
    overrides: SetOption = None,
    importer: ImporterOption = None,
    currency: CurrencyOption = None,
) -> None:
    """Compare tariff paths: totals and differences to a reference, per period and tranche."""
    from tariffsim.comparison.compute import prepare
    from tariffsim.comparison.report import emit_comparison
    from tariffsim.model.flows import for_importer, load_scenario, require_rows
    from tariffsim.outputs.files import CHART_SUFFIXES, check_plot_dir, check_target, output_format

    check_target(output, "--output", files)
    check_target(plot, "--plot", files, CHART_SUFFIXES)
    check_plot_dir(plot_dir)
    fmt_name = output_format(fmt.value if fmt else None, output)
    scenarios = []
    for f in files:
        try:
            scenario = for_importer(load_scenario(f, overrides or []), importer)
            require_rows(scenario, "compare")
        except TariffsimError as exc:
            raise at_file(exc, f, several=len(files) > 1) from None
        scenarios.append(scenario)
    comparison = prepare(scenarios, reference, step.value if step else None)
    alignment = comparison.alignment
    assert alignment is not None  # prepare aligns
    if mode is not None:
        from tariffsim.comparison.compute import Comparison
        from tariffsim.model.results import select_mode

        one_mode = [select_mode(r, mode.value) for r in comparison.results]
        comparison = Comparison.of(one_mode, comparison.reference.name, alignment)
    if currency is not None:
        named = {s.name: f for s, f in zip(scenarios, files, strict=True)}
        comparison = _in_currency(comparison, currency, named)
    if alignment.clipped:
        typer.echo(
            f"note: compared over the common range {alignment.start} to {alignment.end}"
            f" (horizon cut for {', '.join(alignment.clipped)})",
            err=True,
        )
    options = {
        "reference": reference,
        "step": step,
        "format": fmt_name,
        "output": output,
        "plot": plot,
        "plot_dir": plot_dir,
        "plot_format": plot_format,
        "mode": mode,
        "set": overrides or [],
        "importer": importer,
        "currency": currency,
    }
    manifest = manifest_for("compare", [("scenario", files)], options)
    text = emit_comparison(comparison, fmt_name, output, manifest)
    if text is not None:
        typer.echo(text, nl=False)
    if plot is not None or plot_dir is not None:
        from tariffsim.comparison.chart import write_charts

        results, ref = list(comparison.results), comparison.reference.name
        for path in write_charts(results, ref, plot, plot_dir, plot_format.value, manifest):
            typer.echo(f"chart written to {path}", err=True)


def _in_currency(comparison: Comparison, code: str, files: dict[str, Path]) -> Comparison:
    """The comparison with each result carrying ``code`` at its own scenario's stated rate
    (``result.extra["currency"]``); a scenario that states none is one located line."""
    from dataclasses import replace

    from tariffsim.model.money import currency_of

    results = []
    for result in comparison.results:
        try:
            found = currency_of(result.scenario, code)
        except TariffsimError as exc:
            raise exc.located(file=files.get(result.scenario.name)) from None
        results.append(replace(result, extra={**result.extra, "currency": found.as_json()}))
    from tariffsim.comparison.compute import Comparison

    return Comparison.of(results, comparison.reference.name, comparison.alignment)
