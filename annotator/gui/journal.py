"""The project's write-ahead log, looked after off the GUI thread.

Each edit is committed to the log at once. Two things about the log used to happen inside
an edit now and then and made that keystroke 40-160 ms slower:

* syncing it to disk (``synchronous=FULL``): usually a millisecond, but a busy file system
  sometimes takes far longer. :class:`JournalSyncer` syncs it on a thread of its own right
  after each edit; the commit itself no longer waits (an app crash still loses nothing,
  and a power cut nothing older than that sync).
* SQLite's automatic checkpoint, which copies the log into the project file during
  whichever commit crosses 1,000 pages. :class:`JournalTidier` copies it in a worker
  instead, a moment after the edits pause.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

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


class JournalSyncer(QObject):
    """Sync the log to disk after each edit, on a thread that only does that. Edits made
    while a sync runs are covered by the next one (one pending request, never a queue);
    stopping always syncs once more, so the last edits are never left to chance."""

    failed = Signal(str, str)  # (journal path, message), delivered on the GUI thread

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._syncing: _Syncing | None = None
        self.syncs = 0  # syncs that reached the disk (for tests and diagnostics)

    def schedule(self, journal: Path) -> None:
        """An edit was committed to ``journal`` (a project's write-ahead log): sync it now."""
        if self._syncing is not None and self._syncing.journal != journal:
            self.stop()
        if self._syncing is None:
            self._syncing = _Syncing(self, journal)
        self._syncing.wanted.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Sync once more and end the thread (the project closes, or another opens). A
        thread that does not finish in time is left to finish on its own; the next project
        gets a thread of its own."""
        syncing, self._syncing = self._syncing, None
        if syncing is not None:
            syncing.stopping = True
            syncing.wanted.set()
            syncing.thread.join(timeout)

    def _synced(self) -> None:
        self.syncs += 1


class _Syncing:
    """One project's sync thread."""

    def __init__(self, owner: JournalSyncer, journal: Path):
        self.owner, self.journal = owner, journal
        self.wanted = threading.Event()
        self.stopping = False
        self.thread = threading.Thread(target=self._run, name="journal-sync", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        from annotator.core.errors import AnnotatorError
        from annotator.services.projects import flush_journal

        while True:
            self.wanted.wait()
            self.wanted.clear()
            stopping = self.stopping  # read before the sync: a stop arriving during it syncs again
            try:
                flush_journal(self.journal)
            except AnnotatorError as exc:
                self.owner.failed.emit(str(self.journal), str(exc))
            else:
                self.owner._synced()
            if stopping:
                return
