"""``shapeoverlap seg``: score segmentations (NIfTI) per label, for one pair or a cohort.

Examples::

    shapeoverlap seg pred.nii.gz ref.nii.gz --metrics dice hd95 nsd --tolerance 2 --csv out.csv
    shapeoverlap seg --pairs pairs.csv --summary --json summary.json
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._output import (
    add_output_options,
    check_figure_path,
    check_output_folders,
    print_table,
    write_tables,
)


def register(sub: Any) -> None:
    """Register the ``seg`` sub-command."""
    from ..medical._score import DEFAULT_METRICS, HD95_MODES, METRICS

    p = sub.add_parser(
        "seg",
        help="score segmentations (NIfTI) per label",
        description="Per-label Dice, IoU, Hausdorff distances, ASSD and NSD of a predicted "
        "segmentation against a reference (PRED REF), or of every case in a CSV of pairs "
        "(--pairs, columns pred, ref and optionally case). With --pairs, a case that "
        "cannot be scored is listed on standard error and the exit status stays 0; it is 2 "
        "when every case failed.",
    )
    p.add_argument("files", nargs="*", metavar="PRED REF", help="predicted and reference volume")
    p.add_argument("--pairs", metavar="CSV", help="CSV with columns pred, ref[, case]")
    p.add_argument("--summary", action="store_true",
                   help="with --pairs: per-label mean, median, IQR and bootstrap CI")
    p.add_argument("--labels", nargs="+", type=int, metavar="L",
                   help="labels to score (default: every non-zero label found)")
    p.add_argument("--metrics", nargs="+", choices=METRICS, default=list(DEFAULT_METRICS),
                   metavar="M", help=f"metrics, from {', '.join(METRICS)} "
                   "(default: %(default)s)")
    p.add_argument("--tolerance", type=float, default=1.0, metavar="MM",
                   help="NSD tolerance in mm (default: %(default)s)")
    p.add_argument("--hd95", choices=HD95_MODES, default="directed",
                   help="HD95 definition (default: %(default)s)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar for --pairs")
    add_output_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Score one pair or a cohort and write the tables (and figure) asked for."""
    from .. import medical

    figure = check_figure_path(args.plot)
    check_output_folders(csv=args.csv, json=args.json, plot=args.plot)
    kw: dict[str, Any] = {"labels": args.labels, "metrics": tuple(args.metrics),
                          "tolerance": args.tolerance, "hd95": args.hd95}
    if args.pairs:
        if args.files:
            raise ValueError("give either PRED REF or --pairs CSV, not both")
        table = medical.score_cohort(args.pairs, progress=not args.no_progress, **kw)
        title = f"Per-case scores ({table['case'].nunique()} cases)"
        out = medical.summarize(table) if args.summary else table
        print_table(title if not args.summary else "Per-label summary", out)
        write_tables(out, args.csv, args.json)
        if figure is not None:
            _cohort_figure(table, args.metrics, figure)
        failed: list[Any] = list(table.loc[table["error"].astype(bool), "case"].unique())
        if failed:
            print(f"{len(failed)} case(s) failed: {', '.join(map(str, failed))}",
                  file=sys.stderr)
        if failed and len(failed) == table["case"].nunique():
            first = table.loc[table["error"].astype(bool), "error"].iloc[0]
            print(f"shapeoverlap seg: error: every case failed (first: {first})",
                  file=sys.stderr)
            return 2
        return 0
    if args.summary:
        raise ValueError("--summary needs --pairs CSV")
    if len(args.files) != 2:
        raise ValueError(f"expected PRED REF (two files); got {len(args.files)}")
    pred_path, ref_path = args.files
    pred, ref = medical.load(pred_path), medical.load(ref_path)
    table = medical.score(pred, ref, **kw)
    print_table(f"{pred_path} vs {ref_path}", table)
    write_tables(table, args.csv, args.json)
    if figure is not None:
        from .. import plot

        ax = plot.mask_overlay(None, pred, ref=ref, title="prediction (fill) vs reference "
                               "(outline)")
        ax.figure.savefig(figure, dpi=120, bbox_inches="tight")
        import matplotlib.pyplot as plt

        plt.close(ax.figure)
    return 0


