"""Masks on grids: crisp and probabilistic overlap with cell measures and periodic axes.

A *mask* is a numpy array, a dask array or an ``xarray.DataArray`` (numpy- or dask-backed):
boolean (or 0/1 integers) for crisp sets, floating values in ``[0, 1]`` for probabilistic
masks. Two masks compared must lie on the same grid.

Cell measure
    The measure of a cell is the product of its widths along the reduced axes, times
    ``weights``. Widths come from ``spacing=`` (one per array axis), else from a DataArray's
    1-D numeric coordinate (uniform: the step; irregular: half the distance between the
    neighbouring centres on each side, wrapping on periodic axes; datetime and timedelta
    coordinates in seconds), else 1 (cell units, also for labels such as strings).
Periodic axes
    ``periodic={axis or dim: period}`` (period in coordinate units; cells when there are no
    coordinates and no spacing), or dim names whose coordinate has ``attrs["period"]``;
    coordinates carrying ``attrs["period"]`` are periodic without being named. Periodicity only
    changes the geometry used by GIoU/DIoU: the hull along such an axis is the shortest arc
    holding the union, centres are circular means and distances are wrapped.
Geometry
    hull = measure of the bounding box of the union's cells (the product of the per-axis hulls,
    weighted like any other cell); centre = measure-weighted centroid in the cell coordinate
    (cell ``i`` spans ``[e_i, e_i + w_i)``); hull diameter = the hull's diagonal. For
    probabilistic masks the union's cells are those where ``p > 0`` or ``q > 0`` and the
    centroids are weighted by the probabilities.

Dask-backed inputs stay lazy: each chunk is reduced to partial sums by the numpy kernels
(``map_blocks``), and the partial sums are added; value checks run inside the chunks.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._kernels import grid as kern
from ._validate import check_choice
from .errors import GridMismatchError
from .stats import OverlapStats

__all__ = ["cell_widths", "mask_overlap"]


def _is_dataarray(x: Any) -> bool:
    return type(x).__name__ == "DataArray" and hasattr(x, "dims") and hasattr(x, "coords")


def _is_dask(x: Any) -> bool:
    return type(x).__module__.split(".")[0] == "dask"


def _operand(x: Any, name: str) -> Any:
    """Return an array-like operand (DataArray, dask or numpy), refusing other objects."""
    if _is_dataarray(x) or _is_dask(x) or isinstance(x, np.ndarray):
        return x
    if type(x).__name__ == "Dataset":
        raise TypeError(f"{name} is an xarray Dataset; pass one of its variables, e.g. ds['mask']")
    if isinstance(x, (list, tuple, bool, int, float, np.generic)):
        return np.asarray(x)
    raise TypeError(
        f"{name} must be a numpy array, xarray.DataArray or dask array; got {type(x).__name__}"
    )


def _kind(dtype: np.dtype, name: str) -> str:
    if dtype.kind == "b":
        return "bool"
    if np.issubdtype(dtype, np.integer):
        return "int"
    if np.issubdtype(dtype, np.floating):
        return "float"
    raise TypeError(
        f"{name} has dtype {dtype}; masks must be boolean, 0/1 integers or floats in [0, 1]"
    )


def _seconds(values: np.ndarray) -> np.ndarray:
    """Datetime and timedelta coordinates as float seconds; numbers as they are."""
    if values.dtype.kind == "M":
        values = values - values.min()
    if values.dtype.kind == "m":
        return values.astype("timedelta64[ns]").astype(np.int64) / 1e9
    return values


def cell_widths(coord: Any, period: float | None = None) -> np.ndarray | float:
    """Widths of the cells centred on the values of a 1-D coordinate.

    Parameters
    ----------
    coord : array_like
        Strictly monotonic cell centres.
    period : float, optional
        Period of the axis; the end cells then share the gap across the seam.

    Returns
    -------
    float or numpy.ndarray
        One width (a uniform grid) or one per cell.

    Raises
    ------
    ValueError
        If the coordinate is not strictly monotonic or does not fit in the period.

    Examples
    --------
    >>> from shapeoverlap.grid import cell_widths
    >>> cell_widths([-179.0, -177.0, -175.0])
    2.0
    >>> cell_widths([0.0, 1.0, 3.0]).tolist()
    [1.0, 1.5, 2.0]
    """
    x = np.asarray(coord, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"a coordinate must be 1-D to give cell widths; got shape {x.shape}")
    if x.size < 2:
        return float(period) if (period is not None and x.size == 1) else 1.0
    d = np.diff(x)
    if not (np.all(d > 0) or np.all(d < 0)):
        raise ValueError(
            f"coordinate values must be strictly monotonic to define cells; got {x[:5].tolist()}…"
        )
    d = np.abs(d)
    span = abs(x[-1] - x[0])
    if np.allclose(d, d[0], rtol=1e-9, atol=0):
        return float(span / (x.size - 1))
    w = np.empty_like(x)
    w[1:-1] = 0.5 * (d[:-1] + d[1:])
    if period is not None:
        gap = period - span
        w[0] = 0.5 * (gap + d[0])
        w[-1] = 0.5 * (d[-1] + gap)
    else:
        w[0], w[-1] = d[0], d[-1]
    return w


@dataclass
class _Grid:
    """Both operands brought to ``(*batch, *reduced)`` order, with their cell measure."""

    a: Any
    b: Any
    soft: str | None
    nbatch: int
    widths: list[np.ndarray]  # per reduced axis, full length
    periods: list[float | None]
    scale: float  # product of the uniform widths (factored out of w)
    w: Any  # per-cell factor (weights × irregular widths), broadcastable, or None
    batch_dims: tuple[Hashable, ...] | None
    batch_coords: dict[Hashable, Any] | None
    lazy: bool
    skipna: bool


def _reduced_axes(ndim: int, axis: Any, dim: Any, dims: tuple[Hashable, ...] | None) -> list[int]:
    if axis is not None and dim is not None:
        raise ValueError("pass either axis= or dim=, not both")
    if dim is not None:
        if dims is None:
            raise TypeError("dim= names DataArray dimensions; use axis= for numpy arrays")
        names = [dim] if isinstance(dim, str) or not isinstance(dim, Sequence) else list(dim)
        out = []
        for d in names:
            if d not in dims:
                raise ValueError(f"dim {d!r} is not a dimension of a; its dims are {dims}")
            out.append(dims.index(d))
    elif axis is not None:
        if not isinstance(axis, (int, np.integer, Sequence)) or isinstance(axis, str):
            raise TypeError(f"axis must be an int or a tuple of ints; got {axis!r}")
        items = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
        out = []
        for ax in items:
            if isinstance(ax, bool) or not isinstance(ax, (int, np.integer)):
                raise TypeError(f"axis must be an int or a tuple of ints; got {axis!r}")
            if not -ndim <= ax < ndim:
                raise ValueError(f"axis {ax} is out of bounds for masks with {ndim} dimensions")
            out.append(int(ax) % ndim)
    else:
        return list(range(ndim))
    if len(set(out)) != len(out):
        raise ValueError(f"repeated axis in {axis if dim is None else dim!r}")
    return sorted(out)


def _align(a: Any, b: Any) -> tuple[Any, Any, tuple[Hashable, ...] | None]:
    """Check that both operands share one grid; return data in a's axis order and the dims."""
    xa, xb = _is_dataarray(a), _is_dataarray(b)
    if xa and xb:
        if set(a.dims) != set(b.dims):
            raise GridMismatchError(f"a has dims {a.dims} but b has dims {b.dims}")
        if b.dims != a.dims:
            b = b.transpose(*a.dims)
        if a.shape != b.shape:
            raise GridMismatchError(
                f"a has shape {dict(a.sizes)} but b has shape {dict(b.sizes)}; "
                "regrid one onto the other (e.g. b.interp_like(a))"
            )
        for d in a.dims:
            if d in a.coords and d in b.coords:
                ca, cb = np.asarray(a[d].values), np.asarray(b[d].values)
                for name, c in (("a", ca), ("b", cb)):
                    if c.dtype.kind in "fcmM" and bool(np.isnan(c).any()):
                        raise ValueError(
                            f"coordinate {d!r} of {name} holds NaN/NaT; a cell needs a "
                            "position (drop or fill those cells)"
                        )
                same = (
                    np.allclose(ca, cb, rtol=1e-12, atol=0)
                    if np.issubdtype(ca.dtype, np.number) and np.issubdtype(cb.dtype, np.number)
                    else np.array_equal(ca, cb)
                )
                if not same:
                    raise GridMismatchError(
                        f"a and b have different {d!r} coordinates (a: {ca[:3].tolist()}…, "
                        f"b: {cb[:3].tolist()}…); regrid one onto the other (b.interp_like(a))"
                    )
                pa, pb = a[d].attrs.get("period"), b[d].attrs.get("period")
                if pa is not None and pb is not None and float(pa) != float(pb):
                    raise GridMismatchError(
                        f"coordinate {d!r} has period {pa} in a but {pb} in b"
                    )
        return a, b, tuple(a.dims)
    da_, other = (a, b) if xa else (b, a)
    if np.shape(a) != np.shape(b):
        raise GridMismatchError(
            f"a has shape {tuple(np.shape(a))} but b has shape {tuple(np.shape(b))}; "
            "masks must lie on the same grid"
        )
    if xa or xb:
        wrapped = da_.copy(data=other)
        return (da_, wrapped, tuple(da_.dims)) if xa else (wrapped, da_, tuple(da_.dims))
    return a, b, None


