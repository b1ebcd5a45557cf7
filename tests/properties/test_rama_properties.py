"""Properties of the torus densities, regions and comparisons (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

hypothesis = pytest.importorskip("hypothesis")
import xarray as xr  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from shapeoverlap._kernels.dihedral import dihedral, wrap_degrees  # noqa: E402
from shapeoverlap.rama import classify, compare, density, reference, regions  # noqa: E402
from shapeoverlap.rama.density import torus_coords  # noqa: E402

common = settings(max_examples=40, deadline=None)
RES = 10.0
N = 36


@st.composite
def cell_angles(draw):
    """Angles kept away from cell edges, so binning is exact after whole-cell shifts."""
    n = draw(st.integers(1, 30))
    cells = draw(hnp.arrays(np.int64, (n, 2), elements=st.integers(0, N - 1)))
    offs = draw(hnp.arrays(np.float64, (n, 2), elements=st.floats(0.1, 0.9)))
    return -180.0 + RES * (cells + offs)


@common
@given(cell_angles(), st.integers(-40, 40), st.integers(-40, 40),
       st.floats(5.0, 60.0))
def test_density_shift_rolls(pts, kp, kq, bw):
    d0 = density(pts, resolution=RES, bandwidth=bw)
    d1 = density(pts + RES * np.array([kp, kq]), resolution=RES, bandwidth=bw)
    np.testing.assert_allclose(d1.values, np.roll(d0.values, (kp, kq), axis=(0, 1)),
                               rtol=1e-9, atol=1e-15)
    assert float(d0.sum()) * RES * RES == pytest.approx(1.0, abs=1e-12)
    assert (d0.values >= 0).all()


@common
@given(cell_angles(), st.floats(5.0, 60.0))
def test_density_reflection(pts, bw):
    """Reflecting the angles through 0 reflects the density (cell centres are symmetric)."""
    d0 = density(pts, resolution=RES, bandwidth=bw)
    d1 = density(-pts, resolution=RES, bandwidth=bw)
    np.testing.assert_allclose(d1.values, d0.values[::-1, ::-1], rtol=1e-9, atol=1e-15)


@common
@given(cell_angles(), st.lists(st.floats(0.05, 0.999), min_size=1, max_size=4))
def test_regions_nested_and_hold_mass(pts, levels):
    d = density(pts, resolution=RES, bandwidth=20.0)
    levels = sorted(levels)
    r = regions(d, levels=levels)
    area = RES * RES
    prev = None
    for lv in levels:
        m = r.sel(level=lv).values
        assert (d.values * m).sum() * area >= lv - 1e-9
        if prev is not None:
            assert (prev <= m).all()
        prev = m


masks = hnp.arrays(bool, (N, N))


@common
@given(masks, masks)
def test_compare_symmetric_and_bounded(a, b):
    c = torus_coords(RES)
    da = xr.DataArray(a, dims=("phi", "psi"), coords=c)
    db = xr.DataArray(b, dims=("phi", "psi"), coords=c)
    ab, ba = compare(da, db), compare(db, da)
    if a.any() or b.any():
        assert ab["iou"] == pytest.approx(ba["iou"])
        assert ab["dice"] == pytest.approx(2 * ab["iou"] / (1 + ab["iou"]))
        assert 0.0 <= ab["iou"] <= 1.0
    assert ab["area_a"] == pytest.approx(ba["area_b"])
    assert ab["area_a"] == pytest.approx(a.mean())


@common
@given(hnp.arrays(np.float64, (4, 3), elements=st.floats(-20, 20)),
       hnp.arrays(np.float64, 3, elements=st.floats(-1, 1)), st.floats(-np.pi, np.pi),
       hnp.arrays(np.float64, 3, elements=st.floats(-50, 50)))
def test_dihedral_rigid_motion_invariant(p, axis, angle, shift):
    if np.linalg.norm(axis) < 1e-3:
        axis = np.array([0.0, 0.0, 1.0])
    k = axis / np.linalg.norm(axis)
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    rot = np.eye(3) + np.sin(angle) * kx + (1 - np.cos(angle)) * kx @ kx
    q = p @ rot.T + shift
    b1 = p[2] - p[1]
    n1, n2 = np.cross(p[0] - p[1], b1), np.cross(p[3] - p[2], b1)
    hypothesis.assume(np.linalg.norm(b1) > 1e-2)
    hypothesis.assume(np.linalg.norm(n1) > 1e-2 and np.linalg.norm(n2) > 1e-2)
    a0 = dihedral(*p)
    a1 = dihedral(*q)
    assert abs(wrap_degrees(np.degrees(a0 - a1))) < 1e-6
    # a mirror image flips the sign
    m = p * np.array([1.0, 1.0, -1.0])
    assert abs(wrap_degrees(np.degrees(dihedral(*m) + a0))) < 1e-6


@common
@given(st.lists(st.tuples(st.floats(-180, 180), st.floats(-180, 180)), min_size=1,
                max_size=20), st.integers(-3, 3), st.integers(-3, 3))
def test_classify_periodic(angles, kp, kq):
    """Whole turns do not change a residue's region (the interpolation wraps)."""
    t = pd.DataFrame(angles, columns=["phi", "psi"]).assign(category="general")
    ref = reference("general")
    a = classify(t, ref)["region"]
    b = classify(t.assign(phi=t.phi + 360 * kp, psi=t.psi + 360 * kq), ref)["region"]
    assert a.tolist() == b.tolist()


@common
@given(st.floats(-1e4, 1e4))
def test_wrap_degrees_range(x):
    w = float(wrap_degrees(np.array([x]))[0])
    assert -180.0 < w <= 180.0
    assert abs(((w - x) / 360.0) - round((w - x) / 360.0)) < 1e-9
