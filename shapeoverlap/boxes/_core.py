"""Axis-aligned and rotated boxes: scores, losses, coding, assignment, NMS.

See :mod:`shapeoverlap.boxes` for the conventions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from .._kernels import boxes as _kb
from .._kernels import rotated as _kr
from .._validate import check_choice, check_empty, raise_if_empty
from ..stats import OverlapStats

__all__ = [
    "assign",
    "ciou",
    "convert",
    "convert_angle",
    "decode",
    "dice",
    "diou",
    "encode",
    "giou",
    "iou",
    "iou_aware_score",
    "loss",
    "loss_grad",
    "nms",
    "overlap",
    "pairwise_ciou",
    "pairwise_diou",
    "pairwise_giou",
    "pairwise_iou",
    "pairwise_rotated_iou",
    "rotated_iou",
    "rotated_nms",
]

Fmt = Literal["xyxy", "xywh", "cxcywh"]
Kind = Literal["iou", "giou", "diou", "ciou"]
Reduction = Literal["mean", "sum", "none"]
FMTS = ("xyxy", "xywh", "cxcywh")
KINDS = ("iou", "giou", "diou", "ciou")
REDUCTIONS = ("mean", "sum", "none")
ANGLE_CONVENTIONS = ("rad", "deg", "opencv", "le90", "le135")


# --------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------


def _is_numpy(xp: Any) -> bool:
    return xp is np


def _to_numpy(x: Any) -> np.ndarray:
    """Return a numpy copy of any array (for error messages and index bookkeeping)."""
    device = getattr(x, "device", None)
    if getattr(device, "type", None) == "meta":
        raise ValueError("a tensor on the meta device holds no values to compute with")
    if hasattr(x, "detach"):
        x = x.detach()
    if hasattr(x, "cpu"):
        x = x.cpu()
    if str(getattr(x, "dtype", "")) == "torch.bfloat16":  # numpy has no bfloat16
        x = x.float()
    return np.asarray(x)


def _namespace(**operands: Any) -> tuple[Any, Any]:
    """Array namespace and device of the named operands (device ``None`` for numpy).

    Tensors on two devices are refused here, by name, rather than deep inside the kernel;
    numpy arrays and plain sequences beside a tensor are later placed on its device.
    """
    operands = {name: x for name, x in operands.items() if x is not None}
    xp = _kb.namespace(*operands.values())
    if _is_numpy(xp):
        return xp, None
    import array_api_compat

    devices = {
        name: array_api_compat.device(x)
        for name, x in operands.items()
        if not isinstance(x, (list, tuple, int, float, np.ndarray, np.generic))
    }
    first = next(iter(devices.items()))
    for name, dev in devices.items():
        if str(dev) != str(first[1]):
            raise ValueError(
                f"{first[0]} is on device {first[1]} but {name} is on device {dev}; "
                "move both to one device"
            )
    if str(first[1]) == "meta":
        raise ValueError(f"{first[0]} is on the meta device, which holds no values")
    return xp, first[1]


def _as_float(x: Any, name: str, xp: Any, device: Any = None) -> Any:
    if _is_numpy(xp):
        arr = np.asarray(x)
        if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
            raise TypeError(f"{name} must hold real numbers; got dtype {arr.dtype}")
        if np.issubdtype(arr.dtype, np.complexfloating):
            raise TypeError(f"{name} must hold real numbers; got dtype {arr.dtype}")
        if not np.issubdtype(arr.dtype, np.floating):
            arr = arr.astype(np.float64)
        return arr
    if isinstance(x, (list, tuple, int, float, np.ndarray, np.generic)):  # beside a tensor
        arr = np.asarray(x)
        if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number) or np.issubdtype(
            arr.dtype, np.complexfloating
        ):
            raise TypeError(f"{name} must hold real numbers; got dtype {arr.dtype}")
        if not np.issubdtype(arr.dtype, np.floating):
            arr = arr.astype(np.float64)
        return xp.asarray(arr, device=device)
    if not xp.isdtype(x.dtype, "real floating"):
        raise TypeError(f"{name} must be a floating tensor; got dtype {x.dtype}")
    return x


def _first_bad(mask: Any) -> tuple[int, tuple[int, ...]]:
    m = _to_numpy(mask)
    idx = np.argwhere(m)
    return int(idx.shape[0]), tuple(int(i) for i in idx[0])


def _at(name: str, where: tuple[int, ...]) -> str:
    """``name[i, j]`` for a box inside a batch, just ``name`` for a single box."""
    return f"{name}{list(where)}" if where else name


def _check_finite(x: Any, name: str, xp: Any) -> None:
    # One reduction on the fast path: any NaN or infinity makes the sum non-finite.
    if x.ndim == 0 or math.prod(x.shape) == 0 or bool(xp.isfinite(xp.sum(x))):
        return
    bad = ~xp.isfinite(x)
    if bool(xp.any(bad)):
        rows = xp.any(bad, axis=-1)
        n, where = _first_bad(rows)
        vals = _to_numpy(x)[where].tolist()
        raise ValueError(
            f"{name} has NaN or infinite coordinates in {n} box(es), first {_at(name, where)} "
            f"= {vals}; remove or fill those boxes"
        )


def _check_last(x: Any, name: str, allowed: Sequence[int], what: str) -> None:
    if x.ndim == 0 or x.shape[-1] not in allowed:
        opts = " or ".join(f"(..., {k})" for k in allowed)
        raise ValueError(f"{name} must be {what} of shape {opts}; got shape {tuple(x.shape)}")


def _to_xyxy(x: Any, fmt: str, xp: Any) -> Any:
    d = x.shape[-1] // 2
    first, second = x[..., :d], x[..., d:]
    if fmt == "xyxy":
        return x
    if fmt == "xywh":
        return _kb.concat([first, first + second], xp)
    return _kb.concat([first - second / 2, first + second / 2], xp)


def _from_xyxy(x: Any, fmt: str, xp: Any) -> Any:
    d = x.shape[-1] // 2
    lo, hi = x[..., :d], x[..., d:]
    if fmt == "xyxy":
        return x
    if fmt == "xywh":
        return _kb.concat([lo, hi - lo], xp)
    return _kb.concat([(lo + hi) / 2, hi - lo], xp)


def _prepare(
    x: Any, name: str, xp: Any, fmt: str, clip: bool, defer: bool = False, device: Any = None,
    *, clip_hint: bool = True,
) -> Any:
    """Validate one operand and return it as xyxy floating boxes.

    ``defer=True`` leaves the check for inverted boxes to :func:`_check_widths`, which reads
    the widths the kernel computes anyway (one reduction instead of a pass over the boxes).
    """
    x = _as_float(x, name, xp, device)
    _check_last(x, name, (4, 6), "boxes")
    _check_finite(x, name, xp)
    xyxy = _to_xyxy(x, fmt, xp)
    if defer and not clip:
        return xyxy
    d = x.shape[-1] // 2
    lo, hi = xyxy[..., :d], xyxy[..., d:]
    inverted = hi < lo
    if bool(xp.any(inverted)):
        if clip:
            return _kb.concat([lo, xp.where(inverted, lo, hi)], xp)
        n, where = _first_bad(xp.any(inverted, axis=-1))
        vals = _to_numpy(x)[where].tolist()
        what = "inverted corners (x2 < x1)" if fmt == "xyxy" else "negative sizes"
        raise ValueError(
            f"{name} has {what} in {n} box(es), first {_at(name, where)} = {vals} "
            f"({fmt})" + ("; pass clip=True to treat such boxes as empty" if clip_hint else "")
        )
    return xyxy


def _pair(
    a: Any,
    b: Any,
    fmt: str,
    clip: bool,
    names: tuple[str, str] = ("a", "b"),
    broadcast: bool = True,
    defer: bool = False,
    *,
    clip_hint: bool = True,
) -> tuple[Any, Any, Any]:
    """Validate two operands: same box dimension, broadcastable batch shapes, one dtype."""
    check_choice("fmt", fmt, FMTS)
    xp, device = _namespace(**{names[0]: a, names[1]: b})
    a = _prepare(a, names[0], xp, fmt, clip, defer, device, clip_hint=clip_hint)
    b = _prepare(b, names[1], xp, fmt, clip, defer, device, clip_hint=clip_hint)
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(
            f"{names[0]} holds {a.shape[-1] // 2}-D boxes (shape {tuple(a.shape)}) but {names[1]} "
            f"holds {b.shape[-1] // 2}-D boxes (shape {tuple(b.shape)}); use one dimension"
        )
    try:
        if broadcast:
            np.broadcast_shapes(tuple(a.shape[:-1]), tuple(b.shape[:-1]))
    except ValueError:
        raise ValueError(
            f"{names[0]} has batch shape {tuple(a.shape[:-1])} and {names[1]} has batch shape "
            f"{tuple(b.shape[:-1])}, which do not broadcast; align them or use pairwise_*()"
        ) from None
    if _is_numpy(xp):
        dt = np.result_type(a.dtype, b.dtype)
        a, b = a.astype(dt, copy=False), b.astype(dt, copy=False)
    return a, b, xp


def _check_widths(
    t: _kb.Terms, xp: Any, originals: tuple[Any, Any], names: tuple[str, str], fmt: str
) -> None:
    """Raise for inverted boxes (deferred check): a negative width in the kernel's terms."""
    for widths, orig, name in ((t.w_a, originals[0], names[0]), (t.w_b, originals[1], names[1])):
        if any(math.prod(w.shape) and bool(xp.min(w) < 0) for w in widths):
            _prepare(orig, name, xp, fmt, False)  # raises with the full message


