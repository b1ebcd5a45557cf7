"""Private numpy-only kernels: arrays in, arrays out, reductions over ``axis``."""
