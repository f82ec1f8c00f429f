"""Benchmarks: ``python bench/run.py`` prints one table per area.

Targets are checked here, never in unit tests (the machines are shared and
noisy). Each figure is the median of several runs; compare rows measured in
the same run rather than absolute numbers across machines.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import (  # noqa: E402
    bench_conflicts,
    bench_fuzz,
    bench_gui,
    bench_interchange,
    bench_matching,
    bench_paraphrase,
    bench_regimes,
    bench_reliability,
    bench_robustness,
    bench_scale,
    bench_scoring,
    bench_store,
    bench_wording,
)

SUITES = {"store": bench_store.run, "gui": bench_gui.run, "emergent": bench_reliability.run_emergent,
          "book": bench_reliability.run_book, "synthetic": bench_reliability.run_synthetic,
          "regimes": bench_regimes.run,
          "matching": bench_matching.run_demo_and_speed, "matching-emergent": bench_matching.run_emergent_quality,
          "checkworthy": bench_matching.run_checkworthy, "robustness": bench_robustness.run,
          "scale": bench_scale.run, "scoring": bench_scoring.run, "interchange": bench_interchange.run,
          "fuzz": bench_fuzz.run, "wording": bench_wording.run, "conflicts": bench_conflicts.run,
          "paraphrase": bench_paraphrase.run}
#: Not run by default: 100,000 inputs, each in its own process, take hours (``--count`` shortens it).
LONG = {"fuzz"}


def table(title: str, rows: list[tuple[str, str, str, str]]) -> str:
    header = ("measure", "result", "target", "ok")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(4)]
    line = "  ".join("-" * w for w in widths)
    out = [f"\n{title}", line, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)), line]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    out.append(line)
    return "\n".join(out)


def timed(fn, repeat: int = 5) -> float:
    """Median wall time of ``fn()`` in seconds."""
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suites", nargs="*", metavar="SUITE",
                        help=f"any of {', '.join(SUITES)} (default: all but {', '.join(sorted(LONG))})")
    parser.add_argument("--count", type=int, metavar="N",
                        help=f"fuzz: inputs per format and per CSV file kind (default {bench_fuzz.COUNT:,})")
    args = parser.parse_args()
    if args.count is not None:
        if args.count < 1:
            parser.error("--count must be 1 or more")
        bench_fuzz.COUNT = args.count
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    unknown = set(args.suites) - set(SUITES)
    if unknown:
        parser.error(f"unknown suite(s): {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.suites or [s for s in SUITES if s not in LONG]:
            title, rows = SUITES[name](Path(tmp))
            print(table(title, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
