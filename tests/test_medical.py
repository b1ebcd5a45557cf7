"""so.medical: known values, brute-force oracles, empty policy, inputs and errors."""

from __future__ import annotations

import gzip
import itertools
import math

import nibabel as nib
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from scipy import ndimage
from scipy.spatial.distance import cdist
from skimage.measure import marching_cubes, mesh_surface_area

import shapeoverlap as so
from shapeoverlap.errors import EmptyUnionError, FileFormatError, GridMismatchError

ALL = ("dice", "iou", "hd", "hd95", "assd", "nsd", "volume_pred", "volume_ref")


# --------------------------------------------------------------------------- oracles
def brute_boundary_points(mask, spacing):
    """Centres (mm) of voxels with a face neighbour outside the mask (scipy erosion)."""
    st = ndimage.generate_binary_structure(mask.ndim, 1)
    border = mask & ~ndimage.binary_erosion(mask, structure=st, border_value=0)
    return np.argwhere(border) * np.asarray(spacing, float)


def brute_surfels(mask, spacing):
    """Corner positions (mm) with mixed 2^d neighbourhoods and their marching-cubes area."""
    nd = mask.ndim
    pad = np.pad(mask, 1).astype(np.float32)
    pts, areas = [], []
    for c in itertools.product(*(range(s + 1) for s in mask.shape)):
        block = pad[tuple(slice(ci, ci + 2) for ci in c)]
        if block.min() == block.max():
            continue
        pts.append((np.asarray(c, float) - 0.5) * spacing)
        if nd == 3:
            # Lorensen's triangles of the side with at most four corners (complement symmetry)
            if block.sum() > 4:
                block = 1 - block
            v, f, _, _ = marching_cubes(block, 0.5, spacing=tuple(spacing), method="lorensen")
            areas.append(mesh_surface_area(v, f))
        else:
            areas.append(square_contour_length(block, spacing))
    return np.array(pts), np.array(areas)


def square_contour_length(block, spacing):
    """Length of the marching-squares contour in one 2x2 cell, edge midpoints, with spacing."""
    corners = [(0, 0), (0, 1), (1, 1), (1, 0)]
    mids = []
    for k in range(4):
        p, q = corners[k], corners[(k + 1) % 4]
        if block[p] != block[q]:
            mids.append((np.add(p, q) / 2.0) * spacing)
    if len(mids) == 2:
        return float(np.linalg.norm(mids[0] - mids[1]))
    return float(np.linalg.norm(mids[0] - mids[1]) + np.linalg.norm(mids[2] - mids[3]))


def weighted_p95(d, w):
    """Smallest candidate distance whose area fraction (distance <= it) reaches 95 %."""
    for cand in np.unique(d):
        if w[d <= cand].sum() / w.sum() >= 0.95 - 1e-12:
            return cand
    return d.max()


def oracle(pred, ref, spacing, tol=1.0):
    spacing = np.asarray(spacing, float)
    bp, br = brute_boundary_points(pred, spacing), brute_boundary_points(ref, spacing)
    d = cdist(bp, br)
    d_pr, d_rp = d.min(axis=1), d.min(axis=0)
    sp_pts, sp_area = brute_surfels(pred, spacing)
    sr_pts, sr_area = brute_surfels(ref, spacing)
    ds = cdist(sp_pts, sr_pts)
    s_pr, s_rp = ds.min(axis=1), ds.min(axis=0)
    inter = np.count_nonzero(pred & ref)
    return {
        "dice": 2 * inter / (pred.sum() + ref.sum()),
        "iou": inter / np.count_nonzero(pred | ref),
        "hd": max(d_pr.max(), d_rp.max()),
        "hd95_directed": max(np.percentile(d_pr, 95), np.percentile(d_rp, 95)),
        "hd95_pooled": np.percentile(np.concatenate([d_pr, d_rp]), 95),
        "hd95_surfel": max(weighted_p95(s_pr, sp_area), weighted_p95(s_rp, sr_area)),
        "assd": np.concatenate([d_pr, d_rp]).mean(),
        "nsd": (sp_area[s_pr <= tol].sum() + sr_area[s_rp <= tol].sum())
        / (sp_area.sum() + sr_area.sum()),
        "volume_pred": pred.sum() * np.prod(spacing),
        "volume_ref": ref.sum() * np.prod(spacing),
    }


def blob(shape, seed, level=0.0, sigma=1.2):
    rng = np.random.default_rng(seed)
    return ndimage.gaussian_filter(rng.standard_normal(shape), sigma) > level


def cube(shape, lo, hi):
    m = np.zeros(shape, bool)
    m[tuple(slice(a, b) for a, b in zip(lo, hi, strict=True))] = True
    return m


