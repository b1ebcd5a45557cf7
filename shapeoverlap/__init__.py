"""shapeoverlap: one family of overlap measures for every kind of shape.

IoU (Jaccard), Dice, soft Dice/Jaccard, GIoU, DIoU and CIoU for interval sets (optionally
periodic), masks on grids (numpy, xarray, dask; crisp or probabilistic), regions on the
phi/psi torus, segmentations and boxes.

Examples
--------
>>> import numpy as np
>>> import shapeoverlap as so
>>> so.iou(so.IntervalSet([(22, 6)], period=24), so.IntervalSet([(23, 7)], period=24))
0.7777777777777778
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from .errors import EmptyUnionError, FileFormatError, GridMismatchError, ShapeOverlapError
from .intervals import IntervalSet
from .measures import ciou, dice, diou, giou, iou, overlap
from .stats import OverlapStats

try:
    __version__ = version("shapeoverlap")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

_SUBMODULES = ("boxes", "rama", "medical", "temporal", "plot", "grid")

__all__ = [
    "EmptyUnionError",
    "FileFormatError",
    "GridMismatchError",
    "IntervalSet",
    "OverlapStats",
    "ShapeOverlapError",
    "__version__",
    "ciou",
    "dice",
    "diou",
    "giou",
    "iou",
    "overlap",
]


def __getattr__(name: str) -> Any:
    # Domain modules (and matplotlib through ``plot``) are imported on first use.
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'shapeoverlap' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, *_SUBMODULES])
