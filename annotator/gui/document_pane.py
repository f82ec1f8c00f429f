"""One column of the side-by-side view: a document picker, a header and the text."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget

from annotator.core.model import Document
from annotator.gui.document_view import DocumentView


class DocumentPane(QWidget):
    documentChosen = Signal(object)  # document id or None

    def __init__(self, index: int, parent=None):
        super().__init__(parent)
        self.index = index
        self.document_id: str | None = None
        self.picker = QComboBox()
        self.picker.setAccessibleName(f"Document shown in pane {index + 1}")
        self.picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.picker.setMinimumContentsLength(20)
        self.picker.activated.connect(self._picked)
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setAccessibleName(f"Details of the document in pane {index + 1}")
        self.view = DocumentView()
        self.view.setAccessibleName(f"Text of pane {index + 1}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.picker)
        layout.addWidget(self.header)
        layout.addWidget(self.view, 1)

    def set_choices(self, documents: list[Document], source_names: dict[str, str]) -> None:
        self.picker.blockSignals(True)
        self.picker.clear()
        self.picker.addItem("— choose a document —", None)
        for doc in documents:
            source = source_names.get(doc.source_id or "", "")
            label = f"{source}: {doc.title}" if source else doc.title
            self.picker.addItem(label, doc.id)
        index = self.picker.findData(self.document_id) if self.document_id else 0
        self.picker.setCurrentIndex(max(index, 0))
        self.picker.blockSignals(False)

    def _picked(self, index: int) -> None:
        self.documentChosen.emit(self.picker.itemData(index))

    def show_document(self, doc: Document | None, source_name: str | None) -> None:
        self.document_id = doc.id if doc else None
        index = self.picker.findData(self.document_id) if doc else 0
        self.picker.setCurrentIndex(max(index, 0))
        if doc is None:
            self.header.setText("<i>No document in this pane. Pick one above or double-click "
                                "one in the Sources list.</i>")
            self.view.set_text("")
            return
        from html import escape

        details = [escape(source_name or "No source")]
        if doc.published:
            details.append(f"published {escape(doc.published)}")
        if doc.author:
            details.append(f"by {escape(doc.author)}")
        details.append(f"{doc.length:,} characters")
        self.header.setText(f"<b>{escape(doc.title)}</b><br><span>{' · '.join(details)}</span>")
        self.view.set_text(doc.text or "")
