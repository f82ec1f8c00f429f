"""Small dialogs: paste text as a document, edit a source."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
)

from annotator.core.model import SOURCE_KINDS, Source


class PasteDialog(QDialog):
    """Paste an article's text (from the clipboard) with a title and an outlet."""

    def __init__(self, text: str, source_names: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle("New document from pasted text")
        self.title = QLineEdit()
        self.title.setPlaceholderText("Title (default: the first line)")
        self.source = QComboBox()
        self.source.setEditable(True)
        self.source.addItem("")
        self.source.addItems(source_names)
        self.source.lineEdit().setPlaceholderText("Outlet (new names create a source)")
        self.text = QPlainTextEdit()
        self.text.setPlainText(text)
        self.text.setAccessibleName("Pasted text")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add document")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Title", self.title)
        form.addRow("Source", self.source)
        form.addRow(self.text)
        form.addRow(buttons)
        self.resize(640, 480)

    def values(self) -> tuple[str, str | None, str | None]:
        return (self.text.toPlainText(), self.title.text().strip() or None,
                self.source.currentText().strip() or None)


class SourceDialog(QDialog):
    """Edit an outlet's name, address, kind and notes."""

    def __init__(self, source: Source, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Source: {source.name}")
        self.name = QLineEdit(source.name)
        self.url = QLineEdit(source.url or "")
        self.url.setPlaceholderText("https://outlet.example")
        self.kind = QComboBox()
        self.kind.setEditable(True)
        self.kind.addItem("")
        self.kind.addItems(SOURCE_KINDS)
        self.kind.setCurrentText(source.kind or "")
        self.notes = QPlainTextEdit(source.notes or "")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Web address", self.url)
        form.addRow("Kind", self.kind)
        form.addRow("Notes", self.notes)
        form.addRow(buttons)
        self.resize(480, 320)

    def values(self) -> dict:
        return {"name": self.name.text().strip(), "url": self.url.text().strip() or None,
                "kind": self.kind.currentText().strip() or None,
                "notes": self.notes.toPlainText().strip() or None}
