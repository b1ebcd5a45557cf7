"""EventList: labelled events on one or more time lines (tracks)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..intervals import IntervalSet, _check_period

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["DEFAULT_LABEL", "DEFAULT_TRACK", "EventList"]

DEFAULT_TRACK = "default"
DEFAULT_LABEL = "event"
COLUMNS = ("track", "label", "start", "end")


def _categorical(values: pd.Series | None, default: str, n: int) -> pd.Categorical:
    """Track/label column as a Categorical of strings; missing values become ``default``."""
    if values is None:
        return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), pd.Index([default]))
    cat = values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")
    c = cat.cat
    names = [str(v) for v in c.categories]
    if len(set(names)) != len(names):  # e.g. 1 and "1": fall back to plain strings
        return _categorical(values.map(lambda v: v if pd.isna(v) else str(v)), default, n)
    codes = c.codes.to_numpy().astype(np.int64)
    if (codes < 0).any():
        if default in names:
            fill = names.index(default)
        else:
            names.append(default)
            fill = len(names) - 1
        codes = np.where(codes < 0, fill, codes)
    return pd.Categorical.from_codes(codes, pd.Index(names))


def codes_of(ev: EventList, col: str, categories: Sequence[str]) -> np.ndarray:
    """Integer code of each event's track or label within ``categories`` (-1 if absent)."""
    cat = ev._frame[col].cat
    mapping = pd.Index(list(categories)).get_indexer(list(cat.categories))
    mapping = np.append(mapping, -1).astype(np.int64)
    return mapping[cat.codes.to_numpy()]


def present(ev: EventList, col: str) -> list[str]:
    """Distinct track or label values that occur, sorted."""
    cat = ev._frame[col].cat
    used = np.bincount(cat.codes.to_numpy().astype(np.int64) + 1,
                       minlength=len(cat.categories) + 1)[1:] > 0
    return sorted(str(c) for c, u in zip(cat.categories, used, strict=True) if u)


def _row_desc(frame: pd.DataFrame, i: int) -> str:
    return f"row {i} (track {frame['track'].iloc[i]!r}, label {frame['label'].iloc[i]!r})"


