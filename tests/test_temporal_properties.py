"""Hypothesis properties of so.temporal."""

from __future__ import annotations

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from shapeoverlap.temporal import (  # noqa: E402
    EventList,
    average_precision,
    decode,
    encode,
    match,
    set_iou,
    tiou_matrix,
)

settings.register_profile("temporal", max_examples=25, deadline=None)
settings.load_profile("temporal")

event = st.tuples(st.integers(0, 40), st.integers(1, 10), st.sampled_from("ab"),
                  st.integers(0, 4))
events = st.lists(event, min_size=0, max_size=8)


def build(rows, scale=1.0):
    if not rows:
        return EventList.from_arrays([], [], score=[])
    s = np.array([r[0] for r in rows], float) * scale
    e = s + np.array([r[1] for r in rows], float) * scale
    return EventList.from_arrays(s, e, label=[r[2] for r in rows],
                                 score=[r[3] / 4 for r in rows])


@given(events, events)
def test_tiou_symmetry_and_bounds(ra, rb):
    a, b = build(ra), build(rb)
    m = tiou_matrix(a, b)
    np.testing.assert_array_equal(m, tiou_matrix(b, a).T)
    assert ((m >= 0) & (m <= 1)).all()
    np.testing.assert_array_equal(tiou_matrix(a, b, sparse=True).toarray(), m)


@given(events, events)
def test_matchings(ra, rb):
    ref, pred = build(ra), build(rb)
    h = match(ref, pred, tiou=0.3)
    g = match(ref, pred, tiou=0.3, method="greedy")
    assert len(h) >= len(g)
    m = tiou_matrix(ref, pred)
    labels_r = ref.frame.label.to_numpy()
    labels_p = pred.frame.label.to_numpy()
    for res in (h, g):
        assert res.ref.is_unique
        assert res.pred.is_unique
        assert (res.tiou >= 0.3).all()
        np.testing.assert_array_equal(m[res.ref, res.pred], res.tiou)
        assert (labels_r[res.ref] == labels_p[res.pred]).all()


@given(events, events)
def test_set_iou_bounds(ra, rb):
    ref, pred = build(ra), build(rb)
    t = set_iou(ref, pred)
    assert (t.intersection <= t.union).all()
    j = t.jaccard.dropna()
    assert ((j >= 0) & (j <= 1)).all()
    total = set_iou(ref, pred, by_label=False).loc["all"]
    assert total.intersection >= 0


@given(events, events, st.sampled_from([1e-3, 0.5, 7.0, 1e3]))
def test_ap_scale_invariance(ra, rb, s):
    ref, pred = build(ra), build(rb)
    if not len(pred):
        return
    # tIoU here is a ratio of small integers: thresholds away from such ratios, since one
    # exactly at a threshold may round either way once the times are scaled (no tolerance)
    ths = [0.4999, 0.7431]
    a = average_precision(ref, pred, thresholds=ths)
    b = average_precision(build(ra, s), build(rb, s), thresholds=ths)
    np.testing.assert_allclose(a.to_numpy(float), b.to_numpy(float), rtol=1e-12)


@given(st.lists(st.tuples(st.floats(-1e4, 1e4), st.floats(1e-3, 1e3)), min_size=1,
                max_size=20))
def test_encode_decode_round_trip(rows):
    x = np.array([[s, s + d] for s, d in rows])
    anchors = x[::-1] + 0.5
    back = decode(encode(x, anchors), anchors)
    np.testing.assert_allclose(back, x, rtol=0, atol=16 * np.spacing(np.abs(x).max() + 1e4))
