"""so.medical cohorts: score_cohort (dask), summarize, paired, and the seg command line."""

from __future__ import annotations

import json

import nibabel as nib
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import shapeoverlap as so
from shapeoverlap.cli import main


def cube(shape, lo, hi, dtype=np.uint8):
    m = np.zeros(shape, dtype)
    m[tuple(slice(a, b) for a, b in zip(lo, hi, strict=True))] = 1
    return m


def save(path, data, zooms=(1.0, 1.0, 1.0)):
    nib.save(nib.Nifti1Image(data, np.diag([*zooms, 1.0])), str(path))
    return path


@pytest.fixture
def cohort(tmp_path):
    """Three cases on disk (one shifted by k voxels each) and a CSV of them, plus a bad case."""
    ref = cube((10, 10, 10), (2, 2, 2), (6, 6, 6))
    ref[7:9, 7:9, 7:9] = 2
    rows = []
    for k in range(3):
        pred = ref.copy()
        pred[pred == 1] = 0
        pred[2 + k:6 + k, 2:6, 2:6] = np.where(pred[2 + k:6 + k, 2:6, 2:6] == 2, 2, 1)
        save(tmp_path / f"pred{k}.nii.gz", pred)
        save(tmp_path / f"ref{k}.nii.gz", ref)
        rows.append({"pred": f"pred{k}.nii.gz", "ref": f"ref{k}.nii.gz", "case": f"c{k}"})
    (tmp_path / "broken.nii.gz").write_bytes(b"not a nifti file")
    rows.append({"pred": "broken.nii.gz", "ref": "ref0.nii.gz", "case": "bad"})
    pd.DataFrame(rows).to_csv(tmp_path / "pairs.csv", index=False)
    return tmp_path