# --------------------------------------------------------------------------- known values
def test_shifted_cube_known_values():
    ref = cube((12, 12, 12), (2, 2, 2), (6, 6, 6))
    pred = np.roll(ref, 1, axis=0)
    t = so.medical.score(pred, ref, metrics=ALL, spacing=(2.0, 1.0, 1.0))
    row = t.iloc[0]
    assert list(t.columns) == ["label", *ALL, "empty"]
    assert row["label"] == 1
    assert row["empty"] == "none"
    np.testing.assert_allclose(row["dice"], 2 * 48 / 128, rtol=1e-12)
    np.testing.assert_allclose(row["iou"], 48 / 80, rtol=1e-12)
    np.testing.assert_allclose(row["hd"], 2.0, rtol=1e-12)  # one voxel of 2 mm along x
    np.testing.assert_allclose(row["volume_pred"], 64 * 2.0, rtol=1e-12)
    np.testing.assert_allclose(row["volume_ref"], 64 * 2.0, rtol=1e-12)


def test_identical_masks_are_perfect():
    m = blob((10, 11, 9), 3)
    row = so.medical.score(m, m, metrics=ALL, spacing=(1.5, 1, 0.7)).iloc[0]
    assert row["dice"] == 1.0
    assert row["iou"] == 1.0
    assert row["hd"] == 0.0
    assert row["hd95"] == 0.0
    assert row["assd"] == 0.0
    assert row["nsd"] == 1.0


def test_far_apart_cubes_nsd_zero_and_hd():
    ref = cube((20, 6, 6), (1, 1, 1), (4, 4, 4))
    pred = cube((20, 6, 6), (12, 1, 1), (15, 4, 4))
    row = so.medical.score(pred, ref, metrics=ALL, tolerance=2.0).iloc[0]
    assert row["dice"] == 0.0
    assert row["nsd"] == 0.0
    # farthest boundary voxel of pred (x = 14) to the nearest of ref (x = 3): 11 voxels
    np.testing.assert_allclose(row["hd"], 11.0, rtol=1e-12)


def test_surfel_areas_of_a_single_voxel():
    """The marching-cubes surface of one voxel is an octahedron with edges √2/2."""
    from shapeoverlap._kernels.surface import surfel_area_table, surfels

    m = np.zeros((3, 3, 3), bool)
    m[1, 1, 1] = True
    where, areas = surfels(m, (1.0, 1.0, 1.0))
    assert where.sum() == 8
    # octahedron with vertices at the face centres: area 2·√3·edge² = √3, √3/8 per corner
    np.testing.assert_allclose(areas, np.full(8, np.sqrt(3) / 8), rtol=1e-12)
    table = surfel_area_table((1.0, 1.0, 1.0))
    assert table[0] == 0.0
    assert table[255] == 0.0
    np.testing.assert_allclose(table[0b00001111], 1.0, rtol=1e-12)  # half cube: a flat square
    np.testing.assert_allclose(table[0b00000011], np.sqrt(2) / 2, rtol=1e-12)
    # face-diagonal (ambiguous) configurations stay separate corner triangles, as in the
    # marching-cubes table of DeepMind's surface-distance (Lorensen's cases, no tunnels)
    r3, r2 = np.sqrt(3) / 8, np.sqrt(2) / 4
    np.testing.assert_allclose(table[[6, 22, 24, 25, 27]],
                               [2 * r3, 3 * r3, 2 * r3, r3 + 2 * r2, 4 * r3 + 2 * r2],
                               rtol=1e-12)
    # the flat square scales with the two spacings of its plane (bits vary along axes 1, 2)
    np.testing.assert_allclose(surfel_area_table((2.0, 3.0, 5.0))[0b00001111], 15.0,
                               rtol=1e-12)


# --------------------------------------------------------------------------- oracles
@pytest.mark.parametrize(
    ("seed", "spacing", "tol"),
    [(0, (1.0, 1.0, 1.0), 1.0), (1, (0.8, 1.3, 2.5), 1.5), (2, (3.0, 1.0, 0.5), 0.7)],
)
def test_matches_brute_force_3d(seed, spacing, tol):
    pred = blob((9, 10, 8), seed)
    ref = blob((9, 10, 8), seed + 100)
    want = oracle(pred, ref, spacing, tol)
    for mode in ("directed", "pooled", "surfel"):
        row = so.medical.score(pred, ref, spacing=spacing, metrics=ALL, hd95=mode,
                               tolerance=tol).iloc[0]
        np.testing.assert_allclose(row["hd95"], want[f"hd95_{mode}"], rtol=1e-6, atol=1e-9)
    for m in ("dice", "iou", "hd", "assd", "nsd", "volume_pred", "volume_ref"):
        np.testing.assert_allclose(row[m], want[m], rtol=1e-6, atol=1e-9, err_msg=m)


