from __future__ import annotations

import bz2
import gzip
import itertools
import math
import shutil
import warnings

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from shapeoverlap.errors import FileFormatError
from shapeoverlap.rama import (
    CATEGORIES,
    build_reference,
    classify,
    compare,
    density,
    example_structure,
    phi_psi,
    read_top8000,
    reference,
    regions,
    steric_regions,
    summary,
)
from shapeoverlap.rama.density import torus_coords
from shapeoverlap.rama.structure import _categories, load_structure

# --------------------------------------------------------------------------- helpers


def _wrapdiff(a, b):
    return np.abs((np.asarray(a) - np.asarray(b) + 180.0) % 360.0 - 180.0)


def _biopython_angles(path):
    """Biopython's own angles: PPBuilder(aa_only=False) + get_phi_psi_list, every model.

    Point mutations (DisorderedResidue) are set to the highest-occupancy residue first, the
    documented default of phi_psi (Biopython alone keeps the last one read).
    """
    from Bio.PDB import PPBuilder

    structure, _ = load_structure(path)
    out = {}
    for mi, model in enumerate(structure):
        for chain in model:
            for res in chain:
                if res.is_disordered() == 2:
                    best = max(res.disordered_get_list(),
                               key=lambda r: r["CA"].get_occupancy() if "CA" in r else 0.0)
                    res.disordered_select(best.resname)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            peptides = PPBuilder().build_peptides(model, aa_only=False)
        for pp in peptides:
            for res, (phi, psi) in zip(pp, pp.get_phi_psi_list(), strict=False):
                key = (mi, res.get_parent().id, res.id[1], res.id[2].strip())
                out[key] = (phi, psi)
    return out


ORACLE_FILES = [
    "19hc.pdb.gz", "1A7G.cif", "1AS5.cif", "1BD2.cif.gz", "1GBT.cif", "1LCD.pdb", "1YJP.cif",
    "1YJP_invalid.cif.gz", "1a28.pdb.gz", "1hvr.pdb", "2BEG.pdb", "2OFG.cif", "2XHE.cif",
    "3JQH.cif", "3PWP.cif.gz", "4CUP.cif", "4ZHL.cif", "5PTI.cif.gz", "5a7u.pdb", "6WQA.cif",
    "7DDO.pdb", "7ETN.cif.gz",
]


@pytest.mark.parametrize("name", [*ORACLE_FILES, "dssp-set"])
def test_phi_psi_equals_biopython(shared_data, name):
    folder = shared_data / "structures"
    paths = sorted((folder / "dssp-set").glob("*.pdb.gz")) if name == "dssp-set" else [
        folder / name]
    compared = 0
    for path in paths:
        ours = phi_psi(path).set_index(["model", "chain", "resseq", "icode"])
        assert ours.index.is_unique
        theirs = _biopython_angles(path)
        for key, (phi, psi) in theirs.items():
            row = ours.loc[key]
            for mine, ref in ((row["phi"], phi), (row["psi"], psi)):
                if ref is None:
                    assert math.isnan(mine), (path.name, key)
                else:
                    assert _wrapdiff(mine, math.degrees(ref)) < 0.01, (path.name, key)
                    compared += 1
        # residues Biopython leaves out of every peptide have no angle either
        rest = ours.loc[~ours.index.isin(list(theirs))]
        assert rest[["phi", "psi"]].isna().all().all(), path.name
    assert compared > 0


def test_dihedral_hand_computed():
    from shapeoverlap._kernels.dihedral import dihedral, wrap_degrees

    p0 = np.array([[1.0, 0, 0], [1.0, 0, 0], [1.0, 0, 0]])
    p1 = np.zeros((3, 3))
    p2 = np.array([[0, 0, 1.0]] * 3)
    p3 = np.array([[1.0, 0, 1], [-1.0, 0, 1], [0, 1.0, 1]])
    got = np.degrees(dihedral(p0, p1, p2, p3))
    # cis, trans, and p3 rotated +90 deg (clockwise looking down p1->p2 from p1)
    np.testing.assert_allclose(np.abs(got[:2]), [0.0, 180.0], atol=1e-12)
    assert abs(abs(got[2]) - 90.0) < 1e-12
    # sign: the IUPAC convention gives +90 for this right-handed twist
    assert got[2] == pytest.approx(90.0)
    assert wrap_degrees(np.array([-180.0, 180.0, 540.0, -190.0])).tolist() == [
        180.0, 180.0, 180.0, 170.0]


def test_phi_psi_columns_and_ranges():
    t = phi_psi(example_structure())
    assert list(t.columns) == ["model", "chain", "resseq", "icode", "resname", "phi", "psi",
                               "omega", "category", "altloc"]
    assert len(t) == 58  # BPTI: 58 residues, waters and phosphate left out
    for col in ("phi", "psi", "omega"):
        v = t[col].dropna()
        assert ((v > -180) & (v <= 180)).all()
    assert math.isnan(t.loc[0, "phi"])
    assert math.isnan(t.loc[57, "psi"])
    assert (t["icode"] == "").all()
    assert set(t["category"]) <= set(CATEGORIES)


def test_categories_precedence():
    resname = np.array(["GLY", "PRO", "PRO", "ALA", "ILE", "VAL", "GLY", "MSE", "PRO"],
                       dtype=object)
    omega = np.array([np.nan, -5.0, 179.0, 170.0, 175.0, 178.0, 180.0, 180.0, np.nan])
    next_pro = np.array([True, True, False, True, False, True, False, False, False])
    got = _categories(resname, omega, next_pro).tolist()
    assert got == ["glycine", "cis-proline", "trans-proline", "pre-proline", "ile-val",
                   "pre-proline", "glycine", "general", "trans-proline"]


def test_categories_on_a_real_chain(shared_data):
    t = phi_psi(shared_data / "structures" / "1a28.pdb.gz")
    nxt = t["resname"].shift(-1)
    linked = t["psi"].notna()
    pre = (nxt == "PRO") & linked & ~t["resname"].isin(["GLY", "PRO"])
    assert (t.loc[pre, "category"] == "pre-proline").all()
    assert pre.sum() > 5
    pro = t["resname"] == "PRO"
    cis = pro & (t["omega"].abs() < 30)
    assert (t.loc[cis, "category"] == "cis-proline").all()
    assert (t.loc[pro & ~cis, "category"] == "trans-proline").all()
    assert (t.loc[t["resname"] == "GLY", "category"] == "glycine").all()


def test_cis_proline_found(shared_data):
    t = phi_psi(shared_data / "structures" / "19hc.pdb.gz")
    cis = t[t["category"] == "cis-proline"]
    assert len(cis) >= 1
    assert (cis["omega"].abs() < 30).all()
    assert (cis["resname"] == "PRO").all()


