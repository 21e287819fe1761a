"""Compare a history replay with published figures: the model behind ``tariffsim backtest``.

A published-figures file (YAML, read with the same safe loader and line map
as scenarios) lists dated, sourced observations: average tariffs on a day,
duty assessed over a span or a US fiscal year, imports in a calendar year.
:func:`compare` evaluates the same quantity on a simulated
:class:`~tariffsim.model.results.Result` and reports each error. No file writing
and no terminal rendering here (see :mod:`tariffsim.history.report`).
"""

from __future__ import annotations

import datetime as dt
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from tariffsim.errors import TariffsimError, did_you_mean
from tariffsim.model.aggregates import average_tariff_on, average_tariff_series
from tariffsim.model.results import Result
from tariffsim.scenario import inputs, units
from tariffsim.scenario.countries import parse_country
from tariffsim.scenario.loading import read_document
from tariffsim.scenario.quantities import as_value_error
from tariffsim.scenario.schema import Source

Kind = Literal[
    "average_tariff",
    "cumulative_duty",
    "fiscal_year_duty",
    "calendar_year_imports",
    "monthly_imports",
]

COMPARISON_COLUMNS = [
    "figure",
    "kind",
    "importer",
    "exporter",
    "when",
    "unit",
    "mode",
    "published",
    "simulated",
    "error",
    "relative_error",
    "source",
    "source_id",
]


class PublishedFigure(BaseModel):
    """One published observation, with its value in base units (fraction or USD)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind
    importer: str
    exporter: str
    value: str = Field(description="As written: '12.0 %' or '22.11 billion USD'.")
    amount: float = Field(description="The value in base units: a fraction [1] or USD.")
    date: dt.date | None = Field(None, description="The day (average) or last day (cumulative).")
    since: dt.date | None = Field(None, description="First day of a cumulative duty figure.")
    year: int | None = Field(None, description="Calendar or US fiscal year of a yearly figure.")
    month: int | None = Field(None, ge=1, le=12, description="Calendar month of a monthly figure.")
    tranches: list[str] = Field(default_factory=list, description="Scope; empty: all.")
    source: str
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _parse_value(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "value" not in data:
            return data
        if data.get("kind") not in typing.get_args(Kind):
            return data  # the kind's own error is the one to show
        parse = units.parse_rate if data.get("kind") == "average_tariff" else units.parse_money
        try:
            amount = parse(data["value"])
        except TariffsimError as exc:
            raise ValueError(exc.message) from None
        return {**data, "value": str(data["value"]), "amount": amount}

    @field_validator("importer", "exporter", mode="before")
    @classmethod
    def _country(cls, value: Any) -> str:
        return parse_country(value)

    @field_validator("date", "since")
    @classmethod
    def _sane_date(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and not inputs.MIN_DATE <= value <= inputs.MAX_DATE:
            raise ValueError(f"expected a date from {inputs.MIN_DATE} to {inputs.MAX_DATE}")
        return value

    @field_validator("year")
    @classmethod
    def _sane_year(cls, value: int | None) -> int | None:
        first, last = inputs.MIN_DATE.year, inputs.MAX_DATE.year
        if value is not None and not first <= value <= last:
            raise ValueError(f"expected a year from {first} to {last}, got {value}")
        return value

    @model_validator(mode="after")
    def _has_its_dates(self) -> PublishedFigure:
        needs = {
            "average_tariff": ("date",),
            "cumulative_duty": ("since", "date"),
            "fiscal_year_duty": ("year",),
            "calendar_year_imports": ("year",),
            "monthly_imports": ("year", "month"),
        }[self.kind]
        missing = [name for name in needs if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.kind} figure needs {' and '.join(missing)}")
        return self


MAX_FIGURES = 1_000
"""Most figures in a published-figures file; each costs a pass over the replay's periods."""


class CollectionLag(BaseModel):
    """Days from a good's entry to the day its duty is recorded in the published figures."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: int = Field(description="The lag in whole days [d], written '14 days'.")
    source: str
    note: str | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _days(cls, value: Any) -> int:
        return round(as_value_error(units.parse_whole_days, value))


class Published(BaseModel):
    """A file of published figures.

    ``collection_lag`` (optional) shifts every duty figure: duty recorded on
    day t is the duty on goods entered on day t − L.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    sources: dict[str, Source]
    collection_lag: CollectionLag | None = None
    figures: dict[str, PublishedFigure] = Field(min_length=1, max_length=MAX_FIGURES)
    _places: dict[str, tuple[str, int | None]] = PrivateAttr(default_factory=dict)

    def locate(self, fid: str, exc: TariffsimError) -> TariffsimError:
        """``exc`` placed at figure ``fid``'s line in the file (errors found while comparing)."""
        file, line = self._places.get(fid, (None, None))
        return TariffsimError(
            exc.message, file=file, line=line, field=f"figures.{fid}", hint=exc.hint
        )


