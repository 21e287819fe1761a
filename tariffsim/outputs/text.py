"""Text every command's output shares: aligned tables, money in $B, period adverbs, CSV text,
the labels of dated rate changes and the one-line list of sources.

Pure string work: no file I/O, no matplotlib.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tariffsim.scenario.units import format_rate

if TYPE_CHECKING:
    import pandas as pd

    from tariffsim.model.results import Result

_ONE_DAY = dt.timedelta(days=1)


PERIOD_ADVERB = {
    "day": "daily",
    "week": "weekly",
    "month": "monthly",
    "quarter": "quarterly",
    "year": "yearly",
}


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    """Rows as aligned text columns; columns in ``right`` are right-aligned."""
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        parts = [
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *[line(r) for r in rows]]


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as plain dicts (typed loosely: cells are Any); a datetime64 column's
    cells as ``datetime.date`` (result frames hold days as midnights), so JSON and text
    show ``2019-01-01``, never a time of day."""
    frame = dates_as_days(frame)
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


def dates_as_days(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with each datetime64 column as ``datetime.date`` cells (a copy if any)."""
    dated = [c for c in frame.columns if frame[c].dtype.kind == "M"]
    if not dated:
        return frame
    return frame.assign(**{str(c): frame[c].dt.date for c in dated})


def billions(value: float) -> str:
    return f"{value / 1e9:,.2f}"


def csv_text(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, float_format="%.6f", lineterminator="\n")
    return buffer.getvalue()


def event_marks(results: Sequence[Result], importer: str | None = None) -> pd.DataFrame:
    """Dated rate changes inside the compared range, labelled once for all scenarios.

    ``importer`` keeps the changes of that importer's tranches only.

    Returns
    -------
    pandas.DataFrame
        ``date``, ``text`` (e.g. ``"List 3 → 25 %"``, followed by the scenarios it
        applies in when not all of them), ``scenarios`` (tuple of names), in date order.
    """
    import pandas as pd

    start = max(r.scenario.horizon.start for r in results)
    end = min(r.scenario.horizon.end for r in results)
    seen: dict[tuple[dt.date, str], list[str]] = {}
    for r in results:
        events = r.events[r.events["applies"]]
        if importer is not None:
            mine = {tid for tid, t in r.scenario.tranches.items() if t.importer == importer}
            events = events[events["tranche"].isin(mine)]
        for e in events.itertuples():
            if start <= e.date <= end and e.from_rate != e.to_rate:
                text = f"{short_label(e.label)} → {format_rate(e.to_rate)}"
                seen.setdefault((e.date, text), []).append(r.name)
    rows = []
    for (day, text), names in sorted(seen.items(), key=lambda item: item[0]):
        every = len(names) == len(results)
        rows.append(
            {
                "date": day,
                "text": text if every else f"{text} ({', '.join(names)})",
                "scenarios": tuple(names),
            }
        )
    return pd.DataFrame(rows, columns=["date", "text", "scenarios"])


def short_label(label: str) -> str:
    """A tranche label without its parenthesised detail: ``"List 3 ($200B)"`` → ``"List 3"``."""
    return label.split(" (")[0]


def sources_line(results: Sequence[Result]) -> str:
    """The sources of all compared scenarios, once each, titles shortened at the first colon;
    what ``--set`` changed first, when it changed anything (a chart's footer ends with it)."""
    from tariffsim.outputs.edits import edits_sentence

    titles: list[str] = []
    for r in results:
        for source in r.scenario.sources.values():
            title = source.title.split(": ")[0]
            title = title if len(title) <= 48 else title[:47].rsplit(" ", 1)[0].rstrip(",;:") + "…"
            year = f" ({source.date.year})" if source.date else ""
            if title + year not in titles:
                titles.append(title + year)
    return edits_sentence(results) + "Sources: " + "; ".join(titles) + "."


def step_points(starts: Sequence[dt.date], ends: Sequence[dt.date]) -> list[dt.date]:
    """x positions for a post-step line: each period's start, then the day after the last end."""
    return [*starts, ends[-1] + _ONE_DAY] if len(ends) else []