def _fill(value: Any, ok: Any, empty: Any, xp: Any) -> Any:
    """``value`` where the union is non-empty, ``empty`` elsewhere (or raise)."""
    if empty == "raise":
        n = int(_to_numpy(~ok).sum())
        raise_if_empty(n)
        return value
    if bool(xp.all(ok)):
        return value
    fill = xp.full_like(value, float(empty))
    return xp.where(ok, value, fill)


def _finish(x: Any) -> Any:
    if isinstance(x, np.ndarray) and x.ndim == 0:
        return float(x)
    if isinstance(x, np.generic):
        return float(x)
    return x


def _score(kind: str, a: Any, b: Any, fmt: str, empty: Any, clip: bool) -> Any:
    empty = check_empty(empty)
    a_in, b_in = a, b
    a, b, xp = _pair(a, b, fmt, clip, defer=True)
    t = _kb.terms(a, b, xp, geometry=kind)
    if not clip:
        _check_widths(t, xp, (a_in, b_in), ("a", "b"), fmt)
    return _finish(_fill(_kb.measure(kind, t, xp), t.ok, empty, xp))


# --------------------------------------------------------------------------------------------
# formats and elementwise scores
# --------------------------------------------------------------------------------------------


def convert(b: Any, src: Fmt, dst: Fmt) -> Any:
    """Convert boxes between the ``xyxy``, ``xywh`` and ``cxcywh`` formats.

    Parameters
    ----------
    b : array_like
        Boxes of shape ``(..., 4)`` (or ``(..., 6)`` for 3-D boxes); numpy or an array-API
        array (torch tensors keep their type and gradient).
    src, dst : {"xyxy", "xywh", "cxcywh"}
        Formats of the input and of the output: corners, corner and size, centre and size.

    Returns
    -------
    numpy.ndarray or array
        Boxes in ``dst`` format, same shape.

    Raises
    ------
    ValueError
        If a format is unknown, the last dimension is not 4 or 6, or a coordinate is not
        finite.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> so.boxes.convert([0.0, 0.0, 4.0, 2.0], "xyxy", "cxcywh")
    array([2., 1., 4., 2.])
    """
    check_choice("src", src, FMTS)
    check_choice("dst", dst, FMTS)
    xp = _kb.namespace(b)
    x = _as_float(b, "b", xp)
    _check_last(x, "b", (4, 6), "boxes")
    _check_finite(x, "b", xp)
    if src == dst:
        return x
    return _from_xyxy(_to_xyxy(x, src, xp), dst, xp)


_ELEMENTWISE_DOC = """

    Parameters
    ----------
    a, b : array_like
        Boxes of shape ``(..., 4)`` or ``(..., 6)`` (3-D) with broadcastable batch shapes; numpy
        arrays or array-API arrays (torch tensors, differentiable).
    fmt : {{"xyxy", "xywh", "cxcywh"}}, default "xyxy"
        Box format of both operands.
    empty : float or "raise", default nan
        Value where both boxes have zero measure (empty union).
    clip : bool, default False
        Clip inverted boxes (``x2 < x1``) to empty boxes instead of raising.

    Returns
    -------
    float or array
        One score per broadcast pair; a Python float for a single pair.

    Raises
    ------
    ValueError
        Wrong last dimension, non-finite coordinates, inverted boxes, batch shapes that do not
        broadcast, an unknown ``fmt``.
    EmptyUnionError
        With ``empty="raise"`` where both boxes are empty.
"""


def overlap(a: Any, b: Any, fmt: Fmt = "xyxy", *, clip: bool = False) -> OverlapStats:
    """Measured quantities of two (batches of) boxes, as for every other shape.

    Parameters
    ----------
    a, b : array_like
        Boxes ``(..., 4)`` or ``(..., 6)`` with broadcastable batch shapes.
    fmt : {"xyxy", "xywh", "cxcywh"}, default "xyxy"
        Box format.
    clip : bool, default False
        Clip inverted boxes to empty ones instead of raising.

    Returns
    -------
    OverlapStats
        ``intersection``, ``union``, ``size_a``, ``size_b``, ``hull`` (the enclosing box),
        ``center_distance`` and ``hull_diameter`` (the enclosing box's diagonal).

    Raises
    ------
    ValueError
        As in :func:`iou`.

    See Also
    --------
    shapeoverlap.overlap : The same statistics for the other kinds of shape.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> s = so.boxes.overlap([0, 0, 2, 2], [1, 1, 3, 3])
    >>> s.intersection, s.union, s.hull, s.giou()
    (1.0, 7.0, 9.0, -0.07936507936507936)
    """
    a, b, xp = _pair(a, b, fmt, clip)
    t = _kb.terms(a, b, xp)
    out = [t.inter, t.union, t.vol_a, t.vol_b, t.hull, xp.sqrt(t.rho2), xp.sqrt(t.diag2)]
    return OverlapStats(*(_finish(v) for v in out))


def iou(a: Any, b: Any, fmt: Fmt = "xyxy", *, empty: Any = np.nan, clip: bool = False) -> Any:
    r"""Intersection over union of boxes, elementwise with broadcasting.

    {doc}

    See Also
    --------
    pairwise_iou : All pairs of two sets of boxes.
    rotated_iou : Rotated boxes.

    Notes
    -----
    .. math:: \mathrm{{IoU}} = \frac{{|A \cap B|}}{{|A| + |B| - |A \cap B|}}

    with :math:`|A \cap B| = \prod_k \max(0, \min(x^A_{{2k}}, x^B_{{2k}}) -
    \max(x^A_{{1k}}, x^B_{{1k}}))`.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> so.boxes.iou([0, 0, 2, 2], [1, 1, 3, 3])
    0.14285714285714285
    >>> so.boxes.iou([[0, 0, 2, 2], [0, 0, 1, 1]], [0, 0, 2, 1])
    array([0.5, 0.5])
    """
    return _score("iou", a, b, fmt, empty, clip)


def dice(a: Any, b: Any, fmt: Fmt = "xyxy", *, empty: Any = np.nan, clip: bool = False) -> Any:
    """Dice coefficient of boxes ``2 |A ∩ B| / (|A| + |B|)``, elementwise.

    {doc}

    See Also
    --------
    iou : Related by ``dice = 2 iou / (1 + iou)``.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> so.boxes.dice([0, 0, 2, 2], [1, 1, 3, 3])
    0.25
    """
    empty = check_empty(empty)
    a, b, xp = _pair(a, b, fmt, clip)
    t = _kb.terms(a, b, xp, geometry=False)
    den = t.vol_a + t.vol_b
    safe = xp.where(t.ok, den, xp.ones_like(den))
    return _finish(_fill(2 * t.inter / safe, t.ok, empty, xp))


def giou(a: Any, b: Any, fmt: Fmt = "xyxy", *, empty: Any = np.nan, clip: bool = False) -> Any:
    r"""Generalised IoU (Rezatofighi et al. 2019) of boxes, elementwise, in ``[-1, 1]``.

    {doc}

    See Also
    --------
    diou, ciou : Penalise the centre distance (and the aspect ratio).

    Notes
    -----
    .. math:: \mathrm{{GIoU}} = \mathrm{{IoU}} - \frac{{|C| - |A \cup B|}}{{|C|}}

    with :math:`C` the smallest box enclosing both.

    References
    ----------
    .. [1] H. Rezatofighi et al., "Generalized Intersection over Union", CVPR 2019.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> so.boxes.giou([0, 0, 1, 1], [2, 0, 3, 1])
    -0.3333333333333333
    """
    return _score("giou", a, b, fmt, empty, clip)


