"""Figures for masks on grids (placeholder)."""

from __future__ import annotations

from typing import Any


def region_overlap(a: Any, b: Any, *, ax: Any = None, title: str | None = None) -> Any:
    """Draw two regions and their intersection (placeholder)."""
    raise NotImplementedError


def mask_overlay(image: Any, mask: Any, *, ax: Any = None) -> Any:
    """Draw a mask over an image (placeholder)."""
    raise NotImplementedError
