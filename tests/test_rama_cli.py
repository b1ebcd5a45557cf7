from __future__ import annotations

import json

import matplotlib
import numpy as np
import pandas as pd
import pytest

from shapeoverlap.cli import main
from shapeoverlap.rama import classify, example_structure, phi_psi, summary

matplotlib.use("Agg")


def test_cli_rama_builtin(tmp_path, capsys):
    out_csv, out_json, fig = tmp_path / "s.csv", tmp_path / "s.json", tmp_path / "r.png"
    res = tmp_path / "res.csv"
    path = example_structure()
    rc = main(["rama", str(path), str(example_structure("1a28.pdb.gz")), "--csv", str(out_csv),
               "--json", str(out_json), "--plot", str(fig), "--residues", str(res)])
    assert rc == 0
    text = capsys.readouterr()
    assert "Ramachandran validation" in text.out
    assert "5PTI.cif.gz" in text.out
    table = pd.read_csv(out_csv)
    assert table["structure"].tolist() == ["5PTI.cif.gz", "1a28.pdb.gz"]
    expected = summary(classify(phi_psi(path)))
    assert table.loc[0, "residues"] == expected.loc[0, "residues"]
    assert table.loc[0, "pct_favored"] == pytest.approx(expected.loc[0, "pct_favored"])
    records = json.loads(out_json.read_text())
    assert records[1]["structure"] == "1a28.pdb.gz"
    assert fig.stat().st_size > 1000
    assert set(pd.read_csv(res)["region"].dropna()) <= {"favored", "allowed", "outlier"}


def test_cli_rama_top8000_and_model(shared_data, tmp_path, capsys):
    nmr = shared_data / "structures" / "1LCD.pdb"
    top = shared_data / "rama" / "top8000"
    out = tmp_path / "m.csv"
    assert main(["rama", str(nmr), "--reference", str(top), "--model", "2", "--csv",
                 str(out)]) == 0
    table = pd.read_csv(out)
    assert table["model"].tolist() == [2]
    t = classify(phi_psi(nmr, model=2), top)
    assert table.loc[0, "outliers"] == int((t["region"] == "outlier").sum())


