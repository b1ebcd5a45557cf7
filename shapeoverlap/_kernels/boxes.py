"""Axis-aligned box algebra: per-axis extents, the IoU family, its analytic gradient.

Boxes are ``xyxy``: ``(..., 2 d)`` arrays holding the ``d`` lower corners and then the ``d`` upper
corners (``d = 2`` for rectangles, ``d = 3`` for cuboids). Every quantity is built from per-axis
differences of coordinates, so scaling all coordinates by ``s`` scales every length by ``s``
and every ratio is unchanged: no absolute epsilon appears anywhere. Divisions use a "safe"
denominator (1 where the true one is 0) and the caller chooses the value at those positions,
which keeps the forward values and the torch gradients free of accidental NaN.

The elementwise functions take the array namespace ``xp`` (numpy, or an array-API namespace
such as ``array_api_compat.torch``), so one code path serves numpy and torch autograd.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = [
    "FOUR_OVER_PI2",
    "Terms",
    "concat",
    "measure",
    "measure_grad",
    "namespace",
    "pairwise_iou",
    "stop_gradient",
    "terms",
]

FOUR_OVER_PI2 = 4.0 / math.pi**2


def namespace(*xs: Any) -> Any:
    """Array namespace of the operands: numpy for numpy/array-likes, array-API otherwise."""
    if all(isinstance(x, (np.ndarray, np.generic, list, tuple, int, float)) for x in xs):
        return np
    try:
        import array_api_compat
    except ImportError as exc:  # pragma: no cover - depends on the environment
        kinds = ", ".join(sorted({type(x).__name__ for x in xs}))
        raise ImportError(
            f"boxes of type {kinds} need array-api-compat; "
            'pip install "shapeoverlap[torch]" (or pass numpy arrays)'
        ) from exc
    # numpy arrays and plain sequences beside a tensor join the tensor's namespace
    arrays = [x for x in xs if not isinstance(x, (list, tuple, int, float, np.ndarray,
                                                  np.generic))]
    return array_api_compat.array_namespace(*arrays)


def concat(xs: list[Any], xp: Any, axis: int = -1) -> Any:
    """``concat`` of the array API (``concatenate`` in numpy < 2)."""
    fn = getattr(xp, "concat", None) or xp.concatenate
    return fn(xs, axis=axis)


def _atan2(y: Any, x: Any, xp: Any) -> Any:
    fn = getattr(xp, "atan2", None) or xp.arctan2
    return fn(y, x)


def stop_gradient(x: Any) -> Any:
    """Treat ``x`` as a constant for automatic differentiation (no-op for numpy)."""
    detach = getattr(x, "detach", None)
    return detach() if callable(detach) else x


def relu(x: Any, xp: Any) -> Any:
    """``max(x, 0)`` (``clamp`` on torch tensors, whose ``maximum`` wants two tensors)."""
    clamp = getattr(x, "clamp", None)
    if callable(clamp):
        return clamp(min=0)
    return xp.maximum(x, 0)


def columns(x: Any, xp: Any) -> list[Any]:
    """Split the last axis of ``x`` into contiguous arrays (one copy; fast elementwise ops)."""
    unbind = getattr(x, "unbind", None)
    if callable(unbind):
        # torch: strided views; their backward is one stack (no per-column zero-filled grads)
        return list(unbind(-1))
    else:
        t = np.ascontiguousarray(np.moveaxis(np.asarray(x), -1, 0))
    return [t[k] for k in range(t.shape[0])]


def _prod(cols: list[Any]) -> Any:
    out = cols[0]
    for c in cols[1:]:
        out = out * c
    return out


class Terms:
    """Per-pair quantities of two xyxy boxes (batch shapes broadcast).

    Attributes hold the per-axis columns (lists of arrays, one per axis) and the products.
    """

    def __init__(self, a: Any, b: Any, xp: Any, geometry: bool | str = True) -> None:
        # geometry: True (everything), False (IoU only) or the score it is needed for.
        want_hull = geometry is True or geometry == "giou"
        want_dist = geometry is True or geometry in ("diou", "ciou")
        d = a.shape[-1] // 2
        self.d = d
        ca, cb = columns(a, xp), columns(b, xp)
        self.lo_a, self.hi_a = ca[:d], ca[d:]
        self.lo_b, self.hi_b = cb[:d], cb[d:]
        self.w_a = [h - lo for lo, h in zip(self.lo_a, self.hi_a, strict=True)]
        self.w_b = [h - lo for lo, h in zip(self.lo_b, self.hi_b, strict=True)]
        # min(ha, hb) − max(la, lb) = (wa + wb − |ha − hb| − |la − lb|) / 2 and the hull extent
        # max(ha, hb) − min(la, lb) = (wa + wb + |ha − hb| + |la − lb|) / 2: no min/max, whose
        # autograd backward costs several passes; |·| splits a tie's gradient equally.
        spans = [wa + wb for wa, wb in zip(self.w_a, self.w_b, strict=True)]
        gaps = [
            xp.abs(ha - hb) + xp.abs(la - lb)
            for la, ha, lb, hb in zip(self.lo_a, self.hi_a, self.lo_b, self.hi_b, strict=True)
        ]
        self.ov_raw = [(sp - g) / 2 for sp, g in zip(spans, gaps, strict=True)]
        self.ov = [relu(o, xp) for o in self.ov_raw]
        self.inter = _prod(self.ov)
        self.vol_a = _prod(self.w_a)
        self.vol_b = _prod(self.w_b)
        self.union = self.vol_a + self.vol_b - self.inter
        self.ok = self.union > 0
        # Where every union is non-empty (the usual case) no denominator can vanish: the hull
        # holds the union and its diagonal is positive. Otherwise divisions use safe values.
        self.all_ok = bool(xp.all(self.ok))
        self.union_safe = self._safe(self.union, self.ok, xp)
        self.iou = self.inter / self.union_safe
        if want_hull or want_dist:
            self.hull_k = [(sp + g) / 2 for sp, g in zip(spans, gaps, strict=True)]
        if want_hull:
            self.hull = _prod(self.hull_k)
            self.hull_safe = self._safe(self.hull, self.hull > 0, xp)
        if want_dist:
            # twice the centre offsets: (lo_a + hi_a) - (lo_b + hi_b)
            self.sc = [
                (la + ha) - (lb + hb)
                for la, ha, lb, hb in zip(
                    self.lo_a, self.hi_a, self.lo_b, self.hi_b, strict=True
                )
            ]
            self.rho2 = _sum([c * c for c in self.sc]) / 4
            self.diag2 = _sum([h * h for h in self.hull_k])
            self.diag2_safe = self._safe(self.diag2, self.diag2 > 0, xp)

    def _safe(self, den: Any, ok: Any, xp: Any) -> Any:
        if self.all_ok:
            return den
        return xp.where(ok, den, xp.ones_like(den))


def _sum(cols: list[Any]) -> Any:
    out = cols[0]
    for c in cols[1:]:
        out = out + c
    return out


def terms(a: Any, b: Any, xp: Any, geometry: bool | str = True) -> Terms:
    """Compute :class:`Terms` for xyxy boxes ``a`` and ``b``."""
    return Terms(a, b, xp, geometry)


def faces(d: int) -> list[tuple[int, int]]:
    """Axis pairs ``(i, j)``, ``i < j``, whose side ratios enter CIoU's aspect term."""
    return [(i, j) for i in range(d) for j in range(i + 1, d)]


