"""Passages of other documents that resemble the selected claim, ready to open or link.

The panel only shows what the window hands it (:class:`Suggestion` rows) and
asks for actions through signals; finding the passages is
:mod:`annotator.services.matching`, run by the window.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from typing import TYPE_CHECKING

from annotator.core.model import Relation
from annotator.gui.palette import RELATION_COLORS

if TYPE_CHECKING:  # the matching code loads with the first search, not at start-up
    from annotator.services.matching import Suggestion

ROLE = Qt.ItemDataRole.UserRole


class _SuggestionDelegate(QStyledItemDelegate):
    """A score bar with the passage's state, where it is from, then the passage (up to four lines)."""

    MAX_LINES = 4

    def _body_height(self, metrics, width: int, text: str) -> int:
        bound = metrics.boundingRect(0, 0, max(width, 50), 10_000, int(Qt.TextFlag.TextWordWrap), text)
        return min(bound.height(), metrics.lineSpacing() * self.MAX_LINES)

    def sizeHint(self, option, index) -> QSize:
        metrics = option.fontMetrics
        width = (option.widget.viewport().width() if option.widget else option.rect.width()) - 12
        body = self._body_height(metrics, width, index.data(ROLE).match.passage.text)
        return QSize(width, 2 * metrics.lineSpacing() + body + 12)

    def paint(self, painter: QPainter, option, index) -> None:
        suggestion: Suggestion = index.data(ROLE)
        painter.save()
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        pal = option.palette
        text_color = pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        dim = text_color if selected else pal.color(QPalette.ColorRole.PlaceholderText)
        rect = option.rect.adjusted(6, 4, -6, -4)
        metrics = option.fontMetrics
        line = metrics.lineSpacing()

        bar = rect.adjusted(0, 3, 0, 0)
        bar.setWidth(40)
        bar.setHeight(line - 6)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(pal.color(QPalette.ColorRole.Mid))
        painter.drawRoundedRect(bar, 2, 2)
        filled = bar.adjusted(0, 0, 0, 0)
        filled.setWidth(max(2, round(40 * min(suggestion.match.score, 100) / 100)))
        painter.setBrush(QColor("#3d8bd9"))
        painter.drawRoundedRect(filled, 2, 2)

        first = rect.adjusted(48, 0, 0, 0)
        first.setHeight(line)
        painter.setPen(text_color)
        painter.drawText(first, Qt.AlignmentFlag.AlignLeft, f"{suggestion.match.score:.0f}% match")
        state, state_color = "not a claim yet", dim
        if suggestion.relation:
            relation = next((r for r in Relation if r.label == suggestion.relation), None)
            state = f"linked: {suggestion.relation}"
            state_color = text_color if selected or relation is None else RELATION_COLORS.get(relation, text_color)
        elif suggestion.claim_id:
            state = "a claim"
        painter.setPen(state_color)
        painter.drawText(first, Qt.AlignmentFlag.AlignRight, state)

        second = rect.adjusted(0, line, 0, 0)
        second.setHeight(line)
        where = f"{suggestion.source_name or 'No source'} · {suggestion.document_title}"
        painter.setPen(dim)
        painter.drawText(second, Qt.AlignmentFlag.AlignLeft,
                         metrics.elidedText(where, Qt.TextElideMode.ElideRight, second.width()))

        body = rect.adjusted(0, 2 * line + 2, 0, 0)
        body.setHeight(self._body_height(metrics, body.width(), suggestion.match.passage.text))
        painter.setClipRect(body)
        painter.setPen(text_color)
        flags = int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft)
        painter.drawText(body, flags, suggestion.match.passage.text)
        painter.restore()


