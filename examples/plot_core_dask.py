"""
Scaling with dask
=================

A cohort of volumes, or one volume too big for memory, can be scored chunk by chunk. With
dask-backed DataArrays every measure stays lazy: each chunk is reduced to a few partial sums
by the numpy kernels and only those sums travel. The result equals the in-memory one.
"""

# %%
import time

import dask.array as da
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

import shapeoverlap as so

rng = da.random.default_rng(0)
shape, chunks = (8, 128, 128, 128), (1, 64, 128, 128)
pred = xr.DataArray(rng.random(shape, chunks=chunks) < 0.5, dims=("case", "z", "y", "x"))
ref = xr.DataArray(rng.random(shape, chunks=chunks) < 0.5, dims=("case", "z", "y", "x"))

lazy = so.dice(pred, ref, dim=("z", "y", "x"))  # one score per case, nothing computed yet
print(type(lazy.data))
t = time.perf_counter()
scores = lazy.compute()
print(f"computed {scores.size} Dice scores in {time.perf_counter() - t:.2f} s")

# %%
in_memory = so.dice(pred.values, ref.values, axis=(1, 2, 3))
print("largest difference from the in-memory result:", float(np.abs(scores - in_memory).max()))

fig, ax = plt.subplots(figsize=(5, 3))
ax.bar(np.arange(scores.size), scores.values)
ax.set_ylim(0.49, 0.51)
ax.set_xlabel("case")
ax.set_ylabel("Dice")
plt.show()
