"""
A convergence race: IoU, GIoU, DIoU and CIoU losses from a disjoint start
=========================================================================

The seed story of the IoU losses in one picture. A predicted box starts beside its target,
not touching it, and plain gradient descent moves it with each loss in turn:

* **IoU** loss: the boxes do not overlap, so ``1 − IoU`` is flat — its gradient is exactly
  zero and the box never moves;
* **GIoU** adds the empty part of the enclosing box: the quickest way to shrink it is to
  *grow* the prediction towards the target first, then move it (expand-then-move);
* **DIoU** penalises the distance between the centres, normalised by the enclosing box's
  diagonal; plain gradient descent on the corners inflates the box too (a larger enclosing box
  also lowers that penalty), but the centre homes in sooner and the final approach is direct;
* **CIoU** adds an aspect-ratio term on top of DIoU;
* **L1 → CIoU**: a few steps of a coordinate L1 loss bring the boxes into contact, then CIoU
  finishes.

The losses have a kink at the optimum (``min``/``max`` switch), where a fixed step zigzags; the
step size follows a cosine schedule down to 0.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

import shapeoverlap as so

target = np.array([5.0, 4.0, 8.0, 6.0])
start = np.array([0.0, 0.0, 1.0, 2.0])
steps, lr = 400, 2.0


def order(p):
    return np.concatenate([np.minimum(p[:2], p[2:]), np.maximum(p[:2], p[2:])])


def descend(kind, l1_steps=0):
    p, ious, path = start.copy(), [so.boxes.iou(start, target)], [start.copy()]
    for k in range(steps):
        if k < l1_steps:
            p = p - 0.1 * np.sign(p - target)  # gradient of the L1 loss, step 0.1
        else:
            _, grad, _ = so.boxes.loss_grad(p, target, kind)
            p = p - lr * 0.5 * (1 + np.cos(np.pi * k / steps)) * grad
        p = order(p)
        ious.append(so.boxes.iou(p, target))
        path.append(p.copy())
    return np.array(ious), np.array(path)


runs = {"IoU": descend("iou"), "GIoU": descend("giou"), "DIoU": descend("diou"),
        "CIoU": descend("ciou"), "L1 → CIoU": descend("ciou", l1_steps=40)}
for name, (ious, path) in runs.items():
    first = int(np.argmax(ious > 0.5)) if (ious > 0.5).any() else None
    centres = (path[:, :2] + path[:, 2:]) / 2 - (target[:2] + target[2:]) / 2
    gap150 = np.hypot(*centres[150])
    print(f"{name:10s} IoU after 50 steps {ious[50]:.3f}, final {ious[-1]:.3f}, "
          f"first above 0.5 at step {first}, centre distance at step 150 {gap150:.2f}")

# %%
# IoU against the step; the size of the predicted box (both GIoU and DIoU inflate it before
# the boxes touch, GIoU first and most); the boxes along the way (every 30th step).
fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(14, 4))
target_area = (target[2] - target[0]) * (target[3] - target[1])
for name, (ious, path) in runs.items():
    ax1.plot(ious, lw=1.2, label=name)
    area = (path[:, 2] - path[:, 0]) * (path[:, 3] - path[:, 1])
    ax2.plot(area / target_area, lw=1.2, label=name)
ax1.set_xlabel("gradient step")
ax1.set_ylabel("IoU with the target")
ax1.legend(fontsize="small")
ax2.set_xlabel("gradient step")
ax2.set_ylabel("predicted area / target area")
ax2.set_yscale("log")
so.plot.boxes(runs["GIoU"][1][:121:30], runs["DIoU"][1][:121:30], [target],
              labels=["GIoU path", "DIoU path", "target"], ax=ax3)
ax3.set_title("boxes every 30 steps")
plt.tight_layout()
