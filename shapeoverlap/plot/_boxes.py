"""Figures for boxes: boxes drawn as outlines, and threshold curves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["boxes", "threshold_curve"]

# Okabe–Ito colour-blind-safe cycle.
_CYCLE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")


def _outlines(b: np.ndarray, fmt: str, degrees: bool) -> np.ndarray:
    """Corner polygons ``(N, 4, 2)`` of axis-aligned ``(N, 4)`` or rotated ``(N, 5)`` boxes."""
    from .. import boxes as _b

    if b.shape[-1] == 5:
        r = _b.convert_angle(b, "deg" if degrees else "rad", "rad")
        cx, cy, w, h, t = r.T
        sx = np.array([-1, 1, 1, -1]) / 2
        sy = np.array([-1, -1, 1, 1]) / 2
        px, py = w[:, None] * sx, h[:, None] * sy
        c, s = np.cos(t)[:, None], np.sin(t)[:, None]
        return np.stack([cx[:, None] + c * px - s * py, cy[:, None] + s * px + c * py], -1)
    x = _b.convert(b, fmt, "xyxy")  # type: ignore[arg-type]
    x1, y1, x2, y2 = x.T
    return np.stack([np.stack([x1, x2, x2, x1], -1), np.stack([y1, y1, y2, y2], -1)], -1)


def boxes(
    boxes: Any,
    *more: Any,
    labels: Sequence[str] | None = None,
    scores: Any = None,
    fmt: str = "xyxy",
    degrees: bool = False,
    ax: Any = None,
    title: str | None = None,
    fill: bool = False,
    invert_y: bool = False,
) -> Any:
    """Draw one or more sets of boxes (axis-aligned or rotated) as outlines.

    Parameters
    ----------
    boxes : array_like
        ``(N, 4)`` axis-aligned boxes in ``fmt`` or ``(N, 5)`` rotated boxes
        ``(cx, cy, w, h, angle)``; a single box may be given as a flat sequence.
    *more : array_like
        Further sets of boxes, each drawn in its own colour.
    labels : sequence of str, optional
        Legend names of the sets.
    scores : array_like, optional
        ``(N,)`` numbers written beside the boxes of the first set.
    fmt : {"xyxy", "xywh", "cxcywh"}, default "xyxy"
        Format of axis-aligned boxes.
    degrees : bool, default False
        Angles of rotated boxes are in degrees.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.
    title : str, optional
        Axes title.
    fill : bool, default False
        Fill the boxes with a translucent colour.
    invert_y : bool, default False
        Point the y axis down (image coordinates).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn into (equal aspect).

    Raises
    ------
    ValueError
        If a set is not ``(N, 4)`` or ``(N, 5)``, or ``labels``/``scores`` do not match.

    Examples
    --------
    >>> import shapeoverlap as so
    >>> ax = so.plot.boxes([[0, 0, 2, 1], [1, 0.5, 3, 2]], [[1, 1, 2, 1, 0.5]],
    ...                    labels=["axis-aligned", "rotated"])
    >>> len(ax.patches)
    3
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Polygon

    sets = [np.atleast_2d(np.asarray(b, dtype=np.float64)) for b in (boxes, *more)]
    for i, b in enumerate(sets):
        if b.ndim != 2 or b.shape[1] not in (4, 5):
            raise ValueError(
                f"box set {i} must have shape (N, 4) or (N, 5); got shape {b.shape}"
            )
    if labels is not None and len(labels) != len(sets):
        raise ValueError(f"labels names {len(labels)} set(s) but {len(sets)} were given")
    sc = None
    if scores is not None:
        sc = np.asarray(scores, dtype=np.float64).ravel()
        if sc.size != sets[0].shape[0]:
            raise ValueError(
                f"scores has {sc.size} value(s) but the first set has {sets[0].shape[0]} box(es)"
            )
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    pts = []
    for i, b in enumerate(sets):
        colour = _CYCLE[i % len(_CYCLE)]
        polys = _outlines(b, fmt, degrees)
        for k, p in enumerate(polys):
            label = labels[i] if labels is not None and k == 0 else None
            ax.add_patch(Polygon(p, closed=True, fill=fill, alpha=0.35 if fill else 1.0,
                                 facecolor=colour, edgecolor=colour, lw=1.8, label=label))
            if fill:
                ax.add_patch(Polygon(p, closed=True, fill=False, edgecolor=colour, lw=1.8))
            if i == 0 and sc is not None:
                top = p[np.argmax(p[:, 1])]
                ax.annotate(f"{sc[k]:.2f}", top, textcoords="offset points", xytext=(2, 2),
                            fontsize="small", color=colour)
        pts.append(polys.reshape(-1, 2))
    allp = np.concatenate(pts) if pts else np.zeros((0, 2))
    if allp.size:
        lo, hi = allp.min(axis=0), allp.max(axis=0)
        pad = 0.05 * max(float(np.max(hi - lo)), 1e-300)
        ax.set_xlim(lo[0] - pad, hi[0] + pad)
        ax.set_ylim(lo[1] - pad, hi[1] + pad)
    ax.set_aspect("equal")
    if invert_y:
        ax.invert_yaxis()
    if labels is not None:
        ax.legend(loc="best", fontsize="small")
    if title is not None:
        ax.set_title(title)
    return ax


def threshold_curve(
    values: Any,
    thresholds: Any = None,
    *,
    ax: Any = None,
    label: str | None = None,
    xlabel: str = "IoU threshold",
    ylabel: str = "fraction ≥ threshold",
    title: str | None = None,
    mark: Sequence[float] = (),
) -> Any:
    """Draw the fraction of values at or above a threshold, as a function of the threshold.

    With IoUs of matched detections this is recall against the IoU threshold; with the best
    IoU of every anchor it is the fraction of positive anchors.

    Parameters
    ----------
    values : array_like or mapping of str to array_like
        One set of values (e.g. IoUs), or several named sets, one curve each.
    thresholds : array_like, optional
        Thresholds on the x axis; 201 points in ``[0, 1]`` by default.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.
    label : str, optional
        Legend name of a single curve.
    xlabel, ylabel, title : str
        Axis labels and title.
    mark : sequence of float
        Thresholds to mark with vertical dotted lines (e.g. 0.5, 0.7).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn into.

    Raises
    ------
    ValueError
        If a set of values is empty or holds NaN.

    Examples
    --------
    >>> import shapeoverlap as so
    >>> ax = so.plot.threshold_curve({"a": [0.2, 0.6, 0.9], "b": [0.5, 0.5]}, mark=[0.5])
    >>> [line.get_label() for line in ax.get_lines()][:2]
    ['a', 'b']
    """
    import matplotlib.pyplot as plt

    named = dict(values) if isinstance(values, Mapping) else {label or "": values}
    t = np.linspace(0, 1, 201) if thresholds is None else np.asarray(thresholds, dtype=float)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.5))
    for i, (name, v) in enumerate(named.items()):
        arr = np.sort(np.asarray(v, dtype=np.float64).ravel())
        if arr.size == 0 or np.isnan(arr).any():
            raise ValueError(f"values {name!r} must be non-empty and free of NaN")
        frac = 1 - np.searchsorted(arr, t, side="left") / arr.size
        ax.plot(t, frac, color=_CYCLE[i % len(_CYCLE)], lw=1.8, label=name or None,
                drawstyle="steps-post")
    for m in mark:
        ax.axvline(m, color="0.5", ls=":", lw=1)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(-0.02, 1.02)
    if any(named):
        ax.legend(loc="best", fontsize="small")
    if title is not None:
        ax.set_title(title)
    return ax
