"""Scoring medical segmentations: per-label tables, soft Dice, surface distances, cohorts.

Volumes are NIfTI files (read with nibabel), numpy arrays or ``xarray.DataArray`` objects.
:func:`score` gives one row per label (Dice, IoU, Hausdorff distances, ASSD, NSD, volumes);
:func:`score_cohort` runs it over many cases on dask; :func:`summarize` and :func:`paired`
turn cohort tables into means with bootstrap confidence intervals and paired comparisons.

Examples
--------
>>> import numpy as np
>>> import shapeoverlap as so
>>> ref = np.zeros((12, 12, 12), np.uint8); ref[2:6, 2:6, 2:6] = 1; ref[7:10, 7:10, 7:10] = 2
>>> pred = ref.copy(); pred[2, 2:6, 2:6] = 0
>>> so.medical.score(pred, ref, metrics=["dice", "hd"])[["label", "dice", "hd"]]
   label      dice   hd
0      1  0.857143  1.0
1      2  1.000000  0.0
"""

from __future__ import annotations

from ._cohort import paired, score_cohort, summarize
from ._io import example_data, load
from ._score import AFFINE_ATOL, METRICS, score

__all__ = [
    "AFFINE_ATOL",
    "METRICS",
    "example_data",
    "load",
    "paired",
    "score",
    "score_cohort",
    "summarize",
]
