"""Axis-aligned boxes: known values, raster equivalence, formats, scale invariance, errors."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import xarray as xr

import shapeoverlap as so
from shapeoverlap import boxes as B

# ---------------------------------------------------------------------------------------------
# helpers (independent definitions)
# ---------------------------------------------------------------------------------------------


def random_boxes(rng, n, d=2, lo=0.0, hi=10.0, min_size=0.1, max_size=5.0):
    corner = rng.uniform(lo, hi, (n, d))
    size = rng.uniform(min_size, max_size, (n, d))
    return np.concatenate([corner, corner + size], axis=1)


def raster(box, step, extent):
    """Boolean mask of a 2-D box on a grid of cells of side ``step`` (cell centres inside)."""
    c = (np.arange(int(extent / step)) + 0.5) * step
    x, y = np.meshgrid(c, c, indexing="ij")
    return (x > box[0]) & (x < box[2]) & (y > box[1]) & (y < box[3])


def raster_scores(a, b, step=0.25, extent=12.0):
    ma, mb = raster(a, step, extent), raster(b, step, extent)
    cell = step * step
    inter = np.count_nonzero(ma & mb) * cell
    union = np.count_nonzero(ma | mb) * cell
    u = ma | mb
    xs = np.nonzero(u.any(axis=1))[0]
    ys = np.nonzero(u.any(axis=0))[0]
    hw = (xs.max() - xs.min() + 1) * step
    hh = (ys.max() - ys.min() + 1) * step

    def centre(m):
        i, j = np.nonzero(m)
        return np.array([(i.mean() + 0.5) * step, (j.mean() + 0.5) * step])

    rho2 = float(np.sum((centre(ma) - centre(mb)) ** 2))
    iou = inter / union
    return {
        "iou": iou,
        "giou": iou - (hw * hh - union) / (hw * hh),
        "diou": iou - rho2 / (hw**2 + hh**2),
        "dice": 2 * inter / (np.count_nonzero(ma) + np.count_nonzero(mb)) / cell,
    }


def ciou_reference(a, b):
    """CIoU from its published definition, written out scalar by scalar."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    wa, ha, wb, hb = a[2] - a[0], a[3] - a[1], b[2] - b[0], b[3] - b[1]
    union = wa * ha + wb * hb - inter
    iou = inter / union
    cw = max(a[2], b[2]) - min(a[0], b[0])
    ch = max(a[3], b[3]) - min(a[1], b[1])
    rho2 = ((a[0] + a[2]) / 2 - (b[0] + b[2]) / 2) ** 2 + ((a[1] + a[3]) / 2 - (b[1] + b[3]) / 2) ** 2
    v = 4 / math.pi**2 * (math.atan(wb / hb) - math.atan(wa / ha)) ** 2
    alpha = v / (1 - iou + v)
    return iou - rho2 / (cw**2 + ch**2) - alpha * v


def ref_terms3(a, b):
    """IoU, ρ², hull diagonal² and the 3-D aspect term v of two xyxy cuboids, by definition.

    v is the mean of the 2-D aspect term over the faces (w, h), (w, d), (h, d).
    """
    inter = 1.0
    for k in range(3):
        inter *= max(0.0, min(a[k + 3], b[k + 3]) - max(a[k], b[k]))
    sa = [a[k + 3] - a[k] for k in range(3)]
    sb = [b[k + 3] - b[k] for k in range(3)]
    iou = inter / (math.prod(sa) + math.prod(sb) - inter)
    rho2 = sum(((a[k] + a[k + 3]) / 2 - (b[k] + b[k + 3]) / 2) ** 2 for k in range(3))
    diag2 = sum((max(a[k + 3], b[k + 3]) - min(a[k], b[k])) ** 2 for k in range(3))
    v = 4 / math.pi**2 * sum(
        (math.atan(sb[i] / sb[j]) - math.atan(sa[i] / sa[j])) ** 2
        for i, j in ((0, 1), (0, 2), (1, 2))
    ) / 3
    return iou, rho2, diag2, v