class EventList:
    """Labelled events ``[start, end)`` on one or more time lines.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``start`` and ``end`` (numbers), optionally ``track`` (the time line: a file, a
        video, a chromosome; events of different tracks never overlap), ``label`` (the class)
        and ``score`` (confidence, for ranking predictions). Missing ``track``/``label`` columns
        (or missing values in them) default to ``"default"``/``"event"``. Other columns are
        dropped. Rows may be unsorted and overlapping; zero-length events are kept (they have
        duration 0).
    period : float, optional
        Length of a periodic time line (``24`` hours, ``86400`` s). Times must then lie in
        ``[0, period]``, and events may wrap: ``end < start`` crosses the seam, as in
        :class:`~shapeoverlap.IntervalSet`; ``[0, period]`` is the whole circle.

    Attributes
    ----------
    period : float or None
        The period of the time line.

    Raises
    ------
    TypeError
        If ``frame`` is not a DataFrame or a column is not numeric.
    ValueError
        If ``start``/``end`` are missing, not finite, ``end < start`` without ``period``, or
        outside ``[0, period]`` with it.

    See Also
    --------
    read_events : Read CSV/TSV, RTTM, BED or ActivityNet JSON files.

    Examples
    --------
    >>> import pandas as pd
    >>> from shapeoverlap.temporal import EventList
    >>> ev = EventList(pd.DataFrame({"label": ["dog", "car"], "start": [0.5, 2], "end": [1, 4]}))
    >>> len(ev), ev.labels
    (2, ['car', 'dog'])
    """

    __slots__ = ("_frame", "_period")

    def __init__(self, frame: pd.DataFrame, *, period: float | None = None) -> None:
        if isinstance(frame, EventList):
            period = frame.period if period is None else period
            frame = frame._frame
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(
                f"frame must be a pandas.DataFrame with start and end columns; got "
                f"{type(frame).__name__} (use EventList.from_arrays(start, end, ...) for arrays)"
            )
        self._period = _check_period(period)
        missing = [c for c in ("start", "end") if c not in frame.columns]
        if missing:
            raise ValueError(
                f"frame lacks column(s) {', '.join(missing)}; columns seen: "
                f"{[str(c) for c in frame.columns]}"
            )
        n = len(frame)
        out = pd.DataFrame(index=pd.RangeIndex(n))
        for col, default in (("track", DEFAULT_TRACK), ("label", DEFAULT_LABEL)):
            out[col] = _categorical(frame[col] if col in frame.columns else None, default, n)
        for col in ("start", "end", "score"):
            if col not in frame.columns:
                continue
            if frame[col].dtype == bool:
                raise TypeError(f"column {col!r} must hold numbers; got booleans")
            try:
                nums = np.asarray(frame[col].to_numpy(), dtype=np.float64)
            except (TypeError, ValueError):
                bad = pd.to_numeric(frame[col], errors="coerce").isna() & frame[col].notna()
                i = int(np.flatnonzero(bad.to_numpy())[0]) if bad.any() else 0
                raise TypeError(
                    f"column {col!r} must hold numbers; row {i} has {frame[col].iloc[i]!r}"
                ) from None
            out[col] = nums
        start = out["start"].to_numpy()
        end = out["end"].to_numpy()
        for col, values in (("start", start), ("end", end)):
            bad = ~np.isfinite(values)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise ValueError(
                    f"{col} times must be finite; {_row_desc(out, i)} has {col}="
                    f"{float(values[i])!r} ({int(bad.sum())} such row(s))"
                )
        if self._period is None:
            bad = end < start
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise ValueError(
                    f"end < start in {_row_desc(out, i)}: start={float(start[i])!r}, "
                    f"end={float(end[i])!r} ({int(bad.sum())} such row(s)); pass period= for "
                    "events that wrap around a periodic time line"
                )
        else:
            # Times of day outside [0, period] are almost always a unit mix-up (seconds on a
            # 24 h clock), which wrapping would hide: refuse them.
            per = self._period
            for col, values in (("start", start), ("end", end)):
                bad = (values < 0) | (values > per)
                if bad.any():
                    i = int(np.flatnonzero(bad)[0])
                    raise ValueError(
                        f"{col} times must lie in [0, period] = [0, {per!r}]; "
                        f"{_row_desc(out, i)} has {col}={float(values[i])!r} "
                        f"({int(bad.sum())} such row(s)); check the time unit, or wrap the "
                        "times with numpy.mod(times, period)"
                    )
        if "score" in out.columns:
            sc = out["score"].to_numpy()
            if np.isinf(sc).any():
                i = int(np.flatnonzero(np.isinf(sc))[0])
                raise ValueError(f"score must be finite or missing; {_row_desc(out, i)} has "
                                 f"score={float(sc[i])!r}")
        self._frame = out

    @classmethod
    def from_arrays(
        cls,
        start: ArrayLike,
        end: ArrayLike,
        label: ArrayLike | str | None = None,
        track: ArrayLike | str | None = None,
        score: ArrayLike | None = None,
        *,
        period: float | None = None,
    ) -> EventList:
        """Build an event list from arrays (scalars for ``label``/``track`` broadcast).

        Parameters
        ----------
        start, end : array_like
            1-D arrays of the same length.
        label, track : array_like or str, optional
            Class and time line of each event (one value for all, or one per event).
        score : array_like, optional
            Confidence of each event.
        period : float, optional
            Length of a periodic time line.

        Returns
        -------
        EventList
            The events, in the given order.

        Raises
        ------
        ValueError
            If the arrays have different lengths or are not 1-D.

        Examples
        --------
        >>> from shapeoverlap.temporal import EventList
        >>> EventList.from_arrays([0, 5], [2, 6], label="speech").labels
        ['speech']
        """
        s = np.asarray(start)
        e = np.asarray(end)
        if s.ndim != 1 or e.ndim != 1 or s.shape != e.shape:
            raise ValueError(
                f"start and end must be 1-D arrays of the same length; got shapes {s.shape} "
                f"and {e.shape}"
            )
        data: dict[str, Any] = {"start": s, "end": e}
        for name, v in (("label", label), ("track", track), ("score", score)):
            if v is None:
                continue
            if isinstance(v, str) or np.ndim(v) == 0:
                if name == "score":
                    if isinstance(v, (str, bytes, bool)) or not isinstance(
                        v, (int, float, np.integer, np.floating)
                    ):
                        raise TypeError(f"score must be a number or an array of numbers; "
                                        f"got {v!r}")
                    data[name] = np.full(s.size, v, dtype=np.float64)
                else:
                    data[name] = pd.Categorical.from_codes(
                        np.zeros(s.size, dtype=np.int8), pd.Index([str(v)])
                    )
                continue
            arr = np.asarray(v)
            if arr.shape != s.shape:
                raise ValueError(
                    f"{name} must be a scalar or have the shape of start {s.shape}; got "
                    f"shape {arr.shape}"
                )
            data[name] = arr
        return cls(pd.DataFrame(data), period=period)

    # -- views ----------------------------------------------------------------------------
    @property
    def period(self) -> float | None:
        """Length of the periodic time line, or None."""
        return self._period

    @property
    def frame(self) -> pd.DataFrame:
        """The events as a DataFrame (a copy): ``track, label, start, end[, score]``."""
        out = self._frame.copy()
        for col in ("track", "label"):
            out[col] = out[col].astype(object)
        return out

    @property
    def starts(self) -> np.ndarray:
        """Start times (float64)."""
        return self._frame["start"].to_numpy(dtype=np.float64, copy=True)

    @property
    def ends(self) -> np.ndarray:
        """End times (float64)."""
        return self._frame["end"].to_numpy(dtype=np.float64, copy=True)

    @property
    def has_score(self) -> bool:
        """Whether the events carry a ``score`` column."""
        return "score" in self._frame.columns

    @property
    def labels(self) -> list[str]:
        """Sorted distinct labels."""
        return present(self, "label")

    @property
    def tracks(self) -> list[str]:
        """Sorted distinct tracks."""
        return present(self, "track")

    def durations(self) -> np.ndarray:
        """Duration of every event (wrapping events on a periodic line included).

        Returns
        -------
        numpy.ndarray
            ``end - start``; on a periodic line ``end - start + period`` for wrapping events,
            capped at ``period``.

        Examples
        --------
        >>> from shapeoverlap.temporal import EventList
        >>> EventList.from_arrays([22.0], [6.0], period=24).durations()
        array([8.])
        """
        d = self.ends - self.starts
        if self._period is not None:
            d = np.where(d < 0, d + self._period, d)
            d = np.minimum(d, self._period)
        return d

    def __len__(self) -> int:
        return len(self._frame)

    def __repr__(self) -> str:
        per = "" if self._period is None else f", period={self._period!r}"
        return (
            f"EventList({len(self)} events, {len(self.tracks)} track(s), "
            f"labels={self.labels[:6]}{'…' if len(self.labels) > 6 else ''}{per})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EventList):
            return NotImplemented
        fa, fb = self._frame, other._frame
        if self._period != other._period or list(fa.columns) != list(fb.columns):
            return False
        if len(fa) != len(fb):
            return False
        for col in fa.columns:
            if col in ("track", "label"):
                if not np.array_equal(fa[col].to_numpy(dtype=object),
                                      fb[col].to_numpy(dtype=object)):
                    return False
            elif not np.array_equal(fa[col].to_numpy(), fb[col].to_numpy(), equal_nan=True):
                return False
        return True

    __hash__ = None  # type: ignore[assignment]

    def select(
        self,
        labels: str | Iterable[str] | None = None,
        tracks: str | Iterable[str] | None = None,
    ) -> EventList:
        """Keep the events of some labels and/or tracks.

        Parameters
        ----------
        labels, tracks : str or iterable of str, optional
            Values to keep (all when None).

        Returns
        -------
        EventList
            The selected events (row order kept, positions renumbered).

        Raises
        ------
        ValueError
            If a requested label or track does not occur in the list.

        Examples
        --------
        >>> from shapeoverlap.temporal import EventList
        >>> ev = EventList.from_arrays([0, 1], [1, 2], label=["a", "b"])
        >>> len(ev.select(labels="a"))
        1
        """
        keep = np.ones(len(self), dtype=bool)
        for col, wanted in (("label", labels), ("track", tracks)):
            if wanted is None:
                continue
            want = [wanted] if isinstance(wanted, str) else [str(w) for w in wanted]
            known = present(self, col)
            unknown = [w for w in want if w not in known]
            if unknown:
                raise ValueError(
                    f"unknown {col}(s) {unknown} in the {col} filter; known {col}s: "
                    f"{known[:10]}"
                )
            keep &= self._frame[col].isin(want).to_numpy()
        out = EventList.__new__(EventList)
        out._frame = self._frame[keep].reset_index(drop=True)
        out._period = self._period
        return out

    def to_intervalset(self, label: str | None = None, track: str | None = None) -> IntervalSet:
        """Union of the events (optionally of one label and/or track) as an IntervalSet.

        Parameters
        ----------
        label, track : str, optional
            Restrict to one label and/or one track. Combining tracks only makes sense when
            they share one time axis.

        Returns
        -------
        IntervalSet
            With the list's ``period``.

        Examples
        --------
        >>> from shapeoverlap.temporal import EventList
        >>> EventList.from_arrays([0, 1], [2, 3]).to_intervalset()
        IntervalSet([(0.0, 3.0)])
        """
        ev = self.select(labels=label, tracks=track)
        pairs = np.column_stack([ev.starts, ev.ends])
        return IntervalSet(pairs, period=self._period)

    def write(self, path: str | Path, format: str | None = None) -> None:
        """Write the events to a file (see :func:`write_events`).

        Parameters
        ----------
        path : str or pathlib.Path
            Destination; the format follows the extension unless ``format`` is given.
        format : {"csv", "tsv", "rttm", "bed", "json"}, optional
            File format.
        """
        from ._io import write_events

        write_events(self, path, format=format)


def as_events(x: Any, name: str, period: float | None = None) -> EventList:
    """Accept an EventList, a DataFrame or an (N, 2) ``[start, end]`` array."""
    if isinstance(x, EventList):
        return x
    if isinstance(x, pd.DataFrame):
        return EventList(x, period=period)
    if x is None or isinstance(x, (str, bytes)):
        raise TypeError(
            f"{name} must be an EventList, a DataFrame or an (N, 2) array of [start, end]; "
            f"got {type(x).__name__}"
        )
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be an EventList, a DataFrame or an (N, 2) array of [start, end]; "
            f"could not convert {type(x).__name__} to numbers"
        ) from None
    if arr.size == 0:
        arr = arr.reshape(0, 2)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"{name} must have shape (N, 2) ([start, end] rows); got {arr.shape}")
    try:
        return EventList.from_arrays(arr[:, 0], arr[:, 1], period=period)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


def labels_of(*lists: EventList) -> list[str]:
    """Sorted union of the labels of several lists."""
    out: set[str] = set()
    for ev in lists:
        out.update(present(ev, "label"))
    return sorted(out)


def check_same_period(a: EventList, b: EventList, names: Sequence[str] = ("ref", "pred")) -> (
    float | None
):
    """Return the common period of two lists (ValueError if they differ)."""
    if a.period != b.period:
        raise ValueError(
            f"{names[0]} and {names[1]} have different periods ({a.period!r} and "
            f"{b.period!r}); read both with the same period="
        )
    return a.period