def test_matches_brute_force_2d():
    pred = blob((14, 12), 5, sigma=1.5)
    ref = blob((14, 12), 6, sigma=1.5)
    spacing = (0.7, 1.9)
    want = oracle(pred, ref, spacing, tol=1.2)
    row = so.medical.score(pred, ref, spacing=spacing, metrics=ALL, tolerance=1.2,
                           hd95="surfel").iloc[0]
    for m in ("dice", "iou", "hd", "assd", "nsd"):
        np.testing.assert_allclose(row[m], want[m], rtol=1e-6, atol=1e-9, err_msg=m)
    np.testing.assert_allclose(row["hd95"], want["hd95_surfel"], rtol=1e-6)


def test_surfel_areas_are_complement_symmetric():
    from shapeoverlap._kernels.surface import surfel_area_table

    for spacing in ((1.0, 1.0, 1.0), (1.2, 0.9, 2.0)):
        table = surfel_area_table(spacing)
        np.testing.assert_allclose(table, table[::-1], rtol=1e-12)


def test_multilabel_equals_per_label_binary():
    rng = np.random.default_rng(4)
    ref = ndimage.median_filter(rng.integers(0, 5, (12, 10, 9)).astype(np.uint8), 3)
    pred = ndimage.median_filter(rng.integers(0, 5, (12, 10, 9)).astype(np.uint8), 3)
    spacing = (1.0, 1.5, 2.0)
    table = so.medical.score(pred, ref, spacing=spacing, metrics=ALL)
    assert table["label"].tolist() == [1, 2, 3, 4]
    for _, row in table.iterrows():
        lab = row["label"]
        one = so.medical.score(pred == lab, ref == lab, spacing=spacing, metrics=ALL).iloc[0]
        for m in ALL:
            np.testing.assert_allclose(row[m], one[m], rtol=1e-12, err_msg=f"{lab} {m}")
        want = oracle(pred == lab, ref == lab, spacing)
        np.testing.assert_allclose(row["hd95"], want["hd95_directed"], rtol=1e-6)
        np.testing.assert_allclose(row["nsd"], want["nsd"], rtol=1e-6)


def test_large_label_values_and_dtypes_agree():
    rng = np.random.default_rng(8)
    ref = ndimage.median_filter(rng.integers(0, 4, (10, 10, 10)).astype(np.uint8), 3)
    pred = ndimage.median_filter(rng.integers(0, 4, (10, 10, 10)).astype(np.uint8), 3)
    small = so.medical.score(pred, ref, metrics=ALL)
    big = so.medical.score(pred.astype(np.int32) * 5000, ref.astype(np.int32) * 5000,
                           metrics=ALL)
    as_float = so.medical.score(pred.astype(np.float32), ref.astype(np.float64), metrics=ALL)
    assert big["label"].tolist() == [5000 * v for v in small["label"]]
    for m in ALL:
        np.testing.assert_allclose(big[m], small[m], rtol=1e-12)
        np.testing.assert_allclose(as_float[m], small[m], rtol=1e-12)


def test_memory_layout_does_not_matter():
    pred = blob((9, 8, 7), 21)
    ref = blob((9, 8, 7), 22)
    base = so.medical.score(pred, ref, metrics=ALL)
    for a, b in [(np.asfortranarray(pred), np.asfortranarray(ref)),
                 (np.asfortranarray(pred), ref), (pred[:, :, ::-1][:, :, ::-1], ref)]:
        pd.testing.assert_frame_equal(so.medical.score(a, b, metrics=ALL), base)


def test_background_label_when_asked():
    ref = cube((8, 8, 8), (2, 2, 2), (5, 5, 5)).astype(np.uint8)
    pred = cube((8, 8, 8), (2, 2, 2), (6, 5, 5)).astype(np.uint8)
    t = so.medical.score(pred, ref, labels=[0, 1], metrics=("dice",))
    bg_inter = 512 - 36
    np.testing.assert_allclose(t["dice"], [2 * bg_inter / (476 + 485), 2 * 27 / 63])


# --------------------------------------------------------------------------- soft
def test_soft_dice_product_form():
    rng = np.random.default_rng(2)
    p = ndimage.gaussian_filter(rng.random((12, 10, 8)), 1.0).astype(np.float32)
    p = (p - p.min()) / (p.max() - p.min())
    q = rng.random((12, 10, 8))
    t = so.medical.score(p, q, metrics=("dice", "iou", "volume_pred"), spacing=2.0)
    s_pq = float(np.sum(p.astype(np.float64) * q))
    np.testing.assert_allclose(t["dice"][0], 2 * s_pq / (p.sum(dtype=np.float64) + q.sum()),
                               rtol=1e-6)
    np.testing.assert_allclose(t["iou"][0], s_pq / (p.sum(dtype=np.float64) + q.sum() - s_pq),
                               rtol=1e-6)
    np.testing.assert_allclose(t["volume_pred"][0], 8 * p.sum(dtype=np.float64), rtol=1e-6)


