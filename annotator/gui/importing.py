"""Bringing articles into the project: files (read in a worker, with progress and cancel),
dropped files and pasted text. Each import is one undoable step.

A controller (a QObject, so the worker's signals arrive on the GUI thread) with explicit
collaborators: the window it parents dialogs to, the prompts, the feedback interface, the
undo push, and how to open imported documents; ``bind`` gives it the open project's
import service, ``cancel`` drops a read under way.

Files are parsed in a child process bounded by time and memory (services/sandbox.py), made
for each batch and started by the worker, not on the GUI thread. Cancel and closing the
window kill that child, so neither waits for a parser that hangs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from annotator.gui import commands
from annotator.gui.dialogs import PasteDialog
from annotator.gui.import_report import ImportReport
from annotator.gui.prompts import Feedback, Prompts
from annotator.gui.workers import Worker
from annotator.services.backups import backup_problem
from annotator.services.importing import ImportService, expand_paths, extract_files
from annotator.services.sandbox import ReadGuard

IMPORT_FILTER = "Articles (*.txt *.text *.md *.markdown *.html *.htm *.docx *.pdf);;All files (*)"


class ImportController(QObject):
    def __init__(self, *, parent: QWidget, prompts: Prompts, feedback: Feedback,
                 push: Callable[[commands.Command], bool], open_documents: Callable[[list[str]], None],
                 open_document: Callable[[str], None]):
        super().__init__(parent)
        self.parent_widget, self.prompts, self.feedback, self.push = parent, prompts, feedback, push
        self.open_documents, self.open_document = open_documents, open_document
        self.importer: ImportService | None = None
        self.worker: Worker | None = None
        self.guard: ReadGuard | None = None  # the reading child of the batch under way
        # Makes the guard of each batch; tests give one with a reader of their own and tiny limits.
        self.make_guard: Callable[[], ReadGuard] = ReadGuard
        self.last_import_report: ImportReport | None = None

    def bind(self, importer: ImportService) -> None:
        """Work on a newly opened project; files read for the old one are not stored in it."""
        self.cancel()
        self.importer = importer

    def cancel(self) -> None:
        """Drop the import under way: its reading child is killed now, nothing is stored."""
        if self.worker is not None:
            self.stop_reading()
            self.worker = self.guard = None

    def stop_reading(self) -> None:
        """The progress dialog's Cancel: the read under way ends at once; files read so far
        are stored and the others are reported as cancelled."""
        if self.worker is not None:
            self.worker.cancel()
        if self.guard is not None:
            self.guard.stop()  # kills the child; the worker collects it and returns

    def import_dialog(self) -> None:
        paths = self.prompts.open_files("Import articles", Path.home(), IMPORT_FILTER)
        if paths:
            self.import_paths(paths)

    def import_paths(self, paths: list[str]) -> None:
        """Read files in a worker (progress, cancel), then store them on this thread."""
        if self.worker is not None:
            self.prompts.inform("Import running", "Wait for the current import to finish.")
            return
        files = expand_paths(paths)
        if not files:
            self.prompts.inform("Nothing to import", "No supported files found (text, Markdown, HTML, Word or PDF).")
            return
        progress = QProgressDialog("Reading files…", "Cancel", 0, len(files), self.parent_widget)
        progress.setWindowTitle("Importing")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        self._import_progress = progress
        self.guard = guard = self.make_guard()
        worker = Worker(_backup_then_read, str(self.importer.store.path) if self.importer else None, files,
                        guard=guard)
        self.worker = worker
        # Bound methods of this window, so Qt queues the calls onto the GUI thread.
        worker.progress.connect(self._import_progressed)
        worker.finished.connect(self._import_finished)
        worker.failed.connect(self._import_failed)
        progress.canceled.connect(self.stop_reading)
        worker.start()

    def _import_progressed(self, done: int, total: int, name: str) -> None:
        self._import_progress.setValue(done)
        self._import_progress.setLabelText(f"Reading {Path(name).name}…" if name else "Saving…")

    def _import_finished(self, extracted) -> None:
        if self.importer is None or self.worker is None or self.sender() is not self.worker:
            # The window closed, or another project was opened, while files were read (a
            # dropped worker may already be deleted, and then it is no sender at all).
            return
        self.worker = self.guard = None
        self._import_progress.reset()
        problem, extracted = extracted
        command = commands.ImportDocuments(self.importer, extracted)
        self.push(command)
        self.show_import_results(command.results)
        if problem:
            self.feedback.status(f"No backup was taken before this import: {problem}", 15_000)

    def _import_failed(self, message: str) -> None:
        if self.importer is None or self.worker is None or self.sender() is not self.worker:
            return
        self.worker = self.guard = None
        self._import_progress.reset()
        self.prompts.warn("Import failed", message)

    def show_import_results(self, results) -> ImportReport:
        report = ImportReport(results, self.parent_widget)
        report.setModal(False)
        report.show()
        self.last_import_report = report
        self.open_documents([r.document.id for r in results if r.ok])
        return report

    def paste_document(self) -> None:
        from annotator.core.errors import ImportFailure
        from annotator.services.importers import read_text

        clipboard = QApplication.clipboard().text()
        assert self.importer is not None, "no project is open"
        dialog = PasteDialog(clipboard, [s.name for s in self.importer.store.sources()], self.parent_widget)
        if dialog.exec() != PasteDialog.DialogCode.Accepted:
            return
        text, title, source = dialog.values()
        try:
            imported = read_text(text, title=title)
        except ImportFailure as exc:
            self.feedback.show_error(str(exc))
            return
        command = commands.ImportDocuments(self.importer, [("pasted text", imported)], source_name=source,
                                           title=title)
        self.push(command)
        result = command.results[0] if command.results else None
        if result is not None and result.ok:
            self.open_document(result.document.id)
        elif result is not None:
            self.feedback.show_error(result.message)


def _backup_then_read(project: str | None, files, *, guard, progress, cancelled):
    """Worker: a backup of the project before the import (see store.backups), then the files
    read through the guard. A backup that fails does not stop the import: why is returned
    beside what was read."""
    problem = backup_problem(project, "before-import") if project is not None else None
    return problem, extract_files(files, guard=guard, progress=progress, cancelled=cancelled)
