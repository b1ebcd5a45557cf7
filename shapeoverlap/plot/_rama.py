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


def _outlier_label(r: Any, with_model: bool, with_structure: bool) -> str:
    """``"TYR A17"``, with ``" model 2"`` / ``" (1LCD.pdb)"`` where the figure mixes several."""
    icode = getattr(r, "icode", "") or ""
    label = f"{r.resname} {r.chain}{r.resseq}{icode}"
    if with_model:
        label += f" model {r.model}"
    if with_structure:
        label += f" ({r.structure})"
    return label


def _several(table: Any, column: str) -> bool:
    return column in table.columns and table[column].nunique(dropna=True) > 1


def _panel(ax: Any, table: Any, ref: Any, title: str | None, label_outliers: bool,
           max_labels: int, markersize: float, *, with_model: bool = False,
           with_structure: bool = False) -> None:
    if ref is not None:
        phi, psi, vals = _wrapped_grid(ref)
        fav, allowed = ref.attrs["favored_threshold"], ref.attrs["allowed_threshold"]
        top = max(float(vals.max()), fav) * 1.01
        ax.contourf(phi, psi, vals.T, levels=[allowed, fav, top], colors=_FILL)
        ax.contour(phi, psi, vals.T, levels=[allowed, fav], colors=["#6baed6", "#2171b5"],
                   linewidths=0.6)
    else:
        ax.text(0.5, 0.5, "no reference grid for this class:\nresidues not classified",
                transform=ax.transAxes, ha="center", va="center", fontsize=9, color="0.4")
    for region, colour in _COLOURS.items():
        sel = table[table["region"] == region]
        if len(sel):
            ax.scatter(sel["phi"], sel["psi"], s=markersize, c=colour, label=region,
                       edgecolors="none", zorder=3)
    if label_outliers and {"chain", "resseq", "resname"} <= set(table.columns):
        out = table[table["region"] == "outlier"].head(max_labels)
        for r in out.itertuples():
            ax.annotate(_outlier_label(r, with_model, with_structure), (r.phi, r.psi),
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
        As in :func:`shapeoverlap.rama.classify`: ``None`` (embedded), a Top8000 folder, one
        Top8000 file (its own class only), or a dict ``{category: DataArray}``.
    category : str, optional
        Draw only this class (its reference contours and its residues). Default: every residue
        over the ``general`` contours (over the file's own class when ``reference`` is one
        Top8000 file).
    ax : matplotlib.axes.Axes, optional
        Where to draw (single panel only); a new figure when omitted.
    by_category : bool, default False
        One panel per residue class (a 2 × 3 grid in a new figure; ``ax`` must be None).
    label_outliers : bool, default True
        Write the residue id beside each outlier (at most ``max_labels`` per panel), e.g.
        ``"TYR A17"``; followed by ``" model 2"`` when the table holds several models (an
        NMR ensemble) and by the structure name when it holds several structures.
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
    padded with wrapped cells before contouring, so the contours have no seam at ±180°. The
    single panel has a legend of the residue colours; the per-class figure has one legend for
    all panels (residue colours and the two filled regions) below them. A class the reference
    has no grid for (one Top8000 file given) gets an empty panel saying so.

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

    from ..rama import CATEGORIES
    from ..rama.reference import (
        _classify,
        _read_single_file,
        _resolve_references,
        _single_file,
    )

    if not isinstance(angles, pd.DataFrame):
        raise TypeError(
            f"angles must be a pandas DataFrame from phi_psi; got {type(angles).__name__}"
        )
    if by_category and (ax is not None or category is not None):
        raise ValueError("by_category=True draws its own figure; leave ax and category as None")
    if category is not None and category not in CATEGORIES:
        raise ValueError(f"category must be one of {', '.join(map(repr, CATEGORIES))}; "
                         f"got {category!r}")
    table = angles if "region" in angles.columns else _classify(angles, reference, stacklevel=5)
    # several models (NMR) or structures in one figure: say which one each outlier is from
    with_model = _several(table, "model")
    with_structure = _several(table, "structure")
    if by_category:
        fig, axes = plt.subplots(2, 3, figsize=(13, 9.5), constrained_layout=True)
        refs = _resolve_references(reference, CATEGORIES)
        for a, cat in zip(axes.ravel(), CATEGORIES, strict=True):
            sub = table[table["category"] == cat] if "category" in table.columns else table
            n = int(sub["region"].notna().sum())
            label = f"{cat} ({n})" if cat in refs else f"{cat} (no reference)"
            _panel(a, sub, refs.get(cat), label, label_outliers, max_labels, markersize,
                   with_model=with_model, with_structure=with_structure)
        fig.legend(handles=_legend_handles(), loc="outside lower center", ncols=5, fontsize=9,
                   frameon=False)
        if title:
            fig.suptitle(title)
        return axes
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 6), constrained_layout=True)
    one_file = _single_file(reference)
    if category is not None:
        cat = category
    elif one_file is not None:
        cat = _read_single_file(one_file).attrs["category"]
    else:
        cat = "general"
    refs = _resolve_references(reference, [cat])
    if cat not in refs:
        raise ValueError(
            f"the reference {str(reference)!r} has no grid for category {cat!r}; pass the "
            "Top8000 folder or the file of that class"
        )
    sub = table if category is None or "category" not in table.columns else table[
        table["category"] == category]
    _panel(ax, sub, refs[cat], title, label_outliers, max_labels, markersize,
           with_model=with_model, with_structure=with_structure)
    if len(sub):
        ax.legend(loc="lower right", fontsize=8, markerscale=1.5)
    return ax


def _legend_handles() -> list[Any]:
    """Legend entries of the per-class figure: residue colours and the two filled regions."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    marks = [Line2D([], [], marker="o", linestyle="", markersize=6, markerfacecolor=colour,
                    markeredgecolor="none", label=f"{region} residue")
             for region, colour in _COLOURS.items()]
    fills = [Patch(facecolor=_FILL[1], edgecolor="#2171b5", label="favored region"),
             Patch(facecolor=_FILL[0], edgecolor="#6baed6", label="allowed region")]
    return [*marks, *fills]
