"""so.temporal: set IoU, tIoU, matching, F1, AP and coding against brute force and by hand."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

import shapeoverlap as so
from shapeoverlap.temporal import (
    EventList,
    average_precision,
    decode,
    encode,
    evaluate,
    match,
    set_iou,
    tiou_matrix,
)

STEP = 0.5


def random_events(rng, n, labels=("a", "b"), tracks=("t1", "t2"), hi=30.0, maxlen=6.0,
                  score=False, zero=True):
    s = rng.integers(0, int(hi / STEP), n) * STEP
    length = rng.integers(0 if zero else 1, int(maxlen / STEP) + 1, n) * STEP
    kw = {"label": rng.choice(list(labels), n), "track": rng.choice(list(tracks), n)}
    if score:
        kw["score"] = rng.integers(0, 5, n) / 4  # many ties on purpose
    return EventList.from_arrays(s, s + length, **kw)


# ------------------------------------------------------------------ brute-force references
def brute_tiou(a, b, period=None):
    """Pure-Python tIoU of two [start, end] events (rasterised on a circle)."""
    (s1, e1), (s2, e2) = a, b
    if period is None:
        inter = max(0.0, min(e1, e2) - max(s1, s2))
        union = (e1 - s1) + (e2 - s2) - inter
        return inter / union if union > 0 else 0.0
    mid = np.arange(0, period, STEP / 4) + STEP / 8

    def member(s, e):
        length = e - s if e >= s else e - s + period
        return np.mod(mid - s, period) < length

    ma, mb = member(s1, e1), member(s2, e2)
    u = np.count_nonzero(ma | mb)
    return np.count_nonzero(ma & mb) / u if u else 0.0


def raster_set(ev, hi=40.0):
    """Per (track, label) boolean raster of the union of events, cells of STEP."""
    mid = np.arange(0, hi, STEP) + STEP / 2
    out = {}
    f = ev.frame
    for row in f.itertuples():
        key = (row.track, row.label)
        r = out.setdefault(key, np.zeros(mid.size, bool))
        r |= (mid >= row.start) & (mid < row.end)
    return out


def brute_set_iou(ref, pred, by_label):
    rr, pr = raster_set(ref), raster_set(pred)
    if not by_label:
        def collapse(d):
            out = {}
            for (t, _), r in d.items():
                out[t] = out.get(t, np.zeros_like(r)) | r
            return out
        rr, pr = collapse(rr), collapse(pr)
    res = {}
    for key in set(rr) | set(pr):
        a = rr.get(key)
        b = pr.get(key)
        a = np.zeros_like(b) if a is None else a
        b = np.zeros_like(a) if b is None else b
        inter = a & b
        runs = np.count_nonzero(np.diff(np.r_[0, inter.astype(int)]) == 1)
        lab = key[1] if by_label else "all"
        i, u, n = res.get(lab, (0.0, 0.0, 0))
        res[lab] = (i + inter.sum() * STEP, u + (a | b).sum() * STEP, n + runs)
    return res


def brute_matching(cands, n_ref, n_pred):
    """Best (count, total tIoU) over all one-to-one subsets of candidate pairs (tiny inputs)."""
    best = (0, 0.0)
    for k in range(min(n_ref, n_pred, len(cands)), 0, -1):
        for combo in itertools.combinations(cands, k):
            rs = {c[0] for c in combo}
            ps = {c[1] for c in combo}
            if len(rs) == k and len(ps) == k:
                best = max(best, (k, sum(c[2] for c in combo)))
        if best[0] == k:
            break
    return best


def brute_greedy(ref, pred, thr, by_label=True):
    """ActivityNet's loop: predictions by score (stable), best unmatched ref with tIoU >= thr."""
    rf, pf = ref.frame, pred.frame
    order = sorted(range(len(pf)), key=lambda k: (-pf.score[k], k))
    taken, pairs = set(), []
    for p in order:
        cands = []
        for r in range(len(rf)):
            if rf.track[r] != pf.track[p] or (by_label and rf.label[r] != pf.label[p]):
                continue
            t = brute_tiou((rf.start[r], rf.end[r]), (pf.start[p], pf.end[p]))
            cands.append((-t, r, t))
        for _, r, t in sorted(cands):
            if t < thr or t <= 0:
                break
            if r in taken:
                continue
            taken.add(r)
            pairs.append((r, p))
            break
    return pairs


def brute_ap(hits, n_pos):
    """VOC all-point AP: sum over recall steps of the best precision at that recall or more."""
    if n_pos == 0:
        return math.nan
    tp = fp = 0
    prec, rec = [], []
    for h in hits:
        tp += h
        fp += 1 - h
        prec.append(tp / (tp + fp))
        rec.append(tp / n_pos)
    ap, prev = 0.0, 0.0
    for k, r in enumerate(rec):
        if r > prev:
            ap += (r - prev) * max(prec[k:])
            prev = r
    return ap


