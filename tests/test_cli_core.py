"""The command line frame, the core demo section, the README promise and the grid figure."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import shapeoverlap as so
from shapeoverlap.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_core_demo_writes_table_and_figure(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path), "--only", "core"]) == 0
    out = capsys.readouterr().out
    assert "Core measures on embedded examples" in out
    table = pd.read_csv(tmp_path / "core_measures_embedded_examples.csv")
    assert (tmp_path / "core_regions.png").stat().st_size > 10_000
    sleep = table.iloc[0]
    # diary: 22:30-06:30 and a nap 13:00-13:30; actigraphy 23:15-07:00 -> 7.25 h shared
    assert sleep["intersection"] == pytest.approx(7.25)
    assert sleep["union"] == pytest.approx(9.0)
    assert sleep["iou"] == pytest.approx(7.25 / 9.0)
    assert sleep["hull"] == pytest.approx(15.0)  # 22:30 -> 13:30 is the short arc
    assert np.all(table[["iou", "dice"]].to_numpy() <= 1)


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert so.__version__ in capsys.readouterr().out


def test_unknown_option_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--only", "nothing"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_readme_quick_start_matches_ci():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```(?:sh|bash|shell)\n(.*?)```", section, re.S).group(1)
    commands = [line for line in block.splitlines() if line.strip()]
    assert len(commands) == 2
    assert "shapeoverlap demo" in commands[0]
    test_cmd = commands[1].split("&&")[-1].strip()
    assert test_cmd.startswith("python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_cmd in ci
    assert 'if [ "$rc" -eq 5 ]' in ci  # "no tests" must fail CI


class TestRegionOverlapFigure:
    def test_title_reports_scores(self):
        a = np.zeros((10, 10), bool)
        a[2:6, 2:6] = True
        ax = so.plot.region_overlap(a, np.roll(a, 2, axis=0))
        assert ax.get_title() == "IoU 0.333, Dice 0.500"

    def test_periodic_axis_is_recentred(self):
        lon = xr.DataArray(np.arange(0.5, 360, 1.0), dims="lon", attrs={"period": 360.0})
        m = np.zeros((3, 360), bool)
        m[:, :5] = True
        m[:, -5:] = True  # one region cut by the seam
        a = xr.DataArray(m, dims=("lat", "lon"), coords={"lon": lon})
        ax = so.plot.region_overlap(a, a)
        drawn = np.asarray(ax.collections[0].get_array()).reshape(3, 360)
        cols = np.flatnonzero(drawn.any(axis=0))
        assert cols.tolist() == list(range(cols[0], cols[0] + 10))  # contiguous, no seam
        assert 100 < cols[0] < 260
        edges = ax.collections[0].get_coordinates()[0, :, 0]
        assert np.all(np.diff(edges) > 0)

    def test_rejects_3d(self):
        with pytest.raises(ValueError, match="two 2-D masks"):
            so.plot.region_overlap(np.zeros((2, 2, 2), bool), np.zeros((2, 2, 2), bool))
