"""The manifest of a run: what produced an output, so a published figure can say so.

A manifest names the tool and its version, every input file with its SHA-256 (a
scenario's whole ``extends`` chain, membership files, ledgers, published figures,
outlooks and the scenarios their branches name), the options the command was given and
the random seed. It holds no clock time and no machine name, so the same inputs and
options give the same bytes on every run. It is embedded in JSON outputs and the HTML
report and written beside CSV, Parquet, table and chart files as ``NAME.manifest.json``
(:func:`tariffsim.outputs.files.write_beside`). No simulation here; files are read only
to hash them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

_CHUNK = 1 << 20


def sha256_of(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, as 64 hex digits (read in 1 MiB chunks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def scenario_files(path: str | Path) -> list[tuple[str, str]]:
    """A scenario file, every file it ``extends`` and the membership file it names.

    Returns (role suffix, path) pairs, the scenario itself first with the suffix ``""``.
    """
    from tariffsim.scenario.loading import files_of

    chain = files_of(path)
    found = [("" if i == 0 else " extends", f) for i, f in enumerate(chain.files)]
    if chain.memberships is not None and Path(chain.memberships).is_file():
        found.append((" memberships", chain.memberships))
    return found


def input_entries(role: str, paths: Iterable[str | Path]) -> list[dict[str, str]]:
    """One entry per file: its ``role``, its path as given and its SHA-256.

    A scenario (role ``"scenario"``) counts with its ``extends`` parents (role
    ``"scenario extends"``) and the membership file it names (``"scenario memberships"``).
    """
    entries: list[dict[str, str]] = []
    for path in paths:
        files = scenario_files(path) if role == "scenario" else [("", str(path))]
        entries += [
            {"role": role + suffix, "path": Path(file).as_posix(), "sha256": sha256_of(file)}
            for suffix, file in files
        ]
    return entries


def tool_versions() -> dict[str, str]:
    """Versions of tariffsim and of the libraries its numbers depend on."""
    import platform
    from importlib import metadata

    versions = {"python": platform.python_version()}
    for package in ("tariffsim", "numpy", "pandas", "pint"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "unknown"
    return versions


def build_manifest(
    command: str,
    inputs: Sequence[Mapping[str, str]],
    options: Mapping[str, Any],
    seed: int | None = None,
) -> dict[str, Any]:
    """The manifest of one command's run.

    Parameters
    ----------
    command : the command name, e.g. ``"run"``.
    inputs : entries from :func:`input_entries`, in the order read; a file met twice is kept once.
    options : the options as given (None for options left out), JSON-ready.
    seed : the random seed, when the command draws.
    """
    unique: dict[tuple[str, str], Mapping[str, str]] = {}
    for entry in inputs:
        unique.setdefault((entry["path"], entry["sha256"]), entry)
    return {
        "tool": "tariffsim",
        "versions": tool_versions(),
        "command": command,
        "inputs": [dict(e) for e in unique.values()],
        "options": {k: v for k, v in options.items()},
        "seed": seed,
    }
