"""Box losses and gradients; log-space coding; anchor assignment; NMS."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import shapeoverlap as so
from shapeoverlap import boxes as B

from .test_boxes import random_boxes, ref_terms3

KINDS = ("iou", "giou", "diou", "ciou")


def ref_terms(a, b):
    """Scalar IoU-family terms of two xyxy boxes, from the definitions."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    wa, ha, wb, hb = a[2] - a[0], a[3] - a[1], b[2] - b[0], b[3] - b[1]
    union = wa * ha + wb * hb - inter
    cw = max(a[2], b[2]) - min(a[0], b[0])
    ch = max(a[3], b[3]) - min(a[1], b[1])
    rho2 = ((a[0] + a[2] - b[0] - b[2]) / 2) ** 2 + ((a[1] + a[3] - b[1] - b[3]) / 2) ** 2
    v = 4 / math.pi**2 * (math.atan2(wb, hb) - math.atan2(wa, ha)) ** 2
    iou = inter / union
    return iou, union, cw * ch, rho2, cw**2 + ch**2, v


def ref_loss(a, b, kind, alpha=None, weight=1.0):
    """Per-pair loss with α (CIoU) and the focal weight given as constants."""
    iou, union, hull, rho2, diag2, v = ref_terms(a, b)
    if kind == "iou":
        m = iou
    elif kind == "giou":
        m = iou - (hull - union) / hull
    else:
        m = iou - rho2 / diag2
        if kind == "ciou":
            m -= alpha * v
    return weight * (1 - m)


def ref_frozen(a, b, gamma):
    iou, *_, v = ref_terms(a, b)
    alpha = v / (1 - iou + v) if (1 - iou + v) > 0 else 0.0
    weight = 1.0 if gamma is None else (1 - iou) ** gamma
    return alpha, weight


def ref_ciou3_loss(a, b, alpha, weight):
    iou, rho2, diag2, v = ref_terms3(a, b)
    return weight * (1 - (iou - rho2 / diag2 - alpha * v))


def to_xyxy(x, fmt):
    return B.convert(x, fmt, "xyxy")


# ---------------------------------------------------------------------------------------------
# loss values
# ---------------------------------------------------------------------------------------------


class TestLossValues:
    @pytest.mark.parametrize("kind", KINDS)
    def test_matches_measures(self, kind):
        rng = np.random.default_rng(0)
        p, t = random_boxes(rng, 30), random_boxes(rng, 30)
        per = B.loss(p, t, kind, "none")
        np.testing.assert_allclose(per, 1 - getattr(B, kind)(p, t), rtol=1e-14, atol=1e-15)
        assert B.loss(p, t, kind, "sum") == pytest.approx(per.sum(), rel=1e-13)
        assert B.loss(p, t, kind) == pytest.approx(per.mean(), rel=1e-13)

    def test_focal_weight(self):
        rng = np.random.default_rng(1)
        p, t = random_boxes(rng, 20), random_boxes(rng, 20)
        w = (1 - B.iou(p, t)) ** 2.5
        np.testing.assert_allclose(
            B.loss(p, t, "giou", "none", gamma=2.5), w * (1 - B.giou(p, t)), rtol=1e-13
        )
        np.testing.assert_allclose(B.loss(p, t, "iou", "none", gamma=0), 1 - B.iou(p, t))

    def test_hand_value(self):
        assert B.loss([0, 0, 2, 2], [1, 1, 3, 3], "giou") == pytest.approx(1 - (1 / 7 - 2 / 9))

    def test_empty_union(self):
        z = [1, 1, 1, 1]
        assert math.isnan(B.loss([z], [z], "ciou"))
        assert B.loss([z], [z], "ciou", empty=1.0) == 0.0
        with pytest.raises(so.EmptyUnionError):
            B.loss([z], [z], "iou", empty="raise")

    def test_errors(self):
        with pytest.raises(ValueError, match="kind must be one of 'iou', 'giou', 'diou', "
                           "'ciou'; got 'eiou'"):
            B.loss([0, 0, 1, 1], [0, 0, 1, 1], kind="eiou")
        with pytest.raises(ValueError, match="reduction must be one of 'mean', 'sum', 'none'; "
                           "got 'max'"):
            B.loss([0, 0, 1, 1], [0, 0, 1, 1], reduction="max")
        with pytest.raises(ValueError, match=r"gamma must be None or a finite number >= 0; got -1"):
            B.loss([0, 0, 1, 1], [0, 0, 1, 1], gamma=-1)
        with pytest.raises(TypeError, match="gamma must be None or a number >= 0; got str"):
            B.loss([0, 0, 1, 1], [0, 0, 1, 1], gamma="2")
        with pytest.raises(ValueError, match=r"pred has NaN or infinite coordinates"):
            B.loss([0, 0, np.nan, 1], [0, 0, 1, 1])
        with pytest.raises(ValueError, match=r"pred holds 3-D boxes .* but target holds 2-D boxes"):
            B.loss(np.ones(6), np.ones(4))
        with pytest.raises(ValueError, match=r"pred has batch shape \(2,\) and target has batch "
                           r"shape \(3,\)"):
            B.loss(np.ones((2, 4)), np.ones((3, 4)))
        with pytest.raises(TypeError, match="loss_grad works on numpy arrays; pred is a"):
            B.loss_grad({"a": 1}, [0, 0, 1, 1])


