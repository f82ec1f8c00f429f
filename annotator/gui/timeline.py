"""The Timeline dock: who said it happened when. Each row is a proposition (claims joined by
"same claim" and "supports"), labelled by its first claim; each dot is a date one of its claims
states, coloured by source (a month is a dot, a bare year a bar across the year); the top row
holds the documents' publication dates. A row whose claims state different years is marked.
Clicking a dot shows its claim; Export… writes the chart as PNG or SVG.

The timeline is built in a worker (``services.timeline``) when the dock is shown and after
edits, like the Disagreements list; painting draws only the rows in view.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from annotator.core.text import one_line

if TYPE_CHECKING:
    from annotator.services.timeline import Published, Timeline, TimePoint

ROW = 22
LABEL_WIDTH = 170
TOP = 40  # the scale and the publication row
#: Source colours (distinguishable, and readable on light and dark backgrounds).
COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22"]
DISAGREE = QColor("#c92a2a")
#: Sources named in the legend (each has a colour; ten colours repeat).
LEGEND_SOURCES = 12
#: Rows an exported picture holds (a picture of 100,000 rows would be millions of pixels tall).
EXPORT_ROWS = 1000


class TimelineChart(QWidget):
    claimActivated = Signal(str)
    documentActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline: Timeline | None = None
        self.drawn_width: int | None = None  # while exporting: the picture's width, not the widget's
        self.setMouseTracking(True)
        self.setMinimumWidth(LABEL_WIDTH + 160)

    def set_timeline(self, timeline: Timeline | None) -> None:
        self.timeline = timeline
        rows = len(timeline.rows) if timeline is not None else 0
        self.setMinimumHeight(TOP + rows * ROW + 8)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        rows = len(self.timeline.rows) if self.timeline is not None else 0
        return QSize(520, TOP + rows * ROW + 8)

    def colour(self, source: str) -> QColor:
        index = self.timeline.colour_index.get(source) if self.timeline is not None else None
        return QColor(COLOURS[index % len(COLOURS)] if index is not None else "#555555")

    def _axis(self) -> tuple[float, float, float, float] | None:
        """First year, last year + 1, and the x of each."""
        span = self.timeline.span if self.timeline is not None else None
        if span is None:
            return None
        first, last = span[0], span[1] + 1
        width = self.drawn_width or self.width()
        left, right = LABEL_WIDTH + 10, max(LABEL_WIDTH + 60, width - 12)
        return first, last, left, right

    def x_of(self, position: float) -> float:
        axis = self._axis()
        assert axis is not None
        first, last, left, right = axis
        return left + (position - first) / max(last - first, 1) * (right - left)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # Only the rows in view: of a long timeline, a scroll area may ask for more.
        self.paint(painter, QRectF(event.rect().intersected(self.visibleRegion().boundingRect())))
        painter.end()

    def paint(self, painter: QPainter, exposed: QRectF | None = None) -> None:
        """Draw the chart (the rows that meet ``exposed``, or all): for the screen and exports."""
        text = self.palette().text().color()
        muted = QColor(text)
        muted.setAlpha(140)
        axis = self._axis()
        if self.timeline is None or axis is None:
            painter.setPen(muted)
            painter.drawText(QRectF(8, 8, (self.drawn_width or self.width()) - 16, 40), Qt.AlignmentFlag.AlignLeft,
                             "No claim states a date yet.")
            return
        first, last, left, right = axis
        small = QFont(self.font())
        small.setPointSizeF(max(7.5, self.font().pointSizeF() - 1.5))
        painter.setFont(small)
        step = max(1, round((last - first) / max(1, (right - left) / 60)))
        grid = QColor(text)
        grid.setAlpha(35)
        bottom = TOP + len(self.timeline.rows) * ROW
        for year in range(int(first), int(last) + 1, step):
            x = self.x_of(year)
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(x, 14), QPointF(x, bottom))
            if x <= right - 28:  # (the axis's end, one year past the last, has no label of its own)
                painter.setPen(muted)
                painter.drawText(QRectF(x - 2, 0, 60, 14), Qt.AlignmentFlag.AlignLeft, str(year))
        if exposed is None or exposed.top() < TOP:  # the publication band, when in view
            painter.setPen(muted)
            painter.drawText(QRectF(4, 16, LABEL_WIDTH, ROW), Qt.AlignmentFlag.AlignVCenter, "Published")
            for d in self.timeline.published:
                self._mark(painter, d.position, 16 + ROW / 2, self.colour(d.source), square=True)
        top, end = 0, len(self.timeline.rows)
        if exposed is not None:
            top = max(0, int((exposed.top() - TOP) // ROW))
            end = min(end, int((exposed.bottom() - TOP) // ROW) + 1)
        metrics = painter.fontMetrics()
        for index in range(top, end):
            row = self.timeline.rows[index]
            y = TOP + index * ROW
            painter.setPen(DISAGREE if row.disagrees else text)
            label = ("≠ " if row.disagrees else "") + row.label
            painter.drawText(QRectF(4, y, LABEL_WIDTH - 4, ROW), Qt.AlignmentFlag.AlignVCenter,
                             metrics.elidedText(label, Qt.TextElideMode.ElideRight, LABEL_WIDTH - 6))
            for point, dy in self._placed(row):
                self._point(painter, point, y + ROW / 2 + dy)

    @staticmethod
    def _placed(row) -> list[tuple[TimePoint, float]]:
        """Each mark of a row and how far above or below the row's middle it is drawn: marks of
        one date from several sources a little apart, each visible (and clickable)."""
        same: dict[tuple[int, int | None], list[TimePoint]] = {}
        for point in row.marks:
            same.setdefault((point.year, point.month), []).append(point)
        return [(point, (k - (len(group) - 1) / 2) * min(5.0, 14 / len(group)))
                for group in same.values() for k, point in enumerate(group)]

    def _point(self, painter: QPainter, point: TimePoint, y: float) -> None:
        colour = self.colour(point.source)
        if point.month is None:  # a bare year: a bar across it
            painter.setPen(QPen(colour, 4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawLine(QPointF(self.x_of(point.year) + 2, y), QPointF(self.x_of(point.year + 1) - 2, y))
        else:
            self._mark(painter, point.position, y, colour)

    def _mark(self, painter: QPainter, position: float, y: float, colour: QColor, square: bool = False) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        x = self.x_of(position)
        if square:
            painter.drawRect(QRectF(x - 4, y - 4, 8, 8))
        else:
            painter.drawEllipse(QPointF(x, y), 5, 5)

    def at(self, pos: QPointF) -> TimePoint | Published | None:
        """The dot or bar under ``pos``."""
        if self.timeline is None or self._axis() is None:
            return None
        if 16 <= pos.y() < 16 + ROW:
            near = [(abs(self.x_of(d.position) - pos.x()), k) for k, d in enumerate(self.timeline.published)
                    if abs(self.x_of(d.position) - pos.x()) <= 6]
            return self.timeline.published[min(near)[1]] if near else None
        index = int((pos.y() - TOP) // ROW)
        if not 0 <= index < len(self.timeline.rows) or pos.y() < TOP:
            return None
        middle = TOP + index * ROW + ROW / 2
        dots, bars = [], []
        for point, dy in self._placed(self.timeline.rows[index]):
            y = middle + dy
            if point.month is not None:  # a dot: the nearest within its radius
                distance = ((self.x_of(point.position) - pos.x()) ** 2 + (y - pos.y()) ** 2) ** 0.5
                if distance <= 6:
                    dots.append((distance, point))
            elif self.x_of(point.year) <= pos.x() <= self.x_of(point.year + 1):  # a bar: the nearest in height
                bars.append((abs(y - pos.y()), point))
        for candidates in (dots, bars):  # (a dot drawn over a bar is the one clicked)
            if candidates:
                return min(candidates, key=lambda c: c[0])[1]
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        found = self.at(event.position())
        if found is None:
            QToolTip.hideText()
            return
        if hasattr(found, "claim_id"):
            tip = f"{found.source}, {found.text}: “{one_line(found.quote, 140)}”"  # type: ignore[union-attr]
        else:
            tip = f"{found.source}: “{found.title}” published {found.year}"
        QToolTip.showText(event.globalPosition().toPoint(), tip, self)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        found = self.at(event.position())
        if found is None:
            return
        if hasattr(found, "claim_id"):
            self.claimActivated.emit(found.claim_id)
        else:
            self.documentActivated.emit(found.document_id)

    def export(self, path: str | Path) -> None:
        """The whole chart as PNG or SVG (by the file's extension)."""
        path = Path(path)
        assert self.timeline is not None, "nothing to export"
        rows = min(len(self.timeline.rows), EXPORT_ROWS)
        size = QSize(max(self.width(), 720), TOP + (rows + (rows < len(self.timeline.rows))) * ROW + 8)
        if path.suffix.lower() == ".svg":
            from PySide6.QtSvg import QSvgGenerator

            generator = QSvgGenerator()
            generator.setFileName(str(path))
            generator.setSize(size)
            generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
            generator.setTitle("Timeline — annotator")
            painter = QPainter(generator)
            image = None
        else:
            from PySide6.QtGui import QImage

            image = QImage(size, QImage.Format.Format_ARGB32)
            image.fill(self.palette().base().color())
            painter = QPainter(image)
        if not painter.isActive():  # (an SVG file that cannot be created)
            raise OSError(f"Cannot write {path}: the folder is missing or not writable.")
        self.drawn_width = size.width()  # (the axis spans the picture's width)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.paint(painter, QRectF(0, 0, size.width(), TOP + rows * ROW) if rows < len(self.timeline.rows)
                       else None)
            if rows < len(self.timeline.rows):
                painter.setPen(self.palette().text().color())
                painter.drawText(QRectF(4, TOP + rows * ROW, 520, ROW), Qt.AlignmentFlag.AlignVCenter,
                                 f"… and {len(self.timeline.rows) - rows:,} more rows: the first {rows:,} are drawn")
        finally:
            painter.end()
            self.drawn_width = None
        if image is not None and not image.save(str(path)):
            raise OSError(f"Cannot write {path}: the folder is missing or not writable.")
        if not path.exists():
            raise OSError(f"Cannot write {path}.")


