"""
Loss landscapes: the flat desert of the IoU loss
================================================

Move a predicted box (the size of the target) over the plane and record each loss. Wherever the
prediction does not touch the target, ``1 − IoU`` is exactly 1: a flat desert with zero
gradient, from which gradient descent cannot escape. GIoU, DIoU and CIoU add penalties that
keep sloping towards the target everywhere.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

import shapeoverlap as so

target = np.array([-1.0, -0.5, 1.0, 0.5])  # 2 x 1, centred at the origin
cx, cy = np.meshgrid(np.linspace(-6, 6, 121), np.linspace(-4, 4, 81))
pred = np.stack([cx - 1.0, cy - 0.5, cx + 1.0, cy + 0.5], axis=-1)  # same size, moved

fig, axes = plt.subplots(1, 4, figsize=(13, 3.2), sharey=True)
for ax, kind in zip(axes, ("iou", "giou", "diou", "ciou"), strict=True):
    loss = so.boxes.loss(pred, target, kind, reduction="none")
    flat = np.mean(loss == 1.0) if kind == "iou" else np.nan
    m = ax.contourf(cx, cy, loss, levels=20, cmap="viridis")
    ax.set_title(f"1 − {kind.upper()}")
    ax.set_aspect("equal")
    fig.colorbar(m, ax=ax, shrink=0.7)
    if kind == "iou":
        print(f"the IoU loss is exactly 1 (zero gradient) on {flat:.0%} of this window")

# %%
# Gradients at a disjoint position: zero for IoU, pointing home for the others.
p = np.array([3.0, 2.0, 5.0, 3.0])
for kind in ("iou", "giou", "diou", "ciou"):
    _, g, _ = so.boxes.loss_grad(p, target, kind)
    print(f"{kind:5s} gradient on (x1, y1, x2, y2): {np.round(g, 4)}")
