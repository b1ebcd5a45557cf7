"""IntervalSet and interval_overlap: known values, rasterised brute force, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import shapeoverlap as so
from shapeoverlap import IntervalSet
from shapeoverlap._kernels import intervals as K
from shapeoverlap.intervals import interval_overlap

# ---------------------------------------------------------------- brute force helpers
STEP = 0.5  # random coordinates are multiples of STEP, so a raster at STEP is exact


def raster(pairs, lo, hi, period=None):
    """Boolean membership of the cells [x, x + STEP) for x in [lo, hi), by cell midpoint."""
    mid = np.arange(lo, hi, STEP) + STEP / 2
    out = np.zeros(mid.size, bool)
    for s, e in pairs:
        if period is None:
            out |= (mid >= s) & (mid < e)
        else:
            length = e - s if e >= s else e - s + period
            if length >= period:
                out[:] = True
            else:
                out |= np.mod(mid - s, period) < length
    return mid, out


def random_pairs(rng, n, lo=0.0, hi=40.0, maxlen=8.0):
    s = rng.integers(int(lo / STEP), int(hi / STEP), n) * STEP
    length = rng.integers(0, int(maxlen / STEP) + 1, n) * STEP
    return np.column_stack([s, s + length])


def random_arcs(rng, n, period=24.0, maxlen=10.0):
    s = rng.integers(0, int(period / STEP), n) * STEP
    length = rng.integers(0, int(maxlen / STEP) + 1, n) * STEP
    e = np.mod(s + length, period)
    return np.column_stack([s, e])[length > 0]


def brute_stats(mid, ra, rb, period=None):
    inter = np.count_nonzero(ra & rb) * STEP
    union = np.count_nonzero(ra | rb) * STEP
    u = ra | rb
    if period is None:
        idx = np.flatnonzero(u)
        hull = (idx[-1] - idx[0] + 1) * STEP if idx.size else 0.0
        ca = mid[ra].mean() if ra.any() else None
        cb = mid[rb].mean() if rb.any() else None
        d = abs(ca - cb) if ca is not None and cb is not None else 0.0
    else:
        # largest run of empty cells around the circle
        if u.all():
            gap = 0
        elif not u.any():
            gap = u.size
        else:
            k = int(np.flatnonzero(u)[0])
            rolled = np.roll(~u, -k)
            best = run = 0
            for v in rolled:
                run = run + 1 if v else 0
                best = max(best, run)
            gap = best
        hull = period - gap * STEP if u.any() else 0.0

        def cmean(r):
            t = 2 * np.pi * mid[r] / period
            z = np.exp(1j * t).sum()
            return None if abs(z) < 1e-9 * r.sum() else np.angle(z) % (2 * np.pi) * period / (
                2 * np.pi
            )

        ca, cb = cmean(ra), cmean(rb)
        if ca is None or cb is None or not ra.any() or not rb.any():
            d = 0.0
        else:
            d = abs(ca - cb) % period
            d = min(d, period - d)
    return inter, union, ra.sum() * STEP, rb.sum() * STEP, hull, d


# ---------------------------------------------------------------- known values
class TestKnownValues:
    def test_merge_sort_booked_zero_length(self):
        s = IntervalSet([(5, 6), (0, 2), (2, 3), (1, 1.5), (7, 7), (10, 12)])
        assert list(s) == [(0.0, 3.0), (5.0, 6.0), (10.0, 12.0)]
        assert len(s) == 3
        assert s.measure == 6.0
        np.testing.assert_array_equal(s.starts, [0, 5, 10])
        np.testing.assert_array_equal(s.ends, [3, 6, 12])
        assert s.period is None

    def test_empty_inputs(self):
        for empty in ([], (), np.empty((0, 2)), np.empty(0)):
            s = IntervalSet(empty)
            assert len(s) == 0
            assert s.measure == 0.0
            assert list(s) == []
        assert IntervalSet([(3, 3)]) == IntervalSet([])

    def test_iteration_yields_python_floats(self):
        (pair,) = list(IntervalSet(np.array([[1, 2]], dtype=np.int32)))
        assert type(pair[0]) is float
        assert type(pair[1]) is float

    def test_repr(self):
        assert repr(IntervalSet([(0, 1)])) == "IntervalSet([(0.0, 1.0)])"
        assert repr(IntervalSet([(350, 10)], period=360)) == (
            "IntervalSet([(350.0, 10.0)], period=360.0)"
        )
        long = IntervalSet([(2 * i, 2 * i + 1) for i in range(10)])
        assert repr(long) == (
            "IntervalSet([(0.0, 1.0), (2.0, 3.0), (4.0, 5.0), ..., (16.0, 17.0), (18.0, 19.0)]"
            "  # 10 intervals)"
        )

    def test_equality(self):
        assert IntervalSet([(0, 1), (1, 2)]) == IntervalSet([(0, 2)])
        assert IntervalSet([(0, 2)]) != IntervalSet([(0, 2)], period=24)
        assert IntervalSet([(0, 2)]) != IntervalSet([(0, 3)])
        assert IntervalSet([(0, 2)]) != [(0, 2)]

    def test_set_algebra_hand(self):
        a = IntervalSet([(0, 4), (6, 8)])
        b = IntervalSet([(2, 7)])
        assert list(a & b) == [(2.0, 4.0), (6.0, 7.0)]
        assert list(a | b) == [(0.0, 8.0)]
        assert list(a - b) == [(0.0, 2.0), (7.0, 8.0)]
        assert list(b - a) == [(4.0, 6.0)]
        assert list(a ^ b) == [(0.0, 2.0), (4.0, 6.0), (7.0, 8.0)]
        assert 3 in a
        assert 4 not in a
        assert "x" not in a

    def test_copy_constructor(self):
        a = IntervalSet([(350, 10)], period=360)
        assert IntervalSet(a) == a
        with pytest.raises(ValueError, match=r"period=24 differs .* \(360.0\)"):
            IntervalSet(a, period=24)

    def test_core_doctest_values(self):
        s = so.overlap(IntervalSet([(0, 2)]), IntervalSet([(1, 4)]))
        assert (s.intersection, s.union, s.size_a, s.size_b) == (1.0, 4.0, 2.0, 3.0)
        assert s.hull == 4.0
        assert s.hull_diameter == 4.0
        assert s.center_distance == 1.5  # centres 1.0 and 2.5
        # disjoint: hull 4, union 2, centres 0.5 and 3.5
        a, b = IntervalSet([(0, 1)]), IntervalSet([(3, 4)])
        assert so.giou(a, b) == 0 - (4 - 2) / 4
        assert so.diou(a, b) == 0 - 3.0**2 / 4.0**2
        assert so.iou(IntervalSet([(22, 6)], period=24), IntervalSet([(23, 7)], period=24)) == (
            7 / 9
        )

    def test_scores_are_python_floats(self):
        s = interval_overlap(IntervalSet([(0, 2)]), IntervalSet([(1, 4)]))
        for v in s.to_dict().values():
            assert type(v) is float

    def test_geometry_off(self):
        s = interval_overlap(IntervalSet([(0, 2)]), IntervalSet([(1, 4)]), geometry=False)
        assert s.hull is None
        assert s.center_distance is None

    def test_empty_policy(self):
        e = IntervalSet([])
        assert math.isnan(so.iou(e, e))
        assert so.iou(e, e, empty=1.0) == 1.0
        with pytest.raises(so.EmptyUnionError, match="empty"):
            so.iou(e, e, empty="raise")
        a = IntervalSet([(0, 2)])
        assert so.iou(a, e) == 0.0
        assert so.giou(a, e) == 0.0  # hull = a itself
        assert so.diou(a, e) == 0.0  # an empty set has no centre: distance 0


class TestPeriodic:
    def test_wrapping_and_normalisation(self):
        s = IntervalSet([(350, 10)], period=360)
        assert s.measure == 20.0
        assert len(s) == 1
        assert list(s) == [(350.0, 10.0)]
        assert IntervalSet([(-10, 10)], period=360) == s
        assert IntervalSet([(710, 730)], period=360) == s
        assert IntervalSet([(350, 360), (0, 10)], period=360) == s

    def test_point_at_period_wraps_to_zero(self):
        s = IntervalSet([(360, 370)], period=360)
        assert list(s) == [(0.0, 10.0)]
        assert 360 in s
        assert 0 in s
        assert IntervalSet([(350, 360)], period=360).ends.tolist() == [360.0]

    def test_full_circle(self):
        for pair in [(0, 360), (10, 400), (5, 365)]:
            s = IntervalSet([pair], period=360)
            assert list(s) == [(0.0, 360.0)]
            assert s.measure == 360.0
        # a wrapping pair of length 355 is not the full circle
        assert IntervalSet([(10, 5)], period=360).measure == 355.0

    def test_geometry_hand(self):
        a = IntervalSet([(350, 10)], period=360)
        b = IntervalSet([(5, 25)], period=360)
        s = so.overlap(a, b)
        assert (s.intersection, s.union, s.hull) == (5.0, 35.0, 35.0)
        assert s.center_distance == pytest.approx(15.0, abs=1e-12)  # 0 and 15 degrees
        # centres 350 and 20 degrees: 30 apart across the seam
        s = so.overlap(IntervalSet([(340, 0)], period=360), IntervalSet([(10, 30)], period=360))
        assert s.center_distance == pytest.approx(30.0, abs=1e-12)
        assert s.hull == 50.0

    def test_undefined_circular_mean_adds_no_distance(self):
        spread = IntervalSet([(0, 90), (180, 270)], period=360)
        other = IntervalSet([(100, 110)], period=360)
        s = so.overlap(spread, other)
        assert s.center_distance == 0.0
        assert math.isnan(spread.centroid())
        assert so.diou(spread, other) == so.iou(spread, other)

    def test_hull_is_shortest_arc(self):
        s = so.overlap(IntervalSet([(0, 10)], period=360), IntervalSet([(300, 310)], period=360))
        assert s.hull == 70.0  # from 300 through the seam to 10

    def test_periodic_vs_unrolled(self):
        rng = np.random.default_rng(3)
        for _ in range(30):
            pa, pb = random_arcs(rng, 5), random_arcs(rng, 5)
            a, b = IntervalSet(pa, period=24), IntervalSet(pb, period=24)
            # unroll: split each arc at the seam into pieces of [0, 24)
            la = IntervalSet(np.column_stack([a._s, a._e]))
            lb = IntervalSet(np.column_stack([b._s, b._e]))
            sp, sl = so.overlap(a, b), so.overlap(la, lb)
            assert sp.intersection == sl.intersection
            assert sp.union == sl.union
            # a rotation that puts the largest gap of the union at the seam unrolls exactly
            u = a | b
            if len(u) and u.measure < 24:
                gs = np.append(u._s[1:], u._s[0] + 24)
                k = int(np.argmax(gs - u._e))
                shift = -(u._s[(k + 1) % u._s.size])
                ra = IntervalSet(pa + shift, period=24)
                rb = IntervalSet(pb + shift, period=24)
                lra = IntervalSet(np.column_stack([ra._s, ra._e]))
                lrb = IntervalSet(np.column_stack([rb._s, rb._e]))
                np.testing.assert_allclose(so.giou(ra, rb), so.giou(lra, lrb), rtol=1e-12)


# ---------------------------------------------------------------- brute force equivalence
class TestRasterEquivalence:
    @pytest.mark.parametrize("seed", range(20))
    def test_line(self, seed):
        rng = np.random.default_rng(seed)
        pa = random_pairs(rng, rng.integers(0, 8))
        pb = random_pairs(rng, rng.integers(1, 8))
        a, b = IntervalSet(pa), IntervalSet(pb)
        mid, ra = raster(pa, -1, 50)
        _, rb = raster(pb, -1, 50)
        s = so.overlap(a, b)
        inter, union, sa, sb, hull, d = brute_stats(mid, ra, rb)
        assert (s.intersection, s.union, s.size_a, s.size_b) == (inter, union, sa, sb)
        assert s.hull == hull
        np.testing.assert_allclose(s.center_distance, d, rtol=1e-12, atol=1e-12)
        for op, ref in [("&", ra & rb), ("|", ra | rb), ("-", ra & ~rb), ("^", ra ^ rb)]:
            res = {"&": a & b, "|": a | b, "-": a - b, "^": a ^ b}[op]
            _, r = raster(list(res), -1, 50)
            np.testing.assert_array_equal(r, ref, err_msg=op)
            # the result is canonical: sorted, disjoint, not touching
            assert np.all(res._s[1:] > res._e[:-1])

    @pytest.mark.parametrize("seed", range(20))
    def test_circle(self, seed):
        rng = np.random.default_rng(100 + seed)
        pa = random_arcs(rng, rng.integers(0, 6))
        pb = random_arcs(rng, rng.integers(1, 6))
        a, b = IntervalSet(pa, period=24), IntervalSet(pb, period=24)
        mid, ra = raster(pa, 0, 24, period=24)
        _, rb = raster(pb, 0, 24, period=24)
        s = so.overlap(a, b)
        inter, union, sa, sb, hull, d = brute_stats(mid, ra, rb, period=24)
        assert (s.intersection, s.union, s.size_a, s.size_b) == (inter, union, sa, sb)
        assert s.hull == hull
        np.testing.assert_allclose(s.center_distance, d, rtol=1e-9, atol=1e-9)
        for res, ref in [(a & b, ra & rb), (a | b, ra | rb), (a - b, ra & ~rb), (a ^ b, ra ^ rb)]:
            _, r = raster(list(res), 0, 24, period=24)
            np.testing.assert_array_equal(r, ref)
            assert len(res) == len(list(res))


# ---------------------------------------------------------------- grouped kernels
class TestKernels:
    def test_grouped_merge_equals_per_group(self):
        rng = np.random.default_rng(7)
        n = 400
        pairs = random_pairs(rng, n)
        g = rng.integers(0, 9, n)
        s, e, gg = K.merge(pairs[:, 0], pairs[:, 1], g)
        for k in range(9):
            ref = IntervalSet(pairs[g == k])
            np.testing.assert_array_equal(s[gg == k], ref._s)
            np.testing.assert_array_equal(e[gg == k], ref._e)

    def test_grouped_intersect_equals_per_group(self):
        rng = np.random.default_rng(8)
        pa, pb = random_pairs(rng, 300), random_pairs(rng, 300)
        ga, gb = rng.integers(0, 5, 300), rng.integers(0, 5, 300)
        sa, ea, ka = K.merge(pa[:, 0], pa[:, 1], ga)
        sb, eb, kb = K.merge(pb[:, 0], pb[:, 1], gb)
        s, e, g = K.intersect(sa, ea, sb, eb, ka, kb)
        for k in range(5):
            ref = IntervalSet(pa[ga == k]) & IntervalSet(pb[gb == k])
            np.testing.assert_array_equal(s[g == k], ref._s)
            np.testing.assert_array_equal(e[g == k], ref._e)

    def test_overlapping_pairs_brute_force(self):
        rng = np.random.default_rng(9)
        pa, pb = random_pairs(rng, 120), random_pairs(rng, 150)
        ga, gb = rng.integers(0, 3, 120), rng.integers(0, 3, 150)
        for groups in (False, True):
            i, j = K.overlapping_pairs(
                pa[:, 0], pa[:, 1], pb[:, 0], pb[:, 1],
                ga if groups else None, gb if groups else None,
            )
            inter = np.minimum(pa[:, 1, None], pb[None, :, 1]) - np.maximum(
                pa[:, 0, None], pb[None, :, 0]
            )
            ok = inter > 0
            if groups:
                ok &= ga[:, None] == gb[None, :]
            bi, bj = np.nonzero(ok)
            np.testing.assert_array_equal(i, bi)
            np.testing.assert_array_equal(j, bj)


# ---------------------------------------------------------------- errors
class TestErrors:
    def test_end_before_start(self):
        with pytest.raises(ValueError, match=r"intervals\[1\] = \(5.0, 2.0\) has end < start"):
            IntervalSet([(0, 1), (5, 2)])

    def test_more_than_a_period_backwards(self):
        with pytest.raises(ValueError, match=r"intervals\[0\] = \(400.0, 10.0\): end is more"):
            IntervalSet([(400, 10)], period=360)

    @pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
    def test_non_finite(self, bad):
        with pytest.raises(ValueError, match=r"intervals must be finite; intervals\[1\] = "):
            IntervalSet([(0, 1), (bad, 2)])

    @pytest.mark.parametrize(
        ("value", "shape"),
        [([0, 2], r"\(2,\)"), ([(0, 1, 2)], r"\(1, 3\)"), (np.zeros((2, 2, 2)), r"\(2, 2, 2\)")],
    )
    def test_shape(self, value, shape):
        msg = rf"intervals must have shape \(N, 2\); got shape {shape}"
        with pytest.raises(ValueError, match=msg):
            IntervalSet(value)

    def test_single_pair_hint(self):
        with pytest.raises(ValueError, match=r"wrap a single interval in a list"):
            IntervalSet((0, 2))

    @pytest.mark.parametrize("value", [None, "0-2", [("a", "b")], [(0, 1), (2,)]])
    def test_type(self, value):
        with pytest.raises(TypeError, match="intervals must be an"):
            IntervalSet(value)

    @pytest.mark.parametrize("period", [0, -24, np.nan, np.inf])
    def test_period_value(self, period):
        with pytest.raises(ValueError, match=r"period must be a finite number > 0"):
            IntervalSet([(0, 1)], period=period)

    @pytest.mark.parametrize("period", ["24", True, [24]])
    def test_period_type(self, period):
        with pytest.raises(TypeError, match=r"period must be a positive number or None"):
            IntervalSet([(0, 1)], period=period)

    def test_mixed_periods(self):
        a, b = IntervalSet([(0, 1)], period=24), IntervalSet([(0, 1)], period=360)
        for op in ("__and__", "__or__", "__sub__", "__xor__"):
            with pytest.raises(ValueError, match=r"different periods \(24.0 and 360.0\)"):
                getattr(a, op)(b)
        with pytest.raises(ValueError, match=r"a and b have different periods"):
            so.iou(a, b)
        with pytest.raises(ValueError, match=r"a and b have different periods \(None and 24.0"):
            so.iou(IntervalSet([(0, 1)]), a)

    def test_operand_types(self):
        with pytest.raises(TypeError, match=r"unsupported operand for &: IntervalSet and list"):
            IntervalSet([(0, 1)]) & [(0, 1)]
        with pytest.raises(TypeError, match=r"b must be an IntervalSet; got list"):
            interval_overlap(IntervalSet([(0, 1)]), [(0, 1)])
        with pytest.raises(TypeError, match=r"a must be an IntervalSet; got tuple"):
            interval_overlap((0, 1), IntervalSet([(0, 1)]))
        with pytest.raises(TypeError, match="same kind"):
            so.iou(IntervalSet([(0, 1)]), np.ones(3, bool))
        with pytest.raises(TypeError, match="spacing= applies to masks"):
            so.iou(IntervalSet([(0, 1)]), IntervalSet([(0, 1)]), spacing=2.0)


def test_a_list_of_pairs_is_not_read_as_a_mask():
    # a first mistake: plain (start, end) tuples would be a 2-column soft mask
    for a, b in (([(0, 1)], [(0.5, 2)]), ([(0, 1)], [(0.5, 1)])):
        with pytest.raises(TypeError, match=r"a is a list of \(start, end\) pairs; wrap "
                                            r"intervals in so.IntervalSet"):
            so.iou(a, b)
    assert so.iou(so.IntervalSet([(0, 1)]), so.IntervalSet([(0.5, 2)])) == 0.25
    assert so.iou([[1, 0], [0, 1]], [[1, 1], [0, 1]]) == 2 / 3  # nested lists stay masks


def test_dates_axis_and_nan_coordinates_are_refused():
    with pytest.raises(TypeError, match="intervals holds dates or durations; give numbers in "
                                        "one unit"):
        so.IntervalSet([(np.datetime64("2020-01-01"), np.datetime64("2020-01-02"))])
    a, b = so.IntervalSet([(0, 2), (5, 7)]), so.IntervalSet([(1, 6)])
    with pytest.raises(TypeError, match="axis= applies to masks on grids"):
        so.iou(a, b, axis=0)  # 0 is an option given, not "no option"
    xr = pytest.importorskip("xarray")
    coords = {"x": [0.0, np.nan, 1.0]}
    with pytest.raises(ValueError, match="coordinate 'x' of a holds NaN/NaT"):
        so.iou(xr.DataArray([1, 0, 1], dims="x", coords=coords),
               xr.DataArray([1, 1, 1], dims="x", coords=coords))
