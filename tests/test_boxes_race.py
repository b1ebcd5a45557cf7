"""The convergence race of the IoU losses: the claims its figure makes, as tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import shapeoverlap as so
from shapeoverlap.boxes._demo import (
    RACE_START,
    RACE_TARGET,
    race_descent,
    race_runs,
    race_summary,
)

TARGET_AREA = np.prod(np.subtract(RACE_TARGET[2:], RACE_TARGET[:2]))
START_AREA = np.prod(np.subtract(RACE_START[2:], RACE_START[:2]))


@pytest.fixture(scope="module")
def runs():
    return race_runs()


@pytest.fixture(scope="module")
def summary(runs):
    return race_summary(runs).set_index("loss")


def test_start_is_disjoint_and_iou_loss_is_flat(runs, summary):
    assert so.boxes.iou(RACE_START, RACE_TARGET) == 0.0
    _, grad, _ = so.boxes.loss_grad(RACE_START, RACE_TARGET, "iou")
    assert np.all(grad == 0.0)
    iou, boxes = runs["IoU"]
    assert np.all(iou == 0.0)
    assert np.all(boxes == np.asarray(RACE_START))
    assert pd.isna(summary.loc["IoU", "first_step_iou_above_0.5"])


def test_giou_grows_before_it_moves_in(runs, summary):
    row = summary.loc["GIoU"]
    assert row["first_step_iou_above_0.5"] > 0
    assert row["peak_area_step"] < row["first_step_iou_above_0.5"]
    assert row["peak_area_over_start"] > 10  # far above the start ...
    assert row["peak_area_over_start"] * START_AREA > 5 * TARGET_AREA  # ... and the target
    # while one box contains the other, GIoU is IoU: it is the slowest of the family
    assert row["first_step_iou_above_0.5"] > 2 * summary.loc["DIoU", "first_step_iou_above_0.5"]


def test_diou_heads_straight_for_the_centre(runs, summary):
    assert summary.loc["DIoU", "centre_straightness"] > 0.95
    assert summary.loc["CIoU", "centre_straightness"] > 0.95
    # no inflation: the DIoU box grows to the target's size, not beyond
    _, boxes = runs["DIoU"]
    assert np.prod(boxes[:, 2:] - boxes[:, :2], axis=1).max() < 1.01 * TARGET_AREA


def test_final_iou(summary):
    assert (summary.loc[["GIoU", "DIoU", "CIoU", "L1 → CIoU"], "iou_final"] > 0.9).all()
    assert summary.loc["L1 → CIoU", "first_step_iou_above_0.5"] < 30  # L1 alone brings it in


def test_no_oscillation(runs, summary):
    assert (summary["iou_sign_changes"] <= 2).all()
    for name, (iou, _) in runs.items():
        above = np.flatnonzero(iou > 0.5)
        if above.size:
            assert np.diff(iou[above[0]:]).min() > -1e-9, name


def test_guard_is_what_stops_the_zigzag():
    for kind in ("giou", "diou", "ciou"):
        plain = race_summary({kind: race_descent(RACE_START, RACE_TARGET, [kind] * 300,
                                                 guard=False)})
        assert plain["iou_sign_changes"].iloc[0] > 20, kind


def test_differentiating_the_enclosing_box_inflates_diou(summary):
    full = race_summary({
        kind: race_descent(RACE_START, RACE_TARGET, [kind] * 300, hold_enclosing=False)
        for kind in ("diou", "ciou")
    }).set_index("loss")
    for kind in ("diou", "ciou"):
        assert full.loc[kind, "peak_area_over_start"] * START_AREA > 5 * TARGET_AREA
        assert full.loc[kind, "first_step_iou_above_0.5"] > 2 * summary.loc[
            "DIoU", "first_step_iou_above_0.5"]
        assert full.loc[kind, "iou_final"] > 0.9


@pytest.mark.parametrize(("scale", "shift"), [(1e-3, 7.0), (1e3, -2.0)])
def test_race_is_scale_and_translation_invariant(scale, shift):
    start, target = np.asarray(RACE_START), np.asarray(RACE_TARGET)
    for kinds in (["giou"] * 80, ["diou"] * 80, ["l1"] * 30 + ["ciou"] * 50):
        a, _ = race_descent(start, target, kinds)
        b, _ = race_descent(start * scale + shift, target * scale + shift, kinds)
        np.testing.assert_allclose(b, a, atol=1e-9)
