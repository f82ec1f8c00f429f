"""A dock that shows something worked out from the whole project (the Disagreements list, the
Timeline), kept up to date while it is on screen: the work runs in a worker on a read-only
connection of its own, when the dock is shown and a moment after each edit while it stays
shown; a newer run asks the one under way to stop and ignores whatever it still reports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QDockWidget

from annotator.gui.workers import Worker


class ProjectView(QObject):
    """Keeps a dock that shows something worked out from the whole project (the Disagreements
    list, the Timeline) up to date while it is on screen: ``work(path, cache, progress=,
    cancelled=)`` runs in a worker and returns what ``show`` is given (None: cancelled);
    ``busy`` shows progress and failures. ``wanted`` says whether something else needs the
    result while the dock is not on screen (the disagreement badges of a small project)."""

    def __init__(self, *, dock: QDockWidget, project_path: Callable[[], Path | None], work: Callable,
                 show: Callable[[Any], None], busy: Callable[[str], None], empty: object, failure: str,
                 wanted: Callable[[], bool] | None = None):
        super().__init__(dock)
        self.dock, self.project_path, self.work, self.show, self.busy = dock, project_path, work, show, busy
        self.wanted = wanted
        self.empty, self.failure = empty, failure
        self.worker: Worker | None = None
        self.stale = True  # what the dock shows is not the project as it is now
        self.cache: object | None = None  # what the searches read of each claim (value_conflicts.FactsCache)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(500)  # one search for a burst of edits
        self.timer.timeout.connect(self.refresh)
        dock.visibilityChanged.connect(lambda visible: self.schedule() if visible else None)

    def bind(self) -> None:
        """Another project (or none): what was shown is of the last one."""
        self.cancel()
        self.stale = True
        self.cache = None
        self.show(self.empty)
        self.schedule()

    def changed(self) -> None:
        """The project changed: look again when the dock is on screen."""
        self.stale = True
        self.schedule()

    def on_screen(self) -> bool:
        return self.dock.isVisible() and not self.dock.visibleRegion().isEmpty()

    def needed(self) -> bool:
        """On screen, or wanted elsewhere."""
        return self.on_screen() or (self.wanted is not None and self.wanted())

    def schedule(self) -> None:
        if self.stale and self.needed():
            self.timer.start()

    def cancel(self) -> None:
        self.timer.stop()
        if self.worker is not None:
            self.worker.cancel()
            self.worker = None

    def refresh(self) -> None:
        path = self.project_path()
        if path is None:
            return
        self.cancel()
        self.stale = False
        from annotator.services.value_conflicts import FactsCache  # (off the start-up path)

        # Each search reads into a copy: one cancelled meanwhile cannot leave what it read in
        # the cache the next search uses; the copy of the one that finishes is kept.
        cache = self.cache.copy() if isinstance(self.cache, FactsCache) else FactsCache()
        worker = Worker(self.work, path, cache)
        worker.progress.connect(lambda done, total, label, w=worker: self._progress(w, done, total, label))
        worker.finished.connect(lambda result, w=worker, c=cache: self._done(w, result, c))
        worker.failed.connect(lambda message, w=worker: self._failed(w, message))
        self.worker = worker
        worker.start()

    def _progress(self, worker: Worker, done: int, total: int, label: str) -> None:
        if worker is self.worker:  # (not a search replaced or cancelled meanwhile)
            self.busy(f"{label} ({done:,} of {total:,})" if total else label)

    def _done(self, worker: Worker, result: object, cache: object) -> None:
        if worker is not self.worker or result is None:
            return  # a newer search replaced it, or it was cancelled
        self.worker = None
        self.cache = cache
        self.show(result)

    def _failed(self, worker: Worker, message: str) -> None:
        if worker is self.worker:
            self.worker = None
            self.busy(f"{self.failure}: {message}")
