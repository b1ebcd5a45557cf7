"""
Overlap on the 24-hour clock
============================

Sleep diaries and actigraphy both report sleep as intervals of the day, and sleep crosses
midnight. On a line, ``22:30–06:30`` is two pieces; on a circle of period 24 h it is one
interval, and its hull, centre and distance to another interval are what a person means.

This example compares a diary with actigraphy for one night, then shows how GIoU and DIoU
differ between the periodic clock and an unrolled line.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

import shapeoverlap as so

diary = so.IntervalSet([(22.5, 6.5), (13.0, 13.5)], period=24)  # night + a short nap
actigraphy = so.IntervalSet([(23.25, 7.0)], period=24)

s = so.overlap(diary, actigraphy)
print(f"shared sleep {s.intersection:.2f} h of {s.union:.2f} h -> IoU {s.iou():.3f}")
print(f"hull {s.hull:.2f} h (22:30 -> 13:30, the short way round), GIoU {s.giou():.3f}")

# %%
# Shifting both diaries by the same amount changes nothing on a circle:
for shift in (0, 5, 11.5):
    a = so.IntervalSet([((x + shift) % 24, (y + shift) % 24) for x, y in diary], period=24)
    b = so.IntervalSet([((x + shift) % 24, (y + shift) % 24) for x, y in actigraphy],
                       period=24)
    print(f"shift {shift:5.1f} h: IoU {so.iou(a, b):.4f}  GIoU {so.giou(a, b):.4f}  "
          f"DIoU {so.diou(a, b):.4f}")

# %%
# Draw both on the clock face.
fig, ax = plt.subplots(subplot_kw={"projection": "polar"}, figsize=(4.5, 4.5))
ax.set_theta_zero_location("N")
ax.set_theta_direction(-1)
for r, (name, sset, colour) in enumerate(
    [("diary", diary, "#0072B2"), ("actigraphy", actigraphy, "#D55E00")]
):
    for start, end in sset:
        theta = np.linspace(start, end, 50) / 24 * 2 * np.pi
        ax.plot(theta, np.full_like(theta, 1 + 0.2 * r), lw=8, color=colour,
                solid_capstyle="butt", label=name if start == sset.starts[0] else None)
ax.set_xticks(np.arange(0, 24, 3) / 24 * 2 * np.pi, [f"{h:02d}:00" for h in range(0, 24, 3)])
ax.set_yticks([])
ax.set_ylim(0, 1.5)
ax.set_title(f"IoU {s.iou():.2f}, GIoU {s.giou():.2f}")
ax.legend(loc="lower right", fontsize="small")
plt.show()