def ciou3_reference(a, b):
    """3-D CIoU written out scalar by scalar from :func:`ref_terms3`."""
    iou, rho2, diag2, v = ref_terms3(a, b)
    alpha = v / (1 - iou + v) if (1 - iou + v) > 0 else 0.0
    return iou - rho2 / diag2 - alpha * v


# ---------------------------------------------------------------------------------------------
# known values
# ---------------------------------------------------------------------------------------------


class TestKnownValues:
    def test_2d_hand_values(self):
        a, b = [0, 0, 2, 2], [1, 1, 3, 3]
        assert B.iou(a, b) == pytest.approx(1 / 7, rel=1e-15)
        assert B.giou(a, b) == pytest.approx(1 / 7 - 2 / 9, rel=1e-15)
        assert B.diou(a, b) == pytest.approx(1 / 7 - 2 / 18, rel=1e-15)
        assert B.ciou(a, b) == pytest.approx(1 / 7 - 2 / 18, rel=1e-15)  # same aspect: v = 0
        assert B.dice(a, b) == pytest.approx(2 / 8, rel=1e-15)

    def test_3d_hand_values(self):
        a, b = [0, 0, 0, 2, 2, 2], [1, 1, 1, 3, 3, 3]
        assert B.iou(a, b) == pytest.approx(1 / 15, rel=1e-15)
        assert B.giou(a, b) == pytest.approx(1 / 15 - 12 / 27, rel=1e-15)
        assert B.diou(a, b) == pytest.approx(1 / 15 - 3 / 27, rel=1e-15)
        assert B.dice(a, b) == pytest.approx(2 / 16, rel=1e-15)

    def test_ciou_against_reference(self):
        rng = np.random.default_rng(3)
        a, b = random_boxes(rng, 40), random_boxes(rng, 40)
        got = B.ciou(a, b)
        want = [ciou_reference(x, y) for x, y in zip(a, b, strict=True)]
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)

    def test_ciou_hand_value(self):
        iou = 1 / 3
        diou = iou - 0.5 / 8
        v = 4 / math.pi**2 * (math.atan(0.5) - math.atan(2.0)) ** 2
        want = diou - v / (1 - iou + v) * v
        assert B.ciou([0, 0, 2, 1], [0, 0, 1, 2]) == pytest.approx(want, rel=1e-14)

    def test_ciou_3d_hand_value(self):
        # a: 2x1x1 and b: 1x2x1 from the origin. Intersection 1, union 3, centres (1, .5, .5)
        # and (.5, 1, .5): rho² = 1/2; hull 2x2x1: diagonal² = 9. Face ratios (w/h, w/d, h/d):
        # a (2, 2, 1), b (1/2, 1, 2).
        iou = 1 / 3
        diou = iou - 0.5 / 9
        d1 = math.atan(0.5) - math.atan(2.0)
        d2 = math.atan(1.0) - math.atan(2.0)
        d3 = math.atan(2.0) - math.atan(1.0)
        v = 4 / math.pi**2 * (d1**2 + d2**2 + d3**2) / 3
        want = diou - v / (1 - iou + v) * v
        a, b = [0, 0, 0, 2, 1, 1], [0, 0, 0, 1, 2, 1]
        assert B.ciou(a, b) == pytest.approx(want, rel=1e-14)
        assert B.ciou(b, a) == pytest.approx(want, rel=1e-14)
        assert B.diou(a, b) == pytest.approx(diou, rel=1e-15)

    def test_ciou_3d_against_reference(self):
        rng = np.random.default_rng(14)
        a, b = random_boxes(rng, 60, d=3), random_boxes(rng, 60, d=3)
        got = B.ciou(a, b)
        want = [ciou3_reference(x, y) for x, y in zip(a, b, strict=True)]
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
        assert (got > -1.5).all()
        assert (got <= 1).all()

    def test_ciou_3d_similar_cuboids_reduce_to_diou(self):
        # b is a scaled and shifted copy of a: every face ratio agrees, v = 0 and CIoU = DIoU
        rng = np.random.default_rng(15)
        a = random_boxes(rng, 30, d=3)
        sizes = a[:, 3:] - a[:, :3]
        lo = a[:, :3] + rng.uniform(-1, 1, (30, 3))
        b = np.concatenate([lo, lo + sizes * rng.uniform(0.5, 2.0, (30, 1))], axis=1)
        np.testing.assert_allclose(B.ciou(a, b), B.diou(a, b), rtol=1e-13, atol=1e-15)

    def test_ciou_3d_cubes_of_equal_depth(self):
        # Two boxes with the same z-range [0, d]: IoU is the 2-D IoU of the footprints, the
        # centre distance is the 2-D one, the hull diagonal gains d², and the three face
        # terms are written out from the 2-D widths and heights.
        rng = np.random.default_rng(16)
        a2, b2 = random_boxes(rng, 25), random_boxes(rng, 25)
        d = rng.uniform(0.5, 4.0, 25)
        z0, z1 = np.zeros((25, 1)), d[:, None]
        a3 = np.concatenate([a2[:, :2], z0, a2[:, 2:], z1], axis=1)
        b3 = np.concatenate([b2[:, :2], z0, b2[:, 2:], z1], axis=1)
        iou2 = B.iou(a2, b2)
        rho2 = np.sum(((a2[:, :2] + a2[:, 2:]) - (b2[:, :2] + b2[:, 2:])) ** 2, axis=1) / 4
        hull = np.maximum(a2[:, 2:], b2[:, 2:]) - np.minimum(a2[:, :2], b2[:, :2])
        diag2 = np.sum(hull**2, axis=1) + d**2
        wa, ha = a2[:, 2] - a2[:, 0], a2[:, 3] - a2[:, 1]
        wb, hb = b2[:, 2] - b2[:, 0], b2[:, 3] - b2[:, 1]
        v = 4 / np.pi**2 * (
            (np.arctan(wb / hb) - np.arctan(wa / ha)) ** 2
            + (np.arctan(wb / d) - np.arctan(wa / d)) ** 2
            + (np.arctan(hb / d) - np.arctan(ha / d)) ** 2
        ) / 3
        want = iou2 - rho2 / diag2 - v / (1 - iou2 + v) * v
        np.testing.assert_allclose(B.iou(a3, b3), iou2, rtol=1e-13)
        np.testing.assert_allclose(B.ciou(a3, b3), want, rtol=1e-12, atol=1e-14)

    def test_disjoint(self):
        a, b = [0, 0, 1, 1], [2, 0, 3, 1]
        assert B.iou(a, b) == 0.0
        assert B.giou(a, b) == pytest.approx(-1 / 3)
        assert B.diou(a, b) == pytest.approx(-4 / 10)

    def test_scalars_and_broadcasting(self):
        a = np.array([[0, 0, 2, 2], [0, 0, 1, 1]])
        out = B.iou(a[:, None, :], a[None, :, :])
        assert out.shape == (2, 2)
        np.testing.assert_allclose(out, [[1, 0.25], [0.25, 1]])
        assert isinstance(B.iou([0, 0, 1, 1], [0, 0, 1, 1]), float)

    def test_forwarding_from_core(self):
        assert so.ciou([0, 0, 2, 1], [0, 0, 1, 2]) == B.ciou([0, 0, 2, 1], [0, 0, 1, 2])
        # CIoU needs aspect ratios: masks and interval sets are refused by name
        for x, kind in ((np.ones((2, 4), bool), "a boolean mask"),
                        (so.IntervalSet([(0, 1)]), "an IntervalSet"),
                        (xr.DataArray(np.ones(4)), "a DataArray")):
            with pytest.raises(TypeError, match=f"ciou is defined for boxes only .* a is {kind}"):
                so.ciou(x, x)

    def test_overlap_stats(self):
        s = B.overlap([0, 0, 2, 2], [1, 1, 3, 3])
        assert (s.intersection, s.union, s.size_a, s.size_b, s.hull) == (1, 7, 4, 4, 9)
        assert s.center_distance == pytest.approx(math.sqrt(2))
        assert s.hull_diameter == pytest.approx(math.sqrt(18))
        assert s.giou() == pytest.approx(B.giou([0, 0, 2, 2], [1, 1, 3, 3]))
        assert s.diou() == pytest.approx(B.diou([0, 0, 2, 2], [1, 1, 3, 3]))


