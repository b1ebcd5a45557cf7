"""Reference Ramachandran distributions, residue classification, summaries and comparisons.

Two kinds of reference:

* the **embedded** one, built by :func:`build_reference` from the CC0 PDB entries shipped in
  ``shapeoverlap/data/rama/`` (see the README there): a density per residue class, with
  favored / allowed thresholds at its 98 % / 99.95 % highest-density regions;
* MolProbity's **Top8000** grids (Williams et al. 2018, CC BY 4.0), read from a path the user
  gives, with MolProbity's own thresholds.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from ..errors import FileFormatError
from .density import PERIOD, density, regions, torus_coords
from .structure import CATEGORIES, phi_psi

__all__ = [
    "ALLOWED_LEVEL",
    "FAVORED_LEVEL",
    "TOP8000_FILES",
    "build_reference",
    "classify",
    "compare",
    "example_structure",
    "read_top8000",
    "reference",
    "summary",
]

#: Probability mass of the embedded reference's favored and allowed regions.
FAVORED_LEVEL = 0.98
ALLOWED_LEVEL = 0.9995

#: Top8000 file stem of each residue class.
TOP8000_FILES = {
    "general": "general-noGPIVpreP",
    "glycine": "gly-sym",
    "trans-proline": "transpro",
    "cis-proline": "cispro",
    "pre-proline": "prepro-noGP",
    "ile-val": "ileval-nopreP",
}
#: MolProbity's thresholds on the Top8000 values.
TOP8000_FAVORED = 0.02
TOP8000_ALLOWED = {"general": 0.0005, "cis-proline": 0.002}
TOP8000_ALLOWED_OTHER = 0.001

REGIONS = ("favored", "allowed", "outlier")
_DATA = Path(__file__).resolve().parents[1] / "data" / "rama"
_ANGLES_FILE = "reference_angles.csv.gz"


def _check_category(category: Any) -> str:
    if category not in CATEGORIES:
        raise ValueError(
            f"category must be one of {', '.join(map(repr, CATEGORIES))}; got {category!r}"
        )
    return str(category)


def example_structure(name: str = "5PTI.cif.gz") -> Path:
    """Path of a PDB/mmCIF entry shipped with the package (CC0, wwPDB).

    Parameters
    ----------
    name : str, default "5PTI.cif.gz"
        File name in ``shapeoverlap/data/rama/structures`` (see its README for the list).

    Returns
    -------
    pathlib.Path
        The file.

    Raises
    ------
    ValueError
        If no such file is shipped.

    Examples
    --------
    >>> from shapeoverlap.rama import example_structure
    >>> example_structure().name
    '5PTI.cif.gz'
    """
    folder = _DATA / "structures"
    path = folder / str(name)
    if not path.is_file():
        shipped = sorted(p.name for p in folder.iterdir() if p.is_file())
        raise ValueError(f"no shipped structure named {name!r}; shipped: {', '.join(shipped)}")
    return path


# --------------------------------------------------------------------------- Top8000


def _top8000_category(path: Path) -> str | None:
    name = path.name.lower()  # file systems and copies may change the case
    for cat, stem in TOP8000_FILES.items():
        if name.endswith(f"{stem.lower()}.data"):
            return cat
    return None


def read_top8000(path: str | os.PathLike[str], category: str | None = None) -> xr.DataArray:
    """Read one MolProbity Top8000 ``.data`` grid.

    Parameters
    ----------
    path : str or os.PathLike
        A ``rama8000-*.data`` file: ``#`` header lines, then ``phi psi value`` rows for the
        non-zero cells of a 180 × 180 grid of 2° cells centred on odd degrees.
    category : str, optional
        Residue class of the grid; taken from the file name by default.

    Returns
    -------
    xarray.DataArray
        Values on dims ``("phi", "psi")`` (centres -179 … 179), absent cells 0; attrs
        ``category``, ``source="top8000"``, ``favored_threshold`` and ``allowed_threshold``
        (MolProbity's).

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    FileFormatError
        If a row is malformed or off the grid (the message names file and line).
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"Top8000 file not found: {str(p)!r}")
    cat = category if category is not None else _top8000_category(p)
    if cat is None:
        raise ValueError(
            f"cannot tell the residue class of {p.name!r} from its name; pass category="
        )
    cat = _check_category(cat)
    n = 180
    grid = np.zeros((n, n))
    seen = 0
    with open(p, encoding="utf-8", errors="replace") as fh:
        for lineno, line in enumerate(fh, start=1):
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            parts = s.split()
            try:
                if len(parts) != 3:
                    raise ValueError(f"expected 'phi psi value', got {len(parts)} fields")
                phi, psi, val = (float(x) for x in parts)
            except ValueError as exc:
                raise FileFormatError(f"{p}, line {lineno}: {exc}: {s[:60]!r}") from exc
            i = (phi + 179.0) / 2.0
            j = (psi + 179.0) / 2.0
            ii, jj = round(i), round(j)
            if abs(i - ii) > 1e-6 or abs(j - jj) > 1e-6 or not (0 <= ii < n and 0 <= jj < n):
                raise FileFormatError(
                    f"{p}, line {lineno}: ({phi}, {psi}) is not the centre of a 2° cell "
                    "(expected odd degrees from -179 to 179)"
                )
            grid[ii, jj] = val
            seen += 1
    if seen == 0:
        raise FileFormatError(f"{p}: no 'phi psi value' rows found")
    allowed = TOP8000_ALLOWED.get(cat, TOP8000_ALLOWED_OTHER)
    return xr.DataArray(
        grid, dims=("phi", "psi"), coords=torus_coords(2.0), name="top8000",
        attrs={"category": cat, "source": "top8000", "favored_threshold": TOP8000_FAVORED,
               "allowed_threshold": allowed, "file": str(p)},
    )


