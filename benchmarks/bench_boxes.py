"""Speed of the box kernels, as ratios against baselines timed in the same process.

    python benchmarks/bench_boxes.py [--small]

1. pairwise IoU of 5k × 5k float32 boxes: ``so.boxes.pairwise_iou`` vs the textbook numpy
   broadcasting one-liner, vs torchvision's ``box_iou`` on CPU when torchvision imports, and
   otherwise vs the same formula written in torch (what ``box_iou`` computes);
2. CIoU loss forward + backward on 1e6 pairs in torch: ``so.boxes.loss(..., "ciou")`` vs
   torchvision's ``complete_box_iou_loss`` when it imports, otherwise vs the same formula
   written in torch;
3. rotated IoU of 1e5 matched pairs: ``so.boxes.rotated_iou`` vs shapely 2's vectorised
   ``intersection`` + ``area`` on polygons built beforehand (polygon construction not timed);
   the same on float64 torch tensors, forward + backward, and all-pairs rotated IoU in torch,
   as multiples of the numpy forward pass;
4. on a CUDA device (skipped without one): the CIoU loss of section 2 and the pairwise IoU
   of section 1, vs torchvision on the same device.

Every time is the best of several runs; ratios below 1 mean shapeoverlap is faster.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import time

import numpy as np

import shapeoverlap as so


def best(f, repeat=5):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def race(fns, repeat=7):
    """Best time of each function, runs interleaved so that a busy machine hits all alike."""
    times = {k: [] for k in fns}
    for _ in range(repeat):
        for k, f in fns.items():
            t = time.perf_counter()
            f()
            times[k].append(time.perf_counter() - t)
    return {k: min(v) for k, v in times.items()}


def random_xyxy(rng, n, dtype=np.float32):
    lo = rng.uniform(0, 100, (n, 2))
    wh = rng.uniform(1, 20, (n, 2))
    return np.concatenate([lo, lo + wh], axis=1).astype(dtype)


def textbook_pairwise_iou(a, b):
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    wh = np.clip(rb - lt, 0, None)
    inter = wh[..., 0] * wh[..., 1]
    return inter / (area_a[:, None] + area_b[None, :] - inter)


def torch_box_iou(a, b):
    """The formula of torchvision.ops.box_iou, written in torch."""
    import torch

    area1 = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area2 = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    lt = torch.max(a[:, None, :2], b[:, :2])
    rb = torch.min(a[:, None, 2:], b[:, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[:, :, 0] * wh[:, :, 1]
    return inter / (area1[:, None] + area2 - inter)


def torch_ciou_loss(p, t, eps=1e-7):
    """The formula of torchvision.ops.complete_box_iou_loss (mean reduction), in torch."""
    import torch

    x1, y1, x2, y2 = p.unbind(-1)
    x1g, y1g, x2g, y2g = t.unbind(-1)
    xk1, yk1 = torch.max(x1, x1g), torch.max(y1, y1g)
    xk2, yk2 = torch.min(x2, x2g), torch.min(y2, y2g)
    inter = torch.zeros_like(x1)
    mask = (yk2 > yk1) & (xk2 > xk1)
    inter[mask] = (xk2[mask] - xk1[mask]) * (yk2[mask] - yk1[mask])
    union = (x2 - x1) * (y2 - y1) + (x2g - x1g) * (y2g - y1g) - inter
    iou = inter / (union + eps)
    xc1, yc1 = torch.min(x1, x1g), torch.min(y1, y1g)
    xc2, yc2 = torch.max(x2, x2g), torch.max(y2, y2g)
    diag = (xc2 - xc1) ** 2 + (yc2 - yc1) ** 2 + eps
    cd = ((x1 + x2) / 2 - (x1g + x2g) / 2) ** 2 + ((y1 + y2) / 2 - (y1g + y2g) / 2) ** 2
    w_p, h_p, w_g, h_g = x2 - x1, y2 - y1, x2g - x1g, y2g - y1g
    v = (4 / math.pi**2) * torch.pow(torch.atan(w_g / h_g) - torch.atan(w_p / h_p), 2)
    with torch.no_grad():
        alpha = v / (1 - iou + v + eps)
    return (1 - iou + cd / diag + alpha * v).mean()


def bench_pairwise(n, lines):
    rng = np.random.default_rng(0)
    a, b = random_xyxy(rng, n), random_xyxy(rng, n)
    t = race({"ours": lambda: so.boxes.pairwise_iou(a, b),
              "text": lambda: textbook_pairwise_iou(a, b)}, 5)
    ours, text = t["ours"], t["text"]
    err = float(np.abs(so.boxes.pairwise_iou(a, b) - textbook_pairwise_iou(a, b)).max())
    lines.append(f"pairwise IoU {n}x{n} float32: ours {ours * 1e3:.0f} ms; textbook numpy "
                 f"{text * 1e3:.0f} ms -> ratio {ours / text:.2f} (max |diff| {err:.1e})")
    try:
        import torch
    except ImportError:
        lines.append("  torch not installed: torch baselines not measured")
        return
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    try:
        from torchvision.ops import box_iou

        t = race({"ours": lambda: so.boxes.pairwise_iou(a, b),
                  "tv": lambda: box_iou(ta, tb)}, 5)
        lines.append(f"  torchvision.ops.box_iou (CPU, {torch.get_num_threads()} threads): "
                     f"{t['tv'] * 1e3:.0f} ms -> ratio {t['ours'] / t['tv']:.2f}")
    except Exception as exc:  # torchvision missing or built against another torch
        lines.append(f"  torchvision not importable ({type(exc).__name__}): not measured")
    t = race({"ours": lambda: so.boxes.pairwise_iou(a, b),
              "tf": lambda: torch_box_iou(ta, tb)}, 5)
    ours, tf = t["ours"], t["tf"]
    lines.append(f"  box_iou's formula in torch (CPU, {torch.get_num_threads()} threads): "
                 f"{tf * 1e3:.0f} ms -> ratio {ours / tf:.2f}")


def ciou_contestants(p, tgt, wrap=lambda f: f):
    """Forward + backward of our CIoU loss, of its formula in torch and, when it imports,
    of torchvision's ``complete_box_iou_loss``; also the reason torchvision is missing."""

    def fwd_bwd(fn):
        q = p.clone().requires_grad_(True)
        fn(q, tgt).backward()

    fns = {"ours": wrap(lambda: fwd_bwd(lambda q, r: so.boxes.loss(q, r, "ciou"))),
           "ref": wrap(lambda: fwd_bwd(torch_ciou_loss))}
    try:
        from torchvision.ops import complete_box_iou_loss

        fns["tv"] = wrap(lambda: fwd_bwd(
            lambda q, r: complete_box_iou_loss(q, r, reduction="mean")))
        missing = None
    except Exception as exc:  # torchvision missing or built against another torch
        missing = type(exc).__name__
    return fns, missing


