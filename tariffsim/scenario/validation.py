"""Load a scenario file into a validated :class:`~tariffsim.scenario.schema.Scenario`.

scenario YAML → :func:`tariffsim.scenario.loading.read_document` (extends resolved,
line map) → pydantic validation → source references checked. Every failure
becomes one :class:`~tariffsim.errors.TariffsimError` naming file, line and
field.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from tariffsim.errors import TariffsimError, did_you_mean, shown
from tariffsim.scenario.checks import (
    check_assumptions,
    check_forms,
    check_names,
    check_source_refs,
)
from tariffsim.scenario.edits import TITLE_MARK, Edit
from tariffsim.scenario.fields import allowed_keys
from tariffsim.scenario.loading import Document, read_document
from tariffsim.scenario.schema import Scenario
from tariffsim.scenario.yamlfile import collector_paused

M = TypeVar("M", bound=BaseModel)

_MESSAGES = {
    "missing": "required field is missing",
    "date_from_datetime_parsing": "expected a date like 2019-01-01",
    "date_parsing": "expected a date like 2019-01-01",
    "date_type": "expected a date like 2019-01-01",
    "string_type": "expected text",
    "dict_type": "expected a mapping of keys to values",
    "literal_error": None,  # pydantic's own text names the choices
    "string_pattern_mismatch": "expected letters, digits, '_', '.' or '-' only",
    "string_too_short": "expected non-empty text",
}

_QUOTE_INPUT = {
    "date_from_datetime_parsing",
    "date_parsing",
    "date_type",
    "string_type",
    "dict_type",
}

_SCALAR_FORM = ("value", "rate")
"""Fields a user may write as a bare scalar (``imports: 200 billion USD/year``)."""


_OTHER_KINDS = (
    ("branches", "an outlook file", "run it with 'tariffsim sweep {path}'"),
    ("figures", "a file of published figures", "'tariffsim backtest --published {path}' reads it"),
)
"""Top-level keys of the project's other YAML files, to name them when run as scenarios."""


def load_scenario(path: str | Path, overrides: Sequence[str] = ()) -> Scenario:
    """Read, merge and validate a scenario file.

    ``overrides`` are ``key.path=value`` texts (``--set``) applied to the merged file
    before validation, so they are checked as if written in it
    (:mod:`tariffsim.scenario.overrides`).

    Raises
    ------
    TariffsimError
        for anything wrong with the file, located to its line.
    """
    return read_scenario(path, overrides)[0]


def read_scenario(path: str | Path, overrides: Sequence[str] = ()) -> tuple[Scenario, Document]:
    """:func:`load_scenario`, also giving the document (to locate later errors)."""
    with collector_paused():
        return _read_scenario(path, overrides)


def _read_scenario(path: str | Path, overrides: Sequence[str]) -> tuple[Scenario, Document]:
    document = read_document(path)
    for key, kind, hint in _OTHER_KINDS:
        if key in document.data and "tranches" not in document.data:
            raise TariffsimError(
                f"this is {kind} (it has '{key}'), not a scenario",
                file=path,
                line=document.lines[(key,)][1],
                hint=hint.format(path=path),
            )
    edits: tuple[Edit, ...] = ()
    if overrides:
        from tariffsim.scenario.overrides import apply_overrides

        edits = apply_overrides(document, overrides)
    if document.introduced:
        from tariffsim.scenario.entries import check_new_entries

        check_new_entries(document)
    document.data.setdefault("name", Path(path).stem)
    scenario = validate_document(document, Scenario)
    if edits:
        # the scenario is no longer the file's: every title shown says so
        title = scenario.title + TITLE_MARK
        scenario = scenario.model_copy(update={"title": title, "edits": edits})
    return scenario, document


def locate_error(exc: TariffsimError, document: Document) -> TariffsimError:
    """``exc`` with the file and line of its field, when the document knows them."""
    place = document.locate(tuple(exc.field.split("."))) if exc.field else None
    return exc.located(file=place[0], line=place[1]) if place else exc


