"""Compiled kernels (numba, optional): one fused loop where NumPy makes several passes.

Each getter returns the compiled function, or ``None`` when numba is not installed (or
cannot be imported with this NumPy), or when ``SHAPEOVERLAP_JIT=0`` is set; callers then
take their NumPy path, which gives the same numbers bit for bit. Install numba with
``pip install "shapeoverlap[fast]"``.

numba is imported, and a kernel compiled, on first use only: importing shapeoverlap stays
quick. Compiled code is cached on disk where numba finds a writable place, so later
processes load it instead of compiling again. Kernels release the GIL, so callers may run
them from several threads on disjoint rows.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np


def _compile(fn: Callable[..., Any]) -> Callable[..., Any] | None:
    if os.environ.get("SHAPEOVERLAP_JIT", "1").strip() == "0":
        return None
    try:
        import numba
    except Exception:  # not installed, or built for another NumPy
        return None
    # error_model="numpy": x / 0 gives inf or nan as in NumPy instead of raising
    try:
        return numba.njit(fn, cache=True, nogil=True, error_model="numpy")
    except RuntimeError:  # no writable cache location: compile in every process
        return numba.njit(fn, nogil=True, error_model="numpy")


def _tiou_rows(
    sa: np.ndarray, ea: np.ndarray, la: np.ndarray,
    sb: np.ndarray, eb: np.ndarray, lb: np.ndarray,
    i0: int, i1: int, out: np.ndarray,
) -> None:  # pragma: no cover - runs compiled
    # The same operations, in the same order, as the NumPy blocks of tiou_matrix:
    # inter = max(min(e_a, e_b) - max(s_a, s_b), 0); tIoU = inter / ((l_a + l_b) - inter).
    m = sb.shape[0]
    for i in range(i0, i1):
        s = sa[i]
        e = ea[i]
        length = la[i]
        row = out[i]
        for j in range(m):
            inter = min(e, eb[j]) - max(s, sb[j])
            if inter < 0.0:
                inter = 0.0
            row[j] = inter / ((length + lb[j]) - inter)


@cache
def tiou_rows() -> Callable[..., None] | None:
    """All-pairs tIoU of rows ``i0:i1`` of ``a`` against ``b``, written into ``out``.

    Arguments ``(sa, ea, la, sb, eb, lb, i0, i1, out)``: float64 starts, ends and lengths
    of both lists, and a C-contiguous float64 ``(len(a), len(b))`` output. Two zero-length
    events give ``0/0 = nan``, which the caller replaces.
    """
    return _compile(_tiou_rows)
