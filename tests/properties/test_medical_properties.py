"""Properties of so.medical.score (hypothesis): symmetry, bounds, invariances."""

from __future__ import annotations

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

import shapeoverlap as so  # noqa: E402

ALL = ("dice", "iou", "hd", "hd95", "assd", "nsd", "volume_pred", "volume_ref")
DIST = ("hd", "hd95", "assd")
SETTINGS = settings(max_examples=40, deadline=None)

spacings = st.tuples(*(st.floats(0.5, 3.0, allow_nan=False) for _ in range(3)))
modes = st.sampled_from(["directed", "pooled", "surfel"])


@st.composite
def volume_pairs(draw):
    shape = draw(st.tuples(st.integers(2, 6), st.integers(2, 6), st.integers(1, 5)))
    a = draw(hnp.arrays(bool, shape))
    b = draw(hnp.arrays(bool, shape))
    assume(a.any() and b.any())
    return a, b


def row(a, b, **kw):
    return so.medical.score(a, b, metrics=ALL, **kw).iloc[0]


@SETTINGS
@given(volume_pairs(), spacings, modes, st.floats(0.0, 4.0))
def test_symmetry(pair, spacing, mode, tol):
    a, b = pair
    ab = row(a, b, spacing=spacing, hd95=mode, tolerance=tol)
    ba = row(b, a, spacing=spacing, hd95=mode, tolerance=tol)
    for m in ("dice", "iou", *DIST, "nsd"):
        np.testing.assert_allclose(ab[m], ba[m], rtol=1e-12, err_msg=m)
    assert ab["volume_pred"] == ba["volume_ref"]


@SETTINGS
@given(volume_pairs(), spacings, modes)
def test_bounds(pair, spacing, mode):
    a, b = pair
    r = row(a, b, spacing=spacing, hd95=mode)
    for m in ("dice", "iou", "nsd"):
        assert 0.0 <= r[m] <= 1.0, m
    np.testing.assert_allclose(r["dice"], 2 * r["iou"] / (1 + r["iou"]), rtol=1e-12)
    assert 0.0 <= r["assd"] <= r["hd"] + 1e-12
    if mode != "surfel":  # surfel corners sit half a voxel off the voxel centres
        assert 0.0 <= r["hd95"] <= r["hd"] + 1e-12
    if (a == b).all():
        assert r["hd"] == 0.0
        assert r["nsd"] == 1.0


@SETTINGS
@given(volume_pairs(), spacings, st.tuples(*(st.integers(0, 3) for _ in range(3))))
def test_translation_invariance(pair, spacing, offset):
    a, b = pair
    big = tuple(s + 4 for s in a.shape)
    sl = tuple(slice(o, o + s) for o, s in zip(offset, a.shape, strict=True))
    a2, b2 = np.zeros(big, bool), np.zeros(big, bool)
    a2[sl], b2[sl] = a, b
    r1, r2 = row(a, b, spacing=spacing), row(a2, b2, spacing=spacing)
    for m in ALL:
        np.testing.assert_allclose(r1[m], r2[m], rtol=1e-12, err_msg=m)


@SETTINGS
@given(volume_pairs(), spacings, st.floats(0.25, 4.0), modes)
def test_spacing_scale_equivariance(pair, spacing, c, mode):
    a, b = pair
    r1 = row(a, b, spacing=spacing, hd95=mode, tolerance=1.0)
    r2 = row(a, b, spacing=tuple(c * s for s in spacing), hd95=mode, tolerance=c)
    for m in DIST:
        np.testing.assert_allclose(r2[m], c * r1[m], rtol=1e-9, err_msg=m)
    for m in ("volume_pred", "volume_ref"):
        np.testing.assert_allclose(r2[m], c**3 * r1[m], rtol=1e-9)
    np.testing.assert_allclose(r2["dice"], r1["dice"], rtol=1e-12)
    np.testing.assert_allclose(r2["nsd"], r1["nsd"], rtol=1e-9)


@SETTINGS
@given(volume_pairs())
def test_soft_of_crisp_equals_crisp(pair):
    a, b = pair
    crisp = so.medical.score(a, b, metrics=("dice", "iou", "hd"))
    soft = so.medical.score(a.astype(np.float32), b.astype(np.float64),
                            metrics=("dice", "iou", "hd"))
    for m in ("dice", "iou", "hd"):
        np.testing.assert_allclose(soft[m], crisp[m], rtol=1e-12)


@SETTINGS
@given(st.tuples(st.integers(2, 6), st.integers(2, 6), st.integers(2, 5)).flatmap(
    lambda shape: st.tuples(hnp.arrays(np.uint8, shape, elements=st.integers(0, 3)),
                            hnp.arrays(np.uint8, shape, elements=st.integers(0, 3)))))
def test_label_table_equals_binary_loop(pair):
    a, b = pair
    t = so.medical.score(a, b, metrics=ALL)
    found = sorted((set(np.unique(a)) | set(np.unique(b))) - {0})
    assert t["label"].tolist() == found
    for _, r in t.iterrows():
        one = row(a == r["label"], b == r["label"])
        for m in ALL:
            np.testing.assert_allclose(r[m], one[m], rtol=1e-12, err_msg=m)
