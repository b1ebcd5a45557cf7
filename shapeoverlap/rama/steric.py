def steric_regions(*a, **k): raise NotImplementedError
