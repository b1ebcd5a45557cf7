"""
Soft Dice on a synthetic volume
===============================

A segmentation network outputs probabilities. Thresholding them before scoring throws away
the model's uncertainty; the soft (probabilistic) Dice scores the map itself. Here a
probabilistic sphere is compared with a crisp reference sphere as it is shifted, on an
anisotropic 32³ grid (voxels of 1 × 1 × 2.5 mm).
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

import shapeoverlap as so

spacing = (1.0, 1.0, 2.5)
z, y, x = np.meshgrid(*(np.arange(32) * s for s in spacing), indexing="ij")


def sphere(centre, radius=8.0, softness=None):
    r = np.sqrt((z - centre[0]) ** 2 + (y - centre[1]) ** 2 + (x - centre[2]) ** 2)
    if softness is None:
        return r <= radius
    return 1 / (1 + np.exp((r - radius) / softness))  # a logistic edge, values in (0, 1)


reference = sphere((16.0, 16.0, 40.0))
shifts = np.arange(0, 12.5, 0.5)
soft = [so.dice(sphere((16.0, 16.0 + d, 40.0), softness=1.0), reference, spacing=spacing)
        for d in shifts]
hard = [so.dice(sphere((16.0, 16.0 + d, 40.0), softness=1.0) >= 0.5, reference,
                spacing=spacing) for d in shifts]
minmax = [so.dice(sphere((16.0, 16.0 + d, 40.0), softness=1.0), reference, spacing=spacing,
                  soft="minmax") for d in shifts]

# %%
fig, ax = plt.subplots(figsize=(5, 3.5))
ax.plot(shifts, hard, label="Dice of the thresholded map (p ≥ 0.5)")
ax.plot(shifts, soft, label="soft Dice, product form")
ax.plot(shifts, minmax, "--", label="soft Dice, min/max form")
ax.set_xlabel("shift of the prediction (mm)")
ax.set_ylabel("Dice")
ax.legend(fontsize="small")
plt.show()
