"""Scoring a large project from the command line: ``annotator score PROJECT --json`` on the
generated 100,000-claim project (1,000 documents, 50 sources, 100,000 links, 20,000 verdicts),
run as its own process as a user or a script would, so the figures include start-up, reading
the project, text re-use detection, the model and writing the JSON. The project is the one
the scale suite builds (reused when that suite ran first in the same run).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.bench_scale import REPO, _ok, _project

RUNS = 3


# Runs the command as its child and reports the child's wall time and peak RSS. The peak of a
# process started straight from the bench would count the bench's own memory: Linux carries
# the parent's peak over into a child that forks and then runs another program.
_WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:])\n"
    "wall = time.perf_counter() - t\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(f'@measured {done.returncode} {wall} {peak}', file=sys.stderr)\n"
    "sys.exit(done.returncode)\n")


def measured(cmd: list[str]) -> tuple[float, float | None, str]:
    """Wall seconds, peak RSS in MB (None where not measurable) and stdout of one command,
    run as a user or a script would run it."""
    if sys.platform == "win32":
        t0 = time.perf_counter()
        done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[2:4])} failed: {done.stderr}")
        return time.perf_counter() - t0, None, done.stdout
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], cwd=REPO, capture_output=True, text=True)
    report = [line for line in done.stderr.splitlines() if line.startswith("@measured ")]
    if done.returncode != 0 or not report:
        raise RuntimeError(f"{' '.join(cmd[2:4])} failed: {done.stderr}")
    _, _code, wall, peak = report[-1].split()
    scale = 1e6 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return float(wall), int(peak) / scale, done.stdout


def _score_once(project: Path) -> tuple[float, float | None]:
    """Wall seconds and peak RSS in MB of one ``annotator score PROJECT --json``."""
    wall, peak, _ = measured([sys.executable, "-m", "annotator", "score", str(project), "--json"])
    return wall, peak


def run(tmp: Path):
    rows: list = []
    project = _project(tmp, 1.0, rows)
    _score_once(project)  # the first run of a new file may upgrade it and keep a backup
    runs = [_score_once(project) for _ in range(RUNS)]
    wall = statistics.median(w for w, _ in runs)
    peaks = [p for _, p in runs if p is not None]
    peak = max(peaks) if peaks else None
    rows.append((f"score the 100k project (annotator score --json): wall time, median of {RUNS}",
                 f"{wall:.2f} s", "≤ 2 s", _ok(wall, 2.0)))
    rows.append(("score the 100k project (annotator score --json): peak RSS, largest of the runs",
                 f"{peak:.0f} MB" if peak is not None else "not measured here", "≤ 300 MB",
                 _ok(peak, 300.0) if peak is not None else ""))
    return "Scoring: annotator score on 100,000 claims", rows
