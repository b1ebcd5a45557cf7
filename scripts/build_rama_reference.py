"""Rebuild the embedded Ramachandran reference of ``shapeoverlap.rama``.

Reads every PDB/mmCIF entry shipped in ``shapeoverlap/data/rama/structures`` except the ones
kept apart for validation (``HELD_OUT``), computes phi/psi/omega, the MolProbity residue
class and the quality columns of every residue with
:func:`shapeoverlap.rama.phi_psi` (``quality=True``), keeps the residues with both angles
defined that pass the quality filters of :func:`shapeoverlap.rama.build_reference` (its
defaults: backbone B factors < 30 Å² where a structure's B factors carry information, full
occupancy, no alternate locations, not within one residue of a chain end or break, N-CA-C
angle within 4σ of 111.2°), and writes them to
``shapeoverlap/data/rama/reference_angles.csv.gz`` (angles rounded to 0.01°; gzip without a
timestamp, so the output is byte-for-byte reproducible). :func:`shapeoverlap.rama.reference`
turns these angles into one density per class at load.

Usage::

    python scripts/build_rama_reference.py [--out FILE]
"""

from __future__ import annotations

import argparse
import gzip
import io
from pathlib import Path

import pandas as pd

from shapeoverlap.rama import CATEGORIES, phi_psi
from shapeoverlap.rama.reference import MIN_RESIDUES, _quality_mask

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "shapeoverlap" / "data" / "rama"
HELD_OUT = {"5PTI.cif.gz"}  # the demo structure: validated against the reference, not in it


def main(argv: list[str] | None = None) -> None:
    """Write reference_angles.csv.gz from the shipped structures."""
    parser = argparse.ArgumentParser(description="rebuild the embedded Ramachandran reference")
    parser.add_argument("--out", default=str(DATA / "reference_angles.csv.gz"),
                        help="output file (default: the shipped one)")
    args = parser.parse_args(argv)
    files = sorted(p for p in (DATA / "structures").iterdir()
                   if p.is_file() and p.name not in HELD_OUT)
    frames = []
    for path in files:
        t = phi_psi(path, quality=True)
        t.insert(0, "structure", path.name.split(".")[0])
        frames.append(t)
    every = pd.concat(frames, ignore_index=True)
    keep, skipped = _quality_mask(every, by="structure")
    assert not skipped, skipped
    both = every["phi"].notna() & every["psi"].notna()
    table = every[both & keep]
    table = table[["structure", "model", "chain", "resseq", "icode", "resname", "category",
                   "phi", "psi"]].round({"phi": 2, "psi": 2})
    text = table.to_csv(index=False, lineterminator="\n")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    Path(args.out).write_bytes(buf.getvalue())
    before = every.loc[both, "category"].value_counts()
    after = table["category"].value_counts()
    print(f"{len(files)} structures; residues with phi and psi: {int(both.sum())}; kept by the "
          f"quality filters: {len(table)}")
    for cat in CATEGORIES:
        n = int(after.get(cat, 0))
        note = f"  (fewer than {MIN_RESIDUES}: rough regions)" if n < MIN_RESIDUES else ""
        print(f"  {cat:14s} {int(before.get(cat, 0)):5d} -> {n:5d}{note}")


if __name__ == "__main__":
    main()
