"""Rotated boxes on torch tensors: pairwise IoU with autograd, NMS, degenerate gradients."""

from __future__ import annotations

import math

import numpy as np
import pytest

from shapeoverlap import boxes as B

from .test_boxes_rotated import random_rotated, shapely_iou

torch = pytest.importorskip("torch")
pytest.importorskip("array_api_compat")


def field(rng, n, hi=12.0):
    """Rotated boxes scattered so that some pairs overlap and most do not."""
    return random_rotated(rng, n, hi=hi, min_size=0.3, max_size=3.0)


def numpy_fd(f, x, h=1e-6):
    """Central finite differences of the scalar ``f`` at every entry of ``x``."""
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        xp_, xm = x.copy(), x.copy()
        xp_[idx] += h
        xm[idx] -= h
        g[idx] = (f(xp_) - f(xm)) / (2 * h)
    return g


def one_sided(f, x, idx, h=1e-7, right_only=False):
    """Right and left difference quotients of the scalar ``f`` along entry ``idx``."""
    xp_, xm = x.copy(), x.copy()
    xp_[idx] += h
    xm[idx] -= h
    f0 = f(x)
    right = (f(xp_) - f0) / h
    return right, right if right_only else (f0 - f(xm)) / h


# ---------------------------------------------------------------------------------------------
# pairwise rotated IoU
# ---------------------------------------------------------------------------------------------


class TestPairwiseRotated:
    def test_float64_equals_numpy(self):
        rng = np.random.default_rng(0)
        a, b = field(rng, 60), field(rng, 45)
        ref = B.pairwise_rotated_iou(a, b)
        got = B.pairwise_rotated_iou(torch.tensor(a), torch.tensor(b))
        assert isinstance(got, torch.Tensor)
        assert got.dtype == torch.float64
        assert got.shape == (60, 45)
        assert 0 < (ref > 0).mean() < 0.5  # some pairs overlap, most are skipped
        np.testing.assert_allclose(got.numpy(), ref, rtol=0, atol=1e-12)

    def test_float32(self):
        rng = np.random.default_rng(1)
        a, b = field(rng, 50), field(rng, 40)
        ref = B.pairwise_rotated_iou(a, b)
        got = B.pairwise_rotated_iou(
            torch.tensor(a, dtype=torch.float32), torch.tensor(b, dtype=torch.float32)
        )
        assert got.dtype == torch.float32
        np.testing.assert_allclose(got.numpy(), ref, rtol=0, atol=1e-5)

    def test_against_shapely(self):
        rng = np.random.default_rng(2)
        a, b = field(rng, 30, hi=5), field(rng, 20, hi=5)
        got = B.pairwise_rotated_iou(torch.tensor(a), torch.tensor(b)).numpy()
        want = shapely_iou(np.repeat(a, 20, axis=0), np.tile(b, (30, 1))).reshape(30, 20)
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)

    def test_degrees_empty_and_a_plain_sequence(self):
        a = torch.tensor([[0, 0, 2, 2, 45.0], [5, 5, 0, 0, 0]], dtype=torch.float64)
        got = B.pairwise_rotated_iou(a, a, degrees=True)
        assert got[0, 0].item() == 1.0
        assert got[0, 1].item() == 0.0
        assert math.isnan(got[1, 1].item())
        assert B.pairwise_rotated_iou(a, a, degrees=True, empty=0.5)[1, 1].item() == 0.5
        mixed = B.pairwise_rotated_iou(a, [[0, 0, 2, 2, 135.0]], degrees=True)
        assert isinstance(mixed, torch.Tensor)
        np.testing.assert_allclose(mixed.numpy(), [[1.0], [0.0]], atol=1e-15)
        assert B.pairwise_rotated_iou(a[:0], a).shape == (0, 2)

    def test_errors_on_tensors(self):
        from shapeoverlap import EmptyUnionError

        with pytest.raises(ValueError, match=r"a must have shape \(K, 5\); got shape \(5,\)"):
            B.pairwise_rotated_iou(torch.ones(5, dtype=torch.float64), torch.ones(3, 5))
        with pytest.raises(ValueError, match=r"b has negative width or height in 1 box"):
            B.pairwise_rotated_iou(torch.ones(2, 5), torch.tensor([[0.0, 0, -1, 1, 0]]))
        with pytest.raises(TypeError, match="a must be a floating tensor; got dtype torch.int64"):
            B.pairwise_rotated_iou(torch.ones(2, 5, dtype=torch.int64), torch.ones(2, 5))
        zero = torch.zeros(1, 5)
        with pytest.raises(EmptyUnionError, match="both operands are empty"):
            B.pairwise_rotated_iou(zero, zero, empty="raise")