def _aspect(t: Terms, xp: Any) -> tuple[Any, list[Any]]:
    """CIoU's aspect term ``v`` and, per face ``(i, j)``, ``atan(wb_i/wb_j) − atan(wa_i/wa_j)``.

    Each difference is one ``atan2`` of the rotation taking ``(wa_j, wa_i)`` to
    ``(wb_j, wb_i)`` (exact for sizes >= 0). ``v`` is ``4/π²`` times the mean of the squared
    differences over the faces: the one face ``(w, h)`` of a rectangle, the three faces
    ``(w, h)``, ``(w, d)``, ``(h, d)`` of a cuboid. A face with both sides zero in either box
    has no aspect ratio: its difference is 0 there, with a zero gradient.
    """
    diffs = []
    for i, j in faces(t.d):
        wa, ha = t.w_a[i], t.w_a[j]
        wb, hb = t.w_b[i], t.w_b[j]
        y = wb * ha - hb * wa
        x = hb * ha + wb * wa
        if math.prod(x.shape) and bool(xp.min(x) == 0):  # x >= 0
            point = (x == 0) & (y == 0)
            x = xp.where(point, xp.ones_like(x), x)
        diffs.append(_atan2(y, x, xp))
    v = _sum([df * df for df in diffs])
    scale = FOUR_OVER_PI2 / len(diffs)
    return scale * v, diffs


