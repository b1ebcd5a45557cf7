"""Per-label scoring of two segmentations: overlap, volumes and surface distances."""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._kernels import surface as _surf
from .._validate import check_choice, check_empty, raise_if_empty
from ..errors import GridMismatchError
from . import _counts
from ._io import load

__all__ = ["AFFINE_ATOL", "HD95_MODES", "METRICS", "check_options", "check_spacing", "score"]

METRICS = ("dice", "iou", "hd", "hd95", "assd", "nsd", "volume_pred", "volume_ref",
           "volume_diff")
HD95_MODES = ("directed", "pooled", "surfel")
DEFAULT_METRICS = ("dice", "iou", "hd95", "assd", "nsd")
#: Largest absolute difference allowed between two affines (mm, and unitless for the
#: rotation-zoom part) for two loaded volumes to count as the same grid.
AFFINE_ATOL = 1e-3
_VOXEL_METRICS = {"hd", "assd"}
_SURFEL_METRICS = {"nsd"}


@dataclass
class _Volume:
    data: np.ndarray
    name: str
    affine: np.ndarray | None = None
    spacing: tuple[float, ...] | None = None
    scalars: dict[str, float] = field(default_factory=dict)


def _describe(x: Any, role: str) -> str:
    if isinstance(x, (str, os.PathLike)):
        return f"{role} ({os.fspath(x)})"
    path = getattr(x, "attrs", {}).get("path") if hasattr(x, "attrs") else None
    return f"{role} ({path})" if path else role


_DIMS = ("x", "y", "z")


def _coord_step(x: Any, d: Any) -> float | None:
    """Voxel size along ``d`` from a uniform coordinate, else None."""
    if d not in x.coords or x.sizes[d] < 2:
        return None
    try:
        c = np.asarray(x.coords[d].values, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    diff = np.diff(c)
    if not np.all(np.isfinite(diff)) or diff[0] == 0 or not np.allclose(
        diff, diff[0], rtol=1e-6, atol=0
    ):
        return None
    return abs(float(diff[0]))


def _dataarray_spacing(x: Any, affine: np.ndarray | None) -> tuple[float, ...] | None:
    """Voxel size per dim of a DataArray, or None when some dim has none.

    Per dim: the step of a uniform coordinate; else ``attrs["spacing"]`` (read in the order
    ``x, y, z`` for dims of those names, as :func:`load` writes it, else in dim order when it
    has one value per dim); else the norm of the affine's column of that axis (``x, y, z`` =
    columns 0, 1, 2; other names in dim order when the array has as many dims as the
    affine has axes).
    """
    attr = x.attrs.get("spacing")
    attr_t = None
    if attr is not None:
        try:
            attr_t = tuple(float(v) for v in np.atleast_1d(np.asarray(attr, dtype=np.float64)))
        except (TypeError, ValueError):
            attr_t = None
    named = all(d in _DIMS for d in x.dims)
    steps = []
    for i, d in enumerate(x.dims):
        step = _coord_step(x, d)
        axis = _DIMS.index(d) if named else (i if attr_t is not None
                                             and len(attr_t) == len(x.dims) else None)
        if step is None and attr_t is not None and axis is not None and axis < len(attr_t):
            step = attr_t[axis]
        if step is None and affine is not None and affine.shape == (4, 4):
            col = _DIMS.index(d) if named else (i if len(x.dims) == 3 else None)
            if col is not None:
                step = float(np.linalg.norm(affine[:3, col]))
        if step is None:
            return None
        steps.append(step)
    return tuple(steps)


def _scalar_coords(x: Any) -> dict[str, float]:
    out = {}
    for name, c in x.coords.items():
        if c.ndim == 0 and c.dtype.kind in "iuf":
            out[str(name)] = float(c.values)
    return out


def _coerce(x: Any, role: str) -> _Volume:
    name = _describe(x, role)
    if isinstance(x, (str, os.PathLike)):
        x = load(x)
    affine = spacing = None
    scalars: dict[str, float] = {}
    if hasattr(x, "dims") and hasattr(x, "attrs") and hasattr(x, "coords"):
        if "affine" in x.attrs:
            affine = np.asarray(x.attrs["affine"], dtype=np.float64)
        spacing = _dataarray_spacing(x, affine)
        scalars = _scalar_coords(x)
        data = np.asarray(x.data)
    else:
        data = np.asarray(x)
    if data.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} has dtype {data.dtype}; pass a boolean mask, an integer label map or "
            "probabilities in [0, 1]"
        )
    if data.ndim not in (2, 3):
        way_out = ("split a series into 3-D volumes, e.g. x[..., 0]" if data.ndim > 3
                   else "pass a 2-D image or a 3-D volume")
        raise ValueError(
            f"{name} has shape {data.shape} ({data.ndim}-D); segmentations must be 2-D or "
            f"3-D: {way_out}"
        )
    if data.dtype.kind == "i" and data.size and int(data.min()) < 0:
        raise ValueError(
            f"{name} has negative label values (min {int(data.min())}); "
            "labels must be non-negative integers (0 = background)"
        )
    if data.dtype.kind == "u" and data.dtype.itemsize == 8 and data.size:
        top = int(data.max())
        if top >= 1 << 63:
            raise ValueError(
                f"{name} has uint64 label values up to {top} (>= 2**63); renumber the "
                "labels, e.g. numpy.unique(x, return_inverse=True)"
            )
        data = data.view(np.int64)
    return _Volume(data, name, affine, spacing, scalars)


