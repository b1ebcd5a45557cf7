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


def _race_figure(
    runs: Mapping[str, tuple[np.ndarray, np.ndarray]],
    target: Any,
    *,
    planes: Sequence[tuple[str, str]] = (
        ("GIoU", "grows, then moves"),
        ("DIoU", "heads straight for the centre"),
    ),
) -> Any:
    """Figure of a convergence race: IoU per step, and box paths in the plane.

    Parameters
    ----------
    runs : mapping of str to (numpy.ndarray, numpy.ndarray)
        Per runner, the IoU with the target ``(T,)`` and the predicted boxes ``(T, 4)`` (xyxy)
        before the first step and after every step.
    target : array_like
        The target xyxy box.
    planes : sequence of (str, str)
        One plane panel per entry: runner and title. About ten snapshots are drawn, from the
        start to the first step with IoU above 0.99.

    Returns
    -------
    matplotlib.figure.Figure
        Left: IoU against the step for every runner; right: the target, snapshots of the
        predicted box and the path of its centre for the runners of ``planes``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    t = np.asarray(target, dtype=np.float64)
    # IoU grey; GIoU vermilion, DIoU blue, then the rest of the cycle
    palette = ("0.5", _CYCLE[1], _CYCLE[0], *_CYCLE[2:])
    colours = {name: palette[i % len(palette)] for i, name in enumerate(runs)}
    styles = {0: ":", 3: "--", 4: "-."}
    fig = plt.figure(figsize=(13.5, 4.4), layout="constrained")
    grid = fig.add_gridspec(1, 1 + len(planes), width_ratios=[1.3] + [1.0] * len(planes))
    ax = fig.add_subplot(grid[0])
    for i, (name, (iou, _)) in enumerate(runs.items()):
        above = np.flatnonzero(iou > 0.5)
        label = f"{name}: IoU > 0.5 at step {above[0]}" if above.size else f"{name}: never moves"
        ax.plot(iou, color=colours[name], lw=2, ls=styles.get(i, "-"), label=label)
    ax.axhline(0.5, color="0.6", lw=0.8, ls=":")
    ax.set_xlim(0, max(len(iou) for iou, _ in runs.values()) - 1)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("gradient step")
    ax.set_ylabel("IoU with the target")
    ax.set_title("(a) IoU along the descent", loc="left")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, fontsize="small",
              frameon=False)

    first = None
    drawn = []
    for j, (name, title) in enumerate(planes):
        iou, boxes = runs[name]
        done = np.flatnonzero(iou > 0.99)
        upto = int(done[0]) if done.size else len(iou) - 1
        every = next(k for k in (1, 2, 5, 10, 20, 50, 100, 200, 500, len(iou))
                     if upto / k <= 12)
        pax = fig.add_subplot(grid[1 + j], sharex=first, sharey=first)
        first = first or pax
        colour = colours[name]
        pax.add_patch(Rectangle(tuple(t[:2]), *(t[2:] - t[:2]), facecolor="0.85", edgecolor="k",
                                lw=1.5, zorder=3, label="target"))
        steps = list(range(0, min(upto, len(boxes) - 1) + 1, every))
        for n, k in enumerate(steps):
            b = boxes[k]
            pax.add_patch(Rectangle(tuple(b[:2]), *(b[2:] - b[:2]), fill=False, edgecolor=colour,
                                    lw=1.2, alpha=0.3 + 0.7 * n / max(len(steps) - 1, 1),
                                    ls="--" if k == 0 else "-", zorder=4,
                                    label=f"box every {every} steps (dashed: start)"
                                    if n == 0 else None))
        centre = (boxes[:, :2] + boxes[:, 2:]) / 2
        pax.plot(*centre.T, color=colour, lw=2, zorder=5, label="path of the centre")
        pax.plot(*centre[steps].T, "o", color=colour, ms=3.5, zorder=6)
        pax.plot(*((t[:2] + t[2:]) / 2), "k+", ms=10, mew=2, zorder=6)
        area = np.prod(boxes[:, 2:] - boxes[:, :2], axis=1)
        length = float(np.sum(np.hypot(*np.diff(centre, axis=0).T)))
        chord = float(np.hypot(*(centre[-1] - centre[0])))
        k = int(np.argmax(area))
        note = (f"largest box: {area[k] / np.prod(t[2:] - t[:2]):.1f}× the target's area "
                f"(step {k})\ncentre path: straight distance / length = {chord / length:.2f}")
        pax.text(0.03, 0.97, note, transform=pax.transAxes, va="top", fontsize="small",
                 bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 2},
                 zorder=7)
        pax.set_aspect("equal")
        pax.set_title(f"({'bcdefg'[j]}) {name}: {title}", loc="left")
        pax.set_xlabel("x")
        if j == 0:
            pax.set_ylabel("y")
        pax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, fontsize="small",
                   frameon=False)
        drawn.append(boxes[: upto + 1])
        drawn.append(t[None])
    if first is not None:
        allb = np.concatenate(drawn)
        lo, hi = allb[:, :2].min(axis=0), allb[:, 2:].max(axis=0)
        pad = 0.05 * float(np.max(hi - lo))
        first.set_xlim(lo[0] - pad, hi[0] + pad)
        first.set_ylim(lo[1] - pad, hi[1] + pad + 0.18 * float(hi[1] - lo[1]))
    return fig