def diou(a: Any, b: Any, fmt: Fmt = "xyxy", *, empty: Any = np.nan, clip: bool = False) -> Any:
    r"""Distance IoU (Zheng et al. 2020) of boxes, elementwise, in ``[-1, 1]``.

    {doc}

    See Also
    --------
    giou, ciou

    Notes
    -----
    .. math:: \mathrm{{DIoU}} = \mathrm{{IoU}} - \frac{{\rho^2(c_A, c_B)}}{{d_C^2}}

    with :math:`\rho` the distance of the centres and :math:`d_C` the diagonal of the enclosing
    box.

    References
    ----------
    .. [1] Z. Zheng et al., "Distance-IoU Loss", AAAI 2020.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> so.boxes.diou([0, 0, 1, 1], [2, 0, 3, 1])
    -0.4
    """
    return _score("diou", a, b, fmt, empty, clip)


def ciou(a: Any, b: Any, fmt: Fmt = "xyxy", *, empty: Any = np.nan, clip: bool = False) -> Any:
    r"""Complete IoU (Zheng et al. 2020) of 2-D or 3-D boxes, elementwise.

    {doc}

    See Also
    --------
    diou : CIoU without the aspect-ratio term.
    loss : ``1 - ciou`` with α held constant for gradients.

    Notes
    -----
    .. math::

        \mathrm{{CIoU}} = \mathrm{{DIoU}} - \alpha v, \quad
        v = \frac{{4}}{{\pi^2}} \left(\arctan\frac{{w_B}}{{h_B}} -
        \arctan\frac{{w_A}}{{h_A}}\right)^2, \quad
        \alpha = \frac{{v}}{{1 - \mathrm{{IoU}} + v}}

    The angle difference is computed as one ``atan2`` (a box of zero height has angle π/2; a
    point box has no aspect ratio and ``v = 0``), and α takes its continuous limit 0 where
    ``v = 0`` and ``IoU = 1``. The range is ``(-1.5, 1]``: α v is at most 1/2.

    **3-D boxes.** The original definition is 2-D. For cuboids of sides ``(w, h, d)`` the
    aspect term is the mean of the 2-D term over the three face ratios ``w/h``, ``w/d`` and
    ``h/d``:

    .. math::

        v = \frac{{4}}{{\pi^2}} \cdot \frac{{1}}{{3}} \sum_{{(p, q)}}
        \left(\arctan\frac{{p_B}}{{q_B}} - \arctan\frac{{p_A}}{{q_A}}\right)^2,
        \quad (p, q) \in \{{(w, h), (w, d), (h, d)\}}

    so that ``v`` stays in ``[0, 1]`` and vanishes exactly when the two cuboids have the same
    proportions; α, its limit 0 for identical boxes and the range are as in 2-D, and ``ρ`` and
    ``d_C`` are the 3-D centre distance and hull diagonal. A face with both sides zero in
    either box has no aspect ratio and contributes 0 to the sum (the mean still divides by 3).
    Every term is a ratio of sizes, so the score is scale invariant.

    References
    ----------
    .. [1] Z. Zheng et al., "Distance-IoU Loss", AAAI 2020.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> round(so.boxes.ciou([0, 0, 2, 1], [0, 0, 1, 2]), 6)
    0.237082
    >>> so.boxes.ciou([0, 0, 2, 1], [0, 0, 2, 1])
    1.0
    >>> round(so.boxes.ciou([0, 0, 0, 2, 1, 1], [0, 0, 0, 1, 2, 1]), 6)
    0.268397
    """
    return _score("ciou", a, b, fmt, empty, clip)


for _f in (iou, dice, giou, diou, ciou):
    _f.__doc__ = (_f.__doc__ or "").format(doc=_ELEMENTWISE_DOC.format().strip())
del _f


# --------------------------------------------------------------------------------------------
# pairwise
# --------------------------------------------------------------------------------------------


def _pairwise_inputs(a: Any, b: Any, fmt: str, clip: bool) -> tuple[Any, Any, Any]:
    check_choice("fmt", fmt, FMTS)
    for name, x in (("a", a), ("b", b)):
        shape = tuple(x.shape) if hasattr(x, "shape") else tuple(np.shape(x))
        if len(shape) != 2:
            raise ValueError(
                f"{name} must be a 2-D array of boxes, shape (N, 4) or (N, 6); got shape {shape}"
            )
    return _pair(a, b, fmt, clip, broadcast=False)


def _pairwise_iou_xp(a: Any, b: Any, xp: Any, empty: Any) -> Any:
    """All-pairs IoU of array-API boxes: the few full-size passes of ``box_iou``.

    A union is empty only where both boxes have zero measure, so that test costs
    ``O(N + M)``; those pairs divide by 1 (no NaN in a gradient) and are then filled.
    """
    d = a.shape[1] // 2
    inter = None
    for k in range(d):
        hi = xp.minimum(a[:, None, d + k], b[None, :, d + k])
        side = _kb.relu(hi - xp.maximum(a[:, None, k], b[None, :, k]), xp)
        inter = side if inter is None else inter * side
    vol_a = _kb._prod([a[:, d + k] - a[:, k] for k in range(d)])
    vol_b = _kb._prod([b[:, d + k] - b[:, k] for k in range(d)])
    union = (vol_a[:, None] + vol_b[None, :]) - inter
    za, zb = vol_a == 0, vol_b == 0
    if not (bool(xp.any(za)) and bool(xp.any(zb))):
        return inter / union
    both = za[:, None] & zb[None, :]
    if empty == "raise":
        raise_if_empty(int(_to_numpy(both).sum()))
    iou = inter / xp.where(both, xp.ones_like(union), union)
    return xp.where(both, xp.full_like(iou, float(empty)), iou)


