"""Which keys a model allows at a key path: the schema's shape, for messages and ``--set``.

Walks pydantic models, their ``dict[K, V]`` fields and optional unions from the top model
down a path of keys (``tranches.list3.schedule.2019-01-01`` → the fields of a step). No file
I/O, no validation here.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel


def model_at(model: type[BaseModel], loc: tuple[str, ...]) -> type[BaseModel] | None:
    """The model of the value at ``loc`` inside ``model``, or None where it is not a model."""
    current: Any = model
    for part in loc:
        current = model_of(current)
        if current is None:
            return None
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(part)
            if info is None:
                return None
            current = info.annotation
        elif typing.get_origin(current) is dict:  # the key selects a value of type V
            current = typing.get_args(current)[-1]
        else:
            return None
    found = model_of(current)
    return found if isinstance(found, type) and issubclass(found, BaseModel) else None


def allowed_keys(model: type[BaseModel], loc: tuple[str, ...]) -> list[str]:
    """The field names a file may write at ``loc`` inside ``model``, walking dicts and unions."""
    found = model_at(model, loc)
    if found is None:
        return []
    return [n for n, f in found.model_fields.items() if n != "text" and not f.exclude]


def required_keys(model: type[BaseModel], loc: tuple[str, ...]) -> list[str]:
    """The field names the value at ``loc`` inside ``model`` must state (no default)."""
    found = model_at(model, loc)
    return [] if found is None else [n for n, f in found.model_fields.items() if f.is_required()]


def model_of(annotation: Any) -> Any:
    """Unwrap Optional/Union annotations to the model or dict inside."""
    if isinstance(annotation, (types.UnionType,)) or typing.get_origin(annotation) is typing.Union:
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                return model_of(arg)
    return annotation
