"""The whole report page: sections in reading order, framed as one HTML document.

Takes what the command line assembled (:class:`PageInputs`) and returns the page's text;
writing it is :func:`tariffsim.outputs.files.write_text`'s job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tariffsim.page import sections as sec
from tariffsim.page.html import document, esc

if TYPE_CHECKING:
    import pandas as pd

    from tariffsim.model.results import Result


@dataclass(frozen=True)
class PageInputs:
    """Everything one page shows.

    Attributes
    ----------
    results : the paths, aligned on one range and step.
    reference : the reference path's name.
    totals : the comparison's totals frame (one row per path × mode, with differences).
    charts : the charts, in the order shown.
    manifest : the run's manifest (:mod:`tariffsim.outputs.manifest`).
    uncertainty, history : optional sections: a sweep over an outlook, a backtest.
    """

    results: Sequence[Result]
    reference: str
    totals: pd.DataFrame
    charts: Sequence[sec.Chart]
    manifest: Mapping[str, Any]
    uncertainty: sec.Block | None = None
    history: sec.Block | None = None


def render_page(inputs: PageInputs) -> str:
    """The report page as one self-contained HTML document."""
    results, ref = inputs.results, inputs.reference
    parts: list[tuple[str, str, str]] = [
        ("paths", "The paths", sec.paths(results, ref)),
        ("headline", "Headline, by importer", sec.headline(results, ref)),
        ("reference", f"Compared with {ref}", sec.comparison(inputs.totals, ref)),
        ("charts", "Charts", sec.charts(inputs.charts)),
        ("timeline", "Rate timeline", sec.timeline(results)),
        ("assumptions", "Assumptions", sec.assumptions(results)),
        ("sources", "Sources", sec.sources(results)),
    ]
    for extra in (inputs.uncertainty, inputs.history):
        if extra is not None:
            parts.append((extra.key, extra.title, sec.block(extra)))
    parts.append(("manifest", "How this page was made", sec.manifest(inputs.manifest)))
    body = sec.heading(results, ref) + sec.contents([(k, t) for k, t, _ in parts])
    body += "".join(
        f'<section id="{esc(k)}-section"><h2 id="{esc(k)}">{esc(t)}</h2>{html}</section>'
        for k, t, html in parts
    )
    ref_title = next(r for r in results if r.name == ref).scenario.title
    return document(f"tariffsim report: {ref_title}", body)
