"""Country groups that change with time, and the origin sets measures and flows name.

An *origin spec* is written as a country (``CN``), a group name (``EU``, or one the
scenario declares under ``groups:``), ``all``, a list of those, or
``{all_except: [CA, MX]}``. On a given day it resolves to an :class:`OriginSet`: a
finite set of ISO codes, or every country except a finite set. Group membership is
dated: the built-in ``EU`` holds 28 members until 2020-01-31 and 27 from 2020-02-01.
Pure functions and frozen data; no file I/O here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tariffsim.errors import shown
from tariffsim.scenario.countries import parse_country

ALL = "all"
ALL_EXCEPT = "all_except"

_FOUNDED = dt.date(1958, 1, 1)
EU_MEMBERSHIP: dict[str, tuple[dt.date, dt.date | None]] = {
    # (first day a member, last day a member): Treaty of Rome, then each accession treaty.
    **{c: (_FOUNDED, None) for c in ("BE", "DE", "FR", "IT", "LU", "NL")},
    **{c: (dt.date(1973, 1, 1), None) for c in ("DK", "IE")},
    # The UK left at the end of 2020-01-31 (Withdrawal Agreement, OJ L 29, 31.1.2020);
    # it stayed in the EU customs territory through the transition to 2020-12-31,
    # which a user can write as a group of their own.
    "GB": (dt.date(1973, 1, 1), dt.date(2020, 1, 31)),
    "GR": (dt.date(1981, 1, 1), None),
    **{c: (dt.date(1986, 1, 1), None) for c in ("ES", "PT")},
    **{c: (dt.date(1995, 1, 1), None) for c in ("AT", "FI", "SE")},
    **{
        c: (dt.date(2004, 5, 1), None)
        for c in ("CY", "CZ", "EE", "HU", "LT", "LV", "MT", "PL", "SI", "SK")
    },
    **{c: (dt.date(2007, 1, 1), None) for c in ("BG", "RO")},
    "HR": (dt.date(2013, 7, 1), None),
}
"""Member states of the European Union (and its predecessor EEC) by date."""

BUILT_IN = {"EU": EU_MEMBERSHIP}
"""Built-in dated groups: name → country → (first day, last day or None)."""


@dataclass(frozen=True)
class OriginSet:
    """A set of countries: ``members``, or every country except them when ``complement``."""

    members: frozenset[str]
    complement: bool = False

    def __contains__(self, country: object) -> bool:
        return (country in self.members) != self.complement

    def issubset(self, other: OriginSet) -> bool:
        """Whether every country of this set is in ``other``."""
        if not self.complement:
            return all(c in other for c in self.members)
        return other.complement and other.members <= self.members

    def isdisjoint(self, other: OriginSet) -> bool:
        """Whether no country is in both sets."""
        if self.complement and other.complement:
            return False
        if self.complement:
            return other.members <= self.members
        return all(c not in other for c in self.members)

    def describe(self) -> str:
        names = ", ".join(sorted(self.members))
        return f"all except [{names}]" if self.complement else f"[{names}]"


@dataclass(frozen=True)
class Groups:
    """The groups a scenario can name: built-in dated ones and the user's static lists."""

    user: Mapping[str, tuple[str, ...]]

    def names(self) -> list[str]:
        return sorted({*BUILT_IN, *self.user})

    def members(self, name: str, day: dt.date) -> frozenset[str]:
        """Countries in group ``name`` on ``day`` (a user group may name other groups)."""
        if name in self.user:
            found: set[str] = set()
            for item in self.user[name]:
                found |= self.members(item, day) if self.is_group(item) else {item}
            return frozenset(found)
        dated = BUILT_IN[name]
        return frozenset(
            c
            for c, (first, last) in dated.items()
            if first <= day and (last is None or day <= last)
        )

    def is_group(self, name: str) -> bool:
        return name in self.user or name in BUILT_IN

    def change_dates(self, names: Iterable[str]) -> set[dt.date]:
        """Days on which the membership of any of ``names`` changes (the first day it holds)."""
        days: set[dt.date] = set()
        for name in names:
            if name in self.user:
                days |= self.change_dates(n for n in self.user[name] if self.is_group(n))
            elif name in BUILT_IN:
                for first, last in BUILT_IN[name].values():
                    days.add(first)
                    if last is not None:
                        days.add(last + dt.timedelta(days=1))
        return days


@dataclass(frozen=True)
class OriginSpec:
    """Origins as written: items (countries or group names), or all except some."""

    items: tuple[str, ...]
    complement: bool = False

    def resolve(self, groups: Groups, day: dt.date) -> OriginSet:
        """The countries the spec names on ``day``."""
        members: set[str] = set()
        for item in self.items:
            members |= groups.members(item, day) if groups.is_group(item) else {item}
        return OriginSet(frozenset(members), self.complement)

    def group_names(self) -> list[str]:
        return [i for i in self.items if not is_country(i)]

    def text(self) -> str:
        body = ", ".join(self.items)
        if self.complement:
            return f"all except [{body}]" if self.items else ALL
        return body if len(self.items) == 1 else f"[{body}]"


def is_country(item: str) -> bool:
    try:
        parse_country(item)
    except ValueError:
        return False
    return True


def parse_origin_spec(value: Any) -> OriginSpec:
    """An :class:`OriginSpec` from its written form (see the module docstring).

    Group names are checked later, against the scenario's ``groups:``; here an
    item is kept if it is an ISO code or looks like a name.
    """
    if isinstance(value, OriginSpec):
        return value
    if value == ALL:
        return OriginSpec((), complement=True)
    if isinstance(value, dict):
        if set(value) != {ALL_EXCEPT}:
            raise ValueError(
                f"expected {{all_except: [CA, MX]}}, got the keys {', '.join(map(str, value))}"
            )
        return OriginSpec(_items(value[ALL_EXCEPT]), complement=True)
    return OriginSpec(_items(value))


def _items(value: Any) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    if not values:
        raise ValueError("expected at least one country or group")
    found: list[str] = []
    for item in values:
        if not isinstance(item, str) or not item.strip():
            raise ValueError(
                f"expected a country code like 'CN', a group name or 'all', got {shown(item)}"
            )
        text = item.strip()
        if text == ALL:
            raise ValueError("'all' stands alone; write {all_except: [...]} to leave some out")
        found.append(text.upper() if is_country(text) else text)
    return tuple(found)
