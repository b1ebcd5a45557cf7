"""
The occlusion bound: the best IoU when part of an object is hidden
==================================================================

A detector that only sees the visible part of an object predicts (at best) the visible box.
If a fraction α of the object's box is hidden, that prediction sits inside the full box and
covers 1 − α of it, so its IoU with the full box is exactly ``1 − α``: at 50 % occlusion no
prediction of the visible part reaches an IoU threshold above 0.5.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

import shapeoverlap as so

full = np.array([0.0, 0.0, 4.0, 2.0])
alphas = np.linspace(0, 0.95, 20)
visible = np.stack([np.zeros_like(alphas), np.zeros_like(alphas), 4.0 * (1 - alphas),
                    np.full_like(alphas, 2.0)], axis=-1)  # hidden from the right
ious = so.boxes.iou(visible, full)
print("max |IoU − (1 − α)| =", np.abs(ious - (1 - alphas)).max())

# %%
# The side it is hidden from does not matter: strips of random width hidden on the left.
rng = np.random.default_rng(1)
cut = rng.uniform(0, 0.9, 200)
vis = np.stack([cut * 4, np.zeros(200), np.full(200, 4.0), np.full(200, 2.0)], axis=-1)
print("IoU = 1 − α for every strip:", np.allclose(so.boxes.iou(vis, full), 1 - cut, rtol=1e-15))

fig, ax = plt.subplots(figsize=(5, 3.6))
ax.plot(alphas, ious, "o", label="IoU(visible box, full box)")
ax.plot(alphas, 1 - alphas, "k-", lw=1, label="1 − α")
ax.axhline(0.5, color="0.5", ls=":")
ax.set_xlabel("hidden fraction α")
ax.set_ylabel("best achievable IoU")
ax.legend()
