"""``shapeoverlap events``: overlap of event lists."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Register the ``events`` sub-command."""
    p = sub.add_parser("events", help="overlap of two event lists")
    p.add_argument("structures", nargs="+", metavar="STRUCTURE")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the sub-command."""
    raise NotImplementedError("shapeoverlap events is not available yet")