def _pairwise(kind: str, a: Any, b: Any, fmt: str, empty: Any, clip: bool) -> Any:
    empty = check_empty(empty)
    a, b, xp = _pairwise_inputs(a, b, fmt, clip)
    if kind == "iou" and _is_numpy(xp):
        out = _kb.pairwise_iou(a, b)
        d = a.shape[1] // 2
        za = np.prod(a[:, d:] - a[:, :d], axis=1) == 0
        zb = np.prod(b[:, d:] - b[:, :d], axis=1) == 0
        if za.any() and zb.any():
            if empty == "raise":
                raise_if_empty(int(za.sum()) * int(zb.sum()))
            out[np.ix_(za, zb)] = empty
        return out
    if not _is_numpy(xp):
        if kind == "iou":
            return _pairwise_iou_xp(a, b, xp, empty)
        return _score(kind, a[:, None, :], b[None, :, :], "xyxy", empty, False)
    # numpy: row blocks of about 2**18 pairs keep the temporaries small
    n, m = a.shape[0], b.shape[0]
    out = np.empty((n, m), dtype=np.result_type(a.dtype, b.dtype))
    rows = max(1, (1 << 18) // max(m, 1))
    for i0 in range(0, n, rows):
        block = a[i0:i0 + rows, None, :]
        out[i0:i0 + rows] = _score(kind, block, b[None, :, :], "xyxy", empty, False)
    return out


_PAIRWISE_DOC = """

    Parameters
    ----------
    a : array_like
        ``N`` boxes, shape ``(N, 4)`` or ``(N, 6)``.
    b : array_like
        ``M`` boxes of the same dimension.
    fmt : {{"xyxy", "xywh", "cxcywh"}}, default "xyxy"
        Box format of both operands.
    empty : float or "raise", default nan
        Value for pairs of two zero-measure boxes.
    clip : bool, default False
        Clip inverted boxes to empty boxes instead of raising.

    Returns
    -------
    numpy.ndarray or array
        Shape ``(N, M)``: entry ``[i, j]`` compares ``a[i]`` and ``b[j]``.

    Raises
    ------
    ValueError
        If an operand is not 2-D, or for any reason listed in :func:`{name}`.

    See Also
    --------
    {name} : The elementwise score.
"""


def pairwise_iou(
    a: Any, b: Any, fmt: Fmt = "xyxy", *, empty: Any = np.nan, clip: bool = False
) -> Any:
    """IoU of every box of ``a`` with every box of ``b``.

    {doc}

    Notes
    -----
    numpy input runs a per-axis kernel in row blocks with in-place operations (fast and light
    on memory); the result has the operands' floating dtype.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> so.boxes.pairwise_iou([[0, 0, 2, 2], [1, 1, 3, 3]], [[0, 0, 2, 2]])
    array([[1.        ],
           [0.14285714]])
    """
    return _pairwise("iou", a, b, fmt, empty, clip)


def pairwise_giou(
    a: Any, b: Any, fmt: Fmt = "xyxy", *, empty: Any = np.nan, clip: bool = False
) -> Any:
    """GIoU of every box of ``a`` with every box of ``b``.

    {doc}

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> so.boxes.pairwise_giou([[0, 0, 1, 1]], [[0, 0, 1, 1], [2, 0, 3, 1]]).round(4)
    array([[ 1.    , -0.3333]])
    """
    return _pairwise("giou", a, b, fmt, empty, clip)


def pairwise_diou(
    a: Any, b: Any, fmt: Fmt = "xyxy", *, empty: Any = np.nan, clip: bool = False
) -> Any:
    """DIoU of every box of ``a`` with every box of ``b``.

    {doc}

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> so.boxes.pairwise_diou([[0, 0, 1, 1]], [[0, 0, 1, 1], [2, 0, 3, 1]]).round(4)
    array([[ 1. , -0.4]])
    """
    return _pairwise("diou", a, b, fmt, empty, clip)


def pairwise_ciou(
    a: Any, b: Any, fmt: Fmt = "xyxy", *, empty: Any = np.nan, clip: bool = False
) -> Any:
    """CIoU of every box of ``a`` with every box of ``b`` (2-D or 3-D).

    {doc}

    Notes
    -----
    The definition, including its 3-D aspect term, is that of :func:`ciou`.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> so.boxes.pairwise_ciou([[0, 0, 2, 1]], [[0, 0, 2, 1], [0, 0, 1, 2]]).round(4)
    array([[1.    , 0.2371]])
    """
    return _pairwise("ciou", a, b, fmt, empty, clip)


for _f, _n in (
    (pairwise_iou, "iou"), (pairwise_giou, "giou"), (pairwise_diou, "diou"),
    (pairwise_ciou, "ciou"),
):
    _f.__doc__ = (_f.__doc__ or "").format(doc=_PAIRWISE_DOC.format(name=_n).strip())
del _f, _n


# --------------------------------------------------------------------------------------------
# losses and gradients
# --------------------------------------------------------------------------------------------


def _check_gamma(gamma: Any) -> float | None:
    if gamma is None:
        return None
    if isinstance(gamma, bool) or not isinstance(gamma, (int, float, np.integer, np.floating)):
        raise TypeError(f"gamma must be None or a number >= 0; got {type(gamma).__name__}")
    if not math.isfinite(float(gamma)) or gamma < 0:
        raise ValueError(f"gamma must be None or a finite number >= 0; got {gamma!r}")
    return float(gamma)


def _loss_setup(kind: str, reduction: str, gamma: Any, empty: Any) -> tuple[float | None, Any]:
    check_choice("kind", kind, KINDS)
    check_choice("reduction", reduction, REDUCTIONS)
    return _check_gamma(gamma), check_empty(empty)


def loss(
    pred: Any,
    target: Any,
    kind: Kind = "ciou",
    reduction: Reduction = "mean",
    gamma: float | None = None,
    *,
    fmt: Fmt = "xyxy",
    empty: Any = np.nan,
    clip: bool = False,
) -> Any:
    r"""IoU-family regression loss ``1 − measure`` of predicted against target boxes.

    Works on numpy arrays and on any array-API array; on torch tensors it is differentiable
    with autograd (the same code path computes both).

    Parameters
    ----------
    pred, target : array_like
        Boxes ``(..., 4)`` or ``(..., 6)`` (3-D) with broadcastable batch shapes.
    kind : {"iou", "giou", "diou", "ciou"}, default "ciou"
        ``1 − IoU``, ``1 − GIoU``, ``1 − DIoU`` or ``1 − CIoU``.
    reduction : {"mean", "sum", "none"}, default "mean"
        Mean or sum over all pairs, or one loss per pair. Over no pairs (an empty batch)
        the mean and the sum are 0, as in torchvision, so that a batch without boxes adds
        nothing to a training loss.
    gamma : float, optional
        Focal-IoU weighting: each loss is multiplied by ``(1 − IoU)**gamma``.
    fmt : {"xyxy", "xywh", "cxcywh"}, default "xyxy"
        Box format of both operands.
    empty : float or "raise", default nan
        Measure assumed where both boxes are empty (the loss there is ``1 − empty``).
    clip : bool, default False
        Clip inverted boxes to empty boxes instead of raising.

    Returns
    -------
    float or array
        The reduced loss (Python float for numpy), or per-pair losses for ``"none"``.

    Raises
    ------
    ValueError
        Unknown ``kind``/``reduction``/``fmt``, a negative ``gamma``, or invalid boxes.

    See Also
    --------
    loss_grad : The analytic gradient (numpy).

    Notes
    -----
    CIoU's trade-off :math:`\alpha` and the focal weight are constants for gradients, as in
    Zheng et al. (2020). For 3-D boxes CIoU's aspect term is the mean over the three face
    ratios (see :func:`ciou`).

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> so.boxes.loss([[0, 0, 2, 2]], [[1, 1, 3, 3]], kind="iou")
    0.8571428571428572
    >>> round(so.boxes.loss([[0, 0, 2, 2]], [[1, 1, 3, 3]], kind="giou", gamma=1.0), 6)
    0.92517
    """
    gamma_f, empty = _loss_setup(kind, reduction, gamma, empty)
    p, t_, xp = _pair(pred, target, fmt, clip, ("pred", "target"), defer=True)
    t = _kb.terms(p, t_, xp, geometry=kind)
    if not clip:
        _check_widths(t, xp, (pred, target), ("pred", "target"), fmt)
    per = 1 - _kb.measure(kind, t, xp, constant_alpha=True)
    if gamma_f is not None:
        per = _kb.stop_gradient((1 - t.iou) ** gamma_f) * per
    if empty == "raise":
        per = _fill(per, t.ok, "raise", xp)
    else:
        per = _fill(per, t.ok, 1 - float(empty), xp)
    return _reduce(per, reduction, xp)


def _reduce(per: Any, reduction: str, xp: Any) -> Any:
    if reduction == "none":
        return _finish(per)
    if reduction == "sum":
        return _finish(xp.sum(per))
    n = math.prod(per.shape)
    # the mean over no pairs is 0 (as torchvision), still connected to the autograd graph:
    # a batch without matched boxes adds nothing to a training loss instead of a NaN
    return _finish(xp.sum(per) / max(n, 1))


def _unbroadcast(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum a broadcast gradient back to an operand's shape."""
    extra = g.ndim - len(shape)
    if extra:
        g = g.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, s in enumerate(shape) if s == 1 and g.shape[i] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


def _grad_to_fmt(g: np.ndarray, fmt: str) -> np.ndarray:
    """Chain rule from gradients on xyxy coordinates to gradients on ``fmt`` coordinates."""
    d = g.shape[-1] // 2
    g_lo, g_hi = g[..., :d], g[..., d:]
    if fmt == "xyxy":
        return g
    if fmt == "xywh":
        return np.concatenate([g_lo + g_hi, g_hi], axis=-1)
    return np.concatenate([g_lo + g_hi, (g_hi - g_lo) / 2], axis=-1)


def loss_grad(
    pred: Any,
    target: Any,
    kind: Kind = "ciou",
    reduction: Reduction = "mean",
    gamma: float | None = None,
    fmt: Fmt = "xyxy",
    *,
    empty: Any = np.nan,
    clip: bool = False,
) -> tuple[Any, np.ndarray, np.ndarray]:
    r"""Loss and its analytic gradient with respect to both operands (numpy).

    Parameters
    ----------
    pred, target : array_like
        Boxes as in :func:`loss` (numpy arrays or nested sequences).
    kind : {"iou", "giou", "diou", "ciou"}, default "ciou"
        Loss family member.
    reduction : {"mean", "sum", "none"}, default "mean"
        As in :func:`loss`; for ``"none"`` the gradients are those of the sum (each pair's
        loss depends on its own boxes only).
    gamma : float, optional
        Focal-IoU exponent (weight held constant).
    fmt : {"xyxy", "xywh", "cxcywh"}, default "xyxy"
        Format of the operands; the gradients are with respect to these coordinates.
    empty : float or "raise", default nan
        As in :func:`loss`; pairs with an empty union get a zero gradient.
    clip : bool, default False
        Clip inverted boxes to empty ones (the clipped corner's gradient goes to the corner it
        is clipped to).

    Returns
    -------
    loss : float or numpy.ndarray
        Same as :func:`loss`.
    grad_pred, grad_target : numpy.ndarray
        Gradients with the shapes of ``pred`` and ``target``.

    Raises
    ------
    TypeError
        If a tensor that needs autograd is given (use :func:`loss` and ``backward()``).
    ValueError
        As in :func:`loss`.

    See Also
    --------
    loss : The forward value, also on torch tensors.

    Notes
    -----
    CIoU's :math:`\alpha` and the focal weight are constants. At ties of ``min``/``max`` (equal
    edges) the subgradient is shared equally between the two boxes. Where the boxes just
    touch, or a box has collapsed to zero height inside the other's span, the gradient is
    the slope of growing into overlap (as torch's ``clamp`` gives for :func:`loss`), so such
    a box still gets a signal. ``loss_grad`` equals autograd of :func:`loss` at these points.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> value, gp, gt = so.boxes.loss_grad([0.0, 0, 2, 2], [1.0, 1, 3, 3], kind="iou")
    >>> round(value, 6), gp.round(4)
    (0.857143, array([-0.0408, -0.0408, -0.1224, -0.1224]))
    """
    gamma_f, empty = _loss_setup(kind, reduction, gamma, empty)
    check_choice("fmt", fmt, FMTS)
    for name, x in (("pred", pred), ("target", target)):
        if not isinstance(x, (np.ndarray, np.generic, list, tuple, int, float)):
            raise TypeError(
                f"loss_grad works on numpy arrays; {name} is a {type(x).__name__} "
                "(use so.boxes.loss(...) and autograd for tensors)"
            )
    p_in = _as_float(pred, "pred", np)
    t_in = _as_float(target, "target", np)
    p, t_, _ = _pair(p_in, t_in, fmt, clip, ("pred", "target"))
    t = _kb.terms(p, t_, np)
    m = _kb.measure(kind, t, np)
    gm_p, gm_t = _kb.measure_grad(kind, t)
    w = np.ones_like(t.iou) if gamma_f is None else (1 - t.iou) ** gamma_f
    if empty == "raise":
        per = _fill(w * (1 - m), t.ok, "raise", np)
    else:
        per = _fill(w * (1 - m), t.ok, 1 - float(empty), np)
    g_p = -w[..., None] * gm_p
    g_t = -w[..., None] * gm_t
    if reduction == "mean":
        n = max(1, per.size)
        g_p, g_t = g_p / n, g_t / n
    if clip:
        g_p = _clip_grad(p_in, g_p, fmt)
        g_t = _clip_grad(t_in, g_t, fmt)
    # "+ 0.0" turns the -0.0 of vanishing gradients into 0.0
    g_p = _unbroadcast(_grad_to_fmt(g_p, fmt), p_in.shape) + 0.0
    g_t = _unbroadcast(_grad_to_fmt(g_t, fmt), t_in.shape) + 0.0
    return _reduce(per, reduction, np), g_p, g_t


def _clip_grad(x: np.ndarray, g: np.ndarray, fmt: str) -> np.ndarray:
    """Route the gradient of a clipped upper corner to the lower corner it was set to."""
    xyxy = _to_xyxy(x, fmt, np)
    d = x.shape[-1] // 2
    inv = xyxy[..., d:] < xyxy[..., :d]
    if not inv.any():
        return g
    g = np.array(g, copy=True)
    inv = np.broadcast_to(inv, g[..., d:].shape)
    g_hi = g[..., d:]
    g[..., :d] = g[..., :d] + np.where(inv, g_hi, 0.0)
    g[..., d:] = np.where(inv, 0.0, g_hi)
    return g


def iou_aware_score(p: Any, q: Any) -> Any:
    """IoU-aware detection score ``p · q`` (classification score times predicted IoU).

    Parameters
    ----------
    p : array_like
        Classification scores in ``[0, 1]``.
    q : array_like
        Predicted (or measured) IoU in ``[0, 1]``, broadcastable with ``p``.

    Returns
    -------
    float or array
        ``p * q``.

    Raises
    ------
    ValueError
        If a value is outside ``[0, 1]``, not finite, or the shapes do not broadcast.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> so.boxes.iou_aware_score([0.9, 0.5], [0.5, 1.0])
    array([0.45, 0.5 ])
    """
    xp, device = _namespace(p=p, q=q)
    out = []
    for name, x in (("p", p), ("q", q)):
        x = _as_float(x, name, xp, device)
        bad = ~((x >= 0) & (x <= 1))
        if bool(xp.any(bad)):
            vals = _to_numpy(x)[_to_numpy(bad)]
            raise ValueError(f"{name} must lie in [0, 1]; got {vals.ravel()[:3].tolist()}")
        out.append(x)
    try:
        np.broadcast_shapes(tuple(out[0].shape), tuple(out[1].shape))
    except ValueError:
        raise ValueError(
            f"p has shape {tuple(out[0].shape)} and q has shape {tuple(out[1].shape)}, "
            "which do not broadcast"
        ) from None
    return _finish(out[0] * out[1])


# --------------------------------------------------------------------------------------------
# log-space coding, anchor assignment, NMS
# --------------------------------------------------------------------------------------------


def _check_weights(weights: Any) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (4,) or not np.all(np.isfinite(w)) or np.any(w <= 0):
        raise ValueError(
            f"weights must be 4 finite positive numbers (wx, wy, ww, wh); got {weights!r}"
        )
    return w


def _positive_sizes(x: Any, name: str) -> tuple[Any, ...]:
    w = x[..., 2] - x[..., 0]
    h = x[..., 3] - x[..., 1]
    bad = (w <= 0) | (h <= 0)
    if bool(bad.any()):
        n, where = _first_bad(bad)
        raise ValueError(
            f"{name} needs positive widths and heights for the log-space code; {n} box(es) "
            f"have zero size, first {_at(name, where)} = {_to_numpy(x)[where].tolist()}"
        )
    return w, h, x[..., 0] + w / 2, x[..., 1] + h / 2


def _like(values: np.ndarray, x: Any, xp: Any) -> Any:
    """``values`` (numpy) as an array of ``x``'s namespace, dtype and device."""
    if _is_numpy(xp):
        return values.astype(x.dtype)
    import array_api_compat

    return xp.asarray(values, dtype=x.dtype, device=array_api_compat.device(x))


def encode(boxes: Any, anchors: Any, weights: Sequence[float] = (1, 1, 1, 1)) -> Any:
    r"""Encode boxes relative to anchors in log space (Faster R-CNN's parameterisation).

    Parameters
    ----------
    boxes : array_like
        ``(..., 4)`` xyxy boxes with positive sizes; numpy or array-API arrays (torch
        tensors keep their type, device and gradient).
    anchors : array_like
        ``(..., 4)`` xyxy anchors with positive sizes, broadcastable with ``boxes``.
    weights : sequence of 4 float, default (1, 1, 1, 1)
        Multipliers ``(wx, wy, ww, wh)`` of the four deltas.

    Returns
    -------
    numpy.ndarray or array
        ``(..., 4)`` deltas ``(dx, dy, dw, dh)``.

    Raises
    ------
    ValueError
        If a box or anchor has zero size, is inverted or not finite, the shapes do not
        broadcast, or the weights are not 4 positive numbers.

    See Also
    --------
    decode : The inverse.

    Notes
    -----
    .. math::

        d_x = w_x \frac{c_x - c_{x,a}}{w_a}, \quad d_y = w_y \frac{c_y - c_{y,a}}{h_a}, \quad
        d_w = w_w \ln\frac{w}{w_a}, \quad d_h = w_h \ln\frac{h}{h_a}

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> so.boxes.encode([0, 0, 4, 2], [0, 0, 2, 2]).round(4)
    array([0.5   , 0.    , 0.6931, 0.    ])
    """
    wts = _check_weights(weights)
    b, a, xp = _pair(boxes, anchors, "xyxy", False, ("boxes", "anchors"), clip_hint=False)
    if b.shape[-1] != 4:
        raise ValueError(f"boxes must be 2-D boxes of shape (..., 4); got {tuple(b.shape)}")
    w, h, cx, cy = _positive_sizes(b, "boxes")
    wa, ha, cxa, cya = _positive_sizes(a, "anchors")
    out = xp.stack(
        [(cx - cxa) / wa, (cy - cya) / ha, xp.log(w / wa), xp.log(h / ha)], axis=-1
    )
    return out * _like(wts, out, xp)


DEFAULT_CLIP = math.log(1000.0 / 16)


def decode(
    deltas: Any,
    anchors: Any,
    weights: Sequence[float] = (1, 1, 1, 1),
    clip: float | None = DEFAULT_CLIP,
) -> Any:
    """Decode log-space deltas relative to anchors back into xyxy boxes.

    Parameters
    ----------
    deltas : array_like
        ``(..., 4)`` deltas ``(dx, dy, dw, dh)`` as produced by :func:`encode`; numpy or
        array-API arrays (torch tensors keep their type, device and gradient, so decoded
        boxes can feed :func:`loss`).
    anchors : array_like
        ``(..., 4)`` xyxy anchors with positive sizes, broadcastable with ``deltas``.
    weights : sequence of 4 float, default (1, 1, 1, 1)
        The weights used to encode.
    clip : float or None, default log(1000 / 16)
        Upper bound on ``dw``, ``dh`` (after dividing by the weights) so that ``exp`` cannot
        overflow; ``None`` for no bound.

    Returns
    -------
    numpy.ndarray or array
        ``(..., 4)`` xyxy boxes.

    Raises
    ------
    ValueError
        If a delta is not finite, an anchor has zero size, or ``clip`` is not a number
        ``>= 0``.

    See Also
    --------
    encode : The forward map.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> d = so.boxes.encode([1.0, 2, 5, 3], [0.0, 0, 2, 2])
    >>> so.boxes.decode(d, [0.0, 0, 2, 2])
    array([1., 2., 5., 3.])
    """
    wts = _check_weights(weights)
    if clip is not None and (
        isinstance(clip, bool)
        or not isinstance(clip, (int, float, np.integer, np.floating))
        or not (np.isfinite(clip) and clip >= 0)
    ):
        raise ValueError(f"clip must be a finite number >= 0 or None; got {clip!r}")
    xp, device = _namespace(deltas=deltas, anchors=anchors)
    d = _as_float(deltas, "deltas", xp, device)
    _check_last(d, "deltas", (4,), "deltas")
    _check_finite(d, "deltas", xp)
    a = _prepare(anchors, "anchors", xp, "xyxy", False, device=device, clip_hint=False)
    _check_last(a, "anchors", (4,), "boxes")
    try:
        np.broadcast_shapes(tuple(d.shape[:-1]), tuple(a.shape[:-1]))
    except ValueError:
        raise ValueError(
            f"deltas has batch shape {tuple(d.shape[:-1])} and anchors "
            f"{tuple(a.shape[:-1])}, which do not broadcast"
        ) from None
    if _is_numpy(xp):
        dt = np.result_type(d.dtype, a.dtype)
        d, a = d.astype(dt, copy=False), a.astype(dt, copy=False)
    else:
        dt = xp.result_type(d.dtype, a.dtype)
        d, a = xp.astype(d, dt), xp.astype(a, dt)
    d = d / _like(wts, d, xp)
    wa, ha, cxa, cya = _positive_sizes(a, "anchors")
    dw, dh = d[..., 2], d[..., 3]
    if clip is not None:
        bound = _like(np.asarray(float(clip)), dw, xp)
        dw, dh = xp.minimum(dw, bound), xp.minimum(dh, bound)
    cx = cxa + d[..., 0] * wa
    cy = cya + d[..., 1] * ha
    w = wa * xp.exp(dw)
    h = ha * xp.exp(dh)
    return xp.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=-1)


def assign(
    anchors: Any, targets: Any, pos_iou: float = 0.7, neg_iou: float = 0.3
) -> tuple[Any, Any]:
    """Label anchors positive, negative or ignored by their best IoU with the targets.

    Parameters
    ----------
    anchors : array_like
        ``(N, 4)`` xyxy anchors.
    targets : array_like
        ``(M, 4)`` xyxy ground-truth boxes (``M`` may be 0).
    pos_iou : float, default 0.7
        An anchor whose best IoU is ``>= pos_iou`` is positive.
    neg_iou : float, default 0.3
        An anchor whose best IoU is ``< neg_iou`` is negative; between the two it is ignored.

    Returns
    -------
    labels : numpy.ndarray of int8
        ``(N,)``: 1 positive, 0 negative, -1 ignored.
    matched : numpy.ndarray of intp
        ``(N,)``: index of the target with the highest IoU (the first on ties), -1 when there
        are no targets. For torch tensors both are int64 tensors on the anchors' device.

    Raises
    ------
    ValueError
        If the thresholds are not ``0 <= neg_iou <= pos_iou <= 1`` or the boxes are invalid.

    Notes
    -----
    Every target also keeps its best anchor(s) — all anchors reaching that target's highest
    IoU, when it is above 0 — as positives, so that no target is left without one.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> labels, matched = so.boxes.assign(
    ...     [[0, 0, 2, 2], [0, 0, 2, 3], [5, 5, 6, 6]], [[0, 0, 2, 2.5]], pos_iou=0.9)
    >>> labels, matched
    (array([-1,  1,  0], dtype=int8), array([0, 0, 0]))
    """
    for name, v in (("pos_iou", pos_iou), ("neg_iou", neg_iou)):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name} must be a number in [0, 1]; got {type(v).__name__}")
    if not (0 <= neg_iou <= pos_iou <= 1):
        raise ValueError(
            f"thresholds must satisfy 0 <= neg_iou <= pos_iou <= 1; got neg_iou={neg_iou!r}, "
            f"pos_iou={pos_iou!r}"
        )
    xp, device = _namespace(anchors=anchors, targets=targets)
    a_np = _to_numpy(_as_float(anchors, "anchors", xp)).astype(np.float64)
    t_np = _to_numpy(_as_float(targets, "targets", xp)).astype(np.float64)
    if t_np.size == 0 and t_np.ndim <= 2:
        t_np = t_np.reshape(0, a_np.shape[-1] if a_np.ndim == 2 else 4)
    ious = pairwise_iou(a_np, t_np, empty=0.0)
    n, m = ious.shape
    labels = np.zeros(n, dtype=np.int8)
    if m == 0:
        return _indices_like((labels, np.full(n, -1, dtype=np.intp)), device, xp)
    matched = np.argmax(ious, axis=1) if n else np.zeros(0, dtype=np.intp)
    best = ious[np.arange(n), matched]
    labels[(best >= neg_iou) & (best < pos_iou)] = -1
    labels[best >= pos_iou] = 1
    if n:
        top = ious.max(axis=0)
        keep = (ious == top[None, :]) & (top[None, :] > 0)
        labels[keep.any(axis=1)] = 1
    return _indices_like((labels, matched.astype(np.intp)), device, xp)


