"""Exceptions raised by shapeoverlap.

Every exception derives from :class:`ShapeOverlapError`; most also derive from the builtin that
fits (``ValueError``, ``TypeError``) so callers can catch either.
"""

from __future__ import annotations

__all__ = [
    "EmptyUnionError",
    "FileFormatError",
    "GridMismatchError",
    "ShapeOverlapError",
]


class ShapeOverlapError(Exception):
    """Root of every error raised on purpose by shapeoverlap."""


class GridMismatchError(ShapeOverlapError, ValueError):
    """Two operands live on different grids (shape, coordinates, spacing or period)."""


class EmptyUnionError(ShapeOverlapError, ValueError):
    """Both operands are empty and ``empty="raise"`` was asked for."""


class FileFormatError(ShapeOverlapError, ValueError):
    """A file could not be read; the message names the file (and the line where known)."""
