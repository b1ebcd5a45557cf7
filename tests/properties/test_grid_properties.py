"""Properties of the mask measures (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

import shapeoverlap as so  # noqa: E402

shapes = st.tuples(st.integers(1, 6), st.integers(1, 7))


@st.composite
def mask_pairs(draw, dtype=bool):
    shape = draw(shapes)
    if dtype is bool:
        elems = st.booleans()
    else:
        elems = st.floats(0, 1, allow_nan=False, width=64)
    a = draw(hnp.arrays(dtype, shape, elements=elems))
    b = draw(hnp.arrays(dtype, shape, elements=elems))
    return a, b


def nonempty(a, b):
    return np.any(a) or np.any(b)


MEASURES = [so.iou, so.dice, so.giou, so.diou]
common = settings(max_examples=60, deadline=None)


@common
@given(mask_pairs())
def test_symmetry_and_bounds(pair):
    a, b = pair
    assume(nonempty(a, b))
    per = {1: a.shape[1]}
    for f in MEASURES:
        ab, ba = f(a, b, periodic=per), f(b, a, periodic=per)
        assert ab == pytest.approx(ba, rel=1e-12, abs=1e-15)
    assert 0 <= so.iou(a, b) <= 1
    assert -1 <= so.giou(a, b) <= so.iou(a, b) + 1e-15
    assert -1 <= so.diou(a, b, periodic=per) <= so.iou(a, b) + 1e-15


@common
@given(mask_pairs())
def test_dice_iou_relation(pair):
    a, b = pair
    assume(nonempty(a, b))
    j = so.iou(a, b)
    assert so.dice(a, b) == pytest.approx(2 * j / (1 + j), rel=1e-12, abs=1e-15)


@common
@given(mask_pairs(float))
def test_soft_bounds_and_symmetry(pair):
    p, q = pair
    assume(p.sum() + q.sum() > 1e-9)
    for soft in ("product", "minmax"):
        v = so.iou(p, q, soft=soft)
        assert 0 <= v <= 1 + 1e-12
        assert v == pytest.approx(so.iou(q, p, soft=soft), rel=1e-12, abs=1e-15)
    # min/max form: Dice = 2 IoU / (1 + IoU) holds exactly as for crisp sets
    j = so.iou(p, q, soft="minmax")
    assert so.dice(p, q, soft="minmax") == pytest.approx(2 * j / (1 + j), rel=1e-10, abs=1e-15)


@common
@given(mask_pairs(float))
def test_crisp_soft_agree_on_zero_one(pair):
    p, q = pair
    a, b = p > 0.5, q > 0.5
    assume(nonempty(a, b))
    for soft in ("product", "minmax"):
        assert so.iou(a.astype(float), b.astype(float), soft=soft) == pytest.approx(
            so.iou(a, b), rel=1e-12)


@common
@given(mask_pairs())
def test_identity(pair):
    a, _ = pair
    assume(a.any())
    for f in (so.iou, so.dice, so.diou):
        assert f(a, a) == 1.0
    # GIoU of a set with itself is |A| / |hull(A)|: 1 only for a box-shaped mask
    s = so.overlap(a, a)
    assert so.giou(a, a) == pytest.approx(s.size_a / s.hull, rel=1e-15)
    rows, cols = np.flatnonzero(a.any(1)), np.flatnonzero(a.any(0))
    assert s.hull == (rows[-1] - rows[0] + 1) * (cols[-1] - cols[0] + 1)


@common
@given(mask_pairs(), st.floats(-6, 6))
def test_scale_invariance(pair, log_s):
    a, b = pair
    assume(nonempty(a, b))
    s = 10.0**log_s
    sp = (0.7, 1.3)
    per = {1: a.shape[1] * sp[1]}
    per_s = {1: a.shape[1] * sp[1] * s}
    for f in MEASURES:
        ref = f(a, b, spacing=sp, periodic=per)
        got = f(a, b, spacing=(sp[0] * s, sp[1] * s), periodic=per_s)
        assert got == pytest.approx(ref, rel=1e-12, abs=1e-14)


@common
@given(mask_pairs(), st.integers(0, 3), st.integers(0, 3))
def test_translation_invariance(pair, dy, dx):
    a, b = pair
    assume(nonempty(a, b))
    big = [np.zeros((a.shape[0] + 3, a.shape[1] + 3), bool) for _ in range(2)]
    big[0][dy:dy + a.shape[0], dx:dx + a.shape[1]] = a
    big[1][dy:dy + a.shape[0], dx:dx + a.shape[1]] = b
    for f in MEASURES:
        assert f(big[0], big[1]) == pytest.approx(f(a, b), rel=1e-12, abs=1e-14)


@common
@given(mask_pairs(), st.integers(-10, 10), st.integers(-10, 10))
def test_periodic_roll_invariance(pair, sy, sx):
    a, b = pair
    assume(nonempty(a, b))
    per = {0: float(a.shape[0]), 1: float(a.shape[1])}
    ra, rb = np.roll(a, (sy, sx), axis=(0, 1)), np.roll(b, (sy, sx), axis=(0, 1))
    for f in MEASURES:
        assert f(ra, rb, periodic=per) == pytest.approx(f(a, b, periodic=per), rel=1e-12,
                                                        abs=1e-14)


@common
@given(mask_pairs(), st.integers(2, 3))
def test_refinement_invariance(pair, k):
    a, b = pair
    assume(nonempty(a, b))
    per = {1: float(a.shape[1])}
    for f in MEASURES:
        coarse = f(a, b, periodic=per)
        fine = f(np.repeat(a, k, axis=1), np.repeat(b, k, axis=1), spacing=(1.0, 1.0 / k),
                 periodic=per)
        assert fine == pytest.approx(coarse, rel=1e-12, abs=1e-14)


@common
@given(mask_pairs())
def test_periodic_giou_equals_unrolled_when_hull_does_not_cross(pair):
    a, b = pair
    assume(nonempty(a, b))
    # pad with an empty band wider than the occupied columns: the short arc never wraps
    pad = a.shape[1] + 1
    pa = np.pad(a, ((0, 0), (0, pad)))
    pb = np.pad(b, ((0, 0), (0, pad)))
    per = {1: float(pa.shape[1])}
    # (DIoU differs by design: centres on a circle are circular means)
    assert so.giou(pa, pb, periodic=per) == pytest.approx(so.giou(a, b), rel=1e-12, abs=1e-14)
