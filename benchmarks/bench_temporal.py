"""Speed of so.temporal against plain numpy baselines run in the same process.

1. ``set_iou`` of two lists of 1e6 unsorted, overlapping intervals (one track, one label)
   against a numpy sort + merge + event-sweep baseline. Target: ratio <= 1.5.
2. ``tiou_matrix`` of 5k x 5k events against float64 numpy broadcasting. Target: <= 0.2.
   Three layouts: events spread over a long recording (few overlaps; the usual case), random
   events (start U(0, 100) s, length U(1, 10) s: a tenth of the pairs overlap) and a worst
   case where every pair overlaps. Peak memory beyond the output is reported from
   tracemalloc. With numba installed the dense result is one compiled loop; the NumPy path
   (blocks of NumPy passes, or a zero fill plus the overlapping pairs) is timed as well.
3. ``encode`` of 1e6 intervals (exact round trip: closed form, check, search) against the plain
   numpy closed form; also the share of rows that come back bit for bit with each.

Run: ``python benchmarks/bench_temporal.py``.
"""

from __future__ import annotations

import time
import tracemalloc
from functools import partial

import numpy as np

from shapeoverlap._kernels import jit
from shapeoverlap.temporal import EventList, decode, encode, set_iou, tiou_matrix


def best_of(f, *args, repeat=5):
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = f(*args)
        best = min(best, time.perf_counter() - t0)
    return best, out


