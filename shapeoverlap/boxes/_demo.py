"""The boxes section of ``shapeoverlap demo``: IoU family on a few pairs, a convergence race."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import _core as B

__all__ = [
    "RACE_RUNNERS",
    "RACE_START",
    "RACE_TARGET",
    "boxes_section",
    "convergence_race",
    "race_descent",
    "race_runs",
    "race_summary",
]

RACE_TARGET = (5.0, 4.0, 8.0, 6.0)
RACE_START = (0.0, 0.0, 1.0, 2.0)
# Runner name -> loss per phase; "L1 → CIoU" starts with ``l1_iterations`` steps of L1.
RACE_RUNNERS = {"IoU": "iou", "GIoU": "giou", "DIoU": "diou", "CIoU": "ciou", "L1 → CIoU": "ciou"}


def _race_grad(kind: str, x: np.ndarray, t: np.ndarray, hold_enclosing: bool) -> np.ndarray:
    """Gradient of a loss with respect to the corners of ``x`` (``(..., 4)``) in units of ``s``.

    ``s`` is the square root of the target's area; the L1 loss is that of the corners in
    these units.
    """
    s = float(np.sqrt(np.prod(t[2:] - t[:2])))
    if kind == "l1":
        return np.sign(x - t)
    if kind in ("iou", "giou") or not hold_enclosing:
        return s * B.loss_grad(x, t, kind, reduction="none")[1]  # type: ignore[arg-type]
    # DIoU/CIoU with the enclosing diagonal c held constant: the distance term
    # rho^2 / c^2 then moves the centre only, straight towards the target's centre.
    g = B.loss_grad(x, t, "iou", reduction="none")[1]
    d = (x[..., :2] + x[..., 2:] - t[:2] - t[2:]) / 2
    c2 = np.sum((np.maximum(x[..., 2:], t[2:]) - np.minimum(x[..., :2], t[:2])) ** 2, axis=-1)
    g = g + np.concatenate([d, d], axis=-1) / c2[..., None]
    if kind == "ciou":  # CIoU's aspect term alpha * v (alpha constant, as in the library)
        g = (g + B.loss_grad(x, t, "ciou", reduction="none")[1]
             - B.loss_grad(x, t, "diou", reduction="none")[1])
    return s * g


def race_descent(
    pred: Any,
    target: Any,
    kinds: Sequence[str],
    *,
    lr: float = 0.1,
    l1_lr: float = 0.05,
    hold_enclosing: bool = True,
    guard: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Gradient descent on one predicted box, one step per entry of ``kinds``.

    The update is the one of the simulation of Zheng et al. (2020),

    .. math:: B_t = B_{t-1} - \eta\,(2 - \mathrm{IoU}_{t-1})\,\nabla L(B_{t-1}),

    on the corners measured in units of :math:`s = \sqrt{\text{target area}}` (so the race
    is the same at every scale), with one guard against the kinks of the losses (``min`` and
    ``max`` switch where an edge of the box crosses an edge of the target, and a fixed step
    zigzags across them for ever): a corner whose own move would flip the sign of its
    gradient (it would jump over its minimum) takes half the step, as often as needed. Those
    kinks lie where one corner equals a target coordinate, so the test moves one corner at a
    time. The halving is remembered, and undone by a factor 2 per step.

    Parameters
    ----------
    pred, target : array_like
        Start and target xyxy boxes, shape ``(4,)``.
    kinds : sequence of {"iou", "giou", "diou", "ciou", "l1"}
        The loss followed at each step.
    lr : float, default 0.1
        The step :math:`\eta` of the IoU-family losses.
    l1_lr : float, default 0.05
        The step of the L1 loss of the corners in units of ``s`` (gradient ±1 per corner).
    hold_enclosing : bool, default True
        Hold the enclosing box's diagonal ``c`` constant in the gradient of the distance term
        of DIoU and CIoU: that term then moves the centre only, as in the simulation of Zheng
        et al., whose gradient of the distance term has no component on the box's size. With
        ``False`` the analytic gradient of :func:`loss_grad` (``c`` differentiated, as
        autograd does) is used, and DIoU too grows the box first.
    guard : bool, default True
        Use the guard against the kinks; without it the IoU zigzags near the target.

    Returns
    -------
    iou : numpy.ndarray
        IoU with the target before the first step and after every step, ``(len(kinds) + 1,)``.
    boxes : numpy.ndarray
        The predicted box at the same times, ``(len(kinds) + 1, 4)``.

    References
    ----------
    Z. Zheng, P. Wang, W. Liu, J. Li, R. Ye and D. Ren, "Distance-IoU loss: faster and
    better learning for bounding box regression", AAAI 2020.
    """
    t = np.asarray(target, dtype=np.float64)
    x = np.asarray(pred, dtype=np.float64).copy()
    s = float(np.sqrt(np.prod(t[2:] - t[:2])))
    damp = np.ones(4)
    path = [x.copy()]
    one = np.eye(4, dtype=bool)
    for kind in kinds:
        g = _race_grad(kind, x, t, hold_enclosing)
        step = (l1_lr if kind == "l1" else lr) * s * (2.0 - B.iou(x, t)) * g
        for _ in range(60 if guard else 0):
            # row i: only corner i moves
            probe = np.where(one, x - damp * step, x)
            ok = np.all(probe[:, 2:] > probe[:, :2], axis=1)
            flip = ~ok
            flip[ok] = (np.diagonal(_race_grad(kind, probe[ok], t, hold_enclosing)[:, ok])
                        * g[ok] < 0)
            if flip.any():
                damp[flip] /= 2
                continue
            new = x - damp * step
            if np.all(new[2:] > new[:2]):
                break
            damp /= 2  # both corners of one axis would pass each other
        x = x - damp * step
        damp = np.minimum(1.0, 2.0 * damp)
        path.append(x.copy())
    boxes = np.asarray(path)
    return np.asarray(B.iou(boxes, t)), boxes


