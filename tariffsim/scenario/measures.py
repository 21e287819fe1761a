"""Measures, flows and precedence rules: a tariff policy written by legal authority.

A *measure* is one legal act's duty: its ``authority`` (``section301``,
``ieepa_reciprocal``, …), the ``importer`` levying it, the ``origins`` it hits,
the ``products`` it covers and its dated ``schedule`` (with rates by origin where
the act sets them). A *flow* holds import values: importer, exporter, annual value
and the products it carries. A *precedence rule* says which authorities or measures
set others aside on the products they both cover ("section232 excludes
ieepa_reciprocal"). The arithmetic that stacks them is :mod:`tariffsim.model.stack`;
this module only validates what is written. No file I/O here.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from tariffsim.scenario import hts
from tariffsim.scenario.assumptions import Assumptions
from tariffsim.scenario.countries import parse_country
from tariffsim.scenario.forms import MeasureForms, QuantityFlow
from tariffsim.scenario.groups import ALL, OriginSpec, parse_origin_spec
from tariffsim.scenario.quantities import Flow, Frozen
from tariffsim.scenario.steps import Schedule, check_grace

NAME = r"^[A-Za-z][A-Za-z0-9_.\-]*$"
_NAME = re.compile(NAME)
_RULE = re.compile(r"^\s*(.+?)\s+excludes\s+(.+?)\s*$")

_ORIGIN_SCHEMA: dict[str, Any] = {
    "description": "A country code, a group name (EU, or one under 'groups:'), 'all', "
    "a list of those, or {all_except: [CA, MX]}.",
    "anyOf": [
        {"type": "string", "examples": ["CN", "EU", "all"]},
        {"type": "array", "items": {"type": "string"}, "minItems": 1},
        {
            "type": "object",
            "properties": {"all_except": {"type": "array", "items": {"type": "string"}}},
            "required": ["all_except"],
            "additionalProperties": False,
        },
    ],
}


Origins = Annotated[
    OriginSpec,
    PlainValidator(parse_origin_spec),
    PlainSerializer(lambda spec: spec.text(), return_type=str),
    WithJsonSchema(_ORIGIN_SCHEMA),
]
"""Origins as written (see :mod:`tariffsim.scenario.groups`)."""


def product_item(value: Any) -> str:
    """An HTS prefix (its digits) or the name of a list in the membership file."""
    if isinstance(value, str) and _NAME.match(value.strip()):
        return value.strip()
    return hts.normalise_prefix(value)


def is_prefix(item: str) -> bool:
    """Whether a normalised product item is an HTS prefix (not a list name)."""
    return item.isdigit()


_ITEMS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {"type": "string", "examples": ["8517.13", "list3"]},
}


def _product_schema(schema: dict[str, Any]) -> None:
    mapping = {
        "type": "object",
        "properties": {
            "include": {"anyOf": [{"const": ALL}, _ITEMS_SCHEMA]},
            "exclude": _ITEMS_SCHEMA,
        },
        "additionalProperties": False,
    }
    weights = {
        "type": "object",
        "properties": {"weights": {"type": "string", "examples": ["weights/cn-2024.csv"]}},
        "required": ["weights"],
        "additionalProperties": False,
    }
    description = schema.get("description", "")
    schema.clear()
    schema.update(
        {"description": description, "anyOf": [{"const": ALL}, _ITEMS_SCHEMA, mapping, weights]}
    )


class ProductSet(Frozen):
    """Products as HTS prefixes and membership-list names: ``include`` minus ``exclude``.

    Written ``all``, a list (``['72', list3]``) or ``{include: all, exclude: ['8517.13']}``;
    ``include: all`` is every product.
    """

    model_config = ConfigDict(json_schema_extra=_product_schema)

    include: tuple[str, ...] | None = Field(
        None,
        description="HTS prefixes and list names covered; None (written 'all'): every product.",
    )
    exclude: tuple[str, ...] = ()
    weights: str | None = Field(
        None,
        min_length=1,
        description="Flows only: a CSV (hts_code, weight) of the lines the flow holds and "
        "their shares of its value, relative to this file.",
    )

    @model_validator(mode="before")
    @classmethod
    def _written(cls, data: Any) -> Any:
        if data == ALL or isinstance(data, list):
            data = {"include": data}
        weighted = isinstance(data, dict) and data.get("weights") is not None
        if isinstance(data, dict) and data.get("include", ALL) == ALL and not weighted:
            data = {**data, "include": None}
        if weighted:
            if {k for k, v in data.items() if v is not None} != {"weights"}:
                raise ValueError("weights stand alone: the file lists the flow's products")
            return data
        if not isinstance(data, dict):
            raise ValueError(
                f"expected 'all', a list like ['8517.13', list3] or {{include: ..., exclude: "
                f"...}}, got {data!r}"
            )
        return data

    @field_validator("include", "exclude", mode="before")
    @classmethod
    def _items(cls, value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, list):
            raise ValueError(f"expected a list of quoted HTS prefixes or list names, got {value!r}")
        found = []
        for number, item in enumerate(value, start=1):
            try:
                found.append(product_item(item))
            except ValueError as exc:
                raise ValueError(f"item {number}: {exc}") from None
        return tuple(found)

    def list_names(self) -> list[str]:
        return [i for i in (*(self.include or ()), *self.exclude) if not is_prefix(i)]

    def text(self) -> str:
        if self.weights is not None:
            return f"weights in {self.weights}"
        body = "all" if self.include is None else ", ".join(self.include)
        return body + (f" except {', '.join(self.exclude)}" if self.exclude else "")


class Measure(MeasureForms):
    """One legal act's additional duty on some products from some origins, over time."""

    label: str | None = Field(None, description="A name for tables; the measure's id if absent.")
    authority: str = Field(
        pattern=NAME,
        description="The legal authority: section301, section232, ieepa_fentanyl, "
        "ieepa_reciprocal, section122, section201, mfn, retaliation, or a name of yours. "
        "'mfn' measures are the base rate.",
    )
    importer: str = Field(description="ISO code of the country levying the duty.")
    origins: Origins = Field(description="The countries of origin the measure hits.")
    products: ProductSet
    schedule: Schedule = Field(min_length=1)
    source: str | None = Field(None, description="Default source for the measure's numbers.")
    note: str | None = None

    @field_validator("importer", mode="before")
    @classmethod
    def _iso_code(cls, value: Any) -> str:
        return parse_country(value)

    @model_validator(mode="after")
    def _grace(self) -> Measure:
        check_grace(self.schedule)
        return self


