"""Event-list readers and writers: round trips and malformed lines with their line numbers."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from shapeoverlap import FileFormatError
from shapeoverlap.temporal import EventList, read_events, write_events


@pytest.fixture
def events():
    return EventList.from_arrays(
        [0.0, 12.5, 3.25, 100.0], [1.5, 20.0, 3.25, 250.0],
        label=["speech", "music", "speech", "dog"], track=["f1", "f1", "f2", "f2"],
        score=[0.9, 0.25, 1.0, 0.5],
    )


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "rttm", "bed"])
def test_round_trip(tmp_path, events, fmt):
    path = tmp_path / f"ev.{fmt}"
    if fmt == "bed":
        ev = EventList.from_arrays([0, 12, 3, 100], [1, 20, 3, 250],
                                   label=events.frame.label, track=events.frame.track,
                                   score=[900, 250, 1000, 500])
    else:
        ev = events
    write_events(ev, path)
    back = read_events(path)
    if fmt == "rttm":  # RTTM stores durations: ends come back up to rounding
        f, g = back.frame, ev.frame
        assert f[["track", "label"]].equals(g[["track", "label"]])
        np.testing.assert_allclose(f[["start", "end", "score"]], g[["start", "end", "score"]],
                                   rtol=1e-15)
    else:
        assert back == ev


def test_round_trip_without_scores_and_gzip(tmp_path):
    ev = EventList.from_arrays([0.1, 0.2], [0.3, 0.7], label="x", track="v")
    for name in ("a.csv.gz", "a.json", "a.rttm"):
        write_events(ev, tmp_path / name)
        back = read_events(tmp_path / name)
        assert not back.has_score
        np.testing.assert_allclose(back.ends, ev.ends, rtol=1e-15)
    with gzip.open(tmp_path / "a.csv.gz", "rt") as fh:
        assert fh.readline().strip() == "track,label,start,end"
    doc = json.loads((tmp_path / "a.json").read_text())
    assert doc == {"database": {"v": {"annotations": [
        {"segment": [0.1, 0.3], "label": "x"}, {"segment": [0.2, 0.7], "label": "x"}]}}}


def test_csv_aliases_blank_lines_and_format_argument(tmp_path):
    p = tmp_path / "dcase.txt"
    p.write_text("filename,onset,offset,event_label\n\na.wav,0.5,1.0,dog\nb.wav,2,3,cat\n")
    ev = read_events(p, format="csv")
    f = ev.frame
    assert f.track.tolist() == ["a.wav", "b.wav"]
    assert f.label.tolist() == ["dog", "cat"]
    assert f.start.tolist() == [0.5, 2.0]


def test_rttm_fields(tmp_path):
    p = tmp_path / "x.rttm"
    p.write_text(";; comment\nSPKR-INFO meeting 1 <NA> <NA> <NA> unknown spk1 <NA>\n"
                 "SPEAKER meeting 1 1.50 2.25 <NA> <NA> spk1 <NA> <NA>\n")
    f = read_events(p).frame
    assert f.values.tolist() == [["meeting", "spk1", 1.5, 3.75]]


def test_bed_fields(tmp_path):
    p = tmp_path / "x.bed"
    p.write_text("browser position chr1\ntrack name=x\n# comment\nchr1\t10\t20\n"
                 "chr2\t0\t5\tgeneA\t.\t+\n")
    f = read_events(p).frame
    assert f.values.tolist() == [["chr1", "event", 10.0, 20.0], ["chr2", "geneA", 0.0, 5.0]]
    assert "score" not in f.columns


def test_activitynet_prediction_layout(tmp_path):
    p = tmp_path / "pred.json"
    p.write_text(json.dumps({"version": "1.3", "results": {"v1": [
        {"segment": [1, 2], "label": "run", "score": 0.3}]}, "external_data": {}}))
    f = read_events(p).frame
    assert f.values.tolist() == [["v1", "run", 1.0, 2.0, 0.3]]


def test_activitynet_subsets(tmp_path):
    from shapeoverlap.temporal import average_precision

    gt = tmp_path / "gt.json"
    gt.write_text(json.dumps({"database": {
        "train1": {"subset": "training", "annotations": [{"segment": [0, 5], "label": "jump"}]},
        "val1": {"subset": "validation",
                 "annotations": [{"segment": [2, 6], "label": "jump"}]},
    }}))
    pred = tmp_path / "pred.json"
    pred.write_text(json.dumps({"results": {
        "val1": [{"segment": [2, 6], "label": "jump", "score": 0.9}]}}))
    val = read_events(gt, subset="validation")
    assert val.frame.values.tolist() == [["val1", "jump", 2.0, 6.0]]
    # ActivityNet scores the validation subset: a perfect prediction has AP 1
    ap = average_precision(val, read_events(pred))
    assert ap.loc["jump"].tolist()[:-1] == [1.0] * 10
    with pytest.warns(UserWarning, match=r"holds the subsets training, validation, all read"):
        everything = read_events(gt)
    assert len(everything) == 2
    assert average_precision(everything, read_events(pred)).loc["jump", 0.5] == 0.5
    with pytest.raises(ValueError, match=r"subset='test' is not in .*: training, validation"):
        read_events(gt, subset="test")
    csv = tmp_path / "x.csv"
    csv.write_text("start,end\n0,1\n")
    with pytest.raises(ValueError, match=r"subset= selects videos of ActivityNet JSON"):
        read_events(csv, subset="validation")
    both = tmp_path / "both.json"
    both.write_text(json.dumps({"database": {"v": {"annotations": []}}, "results": {}}))
    with pytest.warns(UserWarning, match="holds both 'database' and 'results'"):
        assert len(read_events(both)) == 0


def test_periodic_read(tmp_path):
    p = tmp_path / "sleep.csv"
    p.write_text("label,start,end\nsleep,22.5,6.5\n")
    assert read_events(p, period=24).durations().tolist() == [8.0]
    with pytest.raises(FileFormatError, match=r"sleep.csv: line 2: end 6.5 < start 22.5"):
        read_events(p)
    seconds = tmp_path / "seconds.csv"
    seconds.write_text("label,start,end\na,1.5,3\n\nb,30.2,38.0\n")
    with pytest.raises(FileFormatError, match=r"seconds.csv: line 4: times must lie in "
                                              r"\[0, period\] = \[0, 24.0\]; got start 30.2"):
        read_events(seconds, period=24)


def test_header_names_and_empty_cells(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("Start,onset,end\n0,1,2\n")
    with pytest.raises(FileFormatError, match=r"x.csv: line 1: the header names the start "
                                              r"column twice \(start, onset\); keep one"):
        read_events(p)
    p.write_text("recording,class,begin,stop,confidence\nr1,,0,1,0.5\n,dog,1,2,\n")
    f = read_events(p).frame
    assert f.track.tolist() == ["r1", "default"]
    assert f.label.tolist() == ["event", "dog"]
    assert f.start.tolist() == [0.0, 1.0]
    assert f.end.tolist() == [1.0, 2.0]
    assert f.score.tolist()[0] == 0.5
    assert np.isnan(f.score.tolist()[1])


# --------------------------------------------------------------------- malformed input
@pytest.mark.parametrize(
    ("name", "text", "pattern"),
    [
        ("a.csv", "label,start,end\nx,0,1\nx,zero,1\n", r"a.csv: line 3: start 'zero' is not a"),
        ("a.csv", "label,start,end\n\nx,0,1\nx,0\n", r"a.csv: line 4: expected 3 fields"),
        ("a.csv", "label,begin_time\nx,0\n", r"a.csv: line 1: the header has no start or end"),
        ("a.csv", "start,end\n0,nan\n", r"a.csv: line 2: end 'nan' is not a finite number"),
        ("a.csv", "start,end,score\n0,1,high\n", r"a.csv: line 2: score 'high' is not a num"),
        ("a.tsv", "start\tend\n0\t1\n5\t2\n", r"a.tsv: line 3: end 2.0 < start 5.0"),
        ("a.rttm", ";; c\nSPEAKER f 1 0.0 1.0 <NA> <NA> s <NA> <NA>\nSPEAKER f 1 x 1 <NA> <NA> s"
                   " <NA> <NA>\n", r"a.rttm: line 3: onset \(tbeg\) 'x' is not a number"),
        ("a.rttm", "SPEAKER f 1 0.0\n", r"a.rttm: line 1: an RTTM SPEAKER line has 9-10 fields"),
        ("a.rttm", "SPEAKER f 1 0 -1 <NA> <NA> s <NA> <NA>\n", r"line 1: negative duration"),
        ("a.bed", "#h\nchr1\t0\t10\nchr1\t5.5\t10\n", r"a.bed: line 3: BED start/end must be "
                                                     r"integers; got '5.5', '10'"),
        ("a.bed", "chr1\t0\n", r"a.bed: line 1: a BED line needs chrom, start, end"),
        ("a.bed", "chr1\t10\t5\n", r"a.bed: line 1: end 5 < start 10"),
        ("a.bed", "chr1\t-1\t5\n", r"a.bed: line 1: negative BED start -1"),
        ("a.json", '{"database": {\n "v": {"annotations": [\n  {"segment": [0, 1], "label": "a"'
                   '},\n  {"segment": [0], "label": "a"}]}}}\n',
         r"a.json: line 4: video 'v', item 1: 'segment' must be \[start, end\]"),
        ("a.json", '{"results": {\n "v": [\n  {"segment": [0, 1], "label": "a"}]}}',
         r"a.json: line 3: video 'v', item 0: a prediction needs a 'score'"),
        ("a.json", '{"database": {\n "v": {"annotations": [\n {"segment": [0, 1]}]}}}',
         r"a.json: line 3: video 'v', item 0: missing 'label'"),
        ("a.json", '{"database": {\n "v": [1, 2]}}', r"a.json: line 2: video 'v': expected an "
                                                    r"object with an 'annotations' list"),
        ("a.json", '{"database": {\n "v": }}', r"a.json: line 2: invalid JSON"),
        ("a.json", '{"videos": {}}', r"a.json: line 1: expected ActivityNet JSON"),
    ],
)
def test_malformed_lines(tmp_path, name, text, pattern):
    p = tmp_path / name
    p.write_text(text)
    with pytest.raises(FileFormatError, match=pattern):
        read_events(p)


def test_file_format_error_is_a_value_error(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("")
    with pytest.raises(ValueError, match=r"a.csv: the file is empty \(a header line"):
        read_events(p)


def test_format_errors(tmp_path, events):
    with pytest.raises(ValueError, match=r"cannot tell the format of '.*a.xyz' from its ext"):
        read_events(tmp_path / "a.xyz")
    with pytest.raises(ValueError, match=r"format must be one of csv, tsv, rttm, bed, json; "
                                         r"got 'xls'"):
        read_events(tmp_path / "a.csv", format="xls")
    with pytest.raises(FileNotFoundError, match="event file not found"):
        read_events(tmp_path / "missing.csv")
    with pytest.raises(ValueError, match="BED needs integer, non-negative coordinates"):
        write_events(events, tmp_path / "a.bed")
    spaced = EventList.from_arrays([0], [1], label="two words")
    with pytest.raises(ValueError, match="RTTM fields cannot be empty or hold whitespace; "
                                         "label 'two words'"):
        write_events(spaced, tmp_path / "a.rttm")
    with pytest.raises(TypeError, match="events must be an EventList; got list"):
        write_events([], tmp_path / "a.csv")


def test_subset_on_predictions_and_non_string_subsets(tmp_path):
    pred = tmp_path / "pred.json"
    pred.write_text(json.dumps({"results": {"v": [{"segment": [0, 1], "label": "a",
                                                   "score": 0.5}]}}))
    with pytest.raises(ValueError, match=r"subset= selects ground-truth videos, but .* holds "
                                         r"predictions"):
        read_events(pred, subset="validation")
    gt = tmp_path / "gt.json"
    gt.write_text(json.dumps({"database": {
        "v1": {"subset": 1, "annotations": [{"segment": [0, 1], "label": "a"}]},
        "v2": {"subset": 2, "annotations": [{"segment": [2, 3], "label": "a"}]}}}))
    assert read_events(gt, subset="1").frame.track.tolist() == ["v1"]


def test_periodic_rttm_round_trip_and_bed_refusal(tmp_path):
    ev = EventList.from_arrays([22.0, 1.0], [2.0, 24.0], label=["sleep", "day"], period=24)
    path = tmp_path / "clock.rttm"
    write_events(ev, path)
    assert path.read_text().split("\n")[0].split()[3:5] == ["22.0", "4.0"]  # tdur wraps
    back = read_events(path, period=24)
    assert back.frame[["start", "end"]].values.tolist() == [[22.0, 2.0], [1.0, 24.0]]
    assert back.durations().tolist() == [4.0, 23.0]
    with pytest.raises(ValueError, match="BED cannot hold events that wrap"):
        write_events(ev, tmp_path / "clock.bed")


def test_byte_order_mark(tmp_path):
    p = tmp_path / "excel.csv"
    p.write_bytes("\ufefflabel,start,end\r\ndog,0,1.5\r\n".encode())
    assert read_events(p).frame.values.tolist() == [["default", "dog", 0.0, 1.5]]
