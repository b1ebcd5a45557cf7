"""
A convergence race: IoU, GIoU, DIoU and CIoU losses from a disjoint start
=========================================================================

The seed story of the IoU losses in one picture, after the simulation of Zheng et al. (2020,
"Distance-IoU loss"). A predicted box starts below and to the left of its target, not touching
it, with another aspect ratio, and gradient descent moves it with each loss in turn:

* **IoU** loss: the boxes do not overlap, so ``1 − IoU`` is flat — its gradient is exactly
  zero and the box never moves;
* **GIoU** adds the empty part of the enclosing box. The quickest way to shrink that part is
  to *grow* the prediction until it covers the target, and only then to pull its far edges in
  (expand, then move) — and while one box contains the other, GIoU is plain IoU with small
  gradients, so the last part is slow;
* **DIoU** adds the squared distance between the centres over the squared diagonal ``c`` of
  the enclosing box; its gradient pulls the centre straight towards the target's centre;
* **CIoU** adds an aspect-ratio term on top of DIoU;
* **L1 → CIoU**: a few steps of an L1 loss on the corners bring the boxes into contact, then
  CIoU finishes.

The update is the one of that simulation, ``B_t = B_{t−1} − η (2 − IoU_{t−1}) ∇L``, on the
corners measured in units of ``s = √(target area)`` (so the race is the same at any scale).
Two details decide whether the picture tells the story:

* The losses have kinks: ``min`` and ``max`` switch where an edge of the box crosses an edge
  of the target, so the gradient does not shrink near the optimum and a fixed step zigzags
  across it for ever. A corner whose own move would flip the sign of its gradient therefore
  takes half the step, as often as needed (the kinks lie where one corner equals a target
  coordinate, so the test moves one corner at a time); the halving is undone by a factor 2
  per step. The printed counts of IoU sign changes show that this leaves no oscillation.
* In Zheng et al.'s simulation the gradient of the distance term moves only the centre; here
  ``c`` is held constant in that gradient, as CIoU's ``α`` is, which does the same. Autograd
  through the formula also differentiates ``c``, and since a larger enclosing box also lowers
  ``ρ²/c²``, DIoU then grows the box first too — the last two printed rows
  (``c differentiated``) measure it.

The L1 step and the IoU-family step are two free choices; the race shows how each loss moves
the box, and how long each one takes at these steps.
"""

# %%
# The descent, written with ``so.boxes.loss_grad`` and ``so.boxes.iou``.
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

import shapeoverlap as so

target = np.array([5.0, 4.0, 8.0, 6.0])  # xyxy, 3 wide and 2 high
start = np.array([0.0, 0.0, 1.0, 2.0])  # 1 wide and 2 high, below and to the left
s = np.sqrt(np.prod(target[2:] - target[:2]))
steps = 300


def grad(kind, x, hold_enclosing=True):
    """Gradient with respect to the corners of boxes x (..., 4), in units of s."""
    if kind == "l1":
        return np.sign(x - target)
    if kind in ("iou", "giou") or not hold_enclosing:
        return s * so.boxes.loss_grad(x, target, kind, reduction="none")[1]
    g = so.boxes.loss_grad(x, target, "iou", reduction="none")[1]
    d = (x[..., :2] + x[..., 2:] - target[:2] - target[2:]) / 2  # centre offset
    c2 = np.sum((np.maximum(x[..., 2:], target[2:]) - np.minimum(x[..., :2], target[:2])) ** 2,
                axis=-1)
    g = g + np.concatenate([d, d], axis=-1) / c2[..., None]  # d(rho^2/c^2), c held
    if kind == "ciou":  # the aspect term alpha * v, alpha constant
        g = (g + so.boxes.loss_grad(x, target, "ciou", reduction="none")[1]
             - so.boxes.loss_grad(x, target, "diou", reduction="none")[1])
    return s * g


def descend(kinds, lr=0.1, l1_lr=0.05, hold_enclosing=True):
    """One step per entry of kinds; returns the IoU and the box before and after each step."""
    x, damp, path = start.copy(), np.ones(4), [start.copy()]
    alone = np.eye(4, dtype=bool)
    for kind in kinds:
        g = grad(kind, x, hold_enclosing)
        step = (l1_lr if kind == "l1" else lr) * s * (2 - so.boxes.iou(x, target)) * g
        for _ in range(60):
            probe = np.where(alone, x - damp * step, x)  # row i: only corner i moves
            ok = np.all(probe[:, 2:] > probe[:, :2], axis=1)
            flip = ~ok
            flip[ok] = np.diagonal(grad(kind, probe[ok], hold_enclosing)[:, ok]) * g[ok] < 0
            if flip.any():
                damp[flip] /= 2
                continue
            new = x - damp * step
            if np.all(new[2:] > new[:2]):
                break
            damp /= 2
        x = x - damp * step
        damp = np.minimum(1.0, 2 * damp)
        path.append(x.copy())
    boxes = np.array(path)
    return so.boxes.iou(boxes, target), boxes


runs = {
    "IoU": descend(["iou"] * steps),
    "GIoU": descend(["giou"] * steps),
    "DIoU": descend(["diou"] * steps),
    "CIoU": descend(["ciou"] * steps),
    "L1 → CIoU": descend(["l1"] * 30 + ["ciou"] * (steps - 30)),
}
autograd = {
    "DIoU, c differentiated": descend(["diou"] * steps, hold_enclosing=False),
    "CIoU, c differentiated": descend(["ciou"] * steps, hold_enclosing=False),
}

