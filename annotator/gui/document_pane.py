"""One column of the side-by-side view: a document picker, a header and the text."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QToolButton, QVBoxLayout, QWidget

from annotator.core.model import Document
from annotator.gui.choices import DocumentChoices
from annotator.gui.document_view import DocumentView


class DocumentPane(QWidget):
    documentChosen = Signal(object)  # document id or None
    pinToggled = Signal(bool)  # the person pinned (True) or unpinned the pane

    def __init__(self, index: int, choices: DocumentChoices | None = None, parent=None):
        super().__init__(parent)
        self.index = index
        self.document_id: str | None = None
        self.choices = choices if choices is not None else DocumentChoices(self)
        self.picker = QComboBox()
        self.picker.setModel(self.choices)
        self.picker.setAccessibleName(f"Document shown in pane {index + 1}")
        self.picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.picker.setMinimumContentsLength(14)
        self.picker.activated.connect(self._picked)
        self.pin_button = QToolButton()
        self.pin_button.setCheckable(True)
        self.pin_button.setText("Pin")
        self.pin_button.setAccessibleName(f"Pin pane {index + 1}")
        self.pin_button.setToolTip("Keep this document here: jumps, search results and the Sources list "
                                   "open documents in other panes (Ctrl+Shift+P)")
        self.pin_button.toggled.connect(self._pin_clicked)
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setAccessibleName(f"Details of the document in pane {index + 1}")
        self.view = DocumentView()
        self.view.setAccessibleName(f"Text of pane {index + 1}")
        self.find_field = QLineEdit()
        self.find_field.setPlaceholderText("Find in this document (Enter: next, Shift+Enter: previous)")
        self.find_field.setAccessibleName(f"Find in pane {index + 1}")
        self.find_field.setClearButtonEnabled(True)
        self.find_field.returnPressed.connect(lambda: self.find_next(backwards=False))
        self.find_field.textChanged.connect(lambda _t: self.find_next(backwards=False, from_start=True))
        self.find_status = QLabel()
        close = QToolButton()
        close.setText("✕")
        close.setAccessibleName("Close find bar")
        close.clicked.connect(self.hide_find)
        self.find_bar = QWidget()
        find_layout = QHBoxLayout(self.find_bar)
        find_layout.setContentsMargins(0, 0, 0, 0)
        find_layout.addWidget(self.find_field, 1)
        find_layout.addWidget(self.find_status)
        find_layout.addWidget(close)
        self.find_bar.hide()
        back = QShortcut(QKeySequence("Shift+Return"), self.find_field)
        back.setContext(Qt.ShortcutContext.WidgetShortcut)  # only while typing in this find field
        back.activated.connect(lambda: self.find_next(backwards=True))
        escape = QShortcut(QKeySequence("Esc"), self.find_field)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(self.hide_find)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.picker, 1)
        top.addWidget(self.pin_button)
        layout.addLayout(top)
        layout.addWidget(self.header)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.view, 1)

    # -- find in document ------------------------------------------------------------
    def show_find(self) -> None:
        self.find_bar.show()
        selected = self.view.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.find_field.setText(selected)
        self.find_field.setFocus()
        self.find_field.selectAll()

    def hide_find(self) -> None:
        self.find_bar.hide()
        self.view.setFocus()

    def find_next(self, *, backwards: bool, from_start: bool = False) -> bool:
        needle = self.find_field.text()
        if not needle:
            self.find_status.clear()
            return False
        flags = QTextDocument.FindFlag.FindBackward if backwards else QTextDocument.FindFlag(0)
        if from_start:
            cursor = self.view.textCursor()
            cursor.setPosition(cursor.selectionStart())
            self.view.setTextCursor(cursor)
        found = self.view.find(needle, flags)
        if not found:  # wrap around
            cursor = self.view.textCursor()
            cursor.movePosition(cursor.MoveOperation.End if backwards else cursor.MoveOperation.Start)
            self.view.setTextCursor(cursor)
            found = self.view.find(needle, flags)
        count = self.view.toPlainText().casefold().count(needle.casefold())
        self.find_status.setText(f"{count} found" if found else "not found")
        return found

    @property
    def pinned(self) -> bool:
        return self.pin_button.isChecked()

    def set_pinned(self, pinned: bool) -> None:
        """Show the pane as pinned or not (the workspace holds the state)."""
        self.pin_button.blockSignals(True)
        self.pin_button.setChecked(pinned)
        self.pin_button.setText("Pinned" if pinned else "Pin")
        self.pin_button.blockSignals(False)

    def _pin_clicked(self, pinned: bool) -> None:
        self.set_pinned(pinned)
        self.pinToggled.emit(pinned)

    def sync_picker(self) -> None:
        """Show this pane's document in its picker (after the list of choices changed)."""
        self.picker.setCurrentIndex(self.choices.row_of(self.document_id))

    def _picked(self, index: int) -> None:
        self.documentChosen.emit(self.picker.itemData(index))

    def show_document(self, doc: Document | None, source_name: str | None) -> None:
        self.document_id = doc.id if doc else None
        self.sync_picker()
        if doc is None:
            self.header.setText("<i>No document in this pane. Pick one above or double-click "
                                "one in the Sources list.</i>")
            self.view.set_text("")
            return
        self.show_details(doc, source_name)
        self.view.set_text(doc.text or "")

    def show_details(self, doc: Document, source_name: str | None) -> None:
        """The header: title, source, date, author and length (the text stays as it is)."""
        from html import escape

        details = [escape(source_name or "No source")]
        if doc.published:
            details.append(f"published {escape(doc.published)}")
        if doc.author:
            details.append(f"by {escape(doc.author)}")
        details.append(f"{doc.length:,} characters")
        self.header.setText(f"<b>{escape(doc.title)}</b><br><span>{' · '.join(details)}</span>")