def test_soft_against_label_map_and_threshold_for_distances():
    ref = np.zeros((10, 10, 10), np.uint8)
    ref[2:6, 2:6, 2:6] = 2
    ref[7:9, 7:9, 7:9] = 1
    p = np.where(ref == 2, 0.8, 0.1).astype(np.float32)
    t = so.medical.score(p, ref, labels=[2], metrics=("dice", "hd", "nsd"))
    q = (ref == 2).astype(float)
    np.testing.assert_allclose(t["dice"][0], 2 * np.sum(p * q) / (p.sum() + q.sum()),
                               rtol=1e-6)
    assert t["label"][0] == 2
    assert t["hd"][0] == 0.0  # p >= 0.5 is exactly the label-2 cube
    assert t["nsd"][0] == 1.0
    with pytest.raises(ValueError, match="one structure"):
        so.medical.score(p, ref, labels=[1, 2])


# --------------------------------------------------------------------------- empty policy
def test_one_side_empty():
    ref = cube((8, 8, 8), (2, 2, 2), (5, 5, 5))
    t = so.medical.score(np.zeros_like(ref), ref, metrics=ALL)
    row = t.iloc[0]
    assert row["dice"] == 0.0
    assert row["iou"] == 0.0
    assert np.isinf(row["hd"])
    assert np.isinf(row["hd95"])
    assert np.isinf(row["assd"])
    assert row["nsd"] == 0.0
    assert row["empty"] == "pred"
    assert so.medical.score(ref, np.zeros_like(ref)).iloc[0]["empty"] == "ref"


def test_both_empty():
    z = np.zeros((6, 6, 6), bool)
    row = so.medical.score(z, z, metrics=ALL).iloc[0]
    assert row["label"] == 1
    assert np.isnan(row["dice"])
    assert np.isnan(row["iou"])
    for m in ("hd", "hd95", "assd", "nsd"):
        assert np.isnan(row[m]), m
    assert row["empty"] == "both"
    assert so.medical.score(z, z, empty=1.0).iloc[0]["dice"] == 1.0
    with pytest.raises(EmptyUnionError, match="label 1"):
        so.medical.score(z, z, empty="raise")
    lab = np.zeros((6, 6, 6), np.uint8)
    lab[1:3, 1:3, 1:3] = 1
    t = so.medical.score(lab, lab, labels=[1, 7])
    assert t["empty"].tolist() == ["none", "both"]
    assert np.isnan(t["dice"][1])


# --------------------------------------------------------------------------- load / grids
def save(path, data, zooms=(1.0, 1.0, 1.0), affine=None):
    if affine is None:
        affine = np.diag([*zooms, 1.0])
    img = nib.Nifti1Image(data, affine)
    img.header.set_zooms(zooms)
    nib.save(img, str(path))
    return path


def test_load_keeps_dtype_coords_affine(tmp_path):
    data = np.zeros((5, 6, 7), np.int16)
    data[1:3, 2:4, 3:5] = 3
    aff = np.diag([2.0, 1.5, 3.0, 1.0])
    aff[:3, 3] = [-10, 5, 2]
    path = save(tmp_path / "a.nii.gz", data, (2.0, 1.5, 3.0), aff)
    da = so.medical.load(path)
    assert da.dims == ("x", "y", "z")
    assert da.dtype == np.int16
    np.testing.assert_array_equal(da.values, data)
    np.testing.assert_allclose(da["y"].values, np.arange(6) * 1.5)
    np.testing.assert_allclose(da.attrs["affine"], aff)
    assert da.data.flags.f_contiguous  # nibabel's layout, not a C copy


def test_loaded_pair_uses_header_spacing(tmp_path):
    ref = cube((10, 10, 10), (2, 2, 2), (6, 6, 6)).astype(np.uint8)
    pred = np.roll(ref, 1, axis=2)
    pa = save(tmp_path / "p.nii", pred, (1.0, 1.0, 2.5))
    ra = save(tmp_path / "r.nii.gz", ref, (1.0, 1.0, 2.5))
    t = so.medical.score(pa, ra, metrics=("hd", "volume_ref"))
    assert t["hd"][0] == 2.5
    assert t["volume_ref"][0] == 64 * 2.5
    t2 = so.medical.score(so.medical.load(pa), so.medical.load(ra), metrics=("hd",))
    assert t2["hd"][0] == 2.5