# ------------------------------------------------------------------ EventList
class TestEventList:
    def test_defaults_and_columns(self):
        ev = EventList(pd.DataFrame({"start": [3.0, 0.0], "end": [4.0, 1.0], "x": [1, 2]}))
        f = ev.frame
        assert list(f.columns) == ["track", "label", "start", "end"]
        assert f.track.tolist() == ["default", "default"]
        assert f.label.tolist() == ["event", "event"]
        assert ev.labels == ["event"]
        assert not ev.has_score
        assert len(ev) == 2

    def test_from_arrays_and_missing_values(self):
        ev = EventList.from_arrays([0, 1], [1, 2], label=["x", None], track="v", score=[0.5, 1])
        assert ev.frame.label.tolist() == ["x", "event"]
        assert ev.tracks == ["v"]
        np.testing.assert_array_equal(ev.frame.score, [0.5, 1.0])
        assert EventList(ev) == ev

    def test_select_and_intervalset(self):
        ev = EventList.from_arrays([0, 1, 5], [2, 3, 6], label=["a", "a", "b"])
        assert len(ev.select(labels=["a"])) == 2
        assert ev.to_intervalset(label="a") == so.IntervalSet([(0, 3)])
        with pytest.raises(ValueError, match=r"unknown label\(s\) \['zebra'\] in the label filter"):
            ev.select(labels="zebra")

    def test_periodic_durations(self):
        ev = EventList.from_arrays([22.0, 1.0], [6.0, 2.0], period=24)
        np.testing.assert_array_equal(ev.durations(), [8.0, 1.0])

    def test_errors(self):
        with pytest.raises(TypeError, match="frame must be a pandas.DataFrame"):
            EventList([[0, 1]])
        with pytest.raises(ValueError, match=r"lacks column\(s\) end; columns seen: \['start'\]"):
            EventList(pd.DataFrame({"start": [1.0]}))
        with pytest.raises(ValueError, match=r"end < start in row 1 \(track 'default', label "
                                             r"'event'\): start=5.0, end=2.0"):
            EventList.from_arrays([0, 5], [1, 2])
        with pytest.raises(ValueError, match=r"start times must be finite; row 0 .* start=nan"):
            EventList.from_arrays([np.nan], [1.0])
        with pytest.raises(ValueError, match=r"end times must be finite; .* end=inf"):
            EventList.from_arrays([0.0], [np.inf])
        with pytest.raises(TypeError, match=r"column 'start' must hold numbers; row 1 has 'x'"):
            EventList(pd.DataFrame({"start": [0, "x"], "end": [1, 2]}))
        with pytest.raises(ValueError, match=r"same length; got shapes \(2,\) and \(1,\)"):
            EventList.from_arrays([0, 1], [2])
        with pytest.raises(ValueError, match=r"label must be a scalar or have the shape"):
            EventList.from_arrays([0, 1], [1, 2], label=["a"])
        with pytest.raises(ValueError, match="period must be a finite number > 0"):
            EventList.from_arrays([0], [1], period=-1)
        with pytest.raises(ValueError, match=r"score must be finite or missing"):
            EventList.from_arrays([0], [1], score=[np.inf])
        with pytest.raises(TypeError, match=r"column 'start' must hold numbers; got booleans"):
            EventList.from_arrays([True], [1])

    def test_score_must_be_numeric(self):
        with pytest.raises(TypeError, match="score must be a number or an array of numbers; "
                                            "got 'x'"):
            EventList.from_arrays([0], [1], score="x")

    def test_periodic_times_must_lie_on_the_clock(self):
        # seconds on a 24 h clock are a unit mix-up that wrapping would hide
        with pytest.raises(ValueError, match=r"start times must lie in \[0, period\] = "
                                             r"\[0, 24.0\]; row 0 .* start=25.0 \(1 such row"):
            EventList.from_arrays([25.0], [26.0], period=24)
        with pytest.raises(ValueError, match=r"end times must lie in .* end=30.0"):
            EventList.from_arrays([0.0], [30.0], period=24)
        with pytest.raises(ValueError, match=r"start=-1.0"):
            EventList.from_arrays([-1.0], [2.0], period=24)
        # the ends of the clock are allowed: [0, 24] is the whole circle, [22, 24] ends at it
        ev = EventList.from_arrays([0.0, 22.0, 23.0], [24.0, 24.0, 1.0], period=24)
        assert ev.durations().tolist() == [24.0, 2.0, 2.0]


# ------------------------------------------------------------------ set IoU
class TestSetIoU:
    def test_hand_values(self):
        # ref: [0,2) and [2,5) are book-ended -> [0,5); pred [1,3) and [6,8)
        ref = EventList.from_arrays([0, 2], [2, 5])
        pred = EventList.from_arrays([1, 6], [3, 8])
        t = set_iou(ref, pred, by_label=False)
        assert t.index.tolist() == ["all"]
        row = t.loc["all"]
        assert (row.intersection, row.union, row.n_intersections) == (2.0, 7.0, 1)
        assert row.jaccard == 2 / 7

    def test_summed_over_tracks(self):
        ref = EventList.from_arrays([0, 0], [4, 4], track=["x", "y"])
        pred = EventList.from_arrays([2, 10], [6, 12], track=["x", "y"])
        row = set_iou(ref, pred, by_label=False).loc["all"]
        # track x: inter 2, union 6; track y: inter 0, union 4 + 2 (same times, other track)
        assert (row.intersection, row.union, row.n_intersections) == (2.0, 12.0, 1)

    @pytest.mark.parametrize("seed", range(12))
    @pytest.mark.parametrize("by_label", [True, False])
    def test_raster_brute_force(self, seed, by_label):
        rng = np.random.default_rng(seed)
        ref = random_events(rng, rng.integers(0, 15))
        pred = random_events(rng, rng.integers(1, 15), labels=("a", "c"))
        t = set_iou(ref, pred, by_label=by_label)
        brute = brute_set_iou(ref, pred, by_label)
        assert sorted(t.index) == sorted(brute)
        for lab, (i, u, n) in brute.items():
            assert t.loc[lab, "intersection"] == i
            assert t.loc[lab, "union"] == u
            assert t.loc[lab, "n_intersections"] == n
            if u:
                assert t.loc[lab, "jaccard"] == i / u

    def test_zero_length_has_no_measure(self):
        ref = EventList.from_arrays([5.0], [5.0])
        pred = EventList.from_arrays([4.0], [6.0])
        row = set_iou(ref, pred, by_label=False).loc["all"]
        assert (row.intersection, row.union, row.n_intersections) == (0.0, 2.0, 0)

    def test_empty(self):
        e = EventList.from_arrays([], [])
        t = set_iou(e, e)
        assert len(t) == 0
        one = EventList.from_arrays([0.0], [2.0])
        t = set_iou(e, one)
        assert t.loc["event"].tolist() == [0.0, 2.0, 0.0, 0]
        assert t.intersection.dtype == np.float64
        t = set_iou(e, e, by_label=False)
        assert math.isnan(t.loc["all", "jaccard"])
        assert set_iou(e, e, by_label=False, empty=1.0).loc["all", "jaccard"] == 1.0
        with pytest.raises(ValueError, match='empty="raise" is not supported here'):
            set_iou(e, e, empty="raise")

    def test_periodic_matches_intervalset(self):
        rng = np.random.default_rng(5)
        for _ in range(10):
            s = rng.integers(0, 48, 6) * 0.5
            ln = rng.integers(1, 20, 6) * 0.5
            s2 = rng.integers(0, 48, 5) * 0.5
            ln2 = rng.integers(1, 20, 5) * 0.5
            ref = EventList.from_arrays(s, np.mod(s + ln, 24), period=24)
            pred = EventList.from_arrays(s2, np.mod(s2 + ln2, 24), period=24)
            a, b = ref.to_intervalset(), pred.to_intervalset()
            row = set_iou(ref, pred, by_label=False).loc["all"]
            assert row.intersection == (a & b).measure
            assert row.union == (a | b).measure
            assert row.n_intersections == len(a & b)  # pieces meeting at the seam count once

    def test_periodic_seam_counts_once(self):
        ref = EventList.from_arrays([22.0], [6.0], period=24)
        pred = EventList.from_arrays([23.0], [2.0], period=24)
        row = set_iou(ref, pred, by_label=False).loc["all"]
        assert (row.intersection, row.union, row.n_intersections) == (3.0, 8.0, 1)