def _spacing(spacing: Any, ndim: int) -> list[float] | None:
    if spacing is None:
        return None
    try:
        vals = None if isinstance(spacing, str) else np.atleast_1d(
            np.asarray(spacing, dtype=np.float64))
    except (TypeError, ValueError):  # ragged or non-numeric
        vals = None
    if vals is None or vals.ndim != 1:
        raise TypeError(f"spacing must be a number or a sequence of numbers; got {spacing!r}")
    if vals.size == 1 and np.ndim(spacing) == 0:
        vals = np.repeat(vals, ndim)
    if vals.size != ndim:
        raise ValueError(
            f"spacing has {vals.size} values but the masks have {ndim} axes; "
            "give one cell size per axis"
        )
    for i, v in enumerate(vals):
        if not (math.isfinite(v) and v > 0):
            raise ValueError(f"spacing[{i}] must be a positive finite number; got {v!r}")
    return [float(v) for v in vals]


def _periods(
    periodic: Any, a: Any, dims: tuple[Hashable, ...] | None, ndim: int
) -> dict[int, float]:
    out: dict[int, float] = {}
    if dims is not None:  # coordinates carrying a period are periodic by default
        for i, d in enumerate(dims):
            if d in a.coords and "period" in a[d].attrs:
                out[i] = float(a[d].attrs["period"])

    def axis_of(key: Any) -> int:
        if dims is not None and not isinstance(key, (int, np.integer)):
            if key not in dims:
                raise ValueError(f"periodic names {key!r}, which is not a dimension {dims}")
            return dims.index(key)
        if isinstance(key, bool) or not isinstance(key, (int, np.integer)):
            raise TypeError(f"periodic keys must be axis numbers or dim names; got {key!r}")
        if not -ndim <= key < ndim:
            raise ValueError(f"periodic axis {key} is out of bounds for {ndim}-D masks")
        return int(key) % ndim

    if periodic is None:
        pass
    elif isinstance(periodic, Mapping):
        for key, period in periodic.items():
            i = axis_of(key)
            if isinstance(period, bool) or not isinstance(period, (int, float, np.number)):
                raise TypeError(f"periodic[{key!r}] must be a number; got {period!r}")
            if i in out and out[i] != float(period):
                raise ValueError(
                    f"periodic gives {key!r} the period {period!r} but its coordinate's "
                    f'attrs["period"] is {out[i]!r}; drop one of them'
                )
            out[i] = float(period)
    elif isinstance(periodic, Sequence) and not isinstance(periodic, str):
        for key in periodic:
            i = axis_of(key)
            if i not in out:
                raise ValueError(
                    f"periodic names {key!r} without a period and its coordinate has no "
                    f'attrs["period"]; pass a mapping such as {{{key!r}: 360.0}}'
                )
    else:
        raise TypeError(
            f"periodic must be a mapping {{axis or dim: period}} or a sequence of dim names; "
            f"got {periodic!r}"
        )
    for i, period in out.items():
        if not (math.isfinite(period) and period > 0):
            raise ValueError(f"the period of axis {i} must be positive and finite; got {period}")
    return out