def test_affine_and_shape_mismatch(tmp_path):
    ref = cube((8, 8, 8), (2, 2, 2), (5, 5, 5)).astype(np.uint8)
    pa = save(tmp_path / "p.nii.gz", ref, (1.0, 1.0, 1.0))
    ra = save(tmp_path / "r.nii.gz", ref, (1.0, 1.0, 1.01))
    with pytest.raises(GridMismatchError, match=r"affines .* differ by up to 0\.01"):
        so.medical.score(pa, ra)
    ok = save(tmp_path / "ok.nii.gz", ref, (1.0, 1.0, 1.0005))
    assert so.medical.score(pa, ok)["dice"][0] == 1.0  # within AFFINE_ATOL
    with pytest.raises(GridMismatchError, match=r"shape \(8, 8, 8\) .* shape \(8, 8, 7\)"):
        so.medical.score(ref, ref[:, :, :7])


def test_load_errors(tmp_path):
    bad = tmp_path / "bad.nii.gz"
    bad.write_bytes(b"this is not an image")
    with pytest.raises(FileFormatError, match="bad.nii.gz"):
        so.medical.load(bad)
    good = save(tmp_path / "good.nii.gz", np.ones((20, 20, 20), np.int16))
    raw = gzip.decompress(good.read_bytes())
    cut = tmp_path / "cut.nii.gz"
    cut.write_bytes(gzip.compress(raw[: len(raw) // 2]))
    with pytest.raises(ValueError, match=r"cut\.nii\.gz.*truncated"):
        so.medical.load(cut)
    with pytest.raises(FileNotFoundError, match="missing.nii"):
        so.medical.load(tmp_path / "missing.nii")


def test_single_slice_volume_loads_as_3d_and_slices_to_2d(tmp_path):
    # 6 x 5 rectangles shifted by one voxel along x; voxels 2 x 1 x 3 mm
    ref = np.zeros((12, 10, 1), np.uint8)
    ref[2:8, 2:7, 0] = 1
    pred = np.roll(ref, 1, axis=0)
    zooms = (2.0, 1.0, 3.0)
    r = so.medical.load(save(tmp_path / "r.nii.gz", ref, zooms))
    p = so.medical.load(save(tmp_path / "p.nii.gz", pred, zooms))
    assert r.dims == ("x", "y", "z")
    assert r.shape == (12, 10, 1)
    metrics = ("dice", "hd", "assd", "volume_ref")
    t3 = so.medical.score(p, r, metrics=metrics).iloc[0]
    t2 = so.medical.score(p[..., 0], r[..., 0], metrics=metrics).iloc[0]
    assert t3["dice"] == t2["dice"] == 2 * 25 / 60
    assert t3["hd"] == t2["hd"] == 2.0
    # 3-D: every voxel is a boundary voxel; the 5 voxels of the non-shared row are 2 mm away
    np.testing.assert_allclose(t3["assd"], 2 * 5 * 2.0 / 60, rtol=1e-12)
    # 2-D: outlines of 18 pixels each; distances sum to 14 mm each way
    np.testing.assert_allclose(t2["assd"], 28 / 36, rtol=1e-12)
    assert t3["volume_ref"] == 30 * 6.0
    assert t2["volume_ref"] == 30 * 2.0
    plain = so.medical.score(pred[..., 0], ref[..., 0], spacing=zooms[:2], metrics=metrics)
    pd.testing.assert_series_equal(plain.iloc[0], t2, check_names=False)


def test_dataarray_coordinates_give_spacing():
    ref = cube((8, 8, 8), (2, 2, 2), (5, 5, 5))
    pred = np.roll(ref, 1, axis=1)
    coords = {"x": np.arange(8) * 1.0, "y": np.arange(8) * 4.0, "z": np.arange(8) * 1.0}
    a = xr.DataArray(pred, dims=("x", "y", "z"), coords=coords)
    b = xr.DataArray(ref, dims=("x", "y", "z"), coords=coords)
    assert so.medical.score(a, b, metrics=("hd",))["hd"][0] == 4.0
    assert so.medical.score(a, b, metrics=("hd",), spacing=1.0)["hd"][0] == 1.0
    other = b.assign_coords(z=np.arange(8) * 2.0)
    with pytest.raises(GridMismatchError, match=r"voxel size \(1\.0, 4\.0, 1\.0\) but ref"):
        so.medical.score(a, other)


def test_shipped_example_pair():
    paths = so.medical.example_data()
    t = so.medical.score(paths["pred"], paths["ref"], metrics=ALL)
    assert t["label"].tolist() == [1, 2, 3]
    ref = so.medical.load(paths["ref"]).values
    pred = so.medical.load(paths["pred"]).values
    for lab, d in zip(t["label"], t["dice"], strict=True):
        want = 2 * np.sum((pred == lab) & (ref == lab)) / (np.sum(pred == lab) + np.sum(ref == lab))
        np.testing.assert_allclose(d, want, rtol=1e-12)
    np.testing.assert_allclose(t["volume_ref"], [np.sum(ref == v) * 27.0 for v in (1, 2, 3)])
    gm = so.medical.load(paths["gm_prob"])
    assert gm.dtype == np.float32
    soft = so.medical.score(gm, paths["ref"], labels=[1], metrics=("dice",))
    q = (ref == 1).astype(np.float64)
    g = gm.values.astype(np.float64)
    np.testing.assert_allclose(soft["dice"][0], 2 * np.sum(g * q) / (g.sum() + q.sum()),
                               rtol=1e-6)


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"metrics": ("dice", "hausdorff")}, "metrics must be one of .*'hausdorff'"),
        ({"metrics": ()}, "metrics is empty"),
        ({"hd95": "mean"}, "hd95 must be one of .*'mean'"),
        ({"labels": []}, "labels is empty"),
        ({"labels": [1.5]}, "labels must be non-negative integers; got 1.5"),
        ({"labels": [-2]}, "labels must be non-negative integers; got -2"),
        ({"labels": ["a"]}, "labels must be non-negative integers; got 'a'"),
        ({"labels": ["1"]}, "labels must be non-negative integers; got '1'"),
        ({"labels": [None]}, "labels must be non-negative integers; got None"),
        ({"labels": [True]}, "labels must be non-negative integers; got True"),
        ({"labels": [np.nan]}, "labels must be non-negative integers; got nan"),
        ({"labels": "abc"}, r"labels must be non-negative integers; got 'abc' \(a str is not"),
        ({"labels": 2.5}, "labels must be non-negative integers; got 2.5"),
        ({"spacing": (1, 0, 1)}, "spacing must be positive"),
        ({"spacing": (1, 1)}, "spacing must be one positive number or one per axis"),
        ({"tolerance": -1}, "tolerance must be a finite distance >= 0"),
        ({"empty": "zero"}, "empty must be a number"),
    ],
)
def test_bad_options(kwargs, match):
    m = cube((6, 6, 6), (1, 1, 1), (3, 3, 3))
    with pytest.raises(ValueError, match=match):
        so.medical.score(m, m, **kwargs)


