"""Distributions of assumptions: their file model, checks and value draws.

Branch allocation, categorical outcomes, and the four families of
distribution an assumption may carry, drawn with one seeded
:class:`numpy.random.Generator` for all draws at once (no loop per draw).

A distribution is written in an outlook file as a mapping such as
``{distribution: lognormal, median: 2, sigma: 0.35, source: usitc-2023}``.
Four families: ``normal`` (mean, sd), ``lognormal`` (median, sigma of the
logarithm), ``triangular`` (low, mode, high) and ``uniform`` (low, high);
normal and lognormal take optional ``low`` / ``high`` bounds and are then
truncated to them. Each assumption has a domain (an elasticity magnitude is
at least 0, a pass-through lies in [0, 1], a half-life is positive), and a
distribution whose support leaves the domain must state the bound that keeps
it inside. Values are parsed by :mod:`tariffsim.scenario.units`. Drawing is pure numpy
with a :class:`numpy.random.Generator`; no file I/O here.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, WithJsonSchema, model_validator
from pydantic.json_schema import SkipJsonSchema

from tariffsim._types import FloatArray
from tariffsim.errors import TariffsimError
from tariffsim.scenario import units
from tariffsim.scenario.quantities import Frozen, as_value_error

Family = Literal["normal", "lognormal", "triangular", "uniform"]

JUDGEMENT = "judgement"
"""The source word for a number that is the author's judgement, not a citation."""

Assumption = Literal["elasticity", "pass_through", "half_life"]

DOMAINS: dict[str, tuple[float, float, str]] = {
    "elasticity": (0.0, math.inf, "an elasticity magnitude is at least 0"),
    "pass_through": (0.0, 1.0, "a pass-through lies between 0 and 100 %"),
    "half_life": (0.0, math.inf, "a half-life is at least 0 days"),
}
"""Allowed values of each assumption that may carry a distribution: (low, high, why)."""

MIN_MASS = 1e-3
"""Smallest probability a truncation may keep; less would stall rejection sampling (and a
distribution cut to a thousandth of its mass says the bounds, not the shape)."""

MAX_ROUND_DRAWS = 4_000_000
"""Most normal draws made in one rejection round (32 MB); bounds memory whatever the mass."""


def name_distributions(block: Any) -> Any:
    """Tell each distribution of a ``{assumption: distribution}`` block its assumption."""
    if not isinstance(block, dict):
        return block
    return {
        name: {**value, "assumption": name} if isinstance(value, dict) else value
        for name, value in block.items()
    }


def _number(value: Any) -> float:
    """A plain number, as an elasticity is written."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TariffsimError(f"expected a plain number like 2.5, got {value!r}")
    try:
        number = float(value)
    except ValueError:
        raise TariffsimError(f"expected a plain number like 2.5, got {value!r}") from None
    if not math.isfinite(number):
        raise TariffsimError(f"expected a finite number, got {value!r}")
    return number


def _signed(parse: Any, value: Any) -> float:
    """Parse a spread keeping a minus sign, so a negative spread is reported as such."""
    text = str(value).strip()
    return -float(parse(text[1:])) if text.startswith("-") else float(parse(value))


_PARSERS: dict[str, Any] = {
    "elasticity": _number,
    "pass_through": units.parse_fraction,
    "half_life": units.parse_duration,
}
"""How each assumption's values and ``sd`` are written: a number, a rate, a duration."""
_NEEDS = {
    "normal": ("mean", "sd"),
    "lognormal": ("median", "sigma"),
    "triangular": ("low", "mode", "high"),
    "uniform": ("low", "high"),
}
_SPREADS = ("sd", "sigma")


Written = Annotated[
    float | None,
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string"}], "default": None}),
]
"""A parameter as written: a number, or text with its unit ('80 %', '6 months')."""


