"""Dihedral angles of many atom quadruples at once (numpy only)."""

from __future__ import annotations

import numpy as np

__all__ = ["dihedral", "wrap_degrees"]


def dihedral(p0: np.ndarray, p1: np.ndarray, p2: np.ndarray, p3: np.ndarray) -> np.ndarray:
    """Signed dihedral angles (radians, in ``[-pi, pi]``) of the quadruples ``p0-p1-p2-p3``.

    Each argument is an ``(..., 3)`` array of coordinates; NaN coordinates give NaN angles.
    The sign follows the IUPAC convention: positive when, looking along ``p1 -> p2``, the
    bond ``p2-p3`` is rotated clockwise from ``p1-p0``.
    """
    b0 = np.asarray(p0, dtype=float) - p1
    b1 = np.asarray(p2, dtype=float) - p1
    b2 = np.asarray(p3, dtype=float) - p2
    with np.errstate(invalid="ignore", divide="ignore"):
        b1n = b1 / np.linalg.norm(b1, axis=-1, keepdims=True)
        v = b0 - np.sum(b0 * b1n, axis=-1, keepdims=True) * b1n
        w = b2 - np.sum(b2 * b1n, axis=-1, keepdims=True) * b1n
        x = np.sum(v * w, axis=-1)
        y = np.sum(np.cross(b1n, v) * w, axis=-1)
    return np.arctan2(y, x)


def wrap_degrees(angles: np.ndarray) -> np.ndarray:
    """Wrap angles in degrees into ``(-180, 180]`` (NaN stays NaN)."""
    a = np.asarray(angles, dtype=float)
    out = np.mod(a + 180.0, 360.0) - 180.0
    # mod puts +180 at -180; the half-open convention here is (-180, 180].
    return np.where(out == -180.0, 180.0, out)
