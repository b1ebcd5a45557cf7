"""IntervalSet: exact unions of half-open intervals, optionally on a circle.

An :class:`IntervalSet` holds the union of any number of half-open intervals ``[start, end)``
as sorted, disjoint pieces (touching intervals are merged). With ``period=`` the line becomes a
circle of that circumference (hours of a day, degrees of an angle) and intervals may wrap
across the seam, e.g. ``(22, 6)`` on a 24-hour clock.

All work is vectorised: a numpy sort followed by linear sweeps (see
:mod:`shapeoverlap._kernels.intervals`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from ._kernels import intervals as _k
from .stats import OverlapStats

__all__ = ["IntervalSet", "interval_overlap"]

# Mean resultant length under which a circular mean is treated as undefined (as on grids).
_CIRCULAR_TOL = 1e-12


def _check_period(period: Any) -> float | None:
    if period is None:
        return None
    if isinstance(period, (bool, np.bool_)) or not isinstance(
        period, (int, float, np.integer, np.floating)
    ):
        raise TypeError(
            f"period must be a positive number or None; got {type(period).__name__} {period!r}"
        )
    p = float(period)
    if not math.isfinite(p) or p <= 0:
        raise ValueError(f"period must be a finite number > 0 (e.g. 24 or 360); got {period!r}")
    return p


def _as_pairs(intervals: Any, name: str = "intervals") -> np.ndarray:
    """Validate an (N, 2) array-like of finite numbers and return it as float64."""
    if intervals is None or isinstance(intervals, (str, bytes)):
        raise TypeError(
            f"{name} must be an (N, 2) array-like of [start, end) pairs; "
            f"got {type(intervals).__name__}"
        )
    try:
        raw = np.asarray(intervals)
        if raw.dtype.kind not in "mM":
            arr = raw.astype(np.float64, copy=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be an (N, 2) array-like of numbers; could not convert "
            f"{type(intervals).__name__} ({exc})"
        ) from None
    if raw.dtype.kind in "mM":
        # a float of a datetime is a count in its own unit (days, ns, ...): refuse to guess
        raise TypeError(
            f"{name} holds dates or durations; give numbers in one unit, e.g. "
            "(t - t0) / numpy.timedelta64(1, 's') for seconds"
        )
    if arr.size == 0:
        return np.empty((0, 2), dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] != 2:
        hint = " (wrap a single interval in a list: [(start, end)])" if arr.shape == (2,) else ""
        raise ValueError(f"{name} must have shape (N, 2); got shape {arr.shape}{hint}")
    bad = ~np.isfinite(arr)
    if bad.any():
        i = int(np.flatnonzero(bad.any(axis=1))[0])
        raise ValueError(
            f"{name} must be finite; {name}[{i}] = ({float(arr[i, 0])!r}, {float(arr[i, 1])!r}) "
            f"({int(bad.any(axis=1).sum())} row(s) with NaN or inf)"
        )
    return arr


def _arcs_to_pieces(
    starts: np.ndarray, ends: np.ndarray, period: float, name: str = "intervals"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split arcs ``(start, end)`` on a circle into unmerged pieces inside ``[0, period]``.

    ``end < start`` wraps once across the seam; ``end - start >= period`` is the full circle.
    Returns ``(piece_starts, piece_ends, row)`` with ``row`` the input row of each piece;
    zero-length arcs give no piece.
    """
    length = ends - starts
    wrap = length < 0
    length = np.where(wrap, length + period, length)
    if bool((length < 0).any()):
        i = int(np.flatnonzero(length < 0)[0])
        raise ValueError(
            f"{name}[{i}] = ({float(starts[i])!r}, {float(ends[i])!r}): end is more than one "
            f"period ({period!r}) before start; an interval wraps at most once"
        )
    full = length >= period
    s0 = np.mod(starts, period)
    e0 = np.mod(ends, period)
    s0[s0 >= period] = 0.0  # np.mod(-1e-20, 360) rounds to 360: a point at the period is 0
    e0[e0 >= period] = 0.0
    pos = (length > 0) & ~full
    straight = pos & (e0 > s0)
    # where rounding makes e0 == s0 the arc is either negligible or (almost) the full circle
    crossing = pos & ~straight & ((e0 < s0) | (length > period / 2))
    rows = np.arange(starts.size)
    rs, rc, rf = rows[straight], rows[crossing], rows[full]
    ps = np.concatenate([s0[straight], s0[crossing], np.zeros(rc.size + rf.size)])
    pe = np.concatenate(
        [e0[straight], np.full(rc.size, period), e0[crossing], np.full(rf.size, period)]
    )
    return ps, pe, np.concatenate([rs, rc, rc, rf])


