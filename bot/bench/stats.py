"""Percentiles for the benchmarks (one definition, so their figures compare)."""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["percentile"]


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank (0.0 for no values).

    Nearest rank: the smallest value with at least q% of the values at or below
    it, so p95 of 100 latencies is the 95th fastest, never an interpolation.
    """
    if not values:
        return 0.0
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return float(ordered[index])