def _top8000_file(folder: Path, category: str) -> Path:
    stem = TOP8000_FILES[category]
    hits = sorted(p for p in folder.iterdir() if _top8000_category(p) == category)
    if not hits:
        raise FileNotFoundError(
            f"no Top8000 file '*{stem}.data' for category {category!r} in {str(folder)!r}"
        )
    return hits[0]


# --------------------------------------------------------------------------- embedded


@functools.lru_cache(maxsize=1)
def _embedded_angles() -> pd.DataFrame:
    return pd.read_csv(_DATA / _ANGLES_FILE, keep_default_na=False, na_values=[""],
                       dtype={"chain": str, "icode": str})


def _with_thresholds(dens: xr.DataArray, levels: tuple[float, float]) -> xr.DataArray:
    reg = regions(dens, levels=levels)
    dens.attrs["favored_threshold"] = float(reg["threshold"][0])
    dens.attrs["allowed_threshold"] = float(reg["threshold"][1])
    dens.attrs["favored_level"] = levels[0]
    dens.attrs["allowed_level"] = levels[1]
    return dens


@functools.lru_cache(maxsize=32)
def _embedded(category: str, resolution: float) -> xr.DataArray:
    table = _embedded_angles()
    dens = density(table, category=category, resolution=resolution)
    dens.attrs["source"] = "embedded"
    return _with_thresholds(dens, (FAVORED_LEVEL, ALLOWED_LEVEL))


def reference(
    category: str = "general",
    path: str | os.PathLike[str] | None = None,
    *,
    resolution: float = 2.0,
) -> xr.DataArray:
    """Return the reference Ramachandran distribution of one residue class.

    Parameters
    ----------
    category : str, default "general"
        One of ``general, glycine, trans-proline, cis-proline, pre-proline, ile-val``.
    path : str or os.PathLike, optional
        MolProbity Top8000 grids: a ``rama8000-*.data`` file or the folder holding them. The
        embedded reference is used when omitted.
    resolution : float, default 2.0
        Cell size (degrees) of the embedded density; ignored for Top8000 (always 2°).

    Returns
    -------
    xarray.DataArray
        Dims ``("phi", "psi")`` with periodic coordinates; attrs ``category``, ``source``
        (``"embedded"`` or ``"top8000"``), ``favored_threshold`` and ``allowed_threshold``.
        The embedded reference is a density (per degree², integrating to 1) whose thresholds
        bound its 98 % and 99.95 % highest-density regions; Top8000 values are MolProbity's,
        with its thresholds (0.02; 0.0005 general, 0.002 cis-Pro, 0.001 others).

    Raises
    ------
    ValueError
        If ``category`` is unknown.
    FileNotFoundError
        If ``path`` holds no grid for ``category``.

    See Also
    --------
    build_reference : Build such densities from any structures.
    classify : Use a reference to classify residues.

    Notes
    -----
    The embedded reference is the :func:`density` (default bandwidth rule) of the angles of
    the shipped entries listed in ``shapeoverlap/data/rama/README.md``, keeping the residues
    that pass the quality filters of :func:`build_reference` (7 120 of 10 508). Its
    cis-proline class rests on 12 residues only: its regions are rough, and that class is the
    least reliable (``attrs["n_angles"]`` gives each class's count). When citing results
    obtained with Top8000 grids, credit the Richardson Lab (Williams et al. 2018, Protein
    Science 27:293–315).

    Examples
    --------
    >>> from shapeoverlap.rama import reference
    >>> ref = reference("glycine")
    >>> ref.dims, ref.attrs["source"], round(float(ref.sum()) * 4.0, 9)
    (('phi', 'psi'), 'embedded', 1.0)
    """
    cat = _check_category(category)
    if path is None:
        return _embedded(cat, float(resolution)).copy(deep=True)
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike; got {type(path).__name__}")
    p = Path(path)
    if p.is_dir():
        return read_top8000(_top8000_file(p, cat), cat)
    if not p.exists():
        raise FileNotFoundError(f"reference path not found: {str(p)!r}")
    file_cat = _top8000_category(p)
    if file_cat is not None and file_cat != cat:
        raise ValueError(
            f"{p.name!r} is the Top8000 grid of {file_cat!r}, not of category {cat!r}; "
            "pass the folder to pick by category"
        )
    return read_top8000(p, cat)


