"""Boundary and surface-distance kernels for binary masks (numpy and scipy only).

Two discretisations of the surface of a binary mask on a regular grid:

* **boundary voxels** — voxels of the mask with at least one face neighbour outside it (the
  outside of the array counts as background): ``mask & ~erode(mask)`` with the
  face-connected structuring element, as MONAI and medpy use. Distances are measured between
  voxel centres.
* **surface elements (surfels)** — the corners of the voxel grid whose 2×2×2 (2×2 in 2-D)
  neighbourhood holds both mask and background voxels. Each carries the area (length in 2-D)
  of the marching-cubes (marching-squares) pieces inside its neighbourhood, as in DeepMind's
  surface-distance package (the same 256 areas for any spacing); corners lie half a voxel
  off the voxel centres.

Every function takes arrays and returns arrays; the public wrappers live in
:mod:`shapeoverlap.medical`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from scipy import ndimage

__all__ = [
    "boundary",
    "bounding_box",
    "directed_distances",
    "neighbour_codes",
    "surfel_area_table",
    "surfels",
    "weighted_quantile",
]


def bounding_box(mask: np.ndarray) -> tuple[slice, ...] | None:
    """Smallest box of slices holding every non-zero element of ``mask`` (None when empty)."""
    found = ndimage.find_objects(np.asarray(mask).view(np.uint8) if mask.dtype == bool
                                 else (mask != 0).view(np.uint8), max_label=1)
    return found[0] if found else None


def boundary(mask: np.ndarray) -> np.ndarray:
    """Boundary voxels: elements of ``mask`` with a face neighbour outside it.

    Parameters
    ----------
    mask : numpy.ndarray of bool
        Binary mask of any dimension; the outside of the array counts as background.

    Returns
    -------
    numpy.ndarray of bool
        Same shape as ``mask``; equals ``mask & ~binary_erosion(mask)`` with the
        face-connected (connectivity 1) structuring element and ``border_value=0``.
    """
    mask = np.asarray(mask, dtype=bool)
    interior = mask.copy()
    for ax in range(mask.ndim):
        lo = [slice(None)] * mask.ndim
        hi = [slice(None)] * mask.ndim
        lo[ax] = slice(0, -1)
        hi[ax] = slice(1, None)
        interior[tuple(hi)] &= mask[tuple(lo)]
        interior[tuple(lo)] &= mask[tuple(hi)]
        first: list[slice | int] = [slice(None)] * mask.ndim
        last: list[slice | int] = [slice(None)] * mask.ndim
        first[ax], last[ax] = 0, -1
        interior[tuple(first)] = False
        interior[tuple(last)] = False
    np.logical_xor(mask, interior, out=interior)
    return interior


def neighbour_codes(mask: np.ndarray) -> np.ndarray:
    """Binary code of the 2×2×2 (2×2) neighbourhood of every corner of the voxel grid.

    Corner ``c`` (shape ``mask.shape + 1``) sits at voxel coordinate ``c - 0.5``; bit
    ``sum(d[i] * 2**(ndim-1-i))`` is set when voxel ``c - 1 + d`` (``d`` in ``{0, 1}**ndim``)
    belongs to the mask.
    """
    mask = np.asarray(mask, dtype=bool)
    nd = mask.ndim
    pad = np.zeros(tuple(s + 2 for s in mask.shape), dtype=np.uint8)
    pad[tuple(slice(1, -1) for _ in range(nd))] = mask
    out_shape = tuple(s + 1 for s in mask.shape)
    code = np.zeros(out_shape, dtype=np.uint8)
    for d in itertools.product((0, 1), repeat=nd):
        bit = sum(di << (nd - 1 - i) for i, di in enumerate(d))
        sl = tuple(slice(di, di + n) for di, n in zip(d, out_shape, strict=True))
        code |= pad[sl] << np.uint8(bit)
    return code


def _corner_value(code: int, nd: int) -> np.ndarray:
    cube = np.zeros((2,) * nd, dtype=np.float32)
    for d in itertools.product((0, 1), repeat=nd):
        bit = sum(di << (nd - 1 - i) for i, di in enumerate(d))
        cube[d] = (code >> bit) & 1
    return cube


@lru_cache(maxsize=1)
def _triangle_area_vectors() -> tuple[np.ndarray, ...]:
    """Area vectors (cross product / 2) of the marching-cubes triangles of each 3-D code.

    In voxel units. Lorensen's case table leaves ambiguous faces open; a configuration with
    more than four inside corners takes the triangles of its complement, so that a surface
    element's area does not depend on which side is called inside (DeepMind's table has the
    same symmetry and the same areas).
    """
    from skimage.measure import marching_cubes

    out: list[np.ndarray] = []
    for code in range(256):
        if code in (0, 255):
            out.append(np.zeros((0, 3)))
            continue
        use = code if bin(code).count("1") <= 4 else 255 - code
        verts, faces, _, _ = marching_cubes(_corner_value(use, 3), 0.5, method="lorensen")
        tri = verts[faces].astype(np.float64)
        out.append(np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]) / 2.0)
    return tuple(out)


@lru_cache(maxsize=1)
def _segment_vectors() -> tuple[np.ndarray, ...]:
    """Per 2-D neighbour code, the marching-squares segments (as vectors) in voxel units."""
    # the four edges of the unit square as pairs of corners
    edges = [((0, 0), (0, 1)), ((0, 1), (1, 1)), ((1, 1), (1, 0)), ((1, 0), (0, 0))]
    out: list[np.ndarray] = []
    for code in range(16):
        cube = _corner_value(code, 2)
        pts = [np.add(p, q) / 2.0 for p, q in edges if cube[p] != cube[q]]
        if len(pts) == 2:
            segs = [pts[1] - pts[0]]
        elif len(pts) == 4:
            # saddle: two separate pieces; their total length does not depend on the pairing
            segs = [pts[1] - pts[0], pts[3] - pts[2]]
        else:
            segs = []
        out.append(np.array(segs, dtype=np.float64).reshape(-1, 2))
    return tuple(out)


def surfel_area_table(spacing: Sequence[float]) -> np.ndarray:
    """Area (3-D, in spacing units²) or length (2-D) of the surface inside each neighbour code.

    Parameters
    ----------
    spacing : sequence of float
        Voxel size along each axis (2 or 3 values).

    Returns
    -------
    numpy.ndarray
        ``(256,)`` areas for 3-D, ``(16,)`` lengths for 2-D; zero for the codes of fully
        inside or fully outside neighbourhoods.
    """
    s = np.asarray(spacing, dtype=np.float64)
    if s.size == 3:
        scale = np.array([s[1] * s[2], s[0] * s[2], s[0] * s[1]])
        return np.array([np.linalg.norm(v * scale, axis=1).sum() for v in
                         _triangle_area_vectors()])
    if s.size == 2:
        return np.array([np.linalg.norm(v * s, axis=1).sum() for v in _segment_vectors()])
    raise ValueError(f"surface elements are defined for 2-D and 3-D masks; got {s.size}-D")


def surfels(mask: np.ndarray, spacing: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Corner-grid surface elements of ``mask``: a boolean map (shape + 1) and their areas."""
    code = neighbour_codes(mask)
    full = (1 << (2 ** mask.ndim)) - 1
    where = (code != 0) & (code != full)
    areas = surfel_area_table(spacing)[code[where]]
    return where, areas


