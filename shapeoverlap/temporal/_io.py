"""Reading and writing event lists: CSV/TSV, RTTM, BED and ActivityNet JSON."""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import math
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from ..errors import FileFormatError
from ..intervals import _check_period
from ._events import DEFAULT_LABEL, EventList

__all__ = ["FORMATS", "read_events", "write_events"]

FORMATS = ("csv", "tsv", "rttm", "bed", "json")
_SUFFIX = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".rttm": "rttm", ".bed": "bed",
           ".json": "json"}
# header names accepted for each column (DCASE/sed_eval and common spellings)
_ALIASES = {
    "track": ("track", "file", "filename", "video", "video_id", "chrom", "recording"),
    "label": ("label", "event_label", "class", "name", "speaker"),
    "start": ("start", "onset", "begin", "t_start", "start_time"),
    "end": ("end", "offset", "stop", "t_end", "end_time"),
    "score": ("score", "confidence", "probability"),
}


def _format_of(path: Path, format: str | None) -> str:
    if format is not None:
        if not isinstance(format, str) or format.lower() not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}; got {format!r}")
        return format.lower()
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".gz", ".bz2"):
        suffixes = suffixes[:-1]
    if suffixes and suffixes[-1] in _SUFFIX:
        return _SUFFIX[suffixes[-1]]
    raise ValueError(
        f"cannot tell the format of {str(path)!r} from its extension; pass format= (--format "
        "on the command line) "
        f"(one of {', '.join(FORMATS)})"
    )


def _open(path: Path, mode: str) -> TextIO:
    # reading skips a UTF-8 byte-order mark (spreadsheet exports start with one)
    enc = "utf-8-sig" if mode == "r" else "utf-8"
    name = path.name.lower()
    if name.endswith(".gz"):
        return gzip.open(path, mode + "t", encoding=enc, newline="")  # type: ignore[return-value]
    if name.endswith(".bz2"):
        return bz2.open(path, mode + "t", encoding=enc, newline="")  # type: ignore[return-value]
    return open(path, mode, encoding=enc, newline="")  # type: ignore[return-value]


def _bad(path: Path, line: int, msg: str) -> FileFormatError:
    return FileFormatError(f"{path}: line {line}: {msg}")


def _number(text: str, what: str, path: Path, line: int) -> float:
    try:
        v = float(text)
    except ValueError:
        raise _bad(path, line, f"{what} {text!r} is not a number") from None
    if not math.isfinite(v):
        raise _bad(path, line, f"{what} {text!r} is not a finite number")
    return v


def _finish(rows: dict[str, list[Any]], lines: list[int], path: Path,
            period: float | None) -> EventList:
    frame = pd.DataFrame({k: v for k, v in rows.items() if v is not None})
    if "score" in frame.columns and frame["score"].isna().all():
        frame = frame.drop(columns="score")
    s = frame["start"].to_numpy(dtype=np.float64) if len(frame) else np.empty(0)
    e = frame["end"].to_numpy(dtype=np.float64) if len(frame) else np.empty(0)
    if period is None and (e < s).any():
        k = int(np.flatnonzero(e < s)[0])
        raise _bad(path, lines[k], f"end {float(e[k])!r} < start {float(s[k])!r} (pass "
                                   "period= for events that wrap around a periodic time line)")
    if period is not None:
        off = (s < 0) | (s > period) | (e < 0) | (e > period)
        if off.any():
            k = int(np.flatnonzero(off)[0])
            raise _bad(path, lines[k], f"times must lie in [0, period] = [0, {period!r}]; got "
                                       f"start {float(s[k])!r}, end {float(e[k])!r} (check "
                                       "the time unit)")
    for col in ("track", "label"):  # an empty cell is a missing value: the default
        if col in frame.columns:
            frame[col] = frame[col].where(frame[col] != "", None)
    if len(frame) == 0:
        frame = pd.DataFrame({"track": [], "label": [], "start": [], "end": []})
    return EventList(frame, period=period)