class TestRasterEquivalence:
    """Box formulas equal counts of grid cells for boxes on the grid's lines."""

    def test_random_boxes_on_grid(self):
        rng = np.random.default_rng(11)
        for _ in range(30):
            a = rng.integers(0, 24, 4) / 4.0
            b = rng.integers(0, 24, 4) / 4.0
            a = np.r_[np.minimum(a[:2], a[2:]), np.maximum(a[:2], a[2:]) + 0.25]
            b = np.r_[np.minimum(b[:2], b[2:]), np.maximum(b[:2], b[2:]) + 0.25]
            ref = raster_scores(a, b)
            for name in ("iou", "giou", "diou", "dice"):
                got = getattr(B, name)(a, b)
                assert got == pytest.approx(ref[name], rel=1e-12, abs=1e-12), name


class TestFormats:
    def test_convert_values(self):
        b = np.array([1.0, 2.0, 5.0, 8.0])
        np.testing.assert_array_equal(B.convert(b, "xyxy", "xywh"), [1, 2, 4, 6])
        np.testing.assert_array_equal(B.convert(b, "xyxy", "cxcywh"), [3, 5, 4, 6])
        np.testing.assert_array_equal(B.convert([3, 5, 4, 6], "cxcywh", "xyxy"), b)
        np.testing.assert_array_equal(B.convert([1, 2, 4, 6], "xywh", "xyxy"), b)
        np.testing.assert_array_equal(
            B.convert([0, 0, 0, 2, 4, 6], "xyxy", "cxcywh"), [1, 2, 3, 2, 4, 6]
        )

    @pytest.mark.parametrize("fmt", ["xywh", "cxcywh"])
    def test_round_trip_and_scores(self, fmt):
        rng = np.random.default_rng(5)
        a, b = random_boxes(rng, 20), random_boxes(rng, 20)
        af, bf = B.convert(a, "xyxy", fmt), B.convert(b, "xyxy", fmt)
        np.testing.assert_allclose(B.convert(af, fmt, "xyxy"), a, rtol=1e-14, atol=1e-14)
        for name in ("iou", "giou", "diou", "ciou"):
            np.testing.assert_allclose(
                getattr(B, name)(af, bf, fmt), getattr(B, name)(a, b), rtol=1e-12, atol=1e-14
            )


