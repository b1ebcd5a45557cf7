"""Backbone dihedrals (phi, psi, omega) and MolProbity residue classes from structures.

Biopython parses the file; the angles are computed here, vectorised over every residue of
every model, from ``(n, 3)`` coordinate arrays of the N, CA and C atoms.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import math
import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np
import pandas as pd

from .._kernels.dihedral import dihedral, wrap_degrees
from ..errors import FileFormatError

__all__ = ["CATEGORIES", "phi_psi"]

#: Residue classes, as MolProbity assigns them (Top8000 file stems in brackets):
#: ``general`` (general-noGPIVpreP), ``glycine`` (gly-sym), ``trans-proline`` (transpro),
#: ``cis-proline`` (cispro), ``pre-proline`` (prepro-noGP), ``ile-val`` (ileval-nopreP).
CATEGORIES = ("general", "glycine", "trans-proline", "cis-proline", "pre-proline", "ile-val")

COLUMNS = ["model", "chain", "resseq", "icode", "resname", "phi", "psi", "omega",
           "category", "altloc"]

_WATERS = frozenset({"HOH", "WAT", "DOD", "H2O", "TIP", "TIP3", "SOL"})
_PDB_SUFFIXES = {".pdb": "pdb", ".ent": "pdb", ".cif": "cif", ".mmcif": "cif"}
_FORMATS = {"pdb": "pdb", "cif": "cif", "mmcif": "cif"}
CIS_LIMIT = 30.0
_COMPRESSED = (".gz", ".bz2", ".xz")
#: What a damaged file raises while it is read: I/O errors, and the decompressors' own errors
#: (zlib's and lzma's do not derive from OSError; bz2 raises OSError itself).
_READ_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, zlib.error, lzma.LZMAError)


def _amino_acid_names() -> frozenset[str]:
    from Bio.Data.PDBData import protein_letters_3to1_extended

    return frozenset(k.strip().upper() for k in protein_letters_3to1_extended)


_AA_NAMES: frozenset[str] | None = None


def _aa_names() -> frozenset[str]:
    global _AA_NAMES  # a read-only cache of a constant table, filled on first use
    if _AA_NAMES is None:
        _AA_NAMES = _amino_acid_names()
    return _AA_NAMES


# --------------------------------------------------------------------------- reading files


def _format_of(path: Path, fmt: str | None) -> str:
    if fmt is not None:
        if not isinstance(fmt, str) or fmt.lower() not in _FORMATS:
            raise ValueError(f"format must be one of 'pdb', 'cif', 'mmcif' or None; got {fmt!r}")
        return _FORMATS[fmt.lower()]
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in _COMPRESSED:
        suffixes = suffixes[:-1]
    if suffixes and suffixes[-1] in _PDB_SUFFIXES:
        return _PDB_SUFFIXES[suffixes[-1]]
    raise ValueError(
        f"cannot tell the format of {str(path)!r} from its extension; use .pdb, .ent, .cif or "
        ".mmcif (optionally .gz/.bz2/.xz) or pass format='pdb' or format='cif' (--format on "
        "the command line)"
    )


def _open_text(path: Path) -> IO[str]:
    suffix = path.suffix.lower()
    if suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    if suffix == ".bz2":
        return bz2.open(path, "rt", encoding="utf-8", errors="replace")
    if suffix == ".xz":
        return lzma.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")


def _unreadable(path: Path, exc: BaseException) -> FileFormatError:
    """Build the error for a file that cannot be read or decompressed; it names the file."""
    detail = str(exc).strip() or type(exc).__name__
    # a decompressor's complaint, not the operating system's (those carry an errno)
    corrupt = isinstance(exc, (zlib.error, lzma.LZMAError, EOFError)) or (
        isinstance(exc, OSError) and exc.errno is None
    )
    if corrupt and path.suffix.lower() in _COMPRESSED:
        return FileFormatError(
            f"{path}: cannot read the file: corrupt or truncated {path.suffix} data ({detail})"
        )
    return FileFormatError(f"{path}: cannot read the file ({detail})")


def load_structure(source: Any, *, format: str | None = None) -> tuple[Any, str]:
    """Parse ``source`` (a path or a Biopython entity) into a Biopython Structure.

    Returns the structure and a name for messages (the file name, or the structure id).
    """
    if hasattr(source, "get_level") and callable(source.get_level):
        level = source.get_level()
        if level not in ("S", "M"):
            raise TypeError(
                f"source must be a path, a Biopython Structure or Model; got a Biopython "
                f"entity of level {level!r} (pass chain.get_parent() or the structure)"
            )
        if level == "M":
            parent = source.get_parent()
            where = f"{parent.id} " if parent is not None else ""
            return source, f"{where}model {_model_number(source)}"
        return source, str(getattr(source, "id", "structure"))
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(
            "source must be a path (str or os.PathLike) or a Biopython Structure; got "
            f"{type(source).__name__}"
        )
    path = Path(source)
    fmt = _format_of(path, format)
    if not path.exists():
        raise FileNotFoundError(f"structure file not found: {str(path)!r}")
    if path.is_dir():
        raise IsADirectoryError(f"structure path is a folder, not a file: {str(path)!r}")
    import warnings

    from Bio.PDB import MMCIFParser, PDBParser

    parser: Any = PDBParser(QUIET=True) if fmt == "pdb" else MMCIFParser(QUIET=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with _open_text(path) as handle:
                structure = parser.get_structure(path.name.split(".")[0], handle)
    except _READ_ERRORS as exc:
        raise _unreadable(path, exc) from exc
    except Exception as exc:  # Biopython raises many kinds on malformed input
        kind = "PDB" if fmt == "pdb" else "mmCIF"
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise FileFormatError(f"{path}: malformed {kind} file: {detail}") from exc
    return structure, str(path)


# --------------------------------------------------------------------------- residues


def _pick_child(atom: Any, altloc: str | None) -> Any:
    """Pick the conformer of an atom: ``altloc`` if given, else the highest occupancy."""
    if not atom.is_disordered():
        return atom
    if altloc is not None and atom.disordered_has_id(altloc):
        return atom.disordered_get(altloc)
    best, best_occ = None, -math.inf
    for child in atom.disordered_get_list():
        occ = child.get_occupancy()
        occ = -1.0 if occ is None else occ
        if occ > best_occ:
            best, best_occ = child, occ
    return best


def _residue_altloc(atoms: list[Any]) -> str | None:
    """Find the altloc id with the highest occupancy over the disordered backbone atoms."""
    scores: dict[str, float] = {}
    for atom in atoms:
        if atom is not None and atom.is_disordered():
            for child in atom.disordered_get_list():
                occ = child.get_occupancy() or 0.0
                alt = child.get_altloc()
                scores[alt] = max(scores.get(alt, -1.0), occ)
    if not scores:
        return None
    return max(scores, key=lambda k: scores[k])  # first of equals wins (file order)


def _choose_residue(res: Any, altloc: str | None) -> Any:
    """Pick one residue of a point mutation (a Biopython DisorderedResidue)."""
    children = res.disordered_get_list()

    def score(r: Any) -> tuple[int, float]:
        ca = r.child_dict.get("CA")
        has_alt = 0
        occ = 0.0
        if ca is not None:
            if altloc is not None and ca.is_disordered() and ca.disordered_has_id(altloc):
                has_alt = 1
            occ = _pick_child(ca, altloc).get_occupancy() or 0.0
        return has_alt, occ

    return max(children, key=score)


def _model_number(mod: Any) -> int:
    """0-based number of a Biopython Model: its own ``id`` (its place in the parsed file)."""
    mid = getattr(mod, "id", 0)
    return int(mid) if isinstance(mid, (int, np.integer)) and not isinstance(mid, bool) else 0


def _iter_models(structure: Any, model: int | None, name: str) -> Iterator[tuple[int, Any]]:
    if structure.get_level() == "M":
        number = _model_number(structure)
        if model not in (None, number):
            raise ValueError(
                f"model={model!r} but source is a single Biopython Model (model {number}); "
                f"pass model=None or model={number}"
            )
        yield number, structure
        return
    models = structure.get_list()
    if model is None:
        yield from enumerate(models)
        return
    if not (0 <= model < len(models)):
        raise ValueError(
            f"model={model} is out of range: {name} holds {len(models)} model(s), "
            f"numbered 0 to {len(models) - 1}"
        )
    yield model, models[model]


_COLS = ("model", "chain", "resseq", "icode", "resname", "altloc", "hetero", "bfactor",
         "occupancy")


def _extract(
    structure: Any, model: int | None, altloc: str | None, name: str, altlocs: set[str]
) -> tuple[dict[str, list[Any]], np.ndarray, np.ndarray]:
    """Rows and ``(n, 3, 3)`` N/CA/C coordinates of a Biopython Structure or Model.

    ``altlocs`` collects the alternate-location ids of the backbone atoms seen.
    """
    cols: dict[str, list[Any]] = {k: [] for k in _COLS}
    nan3 = (math.nan, math.nan, math.nan)
    coords: list[tuple[float, ...]] = []
    chain_key: list[int] = []
    aa = _aa_names()
    key = 0
    for m, mod in _iter_models(structure, model, name):
        for chain in mod:
            key += 1
            for res in chain:
                hetflag, resseq, icode = res.id
                if hetflag == "W":
                    continue
                if res.is_disordered() == 2:
                    res = _choose_residue(res, altloc)
                resname = res.resname.strip().upper()
                if resname in _WATERS:
                    continue
                cd = res.child_dict
                bb = [cd.get("N"), cd.get("CA"), cd.get("C")]
                known = resname in aa
                if not known and any(a is None for a in bb):
                    continue
                alt = altloc if altloc is not None else _residue_altloc(bb)
                used = ""
                row: list[float] = []
                bmax, omin = -math.inf, math.inf
                for atom in bb:
                    if atom is None:
                        row.extend(nan3)
                        continue
                    if atom.is_disordered():
                        altlocs.update(c.get_altloc() for c in atom.disordered_get_list())
                    elif atom.get_altloc().strip():
                        altlocs.add(atom.get_altloc().strip())
                    chosen = _pick_child(atom, alt)
                    if chosen.get_altloc().strip():
                        used = used or chosen.get_altloc().strip()
                    row.extend(chosen.coord.tolist())
                    occ = chosen.get_occupancy()
                    bmax = max(bmax, float(chosen.get_bfactor() or 0.0))
                    omin = min(omin, 0.0 if occ is None else float(occ))
                coords.append(tuple(row))
                chain_key.append(key)
                cols["model"].append(m)
                cols["chain"].append(chain.id)
                cols["resseq"].append(int(resseq))
                cols["icode"].append(icode.strip())
                cols["resname"].append(resname)
                cols["altloc"].append(used)
                cols["hetero"].append(hetflag.startswith("H_") and not known)
                cols["bfactor"].append(bmax if bmax > -math.inf else math.nan)
                cols["occupancy"].append(omin if omin < math.inf else math.nan)
    xyz = np.asarray(coords, dtype=float).reshape(-1, 3, 3)
    return cols, xyz, np.asarray(chain_key, dtype=np.int64)


def _extract_records(
    models: Any, model: int | None, altloc: str | None, name: str, altlocs: set[str]
) -> tuple[dict[str, list[Any]], np.ndarray, np.ndarray]:
    """As :func:`_extract`, from the lean reader's records."""
    from ._reader import pick

    cols: dict[str, list[Any]] = {k: [] for k in _COLS}
    nan3 = (math.nan, math.nan, math.nan)
    coords: list[tuple[float, ...]] = []
    chain_key: list[int] = []
    aa = _aa_names()
    if model is None:
        selected = list(enumerate(models))
    else:
        if not (0 <= model < len(models)):
            raise ValueError(
                f"model={model} is out of range: {name} holds {len(models)} model(s), "
                f"numbered 0 to {len(models) - 1}"
            )
        selected = [(model, models[model])]
    key = 0
    for m, chains in selected:
        for chain_id, residues in chains.items():
            key += 1
            for (het, resseq, icode), variants in residues.items():
                if het == "W":
                    continue
                if len(variants) > 1:
                    res = max(variants.values(), key=lambda r: _variant_score(r, altloc))
                else:
                    res = next(iter(variants.values()))
                resname = res.resname.strip().upper()
                if resname in _WATERS:
                    continue
                bb = [res.atoms.get(a) for a in ("N", "CA", "C")]
                known = resname in aa
                if not known and any(a is None for a in bb):
                    continue
                for confs in bb:
                    if confs is not None:
                        altlocs.update(c[0] for c in confs if c[0])
                alt = altloc
                if alt is None:
                    scores: dict[str, float] = {}
                    for confs in bb:
                        if confs is not None and any(c[0] for c in confs):
                            for c in confs:
                                scores[c[0]] = max(scores.get(c[0], -1.0), c[1])
                    if scores:
                        alt = max(scores, key=lambda k: scores[k])
                used = ""
                row: list[float] = []
                bmax, omin = -math.inf, math.inf
                for confs in bb:
                    if confs is None:
                        row.extend(nan3)
                        continue
                    a, occ, xyz, bfac = pick(confs, alt)
                    used = used or a
                    row.extend(xyz)
                    bmax = max(bmax, bfac)
                    omin = min(omin, occ)
                coords.append(tuple(row))
                chain_key.append(key)
                cols["model"].append(m)
                cols["chain"].append(chain_id)
                cols["resseq"].append(resseq)
                cols["icode"].append(icode)
                cols["resname"].append(resname)
                cols["altloc"].append(used)
                cols["hetero"].append(het.startswith("H_") and not known)
                cols["bfactor"].append(bmax if bmax > -math.inf else math.nan)
                cols["occupancy"].append(omin if omin < math.inf else math.nan)
    # single precision, as Biopython stores coordinates: both input paths agree exactly
    xyz_arr = np.asarray(coords, dtype=np.float32).astype(float).reshape(-1, 3, 3)
    return cols, xyz_arr, np.asarray(chain_key, dtype=np.int64)