#: Residue-level quality filters of :func:`build_reference` (and of the embedded reference),
#: in the spirit of the Top500 / Top8000 curation (Lovell et al. 2003; Williams et al. 2018).
MAX_BFACTOR = 30.0
MIN_OCCUPANCY = 1.0
#: Engh & Huber (1991): N-CA-C angle 111.2 ± 2.8°; 4σ is MolProbity's geometry-outlier cut.
TAU_IDEAL = 111.2
MAX_TAU_DEVIATION = 11.2
#: A class resting on fewer residues than this is built with a warning (rough regions).
MIN_RESIDUES = 30
_QUALITY_COLUMNS = {"max_bfactor": "bfactor", "min_occupancy": "occupancy",
                    "include_altlocs": "altloc", "include_near_breaks": "near_break",
                    "max_tau_deviation": "tau"}


def _quality_mask(
    table: pd.DataFrame,
    *,
    max_bfactor: float | None = MAX_BFACTOR,
    min_occupancy: float | None = MIN_OCCUPANCY,
    include_altlocs: bool = False,
    include_near_breaks: bool = False,
    max_tau_deviation: float | None = MAX_TAU_DEVIATION,
    by: str | None = "structure",
) -> tuple[np.ndarray, list[str]]:
    """Rows of a :func:`phi_psi` table that pass the quality filters of :func:`build_reference`.

    Returns the boolean mask and the names of the active filters whose column is missing
    (those are not applied). B factors are used only within a structure (``by`` column, or
    the whole table) whose backbone B factors are not all equal: a constant B (e.g. every
    atom at 100.00 in files whose B factors were stripped) carries no information.
    """
    active = {"max_bfactor": max_bfactor is not None,
              "min_occupancy": min_occupancy is not None,
              "include_altlocs": not include_altlocs,
              "include_near_breaks": not include_near_breaks,
              "max_tau_deviation": max_tau_deviation is not None}
    skipped = [k for k, on in active.items() if on and _QUALITY_COLUMNS[k] not in table.columns]
    keep = np.ones(len(table), dtype=bool)
    if active["max_bfactor"] and "max_bfactor" not in skipped:
        b = table["bfactor"].to_numpy(dtype=float)
        if by is not None and by in table.columns:
            span = table.groupby(by, sort=False)["bfactor"].transform(lambda x: x.max() - x.min())
            informative = span.to_numpy(dtype=float) > 0
        else:
            informative = np.full(len(table), np.nanmax(b) - np.nanmin(b) > 0 if len(b) else False)
        with np.errstate(invalid="ignore"):
            keep &= ~informative | (b < float(max_bfactor))  # type: ignore[arg-type]
    if active["min_occupancy"] and "min_occupancy" not in skipped:
        with np.errstate(invalid="ignore"):
            keep &= table["occupancy"].to_numpy(dtype=float) >= float(min_occupancy)  # type: ignore[arg-type]
    if active["include_altlocs"] and "include_altlocs" not in skipped:
        keep &= (table["altloc"].fillna("").astype(str) == "").to_numpy()
    if active["include_near_breaks"] and "include_near_breaks" not in skipped:
        keep &= ~table["near_break"].to_numpy(dtype=bool)
    if active["max_tau_deviation"] and "max_tau_deviation" not in skipped:
        with np.errstate(invalid="ignore"):
            dev = np.abs(table["tau"].to_numpy(dtype=float) - TAU_IDEAL)
            keep &= dev <= float(max_tau_deviation)  # type: ignore[arg-type]
    return keep, skipped


