"""A combo box's list as a model: set in one step however long it is.

Filling a QComboBox item by item costs a Python-to-Qt call per item; with a thousand
documents and several combos (each pane's picker, the claims table's filters) that was
a visible part of opening a project and of every import. A model is replaced at once,
and one list can serve several combos.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from annotator.core.model import Document


class ChoiceList(QAbstractListModel):
    """Rows of (label, value); the first row (e.g. "All documents", value None) stays."""

    def __init__(self, first: tuple[str, Any], parent=None):
        super().__init__(parent)
        self._first = first
        self._rows: list[tuple[str, Any]] = [first]
        self._row_of: dict[Any, int] = {}

    def set_choices(self, choices: list[tuple[str, Any]]) -> None:
        rows = [self._first, *choices]
        self.beginResetModel()
        self._rows = rows
        self._row_of = {value: i for i, (_label, value) in enumerate(rows) if value is not None}
        self.endResetModel()

    def row_of(self, value: Any) -> int:
        """The row of a value (0, the first row, for None or a value no longer listed)."""
        return self._row_of.get(value, 0) if value is not None else 0

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        label, value = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return label
        if role == Qt.ItemDataRole.UserRole:
            return value
        return None


class DocumentChoices(ChoiceList):
    """The documents a pane can show, as "Source: title"; shared by every pane's picker."""

    def __init__(self, parent=None):
        super().__init__(("— choose a document —", None), parent)

    def set_documents(self, documents: list[Document], source_names: dict[str, str]) -> None:
        choices = []
        for doc in documents:
            source = source_names.get(doc.source_id or "", "")
            choices.append((f"{source}: {doc.title}" if source else doc.title, doc.id))
        self.set_choices(choices)