class TestPairwiseGradient:
    def test_autograd_vs_finite_differences_of_numpy(self):
        rng = np.random.default_rng(3)
        a, b = field(rng, 6, hi=4), field(rng, 5, hi=4)
        ref = B.pairwise_rotated_iou(a, b)
        assert ((ref > 0.05) & (ref < 0.95)).sum() >= 5  # overlapping, non-degenerate pairs
        A = torch.tensor(a, requires_grad=True)
        T = torch.tensor(b, requires_grad=True)
        weights = rng.uniform(0.5, 1.5, (6, 5))  # a generic linear functional of the matrix
        (B.pairwise_rotated_iou(A, T) * torch.tensor(weights)).sum().backward()
        fd_a = numpy_fd(lambda x: float(np.sum(weights * B.pairwise_rotated_iou(x, b))), a)
        fd_b = numpy_fd(lambda x: float(np.sum(weights * B.pairwise_rotated_iou(a, x))), b)
        np.testing.assert_allclose(A.grad.numpy(), fd_a, rtol=0, atol=1e-6)
        np.testing.assert_allclose(T.grad.numpy(), fd_b, rtol=0, atol=1e-6)
        assert np.abs(A.grad.numpy()).max() > 1e-2

    def test_entry_gradient_is_rotated_iou_gradient(self):
        rng = np.random.default_rng(4)
        a, b = field(rng, 5, hi=3), field(rng, 4, hi=3)
        A = torch.tensor(a, requires_grad=True)
        out = B.pairwise_rotated_iou(A, torch.tensor(b))
        i, j = np.unravel_index(np.argmax(out.detach().numpy()), out.shape)
        (g,) = torch.autograd.grad(out[i, j], A)
        A1 = torch.tensor(a[i], requires_grad=True)
        B.rotated_iou(A1, torch.tensor(b[j])).backward()
        np.testing.assert_allclose(g.numpy()[i], A1.grad.numpy(), rtol=1e-13, atol=1e-15)
        g_rest = np.delete(g.numpy(), i, axis=0)
        np.testing.assert_array_equal(g_rest, 0.0)

    def test_skipped_pairs_have_zero_gradient(self):
        a = torch.tensor([[0.0, 0, 2, 1, 0.3], [50.0, 0, 2, 1, 0.3]], requires_grad=True)
        b = torch.tensor([[0.5, 0.2, 1, 3, -0.4]], dtype=torch.float32)
        out = B.pairwise_rotated_iou(a, b)
        assert out[1, 0].item() == 0.0
        out.sum().backward()
        assert torch.all(a.grad[1] == 0)
        assert torch.all(a.grad[0] != 0)

    def test_float32_gradient(self):
        rng = np.random.default_rng(5)
        a, b = field(rng, 8, hi=4), field(rng, 7, hi=4)
        A64 = torch.tensor(a, requires_grad=True)
        A32 = torch.tensor(a, dtype=torch.float32, requires_grad=True)
        B.pairwise_rotated_iou(A64, torch.tensor(b)).sum().backward()
        B.pairwise_rotated_iou(A32, torch.tensor(b, dtype=torch.float32)).sum().backward()
        assert A32.grad.dtype == torch.float32
        np.testing.assert_allclose(A32.grad.numpy(), A64.grad.numpy(), rtol=0, atol=1e-3)


# ---------------------------------------------------------------------------------------------
# rotated NMS
# ---------------------------------------------------------------------------------------------