def _cohort_figure(table: Any, metrics: list[str], path: Any) -> None:
    import matplotlib.pyplot as plt

    metric = next((m for m in metrics if m in ("dice", "iou", "nsd")), metrics[0])
    ok = table[~table["error"].astype(bool)] if "error" in table else table
    groups = [(lab, g[metric].dropna().to_numpy()) for lab, g in ok.groupby("label")]
    fig, ax = plt.subplots(figsize=(max(4, 0.8 * len(groups) + 2), 4))
    if groups:
        ax.boxplot([v for _, v in groups], tick_labels=[str(int(lab)) for lab, _ in groups])
    ax.set_xlabel("label")
    ax.set_ylabel(metric)
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)


def medical_section(outdir: Any) -> list[tuple[str, Any]]:
    """Demo section: score the shipped 3 mm MNI152-derived pair and draw an overlay figure.

    The reference labels grey matter (1), white matter (2) and CSF (3) from the template's
    tissue probability maps; the prediction classifies the T1 intensities (multi-Otsu). Also
    scores the grey-matter probability map against the reference (soft Dice) and compares the
    three HD95 definitions.
    """
    from pathlib import Path

    import matplotlib.pyplot as plt
    import pandas as pd

    from .. import medical, plot

    paths = medical.example_data()
    ref, pred = medical.load(paths["ref"]), medical.load(paths["pred"])
    names = {1: "grey matter", 2: "white matter", 3: "CSF"}
    table = medical.score(pred, ref, metrics=("dice", "iou", "hd", "hd95", "assd", "nsd",
                                              "volume_pred", "volume_ref"), tolerance=3.0)
    table.insert(1, "structure", table["label"].map(names))
    gm = medical.load(paths["gm_prob"])
    soft = medical.score(gm, ref, labels=[1], metrics=("dice", "iou", "hd95", "nsd"),
                         tolerance=3.0)
    crisp = medical.score(gm.values >= 0.5, ref.values == 1, spacing=gm.attrs["spacing"],
                          metrics=("dice", "iou"))
    soft_rows = pd.DataFrame({
        "input": ["GM probability map (soft)", "GM map thresholded at 0.5"],
        "dice": [soft["dice"][0], crisp["dice"][0]],
        "iou": [soft["iou"][0], crisp["iou"][0]],
    })
    hd95 = pd.DataFrame([
        {"structure": names[int(lab)], **{
            mode: medical.score(pred, ref, labels=[int(lab)], metrics=("hd95",),
                                hd95=mode)["hd95"][0]
            for mode in ("directed", "pooled", "surfel")}}
        for lab in table["label"]
    ])
    # a pair whose boundaries are less alike, where the three definitions part ways
    strict = gm.values > 0.7
    hd95.loc[len(hd95)] = {"structure": "grey matter: GM map > 0.7 vs label", **{
        mode: medical.score(strict, ref.values == 1, spacing=gm.attrs["spacing"],
                            metrics=("hd95",), hd95=mode)["hd95"][0]
        for mode in ("directed", "pooled", "surfel")}}
    ax = plot.mask_overlay(medical.load(paths["t1"]), pred, ref=ref,
                           title="T1 classes (fill) vs tissue-map labels (outline)")
    ax.figure.savefig(Path(outdir) / "medical_overlay.png", dpi=120, bbox_inches="tight")
    plt.close(ax.figure)
    return [
        ("Segmentation scores: T1 intensity classes vs MNI152 tissue labels (3 mm, mm/mm³)",
         table),
        ("Soft Dice: grey-matter probability map vs the grey-matter label", soft_rows),
        ("HD95 (mm) under its three definitions", hd95),
    ]