def test_bad_values():
    m = np.zeros((5, 5, 5), np.float32)
    m[1:3, 1:3, 1:3] = 1.0
    nan = m.copy()
    nan[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match=r"pred has 1 NaN voxel"):
        so.medical.score(nan, m)
    neg = m.copy()
    neg[0, 0, 0] = -0.25
    with pytest.raises(ValueError, match=r"ref has values in \[-0\.25, 1\]: probabilities"):
        so.medical.score(m, neg)
    frac = m * 2.5
    with pytest.raises(ValueError, match=r"pred has non-integer values up to 2\.5"):
        so.medical.score(frac, m)
    with pytest.raises(ValueError, match=r"ref has negative label values \(min -3\)"):
        so.medical.score(m.astype(np.int8), -3 * m.astype(np.int8))
    with pytest.raises(TypeError, match="dtype <U1"):
        so.medical.score(np.full((2, 2), "a"), np.zeros((2, 2)))


def test_labels_accepted_as_scalars_and_arrays():
    lab = np.zeros((6, 6, 6), np.uint8)
    lab[1:3, 1:3, 1:3] = 1
    lab[4:6, 4:6, 4:6] = 2
    for labels in (2, 2.0, np.int16(2), np.array([2]), (2.0,)):
        t = so.medical.score(lab, lab, labels=labels, metrics="dice")
        assert t[["label", "dice"]].to_dict("records") == [{"label": 2, "dice": 1.0}]


@pytest.mark.parametrize("metrics", ["dice", ALL])
def test_volumes_must_be_2d_or_3d(metrics):
    one = np.ones(5, bool)
    four = np.ones((2, 3, 2, 2), bool)
    with pytest.raises(ValueError, match=r"^pred has shape \(5,\) \(1-D\); segmentations must "
                       r"be 2-D or 3-D"):
        so.medical.score(one, one, metrics=metrics)
    with pytest.raises(ValueError, match=r"^ref has shape \(2, 3, 2, 2\) \(4-D\); .*"
                       r"split a series into 3-D volumes"):
        so.medical.score(four[..., 0], four, metrics=metrics)
    with pytest.raises(ValueError, match=r"^pred has shape \(\) \(0-D\)"):
        so.medical.score(np.array(True), np.array(True), metrics=metrics)
    with pytest.raises(ValueError, match=r"^pred \(.*p\.nii\.gz\) has shape"):
        so.medical.score(xr.DataArray(one, attrs={"path": "p.nii.gz"}), one, metrics=metrics)


@pytest.mark.filterwarnings("error")
def test_infinite_voxels_raise_without_warnings():
    m = np.zeros((5, 5, 5), np.float32)
    m[1:3, 1:3, 1:3] = 1.0
    for value in (np.inf, -np.inf):
        bad = m.copy()
        bad[0, 0, :2] = value
        with pytest.raises(ValueError, match=r"pred has 2 infinite voxel\(s\)"):
            so.medical.score(bad, m)
        with pytest.raises(ValueError, match=r"ref has 2 infinite voxel\(s\)"):
            so.medical.score(m.astype(np.uint8), bad * 3, metrics="dice")


