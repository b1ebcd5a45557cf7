"""Numpy kernels for masks on grids: sums over reduced axes, profiles, hulls, centroids.

Everything here takes plain numpy arrays (one dask block at a time when called through
``map_blocks``) and returns float64 arrays. Reductions keep the reduced axes as length-1 axes
(``keepdims``) so the same kernel serves whole arrays and dask blocks.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["arc_box", "centroid_distance", "check_values", "profiles", "sums"]

# Elements per block in the streaming kernels: two float64 buffers of this size stay in L2.
_BLOCK = 1 << 16


def check_values(x: np.ndarray, name: str, skipna: bool) -> None:
    """Raise ValueError unless ``x`` holds a valid mask (bool, 0/1 integers, or [0, 1] floats)."""
    if x.dtype == bool or x.size == 0:
        return
    if np.issubdtype(x.dtype, np.integer):
        bad = np.count_nonzero((x != 0) & (x != 1))
        if bad:
            vals = np.unique(x[(x != 0) & (x != 1)])[:5].tolist()
            raise ValueError(
                f"{name} is an integer array with values other than 0 and 1 ({bad} cells, e.g. "
                f"{vals}); pass a boolean mask, e.g. {name} == label"
            )
        return
    nan = np.isnan(x)
    n_nan = int(np.count_nonzero(nan))
    if n_nan and not skipna:
        raise ValueError(
            f"{name} contains NaN in {n_nan} cells; pass skipna=True to ignore those cells"
        )
    vals = x[~nan] if n_nan else x
    if vals.size and (vals.min() < 0 or vals.max() > 1):
        raise ValueError(
            f"{name} is a probabilistic mask but has values outside [0, 1] "
            f"(min {float(vals.min())!r}, max {float(vals.max())!r}); rescale it or threshold it"
        )


def _block_check(p: np.ndarray, name: str) -> None:
    mn, mx = p.min(), p.max()
    if not (mn >= 0 and mx <= 1):  # NaN fails both comparisons
        check_values(p, name, skipna=False)


def _flat_pair(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flatten two same-shape arrays in one element order, without copies when possible."""
    if a.strides == b.strides and (a.flags.c_contiguous or a.flags.f_contiguous):
        return a.ravel(order="K"), b.ravel(order="K")
    return a.ravel(order="C"), b.ravel(order="C")