def bench_ciou_loss(n, lines):
    try:
        import torch
    except ImportError:
        lines.append("CIoU loss: torch not installed, not measured")
        return
    rng = np.random.default_rng(1)
    p = torch.from_numpy(random_xyxy(rng, n))
    tgt = torch.from_numpy(random_xyxy(rng, n))
    fns, missing = ciou_contestants(p, tgt)
    t = race(fns, 9)
    ours, ref = t["ours"], t["ref"]
    lines.append(f"CIoU loss fwd+bwd, {n:.0e} pairs float32 torch: ours {ours * 1e3:.0f} ms; "
                 f"complete_box_iou_loss's formula in torch {ref * 1e3:.0f} ms -> ratio "
                 f"{ours / ref:.2f}")
    if missing is None:
        lines.append(f"  torchvision.ops.complete_box_iou_loss: {t['tv'] * 1e3:.0f} ms -> ratio "
                     f"{ours / t['tv']:.2f}")
    else:
        lines.append(f"  torchvision not importable ({missing}): not measured")


def bench_rotated(n, lines):
    rng = np.random.default_rng(2)

    def rand(k):
        return np.column_stack([
            rng.uniform(0, 10, k), rng.uniform(0, 10, k), rng.uniform(0.5, 5, k),
            rng.uniform(0.5, 5, k), rng.uniform(-np.pi, np.pi, k),
        ])

    a, b = rand(n), rand(n)
    try:
        import shapely
    except ImportError:
        ours = best(lambda: so.boxes.rotated_iou(a, b), 5)
        lines.append(f"rotated IoU {n:.0e} pairs: ours {ours * 1e3:.0f} ms; shapely not "
                     "installed, not compared")
        return

    def polys(x):
        cx, cy, w, h, th = x.T
        sx, sy = np.array([-1, 1, 1, -1]) / 2, np.array([-1, -1, 1, 1]) / 2
        px, py = w[:, None] * sx, h[:, None] * sy
        c, s = np.cos(th)[:, None], np.sin(th)[:, None]
        xy = np.stack([cx[:, None] + c * px - s * py, cy[:, None] + s * px + c * py], -1)
        return shapely.polygons(xy)

    pa, pb = polys(a), polys(b)
    area_a, area_b = shapely.area(pa), shapely.area(pb)

    def with_shapely():
        inter = shapely.area(shapely.intersection(pa, pb))
        return inter / (area_a + area_b - inter)

    t = race({"ours": lambda: so.boxes.rotated_iou(a, b), "ref": with_shapely}, 5)
    ours, ref = t["ours"], t["ref"]
    err = float(np.abs(so.boxes.rotated_iou(a, b) - with_shapely()).max())
    lines.append(f"rotated IoU {n:.0e} matched pairs float64: ours {ours * 1e3:.0f} ms; shapely "
                 f"{shapely.__version__} intersection+area {ref * 1e3:.0f} ms -> ratio "
                 f"{ours / ref:.2f} (max |diff| {err:.1e})")
    m = max(200, int(math.sqrt(n) * 3))
    big_a, big_b = rand(m), rand(m)
    big_a[:, :2] *= 20
    big_b[:, :2] *= 20
    full = best(lambda: so.boxes.pairwise_rotated_iou(big_a, big_b), 3)
    lines.append(f"  pairwise rotated IoU {m}x{m} (200x200 m field, bounding-circle skip): "
                 f"{full * 1e3:.0f} ms")
    bench_rotated_torch(a, b, big_a, big_b, lines)


