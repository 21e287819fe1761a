"""Section 7: the charts of ``compare --plot-dir``, drawn and saved in this process.

The shipped ``hold``, ``escalate`` and ``ceasefire`` paths, compared against
``hold``: the four charts drawn (laid out once to place the event labels, no
pixels) and saved as PNG into a temporary folder. Wall and CPU time, medians
of ``repeat`` runs after one untimed run, with the figures' text artists and
the PNG bytes written.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.timing import seconds

ROOT = Path(__file__).resolve().parent.parent
PATHS = ("hold", "escalate", "ceasefire")


def charts(repeat: int) -> list[str]:
    """Section 7: ``write_charts`` into a fresh folder per run."""
    from matplotlib.text import Text

    from tariffsim.comparison.chart import comparison_figures, write_charts
    from tariffsim.model.simulation import simulate
    from tariffsim.scenario.validation import load_scenario

    results = [simulate(load_scenario(ROOT / "scenarios" / f"{n}.yaml")) for n in PATHS]
    texts = sum(
        sum(1 for t in fig.findobj(Text) if t.get_visible() and t.get_text())
        for fig in comparison_figures(results, "hold").values()
    )
    wall, cpu = [], []
    with tempfile.TemporaryDirectory() as folder:
        write_charts(results, "hold", plot_dir=Path(folder) / "warm")
        for i in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            write_charts(results, "hold", plot_dir=Path(folder) / f"run{i}")
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        written = sum(p.stat().st_size for p in (Path(folder) / "run0").glob("*.png"))
    return [
        f"7. Charts: compare --plot-dir of {', '.join(PATHS)} (4 PNG charts), median of {repeat}",
        f"   draw and save   {seconds(statistics.median(wall)):>9} (best {seconds(min(wall))})"
        f"   CPU {seconds(statistics.median(cpu))}; {texts} text artists drawn, "
        f"{written / 1e3:.0f} kB of PNG",
    ]