def check_spacing(spacing: Any) -> None:
    """Check ``spacing`` without knowing the volume: one or a sequence of positive numbers."""
    if spacing is None:
        return
    try:
        if isinstance(spacing, (str, bytes)):
            raise TypeError
        s = np.asarray(spacing, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"spacing must be one positive number or one per axis (mm); got {spacing!r}"
        ) from None
    if s.ndim > 1 or s.size == 0:
        raise ValueError(
            f"spacing must be one positive number or one per axis (mm); got {spacing!r}"
        )
    if not np.all(np.isfinite(s)) or np.any(s <= 0):
        raise ValueError(f"spacing must be positive and finite; got {spacing!r}")


def _check_spacing(spacing: Any, ndim: int) -> tuple[float, ...]:
    check_spacing(spacing)
    try:
        s = np.broadcast_to(np.asarray(spacing, dtype=np.float64), (ndim,))
    except (TypeError, ValueError):
        raise ValueError(
            f"spacing must be one positive number or one per axis ({ndim}); got {spacing!r}"
        ) from None
    if not np.all(np.isfinite(s)) or np.any(s <= 0):
        raise ValueError(f"spacing must be positive and finite; got {spacing!r}")
    return tuple(float(v) for v in s)


def _grid(p: _Volume, r: _Volume, spacing: Any) -> tuple[float, ...]:
    if p.data.shape != r.data.shape:
        raise GridMismatchError(
            f"{p.name} has shape {p.data.shape} but {r.name} has shape {r.data.shape}; "
            "resample one onto the other's grid first"
        )
    if p.affine is not None and r.affine is not None:
        diff = float(np.max(np.abs(p.affine - r.affine)))
        if diff > AFFINE_ATOL:
            raise GridMismatchError(
                f"the affines of {p.name} and {r.name} differ by up to {diff:.4g} "
                f"(tolerance {AFFINE_ATOL}); the volumes are not on the same grid: "
                "resample one onto the other"
            )
    if p.spacing is not None and r.spacing is not None and not np.allclose(
        p.spacing, r.spacing, rtol=0, atol=AFFINE_ATOL
    ):
        raise GridMismatchError(
            f"{p.name} has voxel size {p.spacing} but {r.name} has {r.spacing}; "
            "resample one onto the other's grid first"
        )
    for key in sorted(set(p.scalars) & set(r.scalars)):
        if not math.isclose(p.scalars[key], r.scalars[key], rel_tol=0, abs_tol=AFFINE_ATOL):
            raise GridMismatchError(
                f"{p.name} is taken at {key}={p.scalars[key]:g} but {r.name} at "
                f"{key}={r.scalars[key]:g}; slice both volumes at the same position"
            )
    ndim = p.data.ndim
    if spacing is not None:
        return _check_spacing(spacing, ndim)
    for v in (p, r):
        if v.spacing is not None:
            return _check_spacing(v.spacing, ndim)
    return (1.0,) * ndim


