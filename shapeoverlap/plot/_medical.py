"""Figures for segmentations: a mask (and a reference outline) over an image slice."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["mask_overlay"]

_AXES = {"x": 0, "y": 1, "z": 2}


def _values(x: Any) -> np.ndarray:
    return np.asarray(x.values if hasattr(x, "values") and hasattr(x, "dims") else x)


def _spacing(x: Any, ndim: int) -> tuple[float, ...]:
    attrs = getattr(x, "attrs", None)
    if attrs and "spacing" in attrs:
        return tuple(float(v) for v in attrs["spacing"])[:ndim]
    return (1.0,) * ndim


def mask_overlay(
    image: Any,
    mask: Any,
    *,
    ref: Any = None,
    ax: Any = None,
    axis: int | str = 2,
    index: int | None = None,
    alpha: float = 0.45,
    cmap: str = "tab10",
    title: str | None = None,
) -> Any:
    """Draw a segmentation over an image slice, optionally with a reference's outline.

    Parameters
    ----------
    image : array_like or xarray.DataArray, or None
        2-D or 3-D intensity image (grey scale); ``None`` for a blank background.
    mask : array_like or xarray.DataArray
        Boolean mask, integer label map (one colour per label, background transparent) or
        probability map in ``[0, 1]`` (shown with transparency proportional to ``p``); same
        shape as ``image``.
    ref : array_like or xarray.DataArray, optional
        Reference segmentation drawn as outlines (one colour per label, ``p >= 0.5`` for
        probabilities).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure by default.
    axis : int or {"x", "y", "z"}, default 2
        Axis across which 3-D volumes are sliced.
    index : int, optional
        Slice index along ``axis``; by default the slice holding most mask voxels.
    alpha : float, default 0.45
        Opacity of the mask colours.
    cmap : str, default "tab10"
        Qualitative colormap for labels.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on; the first array axis runs horizontally, the second vertically
        (origin lower left), with the aspect ratio of the voxel spacing when the inputs carry
        one (loaded volumes do).

    Raises
    ------
    ValueError
        If the shapes disagree, the arrays are not 2-D or 3-D, or ``axis``/``index`` is out of
        range.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> img = np.random.default_rng(7).random((20, 20, 10))
    >>> lab = np.zeros((20, 20, 10), np.uint8); lab[5:12, 6:14, 2:8] = 1
    >>> ax = so.plot.mask_overlay(img, lab, ref=np.roll(lab, 2, axis=0))
    >>> ax.get_xlabel()
    'axis 0'
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    m = _values(mask)
    img = None if image is None else _values(image).astype(np.float64)
    r = None if ref is None else _values(ref)
    for name, arr in (("image", img), ("ref", r)):
        if arr is not None and arr.shape != m.shape:
            raise ValueError(f"{name} has shape {arr.shape} but mask has shape {m.shape}")
    if m.ndim not in (2, 3):
        raise ValueError(f"mask must be 2-D or 3-D; got shape {m.shape}")
    src = mask if image is None else image
    spacing = _spacing(src, m.ndim)
    dims = tuple(getattr(src, "dims", ())) or tuple(f"axis {i}" for i in range(m.ndim))
    unit = " (mm)" if getattr(src, "attrs", {}).get("spacing") is not None else ""
    names = (f"{dims[0]}{unit}", f"{dims[1]}{unit}")
    if m.ndim == 3:
        ax_i = _AXES.get(axis, axis) if isinstance(axis, str) else int(axis)
        if not isinstance(ax_i, int) or not 0 <= ax_i < 3:
            raise ValueError(f"axis must be 0, 1, 2 or 'x', 'y', 'z'; got {axis!r}")
        fg = m >= 0.5 if m.dtype.kind == "f" else m != 0
        if index is None:
            other = tuple(i for i in range(3) if i != ax_i)
            index = int(np.argmax(np.count_nonzero(fg, axis=other)))
        if not 0 <= index < m.shape[ax_i]:
            raise ValueError(f"index {index} is outside 0..{m.shape[ax_i] - 1} along axis {ax_i}")
        kept = [i for i in range(3) if i != ax_i]
        names = (f"{dims[kept[0]]}{unit}", f"{dims[kept[1]]}{unit}")
        spacing = tuple(spacing[i] for i in kept) if len(spacing) == 3 else (1.0, 1.0)
        m = np.take(m, index, axis=ax_i)
        img = None if img is None else np.take(img, index, axis=ax_i)
        r = None if r is None else np.take(r, index, axis=ax_i)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    extent = (-0.5 * spacing[0], (m.shape[0] - 0.5) * spacing[0],
              -0.5 * spacing[1], (m.shape[1] - 0.5) * spacing[1])
    show = {"origin": "lower", "extent": extent, "interpolation": "nearest"}
    if img is not None:
        ax.imshow(img.T, cmap="gray", **show)
    else:
        ax.imshow(np.zeros(m.shape).T, cmap="gray", vmin=0, vmax=1, **show)
    colours = plt.get_cmap(cmap)
    if m.dtype.kind == "f":
        rgba = np.zeros((*m.T.shape, 4))
        rgba[..., :3] = colours(0)[:3]
        rgba[..., 3] = np.clip(m.T, 0, 1) * alpha
        ax.imshow(rgba, **show)
    else:
        labs = np.unique(m[m != 0]).astype(np.int64)
        if labs.size:
            idx = np.searchsorted(labs, m)
            coloured = np.where(m != 0, idx, -1)
            lut = ListedColormap([colours(i % colours.N) for i in range(labs.size)])
            shown = np.ma.masked_less(coloured.T, 0)
            ax.imshow(shown, cmap=lut, vmin=-0.5, vmax=labs.size - 0.5, alpha=alpha, **show)
    if r is not None:
        xs = np.arange(m.shape[0]) * spacing[0]
        ys = np.arange(m.shape[1]) * spacing[1]
        rl = (r >= 0.5).astype(np.uint8) if r.dtype.kind == "f" else r
        for i, lab in enumerate(np.unique(rl[rl != 0])):
            sel = (rl == lab).T.astype(float)
            if sel.any() and not sel.all():
                ax.contour(xs, ys, sel, levels=[0.5], colors=[colours(i % colours.N)],
                           linewidths=1.2)
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    return ax