# ------------------------------------------------------------------------ readers
def _read_table(path: Path, delimiter: str, period: float | None) -> EventList:
    with _open(path, "r") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        header: list[str] | None = None
        cols: dict[str, int] = {}
        rows: dict[str, list[Any]] = {k: [] for k in _ALIASES}
        lines: list[int] = []
        for fields in reader:
            line = reader.line_num
            if not fields or all(not f.strip() for f in fields):
                continue
            if header is None:
                header = [f.strip().lower() for f in fields]
                for key, names in _ALIASES.items():
                    present = [nm for nm in names if nm in header]
                    if len(present) > 1:
                        raise _bad(path, line, f"the header names the {key} column twice "
                                               f"({', '.join(present)}); keep one")
                    if present:
                        cols[key] = header.index(present[0])
                missing = [k for k in ("start", "end") if k not in cols]
                if missing:
                    raise _bad(path, line, f"the header has no {' or '.join(missing)} column "
                                           f"(found {fields}); expected e.g. "
                                           "track,label,start,end,score")
                continue
            if len(fields) != len(header):
                raise _bad(path, line, f"expected {len(header)} fields as in the header, "
                                       f"got {len(fields)}")
            lines.append(line)
            for key in _ALIASES:
                if key not in cols:
                    continue
                text = fields[cols[key]].strip()
                if key in ("start", "end"):
                    rows[key].append(_number(text, key, path, line))
                elif key == "score":
                    rows[key].append(math.nan if text in ("", "NA", "nan", "NaN")
                                     else _number(text, "score", path, line))
                else:
                    rows[key].append(text)
    if header is None:
        raise FileFormatError(f"{path}: the file is empty (a header line is required)")
    for key in _ALIASES:
        if key not in cols:
            rows[key] = None  # type: ignore[assignment]
    return _finish(rows, lines, path, period)


def _read_rttm(path: Path, period: float | None) -> EventList:
    rows: dict[str, list[Any]] = {"track": [], "label": [], "start": [], "end": [], "score": []}
    lines: list[int] = []
    with _open(path, "r") as fh:
        for line, text in enumerate(fh, start=1):
            fields = text.split()
            if not fields or fields[0].startswith(";;") or fields[0].startswith("#"):
                continue
            if fields[0] != "SPEAKER":
                continue  # SPKR-INFO and other RTTM record types carry no turns
            if len(fields) < 8:
                raise _bad(path, line, f"an RTTM SPEAKER line has 9-10 fields (type file chnl "
                                       f"tbeg tdur ortho stype name conf [slat]); got "
                                       f"{len(fields)}")
            onset = _number(fields[3], "onset (tbeg)", path, line)
            dur = _number(fields[4], "duration (tdur)", path, line)
            if dur < 0:
                raise _bad(path, line, f"negative duration {dur!r}")
            conf = fields[8] if len(fields) > 8 else "<NA>"
            rows["track"].append(fields[1])
            rows["label"].append(fields[7])
            end = onset + dur
            if period is not None and end > period:  # a turn that wraps across the seam
                end -= period
            rows["start"].append(onset)
            rows["end"].append(end)
            rows["score"].append(math.nan if conf in ("<NA>", "NA", "-")
                                 else _number(conf, "confidence", path, line))
            lines.append(line)
    return _finish(rows, lines, path, period)


def _read_bed(path: Path, period: float | None) -> EventList:
    rows: dict[str, list[Any]] = {"track": [], "label": [], "start": [], "end": [], "score": []}
    lines: list[int] = []
    with _open(path, "r") as fh:
        for line, text in enumerate(fh, start=1):
            stripped = text.strip()
            if not stripped or stripped.startswith(("#", "track", "browser")):
                continue
            fields = text.rstrip("\r\n").split("\t")
            if len(fields) < 3:
                fields = stripped.split()
            if len(fields) < 3:
                raise _bad(path, line, f"a BED line needs chrom, start, end; got {len(fields)} "
                                       "field(s)")
            try:
                start, end = int(fields[1]), int(fields[2])
            except ValueError:
                raise _bad(path, line, f"BED start/end must be integers; got {fields[1]!r}, "
                                       f"{fields[2]!r}") from None
            if start < 0:
                raise _bad(path, line, f"negative BED start {start}")
            if end < start:
                raise _bad(path, line, f"end {end} < start {start}")
            rows["track"].append(fields[0].strip())
            rows["label"].append(fields[3].strip() if len(fields) > 3 and fields[3].strip()
                                 else DEFAULT_LABEL)
            sc = fields[4].strip() if len(fields) > 4 else "."
            rows["score"].append(math.nan if sc in (".", "") else _number(sc, "score", path,
                                                                          line))
            rows["start"].append(float(start))
            rows["end"].append(float(end))
            lines.append(line)
    return _finish(rows, lines, path, period)