def _weights(weights: Any, a: Any, dims: tuple[Hashable, ...] | None) -> Any:
    """Per-cell weights as an array broadcastable to ``a`` (same number of axes)."""
    if weights is None:
        return None
    shape = tuple(a.shape)
    if _is_dataarray(weights):
        if dims is None:
            raise TypeError("weights is a DataArray but a and b are not; pass a numpy array")
        extra = [d for d in weights.dims if d not in dims]
        if extra:
            raise ValueError(f"weights has dims {extra} that a does not have (a: {dims})")
        for d in weights.dims:
            if weights.sizes[d] != a.sizes[d]:
                raise GridMismatchError(
                    f"weights has {weights.sizes[d]} cells along {d!r} but a has {a.sizes[d]}"
                )
            if d in weights.coords and d in a.coords and not np.array_equal(
                np.asarray(weights[d].values), np.asarray(a[d].values)
            ):
                raise GridMismatchError(f"weights and a have different {d!r} coordinates")
        w = weights.transpose(*[d for d in dims if d in weights.dims]).data
        w = w.reshape(tuple(a.sizes[d] if d in weights.dims else 1 for d in dims))
    else:
        w = weights if _is_dask(weights) else np.asarray(weights)
        try:
            ok = np.broadcast_shapes(w.shape, shape) == shape
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(
                f"weights has shape {tuple(w.shape)} but a has shape {shape}; pass cell "
                "measures broadcastable to the masks (or a DataArray with matching dims)"
            )
        w = w.reshape((1,) * (len(shape) - w.ndim) + tuple(w.shape))
    if not _is_dask(w):
        w = np.asarray(w, dtype=np.float64)
        if not np.all(np.isfinite(w)) or np.any(w < 0):
            raise ValueError(
                "weights must be finite and non-negative; got "
                f"min {np.nanmin(w) if w.size else 'n/a'}, NaN present: {bool(np.isnan(w).any())}"
            )
    return w


