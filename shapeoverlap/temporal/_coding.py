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
about half an ulp of ``e - s`` gives the end back. What can still fail:

* no floats ``C, L`` exist when ``C`` lies in a coarser binade than ``s`` (``200.37 → 350.44``:
  ``s < 256 <= C``). The centres that give ``s`` back then form a window narrower than the
  spacing of ``C``, and together with the window for ``L`` it can hold no float (measured:
  a fifth of typed intervals with ``C`` one binade above ``s``, more beyond);
* no code reaching the floats: one float step of ``δl`` moves ``L`` by about
  ``max(1, |δl / w_l|)`` ulps of ``L``, and one of ``δc`` moves ``C`` by an ulp of
  ``C - c_a``. When ``L`` or ``C - c_a`` is coarse next to ``s`` and ``e`` (intervals near 0,
  far from their anchor, or much longer or shorter than it), the steps can jump over every
  float that works; a weight that is not a power of two adds a rounding that can skip
  values.

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
``(s + e) / 2`` as centres, each with a length aimed at ``2 (C - s)``. A code is kept only
when the decoder's own arithmetic gives back ``s`` and ``e`` exactly. On intervals that are
themselves decoder outputs (a code exists by construction) it finds one for all but about
1e-5 of the rows.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

_SIGN = np.int64(-(2**63))
_MAG = np.int64(2**63 - 1)
# float steps scanned either side of the Newton estimate, and Newton steps taken
_SCAN = 4
_NEWTON = 3
_SCAN_ORDER = (0, *(j for i in range(1, _SCAN + 1) for j in (i, -i)))
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


def _step(x: np.ndarray, k: int) -> np.ndarray:
    """Step ``k`` floats up from ``x`` (down for ``k < 0``), through 0 if need be."""
    i = np.ascontiguousarray(x).view(np.int64)
    order = np.where(i < 0, -(i & _MAG), i) + k  # integers in the order of the floats
    return np.where(order < 0, -order | _SIGN, order).view(np.float64)


def _reach(
    target: np.ndarray, f: Callable[[np.ndarray], np.ndarray], d: np.ndarray,
    slope: np.ndarray, ok: Callable[[np.ndarray], np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Codes near the solution of ``f(d) = target`` that pass ``ok``, and which rows have one.

    ``slope`` is ``1 / f'(d)``: Newton steps land within a few floats of the solution, and
    the scan of the floats around them absorbs the roundings of ``f``.
    """
    for _ in range(_NEWTON):
        d = d + (target - f(d)) * slope
    best, found = d.copy(), np.zeros(d.size, bool)
    for k in _SCAN_ORDER:
        cand = _step(d, k) if k else d
        hit = ok(cand) & ~found
        best[hit] = cand[hit]
        found |= hit
    return best, found


def refine(
    s: np.ndarray, e: np.ndarray, ca: np.ndarray, la: np.ndarray, wc: float, wl: float,
    dc: np.ndarray, dl: np.ndarray,
) -> None:
    """Replace, in place, codes that do not decode to ``[s, e]`` by ones that do, if found.

    1-D float64 arrays; rows without a code found keep their closed-form codes.
    """
    lo, hi = decode_rows(dc, dl, ca, la, wc, wl)
    rows = np.flatnonzero((lo != s) | (hi != e))
    # near the ends of the float range (subnormal lengths, huge ratios) Newton steps can
    # give inf or nan; such candidates fail the exact checks and the row keeps its code
    with np.errstate(all="ignore"):
        for off in _LENGTH_OFFSETS:
            if rows.size:
                rows = _length_first(rows, off, s, e, ca, la, wc, wl, dc, dl)
        for k in _CENTRE_STEPS:
            if rows.size:
                rows = _centre_first(rows, k, s, e, ca, la, wc, wl, dc, dl)


def _length_first(
    rows: np.ndarray, off: float, s: np.ndarray, e: np.ndarray, ca: np.ndarray,
    la: np.ndarray, wc: float, wl: float, dc: np.ndarray, dl: np.ndarray,
) -> np.ndarray:
    """Aim ``L`` at ``e - s + off u``, then the centre at ``s + L/2``; rows still failing."""
    sr, er, car, lar = s[rows], e[rows], ca[rows], la[rows]
    target = (er - sr) + off * np.spacing(np.abs(er))
    # hit the target itself where possible (the Newton estimate otherwise), as other
    # lengths that give the end back may leave no centre that gives the start back
    dlr, _ = _reach(target, lambda d: length(d, lar, wl), dl[rows], wl / target,
                    lambda d: length(d, lar, wl) == target)
    ok = sr + length(dlr, lar, wl) == er
    i = np.flatnonzero(ok)
    h, si, cai, lai = 0.5 * length(dlr[i], lar[i], wl), sr[i], car[i], lar[i]
    # any centre with fl(C - L/2) = s will do
    dci, found = _reach(si + h, lambda d: centre(d, cai, lai, wc), dc[rows[i]], wc / lai,
                        lambda d: centre(d, cai, lai, wc) - h == si)
    return _keep(rows, i[found], dci[found], dlr[i[found]], dc, dl)


def _centre_first(
    rows: np.ndarray, k: int, s: np.ndarray, e: np.ndarray, ca: np.ndarray,
    la: np.ndarray, wc: float, wl: float, dc: np.ndarray, dl: np.ndarray,
) -> np.ndarray:
    """Aim the centre at the ``k``-th float next to ``(s + e) / 2``, then fit a length.

    Where the centres reachable by ``δc`` are coarser than ``s``, few lengths fit a given
    centre, so the centre is chosen first; where the target itself is out of reach, the
    Newton estimate's centre is used as it is.
    """
    sr, er, car, lar = s[rows], e[rows], ca[rows], la[rows]
    ct = _step(0.5 * (sr + er), k)
    dcr, _ = _reach(ct, lambda d: centre(d, car, lar, wc), dc[rows], wc / lar,
                    lambda d: centre(d, car, lar, wc) == ct)
    c = centre(dcr, car, lar, wc)
    target = 2.0 * (c - sr)
    ok = target > 0
    i, ci, si, ei, lai = np.flatnonzero(ok), c[ok], sr[ok], er[ok], lar[ok]

    def fits(d: np.ndarray) -> np.ndarray:
        big = length(d, lai, wl)
        return (ci - 0.5 * big == si) & (si + big == ei)

    dli, found = _reach(target[ok], lambda d: length(d, lai, wl), dl[rows[i]],
                        wl / target[ok], fits)
    return _keep(rows, i[found], dcr[i[found]], dli[found], dc, dl)


def _keep(
    rows: np.ndarray, hit: np.ndarray, dch: np.ndarray, dlh: np.ndarray,
    dc: np.ndarray, dl: np.ndarray,
) -> np.ndarray:
    """Store the codes found for ``rows[hit]``; the rows still without one."""
    dc[rows[hit]], dl[rows[hit]] = dch, dlh
    left = np.ones(rows.size, bool)
    left[hit] = False
    return rows[left]