# ------------------------------------------------------------------ tIoU matrix
@pytest.fixture(params=["numpy", "compiled"])
def tiou_path(request, monkeypatch):
    """Run a test through the NumPy blocks and through the compiled kernel (if numba)."""
    from shapeoverlap.temporal import _metrics

    if request.param == "numpy":
        monkeypatch.setattr(_metrics._jit, "tiou_rows", lambda: None)
    else:
        if _metrics._jit.tiou_rows() is None:
            pytest.skip("numba is not installed")
        monkeypatch.setattr(_metrics, "_JIT_MIN_PAIRS", 0)  # small matrices too
    return request.param


@pytest.mark.usefixtures("tiou_path")
class TestTiou:
    def test_hand(self):
        m = tiou_matrix([[0, 2], [5, 6]], [[1, 3], [0, 2]])
        np.testing.assert_array_equal(m, [[1 / 3, 1.0], [0.0, 0.0]])

    @pytest.mark.parametrize("seed", range(6))
    def test_brute_force_dense_sparse_blocks(self, seed):
        rng = np.random.default_rng(seed)
        a = random_events(rng, 40)
        b = random_events(rng, 50)
        fa, fb = a.frame, b.frame
        brute = np.array([[brute_tiou((fa.start[i], fa.end[i]), (fb.start[j], fb.end[j]))
                           if fa.track[i] == fb.track[j] else 0.0 for j in range(50)]
                          for i in range(40)])
        np.testing.assert_allclose(tiou_matrix(a, b), brute, rtol=1e-12, atol=0)
        sp = tiou_matrix(a, b, sparse=True)
        np.testing.assert_allclose(sp.toarray(), brute, rtol=1e-12, atol=0)
        assert sp.nnz == np.count_nonzero(brute)
        # the blocked dense path (heavy overlap) with tiny blocks
        wide_a = np.column_stack([fa.start, fa.end + 100])
        wide_b = np.column_stack([fb.start, fb.end + 100])
        brute_w = np.array([[brute_tiou(x, y) for y in wide_b] for x in wide_a])
        for chunk in (None, 7):
            np.testing.assert_allclose(tiou_matrix(wide_a, wide_b, chunk_size=chunk), brute_w,
                                       rtol=1e-12, atol=0)

    @pytest.mark.parametrize("chunk", [None, 1, 3, 5, 7])
    def test_dense_blocks_all_overlapping_or_not(self, chunk):
        # rows 0-9 overlap every column (their blocks skip the clip), rows 10-19 overlap none
        rng = np.random.default_rng(21)
        s = rng.uniform(0, 4, 10)
        a = np.vstack([np.column_stack([s, s + rng.uniform(60, 90, 10)]),
                       np.column_stack([s + 200, s + 201])])
        sb = rng.uniform(5, 50, 12)
        b = np.column_stack([sb, sb + rng.uniform(1, 9, 12)])
        brute = np.array([[brute_tiou(x, y) for y in b] for x in a])
        got = tiou_matrix(a, b, chunk_size=chunk)
        np.testing.assert_allclose(got, brute, rtol=1e-12, atol=0)
        assert (got[10:] == 0).all()
        assert (got[:10] > 0).all()
        # the same on two tracks: pairs across tracks are 0
        ta = EventList.from_arrays(a[:, 0], a[:, 1], track=np.arange(20) % 2)
        tb = EventList.from_arrays(b[:, 0], b[:, 1], track=np.arange(12) % 2)
        same = (np.arange(20)[:, None] % 2) == (np.arange(12)[None, :] % 2)
        np.testing.assert_allclose(tiou_matrix(ta, tb, chunk_size=chunk),
                                   np.where(same, brute, 0.0), rtol=1e-12, atol=0)

    def test_out(self):
        rng = np.random.default_rng(4)
        wide = random_events(rng, 30, tracks=("t",))
        fw = wide.frame
        a = np.column_stack([fw.start, fw.end + 100])  # heavy overlap: the dense path
        b = np.column_stack([fw.start[::-1], fw.end[::-1] + 50])
        few = np.column_stack([fw.start, fw.end])  # few overlaps: the pairs path
        out = np.full((30, 30), np.nan)
        for x, y, kw in ((a, b, {}), (few, few, {}), (few, few, {"chunk_size": 4}),
                         (np.mod(few, 24), np.mod(few[::-1], 24), {"period": 24})):
            res = tiou_matrix(x, y, out=out, **kw)
            assert res is out
            np.testing.assert_array_equal(out, tiou_matrix(x, y, **kw))

    def test_out_errors(self):
        a, b = [[0, 1], [2, 3]], [[0, 1]]
        with pytest.raises(TypeError, match="out must be a numpy.ndarray; got list"):
            tiou_matrix(a, b, out=[[0.0], [0.0]])
        with pytest.raises(TypeError, match="out must have dtype float64; got float32"):
            tiou_matrix(a, b, out=np.empty((2, 1), np.float32))
        with pytest.raises(ValueError, match=r"out must have shape \(2, 1\) .*; got \(1, 2\)"):
            tiou_matrix(a, b, out=np.empty((1, 2)))
        with pytest.raises(ValueError, match="out must be C-contiguous"):
            tiou_matrix(a, [[0, 1], [1, 2]], out=np.empty((2, 2), order="F"))
        ro = np.empty((2, 1))
        ro.flags.writeable = False
        with pytest.raises(ValueError, match="out is read-only"):
            tiou_matrix(a, b, out=ro)
        with pytest.raises(ValueError, match="out= holds the dense result"):
            tiou_matrix(a, b, sparse=True, out=np.empty((2, 1)))

    def test_periodic(self):
        rng = np.random.default_rng(11)
        s = rng.integers(0, 48, 12) * 0.5
        e = np.mod(s + rng.integers(0, 30, 12) * 0.5, 24)
        a = np.column_stack([s[:6], e[:6]])
        b = np.column_stack([s[6:], e[6:]])
        brute = np.array([[brute_tiou(x, y, 24) for y in b] for x in a])
        np.testing.assert_allclose(tiou_matrix(a, b, period=24), brute, rtol=1e-12)
        np.testing.assert_allclose(tiou_matrix(a, b, period=24, sparse=True).toarray(), brute,
                                   rtol=1e-12)

    def test_zero_length_pairs(self):
        np.testing.assert_array_equal(tiou_matrix([[1, 1]], [[1, 1], [0, 2]]), [[0.0, 0.0]])
        # many overlaps: the blocked dense path, where 0/0 of two empty events must give 0
        dense = tiou_matrix([[1, 1], [0, 2]], [[1, 1], [0, 3]], chunk_size=1)
        np.testing.assert_array_equal(dense, [[0.0, 0.0], [0.0, 2 / 3]])

    def test_errors(self):
        for bad in ("a", 1.5, 0, True):
            with pytest.raises(ValueError, match=f"chunk_size must be a positive integer; got "
                                                 f"{bad!r}"):
                tiou_matrix([[0, 1]], [[0, 1]], chunk_size=bad)
        with pytest.raises(TypeError, match="sparse must be True or False; got 1"):
            tiou_matrix([[0, 1]], [[0, 1]], sparse=1)
        with pytest.raises(TypeError, match="by_label must be True or False; got 'no'"):
            set_iou([[0, 1]], [[0, 1]], by_label="no")
        with pytest.raises(TypeError, match="by_label must be True or False; got None"):
            match([[0, 1]], [[0, 1]], by_label=None)
        with pytest.raises(ValueError, match=r"a must have shape \(N, 2\)"):
            tiou_matrix([1, 2, 3], [[0, 1]])
        with pytest.raises(TypeError, match="b must be an EventList, a DataFrame"):
            tiou_matrix([[0, 1]], "x")
        with pytest.raises(ValueError, match=r"b: end < start in row 0"):
            tiou_matrix([[0, 1]], [[2, 1]])
        with pytest.raises(ValueError, match="chunk_size must be a positive integer; got 0"):
            tiou_matrix([[0, 1]], [[0, 1]], chunk_size=0)
        ev = EventList.from_arrays([0], [1], period=24)
        with pytest.raises(ValueError, match=r"a and b have different periods \(24.0 and None"):
            tiou_matrix(ev, EventList.from_arrays([0], [1]))


