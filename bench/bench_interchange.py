"""Bulk interchange at 100,000 claims: ``annotator export PROJECT DIR`` (the five CSV files) and
``annotator load`` of those files into the same project without its annotations, each run as
its own process as a user or a script would (start-up included), with its wall time and peak
memory. The project is the one the scale suite builds (reused when it ran first in this run).
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

from bench.bench_scale import _ok, _project
from bench.bench_scoring import measured


def _without_annotations(project: Path, target: Path) -> Path:
    """A copy of ``project`` with its documents and sources but no claims, links or verdicts."""
    with sqlite3.connect(project) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    with sqlite3.connect(target) as db:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("DELETE FROM claims")  # links and verdicts go with them
        db.execute("DELETE FROM change_log")
    return target


def _with_half(project: Path, target: Path) -> Path:
    """A copy of ``project`` that keeps every other claim (and the links and verdicts among
    those): a load then adds the rest to tables that already hold rows."""
    with sqlite3.connect(project) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    with sqlite3.connect(target) as db:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("DELETE FROM claims WHERE rowid % 2 = 0")
        db.execute("DELETE FROM change_log")
    return target


def _figures(wall: float, peak: float | None) -> str:
    return f"{wall:.1f} s / {peak:.0f} MB" if peak is not None else f"{wall:.1f} s / not measured here"


def _within(wall: float, peak: float | None, seconds: float) -> str:
    return _ok(wall, seconds) if peak is None else ("yes" if wall <= seconds and peak <= 400 else "NO")


def run(tmp: Path):
    rows: list = []
    project = _project(tmp, 1.0, rows)
    out = tmp / "interchange-export"
    wall, peak, _ = measured([sys.executable, "-m", "annotator", "export", str(project), str(out)])
    sizes = sum(f.stat().st_size for f in out.iterdir()) / 1e6
    rows.append((f"export the 100k project as CSV (annotator export; {sizes:.0f} MB written): wall / peak RSS",
                 _figures(wall, peak), "≤ 2 s / ≤ 400 MB", _within(wall, peak, 2.0)))
    bare = _without_annotations(project, tmp / "interchange-bare.annotator")
    wall, peak, said = measured([sys.executable, "-m", "annotator", "load", str(bare), str(out)])
    loaded = next((line for line in said.splitlines() if "claims" in line), said.strip()[:80])
    rows.append((f"load those files into the project without its annotations (annotator load: {loaded.strip()}): "
                 "wall / peak RSS", _figures(wall, peak), "≤ 4 s / ≤ 400 MB", _within(wall, peak, 4.0)))
    half = _with_half(project, tmp / "interchange-half.annotator")
    wall, peak, said = measured([sys.executable, "-m", "annotator", "load", str(half), str(out)])
    loaded = next((line for line in said.splitlines() if "claims" in line), said.strip()[:80])
    rows.append((f"load them into the project holding every other claim already (annotator load: {loaded.strip()}): "
                 "wall / peak RSS", _figures(wall, peak), "≤ 4 s / ≤ 400 MB", _within(wall, peak, 4.0)))
    shutil.rmtree(out, ignore_errors=True)
    return "Interchange: CSV export and load at 100,000 claims", rows
