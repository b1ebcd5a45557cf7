"""Cohorts: score many cases on dask, summarise per label, compare two methods."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._score import DEFAULT_METRICS, METRICS, check_options, check_spacing, score

__all__ = ["paired", "score_cohort", "summarize"]

_ID_COLUMNS = ("case", "label", "empty", "error")


def _read_pairs(pairs: Any) -> list[tuple[Any, Any, str]]:
    """``(pred, ref, case)`` triples with unique case ids (see :func:`_case_ids`)."""
    rows: list[tuple[Any, Any, Any]] = []
    if isinstance(pairs, (str, os.PathLike)):
        path = Path(os.fspath(pairs))
        if not path.is_file():
            raise FileNotFoundError(f"pairs file not found: {str(path)!r}")
        frame = _read_pairs_csv(path)
        _check_columns(frame, f"{path}: ")
        for i, d in enumerate(frame.to_dict("records"), start=1):
            for key in ("pred", "ref"):
                if not d[key]:
                    raise ValueError(
                        f"{path} row {i}: {key} is empty; every row needs a pred and a ref "
                        "path (rows counted from 1 after the header)"
                    )
        base = path.parent

        def resolve(p: str) -> Path:
            q = Path(p)
            return q if q.is_absolute() else base / q

        records: list[dict[Any, Any]] = frame.to_dict("records")
        rows = [(resolve(d["pred"]), resolve(d["ref"]), d.get("case")) for d in records]
    elif isinstance(pairs, pd.DataFrame):
        _check_columns(pairs, "pairs (a DataFrame): ")
        column: Any = pairs["case"] if "case" in pairs else [None] * len(pairs)
        rows = list(zip(pairs["pred"], pairs["ref"], column, strict=True))
    else:
        for i, item in enumerate(pairs):
            item = tuple(item)
            if len(item) not in (2, 3):
                raise ValueError(
                    f"pairs[{i}] has {len(item)} element(s); expected (pred, ref) or "
                    "(pred, ref, case)"
                )
            rows.append((item[0], item[1], item[2] if len(item) == 3 else None))
    if not rows:
        raise ValueError("pairs is empty; pass (pred, ref[, case]) tuples or a CSV of them")
    for i, (p, r, _) in enumerate(rows):
        for key, v in (("pred", p), ("ref", r)):
            if isinstance(v, str) and not v.strip():
                raise ValueError(f"pairs[{i}]: {key} is empty; pass a path or an array")
    given = [None if _missing(c) else _case_str(c) for _, _, c in rows]
    cases = _case_ids([r for _, r, _ in rows], given)
    return [(p, r, c) for (p, r, _), c in zip(rows, cases, strict=True)]


def _read_pairs_csv(path: Path) -> pd.DataFrame:
    """Read a pairs CSV as written: cells stripped, no index column, extra fields refused.

    A trailing comma (an empty extra field) is ignored; a non-empty field beyond the header
    is an error naming its row (rows counted from 1 after the header).
    """
    import csv

    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            lines = [[c.strip() for c in row] for row in csv.reader(f)]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"{path}: not a readable CSV of pairs ({exc})") from exc
    lines = [row for row in lines if any(row)]  # blank lines
    if not lines:
        return pd.DataFrame(columns=["pred", "ref"])
    header = lines[0]
    while header and not header[-1]:
        header = header[:-1]
    body = []
    for i, row in enumerate(lines[1:], start=1):
        extra = row[len(header):]
        if any(extra):
            raise ValueError(
                f"{path} row {i}: {len(row)} fields but the header has {len(header)} "
                f"({', '.join(header)}); remove the extra field or name its column"
            )
        body.append(row[:len(header)] + [""] * (len(header) - len(row)))
    return pd.DataFrame(body, columns=header, dtype=object)


def _check_columns(frame: pd.DataFrame, where: str) -> None:
    missing = [c for c in ("pred", "ref") if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{where}missing column(s) {', '.join(missing)}; the pairs need columns pred, ref "
            f"and optionally case (got {', '.join(map(str, frame.columns)) or 'none'})"
        )


def _case_str(case: Any) -> str:
    """Return a case id as text: stripped; integral floats without ``.0`` (1.0 → "1")."""
    if isinstance(case, (float, np.floating)) and float(case).is_integer():
        return str(int(case))
    return str(case).strip()


def _missing(case: Any) -> bool:
    if case is None:
        return True
    if isinstance(case, str):
        return not case.strip()
    try:
        return bool(pd.isna(case))
    except (TypeError, ValueError):
        return False


def _stem(path: Path) -> str:
    name = path.as_posix()
    for suffix in (".gz", ".nii"):
        name = name.removesuffix(suffix)
    return name


def _repeated(ids: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    for c in ids:
        seen[c] = seen.get(c, 0) + 1
    return [c for c, k in seen.items() if k > 1]


def _case_ids(refs: Sequence[Any], given: Sequence[str | None]) -> list[str]:
    """Case ids: the given ones (which must be unique), else names derived from ``ref``.

    A row without an id takes its reference's file name without ``.nii``/``.nii.gz``
    (``seg`` for ``c1/seg.nii.gz``), or its position for an array. If those names repeat, or
    clash with a given id, the file-named rows take the reference's path relative to the
    folder that holds all of them instead (``c1/seg``, ``c2/seg``); a name that still repeats
    (the same reference file twice) gets ``#`` and the row's position appended (``seg#3``).
    """
    dup = _repeated([c for c in given if c is not None])
    if dup:
        raise ValueError(
            f"case ids repeat: {', '.join(map(repr, dup[:5]))}"
            f"{f' and {len(dup) - 5} more' if len(dup) > 5 else ''}; "
            "each pair needs its own case id (or leave case empty to name it after its ref)"
        )
    auto = [i for i, c in enumerate(given) if c is None]
    paths = {i: Path(os.fspath(refs[i])) for i in auto if isinstance(refs[i], (str, os.PathLike))}
    names = {i: _stem(Path(paths[i].name)) if i in paths else str(i) for i in auto}
    taken = {c for c in given if c is not None}
    if _repeated(list(names.values())) or taken & set(names.values()):
        absolute = {i: p.absolute() for i, p in paths.items()}
        try:
            root = Path(os.path.commonpath([p.parent for p in absolute.values()]))
        except ValueError:  # different drives
            root = None
        for i, p in absolute.items():
            names[i] = _stem(p.relative_to(root) if root is not None else p)
    clash = set(_repeated(list(names.values()))) | (taken & set(names.values()))
    for i in auto:
        if names[i] in clash:
            names[i] = f"{names[i]}#{i}"
    return [c if c is not None else names[i] for i, c in enumerate(given)]


def _score_case(pred: Any, ref: Any, case: str, kw: dict[str, Any]) -> pd.DataFrame:
    try:
        table = score(pred, ref, **kw)
    except Exception as exc:  # one bad case must not stop the cohort
        msg = " ".join(f"{type(exc).__name__}: {exc}".split())
        return pd.DataFrame({"case": [case], "label": [np.nan], "error": [msg]})
    table.insert(0, "case", case)
    table["error"] = ""
    return table


def score_cohort(
    pairs: Iterable[Sequence[Any]] | str | os.PathLike[str] | pd.DataFrame,
    *,
    client: Any = None,
    progress: bool = True,
    **kw: Any,
) -> pd.DataFrame:
    """Score every (prediction, reference) pair of a cohort, one row per (case, label).

    Parameters
    ----------
    pairs : iterable of tuples, str, os.PathLike or pandas.DataFrame
        ``(pred, ref)`` or ``(pred, ref, case)`` tuples (paths, arrays or DataArrays), or a CSV
        file / DataFrame with columns ``pred``, ``ref`` and optionally ``case``. Relative paths
        in a CSV are relative to the CSV's folder. Case ids must be unique. A pair without one
        (no ``case`` column, or an empty cell) is named after its reference: the file name
        without ``.nii``/``.nii.gz`` (``ref3.nii.gz`` → ``ref3``), or, when those names repeat
        (``c1/seg.nii.gz``, ``c2/seg.nii.gz``), the path relative to the folder holding all
        such references (``c1/seg``, ``c2/seg``); an array is named after its position
        (``"0"``, ``"1"``…). Given ids are text: whitespace is stripped and an integral float
        loses its ``.0`` (a DataFrame ``case`` column ``[1, None, 3]`` gives ``"1"``, a name
        for the second, ``"3"``). A CSV is read as written (a trailing comma adds no column);
        an empty ``pred`` or ``ref`` cell is an error naming its row. A name that still
        repeats (the same reference file twice) gets ``#`` and the pair's position appended
        (``seg#3``).
    client : distributed.Client, optional
        Run on this dask cluster; by default on dask's local threaded scheduler.
    progress : bool, default True
        Show a progress bar on standard error.
    **kw
        Options of :func:`score` (``labels``, ``spacing``, ``metrics``, ``tolerance``,
        ``hd95``, ``empty``), checked before any case runs (for ``spacing``, its type and
        sign; whether it has one value per axis is checked per case).

    Returns
    -------
    pandas.DataFrame
        Columns ``case``, ``label``, the metrics, ``empty`` and ``error`` (``""`` when the case
        was scored, else the error message, with one row for that case and NaN metrics), in
        the order of ``pairs``. ``label`` is int64, or pandas' nullable ``Int64`` when a
        failed case leaves it missing.

    Raises
    ------
    ImportError
        If dask is not installed (``pip install "shapeoverlap[dask]"``).
    ValueError
        For invalid options, an empty cohort, a CSV or DataFrame without ``pred``/``ref``
        columns, an empty ``pred``/``ref`` cell, or repeated case ids.

    See Also
    --------
    score : The per-case table.
    summarize : Per-label statistics of the result.

    Examples
    --------
    >>> import numpy as np
    >>> import shapeoverlap as so
    >>> ref = np.zeros((8, 8, 8), bool); ref[2:6, 2:6, 2:6] = True
    >>> pairs = [(np.roll(ref, k, axis=0), ref, f"shift{k}") for k in (0, 1, 2)]
    >>> t = so.medical.score_cohort(pairs, metrics=["dice"], progress=False)
    >>> t[["case", "label", "dice"]]
         case  label  dice
    0  shift0      1  1.00
    1  shift1      1  0.75
    2  shift2      1  0.50
    """
    try:
        import dask
    except ImportError as exc:  # pragma: no cover - dask is in the test extra
        raise ImportError(
            'score_cohort runs on dask; install it with pip install "shapeoverlap[dask]"'
        ) from exc
    unknown = sorted(set(kw) - {"labels", "spacing", "metrics", "tolerance", "hd95", "empty"})
    if unknown:
        raise ValueError(f"unknown option(s) for score: {', '.join(unknown)}")
    metrics, _, _, _ = check_options(kw.get("metrics", DEFAULT_METRICS), kw.get("hd95",
                                     "directed"), kw.get("tolerance", 1.0),
                                     kw.get("empty", np.nan), kw.get("labels"))
    check_spacing(kw.get("spacing"))
    items = _read_pairs(pairs)
    tasks = [dask.delayed(_score_case)(p, r, c, kw) for p, r, c in items]
    if client is not None:
        futures = client.compute(tasks)
        if progress:
            from distributed import as_completed
            from tqdm.auto import tqdm

            for _ in tqdm(as_completed(futures), total=len(futures), file=sys.stderr,
                          desc="cases", unit="case"):
                pass
        results = client.gather(futures)
    elif progress:
        from dask.diagnostics import ProgressBar

        with ProgressBar(out=sys.stderr):
            results = dask.compute(*tasks, scheduler="threads")
    else:
        results = dask.compute(*tasks, scheduler="threads")
    cols = ["case", "label", *metrics, "empty", "error"]
    frames = [r for r in results if len(r)]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)
    for c in cols:
        if c not in table:
            table[c] = np.nan
    table = table[cols]
    table["error"] = table["error"].fillna("")
    # integer labels; pandas' nullable Int64 when a failed case leaves a missing label
    labels = table["label"]
    table["label"] = labels.astype(np.int64 if labels.notna().all() else "Int64")
    return table


def _metric_columns(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if c not in _ID_COLUMNS
            and pd.api.types.is_numeric_dtype(table[c])]


def _ok_rows(table: pd.DataFrame, name: str) -> pd.DataFrame:
    if "label" not in table:
        raise ValueError(f"{name} has no label column; pass a table from score or score_cohort")
    if "error" in table:
        table = table[~table["error"].fillna("").astype(bool)]
    return table[table["label"].notna()]


def _quantile(values: np.ndarray, q: Sequence[float]) -> np.ndarray:
    """Linearly interpolated quantiles (numpy's default method) that keep infinities.

    numpy interpolates ``x[j] + g (x[j+1] - x[j])``, which is NaN as soon as a neighbour is
    infinite. Here an infinite neighbour with a weight ``> 0`` gives that infinity (``g > 0``
    for ``x[j+1]``, ``g < 1`` for ``x[j]``); ``g = 0`` gives ``x[j]`` exactly; neighbours
    ``-inf`` and ``+inf`` both weighted give NaN. NaN values must be removed first.
    """
    x = np.sort(np.asarray(values, dtype=np.float64))
    qs = np.asarray(q, dtype=np.float64)
    h = (x.size - 1) * qs
    j = np.clip(np.floor(h).astype(np.intp), 0, x.size - 1)
    g = h - j
    lo, hi = x[j], x[np.minimum(j + 1, x.size - 1)]
    with np.errstate(invalid="ignore"):
        diff = hi - lo
        # numpy's lerp, in its two forms for g < 0.5 and g >= 0.5
        out = np.where(g < 0.5, lo + diff * g, hi - diff * (1 - g))
    out = np.where(np.isfinite(lo) & np.isfinite(hi), out, np.nan)
    inf_lo, inf_hi = np.isinf(lo), np.isinf(hi) & (g > 0)
    out = np.where(inf_hi, hi, out)
    out = np.where(inf_lo, lo, out)
    out = np.where(inf_lo & inf_hi & (lo != hi), np.nan, out)
    return np.where(g == 0, lo, out)


def _bootstrap_ci(values: np.ndarray, ci: float, n_boot: int, seed: int) -> tuple[float, float]:
    n = values.size
    if n == 0:
        return float("nan"), float("nan")
    if n == 1:
        return float(values[0]), float(values[0])
    rng = np.random.default_rng(seed)
    means = np.empty(n_boot)
    # resample in chunks to bound memory (n_boot × n indices)
    step = max(1, 2_000_000 // n)
    for i in range(0, n_boot, step):
        k = min(step, n_boot - i)
        means[i:i + k] = values[rng.integers(0, n, size=(k, n))].mean(axis=1)
    lo, hi = _quantile(means, [(1 - ci) / 2, 1 - (1 - ci) / 2])
    return float(lo), float(hi)


def _check_boot(ci: float, n_boot: int) -> None:
    if not 0 < ci < 1:
        raise ValueError(f"ci must be in (0, 1); got {ci!r}")
    if int(n_boot) != n_boot or n_boot < 1:
        raise ValueError(f"n_boot must be a positive integer; got {n_boot!r}")


def _check_unique(table: pd.DataFrame, keys: list[str], name: str) -> None:
    """Raise a ValueError naming the ``keys`` combinations that occur more than once."""
    counts = table.groupby(keys, sort=True, dropna=False).size()
    dup = counts[counts > 1]
    if dup.empty:
        return
    shown = ", ".join(f"({', '.join(map(repr, k))}) ×{c}" for k, c in dup.head(5).items())
    more = f" and {dup.size - 5} more" if dup.size > 5 else ""
    raise ValueError(
        f"{name} has repeated ({', '.join(keys)}) keys: {shown}{more}; rows are paired on "
        "them, so each case needs a distinct id (score_cohort's case column)"
    )


def _listed(items: Sequence[Any], k: int = 5) -> str:
    shown = ", ".join(map(repr, items[:k]))
    return shown + (f" and {len(items) - k} more" if len(items) > k else "")


def _check_shared(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Raise when no case is shared; warn about (case, label) rows found in one table only."""
    cases_a, cases_b = set(a["case"]), set(b["case"])
    only_a, only_b = sorted(cases_a - cases_b), sorted(cases_b - cases_a)
    if not cases_a & cases_b:
        raise ValueError(
            f"table_a and table_b share no case id (table_a: {_listed(sorted(cases_a))}; "
            f"table_b: {_listed(sorted(cases_b))}); score both methods with the same case "
            "ids (score_cohort's case column)"
        )
    keys_a = set(zip(a["case"], a["label"], strict=True))
    keys_b = set(zip(b["case"], b["label"], strict=True))
    lone = sorted(keys_a ^ keys_b, key=str)
    if lone:
        parts = []
        if only_a:
            parts.append(f"cases only in table_a: {_listed(only_a)}")
        if only_b:
            parts.append(f"cases only in table_b: {_listed(only_b)}")
        rest = [k for k in lone if k[0] not in only_a and k[0] not in only_b]
        if rest:
            parts.append(f"(case, label) only in one table: {_listed(rest)}")
        warnings.warn(
            f"{len(lone)} (case, label) row(s) have no partner in the other table and are "
            f"left out ({'; '.join(parts)}); keep only the shared cases in both tables to "
            "silence this",
            stacklevel=3,
        )


def summarize(table: pd.DataFrame, ci: float = 0.95, n_boot: int = 2000,
              seed: int = 0) -> pd.DataFrame:
    """Per-label statistics of every metric of a cohort table, with bootstrap CIs of the mean.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`score_cohort` (or :func:`score`): a ``label`` column and numeric
        metric columns; rows with an ``error`` are left out.
    ci : float, default 0.95
        Coverage of the confidence interval.
    n_boot : int, default 2000
        Bootstrap resamples.
    seed : int, default 0
        Seed of the ``numpy.random.Generator`` (a fresh one per label and metric, so results
        do not depend on the order of the groups).

    Returns
    -------
    pandas.DataFrame
        Long table with columns ``label, metric, n, mean, std, median, q25, q75, ci_low,
        ci_high``: ``n`` counts the non-NaN values (NaN = undefined, e.g. both masks empty);
        ``std`` uses ``ddof=1``; ``q25``/``q75`` bound the IQR; ``ci_low``/``ci_high`` are the
        percentile bootstrap interval of the mean (cases resampled with replacement).
        Quantiles are linearly interpolated (numpy's default), except that an infinite
        neighbour with a non-zero weight gives that infinity (numpy's interpolation would give
        NaN). Infinite distances (one side empty) are kept: one makes the label's mean
        infinite, and ``q75``/``ci_high`` too when it weighs in; ``std`` is then NaN (the
        deviation from an infinite mean is undefined).

    Raises
    ------
    ValueError
        If ``ci`` is not in (0, 1), ``n_boot < 1``, or ``table`` has no ``label`` column.

    See Also
    --------
    paired : Compare two methods on the same cases.

    Examples
    --------
    >>> import pandas as pd
    >>> import shapeoverlap as so
    >>> t = pd.DataFrame({"case": list("abcd"), "label": 1, "dice": [0.8, 0.9, 0.7, 0.6]})
    >>> s = so.medical.summarize(t, n_boot=500)
    >>> s[["label", "metric", "n", "mean", "median"]].round(3)
       label metric  n  mean  median
    0      1   dice  4  0.75    0.75
    """
    _check_boot(ci, n_boot)
    ok = _ok_rows(table, "table")
    rows = []
    for lab, group in ok.groupby("label", sort=True):
        for metric in _metric_columns(ok):
            v = group[metric].to_numpy(dtype=np.float64)
            v = v[~np.isnan(v)]
            n = int(v.size)
            with np.errstate(invalid="ignore"):
                rows.append({
                    "label": lab, "metric": metric, "n": n,
                    "mean": float(np.mean(v)) if n else np.nan,
                    "std": float(np.std(v, ddof=1)) if n > 1 else np.nan,
                    "median": float(np.median(v)) if n else np.nan,
                    **dict(zip(("q25", "q75"), _quantile(v, (0.25, 0.75)) if n
                               else (np.nan, np.nan), strict=True)),
                    **dict(zip(("ci_low", "ci_high"), _bootstrap_ci(v, ci, int(n_boot), seed),
                               strict=True)),
                })
    cols = ["label", "metric", "n", "mean", "std", "median", "q25", "q75", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=cols)


def paired(table_a: pd.DataFrame, table_b: pd.DataFrame, metric: str = "dice",
           n_boot: int = 2000, seed: int = 0, ci: float = 0.95) -> pd.DataFrame:
    """Paired comparison of two methods scored on the same cases, per label.

    Parameters
    ----------
    table_a, table_b : pandas.DataFrame
        Cohort tables (:func:`score_cohort`) of methods A and B. Rows are paired on
        ``(case, label)``, which must be unique in each table; case ids are compared as text
        (``1``, ``1.0`` and ``"1"`` name the same case). Tables without a ``case`` column are
        paired by position within each label. Rows with an ``error`` are left out.
    metric : str, default "dice"
        Metric column compared.
    n_boot : int, default 2000
        Bootstrap resamples for the confidence interval of the mean difference.
    seed : int, default 0
        Seed of the ``numpy.random.Generator`` (fresh per label).
    ci : float, default 0.95
        Coverage of the confidence interval.

    Returns
    -------
    pandas.DataFrame
        One row per label: ``label, n, mean_diff, ci_low, ci_high, p_value``. ``n`` counts the
        pairs where the difference ``a − b`` is finite; ``mean_diff`` is its mean over them;
        ``p_value`` is the two-sided Wilcoxon signed-rank test of ``scipy.stats.wilcoxon``
        with its default options (zero differences dropped). With two or more pairs whose
        differences are all zero, ``p_value`` is 1.0 (no evidence of a difference; recent
        scipy gives the same, older versions raise). It is NaN with fewer than two pairs, or
        when scipy cannot compute it.

    Raises
    ------
    ValueError
        If ``metric`` is not a column of both tables, the tables have no ``label`` column, a
        ``(case, label)`` pair repeats in either table (the message names the repeated
        pairs), or the tables share no case id.

    Warns
    -----
    UserWarning
        When some ``(case, label)`` rows have no partner in the other table (they are left
        out; the message names some of the cases found in one table only).

    See Also
    --------
    summarize : Per-label statistics of one table.

    Examples
    --------
    >>> import pandas as pd
    >>> import shapeoverlap as so
    >>> a = pd.DataFrame({"case": list("abcdef"), "label": 1,
    ...                   "dice": [0.81, 0.92, 0.77, 0.85, 0.88, 0.90]})
    >>> b = a.assign(dice=a["dice"] - [0.05, 0.02, 0.04, 0.01, 0.03, 0.06])
    >>> r = so.medical.paired(a, b, n_boot=500)
    >>> r[["label", "n", "mean_diff", "p_value"]].round(4)
       label  n  mean_diff  p_value
    0      1  6      0.035   0.0312
    """
    from scipy import stats

    _check_boot(ci, n_boot)
    a, b = _ok_rows(table_a, "table_a"), _ok_rows(table_b, "table_b")
    for name, t in (("table_a", a), ("table_b", b)):
        if metric not in t:
            raise ValueError(f"{name} has no column {metric!r}; choose from "
                             f"{', '.join(c for c in METRICS if c in t) or 'none'}")
    if "case" in a and "case" in b:
        keys = ["case", "label"]
        # compare ids as text, so that 1 (int) and "1" (str) name the same case
        a = a.assign(case=a["case"].map(_case_str))
        b = b.assign(case=b["case"].map(_case_str))
        for name, t in (("table_a", a), ("table_b", b)):
            _check_unique(t, keys, name)
        _check_shared(a, b)
    else:
        a = a.assign(_pos=a.groupby("label").cumcount())
        b = b.assign(_pos=b.groupby("label").cumcount())
        keys = ["_pos", "label"]
    merged = a[[*keys, metric]].merge(b[[*keys, metric]], on=keys, suffixes=("_a", "_b"))
    rows = []
    for lab, g in merged.groupby("label", sort=True):
        with np.errstate(invalid="ignore"):
            d = (g[f"{metric}_a"] - g[f"{metric}_b"]).to_numpy(dtype=np.float64)
        d = d[np.isfinite(d)]
        n = int(d.size)
        p = np.nan
        if n > 1 and not d.any():
            p = 1.0
        elif n > 1:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    p = float(stats.wilcoxon(d).pvalue)
                except ValueError:
                    p = np.nan
        lo, hi = _bootstrap_ci(d, ci, int(n_boot), seed)
        rows.append({"label": lab, "n": n, "mean_diff": float(d.mean()) if n else np.nan,
                     "ci_low": lo, "ci_high": hi, "p_value": p})
    return pd.DataFrame(rows, columns=["label", "n", "mean_diff", "ci_low", "ci_high",
                                       "p_value"])