# %%
# The numbers behind the story. ``straightness`` is the straight distance from the first to
# the last centre over the length of the centre's path (1 for a straight line); the largest
# area is taken before the IoU first passes 0.5; ``sign changes`` counts the sign changes of
# the step-to-step IoU change after that (0: the IoU only rises).
print("IoU-loss gradient at the start:", so.boxes.loss_grad(start, target, "iou")[1])
target_area = np.prod(target[2:] - target[:2])
print(f"{'loss':24s} {'IoU>0.5 at':>10s} {'final IoU':>9s} {'largest/start':>13s} "
      f"{'largest/target':>14s} {'straightness':>12s} {'sign changes':>12s}")
for name, (iou, boxes) in {**runs, **autograd}.items():
    above = np.flatnonzero(iou > 0.5)
    first = int(above[0]) if above.size else len(iou)
    area = np.prod(boxes[:, 2:] - boxes[:, :2], axis=1)[:first]
    centre = (boxes[:, :2] + boxes[:, 2:]) / 2
    length = np.sum(np.hypot(*np.diff(centre, axis=0).T))
    straight = np.hypot(*(centre[-1] - centre[0])) / length if length else 0.0
    change = np.diff(iou[first:])
    change = change[np.abs(change) > 1e-12]
    flips = np.count_nonzero(np.diff(np.sign(change)))
    print(f"{name:24s} {first if above.size else 'never':>10} {iou[-1]:9.4f} "
          f"{area.max() / area[0]:13.2f} {area.max() / target_area:14.2f} {straight:12.3f} "
          f"{flips:12d}")

# %%
# Left: IoU against the step. Right: the target (grey), the predicted box every few steps
# (dashed: the start; darker: later) and the path of its centre, for GIoU and DIoU.
colours = {"IoU": "0.5", "GIoU": "#D55E00", "DIoU": "#0072B2", "CIoU": "#009E73",
           "L1 → CIoU": "#CC79A7"}
styles = {"IoU": ":", "CIoU": "--", "L1 → CIoU": "-."}
fig = plt.figure(figsize=(13.5, 4.4), layout="constrained")
grid = fig.add_gridspec(1, 3, width_ratios=[1.3, 1, 1])
ax = fig.add_subplot(grid[0])
for name, (iou, _) in runs.items():
    above = np.flatnonzero(iou > 0.5)
    label = f"{name}: IoU > 0.5 at step {above[0]}" if above.size else f"{name}: never moves"
    ax.plot(iou, color=colours[name], ls=styles.get(name, "-"), lw=2, label=label)
ax.axhline(0.5, color="0.6", lw=0.8, ls=":")
ax.set(xlim=(0, steps), ylim=(-0.02, 1.02), xlabel="gradient step",
       ylabel="IoU with the target")
ax.set_title("(a) IoU along the descent", loc="left")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, fontsize="small",
          frameon=False)

panels = {"GIoU": ("(b) GIoU: grows, then moves", 20), "DIoU": ("(c) DIoU: heads straight for "
                                                           "the centre", 10)}
first_plane = None
for j, (name, (title, every)) in enumerate(panels.items()):
    iou, boxes = runs[name]
    pax = fig.add_subplot(grid[1 + j], sharex=first_plane, sharey=first_plane)
    first_plane = first_plane or pax
    pax.add_patch(Rectangle(target[:2], *(target[2:] - target[:2]), facecolor="0.85",
                            edgecolor="k", lw=1.5, zorder=3, label="target"))
    upto = int(np.flatnonzero(iou > 0.99)[0])
    shown = range(0, upto + 1, every)
    for n, k in enumerate(shown):
        b = boxes[k]
        pax.add_patch(Rectangle(b[:2], *(b[2:] - b[:2]), fill=False, edgecolor=colours[name],
                                lw=1.2, alpha=0.3 + 0.7 * n / (len(shown) - 1), zorder=4,
                                ls="--" if k == 0 else "-",
                                label=f"box every {every} steps (dashed: start)" if n == 0
                                else None))
    centre = (boxes[:, :2] + boxes[:, 2:]) / 2
    pax.plot(*centre.T, color=colours[name], lw=2, zorder=5, label="path of the centre")
    pax.plot(*centre[list(shown)].T, "o", color=colours[name], ms=3.5, zorder=6)
    pax.plot(*(target[:2] + target[2:]) / 2, "k+", ms=10, mew=2, zorder=6)
    area = np.prod(boxes[:, 2:] - boxes[:, :2], axis=1)
    length = np.sum(np.hypot(*np.diff(centre, axis=0).T))
    pax.text(0.03, 0.97, f"largest box: {area.max() / target_area:.1f}× the target's area\n"
             f"centre path: straight distance / length = "
             f"{np.hypot(*(centre[-1] - centre[0])) / length:.2f}",
             transform=pax.transAxes, va="top", fontsize="small", zorder=7,
             bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 2})
    pax.set_aspect("equal")
    pax.set_title(title, loc="left")
    pax.set_xlabel("x")
    pax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, fontsize="small",
               frameon=False)
first_plane.set_ylabel("y")
first_plane.set(xlim=(-2.3, 8.5), ylim=(-0.7, 7.6))
plt.show()
