"""Hypothesis properties of IntervalSet scores and set algebra."""

from __future__ import annotations

import math

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import shapeoverlap as so  # noqa: E402
from shapeoverlap import IntervalSet  # noqa: E402

settings.register_profile("intervals", max_examples=60, deadline=None)
settings.load_profile("intervals")

PERIOD = 24

pair = st.tuples(st.integers(-50, 50), st.integers(0, 20)).map(lambda t: (t[0], t[0] + t[1]))
pairs = st.lists(pair, min_size=0, max_size=6)
nonempty = st.lists(pair.filter(lambda p: p[1] > p[0]), min_size=1, max_size=6)
arc = st.tuples(st.integers(0, PERIOD - 1), st.integers(1, PERIOD - 1)).map(
    lambda t: (t[0], (t[0] + t[1]) % PERIOD)
)
arcs = st.lists(arc, min_size=1, max_size=5)
scales = st.floats(1e-6, 1e6, allow_nan=False, allow_infinity=False)

SCORES = (so.iou, so.dice, so.giou, so.diou)


def close(x, y, rtol=1e-12, atol=1e-12):
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return abs(x - y) <= atol + rtol * abs(y)


@given(pairs, pairs)
def test_symmetry(pa, pb):
    a, b = IntervalSet(pa), IntervalSet(pb)
    for f in SCORES:
        assert close(f(a, b), f(b, a))


@given(pairs, pairs)
def test_bounds_and_dice_iou(pa, pb):
    a, b = IntervalSet(pa), IntervalSet(pb)
    iou = so.iou(a, b)
    if math.isnan(iou):
        assert a.measure == 0
        assert b.measure == 0
        return
    assert 0 <= iou <= 1
    assert -1 <= so.giou(a, b) <= iou
    assert -1 <= so.diou(a, b) <= iou
    assert close(so.dice(a, b), 2 * iou / (1 + iou))


@given(arcs, arcs)
def test_bounds_on_circle(pa, pb):
    a, b = IntervalSet(pa, period=PERIOD), IntervalSet(pb, period=PERIOD)
    iou = so.iou(a, b)
    assert 0 <= iou <= 1
    assert -1 <= so.giou(a, b) <= iou + 1e-15
    assert -1 <= so.diou(a, b) <= iou + 1e-15
    assert close(so.dice(a, b), 2 * iou / (1 + iou))


@given(nonempty)
def test_identity(pa):
    a = IntervalSet(pa)
    for f in (so.iou, so.dice, so.diou):
        assert f(a, a) == 1.0
    # GIoU of a set with gaps and itself: the gaps inside the hull are penalised
    assert close(so.giou(a, a), 1 - (a.hull() - a.measure) / a.hull())
    assert (so.giou(a, a) == 1.0) == (len(a) == 1)


@given(pairs, pairs, st.integers(-1000, 1000))
def test_translation_invariance(pa, pb, t):
    a, b = IntervalSet(pa), IntervalSet(pb)
    at, bt = IntervalSet(np.add(pa, t).reshape(-1, 2)), IntervalSet(np.add(pb, t).reshape(-1, 2))
    for f in SCORES:
        assert close(f(a, b), f(at, bt))


@given(pairs, pairs, scales)
def test_scale_invariance(pa, pb, s):
    a, b = IntervalSet(pa), IntervalSet(pb)
    sa = IntervalSet(np.multiply(pa, s).reshape(-1, 2))
    sb = IntervalSet(np.multiply(pb, s).reshape(-1, 2))
    for f in (so.iou, so.giou, so.diou):
        assert close(f(a, b), f(sa, sb))


@given(arcs, arcs, scales)
def test_scale_invariance_on_circle(pa, pb, s):
    a, b = IntervalSet(pa, period=PERIOD), IntervalSet(pb, period=PERIOD)
    sa = IntervalSet(np.multiply(pa, s), period=PERIOD * s)
    sb = IntervalSet(np.multiply(pb, s), period=PERIOD * s)
    for f in (so.iou, so.giou, so.diou):
        assert close(f(a, b), f(sa, sb))


@given(arcs, arcs, st.floats(-1e3, 1e3, allow_nan=False))
def test_shift_invariance_on_circle(pa, pb, t):
    a, b = IntervalSet(pa, period=PERIOD), IntervalSet(pb, period=PERIOD)
    at = IntervalSet(np.add(pa, t), period=PERIOD)
    bt = IntervalSet(np.add(pb, t), period=PERIOD)
    # shifting by a non-integer rounds the coordinates: compare to float precision
    for f in SCORES:
        assert close(f(a, b), f(at, bt), rtol=1e-9, atol=1e-9)


@given(pairs, pairs)
def test_set_identities(pa, pb):
    a, b = IntervalSet(pa), IntervalSet(pb)
    assert (a | b).measure == a.measure + b.measure - (a & b).measure
    assert (a - b) & b == IntervalSet([])
    assert (a - b) | (a & b) == a
    assert (a ^ b) == (a | b) - (a & b)
    assert a & b == b & a
    assert a | b == b | a


@given(arcs, arcs)
def test_set_identities_on_circle(pa, pb):
    a, b = IntervalSet(pa, period=PERIOD), IntervalSet(pb, period=PERIOD)
    empty = IntervalSet([], period=PERIOD)
    assert (a | b).measure == a.measure + b.measure - (a & b).measure
    assert (a - b) & b == empty
    assert (a - b) | (a & b) == a
    # rebuilding a set from its own iteration gives it back
    assert IntervalSet(list(a), period=PERIOD) == a