def check_options(
    metrics: Any, hd95: Any, tolerance: Any, empty: Any, labels: Any
) -> tuple[tuple[str, ...], float, float | str, list[int] | None]:
    """Validate the options of :func:`score` (shared with ``score_cohort``)."""
    if isinstance(metrics, str):
        metrics = (metrics,)
    try:
        metrics = tuple(metrics)
    except TypeError:
        raise ValueError(f"metrics must be a sequence of metric names; got {metrics!r}") from None
    if not metrics:
        raise ValueError(f"metrics is empty; choose from {', '.join(METRICS)}")
    for m in metrics:
        check_choice("metrics", m, METRICS)
    check_choice("hd95", hd95, HD95_MODES)
    try:
        tol = float(tolerance)
    except (TypeError, ValueError):
        raise ValueError(f"tolerance must be a distance in mm; got {tolerance!r}") from None
    if not math.isfinite(tol) or tol < 0:
        raise ValueError(f"tolerance must be a finite distance >= 0 (mm); got {tolerance!r}")
    emp = check_empty(empty)
    labs = None if labels is None else _check_labels(labels)
    return metrics, tol, emp, labs


def _check_labels(labels: Any) -> list[int]:
    """Validate ``labels``: one non-negative integer or an iterable of them."""
    if isinstance(labels, (str, bytes)):
        raise ValueError(
            f"labels must be non-negative integers; got {labels!r} (a str is not a list of "
            "labels: pass e.g. labels=[1, 2])"
        )
    try:
        items = list(labels)
    except TypeError:  # one label
        items = [labels]
    labs = []
    for v in items:
        try:
            if isinstance(v, (str, bytes, bool, np.bool_)):
                raise TypeError
            f = float(v)
        except (TypeError, ValueError, OverflowError):
            f = float("nan")
        if not f.is_integer() or f < 0:
            raise ValueError(f"labels must be non-negative integers; got {v!r}")
        labs.append(int(f))
    if not labs:
        raise ValueError("labels is empty; pass None to score every label found")
    repeated = sorted({v for v in labs if labs.count(v) > 1})
    if repeated:
        raise ValueError(
            f"labels repeat: {', '.join(map(str, repeated))} (got {labs}); list each label once"
        )
    return labs


def _num(v: float) -> str:
    """Shortest text that gives ``v`` back (``1``, ``-0.25``, ``1.0000001192092896``)."""
    short = f"{v:g}"
    return short if float(short) == v else repr(v)


