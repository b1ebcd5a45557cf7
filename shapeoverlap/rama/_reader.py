"""A lean reader of the atom records of PDB and mmCIF files, for backbone dihedrals.

Reads what :func:`shapeoverlap.rama.phi_psi` needs — models, chains, residues (id, name,
hetero flag), and every conformer of each N, CA and C atom — with the same conventions as
Biopython's ``PDBParser`` / ``MMCIFParser`` (author chain ids and residue numbers, ``HOH``/
``WAT`` HETATM groups are waters, a repeated residue id with another residue name is a point
mutation, a repeated blank-altloc atom is ignored), several times faster because it builds
no object per atom. Every coordinate is still checked to be a number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..errors import FileFormatError

__all__ = ["Residue", "read_atoms"]

BACKBONE = ("N", "CA", "C")
_WATER_NAMES = ("HOH", "WAT")
_TOKEN = re.compile(r"""'(?:[^']|'(?=\S))*'(?=\s|$)|"(?:[^"]|"(?=\S))*"(?=\s|$)|\S+""")


class UnloopedAtomSite(FileFormatError):
    """The ``_atom_site`` category is written as single key-value items, not as a loop.

    Legal mmCIF (a file holding one atom); the caller reads such files with Biopython.
    """


class Residue:
    """One residue (or one variant of a point mutation): backbone conformers by atom name."""

    __slots__ = ("atoms", "n_atoms", "resname")

    def __init__(self, resname: str) -> None:
        self.resname = resname
        # atom name -> conformers (altloc, occupancy, xyz, B factor)
        self.atoms: dict[str, list[Conformer]] = {}
        self.n_atoms = 0


Conformer = tuple[str, float, tuple[float, float, float], float]

# model -> chain -> residue key (het, resseq, icode) -> {resname: Residue}
Models = list[dict[str, dict[tuple[str, int, str], dict[str, Residue]]]]


def _add(models: Models, model: int, chain: str, het: str, resseq: int, icode: str,
         resname: str, name: str, altloc: str, occ: float,
         xyz: tuple[float, float, float] | None, bfactor: float = 0.0) -> None:
    while len(models) <= model:
        models.append({})
    residues = models[model].setdefault(chain, {})
    variants = residues.setdefault((het, resseq, icode), {})
    res = variants.get(resname)
    if res is None:
        res = variants[resname] = Residue(resname)
    res.n_atoms += 1
    if xyz is None:
        return
    confs = res.atoms.setdefault(name, [])
    if altloc == "" and any(c[0] == "" for c in confs):
        return  # an atom defined twice: Biopython keeps the first
    if altloc != "" and any(c[0] == altloc for c in confs):
        return
    confs.append((altloc, occ, xyz, bfactor))


def _float(text: str, what: str, where: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise FileFormatError(f"{where}: invalid or missing {what} {text.strip()!r}") from None


def read_pdb(lines: Iterable[str], name: str) -> Models:
    """Atom records of a PDB file."""
    models: Models = []
    model = 0
    seen_model = False
    for lineno, line in enumerate(lines, start=1):
        rec = line[:6]
        if rec == "MODEL ":
            if seen_model:
                model += 1
            seen_model = True
            continue
        if rec != "ATOM  " and rec != "HETATM":
            continue
        where = f"{name}, line {lineno}"
        if len(line.rstrip("\r\n")) < 54:
            raise FileFormatError(f"{where}: truncated atom record (coordinates missing)")
        atom = line[12:16].strip()
        altloc = line[16].strip()
        resname = line[17:20].strip()
        chain = line[21]
        try:
            resseq = int(line[22:26])
        except ValueError:
            raise FileFormatError(f"{where}: invalid residue number {line[22:26]!r}") from None
        icode = line[26].strip()
        x = _float(line[30:38], "x coordinate", where)
        y = _float(line[38:46], "y coordinate", where)
        z = _float(line[46:54], "z coordinate", where)
        occ_text = line[54:60].strip()
        occ = _float(occ_text, "occupancy", where) if occ_text else 0.0
        try:  # as Biopython's PDBParser: a missing or unreadable B factor is 0
            bfac = float(line[60:66])
        except ValueError:
            bfac = 0.0
        if rec == "HETATM":
            het = "W" if resname in _WATER_NAMES else "H_" + resname
        else:
            het = " "
        xyz = (x, y, z) if atom in BACKBONE else None
        _add(models, model, chain, het, resseq, icode, resname, atom, altloc, occ, xyz, bfac)
    # an empty MODEL block keeps its place, as in Biopython, so model numbers agree
    while seen_model and len(models) <= model:
        models.append({})
    return models if any(models) else []


def read_cif(lines: Iterable[str], name: str) -> Models:
    """Atom records (``_atom_site`` loop) of an mmCIF file."""
    it = iter(enumerate(lines, start=1))
    columns: list[str] = []
    in_header = False
    rows_start = 0
    unlooped = False
    for lineno, line in it:
        s = line.strip()
        if not in_header and s.startswith("_atom_site."):
            unlooped = True
        if s == "loop_":
            columns = []
            in_header = True
            continue
        if in_header and s.startswith("_atom_site."):
            columns.append(s.split()[0][len("_atom_site."):])
            continue
        if in_header and columns:
            rows_start = lineno
            first = line
            break
        in_header = False
    else:
        if unlooped:
            raise UnloopedAtomSite(f"{name}: _atom_site is written without a loop")
        raise FileFormatError(f"{name}: no _atom_site loop found (not an mmCIF coordinate file?)")
    col = {c: i for i, c in enumerate(columns)}
    need = ["group_PDB", "label_atom_id", "label_comp_id", "label_alt_id", "Cartn_x",
            "Cartn_y", "Cartn_z", "occupancy", "pdbx_PDB_ins_code"]
    missing = [c for c in need if c not in col]
    if missing or not ("auth_asym_id" in col or "label_asym_id" in col):
        raise FileFormatError(f"{name}: the _atom_site loop lacks {missing or ['asym_id']}")
    i_group, i_atom, i_comp, i_alt = (col[c] for c in need[:4])
    i_x, i_y, i_z, i_occ, i_ins = (col[c] for c in need[4:])
    i_chain = col["auth_asym_id"] if "auth_asym_id" in col else col["label_asym_id"]
    i_seq = col.get("auth_seq_id", col.get("label_seq_id"))
    i_model = col.get("pdbx_PDB_model_num")
    i_b = col.get("B_iso_or_equiv")
    ncol = len(columns)
    models: Models = []
    model = -1
    current_serial: str | None = None
    pending: list[str] = []
    pending_start = rows_start  # line where the record being gathered began
    lineno = rows_start

    def rows() -> Iterable[tuple[int, str]]:
        yield rows_start, first
        yield from it

    for lineno, line in rows():
        s = line.strip()
        if not s:
            continue
        if s[0] in "_#" or s.startswith(("loop_", "data_")):
            break
        if "'" in s or '"' in s:
            toks = _TOKEN.findall(s)
            toks = [t[1:-1] if t[:1] in "'\"" and t[-1:] == t[:1] and len(t) > 1 else t
                    for t in toks]
        else:
            toks = s.split()
        if pending or len(toks) < ncol:
            # a record may run over several lines; a short one (a truncated row) swallows
            # the start of the next: report the line where the short record began
            if not pending:
                pending_start = lineno
            elif len(pending) + len(toks) > ncol:
                raise FileFormatError(
                    f"{name}, line {pending_start}: atom record has {len(pending)} fields, "
                    f"the _atom_site loop declares {ncol} (truncated row?)"
                )
            pending.extend(toks)
            if len(pending) < ncol:
                continue
            toks, pending = pending, []
        where = f"{name}, line {lineno}"
        if len(toks) != ncol:
            raise FileFormatError(
                f"{where}: atom record has {len(toks)} fields, the _atom_site loop declares "
                f"{ncol}"
            )
        if i_model is not None:
            serial = toks[i_model]
            if serial != current_serial:
                current_serial = serial
                model += 1
        elif model < 0:
            model = 0
        x = _float(toks[i_x], "x coordinate", where)
        y = _float(toks[i_y], "y coordinate", where)
        z = _float(toks[i_z], "z coordinate", where)
        occ = _float(toks[i_occ], "occupancy", where)
        bfac = _float(toks[i_b], "B factor", where) if i_b is not None else 0.0
        seq = toks[i_seq] if i_seq is not None else "."
        if seq == ".":
            continue  # no residue number: Biopython skips such atoms too
        try:
            resseq = int(seq)
        except ValueError:
            raise FileFormatError(f"{where}: invalid residue number {seq!r}") from None
        resname = toks[i_comp]
        atom = toks[i_atom]
        alt = toks[i_alt]
        altloc = "" if alt in (".", "?") else alt
        ins = toks[i_ins]
        icode = "" if ins in (".", "?") else ins
        if toks[i_group] == "HETATM":
            het = "W" if resname in _WATER_NAMES else "H_" + resname
        else:
            het = " "
        xyz = (x, y, z) if atom in BACKBONE else None
        _add(models, model, toks[i_chain], het, resseq, icode, resname, atom, altloc, occ, xyz,
             bfac)
    if pending:
        raise FileFormatError(
            f"{name}, line {pending_start}: truncated atom record in _atom_site ({len(pending)} "
            f"fields, the loop declares {ncol})"
        )
    return [m for m in models if m]


def read_atoms(handle: Iterable[str], fmt: str, name: str) -> Models:
    """Read ``handle`` as ``fmt`` (``"pdb"`` or ``"cif"``); errors name ``name``."""
    if fmt == "pdb":
        return read_pdb(handle, name)
    return read_cif(handle, name)


def pick(confs: list[Conformer], altloc: str | None) -> Conformer:
    """One conformer: ``altloc`` when present, else the highest occupancy (first of equals)."""
    if altloc is not None:
        for c in confs:
            if c[0] == altloc:
                return c
    best = confs[0]
    for c in confs[1:]:
        if c[1] > best[1]:
            best = c
    return best
