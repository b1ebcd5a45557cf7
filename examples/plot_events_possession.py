"""
Possession time: from per-frame boxes to intervals in time
==========================================================

A tracker follows a ball through a 20-second clip. For every frame we have the tracker's box
and a reference box. Where the two boxes overlap well (box IoU ≥ τ) the tracker "possesses"
the object. Turning those frames into time intervals gives one exact number, the total
possession time, and lets the temporal tools score the tracker like an event detector.

Spatial overlap per frame becomes temporal overlap per clip: each frame ``k`` covers the
half-open interval ``[k / fps, (k + 1) / fps)``, so consecutive good frames are book-ended
intervals that :class:`shapeoverlap.IntervalSet` merges on construction.
"""

# %%
# Per-frame boxes
# ---------------
# A smooth reference trajectory; the tracker adds jitter, drifts away between 8 s and 10 s
# and loses the object (no box) between 14 s and 15 s. The ball leaves the picture at 18 s.
import matplotlib.pyplot as plt
import numpy as np

import shapeoverlap as so
from shapeoverlap.temporal import EventList, set_iou

fps = 25.0
k = np.arange(int(20 * fps))  # frame numbers
t = k / fps  # frame k starts at k / fps exactly, so frame k ends where frame k + 1 starts
rng = np.random.default_rng(7)
cx = 320 + 200 * np.sin(t / 3)
cy = 240 + 80 * np.cos(t / 2)
ref = np.column_stack([cx - 20, cy - 20, cx + 20, cy + 20])
ref[t >= 18] = np.nan  # out of the picture

drift = np.clip((t - 8) * 25, 0, 50) * ((t >= 8) & (t < 10))
pred = ref + rng.normal(0, 2.5, ref.shape)
pred[:, [0, 2]] += drift[:, None]
pred[(t >= 14) & (t < 15)] = np.nan  # the tracker lost the ball


# %%
# Box IoU per frame
# -----------------
# ``so.boxes.iou`` refuses NaN boxes, so it scores the frames where both boxes exist; the
# others stay NaN (drawn as gaps) and never count as possessed.
both = ~np.isnan(ref).any(axis=1) & ~np.isnan(pred).any(axis=1)
iou = np.full(len(k), np.nan)
iou[both] = so.boxes.iou(ref[both], pred[both])
tau = 0.5
good = np.nan_to_num(iou) >= tau

# %%
# Frames to intervals, and the possession time
# --------------------------------------------
frames = np.column_stack([k, k + 1]) / fps
possessed = so.IntervalSet(frames[good])  # book-ended frames merge into runs
visible = so.IntervalSet(frames[~np.isnan(ref[:, 0])])

print(f"possession time: {possessed.measure:.2f} s of {visible.measure:.2f} s visible "
      f"({possessed.measure / visible.measure:.1%}) in {len(possessed)} run(s)")
print("runs (s):", [(round(a, 2), round(b, 2)) for a, b in possessed])

# %%
# The same numbers as event lists: bedtools-style set IoU of "tracked" against "visible"
# (the intersection is the possession time, the union the visible time).
tracked = EventList.from_arrays(possessed.starts, possessed.ends, label="ball")
truth = EventList.from_arrays(visible.starts, visible.ends, label="ball")
print(set_iou(truth, tracked))

# %%
# Figure: box IoU over time, and the timeline of visible vs possessed
# --------------------------------------------------------------------
fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(8, 4.2), sharex=True,
                               gridspec_kw={"height_ratios": [2, 1]})
ax1.plot(t, iou, color="0.3", lw=1)
ax1.axhline(tau, color="#D55E00", ls="--", lw=1, label=f"τ = {tau}")
ax1.set_ylabel("box IoU")
ax1.set_ylim(0, 1)
ax1.legend(loc="lower left", frameon=False)
so.plot.timeline(truth, tracked, ax=ax2, xlabel="time (s)")
ax2.set_yticklabels(["ball"])
ax1.set_title(f"possession {possessed.measure:.1f} s of {visible.measure:.1f} s visible",
              loc="left")
fig.tight_layout()
plt.show()
