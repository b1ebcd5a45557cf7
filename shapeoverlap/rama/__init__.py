"""Ramachandran regions from structures (placeholder re-exports, completed below)."""

from __future__ import annotations

from .structure import CATEGORIES, phi_psi

__all__ = ["CATEGORIES", "phi_psi"]