class TestRotatedNMS:
    @pytest.mark.parametrize("dtype", ["float64", "float32"])
    def test_indices_equal_numpy(self, dtype):
        rng = np.random.default_rng(6)
        boxes = random_rotated(rng, 120, hi=6)
        if dtype == "float32":
            boxes = boxes.astype(np.float32).astype(np.float64)  # same values in both
        scores = np.round(rng.random(120), 2)  # ties
        classes = rng.integers(0, 3, 120)
        tb = torch.tensor(boxes, dtype=getattr(torch, dtype), requires_grad=True)
        ts = torch.tensor(scores, dtype=getattr(torch, dtype))
        for thr in (0.0, 0.2, 0.5, 0.8):
            for cls in (None, classes):
                want = B.rotated_nms(boxes, ts.double().numpy(), thr, classes=cls)
                got = B.rotated_nms(
                    tb, ts, thr, classes=None if cls is None else torch.tensor(cls)
                )
                assert isinstance(got, torch.Tensor)
                assert got.dtype == torch.int64
                assert got.tolist() == want.tolist()
        assert tb.grad is None

    def test_degrees_and_parked_cars(self):
        cars = torch.tensor([[0.0, 0, 4.5, 1.8, 45], [2.35, -2.4, 4.5, 1.8, -45]])
        assert B.rotated_nms(cars, torch.tensor([0.9, 0.8]), 0.1, degrees=True).tolist() == [0, 1]
        same = torch.tensor([[0.0, 0, 4, 2, 0], [0.0, 0, 2, 4, 90]])
        kept = B.rotated_nms(same, [0.2, 0.9], 0.5, degrees=True)
        assert isinstance(kept, torch.Tensor)
        assert kept.tolist() == [1]
        assert B.rotated_nms(torch.zeros(0, 5), torch.zeros(0), 0.5).tolist() == []

    def test_errors(self):
        with pytest.raises(ValueError, match=r"boxes must have shape \(N, 5\); got shape \(5,\)"):
            B.rotated_nms(torch.ones(5), torch.ones(1), 0.5)
        with pytest.raises(ValueError, match=r"scores must have shape \(2,\), one per box"):
            B.rotated_nms(torch.ones(2, 5), torch.ones(3), 0.5)
        with pytest.raises(ValueError, match=r"classes must have shape \(2,\)"):
            B.rotated_nms(torch.ones(2, 5), torch.ones(2), 0.5, classes=torch.ones(3))


# ---------------------------------------------------------------------------------------------
# gradients at degenerate configurations
# ---------------------------------------------------------------------------------------------


def degenerate_pairs():
    """(name, a, b): pairs where the IoU has a kink or a tie in the kernel's choices."""
    sq, rect = [0.5, -0.3, 2.0, 2.0, 0.3], [1.0, 2.0, 3.0, 1.0, -0.7]
    quarter = [1.0, 2.0, 1.0, 3.0, -0.7 + math.pi / 2]  # rect as (h, w) turned by 90°
    c, s = math.cos(0.3), math.sin(0.3)
    return [
        ("identical square", sq, sq),
        ("identical rectangle", rect, rect),
        ("identical axis-aligned", [0.0, 0, 2, 1, 0], [0.0, 0, 2, 1, 0]),
        ("square turned 90°", sq, [*sq[:4], sq[4] + math.pi / 2]),
        ("axis-aligned square turned 90°", [0.0, 0, 2, 2, 0], [0.0, 0, 2, 2, math.pi / 2]),
        ("rectangle as h x w turned 90°", rect, quarter),
        ("rectangle turned 180°", rect, [*rect[:4], rect[4] + math.pi]),
        ("rectangle turned 90° (cross)", rect, [*rect[:4], rect[4] + math.pi / 2]),
        ("shared edge outside", sq, [0.5 + 2 * c, -0.3 + 2 * s, 2.0, 2.0, 0.3]),
        ("shared corner", sq, [0.5 + 2 * c - 2 * s, -0.3 + 2 * s + 2 * c, 2.0, 2.0, 0.3]),
        ("nested on an edge", [0.0, 0, 4, 2, 0], [1.0, 0, 2, 2, 0]),
        ("equal areas, swapped sides", [0.0, 0, 2, 1, 0.2], [0.3, 0.1, 1, 2, 0.2]),
        ("zero width", [0.0, 0, 0, 1, 0.2], [0.0, 0, 2, 2, 0]),
        ("point box", [0.0, 0, 0, 0, 0], [0.0, 0, 2, 2, 0]),
        ("both empty", [0.0, 0, 0, 1, 0], [0.0, 0, 1, 0, 0]),
    ]


