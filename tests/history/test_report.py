"""The backtest table: units, signs and one column pair per mode."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from tariffsim.history.backtest import COMPARISON_COLUMNS
from tariffsim.history.report import render_backtest, render_years


def row(figure: str, kind: str, unit: str, mode: str, published: float, sim: float) -> dict:
    return dict(
        zip(
            COMPARISON_COLUMNS,
            [
                figure,
                kind,
                "US",
                "CN",
                "2019",
                unit,
                mode,
                published,
                sim,
                sim - published,
                (sim - published) / published,
                "Source title",
                "src",
            ],
            strict=True,
        )
    )


def test_render_two_modes() -> None:
    frame = pd.DataFrame(
        [
            row("a", "average_tariff", "1", "static", 0.12, 0.089),
            row("b", "calendar_year_imports", "USD", "static", 452.2e9, 505.6e9),
            row("a", "average_tariff", "1", "behavioural", 0.12, 0.089),
            row("b", "calendar_year_imports", "USD", "behavioural", 452.2e9, 440.0e9),
        ]
    )
    text = render_backtest(frame)
    lines = text.splitlines()
    assert lines[0].split() == [
        "figure",
        "importer←exporter",
        "when",
        "published",
        "static",
        "error",
        "behavioural",
        "error",
        "id",
    ]
    assert lines[2].split()[-1] == "a"  # the figure's id, to tell figures of one day apart
    assert "12.0 %" in lines[2] and "8.9 %" in lines[2] and "-3.1 pp" in lines[2]
    assert "$452.2B" in lines[3] and "+53.4B (+12 %)" in lines[3] and "-12.2B (-3 %)" in lines[3]
    assert "static: mean absolute error 3.1 pp on average tariffs, 12 % on duties" in text
    assert "behavioural: mean absolute error 3.1 pp on average tariffs, 3 % on duties" in text


def test_render_fiscal_years() -> None:
    totals = pd.DataFrame(
        {
            "mode": ["static"],
            "importer": ["US"],
            "exporter": ["CN"],
            "year": [2019],
            "first_day": [dt.date(2018, 10, 1)],
            "last_day": [dt.date(2019, 9, 30)],
            "imports_usd": [505.6e9],
            "additional_duty_usd": [39.25e9],
            "base_duty_usd": [15.6e9],
            "total_duty_usd": [54.85e9],
        }
    )
    text = render_years(totals, "fiscal")
    assert text.splitlines()[0] == "Simulated totals by US fiscal year (Oct–Sep), $B"
    assert text.splitlines()[3].split() == [
        "static",
        "US←CN",
        "FY2019",
        "365",
        "505.6",
        "39.2",
        "54.9",
    ]
