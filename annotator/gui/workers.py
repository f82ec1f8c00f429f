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

import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


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