def bench_rotated_torch(a, b, big_a, big_b, lines):
    """Rotated IoU on float64 torch tensors with autograd, against the numpy forward pass."""
    try:
        import torch
    except ImportError:
        lines.append("  torch not installed: rotated IoU on tensors not timed")
        return
    ta = torch.tensor(a, requires_grad=True)
    tb = torch.tensor(b)

    def forward_backward():
        ta.grad = None
        so.boxes.rotated_iou(ta, tb).sum().backward()

    t = race({"numpy": lambda: so.boxes.rotated_iou(a, b), "torch": forward_backward}, 3)
    lines.append(f"  rotated IoU {a.shape[0]:.0e} pairs, torch float64 forward+backward "
                 f"{t['torch'] * 1e3:.0f} ms = {t['torch'] / t['numpy']:.1f}x numpy forward")
    pa = torch.tensor(big_a, requires_grad=True)
    pb = torch.tensor(big_b)

    def pairwise_backward():
        pa.grad = None
        so.boxes.pairwise_rotated_iou(pa, pb).sum().backward()

    t = race({"numpy": lambda: so.boxes.pairwise_rotated_iou(big_a, big_b),
              "torch": pairwise_backward}, 3)
    lines.append(f"  pairwise rotated IoU {big_a.shape[0]}x{big_b.shape[0]}, torch forward+"
                 f"backward {t['torch'] * 1e3:.0f} ms = {t['torch'] / t['numpy']:.1f}x numpy")


