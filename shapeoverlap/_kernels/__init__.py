"""Private kernels: arrays in, arrays out, reductions over ``axis`` (numpy; box kernels take an array namespace)."""