def _line_of(text: str, needle: str, start: int = 0) -> tuple[int, int]:
    pos = text.find(needle, start)
    if pos < 0:
        return 1, start
    return text.count("\n", 0, pos) + 1, pos


def _read_json(path: Path, period: float | None, subset: str | None = None) -> EventList:
    with _open(path, "r") as fh:
        text = fh.read()
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _bad(path, exc.lineno, f"invalid JSON: {exc.msg}") from None
    if not isinstance(doc, dict) or not ({"database", "results"} & set(doc)):
        raise _bad(path, 1, "expected ActivityNet JSON with a 'database' (ground truth) or "
                            "'results' (predictions) object")
    key = "database" if "database" in doc else "results"
    if key == "database" and "results" in doc:
        warnings.warn(f"{str(path)!r} holds both 'database' and 'results'; read the "
                      "'database' (ground truth)", UserWarning, stacklevel=3)
    body = doc[key]
    if not isinstance(body, dict):
        raise _bad(path, _line_of(text, f'"{key}"')[0], f"'{key}' must be an object "
                                                         "mapping video ids to entries")
    if key == "database":
        body = _subset_of(body, subset, path)
    elif subset is not None:
        raise ValueError(f"subset= selects ground-truth videos, but {str(path)!r} holds "
                         "predictions ('results'); filter the reference instead")
    rows: dict[str, list[Any]] = {"track": [], "label": [], "start": [], "end": [], "score": []}
    lines: list[int] = []
    cursor = 0
    for vid, entry in body.items():
        line, cursor = _line_of(text, json.dumps(vid), cursor)
        if key == "database":
            items = entry.get("annotations") if isinstance(entry, dict) else None
        else:
            items = entry
        if not isinstance(items, list):
            want = "an object with an 'annotations' list" if key == "database" else "a list"
            raise _bad(path, line, f"video {vid!r}: expected {want}")
        for k, item in enumerate(items):
            where = f"video {vid!r}, item {k}"
            item_line, _ = _line_of(text, '"segment"', cursor)
            seg = item.get("segment") if isinstance(item, dict) else None
            if not (isinstance(seg, (list, tuple)) and len(seg) == 2):
                raise _bad(path, item_line, f"{where}: 'segment' must be [start, end]")
            try:
                s, e = (float(v) for v in seg)
            except (TypeError, ValueError):
                raise _bad(path, item_line, f"{where}: segment {seg!r} is not numeric") from None
            if not (math.isfinite(s) and math.isfinite(e)):
                raise _bad(path, item_line, f"{where}: segment {seg!r} is not finite")
            label = item.get("label")
            if label is None:
                raise _bad(path, item_line, f"{where}: missing 'label'")
            score = item.get("score")
            if key == "results" and score is None:
                raise _bad(path, item_line, f"{where}: a prediction needs a 'score'")
            try:
                sc = math.nan if score is None else float(score)
            except (TypeError, ValueError):
                raise _bad(path, item_line, f"{where}: score {score!r} is not numeric") from None
            rows["track"].append(str(vid))
            rows["label"].append(str(label))
            rows["start"].append(s)
            rows["end"].append(e)
            rows["score"].append(sc)
            lines.append(item_line)
            cursor = text.find('"segment"', cursor) + 1 or cursor
    return _finish(rows, lines, path, period)