def _prepare(
    a: Any, b: Any, *, axis: Any, dim: Any, spacing: Any, weights: Any, periodic: Any,
    soft: str, skipna: bool,
) -> _Grid:
    check_choice("soft", soft, ("product", "minmax"))
    if not isinstance(skipna, (bool, np.bool_)):
        raise TypeError(f"skipna must be True or False; got {skipna!r}")
    a, b = _operand(a, "a"), _operand(b, "b")
    a, b, dims = _align(a, b)
    da_a = a if dims is not None else None
    data_a = a.data if dims is not None else a
    data_b = b.data if dims is not None else b
    ka, kb = _kind(data_a.dtype, "a"), _kind(data_b.dtype, "b")
    lazy = _is_dask(data_a) or _is_dask(data_b)
    ndim = data_a.ndim
    red = _reduced_axes(ndim, axis, dim, dims)
    batch = [i for i in range(ndim) if i not in red]
    sp = _spacing(spacing, ndim)
    periods = _periods(periodic, da_a, dims, ndim)

    # Crisp when both are boolean (or 0/1 integers); probabilistic as soon as one is float.
    soft_mode: str | None = soft if "float" in (ka, kb) else None
    if not lazy:
        for data, k, name in ((data_a, ka, "a"), (data_b, kb, "b")):
            if k == "int":
                kern.check_values(np.asarray(data), name, skipna)
        if soft_mode is not None and (ka != "float" or kb != "float"):
            pass  # the float operand is checked inside the kernel
    else:
        import dask.array as dsa

        data_a, data_b = dsa.asarray(data_a), dsa.asarray(data_b)
        if data_a.chunks != data_b.chunks:
            data_b = data_b.rechunk(data_a.chunks)

    def as_mask(x: Any, k: str, name: str) -> Any:
        if soft_mode is None:
            if k == "int":
                if _is_dask(x):
                    x = x.map_blocks(_checked, name=f"check-{name}", token=name, dtype=x.dtype,
                                     label=name, skipna=skipna)
                return x.astype(bool)
            return x
        if k != "float":
            return x.astype(np.float64)
        if _is_dask(x) and not skipna:
            return x.map_blocks(_checked, dtype=x.dtype, label=name, skipna=skipna)
        return x

    data_a, data_b = as_mask(data_a, ka, "a"), as_mask(data_b, kb, "b")

    widths: list[np.ndarray] = []
    scale = 1.0
    irregular: list[tuple[int, np.ndarray]] = []
    for i in red:
        n = data_a.shape[i]
        period = periods.get(i)
        if sp is not None:
            wid: float | np.ndarray = sp[i]
        elif dims is not None and dims[i] in a.coords and a[dims[i]].ndim == 1 and (
            np.issubdtype(a[dims[i]].dtype, np.number) or a[dims[i]].dtype.kind in "mM"
        ):
            wid = cell_widths(_seconds(a[dims[i]].values), period)
        else:
            wid = 1.0
        full = np.broadcast_to(np.asarray(wid, dtype=np.float64), (n,)).copy()
        if period is not None and full.sum() > period * (1 + 1e-9):
            name = f"dim {dims[i]!r}" if dims is not None else f"axis {i}"
            raise ValueError(
                f"{name} spans {full.sum():g} (cells × width) but its period is {period:g}; "
                "give the period in coordinate units"
            )
        widths.append(full)
        if np.ndim(wid) == 0:
            scale *= float(wid)
        else:
            irregular.append((i, full))

    w = _weights(weights, da_a if dims is not None else data_a, dims)
    for i, full in irregular:
        shape = [1] * ndim
        shape[i] = full.size
        w = full.reshape(shape) if w is None else w * full.reshape(shape)

    order = batch + red
    if order != list(range(ndim)):
        data_a = data_a.transpose(order)
        data_b = data_b.transpose(order)
        if w is not None:
            w = w.transpose(order)
    if lazy and w is not None:
        import dask.array as dsa

        if _is_dask(w):
            w = dsa.broadcast_to(w, data_a.shape).rechunk(data_a.chunks)
        else:
            w = dsa.from_array(np.broadcast_to(w, data_a.shape), chunks=data_a.chunks)

    batch_dims = coords = None
    if dims is not None:
        batch_dims = tuple(dims[i] for i in batch)
        coords = {k: v for k, v in a.coords.items() if set(v.dims) <= set(batch_dims)}
    return _Grid(
        data_a, data_b, soft_mode, len(batch), widths, [periods.get(i) for i in red], scale, w,
        batch_dims, coords, lazy, bool(skipna),
    )