def build_reference(
    sources: Iterable[Any] | pd.DataFrame,
    *,
    categories: Sequence[str] = CATEGORIES,
    resolution: float = 2.0,
    bandwidth: float | None = None,
    levels: tuple[float, float] = (FAVORED_LEVEL, ALLOWED_LEVEL),
    progress: bool = False,
    max_bfactor: float | None = MAX_BFACTOR,
    min_occupancy: float | None = MIN_OCCUPANCY,
    include_altlocs: bool = False,
    include_near_breaks: bool = False,
    max_tau_deviation: float | None = MAX_TAU_DEVIATION,
    min_residues: int = MIN_RESIDUES,
) -> dict[str, xr.DataArray]:
    """Build reference densities, one per residue class, from well-determined residues.

    Parameters
    ----------
    sources : iterable of path or Structure, or pandas.DataFrame
        Structures read with :func:`phi_psi` (every model, ``quality=True``), or a frame it
        returned (with ``quality=True`` for the filters to apply; a ``structure`` column
        tells the structures apart).
    categories : sequence of str, default all six classes
        Classes to build; a class without angles raises.
    resolution, bandwidth
        Passed to :func:`density`.
    levels : (float, float), default (0.98, 0.9995)
        Masses of the favored and allowed regions, stored as thresholds in the attrs.
    progress : bool, default False
        Show a progress bar (stderr) while reading structures.
    max_bfactor : float or None, default 30.0
        Keep residues whose N, CA and C B factors are all below this (Å²), as Lovell et al.
        (2003). Applied only to structures whose backbone B factors are not all equal (a
        constant B, e.g. files with B stripped to 100.00, carries no information). ``None``
        turns the filter off. Predicted models (AlphaFold and the like) store a confidence
        (pLDDT, high is good) in that column, so pass ``None`` for them: the filter would
        keep the least confident residues.
    min_occupancy : float or None, default 1.0
        Keep residues whose N, CA and C are at least this occupied (full occupancy by
        default: no partly occupied backbone, no minor variant of a point mutation).
    include_altlocs : bool, default False
        Keep residues whose backbone has alternate locations.
    include_near_breaks : bool, default False
        Keep residues within one residue of a chain end or break (often poorly ordered).
    max_tau_deviation : float or None, default 11.2
        Keep residues whose N–CA–C angle τ is within this many degrees of 111.2° (4σ of
        Engh & Huber's 111.2 ± 2.8°, MolProbity's geometry-outlier cut): a strained τ
        marks a distorted, often misfitted backbone.
    min_residues : int, default 30
        Warn when a class rests on fewer residues than this after filtering.

    Returns
    -------
    dict of str to xarray.DataArray
        ``{category: density}``, each usable as a reference for :func:`classify`; attrs
        ``n_angles`` (residues used) and ``n_filtered`` (residues of the class removed by the
        quality filters).

    Raises
    ------
    ValueError
        If a category is unknown or has no angles left (none at all, or none passing the
        quality filters), or ``levels`` are not ``0 < favored <= allowed < 1``.

    Warns
    -----
    UserWarning
        If ``sources`` is a frame without a column a filter needs (the filter is skipped;
        read with ``phi_psi(..., quality=True)`` or turn that filter off), or if a class
        keeps fewer than ``min_residues`` residues.

    See Also
    --------
    phi_psi : With ``quality=True``, the columns the filters use.
    reference : The embedded reference, built with these defaults.

    Notes
    -----
    Reference sets such as the Top500 (Lovell et al. 2003) and Top8000 (Williams et al.
    2018) keep only well-determined residues: a residue in weak density is modelled with
    little evidence and may sit anywhere, and a few such residues in rare places are enough
    to open a "favored" or "allowed" region where there should be none. The filters here
    are those that the atom records allow: B factors, occupancy, alternate locations,
    distance to chain breaks and backbone geometry. Resolution and fit to density, which
    the Top8000 also uses, are not read.

    References
    ----------
    Lovell, S. C. et al. (2003). Structure validation by Cα geometry: φ, ψ and Cβ
    deviation. Proteins 50, 437–450.
    Williams, C. J. et al. (2018). MolProbity: More and better reference data for improved
    all-atom structure validation. Protein Science 27, 293–315.

    Examples
    --------
    >>> from shapeoverlap.rama import build_reference, example_structure
    >>> refs = build_reference([example_structure("1a28.pdb.gz")], categories=["general"])
    >>> refs["general"].attrs["n_angles"], refs["general"].attrs["n_filtered"]
    (221, 159)
    """
    cats = [_check_category(c) for c in categories]
    if isinstance(min_residues, bool) or not isinstance(min_residues, (int, np.integer)):
        raise TypeError(f"min_residues must be an int; got {type(min_residues).__name__}")
    try:
        fav, allow = (float(v) for v in levels)
    except (TypeError, ValueError):
        raise ValueError(f"levels must be two masses (favored, allowed); got {levels!r}") from None
    if not 0 < fav <= allow < 1:
        raise ValueError(f"levels must satisfy 0 < favored <= allowed < 1 (the favored region "
                         f"lies inside the allowed one); got {levels!r}")
    if min_occupancy is not None and not isinstance(min_occupancy, bool) and isinstance(
            min_occupancy, (int, float, np.number)) and min_occupancy > 1:
        raise ValueError(f"min_occupancy is at most 1 (full occupancy); got {min_occupancy!r}")
    for key, value in (("max_bfactor", max_bfactor), ("min_occupancy", min_occupancy),
                       ("max_tau_deviation", max_tau_deviation)):
        if value is not None and (isinstance(value, bool) or not isinstance(
                value, (int, float, np.number)) or not np.isfinite(value) or value < 0):
            raise ValueError(f"{key} must be a non-negative number or None; got {value!r}")
    if isinstance(sources, pd.DataFrame):
        table = sources
        by = "structure"
    else:
        if isinstance(sources, (str, os.PathLike)):
            sources = [sources]
        items = list(sources)
        if progress:
            from tqdm.auto import tqdm

            items = tqdm(items, desc="reading structures", unit="file")
        frames = [phi_psi(s, quality=True).assign(_source=i) for i, s in enumerate(items)]
        if not frames:
            raise ValueError("sources is empty; pass at least one structure")
        table = pd.concat(frames, ignore_index=True)
        by = "_source"
    keep, skipped = _quality_mask(
        table, max_bfactor=max_bfactor, min_occupancy=min_occupancy,
        include_altlocs=include_altlocs, include_near_breaks=include_near_breaks,
        max_tau_deviation=max_tau_deviation, by=by,
    )
    import warnings

    if skipped:
        columns = [_QUALITY_COLUMNS[k] for k in skipped]
        off = ", ".join(f"{k}={'True' if k.startswith('include') else 'None'}" for k in skipped)
        warnings.warn(
            f"sources has no column(s) {columns}: those quality filters are not applied; read "
            f"the structures with phi_psi(..., quality=True), or pass {off} to silence this "
            "warning", UserWarning, stacklevel=2,
        )
    both = (table["phi"].notna() & table["psi"].notna()).to_numpy()
    kept = table[keep]
    out = {}
    for cat in cats:
        in_cat = both & (table["category"] == cat).to_numpy() if "category" in table.columns \
            else both
        n_kept = int((in_cat & keep).sum())
        if n_kept == 0 and in_cat.any():
            raise ValueError(
                f"category {cat!r}: none of its {int(in_cat.sum())} residue(s) pass the quality "
                "filters; loosen them (max_bfactor, min_occupancy, include_altlocs, "
                "include_near_breaks, max_tau_deviation) or add structures"
            )
        if 0 < n_kept < min_residues:
            warnings.warn(
                f"category {cat!r} keeps {n_kept} residue(s) after the quality filters "
                f"({int(in_cat.sum())} before), fewer than min_residues={min_residues}: its "
                "regions are rough; add structures or loosen the filters",
                UserWarning, stacklevel=2,
            )
        dens = density(kept, category=cat, resolution=resolution, bandwidth=bandwidth)
        dens.attrs["source"] = "built"
        dens.attrs["n_filtered"] = int(in_cat.sum()) - n_kept
        out[cat] = _with_thresholds(dens, (fav, allow))
    return out


