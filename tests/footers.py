"""Catch the footer every chart is framed with, while the chart is drawn for real."""

from __future__ import annotations

from typing import Any

import pytest

from tariffsim.outputs import style


def caught_footers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The list each later ``style.frame_figure`` call appends its footer to."""
    footers: list[str] = []
    frame = style.frame_figure

    def spy(fig: Any, title: str, footer: str, *args: Any, **kwargs: Any) -> Any:
        footers.append(footer)
        return frame(fig, title, footer, *args, **kwargs)

    monkeypatch.setattr(style, "frame_figure", spy)
    return footers
