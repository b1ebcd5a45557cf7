"""Build the small real volumes shipped in ``shapeoverlap/data/medical/``.

Source: the ICBM 2009a nonlinear symmetric MNI152 template (1 mm, 197×233×189) and its grey-
and white-matter probability maps (uint8, probability × 255), as shipped inside nilearn's wheel
(``nilearn/datasets/data/mni_icbm152_*_tal_nlin_sym_09a_converted.nii.gz``). nilearn itself is
not needed: point ``--source`` at that folder (e.g. after
``pip download --no-deps nilearn -d /tmp/nl && unzip /tmp/nl/nilearn-*.whl -d /tmp/nl/x``).

Derivation (3 mm grid, cropped to the head):

1. average 3×3×3 blocks of the 1 mm maps (the last 1 mm slices that do not fill a block are
   dropped); the affine gets 3 mm zooms and its origin moves to the centre of the first block;
2. ``mni152_3mm_t1.nii.gz``: the T1 template, block mean, uint8;
3. ``mni152_3mm_gm_prob.nii.gz``: grey-matter probability, block mean, rounded to 1/255,
   float32 in [0, 1];
4. ``mni152_3mm_ref.nii.gz`` (the "reference"): labels 1 = grey matter, 2 = white matter,
   3 = CSF, by the largest of (p_gm, p_wm, 1 - p_gm - p_wm) inside the brain mask
   (block-mean T1 > 0 and p_gm + p_wm > 0.05), 0 elsewhere; uint8;
5. ``mni152_3mm_pred.nii.gz`` (the "prediction", an independent method): the same brain mask
   split into three intensity classes of the T1 template by multi-Otsu thresholds
   (``skimage.filters.threshold_multiotsu``): darkest = 3 (CSF), middle = 1 (GM), brightest =
   2 (WM); uint8.

Every volume is cropped to the bounding box of the brain mask plus two voxels.

Usage::

    python scripts/build_medical_example.py --source /tmp/nl/x/nilearn/datasets/data
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

import nibabel as nib
import numpy as np

OUT = Path(__file__).resolve().parents[1] / "shapeoverlap" / "data" / "medical"
STEM = "mni_icbm152_{}_tal_nlin_sym_09a_converted.nii.gz"
FACTOR = 3


def default_source() -> Path | None:
    """Return nilearn's bundled data folder, when nilearn is installed."""
    spec = importlib.util.find_spec("nilearn")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "datasets" / "data"


def block_mean(x: np.ndarray, f: int) -> np.ndarray:
    """Mean over non-overlapping ``f``×``f``×``f`` blocks (partial blocks dropped)."""
    n = [s // f for s in x.shape]
    x = np.asarray(x[: n[0] * f, : n[1] * f, : n[2] * f], dtype=np.float64)
    return x.reshape(n[0], f, n[1], f, n[2], f).mean(axis=(1, 3, 5))


def build(source: Path, out: Path = OUT) -> dict[str, Path]:
    """Derive the shipped volumes from the three template files in ``source``."""
    imgs = {k: nib.load(str(source / STEM.format(k))) for k in ("t1", "gm", "wm")}
    affine = imgs["t1"].affine.copy()
    data = {k: block_mean(np.asanyarray(v.dataobj), FACTOR) for k, v in imgs.items()}
    gm, wm = data["gm"] / 255.0, data["wm"] / 255.0
    t1 = data["t1"]
    brain = (t1 > 0) & (gm + wm > 0.05)
    csf = np.clip(1.0 - gm - wm, 0.0, 1.0)
    ref = (np.argmax(np.stack([gm, wm, csf]), axis=0) + 1).astype(np.uint8)
    ref[~brain] = 0

    from skimage.filters import threshold_multiotsu

    lo, hi = threshold_multiotsu(t1[brain], classes=3)
    pred = np.zeros(t1.shape, np.uint8)
    pred[brain & (t1 <= lo)] = 3
    pred[brain & (t1 > lo) & (t1 <= hi)] = 1
    pred[brain & (t1 > hi)] = 2

    idx = np.argwhere(brain)
    lo_i = np.maximum(idx.min(axis=0) - 2, 0)
    hi_i = np.minimum(idx.max(axis=0) + 3, brain.shape)
    box = tuple(slice(int(a), int(b)) for a, b in zip(lo_i, hi_i, strict=True))

    new = affine.copy()
    new[:3, :3] = affine[:3, :3] * FACTOR
    centre = (FACTOR - 1) / 2.0 + FACTOR * lo_i
    new[:3, 3] = affine[:3, :3] @ centre + affine[:3, 3]

    volumes = {
        "mni152_3mm_t1.nii.gz": np.rint(t1[box]).astype(np.uint8),
        "mni152_3mm_gm_prob.nii.gz": (np.rint(gm[box] * 255) / 255).astype(np.float32),
        "mni152_3mm_ref.nii.gz": ref[box],
        "mni152_3mm_pred.nii.gz": pred[box],
    }
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, vol in volumes.items():
        img = nib.Nifti1Image(np.asfortranarray(vol), new)
        img.header.set_xyzt_units("mm")
        img.set_sform(new, code=4)  # MNI152 space
        img.set_qform(new, code=4)
        path = out / name
        nib.save(img, str(path))
        written[name] = path
    return written


def main() -> None:
    """Build the volumes and print their sizes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=default_source(),
                        help="folder holding nilearn's mni_icbm152_* files")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.source is None:
        parser.error("nilearn is not installed; pass --source FOLDER")
    for name, path in build(args.source, args.out).items():
        print(f"{path}  {path.stat().st_size / 1024:.0f} KiB  {name}")


if __name__ == "__main__":
    main()
