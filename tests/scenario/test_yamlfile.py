"""Safe YAML reading: the bounds hold exactly at their limits, and plain data comes out."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from tariffsim.errors import TariffsimError
from tariffsim.scenario import yamlnodes
from tariffsim.scenario.yamlfile import MAX_DEPTH, MAX_NODES, _Builder, _PlainLoader, parse_file


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def nested(levels: int) -> str:
    """``a:`` followed by flow lists nested to ``levels`` levels in total."""
    return "a: " + "[" * (levels - 1) + "]" * (levels - 1) + "\n"


def test_nesting_up_to_the_limit_is_read(tmp_path: Path) -> None:
    data, _ = parse_file(write(tmp_path, nested(MAX_DEPTH)))
    depth, value = 1, data["a"]
    while value:
        depth, value = depth + 1, value[0]
    assert depth == MAX_DEPTH - 1  # the top mapping is the first level


def test_nesting_past_the_limit_is_refused_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(TariffsimError, match=f"nested more than {MAX_DEPTH} levels") as info:
        parse_file(write(tmp_path, "title: t\n" + nested(MAX_DEPTH + 1)))
    assert info.value.line == 2


def test_aliases_expand_up_to_the_node_bound(tmp_path: Path) -> None:
    # 9 × 9 × 9 × 9 × 9 = 59,049 leaves (+ lists): under the bound; one level more is over it
    rows = ["l0: &l0 [" + ", ".join(["x"] * 9) + "]"]
    rows += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 5)]
    data, _ = parse_file(write(tmp_path, "\n".join(rows) + "\n"))
    assert len(data["l4"]) == 9 and data["l4"][8][8][8][8] == ["x"] * 9
    rows.append("l5: &l5 [" + ", ".join(["*l4"] * 9) + "]")
    with pytest.raises(TariffsimError, match=f"more than {MAX_NODES:,} YAML values") as info:
        parse_file(write(tmp_path, "\n".join(rows) + "\n"))
    assert info.value.field == "l5" and info.value.line == 6


def test_an_int_of_thousands_of_digits_is_an_infinite_float(tmp_path: Path) -> None:
    # Python refuses int() on more than 4,300 digits; the unit parser then reports "finite".
    data, _ = parse_file(write(tmp_path, "a: " + "9" * 5000 + "\nb: 123456789012345678\n"))
    assert math.isinf(data["a"]) and data["b"] == 123456789012345678


@pytest.mark.parametrize("escape", ["\\e[31m", "\\x07", "\\ud800", "\\u009b"])
def test_escapes_that_make_control_characters_are_refused(tmp_path: Path, escape: str) -> None:
    with pytest.raises(TariffsimError, match="control or invalid character") as info:
        parse_file(write(tmp_path, f'title: t\nlabel: "red {escape}"\n'))
    assert info.value.line == 2 and info.value.field == "label"


def test_tabs_newlines_and_non_ascii_text_are_kept(tmp_path: Path) -> None:
    data, _ = parse_file(write(tmp_path, 'label: "a\\tb\\nc é ×"\n'))
    assert data["label"] == "a\tb\nc é ×"


def test_nesting_far_past_the_limit_is_refused_not_crashed(tmp_path: Path) -> None:
    # libyaml's own composer recurses in C and kills the interpreter at this depth; the
    # fast path must decline it before any recursion, and the error stay the located one.
    with pytest.raises(TariffsimError, match=f"nested more than {MAX_DEPTH} levels") as info:
        parse_file(write(tmp_path, "title: t\n" + nested(100_000)))
    assert info.value.line == 2


SAMPLES = sorted(
    p
    for folder in ("scenarios", "scenarios/history", "docs/examples", "tests/data/invalid")
    for p in (Path(__file__).resolve().parents[2] / folder).glob("*.yaml")
)


@pytest.mark.skipif(yamlnodes.c_parser() is None, reason="PyYAML was built without libyaml")
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_libyaml_path_reads_every_file_as_pyyaml_does(path: Path) -> None:
    """Same data, same line map, or the same error, from the fast path and the pure one."""
    text = path.read_text(encoding="utf-8", errors="replace")

    def outcome(compose: Any) -> object:
        try:
            node = compose(text)
        except (yaml.YAMLError, yamlnodes.Unsure, Exception) as exc:
            return ("refused", type(exc).__name__)
        lines: dict[Any, Any] = {}
        try:
            return _Builder("f", lines).build(node, ()) if node else None, lines
        except TariffsimError as exc:
            return ("error", str(exc))

    pure = outcome(lambda t: yaml.compose(t, Loader=_PlainLoader))
    fast = outcome(lambda t: yamlnodes.compose(t, yamlnodes.c_parser(), MAX_DEPTH))
    if fast == ("refused", "Unsure"):
        assert pure[0] in ("refused", "error") or "nested" in str(pure), path
    else:
        assert repr(fast) == repr(pure)  # repr: a NaN value equals itself there
