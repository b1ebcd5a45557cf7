"""Reading NIfTI volumes into ``xarray.DataArray`` objects with physical coordinates."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import FileFormatError

__all__ = ["example_data", "load"]

_DIMS = ("x", "y", "z")

PathLike = str | os.PathLike[str]


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def load(path: PathLike) -> Any:
    """Read a NIfTI volume (``.nii`` or ``.nii.gz``) into an ``xarray.DataArray``.

    Parameters
    ----------
    path : str or os.PathLike
        File readable by nibabel (NIfTI-1/2, optionally gzip-compressed).

    Returns
    -------
    xarray.DataArray
        Dims ``x, y, z`` in the array order on disk (``x, y`` for a 2-D image). Singleton
        dims beyond the third are dropped (a ``(64, 64, 40, 1)`` file loads as 3-D); the
        first three are kept, so a single-slice volume ``(X, Y, 1)`` loads as 3-D with a
        ``z`` of length 1 (see Notes). Coordinates are index × voxel size (the header zooms)
        in mm, so they start at 0; ``attrs["affine"]`` holds the 4×4 voxel-to-world affine,
        ``attrs["spacing"]`` the zooms and ``attrs["path"]`` the file. The on-disk data type is
        kept (an integer label map stays integer) unless the header asks for intensity scaling
        (``scl_slope``/``scl_inter``), in which case nibabel's scaled floats are returned. The
        array is nibabel's (Fortran-ordered for NIfTI), not a copy.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    FileFormatError
        If the file is not a readable image, is truncated, or has more than three
        non-singleton dimensions. ``FileFormatError`` is a ``ValueError``; the message names the
        file.

    See Also
    --------
    score : Scores two loaded volumes (their affines are checked against each other).

    Notes
    -----
    A single-slice volume ``(X, Y, 1)`` is scored by :func:`score` as 3-D. Dice, IoU and the
    volumes (mm³, with the slice thickness) are those of the slice, but the boundary metrics
    are not those of its 2-D contours: outside the array counts as background, so every voxel
    of a mask has a face neighbour outside it along ``z`` and is a boundary voxel (``hd``,
    ``hd95`` and ``assd`` measure from every voxel of each mask, interior included, not from
    its outline), and the surface elements of ``nsd`` and ``hd95="surfel"`` cover both faces
    of the slab. To score it as a 2-D
    image, pass ``img[..., 0]``: the ``x``/``y`` voxel sizes come from its coordinates, and
    the volumes become areas (mm²).

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> ref = so.medical.load(so.medical.example_data()["ref"])
    >>> ref.dims, ref.shape, ref.dtype, float(ref["x"][1])
    (('x', 'y', 'z'), (53, 65, 54), dtype('uint8'), 3.0)
    """
    import nibabel as nib
    import xarray as xr

    p = Path(os.fspath(path))
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file")
    try:
        img = nib.load(str(p))
    except Exception as exc:
        raise FileFormatError(
            f"{p}: not a readable NIfTI image ({type(exc).__name__}: {_one_line(exc)})"
        ) from exc
    if not hasattr(img, "dataobj") or not hasattr(img, "affine"):
        raise FileFormatError(f"{p}: {type(img).__name__} has no voxel array and affine")
    try:
        data = np.asarray(np.asanyarray(img.dataobj))
    except Exception as exc:
        raise FileFormatError(
            f"{p}: could not read the voxel data ({type(exc).__name__}: {_one_line(exc)}); "
            "the file may be truncated or corrupt"
        ) from exc
    while data.ndim > 3 and data.shape[-1] == 1:
        data = data[..., 0]
    if data.ndim not in (2, 3):
        hint = ("split the series into 2-D or 3-D volumes first (one file per volume)"
                if data.ndim > 3 else
                "save the segmentation with its 2-D or 3-D shape, not flattened")
        raise FileFormatError(
            f"{p}: expected a 2-D or 3-D volume, got shape {data.shape} ({data.ndim}-D); {hint}"
        )
    header: Any = img.header
    zooms = tuple(float(z) for z in header.get_zooms()[: data.ndim])
    dims = _DIMS[: data.ndim]
    coords = {}
    for d, n, z in zip(dims, data.shape, zooms, strict=True):
        coords[d] = xr.DataArray(np.arange(n) * z, dims=d, attrs={"units": "mm"})
    affine = np.asarray(img.affine, dtype=np.float64)
    name = p.name
    for suffix in (".gz", ".nii"):
        name = name.removesuffix(suffix)
    return xr.DataArray(
        data, dims=dims, coords=coords, name=name,
        attrs={"affine": affine, "spacing": zooms, "path": str(p)},
    )


def example_data() -> dict[str, Path]:
    """Paths of the small real volumes shipped with the package.

    Returns
    -------
    dict of str to pathlib.Path
        ``"ref"`` (label map: 1 grey matter, 2 white matter, 3 CSF), ``"pred"`` (an
        intensity-based segmentation into the same labels), ``"gm_prob"`` (grey-matter
        probabilities in [0, 1]) and ``"t1"`` (the T1 template): 3 mm derivatives of the
        ICBM 2009a MNI152 template; see ``shapeoverlap/data/medical/README.md`` for provenance
        and licence.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> sorted(so.medical.example_data())
    ['gm_prob', 'pred', 'ref', 't1']
    """
    folder = Path(__file__).resolve().parents[1] / "data" / "medical"
    return {key: folder / f"mni152_3mm_{key}.nii.gz" for key in ("ref", "pred", "gm_prob", "t1")}
