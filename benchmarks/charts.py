"""Section 7: the charts of ``compare --plot-dir``, drawn and saved.

The shipped ``hold``, ``escalate`` and ``ceasefire`` paths, compared against
``hold``. In this process: the four charts drawn and saved as PNG into a
temporary folder, wall and CPU time (medians of ``repeat`` runs after one
untimed run), with what the renderer was asked to draw in one more save (text
artists, characters; FreeType renders each character on its own, so drawing
cost follows the characters) and the PNG bytes written. As whole processes:
``tariffsim compare`` of the same files with and without ``--plot-dir``,
alternated, wall and CPU time, so their difference is what the charts add to
the command (matplotlib's import included).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.startup import bytecode_environment, tariffsim
from benchmarks.timing import Timing, command, seconds, spread

ROOT = Path(__file__).resolve().parent.parent
PATHS = ("hold", "escalate", "ceasefire")


@dataclass
class Drawn:
    """What the Agg renderer drew: text artists (one per artist, however many lines) and
    characters."""

    artists: set[int] = field(default_factory=set)
    characters: int = 0


@contextmanager
def counting_text() -> Iterator[Drawn]:
    """Count every text the Agg renderer draws while inside (layout passes draw nothing)."""
    from matplotlib.backends.backend_agg import RendererAgg

    drawn = Drawn()
    original: Any = RendererAgg.draw_text  # untyped in matplotlib

    def draw_text(self: Any, gc: Any, x: Any, y: Any, s: str, *args: Any, **kwargs: Any) -> Any:
        drawn.artists.add(id(kwargs.get("mtext", s)))
        drawn.characters += len(s)
        return original(self, gc, x, y, s, *args, **kwargs)

    RendererAgg.draw_text = draw_text  # type: ignore[method-assign]
    try:
        yield drawn
    finally:
        RendererAgg.draw_text = original  # type: ignore[method-assign]


def charts(repeat: int) -> list[str]:
    """Section 7: ``write_charts`` into a fresh folder per run, then the CLI with and without."""
    from tariffsim.comparison.chart import write_charts
    from tariffsim.model.simulation import simulate
    from tariffsim.scenario.validation import load_scenario

    results = [simulate(load_scenario(ROOT / "scenarios" / f"{n}.yaml")) for n in PATHS]
    wall, cpu = [], []
    with tempfile.TemporaryDirectory() as folder:
        write_charts(results, "hold", plot_dir=Path(folder) / "warm")
        for i in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            write_charts(results, "hold", plot_dir=Path(folder) / f"run{i}")
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        written = sum(p.stat().st_size for p in (Path(folder) / "run0").glob("*.png"))
        with counting_text() as drawn:
            write_charts(results, "hold", plot_dir=Path(folder) / "counted")
    return [
        f"7. Charts: compare --plot-dir of {', '.join(PATHS)} (4 PNG charts), median of {repeat}",
        f"   draw and save   {seconds(statistics.median(wall)):>9} (best {seconds(min(wall))})"
        f"   CPU {seconds(statistics.median(cpu))}; {len(drawn.artists)} text artists drawn "
        f"({drawn.characters:,} characters), {written / 1e3:.0f} kB of PNG",
        *_command_lines(repeat),
    ]


def _command_lines(repeat: int) -> list[str]:
    """``tariffsim compare`` as a whole process, with and without ``--plot-dir``: wall and CPU.

    The two commands alternate, ``repeat`` rounds after one untimed run each; CPU is the
    child processes' user + system time, the steadier figure on a shared machine.
    """
    files = [f"scenarios/{n}.yaml" for n in PATHS]
    with tempfile.TemporaryDirectory() as folder:
        env = bytecode_environment(Path(folder) / "bytecode")
        argv = {
            "table": tariffsim("compare", *files),
            "charts": tariffsim("compare", *files, "--plot-dir", str(Path(folder) / "img")),
        }
        for name in argv:
            command(argv[name], ROOT, env)()
        wall: dict[str, list[float]] = {name: [] for name in argv}
        cpu: dict[str, list[float]] = {name: [] for name in argv}
        for _ in range(repeat):
            for name, words in argv.items():
                before, start = _children_cpu(), time.perf_counter()
                command(words, ROOT, env)()
                wall[name].append(time.perf_counter() - start)
                cpu[name].append(_children_cpu() - before)
    median = {name: statistics.median(cpu[name]) for name in argv}
    python = Path(sys.executable).name

    def line(name: str) -> str:
        timing = Timing(tuple(wall[name]))
        return f"{spread(timing)}   CPU {seconds(median[name])}"

    return [
        f"   {python} -m tariffsim compare (table)      {line('table')}",
        f"   ... --plot-dir (4 PNG charts)          {line('charts')}",
        f"   the charts add {seconds(median['charts'] - median['table'])} of CPU "
        f"({seconds(statistics.median(wall['charts']) - statistics.median(wall['table']))} wall)",
    ]


def _children_cpu() -> float:
    """User + system time of the finished child processes so far [s]."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
