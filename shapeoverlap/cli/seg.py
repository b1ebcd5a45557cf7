"""``shapeoverlap seg``: scoring of segmentations."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Register the ``seg`` sub-command."""
    p = sub.add_parser("seg", help="score segmentations (NIfTI) per label")
    p.add_argument("structures", nargs="+", metavar="STRUCTURE")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the sub-command."""
    raise NotImplementedError("shapeoverlap seg is not available yet")
