"""The hard-sphere Ramachandran map (Ramachandran, Ramakrishnan & Sasisekharan 1963).

A dipeptide backbone with fixed, planar trans peptide units is built for every (phi, psi) of a
grid at once; a conformation is *allowed* when no two atoms whose distance depends on phi or
psi come closer than the published contact distance for their element pair.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import xarray as xr

from .density import _cells, torus_coords

__all__ = ["CONTACT_DISTANCES", "dipeptide", "steric_regions"]

#: Minimum contact distances (Å) between non-bonded atoms, as (normal limit, outer limit):
#: Ramachandran & Sasisekharan (1968), Adv. Protein Chem. 23:283, Table (after
#: Ramachandran, Ramakrishnan & Sasisekharan 1963).
CONTACT_DISTANCES: dict[frozenset[str], tuple[float, float]] = {
    frozenset({"C"}): (3.20, 3.00),
    frozenset({"C", "O"}): (2.80, 2.70),
    frozenset({"C", "N"}): (2.90, 2.80),
    frozenset({"C", "H"}): (2.40, 2.20),
    frozenset({"O"}): (2.80, 2.70),
    frozenset({"O", "N"}): (2.70, 2.60),
    frozenset({"O", "H"}): (2.40, 2.20),
    frozenset({"N"}): (2.70, 2.60),
    frozenset({"N", "H"}): (2.40, 2.20),
    frozenset({"H"}): (2.00, 1.90),
}

# Pauling–Corey peptide geometry (Å, degrees), as used by Ramachandran and co-workers.
_BOND = {"N-CA": 1.47, "CA-C": 1.53, "C-N": 1.32, "C-O": 1.24, "N-H": 1.00, "CA-CB": 1.54}
_ANGLE = {"CA-C-N": 114.0, "C-N-CA": 123.0, "CA-C-O": 121.0, "N-C-O": 125.0,
          "C-N-H": 123.0, "CA-N-H": 114.0, "N-CA-CB": 109.5}
# Improper torsion C-N-CA-CB of an L residue (the mean over real alanines is about -122.6).
_TORSION_CB = -122.6


def _place(a: np.ndarray, b: np.ndarray, c: np.ndarray, bond: float, angle: float,
           torsion: np.ndarray | float) -> np.ndarray:
    """Atom D bonded to C with angle B-C-D and torsion A-B-C-D (degrees), vectorised."""
    bc = c - b
    bc /= np.linalg.norm(bc, axis=-1, keepdims=True)
    n = np.cross(b - a, bc)
    n /= np.linalg.norm(n, axis=-1, keepdims=True)
    m = np.cross(n, bc)
    th = math.radians(angle)
    t = np.radians(np.asarray(torsion, dtype=float))[..., None]
    d = (-bond * math.cos(th) * bc + bond * math.sin(th) * np.cos(t) * m
         + bond * math.sin(th) * np.sin(t) * n)
    return c + d


def dipeptide(
    phi: np.ndarray, psi: np.ndarray, *, residue: str = "ala", tau: float = 110.0
) -> dict[str, tuple[str, np.ndarray]]:
    """Atoms of the residue-``i`` dipeptide unit for arrays of (phi, psi) in degrees.

    Returns ``{name: (element, coordinates (..., 3))}``; names carry ``-1``/``+1`` for the
    neighbouring residues. ``residue="gly"`` has no CB; alpha hydrogens are left out, as in
    the original maps.
    """
    phi = np.asarray(phi, dtype=float)
    psi = np.asarray(psi, dtype=float)
    shape = np.broadcast_shapes(phi.shape, psi.shape)
    phi = np.broadcast_to(phi, shape)
    psi = np.broadcast_to(psi, shape)

    def const(v: tuple[float, float, float]) -> np.ndarray:
        return np.broadcast_to(np.asarray(v, dtype=float), (*shape, 3)).copy()

    t = math.radians(tau)
    ca = const((0.0, 0.0, 0.0))
    n = const((_BOND["N-CA"], 0.0, 0.0))
    c = const((_BOND["CA-C"] * math.cos(t), _BOND["CA-C"] * math.sin(t), 0.0))
    # preceding peptide unit (moves with phi)
    c_prev = _place(c, ca, n, _BOND["C-N"], _ANGLE["C-N-CA"], phi)
    ca_prev = _place(ca, n, c_prev, _BOND["CA-C"], _ANGLE["CA-C-N"], 180.0)
    o_prev = _place(ca, n, c_prev, _BOND["C-O"], _ANGLE["N-C-O"], 0.0)
    h = _place(c, ca, n, _BOND["N-H"], _ANGLE["CA-N-H"], phi + 180.0)
    # following peptide unit (moves with psi)
    n_next = _place(n, ca, c, _BOND["C-N"], _ANGLE["CA-C-N"], psi)
    o = _place(n, ca, c, _BOND["C-O"], _ANGLE["CA-C-O"], psi + 180.0)
    ca_next = _place(ca, c, n_next, _BOND["N-CA"], _ANGLE["C-N-CA"], 180.0)
    h_next = _place(ca, c, n_next, _BOND["N-H"], _ANGLE["C-N-H"], 0.0)
    atoms = {
        "CA-1": ("C", ca_prev), "C-1": ("C", c_prev), "O-1": ("O", o_prev),
        "N": ("N", n), "H": ("H", h), "CA": ("C", ca), "C": ("C", c),
        "O": ("O", o), "N+1": ("N", n_next), "H+1": ("H", h_next), "CA+1": ("C", ca_next),
    }
    if residue != "gly":
        atoms["CB"] = ("C", _place(c, n, ca, _BOND["CA-CB"], _ANGLE["N-CA-CB"], _TORSION_CB))
    return atoms


def _moving_pairs(residue: str, tau: float) -> list[tuple[str, str]]:
    """Atom pairs whose distance depends on (phi, psi)."""
    rng = np.random.default_rng(0)
    probe = dipeptide(rng.uniform(-180, 180, 8), rng.uniform(-180, 180, 8),
                      residue=residue, tau=tau)
    names = list(probe)
    pairs = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            d = np.linalg.norm(probe[a][1] - probe[b][1], axis=-1)
            if np.ptp(d) > 1e-6:
                pairs.append((a, b))
    return pairs


def steric_regions(
    residue: Literal["ala", "gly"] = "ala",
    *,
    resolution: float = 2.0,
    tau: float = 110.0,
) -> xr.DataArray:
    r"""Sterically allowed (phi, psi) regions of a dipeptide in the hard-sphere model.

    Parameters
    ----------
    residue : {"ala", "gly"}, default "ala"
        ``"ala"``: an L residue with a CB atom (any non-glycine residue); ``"gly"``: no CB.
    resolution : float, default 2.0
        Cell size of the torus grid (degrees); must divide 360. The conformation at each cell
        centre decides the cell.
    tau : float, default 110.0
        The N–CA–C bond angle (degrees); Ramakrishnan & Ramachandran (1965) used 105–115.

    Returns
    -------
    xarray.DataArray
        Boolean, dims ``("limit", "phi", "psi")`` with ``limit = ["normal", "outer"]``:
        conformations with no contact shorter than the normal (fully allowed) or outer-limit
        distances.

    Raises
    ------
    ValueError
        If ``residue``, ``resolution`` or ``tau`` is invalid.

    See Also
    --------
    compare : IoU of these regions with empirical ones.

    Notes
    -----
    Geometry: Pauling–Corey planar trans peptide units (N–CA 1.47, CA–C 1.53, C–N 1.32,
    C=O 1.24, N–H 1.00, CA–CB 1.54 Å; CA–C–N 114°, C–N–CA 123°, CA–C=O 121°, C–N–H 123°,
    tetrahedral CB). As in the original maps the alpha hydrogens are left out. Every pair of
    atoms among CA(i−1), C(i−1), O(i−1), N, H, CA, CB, C, O, N(i+1), H(i+1), CA(i+1) whose
    distance changes with φ or ψ is checked against the minimum contact distances (Å,
    normal / outer limit):
    C···C 3.2/3.0, C···O 2.8/2.7, C···N 2.9/2.8, C···H 2.4/2.2, O···O 2.8/2.7,
    O···N 2.7/2.6, O···H 2.4/2.2, N···N 2.7/2.6, N···H 2.4/2.2, H···H 2.0/1.9.

    References
    ----------
    .. [1] G. N. Ramachandran, C. Ramakrishnan, V. Sasisekharan (1963). Stereochemistry of
       polypeptide chain configurations. J. Mol. Biol. 7:95–99.
    .. [2] G. N. Ramachandran, V. Sasisekharan (1968). Conformation of polypeptides and
       proteins. Adv. Protein Chem. 23:283–437.

    Examples
    --------
    >>> from shapeoverlap.rama import steric_regions
    >>> s = steric_regions("ala", resolution=5.0)
    >>> s.dims, s.limit.values.tolist()
    (('limit', 'phi', 'psi'), ['normal', 'outer'])
    >>> bool(s.sel(limit="normal", phi=-62.5, psi=-42.5))  # alpha-helix: outer limit only
    False
    >>> bool(s.sel(limit="outer", phi=-62.5, psi=-42.5))
    True
    >>> bool(s.sel(limit="normal", phi=-122.5, psi=132.5))  # beta strand
    True
    """
    if residue not in ("ala", "gly"):
        raise ValueError(f"residue must be 'ala' or 'gly'; got {residue!r}")
    n = _cells(resolution)
    if isinstance(tau, bool) or not isinstance(tau, (int, float, np.number)) \
            or not (90.0 <= float(tau) <= 130.0):
        raise ValueError(f"tau must be an N-CA-C angle in degrees within [90, 130]; got {tau!r}")
    coords = torus_coords(360.0 / n)
    phi, psi = np.meshgrid(coords["phi"].values, coords["psi"].values, indexing="ij")
    atoms = dipeptide(phi, psi, residue=residue, tau=float(tau))
    normal = np.ones(phi.shape, dtype=bool)
    outer = np.ones(phi.shape, dtype=bool)
    for a, b in _moving_pairs(residue, float(tau)):
        (ea, xa), (eb, xb) = atoms[a], atoms[b]
        lim_normal, lim_outer = CONTACT_DISTANCES[frozenset({ea, eb})]
        d = np.linalg.norm(xa - xb, axis=-1)
        normal &= d >= lim_normal
        outer &= d >= lim_outer
    return xr.DataArray(
        np.stack([normal, outer]),
        dims=("limit", "phi", "psi"),
        coords={"limit": ["normal", "outer"], **coords},
        name="steric",
        attrs={"residue": residue, "tau": float(tau), "model": "hard sphere (RRS 1963)"},
    )
