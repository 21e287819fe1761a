"""HTML pieces of the report page: escaping, tables, figures as inline SVG, the frame.

The page must stand alone: no scripts, no fonts, no stylesheets or images from
elsewhere. Its Content-Security-Policy (``default-src 'none'``) makes the browser refuse
any request the page might try, and charts are inline ``<svg>`` whose text is drawn as
paths (matplotlib's default), so no font is needed. Pure string work: no file I/O.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
"""Nothing may be fetched; only the page's own inline style applies."""

STYLE = """
:root { color-scheme: light; --ink: #1a1a1a; --muted: #555; --rule: #d9d9d9; --band: #f4f6f8; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 62rem; padding: 1rem; color: var(--ink);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.5rem 0; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.5rem; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1.05rem; margin: 1.2rem 0 0.4rem; }
p, li { max-width: 48rem; overflow-wrap: anywhere; }
.lede { font-size: 1.1rem; color: #333; }
.muted, figcaption, caption { color: var(--muted); font-size: 0.9rem; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 0.5rem 0 1rem; }
table { border-collapse: collapse; font-size: 0.92rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; caption-side: top; padding-bottom: 0.3rem; }
th, td { padding: 0.3rem 0.6rem; border-bottom: 1px solid var(--rule); text-align: left;
  vertical-align: top; }
th { background: var(--band); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr.ref td { font-weight: 600; }
figure { margin: 1rem 0 1.5rem; }
figure svg { display: block; width: 100%; height: auto; max-width: 100%; }
code, .manifest { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  font-size: 0.85rem; }
.manifest { white-space: pre-wrap; word-break: break-all; background: var(--band);
  padding: 0.8rem; border-radius: 4px; }
nav ol { columns: 2 14rem; padding-left: 1.2rem; }
@media (max-width: 600px) { body { padding: 0.6rem; font-size: 15px; } h1 { font-size: 1.3rem; } }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav { display: none; }
  h2 { break-after: avoid; }
  figure, table { break-inside: avoid; }
  .scroll { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
"""


def esc(value: object) -> str:
    """Text made safe for HTML, quotes included."""
    return html.escape(str(value), quote=True)


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric: set[int] = frozenset(),  # type: ignore[assignment]
    caption: str | None = None,
    highlight: set[int] = frozenset(),  # type: ignore[assignment]
) -> str:
    """A table of already formatted cells; columns in ``numeric`` right-aligned, rows in
    ``highlight`` (by index) emphasised. Wrapped so a narrow screen scrolls it sideways."""

    def cell(tag: str, i: int, text: str) -> str:
        kind = ' class="num"' if i in numeric else ""
        return f"<{tag}{kind}>{esc(text)}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(headers))
    marked = ' class="ref"'
    body = "".join(
        f"<tr{marked if n in highlight else ''}>"
        + "".join(cell("td", i, c) for i, c in enumerate(row))
        + "</tr>"
        for n, row in enumerate(rows)
    )
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (
        f'<div class="scroll"><table>{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


_ID = re.compile(r'\bid="([^"]+)"')


def figure_svg(fig: Figure, key: str) -> str:
    """A matplotlib figure as an inline ``<svg>`` element, its ids prefixed with ``key``.

    Several SVGs share one document, so their clip-path and glyph ids must not collide;
    the salt is fixed so the same figure gives the same text on every run.
    """
    import io

    import matplotlib as mpl

    buffer = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": key, "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    ids = set(_ID.findall(text))
    for old in sorted(ids, key=len, reverse=True):
        new = f"{key}-{old}"
        text = text.replace(f'id="{old}"', f'id="{new}"')
        text = text.replace(f"#{old})", f"#{new})").replace(f'"#{old}"', f'"#{new}"')
    return text


def figure(svg: str, title: str, caption: str, key: str) -> str:
    """A figure block: the chart, labelled for screen readers, and its caption."""
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{key}-title" ', 1)
    svg = svg.replace(">", f'><title id="{key}-title">{esc(title)}</title>', 1)
    return f'<figure id="{key}">{svg}<figcaption>{esc(caption)}</figcaption></figure>'


def document(title: str, body: str) -> str:
    """The whole page: its policy, its style and ``body``."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="tariffsim">\n'
        f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )
