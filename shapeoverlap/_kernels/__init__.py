"""Private kernels: arrays in, arrays out, reductions over ``axis``.

Grid, interval and surface kernels are numpy-only; box kernels take an array namespace.
"""
