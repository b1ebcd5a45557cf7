"""``shapeoverlap events`` command, the timeline figure and the demo section."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import shapeoverlap as so
from shapeoverlap.cli import main
from shapeoverlap.cli.events import events_section
from shapeoverlap.temporal import EventList, read_events

DATA = Path(so.__file__).parent / "data" / "events"
REF = str(DATA / "sed_reference.csv")
PRED = str(DATA / "sed_prediction.csv")


@pytest.fixture
def pair(tmp_path):
    ref = tmp_path / "ref.csv"
    pred = tmp_path / "pred.csv"
    ref.write_text("label,start,end\ndog,0,4\ndog,10,14\n")
    pred.write_text("label,start,end,score\ndog,1,4,0.9\ndog,30,31,0.8\n")
    return str(ref), str(pred)


def test_tables_and_files(tmp_path, pair, capsys):
    csv, js, png = tmp_path / "out.csv", tmp_path / "out.json", tmp_path / "t.png"
    rc = main(["events", *pair, "--map", "--csv", str(csv), "--json", str(js),
               "--plot", str(png)])
    assert rc == 0
    out = capsys.readouterr().out
    assert "Set IoU" in out
    assert "Event detection at tIoU >= 0.5" in out
    assert "Average precision" in out
    table = pd.read_csv(csv)
    assert set(table["table"]) == {"set_iou", "evaluate", "average_precision"}
    # set IoU ignoring labels: [0,4)+[10,14) vs [1,4)+[30,31): inter 3, union 4+4+1
    row = table[table["table"] == "set_iou"].iloc[0]
    assert (row["intersection"], row["union"]) == (3.0, 9.0)
    ev = table[(table["table"] == "evaluate") & (table["row"] == "dog")].iloc[0]
    assert (ev["tp"], ev["fp"], ev["fn"]) == (1, 1, 1)
    ap = table[(table["table"] == "average_precision") & (table["row"] == "dog")].iloc[0]
    assert ap["ap@0.5"] == 0.5  # hit ranked first, then a miss; one of two refs found
    records = json.loads(js.read_text())
    assert len(records) == len(table)
    assert png.stat().st_size > 1000
    # counts are written as integers beside the other tables' floats
    text = csv.read_text().splitlines()
    assert text[1].split(",")[2:6] == ["3.0", "9.0", str(3 / 9), "1"]
    assert records[0]["n_intersections"] == 1
    assert records[0]["jaccard"] == pytest.approx(1 / 3, rel=1e-15)
    assert next(r["tp"] for r in records if r["table"] == "evaluate") == 1


def test_subset_and_track(tmp_path, capsys):
    gt = tmp_path / "gt.json"
    gt.write_text(json.dumps({"database": {
        "t1": {"subset": "training", "annotations": [{"segment": [0, 5], "label": "jump"}]},
        "v1": {"subset": "validation", "annotations": [{"segment": [2, 6], "label": "jump"}]},
    }}))
    pred = tmp_path / "pred.json"
    pred.write_text(json.dumps({"results": {
        "v1": [{"segment": [2, 6], "label": "jump", "score": 0.9}]}}))
    csv = tmp_path / "out.csv"
    png = tmp_path / "t.png"
    assert main(["events", str(gt), str(pred), "--map", "--subset", "validation",
                 "--csv", str(csv), "--plot", str(png), "--track", "v1"]) == 0
    table = pd.read_csv(csv).set_index(["table", "row"])
    assert table.loc[("average_precision", "jump"), "ap_mean"] == 1.0
    assert table.loc[("set_iou", "all"), "jaccard"] == 1.0
    capsys.readouterr()
    # without a subset every video counts, with a warning
    with pytest.warns(UserWarning, match="holds the subsets training, validation"):
        assert main(["events", str(gt), str(pred), "--plot", str(png)]) == 0
    assert "--plot drew track 't1', the first of 2; choose another with --track" in \
        capsys.readouterr().err


def test_warnings_are_one_line(tmp_path):
    # run in a child process: pytest itself records warnings instead of printing them
    import subprocess
    import sys

    gt = tmp_path / "gt.json"
    gt.write_text(json.dumps({"database": {
        "t1": {"subset": "training", "annotations": [{"segment": [0, 5], "label": "jump"}]},
        "v1": {"subset": "validation", "annotations": [{"segment": [2, 6], "label": "jump"}]},
    }}))
    code = "import sys; from shapeoverlap.cli import main; sys.exit(main(sys.argv[1:]))"
    run = subprocess.run([sys.executable, "-c", code, "events", str(gt), str(gt)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0
    assert run.stderr == (f"shapeoverlap events: warning: {str(gt)!r} holds the subsets "
                          "training, validation, all read; pass subset= ('validation' is what "
                          "ActivityNet's evaluation scores)\n") * 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--track", "x"], "--track chooses the track that --plot draws; add --plot FILE"),
        (["--track", "x", "--plot", "t.png"], "--track 'x' is not in REF or PRED; tracks: "
                                               "['default']"),
        (["--subset", "validation"], "subset= selects videos of ActivityNet JSON"),
        (["--period", "24"], "times must lie in [0, period] = [0, 24.0]; got start 30.0"),
        (["--csv", "no/such/dir/x.csv"], "--csv 'no/such/dir/x.csv': the folder 'no/such/dir' "
                                         "does not exist"),
        (["--plot", "."], "--plot '.'"),
    ],
)
def test_bad_track_subset_period(pair, capsys, args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["events", *pair, *args]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""  # refused before any table is printed


def test_by_label_collar_and_greedy(pair, capsys):
    assert main(["events", *pair, "--by-label", "--collar", "1.0", "--method", "greedy"]) == 0
    out = capsys.readouterr().out
    assert "collar 1 s (greedy)" in out


def test_shipped_pair(capsys):
    assert main(["events", REF, PRED]) == 0
    assert "micro" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tiou", "0"], "--tiou must be in (0, 1]; got 0"),
        (["--collar", "-1"], "--collar must be >= 0 seconds; got -1"),
        (["--plot", "x.gif"], "unsupported figure type '.gif'"),
    ],
)
def test_bad_options_exit_2(pair, capsys, args, message):
    assert main(["events", *pair, *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert message in err


def test_bad_file_exit_2(tmp_path, pair, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("label,start,end\ndog,0,4\ndog,x,5\n")
    assert main(["events", str(bad), pair[1]]) == 2
    err = capsys.readouterr().err
    assert "bad.csv: line 3: start 'x' is not a number" in err
    assert main(["events", str(tmp_path / "missing.csv"), pair[1]]) == 2
    assert "event file not found" in capsys.readouterr().err
    assert main(["events", pair[0], pair[0], "--map"]) == 2  # no scores in a reference list
    assert "needs prediction scores" in capsys.readouterr().err


def test_timeline_figure():
    import matplotlib.pyplot as plt

    ref = EventList.from_arrays([0, 5, 0], [3, 9, 2], label=["dog", "car", "dog"],
                                track=["a", "a", "b"])
    pred = EventList.from_arrays([1, 6], [4, 8], label=["dog", "car"], track="a")
    ax = so.plot.timeline(ref, pred)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["dog", "car"]
    assert ax.get_title(loc="left") == "track a"
    # bars: per label a reference, a prediction and an intersection collection
    bars = [c for c in ax.collections]
    assert len(bars) == 6
    # labels run car, dog (reference, prediction, intersection each); dog's [1, 3) once
    inter = bars[5].get_paths()
    assert len(inter) == 1
    np.testing.assert_allclose(inter[0].get_extents().x0, 1.0)
    np.testing.assert_allclose(inter[0].get_extents().x1, 3.0)
    plt.close(ax.figure)
    fig, ax2 = plt.subplots()
    assert so.plot.timeline(ref, pred, ax=ax2, track="b", labels=["dog"]) is ax2
    plt.close(fig)
    with pytest.raises(ValueError, match=r"track 'zz' is not in ref or pred"):
        so.plot.timeline(ref, pred, track="zz")
    with pytest.raises(ValueError, match=r"unknown label\(s\) \['cat'\]"):
        so.plot.timeline(ref, pred, labels=["cat"])


def test_timeline_periodic_has_no_seam():
    import matplotlib.pyplot as plt

    ref = EventList.from_arrays([22.0], [6.0], period=24)
    pred = EventList.from_arrays([23.0], [7.0], period=24)
    ax = so.plot.timeline(ref, pred)
    lo, hi = ax.get_xlim()
    assert hi - lo == 24
    # the wrapping events are drawn as one bar each
    assert all(len(c.get_paths()) == 1 for c in ax.collections)
    # ticks past the seam are labelled with clock times
    ax.figure.canvas.draw()
    shown = [(t, lab.get_text()) for t, lab in zip(ax.get_xticks(), ax.get_xticklabels(),
                                                  strict=True) if lo <= t <= hi]
    assert lo == 22
    assert [lab for _, lab in shown] == ["0", "3", "6", "9", "12", "15", "18", "21"]
    assert [t for t, _ in shown] == [24, 27, 30, 33, 36, 39, 42, 45]
    plt.close(ax.figure)


def test_demo_section(tmp_path):
    tables = events_section(tmp_path)
    assert len(tables) == 3
    f1 = tables[1][1].set_index("label")
    ref, pred = read_events(REF), read_events(PRED)
    assert f1.loc["micro", "tp"] + f1.loc["micro", "fn"] == len(ref)
    assert f1.loc["micro", "tp"] + f1.loc["micro", "fp"] == len(pred)
    assert tables[2][1]["label"].iloc[-1] == "mAP"
    assert (tmp_path / "events_timeline.png").stat().st_size > 1000