def directed_distances(
    src: np.ndarray, dst: np.ndarray, spacing: Sequence[float]
) -> np.ndarray:
    """Distance from every ``True`` element of ``src`` to the nearest ``True`` element of ``dst``.

    Parameters
    ----------
    src, dst : numpy.ndarray of bool
        Point sets on the same grid (boundary voxels or surfel corners).
    spacing : sequence of float
        Grid step along each axis.

    Returns
    -------
    numpy.ndarray of float64
        One distance per element of ``src`` (in C order); ``inf`` everywhere when ``dst`` is
        empty.
    """
    if not dst.any():
        return np.full(int(np.count_nonzero(src)), np.inf)
    step = np.asarray(spacing, dtype=np.float64)
    # the feature transform (index of the nearest dst element, int32) costs 4 bytes per axis
    # and voxel; the distance map would add float64 temporaries for every voxel, so distances
    # are computed only at the src elements
    nearest = ndimage.distance_transform_edt(
        ~dst, sampling=tuple(step), return_distances=False, return_indices=True
    )
    where = np.nonzero(src)
    sq = np.zeros(where[0].size, dtype=np.float64)
    for ax, idx in enumerate(where):
        diff = (nearest[ax][where] - idx).astype(np.float64) * step[ax]
        sq += diff * diff
    return np.sqrt(sq)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """Smallest value ``v`` such that the weight of ``values <= v`` is at least ``q`` of the total.

    With unit weights this is the "inverted CDF" quantile; it is the surface-element weighted
    percentile of DeepMind's robust Hausdorff distance.
    """
    if values.size == 0:
        return float("inf")
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    total = cum[-1]
    if total <= 0:
        return float(np.max(values))
    idx = int(np.searchsorted(cum / total, q, side="left"))
    return float(values[order[min(idx, values.size - 1)]])