class TestDegenerateGradients:
    @pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
    @pytest.mark.parametrize(("name", "a", "b"), degenerate_pairs())
    def test_rotated_iou_gradient_is_finite(self, name, a, b, dtype):
        A = torch.tensor(a, dtype=dtype, requires_grad=True)
        T = torch.tensor(b, dtype=dtype, requires_grad=True)
        out = B.rotated_iou(A, T, empty=0.0)
        out.backward()
        assert torch.isfinite(out)
        assert torch.isfinite(A.grad).all(), A.grad
        assert torch.isfinite(T.grad).all(), T.grad

    @pytest.mark.parametrize(("name", "a", "b"), degenerate_pairs())
    def test_gradient_lies_between_one_sided_derivatives(self, name, a, b):
        """At a kink autograd returns one of the one-sided slopes (or a value between)."""
        a, b = np.array(a), np.array(b)
        A = torch.tensor(a, requires_grad=True)
        T = torch.tensor(b, requires_grad=True)
        B.rotated_iou(A, T, empty=0.0).backward()
        for x, grad, f in (
            (a, A.grad.numpy(), lambda x: B.rotated_iou(x, b, empty=0.0)),
            (b, T.grad.numpy(), lambda x: B.rotated_iou(a, x, empty=0.0)),
        ):
            for k in range(5):
                # a size of 0 is on the boundary of the domain: one side only
                right, left = one_sided(f, x, (k,), right_only=k in (2, 3) and x[k] == 0)
                lo, hi = min(left, right), max(left, right)
                assert lo - 1e-5 <= grad[k] <= hi + 1e-5, (name, k, grad[k], left, right)

    @pytest.mark.parametrize("relation", ["same angle", "quarter turn", "half turn", "both 0"])
    def test_aligned_pairs_match_finite_differences(self, relation):
        """Edges exactly parallel in the frame (relative angle k·90°): the IoU is smooth there
        for generic centres and sizes, and the angle gradient must match its slope."""
        rng = np.random.default_rng(8)
        a = random_rotated(rng, 120, hi=3, min_size=0.3, max_size=3.0)
        b = random_rotated(rng, 120, hi=3, min_size=0.3, max_size=3.0)
        if relation == "both 0":
            a[:, 4] = b[:, 4] = 0.0
        else:
            b[:, 4] = a[:, 4] + {"same angle": 0.0, "quarter turn": np.pi / 2,
                                 "half turn": np.pi}[relation]
        ref = B.rotated_iou(a, b)
        assert ((ref > 0.05) & (ref < 0.95)).sum() > 30
        A = torch.tensor(a, requires_grad=True)
        T = torch.tensor(b, requires_grad=True)
        B.rotated_iou(A, T).sum().backward()
        h = 1e-6
        for x, grad, f in (
            (a, A.grad.numpy(), lambda x: B.rotated_iou(x, b)),
            (b, T.grad.numpy(), lambda x: B.rotated_iou(a, x)),
        ):
            fd = np.zeros_like(x)
            for k in range(5):
                xp_, xm = x.copy(), x.copy()
                xp_[:, k] += h
                xm[:, k] -= h
                fd[:, k] = (f(xp_) - f(xm)) / (2 * h)
            np.testing.assert_allclose(grad, fd, rtol=0, atol=1e-7)

    def test_nearly_identical_and_near_quarter_turns(self):
        rng = np.random.default_rng(7)
        a = random_rotated(rng, 200)
        q = a.copy()
        q[:, 4] += np.pi / 2
        q[:, 2], q[:, 3] = a[:, 3], a[:, 2]
        for other in (a, q):
            for eps in (0.0, 1e-15, 1e-12, 1e-9):
                b = other + eps * rng.standard_normal(a.shape)
                for dtype in (torch.float64, torch.float32):
                    A = torch.tensor(a, dtype=dtype, requires_grad=True)
                    T = torch.tensor(b, dtype=dtype, requires_grad=True)
                    B.rotated_iou(A, T).sum().backward()
                    assert torch.isfinite(A.grad).all()
                    assert torch.isfinite(T.grad).all()

    def test_pairwise_gradient_is_finite_at_degenerate_pairs(self):
        pairs = degenerate_pairs()
        a = torch.tensor([p[1] for p in pairs], dtype=torch.float64, requires_grad=True)
        b = torch.tensor([p[2] for p in pairs], dtype=torch.float64, requires_grad=True)
        out = B.pairwise_rotated_iou(a, b, empty=0.0)
        out.sum().backward()
        assert torch.isfinite(out).all()
        assert torch.isfinite(a.grad).all()
        assert torch.isfinite(b.grad).all()


