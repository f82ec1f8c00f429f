"""Project-wide full-text search; a result opens in a pane at the hit."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

HIT_ROLE = Qt.ItemDataRole.UserRole


class SearchPanel(QWidget):
    hitActivated = Signal(str, int, int)  # document id, start, end (code points)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.search_fn = None  # callable(query) -> list of hits, set by the window
        self.field = QLineEdit()
        self.field.setPlaceholderText('Search all documents (words, "a phrase", prefix*)')
        self.field.setClearButtonEnabled(True)
        self.field.setAccessibleName("Search all documents")
        self.field.returnPressed.connect(self.run)
        self.status = QLabel()
        self.results = QListWidget()
        self.results.setAccessibleName("Search results")
        self.results.setWordWrap(True)
        self.results.itemActivated.connect(self._activate)
        self.results.itemClicked.connect(self._activate)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.field)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)

    def run(self) -> None:
        query = self.field.text().strip()
        self.results.clear()
        if not query or self.search_fn is None:
            self.status.clear()
            return
        hits = self.search_fn(query)
        self.status.setText(f"{len(hits)} document{'s' if len(hits) != 1 else ''} match")
        for hit in hits:
            source = f"{hit['source']} · " if hit["source"] else ""
            snippet = hit["snippet"].replace("[", "").replace("]", "")
            item = QListWidgetItem(f"{source}{hit['title']}\n{snippet}")
            item.setToolTip(hit["snippet"])
            item.setData(HIT_ROLE, (hit["document_id"], hit["offset"], hit["offset"] + hit.get("length", 0)))
            self.results.addItem(item)

    def _activate(self, item: QListWidgetItem) -> None:
        doc_id, start, end = item.data(HIT_ROLE)
        self.hitActivated.emit(doc_id, start, end)
