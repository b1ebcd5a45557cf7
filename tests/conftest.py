from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

import shapeoverlap as so

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"

needs_shared = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason="../shared/data is not beside the repository"
)


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    doctest_namespace["np"] = np
    doctest_namespace["so"] = so


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside the repository")
    return SHARED_DATA


@pytest.fixture(params=["numpy", "xarray", "dask"])
def kind(request):
    """Name of an input kind; use with ``convert`` to turn an ndarray into it."""
    if request.param == "dask":
        pytest.importorskip("dask.array")
    return request.param


def convert(x, kind, dims=None, chunks=None):
    """Turn a numpy array into the requested input kind."""
    import xarray as xr

    if kind == "numpy":
        return x
    dims = dims or [f"d{i}" for i in range(np.ndim(x))]
    da = xr.DataArray(x, dims=dims)
    if kind == "dask":
        da = da.chunk(chunks or {d: max(1, s // 2) for d, s in zip(dims, np.shape(x), strict=True)})
    return da