def test_compiled_tiou_equals_numpy_bit_for_bit(monkeypatch):
    # tracks, zero-length events at one instant, a third of the pairs overlapping
    from shapeoverlap.temporal import _metrics

    if _metrics._jit.tiou_rows() is None:
        pytest.skip("numba is not installed")
    monkeypatch.setattr(_metrics, "_JIT_MIN_PAIRS", 0)
    rng = np.random.default_rng(31)
    n, m = 300, 260
    sa, sb = rng.uniform(0, 50, n), rng.uniform(0, 50, m)
    ea = sa + rng.uniform(0, 40, n) * (rng.uniform(size=n) > 0.05)  # some zero-length
    eb = sb + rng.uniform(0, 40, m) * (rng.uniform(size=m) > 0.05)
    ea[:3] = sb[:3] = eb[:3] = sa[:3]  # zero-length events at the same instant
    ta, tb = rng.integers(0, 3, n), rng.integers(0, 3, m)
    a = EventList.from_arrays(sa, ea, track=ta)
    b = EventList.from_arrays(sb, eb, track=tb)
    got = tiou_matrix(a, b)
    monkeypatch.setattr(_metrics._jit, "tiou_rows", lambda: None)
    want = tiou_matrix(a, b)
    np.testing.assert_array_equal(got, want)
    assert (got[:3, :3] == 0).all()
    assert 0.1 < (want > 0).mean() < 1 / 3  # a third of the pairs share a track
    brute = np.array([[brute_tiou((sa[i], ea[i]), (sb[j], eb[j])) if ta[i] == tb[j] else 0.0
                       for j in range(0, m, 7)] for i in range(0, n, 5)])
    np.testing.assert_allclose(got[::5, ::7], brute, rtol=1e-12, atol=0)


def test_every_path_gives_a_pair_the_same_tiou(monkeypatch):
    # events straddling 0, where start + length often differs from the end in the last bit
    from shapeoverlap.temporal import _metrics

    rng = np.random.default_rng(41)
    s = rng.uniform(-3, 0, 200)
    a = np.round(np.column_stack([s, s + rng.uniform(0.1, 4, 200)]), 2)
    s = rng.uniform(-3, 0, 150)
    b = np.round(np.column_stack([s, s + rng.uniform(0.1, 4, 150)]), 2)
    sparse = tiou_matrix(a, b, sparse=True).toarray()
    monkeypatch.setattr(_metrics._jit, "tiou_rows", lambda: None)
    dense = tiou_matrix(a, b)  # NumPy blocks: most pairs overlap
    far = np.vstack([a, a + 1e4 * np.arange(1, 41).repeat(5)[:, None]])  # few overlaps now
    pairs_path = tiou_matrix(far, b)[:200]
    np.testing.assert_array_equal(dense, sparse)
    np.testing.assert_array_equal(pairs_path, sparse)
    # a threshold equal to a pair's tIoU keeps that pair (tIoU >= t, no tolerance)
    i, j = np.unravel_index(np.argmax(dense), dense.shape)
    got = match(a[[i]], b[[j]], tiou=float(dense[i, j]))
    assert got[["ref", "pred"]].values.tolist() == [[0, 0]]


