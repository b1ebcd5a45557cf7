r"""Compare the embedded Ramachandran reference with MolProbity's Top8000 classification.

Classifies every residue with φ and ψ of the structures in a folder (those not used to build
the embedded reference) against the embedded reference and against the Top8000 grids, and
prints how often the two agree, overall and per residue class, the cross-table of regions,
and the regions of a few probe points. With ``--angles`` it uses another angles file (e.g. an
older ``reference_angles.csv.gz``) in place of the shipped one, to compare two builds.

Usage::

    python scripts/compare_rama_reference.py --top8000 ../shared/data/rama/top8000 \
        --structures ../shared/data/structures [--angles FILE]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from shapeoverlap.rama import CATEGORIES, classify, density, phi_psi
from shapeoverlap.rama.reference import ALLOWED_LEVEL, FAVORED_LEVEL, _with_thresholds

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "shapeoverlap" / "data" / "rama"
SHARED = ROOT.parent / "shared" / "data"
PROBES = pd.DataFrame({
    "phi": [65.0, -30.0, 140.0, 50.0, -63.0, -120.0],
    "psi": [165.0, -130.0, 120.0, 120.0, -43.0, 130.0],
    "category": ["trans-proline", "general", "general", "general", "general", "general"],
})


def _references(angles_file: Path) -> dict[str, object]:
    table = pd.read_csv(angles_file, keep_default_na=False, na_values=[""],
                        dtype={"chain": str, "icode": str})
    return {c: _with_thresholds(density(table, category=c, resolution=2.0),
                                (FAVORED_LEVEL, ALLOWED_LEVEL)) for c in CATEGORIES}


def main(argv: list[str] | None = None) -> None:
    """Print the agreement of the embedded reference with Top8000."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top8000", default=str(SHARED / "rama" / "top8000"))
    parser.add_argument("--structures", default=str(SHARED / "structures"))
    parser.add_argument("--angles", default=str(DATA / "reference_angles.csv.gz"))
    args = parser.parse_args(argv)
    used = {p.name.split(".")[0].lower() for p in (DATA / "structures").iterdir()} - {"5pti"}
    files = sorted(p for p in Path(args.structures).iterdir() if p.is_file()
                   and p.name.split(".")[0].lower() not in used and "invalid" not in p.name)
    table = pd.concat([phi_psi(f).assign(structure=f.name) for f in files], ignore_index=True)
    table = table.dropna(subset=["phi", "psi"]).reset_index(drop=True)
    refs = _references(Path(args.angles))
    ours = classify(table, refs)["region"].rename("embedded")
    top = classify(table, args.top8000)["region"].rename("top8000")
    print(f"{len(files)} structures: {', '.join(f.name for f in files)}")
    print(f"{len(table)} residues; same region as Top8000: {100 * (ours == top).mean():.2f} %")
    for cat in CATEGORIES:
        rows = table["category"] == cat
        if rows.any():
            agree = 100 * (ours[rows] == top[rows]).mean()
            print(f"  {cat:14s} {int(rows.sum()):5d}  {agree:6.2f} %")
    print(pd.crosstab(top, ours))
    probes = PROBES.assign(embedded=classify(PROBES, refs)["region"],
                           top8000=classify(PROBES, args.top8000)["region"])
    print(probes.to_string(index=False))


if __name__ == "__main__":
    main()
