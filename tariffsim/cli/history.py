"""``tariffsim backtest``: the 2018–2020 replay against published figures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tariffsim.cli.shell import (
    ImporterOption,
    PlotOption,
    app,
    manifest_for,
    user_errors,
)

HISTORY = Path("scenarios/history/us-china-2018-2020.yaml")


@app.command()
@user_errors
def backtest(
    scenario: Annotated[
        Path,
        typer.Argument(help="History scenario to replay.", show_default=True, metavar="SCENARIO"),
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
    importer: ImporterOption = None,
) -> None:
    """Replay a history scenario and print it next to published figures, with errors.

    Also prints the simulated imports and duties by calendar year and by US
    fiscal year (October–September).
    """
    from tariffsim.history.backtest import for_importer, run_backtest
    from tariffsim.history.report import render_backtest, render_years
    from tariffsim.model.aggregates import average_tariff_series, yearly_totals
    from tariffsim.outputs.files import CHART_SUFFIXES, check_target, write_beside, write_text
    from tariffsim.outputs.text import csv_text

    figures = published or scenario.parent / "published.yaml"
    check_target(output, "--output", [scenario, figures])
    check_target(series, "--series", [scenario, figures])
    check_target(plot, "--plot", [scenario, figures], CHART_SUFFIXES)
    replay = for_importer(run_backtest(scenario, figures, behavioural=not static), importer)
    options: dict[str, object] = {"output": output, "series": series, "plot": plot}
    options |= {"static": static, "importer": importer}
    manifest = manifest_for(
        "backtest", [("scenario", [scenario]), ("published figures", [figures])], options
    )
    typer.echo(render_backtest(replay.comparison))
    for kind in ("calendar", "fiscal"):
        years = yearly_totals(replay.results[0], kind)
        if importer is not None:
            years = years[years["importer"] == importer.strip().upper()]
        typer.echo(render_years(years, kind))
    if output is not None:
        write_text(output, csv_text(replay.comparison))
        write_beside(output, manifest)
        typer.echo(f"comparison written to {output}", err=True)
    if series is not None:
        write_text(series, csv_text(average_tariff_series(replay.results[0].scenario)))
        write_beside(series, manifest)
        typer.echo(f"average-tariff series written to {series}", err=True)
    if plot is not None:
        from tariffsim.history.chart import plot_backtest
        from tariffsim.outputs.files import save_figure

        save_figure(plot_backtest(replay), plot, manifest)
        typer.echo(f"chart written to {plot}", err=True)