def _indices_like(out: tuple[np.ndarray, ...], device: Any, xp: Any) -> tuple[Any, ...]:
    """Return integer results as they are for numpy, as int64 arrays on ``like``'s device."""
    if _is_numpy(xp):
        return out
    return tuple(_index_like(o, device, xp) for o in out)


def _check_scores(scores: Any, n: int) -> np.ndarray:
    s = np.asarray(scores, dtype=np.float64)
    if s.shape != (n,):
        raise ValueError(f"scores must have shape ({n},), one per box; got shape {s.shape}")
    if not np.all(np.isfinite(s)):
        raise ValueError(f"scores must be finite; got {s[~np.isfinite(s)][:3].tolist()}")
    return s


def _check_threshold(t: Any) -> float:
    if isinstance(t, bool) or not isinstance(t, (int, float, np.integer, np.floating)):
        raise TypeError(f"iou_threshold must be a number; got {type(t).__name__}")
    if not 0 <= t <= 1:  # NaN fails too
        raise ValueError(f"iou_threshold must be in [0, 1]; got {t!r}")
    return float(t)


def _greedy(
    order: np.ndarray, iou_row: Any, classes: np.ndarray | None, threshold: float
) -> np.ndarray:
    """Greedy suppression over ``order``; ``iou_row(i, js)`` gives IoU of box i with js."""
    keep: list[int] = []
    rest = order
    while rest.size:
        i = int(rest[0])
        keep.append(i)
        rest = rest[1:]
        if not rest.size:
            break
        cand = rest if classes is None else rest[classes[rest] == classes[i]]
        if cand.size:
            ov = iou_row(i, cand)
            drop = cand[ov > threshold]
            if drop.size:
                rest = rest[~np.isin(rest, drop)]
    return np.asarray(keep, dtype=np.intp)