def _subset_of(body: dict[str, Any], subset: str | None, path: Path) -> dict[str, Any]:
    """Keep the videos of one ``subset`` ("training", "validation", ...) of a database."""
    found = sorted({str(v.get("subset")) for v in body.values()
                    if isinstance(v, dict) and v.get("subset") is not None})
    if subset is None:
        if len(found) > 1:
            warnings.warn(
                f"{str(path)!r} holds the subsets {', '.join(found)}, all read; pass "
                "subset= ('validation' is what ActivityNet's evaluation scores)",
                UserWarning, stacklevel=4,
            )
        return body
    if subset not in found:
        raise ValueError(f"subset={subset!r} is not in {str(path)!r}; its subsets: "
                         f"{', '.join(found) if found else 'none (no video has a subset)'}")
    return {vid: v for vid, v in body.items()
            if isinstance(v, dict) and str(v.get("subset")) == subset}


_READERS: dict[str, Callable[[Path, float | None], EventList]] = {
    "csv": lambda p, per: _read_table(p, ",", per),
    "tsv": lambda p, per: _read_table(p, "\t", per),
    "rttm": _read_rttm,
    "bed": _read_bed,
    "json": _read_json,
}


def read_events(
    path: str | Path,
    format: str | None = None,
    *,
    period: float | None = None,
    subset: str | None = None,
) -> EventList:
    """Read an event list from a file.

    Parameters
    ----------
    path : str or pathlib.Path
        The file (optionally ``.gz``/``.bz2`` compressed).
    format : {"csv", "tsv", "rttm", "bed", "json"}, optional
        File format; by default from the extension (``.csv``, ``.tsv``/``.tab``, ``.rttm``,
        ``.bed``, ``.json``).
    period : float, optional
        Period of the time line (events may then wrap, ``end < start``).
    subset : str, optional
        ActivityNet JSON ground truth only: keep the videos of this subset (``"training"``,
        ``"validation"``, ``"testing"``; ActivityNet's evaluation scores ``"validation"``).
        By default every video is read, with a warning when the file holds several subsets.

    Returns
    -------
    EventList
        The events in file order.

    Raises
    ------
    FileFormatError
        (a ``ValueError``) for a malformed line: the message names the file and the physical
        1-based line number, header and comment lines included.
    ValueError
        For an unknown format, or a ``subset`` the file does not hold (or not JSON).
    OSError
        If the file cannot be opened.

    See Also
    --------
    write_events : The writer.

    Notes
    -----
    * **CSV/TSV**: a header line, then one event per line. Columns ``start`` (also
      ``onset``, ``begin``, ``t_start``, ``start_time``), ``end`` (``offset``, ``stop``,
      ``t_end``, ``end_time``), optionally ``track`` (``file``, ``filename``, ``video``,
      ``video_id``, ``chrom``, ``recording``), ``label`` (``event_label``, ``class``,
      ``name``, ``speaker``) and ``score`` (``confidence``, ``probability``); header names
      are case-insensitive, other columns are ignored, and two names for one column are an
      error. Blank lines are skipped; an empty track or label cell takes the default, as a
      missing column does.
    * **RTTM**: ``SPEAKER file chnl tbeg tdur ortho stype name conf slat``; ``file`` is the
      track, ``name`` the label, ``conf`` the score (``<NA>`` = none), end = tbeg + tdur.
      Other record types and ``;;`` comments are skipped.
    * **BED**: ``chrom start end [name [score ...]]``, 0-based half-open integer
      coordinates; chrom → track, name → label, score (``.`` = none). ``#``, ``track`` and
      ``browser`` lines are skipped.
    * **JSON**: ActivityNet's layout, ground truth
      ``{"database": {video: {"annotations": [{"segment": [s, e], "label": l}]}}}`` or
      predictions ``{"results": {video: [{"segment": [s, e], "label": l, "score": x}]}}``.
      A structural error is reported at the line of the offending ``segment`` (or video key).
      A file holding both objects is read as ground truth, with a warning.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from shapeoverlap.temporal import read_events
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "ev.csv"
    >>> _ = p.write_text(chr(10).join(["label,start,end", "speech,0.0,1.5"]))
    >>> read_events(p).frame
         track   label  start  end
    0  default  speech    0.0  1.5
    """
    p = Path(path)
    fmt = _format_of(p, format)
    per = _check_period(period)
    if subset is not None and fmt != "json":
        raise ValueError(f"subset= selects videos of ActivityNet JSON; {str(p)!r} is {fmt}")
    if not p.is_file():
        raise FileNotFoundError(f"event file not found: {str(p)!r}")
    if fmt == "json":
        return _read_json(p, per, subset)
    return _READERS[fmt](p, per)