# --------------------------------------------------------------------------- classify


def interpolate(ref: xr.DataArray, phi: np.ndarray, psi: np.ndarray) -> np.ndarray:
    """Bilinear interpolation of a periodic grid between cell centres (wrapping), as MolProbity."""
    vals = np.asarray(ref.transpose("phi", "psi").values, dtype=float)
    out = np.full(np.shape(phi), np.nan)
    ok = ~(np.isnan(phi) | np.isnan(psi))
    coords = []
    for axis, x in (("phi", np.asarray(phi, float)[ok]), ("psi", np.asarray(psi, float)[ok])):
        c = np.asarray(ref[axis].values, dtype=float)
        n = len(c)
        w = PERIOD / n
        u = (x - c[0]) / w
        i0 = np.floor(u)
        f = u - i0
        i0 = np.mod(i0.astype(np.int64), n)
        coords.append((i0, np.mod(i0 + 1, n), f))
    (i0, i1, f), (j0, j1, g) = coords
    out[ok] = ((1 - f) * (1 - g) * vals[i0, j0] + f * (1 - g) * vals[i1, j0]
               + (1 - f) * g * vals[i0, j1] + f * g * vals[i1, j1])
    return out


def _single_file(reference_arg: Any) -> Path | None:
    """Return the path when ``reference_arg`` names one Top8000 ``.data`` file, else None."""
    if isinstance(reference_arg, (str, os.PathLike)) and Path(reference_arg).is_file():
        return Path(reference_arg)
    return None


def _read_single_file(p: Path) -> xr.DataArray:
    cat = _top8000_category(p)
    if cat is None:
        raise ValueError(
            f"cannot tell the residue class of the reference file {p.name!r} from its name "
            f"(expected rama8000-<class>.data, e.g. rama8000-general-noGPIVpreP.data); pass the "
            "Top8000 folder (--reference on the command line), or, in Python, "
            "{category: read_top8000(path, category)}"
        )
    return read_top8000(p, cat)