# ------------------------------------------------------------------ matching
class TestMatch:
    def test_hand(self):
        ref = EventList.from_arrays([0, 10], [4, 14])
        pred = EventList.from_arrays([1, 9, 20], [4, 13, 21])
        m = match(ref, pred)
        assert m.values.tolist() == [[0, 0, 0.75], [1, 1, 0.6]]

    def test_hungarian_beats_greedy_count(self):
        # pred 0 = [1, 5) (best score): tIoU 0.6 with ref 0 = [0, 4), 1/3 with ref 1 = [2, 10).
        # pred 1 = [0, 3.5): tIoU 0.875 with ref 0, 0.15 with ref 1. Greedy gives ref 0 to
        # pred 0 and leaves pred 1 alone; Hungarian matches both (pred 0 -> ref 1).
        ref = EventList.from_arrays([0, 2], [4, 10])
        pred = EventList.from_arrays([1, 0], [5, 3.5], score=[0.9, 0.8])
        assert len(match(ref, pred, tiou=0.3, method="greedy")) == 1
        assert len(match(ref, pred, tiou=0.3)) == 2

    @pytest.mark.parametrize("seed", range(25))
    def test_hungarian_vs_enumeration(self, seed):
        rng = np.random.default_rng(seed)
        ref = random_events(rng, 5, labels=("a",), tracks=("t",), hi=12, zero=False)
        pred = random_events(rng, 5, labels=("a",), tracks=("t",), hi=12, zero=False)
        fr, fp = ref.frame, pred.frame
        cands = []
        for i in range(5):
            for j in range(5):
                t = brute_tiou((fr.start[i], fr.end[i]), (fp.start[j], fp.end[j]))
                if t >= 0.3:
                    cands.append((i, j, t))
        best = brute_matching(cands, 5, 5)
        m = match(ref, pred, tiou=0.3)
        assert len(m) == best[0]
        assert m.tiou.sum() == pytest.approx(best[1], rel=1e-12)
        assert m.ref.is_unique
        assert m.pred.is_unique

    @pytest.mark.parametrize("seed", range(10))
    def test_greedy_vs_brute(self, seed):
        rng = np.random.default_rng(50 + seed)
        ref = random_events(rng, 12, zero=False)
        pred = random_events(rng, 15, score=True, zero=False)
        for by_label in (True, False):
            m = match(ref, pred, tiou=0.2, method="greedy", by_label=by_label)
            got = sorted(zip(m.ref, m.pred, strict=True))
            assert got == sorted(brute_greedy(ref, pred, 0.2, by_label))

    def test_empty_inputs(self):
        e = EventList.from_arrays([], [])
        x = EventList.from_arrays([0, 1], [1, 3], score=[1.0, 2.0])
        for a, b in ((e, x), (x, e), (e, e)):
            for method in ("hungarian", "greedy"):
                m = match(a, b, method=method)
                assert len(m) == 0
                assert m.dtypes.tolist() == [np.int64, np.int64, np.float64]

    def test_labels_must_agree(self):
        ref = EventList.from_arrays([0], [2], label="a")
        pred = EventList.from_arrays([0], [2], label="b")
        assert len(match(ref, pred)) == 0
        assert len(match(ref, pred, by_label=False)) == 1

    def test_threshold_no_tolerance(self):
        # tIoU exactly 0.5 matches at 0.5 (>=) and not at the next float above
        ref = EventList.from_arrays([0.0], [2.0])
        pred = EventList.from_arrays([0.0], [1.0])
        assert len(match(ref, pred, tiou=0.5)) == 1
        assert len(match(ref, pred, tiou=np.nextafter(0.5, 1))) == 0

    def test_errors(self):
        ev = EventList.from_arrays([0], [1])
        with pytest.raises(ValueError, match=r"method must be one of 'hungarian', 'greedy'; "
                                             r"got 'best'"):
            match(ev, ev, method="best")
        with pytest.raises(ValueError, match=r"tiou must be in \(0, 1\].*got 0"):
            match(ev, ev, tiou=0)
        with pytest.raises(TypeError, match="tiou must be a number"):
            match(ev, ev, tiou="0.5")
        with pytest.raises(ValueError, match="method='greedy' needs prediction scores but pred "
                                             r"has no score column; add a score column \(or "
                                             "use method='hungarian'\\)"):
            match(ev, ev, method="greedy")


