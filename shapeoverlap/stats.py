"""``OverlapStats``: the measured quantities every overlap score is built from.

One small value object holds what a geometry measures about two shapes ``a`` and ``b``
(intersection, union, sizes and, where defined, the enclosing hull, the distance between the
centres and the hull's diameter). The scores below are plain formulas on those numbers, so an
interval set, a mask on a torus and a 3-D volume share one definition of IoU, Dice, GIoU and DIoU,
and one policy for empty unions.

Fields may be Python floats, numpy arrays (batched results), ``xarray.DataArray`` or dask arrays;
the formulas keep the type (dask stays lazy).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from ._validate import check_empty, raise_if_empty

__all__ = ["OverlapStats"]


def _is_dataarray(x: Any) -> bool:
    return type(x).__name__ == "DataArray" and hasattr(x, "dims")


def _is_dask(x: Any) -> bool:
    data = x.data if _is_dataarray(x) else x
    return type(data).__module__.startswith("dask")


def _where(cond: Any, x: Any, y: Any) -> Any:
    if _is_dataarray(cond):
        import xarray as xr

        return xr.where(cond, x, y, keep_attrs=True)
    return np.where(cond, x, y)


def _check_raise(den: Any) -> Any:
    """Apply the ``empty="raise"`` policy; lazy inputs raise when computed."""
    if _is_dask(den):
        data = den.data if _is_dataarray(den) else den

        def _check_block(block: np.ndarray) -> np.ndarray:
            raise_if_empty(int(np.count_nonzero(block == 0)))
            return block

        checked = data.map_blocks(_check_block, dtype=data.dtype)
        return den.copy(data=checked) if _is_dataarray(den) else checked
    raise_if_empty(int(np.count_nonzero(np.asarray(den) == 0)))
    return den


def _finish(x: Any) -> Any:
    """0-d numpy results become Python floats; everything else keeps its type."""
    if isinstance(x, np.ndarray) and x.ndim == 0:
        return float(x)
    if isinstance(x, np.generic):
        return float(x)
    return x


def _ratio(num: Any, den: Any, empty: float | str, value: Any = None) -> Any:
    """``num / den`` where ``den > 0``; ``empty`` (or an error) where ``den == 0``.

    ``value`` optionally replaces ``num / den`` by an expression already computed from the
    safe denominator (used by GIoU/DIoU, which subtract a penalty).
    """
    if empty == "raise":
        den = _check_raise(den)
    ok = den > 0
    safe = _where(ok, den, 1.0)
    out = num / safe if value is None else value(safe)
    return _finish(_where(ok, out, np.nan if empty == "raise" else empty))


@dataclass(frozen=True)
class OverlapStats:
    """Measured quantities of two shapes ``a`` and ``b``, from which every score follows.

    All measures are in the unit of the geometry (seconds, degrees², mm³, cells…).

    Attributes
    ----------
    intersection : float or array
        Measure of ``a ∩ b`` (for probabilistic masks: ``Σ p q``, or ``Σ min(p, q)``).
    union : float or array
        Measure of ``a ∪ b`` (``Σ p + Σ q − Σ p q``, or ``Σ max(p, q)``).
    size_a, size_b : float or array
        Measures of ``a`` and ``b``.
    hull : float or array, optional
        Measure of the smallest enclosing shape of ``a ∪ b`` (interval, arc or bounding box).
    center_distance : float or array, optional
        Distance between the measure-weighted centres of ``a`` and ``b`` (circular means on
        periodic axes, distances along them wrapped).
    hull_diameter : float or array, optional
        Diameter (diagonal) of the hull.

    See Also
    --------
    shapeoverlap.overlap : Computes these statistics for any supported pair of shapes.

    Examples
    --------
    >>> import shapeoverlap as so
    >>> s = so.OverlapStats(intersection=1.0, union=3.0, size_a=2.0, size_b=2.0)
    >>> s.iou(), s.dice()
    (0.3333333333333333, 0.5)
    """

    intersection: Any
    union: Any
    size_a: Any
    size_b: Any
    hull: Any = None
    center_distance: Any = None
    hull_diameter: Any = None

    def _require(self, *names: str) -> None:
        missing = [n for n in names if getattr(self, n) is None]
        if missing:
            raise ValueError(
                f"these statistics were not measured: {', '.join(missing)}; "
                "call so.overlap(a, b) (geometry is measured by default)"
            )

    def iou(self, *, empty: float | str = np.nan) -> Any:
        """Jaccard index ``intersection / union``; ``empty`` where the union is empty."""
        return _ratio(self.intersection, self.union, check_empty(empty))

    def dice(self, *, empty: float | str = np.nan) -> Any:
        """Dice coefficient ``2 intersection / (size_a + size_b)``."""
        return _ratio(2 * self.intersection, self.size_a + self.size_b, check_empty(empty))

    def giou(self, *, empty: float | str = np.nan) -> Any:
        """Generalised IoU ``iou − (hull − union) / hull``, in ``[-1, 1]``."""
        self._require("hull")
        inter, union, hull = self.intersection, self.union, self.hull
        hull_safe = _where(hull > 0, hull, 1.0)

        def value(union_safe: Any) -> Any:
            return inter / union_safe - (hull - union) / hull_safe

        return _ratio(inter, union, check_empty(empty), value)

    def diou(self, *, empty: float | str = np.nan) -> Any:
        """Distance IoU ``iou − center_distance² / hull_diameter²``."""
        self._require("center_distance", "hull_diameter")
        inter, d, diag = self.intersection, self.center_distance, self.hull_diameter
        diag_safe = _where(diag > 0, diag, 1.0)

        def value(union_safe: Any) -> Any:
            return inter / union_safe - (d / diag_safe) ** 2

        return _ratio(inter, self.union, check_empty(empty), value)

    def to_dict(self) -> dict[str, Any]:
        """Return the measured fields as a ``dict`` (fields not measured are left out)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return {k: v for k, v in values.items() if v is not None}

    def compute(self) -> OverlapStats:
        """Compute every lazy (dask-backed) field at once and return numpy-backed stats."""
        import dask

        values = dask.compute(*[getattr(self, f.name) for f in fields(self)])
        return OverlapStats(*(_finish(v) for v in values))