# ---------------------------------------------------------------------------------------------
# gradients: analytic vs finite differences vs torch
# ---------------------------------------------------------------------------------------------


class TestGradients:
    @pytest.mark.parametrize(("kind", "fmt", "gamma"), [
        *itertools.product(KINDS, ("xyxy",), (None,)),
        ("ciou", "cxcywh", None), ("giou", "xywh", 1.5), ("ciou", "xyxy", 2.0),
        ("diou", "cxcywh", 0.5),
    ])
    def test_analytic_vs_finite_differences(self, kind, fmt, gamma):
        rng = np.random.default_rng(12)
        p = B.convert(random_boxes(rng, 12, max_size=4), "xyxy", fmt)
        t = B.convert(random_boxes(rng, 12, max_size=4), "xyxy", fmt)
        _, gp, gt = B.loss_grad(p, t, kind, "sum", gamma, fmt)
        h = 1e-6
        for i in range(p.shape[0]):
            alpha, w = ref_frozen(to_xyxy(p[i], fmt), to_xyxy(t[i], fmt), gamma)
            for j in range(4):
                for x, g in ((p, gp), (t, gt)):
                    xp_, xm = x[i].copy(), x[i].copy()
                    xp_[j] += h
                    xm[j] -= h
                    if x is p:
                        lp = ref_loss(to_xyxy(xp_, fmt), to_xyxy(t[i], fmt), kind, alpha, w)
                        lm = ref_loss(to_xyxy(xm, fmt), to_xyxy(t[i], fmt), kind, alpha, w)
                    else:
                        lp = ref_loss(to_xyxy(p[i], fmt), to_xyxy(xp_, fmt), kind, alpha, w)
                        lm = ref_loss(to_xyxy(p[i], fmt), to_xyxy(xm, fmt), kind, alpha, w)
                    assert g[i, j] == pytest.approx((lp - lm) / (2 * h), abs=1e-7)

    def test_reductions_and_broadcasting(self):
        rng = np.random.default_rng(13)
        p, t = random_boxes(rng, 6), random_boxes(rng, 1)[0]
        l_sum, gp_sum, gt_sum = B.loss_grad(p, t, "diou", "sum")
        _, gp_mean, _ = B.loss_grad(p, t, "diou", "mean")
        per, gp_none, _ = B.loss_grad(p, t, "diou", "none")
        assert gt_sum.shape == (4,)
        assert gp_sum.shape == (6, 4)
        np.testing.assert_allclose(gp_mean * 6, gp_sum, rtol=1e-14)
        np.testing.assert_allclose(gp_none, gp_sum, rtol=1e-14)
        np.testing.assert_allclose(per.sum(), l_sum)
        # the target's gradient sums over the pairs it was broadcast to
        one = [B.loss_grad(p[i], t, "diou", "sum")[2] for i in range(6)]
        np.testing.assert_allclose(gt_sum, np.sum(one, axis=0), rtol=1e-13)

    def test_clip_routes_gradient(self):
        _, g, _ = B.loss_grad([[2.0, 0, 1, 1]], [[0.0, 0, 1, 1]], "giou", "sum", clip=True)
        assert g[0, 2] == 0.0

    def test_iou_gradient_vanishes_for_disjoint_boxes(self):
        p, t = np.array([0.0, 0, 1, 1]), np.array([3.0, 2, 4, 3])
        _, g_iou, _ = B.loss_grad(p, t, "iou")
        np.testing.assert_array_equal(g_iou, 0.0)
        for kind in ("giou", "diou", "ciou"):
            _, g, _ = B.loss_grad(p, t, kind)
            assert np.abs(g).max() > 1e-3
            # a small step against the gradient moves the centres together and lowers the loss
            q = p - 0.05 * g / np.abs(g).max()
            before = np.hypot(*((p[:2] + p[2:]) / 2 - (t[:2] + t[2:]) / 2))
            after = np.hypot(*((q[:2] + q[2:]) / 2 - (t[:2] + t[2:]) / 2))
            assert after < before
            assert B.loss(q, t, kind) < B.loss(p, t, kind)

    def test_log_space_gradient_is_scale_invariant(self):
        """d(1 − IoU)/d ln w = w · d(1 − IoU)/dw is the same at every scale."""
        p = np.array([1.0, 2.0, 3.0, 1.5])  # cxcywh
        t = np.array([1.5, 2.2, 2.0, 2.5])
        ref = None
        for s in (1e-6, 1e-3, 1.0, 1e3, 1e6):
            _, g, _ = B.loss_grad(p * s, t * s, "iou", fmt="cxcywh")
            dlogw = g[2:] * p[2:] * s
            if ref is None:
                ref = dlogw
            np.testing.assert_allclose(dlogw, ref, rtol=1e-10)
            # while the plain gradient scales like 1/s
            np.testing.assert_allclose(g[2:] * s, ref / p[2:], rtol=1e-10)