def _resolve_references(reference_arg: Any, needed: Iterable[str]) -> dict[str, xr.DataArray]:
    """``{category: grid}`` for the ``needed`` classes the reference covers.

    One Top8000 file covers its own class only: the others are left out of the result.
    """
    needed = list(needed)
    if reference_arg is None:
        return {c: reference(c) for c in needed}
    if isinstance(reference_arg, xr.DataArray):
        return {c: reference_arg for c in needed}
    if isinstance(reference_arg, (str, os.PathLike)):
        p = Path(reference_arg)
        if p.is_file():
            grid = _read_single_file(p)
            cat = grid.attrs["category"]
            return {cat: grid} if cat in needed else {}
        if not p.exists():
            raise FileNotFoundError(f"reference path not found: {str(p)!r}")
        return {c: reference(c, path=p) for c in needed}
    if isinstance(reference_arg, Mapping):
        out = {}
        for c in needed:
            if c not in reference_arg:
                raise ValueError(
                    f"reference has no entry for category {c!r} (has {sorted(reference_arg)})"
                )
            r = reference_arg[c]
            out[c] = r if isinstance(r, xr.DataArray) else reference(c, path=r)
        return out
    raise TypeError(
        "reference must be None (embedded), a Top8000 folder or file, a DataArray or a dict "
        f"{{category: reference}}; got {type(reference_arg).__name__}"
    )


def classify(angles: Any, reference: Any = None) -> pd.DataFrame:
    """Favored / allowed / outlier region of every residue.

    Parameters
    ----------
    angles : pandas.DataFrame
        Columns ``phi``, ``psi`` (degrees) and ``category`` (e.g. from :func:`phi_psi`); the
        ``category`` column may be left out when ``reference`` is a single grid (a DataArray
        or one Top8000 file), which then applies to every row.
    reference : None, str, os.PathLike, xarray.DataArray or dict, optional
        ``None``: the embedded reference; a Top8000 folder (every class against its own
        grid); one Top8000 ``.data`` file (its own class only, see Notes); one DataArray for
        every row; or ``{category: DataArray or path}``. A grid needs the attrs
        ``favored_threshold`` and ``allowed_threshold`` (as :func:`reference` sets).

    Returns
    -------
    pandas.DataFrame
        A copy of ``angles`` (same index) with a ``region`` column: ``"favored"``,
        ``"allowed"`` or ``"outlier"``; ``None`` where phi or psi is undefined, or where the
        reference has no grid for the residue's class.

    Raises
    ------
    TypeError
        If ``angles`` is not a DataFrame or ``reference`` of an unsupported type.
    ValueError
        If columns, categories or thresholds are missing, or the class of a single Top8000
        file cannot be told from its name.

    Warns
    -----
    UserWarning
        If ``reference`` is one Top8000 file and residues of other classes are left
        unclassified (the message counts them by class).

    See Also
    --------
    summary : Per-structure / per-model percentages.

    Notes
    -----
    The reference value at (φ, ψ) is MolProbity's bilinear interpolation between the four
    surrounding cell centres, wrapping at ±180°; a residue is *favored* where it is
    ≥ ``favored_threshold``, *allowed* where it is ≥ ``allowed_threshold``, else an
    *outlier*. For the embedded reference this means inside its 98 % (favored) or 99.95 %
    (allowed) highest-density region. Angles outside ``(-180, 180]`` are wrapped (whole turns
    change nothing).

    Each Top8000 file is the distribution of one residue class, with that class's
    thresholds: a glycine or a proline judged on the general grid would be called an outlier
    (or favored) wrongly. So when ``reference`` is one file (e.g.
    ``rama8000-general-noGPIVpreP.data``) and ``angles`` has a ``category`` column, only the
    residues of that file's class are classified; the others get ``None`` and a warning
    says how many, by class. Pass the folder to classify every class. (A DataArray is taken
    as the user's explicit choice and applies to every row; give a dict for one grid per
    class.)

    Examples
    --------
    >>> from shapeoverlap.rama import classify, example_structure, phi_psi
    >>> c = classify(phi_psi(example_structure()))
    >>> c["region"].value_counts().to_dict()
    {'favored': 56}
    """
    return _classify(angles, reference, stacklevel=4)


