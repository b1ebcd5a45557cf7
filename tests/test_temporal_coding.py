"""so.temporal.encode / decode: exact round trip, where exactness is impossible, bounds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from shapeoverlap.temporal import decode, encode


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