# ------------------------------------------------------------------ evaluate
class TestEvaluate:
    def test_hand(self):
        ref = EventList.from_arrays([0, 10, 0], [4, 14, 2], label=["dog", "dog", "car"])
        pred = EventList.from_arrays([1, 30, 20], [4, 31, 22], label=["dog", "dog", "car"])
        t = evaluate(ref, pred)
        assert t.index.tolist() == ["car", "dog", "micro", "macro"]
        assert t.loc["dog", ["tp", "fp", "fn"]].tolist() == [1, 1, 1]
        assert t.loc["car", ["tp", "fp", "fn"]].tolist() == [0, 1, 1]
        assert t.loc["dog", "f1"] == 0.5
        assert t.loc["car", "f1"] == 0.0
        assert t.loc["micro", "precision"] == 1 / 3
        assert t.loc["micro", "f1"] == 2 * 1 / (2 * 1 + 2 + 2)
        assert t.loc["macro", "f1"] == 0.25
        assert t.tp.dtype == np.int64

    def test_empty_lists(self):
        ref = EventList.from_arrays([0, 5], [1, 6], label="a")
        none = EventList.from_arrays([], [])
        t = evaluate(ref, none)
        assert t.loc["a", ["tp", "fp", "fn"]].tolist() == [0, 0, 2]
        assert math.isnan(t.loc["a", "precision"])
        assert (t.loc["a", "recall"], t.loc["a", "f1"]) == (0.0, 0.0)
        t = evaluate(none, ref)
        assert math.isnan(t.loc["a", "recall"])
        assert (t.loc["a", "precision"], t.loc["a", "f1"]) == (0.0, 0.0)
        t = evaluate(none, none)
        assert t.index.tolist() == ["micro", "macro"]
        assert t[["precision", "recall", "f1"]].isna().all(axis=None)
        t = evaluate(ref, none, empty=0.0)
        assert t.loc["a", "precision"] == 0.0

    def test_label_filter(self):
        ref = EventList.from_arrays([0, 5], [1, 6], label=["a", "b"])
        t = evaluate(ref, ref, labels=["b"])
        assert t.index.tolist() == ["b", "micro", "macro"]
        with pytest.raises(ValueError, match=r"unknown label\(s\) \['c'\] in labels="):
            evaluate(ref, ref, labels=["c"])

    def test_collar_rule_hand(self):
        # onset within 0.2; offset within max(0.2, 0.5 * 4 = 2.0)
        ref = EventList.from_arrays([1.0], [5.0])
        ok = EventList.from_arrays([1.2], [6.9])
        late_onset = EventList.from_arrays([1.25], [5.0])
        late_offset = EventList.from_arrays([1.0], [7.01])
        assert evaluate(ref, ok, collar=0.2).loc["event", "tp"] == 1
        assert evaluate(ref, late_onset, collar=0.2).loc["event", "tp"] == 0
        assert evaluate(ref, late_offset, collar=0.2).loc["event", "tp"] == 0
        assert evaluate(ref, late_offset, collar=0.2, evaluate_offset=False).loc[
            "event", "tp"] == 1

    @pytest.mark.parametrize("seed", range(15))
    def test_collar_vs_brute(self, seed):
        rng = np.random.default_rng(200 + seed)
        ref = random_events(rng, 6, labels=("a",), tracks=("t",), hi=10, zero=False)
        pred = random_events(rng, 6, labels=("a",), tracks=("t",), hi=10, zero=False)
        fr, fp = ref.frame, pred.frame
        cands = []
        for i in range(6):
            for j in range(6):
                on = abs(fr.start[i] - fp.start[j]) <= 1.0
                off = abs(fr.end[i] - fp.end[j]) <= max(1.0, 0.5 * (fr.end[i] - fr.start[i]))
                if on and off:
                    cands.append((i, j, 0.0))
        best = brute_matching(cands, 6, 6)[0]
        assert evaluate(ref, pred, collar=1.0).loc["a", "tp"] == best

    # (ref, pred, collar, evaluate_offset, tp) on a 24 h clock; dyadic times keep every
    # difference exact, so boundary cases (== collar) are decided the same way everywhere
    MIDNIGHT = (
        ((23.5, 0.5), (23.75, 0.375), 0.25, True, 1),    # onset 0.25, offset 0.125
        ((23.5, 0.5), (23.25, 0.5), 0.25, True, 1),      # onset 0.25 the other way
        ((23.5, 0.5), (23.125, 0.5), 0.25, True, 0),     # onset 0.375 > collar
        ((23.5, 0.5), (0.125, 1.0), 0.25, True, 0),      # onset 0.625 across the seam
        ((0.125, 1.0), (23.875, 1.0), 0.25, True, 1),    # onset 0.25 across the seam
        ((23.5, 0.5), (23.625, 1.0), 0.25, True, 1),     # offset 0.5 = 0.5 * length 1
        ((23.5, 0.5), (23.625, 1.125), 0.25, True, 0),   # offset 0.625 > 0.5
        ((23.5, 0.5), (23.625, 1.125), 0.25, False, 1),  # offsets not checked
        ((22.0, 2.0), (22.0, 3.5), 0.25, True, 1),       # tolerance 0.5 * 4 h arc = 2
        ((22.0, 2.0), (22.0, 4.5), 0.25, True, 0),       # offset 2.5 > 2
        ((23.5, 0.5), (11.5, 12.5), 12.0, True, 1),      # half a day: every onset within
    )

    @pytest.mark.parametrize(("ref", "pred", "collar", "offset", "tp"), MIDNIGHT)
    def test_collar_across_midnight(self, ref, pred, collar, offset, tp):
        kw = {"collar": collar, "evaluate_offset": offset}
        r = EventList.from_arrays([ref[0]], [ref[1]], period=24)
        p = EventList.from_arrays([pred[0]], [pred[1]], period=24)
        assert evaluate(r, p, **kw).loc["event", "tp"] == tp
        # the same events moved away from the seam, on a plain time line
        def line(ev):
            s = (ev[0] + 12.0) % 24.0
            return s, s + (ev[1] - ev[0]) % 24.0
        (rs, re), (ps, pe) = line(ref), line(pred)
        linear = evaluate(EventList.from_arrays([rs], [re]), EventList.from_arrays([ps], [pe]),
                          **kw)
        assert linear.loc["event", "tp"] == tp

    @pytest.mark.parametrize("seed", range(10))
    def test_collar_periodic_vs_brute(self, seed):
        rng = np.random.default_rng(700 + seed)
        n = 6
        def draw():
            s = rng.integers(0, 96, n) / 4
            return s, (s + rng.integers(1, 24, n) / 4) % 24
        (rs, re), (ps, pe) = draw(), draw()
        ref = EventList.from_arrays(rs, re, period=24)
        pred = EventList.from_arrays(ps, pe, period=24)

        def circ(a, b):
            d = abs(a - b) % 24
            return min(d, 24 - d)

        cands = [(i, j, 0.0) for i in range(n) for j in range(n)
                 if circ(rs[i], ps[j]) <= 1.0
                 and circ(re[i], pe[j]) <= max(1.0, 0.5 * ((re[i] - rs[i]) % 24))]
        assert evaluate(ref, pred, collar=1.0).loc["event", "tp"] == brute_matching(cands, n, n)[0]

    @pytest.mark.parametrize("seed", range(8))
    def test_tiou_mode_vs_brute(self, seed):
        rng = np.random.default_rng(300 + seed)
        ref = random_events(rng, 5, labels=("a",), tracks=("t",), hi=12, zero=False)
        pred = random_events(rng, 5, labels=("a",), tracks=("t",), hi=12, zero=False)
        fr, fp = ref.frame, pred.frame
        cands = [(i, j, t) for i in range(5) for j in range(5)
                 if (t := brute_tiou((fr.start[i], fr.end[i]), (fp.start[j], fp.end[j]))) >= 0.5]
        best = brute_matching(cands, 5, 5)[0]
        row = evaluate(ref, pred).loc["a"]
        assert row.tp == best
        assert row.fp == 5 - best
        assert row.fn == 5 - best

    def test_errors(self):
        ev = EventList.from_arrays([0], [1])
        with pytest.raises(ValueError, match=r"collar must be a finite number >= 0; got -1"):
            evaluate(ev, ev, collar=-1)
        with pytest.raises(TypeError, match="collar must be a number; got str"):
            evaluate(ev, ev, collar="1")
        with pytest.raises(ValueError, match="ref and pred have different periods"):
            evaluate(ev, EventList.from_arrays([0], [1], period=24))
        with pytest.raises(TypeError, match="evaluate_offset must be True or False; got 'no'"):
            evaluate(ev, ev, collar=0.2, evaluate_offset="no")
        micro = EventList.from_arrays([0], [1], label="micro")
        with pytest.raises(ValueError, match=r"evaluate adds summary rows named 'micro', "
                                             r"'macro', and the events carry the label\(s\) "
                                             r"\['micro'\]"):
            evaluate(micro, micro)

    def test_no_labels_at_all_take_the_empty_value(self):
        table = evaluate([], [], empty=0.0)
        assert table[["precision", "recall", "f1"]].values.tolist() == [[0.0] * 3] * 2
        assert np.isnan(evaluate([], [])["f1"]).all()


