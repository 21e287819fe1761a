"""A crowded scenario for chart and page tests: 50 tranches, 40 dated rate changes, two
importers, and a source title with dollar signs.

Written as YAML into a test's folder, so it is read, validated and simulated exactly
like a user's file. Deterministic: the same file every time.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

TRANCHES = 50
EVENTS = 40
US_TRANCHES = 30
"""US←CN tranches; the rest are CN←US (China's retaliation)."""


def crowded_yaml(name: str = "crowded", rate_shift: float = 0.0) -> str:
    """The scenario's text. Tranche i imports (i + 1) billion USD/year; 40 tranches get one
    dated rise each, several sharing a date; ``rate_shift`` [percentage points] is added to
    every rise (a second path of the same shape)."""
    lines = [
        f'title: "Crowded test scenario {name}: fifty tranches, forty steps, two importers"',
        "as_of: 2019-01-01",
        "sources:",
        "  synth:",
        '    title: "Synthetic steel list of $60B at 25 % and $1.5B more (test data)"',
        "    publisher: tariffsim tests",
        "    date: 2019-01-01",
        "horizon: {start: 2019-01-01, end: 2019-12-31, step: month}",
        "tranches:",
    ]
    for i in range(TRANCHES):
        importer, exporter = ("US", "CN") if i < US_TRANCHES else ("CN", "US")
        lines += [
            f"  t{i:02d}:",
            f'    label: "Steel product group {i:02d} from {exporter} (${i + 1}B)"',
            f"    importer: {importer}",
            f"    exporter: {exporter}",
            f"    imports: {{value: {i + 1} billion USD/year, source: synth}}",
            "    schedule:",
            "      2018-07-01: {rate: 5 %, source: synth}",
        ]
        if i < EVENTS:
            # 40 rises on 20 dates: two tranches share each date
            day = dt.date(2019, 1, 15) + dt.timedelta(days=15 * (i // 2))
            rate = 10 + (i % 7) * 2.5 + rate_shift
            lines.append(f"      {day.isoformat()}: {{rate: {rate:g} %, source: synth}}")
    return "\n".join(lines) + "\n"


def write_crowded(folder: Path, name: str = "crowded", rate_shift: float = 0.0) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(crowded_yaml(name, rate_shift), encoding="utf-8")
    return path