class TestTorch:
    @pytest.mark.parametrize("kind", KINDS)
    @pytest.mark.parametrize("gamma", [None, 2.0])
    def test_autograd_matches_analytic(self, kind, gamma):
        torch = pytest.importorskip("torch")
        pytest.importorskip("array_api_compat")
        rng = np.random.default_rng(21)
        p, t = random_boxes(rng, 25), random_boxes(rng, 25)
        loss, gp, gt = B.loss_grad(p, t, kind, "mean", gamma)
        P = torch.tensor(p, requires_grad=True)
        T = torch.tensor(t, requires_grad=True)
        out = B.loss(P, T, kind, "mean", gamma)
        out.backward()
        assert isinstance(out, torch.Tensor)
        assert out.item() == pytest.approx(loss, rel=1e-14)
        np.testing.assert_allclose(P.grad.numpy(), gp, rtol=1e-12, atol=1e-16)
        np.testing.assert_allclose(T.grad.numpy(), gt, rtol=1e-12, atol=1e-16)

    def test_float32_and_formats(self):
        torch = pytest.importorskip("torch")
        pytest.importorskip("array_api_compat")
        rng = np.random.default_rng(22)
        p = B.convert(random_boxes(rng, 10), "xyxy", "cxcywh")
        t = B.convert(random_boxes(rng, 10), "xyxy", "cxcywh")
        P = torch.tensor(p, dtype=torch.float32, requires_grad=True)
        out = B.loss(P, torch.tensor(t, dtype=torch.float32), "ciou", "sum", fmt="cxcywh")
        out.backward()
        assert out.dtype == torch.float32
        _, gp, _ = B.loss_grad(p, t, "ciou", "sum", fmt="cxcywh")
        np.testing.assert_allclose(P.grad.numpy(), gp, rtol=1e-4, atol=1e-6)

    def test_measures_on_tensors_and_no_nan_gradient_at_identity(self):
        torch = pytest.importorskip("torch")
        pytest.importorskip("array_api_compat")
        a = torch.tensor([[0.0, 0, 2, 1], [0, 0, 0, 0]], dtype=torch.float64, requires_grad=True)
        b = torch.tensor([[0.0, 0, 2, 1], [0, 0, 0, 0]], dtype=torch.float64)
        val = B.ciou(a, b, empty=1.0)
        assert val.tolist() == [1.0, 1.0]
        val.sum().backward()
        assert torch.isfinite(a.grad).all()
        np.testing.assert_allclose(
            B.pairwise_giou(a.detach(), b).numpy(), B.pairwise_giou(a.detach().numpy(), b.numpy())
        )

    def test_tensor_beside_a_list(self):
        torch = pytest.importorskip("torch")
        pytest.importorskip("array_api_compat")
        got = B.iou(torch.tensor([0.0, 0, 2, 2]), [1, 1, 3, 3])
        assert isinstance(got, torch.Tensor)
        assert got.item() == pytest.approx(1 / 7)
        got = B.rotated_iou([0, 0, 2, 2, 0], torch.tensor([0.0, 0, 2, 2, np.pi / 2], dtype=torch.float64))
        assert got.item() == 1.0

    def test_tensor_validation(self):
        torch = pytest.importorskip("torch")
        pytest.importorskip("array_api_compat")
        with pytest.raises(ValueError, match=r"pred has inverted corners"):
            B.loss(torch.tensor([2.0, 0, 1, 1]), torch.tensor([0.0, 0, 1, 1]))
        with pytest.raises(TypeError, match="a must be a floating tensor; got dtype torch.int64"):
            B.iou(torch.tensor([0, 0, 1, 1]), torch.tensor([0, 0, 1, 1]))


