"""Figures for masks on grids."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["region_overlap"]

# a only, b only, both: colour-blind-safe (Okabe–Ito) blue, vermilion and their overlap purple.
_COLOURS = ("#ffffff", "#0072B2", "#D55E00", "#7B3294")


def _edges(centres: np.ndarray) -> np.ndarray:
    c = np.asarray(centres, dtype=np.float64)
    if c.size == 1:
        return np.array([c[0] - 0.5, c[0] + 0.5])
    mid = 0.5 * (c[1:] + c[:-1])
    return np.concatenate([[2 * c[0] - mid[0]], mid, [2 * c[-1] - mid[-1]]])


def _recentre(code: np.ndarray, x: np.ndarray, period: float, axis: int):
    """Roll a periodic axis so that the largest empty gap lies at the edges of the plot."""
    from .._kernels.grid import arc_box

    occ = np.asarray((code > 0).any(axis=1 - axis))
    if not occ.any() or occ.all():
        return code, x
    _, box = arc_box(occ, np.ones(occ.size), float(occ.size))
    # first cell of the hull: a hull cell whose left neighbour lies outside it
    start = int(np.flatnonzero(box & ~np.roll(box, 1))[0])
    centre = (start + box.sum() // 2) % occ.size
    shift = occ.size // 2 - centre
    rolled = np.roll(x, shift)
    # unwrap across the seam, then move by whole periods so the centre keeps its coordinate
    drops = np.concatenate([[0.0], np.cumsum(np.diff(rolled) * np.sign(x[-1] - x[0]) < 0)])
    unwrapped = rolled + np.sign(x[-1] - x[0]) * period * drops
    offset = x[centre] - unwrapped[occ.size // 2]
    x = unwrapped + period * np.round(offset / period)
    return np.roll(code, shift, axis=axis), x


def region_overlap(
    a: Any,
    b: Any,
    *,
    ax: Any = None,
    labels: tuple[str, str] = ("a", "b"),
    title: str | None = None,
    legend: bool = True,
    recentre: bool = True,
) -> Any:
    """Draw two 2-D regions: ``a`` only, ``b`` only and their intersection in three colours.

    Parameters
    ----------
    a, b : array_like or xarray.DataArray
        2-D masks on one grid (probabilistic masks are drawn at ``p >= 0.5``). DataArray
        coordinates give the axes (first dim vertical); cells are drawn as cells, so a
        periodic axis shows no seam.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.
    labels : tuple of str, default ("a", "b")
        Names of the two regions in the legend.
    title : str, optional
        Axes title; by default the IoU and Dice of the two regions.
    legend : bool, default True
        Draw a legend.
    recentre : bool, default True
        Roll periodic axes (coordinates with ``attrs["period"]``) so the regions sit in the
        middle of the plot instead of being cut by the seam; the coordinates then run past
        the seam (e.g. longitudes 100 … 260).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn into.

    Raises
    ------
    ValueError
        If the masks are not 2-D or differ in shape.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> a = np.zeros((20, 20), bool); a[5:12, 4:10] = True
    >>> ax = so.plot.region_overlap(a, np.roll(a, 3, axis=1))
    >>> ax.get_title()
    'IoU 0.333, Dice 0.500'
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from ..measures import dice, iou

    va, vb = np.asarray(getattr(a, "values", a)), np.asarray(getattr(b, "values", b))
    if va.ndim != 2 or va.shape != vb.shape:
        raise ValueError(
            f"region_overlap draws two 2-D masks of one shape; got {va.shape} and {vb.shape}"
        )
    ma = va >= 0.5 if va.dtype != bool else va
    mb = vb >= 0.5 if vb.dtype != bool else vb
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    dims = getattr(a, "dims", None)
    if dims is not None and all(d in a.coords for d in dims):
        y, x = (np.asarray(a[d].values, dtype=np.float64) for d in dims)
        ax.set_ylabel(str(dims[0]))
        ax.set_xlabel(str(dims[1]))
    else:
        y, x = np.arange(va.shape[0], dtype=float), np.arange(va.shape[1], dtype=float)
    code = ma.astype(np.int8) + 2 * mb.astype(np.int8)
    if dims is not None and recentre:
        for axis, d in enumerate(dims):
            period = a[d].attrs.get("period") if d in a.coords else None
            if period is not None:
                coord = y if axis == 0 else x
                code, coord = _recentre(code, coord, float(period), axis)
                y, x = (coord, x) if axis == 0 else (y, coord)
    ax.pcolormesh(_edges(x), _edges(y), code, cmap=ListedColormap(_COLOURS), vmin=-0.5,
                  vmax=3.5, shading="flat")
    if title is None:
        title = f"IoU {iou(ma, mb, empty=0.0):.3f}, Dice {dice(ma, mb, empty=0.0):.3f}"
    ax.set_title(title)
    if legend:
        handles = [Patch(color=_COLOURS[1], label=f"{labels[0]} only"),
                   Patch(color=_COLOURS[2], label=f"{labels[1]} only"),
                   Patch(color=_COLOURS[3], label="both")]
        ax.legend(handles=handles, loc="upper right", fontsize="small", framealpha=0.9)
    return ax
