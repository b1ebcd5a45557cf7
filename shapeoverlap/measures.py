"""The public measures: ``overlap``, ``iou``, ``dice``, ``giou``, ``diou``, ``ciou``.

Each measure dispatches on the kind of shape it is given and reduces it to an
:class:`~shapeoverlap.stats.OverlapStats`; the scores are then the same formulas for every kind.

Shapes understood here:

* :class:`~shapeoverlap.IntervalSet` — exact 1-D sets, optionally on a circle;
* masks on grids — numpy arrays, ``xarray.DataArray`` (numpy- or dask-backed) or dask arrays,
  boolean (crisp sets) or floating in ``[0, 1]`` (probabilistic masks).

Boxes go through :mod:`shapeoverlap.boxes`: a float ``(N, 4)`` array cannot be told apart from a
mask.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._typing import Axis, Dims, Empty, Periodic, Soft, Spacing
from .stats import OverlapStats

__all__ = ["ciou", "dice", "diou", "giou", "iou", "overlap"]

_MASK_ONLY = ("axis", "dim", "spacing", "weights", "periodic", "skipna", "keep_attrs")


def _is_intervals(x: Any) -> bool:
    from .intervals import IntervalSet

    return isinstance(x, IntervalSet)


def _stats(a: Any, b: Any, *, geometry: bool, **kw: Any) -> OverlapStats:
    if _is_intervals(a) or _is_intervals(b):
        from .intervals import IntervalSet, interval_overlap

        if not (isinstance(a, IntervalSet) and isinstance(b, IntervalSet)):
            other = type(b if _is_intervals(a) else a).__name__
            raise TypeError(
                f"a and b must be shapes of the same kind; got an IntervalSet and a {other} "
                "(wrap intervals with so.IntervalSet(...))"
            )
        # axis=0 is an option given, even though 0 == False
        given = [k for k in _MASK_ONLY if kw.get(k) is not None and kw.get(k) is not False]
        if kw.get("soft", "product") != "product":
            given.append("soft")
        if given:
            raise TypeError(
                f"{', '.join(f'{g}=' for g in given)} appl{'ies' if len(given) == 1 else 'y'} "
                "to masks on grids, not to IntervalSet operands"
            )
        return interval_overlap(a, b, geometry=geometry)
    for name, x in (("a", a), ("b", b)):
        # [(0, 1), (2, 5)] reads as a 2-column mask, and values in [0, 1] would even pass
        if isinstance(x, list) and x and all(
            isinstance(t, tuple) and len(t) == 2 for t in x
        ):
            raise TypeError(
                f"{name} is a list of (start, end) pairs; wrap intervals in "
                "so.IntervalSet(...), or pass a numpy array for a mask"
            )
    from .grid import mask_overlap

    return mask_overlap(a, b, geometry=geometry, **kw)


def _keep_attrs(result: Any, a: Any, keep_attrs: bool) -> Any:
    if keep_attrs and hasattr(result, "attrs") and hasattr(a, "attrs"):
        result.attrs.update(a.attrs)
    return result


def overlap(
    a: Any,
    b: Any,
    *,
    axis: Axis = None,
    dim: Dims = None,
    spacing: Spacing = None,
    weights: Any = None,
    periodic: Periodic = None,
    soft: Soft = "product",
    skipna: bool = False,
    geometry: bool = True,
) -> OverlapStats:
    """Measure how two shapes overlap: the primitive behind every score.

    Parameters
    ----------
    a, b : IntervalSet, array_like or xarray.DataArray
        Two shapes of the same kind: two :class:`~shapeoverlap.IntervalSet`, or two masks of
        the same shape on the same grid (boolean, or floating in ``[0, 1]``).
    axis : int or tuple of int, optional
        Array axes reduced (masks only). All by default; the others are batch axes.
    dim : str or sequence of str, optional
        DataArray dims reduced (masks only). All by default.
    spacing : float or sequence of float, optional
        Cell size along every array axis (masks only); overrides coordinates.
    weights : array_like or xarray.DataArray, optional
        Per-cell factor multiplying the cell measure (e.g. ``cos(latitude)``).
    periodic : mapping or sequence, optional
        Periodic axes: ``{axis or dim: period}`` (period in coordinate units), or dim names whose
        coordinate carries ``attrs["period"]``.
    soft : {"product", "minmax"}, default "product"
        Intersection of probabilistic masks: ``Σ p q`` or ``Σ min(p, q)``.
    skipna : bool, default False
        Ignore NaN cells of probabilistic masks instead of rejecting them.
    geometry : bool, default True
        Also measure the hull, the centre distance and the hull diameter (needed by GIoU and
        DIoU; costs a few extra passes over masks).

    Returns
    -------
    OverlapStats
        Measures in the unit of the geometry; batched (array or DataArray) fields for masks
        reduced over some axes only.

    Raises
    ------
    TypeError
        If ``a`` and ``b`` are of different kinds, or mask options are given for intervals.
    ValueError
        If the shapes, grids, spacings or periods disagree, or values are invalid.

    See Also
    --------
    iou, dice, giou, diou : Scores computed from these statistics.

    Examples
    --------
    >>> import shapeoverlap as so
    >>> s = so.overlap(so.IntervalSet([(0, 2)]), so.IntervalSet([(1, 4)]))
    >>> s.intersection, s.union, s.hull, s.center_distance
    (1.0, 4.0, 4.0, 1.5)
    """
    return _stats(
        a, b, geometry=geometry, axis=axis, dim=dim, spacing=spacing, weights=weights,
        periodic=periodic, soft=soft, skipna=skipna,
    )


def iou(
    a: Any,
    b: Any,
    *,
    axis: Axis = None,
    dim: Dims = None,
    spacing: Spacing = None,
    weights: Any = None,
    periodic: Periodic = None,
    soft: Soft = "product",
    skipna: bool = False,
    empty: Empty = np.nan,
    keep_attrs: bool = False,
) -> Any:
    r"""Intersection over union (Jaccard index) of two shapes.

    Parameters
    ----------
    a, b : IntervalSet, array_like or xarray.DataArray
        Two shapes of the same kind (see :func:`overlap`).
    axis, dim, spacing, weights, periodic, soft, skipna
        As in :func:`overlap`.
    empty : float or "raise", default nan
        Value where the union is empty; ``"raise"`` raises :class:`EmptyUnionError`.
    keep_attrs : bool, default False
        Copy the attrs of ``a`` to a DataArray result.

    Returns
    -------
    float, numpy.ndarray or xarray.DataArray
        Score in ``[0, 1]``; batch axes are kept.

    Raises
    ------
    TypeError, ValueError
        As in :func:`overlap`; :class:`EmptyUnionError` for ``empty="raise"``.

    See Also
    --------
    dice : Related by ``dice = 2 iou / (1 + iou)`` for crisp sets.

    Notes
    -----
    .. math:: \mathrm{IoU}(A, B) = \frac{|A \cap B|}{|A \cup B|}

    with :math:`|\cdot|` the measure (length, area weighted by the cells, volume). For
    probabilistic masks the product form is :math:`\sum pq / (\sum p + \sum q - \sum pq)`.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> so.iou(np.array([1, 1, 0], bool), np.array([0, 1, 1], bool))
    0.3333333333333333
    """
    s = _stats(
        a, b, geometry=False, axis=axis, dim=dim, spacing=spacing, weights=weights,
        periodic=periodic, soft=soft, skipna=skipna, keep_attrs=keep_attrs,
    )
    return _keep_attrs(s.iou(empty=empty), a, keep_attrs)


def dice(
    a: Any,
    b: Any,
    *,
    axis: Axis = None,
    dim: Dims = None,
    spacing: Spacing = None,
    weights: Any = None,
    periodic: Periodic = None,
    soft: Soft = "product",
    skipna: bool = False,
    empty: Empty = np.nan,
    keep_attrs: bool = False,
) -> Any:
    r"""Dice coefficient (Sørensen–Dice, F1) of two shapes.

    Parameters
    ----------
    a, b : IntervalSet, array_like or xarray.DataArray
        Two shapes of the same kind (see :func:`overlap`).
    axis, dim, spacing, weights, periodic, soft, skipna
        As in :func:`overlap`.
    empty : float or "raise", default nan
        Value where both shapes are empty.
    keep_attrs : bool, default False
        Copy the attrs of ``a`` to a DataArray result.

    Returns
    -------
    float, numpy.ndarray or xarray.DataArray
        Score in ``[0, 1]``.

    Raises
    ------
    TypeError, ValueError
        As in :func:`overlap`.

    See Also
    --------
    iou : Jaccard index.

    Notes
    -----
    .. math:: \mathrm{Dice}(A, B) = \frac{2 |A \cap B|}{|A| + |B|}

    Soft Dice (product form) is :math:`2 \sum pq / (\sum p + \sum q)`.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> so.dice(np.array([1, 1, 0], bool), np.array([0, 1, 1], bool))
    0.5
    """
    s = _stats(
        a, b, geometry=False, axis=axis, dim=dim, spacing=spacing, weights=weights,
        periodic=periodic, soft=soft, skipna=skipna, keep_attrs=keep_attrs,
    )
    return _keep_attrs(s.dice(empty=empty), a, keep_attrs)


def giou(
    a: Any,
    b: Any,
    *,
    axis: Axis = None,
    dim: Dims = None,
    spacing: Spacing = None,
    weights: Any = None,
    periodic: Periodic = None,
    soft: Soft = "product",
    skipna: bool = False,
    empty: Empty = np.nan,
    keep_attrs: bool = False,
) -> Any:
    r"""Generalised IoU (Rezatofighi et al. 2019) of two shapes, in ``[-1, 1]``.

    Parameters
    ----------
    a, b : IntervalSet, array_like or xarray.DataArray
        Two shapes of the same kind (see :func:`overlap`).
    axis, dim, spacing, weights, periodic, soft, skipna
        As in :func:`overlap`.
    empty : float or "raise", default nan
        Value where both shapes are empty.
    keep_attrs : bool, default False
        Copy the attrs of ``a`` to a DataArray result.

    Returns
    -------
    float, numpy.ndarray or xarray.DataArray
        Score in ``[-1, 1]``.

    Raises
    ------
    TypeError, ValueError
        As in :func:`overlap`.

    See Also
    --------
    diou : Penalises the distance between centres instead of the empty hull.

    Notes
    -----
    .. math:: \mathrm{GIoU} = \mathrm{IoU} - \frac{|C| - |A \cup B|}{|C|}

    :math:`C` is the hull: for interval sets the smallest enclosing interval (on a circle the
    shortest arc holding both sets); for masks the bounding box of the union's cells (on a
    periodic axis the shortest arc holding them), measured with the same cell measure.
    ``giou(a, a)`` is therefore ``|A| / |C|``: 1 for an interval or a box-shaped mask, less
    for a set with holes or gaps.

    Examples
    --------
    >>> import shapeoverlap as so
    >>> so.giou(so.IntervalSet([(0, 1)]), so.IntervalSet([(3, 4)]))
    -0.5
    """
    s = _stats(
        a, b, geometry=True, axis=axis, dim=dim, spacing=spacing, weights=weights,
        periodic=periodic, soft=soft, skipna=skipna,
    )
    return _keep_attrs(s.giou(empty=empty), a, keep_attrs)


def diou(
    a: Any,
    b: Any,
    *,
    axis: Axis = None,
    dim: Dims = None,
    spacing: Spacing = None,
    weights: Any = None,
    periodic: Periodic = None,
    soft: Soft = "product",
    skipna: bool = False,
    empty: Empty = np.nan,
    keep_attrs: bool = False,
) -> Any:
    r"""Distance IoU (Zheng et al. 2020) of two shapes, in ``[-1, 1]``.

    Parameters
    ----------
    a, b : IntervalSet, array_like or xarray.DataArray
        Two shapes of the same kind (see :func:`overlap`).
    axis, dim, spacing, weights, periodic, soft, skipna
        As in :func:`overlap`.
    empty : float or "raise", default nan
        Value where both shapes are empty.
    keep_attrs : bool, default False
        Copy the attrs of ``a`` to a DataArray result.

    Returns
    -------
    float, numpy.ndarray or xarray.DataArray
        Score in ``[-1, 1]``.

    Raises
    ------
    TypeError, ValueError
        As in :func:`overlap`.

    See Also
    --------
    giou : Penalises the empty part of the hull.

    Notes
    -----
    .. math:: \mathrm{DIoU} = \mathrm{IoU} - \frac{\rho^2(c_A, c_B)}{d_C^2}

    :math:`c_A, c_B` are the measure-weighted centroids (circular means on periodic axes, the
    distance along such an axis wrapped to at most half a period), :math:`d_C` the diagonal
    of the hull used by :func:`giou`. If a set is spread evenly around a circle its circular
    mean is undefined and that axis adds nothing to :math:`\rho`.

    Examples
    --------
    >>> import shapeoverlap as so
    >>> so.diou(so.IntervalSet([(0, 1)]), so.IntervalSet([(3, 4)]))
    -0.5625
    """
    s = _stats(
        a, b, geometry=True, axis=axis, dim=dim, spacing=spacing, weights=weights,
        periodic=periodic, soft=soft, skipna=skipna,
    )
    return _keep_attrs(s.diou(empty=empty), a, keep_attrs)


def ciou(a: Any, b: Any, **kw: Any) -> Any:
    """Complete IoU: defined for boxes only (it needs aspect ratios).

    Parameters
    ----------
    a, b : array_like
        Boxes ``(..., 4)`` in ``xyxy`` format (a numeric array is read as boxes here, not
        as a mask; masks, DataArrays and interval sets raise ``TypeError``).
    **kw
        Passed to :func:`shapeoverlap.boxes.ciou`.

    Returns
    -------
    float or numpy.ndarray
        Elementwise CIoU.

    Raises
    ------
    ValueError
        If the boxes are invalid.

    See Also
    --------
    shapeoverlap.boxes.ciou : The implementation.

    Examples
    --------
    >>> import shapeoverlap as so
    >>> so.ciou([0, 0, 2, 2], [0, 0, 2, 2])
    1.0
    """
    import importlib

    for name, x in (("a", a), ("b", b)):
        kind = None
        if _is_intervals(x):
            kind = "an IntervalSet"
        elif type(x).__module__.split(".")[0] in ("xarray", "dask"):
            kind = f"a {type(x).__name__} (a mask)"
        elif isinstance(x, np.ndarray) and x.dtype == bool:
            kind = "a boolean mask"
        if kind is not None:
            raise TypeError(
                f"ciou is defined for boxes only (it needs aspect ratios) and {name} is {kind}; "
                "use so.diou for masks and interval sets, or pass (..., 4) xyxy boxes"
            )
    try:
        boxes = importlib.import_module("shapeoverlap.boxes")
    except ModuleNotFoundError as exc:
        raise NotImplementedError(
            "CIoU needs box aspect ratios and is computed by shapeoverlap.boxes, which this "
            "version does not include yet"
        ) from exc
    return boxes.ciou(a, b, **kw)
