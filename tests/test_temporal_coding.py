"""so.temporal.encode / decode: exact round trip, where exactness is impossible, bounds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from shapeoverlap.temporal import decode, encode
from shapeoverlap.temporal._coding import no_float_pair


# ------------------------------------------------------------------ independent definitions
def decode_formula(d, anchors, wc=1.0, wl=1.0):
    """Decoding written out from its definition, one row at a time: the start is
    ``C - L/2`` and the end ``start + L``."""
    out = []
    for (dc, dl), (a0, a1) in zip(np.atleast_2d(d), np.atleast_2d(anchors), strict=True):
        ca, la = 0.5 * (a0 + a1), a1 - a0
        length = la * np.exp(dl / wl)
        start = (ca + (dc / wc) * la) - 0.5 * length
        out.append([start, start + length])
    return np.array(out)


def floats_near(x, n):
    """``x`` and the ``n`` floats either side of it."""
    out, lo, hi = [np.float64(x)], np.float64(x), np.float64(x)
    for _ in range(n):
        lo, hi = np.nextafter(lo, -np.inf), np.nextafter(hi, np.inf)
        out += [lo, hi]
    return out


def closed_form(x, anchors, wc=1.0, wl=1.0):
    x, a = np.atleast_2d(x), np.atleast_2d(anchors)
    c, length = 0.5 * (x[:, 0] + x[:, 1]), x[:, 1] - x[:, 0]
    ca, la = 0.5 * (a[:, 0] + a[:, 1]), a[:, 1] - a[:, 0]
    return np.column_stack([wc * (c - ca) / la, wl * np.log(length / la)])


def scale(x, anchors):
    """``S = max(|s|, |e|, |c_a|)``."""
    x, a = np.atleast_2d(x), np.atleast_2d(anchors)
    return np.maximum(np.abs(x).max(axis=1), np.abs(0.5 * (a[:, 0] + a[:, 1])))


def ulps_of_scale(back, x, anchors):
    return np.abs(back - x).max(axis=1) / np.spacing(scale(x, anchors))


def error_bound(d, w):
    """The documented bound in ulps of S: 4 + 2|dl / w_l|, 6 + 2|dl / w_l| for weights
    that are not powers of two."""
    pow2 = all(math.frexp(v)[0] == 0.5 for v in w)
    return (4.0 if pow2 else 6.0) + 2.0 * np.abs(np.atleast_2d(d)[:, 1] / w[1])


def same_binade_odd(s, e):
    """The parity obstruction of ``[c - h, c + h]``: one spacing u and s/u + e/u odd."""
    u = np.spacing(abs(s))
    if u != np.spacing(abs(e)) or (s < 0) != (e < 0) or s == 0:
        return False
    return (round(abs(s) / u) + round(abs(e) / u)) % 2 == 1


def random_rows(rng, n, *, lo=-3.0, hi=6.0, t=0.5, offset=2.0, decimals=None):
    """Anchors of magnitude 10**lo..10**hi and intervals near them (|ln(l / l_a)| <= t)."""
    mag = 10 ** rng.uniform(lo, hi, n)
    la = mag * 10 ** rng.uniform(-3, 0, n)
    a0 = rng.choice([-1.0, 1.0], n) * mag
    anchors = np.column_stack([a0, a0 + la])
    s = 0.5 * (anchors[:, 0] + anchors[:, 1]) + rng.uniform(-offset, offset, n) * la
    e = s + la * np.exp(rng.uniform(-t, t, n))
    if decimals is not None:
        s, e = np.round(s, decimals), np.round(e, decimals)
    keep = e > s
    return np.column_stack([s, e])[keep], anchors[keep]


def typed_events(rng, n, *, span=3600.0, dur=20.0, jitter=0.3):
    """Times typed to 1/100 s, each with an anchor near it (offset and log length ratio of
    about ``jitter``)."""
    s = np.round(rng.uniform(0, span, n), 2)
    e = np.round(s + rng.uniform(0.01, dur, n), 2)
    keep = e > s
    s, e = s[keep], e[keep]
    a0 = s + rng.normal(0, jitter, s.size) * (e - s)
    a1 = a0 + (e - s) * np.exp(rng.uniform(-jitter, jitter, s.size))
    return np.column_stack([s, e]), np.column_stack([a0, a1])


# ------------------------------------------------------------------ exhaustive search
# Decoding is monotone in each code (exp, products and sums round monotonically), so the
# codes giving one float form a run of floats, found by bisection over the floats' order.
def _key(x):
    i = int(np.float64(x).view(np.int64))
    return -(i & (2**63 - 1)) if i < 0 else i


def _float(k):
    bits = k if k >= 0 else ((-k) | (1 << 63)) - (1 << 64)
    return np.int64(bits).view(np.float64)


def first_float(pred, lo, hi):
    """Smallest float in ``[lo, hi]`` where the monotone (False, then True) ``pred`` holds."""
    a, b = _key(lo), _key(hi)
    if not pred(_float(b)):
        return None
    while a < b:
        m = (a + b) // 2
        a, b = (a, m) if pred(_float(m)) else (m + 1, b)
    return _float(a)


def exhaustive_code(s, e, ca, la, w=(1.0, 1.0), cap=20000):
    """A code ``(dc, dl)`` whose decoding is exactly ``[s, e]``, or ``None`` if none exists.

    Every length ``L`` with ``fl(s + L) = e`` forms one run of floats, and so does every
    centre ``C`` near ``s + L/2``. The search walks the *reachable* centres (``fl(ca +
    fl(dc / wc) la)`` over all ``dc``) in that window and asks, for each, whether a
    reachable length (``fl(la exp(fl(dl / wl)))``) fits both ends.
    """
    f = np.float64
    s, e, ca, la = f(s), f(e), f(ca), f(la)
    wc, wl = w

    def length(d):
        with np.errstate(over="ignore"):
            return la * np.exp(d / f(wl))

    def centre(d):
        return ca + (d / f(wc)) * la

    top = f(4) * (abs(s) + abs(e))
    lmin = first_float(lambda x: s + x >= e, f(0), top)
    if lmin is None or s + lmin != e:
        return None
    lmax = first_float(lambda x: s + x > e, lmin, top)
    lmax = top if lmax is None else np.nextafter(lmax, -np.inf)
    slack = 2 * np.spacing(abs(s)) + np.spacing(abs(e))
    lo, hi = s + lmin / 2 - slack, s + lmax / 2 + slack
    big = f(1e300)
    dc = first_float(lambda d: centre(d) >= lo, -big, big)
    for _ in range(cap):
        if dc is None or centre(dc) > hi:
            return None
        c = centre(dc)
        # lengths that give the start back: fl(c - L/2) = s, non-increasing in L
        l1 = first_float(lambda x, c=c: c - 0.5 * x <= s, lmin, lmax)
        if l1 is not None and c - 0.5 * l1 == s:
            dl = first_float(lambda d, l1=l1: length(d) >= l1, f(-745 * wl), f(709 * wl))
            if dl is not None and c - 0.5 * length(dl) == s and s + length(dl) == e:
                return dc, dl
        dc = first_float(lambda d, c=c: centre(d) > c, dc, big)
    raise AssertionError("more reachable centres than the cap")


def exact_share(x, a, w=(1.0, 1.0)):
    return np.mean((decode(encode(x, a, w), a, w) == x).all(axis=1))


# ------------------------------------------------------------------ known values
class TestKnown:
    def test_hand(self):
        d = encode([[2.0, 10.0]], [[0.0, 4.0]])
        np.testing.assert_array_equal(d, [[1.0, math.log(2.0)]])
        np.testing.assert_array_equal(decode([[1.0, 0.0]], [[0.0, 4.0]]), [[4.0, 8.0]])

    def test_closed_form_misses_refinement_hits(self):
        # the closed form decodes to 0.3999999999999998; a code next to it gives 0.4 back
        x, a = np.array([[0.4, 2.1]]), np.array([[0.0, 4.0]])
        assert not np.array_equal(decode(closed_form(x, a), a), x)
        assert np.array_equal(decode(encode(x, a), a), x)

    def test_parity_clash_comes_back_exactly(self):
        # 12.3 and 15.6 share a binade and s/u + e/u is odd: no floats c, h give
        # fl(c - h) = 12.3 and fl(c + h) = 15.6, but decoding the end as start + L does
        s, e = 12.3, 15.6
        assert same_binade_odd(s, e)
        x, a = np.array([[s, e]]), np.array([[11.0, 16.0]])
        assert np.array_equal(decode(encode(x, a), a), x)

    def test_coarser_centre_obstruction(self):
        # s < 256 <= (s + e) / 2: no floats C, L near the ideal ones give fl(C - L/2) = s and
        # fl(s + L) = e, so the closed form is kept, within the bound
        s, e = 200.37, 350.44
        pairs = [(c, length) for c in floats_near(0.5 * (s + e), 3)
                 for length in floats_near(e - s, 8)]
        assert not any(c - 0.5 * length == s and (c - 0.5 * length) + length == e
                       for c, length in pairs)
        x, a = np.array([[s, e]]), np.array([[190.0, 360.0]])
        d = encode(x, a)
        np.testing.assert_array_equal(d, closed_form(x, a))
        assert ulps_of_scale(decode(d, a), x, a)[0] <= error_bound(d, (1.0, 1.0))[0]

    def test_decode_is_the_closed_form(self):
        rng = np.random.default_rng(3)
        _, a = random_rows(rng, 300)
        d = np.column_stack([rng.normal(0, 3, len(a)), rng.normal(0, 0.5, len(a))])
        for wc, wl in ((1.0, 1.0), (10.0, 5.0), (0.37, 2.9)):
            np.testing.assert_array_equal(decode(d, a, (wc, wl)), decode_formula(d, a, wc, wl))

    def test_broadcasting(self):
        x = np.array([[0.4, 2.1], [1.0, 3.0], [2.5, 2.75]])
        d = encode(x, [0.0, 4.0])
        assert d.shape == (3, 2)
        np.testing.assert_array_equal(decode(d, [0.0, 4.0]), x)
        assert encode([1.0, 3.0], [0.0, 4.0]).shape == (2,)
        stacked = encode(x[None], np.array([[0.0, 4.0]])[None])
        assert stacked.shape == (1, 3, 2)

    def test_round_trip_exact_on_decoded_intervals(self):
        # intervals that are themselves decoder outputs: an exact code exists by construction
        # (the search finds one for all but about 1e-5 of such rows, not in this sample)
        rng = np.random.default_rng(11)
        _, a = random_rows(rng, 5000)
        d = np.column_stack([rng.uniform(-3, 3, len(a)), rng.uniform(-0.5, 0.5, len(a))])
        for w in ((1.0, 1.0), (10.0, 5.0), (0.37, 2.9), (2.0, 0.25)):
            x = decode(d, a, w)
            np.testing.assert_array_equal(decode(encode(x, a, w), a, w), x)

    def test_errors(self):
        with pytest.raises(ValueError, match=r"intervals must have end > start to be encoded"):
            encode([[1.0, 1.0]], [[0.0, 1.0]])
        with pytest.raises(ValueError, match=r"anchors must have end > start"):
            decode([[0.0, 0.0]], [[1.0, 1.0]])
        with pytest.raises(ValueError, match=r"anchors must have end > start"):
            encode([[0.0, 1.0]], [[1.0, 1.0]])
        with pytest.raises(ValueError, match=r"deltas must have shape \(..., 2\); got \(3,\)"):
            decode([1.0, 2.0, 3.0], [[0.0, 1.0]])
        with pytest.raises(ValueError, match="intervals must be finite"):
            encode([[np.nan, 1.0]], [[0.0, 1.0]])
        with pytest.raises(ValueError, match="anchors must be finite"):
            decode([[0.0, 1.0]], [[0.0, np.inf]])
        with pytest.raises(ValueError, match=r"weights must be two positive numbers"):
            encode([[0.0, 1.0]], [[0.0, 1.0]], weights=(1.0, 0.0))
        with pytest.raises(ValueError, match=r"weights must be two positive numbers"):
            decode([[0.0, 1.0]], [[0.0, 1.0]], weights=(1.0,))
        with pytest.raises(TypeError, match="intervals must be an"):
            encode([["a", "b"]], [[0.0, 1.0]])
        with pytest.raises(ValueError, match=r"intervals with shape \(3, 2\) and anchors with "
                                             r"shape \(2, 2\) do not broadcast"):
            encode(np.ones((3, 2)) * [0, 1], np.ones((2, 2)) * [0, 1])


# ------------------------------------------------------------------ measured shares and bounds
class TestTyped:
    """Hand-typed times (1/100 s): bit-exact shares as measured with these seeds."""

    @pytest.mark.parametrize(("kw", "share"), [
        ({}, 0.99),                                    # anchors of about the same size
        ({"span": 1e5, "dur": 10.0, "jitter": 2.0}, 0.999),  # far anchors
        ({"span": 100.0, "dur": 10.0, "jitter": 1.5}, 0.93),  # length ratios up to e^1.5
        ({"span": 5.0, "dur": 3.0}, 0.75),             # near 0
    ])
    def test_exact_share(self, kw, share):
        x, a = typed_events(np.random.default_rng(0), 100_000, **kw)
        assert exact_share(x, a) >= share
        closed = np.mean((decode(closed_form(x, a), a) == x).all(axis=1))
        assert closed < 0.8

    def test_every_row_within_the_bound(self):
        x, a = typed_events(np.random.default_rng(1), 100_000, span=5.0, dur=3.0, jitter=1.5)
        for w in ((1.0, 1.0), (10.0, 5.0), (0.37, 2.9)):
            d = encode(x, a, w)
            assert (ulps_of_scale(decode(d, a, w), x, a) <= error_bound(d, w)).all()


class TestBounds:
    @pytest.mark.parametrize("w", [(1.0, 1.0), (4.0, 0.5), (10.0, 5.0), (0.37, 2.9),
                                   (1 / 3, 1.7)])
    @pytest.mark.parametrize("kw", [
        {"lo": -6, "hi": 9, "t": 3.0, "offset": 1e3},
        {"lo": -3, "hi": 3, "t": 5.0, "offset": 10.0, "decimals": 2},
        {"lo": -6, "hi": 9, "t": 1.0, "offset": 1e3, "decimals": 2},
    ])
    def test_documented_bound(self, w, kw):
        # rows without an exact code keep the closed form: within 4 + 2|dl / w_l| ulps of
        # S (power-of-two weights), 6 + 2|dl / w_l| otherwise
        x, a = random_rows(np.random.default_rng(5), 20000, **kw)
        d = encode(x, a, w)
        assert (ulps_of_scale(decode(d, a, w), x, a) <= error_bound(d, w)).all()

    def test_codes_stay_next_to_the_closed_form(self):
        # a few ulps of the coordinates, expressed in code units (measured: 5.1 and 2.1)
        rng = np.random.default_rng(7)
        x, a = random_rows(rng, 20000, lo=-6, hi=9, t=3.0, offset=1e3)
        x2, a2 = typed_events(rng, 20000)
        x, a = np.vstack([x, x2]), np.vstack([a, a2])
        for w in ((1.0, 1.0), (0.37, 2.9)):
            d, ref = encode(x, a, w), closed_form(x, a, *w)
            la, length = a[:, 1] - a[:, 0], x[:, 1] - x[:, 0]
            u = np.spacing(scale(x, a))
            assert (np.abs(d[:, 0] - ref[:, 0]) <= 8 * w[0] * u / la).all()
            assert (np.abs(d[:, 1] - ref[:, 1]) <= 4 * w[1] * u / length).all()
            rel = np.abs(d - ref) / np.maximum(np.abs(ref), 1.0)
            assert rel.max() <= 1e-8


# ------------------------------------------------------------------ nothing left to find
REGIMES = [{}, {"span": 1e5, "dur": 10.0, "jitter": 2.0},
           {"span": 100.0, "dur": 10.0, "jitter": 1.5}, {"span": 5.0, "dur": 3.0}]


class TestNothingMissed:
    """Every row that ``encode`` cannot give back exactly has no exact code at all."""

    @pytest.mark.parametrize("w", [(1.0, 1.0), (0.37, 2.9)])
    @pytest.mark.parametrize("kw", REGIMES)
    def test_misses_have_no_code(self, kw, w):
        rng = np.random.default_rng(21)
        x, a = typed_events(rng, 20000, **kw)
        ca, la = 0.5 * (a[:, 0] + a[:, 1]), a[:, 1] - a[:, 0]
        ok = (decode(encode(x, a, w), a, w) == x).all(axis=1)
        miss = np.flatnonzero(~ok)
        assert 0 < miss.size < 0.25 * len(x)
        for i in rng.choice(miss, min(miss.size, 120), replace=False):
            assert exhaustive_code(x[i, 0], x[i, 1], ca[i], la[i], w) is None, x[i]
        # the search is not vacuous: it finds the codes of rows that do come back
        for i in rng.choice(np.flatnonzero(ok), 20, replace=False):
            code = exhaustive_code(x[i, 0], x[i, 1], ca[i], la[i], w)
            np.testing.assert_array_equal(decode(np.array([code]), a[i], w)[0], x[i])

    @pytest.mark.parametrize(("s", "e", "anchor", "kind"), [
        (1.35, 3.74, (2.18, 4.58), "no float pair"),
        (0.26, 2.39, (0.97, 3.66), "no float length"),
        (3.65, 5.06, (3.6338599173917903, 4.858899785013566), "length unreachable"),
        (0.14, 0.69, (0.3131105600772424, 0.9637750080985519), "centre unreachable"),
    ])
    def test_each_kind_of_obstruction(self, s, e, anchor, kind):
        ca, la = 0.5 * (anchor[0] + anchor[1]), anchor[1] - anchor[0]
        assert exhaustive_code(s, e, ca, la) is None
        x = np.array([[s, e]])
        assert not np.array_equal(decode(encode(x, anchor), anchor), x)
        lengths = [big for big in floats_near(e - s, 16) if s + big == e]
        pairs = [(c, big) for big in lengths for c in floats_near(s + 0.5 * big, 4)
                 if c - 0.5 * big == s]
        assert no_float_pair(np.array([s]), np.array([e]))[0] == (kind.startswith("no"))
        if kind == "no float length":
            # s + L is a round-half-even tie for every candidate L and rounds away from e
            assert lengths == []
        elif kind == "no float pair":
            assert lengths
            assert pairs == []
        else:
            # floats exist, but no code reaches them from this anchor; from a rounder one,
            # encode finds a code
            assert pairs
            rounder = np.round(anchor, 2)
            assert np.array_equal(decode(encode(x, rounder), rounder), x)

    def test_no_float_pair_is_never_wrong(self):
        # decoder outputs have a code by construction: never flagged
        rng = np.random.default_rng(23)
        _, a = random_rows(rng, 200_000, lo=-3, hi=6, t=2.0, offset=20.0)
        d = np.column_stack([rng.uniform(-20, 20, len(a)), rng.uniform(-2, 2, len(a))])
        x = decode(d, a)
        keep = x[:, 1] > x[:, 0]
        assert not no_float_pair(x[keep, 0], x[keep, 1]).any()
        # typed rows it flags have no code (checked exhaustively on a sample)
        x, a = typed_events(rng, 50000, span=5.0, dur=3.0)
        flagged = np.flatnonzero(no_float_pair(x[:, 0], x[:, 1]))
        assert flagged.size > 0.1 * len(x)
        ca, la = 0.5 * (a[:, 0] + a[:, 1]), a[:, 1] - a[:, 0]
        for i in rng.choice(flagged, 100, replace=False):
            assert exhaustive_code(x[i, 0], x[i, 1], ca[i], la[i]) is None
