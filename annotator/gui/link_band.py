"""Connectors between side-by-side panes, drawn in the splitter handles.

Like a diff tool's gutter: each link between a claim in the left pane and a
claim in the right pane is a translucent ribbon from one highlight to the
other, coloured by relation, following both panes as they scroll. A claim
scrolled out of view is pinned to the band's top or bottom edge with a
fainter ribbon, so the reader still sees that a connection exists. Dragging
the band resizes the panes as usual.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSplitter, QSplitterHandle, QWidget

from annotator.core.model import Relation
from annotator.gui.document_pane import DocumentPane
from annotator.gui.document_view import DocumentView
from annotator.gui.palette import RELATION_COLORS

BAND_WIDTH = 56

#: (left claim id, right claim id, relation) for the documents shown either side.
LinkProvider = Callable[[DocumentPane, DocumentPane], list[tuple[str, str, Relation]]]


class LinkBand(QSplitterHandle):
    def __init__(self, orientation: Qt.Orientation, parent: LinkSplitter) -> None:
        super().__init__(orientation, parent)
        self.setMouseTracking(True)

    def _link_splitter(self) -> LinkSplitter:
        splitter = self.splitter()
        assert isinstance(splitter, LinkSplitter)  # bands are made only by LinkSplitter.createHandle
        return splitter

    def _neighbours(self) -> tuple[DocumentPane, DocumentPane] | tuple[None, None]:
        splitter = self._link_splitter()
        index = splitter.indexOf(self)
        if index <= 0:
            return None, None
        left, right = splitter.widget(index - 1), splitter.widget(index)
        assert isinstance(left, DocumentPane) and isinstance(right, DocumentPane)  # the window adds only panes
        return left, right

    def _y_ranges(self, view: DocumentView, claim_ids: set[str]) -> dict[str, tuple[float, float, bool]]:
        """(top, bottom) of each claim in this band's coordinates; bool = visible."""
        height = self.height()
        origin = self.mapFromGlobal(view.viewport().mapToGlobal(QPoint(0, 0))).y()
        ranges: dict[str, tuple[float, float, bool]] = {}
        for claim_id, where in view.claim_verticals(claim_ids).items():
            if where is None:
                ranges[claim_id] = (-1.0, -1.0, False)
            elif where == "above":
                ranges[claim_id] = (0.0, 6.0, False)
            elif where == "below":
                ranges[claim_id] = (height - 6.0, float(height), False)
            else:
                top, bottom = where
                ranges[claim_id] = (max(0.0, origin + top), min(float(height), origin + bottom), True)
        return ranges

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        left, right = self._neighbours()
        splitter = self._link_splitter()
        if left is None or right is None or splitter.link_provider is None:
            painter.end()
            return
        links = splitter.link_provider(left, right)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        w = float(self.width())
        left_ranges = self._y_ranges(left.view, {left_id for left_id, _r, _k in links})
        right_ranges = self._y_ranges(right.view, {right_id for _l, right_id, _k in links})
        for left_id, right_id, relation in links:
            lt, lb, lvis = left_ranges[left_id]
            rt, rb, rvis = right_ranges[right_id]
            if lt < 0 or rt < 0 or (not lvis and not rvis):
                continue
            color = QColor(RELATION_COLORS[Relation(relation)])
            path = QPainterPath()
            path.moveTo(0, lt)
            path.cubicTo(QPointF(w / 2, lt), QPointF(w / 2, rt), QPointF(w, rt))
            path.lineTo(w, rb)
            path.cubicTo(QPointF(w / 2, rb), QPointF(w / 2, lb), QPointF(0, lb))
            path.closeSubpath()
            fill = QColor(color)
            fill.setAlpha(120 if (lvis and rvis) else 40)
            painter.fillPath(path, fill)
            edge = QColor(color)
            edge.setAlpha(230 if (lvis and rvis) else 90)
            pen = QPen(edge, 1.6)
            if relation == Relation.CONTRADICTS:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            mid_l, mid_r = (lt + lb) / 2, (rt + rb) / 2
            centre = QPainterPath()
            centre.moveTo(0, mid_l)
            centre.cubicTo(QPointF(w / 2, mid_l), QPointF(w / 2, mid_r), QPointF(w, mid_r))
            painter.drawPath(centre)
            if lvis and rvis:
                self._badge(painter, QPointF(w / 2, (mid_l + mid_r) / 2), relation, color)
        painter.end()

    def _badge(self, painter: QPainter, at: QPointF, relation: Relation, color: QColor) -> None:
        glyph = {Relation.SAME: "=", Relation.SUPPORTS: "+", Relation.CONTRADICTS: "≠",
                 Relation.DERIVED: "→"}[Relation(relation)]
        rect = QRectF(at.x() - 8, at.y() - 8, 16, 16)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawEllipse(rect)
        painter.setPen(QColor("white"))
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, glyph)


class LinkSplitter(QSplitter):
    """A horizontal splitter whose handles draw the links between neighbouring panes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.link_provider: LinkProvider | None = None
        self.setHandleWidth(BAND_WIDTH)
        self.setChildrenCollapsible(False)

    def createHandle(self) -> QSplitterHandle:
        return LinkBand(self.orientation(), self)

    def update_bands(self) -> None:
        for i in range(1, self.count()):
            self.handle(i).update()
