"""``shapeoverlap events``: overlap, matching and detection scores of two event lists."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from ._output import (
    add_output_options,
    check_figure_path,
    check_output_folders,
    print_table,
    write_tables,
)

__all__ = ["events_section", "register", "run"]


def register(sub: Any) -> None:
    """Register the ``events`` sub-command."""
    p = sub.add_parser(
        "events",
        help="compare two event lists (set IoU, event F1, mAP)",
        description="Compare a reference and a predicted event list (CSV/TSV with a header, "
        "RTTM, BED or ActivityNet JSON): bedtools-style set IoU, event-based precision/"
        "recall/F1 at a tIoU threshold (or sed_eval's collar rule) and, with --map, "
        "ActivityNet mAP.",
    )
    p.add_argument("ref", metavar="REF", help="reference events")
    p.add_argument("pred", metavar="PRED", help="predicted events")
    p.add_argument("--tiou", type=float, default=0.5, metavar="T",
                   help="tIoU threshold for a match (default: %(default)s)")
    p.add_argument("--map", action="store_true",
                   help="also compute AP per label at tIoU 0.5:0.05:0.95 (needs scores)")
    p.add_argument("--by-label", action="store_true",
                   help="set IoU per label (default: labels ignored, one row)")
    p.add_argument("--collar", type=float, default=None, metavar="S",
                   help="use sed_eval's event rule: onsets within S (offsets within "
                   "max(S, 50%% of the reference length)) instead of --tiou")
    p.add_argument("--method", choices=("hungarian", "greedy"), default="hungarian",
                   help="one-to-one matching (default: %(default)s)")
    p.add_argument("--format", choices=("csv", "tsv", "rttm", "bed", "json"), default=None,
                   help="file format of both inputs (default: from the extensions)")
    p.add_argument("--period", type=float, default=None, metavar="P",
                   help="periodic time line of length P (e.g. 24 for hours of a day)")
    p.add_argument("--subset", default=None, metavar="NAME",
                   help="ActivityNet JSON reference: keep only the videos of this subset "
                   "(e.g. validation, what ActivityNet's evaluation scores); predictions on "
                   "other videos still count as false positives, as in ActivityNet's "
                   "evaluation")
    p.add_argument("--track", default=None, metavar="NAME",
                   help="the track (file, video, chromosome) that --plot draws (default: the "
                   "first by name)")
    add_output_options(p)
    p.set_defaults(run=run)


def _tables(ref: Any, pred: Any, args: argparse.Namespace) -> list[tuple[str, pd.DataFrame]]:
    from ..temporal import average_precision, evaluate, set_iou

    out = [("Set IoU (bedtools jaccard numbers)", set_iou(ref, pred, by_label=args.by_label))]
    if args.collar is None:
        title = f"Event detection at tIoU >= {args.tiou:g} ({args.method})"
        ev = evaluate(ref, pred, tiou=args.tiou, method=args.method)
    else:
        title = f"Event detection, collar {args.collar:g} s ({args.method})"
        ev = evaluate(ref, pred, collar=args.collar, method=args.method)
    out.append((title, ev))
    if args.map:
        out.append(("Average precision (ActivityNet)", average_precision(ref, pred)))
    return out


def _combined(tables: list[tuple[str, pd.DataFrame]]) -> pd.DataFrame:
    """All tables in one frame: a ``table`` column, the row name, then every column."""
    names = ("set_iou", "evaluate", "average_precision")
    parts = []
    for name, (_, t) in zip(names, tables, strict=False):
        part = t.copy()
        for col in part.columns:  # counts stay integers beside other tables' floats
            if pd.api.types.is_integer_dtype(part[col]):
                part[col] = part[col].astype("Int64")
        part.columns = [c if isinstance(c, str) else f"ap@{c:g}" for c in part.columns]
        part = part.rename(columns={"mean": "ap_mean"}) if name == "average_precision" else part
        part.insert(0, "row", [str(i) for i in part.index])
        part.insert(0, "table", name)
        parts.append(part.reset_index(drop=True))
    return pd.concat(parts, ignore_index=True)


def run(args: argparse.Namespace) -> int:
    """Run the sub-command: print the tables, write the files asked for."""
    from ..temporal import read_events

    figure = check_figure_path(args.plot)
    check_output_folders(csv=args.csv, json=args.json, plot=args.plot)
    if not (0.0 < args.tiou <= 1.0) or math.isnan(args.tiou):
        raise ValueError(f"--tiou must be in (0, 1]; got {args.tiou:g}")
    if args.collar is not None and not args.collar >= 0:
        raise ValueError(f"--collar must be >= 0 seconds; got {args.collar:g}")
    if args.track is not None and figure is None:
        raise ValueError("--track chooses the track that --plot draws; add --plot FILE")
    ref = read_events(args.ref, format=args.format, period=args.period, subset=args.subset)
    pred = read_events(args.pred, format=args.format, period=args.period)
    tracks = sorted(set(ref.tracks) | set(pred.tracks))
    if args.track is not None and args.track not in tracks:
        raise ValueError(f"--track {args.track!r} is not in REF or PRED; tracks: {tracks[:10]}")
    tables = _tables(ref, pred, args)
    for title, table in tables:
        print_table(title, table)
    write_tables(_combined(tables), args.csv, args.json)
    if figure is not None:
        import matplotlib.pyplot as plt

        from ..plot import timeline

        ax = timeline(ref, pred, track=args.track)
        ax.figure.savefig(figure, dpi=150, bbox_inches="tight")
        plt.close(ax.figure)
        if args.track is None and len(tracks) > 1:
            print(f"--plot drew track {tracks[0]!r}, the first of {len(tracks)}; choose "
                  "another with --track", file=sys.stderr)
    return 0


def events_section(outdir: Path) -> list[tuple[str, pd.DataFrame]]:
    """Demo: score a shipped sound-event system output against its reference annotation.

    Computes the set IoU per label, event F1 at tIoU 0.5 and the ActivityNet mAP, and writes
    a timeline figure of the first recording to ``outdir/events_timeline.png``.

    Parameters
    ----------
    outdir : pathlib.Path
        Folder for the figure.

    Returns
    -------
    list of (str, pandas.DataFrame)
        Titled tables.
    """
    import matplotlib.pyplot as plt

    from ..plot import timeline
    from ..temporal import average_precision, evaluate, read_events, set_iou

    data = Path(__file__).resolve().parents[1] / "data" / "events"
    ref = read_events(data / "sed_reference.csv")
    pred = read_events(data / "sed_prediction.csv")
    tables = [
        ("Events: set IoU per label (sound events, 2 recordings)", set_iou(ref, pred)),
        ("Events: detection F1 at tIoU >= 0.5", evaluate(ref, pred, tiou=0.5)),
        ("Events: average precision (ActivityNet, tIoU 0.5:0.95)",
         average_precision(ref, pred).round(4)),
    ]
    ax = timeline(ref, pred, track="street.wav", xlabel="time (s)")
    ax.figure.savefig(outdir / "events_timeline.png", dpi=120, bbox_inches="tight")
    plt.close(ax.figure)
    return [(title, t.reset_index()) for title, t in tables]
