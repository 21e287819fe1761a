"""``tariffsim backtest``: a history replay (2018–2020 or 2025–2026) against published figures."""

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
        typer.Option(
            help="Published figures (YAML); default: SCENARIO's name with .published.yaml "
            "beside it if there is one, else published.yaml beside it."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the comparison as CSV (atomically)."),
    ] = None,
    series: Annotated[
        Path | None,
        typer.Option(
            help="Write the average-tariff step series (CSV, by authority for measures), "
            "atomically."
        ),
    ] = None,
    plot: PlotOption = None,
    static: Annotated[
        bool, typer.Option("--static", help="Static replay only: imports do not respond.")
    ] = False,
    importer: ImporterOption = None,
) -> None:
    """Replay a history scenario and print it next to published figures, with errors.

    Also prints the simulated imports and duties by calendar year and by US
    fiscal year (October–September); for a scenario written with measures, the
    average tariff at each step by authority and the drop on each day a measure is
    held invalid; for invalidated measures, duty deposited, owed and refunded by
    fiscal year.
    """
    from tariffsim.history.backtest import default_published, for_importer, run_backtest
    from tariffsim.history.report import (
        render_authority_steps,
        render_backtest,
        render_refunds,
        render_years,
    )
    from tariffsim.model.aggregates import (
        authority_series,
        average_tariff_series,
        invalidation_drops,
        refund_years,
        yearly_totals,
    )
    from tariffsim.outputs.files import CHART_SUFFIXES, check_target, write_beside, write_text
    from tariffsim.outputs.text import csv_text

    figures = published or default_published(scenario)
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
    result = replay.results[0]
    code = importer.strip().upper() if importer is not None else None
    by_authority = bool(result.scenario.authority_parts)
    steps = authority_series(result.scenario) if by_authority else None
    if steps is not None:
        steps = steps if code is None else steps[steps["importer"] == code]
        drops = invalidation_drops(result.scenario, steps)
        typer.echo(render_authority_steps(steps, drops))
    for kind in ("calendar", "fiscal"):
        years = yearly_totals(result, kind)
        if code is not None:
            years = years[years["importer"] == code]
        typer.echo(render_years(years, kind))
    refunds = refund_years(result)
    if not refunds.empty:
        typer.echo(render_refunds(refunds))
    if output is not None:
        write_text(output, csv_text(replay.comparison))
        write_beside(output, manifest)
        typer.echo(f"comparison written to {output}", err=True)
    if series is not None:
        frame = steps if steps is not None else average_tariff_series(result.scenario)
        write_text(series, csv_text(frame))
        write_beside(series, manifest)
        typer.echo(f"average-tariff series written to {series}", err=True)
    if plot is not None:
        from tariffsim.history.chart import plot_backtest
        from tariffsim.outputs.files import save_figure

        save_figure(plot_backtest(replay), plot, manifest)
        typer.echo(f"chart written to {plot}", err=True)
