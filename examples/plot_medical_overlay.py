"""
Scoring a brain segmentation per label
======================================

Two segmentations of the MNI152 template on a 3 mm grid (shipped with the package): a
"reference" labelled from the template's tissue probability maps (1 grey matter, 2 white
matter, 3 CSF) and a "prediction" that classifies the T1 intensities into three classes.
``so.medical.score`` gives one row per label, with overlap (Dice, IoU), boundary distances
(HD, HD95, ASSD) and the normalised surface distance at a 3 mm tolerance, all in mm;
``so.plot.mask_overlay`` draws the prediction over the T1 image with the reference outlined.
"""

# %%
import matplotlib.pyplot as plt

import shapeoverlap as so

paths = so.medical.example_data()
ref = so.medical.load(paths["ref"])
pred = so.medical.load(paths["pred"])
table = so.medical.score(pred, ref, metrics=("dice", "iou", "hd", "hd95", "assd", "nsd"),
                         tolerance=3.0)
print(table.round(3).to_string(index=False))

# %%
# The three published definitions of HD95 on the same pair.
for mode in ("directed", "pooled", "surfel"):
    t = so.medical.score(pred, ref, metrics=("hd95",), hd95=mode)
    print(f"{mode:>8}: " + ", ".join(f"{v:.2f}" for v in t["hd95"]))

# %%
t1 = so.medical.load(paths["t1"])
fig, axes = plt.subplots(1, 2, figsize=(9, 4.5))
so.plot.mask_overlay(t1, pred, ref=ref, axis="z", ax=axes[0], title="axial")
so.plot.mask_overlay(t1, pred, ref=ref, axis="x", ax=axes[1], title="sagittal")
fig.suptitle("T1 intensity classes (fill) vs tissue-map labels (outline)")
plt.show()
