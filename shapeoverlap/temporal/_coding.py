"""Anchor-relative interval coding: the decoder's arithmetic and the encoder's code search.

Decoding computes, in exactly this order of float64 operations (:func:`decode_rows`),

* ``L = l_a exp(δl / w_l)`` and ``C = c_a + (δc / w_c) l_a``,
* ``start = C - L / 2`` and ``end = start + L``.

That is the symmetric form ``[c - h, c + h]`` written differently, but the end is rounded
from ``start + L`` rather than from ``c + h``. ``encode`` checks its codes with the same
function, so the two cannot drift apart.

Which intervals come back exactly
---------------------------------
With ``fl`` the rounding to float64, ``[s, e]`` comes back when codes give ``fl(s + L) = e``
and ``fl(C - L / 2) = s``. The symmetric form has a parity obstruction: when ``s`` and ``e``
share a binade (spacing ``u``) and ``s/u + e/u`` is odd, ``c - h`` and ``c + h`` are both
half-way between floats and round-half-even sends one the wrong way (``[12.3, 15.6]``; about
40 % of hand-typed intervals). Decoding the end from the start removes it: any length within
about half an ulp of ``e - s`` gives the end back. What can still fail, in three ways:

* no float length gives the end back: when ``L`` shares the spacing of ``e`` and ``s`` sits
  half-way between two multiples of it, every ``s + L`` is a tie that round-half-even
  sends to the even neighbour (``[0.26, 2.39]``);
* no floats ``C, L`` give both ends: the centres with ``fl(C - L/2) = s`` form a window one
  spacing of ``s`` wide, which holds no float when ``C`` lies in a coarser binade than ``s``
  (``[200.37, 350.44]``: ``s < 256 <= C``; ``[1.35, 3.74]``), or none that pairs with a
  length that gives the end back;
* floats exist but no code reaches them: one float step of ``δl`` moves ``L`` by about
  ``max(1, |δl / w_l|)`` ulps of ``L``, one of ``δc`` moves ``C`` by an ulp of ``C - c_a``,
  and a weight that is not a power of two adds a rounding, so the reachable values can step
  over the few that work. This depends on the anchor: ``[3.65, 5.06]`` has no code against
  ``[3.6338599173917903, 4.858899785013566]`` and one against ``[3.63, 4.86]``.

:func:`no_float_pair` decides the first two cheaply for ``s >= 0`` by enumerating the few
candidate floats, and such rows skip the search. The tests check, by an exhaustive search
over the floats that codes reach (decoding is monotone in each code), that every row
``encode`` leaves inexact has no code at all: for samples of typed times in four regimes
and two weight pairs, none was missed. On decoder outputs (a code exists by construction)
the search misses about 4e-7 of rows, intervals across 0 or far from their anchor.

Rows for which no code is found keep the closed-form codes. Their decoded ends are then
within ``6 + 2 |δl / w_l|`` ulps of ``S = max(|s|, |e|, |c_a|)``, and within
``4 + 2 |δl / w_l|`` ulps for power-of-two weights (the default): each rounding of the
closed form and of the decoder costs at most an ulp of ``S`` or so, and ``exp`` turns the
rounding of its argument into ``|δl / w_l|`` ulps of ``L <= 2 S``. The tests measure it
(largest seen: 4.9 and 3.3 ulps above ``2 |δl / w_l|``). The round trip assumes the same
NumPy build for ``encode`` and ``decode`` (``exp`` may differ between builds).

The search
----------
For each row the closed form gets wrong, *length first*: aim ``L`` at ``e - s + k u`` for
``k`` in ``1/4, -1/4, 0, 1/2, -1/2`` (``u`` the spacing of ``e``; the quarter-ulp targets
keep ``s + L`` and ``C - L/2`` off round-half-even ties), reach a length with
``fl(s + L) = e`` by Newton steps on ``δl`` and a scan of the float steps around them, then
a centre with ``fl(C - L/2) = s`` the same way on ``δc``. Where the centres reachable by
``δc`` are coarser than ``s`` (intervals far from their anchor or across 0), few lengths fit
any one centre, so the rows still failing are tried *centre first*: the floats next to
``(s + e) / 2`` as centres, each with a length aimed at ``2 (C - s)``. A second, thorough
pass takes the rows still failing: it also aims at the neighbouring floats of the centre
and at the lowest centre and length that may fit, and where the scan misses it bisects the
codes, because where a code step moves ``L`` or ``C`` by far less than a float but ``exp``
rounds in coarser steps, Newton's iterates can hop back and forth over the few codes that
work. A code is kept only when the decoder's own arithmetic gives back ``s`` and ``e``
exactly.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

RowIndex = slice | np.ndarray
# f(codes, rows): a decoder quantity (or an exactness test) of the rows ``rows``
RowFn = Callable[[np.ndarray, RowIndex], np.ndarray]

_SIGN = np.int64(-(2**63))
_MAG = np.int64(2**63 - 1)
# float steps scanned either side of the Newton estimate, and Newton steps taken
_SCAN = 4
_NEWTON = 3
_SCAN_ORDER = (0, *(j for i in range(1, _SCAN + 1) for j in (i, -i)))
# floats either side of fl(e - s) and of fl(s + L/2) that no_float_pair enumerates
_PAIR_L = 10
_PAIR_C = 3
# the most floats either side of the Newton estimate that the bisection brackets
_BRACKET = 2.0**24
# target lengths e - s + k u (u the spacing of e): a quarter ulp off keeps s + L and
# C - L/2 away from round-half-even ties; the ties themselves are tried last
_LENGTH_OFFSETS = (0.25, -0.25, 0.0, 0.5, -0.5)
# codes next to the centre (s + e) / 2 tried when choosing the centre first
_CENTRE_STEPS = _SCAN_ORDER[:5]


def anchor_frame(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Anchor centre and length ``(c_a, l_a) = ((start + end) / 2, end - start)``."""
    ca = np.add(start, end)
    ca *= 0.5
    return ca, np.subtract(end, start)


