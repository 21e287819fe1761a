"""Units at the edges: parse money, flows, rates and durations with pint.

Everything leaves this module as a plain float in the model's base units:
USD, USD/year, fractions (0.25 for 25 %) and days. Nothing inside the engine
sees pint. pint is imported on first use, so the CLI's ``--help`` stays fast.

Conventions (pint's): a year is 365.25 days and a month is a twelfth of a
year, so ``16.7 billion USD/month`` is exactly ``200.4 billion USD/year``.
Currency is a dimension of its own; ``$`` is read as USD (pint would
silently drop it), and ``billion``/``million``/``thousand``/``trillion`` are
short-scale multipliers. Other currencies (:data:`CURRENCIES`) are dimensions of
their own too, turned into USD only at the exchange rate a scenario states
(:func:`exchange_rates`); counted goods are in ``item`` (``dozen``, ``pair``).

Speed: a value written as a number and a unit (``25 %``, ``200 billion USD/year``)
is read as the number times the unit, and pint parses each distinct unit text
once (memoised); the factor converting a unit to the model's is memoised too.
pint converts by multiplying the magnitude by that same factor, so the floats are
the ones a full parse gives, to the bit. For the commonest unit texts that factor
is stored (:data:`COMMON_FACTORS`, checked against pint by the tests), so a
scenario written in them loads without importing pint at all. Other spellings
(``$50 billion``, sums) and foreign currencies take pint's full path, as before.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from functools import cache, lru_cache, wraps
from typing import Any

from tariffsim.errors import TariffsimError, did_you_mean, shown

_KNOWN_WORDS = [
    "USD",
    "billion",
    "million",
    "thousand",
    "trillion",
    "year",
    "month",
    "week",
    "day",
    "quarter",
    "percent",
    "%",
    "kg",
    "item",
    "dozen",
    "pair",
    "liter",
    "cent",
]
CURRENCIES = ("USD", "EUR", "CNY", "CAD", "MXN", "GBP", "JPY")
"""Currencies a scenario may write; each but USD needs an exchange rate stated in the file."""
_RATES: ContextVar[Mapping[str, float] | None] = ContextVar("exchange_rates", default=None)
_SAFE_TEXT = re.compile(r"[0-9A-Za-z_ .,/*%+\-$]+$")
MAX_DURATION_DAYS = 36_525.0
"""Longest duration accepted [d] (lags, half-lives, windows): 100 years."""
_NUMBER_UNIT = re.compile(
    r"(?P<number>[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)"
    r"(?:\s*(?P<percent>%)|\s+(?P<unit>[A-Za-z%][A-Za-z_ /*%]*))?$"
)
"""A number, then nothing, ``%`` or a unit of words joined by spaces, ``/`` and ``*``."""
MAX_TEXT = 120
"""Longest unit expression accepted [characters]."""


COMMON_FACTORS: dict[tuple[str, str], float] = {
    ("%", "dimensionless"): 0.01,
    ("percent", "dimensionless"): 0.01,
    ("USD/year", "USD/year"): 1.0,
    ("thousand USD/year", "USD/year"): 1000.0,
    ("million USD/year", "USD/year"): 1000000.0,
    ("billion USD/year", "USD/year"): 1000000000.0,
    ("trillion USD/year", "USD/year"): 1000000000000.0,
    ("USD/month", "USD/year"): 12.0,
    ("million USD/month", "USD/year"): 12000000.0,
    ("billion USD/month", "USD/year"): 12000000000.0,
    ("USD", "USD"): 1.0,
    ("thousand USD", "USD"): 1000.0,
    ("million USD", "USD"): 1000000.0,
    ("billion USD", "USD"): 1000000000.0,
    ("trillion USD", "USD"): 1000000000000.0,
    ("day", "day"): 1.0,
    ("days", "day"): 1.0,
    ("week", "day"): 7.0,
    ("weeks", "day"): 7.0,
    ("month", "day"): 30.4375,
    ("months", "day"): 30.4375,
    ("year", "day"): 365.25,
    ("years", "day"): 365.25,
}
"""pint's factors (``Quantity(1.0, unit).to(target)``) for the unit texts scenarios write
most, keyed by (unit text, target unit). A value written as a number and one of these is
its number times the factor, the float pint's own conversion gives, without building the
registry (a tenth of a second at start-up); ``tests/scenario/test_units.py`` checks every
factor against pint. Any other text takes pint's path."""


