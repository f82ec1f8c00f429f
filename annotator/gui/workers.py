"""Run slow, Qt-free work (file extraction, NLP, scoring) off the GUI thread.

The function runs on a pool thread and gets two callables: ``progress(done,
total, label)`` and ``cancelled()``. It must not touch widgets or the
project's SQLite connection; it returns plain data, which arrives on the GUI
thread through ``finished`` so that all writes stay on one thread.

The signals live on a QObject created on the GUI thread, so connected slots
run there; the runnable itself is owned by the pool and cannot be destroyed
while it runs.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal


# While a worker computes in Python, the GUI thread waits for the interpreter lock after
# every SQLite call and every Qt call that released it, up to the switch interval each
# time (5 ms by default): one Ctrl+E makes a dozen such calls, so an edit took about three
# times as long while a worker searched or parsed. At 1 ms the wait is short; a worker
# pays for it only while the GUI thread is busy too (bench/run.py scale compares both).
SWITCH_INTERVAL_S = 0.001


def favour_the_gui_thread() -> None:
    """Let the GUI thread take the interpreter back from a computing worker within 1 ms."""
    if sys.getswitchinterval() > SWITCH_INTERVAL_S:
        sys.setswitchinterval(SWITCH_INTERVAL_S)


def release_in_slices(owner: QObject, rows: dict, per_turn: int = 3_000) -> None:
    """Let go of a large dict nobody else holds a slice per turn of the event loop: freeing
    a project's 100,000 claim rows at once held the window for 50-100 ms. The dict is
    emptied in place, so it must be one only the caller held."""
    def step() -> None:
        for _ in range(min(per_turn, len(rows))):
            rows.popitem()
        if rows:
            QTimer.singleShot(0, owner, step)

    if rows:
        QTimer.singleShot(0, owner, step)


class Worker(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, fn: Callable, *args, **kwargs):
        super().__init__()
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._cancel = False
        self._done = False

    def cancel(self) -> None:
        self._cancel = True

    @property
    def done(self) -> bool:
        return self._done

    def _run(self) -> None:
        try:
            result = self._fn(*self._args, progress=self.progress.emit,
                              cancelled=lambda: self._cancel, **self._kwargs)
        except Exception as exc:  # reported to the user; the GUI stays usable
            traceback.print_exc()
            self._done = True
            self.failed.emit(str(exc) or exc.__class__.__name__)
        else:
            self._done = True
            self.finished.emit(result)

    def start(self) -> None:
        QThreadPool.globalInstance().start(QRunnable.create(self._run))

    @staticmethod
    def wait_all(ms: int = 30_000) -> bool:
        return QThreadPool.globalInstance().waitForDone(ms)