# ------------------------------------------------------------------------ writers
def _no_space(values: pd.Series, what: str, fmt: str) -> None:
    bad = [v for v in values if not v or any(ch.isspace() for ch in v)]
    if bad:
        raise ValueError(f"{fmt} fields cannot be empty or hold whitespace; {what} {bad[0]!r}")


def write_events(events: EventList, path: str | Path, format: str | None = None) -> None:
    """Write an event list to a file.

    Parameters
    ----------
    events : EventList
        The events.
    path : str or pathlib.Path
        Destination (``.gz``/``.bz2`` compress).
    format : {"csv", "tsv", "rttm", "bed", "json"}, optional
        By default from the extension.

    Raises
    ------
    TypeError
        If ``events`` is not an EventList.
    ValueError
        If the format cannot hold the events (non-integer BED coordinates, whitespace in an
        RTTM/BED name).

    See Also
    --------
    read_events : The reader; numbers are written in the shortest form that reads back
        exactly (RTTM stores durations, so its ends read back up to float rounding).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from shapeoverlap.temporal import EventList, read_events, write_events
    >>> ev = EventList.from_arrays([0.0, 2.5], [1.0, 4.0], label="speech", track="a")
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "ev.rttm"
    >>> write_events(ev, p)
    >>> read_events(p) == ev
    True
    """
    if not isinstance(events, EventList):
        raise TypeError(f"events must be an EventList; got {type(events).__name__}")
    p = Path(path)
    fmt = _format_of(p, format)
    f = events._frame
    has_score = events.has_score
    buf = io.StringIO()
    if fmt in ("csv", "tsv"):
        cols = ["track", "label", "start", "end", *(["score"] if has_score else [])]
        w = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(cols)
        for row in f[cols].itertuples(index=False):
            w.writerow([repr(v) if isinstance(v, float) else v for v in row])
    elif fmt == "rttm":
        _no_space(f["track"], "track", "RTTM")
        _no_space(f["label"], "label", "RTTM")
        for row in f.itertuples(index=False):
            conf = getattr(row, "score", math.nan) if has_score else math.nan
            conf_s = "<NA>" if math.isnan(conf) else repr(float(conf))
            dur = float(row.end) - float(row.start)
            if dur < 0 and events.period is not None:  # wraps across the seam
                dur += events.period
            buf.write(f"SPEAKER {row.track} 1 {float(row.start)!r} {dur!r} <NA> <NA> "
                      f"{row.label} {conf_s} <NA>\n")
    elif fmt == "bed":
        s, e = f["start"].to_numpy(), f["end"].to_numpy()
        if not (np.all(s == np.round(s)) and np.all(e == np.round(e)) and np.all(s >= 0)):
            raise ValueError("BED needs integer, non-negative coordinates; round the events "
                             "first (e.g. to base pairs)")
        if np.any(e < s):
            raise ValueError("BED cannot hold events that wrap across the seam of a periodic "
                             "time line (end < start); write CSV, RTTM or JSON instead")
        _no_space(f["track"], "track", "BED")
        _no_space(f["label"], "label", "BED")
        for row in f.itertuples(index=False):
            fields = [row.track, str(int(row.start)), str(int(row.end)), row.label]
            if has_score:
                sc = float(row.score)
                fields.append("." if math.isnan(sc) else (str(int(sc)) if sc == int(sc)
                                                          else repr(sc)))
            buf.write("\t".join(fields) + "\n")
    else:  # json
        body: dict[str, Any] = {}
        for row in f.itertuples(index=False):
            item: dict[str, Any] = {"segment": [float(row.start), float(row.end)],
                                    "label": row.label}
            if has_score:
                sc = float(row.score)
                item["score"] = None if math.isnan(sc) else sc
                body.setdefault(row.track, []).append(item)
            else:
                body.setdefault(row.track, {"annotations": []})["annotations"].append(item)
        doc = {"results": body} if has_score else {"database": body}
        buf.write(json.dumps(doc, indent=1) + "\n")
    with _open(p, "w") as fh:
        fh.write(buf.getvalue())