def nms(boxes: Any, scores: Any, iou_threshold: float, classes: Any = None) -> Any:
    """Greedy non-maximum suppression.

    Parameters
    ----------
    boxes : array_like
        ``(N, 4)`` (or ``(N, 6)``) xyxy boxes; numpy or array-API arrays (torch tensors).
    scores : array_like
        ``(N,)`` finite scores.
    iou_threshold : float
        A box is suppressed by a higher-scoring kept box when their IoU is strictly greater
        than this (IoU equal to the threshold is kept).
    classes : array_like, optional
        ``(N,)`` class labels: boxes of different classes never suppress each other.

    Returns
    -------
    numpy.ndarray of intp
        Indices of the kept boxes, by decreasing score (ties: lower index first); for
        torch tensors an ``int64`` tensor on the boxes' device.

    Raises
    ------
    ValueError
        If the shapes disagree, a score is not finite, or the boxes are invalid.

    See Also
    --------
    rotated_nms : The same for rotated boxes.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> b = [[0, 0, 2, 2], [0, 0, 2, 2.2], [3, 3, 4, 4]]
    >>> so.boxes.nms(b, [0.8, 0.9, 0.5], 0.5)
    array([1, 2])
    >>> so.boxes.nms(b, [0.8, 0.9, 0.5], 0.5, classes=[0, 1, 0])
    array([1, 0, 2])
    """
    thr = _check_threshold(iou_threshold)
    xp, device = _namespace(boxes=boxes, scores=scores, classes=classes)
    b = _to_numpy(_as_float(boxes, "boxes", xp)).astype(np.float64)
    if b.ndim != 2:
        raise ValueError(f"boxes must have shape (N, 4) or (N, 6); got shape {b.shape}")
    b = _prepare(b, "boxes", np, "xyxy", False)
    s = _check_scores(_to_numpy(scores), b.shape[0])
    cls = None
    if classes is not None:
        cls = _to_numpy(classes)
        if cls.shape != (b.shape[0],):
            raise ValueError(
                f"classes must have shape ({b.shape[0]},), one per box; got shape {cls.shape}"
            )
    order = np.argsort(-s, kind="stable")

    def row(i: int, js: np.ndarray) -> np.ndarray:
        t = _kb.terms(b[i][None, :], b[js], np, geometry=False)
        return np.where(t.ok, t.iou, 0.0)

    keep = _greedy(order, row, cls, thr)
    return keep if _is_numpy(xp) else _index_like(keep, device, xp)