def _classify(angles: Any, reference: Any, *, stacklevel: int) -> pd.DataFrame:
    """:func:`classify`; ``stacklevel`` makes its warning point at the user's call."""
    if not isinstance(angles, pd.DataFrame):
        raise TypeError(
            f"angles must be a pandas DataFrame with phi, psi and category columns; got "
            f"{type(angles).__name__}"
        )
    missing = [c for c in ("phi", "psi") if c not in angles.columns]
    if missing:
        raise ValueError(f"angles is missing column(s) {missing}; columns: {list(angles.columns)}")
    one_file = _single_file(reference)
    if one_file is not None:
        reference = _read_single_file(one_file)
    single = isinstance(reference, xr.DataArray)
    if "category" in angles.columns:
        cats = angles["category"].astype(object).to_numpy()
    elif single:
        cats = np.full(len(angles), reference.attrs.get("category") or "general", dtype=object)
        if cats.size and cats[0] not in CATEGORIES:
            cats[:] = "general"
    else:
        raise ValueError(
            "angles needs a 'category' column (from phi_psi) unless reference is one grid"
        )
    present = [c for c in pd.unique(cats) if isinstance(c, str)]
    bad = [c for c in present if c not in CATEGORIES]
    if bad:
        raise ValueError(f"unknown category value(s) {bad}; expected {list(CATEGORIES)}")
    if one_file is not None and "category" in angles.columns:
        refs = _resolve_references(one_file, present)
    else:
        refs = _resolve_references(reference, present)
    phi = angles["phi"].to_numpy(dtype=float)
    psi = angles["psi"].to_numpy(dtype=float)
    if one_file is not None:
        _warn_unclassified(one_file, refs, cats, phi, psi, stacklevel)
    region = np.full(len(angles), None, dtype=object)
    for cat, ref in refs.items():
        for key in ("favored_threshold", "allowed_threshold"):
            if key not in ref.attrs:
                raise ValueError(
                    f"the reference for {cat!r} has no attrs[{key!r}]; build it with "
                    "reference() or build_reference()"
                )
        rows = np.flatnonzero(cats == cat)
        value = interpolate(ref, phi[rows], psi[rows])
        ok = ~np.isnan(value)
        lab = np.where(value >= ref.attrs["favored_threshold"], "favored",
                       np.where(value >= ref.attrs["allowed_threshold"], "allowed", "outlier"))
        region[rows[ok]] = lab[ok]
    out = angles.copy()
    out["region"] = region
    return out


def _warn_unclassified(path: Path, refs: Mapping[str, Any], cats: np.ndarray, phi: np.ndarray,
                       psi: np.ndarray, stacklevel: int) -> None:
    """Warn that a single Top8000 file leaves the residues of other classes unclassified."""
    left = pd.Series(cats[~np.isin(cats, list(refs)) & ~np.isnan(phi) & ~np.isnan(psi)])
    if left.empty:
        return
    import warnings

    counts = ", ".join(f"{c} {n}" for c, n in left.value_counts().items())
    warnings.warn(
        f"{path.name} is the Top8000 grid of {_top8000_category(path)!r} only: {len(left)} "
        f"residue(s) of other classes ({counts}) are not classified (region None); pass the "
        "Top8000 folder to classify every class against its own grid",
        UserWarning, stacklevel=stacklevel,
    )


def _residue_label(row: Any) -> str:
    return f"{row.chain} {row.resseq}{row.icode} {row.resname}"


def summary(
    angles: pd.DataFrame, reference: Any = None, *, by: Sequence[str] | None = None
) -> pd.DataFrame:
    """Ramachandran validation summary per structure and per model, as MolProbity reports it.

    Parameters
    ----------
    angles : pandas.DataFrame
        From :func:`phi_psi` or :func:`classify` (classified with ``reference`` when it has no
        ``region`` column). An optional ``structure`` column names the file.
    reference : optional
        As in :func:`classify`.
    by : sequence of str, optional
        Grouping columns; default ``structure`` (when present) and ``model``.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``residues`` (with both φ and ψ, and classified), ``favored``,
        ``allowed``, ``outliers`` (counts; *allowed* excludes favored), ``pct_favored``,
        ``pct_allowed`` (favored + allowed, MolProbity's "allowed"), ``pct_outliers`` and
        ``outlier_residues`` (``"chain resseq+icode resname"``, comma-separated). A group
        with no classified residue (e.g. a single residue, or a chain of isolated residues)
        keeps its row, with 0 residues and NaN percentages.

    Raises
    ------
    ValueError
        If a grouping column is missing.

    Examples
    --------
    >>> from shapeoverlap.rama import example_structure, phi_psi, summary
    >>> s = summary(phi_psi(example_structure()))
    >>> s[["residues", "favored", "allowed", "outliers"]].iloc[0].tolist()
    [56, 56, 0, 0]
    """
    if not isinstance(angles, pd.DataFrame):
        raise TypeError(f"angles must be a pandas DataFrame; got {type(angles).__name__}")
    table = angles if "region" in angles.columns else _classify(angles, reference, stacklevel=4)
    if by is None:
        by = [c for c in ("structure", "model") if c in table.columns]
    by = list(by)
    missing = [c for c in by if c not in table.columns]
    if missing:
        raise ValueError(f"by names missing column(s) {missing}; columns: {list(table.columns)}")
    rows = []
    # every group of the input gets a row, also one where no residue has both angles
    groups = table.groupby(by, sort=False, dropna=False) if by else [((), table)]
    for key, group in groups:
        key = key if isinstance(key, tuple) else (key,)
        g = group[group["region"].notna()]
        n = len(g)
        fav = int((g["region"] == "favored").sum())
        allw = int((g["region"] == "allowed").sum())
        out = g[g["region"] == "outlier"]
        labels = [_residue_label(r) for r in out.itertuples()] if {
            "chain", "resseq", "icode", "resname"} <= set(out.columns) else [
            str(i) for i in out.index]
        row = dict(zip(by, key, strict=True))
        row.update({
            "residues": n, "favored": fav, "allowed": allw, "outliers": len(out),
            "pct_favored": 100.0 * fav / n if n else np.nan,
            "pct_allowed": 100.0 * (fav + allw) / n if n else np.nan,
            "pct_outliers": 100.0 * len(out) / n if n else np.nan,
            "outlier_residues": ", ".join(labels),
        })
        rows.append(row)
    cols = [*by, "residues", "favored", "allowed", "outliers", "pct_favored", "pct_allowed",
            "pct_outliers", "outlier_residues"]
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------- compare


