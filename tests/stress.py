"""Run the test suite again and again while other processes keep every core busy.

CI is a busy 2-core machine; a test that passes only on an idle one rejects good work. This
script starts ``--burners`` processes that spin on the CPU (by default three per core, a load
of about 6 on 2 cores), then runs pytest ``--runs`` times and prints each run's result and a
summary line. It exits non-zero when any run failed.

    python -m tests.stress                      # 10 runs of the whole suite
    python -m tests.stress --runs 20 tests/gui  # only the GUI tests
    python -m tests.stress -- -k user_story     # extra pytest arguments after --
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _burn(stop) -> None:  # pragma: no cover - runs in the load processes
    x = 0
    while not stop.is_set():
        for _ in range(100_000):
            x = (x * 1103515245 + 12345) & 0x7FFFFFFF


def _summary(output: str) -> str:
    lines = [line for line in output.splitlines() if re.search(r"\b(passed|failed|error)", line)]
    return lines[-1].strip("= ") if lines else "no summary line"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.stress", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="how many runs (default 10)")
    parser.add_argument("--burners", type=int, default=3 * (os.cpu_count() or 2),
                        help="CPU-bound processes kept running meanwhile (default: three per core)")
    parser.add_argument("paths", nargs="*", default=["tests"], help="what to run (default: tests)")
    parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="after --: passed to pytest")
    args = parser.parse_args(argv)
    extra = [a for a in args.pytest_args if a != "--"]

    stop = multiprocessing.Event()
    burners = [multiprocessing.Process(target=_burn, args=(stop,), daemon=True) for _ in range(args.burners)]
    for process in burners:
        process.start()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    failures = 0
    try:
        for run in range(1, args.runs + 1):
            started = time.monotonic()
            result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args.paths,
                                     *extra], cwd=REPO, env=env, capture_output=True, text=True)
            seconds = time.monotonic() - started
            load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
            ok = result.returncode == 0
            failures += not ok
            print(f"run {run:2}/{args.runs}: {'PASS' if ok else 'FAIL'}  {_summary(result.stdout)}  "
                  f"({seconds:.0f} s, load {load:.1f})", flush=True)
            if not ok:
                failed = [line for line in result.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
                for line in failed or result.stdout.splitlines()[-20:]:
                    print("    " + line, flush=True)
    finally:
        stop.set()
        for process in burners:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
    print(f"{args.runs - failures} passed, {failures} failed (runs of the suite under {args.burners} burners)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