# --------------------------------------------------------------------------- anchors
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_matches_deepmind_surface_distance_where_installed(monkeypatch):
    """DeepMind's surface-distance (test-only oracle, the ctg-surface-distance build): NSD and
    the surfel HD95. Its code predates NumPy 2, hence the two aliases."""
    monkeypatch.setattr(np, "bool", np.bool_, raising=False)
    monkeypatch.setattr(np, "Inf", np.inf, raising=False)
    sd = pytest.importorskip("surface_distance")
    for seed, spacing, tol in [(0, (1.0, 1.0, 1.0), 1.0), (1, (0.8, 1.3, 2.1), 1.5),
                               (2, (2.0, 0.7, 1.1), 0.9)]:
        a = blob((16, 18, 14), seed, level=0.1, sigma=1.5)
        b = blob((16, 18, 14), seed + 50, level=0.1, sigma=1.5)
        d = sd.compute_surface_distances(b, a, spacing)
        row = so.medical.score(a, b, spacing=spacing, metrics=("hd95", "nsd"), hd95="surfel",
                               tolerance=tol).iloc[0]
        np.testing.assert_allclose(row["nsd"], sd.compute_surface_dice_at_tolerance(d, tol),
                                   rtol=1e-9)
        np.testing.assert_allclose(row["hd95"], sd.compute_robust_hausdorff(d, 95), rtol=1e-9)


def test_matches_medpy_where_installed():
    """medpy (test-only oracle): dc, hd, hd95 (pooled) and assd with anisotropic spacing."""
    mb = pytest.importorskip("medpy.metric.binary")
    spacing = (0.8, 1.3, 2.1)
    for seed in range(3):
        a = blob((16, 18, 14), seed, level=0.1, sigma=1.5)
        b = blob((16, 18, 14), seed + 50, level=0.1, sigma=1.5)
        row = so.medical.score(a, b, spacing=spacing, metrics=ALL, hd95="pooled").iloc[0]
        np.testing.assert_allclose(row["dice"], mb.dc(a, b), rtol=1e-12)
        np.testing.assert_allclose(row["hd"], mb.hd(a, b, spacing), rtol=1e-9)
        np.testing.assert_allclose(row["hd95"], mb.hd95(a, b, spacing), rtol=1e-9)
        np.testing.assert_allclose(row["assd"], mb.assd(a, b, spacing), rtol=1e-9)


def test_volume_difference():
    ref = cube((6, 6, 6), (1, 1, 1), (3, 3, 3))
    pred = cube((6, 6, 6), (1, 1, 1), (4, 3, 3))
    t = so.medical.score(pred, ref, metrics=("volume_pred", "volume_ref", "volume_diff"),
                         spacing=(2.0, 1.0, 0.5))
    assert t[["volume_pred", "volume_ref", "volume_diff"]].iloc[0].tolist() == [12.0, 8.0, 4.0]


def test_demo_section(tmp_path):
    from shapeoverlap.cli.seg import medical_section

    tables = medical_section(tmp_path)
    assert [len(t) for _, t in tables] == [3, 2, 4]
    scores = tables[0][1].set_index("structure")
    assert set(scores.index) == {"grey matter", "white matter", "CSF"}
    assert ((scores["dice"] > 0.5) & (scores["dice"] < 1)).all()
    hd95 = tables[2][1].set_index("structure")
    # 3 mm voxels: distances are 3 mm times the root of a sum of squares
    last = hd95.loc["grey matter: GM map > 0.7 vs label"]
    assert last["directed"] == pytest.approx(3 * math.sqrt(5), rel=1e-12)
    assert last["pooled"] == pytest.approx(3 * math.sqrt(2), rel=1e-12)
    assert last["surfel"] == pytest.approx(3 * math.sqrt(3), rel=1e-12)
    assert (tmp_path / "medical_overlay.png").stat().st_size > 1000


# --------------------------------------------------------------------------- review fixes
def test_float_label_map_is_a_label_map_like_uint8_and_bool():
    ref = np.zeros((6, 6, 4), np.uint8)
    ref[1:3, 1:3, 1:3] = 1
    ref[4:6, 4:6, 1:3] = 2
    pred = (ref == 1).astype(np.float32)  # missed label 2
    metrics = ("dice", "hd95", "volume_pred")
    t = so.medical.score(pred, ref, metrics=metrics)
    assert t["label"].tolist() == [1, 2]
    assert t["dice"].tolist() == [1.0, 0.0]
    assert t["hd95"].tolist() == [0.0, math.inf]
    assert t["empty"].tolist() == ["none", "pred"]
    for same in (pred.astype(np.uint8), pred.astype(bool)):
        pd.testing.assert_frame_equal(so.medical.score(same, ref, metrics=metrics), t)
    # all zeros: no label of its own, label 1 of ref scored as missed
    z = so.medical.score(np.zeros((4, 4)), np.eye(4, dtype=np.uint8), metrics=("dice",))
    assert z.to_dict("records") == [{"label": 1, "dice": 0.0, "empty": "pred"}]
    # a true probability map stays soft
    s = so.medical.score(pred * 0.75, ref == 1, metrics=("dice",))
    np.testing.assert_allclose(s["dice"][0], 2 * 0.75 / 1.75, rtol=1e-6)


