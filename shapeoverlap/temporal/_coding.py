"""Anchor-relative interval coding: the arithmetic shared by encode and decode, and a search.

The search makes ``decode(encode(x)) == x`` bit for bit wherever a code allows it. Decoding
is ``c = c_a + (δc / w_c) l_a``, ``h = (l_a / 2) exp(δl / w_l)``, ``[c - h, c + h]``, in
exactly that order of float64 operations (:func:`centre`, :func:`half`); ``encode`` checks
its codes with the same two functions, so the two cannot drift apart. The centre depends on
``δc`` only and the half-length on ``δl`` only.

Which intervals can come back exactly
-------------------------------------
Write ``fl`` for rounding to float64. An interval ``[s, e]`` comes back exactly when floats
``c, h`` with ``fl(c - h) = s`` and ``fl(c + h) = e`` exist *and* codes reach them.

* **No float pair.** If ``s`` and ``e`` have one sign and one exponent (spacing ``u``), so has
  ``c``, so ``2c`` is an even multiple of ``u``. Adding the two conditions,
  ``|2c - s - e| <= u``; if ``s/u + e/u`` is odd that forces ``c - h`` and ``c + h`` both
  exactly half-way between floats, and round-half-even sends one of them the wrong way. So
  about half of the intervals whose ends share a binade cannot come back exactly (one end is
  then one ulp off). Likewise, whatever the binades, a centre ``c`` is possible only if
  ``|2c - s - e|`` is at most the sum of the rounding half-gaps of ``s`` and ``e``: that
  leaves at most a few floats next to ``(s + e) / 2``.
* **Unreachable floats.** One ulp of ``δc`` moves ``c`` by about one ulp of ``c - c_a``, which
  skips floats when ``|c - c_a|`` is not small next to ``|c|`` (an interval far from its
  anchor, or near 0); one ulp of ``δl`` moves ``h`` by about ``|δl / w_l|`` ulps of ``h``;
  and a weight that is not a power of two adds a rounding that can skip values too.

The search
----------
For each possible centre (the floats within two steps of ``(s + e) / 2`` that pass the sum
test; for intervals across 0, where ``h`` is the coarser one, the roles of ``c`` and ``h``
swap), walk back through decode's roundings one at a time, trying the floats next to the
ideal value at each step and checking every rounding exactly: ``c = fl(c_a + P)``,
``P = fl(q l_a)``, ``q = fl(δc / w_c)``; then ``h = fl((l_a / 2) E)``, ``E = fl(exp(t))``,
``t = fl(δl / w_l)`` for an ``h`` in the window that the chosen ``c`` leaves. Where a rounding
step skips values (``|t| > 1/2``, a weight that is not a power of two), the codes next to the
ideal one are also decoded directly. Against a brute-force search over the codes near the
closed form, this finds an exact code wherever the brute force does (tests pin it).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

#: ``ok(values, rows)``: which candidate values pass, for the given rows of a search batch.
Check = Callable[[np.ndarray, "np.ndarray | slice"], np.ndarray]

_ALL = slice(None)
# beyond this |δl / w_l|, one ulp of t moves exp(t) by about half an ulp or more: the codes
# next to the ideal one are decoded too
_STEEP = 0.5


# ---------------------------------------------------------------------------- shared formulas
def anchor_frame(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Anchor centre and length ``(c_a, l_a) = ((start + end) / 2, end - start)``."""
    ca = np.add(start, end)
    ca *= 0.5
    return ca, np.subtract(end, start)


def centre(dc: np.ndarray, ca: np.ndarray, la: np.ndarray, wc: float) -> np.ndarray:
    """Decode the centre: ``c_a + (δc / w_c) l_a`` (``x / 1`` is exact, so skipped)."""
    if wc == 1.0:
        out = np.multiply(dc, la)
    else:
        out = np.divide(dc, wc)
        out *= la
    out += ca
    return out


def half(dl: np.ndarray, la: np.ndarray, wl: float) -> np.ndarray:
    """Decode the half-length: ``(l_a / 2) exp(δl / w_l)`` (``x / 1`` is exact, so skipped)."""
    out = np.exp(dl) if wl == 1.0 else np.exp(np.divide(dl, wl))
    out *= 0.5 * la
    return out


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


# ---------------------------------------------------------------------------- float helpers
def _bits(x: np.ndarray, k: int) -> np.ndarray:
    """Step ``k`` representations from ``x`` in magnitude (``k`` may be negative).

    For ``x != 0``, ``±k`` give the ``k``-th floats either side of ``x``. Only used to list
    candidates, each of which is checked afterwards.
    """
    if k == 0:
        return x
    return (np.ascontiguousarray(x).view(np.int64) + k).view(np.float64)