class TestScaleInvariance:
    SCALES = (1e-6, 3.7e-4, 1e-2, 0.3, 7.0, 1e3, 1e6)

    @pytest.mark.parametrize(
        ("name", "d"),
        [(n, d) for n in ("iou", "giou", "diou", "ciou", "dice") for d in (2, 3)],
    )
    def test_float64(self, name, d):
        rng = np.random.default_rng(2)
        a, b = random_boxes(rng, 200, d), random_boxes(rng, 200, d)
        f = getattr(B, name)
        ref = f(a, b)
        for s in self.SCALES:
            np.testing.assert_allclose(f(a * s, b * s), ref, rtol=0, atol=1e-12)

    @pytest.mark.parametrize("name", ["iou", "giou", "diou", "ciou"])
    def test_float32(self, name):
        rng = np.random.default_rng(4)
        a = random_boxes(rng, 200).astype(np.float32)
        b = random_boxes(rng, 200).astype(np.float32)
        f = getattr(B, name)
        ref = f(a.astype(np.float64), b.astype(np.float64))
        for s in self.SCALES:
            got = f(a * np.float32(s), b * np.float32(s))
            assert got.dtype == np.float32
            np.testing.assert_allclose(got, ref, rtol=0, atol=1e-6)

    def test_pairwise_scaled(self):
        rng = np.random.default_rng(6)
        a, b = random_boxes(rng, 30), random_boxes(rng, 40)
        ref = B.pairwise_iou(a, b)
        for s in self.SCALES:
            np.testing.assert_allclose(B.pairwise_iou(a * s, b * s), ref, atol=1e-12)


