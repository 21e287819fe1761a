"""Outlooks that would cost without bound or name files they may not: one located line.

The files live in ``tests/data/hostile/outlook/``: more branches than the bound (refused
before any branch is loaded), a branch file name over the file-system limit, a branch
outside the outlook's folder tree.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tariffsim.uncertainty.outlook_model import MAX_BRANCHES

OUTLOOKS = Path(__file__).resolve().parent.parent / "data" / "hostile" / "outlook"


@pytest.mark.parametrize(
    ("name", "place", "says"),
    [
        ("too_many_branches.yaml", ":3: branches: ", f"expected at most {MAX_BRANCHES} entries"),
        ("branch_name_too_long.yaml", ":4: branches.b.file: ", "longer than 255 bytes"),
        ("branch_outside.yaml", ":4: branches.b.file: ", "lies outside the outlook's folder"),
    ],
)
def test_bad_outlook_is_one_located_line(name: str, place: str, says: str) -> None:
    path = OUTLOOKS / name
    for args in (["sweep", str(path), "-n", "10"], ["validate", str(path)]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2
        [line] = result.stderr.splitlines()
        assert line.startswith(f"tariffsim: error: {path}{place}"), line
        assert says in line


def test_overflowing_draws_are_refused_not_printed_as_nan() -> None:
    import numpy as np

    from tariffsim.errors import TariffsimError
    from tariffsim.uncertainty.sweep import _check_finite

    total = np.array([[1.0, 2.0], [np.inf, 1.0], [np.nan, 0.0]])
    drawn = {"elasticity": np.array([2.0, 3e307, 1.0])}
    with pytest.raises(TariffsimError) as caught:
        _check_finite(total, drawn)
    assert caught.value.render() == (
        "assumptions: draw 2 gives a duty that is not a finite number (drawn: elasticity "
        "3e+307) (bound the distributions with 'low:' and 'high:' inside their physical range)"
    )
    _check_finite(total[:1], {k: v[:1] for k, v in drawn.items()})  # finite: no error