def race_runs(
    pred: Any = RACE_START,
    target: Any = RACE_TARGET,
    *,
    iterations: int = 300,
    lr: float = 0.1,
    l1_lr: float = 0.05,
    l1_iterations: int = 30,
    hold_enclosing: bool = True,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Run :func:`race_descent` with each loss of the race.

    Returns
    -------
    dict of str to (numpy.ndarray, numpy.ndarray)
        ``(iou, boxes)`` per runner of ``RACE_RUNNERS``.
    """
    runs = {}
    for name, kind in RACE_RUNNERS.items():
        warm = l1_iterations if name.startswith("L1") else 0
        kinds = ["l1"] * warm + [kind] * (iterations - warm)
        runs[name] = race_descent(pred, target, kinds, lr=lr, l1_lr=l1_lr,
                                  hold_enclosing=hold_enclosing)
    return runs


def race_summary(runs: dict[str, tuple[np.ndarray, np.ndarray]]) -> Any:
    """Tabulate the numbers the race's story rests on, one row per runner (a DataFrame).

    Columns: ``first_step_iou_above_0.5`` (missing, ``<NA>``, if never), ``iou_final``,
    ``peak_area_over_start`` (largest predicted area before that step, over the start area),
    ``peak_area_step``, ``centre_straightness`` (straight distance between the first and last
    centre over the length of the centre's path; 1 for a straight path, 0 when it never
    moves), ``iou_sign_changes`` (sign changes of the step-to-step IoU change after the IoU
    first passes 0.5; changes below 1e-12 ignored).
    """
    import pandas as pd

    rows = []
    for name, (iou, boxes) in runs.items():
        above = np.flatnonzero(iou > 0.5)
        first = int(above[0]) if above.size else -1
        stop = first if first > 0 else len(iou)
        area = np.prod(boxes[:, 2:] - boxes[:, :2], axis=1)
        centre = (boxes[:, :2] + boxes[:, 2:]) / 2
        length = float(np.sum(np.hypot(*np.diff(centre, axis=0).T)))
        chord = float(np.hypot(*(centre[-1] - centre[0])))
        change = np.diff(iou[first:]) if first >= 0 else np.zeros(0)
        change = change[np.abs(change) > 1e-12]
        rows.append({
            "loss": name,
            "first_step_iou_above_0.5": first if first >= 0 else pd.NA,
            "iou_final": float(iou[-1]),
            "peak_area_over_start": float(area[:stop].max() / area[0]),
            "peak_area_step": int(np.argmax(area[:stop])),
            "centre_straightness": chord / length if length > 0 else 0.0,
            "iou_sign_changes": int(np.count_nonzero(np.diff(np.sign(change)))),
        })
    table = pd.DataFrame(rows)
    return table.astype({"first_step_iou_above_0.5": "Int64"})


def convergence_race(
    pred: Any = RACE_START,
    target: Any = RACE_TARGET,
    *,
    iterations: int = 300,
    lr: float = 0.1,
    l1_iterations: int = 30,
) -> dict[str, np.ndarray]:
    """Gradient descent on one predicted box with each loss; IoU with the target per step.

    See :func:`race_descent` for the update.

    Parameters
    ----------
    pred, target : array_like
        Start and target xyxy boxes.
    iterations : int, default 300
        Steps per loss.
    lr : float, default 0.1
        Step size (corners in units of the square root of the target's area).
    l1_iterations : int, default 30
        Steps of L1 before CIoU in the "L1 → CIoU" runner.

    Returns
    -------
    dict of str to numpy.ndarray
        IoU before the first step and after every step (``iterations + 1`` values), per
        runner: ``"IoU"``, ``"GIoU"``, ``"DIoU"``, ``"CIoU"``, ``"L1 → CIoU"``.

    Examples
    --------
    >>> from shapeoverlap.boxes._demo import convergence_race
    >>> race = convergence_race(iterations=100)
    >>> float(race["IoU"].max()), bool(race["DIoU"][-1] > 0.99)
    (0.0, True)
    """
    runs = race_runs(pred, target, iterations=iterations, lr=lr, l1_iterations=l1_iterations)
    return {name: iou for name, (iou, _) in runs.items()}


def boxes_section(outdir: Path) -> list[tuple[str, Any]]:
    """IoU family on a few box pairs (table) and the convergence-race figure."""
    import matplotlib.pyplot as plt
    import pandas as pd

    pairs = {
        "overlapping": ([0, 0, 4, 3], [2, 1, 6, 4]),
        "nested": ([0, 0, 4, 4], [1, 1, 3, 3]),
        "disjoint, near": ([0, 0, 2, 2], [3, 0, 5, 2]),
        "disjoint, far": ([0, 0, 2, 2], [13, 0, 15, 2]),
        "same centre, other aspect": ([0, 1, 4, 3], [1, 0, 3, 4]),
        "identical": ([1, 1, 3, 2], [1, 1, 3, 2]),
    }
    rows = []
    for name, (a, b) in pairs.items():
        rows.append({"pair": name, "iou": B.iou(a, b), "dice": B.dice(a, b),
                     "giou": B.giou(a, b), "diou": B.diou(a, b), "ciou": B.ciou(a, b)})
    table = pd.DataFrame(rows)

    runs = race_runs()
    summary = race_summary(runs)
    # The same descent with the analytic gradient of loss_grad (c differentiated, as autograd
    # does): DIoU and CIoU then grow the box first too.
    full = race_runs(hold_enclosing=False)
    extra = race_summary({f"{k}, c differentiated": full[k] for k in ("DIoU", "CIoU")})
    summary = pd.concat([summary, extra], ignore_index=True)

    from ..plot._boxes import _race_figure

    fig = _race_figure(runs, RACE_TARGET)
    fig.savefig(outdir / "boxes_convergence_race.png", dpi=150)
    plt.close(fig)
    return [("Boxes: the IoU family on a few pairs", table),
            ("Boxes: convergence race (gradient descent from a disjoint start)", summary)]
