"""The boxes section of ``shapeoverlap demo``: IoU family on a few pairs, a convergence race."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from . import _core as B

__all__ = ["boxes_section", "convergence_race"]

RACE_TARGET = (5.0, 4.0, 8.0, 6.0)
RACE_START = (0.0, 0.0, 1.0, 2.0)


def convergence_race(
    pred: Any = RACE_START,
    target: Any = RACE_TARGET,
    *,
    iterations: int = 400,
    lr: float = 2.0,
    l1_iterations: int = 40,
    l1_lr: float = 0.1,
) -> dict[str, np.ndarray]:
    """Gradient descent on one predicted box with each loss; IoU with the target per step.

    Parameters
    ----------
    pred, target : array_like
        Start and target xyxy boxes.
    iterations : int, default 400
        Steps per loss.
    lr : float, default 2.0
        Initial step size of the IoU-family losses; it follows a cosine schedule down to 0 at
        the last step (the losses have a kink at the optimum, where a fixed step zigzags).
    l1_iterations : int, default 40
        Steps of the L1 warm-up before CIoU in the "L1 → CIoU" runner.
    l1_lr : float, default 0.1
        Step size of the L1 warm-up (L1's gradient is ±1 per coordinate).

    Returns
    -------
    dict of str to numpy.ndarray
        IoU after every step (``iterations + 1`` values, the start first), per runner:
        ``"IoU"``, ``"GIoU"``, ``"DIoU"``, ``"CIoU"``, ``"L1 → CIoU"``.

    Examples
    --------
    >>> from shapeoverlap.boxes._demo import convergence_race
    >>> race = convergence_race(iterations=300)
    >>> float(race["IoU"].max()), bool(race["DIoU"][-1] > 0.99)
    (0.0, True)
    """
    t = np.asarray(target, dtype=np.float64)
    runners = {"IoU": ("iou", 0), "GIoU": ("giou", 0), "DIoU": ("diou", 0),
               "CIoU": ("ciou", 0), "L1 → CIoU": ("ciou", l1_iterations)}
    out: dict[str, np.ndarray] = {}
    for name, (kind, warm) in runners.items():
        p = np.asarray(pred, dtype=np.float64).copy()
        hist = [B.iou(p, t)]
        for step in range(iterations):
            if step < warm:
                p = p - l1_lr * np.sign(p - t)
            else:
                _, g, _ = B.loss_grad(p, t, kind)  # type: ignore[arg-type]
                p = p - lr * 0.5 * (1 + np.cos(np.pi * step / iterations)) * g
            # keep corners ordered (a step may cross an edge over)
            p = np.concatenate([np.minimum(p[:2], p[2:]), np.maximum(p[:2], p[2:])])
            hist.append(B.iou(p, t))
        out[name] = np.asarray(hist)
    return out


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

    race = convergence_race()
    finals = pd.DataFrame({
        "loss": list(race),
        "iou_after_50": [h[50] for h in race.values()],
        "iou_after_200": [h[200] for h in race.values()],
        "iou_final": [h[-1] for h in race.values()],
        "first_step_iou_above_0.5": [
            int(np.argmax(h > 0.5)) if (h > 0.5).any() else -1 for h in race.values()
        ],
    })
    fig, ax = plt.subplots(figsize=(6, 3.8))
    for name, h in race.items():
        ax.plot(h, label=name, lw=1.2)
    ax.set_xlabel("gradient step")
    ax.set_ylabel("IoU with the target")
    ax.set_title("Convergence race from a disjoint start")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize="small")
    fig.savefig(outdir / "boxes_convergence_race.png", dpi=120, bbox_inches="tight")
    plt.close(fig)
    return [("Boxes: the IoU family on a few pairs", table),
            ("Boxes: convergence race (gradient descent from a disjoint start)", finals)]
