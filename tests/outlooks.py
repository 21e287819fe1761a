"""Helpers for outlook tests: a temporary folder holding the shipped scenarios and an outlook."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from tests.conftest import SCENARIOS

BRANCHES_ONLY = """\
title: branches only
as_of: 2018-11-16
branches:
  escalate: {file: escalate.yaml, probability: 25 %, source: judgement}
  hold: {file: hold.yaml, probability: 45 %, source: judgement}
  ceasefire: {file: ceasefire.yaml, probability: 30 %, source: judgement}
"""

ONE_BRANCH = """\
title: one branch
as_of: 2018-11-16
branches:
  hold: {file: hold.yaml, probability: 1, source: judgement}
"""


def outlook_folder(tmp_path: Path, text: str, name: str = "outlook.yaml") -> Path:
    """Copy the shipped scenarios into ``tmp_path`` and write an outlook beside them."""
    for scenario in SCENARIOS.glob("*.yaml"):
        if scenario.name != "outlook.yaml":
            shutil.copy(scenario, tmp_path / scenario.name)
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path