def _variant_score(res: Any, altloc: str | None) -> tuple[int, float]:
    from ._reader import pick

    confs = res.atoms.get("CA")
    if not confs:
        return 0, 0.0
    has_alt = int(altloc is not None and any(c[0] == altloc for c in confs))
    return has_alt, pick(confs, altloc)[1]


def _read_file(source: Any, fmt: str | None) -> tuple[Any, str]:
    """Read a structure file with the lean reader; errors name the file."""
    from ._reader import read_atoms

    path = Path(source)
    kind = _format_of(path, fmt)
    if not path.exists():
        raise FileNotFoundError(f"structure file not found: {str(path)!r}")
    if path.is_dir():
        raise IsADirectoryError(f"structure path is a folder, not a file: {str(path)!r}")
    try:
        with _open_text(path) as handle:
            models = read_atoms(handle, kind, str(path))
    except _READ_ERRORS as exc:
        raise _unreadable(path, exc) from exc
    return models, str(path)


def _categories(resname: np.ndarray, omega: np.ndarray, next_pro: np.ndarray) -> np.ndarray:
    """MolProbity's residue classes, in its order of precedence."""
    cat = np.full(resname.shape, "general", dtype=object)
    cat[np.isin(resname, ("ILE", "VAL"))] = "ile-val"
    cat[next_pro] = "pre-proline"
    is_pro = resname == "PRO"
    with np.errstate(invalid="ignore"):
        cis = np.abs(omega) < CIS_LIMIT
    cat[is_pro] = "trans-proline"
    cat[is_pro & cis] = "cis-proline"
    cat[resname == "GLY"] = "glycine"
    return cat


