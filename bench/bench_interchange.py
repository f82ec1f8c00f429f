"""Bulk interchange at 100,000 claims: ``annotator export PROJECT DIR`` (the five CSV files) and
``annotator load`` of those files into the same project without its annotations, and into it
holding every other claim, each run as its own process as a user or a script would (start-up
included), three times: the median wall time (with the fastest and slowest run) and the
largest peak memory. The project is the one the scale suite builds (reused when it ran first
in this run).
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import sys
from pathlib import Path

from bench.bench_scale import _ok, _project
from bench.bench_scoring import RUNS, measured


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


def _closed_by_annotator(project: Path, target: Path) -> Path:
    """A copy of ``project`` opened and closed by annotator, which then knows it as it left it."""
    from annotator.store import open_project

    shutil.copyfile(project, target)
    open_project(target).close()
    return target


def _figures(walls: list[float], peak: float | None) -> str:
    spread = f" (runs {min(walls):.1f}–{max(walls):.1f})" if len(walls) > 1 else ""
    wall = statistics.median(walls)
    return f"{wall:.1f} s{spread} / {peak:.0f} MB" if peak is not None else f"{wall:.1f} s{spread} / not measured here"


def _within(walls: list[float], peak: float | None, seconds: float) -> str:
    wall = statistics.median(walls)
    return _ok(wall, seconds) if peak is None else ("yes" if wall <= seconds and peak <= 400 else "NO")


def _runs(command: list[str], before=None) -> tuple[list[float], float | None, str]:
    """Wall times of RUNS runs of ``command`` (``before()`` first each time), the largest peak
    RSS and the last run's output: one run's time swings by a quarter on a shared machine."""
    walls, peaks, said = [], [], ""
    for _ in range(RUNS):
        if before is not None:
            before()
        wall, peak, said = measured(command)
        walls.append(wall)
        if peak is not None:
            peaks.append(peak)
    return walls, max(peaks) if peaks else None, said


def run(tmp: Path):
    rows: list = []
    project = _project(tmp, 1.0, rows)
    out = tmp / "interchange-export"
    walls, peak, _ = _runs([sys.executable, "-m", "annotator", "export", str(project), str(out)])
    sizes = sum(f.stat().st_size for f in out.iterdir()) / 1e6
    rows.append((f"export the 100k project as CSV (annotator export; {sizes:.0f} MB written), as generated: "
                 f"opening reads every short text first, as for any file annotator did not close last; wall, "
                 f"median of {RUNS} / peak RSS", _figures(walls, peak), "≤ 2 s / ≤ 400 MB", _within(walls, peak, 2.0)))
    closed = _closed_by_annotator(project, tmp / "interchange-closed.annotator")
    walls, peak, _ = _runs([sys.executable, "-m", "annotator", "export", str(closed), str(out)])
    rows.append((f"export it as annotator closed it last (the usual case: the project is worked on in the app); "
                 f"wall, median of {RUNS} / peak RSS", _figures(walls, peak), "≤ 2 s / ≤ 400 MB",
                 _within(walls, peak, 2.0)))
    for made, what in ((_without_annotations, "the project without its annotations"),
                       (_with_half, "the project holding every other claim already")):
        kept = made(project, tmp / "interchange-kept.annotator")
        target = tmp / "interchange-load.annotator"
        walls, peak, said = _runs([sys.executable, "-m", "annotator", "load", str(target), str(out)],
                                  before=lambda kept=kept, target=target: shutil.copyfile(kept, target))
        loaded = next((line for line in said.splitlines() if "claims" in line), said.strip()[:80])
        rows.append((f"load those files into {what} (annotator load: {loaded.strip()}): wall, median of {RUNS} / "
                     "peak RSS", _figures(walls, peak), "≤ 4 s / ≤ 400 MB", _within(walls, peak, 4.0)))
    shutil.rmtree(out, ignore_errors=True)
    return "Interchange: CSV export and load at 100,000 claims", rows