def test_iou_aware_score():
    np.testing.assert_allclose(B.iou_aware_score([0.9, 0.5], [0.5, 1.0]), [0.45, 0.5])
    with pytest.raises(ValueError, match=r"q must lie in \[0, 1\]; got \[1.5\]"):
        B.iou_aware_score([0.9, 0.5], [0.5, 1.5])
    with pytest.raises(ValueError, match=r"p has shape \(2,\) and q has shape \(3,\)"):
        B.iou_aware_score([0.9, 0.5], [0.5, 1.0, 0.2])


# ---------------------------------------------------------------------------------------------
# encode / decode / assign / nms
# ---------------------------------------------------------------------------------------------


class TestCoding:
    def test_known_values(self):
        d = B.encode([1.0, 2, 5, 3], [0.0, 0, 2, 2], weights=(10, 10, 5, 5))
        # centre (3, 2.5) vs (1, 1); size (4, 1) vs (2, 2)
        np.testing.assert_allclose(d, [10 * 2 / 2, 10 * 1.5 / 2, 5 * math.log(2), 5 * math.log(0.5)])

    def test_round_trip(self):
        rng = np.random.default_rng(30)
        boxes, anchors = random_boxes(rng, 500, max_size=50), random_boxes(rng, 500, min_size=1)
        for w in ((1, 1, 1, 1), (10, 10, 5, 5)):
            back = B.decode(B.encode(boxes, anchors, w), anchors, w)
            np.testing.assert_allclose(back, boxes, rtol=1e-12, atol=1e-12)

    def test_clip(self):
        big = B.decode([0.0, 0, 100.0, -100.0], [0.0, 0, 16, 16])
        assert big[2] - big[0] == pytest.approx(1000.0)
        assert big[3] - big[1] == pytest.approx(16 * math.exp(-100))
        free = B.decode([0.0, 0, 8.0, 0], [0.0, 0, 16, 16], clip=None)
        assert free[2] - free[0] == pytest.approx(16 * math.exp(8))

    def test_errors(self):
        with pytest.raises(ValueError, match=r"anchors needs positive widths and heights .* "
                           r"first anchors\[1\]"):
            B.encode([[0, 0, 1, 1]] * 2, [[0, 0, 1, 1], [0, 0, 0, 1]])
        with pytest.raises(ValueError, match="weights must be 4 finite positive numbers"):
            B.encode([0, 0, 1, 1], [0, 0, 1, 1], weights=(1, 1, 0, 1))
        # encode has no clip=: its message must not suggest one
        with pytest.raises(ValueError, match=r"boxes has inverted corners .* \(xyxy\)$"):
            B.encode([2, 0, 1, 1], [0, 0, 1, 1])
        with pytest.raises(ValueError, match=r"deltas must be deltas of shape \(\.\.\., 4\); got "
                           r"shape \(3,\)"):
            B.decode([0, 0, 1], [0, 0, 1, 1])
        for bad in (math.inf, -1.0, "1"):
            with pytest.raises(ValueError, match=f"clip must be a finite number >= 0 or None; "
                                                 f"got {bad!r}"):
                B.decode([0, 0, 1, 1], [0, 0, 1, 1], clip=bad)


