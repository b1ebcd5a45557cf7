"""The ``shapeoverlap`` command line: thin front ends over the public API.

Each sub-command lives in its own module (``demo``, ``rama``, ``events``…) exposing
``register(subparsers)``. Bad input exits with status 2 and a one-line message.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence

from ..errors import ShapeOverlapError
from . import demo, events, rama, seg

__all__ = ["build_parser", "main"]

_COMMANDS = (demo, rama, seg, events)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every sub-command registered."""
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="shapeoverlap",
        description="Overlap measures (IoU, Dice, GIoU, DIoU) for intervals, grids, "
        "Ramachandran regions, segmentations and event lists.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in _COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 success, 2 bad input).

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        Exit status.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    formatwarning = warnings.formatwarning
    # a warning is one line, like an error, not a source excerpt
    warnings.formatwarning = (
        lambda message, *_a, **_k: f"shapeoverlap {args.command}: warning: {message}\n"
    )
    try:
        status = args.run(args)
    except BrokenPipeError:  # the reader left (``| head``): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except (ShapeOverlapError, ValueError, TypeError, OSError, KeyError) as exc:
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"shapeoverlap {args.command}: error: {msg}", file=sys.stderr)
        return 2
    finally:
        warnings.formatwarning = formatwarning
    return int(status or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
