"""The claims table: every claim of the project, filterable and sortable."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Rating
from annotator.gui.choices import ChoiceList
from annotator.gui.palette import VERDICT_COLORS
from annotator.gui.workers import release_in_slices

COLUMNS = ("Quote", "Source", "Document", "Type", "Verdict", "Note")
ID_ROLE = Qt.ItemDataRole.UserRole
UNCHECKED = "__unchecked__"
IN_CONFLICT = "__in_conflict__"  # claims whose verdicts disagree (see services.reliability.inputs)
CONFLICT_COLOR = QColor("#d55e00")
FILTER_KEYS = ("document_id", "source_id", "type_id", "verdict")
_ROOT = QModelIndex()  # the table has no parent rows
RELEASED_IN_SLICES = 20_000  # rows: a table replaced with more than this lets go of its old rows in slices


@dataclass(slots=True)
class ClaimRow:
    """One claim as the table needs it. Names are looked up by id in the model."""

    id: str
    document_id: str
    source_id: str | None
    type_id: str | None
    verdict: str | None
    quote: str
    note: str | None
    start: int
    haystack: str = ""  # quote and note, case-folded once, for the text filter
    seq: int = 0  # place in the unsorted order (as loaded, new claims last); the model sets it

    @classmethod
    def from_store(cls, values: tuple) -> ClaimRow:
        row = cls(*values)
        row.haystack = f"{row.quote} {row.note or ''}".casefold()
        return row


@dataclass
class TableRows:
    """Rows numbered and indexed by id, with the unfiltered, unsorted order: what the model
    needs, prepared where the rows are read (a worker, for a large project)."""

    rows: dict[str, ClaimRow]
    ids: list[str]

    @classmethod
    def prepare(cls, rows: list[ClaimRow]) -> TableRows:
        by_id: dict[str, ClaimRow] = {}
        for seq, row in enumerate(rows):
            row.seq = seq
            by_id[row.id] = row
        return cls(by_id, [row.id for row in rows])


class ClaimsModel(QAbstractTableModel):
    """Every claim of the project in memory, showing the rows that pass the filters.

    One edit changes one row (insert, update or remove), never the whole table; filtering
    and sorting run over compact rows with their text already case-folded, so a keystroke
    in the filter costs a scan of plain strings, not a Python call per row.

    The shown rows are kept in ascending order of a total key (the sort column's value,
    then the load order), with the keys alongside: finding, inserting or removing a row is
    a binary search, at any size. A descending sort shows the same list from its end."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: dict[str, ClaimRow] = {}  # in load order (= seq order)
        self._visible: list[str] = []  # ids of the rows shown, ascending by key
        self._keys: list = []  # their keys, for bisect
        self._next_seq = 0
        self.documents: dict[str, str] = {}
        self.sources: dict[str, str] = {}
        self.types: dict[str, tuple[str, str]] = {}  # id -> (name, colour)
        self.text = ""
        self.filters: dict[str, str | None] = dict.fromkeys(FILTER_KEYS)
        self.disputed: frozenset[str] = frozenset()  # claims whose verdicts disagree, as the last scores found
        self.sort_column: int | None = None
        self.sort_order = Qt.SortOrder.AscendingOrder

    # -- content -----------------------------------------------------------------------
    def set_names(self, documents, sources, types) -> None:
        self.documents = {d.id: d.title for d in documents}
        self.sources = {s.id: s.name for s in sources}
        self.types = {t.id: (t.name, t.color) for t in types}

    def set_rows(self, rows: list[ClaimRow] | TableRows) -> None:
        table = rows if isinstance(rows, TableRows) else TableRows.prepare(rows)
        self.beginResetModel()
        self._next_seq = len(table.ids)
        if len(self.rows) > RELEASED_IN_SLICES:
            release_in_slices(self, self.rows)
        self.rows = table.rows
        if self.text or self.sort_column is not None or any(v is not None for v in self.filters.values()):
            self._keys, self._visible = self._filtered(self.rows.values())
        else:  # shown as loaded: the prepared order serves as it is
            self._keys, self._visible = list(range(len(table.ids))), table.ids
        self.endResetModel()

    def upsert(self, row: ClaimRow) -> None:
        """Add or update one claim's row (after a single edit)."""
        old = self.rows.get(row.id)
        at = self._index_of(old) if old is not None else None
        if old is not None:
            row.seq = old.seq
        else:
            row.seq, self._next_seq = self._next_seq, self._next_seq + 1
        self.rows[row.id] = row
        wanted = self._accepts(row)
        key = self._key(row) if wanted else None
        if at is not None and wanted and self._keys[at] == key:
            position = self._display(at)
            self.dataChanged.emit(self.index(position, 0), self.index(position, len(COLUMNS) - 1))
            return
        if at is not None:
            self._hide(at)  # filtered out now, or its place in the sorted order changed
        if wanted:
            i = bisect_left(self._keys, key)
            position = i if not self._descending else len(self._visible) - i
            self.beginInsertRows(QModelIndex(), position, position)
            self._visible.insert(i, row.id)
            self._keys.insert(i, key)
            self.endInsertRows()

    def remove(self, claim_id: str) -> None:
        row = self.rows.get(claim_id)
        at = self._index_of(row) if row is not None else None
        if at is not None:
            self._hide(at)  # while its row can still be read
        self.rows.pop(claim_id, None)

    def _hide(self, at: int) -> None:
        position = self._display(at)
        self.beginRemoveRows(QModelIndex(), position, position)
        del self._visible[at]
        del self._keys[at]
        self.endRemoveRows()

    @property
    def _descending(self) -> bool:
        return self.sort_column is not None and self.sort_order == Qt.SortOrder.DescendingOrder

    def _display(self, at: int) -> int:
        """The row shown for an index into the ascending list."""
        return len(self._visible) - 1 - at if self._descending else at

    def _index_of(self, row: ClaimRow) -> int | None:
        """Where a row is in the ascending list, or None when it is not shown."""
        key = self._key(row)
        i = bisect_left(self._keys, key)
        if i < len(self._visible) and self._visible[i] == row.id:
            return i
        return None

    def position(self, claim_id: str | None) -> int | None:
        """The row a claim is shown in, or None when it is filtered out or unknown."""
        row = self.rows.get(claim_id) if claim_id is not None else None
        at = self._index_of(row) if row is not None else None
        return None if at is None else self._display(at)

    def claim_at(self, position: int) -> str:
        return self._visible[self._display(position)]

    def visible_ids(self) -> list[str]:
        return self._visible[::-1] if self._descending else list(self._visible)

    def display(self, claim_id: str) -> dict:
        """A claim's row as shown: names resolved (for tooltips and tests)."""
        row = self.rows[claim_id]
        type_name, color = self.types.get(row.type_id or "", (None, None))
        return {"id": row.id, "quote": row.quote, "note": row.note, "verdict": row.verdict,
                "source": self.sources.get(row.source_id or ""), "document": self.documents.get(row.document_id),
                "type": type_name, "color": color, "document_id": row.document_id}

    def set_disputed(self, claim_ids, changed: frozenset[str] | None = None) -> None:
        """The claims whose verdicts disagree: their Verdict cell says so, and the "In
        conflict" filter shows them. ``changed``: those that came or went since the set shown,
        when the scores know them (at 100k claims tens of thousands can be in conflict)."""
        disputed = claim_ids if isinstance(claim_ids, frozenset) else frozenset(claim_ids)
        if disputed is self.disputed:  # the same set: scores carry it over
            return
        if changed is None:
            if disputed == self.disputed:
                return
            changed = disputed ^ self.disputed
        self.disputed = disputed
        if self.filters["verdict"] == IN_CONFLICT:
            self.beginResetModel()
            self._keys, self._visible = self._filtered(self.rows.values())
            self.endResetModel()
        elif self._visible and changed:
            column = COLUMNS.index("Verdict")
            if len(changed) > self.FEW_CHANGED:
                self.dataChanged.emit(self.index(0, column), self.index(len(self._visible) - 1, column))
                return
            for claim_id in changed:  # (the view repaints what it shows either way; this is what changed)
                at = self.position(claim_id)
                if at is not None:
                    self.dataChanged.emit(self.index(at, column), self.index(at, column))

    FEW_CHANGED = 64  # claims whose cells are announced one by one; more, and the whole column is

    # -- filtering and sorting ---------------------------------------------------------
    def set_filter(self, key: str, value) -> None:
        if key == "text":
            text = (value or "").casefold()
            if text == self.text:
                return
            narrowing = bool(self.text) and self.text in text  # typing on: only the shown rows can match
            self.text = text
            if narrowing:
                rows = self.rows
                kept = [(k, i) for k, i in zip(self._keys, self._visible, strict=True) if text in rows[i].haystack]
                self.beginResetModel()
                self._keys, self._visible = [k for k, _ in kept], [i for _, i in kept]
                self.endResetModel()
                return
        else:
            if self.filters.get(key) == value:
                return
            self.filters[key] = value
        self.beginResetModel()
        self._keys, self._visible = self._filtered(self.rows.values())
        self.endResetModel()

    def _accepts(self, row: ClaimRow) -> bool:
        f = self.filters
        if f["document_id"] is not None and row.document_id != f["document_id"]:
            return False
        if f["source_id"] is not None and row.source_id != f["source_id"]:
            return False
        if f["type_id"] is not None and row.type_id != f["type_id"]:
            return False
        verdict = f["verdict"]
        if verdict == IN_CONFLICT:
            if row.id not in self.disputed:
                return False
        elif verdict is not None and (bool(row.verdict) if verdict == UNCHECKED else row.verdict != verdict):
            return False
        return not self.text or self.text in row.haystack

    def _filtered(self, rows) -> tuple[list, list[str]]:
        """(keys, ids) of the rows that pass the filters, ascending by key. ``rows`` come
        in seq order (the order of ``self.rows``), which is the order when unsorted."""
        f, text = self.filters, self.text
        selected = list(rows)
        for key in ("document_id", "source_id", "type_id"):
            if f[key] is not None:
                selected = [r for r in selected if getattr(r, key) == f[key]]
        if f["verdict"] == UNCHECKED:
            selected = [r for r in selected if not r.verdict]
        elif f["verdict"] == IN_CONFLICT:
            selected = [r for r in selected if r.id in self.disputed]
        elif f["verdict"] is not None:
            selected = [r for r in selected if r.verdict == f["verdict"]]
        if text:
            selected = [r for r in selected if text in r.haystack]
        if self.sort_column is None:
            return [r.seq for r in selected], [r.id for r in selected]
        pairs = sorted((self._key(r), r.id) for r in selected)
        return [k for k, _ in pairs], [i for _, i in pairs]

    def _key(self, row: ClaimRow):
        """A row's place in the ascending order: unique, so binary search finds exactly it."""
        if self.sort_column is None:
            return row.seq
        column = COLUMNS[self.sort_column]
        if column == "Verdict":
            value = Rating(row.verdict).label if row.verdict else ""
        else:
            value = (self._text(row, column) or "").casefold()
        return (value, row.seq)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()  # the selection and current row follow their claims
        claims = [self.claim_at(i.row()) if i.isValid() and i.row() < len(self._visible) else None
                  for i in persistent]
        if column < 0:
            self.sort_column, self.sort_order = None, Qt.SortOrder.AscendingOrder
            self._keys, self._visible = self._filtered(self.rows.values())
        elif column == self.sort_column:
            self.sort_order = order  # the same ascending list, read from the other end
        else:
            self.sort_column, self.sort_order = column, order
            shown = [self.rows[i] for i in self._visible]
            pairs = sorted((self._key(r), r.id) for r in shown)
            self._keys, self._visible = [k for k, _ in pairs], [i for _, i in pairs]
        moved = []
        for index, claim_id in zip(persistent, claims, strict=True):
            position = self.position(claim_id)
            moved.append(self.index(position, index.column()) if position is not None else QModelIndex())
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    # -- Qt's model interface ----------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> str | None:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def _text(self, row: ClaimRow, column: str) -> str | None:
        if column == "Quote":
            return row.quote
        if column == "Source":
            return self.sources.get(row.source_id or "") or "No source"
        if column == "Document":
            return self.documents.get(row.document_id, "")
        if column == "Type":
            return self.types.get(row.type_id or "", ("", ""))[0]
        if column == "Note":
            return row.note
        return Rating(row.verdict).label if row.verdict else None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._visible):
            return None
        row = self.rows[self.claim_at(index.row())]
        column = COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == "Verdict" and row.id in self.disputed:
                return ("in conflict" if role == Qt.ItemDataRole.DisplayRole else
                        "Verdicts disagree (the Conflicts panel lists who rated what, and decides it); "
                        "it counts as unchecked until then")
            if column == "Verdict" and not row.verdict:
                return "—" if role == Qt.ItemDataRole.DisplayRole else "Not checked"
            return " ".join((self._text(row, column) or "").split())
        if role == Qt.ItemDataRole.DecorationRole:
            if column in ("Type", "Quote") and row.type_id in self.types:
                return QColor(self.types[row.type_id][1])
            if column == "Verdict" and row.id in self.disputed:
                return CONFLICT_COLOR
            if column == "Verdict" and row.verdict:
                return VERDICT_COLORS[Rating(row.verdict)]
        if role == ID_ROLE:
            return row.id
        return None