# ------------------------------------------------------------------ average precision
class TestAveragePrecision:
    def test_hand_worked(self):
        # scores .9 (tIoU 1 with ref 0), .8 (no overlap), .7 (tIoU 0.75 with ref 1)
        # t=0.5: hits 1,0,1 -> P 1, 1/2, 2/3; R 1/2, 1/2, 1 -> AP = .5*1 + .5*2/3
        # t=0.8: hits 1,0,0 -> AP = .5*1
        ref = EventList.from_arrays([0, 10], [4, 14], label="jump")
        pred = EventList.from_arrays([0, 20, 10], [4, 24, 13], label="jump", score=[.9, .8, .7])
        t = average_precision(ref, pred, thresholds=[0.5, 0.8])
        assert t.index.tolist() == ["jump", "mAP"]
        assert t.columns.tolist() == [0.5, 0.8, "mean"]
        assert t.loc["jump", 0.5] == pytest.approx(0.5 + 0.5 * 2 / 3, rel=1e-15)
        assert t.loc["jump", 0.8] == 0.5
        assert t.loc["mAP", "mean"] == pytest.approx((0.5 + 0.5 * 2 / 3 + 0.5) / 2, rel=1e-15)

    def test_tie_break_earlier_row_first(self):
        # two predictions with equal scores: the earlier row is ranked first
        ref = EventList.from_arrays([0], [4], label="x")
        miss_first = EventList.from_arrays([20, 0], [24, 4], label="x", score=[0.5, 0.5])
        hit_first = EventList.from_arrays([0, 20], [4, 24], label="x", score=[0.5, 0.5])
        # ranked miss, hit: P = 0, 1/2 at R = 0, 1 -> AP 0.5; ranked hit, miss: AP 1
        assert average_precision(ref, miss_first, thresholds=[0.5]).loc["x", 0.5] == 0.5
        assert average_precision(ref, hit_first, thresholds=[0.5]).loc["x", 0.5] == 1.0

    def test_duplicate_detection_is_false_positive(self):
        ref = EventList.from_arrays([0], [4])
        pred = EventList.from_arrays([0, 0], [4, 4], score=[0.9, 0.8])
        assert average_precision(ref, pred, thresholds=[0.5]).loc["event", 0.5] == 1.0
        pred = EventList.from_arrays([0, 0], [4, 4], score=[0.8, 0.9])
        assert average_precision(ref, pred, thresholds=[0.5]).loc["event", 0.5] == 1.0

    @pytest.mark.parametrize("seed", range(10))
    def test_vs_brute(self, seed):
        rng = np.random.default_rng(400 + seed)
        ref = random_events(rng, 15, zero=False)
        pred = random_events(rng, 25, score=True, zero=False, labels=("a", "b", "c"))
        ths = (0.3, 0.5, 0.7)
        t = average_precision(ref, pred, thresholds=ths)
        fr, fp = ref.frame, pred.frame
        for lab in ["a", "b", "c"]:
            for th in ths:
                pairs = dict((p, r) for r, p in brute_greedy(ref, pred, th))
                order = sorted((k for k in range(len(fp)) if fp.label[k] == lab),
                               key=lambda k: (-fp.score[k], k))
                hits = [1 if k in pairs else 0 for k in order]
                expect = brute_ap(hits, int((fr.label == lab).sum()))
                got = t.loc[lab, th]
                if math.isnan(expect):
                    assert math.isnan(got)
                else:
                    assert got == pytest.approx(expect, rel=1e-12, abs=1e-15)
        maps = t.loc[["a", "b", "c"], list(ths)].mean(axis=0, skipna=True)
        np.testing.assert_allclose(t.loc["mAP", list(ths)].astype(float), maps, rtol=1e-12)

    def test_default_thresholds_and_empty(self):
        ref = EventList.from_arrays([0], [4], label="a")
        pred = EventList.from_arrays([0], [4], label="a", score=[1.0])
        t = average_precision(ref, pred)
        assert t.columns.tolist()[:-1] == [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]
        assert (t.loc["a"] == 1.0).all()
        # no predictions: AP 0; a label without references: NaN and left out of the mAP
        none = EventList.from_arrays([], [])
        assert average_precision(ref, none).loc["a", "mean"] == 0.0
        extra = EventList.from_arrays([0, 9], [4, 10], label=["a", "b"], score=[1.0, 0.5])
        t = average_precision(ref, extra, thresholds=[0.5])
        assert math.isnan(t.loc["b", 0.5])
        assert t.loc["mAP", 0.5] == 1.0
        t = average_precision(none, none, thresholds=[0.5])
        assert t.index.tolist() == ["mAP"]
        assert math.isnan(t.loc["mAP", "mean"])

    def test_errors(self):
        ref = EventList.from_arrays([0], [4])
        with pytest.raises(ValueError, match="average_precision needs prediction scores but "
                                             "pred has no score column; add a score column$"):
            average_precision(ref, ref)
        scored = EventList.from_arrays([0], [4], score=[1.0])
        for ths in ([0.5, 0.5], [0.5, 0.5000000001]):
            with pytest.raises(ValueError, match=r"thresholds repeat \(compared to 6 decimals\)"):
                average_precision(ref, scored, thresholds=ths)
        assert average_precision(ref, scored, thresholds=np.array(0.5)).columns.tolist() == [
            0.5, "mean"]
        named = EventList.from_arrays([0], [4], label="mAP", score=[1.0])
        with pytest.raises(ValueError, match="average_precision adds summary rows named 'mAP'"):
            average_precision(named, named)
        nan_score = EventList.from_arrays([0, 1], [4, 2], score=[0.5, np.nan])
        with pytest.raises(ValueError, match=r"pred row 1 \(track 'default', label 'event'\) "
                                             r"has no score \(NaN\), start=1.0, end=2.0"):
            average_precision(ref, nan_score)
        scored = EventList.from_arrays([0], [4], score=[1.0])
        with pytest.raises(ValueError, match=r"thresholds must be in \(0, 1\].*got 1.5"):
            average_precision(ref, scored, thresholds=[0.5, 1.5])
        with pytest.raises(ValueError, match="thresholds is empty"):
            average_precision(ref, scored, thresholds=[])
        with pytest.raises(TypeError, match="thresholds must be numbers"):
            average_precision(ref, scored, thresholds="0.5")


