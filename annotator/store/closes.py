"""Which projects annotator closed cleanly, so that opening one again can skip re-reading it.

Opening a project reads every short text once (half a second at 100,000 claims), so that
text another program damaged (bytes that are not UTF-8) is reported before work starts
rather than in the middle of it. A project annotator closed itself holds only text annotator
wrote. When the file is exactly as annotator left it — the same file, size, modification
and change times, and no write-ahead log beside it — that reading is skipped. SQLite's
structural check (``quick_check``) always runs.

The record is a small JSON file in the user's data folder (``annotator.paths.data_dir``).
If it is lost, unreadable or cannot be written, the next opening reads everything again.

A file changed by another program within the same tick of the file system's clock as
annotator's last write could look unchanged. ``remember`` therefore waits until the clock
has moved on from that write (at most ``_SETTLE_NS``) before recording, and records nothing
on file systems that keep whole seconds only.
"""

from __future__ import annotations

import json
import os
import threading
import time
from contextlib import suppress
from pathlib import Path

RECORD_NAME = "closed-cleanly.json"
_KEEP = 200  # projects remembered; the oldest are forgotten first
_SETTLE_NS = 30_000_000  # longer than the coarse clock tick of common file systems (1-10 ms)
_lock = threading.Lock()  # one reader-writer of the record at a time (closes may run on threads)
_closing: dict[str, threading.Thread] = {}  # projects being closed on a thread of their own
_closing_lock = threading.Lock()


def record_file() -> Path:
    """Where the record is kept now (a close on a thread is given it when it is asked for)."""
    from annotator.paths import data_dir

    return data_dir() / RECORD_NAME


def _key(path: Path) -> str:
    return str(path.resolve())


def _stamp(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _has_journal(path: Path) -> bool:
    for suffix in ("-wal", "-journal"):
        try:
            if os.stat(path.with_name(path.name + suffix)).st_size > 0:
                return True
        except OSError:
            continue
    return False


def _read(record: Path | None = None) -> dict[str, list[int]]:
    try:
        data = json.loads((record or record_file()).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    projects = data.get("projects") if isinstance(data, dict) else None
    if not isinstance(projects, dict):
        return {}
    return {k: v for k, v in projects.items() if isinstance(v, list) and all(isinstance(x, int) for x in v)}


def _write(projects: dict[str, list[int]], record: Path | None = None) -> None:
    with suppress(OSError):
        target = record or record_file()
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        kept = dict(list(projects.items())[-_KEEP:])
        partial.write_text(json.dumps({"version": 1, "projects": kept}), encoding="utf-8")
        os.replace(partial, target)


def closed_cleanly(path: str | os.PathLike) -> bool:
    """Whether the project at ``path`` is exactly as annotator left it when it last closed it."""
    path = Path(path)
    if _has_journal(path):
        return False
    stamp = _stamp(path)
    return stamp is not None and _read().get(_key(path)) == stamp


def remember(path: str | os.PathLike, record: Path | None = None) -> None:
    """Record that annotator has just closed the project at ``path`` cleanly (its log copied
    into the file and removed). Called with the project's write lock still held."""
    path = Path(path)
    with _lock:
        _remember(path, record)


def _remember(path: Path, record: Path | None) -> None:
    projects = _read(record)
    projects.pop(_key(path), None)
    stamp = _stamp(path)
    if stamp is not None and not _has_journal(path) and stamp[3] % 1_000_000_000 != 0:
        wait = stamp[3] + _SETTLE_NS - time.time_ns()
        if 0 < wait <= _SETTLE_NS:
            time.sleep(wait / 1e9)
        if wait <= _SETTLE_NS and _stamp(path) == stamp:  # a clock far behind the file's: not trusted
            projects[_key(path)] = stamp
    _write(projects, record)


def forget(path: str | os.PathLike) -> None:
    """Drop the record for ``path`` (its next opening reads everything)."""
    with _lock:
        projects = _read()
        if projects.pop(_key(Path(path)), None) is not None:
            _write(projects)


def closing(path: str | os.PathLike, thread: threading.Thread) -> None:
    """``thread`` (not started yet) closes the project at ``path``: see ``wait_for_close``."""
    with _closing_lock:
        _closing[_key(Path(path))] = thread


def closed(path: str | os.PathLike, thread: threading.Thread) -> None:
    """``thread`` has closed the project at ``path``."""
    with _closing_lock:
        key = _key(Path(path))
        if _closing.get(key) is thread:
            del _closing[key]


def wait_for_close(path: str | os.PathLike) -> None:
    """Return once no thread is closing the project at ``path`` (its lock is released and its
    clean close recorded). Opening a project calls this first."""
    key = _key(Path(path))
    with _closing_lock:
        thread = _closing.get(key)
    if thread is not None and thread is not threading.current_thread():
        thread.join()  # the thread takes itself off the registry (``closed``)