class IntervalSet:
    """Exact union of half-open intervals ``[start, end)``, optionally on a circle.

    The intervals are merged and sorted on construction: overlapping and touching
    (book-ended) intervals become one, zero-length intervals are dropped (measure 0).

    Parameters
    ----------
    intervals : array_like, shape (N, 2)
        ``[start, end)`` pairs: an ``(N, 2)`` array, a list of pairs or an empty sequence. The
        pairs may be unsorted and overlapping.
    period : float, optional
        Circumference of a circle (e.g. ``24`` for hours, ``360`` for degrees). Coordinates are
        normalised into ``[0, period)``; a point exactly at ``period`` wraps to ``0``. A pair
        with ``end < start`` wraps across the seam (``(350, 10)`` on ``period=360`` has length
        20), and a pair of length ``>= period`` is the full circle.

    Attributes
    ----------
    starts, ends : numpy.ndarray
        Start and end of each disjoint interval, sorted by start. On a circle an interval
        crossing the seam is one interval with ``end < start`` (it comes last) and the full
        circle is ``(0, period)``.
    period : float or None
        Circumference of the circle, None on the real line.
    measure : float
        Total length.

    Raises
    ------
    ValueError
        If a pair has ``end < start`` (without ``period``), a value is NaN or infinite, the
        array is not ``(N, 2)`` or ``period <= 0``.
    TypeError
        If ``intervals`` is not numeric or ``period`` is not a number.

    See Also
    --------
    interval_overlap : The overlap statistics of two sets.
    shapeoverlap.iou : Scores of two sets.

    Notes
    -----
    Operators: ``a & b`` (intersection), ``a | b`` (union), ``a - b`` (difference) and
    ``a ^ b`` (symmetric difference). ``len(s)`` is the number of disjoint intervals, iteration
    yields ``(start, end)`` pairs of Python floats, ``==`` compares the sets exactly. Sets with
    different periods cannot be combined.

    Examples
    --------
    >>> import shapeoverlap as so
    >>> s = so.IntervalSet([(3, 4), (0, 2), (1, 3)])
    >>> s
    IntervalSet([(0.0, 4.0)])
    >>> (s - so.IntervalSet([(1, 2)])).measure
    3.0
    >>> night = so.IntervalSet([(22, 6)], period=24)
    >>> list(night), night.measure
    ([(22.0, 6.0)], 8.0)
    """

    __slots__ = ("_e", "_period", "_s")

    _s: np.ndarray
    _e: np.ndarray
    _period: float | None

    def __init__(self, intervals: Any = (), period: float | None = None) -> None:
        if isinstance(intervals, IntervalSet):
            p = _check_period(period) if period is not None else intervals.period
            if p != intervals.period:
                raise ValueError(
                    f"period={period!r} differs from the period of the IntervalSet given "
                    f"({intervals.period!r})"
                )
            self._s, self._e, self._period = intervals._s, intervals._e, p
            return
        p = _check_period(period)
        arr = _as_pairs(intervals)
        starts = np.ascontiguousarray(arr[:, 0])
        ends = np.ascontiguousarray(arr[:, 1])
        if p is None:
            bad = ends < starts
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise ValueError(
                    f"intervals[{i}] = ({float(starts[i])!r}, {float(ends[i])!r}) has end < start "
                    f"({int(bad.sum())} such interval(s)); swap them, or pass period= for "
                    "intervals that wrap around a circle"
                )
        else:
            starts, ends, _ = _arcs_to_pieces(starts, ends, p)
        s, e, _ = _k.merge(starts, ends)
        self._s, self._e, self._period = s, e, p

    @classmethod
    def _from_pieces(cls, s: np.ndarray, e: np.ndarray, period: float | None) -> IntervalSet:
        obj = cls.__new__(cls)
        obj._s, obj._e, obj._period = s, e, period
        return obj

    # -- properties ---------------------------------------------------------------------
    @property
    def period(self) -> float | None:
        """Circumference of the circle, or None on the real line."""
        return self._period

    @property
    def measure(self) -> float:
        """Total length of the set (a Python float)."""
        return float(np.sum(self._e - self._s))

    def _arcs(self) -> tuple[np.ndarray, np.ndarray]:
        s, e = self._s, self._e
        p = self._period
        if p is not None and s.size > 1 and s[0] == 0.0 and e[-1] == p:
            # the first and last pieces touch across the seam: one wrapping interval
            return s[1:].copy(), np.append(e[1:-1], e[0])
        return s.copy(), e.copy()

    @property
    def starts(self) -> np.ndarray:
        """Start of every disjoint interval (a new array)."""
        return self._arcs()[0]

    @property
    def ends(self) -> np.ndarray:
        """End of every disjoint interval (a new array; ``end < start`` wraps)."""
        return self._arcs()[1]

    def __len__(self) -> int:
        p = self._period
        n = self._s.size
        if p is not None and n > 1 and self._s[0] == 0.0 and self._e[-1] == p:
            return n - 1
        return n

    def __iter__(self) -> Iterator[tuple[float, float]]:
        s, e = self._arcs()
        return iter(zip(s.tolist(), e.tolist(), strict=True))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IntervalSet):
            return NotImplemented
        return (
            self._period == other._period
            and np.array_equal(self._s, other._s)
            and np.array_equal(self._e, other._e)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        pairs = list(self)
        if len(pairs) > 6:
            shown = ", ".join(f"({s!r}, {e!r})" for s, e in pairs[:3])
            tail = ", ".join(f"({s!r}, {e!r})" for s, e in pairs[-2:])
            body = f"[{shown}, ..., {tail}]  # {len(pairs)} intervals"
        else:
            body = "[" + ", ".join(f"({s!r}, {e!r})" for s, e in pairs) + "]"
        per = "" if self._period is None else f", period={self._period!r}"
        return f"IntervalSet({body}{per})"

    # -- set algebra --------------------------------------------------------------------
    def _check_other(self, other: Any, op: str) -> IntervalSet:
        if not isinstance(other, IntervalSet):
            raise TypeError(
                f"unsupported operand for {op}: IntervalSet and {type(other).__name__}; "
                "wrap the other operand with so.IntervalSet(...)"
            )
        if other._period != self._period:
            raise ValueError(
                f"cannot combine IntervalSets with different periods ({self._period!r} and "
                f"{other._period!r})"
            )
        return other

    def __and__(self, other: IntervalSet) -> IntervalSet:
        o = self._check_other(other, "&")
        s, e, _ = _k.intersect(self._s, self._e, o._s, o._e)
        return IntervalSet._from_pieces(s, e, self._period)

    def __or__(self, other: IntervalSet) -> IntervalSet:
        o = self._check_other(other, "|")
        s, e, _ = _k.merge(
            np.concatenate([self._s, o._s]), np.concatenate([self._e, o._e]),
            presorted_runs=True,
        )
        return IntervalSet._from_pieces(s, e, self._period)

    def _complement(self) -> IntervalSet:
        p = self._period
        lo, hi = (-np.inf, np.inf) if p is None else (0.0, p)
        s, e = _k.complement(self._s, self._e, lo, hi)
        return IntervalSet._from_pieces(s, e, p)

    def __sub__(self, other: IntervalSet) -> IntervalSet:
        o = self._check_other(other, "-")
        return self & o._complement()

    def __xor__(self, other: IntervalSet) -> IntervalSet:
        o = self._check_other(other, "^")
        return (self - o) | (o - self)

    def __contains__(self, x: object) -> bool:
        """Whether the point ``x`` lies in the set."""
        try:
            v = float(x)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False
        if self._period is not None:
            v = v % self._period
            v = 0.0 if v >= self._period else v
        i = int(np.searchsorted(self._s, v, side="right")) - 1
        return i >= 0 and v < self._e[i]

    # -- geometry -----------------------------------------------------------------------
    def hull(self) -> float:
        """Length of the smallest enclosing interval (on a circle: the shortest arc).

        Returns
        -------
        float
            ``max(end) - min(start)`` on a line; ``period`` minus the largest gap on a
            circle; 0 for an empty set.

        Examples
        --------
        >>> import shapeoverlap as so
        >>> so.IntervalSet([(350, 10), (20, 30)], period=360).hull()
        40.0
        """
        return _hull(self._s, self._e, self._period)

    def centroid(self) -> float:
        """Measure-weighted centre (on a circle: the circular mean, in ``[0, period)``).

        Returns
        -------
        float
            The centre; NaN for an empty set or, on a circle, a set spread so evenly that its
            circular mean is undefined.

        Examples
        --------
        >>> import shapeoverlap as so
        >>> so.IntervalSet([(0, 2), (4, 5)]).centroid()
        2.1666666666666665
        >>> so.IntervalSet([(350, 10)], period=360).centroid()
        0.0
        """
        c, ok = _centre(self._s, self._e, self._period)
        return c if ok else math.nan


def _hull(s: np.ndarray, e: np.ndarray, period: float | None) -> float:
    if s.size == 0:
        return 0.0
    if period is None:
        return float(e[-1] - s[0])
    gaps = np.empty(s.size)
    gaps[:-1] = s[1:] - e[:-1]
    gaps[-1] = period - e[-1] + s[0]
    return float(period - gaps.max())


def _centre(s: np.ndarray, e: np.ndarray, period: float | None) -> tuple[float, bool]:
    """Measure-weighted centre and whether it is defined."""
    length = e - s
    total = float(length.sum())
    if total <= 0:
        return math.nan, False
    if period is None:
        return float(np.sum(0.5 * (s + e) * length) / total), True
    k = 2 * np.pi / period
    ts, te = k * s, k * e
    # integral of exp(i theta) over each piece, up to the common factor 1/k
    c = float(np.sum(np.sin(te) - np.sin(ts)))
    sn = float(np.sum(np.cos(ts) - np.cos(te)))
    if math.hypot(c, sn) <= _CIRCULAR_TOL * k * total:
        return math.nan, False
    ang = math.atan2(sn, c) % (2 * np.pi)
    centre = ang / k
    return (0.0 if centre >= period else centre), True


def _check_pair(a: Any, b: Any) -> tuple[IntervalSet, IntervalSet]:
    for name, x in (("a", a), ("b", b)):
        if not isinstance(x, IntervalSet):
            raise TypeError(f"{name} must be an IntervalSet; got {type(x).__name__}")
    if a.period != b.period:
        raise ValueError(
            f"a and b have different periods ({a.period!r} and {b.period!r}); "
            "build both sets with the same period="
        )
    return a, b


def interval_overlap(a: IntervalSet, b: IntervalSet, *, geometry: bool = True) -> OverlapStats:
    r"""Overlap statistics of two interval sets.

    Parameters
    ----------
    a, b : IntervalSet
        Two sets with the same ``period``.
    geometry : bool, default True
        Also measure ``hull``, ``center_distance`` and ``hull_diameter`` (for GIoU and DIoU).

    Returns
    -------
    OverlapStats
        Python floats: ``intersection`` = :math:`|a \cap b|`, ``union`` = :math:`|a \cup b|`,
        ``size_a``, ``size_b``, and with ``geometry``:

        * ``hull``: length of the smallest interval holding :math:`a \cup b`; on a circle the
          shortest arc holding both, i.e. ``period`` minus the largest gap of the union;
        * ``center_distance``: distance between the measure-weighted centroids of ``a`` and
          ``b``; on a circle between their circular means, wrapped to at most
          ``period / 2``. A set whose centre is undefined (empty, or spread so evenly that its
          mean resultant length is below 1e-12) contributes a distance of 0, the rule masks
          on grids follow too;
        * ``hull_diameter``: the hull's length (the diameter of an interval).

    Raises
    ------
    TypeError
        If ``a`` or ``b`` is not an :class:`IntervalSet`.
    ValueError
        If their periods differ.

    See Also
    --------
    shapeoverlap.overlap : The public entry point for every shape kind.

    Examples
    --------
    >>> import shapeoverlap as so
    >>> s = interval_overlap(so.IntervalSet([(0, 2)]), so.IntervalSet([(1, 4)]))
    >>> s.intersection, s.union, s.hull, s.center_distance
    (1.0, 4.0, 4.0, 1.5)
    """
    a, b = _check_pair(a, b)
    s, e, _ = _k.intersect(a._s, a._e, b._s, b._e)
    inter = float(np.sum(e - s))
    size_a, size_b = a.measure, b.measure
    union = size_a + size_b - inter
    if not geometry:
        return OverlapStats(intersection=inter, union=union, size_a=size_a, size_b=size_b)
    p = a.period
    if a._s.size == 0 or b._s.size == 0:
        only = a if b._s.size == 0 else b
        hull = _hull(only._s, only._e, p)
    elif p is None:
        hull = float(max(a._e[-1], b._e[-1]) - min(a._s[0], b._s[0]))
    else:
        us, ue, _ = _k.merge(
            np.concatenate([a._s, b._s]), np.concatenate([a._e, b._e]), presorted_runs=True
        )
        hull = _hull(us, ue, p)
    ca, oka = _centre(a._s, a._e, p)
    cb, okb = _centre(b._s, b._e, p)
    if not (oka and okb):
        dist = 0.0
    elif p is None:
        dist = abs(ca - cb)
    else:
        d = abs(ca - cb) % p
        dist = min(d, p - d)
    return OverlapStats(
        intersection=inter, union=union, size_a=size_a, size_b=size_b,
        hull=hull, center_distance=float(dist), hull_diameter=hull,
    )