def validate_document(document: Document, model: type[M]) -> M:
    """Validate ``document.data`` as ``model``, mapping the first error to its line
    (with the garbage collector paused, :func:`collector_paused`)."""
    try:
        with collector_paused():
            result = model.model_validate(document.data)
    except ValidationError as exc:
        raise _located_error(exc, document, model) from None
    if isinstance(result, Scenario):
        check_source_refs(result, document)
        check_names(result, document)
        check_assumptions(result, document)
        check_forms(result, document)
    return result


def _located_error(
    exc: ValidationError, document: Document, model: type[BaseModel]
) -> TariffsimError:
    errors = exc.errors(include_url=False)
    # An unknown key is most often a misspelt known one, which then also shows up as missing:
    # name the unknown key first, with its "did you mean".
    errors.sort(key=lambda error: error["type"] != "extra_forbidden")
    first = errors[0]
    loc = tuple(str(part) for part in first["loc"] if part != "[key]")
    if (
        loc
        and loc[-1] in _SCALAR_FORM
        and (not isinstance(_at(document.data, loc[:-1]), dict) or loc not in document.lines)
    ):
        loc = loc[:-1]  # the user wrote the scalar form; don't name a key they never wrote
    field = ".".join(loc) or None
    file, line = document.locate(loc) or (document.files[0], None)
    more = f" [and {len(errors) - 1} more problem(s)]" if len(errors) > 1 else ""
    if first["type"] == "extra_forbidden":
        allowed = allowed_keys(model, loc[:-1])
        return TariffsimError(
            f"unknown key '{loc[-1]}'{more}",
            file=file,
            line=line,
            field=field,
            hint=did_you_mean(loc[-1], allowed)
            or (f"expected one of: {', '.join(sorted(allowed))}" if allowed else None),
        )
    message = _MESSAGES.get(first["type"]) or _clean(first["msg"])
    if first["type"] in ("too_short", "too_long"):
        limit = first.get("ctx", {}).get(
            "min_length" if first["type"] == "too_short" else "max_length"
        )
        bound = "at least" if first["type"] == "too_short" else "at most"
        message = f"expected {bound} {limit} {'entry' if limit == 1 else 'entries'}"
    given = first.get("input")
    if message.startswith("Input should be "):
        message = "expected " + message.removeprefix("Input should be ")
    quote = first["type"] in _QUOTE_INPUT or message.startswith("expected ")
    if quote and ", got " not in message:
        message += f", got {shown(given)}"
    return TariffsimError(message + more, file=file, line=line, field=field)


def _at(data: Any, loc: tuple[str, ...]) -> Any:
    """The value at ``loc`` in plain data, or None."""
    for part in loc:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


def _clean(message: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


def _written_lists(defs: dict[str, Any]) -> None:
    """Forms a file may write that the parsed model does not show: several steps on one date
    as a list, and refunds paid on one date written as that date."""
    step = {"$ref": "#/$defs/ScheduleStep"}
    for model in ("Tranche", "Measure"):
        schedule = defs[model]["properties"]["schedule"]
        schedule["additionalProperties"] = {"anyOf": [step, {"type": "array", "items": step}]}
    paid = defs["Refund"]["properties"]["paid"]
    defs["Refund"]["properties"]["paid"] = {
        "description": paid.get("description", ""),
        "anyOf": [{"type": "string", "format": "date"}, {k: paid[k] for k in ("type", "items")}],
    }


def scenario_json_schema() -> str:
    """The JSON Schema of scenario files, for editors (``tariffsim schema``)."""
    schema = Scenario.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["properties"]["extends"] = {
        "type": "string",
        "description": "A parent scenario file, relative to this one; this file overrides it.",
    }
    # The name defaults to the file's stem; files that extend another are partial.
    schema["required"] = [r for r in schema.get("required", []) if r != "name"]
    schema["title"] = "tariffsim scenario"
    _written_lists(schema["$defs"])
    return json.dumps(schema, indent=2, default=str)