def test_models_nmr(shared_data):
    path = shared_data / "structures" / "1LCD.pdb"
    every = phi_psi(path)
    assert sorted(every["model"].unique()) == [0, 1, 2]
    one = phi_psi(path, model=1)
    assert (one["model"] == 1).all()
    same = every[every["model"] == 1].reset_index(drop=True)
    pd.testing.assert_frame_equal(one, same)
    # the models differ: NMR conformers
    a = every[every["model"] == 0]["phi"].to_numpy()
    b = every[every["model"] == 2]["phi"].to_numpy()
    assert np.nanmax(_wrapdiff(a, b)) > 1.0
    with pytest.raises(ValueError, match=r"model=3 is out of range: .*3 model\(s\)"):
        phi_psi(path, model=3)


def test_chain_breaks(shared_data):
    path = shared_data / "structures" / "2XHE.cif"
    t = phi_psi(path)
    s, _ = load_structure(path)
    # every defined psi joins residues whose C-N distance is under 1.8 A
    gaps = []
    for chain in s[0]:
        res = [r for r in chain if "C" in r and "N" in r and r.id[0] != "W"]
        gaps += [r2["N"] - r1["C"] for r1, r2 in itertools.pairwise(res)]
    n_breaks = sum(g >= 1.8 for g in gaps)
    assert n_breaks > 0
    loose = phi_psi(path, max_bond=50.0)
    assert loose["psi"].notna().sum() > t["psi"].notna().sum()


def test_altloc_choice(shared_data):
    path = shared_data / "structures" / "19hc.pdb.gz"
    default = phi_psi(path)
    b = phi_psi(path, altloc="B")
    assert (default["altloc"] != "").sum() > 0
    assert set(default["altloc"]) <= {"", "A", "B"}
    changed = default["altloc"] != b["altloc"]
    assert changed.sum() > 0
    assert (b.loc[changed, "altloc"] == "B").all()
    # residues without alternate backbone positions do not move
    far = ~changed & ~changed.shift(1, fill_value=False) & ~changed.shift(-1, fill_value=False)
    np.testing.assert_allclose(default.loc[far, "phi"], b.loc[far, "phi"], equal_nan=True)