def ciou_alpha(t: Terms, v: Any, xp: Any) -> Any:
    """CIoU's trade-off ``α = v / (1 − IoU + v)``; its continuous limit 0 where ``v = 0``."""
    den = (1 - t.iou) + v  # >= 0; 0 only where IoU = 1 and v = 0
    if bool(xp.min(den) > 0) if math.prod(den.shape) else True:
        return v / den
    ok = den > 0
    return xp.where(ok, v / xp.where(ok, den, xp.ones_like(den)), xp.zeros_like(den))


def measure(kind: str, t: Terms, xp: Any, *, constant_alpha: bool = False) -> Any:
    """Compute the score ``kind`` (iou, giou, diou, ciou) where the union is non-empty.

    Positions with an empty union hold arbitrary finite values; the caller replaces them.
    """
    if kind == "iou":
        return t.iou
    if kind == "giou":
        return t.iou - (t.hull - t.union) / t.hull_safe
    out = t.iou - t.rho2 / t.diag2_safe
    if kind == "diou":
        return out
    v, _ = _aspect(t, xp)
    if constant_alpha:
        with _no_grad(v):
            alpha = ciou_alpha(t, stop_gradient(v), xp)
        alpha = stop_gradient(alpha)
    else:
        alpha = ciou_alpha(t, v, xp)
    return out - alpha * v


def _no_grad(x: Any) -> Any:
    """``torch.no_grad()`` for tensors, a no-op context otherwise."""
    if hasattr(x, "requires_grad"):
        import torch

        return torch.no_grad()
    import contextlib

    return contextlib.nullcontext()


def _others(cols: list[np.ndarray]) -> list[Any]:
    """``prod(cols[j] for j != k)`` for every ``k``."""
    if len(cols) == 2:
        return [cols[1], cols[0]]
    return [_prod([c for j, c in enumerate(cols) if j != k]) for k in range(len(cols))]


