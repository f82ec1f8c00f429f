"""Bringing articles into the project from the main window: files (in a worker, with
progress and cancel), dropped files and pasted text. Each import is one undoable step."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from annotator.gui import commands
from annotator.gui.dialogs import PasteDialog
from annotator.gui.import_report import ImportReport
from annotator.gui.workers import Worker
from annotator.services.importing import expand_paths, extract_files

IMPORT_FILTER = "Articles (*.txt *.text *.md *.markdown *.html *.htm *.docx *.pdf);;All files (*)"


class ImportActions:
    """Mixed into the main window; uses its store, importer, panes and undo stack."""

    def import_dialog(self) -> None:
        paths = self.prompts.open_files("Import articles", Path.home(), IMPORT_FILTER)
        if paths:
            self.import_paths(paths)

    def import_paths(self, paths: list[str]) -> None:
        """Read files in a worker (progress, cancel), then store them on this thread."""
        if self._import_worker is not None:
            self.prompts.inform("Import running", "Wait for the current import to finish.")
            return
        files = expand_paths(paths)
        if not files:
            self.prompts.inform("Nothing to import", "No supported files found (text, Markdown, HTML, Word or PDF).")
            return
        progress = QProgressDialog("Reading files…", "Cancel", 0, len(files), self)
        progress.setWindowTitle("Importing")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        self._import_progress = progress
        worker = Worker(extract_files, files)
        self._import_worker = worker
        # Bound methods of this window, so Qt queues the calls onto the GUI thread.
        worker.progress.connect(self._import_progressed)
        worker.finished.connect(self._import_finished)
        worker.failed.connect(self._import_failed)
        progress.canceled.connect(worker.cancel)
        worker.start()

    def _import_progressed(self, done: int, total: int, name: str) -> None:
        self._import_progress.setValue(done)
        self._import_progress.setLabelText(f"Reading {Path(name).name}…" if name else "Saving…")

    def _import_finished(self, extracted) -> None:
        if self.store is None or self.sender() is not self._import_worker:
            return  # the window closed, or another project was opened, while files were read
        self._import_worker = None
        self._import_progress.reset()
        command = commands.ImportDocuments(self.importer, extracted)
        self.push(command)
        self.show_import_results(command.results)

    def _import_failed(self, message: str) -> None:
        if self.store is None or self.sender() is not self._import_worker:
            return
        self._import_worker = None
        self._import_progress.reset()
        self.prompts.warn("Import failed", message)

    def show_import_results(self, results) -> ImportReport:
        report = ImportReport(results, self)
        report.setModal(False)
        report.show()
        self.last_import_report = report
        imported = [r for r in results if r.ok]
        if imported:
            empty = [p for p in self.panes if p.document_id is None]
            for pane, result in zip(empty, imported, strict=False):  # more files than empty panes: the rest wait
                self.show_in_pane(pane, result.document.id)
        return report

    def paste_document(self) -> None:
        from annotator.core.errors import ImportFailure
        from annotator.services.importers import read_text

        clipboard = QApplication.clipboard().text()
        dialog = PasteDialog(clipboard, [s.name for s in self.store.sources()], self)
        if dialog.exec() != PasteDialog.DialogCode.Accepted:
            return
        text, title, source = dialog.values()
        try:
            imported = read_text(text, title=title)
        except ImportFailure as exc:
            self.show_error(str(exc))
            return
        command = commands.ImportDocuments(self.importer, [("pasted text", imported)], source_name=source,
                                           title=title)
        self.push(command)
        result = command.results[0] if command.results else None
        if result is not None and result.ok:
            self.show_in_pane(self._target_pane(), result.document.id)
        elif result is not None:
            self.show_error(result.message)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.import_paths(paths))
