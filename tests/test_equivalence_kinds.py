"""One definition for every kind: an IntervalSet and its rasterised 1-D mask agree exactly."""

from __future__ import annotations

import numpy as np
import pytest

import shapeoverlap as so


def rasterise(sset, n, width):
    """Mask of the cells [i w, (i + 1) w) covered by an IntervalSet whose ends lie on edges."""
    centres = (np.arange(n) + 0.5) * width
    return np.array([c in sset for c in centres])


def random_set(rng, n, k, period=None, width=1.0):
    starts = rng.integers(0, n, size=k)
    lengths = rng.integers(1, max(2, n // 4), size=k)
    ends = starts + lengths if period else np.minimum(starts + lengths, n)
    pairs = np.stack([starts, ends], axis=1) * width
    if period:
        pairs = pairs % period
    return so.IntervalSet(pairs, period=period)


@pytest.mark.parametrize("seed", range(20))
def test_line(seed):
    rng = np.random.default_rng(seed)
    n, width = 40, 0.25
    a, b = random_set(rng, n, 3, width=width), random_set(rng, n, 3, width=width)
    ma, mb = rasterise(a, n, width), rasterise(b, n, width)
    for f in (so.iou, so.dice, so.giou, so.diou):
        assert f(a, b) == pytest.approx(f(ma, mb, spacing=width), rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("seed", range(20))
def test_circle(seed):
    rng = np.random.default_rng(100 + seed)
    n, width = 48, 0.5
    period = n * width
    a = random_set(rng, n, 3, period=period, width=width)
    b = random_set(rng, n, 3, period=period, width=width)
    ma, mb = rasterise(a, n, width), rasterise(b, n, width)
    kw = {"spacing": width, "periodic": {0: period}}
    for f in (so.iou, so.dice, so.giou):
        assert f(a, b) == pytest.approx(f(ma, mb, **kw), rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("seed", range(10))
def test_circle_single_arcs_diou(seed):
    # for one arc each, the circular mean of the arc and of its cells is the arc's midpoint
    rng = np.random.default_rng(200 + seed)
    n, width = 36, 10.0
    period = 360.0
    a = random_set(rng, n, 1, period=period, width=width)
    b = random_set(rng, n, 1, period=period, width=width)
    ma, mb = rasterise(a, n, width), rasterise(b, n, width)
    got = so.diou(ma, mb, spacing=width, periodic={0: period})
    assert so.diou(a, b) == pytest.approx(got, rel=1e-12, abs=1e-12)
