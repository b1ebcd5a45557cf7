"""Hypothesis properties of so.temporal."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from shapeoverlap.temporal import (  # noqa: E402
    EventList,
    average_precision,
    decode,
    encode,
    evaluate,
    match,
    set_iou,
    tiou_matrix,
)

from .test_temporal_coding import error_bound, ulps_of_scale  # noqa: E402

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


# quarter hours on a 24 h clock: rotations and circular differences stay exact
clock_event = st.tuples(st.integers(0, 95), st.integers(1, 60), st.sampled_from("ab"),
                        st.integers(0, 3))


def on_clock(rows, shift=0):
    s = np.array([(r[0] + shift) % 96 for r in rows], float) / 4
    e = np.array([(r[0] + r[1] + shift) % 96 for r in rows], float) / 4
    return EventList.from_arrays(s, e, label=[r[2] for r in rows] or None,
                                 score=[r[3] / 4 for r in rows], period=24)


@given(st.lists(clock_event, max_size=8), st.lists(clock_event, max_size=8),
       st.integers(0, 95), st.sampled_from([0.0, 0.25, 0.5, 2.0, 13.0]),
       st.sampled_from([0.0, 0.5, 1.0]), st.booleans(), st.sampled_from(["hungarian", "greedy"]))
def test_collar_rotation_invariance(ra, rb, shift, collar, pol, offset, method):
    """Rotating both lists around the clock leaves the collar-based scores unchanged."""
    kw = {"collar": collar, "percentage_of_length": pol, "evaluate_offset": offset,
          "method": method}
    base = evaluate(on_clock(ra), on_clock(rb), **kw)
    turned = evaluate(on_clock(ra, shift), on_clock(rb, shift), **kw)
    pd.testing.assert_frame_equal(base, turned)


# ------------------------------------------------------------------ interval coding
def coding_rows(draw, n, *, t, offset, lo=-3.0, hi=6.0):
    """Anchors of magnitude 10**lo..10**hi, intervals near them with |ln(l / l_a)| <= t."""
    rows = draw(st.lists(st.tuples(
        st.floats(lo, hi), st.sampled_from([-1.0, 1.0]), st.floats(-3.0, 0.0),
        st.floats(-offset, offset), st.floats(-t, t), st.integers(-1, 3),
    ), min_size=1, max_size=n))
    anchors, x = [], []
    for mag, sign, rel, off, logl, decimals in rows:
        a0 = sign * 10**mag
        la = 10**mag * 10**rel
        s = a0 + 0.5 * la + off * la
        e = s + la * np.exp(logl)
        if decimals >= 0:  # times as typed by hand, rounded to a grid
            q = 10.0 ** (decimals - np.floor(np.log10(abs(s) + la)))
            s, e = np.round(s * q) / q, np.round(e * q) / q
        if e > s:
            anchors.append([a0, a0 + la])
            x.append([s, e])
    assume(x)
    return np.array(x), np.array(anchors)


weights = st.one_of(
    st.just((1.0, 1.0)),
    st.tuples(st.integers(-3, 3), st.integers(-3, 3)).map(lambda p: (2.0**p[0], 2.0**p[1])),
    st.tuples(st.floats(0.1, 10.0), st.floats(0.1, 10.0)),
)


@st.composite
def realistic(draw):
    return (*coding_rows(draw, 8, t=0.5, offset=2.0), draw(weights))


@given(realistic(), st.lists(st.tuples(st.floats(-3, 3), st.floats(-0.5, 0.5)), min_size=8,
                             max_size=8))
def test_coding_round_trip_of_decoder_outputs(case, codes):
    """Decoder outputs (an exact code exists by construction): the search finds one for all
    but about 1e-5 of them, so at most one row of a small batch may miss, within the bound."""
    _, anchors, w = case
    d = np.array(codes)[: len(anchors)] * [1.0, w[1]]
    x = decode(d, anchors, w)
    assume((x[:, 1] > x[:, 0]).all())
    d2 = encode(x, anchors, w)
    back = decode(d2, anchors, w)
    assert (back != x).any(axis=1).sum() <= 1
    assert (ulps_of_scale(back, x, anchors) <= error_bound(d2, w)).all()


@given(realistic())
def test_coding_round_trip_within_the_bound(case):
    """Realistic intervals: exact, or within the documented ulps of S = max(|s|, |e|, |c_a|)."""
    x, anchors, w = case
    d = encode(x, anchors, w)
    assert (ulps_of_scale(decode(d, anchors, w), x, anchors) <= error_bound(d, w)).all()


@st.composite
def wide(draw):
    return coding_rows(draw, 16, t=3.0, offset=1e3, lo=-6.0, hi=9.0)


@given(wide(), weights)
def test_coding_error_bounds(case, w):
    """Far anchors, length ratios up to e^3, magnitudes 1e-6..1e9: within the bound."""
    x, anchors = case
    d = encode(x, anchors, w)
    assert (ulps_of_scale(decode(d, anchors, w), x, anchors) <= error_bound(d, w)).all()