# --------------------------------------------------------------------------------------------
# rotated boxes
# --------------------------------------------------------------------------------------------


def _rotated(x: Any, name: str, xp: Any, degrees: bool, device: Any = None) -> Any:
    x = _as_float(x, name, xp, device)
    _check_last(x, name, (5,), "rotated boxes (cx, cy, w, h, angle)")
    _check_finite(x, name, xp)
    neg = (x[..., 2] < 0) | (x[..., 3] < 0)
    if bool(xp.any(neg)):
        n, where = _first_bad(neg)
        raise ValueError(
            f"{name} has negative width or height in {n} box(es), first {_at(name, where)} "
            f"= {_to_numpy(x)[where].tolist()}"
        )
    if degrees:
        x = _kb.concat([x[..., :4], x[..., 4:] * (math.pi / 180)], xp)
    return x


def _rotated_pair(a: Any, b: Any, degrees: bool) -> tuple[Any, Any, Any]:
    xp, device = _namespace(a=a, b=b)
    a = _rotated(a, "a", xp, degrees, device)
    b = _rotated(b, "b", xp, degrees, device)
    try:
        shape = np.broadcast_shapes(tuple(a.shape[:-1]), tuple(b.shape[:-1]))
    except ValueError:
        raise ValueError(
            f"a has batch shape {tuple(a.shape[:-1])} and b has batch shape "
            f"{tuple(b.shape[:-1])}, which do not broadcast; use pairwise_rotated_iou()"
        ) from None
    if _is_numpy(xp):
        dt = np.result_type(a.dtype, b.dtype)
        a = np.broadcast_to(a, (*shape, 5)).astype(dt).reshape(-1, 5)
        b = np.broadcast_to(b, (*shape, 5)).astype(dt).reshape(-1, 5)
    else:
        a = xp.reshape(xp.broadcast_to(a, (*shape, 5)), (-1, 5))
        b = xp.reshape(xp.broadcast_to(b, (*shape, 5)), (-1, 5))
    return a, b, (xp, shape)


def _rotated_iou_flat(a: Any, b: Any, xp: Any, empty: Any, chunk: int = 1 << 14) -> Any:
    if _is_numpy(xp) and a.shape[0] > chunk:
        inter = np.concatenate(
            [_kr.intersection(a[i:i + chunk], b[i:i + chunk], np)
             for i in range(0, a.shape[0], chunk)]
        )
    else:
        inter = _kr.intersection(a, b, xp)
    union = a[:, 2] * a[:, 3] + b[:, 2] * b[:, 3] - inter
    ok = union > 0
    safe = xp.where(ok, union, xp.ones_like(union))
    value = inter / safe
    if not _is_numpy(xp) and math.prod(value.shape):
        # Identical boxes sit at IoU's maximum, where 0 is the symmetric subgradient;
        # autograd's one-sided slope there would push a box off its target.
        same = xp.all(_kb.stop_gradient(a) == _kb.stop_gradient(b), axis=-1)
        if bool(xp.any(same)):
            value = xp.where(same, _kb.stop_gradient(value), value)
    return _fill(value, ok, empty, xp)


def rotated_iou(a: Any, b: Any, *, degrees: bool = False, empty: Any = np.nan) -> Any:
    r"""IoU of rotated boxes, elementwise with broadcasting (exact polygon clipping).

    Parameters
    ----------
    a, b : array_like
        Rotated boxes ``(..., 5)`` = ``(cx, cy, w, h, angle)`` with broadcastable batch
        shapes; numpy or array-API arrays (torch tensors: differentiable).
    degrees : bool, default False
        Angles are in degrees instead of radians.
    empty : float or "raise", default nan
        Value where both boxes have zero area.

    Returns
    -------
    float or array
        IoU per broadcast pair.

    Raises
    ------
    ValueError
        Wrong last dimension, non-finite values, negative sizes, or batch shapes that do not
        broadcast.

    See Also
    --------
    pairwise_rotated_iou : All pairs.
    convert_angle : Read other angle conventions.

    Notes
    -----
    Corners are ``centre + R(angle) (±w/2, ±h/2)`` with
    :math:`R = \begin{pmatrix}\cos & -\sin\\ \sin & \cos\end{pmatrix}`. The intersection is
    the exact area of one rectangle clipped by the other (Sutherland–Hodgman against the
    four edges of the smaller box, in that box's frame, then Green's formula), vectorised over
    pairs and differentiable with torch; identical boxes give exactly 1. Accurate to a few
    ulps in float64. Where the IoU has a kink (identical, touching or edge-sharing boxes,
    squares a quarter turn apart, a box of zero width) the torch gradient is finite: one of
    the one-sided slopes, or a value between them.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> round(so.boxes.rotated_iou([0, 0, 2, 2, 0], [0, 0, 2, 2, np.pi / 4]), 6)
    0.707107
    >>> so.boxes.rotated_iou([0, 0, 4, 2, 0], [0, 0, 4, 2, 90], degrees=True)
    0.3333333333333333
    """
    empty = check_empty(empty)
    a2, b2, (xp, shape) = _rotated_pair(a, b, degrees)
    out = _rotated_iou_flat(a2, b2, xp, empty)
    return _finish(xp.reshape(out, shape))


def _zeros(shape: tuple[int, ...], like: Any, xp: Any) -> Any:
    """Zeros of ``like``'s dtype (and device, for array-API arrays)."""
    if _is_numpy(xp):
        return np.zeros(shape, dtype=like.dtype)
    import array_api_compat

    return xp.zeros(shape, dtype=like.dtype, device=array_api_compat.device(like))


