"""The Reliability panel: each source's record and estimate as bars with intervals,
and, for the selected source, the claims that moved its score most.

Scores are computed a short moment after the last edit, in a separate process that reads
the project through its own connection, so typing and clicking never wait for them.
"""

from __future__ import annotations

import atexit
import sys
import threading
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QHBoxLayout,
    QWidget,
    QSizePolicy,
)

if TYPE_CHECKING:  # the scores' code (NumPy) loads with the first scoring, not at start-up
    from concurrent.futures import ProcessPoolExecutor

    from annotator.gui.workers import Worker
    from annotator.services.reliability.scores import SourceScore
    from annotator.services.reliability.summary import ScoreSummary

ESTIMATE_COLOR = QColor("#3d8bd9")
RECORD_COLOR = QColor("#2e9e62")
COPY_COLOR = QColor("#9b6bd6")
ROW_HEIGHT = 46
COPY_NOTES_SHOWN = 3  # notes on copying listed under a source; the rest in a tooltip
ID_ROLE = Qt.ItemDataRole.UserRole


def fmt(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


class ScoreChart(QWidget):
    """Sources sorted by score; a bar for the estimate with its 90% interval, and a
    diamond for the record on checked claims with its own interval."""

    sourceSelected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scores: list[SourceScore] = []
        self.selected: str | None = None
        self.setAccessibleName("Reliability of each source")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_scores(self, scores: list[SourceScore]) -> None:
        def key(s: SourceScore) -> tuple[bool, float, str]:
            value = s.estimate if s.estimate is not None else s.record
            return (value is None, -(value or 0.0), s.name.casefold())

        self.scores = sorted(scores, key=key)
        self.setMinimumHeight(max(1, len(self.scores)) * ROW_HEIGHT + 30)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, max(1, len(self.scores)) * ROW_HEIGHT + 30)

    def _geometry(self):
        width = self.width()
        name_w = min(170, int(width * 0.34))
        text_w = 118
        left = name_w + 8
        right = width - text_w - 8
        return name_w, left, max(right, left + 40)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_color = palette.text().color()
        muted = QColor(text_color)
        muted.setAlpha(150)
        name_w, left, right = self._geometry()
        top = 22
        grid = QColor(text_color)
        grid.setAlpha(40)
        small = QFont(self.font())
        small.setPointSizeF(max(7.5, self.font().pointSizeF() - 1.5))
        painter.setFont(small)
        for frac in (0.0, 0.25, 0.5, 0.75, 1.0):
            x = left + frac * (right - left)
            painter.setPen(QPen(grid, 1, Qt.PenStyle.DotLine if 0 < frac < 1 else Qt.PenStyle.SolidLine))
            painter.drawLine(QPointF(x, top - 4), QPointF(x, top + len(self.scores) * ROW_HEIGHT))
            painter.setPen(muted)
            painter.drawText(QRectF(x - 20, 2, 40, 16), Qt.AlignmentFlag.AlignCenter, f"{frac * 100:.0f}%")
        if not self.scores:
            painter.setPen(muted)
            painter.drawText(self.rect().adjusted(8, 24, -8, 0), Qt.AlignmentFlag.AlignTop,
                             "No sources yet.")
        for i, score in enumerate(self.scores):
            y = top + i * ROW_HEIGHT
            row = QRectF(0, y, self.width(), ROW_HEIGHT)
            if score.source_id == self.selected:
                light = palette.base().color().lightness() > 128
                highlight = palette.highlight().color()
                painter.fillRect(row, highlight.lighter(170) if light else highlight.darker(200))
            painter.setFont(self.font())
            painter.setPen(text_color)
            metrics = painter.fontMetrics()
            left_middle = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            painter.drawText(QRectF(6, y + 4, name_w - 6, 18), left_middle,
                             metrics.elidedText(score.name, Qt.TextElideMode.ElideRight, name_w - 8))
            painter.setFont(small)
            painter.setPen(COPY_COLOR if score.copies_of else muted)
            sub = f"copies {', '.join(score.copies_of)}" if score.copies_of else score.record_text
            painter.drawText(QRectF(6, y + 22, name_w - 6, 16), left_middle,
                             painter.fontMetrics().elidedText(sub, Qt.TextElideMode.ElideRight, name_w - 8))
            span = right - left
            if score.estimate is not None:
                bar = QRectF(left, y + 8, score.estimate * span, 14)
                fill = QColor(ESTIMATE_COLOR)
                fill.setAlpha(150)
                painter.fillRect(bar, fill)
                if score.estimate_interval:
                    lo, hi = score.estimate_interval
                    self._whisker(painter, left + lo * span, left + hi * span, y + 15, ESTIMATE_COLOR.darker(130), 6)
            if score.record is not None:
                cy = y + 32
                if score.record_interval:
                    lo, hi = score.record_interval
                    self._whisker(painter, left + lo * span, left + hi * span, cy, RECORD_COLOR, 4)
                x = left + score.record * span
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(RECORD_COLOR)
                painter.drawPolygon(QPolygonF([QPointF(x, cy - 6), QPointF(x + 6, cy), QPointF(x, cy + 6),
                                               QPointF(x - 6, cy)]))
            if score.estimate is None:  # why, where the bar would be (in full in the explanation)
                painter.setPen(muted)
                painter.setFont(small)
                painter.drawText(QRectF(left + 4, y + 4, span - 4, 18), Qt.AlignmentFlag.AlignVCenter,
                                 painter.fontMetrics().elidedText(score.reason_in_short, Qt.TextElideMode.ElideRight,
                                                                  int(span) - 8))
            painter.setPen(text_color)
            painter.drawText(QRectF(right + 8, y + 6, self.width() - right - 10, 18), Qt.AlignmentFlag.AlignLeft,
                             f"est. {fmt(score.estimate)}")
            painter.setPen(RECORD_COLOR if score.record is not None else muted)
            painter.drawText(QRectF(right + 8, y + 24, self.width() - right - 10, 18), Qt.AlignmentFlag.AlignLeft,
                             f"record {fmt(score.record)}")
        painter.end()

    @staticmethod
    def _whisker(painter: QPainter, x1: float, x2: float, y: float, color: QColor, cap: float) -> None:
        painter.setPen(QPen(color, 1.6))
        painter.drawLine(QPointF(x1, y), QPointF(x2, y))
        painter.drawLine(QPointF(x1, y - cap), QPointF(x1, y + cap))
        painter.drawLine(QPointF(x2, y - cap), QPointF(x2, y + cap))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = int((event.position().y() - 22) // ROW_HEIGHT)
        if 0 <= index < len(self.scores):
            self.select(self.scores[index].source_id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        ids = [s.source_id for s in self.scores]
        if not ids or event.key() not in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            return super().keyPressEvent(event)
        i = ids.index(self.selected) if self.selected in ids else -1
        i = max(0, min(len(ids) - 1, i + (1 if event.key() == Qt.Key.Key_Down else -1)))
        self.select(ids[i])

    def select(self, source_id: str | None) -> None:
        self.selected = source_id
        self.update()
        if source_id:
            self.sourceSelected.emit(source_id)


class ReliabilityPanel(QWidget):
    claimActivated = Signal(str)
    helpRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scores: ScoreSummary | None = None
        self.summary = QLabel("Scores appear after the first claims and verdicts.")
        self.summary.setWordWrap(True)
        self.status = QLabel()
        help_button = QPushButton("How scores are computed")
        help_button.clicked.connect(self.helpRequested)
        legend = QLabel(f"<span style='color:{ESTIMATE_COLOR.name()}'>■</span> estimate (all claims, "
                        f"inferred) &nbsp; <span style='color:{RECORD_COLOR.name()}'>◆</span> record "
                        "(checked claims) &nbsp; ├┤ 90% interval")
        legend.setWordWrap(True)
        self.chart = ScoreChart()
        self.chart.sourceSelected.connect(self.show_explanation)
        self.chart.sourceSelected.connect(self._reveal)
        self.explain_title = QLabel()
        self.explain_title.setWordWrap(True)
        self.explanation = QTreeWidget()
        self.explanation.setAccessibleName("Claims behind the selected source's score")
        self.explanation.setHeaderLabels(["Effect", "Claim", "Checked / inferred"])
        self.explanation.setRootIsDecorated(False)
        self.explanation.setWordWrap(True)
        self.explanation.itemActivated.connect(lambda item: self.claimActivated.emit(item.data(0, ID_ROLE)))
        self.explanation.itemClicked.connect(lambda item: self.claimActivated.emit(item.data(0, ID_ROLE)))
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.summary, 1)
        head.addWidget(help_button)
        top_layout.addLayout(head)
        top_layout.addWidget(legend)
        self.chart_scroll = QScrollArea()  # fifty sources must not make the window taller than the screen
        self.chart_scroll.setWidget(self.chart)
        self.chart_scroll.setWidgetResizable(True)
        self.chart_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.chart_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.chart_scroll.setMinimumHeight(22 + 3 * ROW_HEIGHT)  # the scale and three sources at least
        top_layout.addWidget(self.chart_scroll, 1)
        top_layout.addWidget(self.status)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.explain_title)
        bottom_layout.addWidget(self.explanation, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split)

    def _reveal(self, source_id: str) -> None:
        ids = [s.source_id for s in self.chart.scores]
        if source_id in ids:
            top = 22 + ids.index(source_id) * ROW_HEIGHT
            self.chart_scroll.ensureVisible(0, top + ROW_HEIGHT // 2, 0, ROW_HEIGHT // 2 + 4)

    def set_busy(self, busy: bool) -> None:
        self.status.setText("Updating scores…" if busy else "")

    def set_error(self, message: str) -> None:
        self.status.setText(f"Scores could not be computed: {message}")

    def set_scores(self, scores: ScoreSummary) -> None:
        self.scores = scores
        if scores.verdict_count:
            text = (f"From {scores.verdict_count} verdict{'s' if scores.verdict_count != 1 else ''} on "
                    f"{scores.proposition_count} distinct claims; {scores.base_rate * 100:.0f}% of checked claims "
                    "in this project held up.")
        else:  # what a journalist should know before reading any number
            from annotator.services.reliability.scores import NO_VERDICTS_CAVEAT  # (loaded with the scores)

            caveat = scores.notes[0] if scores.notes and scores.notes[0] == NO_VERDICTS_CAVEAT else \
                "no claim has a verdict yet"
            text = f"{caveat[:1].upper()}{caveat[1:]}."
        self.summary.setText(text)
        self.summary.setToolTip("\n".join(scores.notes))
        self.chart.set_scores(scores.sources)
        ids = [s.source_id for s in scores.sources]
        if self.chart.selected in ids:
            self.show_explanation(self.chart.selected)
        elif ids:
            self.chart.select(self.chart.scores[0].source_id)
        self.set_busy(False)

    def score_of(self, source_id: str) -> SourceScore | None:
        if self.scores is None:
            return None
        return next((s for s in self.scores.sources if s.source_id == source_id), None)

    def show_explanation(self, source_id: str) -> None:
        score = self.score_of(source_id)
        self.explanation.clear()
        if score is None or self.scores is None:  # (score_of finds a score only in self.scores)
            return
        estimate = (f"estimate {fmt(score.estimate)}" if score.estimate is not None
                    else f"no estimate, {escape(score.reason)}")
        lines = [f"<b>{escape(score.name)}</b>: {score.record_text}; {estimate}"
                 + (f" (90%: {fmt(score.estimate_interval[0])}–{fmt(score.estimate_interval[1])})"
                    if score.estimate_interval else "")
                 + f"; {score.claim_count} claims."]
        notes = score.copy_notes
        shown = notes if len(notes) <= COPY_NOTES_SHOWN + 1 else notes[:COPY_NOTES_SHOWN]
        lines += [f"<span style='color:{COPY_COLOR.name()}'>{escape(note)}</span>" for note in shown]
        if len(shown) < len(notes):  # a source that copies many others: the rest on hover
            lines.append(f"<span style='color:{COPY_COLOR.name()}'>… and {len(notes) - len(shown)} more "
                         "notes on copying (hover to read them)</span>")
        self.explain_title.setToolTip("\n".join(notes) if len(shown) < len(notes) else "")
        self.explain_title.setText("<br>".join(lines))
        for row in self.scores.explanation(source_id):
            effect = f"{row.effect * 100:+.0f} pts"
            if row.kind == "checked":
                verdict = f"checked: {row.verdict}" + (" (held up)" if row.held_up else " (did not hold up)")
            else:
                verdict = f"inferred: {row.probability * 100:.0f}% likely true"
            item = QTreeWidgetItem([effect, " ".join(row.quote.split()), verdict])
            item.setData(0, ID_ROLE, row.claim_id)
            item.setToolTip(1, row.quote + (f"\n{row.note}" if row.note else ""))
            item.setForeground(0, RECORD_COLOR if row.effect >= 0 else QColor("#c92a2a"))
            self.explanation.addTopLevelItem(item)
        self.explanation.resizeColumnToContents(0)
        self.explanation.setColumnWidth(1, max(160, self.explanation.width() - 260))


class ScoreUpdater:
    """Recompute scores in a worker a moment after the last edit; never two at once."""

    # Edits made together (an undo of a bulk edit, a paste) are scored once; edits made while a
    # scoring runs, once more when it ends. A scoring after one edit takes 0.15-0.25 s at 100k claims:
    # a longer wait would be most of the time a person waits for new scores.
    DELAY_MS = 20

    def __init__(self, parent: QWidget, panel: ReliabilityPanel, on_scores: Callable[[ScoreSummary], None],
                 project_path: Callable[[], Path | None]):
        self.panel, self.on_scores, self.project_path = panel, on_scores, project_path
        self.timer = QTimer(parent)
        self.timer.setSingleShot(True)
        self.timer.setInterval(self.DELAY_MS)
        self.timer.timeout.connect(self._start)
        self.worker: Worker | None = None
        self.dirty = False

    def schedule(self) -> None:
        self.timer.start()

    def _start(self) -> None:
        from annotator.gui.workers import Worker

        if self.worker is not None:
            self.dirty = True
            return
        path = self.project_path()
        if path is None:
            return
        self._scoring_path = path
        self.dirty = False
        self.panel.set_busy(True)
        # The worker reads the project through its own connection: nothing project-sized
        # happens on the GUI thread.
        self.worker = Worker(_score, path, self.panel.scores)
        self.worker.finished.connect(self._finished)
        self.worker.failed.connect(self._failed)
        self.worker.start()

    def stop(self) -> None:
        """The window closes: no new scoring, and one under way is abandoned at once."""
        self.timer.stop()
        if self.worker is not None:
            self.worker.cancel()

    def _finished(self, scores: ScoreSummary | None) -> None:
        self.worker = None
        path = self.project_path()
        if path is None or scores is None:  # closed, or the scoring was abandoned
            return
        if self.dirty or path != self._scoring_path:  # edited, or another project opened
            self._start()
            return
        self.panel.set_scores(scores)
        self.on_scores(scores)

    def _failed(self, message: str) -> None:
        self.worker = None
        if self.dirty:  # edits made meanwhile deserve another try
            self._start()
            return
        self.panel.set_error(message)


class ScoringProcess:
    """One warm child process that scores projects. Scoring a 100k-claim project is seconds
    of pure Python; in a thread of the app it would take turns with the GUI thread for the
    interpreter lock and every keystroke would wait. The child is started with the first
    scoring and kept for the next ones (it keeps the texts it has read)."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None  # made with the first scoring
        self._lock = threading.Lock()
        self._stop_at_exit = False

    def score(self, path, cancelled):
        """Score in the child; give up (and stop the child) when ``cancelled()`` turns true."""
        import multiprocessing  # here, on the scoring thread: not part of the app's start
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures import TimeoutError as FuturesTimeout

        from annotator.services.reliability.summary import summarize_file

        with self._lock:
            if self._pool is None:
                if not self._stop_at_exit:  # before Python's own shutdown tears the pool's modules down
                    atexit.register(self.stop)
                    self._stop_at_exit = True
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_prepare_child)
            future = self._pool.submit(summarize_file, str(path), True)  # it scores this project again later
        while True:
            try:
                return future.result(timeout=0.1)
            except FuturesTimeout:
                if cancelled():
                    self.stop()  # a half-done scoring of a closed project is not worth waiting for
                    return None

    def stop(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        results = getattr(pool, "_result_queue", None)  # (taken before shutdown lets go of it)
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        # A child stopped while it sent a result leaves part of it in the pipe, and the pool's
        # thread reading it waits for the rest for good: this process holds the pipe's other
        # end too, so no end of file ever comes, and Python's exit waits for that thread (the
        # app hung at exit after a cancelled scoring). Only the children write to it; with
        # this end closed, the reader sees the end of the pipe and gives up.
        writer = getattr(results, "_writer", None)
        if writer is not None:
            writer.close()


SCORING = ScoringProcess()


def _prepare_child() -> None:
    """In the scoring child: yield the processor to the window and leave with it."""
    from annotator.services.reliability.scores import scoring_owns_this_process

    scoring_owns_this_process()
    _lower_priority()
    from annotator.services.sandbox import exit_with_parent

    exit_with_parent()


def _lower_priority() -> None:
    """Scores can wait; an edit cannot. On a busy two-core machine the scoring child would
    otherwise take a core from the window's thread, and a Ctrl+E now and then took twice
    as long while scores were being computed."""
    import os

    try:
        if hasattr(os, "nice"):
            os.nice(10)
        elif sys.platform == "win32":
            import ctypes

            below_normal = 0x4000
            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), below_normal)
    except OSError:
        pass  # not allowed here: the scores come as fast as before


def _score(path, previous, progress, cancelled):
    """Worker: scores from the scoring process; in this process if a child cannot run.
    What ``previous`` worked out and still holds is taken over."""
    from concurrent.futures.process import BrokenProcessPool

    from annotator.services.reliability.summary import summarize_file

    try:
        summary = SCORING.score(path, cancelled)
    except (BrokenProcessPool, OSError, RuntimeError):
        SCORING.stop()
        summary = summarize_file(str(path))
    if summary is not None:
        summary.carry_over(previous)
        summary.disputed_claims()  # built here (when they changed) rather than on the GUI thread
    return summary
