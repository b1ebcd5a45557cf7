"""Boxes on a CUDA device: results stay on the device and agree with numpy.

Skipped where torch sees no GPU (the default CI machine); run on a GPU machine with
``python -m pytest tests/test_boxes_cuda.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

from shapeoverlap import boxes as B

torch = pytest.importorskip("torch")
pytest.importorskip("array_api_compat")

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")

KINDS = ["iou", "giou", "diou", "ciou"]


def random_boxes(rng, n, dim=2):
    lo = rng.uniform(0, 10, (n, dim))
    size = rng.uniform(0.5, 4, (n, dim))
    return np.concatenate([lo, lo + size], axis=1)


def random_rotated(rng, n):
    xy = rng.uniform(0, 8, (n, 2))
    wh = rng.uniform(0.5, 3, (n, 2))
    ang = rng.uniform(-np.pi, np.pi, (n, 1))
    return np.concatenate([xy, wh, ang], axis=1)


def cuda(x, dtype=torch.float64, grad=False):
    return torch.tensor(x, dtype=dtype, device="cuda", requires_grad=grad)


def on_gpu(t):
    return isinstance(t, torch.Tensor) and t.device.type == "cuda"


@pytest.mark.parametrize("dim", [2, 3])
@pytest.mark.parametrize("kind", KINDS)
def test_elementwise_and_pairwise_on_device(kind, dim):
    rng = np.random.default_rng(0)
    a, b = random_boxes(rng, 300, dim), random_boxes(rng, 200, dim)
    got = getattr(B, kind)(cuda(a[:200]), cuda(b))
    assert on_gpu(got)
    assert got.dtype == torch.float64
    want = getattr(B, kind)(a[:200], b)
    np.testing.assert_allclose(got.cpu().numpy(), want, rtol=0, atol=1e-12)

    got = getattr(B, f"pairwise_{kind}")(cuda(a), cuda(b))
    assert on_gpu(got)
    assert got.shape == (300, 200)
    want = getattr(B, f"pairwise_{kind}")(a, b)
    np.testing.assert_allclose(got.cpu().numpy(), want, rtol=0, atol=1e-12)


def test_float32_on_device():
    rng = np.random.default_rng(1)
    a, b = random_boxes(rng, 500), random_boxes(rng, 500)
    got = B.ciou(cuda(a, torch.float32), cuda(b, torch.float32))
    assert on_gpu(got)
    assert got.dtype == torch.float32
    np.testing.assert_allclose(got.cpu().numpy(), B.ciou(a, b), rtol=0, atol=1e-5)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("gamma", [None, 0.5])
def test_loss_gradient_on_device_equals_analytic(kind, gamma):
    rng = np.random.default_rng(2)
    p, t = random_boxes(rng, 400), random_boxes(rng, 400)
    P, T = cuda(p, grad=True), cuda(t, grad=True)
    out = B.loss(P, T, kind, "mean", gamma=gamma)
    assert on_gpu(out)
    assert out.ndim == 0
    out.backward()
    assert on_gpu(P.grad)
    assert on_gpu(T.grad)
    val, gp, gt = B.loss_grad(p, t, kind, "mean", gamma=gamma)
    assert float(out.detach()) == pytest.approx(val, rel=1e-12, abs=1e-14)
    np.testing.assert_allclose(P.grad.cpu().numpy(), gp, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(T.grad.cpu().numpy(), gt, rtol=1e-9, atol=1e-12)


def test_plain_sequence_beside_a_device_tensor_joins_its_device():
    got = B.iou(cuda([0.0, 0, 2, 2]), [1, 1, 3, 3])
    assert on_gpu(got)
    assert float(got) == pytest.approx(1 / 7)
    got = B.rotated_iou([0, 0, 2, 2, 0], cuda([0.0, 0, 2, 2, np.pi / 2]))
    assert on_gpu(got)
    assert float(got) == pytest.approx(1.0)
    got = B.iou_aware_score(cuda([0.9, 0.5]), [0.5, 1.0])
    assert on_gpu(got)
    np.testing.assert_allclose(got.cpu().numpy(), [0.45, 0.5])


def test_tensors_on_two_devices_are_refused_by_name():
    with pytest.raises(ValueError, match="a is on device cuda:0 but b is on device cpu"):
        B.iou(cuda([0.0, 0, 2, 2]), torch.tensor([1.0, 1, 3, 3]))
    with pytest.raises(ValueError, match="pred is on device cpu but target is on device cuda"):
        B.loss(torch.tensor([[0.0, 0, 2, 2]]), cuda([[1.0, 1, 3, 3]]))
    with pytest.raises(ValueError, match="on device"):
        B.pairwise_rotated_iou(cuda([[0.0, 0, 2, 2, 0]]), torch.tensor([[0.0, 0, 2, 2, 0.1]]))


def test_rotated_on_device_with_gradient():
    rng = np.random.default_rng(3)
    a, b = random_rotated(rng, 120), random_rotated(rng, 90)
    A = cuda(a, grad=True)
    got = B.pairwise_rotated_iou(A, cuda(b))
    assert on_gpu(got)
    assert got.shape == (120, 90)
    want = B.pairwise_rotated_iou(a, b)
    assert (want > 0).any()
    np.testing.assert_allclose(got.detach().cpu().numpy(), want, rtol=0, atol=1e-12)
    got.sum().backward()
    assert on_gpu(A.grad)
    assert bool(torch.isfinite(A.grad).all())
    # the same gradient as on the CPU
    A_cpu = torch.tensor(a, requires_grad=True)
    B.pairwise_rotated_iou(A_cpu, torch.tensor(b)).sum().backward()
    np.testing.assert_allclose(A.grad.cpu().numpy(), A_cpu.grad.numpy(), rtol=1e-9, atol=1e-12)

    got = B.rotated_iou(cuda(a[:90]), cuda(b))
    assert on_gpu(got)
    np.testing.assert_allclose(got.cpu().numpy(), B.rotated_iou(a[:90], b), rtol=0, atol=1e-12)


@pytest.mark.parametrize("rotated", [False, True])
def test_nms_returns_indices_on_device(rotated):
    rng = np.random.default_rng(4)
    boxes = random_rotated(rng, 200) if rotated else random_boxes(rng, 200)
    scores = rng.uniform(size=200)
    classes = rng.integers(0, 3, 200)
    fn = B.rotated_nms if rotated else B.nms
    want = fn(boxes, scores, 0.3, classes=classes)
    got = fn(cuda(boxes), cuda(scores), 0.3, classes=torch.tensor(classes, device="cuda"))
    assert on_gpu(got)
    assert got.dtype == torch.int64
    np.testing.assert_array_equal(got.cpu().numpy(), want)
    assert 0 < want.size < 200


def test_coding_assignment_and_numpy_operands_stay_on_device():
    rng = np.random.default_rng(5)
    boxes, anchors = random_boxes(rng, 100), random_boxes(rng, 100)
    deltas = B.encode(cuda(boxes), cuda(anchors))
    assert on_gpu(deltas)
    np.testing.assert_allclose(deltas.cpu().numpy(), B.encode(boxes, anchors), rtol=1e-13,
                               atol=1e-13)
    d = deltas.detach().clone().requires_grad_(True)
    decoded = B.decode(d, cuda(anchors))
    assert on_gpu(decoded)
    B.loss(decoded, cuda(boxes), "giou").backward()
    assert on_gpu(d.grad)
    labels, matched = B.assign(cuda(anchors), cuda(boxes[:10]))
    assert on_gpu(labels)
    assert on_gpu(matched)
    want_l, want_m = B.assign(anchors, boxes[:10])
    np.testing.assert_array_equal(labels.cpu().numpy(), want_l)
    np.testing.assert_array_equal(matched.cpu().numpy(), want_m)
    got = B.pairwise_iou(cuda(boxes), boxes[:7])  # a numpy operand joins the device
    assert on_gpu(got)
    np.testing.assert_allclose(got.cpu().numpy(), B.pairwise_iou(boxes, boxes[:7]), atol=1e-12)
    rot = B.convert_angle(cuda(random_rotated(rng, 20)), "rad", "le90")
    assert on_gpu(rot)
    empty = B.loss(cuda(np.zeros((0, 4)), grad=True), cuda(np.zeros((0, 4))))
    assert on_gpu(empty)
    assert float(empty.detach()) == 0.0