class Distribution(Frozen):
    """A distribution of one assumption, its parameters in the model's units.

    Units: an elasticity is a plain number [1], a pass-through a fraction [1]
    (written '80 %' or 0.8), a half-life in days [d] (written '6 months').
    ``sigma`` of a lognormal is the standard deviation of ln(value) [1].
    """

    assumption: SkipJsonSchema[Assumption]  # filled in from the key the distribution sits under
    distribution: Family
    mean: Written = None
    sd: Written = None
    median: Written = None
    sigma: Written = None
    mode: Written = None
    low: Written = None
    high: Written = None
    source: str = Field(description="A source id from 'sources:', or 'judgement'.")
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError("expected a mapping like {distribution: normal, mean: 2, sd: 0.5}")
        if "source" not in data:
            raise ValueError("cite a source id or write 'source: judgement'")
        parse = _PARSERS.get(str(data.get("assumption")), _number)
        out = dict(data)
        for key in ("mean", "median", "mode", "low", "high"):
            if out.get(key) is not None:
                out[key] = as_value_error(parse, out[key])
        if out.get("sd") is not None:
            out["sd"] = as_value_error(lambda v: _signed(parse, v), out["sd"])
        if out.get("sigma") is not None:
            out["sigma"] = as_value_error(_number, out["sigma"])
        return out

    @model_validator(mode="after")
    def _consistent(self) -> Distribution:
        family = self.distribution
        for key in _NEEDS[family]:
            if getattr(self, key) is None:
                raise ValueError(f"a {family} distribution needs '{key}'")
        allowed = {*_NEEDS[family], *(("low", "high") if family in ("normal", "lognormal") else ())}
        extra = [
            k
            for k in ("mean", "sd", "median", "sigma", "mode", "low", "high")
            if getattr(self, k) is not None and k not in allowed
        ]
        if extra:
            raise ValueError(f"'{extra[0]}' is not a parameter of a {family} distribution")
        for key in _SPREADS:
            value = getattr(self, key)
            if value is not None and value < 0:
                raise ValueError(
                    f"the spread '{key}' is negative ({value:g}); it must be at least 0"
                )
        if self.median is not None and self.median <= 0:
            raise ValueError("a lognormal's median must be above 0")
        low, high = self.bounds()
        if low > high:
            raise ValueError(f"low {low:g} is above high {high:g}")
        if self.mode is not None and not low <= self.mode <= high:
            raise ValueError(f"mode {self.mode:g} lies outside [{low:g}, {high:g}]")
        self._check_domain(low, high)
        if family in ("normal", "lognormal") and self.kept_mass() < MIN_MASS:
            raise ValueError(
                f"the bounds keep {self.kept_mass():.2g} of the distribution's probability, "
                f"less than {MIN_MASS:g}"
            )
        return self

    def bounds(self) -> tuple[float, float]:
        """The support after truncation: [low, high] [assumption's unit]."""
        floor = 0.0 if self.distribution == "lognormal" else -math.inf
        low = self.low if self.low is not None else floor
        return low, self.high if self.high is not None else math.inf

    def _check_domain(self, low: float, high: float) -> None:
        d_low, d_high, why = DOMAINS[self.assumption]
        if low < d_low:
            raise ValueError(f"the distribution reaches below {d_low:g}: give 'low' ({why})")
        if high > d_high:
            raise ValueError(f"the distribution reaches above {d_high:g}: give 'high' ({why})")

    def kept_mass(self) -> float:
        """Probability a normal or lognormal keeps inside its bounds [1]."""
        centre, spread = self._normal_parameters()
        if spread == 0:
            return 1.0
        a, b = self._normal_bounds()
        return _phi((b - centre) / spread) - _phi((a - centre) / spread)

    def _normal_parameters(self) -> tuple[float, float]:
        if self.distribution == "normal":
            return float(self.mean or 0.0), float(self.sd or 0.0)
        return math.log(float(self.median or 1.0)), float(self.sigma or 0.0)

    def _normal_bounds(self) -> tuple[float, float]:
        low, high = self.bounds()
        if self.distribution == "lognormal":
            return (math.log(low) if low > 0 else -math.inf), math.log(high)
        return low, high

    def draw(self, rng: np.random.Generator, size: int) -> FloatArray:
        """``size`` independent values [assumption's unit]."""
        if self.distribution == "uniform":
            return rng.uniform(self.low or 0.0, self.high or 0.0, size)
        if self.distribution == "triangular":
            low, mode, high = float(self.low or 0), float(self.mode or 0), float(self.high or 0)
            if low == high:
                return np.full(size, low)
            return rng.triangular(low, mode, high, size)
        centre, spread = self._normal_parameters()
        a, b = self._normal_bounds()
        z = _truncated_normal(rng, centre, spread, a, b, size)
        return np.exp(z) if self.distribution == "lognormal" else z


def _phi(x: float) -> float:
    """Standard normal CDF."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def _truncated_normal(
    rng: np.random.Generator, centre: float, spread: float, a: float, b: float, size: int
) -> FloatArray:
    """Normal(centre, spread) draws restricted to [a, b], by vectorised rejection.

    Notes
    -----
    Each round draws a batch sized by the kept probability m = Φ(β) − Φ(α) and
    keeps the draws inside the bounds; the batch is ``1.2·needed/m``, at most
    :data:`MAX_ROUND_DRAWS`, so memory stays bounded, and the expected number of
    rounds is small because m ≥ :data:`MIN_MASS`.
    """
    if spread == 0:
        return np.full(size, min(max(centre, a), b))
    mass = _phi((b - centre) / spread) - _phi((a - centre) / spread)
    out = np.empty(size)
    filled = 0
    while filled < size:  # rounds of many draws, not one per draw
        wanted = min(1.2 * (size - filled) / mass + 16, MAX_ROUND_DRAWS)
        batch = rng.normal(centre, spread, int(wanted))
        kept = batch[(batch >= a) & (batch <= b)][: size - filled]
        out[filled : filled + kept.size] = kept
        filled += kept.size
    return out