def bench_cuda(n, lines):
    """The torch paths on a CUDA device: CIoU loss fwd+bwd and pairwise IoU, vs torchvision."""
    try:
        import torch
    except ImportError:
        lines.append("CUDA: torch not installed, not measured")
        return
    if not torch.cuda.is_available():
        lines.append("CUDA: no device, not measured")
        return
    dev = torch.device("cuda")
    rng = np.random.default_rng(1)
    p = torch.from_numpy(random_xyxy(rng, n)).to(dev)
    tgt = torch.from_numpy(random_xyxy(rng, n)).to(dev)

    def synced(fn):
        def run():
            fn()
            torch.cuda.synchronize()
        return run

    fns, missing = ciou_contestants(p, tgt, synced)
    box_iou = None
    if missing is None:
        from torchvision.ops import box_iou
    else:
        lines.append(f"  torchvision not importable ({missing})")
    for f in fns.values():
        f()  # warm-up: kernels compiled and cached
    t = race(fns, 20)
    name = torch.cuda.get_device_name(dev)
    lines.append(f"CIoU loss fwd+bwd, {n:.0e} pairs float32 on {name}: ours "
                 f"{t['ours'] * 1e3:.2f} ms; formula in torch {t['ref'] * 1e3:.2f} ms -> ratio "
                 f"{t['ours'] / t['ref']:.2f}")
    if "tv" in t:
        lines.append(f"  torchvision.ops.complete_box_iou_loss {t['tv'] * 1e3:.2f} ms -> ratio "
                     f"{t['ours'] / t['tv']:.2f}")
    m = 5000
    a, b = p[:m].detach(), tgt[:m].detach()
    fns = {"ours": synced(lambda: so.boxes.pairwise_iou(a, b)),
           "ref": synced(lambda: torch_box_iou(a, b))}
    if box_iou is not None:
        fns["tv"] = synced(lambda: box_iou(a, b))
    for f in fns.values():
        f()
    t = race(fns, 20)
    err = float((so.boxes.pairwise_iou(a, b) - torch_box_iou(a, b)).abs().max())
    lines.append(f"pairwise IoU {m}x{m} float32 on {name}: ours {t['ours'] * 1e3:.2f} ms; "
                 f"box_iou's formula {t['ref'] * 1e3:.2f} ms -> ratio {t['ours'] / t['ref']:.2f}"
                 f" (max |diff| {err:.1e})")
    if "tv" in t:
        lines.append(f"  torchvision.ops.box_iou {t['tv'] * 1e3:.2f} ms -> ratio "
                     f"{t['ours'] / t['tv']:.2f}")


SECTIONS = {"pairwise": (bench_pairwise, 5000, 1000),
            "ciou": (bench_ciou_loss, 1_000_000, 100_000),
            "rotated": (bench_rotated, 100_000, 10_000),
            "cuda": (bench_cuda, 1_000_000, 100_000)}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--small", action="store_true", help="smaller sizes for a quick run")
    p.add_argument("--section", choices=sorted(SECTIONS), help="run one section only")
    args = p.parse_args(argv)
    if args.section is None:
        # Each section in a fresh interpreter: after the 5k x 5k matrices the allocator's
        # state makes the next section's 1e6-element tensors fault pages on every op (seen as
        # 10-20x slower torch timings for both sides), which is noise, not speed.
        for name in SECTIONS:  # "cuda" reports "no device" and returns where there is none
            cmd = [sys.executable, __file__, "--section", name] + (["--small"] if args.small
                                                                   else [])
            subprocess.run(cmd, check=True)
        return
    fn, big, small = SECTIONS[args.section]
    lines: list[str] = []
    fn(small if args.small else big, lines)
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    main()