class SimilarPanel(QWidget):
    openRequested = Signal(str, int, int)  # document id, start, end (code points)
    linkRequested = Signal(object, object)  # Suggestion, Relation
    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Finding sentences")
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancelRequested)
        busy = QHBoxLayout()
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.cancel_button)
        self.results = QListWidget()
        self.results.setAccessibleName("Passages like the selected claim")
        self.results.setItemDelegate(_SuggestionDelegate(self.results))
        self.results.setWordWrap(True)
        self.results.setUniformItemSizes(False)
        self.results.setResizeMode(QListWidget.ResizeMode.Adjust)  # re-wrap passages when the dock resizes
        self.results.itemActivated.connect(self._open)
        self.results.itemClicked.connect(self._open)
        self.results.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.relation = QComboBox()
        self.relation.setAccessibleName("Relation for the new link")
        for relation in Relation:
            self.relation.addItem(relation.label, relation.value)
        self.link_button = QPushButton("Link")
        self.link_button.setToolTip("Link the selected claim to this passage (a claim is created on it if needed)")
        self.link_button.clicked.connect(self.link_current)
        actions = QHBoxLayout()
        actions.addWidget(QLabel("Link as"))
        actions.addWidget(self.relation, 1)
        actions.addWidget(self.link_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addLayout(busy)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        layout.addLayout(actions)
        self.claim_id: str | None = None  # the claim the list was made for
        self.set_busy(None)
        self.show_suggestions(None, None, [])

    # -- what the window calls -------------------------------------------------------------
    def set_busy(self, message: str | None, done: int = 0, total: int = 0) -> None:
        busy = message is not None
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if message is not None:
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done)
            self.status.setText(message)

    def show_pending(self, claim_id: str, quote: str, message: str) -> None:
        """A new claim is selected but its passages are not ready: show which claim, list nothing."""
        self.claim_id = claim_id
        self.results.clear()
        self._set_heading(quote)
        self.status.setText(message)
        self._update_buttons()

    def show_suggestions(self, claim_id: str | None, quote: str | None, suggestions: list[Suggestion]) -> None:
        """Show the passages found for a claim; the current passage stays current when the
        list is refreshed for the same claim (after a link, a verdict, any edit)."""
        keep = None
        if claim_id is not None and claim_id == self.claim_id and (current := self.current()) is not None:
            keep = (current.match.passage.document_id, current.match.passage.start, current.match.passage.end)
        self.claim_id = claim_id
        self.results.clear()
        if quote is None:
            self.heading.setText("<i>Select a claim to see where other documents say something like it.</i>")
            self.status.clear()
        else:
            self._set_heading(quote)
            self.status.setText(f"{len(suggestions)} passage{'s' if len(suggestions) != 1 else ''} in other documents"
                                if suggestions else "Nothing in the other documents uses enough of the same words.")
        row = 0
        for suggestion in suggestions:
            item = QListWidgetItem()
            item.setData(ROLE, suggestion)
            words = ", ".join(suggestion.match.shared[:8])
            item.setToolTip(suggestion.match.passage.text + (f"\n\nShared words: {words}" if words else ""))
            item.setData(Qt.ItemDataRole.AccessibleTextRole,
                         f"{suggestion.match.score:.0f} percent, {suggestion.source_name or 'No source'}: "
                         f"{suggestion.match.passage.text}")
            passage = suggestion.match.passage
            if keep == (passage.document_id, passage.start, passage.end):
                row = self.results.count()
            self.results.addItem(item)
        if suggestions:
            self.results.setCurrentRow(row)
        self._update_buttons()

    def _set_heading(self, quote: str) -> None:
        short = " ".join(quote.split())
        short = short if len(short) <= 90 else short[:89] + "…"
        self.heading.setText(f"Like “{escape(short)}”")

    def suggestions(self) -> list[Suggestion]:
        return [self.results.item(i).data(ROLE) for i in range(self.results.count())]

    def current(self) -> Suggestion | None:
        item = self.results.currentItem()
        return item.data(ROLE) if item is not None else None

    def link_current(self) -> None:
        suggestion = self.current()
        if suggestion is not None:
            self.linkRequested.emit(suggestion, Relation(self.relation.currentData()))

    # -- internals -------------------------------------------------------------------------
    def _open(self, item: QListWidgetItem) -> None:
        suggestion: Suggestion = item.data(ROLE)
        passage = suggestion.match.passage
        self.openRequested.emit(passage.document_id, passage.start, passage.end)

    def _update_buttons(self) -> None:
        suggestion = self.current()
        self.link_button.setEnabled(suggestion is not None and suggestion.relation is None)
