"""Speed (and HD95 memory) of so.medical.score, as ratios against baselines in the same process.

    python benchmarks/bench_medical.py [--source NILEARN_DATA_DIR] [--no-memory]

Volume: the real 1 mm MNI152 2009a template (197×233×189 = 8.7 M voxels) when its files are
found (nilearn installed, ``--source`` or ``$SHAPEOVERLAP_MNI_DIR`` pointing at nilearn's
``datasets/data`` folder), else a synthetic volume of the same size (the output says which).
Arrays are Fortran-ordered, as nibabel returns them.

1. binary Dice (grey matter: tissue-map label vs T1 intensity class) vs one read of both masks
   (``np.count_nonzero`` of each); target ≤ 4×. Both the public ``score`` (DataFrame included)
   and its counting kernel are timed.
2. all-label Dice/IoU of an 83-label parcellation (Voronoi cells of the brain mask, and the
   same cells with every seed moved by up to 3 mm) vs one ``np.bincount`` of one label map;
   target ≤ 1.5×.
3. soft Dice of two float32 probability maps (grey matter, and grey matter shifted by 1 mm)
   vs one read of both (``np.add.reduce`` of each); target ≤ 3×.
4. HD95 of grey matter (the largest surface): time under the three definitions, against
   DeepMind's surface-distance where installed (``pip install ctg-surface-distance``, its PyPI
   build; same surfel definition, value checked), and peak memory above the loaded inputs
   measured with ``/usr/bin/time -v`` on child processes (max RSS of a run that loads the two
   masks and computes HD95 minus a run that only loads them).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import shapeoverlap as so
from shapeoverlap.medical import _counts

SHAPE = (197, 233, 189)
STEM = "mni_icbm152_{}_tal_nlin_sym_09a_converted.nii.gz"


def best(f, repeat=7):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def find_source(arg):
    for cand in (arg, os.environ.get("SHAPEOVERLAP_MNI_DIR")):
        if cand and (Path(cand) / STEM.format("gm")).exists():
            return Path(cand)
    spec = importlib.util.find_spec("nilearn")
    if spec is not None and spec.origin is not None:
        d = Path(spec.origin).parent / "datasets" / "data"
        if (d / STEM.format("gm")).exists():
            return d
    return None


def volumes(source):
    """(description, t1, p_gm, p_wm) at 1 mm, Fortran-ordered."""
    if source is not None:
        import nibabel as nib

        load = {k: np.asanyarray(nib.load(str(source / STEM.format(k))).dataobj)
                for k in ("t1", "gm", "wm")}
        gm = (load["gm"] / np.float32(255)).astype(np.float32)
        wm = (load["wm"] / np.float32(255)).astype(np.float32)
        return "real MNI152 2009a 1 mm template (nilearn's files)", load["t1"], gm, wm
    from scipy import ndimage

    rng = np.random.default_rng(0)
    z, y, x = np.meshgrid(*(np.linspace(-1, 1, s) for s in SHAPE), indexing="ij")
    r = np.sqrt(z**2 + y**2 + x**2)
    noise = ndimage.gaussian_filter(rng.standard_normal(SHAPE), 3) * 0.6
    wm = np.clip(1.2 - 2.5 * r + noise, 0, 1).astype(np.float32)
    gm = np.clip((1 - wm) * np.clip(1.6 - 1.8 * r + noise, 0, 1), 0, 1).astype(np.float32)
    t1 = np.clip(255 * (0.5 * gm + wm), 0, 255).astype(np.uint8)
    return ("synthetic volume of the same size (nilearn's files not found)",
            np.asfortranarray(t1), np.asfortranarray(gm), np.asfortranarray(wm))


def label_maps(t1, gm, wm):
    from skimage.filters import threshold_multiotsu

    brain = (t1 > 0) & (gm + wm > 0.05)
    csf = np.clip(1 - gm - wm, 0, 1)
    ref = np.asfortranarray(np.argmax(np.stack([gm, wm, csf]), axis=0).astype(np.uint8) + 1)
    ref[~brain] = 0
    lo, hi = threshold_multiotsu(t1[brain], classes=3)
    pred = np.zeros(t1.shape, np.uint8, order="F")
    pred[brain & (t1 <= lo)] = 3
    pred[brain & (t1 > lo) & (t1 <= hi)] = 1
    pred[brain & (t1 > hi)] = 2
    return brain, ref, pred


def parcellation(brain, n=83, jitter=3.0, seed=0):
    from scipy.spatial import cKDTree

    rng = np.random.default_rng(seed)
    pts = np.argwhere(brain)
    seeds = pts[rng.choice(len(pts), n, replace=False)].astype(float)
    out = []
    for s in (seeds, seeds + rng.uniform(-jitter, jitter, seeds.shape)):
        lab = np.zeros(brain.shape, np.uint8, order="F")
        lab[brain] = cKDTree(s).query(pts)[1].astype(np.uint8) + 1
        out.append(lab)
    return out


def deepmind_hd95(a, b):
    """Time DeepMind's surface-distance (HD95) where installed; None otherwise.

    The PyPI build (``ctg-surface-distance``) predates NumPy 2: the aliases ``np.bool`` and
    ``np.Inf`` are restored for the call only.
    """
    if importlib.util.find_spec("surface_distance") is None:
        return None
    import warnings

    aliases = {"bool": np.bool_, "Inf": np.inf}
    added = [name for name in aliases if not hasattr(np, name)]
    for name in added:
        setattr(np, name, aliases[name])
    try:
        import surface_distance as sd

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")

            def run():
                d = sd.compute_surface_distances(b, a, (1.0, 1.0, 1.0))
                return sd.compute_robust_hausdorff(d, 95)

            value = run()
            return value, best(run, repeat=3)
    finally:
        for name in added:
            delattr(np, name)


def memory_child(folder, what):
    """Child process: load the two masks, optionally run HD95 (time -v reads max RSS).

    Both runs import the same modules, so the difference is the computation's own memory.
    """
    import scipy.ndimage  # noqa: F401

    import shapeoverlap.medical  # noqa: F401

    a, b = np.load(Path(folder) / "a.npy"), np.load(Path(folder) / "b.npy")
    if what == "hd95":
        so.medical.score(a, b, metrics=("hd95",), spacing=(1.0, 1.0, 1.0))


def max_rss_kib(folder, what):
    cmd = ["/usr/bin/time", "-v", sys.executable, __file__, "--child", what, "--data", folder]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", res.stderr).group(1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", default=None)
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--data", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        memory_child(args.data, args.child)
        return
    source = find_source(args.source)
    desc, t1, gm, wm = volumes(source)
    brain, ref, pred = label_maps(t1, gm, wm)
    print(f"volume: {desc}, shape {t1.shape}, {t1.size / 1e6:.1f} M voxels")

    a, b = pred == 1, ref == 1
    base = best(lambda: (np.count_nonzero(a), np.count_nonzero(b)))
    kern = best(lambda: _counts.binary_counts(a, b))
    pub = best(lambda: so.medical.score(a, b, metrics=("dice",)))
    naive = best(lambda: 2 * np.count_nonzero(a & b) / (a.sum() + b.sum()), repeat=3)
    print(f"\n1. binary Dice (GM): one read of both {base * 1e3:.2f} ms")
    print(f"   kernel {kern / base:.2f}x   score() {pub / base:.2f}x   (target <= 4x)"
          f"   naive numpy one-liner {naive / base:.1f}x")

    pa, pb = parcellation(brain)
    base = best(lambda: np.bincount(pa.ravel(order="K")))
    pub = best(lambda: so.medical.score(pb, pa, metrics=("dice", "iou")))
    kern = best(lambda: _counts.confusion(pb, pa, 256))
    loop = best(lambda: [2 * np.count_nonzero((pb == k) & (pa == k))
                         / (np.count_nonzero(pb == k) + np.count_nonzero(pa == k))
                         for k in range(1, 84)], repeat=1)
    t = so.medical.score(pb, pa, metrics=("dice",))
    print(f"\n2. all-label Dice/IoU, {len(t)} labels: one np.bincount {base * 1e3:.1f} ms")
    print(f"   kernel {kern / base:.2f}x   score() {pub / base:.2f}x   (target <= 1.5x)"
          f"   per-label loop {loop / base:.1f}x")

    p = gm
    q = np.asfortranarray(np.roll(gm, 1, axis=0))
    base = best(lambda: (np.add.reduce(p.ravel(order="K")), np.add.reduce(q.ravel(order="K"))))
    kern = best(lambda: _counts.soft_sums(p, q))
    pub = best(lambda: so.medical.score(p, q, metrics=("dice",)))
    d = so.medical.score(p, q, metrics=("dice",))["dice"][0]
    p64, q64 = p.astype(np.float64), q.astype(np.float64)
    exact = 2 * np.sum(p64 * q64) / (p64.sum() + q64.sum())
    print(f"\n3. soft Dice (float32 GM maps): one read of both {base * 1e3:.2f} ms")
    print(f"   kernel {kern / base:.2f}x   score() {pub / base:.2f}x   (target <= 3x)"
          f"   relative error vs float64 {abs(d / exact - 1):.1e}")

    times = {}
    for mode in ("directed", "pooled", "surfel"):
        times[mode] = best(lambda m=mode: so.medical.score(a, b, metrics=("hd95",), hd95=m),
                           repeat=3)
    r = so.medical.score(a, b, metrics=("hd95",))
    print(f"\n4. HD95 (GM, directed) = {r['hd95'][0]:.3f} mm: "
          + ", ".join(f"{m} {t:.2f} s" for m, t in times.items()))
    dm = deepmind_hd95(a, b)
    if dm is not None:
        value, t_dm = dm
        ours = so.medical.score(a, b, metrics=("hd95",), hd95="surfel")["hd95"][0]
        print(f"   DeepMind surface-distance (same surfel definition): {t_dm:.2f} s, HD95 "
              f"{value:.3f} vs ours {ours:.3f}; ratio ours(surfel)/DeepMind "
              f"{times['surfel'] / t_dm:.2f}, ours(directed)/DeepMind "
              f"{times['directed'] / t_dm:.2f}")
    else:
        print("   (DeepMind's surface-distance not installed: no comparison)")
    if not args.no_memory and Path("/usr/bin/time").exists():
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            np.save(Path(folder) / "a.npy", a)
            np.save(Path(folder) / "b.npy", b)
            extra = max_rss_kib(folder, "hd95") - max_rss_kib(folder, "inputs")
        print(f"   peak memory above the inputs: {extra / 1024:.0f} MiB (target <= 300 MiB)")


if __name__ == "__main__":
    main()