class TimelinePanel(QWidget):
    exportRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel("Dates the claims state appear here when this tab is shown.")
        self.summary.setWordWrap(True)
        self.chart = TimelineChart()
        self.scroller = QScrollArea()
        self.scroller.setWidget(self.chart)
        self.scroller.setWidgetResizable(True)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save the timeline as a PNG or SVG picture")
        self.export_button.clicked.connect(self.exportRequested)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.legend, 1)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.scroller, 1)
        layout.addLayout(buttons)
        self.set_timeline(None)

    def set_busy(self, text: str) -> None:
        self.summary.setText(text)

    def set_timeline(self, timeline: Timeline | None) -> None:
        self.chart.set_timeline(timeline)
        self.export_button.setEnabled(timeline is not None and bool(timeline.rows or timeline.published))
        if timeline is None or not (timeline.rows or timeline.published):
            self.summary.setText("No claim states a date yet.")
            self.legend.setText("")
            return
        split = timeline.split
        self.summary.setText(
            f"{len(timeline.rows)} claim{'s' if len(timeline.rows) != 1 else ''} (with those linked as the same) "
            f"state dates; in {split} the sources give different years (≠). A dot is a month, a bar a year; "
            "click one to show its claim.")
        shown = timeline.sources[:LEGEND_SOURCES]
        more = len(timeline.sources) - len(shown)
        self.legend.setText(" ".join(f"<span style='color:{self.chart.colour(name).name()}'>●</span> "
                                     f"{escape(one_line(name, 28))}" for name in shown)
                            + (f" … and {more:,} more (colours repeat)" if more else ""))


def build(path: Path, cache, *, progress: Callable, cancelled: Callable[[], bool]) -> Timeline | None:
    """The timeline of the project at ``path`` (None when cancelled), for a worker."""
    from annotator.services.timeline import project_file_timeline

    progress(0, 0, "Reading the dates the claims state…")
    timeline = project_file_timeline(path, cancelled, cache=cache, progress=progress)
    return None if cancelled() else timeline