def _common(value: Any, target: str) -> float | None:
    """``value`` in ``target`` when it is a number and a unit of :data:`COMMON_FACTORS`;
    None for anything else, which pint then reads (and words any error)."""
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        return None
    match = _NUMBER_UNIT.match(re.sub(r"(?<=\d),(?=\d{3})", "", value.strip()))
    unit = None if match is None else match["percent"] or match["unit"]
    factor = None if unit is None else COMMON_FACTORS.get((" ".join(unit.split()), target))
    if match is None or factor is None:
        return None
    number = match["number"]
    magnitude = float(number) if any(ch in number for ch in ".eE") else int(number)
    try:
        result = magnitude * factor
    except OverflowError:
        return None
    return result if math.isfinite(result) else None


@cache
def registry() -> Any:  # pint.UnitRegistry; pint's generics add nothing here
    """The shared unit registry, with currency and scale words defined."""
    import pint

    try:
        ureg: Any = pint.UnitRegistry(cache_folder=":auto:", on_redefinition="ignore")
    except OSError:
        # The cache only speeds up start-up; an unwritable home folder must not stop a run.
        ureg = pint.UnitRegistry(cache_folder=None, on_redefinition="ignore")
    ureg.define("USD = [currency] = usd = dollar = dollars")
    ureg.define("thousand = 1e3")
    ureg.define("million = 1e6 = mn")
    ureg.define("billion = 1e9 = bn")
    ureg.define("trillion = 1e12")
    # pint has a "quarter" of mass; in tariff data a quarter is three months, so it is redefined
    ureg.define("quarter_year = year / 4 = quarter")
    ureg.define("cent = USD / 100 = cents")
    for code in CURRENCIES[1:]:
        ureg.define(f"{code} = [currency_{code}]")
    # counted goods; 'doz' and 'pcs' stay pint's (a deci-ounce, parsecs) and are refused below
    ureg.define("item = [item] = items = each = article = articles = piece = pieces")
    ureg.define("dozen = 12 item")
    ureg.define("pair = 2 item = pairs")
    ureg.define("gross = 144 item")
    return ureg


@contextlib.contextmanager
def exchange_rates(usd_per_unit: Mapping[str, float]) -> Iterator[None]:
    """Within the block, money in another currency converts to USD at these rates.

    Parameters
    ----------
    usd_per_unit : currency code → USD per one unit of it [USD/unit].
    """
    token = _RATES.set(dict(usd_per_unit))
    try:
        yield
    finally:
        _RATES.reset(token)


def in_usd(quantity: Any, expected: str, original: Any) -> Any:
    """``quantity`` with every foreign currency replaced by USD at the stated rate."""
    rates = _RATES.get() or {}
    for unit, exponent in list(quantity.unit_items()):
        if unit in CURRENCIES[1:]:
            if unit not in rates:
                raise TariffsimError(
                    f"expected {expected}, got {shown(original)} with no exchange rate for {unit}",
                    hint=f"state it under 'currencies:', e.g. {unit}: {{value: '1.17 USD/{unit}', "
                    "date: 2025-07-31, source: ...}",
                )
            quantity = quantity * registry().Quantity(rates[unit], f"USD/{unit}") ** exponent
    return quantity


