"""Event lists in time: set IoU, tIoU, matching, event-based F1, mAP and interval coding.

One module for what bedtools (``jaccard``), sed_eval (collar-based event F1), the ActivityNet
evaluation (mAP over tIoU thresholds) and pyannote-style segment lists do separately:

* :class:`EventList` — labelled events on one or more tracks (files, videos, chromosomes);
  :func:`read_events` / :func:`write_events` for CSV/TSV, RTTM, BED and ActivityNet JSON;
* :func:`set_iou` — bedtools' four numbers for the unions of two lists;
* :func:`tiou_matrix` — pairwise temporal IoU, dense (in blocks) or sparse;
* :func:`match` — optimal (Hungarian) or greedy one-to-one matching;
* :func:`evaluate` — precision, recall and F1 per label (tIoU or sed_eval's collar rule);
* :func:`average_precision` — ActivityNet's AP per label and threshold, and the mAP;
* :func:`encode` / :func:`decode` — anchor-relative coding of intervals.

Periodic time (hours of a day) uses ``period=``, as :class:`~shapeoverlap.IntervalSet` does.
Thresholds compare ``tIoU >= t`` in float64, with no tolerance.

Examples
--------
>>> from shapeoverlap.temporal import EventList, evaluate
>>> ref = EventList.from_arrays([0, 10], [4, 14], label="dog")
>>> pred = EventList.from_arrays([1, 10], [4, 15], label="dog")
>>> float(evaluate(ref, pred).loc["micro", "f1"])
1.0
"""

from __future__ import annotations

from ._events import EventList
from ._io import read_events, write_events
from ._metrics import (
    DEFAULT_THRESHOLDS,
    average_precision,
    decode,
    encode,
    evaluate,
    match,
    set_iou,
    tiou_matrix,
)

__all__ = [
    "DEFAULT_THRESHOLDS",
    "EventList",
    "average_precision",
    "decode",
    "encode",
    "evaluate",
    "match",
    "read_events",
    "set_iou",
    "tiou_matrix",
    "write_events",
]
