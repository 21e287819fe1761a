"""``tariffsim data …``: the official USITC and Census files → tariffsim's own tidy files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tariffsim.cli.shell import app, user_errors

if TYPE_CHECKING:
    import pandas as pd

data_app = typer.Typer(
    name="data",
    help="Read an official USITC or Census file into tariffsim's own tidy file "
    "(see docs/real-data.md).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(data_app, name="data")

SourceArgument = Annotated[
    Path, typer.Argument(help="The official file, as downloaded.", show_default=False)
]
EditionOption = Annotated[
    str | None,
    typer.Option(
        "--edition",
        help="HTS edition or tariff year, e.g. '2020 Basic' (default: read from the file).",
    ),
]


def _output(help_text: str) -> object:
    return typer.Option("--output", "-o", help=help_text, show_default=False)


def _checked(output: Path, source: Path) -> None:
    from tariffsim.official.export import TABLE_SUFFIXES
    from tariffsim.outputs.files import check_target

    check_target(output, "--output", [source], TABLE_SUFFIXES)


def _written(table: pd.DataFrame, output: Path, report: Callable[[], str]) -> None:
    """Write the tidy table, then say what was written on stderr."""
    from tariffsim.official.export import write_table

    write_table(table, output)
    typer.echo(report(), err=True, nl=False)


@data_app.command("china-tariffs")
@user_errors
def china_tariffs(
    source: SourceArgument,
    output: Annotated[Path, _output("Membership file to write: .csv or .parquet.")],
    edition: EditionOption = None,
    lists: Annotated[
        list[str] | None,
        typer.Option("--list", help="Keep only this list, e.g. 4A (repeatable; default: all)."),
    ] = None,
) -> None:
    """USITC China Tariffs table (.csv or .xlsx) → membership file for exposure --memberships."""
    from tariffsim.official.china_tariffs import read_china_tariffs
    from tariffsim.official.export import membership_table
    from tariffsim.official.report import membership_report

    _checked(output, source)
    table = membership_table(read_china_tariffs(source, edition=edition), lists or ())
    _written(table, output, lambda: membership_report(table, output))


@data_app.command("mfn")
@user_errors
def mfn(
    source: SourceArgument,
    output: Annotated[Path, _output("MFN file to write: .csv or .parquet.")],
    edition: EditionOption = None,
    in_effect_on: Annotated[
        str | None,
        typer.Option(
            "--in-effect-on",
            help="For a line with several periods in the year, keep the rate of this day "
            "(default: the last period).",
        ),
    ] = None,
) -> None:
    """USITC annual tariff database or HTS export (.csv/.json) → MFN rate by HTS line."""
    from tariffsim.ledger.synth import parse_day
    from tariffsim.official.export import mfn_table
    from tariffsim.official.mfn import read_mfn
    from tariffsim.official.report import rates_report

    _checked(output, source)
    day = None if in_effect_on is None else parse_day(in_effect_on, "--in-effect-on")
    table = mfn_table(read_mfn(source, edition=edition, in_effect_on=day))
    _written(table, output, lambda: rates_report(table, output, "MFN lines"))


@data_app.command("chapter99")
@user_errors
def chapter99(
    source: SourceArgument,
    output: Annotated[Path, _output("Chapter 99 file to write: .csv or .parquet.")],
    edition: EditionOption = None,
) -> None:
    """USITC HTS export (.csv/.json) → chapter 99 headings with their additional rates."""
    from tariffsim.official.export import chapter99_table
    from tariffsim.official.hts_export import read_hts_export
    from tariffsim.official.report import rates_report

    _checked(output, source)
    table = chapter99_table(read_hts_export(source, edition=edition).chapter99)
    _written(table, output, lambda: rates_report(table, output, "chapter 99 headings"))


PeriodOption = Annotated[
    str | None,
    typer.Option(
        "--period",
        help="Year or month the file covers (2024, 2024-01), if it has no time column.",
    ),
]
CountryOption = Annotated[
    str | None,
    typer.Option("--country", help="ISO code of origin (CN), if the file has no CTY_CODE."),
]
CensusCountryOption = Annotated[
    list[str] | None,
    typer.Option(
        "--census-country",
        help="A Census country code's ISO code, e.g. 5570=MY (repeatable).",
    ),
]


def _census(
    source: Path, period: str | None, country: str | None, pairs: list[str] | None
) -> pd.DataFrame:
    from tariffsim.official.census import parse_country_pairs, read_census_imports

    return read_census_imports(
        source,
        period=period,
        country_of_origin=country,
        census_countries=parse_country_pairs(pairs or []),
    )


@data_app.command("census")
@user_errors
def census(
    source: SourceArgument,
    output: Annotated[Path, _output("Ledger to write: .parquet or .csv.")],
    period: PeriodOption = None,
    country: CountryOption = None,
    census_country: CensusCountryOption = None,
) -> None:
    """Census imports by HTS-10 (API JSON/CSV) → a ledger for exposure --ledger."""
    from tariffsim.official.export import ledger_table
    from tariffsim.official.report import ledger_report

    _checked(output, source)
    table = ledger_table(_census(source, period, country, census_country))
    _written(table, output, lambda: ledger_report(table, output))


@data_app.command("weights")
@user_errors
def weights(
    source: SourceArgument,
    output: Annotated[Path, _output("Weights file to write: .csv or .parquet.")],
    digits: Annotated[
        int, typer.Option("--digits", help="HTS digits of a line: 2, 4, 6, 8 or 10.")
    ] = 10,
    period: PeriodOption = None,
    country: CountryOption = None,
    census_country: CensusCountryOption = None,
) -> None:
    """Census imports by HTS-10 → product weights for a flow's 'weights:' file."""
    from tariffsim.official.census import product_weights
    from tariffsim.official.report import weights_report

    _checked(output, source)
    table = product_weights(_census(source, period, country, census_country), digits=digits)
    _written(table, output, lambda: weights_report(table, output))
