"""``shapeoverlap rama``: Ramachandran validation of structures."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Register the ``rama`` sub-command."""
    p = sub.add_parser("rama", help="Ramachandran validation of PDB/mmCIF structures")
    p.add_argument("structures", nargs="+", metavar="STRUCTURE")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the sub-command."""
    raise NotImplementedError("shapeoverlap rama is not available yet")
