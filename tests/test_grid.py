"""Masks on grids: known values, equivalence with brute force and across input kinds, errors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import xarray as xr

import shapeoverlap as so
from shapeoverlap.errors import EmptyUnionError, GridMismatchError
from shapeoverlap.grid import cell_widths

from .conftest import convert


def brute_stats(a, b, spacing, periods):
    """Independent geometry: explicit cell boxes, every arc tried on periodic axes."""
    a, b = np.asarray(a, bool), np.asarray(b, bool)
    cell = np.prod(spacing)
    inter = np.count_nonzero(a & b) * cell
    union = np.count_nonzero(a | b) * cell
    u = a | b
    ext, box_len, dist = [], [], []
    for k in range(a.ndim):
        other = tuple(i for i in range(a.ndim) if i != k)
        occ = u.any(axis=other)
        n = occ.size
        idx = np.flatnonzero(occ)
        if periods[k] is None:
            length = idx[-1] - idx[0] + 1
        else:  # shortest run of consecutive cells (circularly) holding every occupied cell
            length = min(
                L for L in range(1, n + 1) for s in range(n)
                if all(((i - s) % n) < L for i in idx)
            )
        box_len.append(length * spacing[k])
        ext.append(length * spacing[k])
        x = (np.arange(n) + 0.5) * spacing[k]
        ma, mb = a.sum(axis=other), b.sum(axis=other)
        if periods[k] is None:
            d = abs(ma @ x / ma.sum() - mb @ x / mb.sum())
        else:
            th = 2 * np.pi * x / periods[k]
            ca = np.angle(ma @ np.exp(1j * th))
            cb = np.angle(mb @ np.exp(1j * th))
            d = abs((ca - cb + np.pi) % (2 * np.pi) - np.pi) * periods[k] / (2 * np.pi)
        dist.append(d)
    return inter, union, np.prod(box_len), np.sqrt(np.sum(np.square(dist))), np.hypot.reduce(ext)


class TestKnownValues:
    def test_1d_hand(self):
        a = np.array([1, 1, 0], bool)
        b = np.array([0, 1, 1], bool)
        assert so.iou(a, b) == pytest.approx(1 / 3, rel=1e-15)
        assert so.dice(a, b) == 0.5

    def test_2d_hand_giou_diou(self):
        a = np.zeros((6, 8), bool)
        a[1:3, 1:4] = True  # 6 cells, centre (2.0, 2.5)
        b = np.zeros((6, 8), bool)
        b[2:4, 2:6] = True  # 8 cells, centre (3.0, 4.0)
        s = so.overlap(a, b)
        assert (s.intersection, s.union, s.size_a, s.size_b, s.hull) == (2, 12, 6, 8, 15)
        assert s.center_distance == pytest.approx(np.sqrt(1 + 1.5**2), rel=1e-15)
        assert s.hull_diameter == pytest.approx(np.sqrt(34), rel=1e-15)
        assert so.giou(a, b) == pytest.approx(2 / 12 - 3 / 15, rel=1e-14)
        assert so.diou(a, b) == pytest.approx(2 / 12 - 3.25 / 34, rel=1e-14)

    def test_spacing_scales_measures(self):
        a = np.array([[1, 1, 0, 0]], bool)
        s = so.overlap(a, np.roll(a, 1, axis=1), spacing=(2.0, 0.5))
        assert (s.intersection, s.union, s.hull) == (1.0, 3.0, 3.0)

    def test_periodic_hull_is_short_arc(self):
        a = np.zeros(12, bool)
        a[[0, 1]] = True
        b = np.zeros(12, bool)
        b[[10, 11]] = True
        flat = so.overlap(a, b)
        ring = so.overlap(a, b, periodic={0: 12})
        assert flat.hull == 12
        assert ring.hull == 4
        assert flat.center_distance == 10
        assert ring.center_distance == pytest.approx(2, rel=1e-14)
        assert so.giou(a, b, periodic={0: 12}) == -0.0
        assert so.diou(a, b, periodic={0: 12}) == pytest.approx(-(2**2) / 4**2)

    def test_periodic_in_coordinate_units(self):
        lon = xr.DataArray(np.arange(-175.0, 180.0, 10.0), dims="lon", attrs={"period": 360.0})
        a = xr.DataArray(np.isin(np.arange(36), [0, 35]), dims="lon", coords={"lon": lon})
        b = xr.DataArray(np.isin(np.arange(36), [34, 35]), dims="lon", coords={"lon": lon})
        s = so.overlap(a, b)
        assert (float(s.intersection), float(s.union), float(s.hull)) == (10.0, 30.0, 30.0)
        assert float(s.center_distance) == pytest.approx(10.0)

    def test_soft_product_and_minmax_by_hand(self):
        p = np.array([0.5, 1.0, 0.0, 0.25])
        q = np.array([0.5, 0.5, 1.0, 0.0])
        pq, sp, sq = 0.25 + 0.5, 1.75, 2.0
        assert so.iou(p, q) == pytest.approx(pq / (sp + sq - pq), rel=1e-15)
        assert so.dice(p, q) == pytest.approx(2 * pq / (sp + sq), rel=1e-15)
        assert so.iou(p, q, soft="minmax") == pytest.approx(1.0 / 2.75, rel=1e-15)
        assert so.dice(p, q, soft="minmax") == pytest.approx(2.0 / 3.75, rel=1e-15)

    def test_bool_and_float_mix_is_soft(self):
        assert so.dice(np.array([True, False]), np.array([0.5, 0.5])) == pytest.approx(0.5)

    def test_zero_one_integers_are_crisp(self):
        a = np.array([1, 1, 0], np.uint8)
        assert so.iou(a, np.array([0, 1, 1], np.int64)) == pytest.approx(1 / 3)

    def test_weights_cos_latitude(self):
        lat = np.deg2rad(np.array([-60.0, 0.0, 60.0]))
        w = np.cos(lat)[:, None]
        a = np.array([[1, 1], [1, 0], [0, 0]], bool)
        b = np.array([[0, 1], [1, 1], [1, 0]], bool)
        inter = w[0, 0] + w[1, 0]
        union = 2 * w[0, 0] + 2 * w[1, 0] + w[2, 0]
        assert so.iou(a, b, weights=w) == pytest.approx(inter / union, rel=1e-15)
        # the hull is the whole grid: weighted like any cell
        assert so.overlap(a, b, weights=w).hull == pytest.approx(2 * w.sum())

    def test_irregular_coordinates(self):
        assert cell_widths([0.0, 1.0, 3.0]).tolist() == [1.0, 1.5, 2.0]
        assert cell_widths([0.0, 90.0, 180.0, 300.0], period=360.0).tolist() == [75, 90, 105, 90]
        x = xr.DataArray([0.0, 1.0, 3.0], dims="x")
        a = xr.DataArray([True, True, False], dims="x", coords={"x": x})
        b = xr.DataArray([False, True, True], dims="x", coords={"x": x})
        assert so.iou(a, b) == pytest.approx(1.5 / 4.5)

    def test_batch_axes_equal_loop(self):
        rng = np.random.default_rng(1)
        a = rng.random((3, 5, 6)) < 0.4
        b = rng.random((3, 5, 6)) < 0.4
        got = so.giou(a, b, axis=(0, 2))
        want = [so.giou(a[:, i], b[:, i]) for i in range(5)]
        np.testing.assert_allclose(got, want, rtol=1e-12)
        assert so.iou(a, b, axis=-1).shape == (3, 5)

    def test_zero_d_result_is_python_float(self):
        assert type(so.iou(np.ones(3, bool), np.ones(3, bool))) is float


class TestEmpty:
    def test_default_nan_and_number(self):
        z = np.zeros((2, 3), bool)
        assert np.isnan(so.iou(z, z))
        assert so.dice(z, z, empty=1.0) == 1.0
        assert so.giou(z, z, empty=0.0) == 0.0
        assert so.diou(z, z, empty=-1) == -1.0

    def test_raise(self):
        z = np.zeros(4, bool)
        with pytest.raises(EmptyUnionError, match="both operands are empty"):
            so.iou(z, z, empty="raise")

    def test_raise_counts_batch_positions(self):
        a = np.zeros((3, 4), bool)
        a[0, 0] = True
        with pytest.raises(EmptyUnionError, match="at 2 position"):
            so.iou(a, a, axis=1, empty="raise")

    def test_batch_mixes_values(self):
        a = np.zeros((2, 3), bool)
        a[0] = True
        out = so.iou(a, a, axis=1, empty=-1.0)
        assert out.tolist() == [1.0, -1.0]

    def test_one_side_empty_gives_zero(self):
        a = np.zeros(5, bool)
        b = a.copy()
        b[2] = True
        assert so.iou(a, b) == 0.0
        assert so.diou(a, b) == 0.0  # no centre for the empty set: no distance term
        assert so.giou(a, b) == 0.0


    @pytest.mark.parametrize("measure", [so.iou, so.dice, so.giou, so.diou])
    def test_axes_of_length_zero_hold_nothing(self, measure):
        # no cells at all: an empty union, never a crash inside numpy
        for shape, kw in (((0, 3), {}), ((0,), {}), ((0, 3), {"periodic": {0: 5}})):
            z = np.zeros(shape, bool)
            assert np.isnan(measure(z, z, **kw))
            assert measure(z, z, empty=0.5, **kw) == 0.5
        batch = np.zeros((3, 0), bool)
        assert measure(batch, batch, axis=1, empty=1.0).tolist() == [1.0, 1.0, 1.0]
        da = xr.DataArray(np.zeros((0, 3), bool), dims=("y", "x"))
        assert np.isnan(float(measure(da, da)))


class TestBruteForce:
    @pytest.mark.parametrize("seed", range(12))
    def test_geometry_matches_brute_force(self, seed):
        rng = np.random.default_rng(seed)
        shape = tuple(rng.integers(3, 9, size=2))
        a = rng.random(shape) < 0.25
        b = rng.random(shape) < 0.25
        a[rng.integers(shape[0]), rng.integers(shape[1])] = True
        b[rng.integers(shape[0]), rng.integers(shape[1])] = True
        spacing = tuple(rng.uniform(0.5, 2.0, size=2))
        periods = [None, shape[1] * spacing[1]] if seed % 2 else [shape[0] * spacing[0], None]
        periodic = {k: p for k, p in enumerate(periods) if p is not None}
        s = so.overlap(a, b, spacing=spacing, periodic=periodic)
        inter, union, hull, dist, diag = brute_stats(a, b, spacing, periods)
        np.testing.assert_allclose(
            [s.intersection, s.union, s.hull, s.center_distance, s.hull_diameter],
            [inter, union, hull, dist, diag], rtol=1e-12, atol=1e-12,
        )

    def test_soft_brute_force_with_weights(self):
        rng = np.random.default_rng(3)
        p, q = rng.random((2, 7, 5))
        w = rng.random((7, 5))
        s = so.overlap(p, q, weights=w, geometry=False)
        np.testing.assert_allclose(
            [s.intersection, s.size_a, s.size_b, s.union],
            [(w * p * q).sum(), (w * p).sum(), (w * q).sum(), (w * (p + q - p * q)).sum()],
            rtol=1e-13,
        )

    def test_large_float32_soft_sums_are_float64_accurate(self):
        rng = np.random.default_rng(4)
        p = rng.random(300_001, dtype=np.float32)
        q = rng.random(300_001, dtype=np.float32)
        p64, q64 = p.astype(np.float64), q.astype(np.float64)
        want = 2 * np.dot(p64, q64) / (p64.sum() + q64.sum())
        assert so.dice(p, q) == pytest.approx(want, rel=1e-12)

    def test_crisp_fast_path_equals_definition(self):
        rng = np.random.default_rng(5)
        a = rng.random((70, 80, 90)) < 0.3
        b = rng.random((70, 80, 90)) < 0.3
        want = np.count_nonzero(a & b) / np.count_nonzero(a | b)
        assert so.iou(a, b) == want
        assert so.iou(np.asfortranarray(a), b) == want
        assert so.iou(a[:, ::2], b[:, ::2]) == np.count_nonzero(a[:, ::2] & b[:, ::2]) / (
            np.count_nonzero(a[:, ::2] | b[:, ::2]))


MEASURES = [so.iou, so.dice, so.giou, so.diou]


class TestInputKinds:
    @pytest.mark.parametrize("measure", MEASURES, ids=lambda f: f.__name__)
    def test_kinds_agree(self, kind, measure):
        rng = np.random.default_rng(7)
        a = rng.random((4, 6, 8)) < 0.3
        b = rng.random((4, 6, 8)) < 0.3
        want = measure(a, b, axis=(1, 2), periodic={2: 8})
        got = measure(convert(a, kind), convert(b, kind), axis=(1, 2), periodic={2: 8})
        if kind == "dask":
            assert type(got.data).__module__.startswith("dask")
            got = got.compute()
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12)

    def test_soft_weighted_dask_equals_numpy(self):
        pytest.importorskip("dask.array")
        rng = np.random.default_rng(8)
        p, q = rng.random((2, 10, 12))
        w = rng.random((10, 1))
        want = so.overlap(p, q, weights=w)
        got = so.overlap(convert(p, "dask", chunks={"d0": 3, "d1": 5}),
                         convert(q, "dask", chunks={"d0": 3, "d1": 5}), weights=w).compute()
        for f in ("intersection", "union", "hull", "center_distance", "hull_diameter"):
            np.testing.assert_allclose(getattr(got, f), getattr(want, f), rtol=1e-12)

    def test_dataarray_keeps_batch_coords_and_attrs(self):
        t = np.array([10, 20])
        a = xr.DataArray(np.ones((2, 3), bool), dims=("t", "x"), coords={"t": t},
                         attrs={"units": "mask"})
        out = so.iou(a, a, dim="x", keep_attrs=True)
        assert out.dims == ("t",)
        assert out["t"].values.tolist() == [10, 20]
        assert out.attrs == {"units": "mask"}
        assert so.iou(a, a, dim="x").attrs == {}

    def test_dataarray_transposed_operand(self):
        rng = np.random.default_rng(9)
        a = xr.DataArray(rng.random((3, 4)) < 0.5, dims=("y", "x"))
        b = xr.DataArray(rng.random((4, 3)) < 0.5, dims=("x", "y"))
        assert so.iou(a, b) == so.iou(a.values, b.values.T)

    def test_numpy_and_dataarray_mix(self):
        a = xr.DataArray(np.array([1, 1, 0], bool), dims="x", coords={"x": [0.0, 2.0, 4.0]})
        s = so.overlap(a, np.array([0, 1, 1], bool))
        assert s.union == 6.0

    def test_dataarray_weights_broadcast_by_name(self):
        rng = np.random.default_rng(10)
        a = xr.DataArray(rng.random((3, 4)) < 0.5, dims=("lat", "lon"))
        b = xr.DataArray(rng.random((3, 4)) < 0.5, dims=("lat", "lon"))
        w = xr.DataArray([0.5, 1.0, 0.5], dims="lat")
        assert so.iou(a, b, weights=w) == pytest.approx(
            so.iou(a.values, b.values, weights=w.values[:, None]), rel=1e-15)

    def test_dask_empty_raise_is_lazy(self):
        pytest.importorskip("dask.array")
        z = convert(np.zeros((4, 6), bool), "dask")
        out = so.iou(z, z, dim="d1", empty="raise")  # builds the graph without computing
        with pytest.raises(EmptyUnionError, match="both operands are empty"):
            out.compute()

    def test_dask_value_errors_are_lazy(self):
        pytest.importorskip("dask.array")
        p = convert(np.array([0.2, 1.5, 0.1, 0.0]), "dask", chunks={"d0": 2})
        out = so.dice(p, p)  # nothing computed yet
        with pytest.raises(ValueError, match="outside"):
            out.compute()


class TestTimeCoordinates:
    def test_datetime_and_timedelta_widths_in_seconds(self):
        # cells centred on days 0, 1, 2, 4: widths 1, 1, 1.5, 2 days (as numeric coordinates)
        a = np.array([1, 1, 0, 0], bool)
        b = np.array([0, 1, 1, 1], bool)
        days = xr.DataArray(a, dims="t", coords={"t": [0.0, 1.0, 2.0, 4.0]})
        want = 1.0 / 5.5  # intersection: cell 1 (1 day); union: 1 + 1 + 1.5 + 2 days
        assert float(so.iou(days, days.copy(data=b))) == pytest.approx(want, rel=1e-15)
        dates = np.array(["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-05"],
                         dtype="datetime64[ns]")
        t = xr.DataArray(a, dims="t", coords={"t": dates})
        u = t.copy(data=b)
        assert float(so.iou(t, u)) == pytest.approx(want, rel=1e-15)
        assert float(so.giou(t, u)) == pytest.approx(float(so.giou(days, days.copy(data=b))))
        assert float(so.overlap(t, u).intersection) == 86400.0  # seconds
        lags = xr.DataArray(a, dims="lag",
                            coords={"lag": np.array([0, 1, 2, 4], dtype="timedelta64[h]")})
        assert float(so.iou(lags, lags.copy(data=b))) == pytest.approx(want, rel=1e-15)
        assert float(so.overlap(lags, lags.copy(data=b)).union) == 5.5 * 3600

    def test_string_coordinates_are_cells(self):
        a = xr.DataArray(np.array([1, 1, 0], bool), dims="k", coords={"k": ["x", "y", "z"]})
        b = a.copy(data=np.array([0, 1, 1], bool))
        assert float(so.overlap(a, b).union) == 3.0


class TestErrors:
    def test_shape_mismatch(self):
        with pytest.raises(GridMismatchError, match=r"a has shape \(2, 3\) but b has shape"):
            so.iou(np.zeros((2, 3), bool), np.zeros((3, 2), bool))

    def test_coordinate_mismatch(self):
        a = xr.DataArray(np.ones(3, bool), dims="x", coords={"x": [0, 1, 2]})
        b = xr.DataArray(np.ones(3, bool), dims="x", coords={"x": [0, 1, 3]})
        with pytest.raises(GridMismatchError, match="different 'x' coordinates"):
            so.iou(a, b)

    def test_dims_mismatch(self):
        with pytest.raises(GridMismatchError, match="dims"):
            so.iou(xr.DataArray(np.ones(3, bool), dims="x"),
                   xr.DataArray(np.ones(3, bool), dims="y"))

    def test_period_mismatch(self):
        x1 = xr.DataArray([0.0, 1.0], dims="x", attrs={"period": 2.0})
        x2 = xr.DataArray([0.0, 1.0], dims="x", attrs={"period": 4.0})
        with pytest.raises(GridMismatchError, match="period 2.0 in a but 4.0 in b"):
            so.iou(xr.DataArray([True, False], dims="x", coords={"x": x1}),
                   xr.DataArray([True, False], dims="x", coords={"x": x2}))

    def test_periodic_keyword_against_the_coordinate_period(self):
        lon = xr.DataArray(np.arange(4.0) * 90, dims="lon", attrs={"period": 360.0})
        a = xr.DataArray(np.array([1, 0, 0, 0], bool), dims="lon", coords={"lon": lon})
        with pytest.raises(ValueError, match=r"periodic gives 'lon' the period 720 but its "
                                             r"coordinate's attrs\["):
            so.giou(a, a, periodic={"lon": 720})
        assert so.giou(a, a, periodic={"lon": 360.0}) == 1.0  # agreeing is fine
        with pytest.raises(TypeError, match=r"periodic\['lon'\] must be a number; got '360'"):
            so.giou(a, a, periodic={"lon": "360"})

    @pytest.mark.parametrize(("kw", "message"), [
        ({"spacing": ([1, 2], [1, 2, 3])}, "spacing must be a number or a sequence of numbers"),
        ({"spacing": [[1, 2], [3, 4]]}, "spacing must be a number or a sequence of numbers"),
        ({"axis": 1.0}, "axis must be an int or a tuple of ints; got 1.0"),
        ({"axis": "x"}, "axis must be an int or a tuple of ints; got 'x'"),
    ])
    def test_malformed_spacing_and_axis(self, kw, message):
        m = np.ones((2, 3), bool)
        with pytest.raises(TypeError, match=message):
            so.iou(m, m, **kw)

    @pytest.mark.parametrize("bad", [[0.5, 1.5], [-0.1, 0.2]])
    def test_probabilities_outside_unit_interval(self, bad):
        with pytest.raises(ValueError, match=r"values outside \[0, 1\]"):
            so.dice(np.array(bad), np.array([0.5, 0.5]))

    def test_nan_rejected_unless_skipna(self):
        p = np.array([0.5, np.nan, 1.0])
        q = np.array([0.5, 0.5, np.nan])
        with pytest.raises(ValueError, match="contains NaN in 1 cells; pass skipna=True"):
            so.dice(p, q)
        assert so.dice(p, q, skipna=True) == pytest.approx(0.5)  # only cell 0 is kept

    def test_integer_labels_rejected(self):
        with pytest.raises(ValueError, match=r"values other than 0 and 1 .* e\.g\. \[2\]"):
            so.iou(np.array([0, 1, 2]), np.array([0, 1, 1]))

    def test_bad_dtype(self):
        with pytest.raises(TypeError, match="dtype"):
            so.iou(np.array(["a", "b"]), np.array(["a", "b"]))

    def test_bad_operand_type(self):
        with pytest.raises(TypeError, match="a must be a numpy array"):
            so.iou({"x": 1}, np.ones(2, bool))

    def test_negative_spacing(self):
        with pytest.raises(ValueError, match=r"spacing\[1\] must be a positive finite number"):
            so.iou(np.ones((2, 2), bool), np.ones((2, 2), bool), spacing=(1.0, -1.0))

    def test_spacing_length(self):
        with pytest.raises(ValueError, match="spacing has 3 values but the masks have 2 axes"):
            so.iou(np.ones((2, 2), bool), np.ones((2, 2), bool), spacing=(1, 1, 1))

    def test_unknown_soft(self):
        with pytest.raises(ValueError, match="soft must be one of 'product', 'minmax'"):
            so.iou(np.ones(2), np.ones(2), soft="mean")

    def test_bad_empty(self):
        with pytest.raises(ValueError, match='empty must be a number or "raise"'):
            so.iou(np.ones(2, bool), np.ones(2, bool), empty="zero")
        with pytest.raises(TypeError, match="empty must be a number"):
            so.iou(np.ones(2, bool), np.ones(2, bool), empty=None)

    def test_axis_and_dim(self):
        a = np.ones((2, 2), bool)
        with pytest.raises(ValueError, match="either axis= or dim="):
            so.iou(a, a, axis=0, dim="x")
        with pytest.raises(TypeError, match="dim= names DataArray dimensions"):
            so.iou(a, a, dim="x")
        with pytest.raises(ValueError, match="axis 2 is out of bounds"):
            so.iou(a, a, axis=2)
        with pytest.raises(ValueError, match="repeated axis"):
            so.iou(a, a, axis=(0, -2))
        with pytest.raises(ValueError, match="dim 'z' is not a dimension"):
            so.iou(xr.DataArray(a, dims=("x", "y")), xr.DataArray(a, dims=("x", "y")), dim="z")

    def test_weights_shape_and_values(self):
        a = np.ones((2, 3), bool)
        with pytest.raises(ValueError, match=r"weights has shape \(3, 2\) but a has shape \(2, 3\)"):
            so.iou(a, a, weights=np.ones((3, 2)))
        with pytest.raises(ValueError, match="finite and non-negative"):
            so.iou(a, a, weights=-np.ones(3))
        with pytest.raises(ValueError, match="finite and non-negative"):
            so.iou(a, a, weights=np.array([1.0, np.nan, 1.0]))

    def test_periodic_errors(self):
        a = np.ones((2, 3), bool)
        with pytest.raises(ValueError, match="spans 3 .* but its period is 2"):
            so.giou(a, a, periodic={1: 2.0})
        with pytest.raises(ValueError, match="must be positive and finite"):
            so.giou(a, a, periodic={1: -3.0})
        with pytest.raises(TypeError, match="periodic must be a mapping"):
            so.giou(a, a, periodic=3)
        with pytest.raises(ValueError, match="without a period"):
            so.giou(xr.DataArray(a, dims=("x", "y")), xr.DataArray(a, dims=("x", "y")),
                    periodic=["y"])

    def test_mixed_kinds(self):
        with pytest.raises(TypeError, match="same kind"):
            so.iou(so.IntervalSet([(0, 1)]), np.ones(2, bool))

    def test_non_monotonic_coordinate(self):
        a = xr.DataArray(np.ones(3, bool), dims="x", coords={"x": [0.0, 2.0, 1.0]})
        with pytest.raises(ValueError, match="strictly monotonic"):
            so.iou(a, a)

    def test_stats_not_measured(self):
        s = so.overlap(np.ones(2, bool), np.ones(2, bool), geometry=False)
        with pytest.raises(ValueError, match="not measured: hull"):
            s.giou()


def test_refinement_invariance_all_measures():
    rng = np.random.default_rng(11)
    a = rng.random((5, 6)) < 0.4
    b = rng.random((5, 6)) < 0.4
    a[0, 0] = b[4, 5] = True
    for measure in MEASURES:
        coarse = measure(a, b, spacing=(1.0, 1.0), periodic={1: 6.0})
        fine = measure(np.repeat(a, 2, axis=1), np.repeat(b, 2, axis=1), spacing=(1.0, 0.5),
                       periodic={1: 6.0})
        assert fine == pytest.approx(coarse, rel=1e-12), measure.__name__


def test_every_cell_subset_of_3x3():
    """All 512 x 512 pairs would be slow; all pairs of a 4-cell line exhaustively instead."""
    cells = list(itertools.product([False, True], repeat=4))
    for ca in cells:
        for cb in cells:
            a, b = np.array(ca), np.array(cb)
            u = np.count_nonzero(a | b)
            want = np.count_nonzero(a & b) / u if u else 0.5
            assert so.iou(a, b, empty=0.5) == want
