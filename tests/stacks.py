"""Small measure-and-flow scenarios for the stack tests, written into tmp_path."""

from __future__ import annotations

from pathlib import Path

STEEL_2025 = """\
title: A steel article from China in 2025, by authority
as_of: 2025-12-31
horizon: {start: 2025-01-01, end: 2025-12-31, step: year}
measures:
  mfn:
    authority: mfn
    importer: US
    origins: all
    products: all
    schedule: {2000-01-01: 0 %%}
  fentanyl:
    authority: ieepa_fentanyl
    importer: US
    origins: CN
    products: all
    schedule: {2025-02-04: 10 %%, 2025-03-04: 20 %%}
  steel232:
    authority: section232
    importer: US
    origins: all
    products: ["%(steel)s"]
    schedule: {2025-03-12: 25 %%, 2025-06-04: 50 %%}
  reciprocal:
    authority: ieepa_reciprocal
    importer: US
    origins: all
    products: all
    schedule: {2025-04-05: 10 %%}
precedence:
  metals: section232 excludes ieepa_reciprocal
flows:
  article:
    importer: US
    exporter: CN
    imports: 100 billion USD/year
    products: ["7208"]
"""


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
