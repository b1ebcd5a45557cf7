"""Box figures: outlines at the right corners, threshold curves with the right fractions."""

from __future__ import annotations

import numpy as np
import pytest

import shapeoverlap as so


@pytest.fixture(autouse=True)
def _close():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def test_boxes_outlines():
    ax = so.plot.boxes([[0, 0, 2, 1]], [[5, 5, 2, 2, 90]], degrees=True, labels=["a", "b"],
                       scores=[0.75])
    first, second = ax.patches
    np.testing.assert_allclose(first.get_xy()[:4], [[0, 0], [2, 0], [2, 1], [0, 1]])
    np.testing.assert_allclose(np.sort(second.get_xy()[:4, 0]), [4, 4, 6, 6], atol=1e-12)
    assert [t.get_text() for t in ax.texts] == ["0.75"]
    ax2 = so.plot.boxes([1, 1, 2, 4], fmt="cxcywh", fill=True, invert_y=True)
    np.testing.assert_allclose(ax2.patches[0].get_xy()[0], [0, -1])
    assert ax2.yaxis_inverted()


def test_threshold_curve_fractions():
    ax = so.plot.threshold_curve([0.2, 0.5, 0.5, 0.9], thresholds=[0, 0.5, 0.6, 1.0],
                                 label="iou")
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [1, 0.75, 0.25, 0])


def test_errors():
    with pytest.raises(ValueError, match=r"box set 1 must have shape \(N, 4\) or \(N, 5\); "
                       r"got shape \(1, 3\)"):
        so.plot.boxes([[0, 0, 1, 1]], [[0, 0, 1]])
    with pytest.raises(ValueError, match=r"scores has 2 value\(s\) but the first set has 1"):
        so.plot.boxes([[0, 0, 1, 1]], scores=[1, 2])
    with pytest.raises(ValueError, match="values 'x' must be non-empty and free of NaN"):
        so.plot.threshold_curve({"x": []})


def test_demo_section(tmp_path):
    from shapeoverlap.boxes._demo import boxes_section

    tables = boxes_section(tmp_path)
    assert (tmp_path / "boxes_convergence_race.png").stat().st_size > 1000
    family, race = (t for _, t in tables)
    row = family.set_index("pair").loc["identical"]
    assert row.tolist() == [1.0] * 5
    assert family.set_index("pair").loc["disjoint, near", "giou"] == pytest.approx(-0.2)
    race = race.set_index("loss")
    assert race.loc["IoU", "iou_final"] == 0.0  # no gradient when disjoint
    assert (race.loc[["GIoU", "DIoU", "CIoU", "L1 → CIoU"], "iou_final"] > 0.99).all()
    assert "DIoU, c differentiated" in race.index


def test_race_figure_panels():
    from shapeoverlap.boxes._demo import RACE_TARGET, race_runs
    from shapeoverlap.plot._boxes import _race_figure

    runs = race_runs(iterations=120)
    fig = _race_figure(runs, RACE_TARGET)
    curves, giou, diou = fig.axes
    labels = [line.get_label() for line in curves.get_lines()][:5]
    assert labels[0] == "IoU: never moves"
    assert labels[2] == "DIoU: IoU > 0.5 at step 59"
    for ax, name in ((giou, "GIoU"), (diou, "DIoU")):
        assert ax.get_aspect() == 1.0
        assert ax.get_title(loc="left").startswith(f"({'bc'[ax is diou]}) {name}")
        # the target first, then the snapshots; the centre path is the first line
        np.testing.assert_allclose(ax.patches[0].get_xy(), RACE_TARGET[:2])
        centre = ax.get_lines()[0].get_xydata()
        boxes = runs[name][1]
        np.testing.assert_allclose(centre, (boxes[:, :2] + boxes[:, 2:]) / 2)
    assert "straight distance / length = 1.00" in diou.texts[0].get_text()
