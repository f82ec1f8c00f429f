"""The claims table: every claim of the project, filterable and sortable."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Rating
from annotator.gui.palette import VERDICT_COLORS

COLUMNS = ("Quote", "Source", "Document", "Type", "Verdict", "Note")
_KEYS = ("quote", "source", "document", "type", "verdict", "note")
ID_ROLE = Qt.ItemDataRole.UserRole
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
UNCHECKED = "__unchecked__"


class ClaimsModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[dict] = []
        self._index: dict[str, int] = {}

    def set_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self.rows = rows
        self._index = {row["id"]: i for i, row in enumerate(rows)}
        self.endResetModel()

    def upsert(self, row: dict) -> None:
        """Add or update one claim's row (after a single edit)."""
        i = self._index.get(row["id"])
        if i is None:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
            self._index[row["id"]] = len(self.rows)
            self.rows.append(row)
            self.endInsertRows()
        else:
            self.rows[i] = row
            self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))

    def remove(self, claim_id: str) -> None:
        i = self._index.pop(claim_id, None)
        if i is None:
            return
        self.beginRemoveRows(QModelIndex(), i, i)
        del self.rows[i]
        self.endRemoveRows()
        for j in range(i, len(self.rows)):
            self._index[self.rows[j]["id"]] = j

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = _KEYS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = row.get(key)
            if key == "verdict":
                return Rating(value).label if value else ("—" if role == Qt.ItemDataRole.DisplayRole else "Not checked")
            if key == "source" and not value:
                return "No source"
            text = " ".join((value or "").split())
            return text
        if role == Qt.ItemDataRole.DecorationRole:
            if key in ("type", "quote") and row.get("color"):
                return QColor(row["color"])
            if key == "verdict" and row.get("verdict"):
                return VERDICT_COLORS[Rating(row["verdict"])]
        if role == ID_ROLE:
            return row["id"]
        if role == ROW_ROLE:
            return row
        return None


class ClaimsFilter(QSortFilterProxyModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.text = ""
        self.filters: dict[str, str | None] = {"document_id": None, "source_id": None,
                                               "type_id": None, "verdict": None}
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_filter(self, key: str, value) -> None:
        self.beginFilterChange()
        if key == "text":
            self.text = (value or "").casefold()
        else:
            self.filters[key] = value
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:  # noqa: N802
        row = self.sourceModel().rows[source_row]
        for key, wanted in self.filters.items():
            if wanted is None:
                continue
            if key == "verdict" and wanted == UNCHECKED:
                if row["verdict"]:
                    return False
            elif row.get(key) != wanted:
                return False
        if self.text:
            haystack = f"{row['quote']} {row.get('note') or ''}".casefold()
            return self.text in haystack
        return True


class ClaimsPanel(QWidget):
    claimActivated = Signal(str)
    claimSelected = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = ClaimsModel(self)
        self.proxy = ClaimsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter claims by text…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Filter claims by text")
        self.search.textChanged.connect(lambda t: self.proxy.set_filter("text", t))
        self.combos: dict[str, QComboBox] = {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.search, 0, 0, 1, 2)
        for i, (key, label) in enumerate([("document_id", "All documents"), ("source_id", "All sources"),
                                          ("type_id", "All types"), ("verdict", "Any verdict")]):
            combo = QComboBox()
            combo.setAccessibleName(f"Filter claims: {label.lower()}")
            combo.addItem(label, None)
            combo.currentIndexChanged.connect(lambda _i, k=key, c=combo: self.proxy.set_filter(k, c.currentData()))
            self.combos[key] = combo
            grid.addWidget(combo, 1 + i // 2, i % 2)
        self.table = QTableView()
        self.table.setAccessibleName("Claims")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, 100)
        for col in (2, 3, 5):  # document, type, note: one right-click away
            self.table.setColumnHidden(col, True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self.table.doubleClicked.connect(lambda index: self.claimActivated.emit(index.data(ID_ROLE)))
        self.table.activated.connect(lambda index: self.claimActivated.emit(index.data(ID_ROLE)))
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(grid)
        layout.addWidget(self.table, 1)

    def _current_changed(self, current, _previous) -> None:
        # Only a person moving through the table selects a claim; rows that move under the
        # cursor because of a delete, an undo or a filter must not change the selection.
        if current.isValid() and self.table.hasFocus():
            self.claimSelected.emit(current.data(ID_ROLE))

    def _column_menu(self, pos) -> None:
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self)
        for col, name in enumerate(COLUMNS):
            if col == 0:
                continue
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(col))
            action.toggled.connect(lambda on, c=col: self.table.setColumnHidden(c, not on))
        menu.exec(self.table.horizontalHeader().viewport().mapToGlobal(pos))

    def set_claims(self, rows: list[dict], documents, sources, types) -> None:
        self.proxy.beginFilterChange()
        self.model.set_rows(rows)
        choices = {
            "document_id": [(d.title, d.id) for d in documents],
            "source_id": [(s.name, s.id) for s in sources],
            "type_id": [(t.name, t.id) for t in types],
            "verdict": [("Not checked", UNCHECKED)] + [(r.label, r.value) for r in Rating],
        }
        for key, combo in self.combos.items():
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for label, value in choices[key]:
                combo.addItem(label, value)
            index = combo.findData(current) if current is not None else 0
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)
            self.proxy.filters[key] = combo.currentData()
        self.proxy.endFilterChange()

    def select_claim(self, claim_id: str | None) -> None:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(ID_ROLE) == claim_id:
                self.table.selectionModel().blockSignals(True)
                self.table.selectRow(row)
                self.table.selectionModel().blockSignals(False)
                self.table.scrollTo(index)
                return
        self.table.clearSelection()

    def visible_claim_ids(self) -> list[str]:
        return [self.proxy.index(r, 0).data(ID_ROLE) for r in range(self.proxy.rowCount())]
