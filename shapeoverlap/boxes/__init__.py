r"""Boxes: the special case of rectangles (and cuboids, and rotated rectangles).

Axis-aligned boxes are arrays of shape ``(..., 4)`` — ``(x1, y1, x2, y2)`` by default, or
``xywh`` / ``cxcywh`` through ``fmt=`` — and 3-D boxes ``(..., 6)`` = ``(x1, y1, z1, x2, y2,
z2)`` (``xywh`` reads ``(x, y, z, w, h, d)``, ``cxcywh`` ``(cx, cy, cz, w, h, d)``). Rotated
boxes are ``(..., 5)`` = ``(cx, cy, w, h, angle)`` with corners ``centre + R(angle) (±w/2, ±h/2)``,
``R`` the counter-clockwise rotation (y axis up), angles in radians (``degrees=True`` for degrees).

Policy for degenerate input (the same everywhere in this module):

* a box of zero width, height or depth is a valid box of measure 0;
* where both boxes have measure 0 the union is empty and every score is ``empty`` (default NaN;
  ``"raise"`` raises :class:`~shapeoverlap.EmptyUnionError`);
* CIoU of two boxes with equal aspect ratio and IoU 1 takes the continuous limit α = 0 of
  ``α = v / (1 − IoU + v)``; a point box (zero width and height) has no aspect ratio, and
  ``v = 0`` for any pair that includes one; for 3-D boxes ``v`` is the mean of the 2-D term
  over the face ratios ``w/h``, ``w/d``, ``h/d``, a face with both sides zero contributing 0;
* inverted boxes (``x2 < x1``, or a negative size) raise ``ValueError`` unless ``clip=True``,
  which clips them to empty boxes (``x2 = x1``);
* NaN or infinite coordinates raise ``ValueError``.

No absolute epsilon is used: every quantity is a ratio of lengths, areas or volumes built from
coordinate differences, so scaling all boxes by any factor leaves every score unchanged up to
rounding.
"""

from __future__ import annotations

from ._core import (
    assign,
    ciou,
    convert,
    convert_angle,
    decode,
    dice,
    diou,
    encode,
    giou,
    iou,
    iou_aware_score,
    loss,
    loss_grad,
    nms,
    overlap,
    pairwise_ciou,
    pairwise_diou,
    pairwise_giou,
    pairwise_iou,
    pairwise_rotated_iou,
    rotated_iou,
    rotated_nms,
)

__all__ = [
    "assign",
    "ciou",
    "convert",
    "convert_angle",
    "decode",
    "dice",
    "diou",
    "encode",
    "giou",
    "iou",
    "iou_aware_score",
    "loss",
    "loss_grad",
    "nms",
    "overlap",
    "pairwise_ciou",
    "pairwise_diou",
    "pairwise_giou",
    "pairwise_iou",
    "pairwise_rotated_iou",
    "rotated_iou",
    "rotated_nms",
]
