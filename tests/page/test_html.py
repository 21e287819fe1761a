"""The page's HTML pieces: escaping, tables, inline SVG with ids that never collide."""

from __future__ import annotations

import re

from tariffsim.outputs import style
from tariffsim.page.html import CSP, document, figure, figure_svg, table


def small_figure() -> object:
    with style.styled():
        fig = style.new_figure(3, 2)
        ax = fig.subplots()
        ax.plot([0, 1], [0, 1])
        ax.set_title("a $5 title")
    return fig


def test_table_escapes_and_aligns() -> None:
    html = table(["name", "value"], [["<b>&", "$1.00B"]], numeric={1}, caption='say "hi"')
    assert "&lt;b&gt;&amp;" in html and "<b>" not in html
    assert '<td class="num">$1.00B</td>' in html
    assert "<caption>say &quot;hi&quot;</caption>" in html


def test_svg_is_the_same_text_every_time_and_ids_are_prefixed() -> None:
    fig = small_figure()
    one, two = figure_svg(fig, "a"), figure_svg(fig, "a")  # type: ignore[arg-type]
    assert one == two
    other = figure_svg(fig, "b")  # type: ignore[arg-type]
    ids_a = set(re.findall(r'id="([^"]+)"', one))
    ids_b = set(re.findall(r'id="([^"]+)"', other))
    assert ids_a and not ids_a & ids_b  # two charts on one page share no id
    assert all(i.startswith("a-") for i in ids_a)
    # every reference points at an id of its own figure
    for ref in re.findall(r'(?:href="#|url\(#)([^")]+)', one):
        assert ref in ids_a
    assert one.startswith("<svg") and "<?xml" not in one and "DOCTYPE" not in one


def test_figure_is_labelled_and_document_forbids_fetching() -> None:
    block = figure(figure_svg(small_figure(), "k"), "A <title>", "cap", "k")  # type: ignore[arg-type]
    assert '<svg role="img" aria-labelledby="k-title"' in block
    assert '<title id="k-title">A &lt;title&gt;</title>' in block
    page = document("t", block)
    assert f'content="{CSP}"' in page and "default-src 'none'" in CSP
    assert page.startswith("<!DOCTYPE html>")
