"""Where the real official files live: ``../shared/data`` beside the repository, never in it."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def shared_file(name: str) -> Path:
    """The shared data file ``name``; the test is skipped when the folder is absent."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"real data {name} not found at {SHARED_DATA} (shared data folder absent)")
    return path
