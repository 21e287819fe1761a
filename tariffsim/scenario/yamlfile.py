"""Read one YAML file safely into plain data, with the line of every key.

The result is plain data (dicts, lists, strings, numbers) plus a line map from
each key path to the ``(file, line)`` it came from, so validation errors can
point at the right line. This module reads one file: ``extends`` is resolved
by :mod:`tariffsim.scenario.loading`. It does no validation of meaning and no unit
parsing, and it must never construct Python objects from YAML tags.

Safety by construction:

* only the core YAML types are built; any other tag is an error;
* plain scalars are resolved by a small, YAML-1.2-like rule set: ``true`` /
  ``false`` / ``null`` / ints / floats, everything else stays a string, so
  ``NO`` (Norway) and ``2019-01-01`` and ``0101.21`` keep their text;
* duplicate keys and merge keys are errors, with the lines named;
* file size, nesting depth and alias expansion are bounded, and text holding
  control characters (from escapes such as ``"\\e"``) is refused.

Speed: where PyYAML was built with libyaml, its C parser reads the text and
:mod:`tariffsim.scenario.yamlnodes` composes the nodes; a file that path is unsure
of (an error, nesting past the bound, odd anchors) is read again by PyYAML's pure
Python reader, so every error message and line is the one it gives. The garbage
collector is paused while the nodes are built (:func:`collector_paused`): they form no
cycles, and its passes over a growing heap cost more than the parse.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tariffsim.errors import TariffsimError, did_you_mean
from tariffsim.scenario import yamlnodes
from tariffsim.scenario.inputs import read_bytes

MAX_FILE_BYTES = 1_000_000
"""Largest scenario file read [bytes]; scenario files are hand-written and small."""

MAX_NODES = 100_000
"""Most YAML nodes built per file, aliases counted each time they are used."""

MAX_EXPANDED_BYTES = 10_000_000
"""Most bytes of text built per file, aliases counted each time they are used."""

MAX_DEPTH = 50
"""Deepest nesting of mappings and lists in a file; scenarios need fewer than 10 levels."""

Path_ = tuple[str, ...]
Location = tuple[str, int | None]
"""Where a value came from: a file and its 1-based line (None for a ``--set`` value)."""

_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")
_SPECIAL_FLOATS = {".inf": "inf", "+.inf": "inf", "-.inf": "-inf", ".nan": "nan"}
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
"""Characters a YAML escape can produce that must not reach a terminal or a UTF-8 file."""
_DATE_KEY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})$")


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _TooMany(_TooDeep):
    pass


class _PlainLoader(yaml.SafeLoader):
    """SafeLoader's parser and composer with no implicit typing at all, and a nesting bound."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 (class attribute of PyYAML)
    _depth = 0
    _composed = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        # The composer recurses once per level: refuse deep nesting before Python's
        # recursion limit turns it into a RecursionError.
        # Nodes are counted as they are composed, so a file of half a million tiny items
        # stops at the bound instead of after building the whole tree.
        self._composed += 1
        if self._composed > MAX_NODES:
            raise _TooMany(self.peek_event().start_mark.line + 1)  # type: ignore[no-untyped-call]
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _TooDeep(self.peek_event().start_mark.line + 1)  # type: ignore[no-untyped-call]
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_C_PARSER = yamlnodes.c_parser()


def _compose(text: str) -> Node | None:
    """The text's node tree: libyaml's parser first, PyYAML's own reader for the rest."""
    if _C_PARSER is not None:
        try:
            return yamlnodes.compose(text, _C_PARSER, MAX_DEPTH)
        except yamlnodes.Unsure:
            pass  # read again below, for PyYAML's own message and line
    return yaml.compose(text, Loader=_PlainLoader)


def parse_file(path: Path) -> tuple[dict[str, Any], dict[Path_, Location]]:
    """Parse one YAML file into plain data and its key → (file, line) map."""
    name = str(path)
    text = _read_text(path)
    with collector_paused():
        return _parse_text(name, text)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the garbage collector meanwhile, and restart it if it was running.

    Reading and validating a large scenario builds hundreds of thousands of
    objects (YAML nodes, models, steps) and no reference cycles worth collecting;
    the collector's passes over them took a fifth of a 5,000-tranche load.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _parse_text(name: str, text: str) -> tuple[dict[str, Any], dict[Path_, Location]]:
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "malformed YAML"
        raise TariffsimError(
            f"malformed YAML: {what}", file=name, line=mark.line + 1 if mark else None
        ) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise TariffsimError(
            f"control character U+{exc.character:04X} is not allowed in YAML",
            file=name,
            line=line,
            hint="remove control characters from the file",
        ) from None
    except yaml.YAMLError as exc:
        raise TariffsimError(f"malformed YAML: {exc}", file=name) from None
    except _TooMany as exc:
        raise TariffsimError(
            f"more than {MAX_NODES:,} YAML values",
            file=name,
            line=exc.line,
            hint="split long product lists into a membership CSV",
        ) from None
    except _TooDeep as exc:
        raise TariffsimError(
            f"mappings and lists nested more than {MAX_DEPTH} levels deep",
            file=name,
            line=exc.line,
            hint="scenario files need only a few levels",
        ) from None
    if node is None:
        raise TariffsimError("the file is empty, expected a scenario mapping", file=name)
    if not isinstance(node, MappingNode):
        raise TariffsimError(
            "expected a mapping of scenario fields at the top level",
            file=name,
            line=node.start_mark.line + 1,
        )
    lines: dict[Path_, Location] = {}
    builder = _Builder(name, lines)
    data = builder.build(node, ())
    assert isinstance(data, dict)
    return data, lines