def to_quantity(value: Any, expected: str) -> Any:
    """Parse ``value`` into a pint Quantity, or raise a one-line error."""
    ureg = registry()
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise TariffsimError(f"expected {expected}, got {shown(value)}")
    if isinstance(value, (int, float)):
        quantity = ureg.Quantity(_finite(value, value))
    else:
        text = value.strip()
        if not text or len(text) > MAX_TEXT or not _SAFE_TEXT.match(text):
            raise TariffsimError(f"expected {expected}, got {shown(value)}")
        if "**" in text:
            # pint evaluates powers with Python ints: '10**10**10' would never finish.
            raise TariffsimError(
                f"expected {expected}, got {shown(value)}",
                hint="powers ('**') are not allowed; write 1e9 or 'billion'",
            )
        text = re.sub(r"(?<=\d),(?=\d{3})", "", text)  # 1,000 → 1000
        text = text.replace("US$", "USD ").replace("$", "USD ")
        try:
            quantity = _split_quantity(text) or ureg.Quantity(text)
        except Exception as exc:  # pint raises many types for unparseable text
            raise TariffsimError(
                f"expected {expected}, got {shown(value)}", hint=_unit_hint(exc)
            ) from None
        if not isinstance(quantity, ureg.Quantity):
            quantity = ureg.Quantity(quantity)
        if not isinstance(quantity.magnitude, (int, float)):
            raise TariffsimError(f"expected {expected}, got {shown(value)}")
        _finite(quantity.magnitude, value)
        _only_known_units(quantity, expected, value)
    return quantity


_MISREAD = {  # units pint knows that a money, rate or time value only ever hits by mistake
    "byte": "'B' is a byte in pint; write 'billion' or 'bn'",
    "molar": "'M' is molar in pint; write 'million' or 'mn'",
    "boltzmann_constant": "'k' is Boltzmann's constant in pint; write 'thousand'",
    "tesla": "'T' is a tesla in pint; write 'trillion'",
    "kelvin": "'K' is a kelvin in pint; write 'thousand'",
    "picocarat": "'pct' is a picocarat in pint; write '%'",
    "deciounce": "'doz' is a deci-ounce in pint; write 'dozen'",
    "parsec": "'pcs' is parsecs in pint; write 'item'",
}


def _split_quantity(text: str) -> Any:
    """``number unit`` as the number times the unit's memoised parse; None otherwise."""
    match = _NUMBER_UNIT.match(text)
    if match is None:
        return None
    number = match["number"]
    magnitude = float(number) if any(ch in number for ch in ".eE") else int(number)
    unit = match["unit"] or match["percent"]
    try:
        units = _dimensionless() if unit is None else _unit(" ".join(unit.split()))
    except Exception:  # pint raises many types; the full parse words the error
        return None
    return registry().Quantity(magnitude, units)


@cache
def _unit(text: str) -> Any:
    """The pint Unit of a unit text such as ``billion USD/year``, parsed once per text."""
    parsed = registry().Quantity(text)
    if parsed.magnitude != 1:  # a word pint reads as a number, not a unit
        raise ValueError(text)
    return parsed.units


@cache
def _dimensionless() -> Any:
    """pint's dimensionless Unit (the registry makes a new one at each attribute access)."""
    return registry().dimensionless


@cache
def _unit_names(units: Any) -> tuple[str, ...]:
    return tuple(name for name, _exponent in registry().Quantity(1.0, units).unit_items())


@cache
def _is_dimensionless(units: Any) -> bool:
    return bool(registry().Quantity(1.0, units).dimensionless)


@cache
def _is_plain_number(units: Any) -> bool:
    """Whether a value was written without any unit at all (not even '%')."""
    return bool(units == _dimensionless())


@cache
def _factor(units: Any, target: str) -> float | None:
    """How many ``target`` one of ``units`` is; None for a foreign currency (a context's
    exchange rate decides) or no conversion (pint's full path words the error)."""
    if any(name in CURRENCIES[1:] for name in _unit_names(units)):
        return None
    import pint

    try:
        return float(registry().Quantity(1.0, units).to(target).magnitude)
    except (pint.DimensionalityError, ArithmeticError, ValueError):
        return None