def test_soft_empty_column_does_not_depend_on_metrics():
    ref = np.zeros((6, 6, 6), bool)
    ref[1:4, 1:4, 1:4] = True
    for metrics in (("dice",), ("dice", "hd95", "nsd")):
        t = so.medical.score(ref * 0.4, ref, metrics=metrics)
        assert t["empty"][0] == "pred"
        np.testing.assert_allclose(t["dice"][0], 0.8 / 1.4, rtol=1e-6)
    assert so.medical.score(ref * 0.4, ref, metrics=("hd95",))["hd95"][0] == math.inf


def test_spacing_follows_coordinates_of_strided_transposed_and_sliced_volumes(tmp_path):
    ref = np.zeros((10, 6, 4), np.uint8)
    ref[2:6, 2:5, 1:3] = 1  # 24 voxels of 1.5 x 2 x 3 mm = 216 mm³
    pred = np.roll(ref, 2, axis=0)  # 2 voxels = 3 mm along x
    r = so.medical.load(save(tmp_path / "r.nii.gz", ref, (1.5, 2.0, 3.0)))
    p = so.medical.load(save(tmp_path / "p.nii.gz", pred, (1.5, 2.0, 3.0)))
    m = ("hd", "volume_ref")
    full = so.medical.score(p, r, metrics=m)[list(m)].to_numpy().tolist()
    assert full == [[3.0, 216.0]]
    for pp, rr in ((p[::2], r[::2]), (p.transpose("z", "y", "x"), r.transpose("z", "y", "x"))):
        assert so.medical.score(pp, rr, metrics=m)[list(m)].to_numpy().tolist() == full
    # 2-D slice with a length-1 y: y from the header zoom of axis y, z from its coordinate
    t = so.medical.score(r[3, 2:3, :], r[3, 2:3, :], metrics=("volume_ref",))
    assert t["volume_ref"][0] == 2 * 2.0 * 3.0
    # the affine fallback uses the columns of the axes kept
    bare = r.drop_vars(["x", "y", "z"])
    del bare.attrs["spacing"]
    t = so.medical.score(bare[3, 2:3, :], bare[3, 2:3, :], metrics=("volume_ref",))
    assert t["volume_ref"][0] == 2 * 2.0 * 3.0
    with pytest.raises(GridMismatchError, match=r"pred .* is taken at z=3 but ref .* at z=6"):
        so.medical.score(p[:, :, 1], r[:, :, 2])


def test_uint64_labels_and_their_limit():
    ref = np.zeros((5, 5, 3), np.uint8)
    ref[1:3, 1:3, :] = 1
    ref[3:5, 3:5, :] = 2
    pred = np.roll(ref, 1, axis=0)
    t = so.medical.score(pred, ref, metrics=("dice",))
    u = so.medical.score(pred.astype(np.uint64), ref.astype(np.uint64), metrics=("dice",))
    pd.testing.assert_frame_equal(u, t)
    assert t["dice"].tolist() == [0.5, 0.5]
    big = ref.astype(np.uint64)
    big[0, 0, 0] = 2**63
    with pytest.raises(ValueError, match=r"ref has uint64 label values up to "
                       r"9223372036854775808 \(>= 2\*\*63\); renumber"):
        so.medical.score(pred, big)


def test_repeated_labels_are_refused():
    m = np.eye(4, dtype=np.uint8)
    with pytest.raises(ValueError, match=r"labels repeat: 1 \(got \[1, 1\]\)"):
        so.medical.score(m, m, labels=[1, 1])


def test_messages_print_enough_digits_and_fitting_hints(tmp_path):
    x = np.full((4, 4), 0.5, np.float32)
    x[0, 0] = np.float32(1.0000001)
    with pytest.raises(ValueError, match=r"non-integer values up to 1\.0000001192092896: "):
        so.medical.score(x, x > 0)
    nib.save(nib.Nifti1Image(np.ones(5, np.uint8), np.eye(4)), str(tmp_path / "line.nii.gz"))
    with pytest.raises(FileFormatError, match=r"shape \(5,\) \(1-D\); save the segmentation "
                       "with its 2-D or 3-D shape"):
        so.medical.load(tmp_path / "line.nii.gz")
