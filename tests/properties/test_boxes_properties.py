"""Hypothesis properties of box scores: symmetry, bounds, invariances, Dice/IoU, rotated boxes."""

from __future__ import annotations

import math

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from shapeoverlap import boxes as B  # noqa: E402

SETTINGS = settings(max_examples=80, deadline=None)

coord = st.integers(-40, 40).map(lambda i: i / 4)
size = st.integers(0, 40).map(lambda i: i / 4)
box2 = st.tuples(coord, coord, size, size).map(lambda t: [t[0], t[1], t[0] + t[2], t[1] + t[3]])
box3 = st.tuples(coord, coord, coord, size, size, size).map(
    lambda t: [t[0], t[1], t[2], t[0] + t[3], t[1] + t[4], t[2] + t[5]]
)
nonempty2 = box2.filter(lambda b: b[2] > b[0] and b[3] > b[1])
scale = st.floats(1e-6, 1e6, allow_nan=False, allow_infinity=False)
shift = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
angle = st.floats(-2 * math.pi, 2 * math.pi, allow_nan=False)
rbox = st.tuples(
    st.floats(-5, 5), st.floats(-5, 5), st.floats(0.05, 6), st.floats(0.05, 6), angle
).map(list)

MEASURES = ("iou", "giou", "diou", "ciou", "dice")


def same(x, y, atol=1e-12):
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return abs(x - y) <= atol


@SETTINGS
@given(st.one_of(st.tuples(box2, box2), st.tuples(box3, box3)))
def test_symmetry_and_bounds(pair):
    a, b = pair
    for name in MEASURES:
        f = getattr(B, name)
        x, y = f(a, b), f(b, a)
        assert same(x, y, atol=1e-15)
        if math.isnan(x):
            # only when both boxes are empty
            assert B.overlap(a, b).union == 0
            continue
        # CIoU subtracts up to α v = v² / (1 + v) <= 1/2 more than DIoU (> -1)
        lo = {"iou": 0.0, "dice": 0.0, "ciou": -1.5}.get(name, -1.0)
        assert lo - 1e-15 <= x <= 1 + 1e-15


@SETTINGS
@given(nonempty2)
def test_identity(a):
    for name in ("iou", "giou", "diou", "ciou", "dice"):
        assert getattr(B, name)(a, a) == 1.0


@SETTINGS
@given(st.one_of(st.tuples(box2, box2), st.tuples(box3, box3)))
def test_dice_iou_relation_and_order(pair):
    a, b = pair
    i, d = B.iou(a, b), B.dice(a, b)
    if math.isnan(i):
        return
    assert same(d, 2 * i / (1 + i))
    # the penalties only subtract
    assert B.giou(a, b) <= i + 1e-15
    assert B.ciou(a, b) <= B.diou(a, b) + 1e-15 <= i + 2e-15


@SETTINGS
@given(st.one_of(st.tuples(box2, box2), st.tuples(box3, box3)), scale, shift)
def test_scale_and_translation_invariance(pair, s, t):
    a, b = np.array(pair[0]), np.array(pair[1])
    for name in MEASURES:
        f = getattr(B, name)
        ref = f(a, b)
        assert same(f(a * s, b * s), ref)
        assert same(f(a + t, b + t), ref, atol=1e-9)


@SETTINGS
@given(box2, box2)
def test_rotated_axis_aligned_equals_box_iou(a, b):
    ra = [*B.convert(a, "xyxy", "cxcywh"), 0.0]
    rb = [*B.convert(b, "xyxy", "cxcywh"), 0.0]
    assert same(B.rotated_iou(ra, rb), B.iou(a, b), atol=1e-13)
    # a half turn of one box changes nothing
    rb[4] = math.pi
    assert same(B.rotated_iou(ra, rb), B.iou(a, b), atol=1e-13)


@SETTINGS
@given(rbox, rbox, angle, st.floats(-10, 10), st.floats(-10, 10))
def test_rotated_invariances(a, b, turn, dx, dy):
    ref = B.rotated_iou(a, b)
    assert 0.0 <= ref <= 1.0
    assert B.rotated_iou(b, a) == ref
    assert B.rotated_iou(a, a) == 1.0
    # rotate the whole scene about the origin and translate it
    c, s = math.cos(turn), math.sin(turn)

    def move(r):
        return [c * r[0] - s * r[1] + dx, s * r[0] + c * r[1] + dy, r[2], r[3], r[4] + turn]

    assert same(B.rotated_iou(move(a), move(b)), ref, atol=1e-10)


@SETTINGS
@given(st.lists(nonempty2, min_size=1, max_size=12), st.floats(0, 1))
def test_nms_keeps_a_non_overlapping_set(boxes, thr):
    scores = np.linspace(1, 0, len(boxes))
    keep = B.nms(boxes, scores, thr)
    assert keep[0] == 0
    kept = np.array(boxes)[keep]
    ious = B.pairwise_iou(kept, kept)
    np.fill_diagonal(ious, 0)
    assert (ious <= thr).all()
    # every dropped box overlaps some kept box above the threshold
    dropped = sorted(set(range(len(boxes))) - set(keep.tolist()))
    for i in dropped:
        assert (B.pairwise_iou(np.array(boxes)[[i]], kept) > thr).any()


grid = st.integers(-8, 8).map(lambda i: i / 2)
side = st.integers(0, 8).map(lambda i: i / 2)
snapped = st.tuples(grid, grid, side, side, st.integers(-12, 12).map(lambda k: k * math.pi / 12))


@SETTINGS
@given(snapped, snapped)
def test_rotated_matches_shapely_on_degenerate_layouts(a, b):
    """Grid centres and 15° angles produce shared edges, touching corners and nesting."""
    shapely = pytest.importorskip("shapely")

    def poly(r):
        cx, cy, w, h, t = r
        c, s = math.cos(t), math.sin(t)
        pts = [(cx + c * x * w / 2 - s * y * h / 2, cy + s * x * w / 2 + c * y * h / 2)
               for x, y in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
        return shapely.Polygon(pts)

    pa, pb = poly(a), poly(b)
    union = pa.area + pb.area - pa.intersection(pb).area if pa.area + pb.area > 0 else 0.0
    got = B.rotated_iou(list(a), list(b))
    if union == 0:
        assert math.isnan(got)
        return
    want = pa.intersection(pb).area / union
    assert abs(got - want) <= 1e-12