class ImportFlow(Frozen):
    """An annual import value from some exporters into one importer, of some products."""

    label: str | None = Field(None, description="A name for tables; the flow's id if absent.")
    importer: str = Field(description="ISO code of the importing country.")
    exporter: Origins = Field(description="The countries of origin of the flow.")
    imports: Flow = Field(description="Annual import value before any response [USD/year].")
    quantity: QuantityFlow | None = Field(
        None,
        description="The quantity behind 'imports' (needed by specific rates), e.g. "
        "'50 million kg/year'.",
    )
    products: ProductSet = Field(
        default_factory=lambda: ProductSet(include=None, weights=None),
        description="The products the flow carries; 'all' by default.",
    )
    assumptions: Assumptions | None = Field(
        None, description="Overrides of the scenario's behavioural assumptions for this flow."
    )
    source: str | None = None
    note: str | None = None

    @field_validator("importer", mode="before")
    @classmethod
    def _iso_code(cls, value: Any) -> str:
        return parse_country(value)


class Precedence(Frozen):
    """A rule: on a product that measures of the left side cover, the right side is not paid.

    Written ``"section232 excludes ieepa_reciprocal, section122"``, or as a mapping with
    its ``source``. Each side names authorities or measure ids.
    """

    model_config = ConfigDict(json_schema_extra=lambda schema: _rule_schema(schema))

    rule: str = Field(
        pattern=r"^\s*\S.*\s+excludes\s+\S.*$",
        examples=["section232 excludes ieepa_reciprocal, section122"],
    )
    source: str | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        return {"rule": data} if isinstance(data, str) else data

    @field_validator("rule")
    @classmethod
    def _names(cls, rule: str) -> str:
        for side in _sides(rule):
            for name in side:
                if not _NAME.match(name):
                    raise ValueError(f"expected authority or measure names, got {name!r}")
        return rule

    @property
    def excluders(self) -> tuple[str, ...]:
        return _sides(self.rule)[0]

    @property
    def excluded(self) -> tuple[str, ...]:
        return _sides(self.rule)[1]


_RULE_TEXT = {
    "type": "string",
    "pattern": r"^\s*\S.*\s+excludes\s+\S.*$",
    "examples": ["section232 excludes ieepa_reciprocal, section122"],
}


def _rule_schema(schema: dict[str, Any]) -> None:
    """Written as the rule's text, or as a mapping with its source."""
    properties = {**schema.get("properties", {}), "rule": _RULE_TEXT}
    mapping = {
        "type": "object",
        "properties": properties,
        "required": ["rule"],
        "additionalProperties": False,
    }
    description = schema.get("description", "")
    schema.clear()
    schema.update({"description": description, "anyOf": [_RULE_TEXT, mapping]})


def _sides(rule: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    found = _RULE.match(rule)
    if found is None:
        raise ValueError(f"expected 'A excludes B, C', got {rule!r}")
    left, right = (
        tuple(n.strip() for n in part.split(",") if n.strip()) for part in found.groups()
    )
    return left, right


def group_members(value: Any) -> tuple[str, ...]:
    """The members of a user group: countries or other group names, at least one."""
    if not isinstance(value, list) or not value:
        raise ValueError(f"expected a list of countries or groups like [CA, MX], got {value!r}")
    spec = parse_origin_spec(value)
    return spec.items
