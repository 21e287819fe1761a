"""Compose YAML nodes from libyaml's events: the fast path of reading a scenario file.

libyaml's C parser turns the text into events; this module builds PyYAML's node
tree from them in a loop with an explicit stack, the nodes PyYAML's own composer
would build for a file with no implicit typing (every plain scalar a string).
It does not use libyaml's own composer: that one recurses in C once per level of
nesting and crashes the interpreter on a file nested some tens of thousands of
levels deep, before any bound can be checked.

It only composes files it is sure of: anything unusual (nesting deeper than the
bound, a duplicate or undefined anchor, more than one document, a parse error)
raises :class:`Unsure`, and the caller reads the file again with PyYAML's pure
Python reader, which words the error exactly as before. No validation here.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


class Unsure(Exception):
    """The fast path declines this text; read it with PyYAML's own reader instead."""


def c_parser() -> Any:
    """libyaml's event parser class, or None where PyYAML was built without it."""
    try:
        from yaml._yaml import CParser
    except ImportError:
        return None
    return CParser


def compose(text: str, parser_class: Any, max_depth: int) -> Node | None:
    """The single document of ``text`` as a node tree, or None for an empty stream.

    Raises
    ------
    Unsure
        for nesting deeper than ``max_depth``, anchors used twice or not defined,
        several documents, or any error of the parser.
    """
    parser = parser_class(text)
    try:
        return _compose(parser, max_depth)
    except yaml.YAMLError:
        raise Unsure from None
    finally:
        parser.dispose()


def _compose(parser: Any, max_depth: int) -> Node | None:
    next_event = parser.get_event
    _expect(next_event(), StreamStartEvent)
    event = next_event()
    if type(event) is StreamEndEvent:
        return None
    _expect(event, DocumentStartEvent)
    anchors: dict[str, Node] = {}
    # Each open collection: its node, its list of items or pairs, and for a mapping the key
    # waiting for its value (the loop is flat: this runs once per value of a large file).
    stack: list[tuple[Node, list[Any], list[Node] | None]] = []
    root: Node | None = None
    while root is None:
        event = next_event()
        kind = type(event)
        node: Node
        if kind is ScalarEvent:
            tag = event.tag
            node = ScalarNode(
                _STR if tag is None or tag == "!" else tag,
                event.value,
                event.start_mark,
                event.end_mark,
                event.style or None,  # libyaml marks a plain scalar '', PyYAML None
            )
            if event.anchor is not None:
                _anchor(anchors, event.anchor, node)
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            node = stack.pop()[0]
            node.end_mark = event.end_mark
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if len(stack) + 1 >= max_depth:
                raise Unsure
            tag = event.tag
            if kind is MappingStartEvent:
                node = MappingNode(
                    _MAP if tag is None or tag == "!" else tag,
                    [],
                    event.start_mark,
                    None,
                    flow_style=event.flow_style,
                )
            else:
                node = SequenceNode(
                    _SEQ if tag is None or tag == "!" else tag,
                    [],
                    event.start_mark,
                    None,
                    flow_style=event.flow_style,
                )
            if event.anchor is not None:
                _anchor(anchors, event.anchor, node)
            stack.append((node, node.value, [] if kind is MappingStartEvent else None))
            continue
        elif kind is AliasEvent:
            if event.anchor not in anchors:
                raise Unsure
            node = anchors[event.anchor]
        else:
            raise Unsure
        if not stack:
            root = node
            break
        _parent, items, pending = stack[-1]
        if pending is None:
            items.append(node)
        elif pending:
            items.append((pending.pop(), node))
        else:
            pending.append(node)
    _expect(next_event(), DocumentEndEvent)
    _expect(next_event(), StreamEndEvent)
    return root


def _anchor(anchors: dict[str, Node], name: str | None, node: Node) -> None:
    if name is not None:
        if name in anchors:
            raise Unsure
        anchors[name] = node


def _expect(event: Any, kind: type) -> None:
    if type(event) is not kind:
        raise Unsure
