"""Densities on the phi/psi torus (von Mises KDE by binning + FFT) and highest-density regions."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from .structure import CATEGORIES

__all__ = ["angles_array", "cell_area", "density", "regions", "torus_coords"]

PERIOD = 360.0
#: Upper bound (degrees) of the spread used by the default bandwidth rule: about the width of
#: one Ramachandran basin, so that multimodal samples (glycine) are not over-smoothed.
SPREAD_CAP = 30.0


def torus_coords(resolution: float) -> dict[str, xr.DataArray]:
    """Cell-centre coordinates (degrees) of a regular torus grid starting at -180."""
    n = _cells(resolution)
    centres = -180.0 + resolution * (np.arange(n) + 0.5)
    attrs = {"period": PERIOD, "units": "degree"}
    return {d: xr.DataArray(centres, dims=d, attrs=dict(attrs)) for d in ("phi", "psi")}


def _cells(resolution: Any) -> int:
    if isinstance(resolution, bool) or not isinstance(resolution, (int, float, np.number)):
        raise TypeError(f"resolution must be a number of degrees; got {type(resolution).__name__}")
    res = float(resolution)
    if not (res > 0 and math.isfinite(res)):
        raise ValueError(f"resolution must be a positive number of degrees; got {resolution!r}")
    n = round(PERIOD / res)
    if n < 4 or abs(n * res - PERIOD) > 1e-9 * PERIOD:
        raise ValueError(
            f"resolution must divide 360 into at least 4 cells (e.g. 0.5, 1, 2, 5); "
            f"got {resolution!r}"
        )
    return n


def cell_area(grid: xr.DataArray) -> float:
    """Area of one cell (degrees²) of a regular phi/psi grid."""
    out = 1.0
    for d in ("phi", "psi"):
        out *= PERIOD / grid.sizes[d]
    return out


def _rows(
    angles: Any, category: str | None, name: str = "angles"
) -> tuple[np.ndarray, np.ndarray]:
    """``(M, 2)`` (phi, psi) rows of ``angles`` kept by ``category`` and the boolean row mask."""
    if category is not None and category not in CATEGORIES:
        raise ValueError(
            f"category must be one of {', '.join(map(repr, CATEGORIES))} or None; got {category!r}"
        )
    if isinstance(angles, pd.DataFrame):
        missing = [c for c in ("phi", "psi") if c not in angles.columns]
        if missing:
            raise ValueError(
                f"{name} must have columns 'phi' and 'psi'; missing {missing} "
                f"(columns: {list(angles.columns)})"
            )
        mask = np.ones(len(angles), dtype=bool)
        if category is not None:
            if "category" not in angles.columns:
                raise ValueError(f"category={category!r} needs a 'category' column in {name}")
            mask = (angles["category"] == category).to_numpy()
        arr = angles[["phi", "psi"]].to_numpy(dtype=float)[mask]
    else:
        if category is not None:
            raise ValueError(
                f"category={category!r} needs a DataFrame with a 'category' column; "
                f"{name} is a {type(angles).__name__}"
            )
        try:
            arr = np.asarray(angles, dtype=float)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"{name} must be a DataFrame with phi/psi columns or an (N, 2) array of "
                f"degrees; got {type(angles).__name__}"
            ) from exc
        if arr.ndim != 2 or arr.shape[1] != 2:
            raise ValueError(f"{name} must have shape (N, 2) (phi, psi); got shape {arr.shape}")
        mask = np.ones(len(arr), dtype=bool)
    if np.isinf(arr).any():
        raise ValueError(f"{name} holds infinite angles")
    return arr, mask


def angles_array(angles: Any, category: str | None = None, name: str = "angles") -> np.ndarray:
    """``(N, 2)`` float array of (phi, psi) in degrees, rows with NaN dropped."""
    arr, _ = _rows(angles, category, name)
    return arr[~np.isnan(arr).any(axis=1)]


def _bin_index(values: np.ndarray, n: int) -> np.ndarray:
    # the integer modulo wraps any number of whole turns
    idx = np.floor((values + 180.0) / (PERIOD / n)).astype(np.int64)
    idx %= n
    return idx


def default_bandwidth(arr: np.ndarray, resolution: float) -> float:
    """Rule-of-thumb bandwidth (degrees) for :func:`density` (see its Notes)."""
    n = len(arr)
    rad = np.radians(arr)
    r = np.hypot(np.cos(rad).mean(axis=0), np.sin(rad).mean(axis=0))
    sigma = np.degrees(np.sqrt(-2.0 * np.log(np.clip(r, 1e-12, 1.0))))
    h = 0.9 * min(float(np.min(sigma)), SPREAD_CAP) * n ** (-1.0 / 6.0)
    return max(h, float(resolution))


def _von_mises_fft(n: int, bandwidth: float) -> np.ndarray:
    """FFT of the discrete, unit-sum von Mises kernel on ``n`` cells."""
    res = PERIOD / n
    offsets = np.radians(res * np.minimum(np.arange(n), n - np.arange(n)))
    kappa = 1.0 / math.radians(bandwidth) ** 2
    k = np.exp(kappa * (np.cos(offsets) - 1.0))
    k /= k.sum()
    return np.fft.rfft(k)


def density(
    angles: Any,
    *,
    category: str | None = None,
    resolution: float = 1.0,
    bandwidth: float | None = None,
    weights: Any = None,
) -> xr.DataArray:
    r"""Kernel density of (phi, psi) angles on the torus.

    A von Mises product kernel, computed exactly periodically: the angles are binned on the
    grid, and the histogram is convolved with the kernel by FFT.

    Parameters
    ----------
    angles : pandas.DataFrame or array_like
        A frame with ``phi`` and ``psi`` columns (degrees; e.g. from :func:`phi_psi`), or an
        ``(N, 2)`` array. Rows with a NaN angle are ignored; angles are wrapped into
        ``[-180, 180)``.
    category : str, optional
        Keep only rows of this residue class (needs a ``category`` column).
    resolution : float, default 1.0
        Cell size in degrees; must divide 360.
    bandwidth : float, optional
        Kernel bandwidth in degrees (the von Mises concentration is
        :math:`\kappa = 1/h^2`, ``h`` in radians). Default: see Notes.
    weights : array_like, optional
        Non-negative weight per row (after the category filter, before dropping NaN rows).

    Returns
    -------
    xarray.DataArray
        Density per degree², dims ``("phi", "psi")`` at the cell centres, coordinates with
        ``attrs={"period": 360.0, "units": "degree"}``; ``sum() * cell area == 1``. Attrs
        record the bandwidth and the number of angles.

    Raises
    ------
    ValueError
        If there are no finite angles, or an argument is out of range.
    TypeError
        If ``angles`` or ``resolution`` has the wrong type.

    See Also
    --------
    regions : Highest-density regions of the result.

    Notes
    -----
    The default bandwidth is a Scott/Silverman-type rule on the torus:
    :math:`h = 0.9\,\min(\sigma_\phi, \sigma_\psi, 30°)\, n^{-1/6}` degrees, with
    :math:`\sigma = \sqrt{-2 \ln \bar R}` the circular standard deviation of each angle,
    ``n`` the number of angles (the exponent of a 2-D product kernel), and never below the cell
    size. The 30° cap (about the width of one Ramachandran basin) keeps multimodal samples
    such as glycine from being over-smoothed. Binning to cell centres moves each angle by at
    most half a cell. Shifting every angle
    by a multiple of the cell size rolls the density by exactly that many cells.

    Examples
    --------
    >>> from shapeoverlap.rama import density
    >>> d = density(np.array([[-60.0, -45.0], [-120.0, 130.0]]), resolution=2.0,
    ...             bandwidth=10.0)
    >>> d.shape, round(float(d.sum()) * 4.0, 12)
    ((180, 180), 1.0)
    >>> float(d.idxmax("phi").sel(psi=-45, method="nearest"))  # the cell [-60, -58)
    -59.0
    """
    n = _cells(resolution)
    full, mask = _rows(angles, category)
    finite = ~(np.isnan(full[:, 0]) | np.isnan(full[:, 1]))
    arr = full if finite.all() else full[finite]
    if weights is None:
        w = None
    else:
        try:
            w_all = np.asarray(weights, dtype=float)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"weights must be numbers; got {type(weights).__name__}") from exc
        if w_all.shape != (len(mask),):
            raise ValueError(
                f"weights must have one value per row of angles ({len(mask)}); "
                f"got shape {w_all.shape}"
            )
        if not np.all(np.isfinite(w_all)) or (w_all < 0).any():
            raise ValueError("weights must be finite and non-negative")
        w = w_all[mask][finite]
    if len(arr) == 0 or (w is not None and w.sum() <= 0):
        what = f" of category {category!r}" if category is not None else ""
        raise ValueError(f"angles holds no finite (phi, psi) pair{what} with positive weight")
    if bandwidth is None:
        bw = default_bandwidth(arr, PERIOD / n)
    else:
        if isinstance(bandwidth, bool) or not isinstance(bandwidth, (int, float, np.number)):
            raise TypeError(
                f"bandwidth must be a number of degrees; got {type(bandwidth).__name__}"
            )
        bw = float(bandwidth)
        if not (bw > 0 and math.isfinite(bw)):
            raise ValueError(f"bandwidth must be a positive number of degrees; got {bandwidth!r}")
    i = _bin_index(arr[:, 0], n)
    j = _bin_index(arr[:, 1], n)
    flat = i * n + j
    counts = np.bincount(flat, minlength=n * n) if w is None else np.bincount(
        flat, weights=w, minlength=n * n)
    hist = counts.reshape(n, n).astype(float)
    kf = _von_mises_fft(n, bw)
    # rfft2 transforms the last axis with rfft and the first with a full FFT.
    full_k = np.fft.fft(np.fft.irfft(kf, n))
    spec = np.fft.rfft2(hist) * full_k[:, None] * kf[None, :]
    dens = np.fft.irfft2(spec, s=(n, n))
    np.clip(dens, 0.0, None, out=dens)
    area = (PERIOD / n) ** 2
    dens /= dens.sum() * area
    return xr.DataArray(
        dens,
        dims=("phi", "psi"),
        coords=torus_coords(PERIOD / n),
        name="density",
        attrs={"units": "1/degree^2", "bandwidth": bw, "n_angles": len(arr),
               "category": category or "all"},
    )


def regions(
    density: xr.DataArray, levels: Sequence[float] | float = (0.98, 0.9995)
) -> xr.DataArray:
    """Highest-density regions holding the given probability mass.

    Parameters
    ----------
    density : xarray.DataArray
        Non-negative values on a regular ``(phi, psi)`` grid (e.g. from :func:`density`); need
        not be normalised.
    levels : float or sequence of float, default (0.98, 0.9995)
        Probability masses in ``(0, 1]``.

    Returns
    -------
    xarray.DataArray
        Boolean, dims ``("level", "phi", "psi")``, ``level`` coordinate = ``levels``. For each
        level the region is ``{density >= t}`` with ``t`` the largest threshold whose region
        holds at least that mass; the thresholds are the ``threshold`` coordinate.

    Raises
    ------
    ValueError
        If ``levels`` are outside ``(0, 1]`` or the density is negative, NaN or all zero.
    TypeError
        If ``density`` is not a DataArray with dims phi and psi.

    See Also
    --------
    density : Builds the input.

    Examples
    --------
    >>> from shapeoverlap.rama import density, regions
    >>> d = density(np.array([[-60.0, -45.0]]), resolution=5.0, bandwidth=15.0)
    >>> r = regions(d, levels=[0.5, 0.9])
    >>> r.dims, [int(r.sel(level=lv).sum()) for lv in (0.5, 0.9)]
    (('level', 'phi', 'psi'), [42, 137])
    """
    if not isinstance(density, xr.DataArray) or set(density.dims) != {"phi", "psi"}:
        raise TypeError(
            "density must be an xarray.DataArray with dims ('phi', 'psi'); got "
            f"{type(density).__name__}"
            + (f" with dims {density.dims}" if isinstance(density, xr.DataArray) else "")
        )
    lv = np.atleast_1d(np.asarray(levels, dtype=float))
    if lv.ndim != 1 or len(lv) == 0 or np.any(~(lv > 0)) or np.any(lv > 1):
        raise ValueError(f"levels must be probabilities in (0, 1]; got {levels!r}")
    d = density.transpose("phi", "psi")
    vals = np.asarray(d.values, dtype=float)
    if np.isnan(vals).any() or (vals < 0).any() or vals.sum() <= 0:
        raise ValueError("density must be finite, non-negative and not all zero")
    flat = np.sort(vals.ravel())[::-1]
    mass = np.cumsum(flat) / flat.sum()
    out = np.empty((len(lv), *vals.shape), dtype=bool)
    thresholds = np.empty(len(lv))
    for k, level in enumerate(lv):
        pos = min(int(np.searchsorted(mass, level - 1e-12)), len(flat) - 1)
        t = flat[pos]
        thresholds[k] = t
        out[k] = vals >= t
    return xr.DataArray(
        out,
        dims=("level", "phi", "psi"),
        coords={"level": lv, "threshold": ("level", thresholds), "phi": d["phi"], "psi": d["psi"]},
        name="region",
        attrs={"category": density.attrs.get("category", "")},
    )
