"""Numpy kernels for sets of half-open intervals ``[start, end)`` on a line.

Arrays in, arrays out; no validation (the public wrappers validate). Every kernel works on
float64 ``starts``/``ends`` and an optional integer ``groups`` array: intervals of different
groups (tracks, labels, chromosomes) live on separate lines and never interact. Results are
sorted by ``(group, start)``.

The algorithms are a sort followed by linear sweeps (``np.maximum.accumulate``, ``cumsum``):
no Python loop runs per interval.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "complement",
    "intersect",
    "merge",
    "overlapping_pairs",
    "segmented_cummax",
]


def _sort_order(starts: np.ndarray, groups: np.ndarray | None, *, presorted_runs: bool) -> (
    np.ndarray | None
):
    """Permutation sorting by ``(group, start)``; None when the input is already sorted."""
    n = starts.size
    if n < 2:
        return None
    if groups is None:
        if bool(np.all(starts[1:] >= starts[:-1])):
            return None
        # Timsort ("stable") is linear on a few presorted runs (concatenated merged sets).
        return np.argsort(starts, kind="stable" if presorted_runs else None)
    dg = np.diff(groups)
    if bool(np.all((dg > 0) | ((dg == 0) & (starts[1:] >= starts[:-1])))):
        return None
    key = np.empty(n, dtype=np.complex128)  # numpy orders complex numbers lexicographically
    key.real = groups
    key.imag = starts
    return np.argsort(key, kind="stable" if presorted_runs else None)


def segmented_cummax(x: np.ndarray, groups: np.ndarray | None) -> np.ndarray:
    """Compute the running maximum of ``x``, restarted where ``groups`` (sorted) changes.

    Without groups this is ``np.maximum.accumulate``; with groups a log-step (Hillis–Steele)
    scan whose number of passes is ``ceil(log2(largest group))``.
    """
    if groups is None or x.size == 0:
        return np.maximum.accumulate(x)
    first = np.ones(x.size, dtype=bool)
    first[1:] = groups[1:] != groups[:-1]
    head = np.flatnonzero(first)
    sizes = np.diff(np.append(head, x.size))
    if head.size == 1:
        return np.maximum.accumulate(x)
    pos = np.arange(x.size) - np.repeat(head, sizes)  # position inside the group
    out = x.copy()
    k = 1
    largest = int(sizes.max())
    while k < largest:
        cand = np.maximum(out[k:], out[:-k])
        out[k:] = np.where(pos[k:] >= k, cand, out[k:])
        k *= 2
    return out


def merge(
    starts: np.ndarray,
    ends: np.ndarray,
    groups: np.ndarray | None = None,
    *,
    presorted_runs: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Union of intervals: sorted, disjoint, with touching (book-ended) intervals merged.

    Zero-length intervals (``end == start``) are dropped: they have measure 0.

    Parameters
    ----------
    starts, ends : numpy.ndarray
        float64 arrays with ``ends >= starts``.
    groups : numpy.ndarray, optional
        Integer group of each interval.
    presorted_runs : bool
        Hint that the input is a concatenation of a few sorted runs.

    Returns
    -------
    tuple of numpy.ndarray
        ``(starts, ends, groups)`` of the merged intervals (``groups`` None when not given).
    """
    keep = ends > starts
    if not bool(keep.all()):
        starts, ends = starts[keep], ends[keep]
        groups = None if groups is None else groups[keep]
    order = _sort_order(starts, groups, presorted_runs=presorted_runs)
    if order is not None:
        starts, ends = starts[order], ends[order]
        groups = None if groups is None else groups[order]
    n = starts.size
    if n == 0:
        return starts.copy(), ends.copy(), None if groups is None else groups.copy()
    reach = segmented_cummax(ends, groups)
    new = np.empty(n, dtype=bool)
    new[0] = True
    # a strict ">" merges book-ended intervals ([0, 2) and [2, 3) become [0, 3))
    np.greater(starts[1:], reach[:-1], out=new[1:])
    if groups is not None:
        new[1:] |= groups[1:] != groups[:-1]
    head = np.flatnonzero(new)
    tail = np.empty_like(head)
    tail[:-1] = head[1:] - 1
    tail[-1] = n - 1
    return starts[head], reach[tail], None if groups is None else groups[head]


