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


def region_overlap(
    a: Any,
    b: Any,
    *,
    ax: Any = None,
    labels: tuple[str, str] = ("a", "b"),
    title: str | None = None,
    legend: bool = True,
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
    'IoU 0.400, Dice 0.571'
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
