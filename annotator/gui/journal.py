"""Keeping the project's write-ahead log short without making an edit wait for it.

Each edit is committed to the log at once (and synced). SQLite's automatic checkpoint
would copy the log into the project file during whichever commit crosses 1,000 pages,
so now and then one keystroke took 40-120 ms longer on a large project. The window turns
that off for its connection and copies the log here instead, in a worker, a moment
after the edits pause.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from annotator.gui.workers import Worker


class JournalTidier:
    DELAY_MS = 1500

    def __init__(self, parent: QObject, project_path: Callable[[], Path | None]):
        self.project_path = project_path
        self.timer = QTimer(parent)
        self.timer.setSingleShot(True)
        self.timer.setInterval(self.DELAY_MS)
        self.timer.timeout.connect(self._start)
        self.worker: Worker | None = None
        self.pages_left: int | None = None  # after the last tidy (0: the log is all in the file)

    def schedule(self) -> None:
        """An edit was committed: tidy once the edits pause."""
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _start(self) -> None:
        path = self.project_path()
        if path is None:
            return
        if self.worker is not None and not self.worker.done:
            self.timer.start()  # the last tidy is still copying: look again later
            return
        worker = Worker(_tidy, path)
        worker.finished.connect(self._finished)
        worker.failed.connect(self._failed)
        self.worker = worker
        worker.start()

    def _finished(self, pages_left: int) -> None:
        self.pages_left = pages_left

    def _failed(self, _message: str) -> None:
        # Nothing is at risk: the edits are in the log, and the next edit (or closing the
        # project, which checkpoints too) tries again.
        self.pages_left = None


def _tidy(path: Path, progress, cancelled) -> int:
    from annotator.services.projects import tidy_journal

    return tidy_journal(path)
