"""Loading annotation CSVs without freezing the window (File › Load Annotations…).

Reading the files, checking every row and placing each claim in its document run in a
worker, on a read-only connection of its own to the project, while a progress dialog
offers Cancel and the window stays usable. The plan that comes back is written on the
GUI thread in one transaction, as one undoable step; writing checks each row again, so
an edit made meanwhile (a document deleted, a claim rated) is respected and reported,
never overwritten. Cancel means nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from annotator.gui import commands
from annotator.gui.workers import Worker
from annotator.services.annotations import AnnotationService
from annotator.services.backups import backup_problem
from annotator.services.interchange import LoadPlan, LoadReport, apply_load_plan, plan_csv_load_file


class CsvLoad(QObject):
    """One load of a folder (or a claims file): plan in a worker, then apply.

    ``finished`` carries the :class:`LoadReport` once the load is over (loaded or not), or
    ``None`` when it was cancelled, failed, or the project it was meant for was closed."""

    finished = Signal(object)

    def __init__(self, parent: QWidget, service: AnnotationService, folder: str | Path, *,
                 accept_valid: bool, push: Callable[[commands.Command], bool],
                 is_current: Callable[[AnnotationService], bool]):
        super().__init__(parent)
        self.service, self.folder, self.accept_valid = service, str(folder), accept_valid
        self.push, self.is_current = push, is_current
        self.report: LoadReport | None = None
        self.error: str | None = None  # why the worker failed (no such folder, the project unreadable)
        self.over = False
        self.dialog = QProgressDialog("Reading the annotation files…", "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle("Loading annotations")
        # Not modal: the point of loading in a worker is that the window stays usable.
        self.dialog.setWindowModality(Qt.WindowModality.NonModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoReset(False)
        self.dialog.setAutoClose(False)
        self.dialog.canceled.connect(self.cancel)
        self.backup_problem: str | None = None  # why no backup was taken before the load, if none was
        self.worker = Worker(self._backup_then_plan, service.store.path, self.folder, accept_valid)
        # Bound methods of a QObject made on the GUI thread: Qt queues the calls onto it.
        self.worker.progress.connect(self._progressed)
        self.worker.finished.connect(self._planned)
        self.worker.failed.connect(self._failed)

    def _backup_then_plan(self, project, folder, accept_valid, *, progress, cancelled):
        """Worker: a backup of the project as it is before the load (see store.backups), then
        the plan. A backup that fails does not stop the load; the report says so."""
        progress(0, 0, "Backing up the project…")
        self.backup_problem = backup_problem(project, "before-load")
        return plan_csv_load_file(project, folder, accept_valid, progress=progress, cancelled=cancelled)

    def start(self) -> None:
        self.worker.start()

    def cancel(self) -> None:
        """Stop the load; nothing is written, even if the worker had already finished."""
        if self.over:
            return
        self.worker.cancel()
        self._end(None)

    def _progressed(self, done: int, total: int, label: str) -> None:
        if self.over:
            return
        self.dialog.setLabelText(label)
        self.dialog.setMaximum(total)
        self.dialog.setValue(done)

    def _planned(self, plan: LoadPlan | None) -> None:
        if self.over:
            return
        if plan is None or not self.is_current(self.service):
            self._end(None)  # cancelled in the worker, or another project was opened meanwhile
            return
        self.dialog.setLabelText("Saving…")
        command = commands.AddRows(self.service, "Load annotations", lambda: apply_load_plan(self.service.store, plan))
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.push(command)
        finally:
            QApplication.restoreOverrideCursor()
        self._end(command.report)

    def _failed(self, message: str) -> None:
        if self.over:
            return
        self.error = message
        self._end(None)

    def _end(self, report: LoadReport | None) -> None:
        self.over = True
        self.report = report
        self.dialog.reset()
        self.dialog.hide()
        self.dialog.deleteLater()
        self.finished.emit(report)