def intersect(
    a_starts: np.ndarray,
    a_ends: np.ndarray,
    b_starts: np.ndarray,
    b_ends: np.ndarray,
    a_groups: np.ndarray | None = None,
    b_groups: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Intersection of two *merged* interval sets (output of :func:`merge`).

    Every piece of ``a ∩ b`` starts where an interval of one set starts inside the last
    interval of the other set that began before it; a merge of the two sorted lists followed
    by a running "last index seen" sweep finds them all. The pieces are disjoint, sorted and
    of positive length, so their number is bedtools' ``n_intersections``.

    Returns
    -------
    tuple of numpy.ndarray
        ``(starts, ends, groups)`` of the intersection pieces.
    """
    grouped = a_groups is not None
    s = np.concatenate([a_starts, b_starts])
    e = np.concatenate([a_ends, b_ends])
    g = np.concatenate([a_groups, b_groups]) if grouped else None
    from_b = np.zeros(s.size, dtype=bool)
    from_b[a_starts.size :] = True
    order = _sort_order(s, g, presorted_runs=True)
    if order is not None:
        s, e, from_b = s[order], e[order], from_b[order]
        g = None if g is None else g[order]
    n = s.size
    if n == 0:
        return s, e, g
    idx = np.arange(n)
    last_b = np.maximum.accumulate(np.where(from_b, idx, -1))
    last_a = np.maximum.accumulate(np.where(from_b, -1, idx))
    # index of the last interval of the *other* set strictly before position i
    other = np.empty(n, dtype=np.int64)
    other[0] = -1
    other[1:] = np.where(from_b[1:], last_a[:-1], last_b[:-1])
    ok = other >= 0
    o = np.where(ok, other, 0)
    hi = np.minimum(e, e[o])
    ok &= hi > s
    if g is not None:
        ok &= g[o] == g
    return s[ok], hi[ok], None if g is None else g[ok]


def complement(
    starts: np.ndarray, ends: np.ndarray, lo: float, hi: float
) -> tuple[np.ndarray, np.ndarray]:
    """Gaps of a merged (sorted, disjoint) set inside ``[lo, hi)``; ``lo``/``hi`` may be ±inf."""
    gs = np.concatenate([[lo], ends])
    ge = np.concatenate([starts, [hi]])
    keep = ge > gs
    return gs[keep], ge[keep]


def overlapping_pairs(
    a_starts: np.ndarray,
    a_ends: np.ndarray,
    b_starts: np.ndarray,
    b_ends: np.ndarray,
    a_groups: np.ndarray | None = None,
    b_groups: np.ndarray | None = None,
    *,
    sort: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """All pairs ``(i, j)`` of intervals with an intersection of positive length.

    The inputs need not be sorted nor disjoint. Each pair is found exactly once: either
    ``b[j]`` starts inside ``a[i]`` (``sa <= sb < ea``) or ``a[i]`` starts strictly inside
    ``b[j]`` (``sb < sa < eb``); each case is a contiguous range of a sorted array, so the
    cost is a sort plus the size of the output (no quadratic step).

    Returns
    -------
    tuple of numpy.ndarray
        ``(i, j)`` int64 index arrays into ``a`` and ``b``, sorted by ``i`` then ``j`` when
        ``sort`` (otherwise in no particular order).
    """
    ia1, jb1 = _starts_inside(a_starts, a_ends, a_groups, b_starts, b_ends, b_groups, True)
    jb2, ia2 = _starts_inside(b_starts, b_ends, b_groups, a_starts, a_ends, a_groups, False)
    i = np.concatenate([ia1, ia2])
    j = np.concatenate([jb1, jb2])
    if sort and i.size:
        order = np.lexsort((j, i))
        i, j = i[order], j[order]
    return i, j


def _key(values: np.ndarray, groups: np.ndarray | None) -> np.ndarray:
    if groups is None:
        return values
    key = np.empty(values.size, dtype=np.complex128)
    key.real = groups
    key.imag = values
    return key


def _starts_inside(
    x_starts: np.ndarray,
    x_ends: np.ndarray,
    x_groups: np.ndarray | None,
    y_starts: np.ndarray,
    y_ends: np.ndarray,
    y_groups: np.ndarray | None,
    closed_left: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs where a positive-length ``y`` starts in ``[sx, ex)`` (or ``(sx, ex)``)."""
    ypos = np.flatnonzero(y_ends > y_starts)
    xpos = np.flatnonzero(x_ends > x_starts)
    if ypos.size == 0 or xpos.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    yg = None if y_groups is None else y_groups[ypos]
    xg = None if x_groups is None else x_groups[xpos]
    ykey = _key(y_starts[ypos], yg)
    order = np.argsort(ykey)
    ykey = ykey[order]
    lo = np.searchsorted(ykey, _key(x_starts[xpos], xg), side="left" if closed_left else "right")
    hi = np.searchsorted(ykey, _key(x_ends[xpos], xg), side="left")
    count = np.maximum(hi - lo, 0)
    total = int(count.sum())
    xi = np.repeat(xpos, count)
    # position k of each pair inside its x's range: lo[x] + (k - offset of x)
    offsets = np.cumsum(count) - count
    within = np.arange(total) - np.repeat(offsets, count)
    yj = ypos[order[np.repeat(lo, count) + within]]
    return xi.astype(np.int64, copy=False), yj.astype(np.int64, copy=False)
