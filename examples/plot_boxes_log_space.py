"""
Log-space box coding: gradients that do not care about scale
============================================================

Detectors regress a box relative to an anchor as ``(dx, dy, ln(w/wa), ln(h/ha))``
(``so.boxes.encode``/``decode``). For an IoU-type loss this parameterisation is natural:
the gradient of ``1 − IoU`` with respect to ``ln w`` is the same for a box of 10 pixels and
for one of 1000, while the gradient with respect to ``w`` itself shrinks like ``1/w``.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

import shapeoverlap as so

pred = np.array([1.0, 2.0, 3.0, 1.5])  # cxcywh
target = np.array([1.4, 2.2, 2.0, 2.5])
scales = np.logspace(-3, 3, 25)
d_w, d_logw = [], []
for s in scales:
    _, g, _ = so.boxes.loss_grad(pred * s, target * s, "iou", fmt="cxcywh")
    d_w.append(abs(g[2]))
    d_logw.append(abs(g[2] * pred[2] * s))  # chain rule: d/d ln w = w d/dw
print(f"d(1-IoU)/d ln w: min {min(d_logw):.12f}, max {max(d_logw):.12f}")
print(f"d(1-IoU)/d w spans {min(d_w):.2e} .. {max(d_w):.2e}")

# %%
# The coding round-trips to float rounding (about 1e-15 here).
rng = np.random.default_rng(0)
anchors = np.array([[0, 0, 16, 16], [8, 8, 40, 24]], dtype=float)
boxes = anchors + rng.uniform(-3, 3, anchors.shape)
deltas = so.boxes.encode(boxes, anchors, weights=(10, 10, 5, 5))
print("deltas:\n", deltas.round(4))
back = so.boxes.decode(deltas, anchors, weights=(10, 10, 5, 5))
print("max round-trip error:", np.abs(back - boxes).max())

fig, ax = plt.subplots(figsize=(5.5, 3.6))
ax.loglog(scales, d_w, label="|d(1 − IoU)/dw|")
ax.loglog(scales, d_logw, label="|d(1 − IoU)/d ln w|")
ax.set_xlabel("box scale")
ax.set_ylabel("gradient magnitude")
ax.legend()
