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

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSplitter, QSplitterHandle, QToolTip, QWidget

from annotator.core.model import Relation
from annotator.gui.document_pane import DocumentPane
from annotator.gui.document_view import DocumentView, paint_dispute_badge
from annotator.gui.palette import RELATION_COLORS, RELATION_GLYPHS, RELATION_PEN_STYLES

BAND_WIDTH = 56

#: (left claim id, right claim id, relation) for the documents shown either side.
LinkProvider = Callable[[DocumentPane, DocumentPane], list[tuple[str, str, Relation]]]


class LinkBand(QSplitterHandle):
    def __init__(self, orientation: Qt.Orientation, parent: LinkSplitter) -> None:
        super().__init__(orientation, parent)
        self.setMouseTracking(True)
        # What was drawn, topmost last, for the tooltip: (ribbon and badge, left, right, relation).
        self._drawn: list[tuple[QPainterPath, str, str, Relation]] = []
        self.disputes_drawn: list[tuple[str, str]] = []

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
        selected = splitter.selected_claim() if splitter.selected_claim is not None else None
        if not any(selected in (left_id, right_id) for left_id, right_id, _r in links):
            selected = None  # no ribbon of the selected claim here: none fades
        # The selected claim's ribbons are drawn last (on top) and strong; the others fade.
        links = sorted(links, key=lambda link: selected in (link[0], link[1]))
        self._drawn = []
        self.disputes_drawn = []  # ribbons drawn with a disagreement badge
        left_ranges = self._y_ranges(left.view, {left_id for left_id, _r, _k in links})
        right_ranges = self._y_ranges(right.view, {right_id for _l, right_id, _k in links})
        for left_id, right_id, relation in links:
            lt, lb, lvis = left_ranges[left_id]
            rt, rb, rvis = right_ranges[right_id]
            if lt < 0 or rt < 0 or (not lvis and not rvis):
                continue
            relation = Relation(relation)
            color = QColor(RELATION_COLORS[relation])
            focus = selected is None or selected in (left_id, right_id)
            fade = 1.0 if focus else 0.3
            path = QPainterPath()
            path.moveTo(0, lt)
            path.cubicTo(QPointF(w / 2, lt), QPointF(w / 2, rt), QPointF(w, rt))
            path.lineTo(w, rb)
            path.cubicTo(QPointF(w / 2, rb), QPointF(w / 2, lb), QPointF(0, lb))
            path.closeSubpath()
            fill = QColor(color)
            fill.setAlpha(int((120 if (lvis and rvis) else 40) * fade))
            painter.fillPath(path, fill)
            edge = QColor(color)
            edge.setAlpha(int((230 if (lvis and rvis) else 90) * fade))
            pen = QPen(edge, 2.4 if selected is not None and focus else 1.6)
            pen.setStyle(RELATION_PEN_STYLES[relation])
            painter.setPen(pen)
            mid_l, mid_r = (lt + lb) / 2, (rt + rb) / 2
            centre = QPainterPath()
            centre.moveTo(0, mid_l)
            centre.cubicTo(QPointF(w / 2, mid_l), QPointF(w / 2, mid_r), QPointF(w, mid_r))
            painter.drawPath(centre)
            hit = QPainterPath(path)
            if lvis and rvis:
                badge = QPointF(w / 2, (mid_l + mid_r) / 2)
                badge_color = QColor(color)
                badge_color.setAlpha(int(255 * fade))
                self._badge(painter, badge, relation, badge_color)
                hit.addEllipse(badge, 9, 9)
                if splitter.disputed is not None and splitter.disputed(left_id, right_id):
                    # the two claims give different dates, figures or actors: a diamond beside it
                    marker = QRectF(badge.x() + 5, badge.y() - 15, 12, 12)
                    painter.setOpacity(fade)
                    paint_dispute_badge(painter, marker)
                    painter.setOpacity(1.0)
                    hit.addRect(marker)
                    self.disputes_drawn.append((left_id, right_id))
            self._drawn.append((hit, left_id, right_id, relation))
        painter.end()

    def event(self, event: QEvent) -> bool:
        """Hovering a ribbon or its badge (Qt's tooltip event, once per pause of the mouse)
        names both claims and the relation."""
        if event.type() != QEvent.Type.ToolTip or not isinstance(event, QHelpEvent):
            return super().event(event)
        describe = self._link_splitter().describe_link
        point = QPointF(event.pos())
        for hit, left_id, right_id, relation in reversed(self._drawn):  # topmost first
            if hit.contains(point) and describe is not None:
                QToolTip.showText(event.globalPos(), describe(left_id, right_id, relation), self)
                return True
        QToolTip.hideText()
        event.ignore()
        return True

    def _badge(self, painter: QPainter, at: QPointF, relation: Relation, color: QColor) -> None:
        glyph = RELATION_GLYPHS[Relation(relation)]
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
        self.selected_claim: Callable[[], str | None] | None = None  # its ribbons stand out
        self.describe_link: Callable[[str, str, Relation], str] | None = None  # a ribbon's tooltip
        self.disputed: Callable[[str, str], bool] | None = None  # whether two claims disagree (a badge)
        self.setHandleWidth(BAND_WIDTH)
        self.setChildrenCollapsible(False)

    def createHandle(self) -> QSplitterHandle:
        return LinkBand(self.orientation(), self)

    def update_bands(self) -> None:
        for i in range(1, self.count()):
            self.handle(i).update()


class RelationLegend(QWidget):
    """What the ribbons mean: each relation's line (colour and style), badge and name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Ribbon legend: " + ", ".join(f"{RELATION_GLYPHS[r]} {r.label}" for r in Relation))
        self.setToolTip("The ribbons between panes: one line style and colour per relation")

    def _widths(self) -> list[int]:
        """Pixels per relation: line, badge, name and a gap."""
        metrics = self.fontMetrics()
        return [48 + metrics.horizontalAdvance(r.label) + 14 for r in Relation]

    def sizeHint(self) -> QSize:
        return QSize(sum(self._widths()), 22)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        middle = self.height() / 2
        x = 4
        for relation, width in zip(Relation, self._widths(), strict=True):
            color = RELATION_COLORS[relation]
            pen = QPen(color, 2.0)
            pen.setStyle(RELATION_PEN_STYLES[relation])
            painter.setPen(pen)
            painter.drawLine(QPointF(x, middle), QPointF(x + 26, middle))
            badge = QRectF(x + 30, middle - 7, 14, 14)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawEllipse(badge)
            painter.setPen(QColor("white"))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, RELATION_GLYPHS[relation])
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(x + 48, 0, width - 48, self.height()),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, relation.label)
            x += width
        painter.end()