def _ulp_away(x: np.ndarray) -> np.ndarray:
    """Gap from ``|x|`` to the next float away from zero (the larger of its two gaps)."""
    a = np.abs(x)
    return (a.view(np.int64) + 1).view(np.float64) - a


def _gaps(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distances from ``x`` to the floats below and above it."""
    a = np.abs(x)
    bits = a.view(np.int64)
    away = (bits + 1).view(np.float64) - a
    toward = a - np.maximum(bits - 1, 0).view(np.float64)
    toward[a == 0] = away[a == 0]
    neg = np.signbit(x)
    return np.where(neg, away, toward), np.where(neg, toward, away)


def _steps(x: np.ndarray, n: int) -> list[np.ndarray]:
    """``x`` and the floats up to ``n`` steps either side, nearest first."""
    out = [x]
    for j in range(1, n + 1):
        out += [_bits(x, j), _bits(x, -j)]
    return out


def _pick(cands: list[np.ndarray], ok: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the first candidate whose ``ok`` is true, and whether there is one."""
    val, found = cands[0].copy(), ok[0].copy()
    for x, o in zip(cands[1:], ok[1:], strict=True):
        take = o & ~found
        val[take] = x[take]
        found |= take
    return val, found


def _pow2(w: float) -> bool:
    return math.frexp(w)[0] == 0.5


def _parity_clash(s: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Flag same sign and exponent with ``s/u + e/u`` odd: no float pair gives ``[s, e]``."""
    x = np.ascontiguousarray(s).view(np.int64) ^ np.ascontiguousarray(e).view(np.int64)
    return (x & np.int64(-0x000FFFFFFFFFFFFF)) == 1  # sign and exponent equal, last bits differ


def _within_one_ulp(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``y`` is ``x`` or a float next to it (for ``y``, ``x`` of the same sign)."""
    d = np.ascontiguousarray(y).view(np.int64) - np.ascontiguousarray(x).view(np.int64)
    return (d + 1).view(np.uint64) <= 2


# ---------------------------------------------------------------------------- the search
class _Search:
    """The intervals being refined, their anchors, and the best codes found so far."""

    def __init__(
        self,
        s: np.ndarray,
        e: np.ndarray,
        ca: np.ndarray,
        la: np.ndarray,
        wc: float,
        wl: float,
        dc: np.ndarray,
        dl: np.ndarray,
        err: np.ndarray,
    ) -> None:
        self.s, self.e, self.ca, self.la, self.wc, self.wl = s, e, ca, la, wc, wl
        self.hla = 0.5 * la
        self.c0 = 0.5 * (s + e)
        self.h0 = 0.5 * (e - s)
        self.dc, self.dl, self.err = dc, dl, err

    def c(self, dc: np.ndarray, k: np.ndarray | slice = _ALL) -> np.ndarray:
        return centre(dc, self.ca[k], self.la[k], self.wc)

    def h(self, dl: np.ndarray, k: np.ndarray | slice = _ALL) -> np.ndarray:
        return half(dl, self.la[k], self.wl)

    def consider(self, dc: np.ndarray, dl: np.ndarray, k: np.ndarray) -> None:
        """Keep the codes of rows ``k`` that decode closer to the interval."""
        c, h = self.c(dc, k), self.h(dl, k)
        er = np.maximum(np.abs((c - h) - self.s[k]), np.abs((c + h) - self.e[k]))
        better = er < self.err[k]
        kb = k[better]
        self.err[kb], self.dc[kb], self.dl[kb] = er[better], dc[better], dl[better]

    # -- walking back through the roundings ------------------------------------------------
    def code_c(self, cm: np.ndarray, ok: Check, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Find a ``δc`` whose centre passes ``ok`` (aiming at ``cm``), and where found.

        Offsets ``P`` are tried in turn (each only for the rows still open): the ideal one,
        those of the floats next to ``cm``, the floats next to the ideal one; a valid ``P``
        then needs a ``q`` with ``fl(q l_a) = P`` and a code with ``fl(δc / w_c) = q``.
        """
        ca, la, wc = self.ca[k], self.la[k], self.wc
        p0 = cm - ca
        dc = p0 / la  # the plain inverse first: it usually works
        if wc != 1.0:
            dc *= wc
        found = ok(self.c(dc, k), _ALL)
        open_ = np.flatnonzero(~found)
        for kind, step in (("p", 0), ("c", 1), ("c", -1), ("c", 2), ("c", -2), ("p", 1),
                           ("p", -1)):
            if not open_.size:
                break
            p = _bits(p0[open_], step) if kind == "p" else _bits(cm[open_], step) - ca[open_]
            v = ok(ca[open_] + p, open_)
            rows = open_[v]
            d, got = _code_back(p[v], la[rows], wc, _times, _over)
            dc[rows[got]] = d[got]
            found[rows[got]] = True
            open_ = open_[~found[open_]]
        if open_.size and not _pow2(wc):  # the division by w_c can skip values
            d, got = _forward(ok, self.c, wc * (p0[open_] / la[open_]), k, open_)
            dc[open_[got]] = d[got]
            found[open_[got]] = True
        return dc, found

    def code_h(self, hm: np.ndarray, ok: Check, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Find a ``δl`` whose half-length passes ``ok`` (aiming at ``hm``), and where found.

        Factors ``E`` next to ``hm / (l_a / 2)`` are tried in turn; a valid ``E`` then needs a
        ``t`` with ``fl(exp(t)) = E`` and a code with ``fl(δl / w_l) = t``.
        """
        hla, wl = self.hla[k], self.wl
        dl = np.zeros(k.size)
        found = np.zeros(k.size, dtype=bool)
        e0 = hm / hla
        open_ = np.arange(k.size)
        for step in (0, 1, -1, 2, -2):
            if not open_.size:
                break
            big_e = _bits(e0[open_], step)
            v = ok(hla[open_] * big_e, open_)
            rows = open_[v]
            d, got = _code_back(big_e[v], hla[rows], wl, _exp, _log)
            dl[rows[got]] = d[got]
            found[rows[got]] = True
            open_ = open_[~found[open_]]
        if open_.size:  # where exp(t) or the division by w_l skip values
            t0 = _log(e0[open_], hla[open_])
            if not _pow2(wl):
                steep = open_
            else:
                steep = open_[np.abs(t0) > _STEEP]
                t0 = t0[np.abs(t0) > _STEEP]
            if steep.size:
                d, got = _forward(ok, self.h, t0 * wl, k, steep)
                dl[steep[got]] = d[got]
                found[steep[got]] = True
        return dl, found

    def newton_c(self, ct: np.ndarray, k: np.ndarray) -> np.ndarray:
        """Invert for the centre ``ct``, then correct once by the decoded error."""
        ca, la, wc = self.ca[k], self.la[k], self.wc
        g = wc * ((ct - ca) / la)
        return g + wc * ((ct - centre(g, ca, la, wc)) / la)

    def newton_h(self, ht: np.ndarray, k: np.ndarray) -> np.ndarray:
        """Invert for the half-length ``ht``, then correct once by the decoded error."""
        la, wl = self.la[k], self.wl
        g = wl * np.log(ht / (0.5 * la))
        return g + wl * ((ht - half(g, la, wl)) / ht)


def _times(q: np.ndarray, la: np.ndarray) -> np.ndarray:
    return q * la


def _over(p: np.ndarray, la: np.ndarray) -> np.ndarray:
    return p / la


def _exp(t: np.ndarray, _: np.ndarray) -> np.ndarray:
    return np.exp(t)


def _log(x: np.ndarray, _: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x)


def _code_back(
    x: np.ndarray,
    arg: np.ndarray,
    w: float,
    fwd: Callable[[np.ndarray, np.ndarray], np.ndarray],
    inv: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Walk back from ``x`` (a valid ``P`` or ``E``) to a code, and where that works.

    ``x = fwd(q)`` with ``q = fl(code / w)``: try ``inv(x)`` and the floats next to it as
    ``q`` (each only for the rows still open), then a code with ``fl(code / w) = q``.
    """
    code = np.zeros(x.size)
    found = np.zeros(x.size, dtype=bool)
    q0 = inv(x, arg)
    open_ = np.arange(x.size)
    for step in (0, 1, -1):
        if not open_.size:
            break
        q = _bits(q0[open_], step)
        fit = fwd(q, arg[open_]) == x[open_]
        d, ok_d = _code_of(q, w)
        if ok_d is not None:
            fit &= ok_d
        rows = open_[fit]
        code[rows] = d[fit]
        found[rows] = True
        open_ = open_[~fit]
    return code, found


def _forward(
    ok: Check,
    decode_part: Callable[[np.ndarray, np.ndarray], np.ndarray],
    guess: np.ndarray,
    k: np.ndarray,
    rows: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Decode the codes within three steps of ``guess`` (for batch ``rows``) and keep one."""
    code = np.zeros(rows.size)
    found = np.zeros(rows.size, dtype=bool)
    open_ = np.arange(rows.size)
    for step in (0, 1, -1, 2, -2, 3, -3):
        if not open_.size:
            break
        d = _bits(guess[open_], step)
        fit = ok(decode_part(d, k[rows[open_]]), rows[open_])
        code[open_[fit]] = d[fit]
        found[open_[fit]] = True
        open_ = open_[~fit]
    return code, found


def _code_of(q: np.ndarray, w: float) -> tuple[np.ndarray, np.ndarray | None]:
    """Find a code ``d`` with ``fl(d / w) = q``, and where found (None: everywhere)."""
    if _pow2(w):  # exact both ways
        return q * w, None
    ds = _steps(q * w, 1)
    return _pick(ds, [v / w == q for v in ds])


def refine(
    s: np.ndarray,
    e: np.ndarray,
    ca: np.ndarray,
    la: np.ndarray,
    wc: float,
    wl: float,
    dc: np.ndarray,
    dl: np.ndarray,
) -> None:
    """Replace, in place, codes that do not decode to ``[s, e]`` by ones that do, if found.

    1-D float64 arrays. Rows without an exact code keep the closed form unless it decodes
    more than one ulp of ``S = max(|s|, |e|, |c_a|, |c - c_a|)`` away, in which case the
    codes next to those of the float centre and half-length are tried and the closest kept.
    """
    lo = centre(dc, ca, la, wc)
    h = half(dl, la, wl)
    hi = lo + h
    lo -= h
    del h
    bad = lo != s
    bad |= hi != e
    if not bad.any():
        return
    clash = _parity_clash(s, e)
    # already as close as the parity obstruction allows: one end exact, the other one ulp off
    bad &= ~(clash & _within_one_ulp(lo, s) & _within_one_ulp(hi, e))
    todo = np.flatnonzero(bad)
    if not todo.size:
        return
    st, et = s[todo], e[todo]
    err = np.maximum(np.abs(lo[todo] - st), np.abs(hi[todo] - et))
    clash = clash[todo]
    r = _Search(st, et, ca[todo], la[todo], wc, wl, dc[todo], dl[todo], err)
    cross = (r.s < 0) & (r.e > 0)
    _centre_first(r, np.flatnonzero(~cross & ~clash))
    _half_first(r, np.flatnonzero(cross))
    _nearest(r)
    dc[todo], dl[todo] = r.dc, r.dl


def _centre_first(r: _Search, rows: np.ndarray) -> None:
    """Intervals on one side of 0: each possible centre, then a half-length for it."""
    for step in (0, -1, 1, -2, 2):
        rows = rows[r.err[rows] > 0]
        if not rows.size:
            return
        s, e, c0 = r.s[rows], r.e[rows], r.c0[rows]
        ct = _bits(c0, step)
        j = np.flatnonzero(_sum_test(ct, s, e)) if step else np.arange(rows.size)
        k, ct, s, e = rows[j], ct[j], s[j], e[j]
        dck, hit = r.code_c(ct, _equal_to(ct), k)
        k, dck, ct, s, e = k[hit], dck[hit], ct[hit], s[hit], e[hit]
        dlk, hit = r.code_h(_window_middle(ct - s, e - ct, s, e), _half_fits(ct, s, e), k)
        r.consider(dck[hit], dlk[hit], k[hit])


def _sum_test(c: np.ndarray, s: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Rule out centres: False only where no ``h`` gives ``fl(c - h) = s``, ``fl(c + h) = e``.

    Adding the two conditions, ``|2c - s - e|`` is at most the sum of the rounding half-gaps
    of ``s`` and ``e`` (each at most half its larger gap). Decided only where
    ``(2c - e) - s`` is exact (both subtractions Sterbenz-exact); elsewhere True.
    """
    t = 2.0 * c - e
    exact = (np.abs(e) <= 4.0 * np.abs(c)) & (np.abs(c) <= np.abs(e))
    exact &= (np.abs(s) <= 2.0 * np.abs(t)) & (np.abs(t) <= 2.0 * np.abs(s))
    exact &= np.signbit(t) == np.signbit(s)
    return ~exact | (np.abs(t - s) <= 0.5 * (_ulp_away(s) + _ulp_away(e)))


def _equal_to(target: np.ndarray) -> Check:
    return lambda x, i: x == target[i]


def _half_fits(c: np.ndarray, s: np.ndarray, e: np.ndarray) -> Check:
    """Check half-lengths ``x`` for ``fl(c - x) = s`` and ``fl(c + x) = e``."""
    return lambda x, i: (c[i] - x == s[i]) & (c[i] + x == e[i])


def _centre_fits(h: np.ndarray, s: np.ndarray, e: np.ndarray) -> Check:
    """Check centres ``x`` for ``fl(x - h) = s`` and ``fl(x + h) = e``."""
    return lambda x, i: (x - h[i] == s[i]) & (x + h[i] == e[i])


def _window_middle(
    a: np.ndarray, b: np.ndarray, s: np.ndarray, e: np.ndarray, *, centre: bool = False
) -> np.ndarray:
    """Middle of the values ``x`` that give ``fl(c - h) = s`` and ``fl(c + h) = e``.

    Half-length ``x = h`` for a fixed centre: ``a = c - s``, ``b = e - c`` (``c - x`` within
    the rounding interval of ``s``, ``c + x`` within that of ``e``). Centre ``x = c`` for a
    fixed half-length (``centre=True``): ``a = s + h``, ``b = e - h``. The half-gaps differ
    where ``s`` or ``e`` sits at a power of two or the two lie in different binades, so the
    middle is not simply ``(a + b) / 2``.
    """
    s_dn, s_up = _gaps(s)
    e_dn, e_up = _gaps(e)
    if centre:
        lo = np.maximum(a - 0.5 * s_dn, b - 0.5 * e_dn)
        hi = np.minimum(a + 0.5 * s_up, b + 0.5 * e_up)
    else:
        lo = np.maximum(a - 0.5 * s_up, b - 0.5 * e_dn)
        hi = np.minimum(a + 0.5 * s_dn, b + 0.5 * e_up)
    return 0.5 * (lo + hi)


def _half_first(r: _Search, rows: np.ndarray) -> None:
    """Intervals across 0 (``h`` coarser than ``c``): each half-length, then a centre.

    The half-lengths tried are the floats within two steps of ``(e - s) / 2`` that a code
    reaches and, where ``h`` moves by more than an ulp per code step, the half-lengths of
    the codes next to the closed form.
    """
    if not rows.size:
        return
    tries: list[tuple[np.ndarray, np.ndarray]] = []
    for step in (0, -1, 1, -2, 2):
        ht = _bits(r.h0[rows], step)
        dl, hit = r.code_h(ht, _equal_to(ht), rows)
        tries.append((rows[hit], dl[hit]))
    d0 = r.newton_h(r.h0[rows], rows)
    steep = np.flatnonzero((np.abs(d0 / r.wl) > _STEEP) | (not _pow2(r.wl)))
    for step in (-3, -2, -1, 1, 2, 3):
        tries.append((rows[steep], _bits(d0[steep], step)))
    for k, dl in tries:
        keep = r.err[k] > 0
        k, dl = k[keep], dl[keep]
        if not k.size:
            continue
        h, s, e = r.h(dl, k), r.s[k], r.e[k]
        dc, hit = r.code_c(
            _window_middle(s + h, e - h, s, e, centre=True), _centre_fits(h, s, e), k
        )
        r.consider(dc[hit], dl[hit], k[hit])


def _nearest(r: _Search) -> None:
    """No exact code and more than one ulp of ``S`` off: try codes next to the float ones."""
    k = np.flatnonzero(r.err > 0)
    big = np.maximum(np.maximum(np.abs(r.s[k]), np.abs(r.e[k])),
                     np.maximum(np.abs(r.ca[k]), np.abs(r.c0[k] - r.ca[k])))
    k = k[r.err[k] > _ulp_away(big)]
    if not k.size:
        return
    gc, gl = r.newton_c(r.c0[k], k), r.newton_h(r.h0[k], k)
    sc = np.maximum(r.wc * (_ulp_away(r.c0[k]) / r.la[k]), _ulp_away(gc))
    sl = np.maximum(r.wl * (_ulp_away(r.h0[k]) / r.h0[k]), _ulp_away(gl))
    dcs = [gc + j * sc for j in (0, -1, 1, -2, 2)]
    dls = [gl + j * sl for j in (0, -1, 1, -2, 2)]
    cs = [r.c(d, k) for d in dcs]
    hs = [r.h(d, k) for d in dls]
    s, e = r.s[k], r.e[k]
    best, bc, bl = r.err[k], r.dc[k], r.dl[k]
    for dc, c in zip(dcs, cs, strict=True):
        for dl, h in zip(dls, hs, strict=True):
            er = np.maximum(np.abs((c - h) - s), np.abs((c + h) - e))
            better = er < best
            best = np.where(better, er, best)
            bc = np.where(better, dc, bc)
            bl = np.where(better, dl, bl)
    r.err[k], r.dc[k], r.dl[k] = best, bc, bl