def closed_codes(
    s: np.ndarray, e: np.ndarray, ca: np.ndarray, la: np.ndarray, wc: float, wl: float
) -> tuple[np.ndarray, np.ndarray]:
    """Closed-form codes ``(w_c (c - c_a) / l_a, w_l ln(l / l_a))``, ``c = (s + e) / 2``."""
    dc = np.add(s, e)
    dc *= 0.5
    dc -= ca
    if wc != 1.0:
        dc *= wc
    dc /= la
    dl = np.subtract(e, s)
    dl /= la
    np.log(dl, out=dl)
    if wl != 1.0:
        dl *= wl
    return dc, dl


def length(dl: np.ndarray, la: np.ndarray, wl: float) -> np.ndarray:
    """Decode the length: ``l_a exp(δl / w_l)`` (``x / 1`` is exact, so skipped)."""
    out = np.exp(dl) if wl == 1.0 else np.exp(np.divide(dl, wl))
    out *= la
    return out


def centre(dc: np.ndarray, ca: np.ndarray, la: np.ndarray, wc: float) -> np.ndarray:
    """Decode the centre: ``c_a + (δc / w_c) l_a`` (``x / 1`` is exact, so skipped)."""
    out = np.multiply(dc, la) if wc == 1.0 else np.divide(dc, wc) * la
    out += ca
    return out


def decode_rows(
    dc: np.ndarray, dl: np.ndarray, ca: np.ndarray, la: np.ndarray, wc: float, wl: float
) -> tuple[np.ndarray, np.ndarray]:
    """``(start, end)`` with ``start = C - L / 2`` and ``end = start + L``."""
    big = length(dl, la, wl)
    start = centre(dc, ca, la, wc)
    start -= 0.5 * big
    return start, start + big


def _key(x: np.ndarray) -> np.ndarray:
    """Integers in the order of the floats ``x`` (consecutive floats, consecutive keys)."""
    i = np.ascontiguousarray(x, dtype=np.float64).view(np.int64)
    return np.where(i < 0, -(i & _MAG), i)


def _unkey(order: np.ndarray) -> np.ndarray:
    """Return the floats of the keys ``order`` (inverse of :func:`_key`)."""
    return np.where(order < 0, -order | _SIGN, order).view(np.float64)


def _step(x: np.ndarray, k: int) -> np.ndarray:
    """Step ``k`` floats up from ``x`` (down for ``k < 0``), through 0 if need be."""
    return _unkey(_key(x) + k)


def _bisect(
    target: np.ndarray, f: RowFn, d: np.ndarray, slope: np.ndarray, rows: np.ndarray
) -> np.ndarray:
    """For ``rows``, the first code near ``d`` with ``f >= target`` (``f`` non-decreasing).

    Where one float step of the code moves ``f`` by much less than a float but ``exp`` or a
    product rounds in coarser steps, Newton's iterates can hop back and forth over the few
    codes that hit ``target`` (seen: 14 floats apart); bisection cannot. The bracket spans
    the codes within four spacings of ``target`` either side of the Newton estimate.
    """
    tr, dr = target[rows], d[rows]
    with np.errstate(all="ignore"):
        span = 4.0 * np.spacing(np.abs(tr)) * np.abs(slope[rows]) / np.spacing(np.abs(dr))
    span = np.where(np.isfinite(span), np.minimum(span, _BRACKET), _BRACKET).astype(np.int64)
    span += 16
    lo, hi = _key(dr) - span, _key(dr) + span
    for _ in range(int(span.max()).bit_length() + 1):
        mid = lo + (hi - lo) // 2
        up = f(_unkey(mid), rows) >= tr
        hi = np.where(up, mid, hi)
        lo = np.where(up, lo, mid)
    return _unkey(hi)


