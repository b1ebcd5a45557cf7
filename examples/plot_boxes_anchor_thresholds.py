"""
The IoU-threshold trade-off in anchor assignment
================================================

Region proposal networks label an anchor positive when its best IoU with a ground-truth box is
at least ``pos_iou`` (0.7 in Faster R-CNN), negative below ``neg_iou`` (0.3) and ignore it in
between; every ground-truth box also keeps its best anchor. Raising ``pos_iou`` gives cleaner
positives but fewer of them — and small or oddly shaped objects end up with only the single
"best anchor" rescue.
"""

# %%
import numpy as np

import shapeoverlap as so

# a 3-scale x 3-ratio anchor grid with stride 16 over a 256 x 256 image
stride, sizes, ratios = 16, (32, 64, 128), (0.5, 1.0, 2.0)
c = np.arange(stride / 2, 256, stride)
cx, cy = (g.ravel() for g in np.meshgrid(c, c))
anchors = np.concatenate([
    np.stack([cx - s * np.sqrt(r) / 2, cy - s / np.sqrt(r) / 2,
              cx + s * np.sqrt(r) / 2, cy + s / np.sqrt(r) / 2], axis=-1)
    for s in sizes for r in ratios
])

rng = np.random.default_rng(0)
centre = rng.uniform(40, 216, (12, 2))
size = np.exp(rng.uniform(np.log(12), np.log(140), (12, 2)))
targets = np.concatenate([centre - size / 2, centre + size / 2], axis=1)

best = so.boxes.pairwise_iou(anchors, targets).max(axis=1)
for pos in (0.5, 0.6, 0.7, 0.8):
    labels, matched = so.boxes.assign(anchors, targets, pos_iou=pos, neg_iou=0.3)
    per_target = np.bincount(matched[labels == 1], minlength=len(targets))
    print(f"pos_iou {pos}: {np.sum(labels == 1):4d} positives, {np.sum(labels == -1):4d} "
          f"ignored; fewest positives for one target: {per_target.min()}")

# %%
ax = so.plot.threshold_curve({"all anchors": best, "anchors with IoU > 0": best[best > 0]},
                             mark=(0.3, 0.7), ylabel="fraction of anchors with best IoU ≥ t")
ax.set_title("How many anchors each threshold keeps")