class TestEmptyBatch:
    @pytest.mark.parametrize("kind", ["iou", "giou", "diou", "ciou"])
    def test_mean_and_sum_of_no_pairs_are_zero(self, kind):
        # as torchvision: a batch without matched boxes adds nothing to a training loss
        empty = np.zeros((0, 4))
        assert B.loss(empty, empty, kind) == 0.0
        assert B.loss(empty, empty, kind, "sum") == 0.0
        assert B.loss(empty, empty, kind, "none").shape == (0,)
        value, gp, gt = B.loss_grad(empty, empty, kind)
        assert value == 0.0
        assert gp.shape == gt.shape == (0, 4)


class TestAssign:
    def test_labels(self):
        anchors = np.array([
            [0, 0, 10, 10],   # IoU 1 with target 0 -> positive
            [0, 0, 10, 20],   # IoU 0.5 -> ignored
            [0, 0, 10, 40],   # IoU 0.25 -> negative
            [50, 50, 60, 60],  # best anchor of target 1 (IoU 0.25) -> positive
            [100, 100, 110, 110],  # nothing -> negative
        ], dtype=float)
        targets = np.array([[0, 0, 10, 10], [50, 50, 70, 70]], dtype=float)
        labels, matched = B.assign(anchors, targets, pos_iou=0.7, neg_iou=0.3)
        np.testing.assert_array_equal(labels, [1, -1, 0, 1, 0])
        np.testing.assert_array_equal(matched, [0, 0, 0, 1, 0])

    def test_ties_and_thresholds(self):
        anchors = np.array([[0, 0, 2, 1], [0, 1, 2, 2], [5, 5, 6, 6]], dtype=float)
        targets = np.array([[0, 0, 2, 2]], dtype=float)
        labels, _ = B.assign(anchors, targets, pos_iou=0.5, neg_iou=0.5)
        np.testing.assert_array_equal(labels, [1, 1, 0])  # IoU exactly 0.5 is positive

    def test_random_against_definition(self):
        rng = np.random.default_rng(31)
        anchors, targets = random_boxes(rng, 60), random_boxes(rng, 7)
        labels, matched = B.assign(anchors, targets, 0.6, 0.2)
        ious = np.array([[B.iou(a, t) for t in targets] for a in anchors])
        for i in range(60):
            best = ious[i].max()
            expect = 1 if best >= 0.6 else (0 if best < 0.2 else -1)
            if any(ious[i, j] == ious[:, j].max() > 0 for j in range(7)):
                expect = 1
            assert labels[i] == expect
            assert matched[i] == int(np.argmax(ious[i]))

    def test_no_targets_and_errors(self):
        labels, matched = B.assign([[0, 0, 1, 1]] * 3, np.zeros((0, 4)))
        np.testing.assert_array_equal(labels, [0, 0, 0])
        np.testing.assert_array_equal(matched, [-1, -1, -1])
        with pytest.raises(ValueError, match="0 <= neg_iou <= pos_iou <= 1; got neg_iou=0.8"):
            B.assign([[0, 0, 1, 1]], [[0, 0, 1, 1]], pos_iou=0.5, neg_iou=0.8)


def brute_nms(boxes, scores, thr, classes=None):
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    keep = []
    for i in order:
        ok = True
        for k in keep:
            same = classes is None or classes[k] == classes[i]
            if same and ref_terms(boxes[k], boxes[i])[0] > thr:
                ok = False
                break
        if ok:
            keep.append(i)
    return keep