# ---------------------------------------------------------------------------------------------
# devices
# ---------------------------------------------------------------------------------------------


class TestDevices:
    """Two devices are refused by name before any arithmetic ("meta" stands in for a GPU)."""

    def test_two_devices_are_refused(self):
        cpu = torch.tensor([[0.0, 0, 2, 2]])
        meta = torch.zeros((1, 4), device="meta")
        with pytest.raises(ValueError, match="a is on device cpu but b is on device meta"):
            B.iou(cpu, meta)
        with pytest.raises(ValueError, match="pred is on device meta but target is on device cpu"):
            B.loss(meta, cpu)
        with pytest.raises(ValueError, match="p is on device cpu but q is on device meta"):
            B.iou_aware_score(torch.tensor([0.5]), torch.zeros(1, device="meta"))
        rot = torch.zeros((1, 5))
        with pytest.raises(ValueError, match="a is on device meta but b is on device cpu"):
            B.pairwise_rotated_iou(torch.zeros((1, 5), device="meta"), rot)
        with pytest.raises(ValueError, match="on device"):
            B.rotated_iou(rot, torch.zeros((1, 5), device="meta"))

    def test_nms_takes_tensors(self):
        rng = np.random.default_rng(7)
        lo = rng.uniform(0, 10, (80, 2))
        boxes = np.concatenate([lo, lo + rng.uniform(0.5, 4, (80, 2))], axis=1)
        scores = rng.uniform(size=80)
        want = B.nms(boxes, scores, 0.4)
        got = B.nms(torch.tensor(boxes), torch.tensor(scores), 0.4)
        assert isinstance(got, torch.Tensor)
        assert got.dtype == torch.int64
        np.testing.assert_array_equal(got.numpy(), want)
        assert 0 < want.size < 80


class TestPairwiseAxisAligned:
    """``pairwise_iou`` on tensors takes its own lean path; it must equal the numpy kernel."""

    @pytest.mark.parametrize("dim", [2, 3])
    def test_equals_numpy_with_empty_boxes(self, dim):
        rng = np.random.default_rng(11)
        lo = rng.uniform(0, 5, (40, dim))
        a = np.concatenate([lo, lo + rng.uniform(0, 3, (40, dim))], axis=1)
        b = a[::-1].copy() + 0.5
        a[[3, 7], dim:] = a[[3, 7], :dim]  # zero-measure boxes on both sides
        b[[0, 5], dim] = b[[0, 5], 0]
        for empty in (np.nan, 0.25):
            want = B.pairwise_iou(a, b, empty=empty)
            got = B.pairwise_iou(torch.tensor(a), torch.tensor(b), empty=empty).numpy()
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-15)
        assert bool(torch.isnan(B.pairwise_iou(torch.tensor(a), torch.tensor(b))[3, 0]))
        with pytest.raises(ValueError, match="empty"):
            B.pairwise_iou(torch.tensor(a), torch.tensor(b), empty="raise")

    def test_gradient_is_finite_and_matches_elementwise(self):
        rng = np.random.default_rng(12)
        lo = rng.uniform(0, 5, (30, 2))
        a = np.concatenate([lo, lo + rng.uniform(0, 3, (30, 2))], axis=1)
        a[4, 2:] = a[4, :2]
        b = a[::-1].copy()
        A = torch.tensor(a, requires_grad=True)
        B.pairwise_iou(A, torch.tensor(b), empty=0.0).sum().backward()
        A2 = torch.tensor(a, requires_grad=True)
        B.iou(A2[:, None, :], torch.tensor(b)[None], empty=0.0).sum().backward()
        assert bool(torch.isfinite(A.grad).all())
        np.testing.assert_allclose(A.grad.numpy(), A2.grad.numpy(), rtol=1e-10, atol=1e-12)