def _only_known_units(quantity: Any, expected: str, original: Any) -> None:
    """Refuse abbreviations pint misreads (``200B`` is 200 bytes, a flow of 0 USD)."""
    for unit in _unit_names(quantity.units):
        if unit in _MISREAD:
            raise TariffsimError(
                f"expected {expected}, got {shown(original)} (read '{unit}')", hint=_MISREAD[unit]
            )


def _finite(number: float, original: Any) -> float:
    """``number`` as a finite float, or a one-line error quoting ``original``."""
    try:
        result = float(number)
    except OverflowError:
        result = math.inf
    if not math.isfinite(result):
        raise TariffsimError(f"expected a finite number, got {shown(original)}")
    return result


def _unit_hint(exc: Exception) -> str | None:
    args = getattr(exc, "args", ())
    name = getattr(exc, "unit_names", None) or (args[0] if args else None)
    if isinstance(name, (tuple, list)):
        name = name[0] if name else None
    if isinstance(name, str) and re.fullmatch(r"[A-Z]{3}", name):
        return f"unknown currency '{name}'; tariffsim knows {', '.join(CURRENCIES)}"
    if isinstance(name, str) and " " not in name:
        return did_you_mean(name, _KNOWN_WORDS) or f"unknown unit '{name}'"
    return None


def convert(quantity: Any, unit: str, expected: str, original: Any) -> float:
    factor = _factor(quantity.units, unit)
    if factor is not None:  # pint's own conversion: the magnitude times this factor
        return _finite(quantity.magnitude * factor, original)
    import pint

    quantity = in_usd(quantity, expected, original)
    try:
        converted = quantity.to(unit).magnitude
    except pint.DimensionalityError:
        dims = str(quantity.dimensionality) if not quantity.dimensionless else "no unit"
        raise TariffsimError(f"expected {expected}, got {shown(original)} ({dims})") from None
    except (ArithmeticError, ValueError):
        raise TariffsimError(f"expected a finite number, got {shown(original)}") from None
    return _finite(converted, original)


def _by_text(parse: Callable[[Any], float]) -> Callable[[Any], float]:
    """``parse`` memoised by the text it is given (and the exchange rates in force).

    A scenario writes the same few values thousands of times ('25 %', '10 bn
    USD/year'); each distinct text goes through pint once. A float result is
    kept; an error is not, so a bad value is refused, with its message, every
    time it is met. Numbers (not text) are parsed afresh: they cost no pint parse.
    """
    remembered = lru_cache(maxsize=4096)(lambda text, _rates: parse(text))

    @wraps(parse)
    def parse_text(value: Any) -> float:
        if not isinstance(value, str):
            return parse(value)
        rates = _RATES.get()
        result: float = remembered(value, tuple(sorted(rates.items())) if rates else ())
        return result

    parse_text.cache_clear = remembered.cache_clear  # type: ignore[attr-defined]
    return parse_text


@_by_text
def parse_flow(value: Any) -> float:
    """An import flow such as ``'200 billion USD/year'`` → USD per year [USD/year]."""
    expected = "a flow of money per time like '200 billion USD/year'"
    common = _common(value, "USD/year")
    if common is not None:
        return common
    return convert(to_quantity(value, expected), "USD/year", expected, value)


@_by_text
def parse_money(value: Any) -> float:
    """An amount such as ``'50 billion USD'`` or ``'$50 billion'`` → USD."""
    expected = "an amount of money like '50 billion USD'"
    common = _common(value, "USD")
    if common is not None:
        return common
    return convert(to_quantity(value, expected), "USD", expected, value)


