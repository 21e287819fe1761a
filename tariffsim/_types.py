"""Array aliases shared by every layer (numpy's typing, named once)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
"""Float64 array: money (USD), rates (fractions), days."""

IntArray = npt.NDArray[np.int64]
"""Int64 array: indices, day numbers, HTS keys."""

IndexArray = npt.NDArray[np.int32] | npt.NDArray[np.int64]
"""Int32 or int64 array of indices: Arrow's dictionary indices and dates are read as int32
without a copy."""

BoolArray = npt.NDArray[np.bool_]
"""Boolean mask."""
