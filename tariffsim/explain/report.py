"""The stack for one product, origin and day as a small table (``tariffsim explain``)."""

from __future__ import annotations

from tariffsim.explain.compute import Explanation
from tariffsim.model.stack import authority_name
from tariffsim.outputs.text import table


def _percent(rate: float) -> str:
    return f"{rate * 100:.4g} %"


def render_explanation(found: Explanation) -> str:
    """The stack as text: one row per measure, then the totals and the split by authority."""
    s = found.scenario
    head = [
        f"{s.name}: {s.title}",
        f"  HTS {found.hts} from {found.origin} into {found.importer}, entered {found.day}",
        "",
    ]
    rows = [
        [
            x.id,
            x.authority,
            _percent(x.rate),
            _percent(x.paid),
            x.status + (f": {x.why}" if x.why else ""),
            x.source or "",
        ]
        for x in found.lines
    ]
    body = table(["measure", "authority", "rate", "paid", "applied?", "source"], rows, {2, 3})
    split = ", ".join(
        f"{authority_name(a)} {_percent(r)}" for a, r in found.by_authority().items() if r
    )
    tail = [
        "",
        f"  additional rate {_percent(found.additional_rate)}, base (MFN) rate "
        f"{_percent(found.base_rate)}, total {_percent(found.additional_rate + found.base_rate)}",
        f"  by authority: {split or 'none'}",
    ]
    return "\n".join([*head, *body, *tail]) + "\n"
