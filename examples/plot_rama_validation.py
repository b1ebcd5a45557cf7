"""
Ramachandran validation of a structure
======================================

Validate the backbone of bovine pancreatic trypsin inhibitor (PDB 5PTI, shipped with the
package) against the embedded reference: φ, ψ and ω of every residue, MolProbity's residue
classes, and each residue's region (favored / allowed / outlier). With MolProbity's Top8000
grids on disk, pass ``reference="path/to/top8000"`` instead.
"""

# %%
import matplotlib.pyplot as plt

import shapeoverlap as so
from shapeoverlap.rama import classify, example_structure, phi_psi, summary

angles = phi_psi(example_structure())
print(angles.head())
table = classify(angles)
print(summary(table).T)

# %%
# One panel per residue class: filled regions are the reference's allowed and favored
# regions, points are residues coloured by region, outliers are labelled.
axes = so.plot.rama(table, by_category=True, title="5PTI against the embedded reference")
plt.show()
