"""Ramachandran plots: reference contours, residues coloured by region, outliers labelled."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["rama"]

_COLOURS = {"favored": "#1f77b4", "allowed": "#ff7f0e", "outlier": "#d62728"}
_FILL = ("#dbe9f6", "#9ecae1")  # allowed, favored


def _wrapped_grid(ref: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pad the grid by one wrapped cell on each side, so contours run across ±180°."""
    vals = np.asarray(ref.transpose("phi", "psi").values, dtype=float)
    phi = np.asarray(ref["phi"].values, dtype=float)
    psi = np.asarray(ref["psi"].values, dtype=float)
    vals = np.pad(vals, 1, mode="wrap")
    phi = np.concatenate([[phi[-1] - 360.0], phi, [phi[0] + 360.0]])
    psi = np.concatenate([[psi[-1] - 360.0], psi, [psi[0] + 360.0]])
    return phi, psi, vals


def _panel(ax: Any, table: Any, ref: Any, title: str | None, label_outliers: bool,
           max_labels: int, markersize: float) -> None:
    phi, psi, vals = _wrapped_grid(ref)
    fav, allowed = ref.attrs["favored_threshold"], ref.attrs["allowed_threshold"]
    top = max(float(vals.max()), fav) * 1.01
    ax.contourf(phi, psi, vals.T, levels=[allowed, fav, top], colors=_FILL)
    ax.contour(phi, psi, vals.T, levels=[allowed, fav], colors=["#6baed6", "#2171b5"],
               linewidths=0.6)
    for region, colour in _COLOURS.items():
        sel = table[table["region"] == region]
        if len(sel):
            ax.scatter(sel["phi"], sel["psi"], s=markersize, c=colour, label=region,
                       edgecolors="none", zorder=3)
    if label_outliers and {"chain", "resseq", "resname"} <= set(table.columns):
        out = table[table["region"] == "outlier"].head(max_labels)
        for r in out.itertuples():
            icode = getattr(r, "icode", "") or ""
            ax.annotate(f"{r.resname} {r.chain}{r.resseq}{icode}", (r.phi, r.psi),
                        xytext=(3, 3), textcoords="offset points", fontsize=7, zorder=4)
    ax.set_xlim(-180, 180)
    ax.set_ylim(-180, 180)
    ax.set_xticks(range(-180, 181, 60))
    ax.set_yticks(range(-180, 181, 60))
    ax.set_aspect("equal")
    ax.set_xlabel("φ (degrees)")
    ax.set_ylabel("ψ (degrees)")
    if title:
        ax.set_title(title, fontsize=10)


def rama(
    angles: Any,
    *,
    reference: Any = None,
    category: str | None = None,
    ax: Any = None,
    by_category: bool = False,
    label_outliers: bool = True,
    max_labels: int = 20,
    markersize: float = 12.0,
    title: str | None = None,
) -> Any:
    """Ramachandran plot: reference regions, residues coloured by region, outliers labelled.

    Parameters
    ----------
    angles : pandas.DataFrame
        From :func:`shapeoverlap.rama.phi_psi` (or classified by
        :func:`shapeoverlap.rama.classify`): ``phi``, ``psi``, ``category`` columns.
    reference : optional
        As in :func:`shapeoverlap.rama.classify`: ``None`` (embedded), a Top8000 folder, or a
        dict ``{category: DataArray}``.
    category : str, optional
        Draw only this class (its reference contours and its residues). Default: every residue
        over the ``general`` contours.
    ax : matplotlib.axes.Axes, optional
        Where to draw (single panel only); a new figure when omitted.
    by_category : bool, default False
        One panel per residue class (a 2 × 3 grid in a new figure; ``ax`` must be None).
    label_outliers : bool, default True
        Write the residue id beside each outlier (at most ``max_labels`` per panel).
    max_labels : int, default 20
        Most outlier labels per panel.
    markersize : float, default 12.0
        Marker area (points²).
    title : str, optional
        Axes title (figure title with ``by_category``).

    Returns
    -------
    matplotlib.axes.Axes or numpy.ndarray of Axes
        The Axes; with ``by_category=True`` the ``(2, 3)`` array of Axes, one per class in
        the order of :data:`shapeoverlap.rama.CATEGORIES`.

    Raises
    ------
    ValueError
        If ``by_category`` is combined with ``ax`` or ``category``, or columns are missing.

    Notes
    -----
    Filled regions are the reference's allowed (light) and favored (dark) regions; the grid is
    padded with wrapped cells before contouring, so the contours have no seam at ±180°.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import shapeoverlap as so
    >>> from shapeoverlap.rama import example_structure, phi_psi
    >>> ax = so.plot.rama(phi_psi(example_structure()))
    >>> [float(v) for v in ax.get_xlim()]
    [-180.0, 180.0]
    """
    import matplotlib.pyplot as plt
    import pandas as pd

    from ..rama import CATEGORIES, classify
    from ..rama.reference import _resolve_references

    if not isinstance(angles, pd.DataFrame):
        raise TypeError(
            f"angles must be a pandas DataFrame from phi_psi; got {type(angles).__name__}"
        )
    if by_category and (ax is not None or category is not None):
        raise ValueError("by_category=True draws its own figure; leave ax and category as None")
    if category is not None and category not in CATEGORIES:
        raise ValueError(f"category must be one of {', '.join(map(repr, CATEGORIES))}; "
                         f"got {category!r}")
    table = angles if "region" in angles.columns else classify(angles, reference)
    if by_category:
        fig, axes = plt.subplots(2, 3, figsize=(13, 9), constrained_layout=True)
        refs = _resolve_references(reference, CATEGORIES)
        for a, cat in zip(axes.ravel(), CATEGORIES, strict=True):
            sub = table[table["category"] == cat] if "category" in table.columns else table
            _panel(a, sub, refs[cat], f"{cat} ({int(sub['region'].notna().sum())})",
                   label_outliers, max_labels, markersize)
        if title:
            fig.suptitle(title)
        return axes
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 6), constrained_layout=True)
    cat = category or "general"
    ref = _resolve_references(reference, [cat])[cat]
    sub = table if category is None or "category" not in table.columns else table[
        table["category"] == category]
    _panel(ax, sub, ref, title, label_outliers, max_labels, markersize)
    if len(sub):
        ax.legend(loc="lower right", fontsize=8, markerscale=1.5)
    return ax