def test_point_mutation_highest_occupancy(shared_data):
    path = shared_data / "structures" / "3JQH.cif"
    t = phi_psi(path).set_index("resseq")
    # residue 1 is PRO (occupancy 0.83) / SER (0.17); residue 15 ARG (0.50) / GLN (0.33) / GLU
    assert t.loc[1, "resname"] == "PRO"
    assert t.loc[1, "category"] == "trans-proline"
    assert t.loc[15, "resname"] == "ARG"
    assert t.loc[15, "altloc"] == "A"
    np.testing.assert_allclose(t.loc[15, ["phi", "psi"]].to_numpy(float), [-71.51, -21.47],
                               atol=0.01)
    # Biopython's PPBuilder keeps the variant read last (SER, GLU): the documented departure
    from Bio.PDB import PPBuilder

    structure, _ = load_structure(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peptides = PPBuilder().build_peptides(structure[0], aa_only=False)
    theirs = {res.id[1]: (res.resname, phi, psi) for pp in peptides
              for res, (phi, psi) in zip(pp, pp.get_phi_psi_list(), strict=True)
              if res.get_parent().id == "A"}
    assert theirs[1][0] == "SER"
    assert theirs[15][0] == "GLU"
    assert math.degrees(theirs[15][1]) == pytest.approx(-61.34, abs=0.01)
    assert math.degrees(theirs[15][2]) == pytest.approx(-38.37, abs=0.01)
    assert _wrapdiff(t.loc[15, "psi"], math.degrees(theirs[15][2])) == pytest.approx(16.9,
                                                                                       abs=0.05)


def test_modified_residue_kept(shared_data):
    t = phi_psi(shared_data / "structures" / "1hvr.pdb")
    cso = t[t["resname"] == "CSO"]
    assert len(cso) == 2
    assert cso[["phi", "psi"]].notna().all().all()
    assert (cso["category"] == "general").all()
    assert not t["resname"].isin(["HOH", "XK2"]).any()


def test_biopython_structure_input(shared_data):
    path = shared_data / "structures" / "1a28.pdb.gz"
    s, _ = load_structure(path)
    pd.testing.assert_frame_equal(phi_psi(s), phi_psi(path))
    with pytest.raises(TypeError, match="level 'C'"):
        phi_psi(s[0]["A"])


def test_biopython_model_keeps_its_number(shared_data):
    path = shared_data / "structures" / "1LCD.pdb"
    s, _ = load_structure(path)
    third = phi_psi(s[2])
    assert third["model"].unique().tolist() == [2]
    pd.testing.assert_frame_equal(third, phi_psi(path, model=2))
    pd.testing.assert_frame_equal(phi_psi(s[2], model=2), third)
    with pytest.raises(ValueError, match=r"single Biopython Model \(model 2\); pass model=None"):
        phi_psi(s[2], model=0)


def test_altloc_absent_warns(shared_data):
    folder = shared_data / "structures"
    with pytest.warns(UserWarning, match=r"altloc='Z' is not used by any backbone atom of "
                      r".*19hc\.pdb\.gz \(its backbone altlocs are 'A', 'B'\)"):
        z = phi_psi(folder / "19hc.pdb.gz", altloc="Z")
    pd.testing.assert_frame_equal(z, phi_psi(folder / "19hc.pdb.gz"))
    s, _ = load_structure(folder / "1LCD.pdb")
    with pytest.warns(UserWarning, match=r"altloc='A' .* of 1LCD model 0 \(its backbone has "
                                         r"no alternate locations\); .*pass altloc=None"):
        phi_psi(s[0], altloc="A")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        phi_psi(folder / "19hc.pdb.gz", altloc="B")  # present: no warning


@pytest.mark.parametrize("name", ["19hc.pdb.gz", "3JQH.cif"])
def test_quality_columns(shared_data, name):
    path = shared_data / "structures" / name
    t = phi_psi(path, quality=True)
    s, _ = load_structure(path)
    pd.testing.assert_frame_equal(t, phi_psi(s, quality=True))
    pd.testing.assert_frame_equal(t.iloc[:, :10], phi_psi(path))
    assert list(t.columns[10:]) == ["bfactor", "occupancy", "near_break", "tau"]
    # two chain ends per chain at least, one residue deep
    ends = t.groupby(["model", "chain"])["near_break"].agg(lambda x: x.iloc[:2].all()
                                                           and x.iloc[-2:].all())
    assert ends.all()
    assert t["tau"].between(95, 130).mean() > 0.99


def test_quality_columns_hand_checked(shared_data):
    t = phi_psi(shared_data / "structures" / "3JQH.cif", quality=True).set_index("resseq")
    # residue A15: ARG's N, CA, C (altloc A, occupancy 0.50); residue A1 PRO 0.83
    assert t.loc[15, "occupancy"] == pytest.approx(0.50)
    assert t.loc[1, "occupancy"] == pytest.approx(0.83)
    assert t.loc[16, "occupancy"] == 1.0
    t = phi_psi(example_structure(), quality=True)
    first = t.iloc[0]
    # 5PTI ARG A1, from the file's own records: Cartn_x/y/z are fields 10-12, B_iso field 14
    text = gzip.decompress(example_structure().read_bytes()).decode().splitlines()
    rows = [ln.split() for ln in text if ln.startswith("ATOM")][:3]
    assert [r[3] for r in rows] == ["N", "CA", "C"]
    assert first["bfactor"] == pytest.approx(max(float(r[14]) for r in rows))
    assert first["bfactor"] > 0
    xyz = np.array([[float(v) for v in r[10:13]] for r in rows])
    u, v = xyz[0] - xyz[1], xyz[2] - xyz[1]
    tau = math.degrees(math.acos(u @ v / np.linalg.norm(u) / np.linalg.norm(v)))
    assert first["tau"] == pytest.approx(tau, abs=1e-3)


def test_compressions_and_format(tmp_path, shared_data):
    src = shared_data / "structures" / "5PTI.cif.gz"
    base = phi_psi(src)
    raw = gzip.decompress(src.read_bytes())
    (tmp_path / "x.cif.bz2").write_bytes(bz2.compress(raw))
    (tmp_path / "x.txt").write_bytes(raw)
    pd.testing.assert_frame_equal(phi_psi(tmp_path / "x.cif.bz2"), base)
    pd.testing.assert_frame_equal(phi_psi(tmp_path / "x.txt", format="mmcif"), base)
    shutil.copy(shared_data / "structures" / "1hvr.pdb", tmp_path / "y.ent")
    assert len(phi_psi(tmp_path / "y.ent")) == 198
    import lzma

    (tmp_path / "x.cif.xz").write_bytes(lzma.compress(raw))
    pd.testing.assert_frame_equal(phi_psi(tmp_path / "x.cif.xz"), base)


def test_corrupt_compressed_files(tmp_path):
    import lzma

    raw = gzip.decompress(example_structure().read_bytes())
    rng = np.random.default_rng(3)
    garbage = rng.integers(0, 256, 400, dtype=np.uint8).tobytes()
    cases = {
        # a valid gzip header, then garbage: zlib.error, not an OSError
        "bad.cif.gz": gzip.compress(raw)[:10] + garbage,
        "cut.cif.gz": gzip.compress(raw)[:3000],
        "bad.cif.bz2": bz2.compress(raw)[:10] + garbage,
        "bad.cif.xz": lzma.compress(raw)[:12] + garbage,
        "plain.cif.gz": raw[:500],
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        ext = name.rsplit(".", 1)[1]
        pattern = rf"{name}: cannot read the file: corrupt or truncated \.{ext} data"
        with pytest.raises(FileFormatError, match=pattern):
            phi_psi(path)
        with pytest.raises(FileFormatError, match=pattern):
            load_structure(path)


def _pdb_lines():
    with gzip.open(example_structure("1ahsA.pdb.gz"), "rt") as fh:
        return fh.read().splitlines()[:40]


def test_bad_input_messages(tmp_path):
    lines = _pdb_lines()
    trunc = tmp_path / "trunc.pdb"
    trunc.write_text("\n".join([*lines[:20], lines[20][:36], *lines[21:]]) + "\n")
    with pytest.raises(FileFormatError, match=r"trunc\.pdb, line 21: truncated atom record"):
        phi_psi(trunc)
    with pytest.raises(FileFormatError, match=r"trunc\.pdb: malformed PDB file"):
        load_structure(trunc)  # the Biopython path says so too
    bad = tmp_path / "nonnum.pdb"
    bad.write_text("\n".join([lines[0][:33] + "x" + lines[0][34:], *lines[1:]]) + "\n")
    with pytest.raises(FileFormatError,
                       match=r"nonnum\.pdb, line 1: invalid or missing x coordinate '4x.850'"):
        phi_psi(bad)
    water = tmp_path / "water.pdb"
    water.write_text("HETATM    1  O   HOH A 401       1.000   2.000   3.000  1.00 10.00"
                     "           O\nEND\n")
    with pytest.raises(FileFormatError, match=r"water\.pdb: no amino-acid residues"):
        phi_psi(water)
    cif = tmp_path / "bad.cif"
    text = gzip.decompress(example_structure().read_bytes()).decode()
    assert "32.231 15.281" in text
    text = text.replace("32.231 15.281", "32.2x1 15.281", 1)
    cif.write_text(text)
    with pytest.raises(FileFormatError,
                       match=r"bad\.cif, line \d+: invalid or missing x coordinate '32.2x1'"):
        phi_psi(cif)
    with pytest.raises(FileFormatError, match=r"bad\.cif: malformed mmCIF file"):
        load_structure(cif)
    with pytest.raises(FileNotFoundError, match="structure file not found: .*missing.pdb"):
        phi_psi(tmp_path / "missing.pdb")
    with pytest.raises(ValueError, match="cannot tell the format of .*x.xyz"):
        phi_psi(tmp_path / "x.xyz")
    with pytest.raises(ValueError, match="format must be one of"):
        phi_psi(trunc, format="xyz")
    with pytest.raises(TypeError, match="source must be a path"):
        phi_psi(42)
    with pytest.raises(ValueError, match=r"altloc must be a single non-blank character.*'AB'"):
        phi_psi(example_structure(), altloc="AB")
    with pytest.raises(ValueError, match="max_bond must be a positive number of Å; got -1"):
        phi_psi(example_structure(), max_bond=-1)
    with pytest.raises(ValueError, match="model must be >= 0"):
        phi_psi(example_structure(), model=-1)
    with pytest.raises(TypeError, match="model must be an int"):
        phi_psi(example_structure(), model=1.5)


def test_invalid_cif_read_or_clear(shared_data):
    t = phi_psi(shared_data / "structures" / "1YJP_invalid.cif.gz")
    ok = phi_psi(shared_data / "structures" / "1YJP.cif")
    assert len(t) == 7
    assert t["resname"].tolist() == ok["resname"].tolist()
    # the oddities touch the first residue's backbone only; the rest read as in 1YJP.cif
    np.testing.assert_allclose(t.loc[2:5, ["phi", "psi"]], ok.loc[2:5, ["phi", "psi"]])


def test_missing_backbone_atom_kept(tmp_path):
    lines = [ln for ln in _pdb_lines() if ln.startswith("ATOM")]
    # drop the CA of the third residue: the row stays, with NaN angles
    third = lines[0 + 7 + 4 + 0][22:26]
    kept = [ln for ln in lines if not (ln[22:26] == third and ln[12:16].strip() == "CA")]
    path = tmp_path / "noca.pdb"
    path.write_text("\n".join(kept) + "\nEND\n")
    t = phi_psi(path).set_index("resseq")
    r = int(third)
    assert math.isnan(t.loc[r, "phi"])
    assert math.isnan(t.loc[r, "psi"])
    assert not math.isnan(t.loc[r - 1, "psi"])  # C(i-1), N(i) still bonded


# --------------------------------------------------------------------------- density


def test_density_brute_force():
    pts = np.array([[-60.0, -45.0], [170.0, -175.0], [10.0, 100.0], [-179.9, 179.9]])
    w = np.array([1.0, 2.0, 0.5, 1.5])
    d = density(pts, resolution=5.0, bandwidth=20.0, weights=w)
    c = d["phi"].values
    kappa = 1.0 / np.radians(20.0) ** 2

    def vm(x, mu):
        return np.exp(kappa * (np.cos(np.radians(x - mu)) - 1.0))

    centre = -180.0 + 5.0 * (np.floor((pts + 180.0) / 5.0) % 72 + 0.5)
    num = sum(wi * np.outer(vm(c, p), vm(c, q)) for wi, (p, q) in zip(w, centre, strict=False))
    expected = num / (vm(c, c[0]).sum() ** 2 * w.sum() * 25.0)
    np.testing.assert_allclose(d.values, expected, rtol=1e-9, atol=1e-15)
    assert float(d.sum()) * 25.0 == pytest.approx(1.0, abs=1e-12)
    assert d["phi"].attrs == {"period": 360.0, "units": "degree"}


def test_density_shift_rolls_exactly():
    rng = np.random.default_rng(3)
    pts = rng.uniform(-180, 180, size=(300, 2))
    d0 = density(pts, resolution=2.0, bandwidth=8.0)
    d1 = density(pts + np.array([14.0, -6.0]), resolution=2.0, bandwidth=8.0)
    np.testing.assert_allclose(d1.values, np.roll(d0.values, (7, -3), axis=(0, 1)),
                               atol=1e-14)


def test_density_frame_category_and_errors():
    t = phi_psi(example_structure())
    d = density(t, category="general")
    assert d.attrs["n_angles"] == int(t[t.category == "general"][["phi", "psi"]].notna()
                                      .all(axis=1).sum())
    with pytest.raises(ValueError, match="resolution must divide 360"):
        density(t, resolution=7.0)
    with pytest.raises(ValueError, match="bandwidth must be a positive number of degrees"):
        density(t, bandwidth=0)
    with pytest.raises(ValueError, match="category must be one of .*got 'alpha'"):
        density(t, category="alpha")
    with pytest.raises(ValueError, match=r"shape \(N, 2\).*\(3,\)"):
        density(np.zeros(3))
    with pytest.raises(ValueError, match="no finite"):
        density(np.full((2, 2), np.nan))
    with pytest.raises(ValueError, match="weights must have one value per row"):
        density(np.zeros((3, 2)), weights=[1.0])
    with pytest.raises(ValueError, match="non-negative"):
        density(np.zeros((2, 2)), weights=[1.0, -1.0])
    with pytest.raises(ValueError, match="columns 'phi' and 'psi'"):
        density(pd.DataFrame({"x": [1.0]}))


def test_density_default_bandwidth_documented():
    rng = np.random.default_rng(0)
    pts = np.column_stack([rng.normal(-60, 10, 1000), rng.normal(-45, 20, 1000)])
    d = density(pts)
    r = np.hypot(np.cos(np.radians(pts)).mean(0), np.sin(np.radians(pts)).mean(0))
    sigma = np.degrees(np.sqrt(-2 * np.log(r)))
    assert d.attrs["bandwidth"] == pytest.approx(0.9 * min(sigma.min(), 30.0) * 1000 ** (-1 / 6))


def test_regions_mass():
    rng = np.random.default_rng(1)
    d = density(rng.normal(0, 30, size=(500, 2)), resolution=2.0)
    r = regions(d, levels=(0.5, 0.9, 0.99))
    area = 4.0
    masses = [(d.values * r.sel(level=lv).values).sum() * area for lv in (0.5, 0.9, 0.99)]
    for lv, m in zip((0.5, 0.9, 0.99), masses, strict=False):
        assert m >= lv
        # dropping the lowest cell of the region leaves less than the level
        vals = d.values[r.sel(level=lv).values]
        assert m - vals.min() * area * (vals == vals.min()).sum() < lv
    assert (r.sel(level=0.5) <= r.sel(level=0.9)).all()
    assert r["level"].values.tolist() == [0.5, 0.9, 0.99]
    with pytest.raises(ValueError, match=r"levels must be probabilities in \(0, 1\]"):
        regions(d, levels=(0.0,))
    with pytest.raises(TypeError, match="dims \\('phi', 'psi'\\)"):
        regions(np.zeros((3, 3)))


# --------------------------------------------------------------------------- references


TOP = "rama/top8000"


def _manual_bilinear(grid_path, phi, psi):
    """Independent bilinear lookup: scipy on a grid padded by one wrapped cell."""
    from scipy.interpolate import RegularGridInterpolator

    vals = np.zeros((180, 180))
    data = np.loadtxt(grid_path, comments="#")
    vals[((data[:, 0] + 179) / 2).astype(int), ((data[:, 1] + 179) / 2).astype(int)] = data[:, 2]
    centres = np.arange(-181.0, 182.0, 2.0)
    f = RegularGridInterpolator((centres, centres), np.pad(vals, 1, mode="wrap"))
    return f(np.column_stack([phi, psi]))


def test_top8000_reader_and_bilinear(shared_data):
    folder = shared_data / TOP
    g = reference("general", path=folder)
    assert g.shape == (180, 180)
    assert g.attrs["allowed_threshold"] == 0.0005
    assert g.attrs["favored_threshold"] == 0.02
    assert float(g.sel(phi=-179, psi=-179)) == pytest.approx(0.005560270487425575)
    assert reference("cis-proline", path=folder).attrs["allowed_threshold"] == 0.002
    for cat in ("glycine", "trans-proline", "pre-proline", "ile-val"):
        assert reference(cat, path=folder).attrs["allowed_threshold"] == 0.001
    from shapeoverlap.rama.reference import interpolate

    rng = np.random.default_rng(5)
    phi, psi = rng.uniform(-180, 180, 2000), rng.uniform(-180, 180, 2000)
    phi[:4] = [-180.0, 180.0, 179.5, -179.5]
    psi[:4] = [180.0, -180.0, -179.9, 0.0]
    got = interpolate(g, phi, psi)
    expected = _manual_bilinear(folder / "rama8000-general-noGPIVpreP.data", phi, psi)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


def test_classify_top8000_thresholds(shared_data):
    folder = shared_data / TOP
    frames = [phi_psi(shared_data / "structures" / f) for f in
              ("2XHE.cif", "7DDO.pdb", "3PWP.cif.gz", "1LCD.pdb", "19hc.pdb.gz")]
    t = pd.concat(frames, ignore_index=True)
    c = classify(t, folder)
    pd.testing.assert_frame_equal(c.drop(columns="region"), t)
    files = {"general": "general-noGPIVpreP", "glycine": "gly-sym", "trans-proline":
             "transpro", "cis-proline": "cispro", "pre-proline": "prepro-noGP",
             "ile-val": "ileval-nopreP"}
    allowed = {"general": 0.0005, "cis-proline": 0.002}
    for cat, stem in files.items():
        rows = c[(c.category == cat) & c.phi.notna() & c.psi.notna()]
        if rows.empty:
            continue
        v = _manual_bilinear(folder / f"rama8000-{stem}.data", rows.phi, rows.psi)
        exp = np.where(v >= 0.02, "favored",
                       np.where(v >= allowed.get(cat, 0.001), "allowed", "outlier"))
        assert rows["region"].tolist() == exp.tolist(), cat
    assert c.loc[c.phi.isna() | c.psi.isna(), "region"].isna().all()
    assert (c["region"] == "outlier").sum() > 0


def test_classify_single_file_and_errors(shared_data, tmp_path):
    t = phi_psi(example_structure())
    f = shared_data / TOP / "rama8000-general-noGPIVpreP.data"
    c = classify(t.drop(columns="category"), f)
    assert c["region"].notna().sum() == 56
    bad_name = tmp_path / "mygrid.data"
    shutil.copy(f, bad_name)
    with pytest.raises(ValueError, match="cannot tell the residue class of the reference file "
                       "'mygrid.data'"):
        classify(t, bad_name)
    with pytest.raises(ValueError, match="is the Top8000 grid of 'general', not of category"):
        reference("glycine", path=f)
    with pytest.raises(FileNotFoundError, match="no Top8000 file"):
        reference("glycine", path=tmp_path)
    bad = tmp_path / "rama8000-gly-sym.data"
    bad.write_text("# header\n-179.0 -179.0 0.1\n-178.0 -179.0 0.2\n")
    with pytest.raises(FileFormatError, match=r"gly-sym.data, line 3: .*not the centre"):
        read_top8000(bad)
    bad.write_text("# header\n-179.0 abc 0.1\n")
    with pytest.raises(FileFormatError, match=r"line 2: could not convert"):
        read_top8000(bad)
    with pytest.raises(TypeError, match="angles must be a pandas DataFrame"):
        classify(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="needs a 'category' column"):
        classify(t.drop(columns="category"))
    with pytest.raises(ValueError, match="unknown category value"):
        classify(t.assign(category="helix"))
    with pytest.raises(ValueError, match="category must be one of"):
        reference("alpha")


def test_classify_single_file_only_its_class(shared_data):
    """One Top8000 file judges its own class only; the rest stay unclassified, with a warning."""
    t = phi_psi(example_structure())
    folder = shared_data / TOP
    every = classify(t, folder)
    with pytest.warns(UserWarning, match=r"rama8000-general-noGPIVpreP\.data is the Top8000 grid "
                      r"of 'general' only: 14 residue\(s\) of other classes \(glycine 6, "
                      r"trans-proline 4, ile-val 3, pre-proline 1\) are not classified"):
        c = classify(t, folder / "rama8000-general-noGPIVpreP.data")
    general = (t["category"] == "general").to_numpy()
    assert c.loc[general, "region"].tolist() == every.loc[general, "region"].tolist()
    assert c.loc[general, "region"].notna().sum() == 42
    assert c.loc[~general, "region"].isna().all()
    with pytest.warns(UserWarning, match="'glycine' only: 50 residue"):
        g = classify(t, folder / "rama8000-gly-sym.data")
    gly = (t["category"] == "glycine").to_numpy()
    assert g.loc[gly, "region"].tolist() == every.loc[gly, "region"].tolist()
    assert g["region"].notna().sum() == 6
    with pytest.warns(UserWarning, match="'general' only"):
        s = summary(t, folder / "rama8000-general-noGPIVpreP.data")
    assert s.loc[0, "residues"] == 42
    only_general = t[general]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing left out: no warning
        classify(only_general, folder / "rama8000-general-noGPIVpreP.data")


def test_embedded_reference_and_classify():
    for cat in CATEGORIES:
        ref = reference(cat)
        assert ref.attrs["source"] == "embedded"
        assert float(ref.sum()) * 4.0 == pytest.approx(1.0)
        reg = regions(ref)
        assert float(reg["threshold"][0]) == ref.attrs["favored_threshold"]
        assert float(reg["threshold"][1]) == ref.attrs["allowed_threshold"]
    ref = reference("general")
    # classification at cell centres equals membership of the HDR regions
    reg = regions(ref)
    pts = pd.DataFrame({"phi": ref.phi.values.repeat(180), "psi": np.tile(ref.psi.values, 180),
                        "category": "general"})
    c = classify(pts)
    fav = reg.sel(level=0.98).values.ravel()
    allowed = reg.sel(level=0.9995).values.ravel()
    assert (c["region"].to_numpy() == "favored").tolist() == fav.tolist()
    assert (c["region"].to_numpy() != "outlier").tolist() == allowed.tolist()
    # a textbook alpha helix and beta strand are favored; phi=100, psi=-60 is an outlier
    probe = pd.DataFrame({"phi": [-63.0, -120.0, 100.0], "psi": [-43.0, 130.0, -60.0],
                          "category": "general"})
    assert classify(probe)["region"].tolist() == ["favored", "favored", "outlier"]


def test_summary_counts():
    t = phi_psi(example_structure())
    c = classify(t)
    c.loc[5, "region"] = "outlier"
    s = summary(c.assign(structure="bpti"))
    row = s.iloc[0]
    assert row["structure"] == "bpti"
    assert row["model"] == 0
    n = int(c["region"].notna().sum())
    assert row["residues"] == n == 56
    assert row["outliers"] == 1
    assert row["outlier_residues"] == (
        f"A {t.loc[5, 'resseq']} {t.loc[5, 'resname']}")
    assert row["pct_favored"] == pytest.approx(100 * (c["region"] == "favored").sum() / n)
    assert row["pct_allowed"] == pytest.approx(100 * (n - 1) / n)
    with pytest.raises(ValueError, match="by names missing column"):
        summary(c, by=["nope"])


def test_summary_keeps_structures_without_angles():
    t = phi_psi(example_structure())
    lone = t.iloc[[3]].assign(phi=np.nan)  # one residue: no phi
    s = summary(lone)
    assert s[["model", "residues", "favored", "allowed", "outliers"]].iloc[0].tolist() == [
        0, 0, 0, 0, 0]
    assert s[["pct_favored", "pct_allowed", "pct_outliers"]].isna().all(axis=None)
    assert s.loc[0, "outlier_residues"] == ""
    both = summary(pd.concat([t.assign(structure="bpti"), lone.assign(structure="one")]))
    assert both["structure"].tolist() == ["bpti", "one"]
    assert both["residues"].tolist() == [56, 0]


def test_summary_per_model(shared_data):
    s = summary(phi_psi(shared_data / "structures" / "1LCD.pdb"))
    assert s["model"].tolist() == [0, 1, 2]
    assert (s["favored"] + s["allowed"] + s["outliers"] == s["residues"]).all()


def test_build_reference_from_frame():
    t = phi_psi(example_structure())
    # a frame without the quality columns: the filters that need them are skipped, and said
    with pytest.warns(UserWarning, match=r"no column\(s\) \['bfactor', 'occupancy', 'near_break', "
                      r"'tau'\]: .*pass max_bfactor=None, min_occupancy=None, "
                      r"include_near_breaks=True, max_tau_deviation=None"):
        refs = build_reference(t, categories=["general"], resolution=5.0, bandwidth=12.0)
    np.testing.assert_allclose(refs["general"].values,
                               density(t, category="general", resolution=5.0,
                                       bandwidth=12.0).values)
    assert refs["general"].attrs["n_filtered"] == 0
    off = {"max_bfactor": None, "min_occupancy": None, "include_near_breaks": True,
           "max_tau_deviation": None}
    with pytest.raises(ValueError, match="no finite"):
        build_reference(t, categories=["cis-proline"], **off)
    with pytest.raises(ValueError, match="max_bfactor must be a non-negative number or None"):
        build_reference(t, max_bfactor=-1.0)
    with pytest.raises(TypeError, match="min_residues must be an int"):
        build_reference(t, min_residues=2.5)


def _quality_table():
    """Six residues of two structures; each breaks one filter except the first of each."""
    return pd.DataFrame({
        "structure": ["a"] * 6 + ["b"] * 2,
        "phi": -60.0, "psi": -40.0, "category": "general",
        "bfactor": [12.0, 31.0, 12.0, 12.0, 12.0, 12.0, 100.0, 100.0],
        "occupancy": [1.0, 1.0, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0],
        "altloc": ["", "", "", "A", "", "", "", ""],
        "near_break": [False, False, False, False, True, False, False, False],
        "tau": [111.0, 111.0, 111.0, 111.0, 111.0, 123.0, 111.0, 99.0],
    })


def test_quality_mask_hand_checked():
    from shapeoverlap.rama.reference import _quality_mask

    t = _quality_table()
    keep, skipped = _quality_mask(t)
    assert skipped == []
    # b: every B is 100.00 (stripped), so the B filter does not apply there; tau 99 is 12.2
    # degrees off 111.2, beyond 4 sigma
    assert keep.tolist() == [True, False, False, False, False, False, True, False]
    keep, _ = _quality_mask(t, max_bfactor=None, min_occupancy=None, include_altlocs=True,
                            include_near_breaks=True, max_tau_deviation=None)
    assert keep.all()
    keep, _ = _quality_mask(t, max_bfactor=40.0, min_occupancy=0.5, include_altlocs=True,
                            include_near_breaks=True, max_tau_deviation=12.5)
    assert keep.all()
    # without a structure column the whole table is one structure: B is informative
    keep, _ = _quality_mask(t.drop(columns="structure"))
    assert keep.tolist() == [True] + [False] * 7


def test_build_reference_filters_and_small_classes():
    t = _quality_table()
    t = pd.concat([t] * 5, ignore_index=True).assign(
        phi=np.linspace(-80, -50, 40), psi=np.linspace(-50, -30, 40))
    with pytest.warns(UserWarning, match=r"category 'general' keeps 10 residue\(s\) after the "
                      r"quality filters \(40 before\), fewer than min_residues=30"):
        refs = build_reference(t, categories=["general"])
    assert refs["general"].attrs["n_angles"] == 10
    assert refs["general"].attrs["n_filtered"] == 30
    kept = pd.concat([t.iloc[[i, i + 6]] for i in range(0, 40, 8)])
    np.testing.assert_allclose(refs["general"].values,
                               density(kept, category="general", resolution=2.0).values)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        build_reference(t, categories=["general"], min_residues=10)


def test_embedded_reference_is_filtered(shared_data):
    """The shipped angles pass the default filters; residues known to be bad are out."""
    counts = {c: reference(c).attrs["n_angles"] for c in CATEGORIES}
    assert counts == {"general": 5254, "glycine": 434, "trans-proline": 262, "cis-proline": 12,
                      "pre-proline": 255, "ile-val": 903}
    from shapeoverlap.rama.reference import _embedded_angles

    angles = _embedded_angles()
    key = angles.set_index(["structure", "chain", "resseq"]).index
    # 1BD2 D PRO 199 (phi +64.6, backbone B 98 A^2) and 1v7mV THR 84 (tau 123.2 degrees)
    assert ("1BD2", "D", 199) not in key
    assert ("1v7mV", "V", 84) not in key
    assert ("1BD2", "A", 8) in key  # 1BD2 keeps its well-ordered residues
    probe = pd.DataFrame({"phi": [65.0, -30.0, 140.0, -63.0, -120.0],
                          "psi": [165.0, -130.0, 120.0, -43.0, 130.0],
                          "category": ["trans-proline", *["general"] * 4]})
    # Top8000 calls the first three outliers and the last two favored
    assert classify(probe)["region"].tolist() == ["outlier", "outlier", "outlier", "favored",
                                                  "favored"]
    assert classify(probe, shared_data / TOP)["region"].tolist() == [
        "outlier", "outlier", "outlier", "favored", "favored"]


# --------------------------------------------------------------------------- compare


def test_compare_counts():
    c = torus_coords(10.0)
    rng = np.random.default_rng(2)
    a = xr.DataArray(rng.random((36, 36)) < 0.3, dims=("phi", "psi"), coords=c)
    b = xr.DataArray(rng.random((36, 36)) < 0.5, dims=("phi", "psi"), coords=c)
    s = compare(a, b)
    inter = np.count_nonzero(a.values & b.values)
    union = np.count_nonzero(a.values | b.values)
    assert s["iou"] == pytest.approx(inter / union, rel=1e-12)
    assert s["dice"] == pytest.approx(2 * inter / (a.values.sum() + b.values.sum()), rel=1e-12)
    assert s["area_a"] == pytest.approx(a.values.mean(), rel=1e-12)
    assert s["area_b"] == pytest.approx(b.values.mean(), rel=1e-12)
    with pytest.raises(TypeError, match="predicted must be boolean"):
        compare(a.astype(float), b)
    with pytest.raises(ValueError, match="different grids"):
        compare(a, xr.DataArray(np.ones((72, 72), bool), dims=("phi", "psi"),
                                coords=torus_coords(5.0)))
    with pytest.raises(ValueError, match="must have dims 'phi' and 'psi'"):
        compare(a.rename(phi="x"), b)


# --------------------------------------------------------------------------- steric


def test_steric_model():
    ala = steric_regions("ala")
    gly = steric_regions("gly")
    n, o = ala.sel(limit="normal"), ala.sel(limit="outer")
    assert bool((n <= o).all())
    assert bool((ala <= gly).all())
    # glycine's backbone is achiral: its map is symmetric under (phi, psi) -> (-phi, -psi)
    g = gly.values
    assert np.array_equal(g, g[:, ::-1, ::-1])
    assert not np.array_equal(ala.values, ala.values[:, ::-1, ::-1])
    # beta strand fully allowed; right-handed helix only within the outer limit at tau=110;
    # phi = 0 forbidden (C(i-1)...C(i) clash); left-handed helix of alanine outer only
    assert bool(n.sel(phi=-121, psi=131))
    assert not bool(n.sel(phi=-63, psi=-43))
    assert bool(o.sel(phi=-63, psi=-43))
    assert not bool(o.sel(phi=1, psi=131))
    assert not bool(n.sel(phi=59, psi=41))
    assert bool(o.sel(phi=59, psi=41))
    frac = ala.mean(("phi", "psi")).values
    assert 0.03 < frac[0] < 0.10
    assert 0.15 < frac[1] < 0.30
    with pytest.raises(ValueError, match="residue must be 'ala' or 'gly'; got 'pro'"):
        steric_regions("pro")
    with pytest.raises(ValueError, match="tau must be"):
        steric_regions(tau=200.0)


def test_steric_contacts_hand_checked():
    from shapeoverlap.rama.steric import dipeptide

    atoms = dipeptide(np.array([0.0]), np.array([180.0]))
    from shapeoverlap._kernels.dihedral import dihedral

    phi = np.degrees(dihedral(atoms["C-1"][1], atoms["N"][1], atoms["CA"][1], atoms["C"][1]))
    psi = np.degrees(dihedral(atoms["N"][1], atoms["CA"][1], atoms["C"][1], atoms["N+1"][1]))
    omega = np.degrees(dihedral(atoms["CA-1"][1], atoms["C-1"][1], atoms["N"][1],
                                atoms["CA"][1]))
    assert phi[0] == pytest.approx(0.0, abs=1e-9)
    assert abs(psi[0]) == pytest.approx(180.0)
    assert abs(omega[0]) == pytest.approx(180.0)
    # bond lengths of the standard geometry
    assert np.linalg.norm(atoms["C-1"][1] - atoms["N"][1]) == pytest.approx(1.32)
    assert np.linalg.norm(atoms["CB"][1] - atoms["CA"][1]) == pytest.approx(1.54)
    # at phi = 0 the two carbonyl carbons are 1-4 neighbours in the cis position: < 3.0 A
    d = np.linalg.norm(atoms["C-1"][1] - atoms["C"][1], axis=-1)
    assert d[0] < 3.0


def test_compare_steric_to_empirical():
    emp = regions(reference("general"))
    s = compare(steric_regions("ala"), emp)
    assert list(s.index.names) == ["limit", "level"]
    assert s.loc[("outer", 0.98), "iou"] > s.loc[("normal", 0.98), "iou"] > 0.1


@pytest.mark.filterwarnings("ignore:altloc='B' is not used")
@pytest.mark.parametrize("name", [*ORACLE_FILES, "dssp-set"])
@pytest.mark.parametrize("altloc", [None, "B"])
def test_file_reader_equals_biopython_structure_path(shared_data, name, altloc):
    """The lean file reader and the Biopython-Structure path give identical tables."""
    folder = shared_data / "structures"
    paths = sorted((folder / "dssp-set").glob("*.pdb.gz"))[:12] if name == "dssp-set" else [
        folder / name]
    for path in paths:
        structure, _ = load_structure(path)
        pd.testing.assert_frame_equal(phi_psi(path, altloc=altloc),
                                      phi_psi(structure, altloc=altloc))


def test_reader_errors_name_line(tmp_path):
    lines = _pdb_lines()
    bad = tmp_path / "occ.pdb"
    bad.write_text("\n".join([*lines[:3], lines[3][:54] + "  x.00" + lines[3][60:],
                              *lines[4:]]) + "\n")
    with pytest.raises(FileFormatError, match=r"occ\.pdb, line 4: invalid or missing occupancy"):
        phi_psi(bad)
    cif = tmp_path / "short.cif"
    text = gzip.decompress(example_structure().read_bytes()).decode().splitlines()
    start = next(i for i, ln in enumerate(text) if ln.startswith("ATOM"))
    cut = list(text)
    cut[start + 2] = text[start + 2][:40]
    cif.write_text("\n".join(cut) + "\n")
    with pytest.raises(FileFormatError, match=r"short\.cif, line \d+: .*fields"):
        phi_psi(cif)
    # a row cut to 8 fields is reported on its own line (1-based), not on the next row's
    cut = list(text)
    cut[start + 2] = " ".join(text[start + 2].split()[:8])
    cif.write_text("\n".join(cut) + "\n")
    with pytest.raises(FileFormatError, match=rf"short\.cif, line {start + 3}: atom record has 8 "
                       r"fields, the _atom_site loop declares 21 \(truncated row\?\)"):
        phi_psi(cif)
    end = max(i for i, ln in enumerate(text) if ln.startswith(("ATOM", "HETATM")))
    cut = list(text)
    cut[end] = " ".join(text[end].split()[:8])
    cif.write_text("\n".join(cut) + "\n")
    with pytest.raises(FileFormatError, match=rf"short\.cif, line {end + 1}: truncated atom "
                       r"record in _atom_site \(8 fields, the loop declares 21\)"):
        phi_psi(cif)
    empty = tmp_path / "empty.cif"
    empty.write_text("data_x\n_cell.length_a 1.0\n")
    with pytest.raises(FileFormatError, match=r"empty\.cif: no _atom_site loop"):
        phi_psi(empty)


def test_selenomethionine_joins_the_chain(tmp_path):
    """A HETATM MSE inside a chain is a residue, not a chain break (unlike PPBuilder's default)."""
    lines = [ln for ln in _pdb_lines() if ln.startswith("ATOM")]
    third = lines[11][22:26]
    mutated = []
    for ln in lines:
        if ln[22:26] == third:
            ln = "HETATM" + ln[6:17] + "MSE" + ln[20:]
        mutated.append(ln)
    (tmp_path / "a.pdb").write_text("\n".join(lines) + "\nEND\n")
    (tmp_path / "m.pdb").write_text("\n".join(mutated) + "\nEND\n")
    a, m = phi_psi(tmp_path / "a.pdb"), phi_psi(tmp_path / "m.pdb")
    row = m["resseq"] == int(third)
    assert m.loc[row, "resname"].item() == "MSE"
    assert m.loc[row, "category"].item() == "general"
    np.testing.assert_allclose(m[["phi", "psi", "omega"]], a[["phi", "psi", "omega"]])


def test_insertion_codes_are_neighbours_by_order(shared_data):
    t = phi_psi(shared_data / "structures" / "4ZHL.cif").set_index(["chain", "resseq", "icode"])
    seq = t.loc["U"].loc[[(37, ""), (37, "A"), (37, "B"), (37, "C"), (38, "")]]
    assert seq[["phi", "psi"]].notna().all().all()


def test_embedded_reference_is_reproducible(tmp_path):
    """The build script regenerates the shipped reference byte for byte."""
    import runpy
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    path = root / "scripts" / "build_rama_reference.py"
    if not path.is_file():
        pytest.skip("scripts/ is not part of this source tree")
    script = runpy.run_path(str(path))
    out = tmp_path / "ref.csv.gz"
    script["main"](["--out", str(out)])
    shipped = root / "shapeoverlap" / "data" / "rama" / "reference_angles.csv.gz"
    assert out.read_bytes() == shipped.read_bytes()


def test_unlooped_atom_site_is_read(tmp_path):
    """A one-atom mmCIF writes _atom_site as key-value items; it reads like the looped form."""
    items = {
        "group_PDB": "ATOM", "id": "1", "type_symbol": "C", "label_atom_id": "CA",
        "label_alt_id": ".", "label_comp_id": "ALA", "label_asym_id": "A",
        "label_entity_id": "1", "label_seq_id": "7", "pdbx_PDB_ins_code": "?",
        "Cartn_x": "1.250", "Cartn_y": "-2.500", "Cartn_z": "3.000", "occupancy": "1.00",
        "B_iso_or_equiv": "20.00", "auth_seq_id": "7", "auth_comp_id": "ALA",
        "auth_asym_id": "A", "auth_atom_id": "CA", "pdbx_PDB_model_num": "1",
    }
    flat = tmp_path / "one.cif"
    flat.write_text("data_one\n" + "".join(f"_atom_site.{k} {v}\n" for k, v in items.items()))
    looped = tmp_path / "loop.cif"
    looped.write_text("data_one\nloop_\n" + "".join(f"_atom_site.{k}\n" for k in items)
                      + " ".join(items.values()) + "\n")
    a, b = phi_psi(flat), phi_psi(looped)
    assert len(a) == 1
    assert (a["chain"].iloc[0], int(a["resseq"].iloc[0]), a["resname"].iloc[0]) == ("A", 7, "ALA")
    assert np.isnan(a["phi"].iloc[0])
    assert np.isnan(a["psi"].iloc[0])
    pd.testing.assert_frame_equal(a.drop(columns=[c for c in a.columns if c == "source"]),
                                  b.drop(columns=[c for c in b.columns if c == "source"]))


def test_an_empty_model_keeps_its_number(tmp_path):
    # MODEL 1, an empty MODEL 2, MODEL 3: the third model is model 2, as in Biopython
    from Bio.PDB import PDBParser

    atoms = [ln for ln in gzip.decompress(example_structure("1ahsA.pdb.gz").read_bytes())
             .decode().splitlines() if ln.startswith("ATOM  ")][:400]
    text = ["MODEL        1", *atoms, "ENDMDL", "MODEL        2", "ENDMDL",
            "MODEL        3", *atoms, "ENDMDL", "END"]
    path = tmp_path / "three.pdb"
    path.write_text("\n".join(text) + "\n")
    table = phi_psi(path)
    assert sorted(set(table["model"])) == [0, 2]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = PDBParser(QUIET=True).get_structure("x", str(path))
    assert [len(m) for m in parsed] == [1, 0, 1]
    pd.testing.assert_frame_equal(table, phi_psi(parsed))
    second = phi_psi(path, model=2)
    assert set(second["model"]) == {2}
    assert len(second) == (table["model"] == 2).sum() > 40


def test_build_reference_checks_levels_and_filters():
    src = [example_structure("1a28.pdb.gz")]
    with pytest.raises(ValueError, match=r"levels must satisfy 0 < favored <= allowed < 1"):
        build_reference(src, categories=["general"], levels=(0.99, 0.5))
    with pytest.raises(ValueError, match=r"levels must be two masses"):
        build_reference(src, categories=["general"], levels=(0.98,))
    with pytest.raises(ValueError, match=r"min_occupancy is at most 1"):
        build_reference(src, categories=["general"], min_occupancy=2)
    with pytest.raises(ValueError, match=r"category 'general': none of its 380 residue\(s\) "
                                         r"pass the quality filters"):
        build_reference(src, categories=["general"], max_bfactor=0.001)


def test_top8000_names_in_any_case(shared_data, tmp_path):
    src = shared_data / TOP / "rama8000-cispro.data"
    upper = tmp_path / "RAMA8000-CISPRO.DATA"
    upper.write_bytes(src.read_bytes())
    grid = read_top8000(upper)
    assert grid.attrs["category"] == "cis-proline"
    np.testing.assert_array_equal(grid.values, read_top8000(src).values)
    unnamed = tmp_path / "mygrid.data"
    unnamed.write_bytes(src.read_bytes())
    with pytest.raises(ValueError, match=r"cannot tell the residue class .*\(--reference on "
                                         r"the command line\)"):
        classify(pd.DataFrame({"phi": [-60.0], "psi": [140.0], "category": ["general"]}),
                 reference=str(unnamed))
