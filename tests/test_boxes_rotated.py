"""Rotated boxes: exact IoU vs shapely, degenerate families, pairwise, NMS, angle conventions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from shapeoverlap import boxes as B

from .test_boxes import random_boxes


def corners(boxes):
    """Corners from the definition: centre + R(angle) (±w/2, ±h/2), counter-clockwise."""
    b = np.asarray(boxes, dtype=float).reshape(-1, 5)
    cx, cy, w, h, t = b.T
    sx = np.array([-1, 1, 1, -1]) / 2
    sy = np.array([-1, -1, 1, 1]) / 2
    px, py = w[:, None] * sx, h[:, None] * sy
    c, s = np.cos(t)[:, None], np.sin(t)[:, None]
    return np.stack([cx[:, None] + c * px - s * py, cy[:, None] + s * px + c * py], axis=-1)


def shapely_iou(a, b):
    shapely = pytest.importorskip("shapely")
    pa, pb = shapely.polygons(corners(a)), shapely.polygons(corners(b))
    inter = shapely.area(shapely.intersection(pa, pb))
    return inter / (shapely.area(pa) + shapely.area(pb) - inter)


def random_rotated(rng, n, lo=0.0, hi=6.0, min_size=0.2, max_size=4.0):
    return np.column_stack([
        rng.uniform(lo, hi, n), rng.uniform(lo, hi, n), rng.uniform(min_size, max_size, n),
        rng.uniform(min_size, max_size, n), rng.uniform(-math.pi, math.pi, n),
    ])


class TestAgainstShapely:
    def test_random_pairs(self):
        rng = np.random.default_rng(0)
        a, b = random_rotated(rng, 3000), random_rotated(rng, 3000)
        np.testing.assert_allclose(B.rotated_iou(a, b), shapely_iou(a, b), rtol=0, atol=1e-12)

    def test_nearly_identical(self):
        rng = np.random.default_rng(1)
        a = random_rotated(rng, 500)
        for eps in (1e-12, 1e-9, 1e-6):
            b = a + eps * rng.standard_normal(a.shape)
            np.testing.assert_allclose(B.rotated_iou(a, b), shapely_iou(a, b), atol=1e-12)

    def test_thin_and_nested(self):
        rng = np.random.default_rng(2)
        a = random_rotated(rng, 500)
        thin = a.copy()
        thin[:, 3] = a[:, 2] * 1e-3
        np.testing.assert_allclose(B.rotated_iou(a, thin), shapely_iou(a, thin), atol=1e-12)
        inner = a.copy()  # a square whose diagonal fits inside the short side, any angle
        inner[:, 2] = inner[:, 3] = 0.3 * a[:, 2:4].min(axis=1)
        inner[:, 4] += rng.uniform(-1, 1, 500)
        got = B.rotated_iou(a, inner)
        np.testing.assert_allclose(got, inner[:, 2] ** 2 / (a[:, 2] * a[:, 3]), rtol=1e-12)
        np.testing.assert_allclose(got, shapely_iou(a, inner), atol=1e-12)

    def test_shared_edges_and_right_angles(self):
        rng = np.random.default_rng(3)
        a = random_rotated(rng, 400)
        quarter = a.copy()
        quarter[:, 4] += np.pi / 2
        quarter[:, 2], quarter[:, 3] = a[:, 3], a[:, 2]  # the same rectangle
        np.testing.assert_array_equal(B.rotated_iou(a, quarter), 1.0)
        shifted = a.copy()  # half a box along its own width: shares two edge halves
        shifted[:, 0] += np.cos(a[:, 4]) * a[:, 2] / 2
        shifted[:, 1] += np.sin(a[:, 4]) * a[:, 2] / 2
        np.testing.assert_allclose(B.rotated_iou(a, shifted), 1 / 3, atol=1e-12)
        np.testing.assert_allclose(B.rotated_iou(a, shifted), shapely_iou(a, shifted), atol=1e-12)


class TestDegenerate:
    def test_identical_is_exactly_one(self):
        rng = np.random.default_rng(4)
        a = random_rotated(rng, 1000, min_size=1e-7, max_size=1e7)
        np.testing.assert_array_equal(B.rotated_iou(a, a), 1.0)

    def test_touching_and_disjoint(self):
        a = [0, 0, 2, 2, 0.3]
        c, s = math.cos(0.3), math.sin(0.3)
        touch = [2 * c, 2 * s, 2, 2, 0.3]  # shares the right edge
        assert B.rotated_iou(a, touch) == pytest.approx(0.0, abs=1e-15)
        corner = [2 * c - 2 * s, 2 * s + 2 * c, 2, 2, 0.3]  # shares one corner
        assert B.rotated_iou(a, corner) == pytest.approx(0.0, abs=1e-15)
        assert B.rotated_iou(a, [10, 10, 1, 1, 0]) == 0.0

    def test_perpendicular_cross(self):
        # 4x1 bar and the same bar turned by 90°: intersection 1x1, union 7
        assert B.rotated_iou([0, 0, 4, 1, 0], [0, 0, 4, 1, np.pi / 2]) == pytest.approx(1 / 7)
        assert B.rotated_iou([0, 0, 4, 1, 0], [0, 0, 4, 1, 90], degrees=True) == pytest.approx(
            1 / 7, rel=1e-15
        )

    def test_zero_size(self):
        assert B.rotated_iou([0, 0, 0, 1, 0.2], [0, 0, 2, 2, 0]) == 0.0
        assert math.isnan(B.rotated_iou([0, 0, 0, 1, 0.2], [0, 0, 0, 0, 0]))
        assert B.rotated_iou([0, 0, 0, 1, 0.2], [0, 0, 0, 0, 0], empty=1.0) == 1.0

    def test_scale_invariance(self):
        rng = np.random.default_rng(5)
        a, b = random_rotated(rng, 300), random_rotated(rng, 300)
        ref = B.rotated_iou(a, b)
        for s in (1e-6, 1e-3, 1e3, 1e6):
            sa, sb = a.copy(), b.copy()
            sa[:, :4] *= s
            sb[:, :4] *= s
            np.testing.assert_allclose(B.rotated_iou(sa, sb), ref, atol=1e-12)


class TestAxisAligned:
    def test_matches_box_iou(self):
        rng = np.random.default_rng(6)
        a, b = random_boxes(rng, 500), random_boxes(rng, 500)
        ra = np.column_stack([B.convert(a, "xyxy", "cxcywh"), np.zeros(500)])
        rb = np.column_stack([B.convert(b, "xyxy", "cxcywh"), np.zeros(500)])
        np.testing.assert_allclose(B.rotated_iou(ra, rb), B.iou(a, b), atol=1e-13)
        rb[:, 4] = np.pi  # a half turn is the same rectangle
        np.testing.assert_allclose(B.rotated_iou(ra, rb), B.iou(a, b), atol=1e-13)

    def test_symmetric(self):
        rng = np.random.default_rng(7)
        a, b = random_rotated(rng, 500), random_rotated(rng, 500)
        np.testing.assert_array_equal(B.rotated_iou(a, b), B.rotated_iou(b, a))


class TestPairwise:
    def test_matches_elementwise(self):
        rng = np.random.default_rng(8)
        a, b = random_rotated(rng, 40, hi=30), random_rotated(rng, 50, hi=30)
        got = B.pairwise_rotated_iou(a, b)
        want = B.rotated_iou(a[:, None, :], b[None, :, :])
        assert got.shape == (40, 50)
        assert (got == 0).mean() > 0.5  # most pairs are skipped as disjoint
        np.testing.assert_allclose(got, want, atol=1e-15)

    def test_degrees_and_empty(self):
        a = np.array([[0, 0, 2, 2, 45.0], [5, 5, 0, 0, 0]])
        got = B.pairwise_rotated_iou(a, a, degrees=True)
        assert got[0, 0] == 1.0
        assert got[0, 1] == 0.0
        assert np.isnan(got[1, 1])
        assert B.pairwise_rotated_iou(a, a, degrees=True, empty=0.0)[1, 1] == 0.0


class TestNMS:
    def test_parked_cars(self):
        # two cars parked at right angles to each other (±45°), 0.2 m apart: their
        # axis-aligned hulls overlap (IoU 0.12), the rotated boxes do not
        cars = np.array([[0.0, 0.0, 4.5, 1.8, np.pi / 4], [2.35, -2.4, 4.5, 1.8, -np.pi / 4]])
        scores = np.array([0.9, 0.8])
        assert B.rotated_iou(cars[0], cars[1]) == 0.0
        assert B.rotated_nms(cars, scores, 0.1).tolist() == [0, 1]
        c = corners(cars)
        hulls = np.concatenate([c.min(axis=1), c.max(axis=1)], axis=1)
        assert B.iou(hulls[0], hulls[1]) == pytest.approx(0.1223, abs=1e-4)
        assert B.nms(hulls, scores, 0.1).tolist() == [0]

    def test_against_brute_force(self):
        rng = np.random.default_rng(9)
        boxes = random_rotated(rng, 80, hi=5)
        scores = np.round(rng.random(80), 2)
        classes = rng.integers(0, 2, 80)
        ious = B.pairwise_rotated_iou(boxes, boxes)
        for thr in (0.1, 0.4, 0.7):
            for cls in (None, classes):
                order = sorted(range(80), key=lambda i: (-scores[i], i))
                keep: list[int] = []
                for i in order:
                    if all(ious[k, i] <= thr or (cls is not None and cls[k] != cls[i])
                           for k in keep):
                        keep.append(i)
                assert B.rotated_nms(boxes, scores, thr, classes=cls).tolist() == keep


class TestAngles:
    @pytest.mark.parametrize("dst", ["rad", "deg", "opencv", "le90", "le135"])
    def test_same_rectangles(self, dst):
        rng = np.random.default_rng(10)
        a = random_rotated(rng, 200)
        a[:, 4] *= 3  # angles beyond one turn
        out = B.convert_angle(a, "rad", dst)
        back = B.convert_angle(out, dst, "rad")
        np.testing.assert_allclose(B.rotated_iou(a, back), 1.0, atol=1e-12)
        if dst == "le90":
            assert (out[:, 2] >= out[:, 3]).all()
            assert (out[:, 4] >= -np.pi / 2).all()
            assert (out[:, 4] < np.pi / 2).all()
        if dst == "le135":
            assert (out[:, 4] >= -np.pi / 4).all()
            assert (out[:, 4] < 3 * np.pi / 4).all()
        if dst == "opencv":
            assert (out[:, 4] > 0).all()
            assert (out[:, 4] <= 90 + 1e-9).all()

    def test_opencv_corners(self):
        # OpenCV's boxPoints for ((10, 20), (4, 2), 30): width axis (cos 30°, sin 30°)
        got = corners(B.convert_angle([10, 20, 4, 2, 30], "opencv", "rad"))[0]
        u = np.array([math.cos(math.radians(30)), math.sin(math.radians(30))])
        v = np.array([-u[1], u[0]])
        want = [np.array([10, 20]) + sx * 2 * u + sy * 1 * v
                for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
        np.testing.assert_allclose(got, want, atol=1e-12)


class TestTorch:
    def test_autograd_vs_finite_differences(self):
        torch = pytest.importorskip("torch")
        pytest.importorskip("array_api_compat")
        rng = np.random.default_rng(11)
        a, b = random_rotated(rng, 40, hi=3), random_rotated(rng, 40, hi=3)
        A = torch.tensor(a, requires_grad=True)
        out = B.rotated_iou(A, torch.tensor(b))
        np.testing.assert_allclose(out.detach().numpy(), B.rotated_iou(a, b), atol=1e-14)
        out.sum().backward()
        h = 1e-6
        for j in range(5):
            ap, am = a.copy(), a.copy()
            ap[:, j] += h
            am[:, j] -= h
            fd = (B.rotated_iou(ap, b) - B.rotated_iou(am, b)) / (2 * h)
            np.testing.assert_allclose(A.grad.numpy()[:, j], fd, atol=1e-6)


class TestErrors:
    def test_messages(self):
        with pytest.raises(ValueError, match=r"a must be rotated boxes \(cx, cy, w, h, angle\) of "
                           r"shape \(\.\.\., 5\); got shape \(4,\)"):
            B.rotated_iou([0, 0, 1, 1], [0, 0, 1, 1, 0])
        with pytest.raises(ValueError, match=r"b has negative width or height in 1 box"):
            B.rotated_iou([0, 0, 1, 1, 0], [0, 0, -1, 1, 0])
        with pytest.raises(ValueError, match=r"b has NaN or infinite coordinates"):
            B.rotated_iou([0, 0, 1, 1, 0], [0, 0, 1, 1, np.nan])
        with pytest.raises(ValueError, match=r"a has batch shape \(2,\) and b has batch shape "
                           r"\(3,\)"):
            B.rotated_iou(np.ones((2, 5)), np.ones((3, 5)))
        with pytest.raises(ValueError, match=r"a must have shape \(K, 5\); got shape \(5,\)"):
            B.pairwise_rotated_iou(np.ones(5), np.ones((3, 5)))
        with pytest.raises(ValueError, match="src must be one of 'rad', 'deg', 'opencv', "
                           "'le90', 'le135'; got 'cw'"):
            B.convert_angle(np.ones(5), "cw", "rad")
