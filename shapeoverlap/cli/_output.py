"""Writing tables and figures for the sub-commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["add_output_options", "check_figure_path", "check_output_folders", "print_table",
           "write_tables"]

FIGURE_SUFFIXES = (".png", ".pdf", ".svg")


def add_output_options(parser: Any, *, plot: bool = True) -> None:
    """Add ``--csv``, ``--json`` and (optionally) ``--plot`` to a sub-command."""
    parser.add_argument("--csv", metavar="FILE", help="write the table as CSV")
    parser.add_argument("--json", metavar="FILE",
                        help='write the table as JSON (records; NaN as null, infinities as '
                        'the strings "inf" and "-inf")')
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


def check_output_folders(**paths: str | None) -> None:
    """Check, before any work is done, that each output file can be created.

    Keywords name the options (``csv="out.csv"`` is ``--csv out.csv``); ``None`` is skipped.
    A ``ValueError`` names the option when the path is a folder or its folder is missing.
    """
    for option, path in paths.items():
        if path is None:
            continue
        p = Path(path)
        if p.is_dir():
            raise ValueError(f"--{option} {path!r} is a folder; give a file name")
        parent = p.parent
        if not parent.is_dir():
            what = "is a file, not a folder" if parent.exists() else "does not exist"
            raise ValueError(
                f"--{option} {path!r}: the folder {str(parent)!r} {what}; create it or write "
                "elsewhere"
            )


def print_table(title: str, table: pd.DataFrame, stream: Any = None) -> None:
    """Print a titled table to the terminal."""
    stream = stream or sys.stdout
    print(f"\n{title}", file=stream)
    print("-" * len(title), file=stream)
    with pd.option_context("display.width", 120, "display.max_columns", 20,
                           "display.float_format", "{:.4f}".format):
        print(table.to_string(), file=stream)


def write_tables(table: pd.DataFrame, csv: str | None, json_path: str | None) -> None:
    """Write ``table`` to ``--csv`` / ``--json`` files when asked.

    JSON stays standard: NaN becomes ``null`` and ±inf the strings ``"inf"``/``"-inf"`` (so
    that an infinite distance, one side empty, is not mistaken for an undefined one).
    """
    if csv:
        table.to_csv(csv, index=False)
    if json_path:
        records = json.loads(table.to_json(orient="records", double_precision=15))
        for col in table.columns:
            for i, v in _infinities(table[col]):
                records[i][str(col)] = "inf" if v > 0 else "-inf"
        Path(json_path).write_text(json.dumps(records, indent=2, allow_nan=False) + "\n")


def _infinities(column: pd.Series) -> list[tuple[int, float]]:
    """Positions and values of the infinite floats of a column."""
    values = column.to_numpy()
    if values.dtype.kind == "f":
        return [(int(i), float(values[i])) for i in np.flatnonzero(np.isinf(values))]
    if values.dtype == object:
        return [(i, float(v)) for i, v in enumerate(values)
                if isinstance(v, (float, np.floating)) and np.isinf(v)]
    return []
