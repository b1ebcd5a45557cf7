"""Figures for masks on grids (placeholder)."""

from __future__ import annotations

from typing import Any


def region_overlap(a: Any, b: Any, *, ax: Any = None, title: str | None = None) -> Any:
    """Draw two regions and their intersection (placeholder)."""
    raise NotImplementedError

