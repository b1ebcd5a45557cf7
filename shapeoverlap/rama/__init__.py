"""Ramachandran regions from structures: phi/psi, torus densities, regions, validation.

* :func:`phi_psi` — backbone dihedrals and MolProbity residue classes from PDB/mmCIF files;
* :func:`density`, :func:`regions` — periodic KDE on the torus and highest-density regions;
* :func:`reference`, :func:`build_reference` — the embedded reference (built from shipped CC0
  entries) or MolProbity's Top8000 grids read from a user-given path;
* :func:`classify`, :func:`summary` — favored / allowed / outlier per residue, per structure;
* :func:`compare` — IoU / Dice of two torus regions; :func:`steric_regions` — the hard-sphere
  model of Ramachandran, Ramakrishnan & Sasisekharan (1963).
"""

from __future__ import annotations

from .density import density, regions
from .reference import (
    build_reference,
    classify,
    compare,
    example_structure,
    read_top8000,
    reference,
    summary,
)
from .steric import steric_regions
from .structure import CATEGORIES, phi_psi

__all__ = [
    "CATEGORIES",
    "build_reference",
    "classify",
    "compare",
    "density",
    "example_structure",
    "phi_psi",
    "read_top8000",
    "reference",
    "regions",
    "steric_regions",
    "summary",
]
