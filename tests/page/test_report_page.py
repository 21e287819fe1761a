"""tariffsim report: one self-contained page, checked in a real headless Chromium.

The browser loads the page from a file and the DevTools protocol reports every request,
console message and exception; the page's own Content-Security-Policy
(``default-src 'none'``) would also refuse, and log, any fetch.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tests.conftest import ROOT
from tests.page.browser import Browser, chromium

runner = CliRunner()
PATHS = [f"scenarios/{p}.yaml" for p in ("escalate", "hold", "ceasefire", "deescalate")]
MAX_BYTES = 3_000_000
"""'Under a few MB' for the four shipped paths."""

needs_chromium = pytest.mark.skipif(
    chromium() is None,
    reason="chromium is not installed (apt-get install -y chromium; .ci/run installs it)",
)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, from its IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("page") / "r.html"
    args = ["report", *(str(ROOT / p) for p in PATHS), "--reference", "hold", "-o", str(target)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    return target


def test_page_is_one_small_file_with_everything(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert len(page.read_bytes()) < MAX_BYTES
    assert sorted(p.name for p in page.parent.iterdir()) == ["r.html"]  # nothing beside it
    assert "default-src 'none'" in text
    # nothing to fetch: no scripts, no external style, fonts or images
    assert not re.search(r"<script|<link|<img|@import|url\(http|src=\"http", text)
    for section in ("paths", "headline", "reference", "charts", "timeline", "assumptions"):
        assert f'id="{section}"' in text
    assert text.count("<svg") == 8  # four comparison charts and one tranche chart per path
    assert "Imports into US" in text
    # the manifest lists every scenario and the base they extend, with their hashes
    import hashlib

    for name in ("escalate", "hold", "ceasefire", "deescalate", "base"):
        digest = hashlib.sha256((ROOT / "scenarios" / f"{name}.yaml").read_bytes()).hexdigest()
        assert digest in text


def test_page_refuses_a_non_html_target(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(ROOT / PATHS[1]), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 2
    assert "--output" in result.stderr and ".html" in result.stderr
    assert list(tmp_path.iterdir()) == []


@needs_chromium
def test_page_renders_in_chromium_without_errors_or_requests(page: Path) -> None:
    with Browser() as browser:
        visit = browser.open(page, 1280, 900)
        assert visit.requests == [page.resolve().as_uri()]  # the file itself, nothing else
        assert visit.exceptions == []
        assert [c for c in visit.console if c[0] in ("error", "warning", "assert")] == []
        assert [entry for entry in visit.log if entry[0] in ("error", "warning")] == []
        boxes = browser.evaluate(
            "[...document.querySelectorAll('figure svg')].map(s => {"
            " const r = s.getBoundingClientRect(); const c = getComputedStyle(s);"
            " return [r.width, r.height, c.visibility, c.display, r.left, r.right]; })"
        )
        assert len(boxes) == 8
        page_width = browser.evaluate("document.documentElement.clientWidth")
        for width, height, visibility, display, left, right in boxes:
            assert width > 300 and height > 150, boxes
            assert visibility == "visible" and display != "none"
            assert left >= 0 and right <= page_width  # inside the page, not cut
        shot = browser.screenshot()
        width, height = png_size(shot)
        content = browser.evaluate(
            "[document.documentElement.clientWidth, document.documentElement.scrollHeight]"
        )
        assert content[0] - 20 <= width <= content[0]  # less a scroll bar, if one is drawn
        assert abs(height - content[1]) <= 40
        assert height > 8 * 300  # eight charts, stacked
        assert len(shot) > 100_000  # a real picture, not a blank page
        pdf = browser.print_pdf()
        assert pdf.startswith(b"%PDF") and len(pdf) > 100_000  # it prints


@needs_chromium
def test_page_fits_a_phone(page: Path) -> None:
    with Browser() as browser:
        browser.open(page, 390, 844)
        overflow = browser.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow == 0  # wide tables scroll inside their box; the page never does
        widths = browser.evaluate(
            "[...document.querySelectorAll('figure svg')].map(s => s.getBoundingClientRect().width)"
        )
        assert widths and all(0 < w <= 390 for w in widths)


def test_page_with_outlook_and_history(tmp_path: Path) -> None:
    target = tmp_path / "all.html"
    args = [
        "report",
        str(ROOT / PATHS[1]),
        str(ROOT / PATHS[0]),
        "--outlook",
        str(ROOT / "scenarios" / "outlook.yaml"),
        "--samples",
        "200",
        "--history",
        str(ROOT / "scenarios" / "history" / "us-china-2018-2020.yaml"),
        "-o",
        str(target),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    text = target.read_text()
    assert 'id="uncertainty"' in text and 'id="backtest"' in text
    assert "200 draws (seed 1)" in text
    assert text.count("<svg") == 4 + 2 + 2
    assert "published figures" in text  # the manifest's role for published.yaml


def test_two_importers_get_their_own_tables_and_charts(tmp_path: Path) -> None:
    """The 2018-2020 history has US and Chinese duties: the page shows each importer apart,
    with the totals each importer's own run gives (never the two added)."""
    from tariffsim.model.flows import load_scenario
    from tariffsim.model.simulation import simulate
    from tariffsim.page.sections import money

    history = ROOT / "scenarios/history/us-china-2018-2020.yaml"
    out = tmp_path / "two.html"
    result = CliRunner().invoke(app, ["report", str(history), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    section = text.split('id="reference-section"')[1].split("</section>")[0]
    assert section.count("<h3>Imports into ") == 2
    run = simulate(load_scenario(history))
    for code in ("US", "CN"):
        own = run.totals(importer=code)["additional_duty_usd"]
        block = section.split(f"<h3>Imports into {code}</h3>")[1].split("<h3>")[0]
        assert money(own) in block
    charts = text.split('id="charts-section"')[1].split("</section>")[0]
    # four comparison charts and the path's tranche chart, each with a panel per importer
    assert charts.count("Imports into US") == charts.count("Imports into CN") == 5
    assert money(sum(run.totals(importer=c)["additional_duty_usd"] for c in ("US", "CN"))) not in (
        section
    )
    only = tmp_path / "cn.html"
    args = ["report", str(history), "--importer", "CN", "-o", str(only)]
    narrowed = CliRunner().invoke(app, args)
    assert narrowed.exit_code == 0, narrowed.stderr
    assert "<h3>Imports into US</h3>" not in only.read_text()