def _checked(block: np.ndarray, label: str, skipna: bool) -> np.ndarray:
    kern.check_values(block, label, skipna)
    return block


def _reduce(g: _Grid, kernel: Any, nout: int, keep: int | None = None, **kw: Any) -> Any:
    """Run a keepdims kernel over whole arrays (numpy) or chunk by chunk (dask), then sum."""
    ndim = g.a.ndim
    red = tuple(range(g.nbatch, ndim))
    summed = tuple(i for i in red if i != keep)
    if keep is not None:
        kw["keep"] = keep
    if not g.lazy:
        out = kernel(g.a, g.b, g.w, axis=red, soft=g.soft, **kw)
        return out.reshape(out.shape[: 1 + g.nbatch] + tuple(
            out.shape[1 + i] for i in red if i == keep))
    import dask.array as dsa

    chunks = ((nout,), *(
        (1,) * len(c) if i in summed else c for i, c in enumerate(g.a.chunks)))
    args = [g.a, g.b] + ([g.w] if g.w is not None else [])

    def block(x: np.ndarray, y: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
        return kernel(x, y, w, axis=red, soft=g.soft, **kw)

    parts = dsa.map_blocks(block, *args, new_axis=0, chunks=chunks, dtype=np.float64)
    return parts.sum(axis=tuple(i + 1 for i in summed))


def _post(prof: np.ndarray, widths: np.ndarray, period: float | None) -> np.ndarray:
    """Per-axis geometry from profiles ``(3, ..., n)``: stacked (extent, distance, box...)."""
    extent, box = kern.arc_box(prof[2] > 0, widths, period)
    dist = kern.centroid_distance(prof[0], prof[1], widths, period)
    return np.concatenate([extent[..., None], dist[..., None], box.astype(np.float64)], axis=-1)


def _geometry(g: _Grid) -> tuple[Any, Any, Any]:
    """Hull measure, centre distance and hull diameter over the reduced axes."""
    ndim = g.a.ndim
    nred = ndim - g.nbatch
    ext2: Any = 0.0
    dist2: Any = 0.0
    boxes = []
    hull_sep: Any = 1.0
    for j in range(nred):
        prof = _reduce(g, kern.profiles, 3, keep=g.nbatch + j, skipna=g.skipna)
        width, period = g.widths[j], g.periods[j]
        if g.lazy:
            prof = prof.rechunk({prof.ndim - 1: -1})
            n = width.size
            geo = prof.map_blocks(
                _post, widths=width, period=period, drop_axis=0,
                chunks=(*prof.chunks[1:-1], (n + 2,)), dtype=np.float64,
            )
        else:
            geo = _post(prof, width, period)
        extent, dist, box = geo[..., 0], geo[..., 1], geo[..., 2:]
        ext2 = ext2 + extent**2
        dist2 = dist2 + dist**2
        if g.w is None:
            hull_sep = hull_sep * (box @ width if not g.lazy else (box * width).sum(axis=-1))
        else:
            boxes.append(box)
    if g.w is not None:
        full = g.w * g.scale
        for j, box in enumerate(boxes):
            shape = box.shape[:-1] + tuple(
                box.shape[-1] if k == j else 1 for k in range(nred))
            full = full * box.reshape(shape)
        hull = full.sum(axis=tuple(range(g.nbatch, ndim)))
    else:
        hull = hull_sep
    return hull, dist2**0.5, ext2**0.5


def _wrap(g: _Grid, x: Any) -> Any:
    if g.batch_dims is None:
        if not g.lazy and np.ndim(x) == 0:
            return float(x)
        return x
    import xarray as xr

    return xr.DataArray(x, dims=g.batch_dims, coords=g.batch_coords)


def mask_overlap(
    a: Any,
    b: Any,
    *,
    geometry: bool = True,
    axis: Any = None,
    dim: Any = None,
    spacing: Any = None,
    weights: Any = None,
    periodic: Any = None,
    soft: str = "product",
    skipna: bool = False,
    keep_attrs: bool = False,
) -> OverlapStats:
    """Overlap statistics of two masks on one grid (the engine behind :func:`so.overlap`).

    Parameters
    ----------
    a, b : array_like, xarray.DataArray or dask array
        Masks of one shape: boolean / 0-1 integers (crisp) or floats in ``[0, 1]``.
    geometry : bool, default True
        Also measure hull, centre distance and hull diameter.
    axis, dim, spacing, weights, periodic, soft, skipna
        See :func:`shapeoverlap.overlap` and the module notes.
    keep_attrs : bool, default False
        Unused here (handled by the public measures).

    Returns
    -------
    OverlapStats
        Fields are floats (everything reduced), arrays or DataArrays over the batch axes.

    Raises
    ------
    GridMismatchError
        If the masks, weights or coordinates are on different grids.
    ValueError, TypeError
        If an option or a value is invalid.

    Examples
    --------
    >>> import numpy as np
    >>> from shapeoverlap.grid import mask_overlap
    >>> a = np.array([[1, 1, 0, 0]], bool)
    >>> mask_overlap(a, np.roll(a, 1, axis=1), spacing=(1.0, 0.5)).union
    1.5
    """
    g = _prepare(a, b, axis=axis, dim=dim, spacing=spacing, weights=weights, periodic=periodic,
                 soft=soft, skipna=skipna)
    s = _reduce(g, kern.sums, 4, skipna=skipna)
    inter, size_a, size_b, union = (_wrap(g, s[k] * g.scale) for k in range(4))
    if not geometry:
        return OverlapStats(inter, union, size_a, size_b)
    hull, dist, diag = (_wrap(g, x) for x in _geometry(g))
    return OverlapStats(inter, union, size_a, size_b, hull, dist, diag)
