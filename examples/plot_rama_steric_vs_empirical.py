"""
Ramachandran overlap: hard spheres against real proteins
========================================================

In 1963 Ramachandran, Ramakrishnan and Sasisekharan predicted which backbone conformations
(φ, ψ) a residue can take using nothing but hard-sphere atoms and standard bond geometry. Sixty
years of crystal structures later, how much of the observed region did they get?

We compare, on the periodic φ/ψ torus,

* the hard-sphere allowed regions of an alanine dipeptide (``normal`` and ``outer`` contact
  limits), and
* the empirical regions of the embedded reference: the 98 % and 99.95 % highest-density
  regions of a von Mises KDE of about 5,250 quality-filtered non-Gly, non-Pro, non-Ile/Val
  residues from the CC0 PDB entries shipped with the package.

IoU and Dice come from the core measures, with cell areas from the coordinates; the tables
report areas as fractions of the torus.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from shapeoverlap.rama import compare, reference, regions, steric_regions

empirical = regions(reference("general"))  # dims: level, phi, psi (2° cells)
steric = steric_regions("ala")  # dims: limit, phi, psi (2° cells)

scores = compare(steric, empirical)
print(scores.round(3))
print(f"\nouter-limit hard spheres vs 98% empirical region: IoU "
      f"{scores.loc[('outer', 0.98), 'iou']:.3f}")

# %%
# Draw the two regions that agree best. The empirical region is filled; the hard-sphere outer
# limit is outlined. Both are periodic, so contours are computed on a grid padded with wrapped
# cells and cut at ±180°.

def padded(mask):
    vals = np.pad(mask.transpose("phi", "psi").values.astype(float), 1, mode="wrap")
    c = mask["phi"].values
    axis = np.concatenate([[c[-1] - 360], c, [c[0] + 360]])
    return axis, vals


fig, ax = plt.subplots(figsize=(6, 6), constrained_layout=True)
x, emp = padded(empirical.sel(level=0.98))
ax.contourf(x, x, emp.T, levels=[0.5, 1.5], colors=["#9ecae1"])
x, ste = padded(steric.sel(limit="outer"))
ax.contour(x, x, ste.T, levels=[0.5], colors=["#d62728"], linewidths=1.5)
x, ste_n = padded(steric.sel(limit="normal"))
ax.contour(x, x, ste_n.T, levels=[0.5], colors=["#d62728"], linewidths=0.8,
           linestyles="--")
ax.set_xlim(-180, 180)
ax.set_ylim(-180, 180)
ax.set_aspect("equal")
ax.set_xlabel("φ (degrees)")
ax.set_ylabel("ψ (degrees)")
ax.set_title(f"98% empirical (filled) vs hard-sphere outer limit (red)\n"
             f"IoU {scores.loc[('outer', 0.98), 'iou']:.2f}, "
             f"Dice {scores.loc[('outer', 0.98), 'dice']:.2f}")
plt.show()