class TestTensorsThroughout:
    """Coding, assignment and angle conventions keep tensors; numpy operands join them."""

    def test_encode_decode_keep_tensors_and_gradient(self):
        rng = np.random.default_rng(13)
        lo = rng.uniform(0, 20, (50, 2))
        boxes = np.concatenate([lo, lo + rng.uniform(1, 9, (50, 2))], axis=1)
        lo = rng.uniform(0, 20, (50, 2))
        anchors = np.concatenate([lo, lo + rng.uniform(1, 9, (50, 2))], axis=1)
        w = (10, 10, 5, 5)
        want = B.encode(boxes, anchors, w)
        got = B.encode(torch.tensor(boxes), torch.tensor(anchors), w)
        assert isinstance(got, torch.Tensor)
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-14, atol=1e-14)
        # decode -> loss, with autograd through the deltas
        deltas = torch.tensor(want * 0.9, requires_grad=True)
        decoded = B.decode(deltas, torch.tensor(anchors), w)
        np.testing.assert_allclose(decoded.detach().numpy(), B.decode(want * 0.9, anchors, w),
                                   rtol=1e-14, atol=1e-12)
        B.loss(decoded, torch.tensor(boxes), "giou").backward()

        def numpy_loss(d):
            return B.loss(B.decode(d.reshape(want.shape), anchors, w), boxes, "giou")

        fd = numpy_fd(lambda d: numpy_loss(d), want.ravel() * 0.9, h=1e-7).reshape(want.shape)
        np.testing.assert_allclose(deltas.grad.numpy(), fd, rtol=1e-5, atol=1e-8)
        # float32 stays float32, and clip bounds the size
        d32 = B.decode(torch.tensor([[0.0, 0, 100, 0]], dtype=torch.float32),
                       torch.tensor([[0.0, 0, 16, 16]], dtype=torch.float32))
        assert d32.dtype == torch.float32
        assert float(d32[0, 2] - d32[0, 0]) == pytest.approx(1000.0, rel=1e-6)

    def test_assign_and_convert_angle_return_tensors(self):
        anchors = torch.tensor([[0, 0, 1, 1.0], [0, 0, 2, 2], [5, 5, 6, 6]])
        targets = torch.tensor([[0, 0, 1, 1.1]])
        labels, matched = B.assign(anchors, targets)
        want_l, want_m = B.assign(anchors.numpy(), targets.numpy())
        assert labels.dtype == matched.dtype == torch.int64
        assert labels.tolist() == want_l.tolist() == [1, 0, 0]
        assert matched.tolist() == want_m.tolist()
        rot = torch.tensor([[0, 0, 1, 3, 0.0], [5, 5, 2, 4, 1.0]], dtype=torch.float64)
        for dst in ("deg", "opencv", "le90", "le135"):
            got = B.convert_angle(rot, "rad", dst)
            assert isinstance(got, torch.Tensor)
            assert got.dtype == torch.float64
            np.testing.assert_array_equal(got.numpy(), B.convert_angle(rot.numpy(), "rad", dst))

    def test_numpy_operands_join_the_tensor(self):
        t = torch.tensor([[0.0, 0, 2, 2]], dtype=torch.float64, requires_grad=True)
        n = np.array([[1.0, 1, 3, 3]])
        for got in (B.iou(t, n), B.iou(n, t), B.pairwise_iou(t, n)):
            assert isinstance(got, torch.Tensor)
            assert float(got.detach().reshape(-1)[0]) == pytest.approx(1 / 7)
        B.loss(t, n, "diou").backward()
        assert t.grad is not None
        with pytest.raises(TypeError, match="b must hold real numbers; got dtype bool"):
            B.iou(t, np.ones((1, 4), bool))

    def test_empty_batch_loss_is_zero_with_a_gradient(self):
        p = torch.zeros((0, 4), dtype=torch.float64, requires_grad=True)
        out = B.loss(p, torch.zeros((0, 4), dtype=torch.float64), "ciou")
        assert float(out.detach()) == 0.0
        out.backward()
        assert p.grad.shape == (0, 4)


def test_identical_rotated_boxes_have_zero_gradient():
    # IoU is at its maximum: 0 is the symmetric subgradient (the axis-aligned loss agrees)
    box = [[0.0, 0, 2, 1, 0.3], [3.0, -1, 0.5, 4, -2.0]]
    a = torch.tensor(box, dtype=torch.float64, requires_grad=True)
    B.rotated_iou(a, torch.tensor(box, dtype=torch.float64)).sum().backward()
    assert a.grad.abs().max() == 0
    a = torch.tensor(box[:1], dtype=torch.float64, requires_grad=True)
    other = torch.tensor([box[0], [0.2, 0, 2, 1, 0.3]], dtype=torch.float64)
    B.pairwise_rotated_iou(a, other).sum().backward()
    # only the second, shifted pair contributes: its gradient alone
    b = torch.tensor(box[:1], dtype=torch.float64, requires_grad=True)
    B.rotated_iou(b, other[1:]).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12, atol=1e-15)
    assert b.grad.abs().max() > 0.1
    axis = torch.tensor([[0.0, 0, 2, 1]], dtype=torch.float64, requires_grad=True)
    B.loss(axis, torch.tensor([[0.0, 0, 2, 1]], dtype=torch.float64), "iou").backward()
    assert axis.grad.abs().max() == 0