def phi_psi(
    source: Any,
    *,
    model: int | None = None,
    format: Literal["pdb", "cif", "mmcif"] | None = None,
    altloc: str | None = None,
    max_bond: float = 1.8,
    quality: bool = False,
) -> pd.DataFrame:
    r"""Backbone dihedral angles and MolProbity residue classes of every residue.

    Parameters
    ----------
    source : str, os.PathLike or Bio.PDB.Structure.Structure
        A PDB (``.pdb``, ``.ent``) or mmCIF (``.cif``, ``.mmcif``) file, optionally compressed
        (``.gz``, ``.bz2``, ``.xz``), or a Biopython Structure (or Model).
    model : int, optional
        0-based position of the model to read (as Biopython); every model by default. For a
        Biopython Model, only ``None`` or the Model's own number (its ``id``) is accepted.
    format : {"pdb", "cif", "mmcif"}, optional
        File format; taken from the extension by default.
    altloc : str, optional
        Alternate location to use where a backbone atom has several (e.g. ``"B"``); atoms
        without it keep their only (or highest-occupancy) position. By default, each residue
        takes the altloc with the highest occupancy over its N, CA and C atoms. An altloc that
        no backbone atom uses gives a warning (naming the altlocs the structure has).
    max_bond : float, default 1.8
        Two consecutive residues are joined only when C(i)–N(i+1) is shorter than this (Å);
        no angle spans a longer gap (a chain break). Predicted models may need more.
    quality : bool, default False
        Add the columns :func:`build_reference` filters on: ``bfactor`` (largest B factor of
        the N, CA and C atoms used, Å²), ``occupancy`` (their smallest occupancy), ``tau``
        (the N–CA–C angle, degrees) and ``near_break`` (True unless residues i−1 and i+1 both
        exist and are peptide-bonded on their far sides too: i is within one residue of a
        chain end or break).

    Returns
    -------
    pandas.DataFrame
        One row per amino-acid residue, in file order, with columns ``model`` (0-based),
        ``chain``, ``resseq``, ``icode`` (``''`` when blank), ``resname``, ``phi``, ``psi``,
        ``omega`` (degrees in ``(-180, 180]``, NaN where undefined), ``category`` (see
        Notes) and ``altloc`` (the alternate location used for the backbone, ``''`` if none);
        with ``quality=True`` also ``bfactor``, ``occupancy``, ``tau`` and ``near_break``.
        For a Biopython Model, ``model`` is the Model's own number (``id``), as when the
        file is read with that ``model=``.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    FileFormatError
        If the file cannot be parsed, or holds no amino-acid residue (the message names it).
    ValueError
        If ``format``, ``model``, ``altloc`` or ``max_bond`` are invalid.
    TypeError
        If ``source`` is neither a path nor a Biopython Structure.

    Warns
    -----
    UserWarning
        If ``altloc`` is given but no backbone atom of the structure uses it.

    See Also
    --------
    classify : Favored / allowed / outlier regions for these angles.

    Notes
    -----
    Residues are amino acids by name (standard and modified, e.g. MSE, CSO) or, for unknown
    names, by having N, CA and C atoms (such unknown hetero groups are kept only when
    peptide-bonded to a neighbour). Waters are dropped. A residue lacking a backbone atom is
    kept with NaN angles. Angles are

    .. math::
        \phi_i = \angle(C_{i-1}, N_i, C^\alpha_i, C_i),\quad
        \psi_i = \angle(N_i, C^\alpha_i, C_i, N_{i+1}),\quad
        \omega_i = \angle(C^\alpha_{i-1}, C_{i-1}, N_i, C^\alpha_i)

    ``category`` follows MolProbity's precedence: ``glycine`` (GLY), then ``cis-proline``
    (PRO with :math:`|\omega| < 30°`) or ``trans-proline`` (other PRO, including an undefined
    ω), then ``pre-proline`` (a residue peptide-bonded to a following PRO), then ``ile-val``,
    else ``general``. Modified residues (MSE…) are ``general``.

    Files are read by a lean reader of the atom records that follows Biopython's conventions
    (author chain ids and numbers, HOH/WAT waters, point mutations as alternative residues;
    coordinates kept in single precision, as Biopython stores them), so a path and the
    Biopython Structure parsed from it give the same table. A corrupt or truncated compressed
    file raises :class:`~shapeoverlap.errors.FileFormatError` naming the file.

    A point mutation (one residue id, two or more residue names with partial occupancies, e.g.
    PDB 3JQH residue A1 PRO 0.83 / SER 0.17) is resolved like an altloc: the variant whose CA
    has the highest occupancy (or carries ``altloc``), for its name, class and backbone. This
    departs on purpose from Biopython's ``PPBuilder``, which keeps whichever variant was read
    last (the SER of 3JQH A1, the 0.17-occupancy GLU of A15, whose φ/ψ differ from the
    0.50-occupancy ARG's by 10° and 17°): the table describes the main conformer.

    Examples
    --------
    >>> from shapeoverlap.rama import phi_psi, example_structure
    >>> t = phi_psi(example_structure())
    >>> t.loc[1, ["chain", "resname", "category"]].tolist()
    ['A', 'PRO', 'trans-proline']
    >>> round(float(t.loc[1, "phi"]), 2), round(float(t.loc[1, "psi"]), 2)
    (-61.42, 144.88)
    """
    if model is not None and (isinstance(model, bool) or not isinstance(model, (int, np.integer))):
        raise TypeError(f"model must be an int (0-based) or None; got {type(model).__name__}")
    if model is not None and model < 0:
        raise ValueError(f"model must be >= 0 (0-based position); got {model}")
    if altloc is not None and (not isinstance(altloc, str) or len(altloc) != 1
                               or not altloc.strip()):
        raise ValueError(
            f"altloc must be a single non-blank character such as 'A'; got {altloc!r}"
        )
    if isinstance(max_bond, bool) or not isinstance(max_bond, (int, float, np.floating)) \
            or not (max_bond > 0 and math.isfinite(max_bond)):
        raise ValueError(f"max_bond must be a positive number of Å; got {max_bond!r}")
    sel = None if model is None else int(model)
    from ._reader import UnloopedAtomSite

    altlocs: set[str] = set()
    if isinstance(source, (str, os.PathLike)):
        try:
            models, name = _read_file(source, format)
            cols, xyz, chain_key = _extract_records(models, sel, altloc, name, altlocs)
        except UnloopedAtomSite:  # rare legal layout: Biopython's general reader
            structure, name = load_structure(source, format=format)
            cols, xyz, chain_key = _extract(structure, sel, altloc, name, altlocs)
    else:
        structure, name = load_structure(source, format=format)
        cols, xyz, chain_key = _extract(structure, sel, altloc, name, altlocs)
    if altloc is not None and altloc not in altlocs:
        import warnings

        if altlocs:
            present = f"its backbone altlocs are {', '.join(map(repr, sorted(altlocs)))}"
            way_out = "pass one of those, or altloc=None,"
        else:
            present = "its backbone has no alternate locations"
            way_out = "pass altloc=None"
        warnings.warn(
            f"altloc={altloc!r} is not used by any backbone atom of {name} ({present}); each "
            f"residue keeps its highest-occupancy conformer; {way_out} to silence this warning",
            UserWarning, stacklevel=2,
        )
    n = len(chain_key)
    if n == 0:
        raise FileFormatError(
            f"{name}: no amino-acid residues found (only waters, ligands or nucleic acids?)"
        )
    N, CA, C = xyz[:, 0], xyz[:, 1], xyz[:, 2]
    same = chain_key[1:] == chain_key[:-1]
    with np.errstate(invalid="ignore"):
        gap = np.linalg.norm(N[1:] - C[:-1], axis=1)
        link = same & (gap < max_bond)  # link[i]: residue i bonded to residue i+1
    hetero = np.asarray(cols.pop("hetero"), dtype=bool)
    if hetero.any():
        linked = np.zeros(n, dtype=bool)
        linked[:-1] |= link
        linked[1:] |= link
        keep = ~hetero | linked
        if not keep.all():
            idx = np.flatnonzero(keep)
            cols = {k: [v[i] for i in idx] for k, v in cols.items()}
            N, CA, C, chain_key = N[idx], CA[idx], C[idx], chain_key[idx]
            n = len(idx)
            if n == 0:
                raise FileFormatError(f"{name}: no amino-acid residues found")
            same = chain_key[1:] == chain_key[:-1]
            with np.errstate(invalid="ignore"):
                gap = np.linalg.norm(N[1:] - C[:-1], axis=1)
                link = same & (gap < max_bond)
    phi = np.full(n, np.nan)
    psi = np.full(n, np.nan)
    omega = np.full(n, np.nan)
    prev = np.flatnonzero(link) + 1  # residues with a bonded predecessor
    nxt = np.flatnonzero(link)  # residues with a bonded successor
    phi[prev] = dihedral(C[prev - 1], N[prev], CA[prev], C[prev])
    omega[prev] = dihedral(CA[prev - 1], C[prev - 1], N[prev], CA[prev])
    psi[nxt] = dihedral(N[nxt], CA[nxt], C[nxt], N[nxt + 1])
    phi, psi, omega = (wrap_degrees(np.degrees(a)) for a in (phi, psi, omega))
    resname = np.asarray(cols["resname"], dtype=object)
    next_pro = np.zeros(n, dtype=bool)
    next_pro[nxt] = resname[nxt + 1] == "PRO"
    frame = pd.DataFrame({
        "model": np.asarray(cols["model"], dtype=np.int64),
        "chain": cols["chain"],
        "resseq": np.asarray(cols["resseq"], dtype=np.int64),
        "icode": cols["icode"],
        "resname": cols["resname"],
        "phi": phi,
        "psi": psi,
        "omega": omega,
        "category": _categories(resname, omega, next_pro),
        "altloc": cols["altloc"],
    })
    if quality:
        frame["bfactor"] = np.asarray(cols["bfactor"], dtype=float)
        frame["occupancy"] = np.asarray(cols["occupancy"], dtype=float)
        # residues i-1 and i+1 both exist and are bonded on their far sides too
        inner = np.zeros(n, dtype=bool)
        if n >= 5:
            inner[2:-2] = link[:-3] & link[1:-2] & link[2:-1] & link[3:]
        frame["near_break"] = ~inner
        frame["tau"] = _bond_angle(N, CA, C)
    return frame


def _bond_angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle a-b-c in degrees, row by row (NaN where an atom is missing)."""
    u, v = a - b, c - b
    with np.errstate(invalid="ignore"):
        cos = np.einsum("ij,ij->i", u, v) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))
        return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
