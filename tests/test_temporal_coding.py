"""so.temporal.encode / decode: exact round trip, where exactness is impossible, bounds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from shapeoverlap.temporal import decode, encode

INF = np.inf


# ------------------------------------------------------------------ independent definitions
def decode_formula(d, anchors, wc=1.0, wl=1.0):
    """Decoding written out from its definition, ``[c - h, c + h]``, one row at a time."""
    out = []
    for (dc, dl), (a0, a1) in zip(np.atleast_2d(d), np.atleast_2d(anchors), strict=True):
        ca, la = 0.5 * (a0 + a1), a1 - a0
        c = ca + (dc / wc) * la
        h = 0.5 * la * np.exp(dl / wl)
        out.append([c - h, c + h])
    return np.array(out)


def closed_form(x, anchors, wc=1.0, wl=1.0):
    x, a = np.atleast_2d(x), np.atleast_2d(anchors)
    c, length = 0.5 * (x[:, 0] + x[:, 1]), x[:, 1] - x[:, 0]
    ca, la = 0.5 * (a[:, 0] + a[:, 1]), a[:, 1] - a[:, 0]
    return np.column_stack([wc * (c - ca) / la, wl * np.log(length / la)])


def floats_near(x, n):
    """``x`` and the ``n`` floats either side of it."""
    out, lo, hi = [x], x, x
    for _ in range(n):
        lo, hi = np.nextafter(lo, -INF), np.nextafter(hi, INF)
        out += [lo, hi]
    return np.array(out)


def codes_near(g, n):
    return floats_near(np.float64(g), n)


def brute_force_exact_code(s, e, a0, a1, wc=1.0, wl=1.0, n=24):
    """Search the codes near the closed form for one that decodes exactly to ``[s, e]``.

    Centres: codes around the inverse of each float within 3 steps of (s + e)/2. Half-lengths,
    for each such centre: codes around the inverse of each float within 3 steps of
    ``e - c``, ``c - s`` and their mean. Every pair is decoded with the formula.
    """
    ca, la = 0.5 * (a0 + a1), a1 - a0
    centres = {}
    for ct in floats_near(0.5 * (s + e), 3):
        for d in codes_near(wc * ((ct - ca) / la), n):
            centres.setdefault(ca + (d / wc) * la, d)
    for c, dc in centres.items():
        if abs((2 * c - e) - s) > 4 * (np.spacing(abs(s)) + np.spacing(abs(e))):
            continue
        hs = np.concatenate([floats_near(v, 3) for v in (e - c, c - s, 0.5 * ((e - c) + (c - s)))])
        for ht in hs[hs > 0]:
            dl = codes_near(wl * np.log(ht / (0.5 * la)), n)
            h = 0.5 * la * np.exp(dl / wl)
            hit = ((c - h) == s) & ((c + h) == e)
            if hit.any():
                return dc, dl[hit][0]
    return None


def scale(x, anchors):
    """``S = max(|s|, |e|, |c_a|, |c - c_a|)``: the largest quantity decoding handles."""
    x, a = np.atleast_2d(x), np.atleast_2d(anchors)
    c, ca = 0.5 * (x[:, 0] + x[:, 1]), 0.5 * (a[:, 0] + a[:, 1])
    return np.max(np.column_stack([np.abs(x), np.abs(ca), np.abs(c - ca)]), axis=1)


def ulps_of_scale(back, x, anchors):
    return np.abs(back - x).max(axis=1) / np.spacing(scale(x, anchors))


def same_binade_odd(s, e):
    """The parity obstruction, from its definition: one spacing u and s/u + e/u odd."""
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

    def test_parity_obstruction(self):
        # 12.3 and 15.6 share a binade ([8, 16)) and s/u + e/u is odd: no floats c, h give
        # fl(c - h) = 12.3 and fl(c + h) = 15.6, so one end comes back one ulp off
        s, e = 12.3, 15.6
        assert same_binade_odd(s, e)
        c, h = floats_near(0.5 * (s + e), 8), floats_near(0.5 * (e - s), 64)
        assert not (((c[:, None] - h[None, :]) == s) & ((c[:, None] + h[None, :]) == e)).any()
        x, a = np.array([[s, e]]), np.array([[11.0, 16.0]])
        back = decode(encode(x, a), a)[0]
        steps = sorted(abs(int(np.float64(v).view(np.int64) - np.float64(w).view(np.int64)))
                       for v, w in zip(back, (s, e), strict=True))
        assert steps == [0, 1]

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
        rng = np.random.default_rng(11)
        _, a = random_rows(rng, 5000)
        d = np.column_stack([rng.uniform(-3, 3, len(a)), rng.uniform(-0.5, 0.5, len(a))])
        for w in ((1.0, 1.0), (10.0, 5.0), (0.37, 2.9), (2.0, 0.25)):
            x = decode(d, a, w)
            np.testing.assert_array_equal(decode(encode(x, a, w), a, w), x)

    @pytest.mark.parametrize("w", [(1.0, 1.0), (10.0, 5.0), (0.37, 2.9)])
    def test_exact_wherever_brute_force_finds_a_code(self, w):
        rng = np.random.default_rng(int(w[0] * 100))
        x, a = random_rows(rng, 150, decimals=2)
        x2, a2 = random_rows(rng, 150)
        x, a = np.vstack([x, x2]), np.vstack([a, a2])
        back = decode(encode(x, a, w), a, w)
        for (s, e), (a0, a1), b in zip(x, a, back, strict=True):
            if not np.array_equal(b, [s, e]):
                assert brute_force_exact_code(s, e, a0, a1, *w) is None, (s, e, a0, a1)

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


# ------------------------------------------------------------------ bounds where not exact
class TestBounds:
    def test_one_ulp_of_scale(self):
        # power-of-two weights, intervals on one side of 0, |dl / w_l| <= 1/2
        rng = np.random.default_rng(5)
        x, a = random_rows(rng, 20000, lo=-6, hi=9, offset=50.0)
        x, a = x[(x[:, 0] >= 0) | (x[:, 1] <= 0)], a[(x[:, 0] >= 0) | (x[:, 1] <= 0)]
        for w in ((1.0, 1.0), (4.0, 0.5), (0.125, 2.0)):
            back = decode(encode(x, a, w), a, w)
            assert ulps_of_scale(back, x, a).max() <= 1.0

    def test_two_ulps_of_scale(self):
        # any weights, intervals across 0 too, |dl / w_l| <= 1
        rng = np.random.default_rng(6)
        x, a = random_rows(rng, 20000, lo=-6, hi=9, t=1.0, offset=1e3)
        for w in ((1.0, 1.0), (0.37, 2.9), (7.0, 0.3)):
            back = decode(encode(x, a, w), a, w)
            assert ulps_of_scale(back, x, a).max() <= 2.0

    def test_codes_stay_next_to_the_closed_form(self):
        # within 2 ulps of the coordinates (expressed in code units) plus 2 ulps of the code
        rng = np.random.default_rng(7)
        x, a = random_rows(rng, 20000, lo=-6, hi=9, t=3.0, offset=1e3)
        for w in ((1.0, 1.0), (0.37, 2.9)):
            d, ref = encode(x, a, w), closed_form(x, a, *w)
            la, h = a[:, 1] - a[:, 0], 0.5 * (x[:, 1] - x[:, 0])
            u = np.spacing(scale(x, a))
            tol_c = 2 * (w[0] * u / la + np.spacing(np.abs(ref[:, 0])))
            tol_l = 2 * (w[1] * u / h + np.spacing(np.abs(ref[:, 1])))
            assert (np.abs(d[:, 0] - ref[:, 0]) <= tol_c).all()
            assert (np.abs(d[:, 1] - ref[:, 1]) <= tol_l).all()