def measure_grad(kind: str, t: Terms) -> tuple[np.ndarray, np.ndarray]:
    """Analytic gradient of the score ``kind`` with respect to both xyxy boxes (numpy).

    CIoU's α is held constant (as in Zheng et al. 2020). Ties of ``min``/``max`` (equal
    edges) share the subgradient equally, as the ``|·|`` form of the extents does. Positions
    with an empty union get a zero gradient.

    Returns
    -------
    grad_a, grad_b : numpy.ndarray
        Arrays of the broadcast batch shape plus ``(2 d,)``.

    Notes
    -----
    Per axis, ``ov = (span − gap) / 2`` and ``hull = (span + gap) / 2`` with
    ``span = w_a + w_b`` and ``gap = |hi_a − hi_b| + |lo_a − lo_b|``; the score depends on the
    coordinates through ``w_a``, ``w_b``, ``gap`` and the centre offsets only.
    """
    d = t.d
    inter, union = t.inter, t.union_safe
    u2 = union * union
    g_inter = (union + inter) / u2
    g_va = -inter / u2
    g_vb = g_va
    g_hull = g_diag2 = g_rho2 = None
    g_th: list[Any] | None = None
    if kind == "giou":
        inv_h = 1 / t.hull_safe
        g_inter = g_inter - inv_h
        g_va = g_vb = g_va + inv_h
        g_hull = -t.union * inv_h * inv_h
    elif kind in ("diou", "ciou"):
        g_rho2 = -1 / t.diag2_safe
        g_diag2 = t.rho2 / (t.diag2_safe * t.diag2_safe)
        if kind == "ciou":
            v, diffs = _aspect(t, np)
            # d(−α v)/dθ_a per face with v = K mean_f (θ_b,f − θ_a,f)²; θ_f = atan2(w_i, w_j)
            g_alpha = 2 * FOUR_OVER_PI2 / len(diffs) * ciou_alpha(t, v, np)
            g_th = [g_alpha * df for df in diffs]
    ov_others = _others(t.ov)
    wa_others = _others(t.w_a)
    wb_others = _others(t.w_b)
    hull_others = _others(t.hull_k) if g_hull is not None else None
    shape = (*np.shape(g_inter), 2 * d)
    grad_a = np.empty(shape, dtype=np.result_type(g_inter))
    grad_b = np.empty_like(grad_a)
    # gradient of the aspect term on each box's widths, accumulated per axis
    th_a: list[Any] = [0.0] * d
    th_b: list[Any] = [0.0] * d
    if g_th is not None:
        for (i, j), g in zip(faces(d), g_th, strict=True):
            # θ = atan2(w_i, w_j): dθ/dw_i = w_j / r, dθ/dw_j = −w_i / r, r = w_i² + w_j²
            for ws, th, sign in ((t.w_a, th_a, 1.0), (t.w_b, th_b, -1.0)):
                wi, wj = ws[i], ws[j]
                r = wi * wi + wj * wj
                r = np.where(r > 0, r, 1.0)
                gr = sign * g / r
                th[i] = th[i] + gr * wj
                th[j] = th[j] - gr * wi
    for k in range(d):
        # at ov = 0 (touching, or a collapsed box inside the other) the slope of growing
        # into overlap, as torch's clamp gives: a box that could start to overlap gets a signal
        g_ov = np.where(t.ov_raw[k] >= 0, g_inter * ov_others[k], 0.0)
        g_h = 0.0
        if hull_others is not None and g_hull is not None:
            g_h = g_hull * hull_others[k]
        if g_diag2 is not None:
            g_h = g_h + 2 * g_diag2 * t.hull_k[k]
        g_span = (g_ov + g_h) / 2
        g_gap = (g_h - g_ov) / 2
        g_wa = g_va * wa_others[k] + g_span
        g_wb = g_vb * wb_others[k] + g_span
        if g_th is not None:
            g_wa = g_wa + th_a[k]
            g_wb = g_wb + th_b[k]
        sh = np.sign(t.hi_a[k] - t.hi_b[k]) * g_gap
        sl = np.sign(t.lo_a[k] - t.lo_b[k]) * g_gap
        g_sc = g_rho2 * t.sc[k] / 2 if g_rho2 is not None else 0.0
        grad_a[..., d + k] = g_wa + sh + g_sc
        grad_a[..., k] = sl - g_wa + g_sc
        grad_b[..., d + k] = g_wb - sh - g_sc
        grad_b[..., k] = -g_wb - sl - g_sc
    if not t.all_ok:
        grad_a[~t.ok] = 0.0
        grad_b[~t.ok] = 0.0
    return grad_a, grad_b


def pairwise_iou(a: np.ndarray, b: np.ndarray, block: int = 1 << 15) -> np.ndarray:
    """All-pairs IoU ``(N, M)`` of xyxy boxes; NaN where both boxes have zero measure.

    Per-axis kernel: one ``(rows, M)`` block at a time (small enough to stay in cache), each
    step an in-place ufunc with ``out=``. ``a`` and ``b`` share one floating dtype.
    """
    n, m = a.shape[0], b.shape[0]
    d = a.shape[1] // 2
    dtype = a.dtype
    out = np.empty((n, m), dtype=dtype)
    if n == 0 or m == 0:
        return out
    area_a = _prod([a[:, d + k] - a[:, k] for k in range(d)])
    area_b = _prod([b[:, d + k] - b[:, k] for k in range(d)])
    lo_b = [np.ascontiguousarray(b[:, k]) for k in range(d)]
    hi_b = [np.ascontiguousarray(b[:, d + k]) for k in range(d)]
    rows = max(1, block // m)
    buf_i = np.empty((rows, m), dtype=dtype)
    buf_t = np.empty((rows, m), dtype=dtype)
    buf_u = np.empty((rows, m), dtype=dtype)
    with np.errstate(invalid="ignore", divide="ignore"):
        for i0 in range(0, n, rows):
            i1 = min(n, i0 + rows)
            r = i1 - i0
            inter, tmp, uni = buf_i[:r], buf_t[:r], buf_u[:r]
            for k in range(d):
                target = inter if k == 0 else uni
                np.minimum(a[i0:i1, d + k, None], hi_b[k], out=target)
                np.maximum(a[i0:i1, k, None], lo_b[k], out=tmp)
                np.subtract(target, tmp, out=target)
                np.maximum(target, 0, out=target)
                if k:
                    np.multiply(inter, target, out=inter)
            np.add(area_a[i0:i1, None], area_b, out=uni)
            np.subtract(uni, inter, out=uni)
            np.divide(inter, uni, out=out[i0:i1])
    return out