def pairwise_rotated_iou(
    a: Any, b: Any, *, degrees: bool = False, empty: Any = np.nan
) -> Any:
    """IoU of every rotated box of ``a`` with every rotated box of ``b``.

    Parameters
    ----------
    a : array_like
        ``(N, 5)`` rotated boxes; numpy or array-API arrays (torch tensors: differentiable).
    b : array_like
        ``(M, 5)`` rotated boxes.
    degrees : bool, default False
        Angles are in degrees.
    empty : float or "raise", default nan
        Value for pairs of two zero-area boxes.

    Returns
    -------
    numpy.ndarray or array
        ``(N, M)``: float64 for numpy input; for tensors the operands' (promoted) dtype, on
        their device, with a gradient with respect to both operands.

    Raises
    ------
    ValueError
        If an operand is not ``(K, 5)`` or holds invalid boxes.
    EmptyUnionError
        With ``empty="raise"`` where both boxes of a pair have zero area.

    See Also
    --------
    rotated_iou : Elementwise.

    Notes
    -----
    Pairs whose circumscribed circles are disjoint are skipped (IoU 0, gradient 0) before the
    exact clipping kernel runs on the remaining pairs; the test runs without a gradient and
    the kernel's values are written into the result, so for tensors autograd flows through the
    computed pairs only. Rows are processed in blocks of about 2**20 pairs.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> a = [[0, 0, 2, 2, 0], [10, 0, 2, 2, 0]]
    >>> so.boxes.pairwise_rotated_iou(a, [[0, 0, 2, 2, np.pi / 2]])
    array([[1.],
           [0.]])
    """
    empty = check_empty(empty)
    xp, device = _namespace(a=a, b=b)
    a_ = _rotated(a, "a", xp, degrees, device)
    b_ = _rotated(b, "b", xp, degrees, device)
    for name, x in (("a", a_), ("b", b_)):
        if x.ndim != 2:
            raise ValueError(f"{name} must have shape (K, 5); got shape {tuple(x.shape)}")
    if _is_numpy(xp):
        a_, b_ = a_.astype(np.float64), b_.astype(np.float64)
    else:
        dt = xp.result_type(a_.dtype, b_.dtype)
        a_, b_ = xp.astype(a_, dt), xp.astype(b_, dt)
    n, m = a_.shape[0], b_.shape[0]
    out = _zeros((n, m), a_, xp)
    # The skip test and the bookkeeping need no gradient.
    a_c, b_c = _kb.stop_gradient(a_), _kb.stop_gradient(b_)
    area_a = a_c[:, 2] * a_c[:, 3]
    area_b = b_c[:, 2] * b_c[:, 3]
    both_empty = (area_a[:, None] == 0) & (area_b[None, :] == 0)
    if n and m and bool(xp.any(both_empty)):
        if empty == "raise":
            raise_if_empty(int(np.count_nonzero(_to_numpy(both_empty))))
        out[both_empty] = float(empty)
    ra = xp.sqrt(a_c[:, 2] * a_c[:, 2] + a_c[:, 3] * a_c[:, 3]) / 2
    rb = xp.sqrt(b_c[:, 2] * b_c[:, 2] + b_c[:, 3] * b_c[:, 3]) / 2
    block = max(1, (1 << 20) // max(m, 1))
    for i0 in range(0, n, block):
        i1 = min(n, i0 + block)
        dx = a_c[i0:i1, 0, None] - b_c[None, :, 0]
        dy = a_c[i0:i1, 1, None] - b_c[None, :, 1]
        reach = ra[i0:i1, None] + rb[None, :]
        near = (dx * dx + dy * dy <= reach * reach) & ~both_empty[i0:i1]
        ii, jj = xp.nonzero(near)
        if ii.shape[0]:
            vals = _rotated_iou_flat(
                xp.take(a_, ii + i0, axis=0), xp.take(b_, jj, axis=0), xp, 0.0
            )
            # boolean-mask assignment visits the pairs in the order of nonzero (row-major)
            out[i0:i1][near] = vals
    return out


def rotated_nms(
    boxes: Any,
    scores: Any,
    iou_threshold: float,
    *,
    degrees: bool = False,
    classes: Any = None,
) -> Any:
    """Greedy non-maximum suppression of rotated boxes.

    Parameters
    ----------
    boxes : array_like
        ``(N, 5)`` rotated boxes; numpy or array-API arrays (torch tensors).
    scores : array_like
        ``(N,)`` finite scores.
    iou_threshold : float
        Suppress a box when its rotated IoU with a kept box is strictly greater.
    degrees : bool, default False
        Angles are in degrees.
    classes : array_like, optional
        ``(N,)`` labels; boxes of different classes never suppress each other.

    Returns
    -------
    numpy.ndarray of intp or array of int64
        Kept indices by decreasing score (ties: lower index first). For array-API input
        (torch tensors) an ``int64`` array on the boxes' device.

    Raises
    ------
    ValueError
        If the shapes disagree or values are invalid.

    See Also
    --------
    nms : Axis-aligned boxes.

    Notes
    -----
    Selection is not differentiable: tensors are read without their gradient and the
    suppression runs on float64 numpy copies, so float32 tensors keep exactly the boxes that
    their float64 values keep.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> cars = [[0, 0, 4, 1.8, 0], [0, 0, 4, 1.8, np.pi / 2]]
    >>> so.boxes.rotated_nms(cars, [0.9, 0.8], 0.5)
    array([0, 1])
    """
    thr = _check_threshold(iou_threshold)
    xp, device = _namespace(boxes=boxes, scores=scores, classes=classes)
    x = _rotated(boxes, "boxes", xp, degrees, device)
    b = _to_numpy(x).astype(np.float64)
    if b.ndim != 2:
        raise ValueError(f"boxes must have shape (N, 5); got shape {b.shape}")
    s = _check_scores(_to_numpy(scores), b.shape[0])
    cls = None
    if classes is not None:
        cls = _to_numpy(classes)
        if cls.shape != (b.shape[0],):
            raise ValueError(
                f"classes must have shape ({b.shape[0]},), one per box; got shape {cls.shape}"
            )
    order = np.argsort(-s, kind="stable")

    def row(i: int, js: np.ndarray) -> np.ndarray:
        a = np.broadcast_to(b[i], (js.size, 5))
        return np.asarray(_rotated_iou_flat(a, b[js], np, 0.0))

    keep = _greedy(order, row, cls, thr)
    return keep if _is_numpy(xp) else _index_like(keep, device, xp)


def _index_like(keep: np.ndarray, device: Any, xp: Any) -> Any:
    """Kept indices as an ``int64`` array on ``device`` (array-API input)."""
    return xp.asarray(keep.astype(np.int64), device=device)


def convert_angle(boxes: Any, src: str = "rad", dst: str = "rad") -> Any:
    """Convert rotated boxes between angle conventions (the same rectangles).

    Parameters
    ----------
    boxes : array_like
        ``(..., 5)`` rotated boxes ``(cx, cy, w, h, angle)``; torch tensors come back as
        tensors of their dtype and device (a data-preparation step: without gradient).
    src, dst : {"rad", "deg", "opencv", "le90", "le135"}
        ``"rad"``: radians, counter-clockwise (this module's convention, any range);
        ``"deg"``: the same in degrees; ``"opencv"``: OpenCV's ``RotatedRect`` / ``minAreaRect``
        angle in degrees in ``(0, 90]`` — in image coordinates (y down) it turns clockwise on
        screen, which is this module's rotation applied to the pixel coordinates as numbers;
        ``"le90"``: long edge as ``w`` (``w >= h``), radians in ``[-π/2, π/2)``; ``"le135"``:
        long edge, radians in ``[-π/4, 3π/4)``.

    Returns
    -------
    numpy.ndarray
        Boxes in ``dst``; when normalising, ``w`` and ``h`` are swapped as needed.

    Raises
    ------
    ValueError
        If a convention is unknown or the boxes are invalid.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> so.boxes.convert_angle([0, 0, 1, 3, 0], "rad", "le90").round(4)
    array([ 0.    ,  0.    ,  3.    ,  1.    , -1.5708])
    >>> so.boxes.convert_angle([5, 5, 2, 4, 90], "opencv", "rad").round(4)
    array([5.    , 5.    , 2.    , 4.    , 1.5708])
    """
    check_choice("src", src, ANGLE_CONVENTIONS)
    check_choice("dst", dst, ANGLE_CONVENTIONS)
    xp = _kb.namespace(boxes)
    if not _is_numpy(xp):  # bookkeeping on the host; the result goes back to the device
        out = convert_angle(_to_numpy(_as_float(boxes, "boxes", xp)), src, dst)
        return _like(out, _as_float(boxes, "boxes", xp), xp)
    x = _rotated(np.asarray(boxes), "boxes", np, src in ("deg", "opencv")).astype(np.float64)
    cx, cy, w, h, t = (x[..., k] for k in range(5))
    if dst == "rad":
        return x
    if dst == "deg":
        return np.stack([cx, cy, w, h, np.degrees(t)], axis=-1)
    half = math.pi / 2
    if dst == "opencv":
        # angle in (0, π/2]: subtract quarter turns (each swaps w and h).
        k = np.ceil(t / half) - 1
        t2 = t - k * half
        odd = (k % 2) != 0
        w2, h2 = np.where(odd, h, w), np.where(odd, w, h)
        return np.stack([cx, cy, w2, h2, np.degrees(t2)], axis=-1)
    # long-edge conventions: make w the long side (a quarter turn swaps), then reduce mod π.
    swap = h > w
    w2, h2 = np.where(swap, h, w), np.where(swap, w, h)
    t2 = np.where(swap, t + half, t)
    lo = -half if dst == "le90" else -half / 2
    t2 = lo + np.mod(t2 - lo, math.pi)
    return np.stack([cx, cy, w2, h2, t2], axis=-1)