class TestDegenerate:
    def test_zero_size_box(self):
        assert B.iou([0, 0, 0, 2], [0, 0, 2, 2]) == 0.0
        assert B.giou([0, 0, 0, 2], [0, 0, 2, 2]) == pytest.approx(0.0 - (4 - 4) / 4)
        assert np.isfinite(B.ciou([0, 0, 2, 0], [0, 0, 2, 2]))

    def test_both_empty_policy(self):
        a, b = [1, 1, 1, 3], [2, 2, 4, 2]
        for name in ("iou", "giou", "diou", "ciou", "dice"):
            f = getattr(B, name)
            assert math.isnan(f(a, b))
            assert f(a, b, empty=1.0) == 1.0
            with pytest.raises(so.EmptyUnionError, match="both operands are empty"):
                f(a, b, empty="raise")

    def test_ciou_identical_is_one_without_warning(self):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert B.ciou([0, 0, 3, 1], [0, 0, 3, 1]) == 1.0
            assert B.ciou([5, 5, 5, 5], [5, 5, 5, 5], empty=0.5) == 0.5
            out = B.ciou(np.zeros((3, 4)), np.zeros((3, 4)))
            assert np.isnan(out).all()

    def test_ciou_3d_identical_and_degenerate_faces(self):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert B.ciou([0, 0, 0, 3, 1, 2], [0, 0, 0, 3, 1, 2]) == 1.0  # α's limit 0
            assert math.isnan(B.ciou([1, 1, 1, 1, 1, 1], [2, 2, 2, 2, 2, 2]))
            # a segment along z (w = h = 0, d = 2) against the unit cube: the (w, h) face has
            # no ratio and adds 0; the faces (w, d) and (h, d) add (π/4)² each, so
            # v = 4/π² (2 π²/16) / 3 = 1/6, α = v / (1 - 0 + v) = 1/7; ρ² = 3/4, diagonal² = 6
            got = B.ciou([0, 0, 0, 0, 0, 2], [0, 0, 0, 1, 1, 1])
            assert got == pytest.approx(-0.75 / 6 - 1 / 42, rel=1e-14)

    def test_inverted_raises_or_clips(self):
        with pytest.raises(ValueError, match=r"a has inverted corners \(x2 < x1\) in 1 box"):
            B.iou([2, 0, 1, 1], [0, 0, 1, 1])
        assert B.iou([2, 0, 1, 1], [0, 0, 1, 1], clip=True) == 0.0
        with pytest.raises(ValueError, match="b has negative sizes in 1 box"):
            B.iou([0, 0, 1, 1], [0, 0, -1, 1], "xywh")


class TestPairwise:
    @pytest.mark.parametrize("name", ["iou", "giou", "diou", "ciou"])
    def test_matches_elementwise(self, name):
        rng = np.random.default_rng(8)
        a, b = random_boxes(rng, 17), random_boxes(rng, 23)
        got = getattr(B, f"pairwise_{name}")(a, b)
        want = getattr(B, name)(a[:, None], b[None, :])
        assert got.shape == (17, 23)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)

    @pytest.mark.parametrize("name", ["iou", "giou", "diou", "ciou"])
    def test_3d_matches_elementwise(self, name):
        rng = np.random.default_rng(11)
        a, b = random_boxes(rng, 13, 3), random_boxes(rng, 9, 3)
        got = getattr(B, f"pairwise_{name}")(a, b)
        want = getattr(B, name)(a[:, None], b[None, :])
        assert got.shape == (13, 9)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)

    def test_3d_and_dtype(self):
        rng = np.random.default_rng(9)
        a, b = random_boxes(rng, 10, 3), random_boxes(rng, 12, 3)
        np.testing.assert_allclose(
            B.pairwise_iou(a, b), B.iou(a[:, None], b[None, :]), rtol=1e-12
        )
        got = B.pairwise_iou(a[:, [0, 1, 3, 4]].astype(np.float32), b[:, [0, 1, 3, 4]])
        assert got.dtype == np.float64
        a32 = a[:, [0, 1, 3, 4]].astype(np.float32)
        assert B.pairwise_iou(a32, a32).dtype == np.float32

    def test_large_blocks(self):
        rng = np.random.default_rng(10)
        a, b = random_boxes(rng, 300), random_boxes(rng, 700)
        np.testing.assert_allclose(
            B.pairwise_iou(a, b), B.iou(a[:, None], b[None, :]), rtol=1e-12, atol=1e-15
        )

    def test_row_blocks(self):
        rng = np.random.default_rng(12)
        a, b = random_boxes(rng, 300), random_boxes(rng, 1000)  # 262 rows per block
        got = B.pairwise_diou(a, b)
        np.testing.assert_allclose(got[[0, 261, 262, 299]],
                                   B.diou(a[[0, 261, 262, 299], None], b[None]), rtol=1e-12)

    def test_empty_pairs(self):
        a = np.array([[0, 0, 0, 0], [0, 0, 1, 1]])
        out = B.pairwise_iou(a, a)
        assert np.isnan(out[0, 0])
        assert out[1, 1] == 1
        assert out[0, 1] == 0
        assert B.pairwise_iou(a, a, empty=0.0)[0, 0] == 0.0
        with pytest.raises(so.EmptyUnionError):
            B.pairwise_iou(a, a, empty="raise")
        assert B.pairwise_iou(np.zeros((0, 4)), a).shape == (0, 2)