class _MiddleElided(QStyledItemDelegate):
    """Quotes show their start and their end, the middle elided (the whole quote on hover)."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


class ClaimsPanel(QWidget):
    claimActivated = Signal(str)
    claimSelected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ClaimsModel(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter claims by text…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Filter claims by text")
        self.search.textChanged.connect(lambda t: self._filter("text", t))
        self.combos: dict[str, QComboBox] = {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.search, 0, 0, 1, 2)
        for i, (key, label) in enumerate([("document_id", "All documents"), ("source_id", "All sources"),
                                          ("type_id", "All types"), ("verdict", "Any verdict")]):
            combo = QComboBox()
            combo.setAccessibleName(f"Filter claims: {label.lower()}")
            combo.setModel(ChoiceList((label, None), combo))
            # Sized by a fixed number of characters, not by measuring every document's title.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
            combo.currentIndexChanged.connect(lambda _i, k=key, c=combo: self._filter(k, c.currentData()))
            self.combos[key] = combo
            grid.addWidget(combo, 1 + i // 2, i % 2)
        self.table = QTableView()
        self.table.setAccessibleName("Claims")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setItemDelegateForColumn(0, _MiddleElided(self.table))
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
        self.loading = QLabel("Loading claims…")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loading.hide()
        layout.addWidget(self.loading)
        layout.addWidget(self.table, 1)
        self.table.viewport().installEventFilter(self)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        # Only a person moving through the table selects a claim; rows that move under the
        # cursor because of a delete, an undo or a filter must not change the selection.
        if current.isValid() and self.table.hasFocus():
            self.claimSelected.emit(current.data(ID_ROLE))

    OTHER_COLUMN_WIDTH = (56, 100)  # px: the narrowest and widest a column beside the quote is made

    def eventFilter(self, watched, event) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()  # also when a scroll bar comes or goes, or the table is shown again
        return super().eventFilter(watched, event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """In a narrow dock the columns beside the quote give up room first, down to a fifth
        of the table each, so that the quote keeps about half the width."""
        visible = [c for c in range(1, len(COLUMNS)) if not self.table.isColumnHidden(c)]
        if not visible:
            return
        least, most = self.OTHER_COLUMN_WIDTH
        share = self.table.viewport().width() // (2 * len(visible))
        header = self.table.horizontalHeader()
        for col in visible:
            header.resizeSection(col, max(least, min(most, share)))

    def _column_menu(self, pos: QPoint) -> None:
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

    def _filter(self, key: str, value) -> None:
        """Apply a filter, keeping the selected claim selected when it stays visible."""
        current = self.table.currentIndex()
        selected = current.data(ID_ROLE) if current.isValid() else None
        self.model.set_filter(key, value)
        if selected is not None:
            self.select_claim(selected)

    def set_claims(self, rows: list[tuple], documents, sources, types) -> None:
        """All claims (rows as ``ProjectStore.claim_table_rows`` gives them) and the names
        the filters offer."""
        self.set_choices(documents, sources, types)
        self.set_rows([ClaimRow.from_store(r) for r in rows])

    def set_rows(self, rows: list[ClaimRow] | TableRows) -> None:
        self.loading.hide()
        self.model.set_rows(rows)

    def set_loading(self) -> None:
        """The rows are being read in the background; say so instead of showing none."""
        self.loading.setText("Loading the claims…")
        self.loading.show()
        self.model.set_rows([])

    def set_choices(self, documents, sources, types) -> None:
        """The names shown for ids, and what the filter lists offer."""
        self.model.set_names(documents, sources, types)
        choices = {
            "document_id": [(d.title, d.id) for d in documents],
            "source_id": [(s.name, s.id) for s in sources],
            "type_id": [(t.name, t.id) for t in types],
            "verdict": [("Not checked", UNCHECKED), ("In conflict", IN_CONFLICT),
                        *[(r.label, r.value) for r in Rating]],
        }
        for key, combo in self.combos.items():
            current = combo.currentData()
            listed = combo.model()
            assert isinstance(listed, ChoiceList)
            combo.blockSignals(True)
            listed.set_choices(choices[key])
            combo.setCurrentIndex(listed.row_of(current))
            combo.blockSignals(False)
            self.model.filters[key] = combo.currentData()

    def upsert(self, values: tuple) -> None:
        self.model.upsert(ClaimRow.from_store(values))

    def select_claim(self, claim_id: str | None) -> None:
        position = self.model.position(claim_id)
        if position is None:
            self.table.clearSelection()
            return
        index = self.model.index(position, 0)
        self.table.selectionModel().blockSignals(True)
        self.table.selectRow(position)
        self.table.selectionModel().blockSignals(False)
        self.table.scrollTo(index)

    def visible_claim_ids(self) -> list[str]:
        return self.model.visible_ids()