def test_score_cohort_csv_with_a_failing_case(cohort):
    t = so.medical.score_cohort(cohort / "pairs.csv", metrics=("dice", "hd"), progress=False)
    assert list(t.columns) == ["case", "label", "dice", "hd", "empty", "error"]
    assert t["case"].tolist() == ["c0", "c0", "c1", "c1", "c2", "c2", "bad"]
    ok = t[t["error"] == ""]
    for case in ("c0", "c1", "c2"):
        k = int(case[1])
        want = so.medical.score(cohort / f"pred{k}.nii.gz", cohort / f"ref{k}.nii.gz",
                                metrics=("dice", "hd"))
        got = ok[ok["case"] == case].drop(columns=["case", "error"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert str(t["label"].dtype) == "Int64"
    bad = t[t["case"] == "bad"].iloc[0]
    assert "broken.nii.gz" in bad["error"]
    assert np.isnan(bad["dice"])


def test_score_cohort_tuples_and_case_names(cohort):
    pairs = [(cohort / "pred1.nii.gz", cohort / "ref1.nii.gz"),
             (np.zeros((4, 4, 4), bool), np.ones((4, 4, 4), bool), "empty-pred")]
    t = so.medical.score_cohort(pairs, metrics=["dice"], progress=False)
    assert t["case"].tolist() == ["ref1", "ref1", "empty-pred"]
    assert t["dice"].tolist()[2] == 0.0
    assert t["empty"].tolist()[2] == "pred"


def test_score_cohort_progress_bar_on_stderr(cohort, capsys):
    so.medical.score_cohort(cohort / "pairs.csv", metrics=["dice"])
    captured = capsys.readouterr()
    assert "100%" in captured.err
    assert captured.out == ""


def test_score_cohort_on_a_distributed_client(cohort):
    distributed = pytest.importorskip("distributed")
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2,
                            dashboard_address=None) as client:
        t = so.medical.score_cohort(cohort / "pairs.csv", metrics=["dice"], client=client,
                                    progress=False)
    local = so.medical.score_cohort(cohort / "pairs.csv", metrics=["dice"], progress=False)
    pd.testing.assert_frame_equal(t, local)


def test_score_cohort_checks_options_first(cohort):
    with pytest.raises(ValueError, match="metrics must be one of"):
        so.medical.score_cohort(cohort / "pairs.csv", metrics=["volume"])
    with pytest.raises(ValueError, match="unknown option.*tolerence"):
        so.medical.score_cohort(cohort / "pairs.csv", tolerence=2)
    with pytest.raises(ValueError, match="pairs is empty"):
        so.medical.score_cohort([])
    (cohort / "nocols.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match=r"nocols\.csv: missing column\(s\) pred, ref"):
        so.medical.score_cohort(cohort / "nocols.csv")


def test_default_case_ids_are_unique_and_readable(tmp_path):
    ref = cube((6, 6, 6), (1, 1, 1), (4, 4, 4))
    rows = []
    for k, case in enumerate(("c1", "c2")):
        (tmp_path / case).mkdir()
        save(tmp_path / case / "seg.nii.gz", ref)
        save(tmp_path / case / "pred_a.nii.gz", np.roll(ref, k, axis=0))
        save(tmp_path / case / "pred_b.nii.gz", np.roll(ref, k + 1, axis=0))
        rows.append({"a": f"{case}/pred_a.nii.gz", "b": f"{case}/pred_b.nii.gz",
                     "ref": f"{case}/seg.nii.gz"})
    frame = pd.DataFrame(rows)
    for method in ("a", "b"):
        frame.rename(columns={method: "pred"}).drop(columns="b" if method == "a" else "a") \
            .to_csv(tmp_path / f"pairs_{method}.csv", index=False)
    ta = so.medical.score_cohort(tmp_path / "pairs_a.csv", metrics=["dice"], progress=False)
    tb = so.medical.score_cohort(tmp_path / "pairs_b.csv", metrics=["dice"], progress=False)
    assert ta["case"].tolist() == ["c1/seg", "c2/seg"]  # the file names alone repeat
    assert ta["dice"].tolist() == [1.0, 2 / 3]
    assert tb["dice"].tolist() == [2 / 3, 1 / 3]
    r = so.medical.paired(ta, tb, n_boot=200).iloc[0]
    assert r["n"] == 2  # not the 2 x 2 cross-join of repeated ids
    np.testing.assert_allclose(r["mean_diff"], 1 / 3, rtol=1e-12)
    # the same reference twice: the position is appended; given ids are kept as they are
    pairs = [(tmp_path / "c1" / "pred_a.nii.gz", tmp_path / "c1" / "seg.nii.gz"),
             (tmp_path / "c1" / "pred_b.nii.gz", tmp_path / "c1" / "seg.nii.gz"),
             (np.ones((2, 2), bool), np.ones((2, 2), bool), "seg"),
             (np.ones((2, 2), bool), np.ones((2, 2), bool))]
    t = so.medical.score_cohort(pairs, metrics=["dice"], progress=False)
    assert t["case"].tolist() == ["seg#0", "seg#1", "seg", "3"]
    # a DataFrame with some case ids missing
    df = pd.DataFrame({"pred": [tmp_path / "c1" / "pred_a.nii.gz"] * 2,
                       "ref": [tmp_path / "c1" / "seg.nii.gz", tmp_path / "c2" / "seg.nii.gz"],
                       "case": ["first", None]})
    t = so.medical.score_cohort(df, metrics=["dice"], progress=False)
    assert t["case"].tolist() == ["first", "seg"]


def test_score_cohort_pair_errors():
    m = np.ones((3, 3), bool)
    with pytest.raises(ValueError, match=r"^pairs \(a DataFrame\): missing column\(s\) pred, "
                       r"ref; .*\(got x\)"):
        so.medical.score_cohort(pd.DataFrame({"x": [1]}), progress=False)
    with pytest.raises(ValueError, match=r"missing column\(s\) ref"):
        so.medical.score_cohort(pd.DataFrame({"pred": [m]}), progress=False)
    with pytest.raises(ValueError, match=r"case ids repeat: 'x'; each pair needs its own"):
        so.medical.score_cohort([(m, m, "x"), (m, m, "y"), (m, m, "x")], progress=False)


# --------------------------------------------------------------------------- summaries
def table_of(values, label=1, metric="dice"):
    return pd.DataFrame({"case": [f"c{i}" for i in range(len(values))], "label": label,
                         metric: values, "empty": "none", "error": ""})


def test_summarize_matches_numpy_and_scipy_bootstrap():
    rng = np.random.default_rng(3)
    v = rng.beta(8, 2, size=40)
    t = pd.concat([table_of(v), table_of(v[:10] * 0.5, label=2)], ignore_index=True)
    s = so.medical.summarize(t, n_boot=20000, seed=1)
    assert list(s.columns) == ["label", "metric", "n", "mean", "std", "median", "q25", "q75",
                               "ci_low", "ci_high"]
    row = s[(s["label"] == 1) & (s["metric"] == "dice")].iloc[0]
    assert row["n"] == 40
    np.testing.assert_allclose(row["mean"], v.mean(), rtol=1e-12)
    np.testing.assert_allclose(row["std"], v.std(ddof=1), rtol=1e-12)
    np.testing.assert_allclose(row["median"], np.median(v), rtol=1e-12)
    np.testing.assert_allclose([row["q25"], row["q75"]], np.quantile(v, [0.25, 0.75]))
    ref = stats.bootstrap((v,), np.mean, n_resamples=20000, method="percentile",
                          confidence_level=0.95, random_state=np.random.default_rng(9))
    # two Monte Carlo estimates of the same interval (standard error of the mean ~0.02)
    np.testing.assert_allclose([row["ci_low"], row["ci_high"]],
                               [ref.confidence_interval.low, ref.confidence_interval.high],
                               atol=2e-3)
    again = so.medical.summarize(t, n_boot=20000, seed=1)
    pd.testing.assert_frame_equal(s, again)
    assert s[s["label"] == 2]["n"].tolist() == [10]


def test_summarize_skips_errors_nan_and_keeps_inf():
    t = table_of([0.5, np.nan, 0.7], metric="dice")
    t["hd"] = [1.0, 2.0, np.inf]
    t.loc[3] = {"case": "bad", "label": np.nan, "dice": np.nan, "hd": np.nan, "empty": "",
                "error": "ValueError: broken"}
    s = so.medical.summarize(t, n_boot=100).set_index("metric")
    assert s.loc["dice", "n"] == 2
    np.testing.assert_allclose(s.loc["dice", "mean"], 0.6)
    assert s.loc["hd", "n"] == 3
    assert np.isinf(s.loc["hd", "mean"])
    assert s.loc["hd", "median"] == 2.0


def test_quantile_keeps_infinities():
    from shapeoverlap.medical._cohort import _quantile

    inf = np.inf
    np.testing.assert_array_equal(_quantile([1.0, 2.0, inf], [0, 0.25, 0.5, 0.75, 1]),
                                  [1.0, 1.5, 2.0, inf, inf])
    np.testing.assert_array_equal(_quantile([-inf, 0.0, 1.0], [0, 0.25, 0.5, 0.75]),
                                  [-inf, -inf, 0.0, 0.5])
    np.testing.assert_array_equal(_quantile([-inf, inf], [0, 0.5, 1]), [-inf, np.nan, inf])
    np.testing.assert_array_equal(_quantile([inf, inf, 3.0], [0.1, 0.9]), [inf, inf])
    v = np.random.default_rng(2).normal(size=11)
    q = np.linspace(0, 1, 41)
    np.testing.assert_array_equal(_quantile(v, q), np.quantile(v, q))


def test_summarize_infinite_quantiles_and_ci():
    t = pd.DataFrame({"case": list("abc"), "label": 1, "hd95": [0.8, np.inf, 1.0]})
    s = so.medical.summarize(t).iloc[0]
    assert s["n"] == 3
    assert s["mean"] == np.inf
    assert s["median"] == 1.0
    np.testing.assert_allclose(s["q25"], 0.9, rtol=1e-12)  # halfway between 0.8 and 1.0
    assert s["q75"] == np.inf  # halfway between 1.0 and inf
    # 1/27 of the resamples are all 0.8 (about 74 of 2000, more than the 2.5 % tail)
    np.testing.assert_allclose(s["ci_low"], 0.8, rtol=1e-12)
    assert s["ci_high"] == np.inf  # 19/27 of the resamples hold the inf


def test_summarize_single_value_and_errors():
    s = so.medical.summarize(table_of([0.8]), n_boot=50).iloc[0]
    assert s["n"] == 1
    assert np.isnan(s["std"])
    assert s["ci_low"] == s["ci_high"] == 0.8
    with pytest.raises(ValueError, match=r"ci must be in \(0, 1\); got 95"):
        so.medical.summarize(table_of([0.8]), ci=95)
    with pytest.raises(ValueError, match="n_boot must be a positive integer"):
        so.medical.summarize(table_of([0.8]), n_boot=0)


def test_paired_against_scipy_wilcoxon():
    rng = np.random.default_rng(5)
    a_vals = rng.uniform(0.6, 0.95, 25)
    b_vals = a_vals - rng.normal(0.02, 0.03, 25)
    a = table_of(a_vals)
    b = table_of(b_vals).sample(frac=1.0, random_state=0)  # pairing is by case, not by order
    r = so.medical.paired(a, b, n_boot=5000).iloc[0]
    d = a_vals - b_vals
    assert r["n"] == 25
    np.testing.assert_allclose(r["mean_diff"], d.mean(), rtol=1e-12)
    np.testing.assert_allclose(r["p_value"], stats.wilcoxon(d).pvalue, rtol=1e-12)
    assert r["ci_low"] < d.mean() < r["ci_high"]
    with pytest.raises(ValueError, match="no column 'nsd'"):
        so.medical.paired(a, b, metric="nsd")


def test_paired_by_position_without_case_and_nan_dropped():
    a = pd.DataFrame({"label": [1, 1, 1, 2], "dice": [0.9, 0.8, np.nan, 0.5]})
    b = pd.DataFrame({"label": [1, 1, 1, 2], "dice": [0.7, 0.7, 0.6, 0.5]})
    r = so.medical.paired(a, b, n_boot=100).set_index("label")
    assert r.loc[1, "n"] == 2
    np.testing.assert_allclose(r.loc[1, "mean_diff"], 0.15)
    assert r.loc[2, "mean_diff"] == 0.0
    assert np.isnan(r.loc[2, "p_value"])  # a single zero difference: undefined


def test_paired_identical_tables():
    a = table_of([0.9, 0.8, 0.7, 0.75])
    r = so.medical.paired(a, a, n_boot=100).iloc[0]
    assert r[["n", "mean_diff", "ci_low", "ci_high", "p_value"]].tolist() == [4, 0, 0, 0, 1]


def test_paired_refuses_repeated_keys():
    a = pd.DataFrame({"case": ["seg", "seg", "x", "x", "y"], "label": [1, 1, 2, 2, 1],
                      "dice": [0.9, 0.8, 0.7, 0.6, 0.5]})
    b = a.drop_duplicates(["case", "label"])
    with pytest.raises(ValueError, match=r"^table_a has repeated \(case, label\) keys: "
                       r"\('seg', 1\) ×2, \('x', 2\) ×2; rows are paired"):
        so.medical.paired(a, b)
    with pytest.raises(ValueError, match=r"^table_b has repeated .*\('seg', 1\) ×2"):
        so.medical.paired(b, a)
    # rows with an error are left out before the check
    c = a.assign(error=["", "ValueError: x", "", "ValueError: x", ""])
    assert so.medical.paired(c, b, n_boot=50)["n"].tolist() == [2, 1]


# --------------------------------------------------------------------------- command line
def test_cli_one_pair(cohort, capsys, tmp_path):
    csv, js, png = tmp_path / "o.csv", tmp_path / "o.json", tmp_path / "o.png"
    rc = main(["seg", str(cohort / "pred1.nii.gz"), str(cohort / "ref1.nii.gz"),
               "--metrics", "dice", "hd95", "--labels", "1", "--csv", str(csv),
               "--json", str(js), "--plot", str(png)])
    assert rc == 0
    want = so.medical.score(cohort / "pred1.nii.gz", cohort / "ref1.nii.gz", labels=[1],
                            metrics=("dice", "hd95"))
    got = pd.read_csv(csv)
    np.testing.assert_allclose(got["dice"], want["dice"])
    assert json.loads(js.read_text())[0]["label"] == 1
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert "dice" in capsys.readouterr().out


def test_cli_pairs_summary(cohort, capsys, tmp_path):
    out = tmp_path / "s.csv"
    rc = main(["seg", "--pairs", str(cohort / "pairs.csv"), "--summary", "--metrics", "dice",
               "--csv", str(out), "--no-progress", "--plot", str(tmp_path / "box.svg")])
    assert rc == 0
    s = pd.read_csv(out)
    assert s["label"].tolist() == [1, 2]
    assert s["n"].tolist() == [3, 3]
    captured = capsys.readouterr()
    assert "1 case(s) failed: bad" in captured.err
    assert (tmp_path / "box.svg").exists()


def test_cli_json_keeps_infinities_apart_from_nan(cohort, tmp_path):
    ref = so.medical.load(cohort / "ref0.nii.gz").values
    save(tmp_path / "only1.nii.gz", (ref == 1).astype(np.uint8))  # label 2 missing
    js, csv = tmp_path / "o.json", tmp_path / "o.csv"
    rc = main(["seg", str(tmp_path / "only1.nii.gz"), str(cohort / "ref0.nii.gz"),
               "--labels", "1", "2", "7", "--metrics", "dice", "hd95", "nsd",
               "--json", str(js), "--csv", str(csv)])
    assert rc == 0
    text = js.read_text()
    assert "Infinity" not in text
    records = json.loads(text)
    assert [(r["label"], r["dice"], r["hd95"], r["nsd"], r["empty"]) for r in records] == [
        (1, 1.0, 0.0, 1.0, "none"),
        (2, 0.0, "inf", 0.0, "pred"),  # one side empty: infinite by policy
        (7, None, None, None, "both"),  # both empty: undefined
    ]
    assert pd.read_csv(csv)["hd95"].tolist()[1] == np.inf


def test_write_tables_signs_of_infinity(tmp_path):
    from shapeoverlap.cli._output import write_tables

    t = pd.DataFrame({"x": [np.inf, -np.inf, np.nan, 1.5], 3: [1, 2, 3, 4],
                      "o": pd.Series([np.inf, "a", None, 2.0], dtype=object)})
    write_tables(t, None, str(tmp_path / "t.json"))
    assert json.loads((tmp_path / "t.json").read_text()) == [
        {"x": "inf", "3": 1, "o": "inf"}, {"x": "-inf", "3": 2, "o": "a"},
        {"x": None, "3": 3, "o": None}, {"x": 1.5, "3": 4, "o": 2.0}]


def test_cli_output_folders_checked_before_scoring(cohort, capsys, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("scored before checking the output folders")

    monkeypatch.setattr(so.medical, "score_cohort", fail)
    monkeypatch.setattr(so.medical, "score", fail)
    monkeypatch.chdir(cohort)
    for argv, match in [
        (["--pairs", "pairs.csv", "--csv", "nodir/out.csv"],
         "--csv 'nodir/out.csv': the folder 'nodir' does not exist"),
        (["pred0.nii.gz", "ref0.nii.gz", "--json", "no/such/o.json"],
         "--json 'no/such/o.json': the folder 'no/such' does not exist"),
        (["pred0.nii.gz", "ref0.nii.gz", "--csv", "."], "--csv '.' is a folder"),
        (["pred0.nii.gz", "ref0.nii.gz", "--plot", "nodir/f.png"],
         "--plot 'nodir/f.png': the folder 'nodir' does not exist"),
    ]:
        assert main(["seg", *argv]) == 2
        err = capsys.readouterr().err.strip()
        assert err == f"shapeoverlap seg: error: {match}; create it or write elsewhere" or \
            err == f"shapeoverlap seg: error: {match}; give a file name"


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["only-one.nii.gz"], "expected PRED REF"),
        (["a.nii.gz", "b.nii.gz", "--plot", "fig.jpg"], "unsupported figure type"),
        (["missing.nii.gz", "ref0.nii.gz"], "missing.nii.gz: no such file"),
        (["pred0.nii.gz", "small.nii.gz"], r"has shape \(10, 10, 10\) but"),
        (["pred0.nii.gz", "ref0.nii.gz", "--tolerance", "-1"], "tolerance must be"),
        (["--summary", "pred0.nii.gz", "ref0.nii.gz"], "--summary needs --pairs"),
    ],
)
def test_cli_bad_input_exits_2(cohort, capsys, monkeypatch, argv, match):
    import re

    save(cohort / "small.nii.gz", np.zeros((4, 4, 4), np.uint8))
    monkeypatch.chdir(cohort)
    assert main(["seg", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("shapeoverlap seg: error:")
    assert len(err.splitlines()) == 1
    assert re.search(match, err)


def test_mask_overlay_draws(tmp_path):
    import matplotlib.pyplot as plt

    paths = so.medical.example_data()
    t1, ref = so.medical.load(paths["t1"]), so.medical.load(paths["ref"])
    ax = so.plot.mask_overlay(t1, so.medical.load(paths["pred"]), ref=ref, axis="y")
    assert ax.get_xlabel() == "x (mm)"
    assert len(ax.images) == 2  # background and labels
    assert len(ax.collections) >= 1  # reference outlines
    _fig, ax2 = plt.subplots()
    assert so.plot.mask_overlay(None, so.medical.load(paths["gm_prob"]), ax=ax2) is ax2
    with pytest.raises(ValueError, match="index 99 is outside"):
        so.plot.mask_overlay(t1, ref, index=99)
    with pytest.raises(ValueError, match="image has shape"):
        so.plot.mask_overlay(t1.values[:-1], ref)
    plt.close("all")


def test_missing_pairs_file_is_named(tmp_path, capsys):
    from shapeoverlap.cli import main

    missing = tmp_path / "cohort.csv"
    with pytest.raises(FileNotFoundError, match=r"pairs file not found: '.*cohort.csv'"):
        so.medical.score_cohort(missing, progress=False)
    assert main(["seg", "--pairs", str(missing)]) == 2
    assert capsys.readouterr().err == (f"shapeoverlap seg: error: pairs file not found: "
                                       f"{str(missing)!r}\n")


# --------------------------------------------------------------------------- review fixes
def test_paired_compares_ids_as_text_and_reports_unmatched_cases():
    a = pd.DataFrame({"case": [1, 2, 3, 4], "label": 1, "dice": [0.9, 0.8, 0.7, 0.6]})
    b = pd.DataFrame({"case": ["1", "2", "3", "5"], "label": 1, "dice": [0.8, 0.8, 0.5, 0.1]})
    with pytest.warns(UserWarning, match=r"2 \(case, label\) row\(s\) have no partner .*"
                      r"cases only in table_a: '4'; cases only in table_b: '5'"):
        r = so.medical.paired(a, b, n_boot=50)
    assert r["n"].tolist() == [3]
    np.testing.assert_allclose(r["mean_diff"], [0.1], rtol=1e-12)
    with pytest.raises(ValueError, match=r"share no case id \(table_a: '1', '2', '3', '4'; "
                       r"table_b: 'seg'\)"):
        so.medical.paired(a, b.assign(case="seg").head(1), n_boot=50)


def test_dataframe_case_ids_print_integral_floats_without_decimals():
    m = np.eye(3, dtype=np.uint8)
    frame = pd.DataFrame({"pred": [m, m, m], "ref": [m, m, m], "case": [1, None, 3]})
    t = so.medical.score_cohort(frame, metrics=["dice"], progress=False)
    # the row without an id is named after its position, "1", which clashes with case 1
    assert t["case"].tolist() == ["1", "1#1", "3"]


def test_pairs_csv_read_as_written(cohort):
    (cohort / "trailing.csv").write_text(
        "pred,ref,case\n pred0.nii.gz , ref0.nii.gz , c0 ,\npred1.nii.gz,ref1.nii.gz,c1,\n"
    )
    t = so.medical.score_cohort(cohort / "trailing.csv", metrics=["dice"], progress=False)
    assert t["case"].tolist() == ["c0", "c0", "c1", "c1"]
    assert (t["error"] == "").all()
    np.testing.assert_allclose(t["dice"], [1.0, 1.0, 0.75, 1.0], rtol=1e-12)
    (cohort / "hole.csv").write_text("pred,ref\npred0.nii.gz,ref0.nii.gz\n ,ref1.nii.gz\n")
    with pytest.raises(ValueError, match=r"hole\.csv row 2: pred is empty"):
        so.medical.score_cohort(cohort / "hole.csv", progress=False)
    (cohort / "extra.csv").write_text("pred,ref\npred0.nii.gz,ref0.nii.gz,c0\n")
    with pytest.raises(ValueError, match=r"extra\.csv row 1: 3 fields but the header has 2 "
                       r"\(pred, ref\)"):
        so.medical.score_cohort(cohort / "extra.csv", progress=False)


@pytest.mark.parametrize("spacing", [-1, "abc", [[1, 2]], [1, 0]])
def test_score_cohort_checks_spacing_first(spacing):
    def boom(*args, **kwargs):
        raise AssertionError("a case ran")

    with pytest.raises(ValueError, match="spacing must be"):
        so.medical.score_cohort([(boom, boom)], spacing=spacing, progress=False)


def test_summarize_std_is_nan_with_an_infinite_value():
    t = pd.DataFrame({"case": list("abc"), "label": 1, "hd": [1.0, 2.0, np.inf]})
    s = so.medical.summarize(t, n_boot=20)
    assert np.isinf(s["mean"][0])
    assert np.isnan(s["std"][0])


def test_cli_labels_repeated_and_every_case_failing_exit_2(cohort, capsys, monkeypatch):
    monkeypatch.chdir(cohort)
    assert main(["seg", "pred0.nii.gz", "ref0.nii.gz", "--labels", "2", "2"]) == 2
    assert "labels repeat: 2" in capsys.readouterr().err
    (cohort / "allbad.csv").write_text("pred,ref\nbroken.nii.gz,ref0.nii.gz\n")
    out = cohort / "s.json"
    argv = ["seg", "--pairs", "allbad.csv", "--summary", "--no-progress", "--json", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "1 case(s) failed: ref0" in err
    assert "every case failed (first: FileFormatError:" in err
    assert main(["seg", "--pairs", "pairs.csv", "--no-progress"]) == 0  # only "bad" fails