class TestNMS:
    def test_against_brute_force(self):
        rng = np.random.default_rng(40)
        for trial in range(8):
            boxes = random_boxes(rng, 60, hi=6.0)
            scores = rng.random(60)
            if trial % 2:
                scores = np.round(scores, 1)  # ties
            classes = rng.integers(0, 3, 60)
            for thr in (0.0, 0.3, 0.5, 0.9):
                assert B.nms(boxes, scores, thr).tolist() == brute_nms(boxes, scores, thr)
                assert B.nms(boxes, scores, thr, classes).tolist() == brute_nms(
                    boxes, scores, thr, classes
                )

    def test_threshold_equality_is_kept(self):
        boxes = [[0, 0, 2, 2], [0, 0, 2, 1]]  # IoU exactly 0.5
        assert B.nms(boxes, [0.9, 0.8], 0.5).tolist() == [0, 1]
        assert B.nms(boxes, [0.9, 0.8], 0.49).tolist() == [0]

    def test_errors(self):
        with pytest.raises(ValueError, match=r"scores must have shape \(2,\), one per box; "
                           r"got shape \(3,\)"):
            B.nms([[0, 0, 1, 1]] * 2, [1, 2, 3], 0.5)
        with pytest.raises(ValueError, match=r"scores must be finite; got \[nan\]"):
            B.nms([[0, 0, 1, 1]] * 2, [1, np.nan], 0.5)
        with pytest.raises(ValueError, match=r"classes must have shape \(2,\)"):
            B.nms([[0, 0, 1, 1]] * 2, [1, 2], 0.5, classes=[1])
        with pytest.raises(TypeError, match="iou_threshold must be a number; got str"):
            B.nms([[0, 0, 1, 1]] * 2, [1, 2], "0.5")
        with pytest.raises(ValueError, match=r"boxes must have shape \(N, 4\) or \(N, 6\)"):
            B.nms([0, 0, 1, 1], [1], 0.5)
        assert B.nms(np.zeros((0, 4)), [], 0.5).tolist() == []
        for bad in (-0.5, 1.5, np.nan):
            with pytest.raises(ValueError, match=r"iou_threshold must be in \[0, 1\]"):
                B.nms([[0, 0, 1, 1]] * 2, [1, 2], bad)
            with pytest.raises(ValueError, match=r"iou_threshold must be in \[0, 1\]"):
                B.rotated_nms([[0, 0, 1, 1, 0]] * 2, [1, 2], bad)