def _all_whole(data: np.ndarray, chunk: int = 1 << 20) -> bool:
    """Whether every (finite) value is a whole number, stopping at the first that is not.

    A strided sample settles a probability map at once; a label map stored as floats
    takes one pass of ``floor`` in cache-sized chunks (``mod`` would cost several).
    """
    flat = data.ravel(order="K")  # no copy for C- or Fortran-ordered volumes
    sample = flat[:: max(1, flat.size // 4099)]  # a few thousand voxels spread through it
    if not np.array_equal(sample, np.floor(sample)):
        return False
    for i in range(0, flat.size, chunk):
        part = flat[i:i + chunk]
        if not np.array_equal(part, np.floor(part)):
            return False
    return True


def _float_kind(v: _Volume, vmin: float, vmax: float) -> str:
    """Classify a floating volume: 'int' (every value a whole number) or 'prob'.

    A floating array whose values are all whole numbers is a label map, whatever its range
    (a float 0/1 mask is label 1, an all-zero one has no label), as an integer array would be;
    only non-integral values in ``[0, 1]`` make a probability map.
    """
    if math.isnan(vmin) or math.isnan(vmax):
        n = int(np.count_nonzero(np.isnan(v.data)))
        raise ValueError(f"{v.name} has {n} NaN voxel(s); fill or mask them before scoring")
    if math.isinf(vmin) or math.isinf(vmax):
        n = int(np.count_nonzero(np.isinf(v.data)))
        raise ValueError(
            f"{v.name} has {n} infinite voxel(s); fill or mask them before scoring"
        )
    integral = _all_whole(v.data)
    if integral and vmin >= 0:
        return "int"
    if 0.0 <= vmin and vmax <= 1.0:
        return "prob"
    if vmin < 0 and not integral:
        raise ValueError(
            f"{v.name} has values in [{_num(vmin)}, {_num(vmax)}]: probabilities must lie in "
            "[0, 1]; clip rounding errors with numpy.clip(x, 0, 1)"
        )
    if vmin < 0:
        raise ValueError(
            f"{v.name} has negative label values (min {vmin:g}); labels must be "
            "non-negative integers"
        )
    raise ValueError(
        f"{v.name} has non-integer values up to {_num(vmax)}: a label map must hold integers "
        "and a probability map values in [0, 1] (clip rounding errors with "
        "numpy.clip(x, 0, 1))"
    )


def _as_labels(data: np.ndarray) -> np.ndarray:
    """Integral floats → the smallest unsigned integer type that holds them."""
    if data.dtype.kind in "biu":
        return data
    vmax = float(data.max()) if data.size else 0.0
    dtype = np.uint8 if vmax < 256 else np.uint16 if vmax < 65536 else np.int64
    return data.astype(dtype)


def _label_range(a: np.ndarray, b: np.ndarray) -> int:
    """Return ``n`` such that every label value lies in ``[0, n)``."""
    if a.dtype.itemsize == 1 and b.dtype.itemsize == 1 and a.dtype.kind in "bu" and \
            b.dtype.kind in "bu":
        return 2 if a.dtype == bool and b.dtype == bool else 256
    vmax = max(int(a.max()) if a.size else 0, int(b.max()) if b.size else 0)
    return vmax + 1


def _compress(a: np.ndarray, b: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Map the label values present to ``0..k-1``; returns the new maps and the values."""
    if n <= 1 << 24:
        present = (np.bincount(a.ravel(order="K"), minlength=n) > 0) | (
            np.bincount(b.ravel(order="K"), minlength=n) > 0
        )
        values = np.flatnonzero(present)
    else:
        values = np.union1d(np.unique(a), np.unique(b))
    if values[0] != 0:
        values = np.concatenate([[0], values])
    dtype = np.uint16 if values.size <= 65536 else np.int64
    ia = np.searchsorted(values, a).astype(dtype)
    ib = np.searchsorted(values, b).astype(dtype)
    return ia, ib, values


def _boundary_row(a: np.ndarray, b: np.ndarray, spacing: Sequence[float],
                  want: set[str], tolerance: float, hd95: str) -> dict[str, float]:
    """Boundary metrics of two non-empty masks cropped to the bounding box of their union."""
    out: dict[str, float] = {}
    need_voxel = bool(want & _VOXEL_METRICS) or ("hd95" in want and hd95 != "surfel")
    need_surfel = bool(want & _SURFEL_METRICS) or ("hd95" in want and hd95 == "surfel")
    if need_voxel:
        ba, bb = _surf.boundary(a), _surf.boundary(b)
        d_ab = _surf.directed_distances(ba, bb, spacing)
        d_ba = _surf.directed_distances(bb, ba, spacing)
        if "hd" in want:
            out["hd"] = float(max(d_ab.max(), d_ba.max()))
        if "assd" in want:
            out["assd"] = float((d_ab.sum() + d_ba.sum()) / (d_ab.size + d_ba.size))
        if "hd95" in want and hd95 == "directed":
            out["hd95"] = float(max(np.percentile(d_ab, 95), np.percentile(d_ba, 95)))
        elif "hd95" in want and hd95 == "pooled":
            out["hd95"] = float(np.percentile(np.concatenate([d_ab, d_ba]), 95))
    if need_surfel:
        sa, area_a = _surf.surfels(a, spacing)
        sb, area_b = _surf.surfels(b, spacing)
        s_ab = _surf.directed_distances(sa, sb, spacing)
        s_ba = _surf.directed_distances(sb, sa, spacing)
        if "nsd" in want:
            total = area_a.sum() + area_b.sum()
            close = area_a[s_ab <= tolerance].sum() + area_b[s_ba <= tolerance].sum()
            out["nsd"] = float(close / total) if total > 0 else float("nan")
        if "hd95" in want and hd95 == "surfel":
            out["hd95"] = max(_surf.weighted_quantile(s_ab, area_a, 0.95),
                              _surf.weighted_quantile(s_ba, area_b, 0.95))
    return out


def _union_box(boxes: Iterable[tuple[slice, ...] | None]) -> tuple[slice, ...] | None:
    found = [bx for bx in boxes if bx is not None]
    if not found:
        return None
    return tuple(slice(min(bx[i].start for bx in found), max(bx[i].stop for bx in found))
                 for i in range(len(found[0])))


def _objects(x: np.ndarray, n: int) -> list[Any]:
    from scipy import ndimage

    arr = x.view(np.uint8) if x.dtype == bool else x
    return list(ndimage.find_objects(arr, max_label=n - 1)) if n > 1 else []


def score(
    pred: Any,
    ref: Any,
    *,
    labels: Iterable[int] | int | None = None,
    spacing: float | Sequence[float] | None = None,
    metrics: str | Sequence[str] = DEFAULT_METRICS,
    tolerance: float = 1.0,
    hd95: str = "directed",
    empty: float | str = np.nan,
) -> pd.DataFrame:
    r"""Score a predicted segmentation against a reference, one row per label.

    Parameters
    ----------
    pred, ref : array_like, xarray.DataArray, str or os.PathLike
        Two volumes on the same grid (2-D or 3-D): boolean masks (label 1), integer label maps
        (0 = background; ``uint64`` values must stay below ``2**63``), or probability maps
        (one structure each). A floating array whose values are all whole numbers is a label
        map, whatever its range (a float 0/1 mask is label 1, as the same ``uint8`` or bool
        mask); only non-integral values in ``[0, 1]`` make a probability map. Paths are read
        with :func:`load`.
    labels : int or iterable of int, optional
        Labels to score, each listed once. By default every non-zero value found in either
        input (label 1 for boolean and probability maps). Label 0 (background) is scored only
        when listed. With a
        probability map, at most one label may be given: the structure it describes (compared
        with ``ref == label`` when ``ref`` is a label map).
    spacing : float or sequence of float, optional
        Voxel size per axis (mm). For a DataArray, by default per dim: the step of its
        coordinate when uniform (so ``img[::2]``, ``img.transpose("z", "y", "x")`` and slices
        keep true distances); else ``attrs["spacing"]`` (the header zooms :func:`load` writes,
        in ``x, y, z`` order, matched to dims by name; for other dim names used in dim order
        when it has one value per dim); else the norm of the affine's column of that axis.
        Otherwise 1.
    metrics : sequence of str, default ("dice", "iou", "hd95", "assd", "nsd")
        Columns to compute, in order, from ``dice, iou, hd, hd95, assd, nsd, volume_pred,
        volume_ref, volume_diff``.
    tolerance : float, default 1.0
        Distance (mm) within which surfaces count as agreeing, for ``nsd``.
    hd95 : {"directed", "pooled", "surfel"}, default "directed"
        Definition of the 95th-percentile Hausdorff distance (see Notes).
    empty : float or "raise", default nan
        Dice/IoU when both masks of a label are empty; ``"raise"`` raises
        :class:`~shapeoverlap.EmptyUnionError`.

    Returns
    -------
    pandas.DataFrame
        One row per label: a ``label`` column, one column per metric and an ``empty`` column
        (``"none"``, ``"pred"``, ``"ref"`` or ``"both"``: which side has no voxel of the label;
        a probability map counts as empty when no voxel reaches 0.5, the mask its boundary
        metrics use, whichever metrics are asked; its soft Dice/IoU can then be above 0).

    Raises
    ------
    GridMismatchError
        If the shapes differ, two loaded volumes have affines (or two DataArrays voxel
        sizes) further apart than ``AFFINE_ATOL = 1e-3`` (element-wise, mm), or two slices
        were taken at different positions (scalar coordinates such as ``z`` differ). A
        ``ValueError``.
    ValueError
        For unknown metric or ``hd95`` names, an empty ``labels`` list, repeated labels,
        labels that are not non-negative integers (a str is not a list of labels),
        ``uint64`` labels ``>= 2**63``, volumes that are not 2-D or
        3-D (the message names ``pred`` or ``ref`` and its shape), NaN or infinite voxels,
        probabilities outside ``[0, 1]``, non-integer label values, ``spacing <= 0``, a
        negative ``tolerance``, or several labels with a probability map.
    FileFormatError
        If a path is not a readable NIfTI file.

    See Also
    --------
    load : Reads NIfTI volumes with their grid.
    score_cohort : The same table for many cases.
    summarize : Per-label summaries with bootstrap confidence intervals.

    Notes
    -----
    For label :math:`l`, :math:`P = \{pred = l\}` and :math:`R = \{ref = l\}`:

    * ``dice`` :math:`= 2|P \cap R| / (|P| + |R|)`, ``iou`` :math:`= |P \cap R| / |P \cup R|`.
      All labels come from one confusion table (one blocked ``np.bincount`` pass over the
      label pairs). Probability maps give the soft (product) forms
      :math:`2\sum pq / (\sum p + \sum q)` and :math:`\sum pq / (\sum p + \sum q - \sum pq)`.
    * ``volume_pred``, ``volume_ref``: :math:`|P|`, :math:`|R|` (:math:`\sum p` for
      probabilities) times the voxel volume, in mm³.
    * ``volume_diff`` :math:`= |P| - |R|` in mm³ (positive when the prediction is larger).
    * Boundary voxels :math:`\partial P`: voxels of :math:`P` with a face neighbour outside it
      (erosion with the face-connected element; outside the array is background), as MONAI
      and medpy. :math:`d(x, \partial R)` is the Euclidean distance (with ``spacing``) between
      voxel centres. :math:`D_{PR} = \{d(x, \partial R) : x \in \partial P\}`, likewise
      :math:`D_{RP}`. Probability maps are thresholded at :math:`p \ge 0.5`.
    * ``hd`` :math:`= \max(\max D_{PR}, \max D_{RP})`.
    * ``hd95="directed"`` (MONAI): :math:`\max(q_{95}(D_{PR}), q_{95}(D_{RP}))`;
      ``"pooled"`` (medpy): :math:`q_{95}(D_{PR} \cup D_{RP})`; :math:`q_{95}` is numpy's
      linearly interpolated percentile. ``"surfel"`` (DeepMind's surface-distance): as
      ``"directed"`` but over surface elements weighted by their area, the percentile being
      the smallest distance whose area fraction reaches 95 %.
    * ``assd`` :math:`= (\sum D_{PR} + \sum D_{RP}) / (|\partial P| + |\partial R|)`, the
      pooled mean over both boundaries (MONAI's symmetric average surface distance and medpy's
      ``assd``).
    * ``nsd`` (normalised surface distance, surface Dice at ``tolerance`` τ; Nikolov et al.
      2021, DeepMind's definition): surface elements sit at the corners of the voxel grid
      whose 2×2×2 neighbourhood is mixed, each with the area of its marching-cubes triangles
      (Lorensen's cases, complement-symmetric; the areas of DeepMind's lookup table) scaled by
      ``spacing``; with :math:`S_P`, :math:`S_R` the elements,
      :math:`a` their areas and distances taken between element positions,
      :math:`\mathrm{NSD} = (\sum_{s \in S_P, d(s, S_R) \le τ} a_s +
      \sum_{s \in S_R, d(s, S_P) \le τ} a_s) / (\sum_{S_P} a + \sum_{S_R} a)`.

    Empty masks: both empty → ``dice``/``iou`` = ``empty``, distances and ``nsd`` NaN; one side
    empty → ``dice``/``iou`` 0, ``hd``/``hd95``/``assd`` inf, ``nsd`` 0. For a probability map,
    "empty" means no voxel reaches 0.5, while ``dice``/``iou``/volumes stay soft: they are 0
    (or ``empty``) only when all its probabilities are 0. Distances assume the
    voxel axes are orthogonal (any rotation in the affine is fine, shears are not).
    Distance transforms run only inside the bounding box of the two masks of a label.

    References
    ----------
    Nikolov S. et al. (2021), Clinically applicable segmentation of head and neck anatomy for
    radiotherapy, J Med Internet Res 23(7):e26151.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> ref = np.zeros((10, 10, 10), bool); ref[2:6, 2:6, 2:6] = True
    >>> pred = np.roll(ref, 1, axis=0)
    >>> t = so.medical.score(pred, ref, metrics=("dice", "iou", "hd"), spacing=(2, 1, 1))
    >>> t.round(4).to_dict("records")
    [{'label': 1, 'dice': 0.75, 'iou': 0.6, 'hd': 2.0, 'empty': 'none'}]
    """
    metrics, tol, emp, labs = check_options(metrics, hd95, tolerance, empty, labels)
    p, r = _coerce(pred, "pred"), _coerce(ref, "ref")
    sp = _grid(p, r, spacing)
    voxel = float(np.prod(sp))
    want = set(metrics)
    boundary_wanted = bool(want & {"hd", "hd95", "assd", "nsd"})

    # --- classify and count -------------------------------------------------------------
    soft = None
    soft_label = labs[0] if labs else 1
    if p.data.dtype.kind == "f" or r.data.dtype.kind == "f":
        soft = _counts.soft_sums(p.data, r.data, label=soft_label)
        converted = False
        for v, key in ((p, "a"), (r, "b")):
            if v.data.dtype.kind == "f" and _float_kind(
                v, soft[f"min_{key}"], soft[f"max_{key}"]
            ) == "int":
                v.data = _as_labels(v.data)
                converted = True
        if converted:
            soft = (_counts.soft_sums(p.data, r.data, label=soft_label)
                    if "f" in (p.data.dtype.kind, r.data.dtype.kind) else None)
    if soft is not None:
        if labs is not None and len(labs) > 1:
            raise ValueError(
                f"a probability map describes one structure; got labels={labs}: "
                "pass a single label"
            )
        return _score_soft(p, r, soft, soft_label, sp, voxel, metrics, want, tol, hd95, emp,
                           boundary_wanted)
    return _score_labels(p, r, labs, sp, voxel, metrics, want, tol, hd95, emp,
                         boundary_wanted)


def _fill_row(row: dict[str, Any], metrics: Sequence[str], inter: float, size_p: float,
              size_r: float, voxel: float, emp: float | str, side: str) -> None:
    if "dice" in metrics or "iou" in metrics:
        if side == "both" or size_p + size_r <= 0:
            if emp == "raise":
                raise_if_empty(1, f" for label {row['label']}")
            row["dice"] = row["iou"] = float(emp)
        else:
            row["dice"] = 2.0 * inter / (size_p + size_r)
            row["iou"] = inter / (size_p + size_r - inter)
    row["volume_pred"] = size_p * voxel
    row["volume_ref"] = size_r * voxel
    row["volume_diff"] = (size_p - size_r) * voxel


def _fill_empty_boundary(row: dict[str, Any], side: str) -> None:
    if side == "both":
        for m in ("hd", "hd95", "assd", "nsd"):
            row[m] = float("nan")
    else:
        for m in ("hd", "hd95", "assd"):
            row[m] = float("inf")
        row["nsd"] = 0.0


def _table(rows: list[dict[str, Any]], metrics: Sequence[str]) -> pd.DataFrame:
    columns: dict[str, Any] = {"label": np.array([r["label"] for r in rows], dtype=np.int64)}
    for m in metrics:
        columns[m] = np.array([r[m] for r in rows], dtype=np.float64)
    columns["empty"] = np.array([r["empty"] for r in rows], dtype=object)
    return pd.DataFrame(columns)


def _side(n_p: float, n_r: float) -> str:
    if n_p > 0 and n_r > 0:
        return "none"
    if n_p > 0:
        return "ref"
    if n_r > 0:
        return "pred"
    return "both"


def _score_soft(p: _Volume, r: _Volume, soft: dict[str, float], label: int,
                sp: tuple[float, ...], voxel: float, metrics: Sequence[str], want: set[str],
                tol: float, hd95: str, emp: float | str, boundary_wanted: bool) -> pd.DataFrame:
    def crisp(x: np.ndarray) -> np.ndarray:
        if x.dtype.kind == "f":
            return x >= 0.5
        if x.dtype == bool:
            return x
        return x == label

    def occupied(x: np.ndarray, key: str) -> bool:
        if x.dtype.kind == "f":  # the maximum is known: no pass over the voxels
            return soft[f"max_{key}"] >= 0.5
        return bool(np.any(crisp(x)))

    row: dict[str, Any] = {"label": label}
    sa, sb, sab = soft["sum_a"], soft["sum_b"], soft["sum_ab"]
    # ``empty`` describes the masks the boundary metrics use (p >= 0.5), whatever is asked
    side = _side(float(occupied(p.data, "a")), float(occupied(r.data, "b")))
    if sa + sb <= 0:
        _fill_row(row, metrics, 0.0, 0.0, 0.0, voxel, emp, "both")
    else:
        _fill_row(row, metrics, sab, sa, sb, voxel, emp, "none")
    if boundary_wanted:
        if side != "none":
            _fill_empty_boundary(row, side)
        else:
            a, b = crisp(p.data), crisp(r.data)
            box = _union_box([_surf.bounding_box(a), _surf.bounding_box(b)])
            assert box is not None
            row.update(_boundary_row(a[box], b[box], sp, want, tol, hd95))
    row["empty"] = side
    return _table([row], metrics)


def _score_labels(p: _Volume, r: _Volume, labs: list[int] | None, sp: tuple[float, ...],
                  voxel: float, metrics: Sequence[str], want: set[str], tol: float, hd95: str,
                  emp: float | str, boundary_wanted: bool) -> pd.DataFrame:
    a, b = p.data, r.data
    n = _label_range(a, b)
    values = None
    if n > 2048:
        a, b, values = _compress(a, b, n)
        n = values.size
    aa = a.view(np.uint8) if a.dtype == bool else a
    bb = b.view(np.uint8) if b.dtype == bool else b
    if a.dtype == bool and b.dtype == bool:
        na, nb, nab = _counts.binary_counts(a, b)
        total = a.size
        conf = np.array([[total - na - nb + nab, nb - nab], [na - nab, nab]], dtype=np.int64)
    else:
        conf = _counts.confusion(aa, bb, n)
    size_p = conf.sum(axis=1)
    size_r = conf.sum(axis=0)
    inter = np.diagonal(conf)
    codes = np.arange(n) if values is None else values
    if labs is None:
        found = np.flatnonzero((size_p > 0) | (size_r > 0))
        found = found[found > 0]
        if a.dtype == bool and b.dtype == bool:
            found = np.array([1])
        wanted = [int(codes[i]) for i in found]
    else:
        wanted = labs
    lookup = {int(c): i for i, c in enumerate(codes)}
    objs_a = objs_b = None
    if boundary_wanted:
        objs_a, objs_b = _objects(aa, n), _objects(bb, n)
    rows = []
    for lab in wanted:
        i = lookup.get(lab)
        row: dict[str, Any] = {"label": lab}
        if i is None:
            ip = ir = ii = 0
        else:
            ip, ir, ii = int(size_p[i]), int(size_r[i]), int(inter[i])
        side = _side(ip, ir)
        _fill_row(row, metrics, float(ii), float(ip), float(ir), voxel, emp, side)
        if boundary_wanted:
            if side != "none":
                _fill_empty_boundary(row, side)
            else:
                assert i is not None
                assert objs_a is not None
                assert objs_b is not None
                box: tuple[slice, ...] | None = tuple(slice(0, s) for s in a.shape)
                if i > 0:
                    box = _union_box([objs_a[i - 1], objs_b[i - 1]])
                assert box is not None
                row.update(_boundary_row(aa[box] == i, bb[box] == i, sp, want, tol, hd95))
        row["empty"] = side
        rows.append(row)
    return _table(rows, metrics)