class TestMixedOperands:
    def test_lists_beside_tensors_everywhere(self):
        t = torch.tensor([[0.0, 0, 2, 2]], dtype=torch.float64)
        for fn in (B.pairwise_iou, B.pairwise_giou, B.pairwise_diou, B.pairwise_ciou):
            for got in (fn(t, [[0, 0, 1, 1]]), fn([[0, 0, 1, 1]], t)):
                assert isinstance(got, torch.Tensor)
                assert got.shape == (1, 1)
        assert float(B.pairwise_iou(t, [[0, 0, 1, 1]])[0, 0]) == 0.25
        labels, matched = B.assign([[0, 0, 1, 1.0], [0, 0, 2, 2]], torch.tensor([[0, 0, 1, 1.1]]))
        assert isinstance(labels, torch.Tensor)
        assert labels.tolist() == [1, 0]
        assert matched.tolist() == [0, 0]

    def test_meta_tensors_are_refused_by_name(self):
        cpu = torch.tensor([[0, 0, 1, 1.0], [0, 0, 1, 1.2]])
        meta = torch.ones(2, device="meta")
        with pytest.raises(ValueError, match="boxes is on device cpu but scores is on device "
                                             "meta"):
            B.nms(cpu, meta, 0.5)
        with pytest.raises(ValueError, match="but classes is on device meta"):
            B.nms(cpu, torch.ones(2), 0.5, classes=meta)
        with pytest.raises(ValueError, match="boxes is on the meta device, which holds no "
                                             "values"):
            B.rotated_nms(torch.zeros((2, 5), device="meta"), meta, 0.5)
        with pytest.raises(ValueError, match="target is on the meta device"):
            B.loss(np.array([[0.0, 0, 1, 1]]), torch.zeros((1, 4), device="meta"))
        with pytest.raises(ValueError, match="meta device holds no values"):
            B.convert_angle(torch.zeros((1, 5), device="meta"))

    def test_bfloat16_in_host_side_functions(self):
        boxes = torch.tensor([[0, 0, 1, 1.0], [0, 0, 1, 1.2], [3, 3, 4, 4]],
                             dtype=torch.bfloat16)
        scores = torch.tensor([0.5, 0.9, 0.1], dtype=torch.bfloat16)
        assert B.nms(boxes, scores, 0.5).tolist() == [1, 2]
        labels, _ = B.assign(boxes, boxes[:1])
        assert labels.tolist() == [1, 1, 0]
        rot = B.convert_angle(torch.tensor([[0, 0, 1, 3, 0.0]], dtype=torch.bfloat16), "rad",
                              "le90")
        assert rot.dtype == torch.bfloat16
        assert rot[0, 2:4].tolist() == [3.0, 1.0]


@pytest.mark.parametrize(("p", "t"), [
    ([[0, 1, 2, 1.0]], [[0, 0, 2, 3.0]]),  # a collapsed box inside the other's span
    ([[0, 0, 1, 1.0]], [[1, 0, 2, 1.0]]),  # touching boxes
])
@pytest.mark.parametrize("kind", ["iou", "giou", "diou", "ciou"])
def test_loss_grad_equals_autograd_at_kinks(p, t, kind):
    value, gp, gt = B.loss_grad(np.array(p), np.array(t), kind, "sum")
    P = torch.tensor(p, dtype=torch.float64, requires_grad=True)
    T = torch.tensor(t, dtype=torch.float64, requires_grad=True)
    out = B.loss(P, T, kind, "sum")
    out.backward()
    assert float(out.detach()) == pytest.approx(value, abs=1e-15)
    np.testing.assert_allclose(gp, P.grad.numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(gt, T.grad.numpy(), rtol=1e-12, atol=1e-15)
    if kind == "iou":
        assert np.abs(gp).max() > 0.3  # growing into overlap is rewarded
