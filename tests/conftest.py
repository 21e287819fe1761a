"""Shared test set-up: numpy errors raise, paths to shipped scenarios, golden-file option."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the expected golden files from the current output",
    )


@pytest.fixture(autouse=True)
def _numpy_errors_raise() -> Iterator[None]:
    """Silent overflow, division by zero or NaN fail the test.

    Underflow to zero (a 1e-300 dollar duty) is harmless and allowed.
    """
    with np.errstate(all="raise", under="ignore"):
        yield


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def assert_matches_golden(out: str, expected: Path, update: bool) -> None:
    """Compare ``out`` with a golden file; on mismatch leave ``*.actual.txt`` beside it to diff.

    ``--update-golden`` rewrites the expected file instead.
    """
    if update:
        expected.write_text(out, encoding="utf-8")
    actual = expected.with_suffix(".actual.txt")
    if out != expected.read_text(encoding="utf-8"):
        actual.write_text(out, encoding="utf-8")
        pytest.fail(f"output differs from {expected.name}; see {actual} (diff them)")
    actual.unlink(missing_ok=True)
