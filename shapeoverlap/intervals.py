"""IntervalSet: exact unions of half-open intervals, optionally on a circle."""

from __future__ import annotations

from typing import Any

from .stats import OverlapStats

__all__ = ["IntervalSet", "interval_overlap"]


class IntervalSet:
    """Exact union of half-open intervals ``[start, end)`` (placeholder)."""

    def __init__(self, intervals: Any, period: float | None = None) -> None:
        raise NotImplementedError


def interval_overlap(a: IntervalSet, b: IntervalSet, *, geometry: bool = True) -> OverlapStats:
    """Overlap statistics of two interval sets (placeholder)."""
    raise NotImplementedError
