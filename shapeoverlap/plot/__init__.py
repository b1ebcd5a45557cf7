"""Figures for papers (matplotlib, imported when this module is first used).

Every function takes ``ax=None`` (a new figure when omitted) and returns the matplotlib ``Axes``.
Periodic axes are drawn without seams.
"""

from __future__ import annotations

from ._boxes import boxes, threshold_curve
from ._grid import region_overlap
from ._medical import mask_overlay
from ._rama import rama
from ._timeline import timeline

__all__ = ["boxes", "mask_overlay", "rama", "region_overlap", "threshold_curve", "timeline"]
