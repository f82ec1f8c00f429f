"""The main window: sources on the left, documents side by side in the centre."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
)

from annotator.core.errors import AnnotatorError
from annotator.core.events import Change, Events
from annotator.services.annotations import AnnotationService
from annotator.services.importing import ImportService, expand_paths, extract_files
from annotator.store import PROJECT_SUFFIX, ProjectStore
from annotator.gui import settings as app_settings
from annotator.gui.document_pane import DocumentPane
from annotator.gui.import_report import ImportReport
from annotator.gui.workers import Worker

MIN_PANES, MAX_PANES = 1, 4
IMPORT_FILTER = "Articles (*.txt *.text *.md *.markdown *.html *.htm *.docx *.pdf);;All files (*)"
PROJECT_FILTER = f"annotator projects (*{PROJECT_SUFFIX});;All files (*)"
DOC_ROLE = Qt.ItemDataRole.UserRole


class MainWindow(QMainWindow):
    def __init__(self, store: ProjectStore):
        super().__init__()
        self.store: ProjectStore | None = None
        self.events = Events()
        self.undo_stack = QUndoStack(self)
        self.panes: list[DocumentPane] = []
        self._import_worker: Worker | None = None
        self.setAcceptDrops(True)
        self.resize(1400, 860)

        self.sources_tree = QTreeWidget()
        self.sources_tree.setHeaderLabels(["Sources and documents"])
        self.sources_tree.setAccessibleName("Sources and documents")
        self.sources_tree.itemActivated.connect(self._tree_activated)
        dock = QDockWidget("Sources", self)
        dock.setObjectName("sourcesDock")
        dock.setWidget(self.sources_tree)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self._build_actions()
        self.events.subscribe(self._on_change)
        self.set_project(store)
        state = app_settings.settings().value("window/state")
        geometry = app_settings.settings().value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state)

    # -- actions and menus ------------------------------------------------------------
    def _action(self, text: str, slot, shortcut=None, tip: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self._action("&New Project…", self.new_project, QKeySequence.StandardKey.New))
        file_menu.addAction(self._action("&Open Project…", self.open_project_dialog, QKeySequence.StandardKey.Open))
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        self.import_action = self._action("&Import Files…", self.import_dialog, "Ctrl+I",
                                          "Import articles: text, Markdown, HTML, Word or PDF")
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, QKeySequence.StandardKey.Quit))

        edit_menu = bar.addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)

        view_menu = bar.addMenu("&View")
        view_menu.addAction(self._action("&Add Pane", self.add_pane, "Ctrl+Shift+N"))
        view_menu.addAction(self._action("&Remove Pane", self.remove_pane, "Ctrl+Shift+W"))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = app_settings.recent_projects()
        if not recent:
            self.recent_menu.addAction("No recent projects").setEnabled(False)
        for path in recent:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_project_path(p))

    # -- project ---------------------------------------------------------------------
    def set_project(self, store: ProjectStore) -> None:
        if self.store is not None:
            self._save_panes()
            self.store.close()
        self.store = store
        self.annotations = AnnotationService(store, self.events)
        self.importer = ImportService(store, self.events)
        self.undo_stack.clear()
        self.setWindowTitle(f"{store.name} — annotator")
        self.setWindowFilePath(str(store.path))
        app_settings.remember_project(store.path)
        self._refresh_tree()
        saved = app_settings.settings().value(self._panes_key(), [])
        saved = [saved] if isinstance(saved, str) else list(saved or [])
        known = {d.id for d in store.documents()}
        if not saved:  # first time: the first documents, one per pane
            saved = [d.id for d in store.documents()[:2]]
        for pane in list(self.panes):
            self._drop_pane(pane)
        for doc_id in (saved + [""] * MIN_PANES)[:max(2, min(len(saved), MAX_PANES))]:
            pane = self.add_pane()
            if doc_id in known:
                self.show_in_pane(pane, doc_id)
        self.statusBar().showMessage(f"Opened {store.path}", 5000)

    def _panes_key(self) -> str:
        return "panes/" + str(Path(self.store.path).resolve()).replace("/", "|").replace("\\", "|")

    def _save_panes(self) -> None:
        if self.store is not None:
            app_settings.settings().setValue(self._panes_key(), [p.document_id or "" for p in self.panes])

    def open_project_path(self, path: str | Path) -> bool:
        from annotator.store import open_project

        try:
            store = open_project(path)
        except AnnotatorError as exc:
            app_settings.forget_project(path)
            QMessageBox.warning(self, "Cannot open project", str(exc))
            return False
        self.set_project(store)
        return True

    def open_project_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open project", str(self.store.path.parent), PROJECT_FILTER)
        if path:
            self.open_project_path(path)

    def new_project(self) -> None:
        from annotator.store import create_project

        path, _ = QFileDialog.getSaveFileName(self, "New project", str(self.store.path.parent), PROJECT_FILTER)
        if not path:
            return
        path = Path(path)
        if path.suffix != PROJECT_SUFFIX:
            path = path.with_suffix(PROJECT_SUFFIX)
        try:
            store = create_project(path, overwrite=False)
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Cannot create project", str(exc))
            return
        self.set_project(store)

    # -- sources tree ----------------------------------------------------------------
    def _source_names(self) -> dict[str, str]:
        return {s.id: s.name for s in self.store.sources()}

    def _refresh_tree(self) -> None:
        tree = self.sources_tree
        expanded = {tree.topLevelItem(i).text(0).rsplit("  (", 1)[0]
                    for i in range(tree.topLevelItemCount()) if tree.topLevelItem(i).isExpanded()}
        tree.clear()
        documents = self.store.documents()
        by_source: dict[str | None, list] = {}
        for doc in documents:
            by_source.setdefault(doc.source_id, []).append(doc)
        groups = [(s.name, s.id) for s in self.store.sources()]
        if None in by_source:
            groups.append(("No source", None))
        for name, source_id in groups:
            docs = by_source.get(source_id, [])
            item = QTreeWidgetItem([f"{name}  ({len(docs)})"])
            item.setToolTip(0, name)
            for doc in docs:
                child = QTreeWidgetItem([doc.title])
                child.setToolTip(0, doc.title)
                child.setData(0, DOC_ROLE, doc.id)
                item.addChild(child)
            tree.addTopLevelItem(item)
            item.setExpanded(not expanded or name in expanded)
        names = self._source_names()
        for pane in self.panes:
            pane.set_choices(documents, names)

    def _tree_activated(self, item: QTreeWidgetItem) -> None:
        doc_id = item.data(0, DOC_ROLE)
        if doc_id:
            self.show_in_pane(self._target_pane(), doc_id)

    def _target_pane(self) -> DocumentPane:
        """The pane that had focus last, else the first empty one, else the last."""
        for pane in self.panes:
            if pane.view.hasFocus():
                return pane
        for pane in self.panes:
            if pane.document_id is None:
                return pane
        return self.panes[-1]

    # -- panes -----------------------------------------------------------------------
    def add_pane(self) -> DocumentPane | None:
        if len(self.panes) >= MAX_PANES:
            self.statusBar().showMessage(f"At most {MAX_PANES} panes side by side.", 4000)
            return None
        pane = DocumentPane(len(self.panes))
        pane.documentChosen.connect(lambda doc_id, p=pane: self.show_in_pane(p, doc_id))
        self.panes.append(pane)
        self.splitter.addWidget(pane)
        pane.set_choices(self.store.documents(), self._source_names())
        pane.show_document(None, None)
        return pane

    def remove_pane(self) -> None:
        if len(self.panes) <= MIN_PANES:
            return
        self._drop_pane(self.panes[-1])

    def _drop_pane(self, pane: DocumentPane) -> None:
        self.panes.remove(pane)
        pane.setParent(None)
        pane.deleteLater()

    def show_in_pane(self, pane: DocumentPane, doc_id: str | None) -> None:
        if doc_id is None:
            pane.show_document(None, None)
            return
        doc = self.store.document(doc_id)
        source = self.store.source(doc.source_id).name if doc.source_id else None
        pane.show_document(doc, source)

    # -- import ----------------------------------------------------------------------
    def import_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Import articles", str(Path.home()), IMPORT_FILTER)
        if paths:
            self.import_paths(paths)

    def import_paths(self, paths: list[str]) -> None:
        """Read files in a worker (progress, cancel), then store them on this thread."""
        if self._import_worker is not None:
            QMessageBox.information(self, "Import running", "Wait for the current import to finish.")
            return
        files = expand_paths(paths)
        if not files:
            QMessageBox.information(self, "Nothing to import",
                                    "No supported files found (text, Markdown, HTML, Word or PDF).")
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
        self._import_worker = None
        self._import_progress.reset()
        self.show_import_results(self.importer.add_extracted(extracted))

    def _import_failed(self, message: str) -> None:
        self._import_worker = None
        self._import_progress.reset()
        QMessageBox.warning(self, "Import failed", message)

    def show_import_results(self, results) -> ImportReport:
        report = ImportReport(results, self)
        report.setModal(False)
        report.show()
        self.last_import_report = report
        imported = [r for r in results if r.ok]
        if imported:
            empty = [p for p in self.panes if p.document_id is None]
            for pane, result in zip(empty, imported):
                self.show_in_pane(pane, result.document.id)
        return report

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.import_paths(paths))

    # -- refresh ---------------------------------------------------------------------
    def _on_change(self, change: Change) -> None:
        if change.kind in ("source", "document"):
            self._refresh_tree()

    def closeEvent(self, event) -> None:  # noqa: N802
        if self._import_worker is not None:
            self._import_worker.cancel()
            Worker.wait_all()
        s = app_settings.settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        self._save_panes()
        if self.store is not None:
            self.store.close()
            self.store = None
        super().closeEvent(event)