class TestErrors:
    def test_last_dimension(self):
        with pytest.raises(ValueError, match=r"a must be boxes of shape \(\.\.\., 4\) or "
                           r"\(\.\.\., 6\); got shape \(3, 5\)"):
            B.iou(np.zeros((3, 5)), np.zeros((3, 4)))

    def test_dimension_mismatch(self):
        with pytest.raises(ValueError, match=r"a holds 2-D boxes .* but b holds 3-D boxes"):
            B.iou(np.zeros(4), np.zeros(6))

    def test_non_finite(self):
        with pytest.raises(ValueError, match=r"b has NaN or infinite coordinates in 1 box\(es\), "
                           r"first b\[1\] = \[0.0, nan, 1.0, 1.0\]"):
            B.giou(np.zeros((2, 4)), [[0, 0, 1, 1], [0, np.nan, 1, 1]])
        with pytest.raises(ValueError, match="a has NaN or infinite"):
            B.iou([0, 0, np.inf, 1], [0, 0, 1, 1])

    def test_batch_shapes(self):
        with pytest.raises(ValueError, match=r"a has batch shape \(3,\) and b has batch shape "
                           r"\(2,\), which do not broadcast"):
            B.iou(np.ones((3, 4)), np.ones((2, 4)))

    def test_unknown_fmt(self):
        with pytest.raises(ValueError, match="fmt must be one of 'xyxy', 'xywh', 'cxcywh'; "
                           "got 'xyhw'"):
            B.iou([0, 0, 1, 1], [0, 0, 1, 1], fmt="xyhw")
        with pytest.raises(ValueError, match="dst must be one of"):
            B.convert([0, 0, 1, 1], "xyxy", "yolo")

    def test_ciou_3d_bad_input(self):
        with pytest.raises(ValueError, match=r"a holds 3-D boxes .* but b holds 2-D boxes"):
            B.ciou(np.zeros(6), np.ones(4))
        with pytest.raises(ValueError, match=r"b has inverted corners \(x2 < x1\) in 1 box"):
            B.ciou([0, 0, 0, 1, 1, 1], [0, 0, 2, 1, 1, 1])

    def test_dtype(self):
        with pytest.raises(TypeError, match="a must hold real numbers; got dtype <U1"):
            B.iou(["a", "b", "c", "d"], [0, 0, 1, 1])
        with pytest.raises(TypeError, match="must hold real numbers; got dtype bool"):
            B.iou([True, True, True, True], [0, 0, 1, 1])

    def test_empty_option(self):
        with pytest.raises(ValueError, match="empty must be a number or \"raise\"; got 'skip'"):
            B.iou([0, 0, 1, 1], [0, 0, 1, 1], empty="skip")

    def test_pairwise_needs_2d(self):
        with pytest.raises(ValueError, match=r"a must be a 2-D array of boxes, shape \(N, 4\) or "
                           r"\(N, 6\); got shape \(4,\)"):
            B.pairwise_iou([0, 0, 1, 1], [[0, 0, 1, 1]])
