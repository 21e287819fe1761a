"""The libyaml fast path reads every text PyYAML's pure-Python reader reads, identically.

Hypothesis writes texts from YAML's significant characters (indicators, quotes,
anchors, tags, indentation, line breaks) and compares the two paths. Whenever the
pure reader reads a text, the fast path gives the same data and line map, or
declines it (and the pure reader then reads it, as before). The other way round
libyaml is more lenient in a few places (a tab as a separator, a comment right after
a block scalar's ``|``): such a text is read as libyaml reads it, and every bound of
``yamlfile`` still applies to what comes out.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffsim.errors import TariffsimError
from tariffsim.scenario import yamlnodes
from tariffsim.scenario.yamlfile import MAX_DEPTH, _Builder, _PlainLoader

pytestmark = pytest.mark.skipif(
    yamlnodes.c_parser() is None, reason="PyYAML was built without libyaml"
)

PIECES = st.sampled_from(
    ["a", "b", "1", "2.5", "-", ": ", ":", "\n", "  ", " ", "[", "]", "{", "}", ", ", "'", '"',
     "&x ", "*x", "&y ", "*y", "!!str ", "!!int ", "!t ", "# c", "? ", "|", ">", "---", "...",
     "~", "null", "true", "25 %", "2019-01-01", "\t", "\\e", "é"]
)  # fmt: skip


def outcome(compose: Any, text: str) -> object:
    try:
        node = compose(text)
    except Exception as exc:  # either path's refusal, compared by kind
        return ("refused", type(exc).__name__)
    lines: dict[Any, Any] = {}
    try:
        return repr((_Builder("f", lines).build(node, ()) if node else None, lines))
    except TariffsimError as exc:
        return ("error", str(exc))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_both_paths_agree(text: str) -> None:
    pure = outcome(lambda t: yaml.compose(t, Loader=_PlainLoader), text)
    fast = outcome(lambda t: yamlnodes.compose(t, yamlnodes.c_parser(), MAX_DEPTH), text)
    if pure[0] != "refused" and fast != ("refused", "Unsure"):
        assert fast == pure, text
    # Where both refuse, the caller shows the pure reader's error: nothing to compare.
