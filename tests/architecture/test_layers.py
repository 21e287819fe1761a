"""The package's layers import downward only, wings never import each other, and no import
circle exists (read from the source with :mod:`ast`, every import counted, type-only ones too).

Layers, bottom to top: the base (``errors``, ``_types``) → ``scenario`` → ``model`` →
``outputs`` → the wings (every other sub-package: ``run``, ``comparison``, ...) → ``cli``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "tariffsim"
BASE = ("errors", "_types")
LAYERS = ("scenario", "model", "outputs")
TOP = ("cli", "__main__", "__init__")


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path = PACKAGE) -> set[str]:
    """Every ``tariffsim`` module ``path`` imports, wherever the import statement stands."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == root.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target.split(".")[0] != root.name:
                continue
            found.add(target)
            # `from tariffsim.x import y` may name a module y
            found.update(
                f"{target}.{a.name}"
                for a in node.names
                if (root.parent / f"{target}.{a.name}".replace(".", "/"))
                .with_suffix(".py")
                .exists()
                or (root.parent / f"{target}.{a.name}".replace(".", "/")).is_dir()
            )
    return found


def room(module: str) -> str:
    """The first name under the package: the layer or wing a module lives in."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def rank(room_name: str) -> int:
    if room_name in BASE:
        return 0
    if room_name in LAYERS:
        return 1 + LAYERS.index(room_name)
    if room_name in TOP:
        return 10
    return 5  # a wing


def violations(root: Path = PACKAGE) -> list[str]:
    """Each import that goes up a layer, across wings, or into the CLI."""
    found = []
    for path in sorted(root.rglob("*.py")):
        source = module_name(path, root)
        here = room(source)
        if here == "__init__":
            continue  # the public API re-exports names lazily from every wing
        for target in sorted(imports_of(path, root)):
            there = room(target)
            if there == "__init__" or there == here:
                continue
            if there == "cli" and here not in ("__main__",):
                found.append(f"{source} imports the CLI ({target})")
            elif rank(there) > rank(here) or (rank(there) == rank(here) == 5):
                found.append(f"{source} ({here}) imports {target} ({there})")
    return found


def cycles(root: Path = PACKAGE) -> list[list[str]]:
    """Strongly connected groups of more than one module in the import graph (Tarjan)."""
    graph = {module_name(p, root): imports_of(p, root) for p in root.rglob("*.py")}
    graph = {m: {t for t in ts if t in graph and t != m} for m, ts in graph.items()}
    # a package's __init__ naming its modules in a docstring imports nothing; drop the root
    graph.pop(root.name, None)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_layers_import_downward_and_wings_stand_apart() -> None:
    assert violations() == []


def test_no_import_circle() -> None:
    assert cycles() == []


def _write(root: Path, files: dict[str, str]) -> Path:
    package = root / "tariffsim"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return package


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"run/report.py": "from tariffsim.comparison.report import x\n"},
            "tariffsim.run.report (run) imports tariffsim.comparison.report (comparison)",
        ),
        (
            {"model/engine.py": "from tariffsim.outputs import text\n"},
            "tariffsim.model.engine (model) imports tariffsim.outputs (outputs)",
        ),
        (
            {"scenario/units.py": "import tariffsim.model.timeline\n"},
            "tariffsim.scenario.units (scenario) imports tariffsim.model.timeline (model)",
        ),
        (
            {"ledger/pricing.py": "from tariffsim.cli import shell\n"},
            "tariffsim.ledger.pricing imports the CLI (tariffsim.cli)",
        ),
    ],
)
def test_a_bad_import_is_caught(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    package = _write(tmp_path, {"__init__.py": "", **files})
    assert expected in violations(package)


def test_a_circle_is_caught(tmp_path: Path) -> None:
    package = _write(
        tmp_path,
        {
            "__init__.py": "",
            "scenario/__init__.py": "",
            "scenario/a.py": "from tariffsim.scenario import b\n",
            "scenario/b.py": "if True:\n    from tariffsim.scenario.a import x\n",
        },
    )
    assert cycles(package) == [["tariffsim.scenario.a", "tariffsim.scenario.b"]]


def test_a_downward_import_is_allowed(tmp_path: Path) -> None:
    package = _write(
        tmp_path,
        {
            "__init__.py": "",
            "run/chart.py": "from tariffsim.outputs import files\n",
            "run/report.py": "from tariffsim.model import engine\n",
        },
    )
    assert violations(package) == []