# ------------------------------------------------------------------ coding
class TestCoding:
    def test_hand(self):
        d = encode([[2.0, 10.0]], [[0.0, 4.0]])
        np.testing.assert_array_equal(d, [[1.0, math.log(2.0)]])
        np.testing.assert_array_equal(decode([[1.0, 0.0]], [[0.0, 4.0]]), [[4.0, 8.0]])

    def test_round_trip(self):
        rng = np.random.default_rng(1)
        s = np.round(rng.uniform(-1e3, 1e3, 500), 2)
        x = np.column_stack([s, s + np.round(rng.uniform(0.01, 50, 500), 2)])
        anchors = x + rng.normal(0, 0.2, (500, 2)) * (x[:, 1:] - x[:, :1])
        for w in ((1.0, 1.0), (10.0, 5.0)):
            back = decode(encode(x, anchors, weights=w), anchors, weights=w)
            # typed times against nearby anchors: nearly all come back bit for bit, the
            # rest within a few ulps of the coordinates involved
            assert np.mean((back == x).all(axis=1)) >= 0.98
            scale = np.abs(x).max() + np.abs(anchors).max()
            np.testing.assert_allclose(back, x, rtol=0, atol=8 * np.spacing(scale))
        # the parity clash of [c - h, c + h] does not stop an exact round trip
        assert decode(encode([12.3, 15.6], [11.0, 16.0]), [11.0, 16.0]).tolist() == [12.3, 15.6]
        # broadcasting one anchor against many intervals
        assert encode(x, [0.0, 1.0]).shape == (500, 2)

    def test_errors(self):
        with pytest.raises(ValueError, match=r"deltas row 1 = \[0.0, 1000.0\] decodes to a "
                                             r"length beyond float64"):
            decode([[0.0, 0.0], [0.0, 1000.0]], [[0.0, 1.0]])
        with pytest.raises(ValueError, match=r"intervals must have end > start to be encoded"):
            encode([[1.0, 1.0]], [[0.0, 1.0]])
        with pytest.raises(ValueError, match=r"anchors must have end > start"):
            decode([[0.0, 0.0]], [[1.0, 1.0]])
        with pytest.raises(ValueError, match=r"deltas must have shape \(..., 2\); got \(3,\)"):
            decode([1.0, 2.0, 3.0], [[0.0, 1.0]])
        with pytest.raises(ValueError, match="intervals must be finite"):
            encode([[np.nan, 1.0]], [[0.0, 1.0]])
        with pytest.raises(ValueError, match=r"weights must be two positive numbers"):
            encode([[0.0, 1.0]], [[0.0, 1.0]], weights=(1.0, 0.0))
        with pytest.raises(TypeError, match="intervals must be an"):
            encode([["a", "b"]], [[0.0, 1.0]])


def test_periodic_time_of_day():
    # sleep diary vs actigraphy across midnight: tIoU 7/9 (as IntervalSet)
    ref = EventList.from_arrays([22.0], [6.0], label="sleep", period=24)
    pred = EventList.from_arrays([23.0], [7.0], label="sleep", period=24, score=[1.0])
    assert tiou_matrix(ref, pred)[0, 0] == pytest.approx(7 / 9, rel=1e-15)
    assert match(ref, pred, tiou=0.75).values.tolist() == [[0, 0, pytest.approx(7 / 9)]]
    assert set_iou(ref, pred).loc["sleep", "jaccard"] == 7 / 9
    assert average_precision(ref, pred, thresholds=[0.7, 0.8]).loc["sleep"].tolist() == [
        1.0, 0.0, 0.5]
