"""The long fuzz run: thousands of generated inputs per importer format and per CSV file kind.

Each input runs in a child process (forked, so the libraries are imported once) with a
time limit and an address-space limit (RLIMIT_AS), and ends as one of:

- a clear error: an annotator error with a message (the import or load was refused);
- an import or load: it went through, and the result passes the checks in tests/fuzzing.py;
- a crash: any other exception, a result that breaks those checks, a refused load that
  changed the project, or a child that died (a signal, a C library abort);
- a hang: no answer within the time limit;
- a memory blowup: a MemoryError under the limit (also when the importer turned one into
  "too large to be read with the memory available").

Clear errors that the importer's last resort made out of a library exception ("it may be
damaged (ValueError)") are counted too: they are not crashes, but each is a message less
precise than it could be. Input N of a format or kind is generated from the seed
"<format>:<N>", so any sample can be regenerated (see ``generate``).

``python bench/run.py fuzz --count 300`` is a quick run; the default is 10,000 per format
and per kind. POSIX only (fork and resource limits).
"""

from __future__ import annotations

import json
import os
import random
import resource
import select
import shutil
import signal
import sys
import time
from collections import Counter
from pathlib import Path

from tests import fuzzing

COUNT = 10_000
TIME_LIMIT_S = 30.0
MEMORY_LIMIT = 1024**3  # bytes of address space per child
_KINDS = ("refused", "ok", "crash", "hang", "memory")
_SUFFIX = {"txt": ".txt", "md": ".md", "html": ".html", "docx": ".docx", "pdf": ".pdf"}


def generate(what: str, number: int) -> fuzzing.RandomChoices:
    """The choices behind input ``number`` of a format or CSV kind: the same on every run."""
    return fuzzing.RandomChoices(random.Random(f"{what}:{number}"))


def in_child(task, time_limit: float = TIME_LIMIT_S, memory_limit: int = MEMORY_LIMIT) -> dict:
    """Run ``task()`` (which returns a JSON-able dict) in a forked child under the limits."""
    sys.stdout.flush()
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        try:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
            result = task()
        except MemoryError:
            result = {"kind": "memory", "detail": "MemoryError"}
        except BaseException as exc:
            result = {"kind": "crash", "detail": f"{type(exc).__name__}: {exc}"[:300]}
        try:
            payload = json.dumps(result).encode()
            while payload:
                payload = payload[os.write(write_end, payload):]
        finally:
            os._exit(0)
    os.close(write_end)
    chunks = []
    deadline = time.monotonic() + time_limit
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return {"kind": "hang", "detail": f"no answer within {time_limit:g} s"}
            ready, _, _ = select.select([read_end], [], [], remaining)
            if ready:
                chunk = os.read(read_end, 65536)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_end)
    _, status = os.waitpid(pid, 0)
    if chunks:
        return json.loads(b"".join(chunks))
    if os.WIFSIGNALED(status):
        return {"kind": "crash", "detail": f"the child died of {signal.Signals(os.WTERMSIG(status)).name}"}
    return {"kind": "crash", "detail": f"the child exited with status {os.WEXITSTATUS(status)} and no result"}


def _import_task(data: bytes, filename: str):
    def task() -> dict:
        outcome, _doc = fuzzing.check_import(data, filename)
        kind = outcome.kind
        if kind == "refused" and "memory available" in outcome.detail:
            kind = "memory"
        return {"kind": kind, "detail": outcome.detail, "library": outcome.library}

    return task


def _load_task(template: Path, work: Path, folder: Path, accept_valid: bool):
    def task() -> dict:
        from annotator.store import open_project

        project = work / "project.annotator"
        shutil.copy(template, project)
        store = open_project(project)
        try:
            outcome = fuzzing.check_load(store, folder, accept_valid)
        finally:
            store.close()
        return {"kind": outcome.kind, "detail": outcome.detail, "library": False}

    return task


class Tally:
    def __init__(self, label: str):
        self.label = label
        self.counts: Counter = Counter()
        self.library = 0
        self.samples: dict[str, tuple[int, str]] = {}
        self.seconds = 0.0

    def add(self, number: int, result: dict) -> None:
        kind = result["kind"]
        self.counts[kind] += 1
        self.library += bool(result.get("library"))
        if kind != "ok":
            self.samples.setdefault(kind, (number, result.get("detail", "")))
        if result.get("library"):
            self.samples.setdefault("library", (number, result.get("detail", "")))

    def row(self) -> tuple[str, str, str, str]:
        c = self.counts
        total = sum(c.values())
        bad = c["crash"] + c["hang"] + c["memory"]
        return (f"{self.label} ({total:,} inputs, {self.seconds:.0f} s): errors / ok / crashes / hangs / memory",
                " / ".join(f"{c[k]:,}" for k in _KINDS), "crashes, hangs, memory: 0", "yes" if bad == 0 else "NO")


def _preload() -> None:
    """Import every library the importers use once, before forking, so children share them."""
    for fmt, data in fuzzing.seeds().items():
        fuzzing.check_import(data, "seed" + _SUFFIX[fmt])


def run(tmp: Path, count: int | None = None):
    count = count or COUNT
    tmp = Path(tmp) / "fuzz"
    tmp.mkdir()
    saved = os.environ.get("ANNOTATOR_DATA_DIR")
    os.environ["ANNOTATOR_DATA_DIR"] = str(tmp / "userdata")  # never the real user's records
    try:
        _preload()
        tallies = []
        for fmt in fuzzing.IMPORT_FORMATS:
            tally = Tally(f"import {fmt}")
            began = time.perf_counter()
            for number in range(count):
                data, filename = fuzzing.import_input(generate(fmt, number), fmt)
                tally.add(number, in_child(_import_task(data, filename)))
            tally.seconds = time.perf_counter() - began
            tallies.append(tally)
        template = tmp / "template.annotator"
        info = fuzzing.build_project(template)
        for kind in fuzzing.CSV_KINDS:
            tally = Tally(f"load {kind}.csv")
            began = time.perf_counter()
            for number in range(count):
                choices = generate(kind, number)
                work = tmp / "work"
                folder = fuzzing.write_folder(work / "csv", fuzzing.csv_folder(choices, info, kind))
                tally.add(number, in_child(_load_task(template, work, folder, choices.boolean())))
                shutil.rmtree(work)
            tally.seconds = time.perf_counter() - began
            tallies.append(tally)
    finally:
        if saved is None:
            os.environ.pop("ANNOTATOR_DATA_DIR", None)
        else:
            os.environ["ANNOTATOR_DATA_DIR"] = saved
    rows = [t.row() for t in tallies]
    rows += [(f"{t.label}: clear errors made from a library exception", f"{t.library:,}", "(fewer is better)", "")
             for t in tallies if t.library]
    for t in tallies:
        for kind, (number, detail) in sorted(t.samples.items()):
            if kind in ("crash", "hang", "memory", "library"):
                print(f"  sample {kind:8} {t.label} input {number}: {detail}")
    limits = f"{TIME_LIMIT_S:g} s and {MEMORY_LIMIT // 1024**2:,} MB per input"
    return f"Fuzzing: {count:,} inputs per format and per CSV file kind ({limits})", rows