def load_published(path: str | Path) -> Published:
    """Read and validate a published-figures file; errors name the file and line."""
    from tariffsim.scenario.validation import validate_document

    document = read_document(path)
    published = validate_document(document, Published)
    lag = published.collection_lag
    if lag is not None and lag.source not in published.sources:
        file, line = document.locate(("collection_lag", "source")) or (str(path), None)
        raise TariffsimError(
            f"unknown source '{lag.source}'",
            file=file,
            line=line,
            field="collection_lag.source",
            hint=did_you_mean(lag.source, published.sources),
        )
    for fid, figure in published.figures.items():
        if figure.source not in published.sources:
            file, line = document.locate(("figures", fid, "source")) or (str(path), None)
            raise TariffsimError(
                f"unknown source '{figure.source}'",
                file=file,
                line=line,
                field=f"figures.{fid}.source",
                hint=did_you_mean(figure.source, published.sources),
            )
    for fid in published.figures:
        place = document.locate(("figures", fid))
        published._places[fid] = place if place else (str(path), None)
    return published


def compare(results: list[Result], published: Published) -> pd.DataFrame:
    """Published figures next to each simulated mode, with errors.

    ``results`` are daily runs of one history scenario (static, and
    behavioural if available); every mode present becomes its own rows.

    Notes
    -----
    ``error = simulated − published`` in the figure's unit (percentage points
    for average tariffs, USD otherwise); ``relative_error = error / published``.
    With a collection lag L, a duty figure over recorded days [a, b] is
    compared with the duty on goods entered over [a − L, b − L].
    Average tariffs use fixed base-year weights, as the published trackers do,
    so they are the same in every mode.
    """
    rows = []
    series = average_tariff_series(results[0].scenario)
    lag = dt.timedelta(
        days=published.collection_lag.value if published.collection_lag is not None else 0
    )
    for result in results:
        for mode in result.periods["mode"].unique():
            periods = result.periods[result.periods["mode"] == mode]
            for fid, figure in published.figures.items():
                try:
                    simulated = _simulated(figure, periods, series, result, lag)
                except TariffsimError as exc:
                    raise published.locate(fid, exc) from None
                error = simulated - figure.amount
                rows.append(
                    {
                        "figure": fid,
                        "kind": figure.kind,
                        "importer": figure.importer,
                        "exporter": figure.exporter,
                        "when": _when(figure),
                        "unit": "1" if figure.kind == "average_tariff" else "USD",
                        "mode": mode,
                        "published": figure.amount,
                        "simulated": simulated,
                        "error": error,
                        "relative_error": error / figure.amount if figure.amount else 0.0,
                        "source": published.sources[figure.source].title,
                        "source_id": figure.source,
                    }
                )
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def _when(figure: PublishedFigure) -> str:
    if figure.kind == "average_tariff":
        return str(figure.date)
    if figure.kind == "cumulative_duty":
        return f"{figure.since} to {figure.date}"
    if figure.kind == "fiscal_year_duty":
        return f"FY{figure.year}"
    if figure.kind == "monthly_imports":
        return f"{figure.year}-{figure.month:02d}"
    return str(figure.year)


def _simulated(
    figure: PublishedFigure,
    periods: pd.DataFrame,
    series: pd.DataFrame,
    result: Result,
    lag: dt.timedelta,
) -> float:
    if figure.kind == "average_tariff":
        assert figure.date is not None
        return average_tariff_on(series, figure.importer, figure.exporter, figure.date)
    rows = periods[
        (periods["importer"] == figure.importer) & (periods["exporter"] == figure.exporter)
    ]
    if figure.tranches:
        unknown = sorted(set(figure.tranches) - set(result.scenario.tranches))
        if unknown:
            raise TariffsimError(
                f"published figure names tranche '{unknown[0]}', not in scenario "
                f"'{result.scenario.name}'",
                hint=did_you_mean(unknown[0], result.scenario.tranches),
            )
        rows = rows[rows["tranche"].isin(figure.tranches)]
    horizon = result.scenario.horizon
    first, last = _span(figure)
    if figure.kind in ("cumulative_duty", "fiscal_year_duty"):
        first, last = first - lag, last - lag
    _inside(first, last, horizon.start, horizon.end, figure)
    # daily periods: a span's sum is exact
    start, end = rows["period_start"], rows["period_end"]
    span = rows[(start >= pd.Timestamp(first)) & (end <= pd.Timestamp(last))]
    duty = figure.kind in ("cumulative_duty", "fiscal_year_duty")
    return float(span["additional_duty_usd" if duty else "imports_usd"].sum())