def _torus_mask(x: Any, name: str) -> xr.DataArray:
    if not isinstance(x, xr.DataArray):
        raise TypeError(f"{name} must be a boolean xarray.DataArray on (phi, psi); got "
                        f"{type(x).__name__}")
    if "phi" not in x.dims or "psi" not in x.dims:
        raise ValueError(f"{name} must have dims 'phi' and 'psi'; got {x.dims}")
    if x.dtype != bool:
        raise TypeError(f"{name} must be boolean (a region); got dtype {x.dtype}")
    return x


def _compare_2d(a: xr.DataArray, b: xr.DataArray) -> dict[str, float]:
    from ..measures import overlap

    a2 = a.transpose("phi", "psi")
    b2 = b.transpose("phi", "psi")
    if a2.shape != b2.shape or not (
        np.allclose(a2["phi"].values, b2["phi"].values)
        and np.allclose(a2["psi"].values, b2["psi"].values)
    ):
        raise ValueError(
            f"predicted and empirical are on different grids ({a2.shape} vs {b2.shape}); "
            "build both at the same resolution"
        )
    b2 = b2.assign_coords(phi=a2["phi"], psi=a2["psi"])
    s = overlap(a2, b2, dim=("phi", "psi"), geometry=False)
    total = PERIOD * PERIOD
    return {"iou": float(s.iou()), "dice": float(s.dice()), "area_a": float(s.size_a) / total,
            "area_b": float(s.size_b) / total}


def compare(predicted: xr.DataArray, empirical: xr.DataArray) -> pd.Series | pd.DataFrame:
    """IoU, Dice and areas of two regions on the phi/psi torus.

    Parameters
    ----------
    predicted, empirical : xarray.DataArray of bool
        Regions on the same ``(phi, psi)`` grid (e.g. from :func:`steric_regions` and
        :func:`regions`). Extra dims (``level``, ``limit``…) are compared for every
        combination.

    Returns
    -------
    pandas.Series or pandas.DataFrame
        ``iou``, ``dice``, ``area_a``, ``area_b`` (areas as fractions of the torus); a
        DataFrame with one row per combination of extra dims when there are any.

    Raises
    ------
    TypeError
        If an input is not a boolean DataArray.
    ValueError
        If the grids differ.

    See Also
    --------
    shapeoverlap.overlap : The core measure used (cell areas from the coordinates).

    Examples
    --------
    >>> import xarray as xr
    >>> from shapeoverlap.rama import compare
    >>> from shapeoverlap.rama.density import torus_coords
    >>> c = torus_coords(90.0)
    >>> a = xr.DataArray(np.eye(4, dtype=bool), dims=("phi", "psi"), coords=c)
    >>> b = xr.DataArray(np.tri(4, dtype=bool), dims=("phi", "psi"), coords=c)
    >>> compare(a, b).round(4).tolist()
    [0.4, 0.5714, 0.25, 0.625]
    """
    a = _torus_mask(predicted, "predicted")
    b = _torus_mask(empirical, "empirical")
    extra_a = [str(d) for d in a.dims if d not in ("phi", "psi")]
    extra_b = [str(d) for d in b.dims if d not in ("phi", "psi")]
    if not extra_a and not extra_b:
        return pd.Series(_compare_2d(a, b), name="compare")
    rows = []
    for ka in _selections(a, extra_a):
        for kb in _selections(b, extra_b):
            if set(ka) & set(kb) and any(ka[d] != kb[d] for d in set(ka) & set(kb)):
                continue
            r = {**ka, **kb}
            r.update(_compare_2d(a.sel(ka), b.sel(kb)))
            rows.append(r)
    keys = list(dict.fromkeys([*extra_a, *extra_b]))
    return pd.DataFrame(rows).set_index(keys)


def _selections(x: xr.DataArray, dims: list[str]) -> list[dict[str, Any]]:
    if not dims:
        return [{}]
    values = [x[d].values.tolist() if d in x.coords else list(range(x.sizes[d])) for d in dims]
    out: list[dict[str, Any]] = [{}]
    for d, vals in zip(dims, values, strict=True):
        out = [{**o, d: v} for o in out for v in vals]
    return out
