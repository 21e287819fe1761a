"""USITC rate-of-duty text → ad valorem, specific and compound rates, or a reason it is not one.

The HTS writes each rate of duty as text: ``Free``, ``6.8%``, ``1 cents/kg``, ``$1.035/kg``,
``2.4% + 5 cents/kg``, and in chapter 99 ``The duty provided in the applicable subheading + 25%``.
:func:`parse_rate_text` reads one text into a :class:`DutyRate` (an ad valorem fraction of the
customs value plus at most one specific amount in USD per unit) or an :class:`UnparsedRate`
carrying a short, countable reason: a rate on part of a good (``on the case``), a rate that
refers to another line, a sliding scale. Nothing is guessed: an ad valorem rate is exact to the
decimal written (``6.8%`` → 0.068, via :class:`decimal.Decimal`), and a text outside the forms
below is refused, never approximated.

Pure functions on strings; no file I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

FORMS = ("free", "ad_valorem", "specific", "compound", "additional")
"""Rate forms: ``additional`` is a chapter 99 rate added on top of the line's own duty."""

UNITS = {
    "kg": "kg",
    "cleankg": "clean_kg",
    "t": "tonne",
    "liter": "liter",
    "pf.liter": "proof_liter",
    "each": "item",
    "article": "item",
    "jewel": "jewel",
    "doz.": "dozen",
    "doz": "dozen",
    "pr.": "pair",
    "pr": "pair",
    "gross": "gross",
    "head": "head",
    "1000": "thousand_items",
    "1,000": "thousand_items",
    "thousand": "thousand_items",
    "1,000pins": "thousand_items",
    "m2": "m2",
    "m3": "m3",
    "bbl": "barrel",
}
"""Unit text after ``/`` (spaces removed) → the unit of :attr:`DutyRate.specific_unit`."""

_NUMBER = r"(\d[\d,]*(?:\.\d+)?|\.\d+)"
_AD_VALOREM = re.compile(rf"{_NUMBER}\s*%")
_CENTS = re.compile(rf"{_NUMBER}\s*(?:cents|¢)\s*(?:/\s*(.+)|\s+(each))")
_DOLLARS = re.compile(rf"\$\s*{_NUMBER}\s*(?:/\s*(.+)|\s+(each))")
_ON_TOP = re.compile(
    r"(?:the duty provided (?:for )?in ?the applicable subheading|no additional duty|no change)"
    r"(?:\s*(?:\+|plus)\s*(.+))?",
    re.IGNORECASE,
)
_PLUS = re.compile(r"\s*\+\s*")

# Refusal reasons, tested in order on the whole text; each names a form a reader can count.
_REFUSALS = (
    (re.compile(r"free\b.+", re.I), "free only under a condition or note"),
    (re.compile(r"the quantity specified", re.I), "a quota quantity, not a rate"),
    (
        re.compile(r"the (?:duty )?rate (?:applicable|of duty|provided)", re.I),
        "refers to the rate of another line or article",
    ),
    (re.compile(r"see (?:additional )?u\.s\. note", re.I), "refers to a U.S. note"),
    (re.compile(r"^a duty|percent of the", re.I), "a duty on a value other than customs value"),
    (re.compile(r"for each degree", re.I), "a sliding scale"),
    (re.compile(r"\bon\b|\bof\b", re.I), "a rate on a part, content or basis of the good"),
    (re.compile(rf"{_NUMBER}"), "a number without % or unit"),
)


@dataclass(frozen=True)
class DutyRate:
    """A parsed rate of duty.

    Attributes
    ----------
    form : one of :data:`FORMS`.
    ad_valorem : [fraction of customs value] 0.068 for ``6.8%``; 0 when absent.
    specific_usd : [USD per ``specific_unit``] 0.01 for ``1 cents/kg``; 0 when absent.
    specific_unit : the unit of the specific amount (a value of :data:`UNITS`), or None.
    """

    form: str
    ad_valorem: float = 0.0
    specific_usd: float = 0.0
    specific_unit: str | None = None


@dataclass(frozen=True)
class UnparsedRate:
    """A rate text that is not one of the parsed forms.

    Attributes
    ----------
    text : the text as written.
    reason : why it is refused, one of a few countable phrases.
    """

    text: str
    reason: str