def _span(figure: PublishedFigure) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) a duty or imports figure covers."""
    if figure.kind == "cumulative_duty":
        assert figure.since is not None and figure.date is not None
        return figure.since, figure.date
    assert figure.year is not None
    if figure.kind == "fiscal_year_duty":
        return dt.date(figure.year - 1, 10, 1), dt.date(figure.year, 9, 30)
    if figure.kind == "monthly_imports":
        assert figure.month is not None
        first = dt.date(figure.year, figure.month, 1)
        following = dt.date(figure.year + figure.month // 12, figure.month % 12 + 1, 1)
        return first, following - dt.timedelta(days=1)
    return dt.date(figure.year, 1, 1), dt.date(figure.year, 12, 31)


def _inside(
    first: dt.date, last: dt.date, start: dt.date, end: dt.date, figure: PublishedFigure
) -> None:
    if first < start or last > end:
        raise TariffsimError(
            f"the {figure.kind} figure for {_when(figure)} lies outside the horizon "
            f"{start} to {end}"
        )


@dataclass(frozen=True)
class Backtest:
    """A replay and its comparison.

    Attributes
    ----------
    results : the daily runs (static first) of the history scenario.
    published : the figures compared with.
    comparison : :func:`compare`'s frame, one row per figure × mode.
    """

    results: list[Result]
    published: Published
    comparison: pd.DataFrame


def default_published(scenario_path: Path) -> Path:
    """The published figures beside a history scenario: ``<name>.published.yaml`` if it
    exists (``us-china-2025-2026.published.yaml``), else ``published.yaml``.

    Raises
    ------
    TariffsimError
        if neither is there (the scenario itself may be missing: that error comes first).
    """
    own = scenario_path.with_name(f"{scenario_path.stem}.published.yaml")
    shared = scenario_path.parent / "published.yaml"
    if own.is_file() or not scenario_path.is_file():
        return own
    if shared.is_file():
        return shared
    raise TariffsimError(
        f"no published figures beside the scenario (looked for {own.name} and published.yaml)",
        file=scenario_path,
        hint="name the figures to compare with: --published FILE (see docs/validation.md)",
    )


def run_backtest(
    scenario_path: str | Path, published_path: str | Path, *, behavioural: bool = True
) -> Backtest:
    """Replay a history scenario day by day and compare it with published figures.

    The steps: load the scenario and the figures (flows are laid out as rows, each
    product class of a weighted flow with its stack, :mod:`tariffsim.model.flows`);
    refuse a scenario with nothing to replay; simulate with daily
    periods (so spans and fiscal years are exact), static and, when the
    scenario states ``assumptions:`` and ``behavioural`` is true, behavioural;
    compare every mode.
    """
    from tariffsim.model.flows import load_scenario
    from tariffsim.model.simulation import simulate

    scenario = load_scenario(scenario_path)  # its errors first: a missing scenario, not figures
    published = load_published(published_path)
    if not scenario.tranches:
        raise TariffsimError(
            f"scenario '{scenario.name}' has no tranches or flows: nothing to replay",
            file=scenario_path,
            hint="backtest needs the imports the measures apply to: add a flow with its "
            "'imports:' (and product 'weights:'), as scenarios/history/us-china-2025-2026.yaml",
        )
    results = [simulate(scenario, "day", behavioural=behavioural)]
    return Backtest(results=results, published=published, comparison=compare(results, published))


def for_importer(replay: Backtest, importer: str | None) -> Backtest:
    """The replay's comparison narrowed to one importer's figures (None: unchanged)."""
    if importer is None:
        return replay
    code = importer.strip().upper()
    found = list(dict.fromkeys(replay.comparison["importer"]))
    if code not in found:
        raise TariffsimError(
            f"no published figure of importer '{importer}'",
            field="--importer",
            hint=f"the figures' importers: {', '.join(found)}",
        )
    rows = replay.comparison[replay.comparison["importer"] == code].reset_index(drop=True)
    return Backtest(results=replay.results, published=replay.published, comparison=rows)