def _crisp_all(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """(|a∩b|, |a|, |b|) of two boolean arrays, streamed in cache-sized blocks."""
    a, b = _flat_pair(a, b)
    buf = np.empty(min(a.size, 4 * _BLOCK), dtype=bool)
    inter = 0
    step = buf.size or 1
    for i in range(0, a.size, step):
        j = min(i + step, a.size)
        out = buf[: j - i]
        np.logical_and(a[i:j], b[i:j], out=out)
        inter += np.count_nonzero(out)
    return float(inter), float(np.count_nonzero(a)), float(np.count_nonzero(b))


def _soft_all(p: np.ndarray, q: np.ndarray, soft: str) -> tuple[float, float, float, float]:
    """Soft sums of two [0, 1] arrays: float64 accumulation of blocked partial sums."""
    p, q = _flat_pair(p, q)
    n = p.size
    size = min(n, _BLOCK) or 1
    bp = np.empty(size)
    bq = np.empty(size)
    tmp = np.empty(size)
    inter: list[float] = []
    sa: list[float] = []
    sb: list[float] = []
    for i in range(0, n, size):
        j = min(i + size, n)
        x, y, t = bp[: j - i], bq[: j - i], tmp[: j - i]
        # check in the input dtype (float32 halves the bytes), then widen for the sums
        _block_check(p[i:j], "a")
        _block_check(q[i:j], "b")
        np.copyto(x, p[i:j])
        np.copyto(y, q[i:j])
        if soft == "product":
            inter.append(float(np.dot(x, y)))
        else:
            np.minimum(x, y, out=t)
            inter.append(float(t.sum()))
        sa.append(float(x.sum()))
        sb.append(float(y.sum()))
    i_, a_, b_ = math.fsum(inter), math.fsum(sa), math.fsum(sb)
    return i_, a_, b_, a_ + b_ - i_


def sums(
    a: np.ndarray,
    b: np.ndarray,
    w: np.ndarray | None,
    *,
    axis: tuple[int, ...],
    soft: str | None,
    skipna: bool = False,
) -> np.ndarray:
    """Intersection, size of a, size of b and union, reduced over ``axis`` with keepdims.

    Parameters
    ----------
    a, b : numpy.ndarray
        Masks of one shape: boolean when ``soft`` is None, else floats in [0, 1].
    w : numpy.ndarray or None
        Cell measure broadcastable to ``a`` (None = 1).
    axis : tuple of int
        Axes reduced (non-negative).
    soft : {"product", "minmax"} or None
        Soft form; None for crisp masks.
    skipna : bool
        Drop cells where either operand is NaN (soft only).

    Returns
    -------
    numpy.ndarray
        Shape ``(4, *a.shape)`` with the reduced axes of length 1: intersection, size_a,
        size_b, union (float64).
    """
    out_shape = (4, *(1 if i in axis else s for i, s in enumerate(a.shape)))
    if w is None and len(axis) == a.ndim and not skipna:
        if soft is None:
            inter, na, nb = _crisp_all(a, b)
            vals = (inter, na, nb, na + nb - inter)
        else:
            vals = _soft_all(a, b, soft)
        return np.array(vals, dtype=np.float64).reshape(out_shape)
    if soft is None:
        both = a & b
        if w is None:
            inter = np.count_nonzero(both, axis=axis, keepdims=True)
            na = np.count_nonzero(a, axis=axis, keepdims=True)
            nb = np.count_nonzero(b, axis=axis, keepdims=True)
        else:
            wf = np.broadcast_to(np.asarray(w, dtype=np.float64), a.shape)
            inter = np.sum(wf, axis=axis, where=both, keepdims=True)
            na = np.sum(wf, axis=axis, where=a, keepdims=True)
            nb = np.sum(wf, axis=axis, where=b, keepdims=True)
        res = np.stack(np.broadcast_arrays(inter, na, nb)).astype(np.float64)
    else:
        p = np.asarray(a, dtype=np.float64)
        q = np.asarray(b, dtype=np.float64)
        if skipna:
            valid = ~(np.isnan(p) | np.isnan(q))
            p = np.where(valid, p, 0.0)
            q = np.where(valid, q, 0.0)
        check_values(p, "a", skipna=False)
        check_values(q, "b", skipna=False)
        if w is not None:
            wf = np.asarray(w, dtype=np.float64)
            pw = p * wf
            qw = np.broadcast_to(q * wf, pw.shape)
        else:
            pw, qw = p, q
        inter_t = pw * q if soft == "product" else np.minimum(pw, qw)
        inter = np.sum(inter_t, axis=axis, keepdims=True)
        na = np.sum(pw, axis=axis, keepdims=True)
        nb = np.sum(qw, axis=axis, keepdims=True)
        res = np.stack(np.broadcast_arrays(inter, na, nb))
    union = res[1] + res[2] - res[0]
    return np.concatenate([res, union[None]]).reshape(out_shape)


def profiles(
    a: np.ndarray,
    b: np.ndarray,
    w: np.ndarray | None,
    *,
    axis: tuple[int, ...],
    keep: int,
    soft: str | None,
    skipna: bool = False,
) -> np.ndarray:
    """Mass of a, mass of b and union support along axis ``keep``, summed over the others.

    Returns an array of shape ``(3, *a.shape)`` with the axes in ``axis`` other than ``keep``
    reduced to length 1.
    """
    red = tuple(i for i in axis if i != keep)
    if soft is None:
        pa = a.astype(np.float64)
        pb = b.astype(np.float64)
        support = (a | b).astype(np.float64)
    else:
        pa = np.asarray(a, dtype=np.float64)
        pb = np.asarray(b, dtype=np.float64)
        if skipna:
            valid = ~(np.isnan(pa) | np.isnan(pb))
            pa = np.where(valid, pa, 0.0)
            pb = np.where(valid, pb, 0.0)
        support = ((pa > 0) | (pb > 0)).astype(np.float64)
    if w is not None:
        pa = pa * w
        pb = pb * w
    ma = np.sum(pa, axis=red, keepdims=True)
    mb = np.sum(pb, axis=red, keepdims=True)
    sup = np.sum(support, axis=red, keepdims=True)
    return np.stack(np.broadcast_arrays(ma, mb, sup))


def arc_box(
    occupied: np.ndarray, widths: np.ndarray, period: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """Hull of the occupied cells along the last axis: its extent and which cells it holds.

    Parameters
    ----------
    occupied : numpy.ndarray of bool
        ``(..., n)``: cells holding part of the union.
    widths : numpy.ndarray
        ``(n,)`` cell widths; cells are contiguous, cell ``i`` spans ``[e_i, e_i + w_i)``.
    period : float or None
        Period of the axis; the hull is then the shortest arc holding every occupied cell
        (the complement of the largest circular gap, the uncovered part of the circle
        ``period - sum(widths)`` lying between the last and the first cell).

    Returns
    -------
    extent : numpy.ndarray
        ``(...)`` length of the hull (0 where nothing is occupied).
    box : numpy.ndarray of bool
        ``(..., n)`` cells inside the hull.
    """
    n = occupied.shape[-1]
    if n == 0:  # an axis of length 0 holds nothing
        return np.zeros(occupied.shape[:-1]), np.zeros(occupied.shape, dtype=bool)
    idx = np.arange(n)
    edges = np.concatenate([[0.0], np.cumsum(widths, dtype=np.float64)])
    any_occ = np.asarray(occupied.any(axis=-1))
    first = np.argmax(occupied, axis=-1)
    last = n - 1 - np.argmax(occupied[..., ::-1], axis=-1)
    if period is None:
        extent = np.where(any_occ, edges[last + 1] - edges[first], 0.0)
        box = (idx >= first[..., None]) & (idx <= last[..., None]) & any_occ[..., None]
        return extent, box
    # previous occupied cell before each cell (-1 if none), by a running maximum of indices
    marked = np.where(occupied, idx, -1)
    prev = np.maximum.accumulate(marked, axis=-1)
    prev = np.concatenate([np.full((*prev.shape[:-1], 1), -1), prev[..., :-1]], axis=-1)
    lo = edges[:-1]
    hi = edges[1:]
    wrap_gap = lo + (period - hi[last])[..., None]  # gap back to the last occupied cell
    gap = np.where(prev >= 0, lo - hi[np.maximum(prev, 0)], wrap_gap)
    gap = np.where(occupied, gap, -np.inf)
    start = np.argmax(gap, axis=-1)
    largest = np.take_along_axis(gap, start[..., None], axis=-1)[..., 0]
    end = np.take_along_axis(prev, start[..., None], axis=-1)[..., 0]
    end = np.where(end >= 0, end, last)
    extent = np.where(any_occ, period - largest, 0.0)
    span = (end - start) % n
    box = ((idx - start[..., None]) % n <= span[..., None]) & any_occ[..., None]
    return extent, box


def centroid_distance(
    mass_a: np.ndarray, mass_b: np.ndarray, widths: np.ndarray, period: float | None
) -> np.ndarray:
    """Distance along the last axis between the mass-weighted centres of two profiles.

    Cell centres are ``e_i + w_i / 2`` in the unrolled cell coordinate. On a periodic axis the
    centres are circular means and the distance is wrapped to at most ``period / 2``. Where a
    profile is empty, or spread so evenly around the circle that its circular mean is
    undefined, the distance is 0.
    """
    edges = np.concatenate([[0.0], np.cumsum(widths, dtype=np.float64)])
    x = edges[:-1] + 0.5 * np.asarray(widths, dtype=np.float64)
    ta = mass_a.sum(axis=-1)
    tb = mass_b.sum(axis=-1)
    ok = (ta > 0) & (tb > 0)
    if period is None:
        ca = (mass_a @ x) / np.where(ta > 0, ta, 1.0)
        cb = (mass_b @ x) / np.where(tb > 0, tb, 1.0)
        return np.where(ok, np.abs(ca - cb), 0.0)
    theta = 2 * np.pi * x / period
    cos, sin = np.cos(theta), np.sin(theta)
    ra = np.hypot(mass_a @ cos, mass_a @ sin)
    rb = np.hypot(mass_b @ cos, mass_b @ sin)
    ang_a = np.arctan2(mass_a @ sin, mass_a @ cos)
    ang_b = np.arctan2(mass_b @ sin, mass_b @ cos)
    d = np.abs(np.remainder(ang_a - ang_b + np.pi, 2 * np.pi) - np.pi) * period / (2 * np.pi)
    defined = ok & (ra > 1e-12 * ta) & (rb > 1e-12 * tb)
    return np.where(defined, d, 0.0)