def test_cli_rama_bad_input(tmp_path, capsys):
    assert main(["rama", str(tmp_path / "missing.pdb")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("shapeoverlap rama: error: structure file not found")
    assert len(err.strip().splitlines()) == 1
    assert main(["rama", str(example_structure()), "--plot", str(tmp_path / "x.gif")]) == 2
    assert "unsupported figure type" in capsys.readouterr().err
    assert main(["rama", str(example_structure()), "--reference", str(tmp_path / "no")]) == 2
    assert "--reference" in capsys.readouterr().err
    bad = tmp_path / "bad.pdb"
    bad.write_text("ATOM      1  N   ALA A   1      11.1\n")
    assert main(["rama", str(bad)]) == 2
    assert "bad.pdb, line 1: truncated atom record" in capsys.readouterr().err


def test_demo_rama_section(tmp_path):
    from shapeoverlap.cli.rama import rama_section

    tables = rama_section(tmp_path)
    assert (tmp_path / "rama_5PTI.png").exists()
    (title0, validation), (_title1, scores) = tables
    assert "5PTI" in title0
    assert validation.loc[0, "residues"] == 56
    assert set(scores["limit"]) == {"normal", "outer"}
    assert ((scores["iou"] > 0) & (scores["iou"] < 1)).all()


def test_plot_rama_panels():
    import matplotlib.pyplot as plt

    import shapeoverlap as so

    t = phi_psi(example_structure())
    ax = so.plot.rama(t, category="general")
    assert [float(v) for v in ax.get_xlim()] == [-180.0, 180.0]
    # one point per classified general residue
    n = int(((t["category"] == "general") & t["phi"].notna() & t["psi"].notna()).sum())
    points = {c.get_label(): len(c.get_offsets()) for c in ax.collections
              if c.get_label() in ("favored", "allowed", "outlier")}
    assert sum(points.values()) == n
    plt.close(ax.figure)
    axes = so.plot.rama(t, by_category=True)
    assert axes.shape == (2, 3)
    assert axes[0, 0].get_title().startswith("general")
    plt.close(axes[0, 0].figure)
    with pytest.raises(ValueError, match="by_category=True draws its own figure"):
        so.plot.rama(t, by_category=True, category="glycine")
    with pytest.raises(TypeError, match="angles must be a pandas DataFrame"):
        so.plot.rama(np.zeros((3, 2)))


def test_plot_rama_outlier_labels():
    import matplotlib.pyplot as plt

    import shapeoverlap as so

    t = pd.DataFrame({"model": 0, "chain": "A", "resseq": [7, 8], "icode": "",
                      "resname": ["ALA", "LEU"], "phi": [-63.0, 100.0], "psi": [-43.0, -60.0],
                      "category": "general"})
    ax = so.plot.rama(t)
    labels = [x.get_text() for x in ax.texts]
    assert labels == ["LEU A8"]
    plt.close(ax.figure)


def _corrupt_gz(path):
    import gzip

    raw = gzip.compress(b"ATOM" * 500)
    path.write_bytes(raw[:10] + np.random.default_rng(1).integers(0, 256, 300, np.uint8).tobytes())
    return path


def test_cli_rama_corrupt_gzip(tmp_path, capsys):
    bad = _corrupt_gz(tmp_path / "corrupt.pdb.gz")
    assert main(["rama", "--no-progress", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("shapeoverlap rama: error: ")
    assert "corrupt.pdb.gz: cannot read the file: corrupt or truncated .gz data" in err
    assert len(err.strip().splitlines()) == 1


def test_cli_rama_batch_keeps_going(shared_data, tmp_path, capsys):
    bad = _corrupt_gz(tmp_path / "corrupt.pdb.gz")
    trunc = tmp_path / "trunc.pdb"
    trunc.write_text("ATOM      1  N   ALA A   1      11.1\n")
    out, res = tmp_path / "x.csv", tmp_path / "r.csv"
    good = [str(example_structure()), str(shared_data / "structures" / "1GBT.cif")]
    rc = main(["rama", "--no-progress", good[0], str(trunc), good[1], str(bad), "--csv",
               str(out), "--residues", str(res)])
    assert rc == 2
    text = capsys.readouterr()
    assert "Ramachandran validation" in text.out
    lines = text.err.strip().splitlines()
    assert lines[0] == (f"shapeoverlap rama: error: {trunc}, line 1: truncated atom record "
                        "(coordinates missing) (skipped)")
    assert "corrupt.pdb.gz: cannot read the file" in lines[1]
    assert lines[2].startswith("shapeoverlap rama: error: 2 of 4 structures could not be read")
    table = pd.read_csv(out)
    assert table["structure"].tolist() == ["5PTI.cif.gz", "1GBT.cif"]
    assert table["residues"].tolist() == [56, 221]
    assert set(pd.read_csv(res)["structure"]) == {"5PTI.cif.gz", "1GBT.cif"}
    # --model 2: the single-model file is reported, the NMR ensemble still validated
    nmr = shared_data / "structures" / "1LCD.pdb"
    assert main(["rama", "--no-progress", good[0], str(nmr), "--model", "2", "--csv",
                 str(out)]) == 2
    err = capsys.readouterr().err
    assert "model=2 is out of range: " in err
    assert "5PTI.cif.gz holds 1 model(s)" in err
    assert pd.read_csv(out)["structure"].tolist() == ["1LCD.pdb"]
    # every file bad: no table
    assert main(["rama", "--no-progress", str(trunc), str(bad)]) == 2
    text = capsys.readouterr()
    assert text.out == ""
    assert "none of the 2 structures could be read" in text.err


def test_cli_rama_structure_without_angles(tmp_path, capsys):
    import gzip

    with gzip.open(example_structure("1ahsA.pdb.gz"), "rt") as fh:
        atoms = [ln for ln in fh if ln.startswith("ATOM")][:8]  # one residue, a second's N
    single = tmp_path / "single.pdb"
    single.write_text("".join(atoms) + "END\n")
    out = tmp_path / "s.csv"
    assert main(["rama", "--no-progress", str(single), "--csv", str(out)]) == 0
    text = capsys.readouterr()
    assert "Empty DataFrame" not in text.out
    assert "single.pdb: no residue has both phi and psi" in text.err
    row = pd.read_csv(out).iloc[0]
    assert row["structure"] == "single.pdb"
    assert row["residues"] == 0
    assert np.isnan(row["pct_favored"])
    assert main(["rama", "--no-progress", str(example_structure()), str(single), "--csv",
                 str(out)]) == 0
    capsys.readouterr()
    assert pd.read_csv(out)["residues"].tolist() == [56, 0]


@pytest.mark.parametrize("option", ["--csv", "--json", "--plot", "--residues"])
def test_cli_rama_output_folder_checked_first(tmp_path, capsys, option):
    target = str(tmp_path / "missing" / "out.png")
    assert main(["rama", "--no-progress", str(example_structure()), option, target]) == 2
    text = capsys.readouterr()
    assert text.out == ""  # no work done, no table printed
    assert text.err == (f"shapeoverlap rama: error: {option} {target!r}: the folder "
                        f"{str(tmp_path / 'missing')!r} does not exist; create it or write "
                        "elsewhere\n")
    folder = tmp_path / "out.png"
    folder.mkdir()
    assert main(["rama", str(example_structure()), option, str(folder)]) == 2
    assert capsys.readouterr().err == (f"shapeoverlap rama: error: {option} {str(folder)!r} is "
                                       "a folder; give a file name\n")


def test_cli_rama_single_reference_file(shared_data, tmp_path, capsys):
    grid = shared_data / "rama" / "top8000" / "rama8000-general-noGPIVpreP.data"
    out = tmp_path / "s.csv"
    assert main(["rama", "--no-progress", str(example_structure()), "--reference", str(grid),
                 "--csv", str(out)]) == 0
    err = capsys.readouterr().err
    assert err == ("shapeoverlap rama: note: --reference rama8000-general-noGPIVpreP.data is "
                   "the Top8000 grid of 'general' only: residues of other classes are not "
                   "classified (pass the folder to classify every class)\n")
    assert pd.read_csv(out).loc[0, "residues"] == 42


def test_plot_rama_by_category_legend_and_models(shared_data):
    import warnings

    import matplotlib.pyplot as plt

    import shapeoverlap as so

    t = phi_psi(shared_data / "structures" / "1LCD.pdb")
    top = shared_data / "rama" / "top8000"
    c = classify(t, top)
    axes = so.plot.rama(c, reference=top, by_category=True)
    fig = axes[0, 0].figure
    assert [x.get_text() for x in fig.legends[0].get_texts()] == [
        "favored residue", "allowed residue", "outlier residue", "favored region",
        "allowed region"]
    out = c[(c["region"] == "outlier") & (c["category"] == "general")]
    expected = [f"{r.resname} {r.chain}{r.resseq} model {r.model}" for r in out.itertuples()]
    assert [x.get_text() for x in axes[0, 0].texts] == expected
    assert "TYR A17 model 2" in expected
    plt.close(fig)
    # one model: no model in the labels
    ax = so.plot.rama(c[c["model"] == 2], reference=top)
    assert "TYR A17" in [x.get_text() for x in ax.texts]
    plt.close(ax.figure)
    # one Top8000 file: only its class has contours; the other panels say so
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        axes = so.plot.rama(t, reference=top / "rama8000-general-noGPIVpreP.data",
                            by_category=True)
    assert axes[0, 0].get_title() == "general (108)"
    assert axes[0, 1].get_title() == "glycine (no reference)"
    assert "no reference grid" in axes[0, 1].texts[0].get_text()
    plt.close(axes[0, 0].figure)


def test_cli_rama_format_option(tmp_path, capsys):
    import gzip

    src = example_structure("1a28.pdb.gz")
    plain = tmp_path / "model.txt"
    plain.write_bytes(gzip.decompress(src.read_bytes()))
    assert main(["rama", "--no-progress", str(plain)]) == 2
    assert "(--format on the command line)" in capsys.readouterr().err
    out = tmp_path / "t.csv"
    assert main(["rama", "--no-progress", "--format", "pdb", str(plain), "--csv", str(out)]) == 0
    want = tmp_path / "w.csv"
    assert main(["rama", "--no-progress", str(src), "--csv", str(want)]) == 0
    got, ref = pd.read_csv(out), pd.read_csv(want)
    assert got.drop(columns="structure").equals(ref.drop(columns="structure"))
    assert got["residues"].iloc[0] > 100


def test_cli_rama_same_file_names_stay_apart(tmp_path, capsys):
    # ranked_0.pdb in every output folder: one row per file, named by path
    src = [example_structure("1a28.pdb.gz"), example_structure("1ahsA.pdb.gz")]
    paths = []
    for k, s in enumerate(src):
        (tmp_path / f"run{k}").mkdir()
        paths.append(tmp_path / f"run{k}" / "ranked_0.pdb.gz")
        paths[-1].write_bytes(s.read_bytes())
    out = tmp_path / "s.csv"
    assert main(["rama", "--no-progress", *map(str, paths), "--csv", str(out)]) == 0
    table = pd.read_csv(out)
    assert table["structure"].tolist() == [str(p) for p in paths]
    assert table["reference"].tolist() == ["builtin", "builtin"]
    alone = tmp_path / "a.csv"
    assert main(["rama", "--no-progress", str(src[1]), "--csv", str(alone)]) == 0
    assert table["residues"].iloc[1] == pd.read_csv(alone)["residues"].iloc[0]
    capsys.readouterr()


@pytest.mark.parametrize(("extra", "message"), [
    (["--max-bond", "0"], "--max-bond must be a positive number of Å; got 0"),
    (["--model", "-1"], "--model must be >= 0 (0 is the first model); got -1"),
    (["--csv", "x.csv", "--residues", "x.csv"], "--csv and --residues name the same file"),
])
def test_cli_rama_options_checked_once(tmp_path, capsys, monkeypatch, extra, message):
    monkeypatch.chdir(tmp_path)
    files = [str(example_structure()), str(example_structure("1a28.pdb.gz"))]
    assert main(["rama", "--no-progress", *files, *extra]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert message in err


def test_cli_rama_same_file_twice(capsys):
    f = str(example_structure())
    assert main(["rama", "--no-progress", f, f]) == 2
    assert "is given twice; each file once" in capsys.readouterr().err
