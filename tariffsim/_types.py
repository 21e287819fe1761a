"""Array aliases shared by every layer (numpy's typing, named once)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
"""Float64 array: money (USD), rates (fractions), days."""

IntArray = npt.NDArray[np.int64]
"""Int64 array: indices, day numbers, HTS keys."""

BoolArray = npt.NDArray[np.bool_]
"""Boolean mask."""