def parse_value(text: str, origin: str, path: Path_) -> Any:
    """One YAML value given as text (``20 %``, ``{rate: 20 %, status: scheduled}``), built by the
    same safe rules as a file; ``origin`` names it in errors (e.g. ``--set``)."""
    try:
        node = yaml.compose(text, Loader=_PlainLoader)
    except (yaml.YAMLError, _TooDeep):
        raise TariffsimError(
            f"malformed YAML value {text!r}",
            file=origin,
            field=".".join(path),
            hint="quote text that holds ':' or '#', e.g. \"a: b\"",
        ) from None
    if node is None:
        return None
    return _Builder(origin, {}).build(node, path)


def _read_text(path: Path) -> str:
    name = str(path)
    if not path.exists() and not path.is_symlink():
        raise TariffsimError("file not found", file=name, hint=sibling_hint(path))
    # Read once per run and one byte past the limit, never trusting the size on disk:
    # a pipe or a device such as /dev/zero reports 0 bytes and never ends.
    raw = read_bytes(
        path, MAX_FILE_BYTES, "scenario file", hint="split product lists into a membership CSV"
    )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TariffsimError(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            file=name,
            line=line,
            hint="save the file as UTF-8",
        ) from None


class _Builder:
    """Turn composed YAML nodes into plain data, recording key lines."""

    def __init__(self, file: str, lines: dict[Path_, Location]) -> None:
        self.file = file
        self.lines = lines
        self.nodes = 0
        self.text_bytes = 0

    def _fail(
        self, node: Node, message: str, path: Path_, hint: str | None = None
    ) -> TariffsimError:
        return TariffsimError(
            message,
            file=self.file,
            line=node.start_mark.line + 1,
            field=".".join(path) or None,
            hint=hint,
        )

    def build(self, node: Node, path: Path_) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            # Name the top-level key being expanded: deeper paths run through aliased copies.
            top = path[:1]
            raise TariffsimError(
                f"more than {MAX_NODES:,} YAML values (after expanding aliases)",
                file=self.file,
                line=self.lines.get(top, (self.file, node.start_mark.line + 1))[1],
                field=".".join(top) or None,
                hint="aliases that expand without bound are refused",
            )
        if len(path) > MAX_DEPTH:  # an alias inside its own anchor never ends
            raise self._fail(
                node,
                f"mappings and lists nested more than {MAX_DEPTH} levels deep"
                " (after expanding aliases)",
                path[:1],
                hint="an alias may not refer to the value that contains it",
            )
        if node.tag not in _CORE_TAGS:
            raise self._fail(
                node,
                f"YAML tag '{node.tag.replace('tag:yaml.org,2002:', '!!')}' is not allowed",
                path,
                hint="scenario files hold plain values only",
            )
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, str(i))) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        self.text_bytes += len(node.value)
        if self.text_bytes > MAX_EXPANDED_BYTES:
            top = path[:1]
            raise TariffsimError(
                f"more than {MAX_EXPANDED_BYTES:,} bytes of text (after expanding aliases)",
                file=self.file,
                line=self.lines.get(top, (self.file, node.start_mark.line + 1))[1],
                field=".".join(top) or None,
                hint="a long text used through many aliases is refused",
            )
        self._check_text(node, node.value, path)
        return _scalar(node)

    def _check_text(self, node: Node, text: str, path: Path_) -> None:
        bad = _CONTROL.search(text)
        if bad:
            raise self._fail(
                node,
                f"text holds the control or invalid character U+{ord(bad.group()):04X}",
                path,
                hint="remove escapes such as \\e or \\x1b from the text",
            )

    def _mapping(self, node: MappingNode, path: Path_) -> dict[str, Any]:
        seen: dict[str, int] = {}
        data: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise self._fail(key_node, "expected a plain key, got a mapping or list", path)
            self._check_text(key_node, key_node.value, path)
            key = canonical_key(key_node.value)
            line = key_node.start_mark.line + 1
            if key == "<<":
                raise self._fail(
                    key_node,
                    "YAML merge keys ('<<') are not supported",
                    path,
                    hint="use 'extends: parent.yaml' to inherit",
                )
            if key in seen:
                raise self._fail(
                    key_node, f"duplicate key '{key}' (first on line {seen[key]})", (*path, key)
                )
            seen[key] = line
            here = (*path, key)
            self.lines[here] = (self.file, line)
            data[key] = self.build(value_node, here)
        return data


def canonical_key(text: str) -> str:
    """Date-like keys in ISO form, so '2019-1-1' and '2019-01-01' merge."""
    match = _DATE_KEY.match(text) if text[:1].isdigit() else None
    if match:
        try:
            return dt.date(*map(int, match.groups())).isoformat()
        except ValueError:
            return text
    return text


def _scalar(node: ScalarNode) -> Any:
    """Resolve a plain scalar; quoted, block and explicitly tagged ones stay text."""
    text = node.value
    if node.style is not None or node.tag != "tag:yaml.org,2002:str":
        return text
    lowered = text.lower()
    if lowered in ("", "null", "~"):
        return None
    if lowered in ("true", "false"):
        return lowered == "true"
    if _INT.match(text):
        # Python refuses to parse ints of thousands of digits; such a number is inf to us.
        digits = text.replace("_", "")
        return int(digits) if len(digits) <= 18 else float(digits)
    if lowered in _SPECIAL_FLOATS:
        return float(_SPECIAL_FLOATS[lowered])
    if _FLOAT.match(text) and any(ch.isdigit() for ch in text):
        return float(text.replace("_", ""))
    return text


def sibling_hint(missing: Path) -> str | None:
    """A "did you mean" naming a YAML file next to ``missing`` with a similar name."""
    try:
        names = [p.name for p in missing.parent.iterdir() if p.suffix in (".yaml", ".yml")]
    except OSError:
        return None
    return did_you_mean(missing.name, names)
