"""Rebuild the embedded Ramachandran reference of ``shapeoverlap.rama``.

Reads every PDB/mmCIF entry shipped in ``shapeoverlap/data/rama/structures`` except the ones
kept apart for validation (``HELD_OUT``), computes phi/psi/omega and the MolProbity residue
class of every residue with :func:`shapeoverlap.rama.phi_psi`, and writes the residues with
both angles defined to ``shapeoverlap/data/rama/reference_angles.csv.gz`` (angles rounded to
0.01°; gzip without a timestamp, so the output is byte-for-byte reproducible).
:func:`shapeoverlap.rama.reference` turns these angles into one density per class at load.

Usage::

    python scripts/build_rama_reference.py [--out FILE]
"""

from __future__ import annotations

import argparse
import gzip
import io
from pathlib import Path

import pandas as pd

from shapeoverlap.rama import phi_psi

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
        t = phi_psi(path)
        t.insert(0, "structure", path.name.split(".")[0])
        frames.append(t)
    table = pd.concat(frames, ignore_index=True).dropna(subset=["phi", "psi"])
    table = table[["structure", "model", "chain", "resseq", "icode", "resname", "category",
                   "phi", "psi"]].round({"phi": 2, "psi": 2})
    text = table.to_csv(index=False, lineterminator="\n")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    Path(args.out).write_bytes(buf.getvalue())
    counts = table["category"].value_counts().to_dict()
    print(f"{len(files)} structures, {len(table)} residues: {counts}")


if __name__ == "__main__":
    main()
