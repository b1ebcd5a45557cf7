"""Timeline figure for event lists: reference vs prediction per label."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["timeline"]

# reference, prediction, intersection: Okabe–Ito blue, vermilion and a dark purple
_REF, _PRED, _BOTH = "#0072B2", "#D55E00", "#4B0055"


def _pieces(s: np.ndarray, e: np.ndarray, period: float | None, origin: float) -> list[
    tuple[float, float]
]:
    """``(x, width)`` bars; arcs on a circle are placed in ``[origin, origin + period)``."""
    if period is None:
        return [(float(a), float(b - a)) for a, b in zip(s, e, strict=True) if b > a]
    length = np.minimum(np.where(e < s, e - s + period, e - s), period)
    x = origin + np.mod(np.mod(s, period) - origin, period)
    return [(float(a), float(w)) for a, w in zip(x, length, strict=True) if w > 0]


def _canonical(iset: Any) -> tuple[np.ndarray, np.ndarray]:
    return iset._s, iset._e


def timeline(
    ref: Any,
    pred: Any,
    ax: Any = None,
    *,
    track: str | None = None,
    labels: Sequence[str] | None = None,
    title: str | None = None,
    xlabel: str = "time",
) -> Any:
    """Draw reference and predicted events per label, with their intersections highlighted.

    Parameters
    ----------
    ref, pred : EventList, DataFrame or array_like (N, 2)
        Reference and predicted events (:mod:`shapeoverlap.temporal`).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when omitted.
    track : str, optional
        The time line to draw (default: the first track, sorted by name).
    labels : sequence of str, optional
        Labels to draw, one row each, top to bottom (default: all labels of both lists).
    title : str, optional
        Axes title (default: the track name when the lists hold several tracks).
    xlabel : str, default "time"
        Label of the time axis.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    ValueError
        If ``track`` or a label is not in the lists, or the periods differ.

    See Also
    --------
    shapeoverlap.temporal.set_iou : The numbers behind the highlighted intersections.

    Notes
    -----
    Each label gets two lanes: the reference (blue) above, the prediction (vermilion)
    below; the intersection of the two unions is the dark purple strip between them.
    On a periodic time line the axis starts at the end of the largest empty gap, so events
    crossing the seam are drawn in one piece; its ticks are labelled modulo the period
    (``22, 0, 3, ...`` on a 24 h clock).

    Examples
    --------
    >>> import shapeoverlap as so
    >>> from shapeoverlap.temporal import EventList
    >>> ref = EventList.from_arrays([0, 5], [3, 9], label=["dog", "car"])
    >>> pred = EventList.from_arrays([1, 6], [4, 8], label=["dog", "car"])
    >>> ax = so.plot.timeline(ref, pred)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['dog', 'car']
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from ..intervals import IntervalSet
    from ..temporal._events import as_events, check_same_period, labels_of

    r = as_events(ref, "ref")
    p = as_events(pred, "pred")
    period = check_same_period(r, p)
    tracks = sorted(set(r.tracks) | set(p.tracks))
    if track is None:
        track = tracks[0] if tracks else None
    elif track not in tracks:
        raise ValueError(f"track {track!r} is not in ref or pred; tracks: {tracks[:10]}")
    if track is not None:
        r = _only(r, track)
        p = _only(p, track)
    known = labels_of(r, p)
    if labels is None:
        labels = known
    else:
        labels = [str(x) for x in labels]
        unknown = [x for x in labels if x not in known]
        if unknown:
            raise ValueError(f"unknown label(s) {unknown} for this track; labels: {known[:10]}")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.6 + 0.55 * max(len(labels), 1)))

    rf, pf = r._frame, p._frame
    origin = 0.0
    if period is not None:
        allev = IntervalSet(np.column_stack([np.r_[rf["start"], pf["start"]],
                                             np.r_[rf["end"], pf["end"]]]), period=period)
        if 0 < allev.measure < period:
            s, e = _canonical(allev)
            gaps = np.append(s[1:], s[0] + period) - e
            origin = float(s[(int(np.argmax(gaps)) + 1) % s.size])
    lo, hi = np.inf, -np.inf
    for row, lab in enumerate(labels):
        y = len(labels) - 1 - row
        rs = rf[rf["label"] == lab]
        ps = pf[pf["label"] == lab]
        bars_r = _pieces(rs["start"].to_numpy(float), rs["end"].to_numpy(float), period, origin)
        bars_p = _pieces(ps["start"].to_numpy(float), ps["end"].to_numpy(float), period, origin)
        ax.broken_barh(bars_r, (y + 0.09, 0.33), facecolors=_REF, edgecolor="white",
                       linewidth=0.5)
        ax.broken_barh(bars_p, (y - 0.42, 0.33), facecolors=_PRED, edgecolor="white",
                       linewidth=0.5)
        inter = IntervalSet(np.column_stack([rs["start"], rs["end"]]), period=period) & \
            IntervalSet(np.column_stack([ps["start"], ps["end"]]), period=period)
        bars_i = _pieces(inter.starts, inter.ends, period, origin)
        ax.broken_barh(bars_i, (y - 0.08, 0.16), facecolors=_BOTH, linewidth=0)
        for x, w in bars_r + bars_p:
            lo, hi = min(lo, x), max(hi, x + w)
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(list(reversed(labels)))
    ax.set_ylim(-0.6, len(labels) - 0.4)
    if period is not None:
        from matplotlib.ticker import FuncFormatter, MaxNLocator

        ax.set_xlim(origin, origin + period)
        # the axis runs past the seam: label its ticks with times on the clock
        ax.xaxis.set_major_locator(MaxNLocator(nbins=9, steps=[1, 2, 3, 5, 6, 10]))
        ax.xaxis.set_major_formatter(
            FuncFormatter(lambda x, _pos: f"{float(np.round(x % period, 9)):g}")
        )
    elif np.isfinite(lo):
        pad = 0.02 * (hi - lo) if hi > lo else 1.0
        ax.set_xlim(lo - pad, hi + pad)
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", alpha=0.3)
    handles = [Patch(color=_REF, label="reference"), Patch(color=_PRED, label="prediction"),
               Patch(color=_BOTH, label="intersection")]
    ax.legend(handles=handles,
              loc="upper right", fontsize="small", ncols=3, frameon=False,
              bbox_to_anchor=(1.0, 1.0 + 0.6 / max(len(labels), 1)))
    if title is None and len(tracks) > 1:
        title = f"track {track}"
    if title:
        ax.set_title(title, loc="left")
    return ax


def _only(ev: Any, track: str) -> Any:
    """Events of one track (an empty list when the track is absent)."""
    from ..temporal._events import EventList

    out = EventList.__new__(EventList)
    out._frame = ev._frame[(ev._frame["track"] == track).to_numpy()].reset_index(drop=True)
    out._period = ev.period
    return out
