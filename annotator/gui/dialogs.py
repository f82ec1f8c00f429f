"""Small dialogs: paste text as a document, edit a source or a document's properties."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
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
        line = self.source.lineEdit()
        assert line is not None  # an editable combo box always has its line edit
        line.setPlaceholderText("Outlet (new names create a source)")
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


class DocumentDialog(QDialog):
    """A document's title, outlet, author, web address and publication date.

    ``values`` holds the current ones as text (empty: not known); the outlet is an editable
    list of the project's sources, so picking another one moves the document and a new name
    creates that source. ``check`` returns what is wrong with the values, or None: OK keeps
    the dialog open and says so until they are right."""

    FIELDS = ("title", "source", "author", "url", "published")

    def __init__(self, values: dict[str, str], sources: list[str],
                 check: Callable[[dict[str, str]], str | None], details: str = "", parent=None):
        super().__init__(parent)
        self.check = check
        self.setWindowTitle("Document properties")
        self.title = QLineEdit(values.get("title", ""))
        self.title.setAccessibleName("Title")
        self.source = QComboBox()
        self.source.setEditable(True)
        self.source.setAccessibleName("Source")
        self.source.addItem("")
        self.source.addItems(sources)
        self.source.setCurrentText(values.get("source", ""))
        line = self.source.lineEdit()
        assert line is not None  # an editable combo box always has its line edit
        line.setPlaceholderText("No source (a new name creates one)")
        self.author = QLineEdit(values.get("author", ""))
        self.author.setAccessibleName("Author")
        self.url = QLineEdit(values.get("url", ""))
        self.url.setAccessibleName("Web address")
        self.url.setPlaceholderText("https://outlet.example/article")
        self.published = QLineEdit(values.get("published", ""))
        self.published.setAccessibleName("Published")
        self.published.setPlaceholderText("2024, 2024-03 or 2024-03-05")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e")
        self.error.setAccessibleName("What needs fixing")
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("&Title", self.title)
        form.addRow("&Source", self.source)
        form.addRow("&Author", self.author)
        form.addRow("&Web address", self.url)
        form.addRow("&Published", self.published)
        if details:
            about = QLabel(details)
            about.setWordWrap(True)
            about.setEnabled(False)  # read-only facts of the import, shown dimmed
            form.addRow(about)
        form.addRow(self.error)
        form.addRow(buttons)
        self.resize(520, 260)

    def values(self) -> dict[str, str]:
        return {"title": self.title.text().strip(), "source": self.source.currentText().strip(),
                "author": self.author.text().strip(), "url": self.url.text().strip(),
                "published": self.published.text().strip()}

    def accept(self) -> None:
        problem = self.check(self.values())
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        super().accept()


class ClaimTypesDialog(QDialog):
    """Add, rename, recolour and delete claim types. Each change is an undoable edit."""

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window_ = window
        self.setWindowTitle("Claim types")
        self.list = QListWidget()
        self.list.setAccessibleName("Claim types")
        self.list.itemDoubleClicked.connect(lambda _item: self.rename())
        buttons = QHBoxLayout()
        for label, slot in (("Add…", self.add), ("Rename…", self.rename), ("Colour…", self.recolour),
                            ("Delete", self.delete)):
            button = QPushButton(label)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.refresh()

    def refresh(self) -> None:
        current = self._current_id()
        self.list.clear()
        for ctype in self.window_.store.claim_types():
            pix = QPixmap(14, 14)
            pix.fill(QColor(ctype.color))
            item = QListWidgetItem(QIcon(pix), ctype.name)
            item.setData(Qt.ItemDataRole.UserRole, ctype.id)
            self.list.addItem(item)
            if ctype.id == current:
                self.list.setCurrentItem(item)

    def _current_id(self):
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _push(self, command) -> None:
        self.window_.push(command)
        self.refresh()

    def add(self) -> None:
        from annotator.gui import commands

        name, ok = QInputDialog.getText(self, "New claim type", "Name:")
        if not ok or not name.strip():
            return
        color = QColorDialog.getColor(QColor("#f2c94c"), self, "Colour for the new type")
        if not color.isValid():
            return
        if any(t.name.casefold() == name.strip().casefold() for t in self.window_.store.claim_types()):
            self.window_.show_error(f"There is already a claim type called “{name.strip()}”.")
            return
        self._push(commands.AddClaimType(self.window_.annotations, name.strip(), color.name()))

    def rename(self) -> None:
        from annotator.gui import commands

        type_id = self._current_id()
        if type_id is None:
            return
        name, ok = QInputDialog.getText(self, "Rename claim type", "Name:", text=self.list.currentItem().text())
        if ok and name.strip() and name.strip() != self.list.currentItem().text():
            self._push(commands.EditClaimType(self.window_.annotations, type_id, name=name.strip()))

    def recolour(self) -> None:
        from annotator.gui import commands

        type_id = self._current_id()
        if type_id is None:
            return
        old = next(t.color for t in self.window_.store.claim_types() if t.id == type_id)
        color = QColorDialog.getColor(QColor(old), self, "Colour")
        if color.isValid() and color.name() != old:
            self._push(commands.EditClaimType(self.window_.annotations, type_id, color=color.name()))

    def delete(self) -> None:
        from annotator.gui import commands

        type_id = self._current_id()
        if type_id is not None:
            self._push(commands.DeleteClaimType(self.window_.annotations, type_id))


class ReportDialog(QDialog):
    """A finished bulk operation: its summary, and claims that need a look."""

    claimActivated = Signal(str)

    def __init__(self, title: str, summary: str, items: list[tuple[str, str]], items_label: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        text = QPlainTextEdit(summary)
        text.setReadOnly(True)
        text.setAccessibleName("Summary")
        layout = QVBoxLayout(self)
        layout.addWidget(text, 1)
        self.items = QListWidget()
        self.items.setAccessibleName(items_label)
        for label, claim_id in items:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, claim_id)
            self.items.addItem(item)
        self.items.itemActivated.connect(lambda it: self.claimActivated.emit(it.data(Qt.ItemDataRole.UserRole)))
        if items:
            layout.addWidget(QLabel(items_label))
            layout.addWidget(self.items, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.resize(720, 460)


class AgreementDialog(QDialog):
    """Agreement between annotators as a table, with a CSV export."""

    HEADERS = ("Measure", "Annotators", "Units", "Value")

    def __init__(self, report, parent=None):
        super().__init__(parent)
        self.report = report
        self.setWindowTitle("Agreement between annotators")
        self.table = QTreeWidget()
        self.table.setAccessibleName("Agreement table")
        self.table.setHeaderLabels(self.HEADERS)
        self.table.setRootIsDecorated(False)
        for row in report.table():
            self.table.addTopLevelItem(QTreeWidgetItem(list(row)))
        for col in range(len(self.HEADERS)):
            self.table.resizeColumnToContents(col)
        notes = QLabel("\n".join(report.notes) or
                       "Kappa and alpha: 1 is perfect agreement, 0 is what chance would give.")
        notes.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        save = buttons.addButton("Save as CSV…", QDialogButtonBox.ButtonRole.ActionRole)
        save.clicked.connect(self.save_csv)
        save.setEnabled(bool(report.rows))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(notes)
        layout.addWidget(buttons)
        self.resize(760, 420)

    def save_csv(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from annotator.core.errors import AnnotatorError

        path, _ = QFileDialog.getSaveFileName(self, "Save agreement table", "agreement.csv", "CSV (*.csv)")
        if path:
            try:
                self.report.write_csv(path)
            except AnnotatorError as exc:
                QMessageBox.warning(self, "annotator", str(exc))


class ProjectSettingsDialog(QDialog):
    """The project's name and the newsroom credited in ClaimReview exports."""

    def __init__(self, meta: dict, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Project settings")
        self.name = QLineEdit(meta.get("name", ""))
        self.newsroom = QLineEdit(meta.get("newsroom", ""))
        self.newsroom.setPlaceholderText("Your organisation, as ClaimReview's author")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Project name", self.name)
        form.addRow("Newsroom", self.newsroom)
        form.addRow(buttons)
        self.resize(460, 140)

    def values(self) -> dict:
        return {"name": self.name.text().strip(), "newsroom": self.newsroom.text().strip()}
