"""Speed of ``so.rama``, as ratios against baselines timed in the same process.

    python benchmarks/bench_rama.py [--small]

1. ``phi_psi(path)`` vs Biopython's own path on the same file: parse (PDBParser /
   MMCIFParser) + ``PPBuilder().build_peptides(model, aa_only=False)`` + ``get_phi_psi_list()``
   for every model. Target: ratio <= 0.5.
2. ``density`` of 1e5 angles on a 1° grid vs one 360×360 ``rfft2`` + ``irfft2`` pair (the FFT
   work it cannot avoid), and vs ``scipy.stats.gaussian_kde`` on 1e3 angles evaluated on the
   same grid (not periodic) for context.

Structure files come from ``../shared/data/structures`` when present, else from the files
shipped with the package.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np

from shapeoverlap.rama import density, example_structure, phi_psi
from shapeoverlap.rama.structure import load_structure

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "structures"


def best(f, repeat=5):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def biopython_path(path):
    from Bio.PDB import PPBuilder

    structure, _ = load_structure(path)
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for model in structure:
            for pp in PPBuilder().build_peptides(model, aa_only=False):
                out.extend(pp.get_phi_psi_list())
    return out


def bench_phi_psi(small):
    if SHARED.is_dir():
        names = ["2XHE.cif", "3KPR.cif.gz", "7DDO.pdb", "1LCD.pdb", "19hc.pdb.gz", "5PTI.cif.gz"]
        files = [SHARED / n for n in names]
    else:
        files = [example_structure("3KPR.cif.gz"), example_structure("1a28.pdb.gz"),
                 example_structure()]
    if small:
        files = files[-2:]
    print("phi_psi vs Biopython parse + PPBuilder + get_phi_psi_list (same file)")
    ratios = []
    for f in files:
        tb = best(lambda f=f: biopython_path(f), repeat=3)
        to = best(lambda f=f: phi_psi(f), repeat=3)
        ratios.append(to / tb)
        print(f"  {f.name:14s} biopython {tb * 1e3:8.1f} ms   phi_psi {to * 1e3:7.1f} ms   "
              f"ratio {to / tb:.3f}")
    print(f"  worst ratio {max(ratios):.3f} (target <= 0.5)")
    return max(ratios)


def bench_density(small):
    rng = np.random.default_rng(0)
    n = 10_000 if small else 100_000
    pts = np.column_stack([rng.normal(-63, 12, n), rng.normal(-43, 15, n)])
    grid = np.zeros((360, 360))
    fft = best(lambda: np.fft.irfft2(np.fft.rfft2(grid), s=grid.shape))
    t = best(lambda: density(pts, resolution=1.0, bandwidth=5.0))
    print(f"density of {n:.0e} angles on a 1° grid: {t * 1e3:.1f} ms = "
          f"{t / fft:.1f}× one rfft2+irfft2 pair ({fft * 1e3:.2f} ms)")
    from scipy.stats import gaussian_kde

    m = 1000
    kde = gaussian_kde(pts[:m].T)
    centres = np.arange(-179.5, 180.0, 1.0)
    phi, psi = np.meshgrid(centres, centres, indexing="ij")
    tk = best(lambda: kde(np.vstack([phi.ravel(), psi.ravel()])), repeat=1)
    td = best(lambda: density(pts[:m], resolution=1.0, bandwidth=5.0))
    print(f"  context: scipy gaussian_kde, {m} angles on the same grid: {tk * 1e3:.0f} ms, "
          f"{tk / td:.0f}× density() on the same angles (and not periodic)")
    return t / fft


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="quick run on small inputs")
    args = parser.parse_args()
    bench_phi_psi(args.small)
    bench_density(args.small)


if __name__ == "__main__":
    main()