def baseline_set(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    def merged(x):
        order = np.argsort(x[:, 0])
        s, e = x[order, 0], x[order, 1]
        reach = np.maximum.accumulate(e)
        head = np.flatnonzero(np.r_[True, s[1:] > reach[:-1]])
        tail = np.r_[head[1:] - 1, s.size - 1]
        return s[head], reach[tail]

    sa, ea = merged(a)
    sb, eb = merged(b)
    pos = np.concatenate([sa, sb, ea, eb])
    step = np.concatenate([np.ones(sa.size + sb.size), -np.ones(ea.size + eb.size)])
    order = np.argsort(pos, kind="stable")
    pos, depth = pos[order], np.cumsum(step[order])
    inter = float(np.sum(np.diff(pos)[depth[:-1] == 2]))
    return inter, float(np.sum(ea - sa) + np.sum(eb - sb)) - inter


def ours_set(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    t = set_iou(EventList.from_arrays(a[:, 0], a[:, 1]), EventList.from_arrays(b[:, 0], b[:, 1]))
    return float(t["intersection"].iloc[0]), float(t["union"].iloc[0])


def baseline_tiou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    inter = np.minimum(a[:, None, 1], b[None, :, 1]) - np.maximum(a[:, None, 0], b[None, :, 0])
    inter = np.clip(inter, 0, None)
    union = (a[:, 1] - a[:, 0])[:, None] + (b[:, 1] - b[:, 0])[None, :] - inter
    return inter / union


def fresh_zeros(shape: tuple[int, int]) -> np.ndarray:
    out = np.empty(shape)
    out.fill(0.0)
    return out


def baseline_encode(x: np.ndarray, a: np.ndarray) -> np.ndarray:
    la = a[:, 1] - a[:, 0]
    dc = (0.5 * (x[:, 0] + x[:, 1]) - 0.5 * (a[:, 0] + a[:, 1])) / la
    return np.stack([dc, np.log((x[:, 1] - x[:, 0]) / la)], axis=-1)


def annotated_events(rng, n):
    """Ground truth typed to 1/100 s in 600 s videos, each with its best multi-scale anchor.

    Anchors: lengths 2**k s on a grid of stride half their length; an event gets the scale
    nearest its duration and the grid position nearest its centre (|ln(l / l_a)| <= ln 2 / 2).
    """
    s = np.round(rng.uniform(0, 600, n), 2)
    x = np.column_stack([s, np.round(s + rng.uniform(0.5, 60.0, n), 2)])
    la = 2.0 ** np.round(np.log2(x[:, 1] - x[:, 0]))
    ca = np.round(0.5 * (x[:, 0] + x[:, 1]) / (0.5 * la)) * (0.5 * la)
    return x, np.column_stack([ca - 0.5 * la, ca + 0.5 * la])


def events(rng, n, span, lo, hi):
    s = rng.uniform(0, span, n)
    return np.column_stack([s, s + rng.uniform(lo, hi, n)])


def main() -> dict[str, float]:
    rng = np.random.default_rng(0)
    ratios = {}

    n = 1_000_000
    a = np.column_stack([s := rng.uniform(0, 1e8, n), s + rng.exponential(150.0, n)])
    b = np.column_stack([s := rng.uniform(0, 1e8, n), s + rng.exponential(150.0, n)])
    t_base, v_base = best_of(baseline_set, a, b)
    t_ours, v_ours = best_of(ours_set, a, b)
    np.testing.assert_allclose(v_ours, v_base, rtol=1e-9)
    ratios["set_iou 1e6"] = t_ours / t_base
    print(f"set_iou, two lists of {n:.0e} intervals (construction included)")
    print(f"  numpy sort+sweep baseline {t_base * 1e3:8.1f} ms   set_iou {t_ours * 1e3:8.1f} ms"
          f"   ratio {t_ours / t_base:.2f} (target <= 1.5)")

    m = 5000
    compiled = jit.tiou_rows if jit.tiou_rows() is not None else None
    print("tiou_matrix: " + ("compiled kernel (numba)" if compiled else
                             "NumPy path (numba not installed)"))
    for name, (span, lo, hi) in {
        "spread (1e4 s recording, 1-100 s events)": (1e4, 1.0, 100.0),
        "random (100 s, 1-10 s events)": (100.0, 1.0, 10.0),
        "worst case (every pair overlaps)": (10.0, 100.0, 200.0),
    }.items():
        ea, eb = events(rng, m, span, lo, hi), events(rng, m, span, lo, hi)
        t_base, ref = best_of(baseline_tiou, ea, eb, repeat=3)
        t_ours, got = best_of(tiou_matrix, ea, eb, repeat=3)
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-15)
        tracemalloc.start()
        tiou_matrix(ea, eb)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        extra = (peak - got.nbytes) / 2**20
        t_out, _ = best_of(partial(tiou_matrix, out=np.empty((m, m))), ea, eb, repeat=3)
        t_floor, _ = best_of(fresh_zeros, (m, m), repeat=3)
        ratios[f"tiou_matrix 5k {name}"] = t_ours / t_base
        ratios[f"tiou_matrix 5k {name} out="] = t_out / t_base
        print(f"tiou_matrix {m}x{m}, {name}")
        print(f"  numpy broadcasting {t_base * 1e3:8.1f} ms   tiou_matrix {t_ours * 1e3:8.1f} ms"
              f"   ratio {t_ours / t_base:.2f} (target <= 0.2)   peak beyond output "
              f"{extra:.1f} MiB")
        print(f"  floor: np.empty((5000, 5000)).fill(0) ratio {t_floor / t_base:.2f}   "
              f"tiou_matrix(out=reused array) ratio {t_out / t_base:.2f}")
        if compiled:
            jit.tiou_rows = lambda: None  # the NumPy path, for comparison
            t_np, got_np = best_of(tiou_matrix, ea, eb, repeat=3)
            jit.tiou_rows = compiled
            np.testing.assert_array_equal(got_np, got)
            ratios[f"tiou_matrix 5k {name} numpy path"] = t_np / t_base
            print(f"  NumPy path (no numba): ratio {t_np / t_base:.2f}")

    n = 1_000_000
    x, anchors = annotated_events(rng, n)
    t_base, closed = best_of(baseline_encode, x, anchors)
    t_ours, codes = best_of(encode, x, anchors)
    np.testing.assert_allclose(codes, closed, rtol=1e-12, atol=1e-12)
    exact_closed = np.mean((decode(closed, anchors) == x).all(axis=1))
    exact_ours = np.mean((decode(codes, anchors) == x).all(axis=1))
    ratios["encode 1e6"] = t_ours / t_base
    print(f"encode, {n:.0e} annotated intervals against their anchors")
    print(f"  numpy closed form {t_base * 1e3:8.1f} ms   encode {t_ours * 1e3:8.1f} ms   ratio "
          f"{t_ours / t_base:.1f}   bit-exact rows: closed form {exact_closed:.1%}, encode "
          f"{exact_ours:.1%} (the rest keep the closed form)")
    return ratios


if __name__ == "__main__":
    main()
