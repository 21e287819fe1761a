"""Loading: a scenario of 5,000 tranches read, merged and validated, in this process.

The scenario is written into a temporary folder as two files (a parent of 2,500
tranches extending the shipped ``base.yaml``, and a child of 2,500 more
extending it), each under the reader's 1 MB limit, every tranche with a flow
in ``bn USD/year`` and two dated, sourced steps. The time is
:func:`tariffsim.load_scenario`'s, after one untimed load (pint's registry
and the memoised units warm).
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.timing import goal, spread, time_rounds

ROOT = Path(__file__).resolve().parent.parent
LOAD_LIMIT = 1.0
"""Goal (issue 19): a 5,000-tranche scenario loads in at most this many seconds."""


def tranches_text(parent: str, first: int, count: int) -> str:
    """A scenario file extending ``parent`` with tranches ``first`` … ``first + count - 1``."""
    rows = [f"extends: {parent}", "tranches:"]
    for i in range(first, first + count):
        rows += [
            f"  t{i}:",
            f"    label: Tranche {i}",
            "    authority: section301",
            "    importer: US",
            "    exporter: CN",
            f"    imports: {{value: {1 + i % 50} bn USD/year, source: ustr-list1}}",
            f"    schedule: {{2018-07-06: {{rate: {5 + i % 20} %, source: ustr-list1}},"
            " 2019-01-01: {rate: 25 %, source: ustr-list3}}",
        ]
    return "\n".join(rows) + "\n"


def write_large_scenario(folder: Path, tranches: int = 5_000) -> Path:
    """Write the two-file scenario of ``tranches`` tranches into ``folder``; the child's path."""
    shutil.copy(ROOT / "scenarios" / "base.yaml", folder / "base.yaml")
    half = tranches // 2
    (folder / "half.yaml").write_text(tranches_text("base.yaml", 0, half), encoding="utf-8")
    child = folder / "large.yaml"
    child.write_text(tranches_text("half.yaml", half, tranches - half), encoding="utf-8")
    return child


def loading(repeat: int, tranches: int = 5_000) -> list[str]:
    """Section 5: the load of a ``tranches``-tranche scenario, median of ``repeat``."""
    from tariffsim import load_scenario

    with tempfile.TemporaryDirectory() as folder:
        path = write_large_scenario(Path(folder), tranches)
        size = sum(p.stat().st_size for p in Path(folder).glob("*.yaml"))
        count = len(load_scenario(path).tranches)
        timing = time_rounds({"load": lambda: load_scenario(path)}, repeat)["load"]
        cpu = []
        for _ in range(repeat):
            start = time.process_time()
            load_scenario(path)
            cpu.append(time.process_time() - start)
    return [
        f"5. Loading: {count:,} tranches in 3 files ({size / 1e6:.2f} MB), median of {repeat}",
        f"   load_scenario (read, extends, units, validate) {spread(timing)}"
        f"   goal ≤ {LOAD_LIMIT} s: " + goal(timing.median <= LOAD_LIMIT),
        f"   CPU time of the same load (steadier on a shared machine)   "
        f"{statistics.median(cpu):.3f} s",
    ]
