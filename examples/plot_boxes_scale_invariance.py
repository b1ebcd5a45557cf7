"""
IoU is scale invariant — without an epsilon
===========================================

IoU, GIoU, DIoU and CIoU are ratios of lengths, areas and volumes, so scaling every box by the
same factor changes nothing. An implementation that adds an absolute ``eps`` (``1e-7`` is
common) to its denominators breaks this for small boxes: the epsilon is no longer small next to
an area of ``1e-6`` px² or a squared diagonal of ``1e-4``.

``so.boxes`` uses no epsilon; degenerate cases are handled by an explicit policy instead. Below,
one pair of boxes is scaled from ``1e-6`` to ``1e6`` and compared with a textbook formula that
adds ``eps = 1e-7``.
"""

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

import shapeoverlap as so

a = np.array([0.0, 0.0, 2.0, 1.0])
b = np.array([1.0, 0.5, 2.5, 3.0])


def with_eps(a, b, eps=1e-7):
    """CIoU as often written, with an absolute epsilon in every denominator."""
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    wa, ha, wb, hb = a[2] - a[0], a[3] - a[1], b[2] - b[0], b[3] - b[1]
    iou = inter / (wa * ha + wb * hb - inter + eps)
    cw, ch = max(a[2], b[2]) - min(a[0], b[0]), max(a[3], b[3]) - min(a[1], b[1])
    rho2 = ((a[0] + a[2] - b[0] - b[2]) ** 2 + (a[1] + a[3] - b[1] - b[3]) ** 2) / 4
    v = 4 / math.pi**2 * (math.atan(wb / (hb + eps)) - math.atan(wa / (ha + eps))) ** 2
    alpha = v / (1 - iou + v + eps)
    return iou - rho2 / (cw**2 + ch**2 + eps) - alpha * v


scales = np.logspace(-6, 6, 49)
ours = {k: [getattr(so.boxes, k)(a * s, b * s) for s in scales] for k in ("iou", "giou", "ciou")}
eps = [with_eps(a * s, b * s) for s in scales]
for k, v in ours.items():
    print(f"{k}: spread over 12 decades of scale = {np.ptp(v):.1e}")
print(f"ciou with eps=1e-7: spread = {np.ptp(eps):.2f}")

# %%
fig, ax = plt.subplots(figsize=(6, 3.8))
for k, v in ours.items():
    ax.semilogx(scales, v, lw=2, label=f"so.boxes.{k}")
ax.semilogx(scales, eps, "k--", label="CIoU with eps = 1e-7")
ax.set_xlabel("scale factor applied to both boxes")
ax.set_ylabel("score")
ax.legend(fontsize="small")
ax.set_title("Same boxes, every scale")