class TestMoreGradients:
    @pytest.mark.parametrize("kind", KINDS)
    def test_3d_analytic_vs_torch(self, kind):
        torch = pytest.importorskip("torch")
        pytest.importorskip("array_api_compat")
        rng = np.random.default_rng(50)
        p, t = random_boxes(rng, 30, d=3), random_boxes(rng, 30, d=3)
        _, gp, gt = B.loss_grad(p, t, kind, "sum", fmt="xyxy")
        P = torch.tensor(p, requires_grad=True)
        T = torch.tensor(t, requires_grad=True)
        B.loss(P, T, kind, "sum").backward()
        np.testing.assert_allclose(P.grad.numpy(), gp, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(T.grad.numpy(), gt, rtol=1e-12, atol=1e-15)

    @pytest.mark.parametrize("kind", KINDS)
    def test_loss_and_scaled_gradient_are_scale_invariant(self, kind):
        rng = np.random.default_rng(51)
        p, t = random_boxes(rng, 50), random_boxes(rng, 50)
        ref_loss, ref_g, _ = B.loss_grad(p, t, kind, "none")
        for s in (1e-6, 1e-2, 1e3, 1e6):
            value, g, _ = B.loss_grad(p * s, t * s, kind, "none")
            np.testing.assert_allclose(value, ref_loss, rtol=0, atol=1e-12)
            np.testing.assert_allclose(g * s, ref_g, rtol=1e-9, atol=1e-12)

    def test_torch_float32_scale_invariance(self):
        torch = pytest.importorskip("torch")
        pytest.importorskip("array_api_compat")
        rng = np.random.default_rng(52)
        p = torch.tensor(random_boxes(rng, 100), dtype=torch.float32)
        t = torch.tensor(random_boxes(rng, 100), dtype=torch.float32)
        for kind in KINDS:
            ref = B.loss(p.double(), t.double(), kind, "none").numpy()
            for s in (1e-6, 1e-3, 1e3, 1e6):
                got = B.loss(p * s, t * s, kind, "none")
                assert got.dtype == torch.float32
                np.testing.assert_allclose(got.numpy(), ref, rtol=0, atol=1e-6)


class TestCiou3D:
    @pytest.mark.parametrize(("fmt", "gamma"), [("xyxy", None), ("cxcywh", None), ("xywh", 1.5)])
    def test_analytic_vs_finite_differences(self, fmt, gamma):
        rng = np.random.default_rng(60)
        p = B.convert(random_boxes(rng, 10, d=3, max_size=4), "xyxy", fmt)
        t = B.convert(random_boxes(rng, 10, d=3, max_size=4), "xyxy", fmt)
        value, gp, gt = B.loss_grad(p, t, "ciou", "sum", gamma, fmt)
        h = 1e-6
        total = 0.0
        for i in range(p.shape[0]):
            iou, _, _, v = ref_terms3(to_xyxy(p[i], fmt), to_xyxy(t[i], fmt))
            alpha = v / (1 - iou + v)
            w = 1.0 if gamma is None else (1 - iou) ** gamma
            total += ref_ciou3_loss(to_xyxy(p[i], fmt), to_xyxy(t[i], fmt), alpha, w)
            for j in range(6):
                for x, g in ((p, gp), (t, gt)):
                    xp_, xm = x[i].copy(), x[i].copy()
                    xp_[j] += h
                    xm[j] -= h
                    if x is p:
                        lp = ref_ciou3_loss(to_xyxy(xp_, fmt), to_xyxy(t[i], fmt), alpha, w)
                        lm = ref_ciou3_loss(to_xyxy(xm, fmt), to_xyxy(t[i], fmt), alpha, w)
                    else:
                        lp = ref_ciou3_loss(to_xyxy(p[i], fmt), to_xyxy(xp_, fmt), alpha, w)
                        lm = ref_ciou3_loss(to_xyxy(p[i], fmt), to_xyxy(xm, fmt), alpha, w)
                    assert g[i, j] == pytest.approx((lp - lm) / (2 * h), abs=1e-7)
        assert value == pytest.approx(total, rel=1e-13)

    @pytest.mark.parametrize("gamma", [None, 2.0])
    def test_analytic_vs_torch(self, gamma):
        torch = pytest.importorskip("torch")
        pytest.importorskip("array_api_compat")
        rng = np.random.default_rng(61)
        p, t = random_boxes(rng, 40, d=3), random_boxes(rng, 40, d=3)
        value, gp, gt = B.loss_grad(p, t, "ciou", "mean", gamma)
        P = torch.tensor(p, requires_grad=True)
        T = torch.tensor(t, requires_grad=True)
        out = B.loss(P, T, "ciou", "mean", gamma)
        out.backward()
        assert out.item() == pytest.approx(value, rel=1e-14)
        np.testing.assert_allclose(P.grad.numpy(), gp, rtol=1e-12, atol=1e-16)
        np.testing.assert_allclose(T.grad.numpy(), gt, rtol=1e-12, atol=1e-16)

    def test_torch_values_and_identity_gradient(self):
        torch = pytest.importorskip("torch")
        pytest.importorskip("array_api_compat")
        rng = np.random.default_rng(62)
        a, b = random_boxes(rng, 20, d=3), random_boxes(rng, 20, d=3)
        got = B.ciou(torch.tensor(a), torch.tensor(b))
        np.testing.assert_allclose(got.numpy(), B.ciou(a, b), rtol=1e-14, atol=1e-15)
        got32 = B.pairwise_ciou(torch.tensor(a, dtype=torch.float32),
                                torch.tensor(b, dtype=torch.float32))
        np.testing.assert_allclose(got32.numpy(), B.pairwise_ciou(a, b), atol=1e-5)
        same = torch.tensor([[0.0, 0, 0, 2, 1, 3]], dtype=torch.float64, requires_grad=True)
        out = B.loss(same, same.detach(), "ciou", "sum")
        out.backward()
        assert out.item() == 0.0
        assert torch.isfinite(same.grad).all()

    def test_scale_invariance(self):
        rng = np.random.default_rng(63)
        p, t = random_boxes(rng, 50, d=3), random_boxes(rng, 50, d=3)
        ref_value, ref_gp, ref_gt = B.loss_grad(p, t, "ciou", "none")
        ref_score = B.ciou(p, t)
        for s in (1e-6, 1e6):
            np.testing.assert_allclose(B.ciou(p * s, t * s), ref_score, rtol=0, atol=1e-12)
            np.testing.assert_allclose(
                B.pairwise_ciou(p * s, t * s), B.pairwise_ciou(p, t), rtol=0, atol=1e-12
            )
            value, gp, gt = B.loss_grad(p * s, t * s, "ciou", "none")
            np.testing.assert_allclose(value, ref_value, rtol=0, atol=1e-12)
            # the gradient scales like 1/s: s · grad is invariant
            np.testing.assert_allclose(gp * s, ref_gp, rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(gt * s, ref_gt, rtol=1e-9, atol=1e-12)

    def test_elementwise_loss_matches_pairwise(self):
        rng = np.random.default_rng(64)
        p, t = random_boxes(rng, 7, d=3), random_boxes(rng, 5, d=3)
        per = B.loss(p[:, None], t[None, :], "ciou", "none")
        np.testing.assert_allclose(per, 1 - B.pairwise_ciou(p, t), rtol=1e-13, atol=1e-15)
