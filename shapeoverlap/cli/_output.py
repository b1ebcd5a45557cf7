"""Writing tables and figures for the sub-commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["add_output_options", "check_figure_path", "print_table", "write_tables"]

FIGURE_SUFFIXES = (".png", ".pdf", ".svg")


def add_output_options(parser: Any, *, plot: bool = True) -> None:
    """Add ``--csv``, ``--json`` and (optionally) ``--plot`` to a sub-command."""
    parser.add_argument("--csv", metavar="FILE", help="write the table as CSV")
    parser.add_argument("--json", metavar="FILE", help="write the table as JSON (records)")
    if plot:
        parser.add_argument("--plot", metavar="FILE", help="write a figure (.png, .pdf or .svg)")


def check_figure_path(path: str | None) -> Path | None:
    """Validate a ``--plot`` path before any work is done."""
    if path is None:
        return None
    p = Path(path)
    if p.suffix.lower() not in FIGURE_SUFFIXES:
        raise ValueError(
            f"--plot {path!r}: unsupported figure type {p.suffix!r}; use .png, .pdf or .svg"
        )
    return p


def print_table(title: str, table: pd.DataFrame, stream: Any = None) -> None:
    """Print a titled table to the terminal."""
    stream = stream or sys.stdout
    print(f"\n{title}", file=stream)
    print("-" * len(title), file=stream)
    with pd.option_context("display.width", 120, "display.max_columns", 20,
                           "display.float_format", "{:.4f}".format):
        print(table.to_string(), file=stream)


def write_tables(table: pd.DataFrame, csv: str | None, json_path: str | None) -> None:
    """Write ``table`` to ``--csv`` / ``--json`` files when asked."""
    if csv:
        table.to_csv(csv, index=False)
    if json_path:
        records = json.loads(table.to_json(orient="records", double_precision=15))
        Path(json_path).write_text(json.dumps(records, indent=2) + "\n")