def parse_exchange_rate(code: str, value: Any) -> float:
    """An exchange rate such as ``'1.17 USD/EUR'`` or ``'7.18 CNY/USD'`` → USD per ``code``."""
    expected = f"an exchange rate like '1.17 USD/{code}' or '7.2 {code}/USD'"
    if code not in CURRENCIES[1:]:
        raise TariffsimError(
            f"unknown currency {shown(code)}", hint=f"tariffsim knows {', '.join(CURRENCIES)}"
        )
    quantity = to_quantity(value, expected)
    import pint

    try:
        usd = float(quantity.to(f"USD/{code}").magnitude)
    except pint.DimensionalityError:
        try:
            usd = 1 / float(quantity.to(f"{code}/USD").magnitude)
        except (pint.DimensionalityError, ZeroDivisionError):
            raise TariffsimError(f"expected {expected}, got {shown(value)}") from None
    if not usd > 0 or not math.isfinite(usd):
        raise TariffsimError(f"expected a positive exchange rate, got {shown(value)}")
    return usd


def parse_duration(value: Any) -> float:
    """A duration such as ``'6 months'`` or ``'20 days'`` → days [d]."""
    expected = "a duration like '6 months' or '20 days'"
    days = _common(value, "day")
    if days is None:
        quantity = to_quantity(value, expected)
        if _is_dimensionless(quantity.units):
            raise TariffsimError(
                f"expected {expected}, got {shown(value)} without a unit",
                hint=f"did you mean '{quantity.magnitude:g} days' or "
                f"'{quantity.magnitude:g} months'?",
            )
        days = convert(quantity, "day", expected, value)
    if days > MAX_DURATION_DAYS:
        raise TariffsimError(
            f"expected a duration of at most {MAX_DURATION_DAYS:,.0f} days (100 years), "
            f"got {shown(value)}"
        )
    return days


def parse_whole_days(value: Any) -> int:
    """A lag such as ``'30 days'`` → whole days ≥ 0 [d]."""
    days = parse_duration(value)
    if days < 0 or days != round(days):
        raise TariffsimError(f"expected a whole number of days of at least 0, got {shown(value)}")
    return round(days)


@_by_text
def parse_rate(value: Any) -> float:
    """An ad valorem rate such as ``'25 %'`` → a fraction (0.25).

    A bare number is read as a fraction only in [0, 1]; a bare ``25`` is
    refused, because it is unclear whether 25 % or 0.25 was meant.
    """
    expected = "a rate like '25 %'"
    common = _common(value, "dimensionless")
    if common is not None:
        if common < 0:
            raise TariffsimError(f"expected a rate of at least 0 %, got {shown(value)}")
        return common
    quantity = to_quantity(value, expected)
    if _is_plain_number(quantity.units):
        number = float(quantity.magnitude)
        if abs(number) >= 1 and number != 0:  # a bare 1 may mean 1 % as well as 100 %
            raise TariffsimError(
                f"expected {expected}, got {shown(value)} without a unit",
                # both readings of a bare 1 are plausible, so the hint names both
                hint=(
                    "did you mean '1 %' or '100 %'?"
                    if number == 1
                    else f"did you mean '{number:g} %' or {number / 100:g}?"
                ),
            )
        rate = number
    else:
        rate = convert(quantity, "dimensionless", expected, value)
    if rate < 0:
        raise TariffsimError(f"expected a rate of at least 0 %, got {shown(value)}")
    return rate


def parse_fraction(value: Any, what: str = "a share like '40 %' or 0.4") -> float:
    """A share between 0 and 1 inclusive, written as a percentage or a fraction."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == 1:
        return 1.0  # a whole share is unambiguous, unlike a rate of 1
    share = parse_rate(value)
    if share > 1:
        raise TariffsimError(f"expected {what} between 0 and 100 %, got {shown(value)}")
    return share


def format_rate(fraction: float) -> str:
    """0.25 → '25 %', 0.075 → '7.5 %'."""
    return f"{fraction * 100:.4g} %"


def format_usd(value: float) -> str:
    """Money for people: '$12.33B', '$450.0M', '$1,234'."""
    magnitude = abs(value)
    if magnitude >= 1e9:
        return f"${value / 1e9:,.2f}B"
    if magnitude >= 1e6:
        return f"${value / 1e6:,.1f}M"
    return f"${value:,.0f}"
