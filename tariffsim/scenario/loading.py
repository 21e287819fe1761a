"""Read a scenario file and the files it ``extends``, merged, with each key's line.

Each file is read by :mod:`tariffsim.scenario.yamlfile` (safe YAML, plain data, line
map); this module follows ``extends`` — inside the scenario's folder tree, no
cycles, a bounded chain — and deep-merges child over parent, keeping the line
map pointing at the winning values. No validation of meaning here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tariffsim.errors import TariffsimError, shown
from tariffsim.scenario import inputs
from tariffsim.scenario.edits import SET_SOURCE
from tariffsim.scenario.yamlfile import MAX_FILE_BYTES as MAX_FILE_BYTES
from tariffsim.scenario.yamlfile import Location, Path_, sibling_hint
from tariffsim.scenario.yamlfile import parse_file as parse_file

NAME_MAX = 255
"""Longest file name [bytes] named by ``extends``, as most file systems allow."""

MAX_EXTENDS_DEPTH = 16
"""Longest chain of ``extends`` parents."""


@dataclass
class Document:
    """A scenario file's data after ``extends`` is resolved.

    Attributes
    ----------
    data : the merged plain data.
    lines : key path → (file, 1-based line) of the value that won the merge.
    files : every file read, the top file first.
    introduced : each entry of a block (``("tranches", "list4")``) that a file added over
        its parent, or ``--set`` over the file, with the place of its id.
    """

    data: dict[str, Any]
    lines: dict[Path_, Location] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    introduced: dict[Path_, Location] = field(default_factory=dict)

    def locate(self, path: Path_) -> Location | None:
        """The place of the longest known prefix of ``path``; ``--set`` when a value inside
        ``path`` was set there (the node is the file's as ``--set`` changed it)."""
        for end in range(len(path), 0, -1):
            place = self.lines.get(tuple(path[:end]))
            if place is not None:
                if place[0] != SET_SOURCE and self._set_inside(tuple(path)):
                    return (SET_SOURCE, None)
                return place
        return None

    def _set_inside(self, path: Path_) -> bool:
        """Whether ``--set`` wrote a value at or below ``path``."""
        n = len(path)
        return any(
            place[0] == SET_SOURCE and key[:n] == path
            for key, place in self.lines.items()
            if len(key) > n
        )

    def named_file(self, field: str, ref: str, what: str, hint: Callable[[Path], str]) -> Path:
        """The file ``ref`` that the scenario's top-level ``field`` names, checked to exist.

        Relative to the scenario file that names it, and confined to the folder tree of
        the scenario named on the command line, as ``extends`` is; a missing file is one
        located line, with ``hint(target)`` telling how to make it.
        """
        file, line = self.locate((field,)) or (self.files[0], None)
        root = Path(self.files[0]).resolve().parent
        target = inputs.confine(ref, file, root, field, line)
        if not target.is_file():
            raise TariffsimError(
                f"{what} '{ref}' not found", file=file, line=line, field=field, hint=hint(target)
            )
        return target


def read_document(path: str | Path) -> Document:
    """Read ``path`` and the files it ``extends``, merged, with line map."""
    top = Path(path)
    document = _read_with_parents(top, stack=[], root=_resolved(top).parent)
    _remember(top, document)
    return document


@dataclass(frozen=True)
class Chain:
    """The files a scenario was read from, as its manifest lists them.

    Attributes
    ----------
    files : the scenario file and every file it ``extends``, the top file first.
    memberships : the file its top-level ``memberships:`` names, as written relative
        to the file that names it (None when it names none).
    stamps : each file's (modification time [ns], size [bytes]) when it was read.
    """

    files: tuple[str, ...]
    memberships: str | None
    stamps: tuple[tuple[int, int], ...]


CHAINS_KEPT = 256
"""Most scenario files whose chain :func:`files_of` remembers in one process."""

_chains: dict[str, Chain] = {}


def files_of(path: str | Path) -> Chain:
    """The files of the scenario at ``path``, without parsing it again if it was just read.

    A manifest lists and hashes the files of every scenario a command ran. They were
    read moments before, and parsing a large scenario twice took a sixth of a run. The
    files are read again whenever one of them changed since (its modification time or
    size), or the scenario was never read in this process.
    """
    chain = _chains.get(os.path.abspath(path))
    if chain is None or chain.stamps != _stamps(chain.files):
        read_document(path)
        chain = _chains[os.path.abspath(path)]
    return chain


def _remember(top: Path, document: Document) -> None:
    named = document.data.get("memberships")
    place = document.locate(("memberships",))
    memberships = str(Path(place[0]).parent / named) if isinstance(named, str) and place else None
    if len(_chains) >= CHAINS_KEPT:
        _chains.pop(next(iter(_chains)))
    files = tuple(document.files)
    _chains[os.path.abspath(top)] = Chain(files, memberships, _stamps(files))


def _stamps(files: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """(modification time [ns], size [bytes]) of each file; (-1, -1) for one that is gone."""
    found = []
    for file in files:
        try:
            stat = os.stat(file)
        except OSError:
            found.append((-1, -1))
        else:
            found.append((stat.st_mtime_ns, stat.st_size))
    return tuple(found)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError) as exc:
        raise TariffsimError(f"cannot resolve path: {exc}", file=path) from None


def _read_with_parents(path: Path, stack: list[Path], root: Path) -> Document:
    real = _resolved(path)
    data, lines = parse_file(path)
    parent_ref = data.pop("extends", None)
    if parent_ref is None:
        return Document(data, lines, [str(path)])
    file, line = place = lines.pop(("extends",))
    parent = _parent_path(path, parent_ref, root, place)
    chain = [*stack, real]
    if _resolved(parent) in chain:
        names = " → ".join(p.name for p in [*chain, _resolved(parent)])
        raise TariffsimError(
            f"'extends' forms a cycle: {names}", file=file, line=line, field="extends"
        )
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise TariffsimError(
            f"'extends' chain longer than {MAX_EXTENDS_DEPTH} files",
            file=file,
            line=line,
            field="extends",
        )
    base = _read_with_parents(parent, chain, root)
    base.data.pop("name", None)  # a name belongs to its own file; it is never inherited
    introduced = base.introduced | _new_entries(base.data, data, lines)
    merged = merge(base.data, data, base.lines, lines)
    return Document(merged, base.lines, [str(path), *base.files], introduced)


def _new_entries(
    base: dict[str, Any], over: dict[str, Any], over_lines: dict[Path_, Location]
) -> dict[Path_, Location]:
    """The entries of blocks (mappings of mappings) that ``over`` adds to ``base``."""
    found: dict[Path_, Location] = {}
    for block, entries in over.items():
        inherited = base.get(block)
        if isinstance(entries, dict) and isinstance(inherited, dict):
            for key, value in entries.items():
                if key not in inherited and value is not None and (block, key) in over_lines:
                    found[(block, key)] = over_lines[(block, key)]
    return found


def _parent_path(path: Path, ref: object, root: Path, place: Location) -> Path:
    file, line = place
    if not isinstance(ref, str) or not ref.strip():
        raise TariffsimError(
            f"expected a file name like 'base.yaml', got {shown(ref)}",
            file=file,
            line=line,
            field="extends",
        )
    parent = path.parent / ref
    if len(os.fsencode(parent.name)) > NAME_MAX:
        raise TariffsimError(
            f"the file name is longer than {NAME_MAX} bytes",
            file=file,
            line=line,
            field="extends",
        )
    real = _resolved(parent)
    if not real.is_relative_to(root):
        raise TariffsimError(
            f"'{ref}' lies outside the scenario's folder tree ({root.name}/)",
            file=file,
            line=line,
            field="extends",
            hint="keep the parent next to the scenario or below its folder",
        )
    if real.is_dir():
        raise TariffsimError(
            f"'{ref}' is a directory, expected a scenario file",
            file=file,
            line=line,
            field="extends",
        )
    if not real.is_file():
        raise TariffsimError(
            f"parent scenario '{ref}' not found",
            file=file,
            line=line,
            field="extends",
            hint=sibling_hint(parent),
        )
    return parent


def merge(
    base: dict[str, Any],
    over: dict[str, Any],
    base_lines: dict[Path_, Location],
    over_lines: dict[Path_, Location],
) -> dict[str, Any]:
    """Deep-merge ``over`` onto ``base`` in place and return ``base``.

    Mappings merge key by key (so schedules merge by date); any other value
    replaces the inherited one; ``null`` removes the inherited key. The line
    map ``base_lines`` is updated to point at the winning values.

    Notes
    -----
    The line map is rebuilt in one pass rather than edited per key, which
    would cost (keys × lines) on a large file: a path keeps its parent's line
    if it still exists in the merged data, and the child's line wins wherever
    the child has one. Lines are recorded only for mapping keys, so a path
    under a replaced value that still exists is always one the child wrote.
    """
    _merge_data(base, over)
    kept = {p: loc for p, loc in base_lines.items() if p not in over_lines and _exists(base, p)}
    base_lines.clear()
    base_lines.update(kept)
    base_lines.update({p: loc for p, loc in over_lines.items() if _exists(base, p)})
    return base


def _merge_data(base: dict[str, Any], over: dict[str, Any]) -> None:
    for key, value in over.items():
        if value is None:
            base.pop(key, None)
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge_data(base[key], value)
        else:
            base[key] = value


def _exists(data: Any, path: Path_) -> bool:
    """Whether ``path`` names a mapping key in ``data``."""
    for part in path:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return False
    return True