def parse_rate_text(text: str) -> DutyRate | UnparsedRate:
    """Parse one USITC rate-of-duty text.

    Parameters
    ----------
    text : a rate as the HTS or the tariff database writes it.

    Returns
    -------
    DutyRate or UnparsedRate
        ``Free`` → form ``free``; ``6.8%`` → ``ad_valorem`` 0.068; ``$1.035/kg`` → ``specific``
        1.035 USD/kg; ``2.4% + 5 cents/kg`` (either order) → ``compound``; ``The duty provided
        in the applicable subheading + 25%`` → ``additional`` 0.25. Anything else is refused
        with a reason.
    """
    clean = " ".join(str(text).split()).rstrip(".").strip()
    if not clean:
        return UnparsedRate(text, "no rate text")
    if clean.lower() == "free":
        return DutyRate("free")
    on_top = _ON_TOP.fullmatch(clean)
    if on_top:
        if on_top.group(1) is None:
            return DutyRate("additional")
        added = _terms(on_top.group(1))
        if isinstance(added, str):
            return UnparsedRate(text, f"additional duty: {added}")
        return DutyRate("additional", added.ad_valorem, added.specific_usd, added.specific_unit)
    parsed = _terms(clean)
    if isinstance(parsed, str):
        return UnparsedRate(text, parsed)
    return parsed


def _terms(text: str) -> DutyRate | str:
    """Ad valorem and specific terms joined by ``+``, or the reason they are not."""
    ad_valorem: Decimal | None = None
    specific: tuple[Decimal, str] | None = None
    for term in _PLUS.split(text.strip()):
        percent = _AD_VALOREM.fullmatch(term)
        amount = _specific(term)
        if percent and ad_valorem is None:
            ad_valorem = _decimal(percent.group(1)) / 100
        elif isinstance(amount, tuple) and specific is None:
            specific = amount
        elif percent or isinstance(amount, tuple):
            return "more than one ad valorem or specific term"
        elif isinstance(amount, str):
            return amount
        else:
            return _refusal(text)
    if specific is None:
        return DutyRate("ad_valorem", float(ad_valorem or 0))
    form = "specific" if ad_valorem is None else "compound"
    return DutyRate(form, float(ad_valorem or 0), float(specific[0]), specific[1])


def _specific(term: str) -> tuple[Decimal, str] | str | None:
    """(USD, unit) of a specific term, a reason if its unit is unknown, None if not specific."""
    cents = _CENTS.fullmatch(term)
    dollars = _DOLLARS.fullmatch(term) if cents is None else None
    match = cents or dollars
    if match is None:
        return None
    unit_text = (match.group(2) or match.group(3) or "").replace(" ", "").lower()
    unit = UNITS.get(unit_text)
    if unit is None:
        basis = re.search(r"\b(?:on|of)\b", match.group(2) or "")
        return "a rate on a part, content or basis of the good" if basis else "an unknown unit"
    usd = _decimal(match.group(1)) / (100 if cents else 1)
    return usd, unit


def _refusal(text: str) -> str:
    for pattern, reason in _REFUSALS:
        if pattern.search(text):
            return reason
    return "unrecognised text"


def _decimal(number: str) -> Decimal:
    return Decimal(number.replace(",", ""))


def parse_rate_texts(texts: Iterable[str]) -> pd.DataFrame:
    """Parse many rate texts, each distinct text once.

    Returns
    -------
    pandas.DataFrame
        One row per text, in order: ``rate_form`` (a :data:`FORMS` value, or ``"unparsed"``),
        ``ad_valorem`` [fraction], ``specific_usd`` [USD per unit], ``specific_unit``,
        ``refusal_reason`` (``""`` when parsed).
    """
    values = [str(t) for t in texts]
    parsed = {text: parse_rate_text(text) for text in set(values)}
    rows = [_row(parsed[text]) for text in values]
    columns = ["rate_form", "ad_valorem", "specific_usd", "specific_unit", "refusal_reason"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["ad_valorem"] = frame["ad_valorem"].astype("float64")
    frame["specific_usd"] = frame["specific_usd"].astype("float64")
    return frame


def _row(rate: DutyRate | UnparsedRate) -> tuple[str, float, float, str | None, str]:
    if isinstance(rate, UnparsedRate):
        return ("unparsed", float("nan"), float("nan"), None, rate.reason)
    return (rate.form, rate.ad_valorem, rate.specific_usd, rate.specific_unit, "")
