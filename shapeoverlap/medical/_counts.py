"""One-pass counting kernels: label confusion tables, binary counts and soft sums.

Every kernel walks both volumes once, block by block in their common memory order (nibabel's
arrays are Fortran-ordered; no copy is made when both operands share a layout), so the
temporaries stay in cache.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["binary_counts", "confusion", "flat_pair", "soft_sums"]

_BLOCK = 1 << 16


def flat_pair(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """1-D views of ``a`` and ``b`` in one common memory order (copies only when needed)."""
    if a.flags.f_contiguous and b.flags.f_contiguous and not (
        a.flags.c_contiguous and b.flags.c_contiguous
    ):
        return a.ravel(order="F"), b.ravel(order="F")
    return np.ascontiguousarray(a).ravel(), np.ascontiguousarray(b).ravel()


def confusion(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """``(n, n)`` table ``C[i, j] = count(a == i and b == j)`` for labels in ``[0, n)``.

    One blocked pass: the joint index ``a * n + b`` is formed per block in an ``intp`` buffer
    and counted with ``np.bincount``.
    """
    fa, fb = flat_pair(a, b)
    out = np.zeros(n * n, dtype=np.int64)
    buf = np.empty(min(_BLOCK, fa.size), dtype=np.intp)
    for i in range(0, fa.size, _BLOCK):
        x = fa[i:i + _BLOCK]
        bb = buf[: x.size]
        np.multiply(x, np.intp(n), out=bb, casting="unsafe")
        bb += fb[i:i + _BLOCK]
        out += np.bincount(bb, minlength=n * n)
    return out.reshape(n, n)


def binary_counts(a: np.ndarray, b: np.ndarray) -> tuple[int, int, int]:
    """``(count(a), count(b), count(a & b))`` for two boolean masks, in one blocked pass."""
    fa, fb = flat_pair(a, b)
    na = nb = nab = 0
    buf = np.empty(min(_BLOCK, fa.size), dtype=bool)
    for i in range(0, fa.size, _BLOCK):
        x = fa[i:i + _BLOCK]
        y = fb[i:i + _BLOCK]
        na += int(np.count_nonzero(x))
        nb += int(np.count_nonzero(y))
        nab += int(np.count_nonzero(np.logical_and(x, y, out=buf[: x.size])))
    return na, nb, nab


_ROW = 4096


def _dot(x: np.ndarray, y: np.ndarray) -> float:
    """Dot product as float64 partials over rows of 4096 (float32 alone drifts by ~1e-6)."""
    k = x.size // _ROW * _ROW
    rows = _vecdot(x[:k].reshape(-1, _ROW), y[:k].reshape(-1, _ROW))
    return float(rows.sum(dtype=np.float64)) + float(np.dot(x[k:], y[k:]))


def _vecdot(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    if hasattr(np, "vecdot"):
        return np.vecdot(x, y)
    return np.einsum("ij,ij->i", x, y)  # pragma: no cover - numpy < 2


def _as_float(block: np.ndarray, label: Any, dtype: np.dtype) -> np.ndarray:
    if block.dtype == bool:
        return block.view(np.uint8).astype(dtype)
    if block.dtype.kind in "iu":
        return (block == label).view(np.uint8).astype(dtype)
    return block.astype(dtype, copy=False)


def soft_sums(a: np.ndarray, b: np.ndarray, label: Any = 1) -> dict[str, float]:
    """``Σa``, ``Σb``, ``Σab`` and the minimum/maximum of each, in one blocked pass.

    A floating operand is used as is (probabilities); a boolean one as 0/1; an integer one
    as ``(x == label)``. Block sums (pairwise in the input precision, 65 536 elements; products
    in rows of 4096) are accumulated in float64; a NaN anywhere shows in the minimum.
    """
    fa, fb = flat_pair(a, b)
    floats = [x.dtype for x in (fa, fb) if x.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.dtype(np.float64)
    sa = sb = sab = 0.0
    amin = bmin = np.inf
    amax = bmax = -np.inf
    # inf * 0 in the products gives NaN; the caller reports infinite voxels from the extremes
    with np.errstate(invalid="ignore"):
        for i in range(0, fa.size, _BLOCK):
            x = _as_float(fa[i:i + _BLOCK], label, dtype)
            y = _as_float(fb[i:i + _BLOCK], label, dtype)
            sa += float(np.add.reduce(x))
            sb += float(np.add.reduce(y))
            sab += _dot(x, y)
            # np.minimum/np.maximum propagate NaN (Python's min/max would drop it)
            amin = np.minimum(amin, np.minimum.reduce(x))
            amax = np.maximum(amax, np.maximum.reduce(x))
            bmin = np.minimum(bmin, np.minimum.reduce(y))
            bmax = np.maximum(bmax, np.maximum.reduce(y))
    return {"sum_a": sa, "sum_b": sb, "sum_ab": sab, "min_a": float(amin),
            "max_a": float(amax), "min_b": float(bmin), "max_b": float(bmax)}
