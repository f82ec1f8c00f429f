"""A read-only article view that paints claim highlights for the visible lines only.

Offsets given to and returned from this widget are Python code points; the
conversion to Qt's UTF-16 positions happens here and nowhere else.
Highlights are drawn in ``paintEvent`` from a sorted span list, so tens of
thousands of claims cost only what is on screen, overlaps stay visible (the
fills blend and each overlapping claim gets its own underline level), and
nothing is mixed into the document's character formats.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import QMimeData, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDrag,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
    QTextBlock,
    QTextCursor,
    QTextLine,
    QTextOption,
)
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QToolTip, QWidget

from annotator.core.offsets import OffsetMap
from annotator.core.text import snap_to_words
from annotator.gui.palette import DISPUTE_COLOR, DISPUTE_GLYPH

CLAIM_MIME = "application/x-annotator-claim"

#: Where a claim is on screen: (top, bottom) in viewport pixels, scrolled "above" or
#: "below" the visible lines, or None if the view does not show it.
Vertical = tuple[float, float] | Literal["above", "below"] | None


def _cursor_x(line: QTextLine, position: int) -> float:
    """The x of a text position in a laid-out line."""
    # PySide6's stubs say cursorToX returns object; it returns (x, position) for the C++ in/out int*.
    x_and_position: tuple[float, int] = line.cursorToX(position)  # type: ignore[assignment]
    return x_and_position[0]


@dataclass
class Span:
    """One highlight as the view paints it (UTF-16 positions)."""

    id: str
    start: int
    end: int
    color: QColor
    marker: QColor | None = None  # verdict colour, drawn as a tab at the end
    level: int = 0  # underline level among overlapping spans
    links: tuple[QColor, ...] = ()  # relation colours, drawn in the gutter facing the link bands


@dataclass(frozen=True)
class Hint:
    """A sentence worth checking, drawn as a dotted underline (UTF-16 positions)."""

    start: int
    end: int
    tip: str


class DocumentView(QPlainTextEdit):
    spanClicked = Signal(str)  # claim id
    selectionSpanChanged = Signal()
    viewportMoved = Signal()  # scrolled or resized: link bands follow
    claimDropped = Signal(str, str)  # dragged claim id, claim id it was dropped on

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 11.0))
        self.setFont(font)
        self.document().setDocumentMargin(14)
        self._offsets = OffsetMap("")
        self._text = ""
        self._spans: list[Span] = []
        self._starts: list[int] = []
        self._max_len = 0
        self._selected_id: str | None = None
        self._by_id: dict[str, Span] = {}
        self._drag_claim: str | None = None
        self._drag_origin: QPoint | None = None  # set with _drag_claim
        self._drop_target: str | None = None
        self._hints: list[Hint] = []  # sorted, never overlapping (sentences)
        self._hint_starts: list[int] = []
        self._geometry_cache: dict[int, QRectF] | None = None  # set while painting
        self.tooltip_provider: Callable[[str], str] | None = None  # set by the window
        self.after_paint: Callable[[], None] | None = None  # called once, after the next paint
        self.gutters: tuple[bool, bool] = (False, False)  # (left, right) edges that face a link band
        self.disputed: frozenset[str] = frozenset()  # claims another claim disagrees with: a badge each
        self.setAcceptDrops(True)
        self.viewport().setMouseTracking(True)
        self.selectionChanged.connect(self.selectionSpanChanged)
        self.verticalScrollBar().valueChanged.connect(lambda _v: self.viewportMoved.emit())

    # -- text ------------------------------------------------------------------------
    def set_text(self, text: str) -> None:
        self._text = text
        self._offsets = OffsetMap(text)
        self.set_spans([])
        self.set_hints([])
        self.setPlainText(text)

    @property
    def offsets(self) -> OffsetMap:
        return self._offsets

    def selection_span(self) -> tuple[int, int] | None:
        """The selected range in code points, or None."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return (self._offsets.to_codepoint(cursor.selectionStart()),
                self._offsets.to_codepoint(cursor.selectionEnd()))

    def _snap_selection_to_words(self) -> None:
        span = self.selection_span()
        if span is None:
            return
        snapped = snap_to_words(self._text, *span)
        if snapped != span:
            cursor = self.textCursor()
            forward = cursor.position() >= cursor.anchor()
            start, end = snapped if forward else snapped[::-1]
            cursor.setPosition(self._offsets.to_utf16(start))
            cursor.setPosition(self._offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
            self.setTextCursor(cursor)

    def select_span(self, start: int, end: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(self._offsets.to_utf16(start))
        cursor.setPosition(self._offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def scroll_to(self, start: int, end: int | None = None) -> None:
        """Bring a code-point range into view, roughly centred."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._offsets.to_utf16(start))
        self.setTextCursor(cursor)
        self.centerCursor()

    # -- highlights ------------------------------------------------------------------
    def set_spans(self, spans: list[Span]) -> None:
        spans = sorted(spans, key=lambda s: (s.start, -s.end))
        ends_by_level: list[int] = []
        for span in spans:  # greedy interval colouring for underline levels
            for level, end in enumerate(ends_by_level):
                if end <= span.start:
                    span.level = level
                    ends_by_level[level] = span.end
                    break
            else:
                span.level = len(ends_by_level)
                ends_by_level.append(span.end)
        self._spans = spans
        self._by_id = {s.id: s for s in spans}
        self._starts = [s.start for s in spans]
        self._max_len = max((s.end - s.start for s in spans), default=0)
        self.viewport().update()

    def update_span(self, claim_id: str, span: Span | None) -> None:
        """Replace, add or (span None) remove one highlight without touching the others."""
        old = self._by_id.pop(claim_id, None)
        if old is not None:
            self._update_strip(old)
            i = bisect_left(self._starts, old.start)
            while self._spans[i] is not old:
                i += 1
            del self._spans[i]
            del self._starts[i]
        if span is not None:
            used = {s.level for s in self.spans_between(span.start, span.end)}
            span.level = next(level for level in range(len(used) + 1) if level not in used)
            i = bisect_left(self._starts, span.start)
            while i < len(self._spans) and self._spans[i].start == span.start and self._spans[i].end > span.end:
                i += 1  # same order as set_spans: by start, longer first
            self._spans.insert(i, span)
            self._starts.insert(i, span.start)
            self._by_id[claim_id] = span
            self._max_len = max(self._max_len, span.end - span.start)
            self._update_strip(span)

    def _update_strip(self, span: Span) -> None:
        """Schedule a repaint of the full-width band of lines a span covers (its fill,
        underline, outline, verdict tab and gutter marks all lie in it), not the whole view."""
        rects = self.span_rects(span)
        if rects:
            top = int(min(r.top() for r in rects)) - 3
            bottom = int(max(r.bottom() for r in rects)) + 3
            self.viewport().update(0, top, self.viewport().width(), bottom - top)

    # -- check-worthy sentences ------------------------------------------------------
    def set_hints(self, hints: list[tuple[int, int, str]]) -> None:
        """Sentences worth checking as (start, end, why) in code points; [] hides them."""
        to16 = self._offsets.to_utf16
        self._hints = sorted((Hint(to16(a), to16(b), tip) for a, b, tip in hints), key=lambda h: h.start)
        self._hint_starts = [h.start for h in self._hints]
        self.viewport().update()

    def hints_between(self, start: int, end: int) -> list[Hint]:
        lo = max(bisect_left(self._hint_starts, start) - 1, 0)
        hi = bisect_left(self._hint_starts, end)
        return [h for h in self._hints[lo:hi] if h.end > start and h.start < end]

    def select_next_hint(self, step: int = 1) -> bool:
        """Select the next (or previous) check-worthy sentence after the cursor; False if none."""
        cursor = self.textCursor()
        if step > 0:
            here = cursor.selectionEnd() if cursor.hasSelection() else cursor.position()
            i = bisect_left(self._hint_starts, here)
            hint = self._hints[i] if i < len(self._hints) else None
        else:
            here = cursor.selectionStart() if cursor.hasSelection() else cursor.position()
            i = bisect_left(self._hint_starts, here) - 1
            hint = self._hints[i] if i >= 0 else None
        if hint is None:
            return False
        cursor.setPosition(hint.start)
        cursor.setPosition(hint.end, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        return True

    def set_selected_span(self, claim_id: str | None) -> None:
        if claim_id == self._selected_id:
            return
        for span in (self._by_id.get(self._selected_id or ""), self._by_id.get(claim_id or "")):
            if span is not None:
                self._update_strip(span)
        self._selected_id = claim_id

    def spans_between(self, start: int, end: int) -> list[Span]:
        """Spans overlapping the UTF-16 range [start, end)."""
        lo = bisect_left(self._starts, start - self._max_len)
        hi = bisect_left(self._starts, end)
        return [s for s in self._spans[lo:hi] if s.end > start and s.start < end]

    def span_at(self, u16: int) -> Span | None:
        """The innermost span containing a UTF-16 position."""
        hits = [s for s in self.spans_between(u16, u16 + 1)]
        return min(hits, key=lambda s: s.end - s.start) if hits else None

    def span_rects(self, span: Span | Hint) -> list[QRectF]:
        """Viewport rectangles covering a span (only for laid-out, visible blocks)."""
        rects: list[QRectF] = []
        block = self.document().findBlock(span.start)
        height = self.viewport().height()
        while block.isValid() and block.position() < span.end:
            geometry = self._block_geometry(block)
            if geometry.top() > height:
                break
            layout = block.layout()
            position = block.position()
            a = max(span.start, position) - position
            b = min(span.end, position + block.length() - 1) - position
            if b > a and layout is not None and geometry.bottom() >= 0 and layout.lineCount():
                first = layout.lineForTextPosition(a)
                i, n = (first.lineNumber() if first.isValid() else 0), layout.lineCount()
                while i < n:
                    line = layout.lineAt(i)
                    i += 1
                    la = line.textStart()
                    if la >= b:
                        break
                    s, e = max(a, la), min(b, la + line.textLength())
                    if e <= s:
                        continue
                    x1 = _cursor_x(line, s)
                    x2 = _cursor_x(line, e)
                    r = line.rect()
                    rects.append(QRectF(geometry.left() + x1, geometry.top() + r.top(), x2 - x1, r.height()))
            block = block.next()
        return rects

    def _block_geometry(self, block: QTextBlock) -> QRectF:
        """A block's rectangle in viewport pixels; remembered for the length of one paint."""
        cache = self._geometry_cache
        if cache is None:
            return self.blockBoundingGeometry(block).translated(self.contentOffset())
        number = block.blockNumber()
        geometry = cache.get(number)
        if geometry is None:
            geometry = cache[number] = self.blockBoundingGeometry(block).translated(self.contentOffset())
        return geometry

    def claim_vertical(self, claim_id: str) -> Vertical:
        """Where a claim is on screen: (top, bottom) in viewport pixels, "above",
        "below", or None if this view does not show it."""
        return self.claim_verticals([claim_id])[claim_id]

    def claim_verticals(self, claim_ids: Iterable[str]) -> dict[str, Vertical]:
        """``claim_vertical`` for many claims at once (the link bands ask for every end
        of every link): the visible range and each block's geometry are found once."""
        start, end = self._visible_range()
        outer, self._geometry_cache = self._geometry_cache, self._geometry_cache or {}
        try:
            found: dict[str, Vertical] = {}
            for claim_id in claim_ids:
                span = self._by_id.get(claim_id)
                if span is None:
                    found[claim_id] = None
                elif span.end <= start:
                    found[claim_id] = "above"
                elif span.start >= end:
                    found[claim_id] = "below"
                else:
                    rects = self.span_rects(span)
                    if not rects:
                        found[claim_id] = "above" if span.start < start else "below"
                    else:
                        found[claim_id] = (rects[0].top(), rects[-1].bottom())
            return found
        finally:
            self._geometry_cache = outer

    def set_disputed(self, claim_ids: Iterable[str]) -> None:
        """The claims that get a disagreement badge (another claim about the same thing gives
        another date, figure or actor)."""
        disputed = frozenset(claim_ids)
        if disputed != self.disputed:
            self.disputed = disputed
            self.viewport().update()

    def has_links(self, claim_id: str) -> bool:
        """Whether this view shows the claim and it has links (ribbons may start at it)."""
        span = self._by_id.get(claim_id)
        return span is not None and bool(span.links)

    def span_ids(self) -> list[str]:
        """Claim ids in reading order."""
        return [s.id for s in self._spans]

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.viewportMoved.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._hints or self._spans:
            self._geometry_cache = {}
            try:
                start, end = self._range_in(event.rect())
                if self._hints:
                    self._paint_hints(start, end)
                if self._spans:
                    self._paint_highlights(start, end)
            finally:
                self._geometry_cache = None
        super().paintEvent(event)
        if self.disputed and self._spans:
            self._geometry_cache = {}
            try:
                self._paint_badges(*self._range_in(event.rect()))
            finally:
                self._geometry_cache = None
        if self.after_paint is not None:
            after, self.after_paint = self.after_paint, None
            after()

    def _range_in(self, rect: QRect) -> tuple[int, int]:
        """The UTF-16 range of the lines a viewport rectangle touches."""
        width, line = self.viewport().width(), self.fontMetrics().height()  # a line more each way
        start = self.cursorForPosition(QPoint(0, max(rect.top() - line, 0))).position()
        end = self.cursorForPosition(QPoint(width, min(rect.bottom() + line, self.viewport().height()))).position()
        return start, end + 1

    def _paint_hints(self, start: int, end: int) -> None:
        painter = QPainter(self.viewport())
        pen = QPen(self.palette().placeholderText().color(), 1.5, Qt.PenStyle.DotLine)
        painter.setPen(pen)
        for hint in self.hints_between(start, end):
            for rect in self.span_rects(hint):
                y = rect.bottom() - 0.5
                painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        painter.end()

    def _visible_range(self) -> tuple[int, int]:
        first = self.firstVisibleBlock()
        start = first.position()
        cursor = self.cursorForPosition(self.viewport().rect().bottomRight())
        return start, cursor.position() + 1

    def _paint_highlights(self, start: int, end: int) -> None:
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for span in self.spans_between(start, end):
            fill = QColor(span.color)
            fill.setAlpha(110 if span.id != self._selected_id else 190)
            rects = self.span_rects(span)
            for rect in rects:
                painter.fillRect(rect, fill)
                underline = QColor(span.color).darker(140)
                painter.setPen(QPen(underline, 2))
                y = rect.bottom() - 1 - 3 * span.level
                painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            if span.id in (self._selected_id, self._drop_target):
                painter.setBrush(Qt.BrushStyle.NoBrush)  # an outline only, never a fill
                painter.setPen(QPen(self.palette().highlight().color(), 2.5 if span.id == self._drop_target else 1.5))
                for rect in rects:
                    painter.drawRect(rect.adjusted(-1, 0, 1, 0))
            if span.links and rects and any(self.gutters):
                top, bottom = rects[0].top() + 1, rects[-1].bottom() - 1
                width = self.viewport().width()
                for k, color in enumerate(span.links[:3]):
                    if self.gutters[0]:
                        painter.fillRect(QRectF(2 + 4 * k, top, 3, bottom - top), color)
                    if self.gutters[1]:
                        painter.fillRect(QRectF(width - 5 - 4 * k, top, 3, bottom - top), color)
            if span.marker is not None and rects:
                last = rects[-1]
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(span.marker)
                painter.drawRoundedRect(QRectF(last.right() - 1, last.top() + 2, 5, last.height() - 4), 2, 2)
        painter.end()

    def _paint_badges(self, start: int, end: int) -> None:
        """A disagreement badge beside the first line of each disputed claim (painted last)."""
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for span in self.spans_between(start, end):
            if span.id not in self.disputed:
                continue
            rects = self.span_rects(span)
            if not rects:
                continue
            paint_dispute_badge(painter, self.badge_rect(rects[0]))
        painter.end()

    def badge_rect(self, first: QRectF) -> QRectF:
        """Where a claim's disagreement badge goes: in the margin beside its first line (as an
        editor marks a line), on the side without link strips when one side has them."""
        size = 11.0
        x = self.viewport().width() - size - 1.5 if self.gutters[0] and not self.gutters[1] else 1.5
        return QRectF(x, first.center().y() - size / 2, size, size)

    def _hint_under(self, point: QPoint) -> Hint | None:
        if not self._hints:
            return None
        position = self.cursorForPosition(point).position()
        found = self.hints_between(position, position + 1)
        if not found or not any(rect.contains(QPointF(point)) for rect in self.span_rects(found[0])):
            return None  # the blank space beside or below a sentence is not the sentence
        return found[0]

    def _span_under(self, point: QPoint) -> Span | None:
        cursor = self.cursorForPosition(point)
        rect = self.cursorRect(cursor)
        if abs(rect.center().y() - point.y()) > rect.height():  # below the last line
            return None
        return self.span_at(cursor.position())

    # -- mouse: click selects a claim; dragging the selected claim links it ----------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            span = self._span_under(event.position().toPoint())
            if span is not None and span.id == self._selected_id and not self.textCursor().hasSelection():
                self._drag_claim = span.id
                self._drag_origin = event.position().toPoint()
                return
        self._drag_claim = None
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag_claim is not None and event.buttons() & Qt.MouseButton.LeftButton:
            assert self._drag_origin is not None  # mousePressEvent sets both
            if (event.position().toPoint() - self._drag_origin).manhattanLength() >= QApplication.startDragDistance():
                claim_id, self._drag_claim = self._drag_claim, None
                mime = QMimeData()
                mime.setData(CLAIM_MIME, claim_id.encode())
                drag = QDrag(self)
                drag.setMimeData(mime)
                drag.exec(Qt.DropAction.LinkAction)
            return
        super().mouseMoveEvent(event)
        if not event.buttons() and self.tooltip_provider is not None:
            span = self._span_under(event.position().toPoint())
            hint = None if span is not None else self._hint_under(event.position().toPoint())
            if span is not None:
                QToolTip.showText(event.globalPosition().toPoint(), self.tooltip_provider(span.id), self.viewport())
            elif hint is not None:
                QToolTip.showText(event.globalPosition().toPoint(), hint.tip, self.viewport())
            else:
                QToolTip.hideText()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag_claim is not None:  # a click on the selected claim, no drag
            self._drag_claim = None
            return
        super().mouseReleaseEvent(event)
        if (event.button() == Qt.MouseButton.LeftButton and self.textCursor().hasSelection()
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self._snap_selection_to_words()  # Ctrl held: exactly the characters (Alt+drag moves windows)
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            span = self._span_under(event.position().toPoint())
            if span is not None:
                self.spanClicked.emit(span.id)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(CLAIM_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()  # files go to the window, which imports them

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if not event.mimeData().hasFormat(CLAIM_MIME):
            event.ignore()
            return
        span = self._span_under(event.position().toPoint())
        target = span.id if span is not None else None
        if target != self._drop_target:
            self._drop_target = target
            self.viewport().update()
        if span is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._drop_target = None
        self.viewport().update()

    def dropEvent(self, event: QDropEvent) -> None:
        self._drop_target = None
        self.viewport().update()
        if not event.mimeData().hasFormat(CLAIM_MIME):
            event.ignore()
            return
        span = self._span_under(event.position().toPoint())
        if span is None:
            event.ignore()
            return
        event.acceptProposedAction()
        source_id = bytes(event.mimeData().data(CLAIM_MIME).data()).decode()
        self.claimDropped.emit(source_id, span.id)


def paint_dispute_badge(painter: QPainter, rect: QRectF) -> None:
    """The disagreement badge in ``rect``: a dark red diamond with a white “!”."""
    painter.save()
    centre = rect.center()
    half = rect.width() / 2
    diamond = QPolygonF([QPointF(centre.x(), centre.y() - half), QPointF(centre.x() + half, centre.y()),
                         QPointF(centre.x(), centre.y() + half), QPointF(centre.x() - half, centre.y())])
    painter.setPen(QPen(QColor("white"), 1.0))
    painter.setBrush(DISPUTE_COLOR)
    painter.drawPolygon(diamond)
    font = QFont(painter.font())
    font.setPixelSize(max(7, int(rect.height() * 0.75)))
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, DISPUTE_GLYPH)
    painter.restore()
