"""IoU of two IntervalSets of 1e6 random intervals against a plain numpy sort+sweep baseline.

Both sides do the same job from the same unsorted, overlapping ``(N, 2)`` arrays: sort and merge
each input, then intersect the merged sets with a sweep, and return IoU. The baseline is written
here from scratch (no shapeoverlap code), and both run in this process; the ratio is printed.

Run: ``python benchmarks/bench_intervals.py [N]``. Target: ratio <= 1.5.
"""

from __future__ import annotations

import sys
import time

import numpy as np

import shapeoverlap as so


def baseline_iou(a: np.ndarray, b: np.ndarray) -> float:
    """Sort + merge each input, then an event sweep over both merged sets."""

    def merged(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(x[:, 0])
        s, e = x[order, 0], x[order, 1]
        reach = np.maximum.accumulate(e)
        new = np.r_[True, s[1:] > reach[:-1]]
        head = np.flatnonzero(new)
        tail = np.r_[head[1:] - 1, s.size - 1]
        return s[head], reach[tail]

    sa, ea = merged(a)
    sb, eb = merged(b)
    pos = np.concatenate([sa, sb, ea, eb])
    step = np.concatenate([np.ones(sa.size + sb.size), -np.ones(ea.size + eb.size)])
    order = np.argsort(pos, kind="stable")
    pos, depth = pos[order], np.cumsum(step[order])
    inter = float(np.sum(np.diff(pos)[depth[:-1] == 2]))
    union = float(np.sum(ea - sa) + np.sum(eb - sb)) - inter
    return inter / union


def ours(a: np.ndarray, b: np.ndarray) -> float:
    return so.iou(so.IntervalSet(a), so.IntervalSet(b))


def best_of(f, *args, repeat=5):
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = f(*args)
        best = min(best, time.perf_counter() - t0)
    return best, out


def main(n: int = 1_000_000) -> float:
    rng = np.random.default_rng(0)

    def make() -> np.ndarray:
        s = rng.uniform(0, 1e8, n)
        return np.column_stack([s, s + rng.exponential(150.0, n)])  # unsorted, overlapping

    a, b = make(), make()
    t_base, v_base = best_of(baseline_iou, a, b)
    t_ours, v_ours = best_of(ours, a, b)
    assert abs(v_base - v_ours) <= 1e-9 * abs(v_base), (v_base, v_ours)
    ratio = t_ours / t_base
    print(f"IoU of two IntervalSets of {n:.0e} intervals (construction included)")
    print(f"  numpy sort+sweep baseline: {t_base * 1e3:8.1f} ms")
    print(f"  shapeoverlap.IntervalSet:  {t_ours * 1e3:8.1f} ms")
    print(f"  ratio: {ratio:.2f} (target <= 1.5)   iou = {v_ours:.6f}")
    return ratio


if __name__ == "__main__":
    main(int(float(sys.argv[1])) if len(sys.argv) > 1 else 1_000_000)
