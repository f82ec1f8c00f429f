"""Documents as a person edits them: their properties (title, source, author, web address,
publication date), the source they are filed under, and deleting one. Each is one undoable
step; a delete asks first and says what goes with the document, and its undo puts the
document back in the pane it was read in.

A controller with explicit collaborators: the window it parents its menu and actions to,
the prompts, the feedback interface, the undo push (and the push of two commands as one
step), the Sources tree (whose selected document the Document menu acts on while the tree
has focus), the panes, the pane being worked in, and how to show a document in a pane.
``bind`` gives it the open project's document service and workspace.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QTreeWidget, QWidget

from annotator.core.errors import AnnotatorError, ValidationError
from annotator.core.model import Document
from annotator.gui import commands
from annotator.gui.document_pane import DocumentPane
from annotator.gui.prompts import Feedback, Prompts
from annotator.services.documents import EDITABLE, DocumentService, check_fields
from annotator.services.workspace import Edited, Notification, Workspace


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _tidy(text: str) -> str:
    return " ".join(text.split())


class DocumentsController(QObject):
    def __init__(self, *, parent: QWidget, prompts: Prompts, feedback: Feedback,
                 push: Callable[[commands.Command], bool],
                 push_pair: Callable[[str, commands.Command, Callable[[], commands.Command]], bool],
                 tree: QTreeWidget, doc_role: int, panes: Callable[[], list[DocumentPane]],
                 working_pane: Callable[[], DocumentPane | None],
                 show_in_pane: Callable[[DocumentPane, str], None]):
        super().__init__(parent)
        self.prompts, self.feedback, self.push, self.push_pair = prompts, feedback, push, push_pair
        self.tree, self.doc_role, self.panes, self.working_pane = tree, doc_role, panes, working_pane
        self.show_in_pane = show_in_pane
        self.service: DocumentService | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._read_in: dict[str, list[int]] = {}  # deleted document -> the panes it was shown in

        self.menu = QMenu("&Document", parent)
        self.properties_action = QAction("Document &Properties…", parent)
        self.properties_action.setShortcuts([QKeySequence("Alt+Return"), QKeySequence("Alt+Enter")])
        self.properties_action.setStatusTip("Title, source, author, web address and publication date")
        self.properties_action.triggered.connect(lambda: self.properties())
        parent.addAction(self.properties_action)  # from a pane or the Sources list alike
        self.menu.addAction(self.properties_action)
        self.move_menu = self.menu.addMenu("&Move to Source")
        self.move_menu.aboutToShow.connect(lambda: self.fill_move_menu(self.move_menu, self.current()))
        self.delete_action = QAction("&Delete Document…", parent)
        self.delete_action.setShortcuts(QKeySequence.StandardKey.Delete)
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.delete_action.setStatusTip("Delete the document with its claims, links and verdicts (undo brings "
                                        "them back)")
        self.delete_action.triggered.connect(lambda: self.delete())
        tree.addAction(self.delete_action)  # Delete in the Sources list; in a pane it deletes a claim
        self.menu.addAction(self.delete_action)

    def bind(self, service: DocumentService, workspace: Workspace) -> None:
        """Work on a newly opened project."""
        if self._unsubscribe is not None:
            self._unsubscribe()
        self.service = service
        self._read_in = {}
        self._unsubscribe = workspace.subscribe(self._heard)

    # -- which document --------------------------------------------------------------
    def current(self) -> str | None:
        """The document the Document menu acts on: while the Sources list has focus, the one
        selected there (none if a source is); else the one in the pane being worked in,
        else the one selected in the list."""
        item = self.tree.currentItem()
        in_tree = item.data(0, self.doc_role) if item is not None else None
        if self.tree.hasFocus():
            return in_tree or None
        pane = self.working_pane()
        if pane is not None and pane.document_id:
            return pane.document_id
        return in_tree or None

    def _document(self, document_id: str | None) -> Document | None:
        document_id = document_id or self.current()
        if document_id is None or self.service is None:
            self.feedback.hint("Select a document in the Sources list, or click in a pane that shows one.")
            return None
        try:
            return self.service.document(document_id)
        except AnnotatorError as exc:
            self.feedback.show_error(str(exc))
            return None

    # -- properties ------------------------------------------------------------------
    def properties(self, document_id: str | None = None) -> bool:
        """Edit a document's properties; a change of source moves it. One undo step."""
        document = self._document(document_id)
        if document is None or self.service is None:
            return False
        store = self.service.store
        values = {"title": document.title, "author": document.author or "", "url": document.url or "",
                  "published": document.published or "",
                  "source": store.source(document.source_id).name if document.source_id else ""}
        answer = self.prompts.document_properties(
            values, [s.name for s in store.sources()], lambda new: self._problem(values, new), _details(document))
        if answer is None:
            return False
        return self.apply(document.id, values, answer)

    @staticmethod
    def _changes(values: dict[str, str], answer: dict[str, str]) -> tuple[dict[str, str], str | None]:
        """(the fields that changed, the new source's name or None if it stays the same)."""
        fields = {key: answer[key] for key in EDITABLE
                  if key in answer and _tidy(answer[key]) != _tidy(values.get(key, ""))}
        source = _tidy(answer.get("source", values["source"]))
        return fields, (source if source.casefold() != _tidy(values["source"]).casefold() else None)

    def _problem(self, values: dict[str, str], answer: dict[str, str]) -> str | None:
        """What is wrong with the changed fields (unchanged ones are never held against it)."""
        fields, _source = self._changes(values, answer)
        try:
            check_fields(fields)
        except ValidationError as exc:
            return str(exc)
        return None

    def apply(self, document_id: str, values: dict[str, str], answer: dict[str, str]) -> bool:
        """Push what the properties dialog changed: an edit, a move, or both as one step."""
        assert self.service is not None, "no project is open"
        fields, source = self._changes(values, answer)
        try:
            edit = commands.EditDocument(self.service, document_id, **fields) if fields else None
            move = commands.MoveDocument(self.service, document_id, source_name=source) if source is not None else None
        except AnnotatorError as exc:
            self.feedback.show_error(str(exc))
            return False
        if edit is not None and move is not None:
            return self.push_pair(edit.text(), edit, lambda: move)
        single = edit or move
        if single is not None:
            return self.push(single)
        self.feedback.status("Nothing changed.")
        return False

    # -- moving ----------------------------------------------------------------------
    def move(self, document_id: str, source_id: str | None = None, *, source_name: str | None = None) -> bool:
        """File a document under another source (None: under none; a new name creates it)."""
        assert self.service is not None, "no project is open"
        try:
            command = commands.MoveDocument(self.service, document_id, source_id, source_name=source_name)
        except AnnotatorError as exc:
            self.feedback.show_error(str(exc))
            return False
        done = self.push(command)
        if done:
            self.feedback.status(command.text().replace("Move", "Moved", 1) + ".")
        return done

    def move_to_new_source(self, document_id: str) -> bool:
        name = self.prompts.text("Move to a new source", "Name of the new source:", "")
        if name is None or not name.strip():
            return False
        return self.move(document_id, source_name=name)

    def fill_move_menu(self, menu: QMenu, document_id: str | None) -> None:
        """Every source (the document's own one checked), no source, and a new one."""
        menu.clear()
        document = None
        if document_id is not None and self.service is not None:
            try:
                document = self.service.document(document_id)
            except AnnotatorError:
                document = None
        if document is None or self.service is None:
            menu.addAction("Select a document first").setEnabled(False)
            return
        for source in self.service.store.sources():
            action = menu.addAction(source.name.replace("&", "&&"))
            action.setCheckable(True)
            action.setChecked(source.id == document.source_id)
            action.setEnabled(source.id != document.source_id)
            action.triggered.connect(lambda _=False, s=source.id: self.move(document.id, s))
        if document.source_id is not None:
            menu.addAction("No Source").triggered.connect(lambda: self.move(document.id, None))
        menu.addSeparator()
        menu.addAction("New Source…").triggered.connect(lambda: self.move_to_new_source(document.id))

    # -- deleting --------------------------------------------------------------------
    def delete(self, document_id: str | None = None) -> bool:
        """Delete a document after saying what goes with it; undo brings all of it back."""
        document = self._document(document_id)
        if document is None or self.service is None:
            return False
        rows = self.service.snapshot(document.id)
        if rows.claims:
            goes = (f"Its {_plural(len(rows.claims), 'claim')}, with {_plural(len(rows.links), 'link')} "
                    f"and {_plural(len(rows.verdicts), 'verdict')}, go with it.")
        else:
            goes = "It has no claims."
        if not self.prompts.confirm("Delete document",
                                    f"Delete “{document.title}”? {goes} Edit › Undo (Ctrl+Z) brings it back."):
            return False
        self._remember_panes(document.id)
        done = self.push(commands.DeleteDocument(self.service, document.id))
        if done:
            self.feedback.status(f"Deleted “{commands.short(document.title)}”. Ctrl+Z brings it back.", 8000)
        return done

    def _remember_panes(self, document_id: str) -> None:
        shown = [i for i, pane in enumerate(self.panes()) if pane.document_id == document_id]
        if shown:
            self._read_in[document_id] = shown

    def _reopen(self, document_id: str) -> None:
        """A deleted document is back: show it again in the panes it left, if still empty."""
        panes = self.panes()
        for index in self._read_in.get(document_id, []):
            if index < len(panes) and panes[index].document_id is None:
                self.show_in_pane(panes[index], document_id)

    # -- context menus ---------------------------------------------------------------
    def add_entries(self, menu: QMenu, document_id: str) -> None:
        """The document's entries in a context menu (the Sources list, a pane)."""
        menu.addAction("Document &Properties…", lambda: self.properties(document_id))
        move = menu.addMenu("&Move to Source")
        move.aboutToShow.connect(lambda: self.fill_move_menu(move, document_id))
        menu.addAction("&Delete Document…", lambda: self.delete(document_id))

    # -- what the services report ------------------------------------------------------
    def _heard(self, notification: Notification) -> None:
        if not isinstance(notification, Edited):
            return
        change = notification.change
        if change.kind == "document" and change.id is not None:
            if change.action == "removed":
                self._remember_panes(change.id)
            elif change.action == "added" and change.id in self._read_in:
                document_id = change.id
                QTimer.singleShot(0, self, lambda: self._reopen(document_id))  # once the window has caught up
            elif change.action == "changed":
                self._show_details(change.id)
        elif change.kind == "source":
            self._show_details(None)

    def _show_details(self, document_id: str | None) -> None:
        """The headers of the panes showing this document (None: every document)."""
        if self.service is None:
            return
        names = {s.id: s.name for s in self.service.store.sources()}
        for pane in self.panes():
            if pane.document_id is not None and document_id in (None, pane.document_id):
                try:
                    document = self.service.document(pane.document_id)
                except AnnotatorError:
                    continue  # deleted: the window empties the pane
                pane.show_details(document, names.get(document.source_id or ""))


def _details(document: Document) -> str:
    """What the import recorded, shown under the editable fields."""
    parts = []
    if document.original_filename:
        parts.append(f"From {PurePath(document.original_filename).name}")
    if document.import_format:
        parts.append(f"imported as {document.import_format}")
    if document.retrieved:
        parts.append(f"retrieved {document.retrieved}")
    if document.length is not None:
        parts.append(f"{document.length:,} characters")
    return " · ".join(parts)