def _reach(
    target: np.ndarray, f: RowFn, d: np.ndarray, slope: np.ndarray, ok: RowFn,
    thorough: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Codes near the solution of ``f(d) = target`` that pass ``ok``, and which rows have one.

    ``f(d, rows)`` and ``ok(d, rows)`` evaluate the rows ``rows`` (an index) at codes ``d``.
    ``slope`` is ``1 / f'(d)``: Newton steps land within a few floats of the solution, the
    scan of the floats around them absorbs the roundings of ``f``, and (``thorough``) a
    bisection takes the rows where neither hit.
    """
    every = slice(None)
    for _ in range(_NEWTON):
        d = d + (target - f(d, every)) * slope
    best, found = d.copy(), np.zeros(d.size, bool)
    for k in _SCAN_ORDER:
        cand = _step(d, k) if k else d
        hit = ok(cand, every) & ~found
        best[hit] = cand[hit]
        found |= hit
    rows = np.flatnonzero(~found)
    if thorough and rows.size:
        cand = _bisect(target, f, d, slope, rows)
        hit = ok(cand, rows)
        best[rows[hit]] = cand[hit]
        found[rows[hit]] = True
    return best, found


def _length_of(la: np.ndarray, wl: float) -> RowFn:
    return lambda d, i: length(d, la[i], wl)


def _centre_of(ca: np.ndarray, la: np.ndarray, wc: float) -> RowFn:
    return lambda d, i: centre(d, ca[i], la[i], wc)


def _gives_start(
    ca: np.ndarray, la: np.ndarray, wc: float, half: np.ndarray, s: np.ndarray
) -> RowFn:
    """``fl(C - L/2) = s`` for a length ``2 half`` already fixed."""
    return lambda d, i: centre(d, ca[i], la[i], wc) - half[i] == s[i]


def _fits(
    c: np.ndarray, s: np.ndarray, e: np.ndarray, la: np.ndarray, wl: float
) -> RowFn:
    """``fl(C - L/2) = s`` and ``fl(s + L) = e`` for a centre ``c`` already fixed."""

    def ok(d: np.ndarray, i: RowIndex) -> np.ndarray:
        big = length(d, la[i], wl)
        return (c[i] - 0.5 * big == s[i]) & (s[i] + big == e[i])

    return ok


def refine(
    s: np.ndarray, e: np.ndarray, ca: np.ndarray, la: np.ndarray, wc: float, wl: float,
    dc: np.ndarray, dl: np.ndarray,
) -> None:
    """Replace, in place, codes that do not decode to ``[s, e]`` by ones that do, if found.

    1-D float64 arrays; rows without a code found keep their closed-form codes.
    """
    lo, hi = decode_rows(dc, dl, ca, la, wc, wl)
    rows = np.flatnonzero((lo != s) | (hi != e))
    rows = rows[~no_float_pair(s[rows], e[rows])]
    # near the ends of the float range (subnormal lengths, huge ratios) Newton steps can
    # give inf or nan; such candidates fail the exact checks and the row keeps its code
    # a quick pass first, then a thorough one over the (few) rows still failing
    with np.errstate(all="ignore"):
        for thorough in (False, True):
            for off in _LENGTH_OFFSETS:
                if rows.size:
                    rows = _length_first(rows, off, s, e, ca, la, wc, wl, dc, dl, thorough)
            for k in _CENTRE_STEPS:
                if rows.size:
                    rows = _centre_first(rows, k, s, e, ca, la, wc, wl, dc, dl, thorough)


def no_float_pair(s: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Rows for which provably no floats ``C, L`` give ``fl(C - L/2) = s``, ``fl(s + L) = e``.

    No code can then decode to ``[s, e]``, whatever the anchor. Decided only where a short
    enumeration is exhaustive, ``False`` elsewhere: for ``s >= 0`` the lengths with
    ``fl(s + L) = e`` lie within half a spacing ``u`` of ``e`` from ``e - s``, at most
    ``_PAIR_L`` floats either side of ``fl(e - s)`` when the spacing of ``e - s`` is at least
    ``u / 8``; for each, the centres with ``fl(C - L/2) = s`` lie within a spacing of ``s``
    from ``s + L/2``, and ``C >= s`` makes that at most ``_PAIR_C`` floats either side.
    """
    out = np.zeros(s.size, bool)
    rows = np.flatnonzero((s >= 0) & (8 * np.spacing(e - s) >= np.spacing(e)))
    if not rows.size:
        return out
    sr, er = s[rows], e[rows]
    base, found = er - sr, np.zeros(rows.size, bool)
    for k in range(-_PAIR_L, _PAIR_L + 1):
        big = _step(base, k)
        i = np.flatnonzero((sr + big == er) & ~found)
        si, bi = sr[i], big[i]
        mid = si + 0.5 * bi
        for j in range(-_PAIR_C, _PAIR_C + 1):
            found[i[_step(mid, j) - 0.5 * bi == si]] = True
    out[rows] = ~found
    return out


def _length_first(
    rows: np.ndarray, off: float, s: np.ndarray, e: np.ndarray, ca: np.ndarray,
    la: np.ndarray, wc: float, wl: float, dc: np.ndarray, dl: np.ndarray, thorough: bool,
) -> np.ndarray:
    """Aim ``L`` at ``e - s + off u``, then the centre at ``s + L/2``; rows still failing."""
    sr, er, car, lar = s[rows], e[rows], ca[rows], la[rows]
    target = (er - sr) + off * np.spacing(np.abs(er))
    # hit the target itself where possible (the Newton estimate otherwise), as other
    # lengths that give the end back may leave no centre that gives the start back
    dlr, _ = _reach(target, _length_of(lar, wl), dl[rows], wl / target,
                    lambda d, j: length(d, lar[j], wl) == target[j], thorough)
    ok = sr + length(dlr, lar, wl) == er
    i = np.flatnonzero(ok)
    h, si, cai, lai = 0.5 * length(dlr[i], lar[i], wl), sr[i], car[i], lar[i]
    # any centre with fl(C - L/2) = s will do; the thorough pass aims at the floats next to
    # s + L/2 in turn, as the scan of δc steps covers less than one float of C where those
    # steps are fine; last, the lowest such centre (the first code at or above it)
    dci, found = dc[rows[i]].copy(), np.zeros(i.size, bool)
    for k in (*_CENTRE_STEPS, None) if thorough else (0,):
        j = np.flatnonzero(~found)
        if not j.size:
            break
        hj, sj, caj, laj = h[j], si[j], cai[j], lai[j]
        aim = sj + hj - 0.5 * np.spacing(np.abs(sj)) if k is None else _step(sj + hj, k)
        d_j, f_j = _reach(aim, _centre_of(caj, laj, wc), dci[j], wc / laj,
                          _gives_start(caj, laj, wc, hj, sj), thorough)
        dci[j[f_j]] = d_j[f_j]
        found[j[f_j]] = True
    return _keep(rows, i[found], dci[found], dlr[i[found]], dc, dl)


def _centre_first(
    rows: np.ndarray, k: int, s: np.ndarray, e: np.ndarray, ca: np.ndarray,
    la: np.ndarray, wc: float, wl: float, dc: np.ndarray, dl: np.ndarray, thorough: bool,
) -> np.ndarray:
    """Aim the centre at the ``k``-th float next to ``(s + e) / 2``, then fit a length.

    Where the centres reachable by ``δc`` are coarser than ``s``, few lengths fit a given
    centre, so the centre is chosen first; where the target itself is out of reach, the
    Newton estimate's centre is used as it is.
    """
    sr, er, car, lar = s[rows], e[rows], ca[rows], la[rows]
    ct = _step(0.5 * (sr + er), k)
    dcr, _ = _reach(ct, _centre_of(car, lar, wc), dc[rows], wc / lar,
                    lambda d, j: centre(d, car[j], lar[j], wc) == ct[j], thorough)
    c = centre(dcr, car, lar, wc)
    aims = [2.0 * (c - sr)]
    if thorough:
        # also the shortest length that may fit both ends: the search (bisection last) then
        # meets the lengths that fit in increasing order
        aims.append(np.maximum(aims[0] - np.spacing(np.abs(sr)),
                               (er - sr) - 0.5 * np.spacing(np.abs(er))))
    dli, found = dl[rows].copy(), np.zeros(rows.size, bool)
    for aim in aims:
        i = np.flatnonzero(~found & (aim > 0))
        ti, lai = aim[i], lar[i]
        d_i, f_i = _reach(ti, _length_of(lai, wl), dli[i], wl / ti,
                          _fits(c[i], sr[i], er[i], lai, wl), thorough)
        dli[i[f_i]] = d_i[f_i]
        found[i[f_i]] = True
    hit = np.flatnonzero(found)
    return _keep(rows, hit, dcr[hit], dli[hit], dc, dl)


def _keep(
    rows: np.ndarray, hit: np.ndarray, dch: np.ndarray, dlh: np.ndarray,
    dc: np.ndarray, dl: np.ndarray,
) -> np.ndarray:
    """Store the codes found for ``rows[hit]``; the rows still without one."""
    dc[rows[hit]], dl[rows[hit]] = dch, dlh
    left = np.ones(rows.size, bool)
    left[hit] = False
    return rows[left]
