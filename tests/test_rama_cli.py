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
