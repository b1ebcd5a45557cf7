"""``shapeoverlap demo``: the main job on the embedded example data.

Every domain contributes one *section*: a function ``(outdir) -> list[(title, DataFrame)]``
that computes its tables from data shipped with the package and writes its figures into
``outdir``. The sections run in order; their tables are printed and written as CSV.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..boxes._demo import boxes_section
from ._output import print_table
from .events import events_section
from .rama import rama_section
from .seg import medical_section

Section = Callable[[Path], list[tuple[str, pd.DataFrame]]]


def core_section(outdir: Path) -> list[tuple[str, pd.DataFrame]]:
    """Run the core measures on clock intervals, a region across the dateline and soft masks."""
    import xarray as xr

    import shapeoverlap as so

    rows: list[dict[str, Any]] = []

    def add(name: str, a: Any, b: Any, **kw: Any) -> None:
        s = so.overlap(a, b, **kw)
        values = {"iou": s.iou(), "dice": s.dice(), "giou": s.giou(), "diou": s.diou(),
                  "intersection": s.intersection, "union": s.union, "hull": s.hull}
        rows.append({"example": name, **{k: float(v) for k, v in values.items()}})

    # Sleep on the 24-h clock: the intervals wrap midnight, so the hull is the short arc.
    diary = so.IntervalSet([(22.5, 6.5), (13.0, 13.5)], period=24)
    actigraphy = so.IntervalSet([(23.25, 7.0)], period=24)
    add("sleep: diary vs actigraphy (24 h clock)", diary, actigraphy)

    # Two regions across the dateline on a 2° latitude-longitude grid, cells weighted by area.
    lat = np.arange(-89.0, 90.0, 2.0)
    lon = np.arange(-179.0, 180.0, 2.0)
    coords = {"lat": lat, "lon": xr.DataArray(lon, dims="lon", attrs={"period": 360.0})}
    la, lo = np.meshgrid(lat, lon, indexing="ij")
    a = xr.DataArray((np.abs(la - 10) < 15) & ((lo > 160) | (lo < -170)), dims=("lat", "lon"),
                     coords=coords)
    b = xr.DataArray((np.abs(la - 5) < 15) & ((lo > 165) | (lo < -160)), dims=("lat", "lon"),
                     coords=coords)
    area = np.cos(np.deg2rad(a["lat"]))
    add("regions across the dateline (area-weighted)", a, b, weights=area)

    # Probabilistic masks: two Gaussian blobs, soft (product) form.
    y, x = np.mgrid[0:64, 0:64]
    p = np.exp(-((x - 30) ** 2 + (y - 32) ** 2) / 120.0)
    q = np.exp(-((x - 36) ** 2 + (y - 30) ** 2) / 150.0)
    add("soft masks (product form)", p, q)

    table = pd.DataFrame(rows)
    from .. import plot

    ax = plot.region_overlap(a, b, title="Overlap across the dateline")
    ax.figure.savefig(outdir / "core_regions.png", dpi=120, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(ax.figure)
    return [("Core measures on embedded examples", table)]


# Sections in the order they run; each domain adds its own.
SECTIONS: list[tuple[str, Section]] = [
    ("core", core_section),
    ("medical", medical_section),
    ("rama", rama_section),
    ("events", events_section),
    ("boxes", boxes_section),
]


def register(sub: Any) -> None:
    """Register the ``demo`` sub-command."""
    p = sub.add_parser("demo", help="run every measure on the embedded example data")
    p.add_argument("--out", default="shapeoverlap-demo", metavar="DIR",
                   help="folder for the tables (CSV) and figures (default: %(default)s)")
    p.add_argument("--only", choices=[name for name, _ in SECTIONS], action="append",
                   help="run only these sections (repeatable)")
    p.set_defaults(run=run)


def _file_stem(section: str, title: str) -> str:
    """Name a table's file after its title: ``events_set_iou_per_label`` and the like."""
    text = re.sub(r"\([^)]*\)", " ", title.lower())  # drop parenthetical remarks
    words = [w for w in re.split(r"[^a-z0-9]+", text)
             if w and not w.isdigit() and w not in ("the", "a", "on", "of", section)]
    return "_".join([section, *words[:5]])


def run(args: argparse.Namespace) -> int:
    """Run the demo sections and write their outputs."""
    outdir = Path(args.out)
    outdir.mkdir(parents=True, exist_ok=True)
    for name, section in SECTIONS:
        if args.only and name not in args.only:
            continue
        for title, table in section(outdir):
            print_table(title, table)
            table.to_csv(outdir / f"{_file_stem(name, title)}.csv", index=False)
    print(f"\ntables and figures written to {outdir}/")
    return 0
