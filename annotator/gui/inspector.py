"""The claim inspector: quote, type, note, verdict and the claim's links."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QWheelEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError, ValidationError
from annotator.core.model import Rating
from annotator.core.text import EVIDENCE_AS_TEXT, checked_web_address, is_web_address
from annotator.gui import commands
from annotator.gui.palette import RELATION_COLORS, VERDICT_KEYS
from annotator.services.annotations import AnnotationService

if TYPE_CHECKING:  # the scores' code (NumPy) loads with the first scoring, not at start-up
    from annotator.services.reliability.summary import ScoreSummary

ID_ROLE = Qt.ItemDataRole.UserRole


class NoteEdit(QPlainTextEdit):
    """A note field that commits when it loses focus or on Ctrl+Enter."""

    committed = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.committed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and ctrl:
            self.committed.emit()
            return
        super().keyPressEvent(event)


class _ScrollSafeCombo(QComboBox):
    """A combo box the mouse wheel changes only once it has been clicked or tabbed into: the
    inspector scrolls, and a wheel turned over the verdict on the way down used to record a
    verdict nobody chose."""

    def __init__(self) -> None:
        super().__init__()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()  # the scroll area around it scrolls instead


class Inspector(QWidget):
    jumpRequested = Signal(str)  # claim id
    deleteRequested = Signal(str)
    claimShown = Signal(object)  # the claim id shown (or None), after every refresh

    def __init__(self, push: Callable[[commands.Command], object], report_error: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.push, self.report_error = push, report_error
        self.service: AnnotationService | None = None
        self.claim_id: str | None = None
        self._loading = False

        self.quote = QLabel()
        self.quote.setWordWrap(True)
        self.quote.setTextFormat(Qt.TextFormat.RichText)
        self.quote.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.quote.setAccessibleName("Quote of the selected claim")
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.type_combo = _ScrollSafeCombo()
        self.type_combo.setAccessibleName("Claim type")
        self.type_combo.activated.connect(self._type_changed)
        self.note = NoteEdit()
        self.note.setPlaceholderText("Note (saved when you leave the field)")
        self.note.setAccessibleName("Claim note")
        self.note.setMaximumHeight(70)
        self.note.committed.connect(self._note_committed)

        self.others = QLabel()
        self.others.setWordWrap(True)
        self.others.setTextFormat(Qt.TextFormat.RichText)
        self.others.setAccessibleName("Verdicts by other annotators")
        self.verdict_combo = _ScrollSafeCombo()
        self.verdict_combo.setAccessibleName("Verdict")
        self.verdict_combo.addItem("Not checked", None)
        for key, rating in VERDICT_KEYS.items():
            self.verdict_combo.addItem(f"{rating.label}  ({key})", rating.value)
        self.verdict_combo.activated.connect(self._verdict_changed)
        self.verdict_note = QLineEdit()
        self.verdict_note.setPlaceholderText("Why (e.g. what the record shows)")
        self.verdict_note.setAccessibleName("Verdict note")
        self.verdict_note.editingFinished.connect(self._verdict_changed)
        self.evidence = QLineEdit()
        self.evidence.setPlaceholderText("https://… evidence")
        self.evidence.setAccessibleName("Evidence URL")
        self.evidence.editingFinished.connect(self._verdict_changed)
        self.article = QLineEdit()
        self.article.setPlaceholderText("https://… the fact-check article")
        self.article.setAccessibleName("Fact-check article URL")
        self.article.setToolTip("Where your fact-check of this claim is published: the ClaimReview export's url")
        self.article.editingFinished.connect(self._verdict_changed)

        self.assessment = QLabel()
        self.assessment.setWordWrap(True)
        self.assessment.setTextFormat(Qt.TextFormat.RichText)
        self.assessment.setAccessibleName("How the reliability model sees this claim")
        self.scores_provider: Callable[[], ScoreSummary | None] | None = None  # the latest scores, if any
        self.tell: Callable[[str], None] = lambda message: None  # a word without a dialog (the status bar)

        self.links = QListWidget()
        self.links.setAccessibleName("Links of the selected claim")
        self.links.itemActivated.connect(lambda item: self.jumpRequested.emit(item.data(ID_ROLE)))
        self.links.itemClicked.connect(lambda item: self.jumpRequested.emit(item.data(ID_ROLE)))
        self.unlink_button = QPushButton("Remove link")
        self.unlink_button.clicked.connect(self._unlink)
        self.delete_button = QPushButton("Delete claim")
        self.delete_button.clicked.connect(lambda: self.claim_id and self.deleteRequested.emit(self.claim_id))

        claim_box = QGroupBox("Claim")
        form = QFormLayout(claim_box)
        form.addRow(self.quote)
        form.addRow(self.where)
        form.addRow("Type", self.type_combo)
        form.addRow("Note", self.note)
        verdict_box = QGroupBox("Verdict")
        vform = QFormLayout(verdict_box)
        vform.addRow(self.others)
        vform.addRow("Yours", self.verdict_combo)
        vform.addRow("Note", self.verdict_note)
        vform.addRow("Evidence", self.evidence)
        vform.addRow("Published at", self.article)
        vform.addRow(self.assessment)
        links_box = QGroupBox("Links")
        lbox = QVBoxLayout(links_box)
        lbox.addWidget(self.links)
        buttons = QHBoxLayout()
        buttons.addWidget(self.unlink_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        lbox.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(claim_box)
        layout.addWidget(verdict_box)
        layout.addWidget(links_box, 1)
        self.show_claim(None)

    def set_service(self, service: AnnotationService) -> None:
        self.service = service
        self.claim_id = None
        self.refresh_types()
        self.show_claim(None)

    def refresh_types(self) -> None:
        if self.service is None:
            return
        self.type_combo.clear()
        self.type_combo.addItem("(no type)", None)
        from PySide6.QtGui import QColor, QPixmap, QIcon

        for ctype in self.service.store.claim_types():
            pix = QPixmap(12, 12)
            pix.fill(QColor(ctype.color))
            self.type_combo.addItem(QIcon(pix), ctype.name, ctype.id)

    def commit_pending(self) -> None:
        """Save a note or verdict detail still being typed, for the claim it was typed on."""
        if self.claim_id is None or self.service is None or self._loading:
            return
        try:
            self.service.store.claim(self.claim_id)
        except AnnotatorError:
            return  # the claim is gone (deleted or undone): nothing to save it on
        self._note_committed()
        self._verdict_changed()

    def show_claim(self, claim_id: str | None) -> None:
        switching = claim_id != self.claim_id
        if switching:
            self.commit_pending()
        self._loading = True
        self.claim_id = claim_id
        enabled = claim_id is not None and self.service is not None
        for widget in (self.type_combo, self.note, self.verdict_combo, self.verdict_note, self.evidence,
                       self.article, self.links, self.unlink_button, self.delete_button):
            widget.setEnabled(enabled)
        if claim_id is None or self.service is None:  # not enabled
            self.quote.setText("<i>Select a highlight, or select text and press Ctrl+E to create a claim.</i>")
            self.where.clear()
            self.note.clear()
            self.verdict_note.clear()
            self.evidence.clear()
            self.article.clear()
            self.links.clear()
            self.assessment.clear()
            self.others.clear()
            self.verdict_combo.setCurrentIndex(0)
            self._loading = False
            self.claimShown.emit(None)
            return
        store = self.service.store
        claim = store.claim(claim_id)
        title, source_id = store.document_label(claim.document_id)
        source = store.source(source_id).name if source_id else "No source"
        self.quote.setText(f"“{escape(claim.quote)}”")
        self.where.setText(f"<small>{escape(source)} · {escape(title)} · by "
                           f"{escape(claim.annotator or 'unknown')}</small>")
        self.type_combo.setCurrentIndex(max(self.type_combo.findData(claim.type_id), 0))
        if switching or not self.note.hasFocus():
            self.note.setPlainText(claim.note or "")
        # The fields edit your own verdict; colleagues' verdicts are shown, never copied.
        verdict = store.verdict(claim_id, annotator=self.service.annotator)
        found = self.verdict_combo.findData(verdict.rating.value if verdict else None)
        self.verdict_combo.setCurrentIndex(max(found, 0))
        if switching or not self.verdict_note.hasFocus():
            self.verdict_note.setText(verdict.note or "" if verdict else "")
        if switching or not self.evidence.hasFocus():
            self.evidence.setText(verdict.evidence_url or "" if verdict else "")
        if switching or not self.article.hasFocus():
            self.article.setText(verdict.review_url or "" if verdict else "")
        others = [v for v in store.verdicts(claim_id) if v.annotator != self.service.annotator]
        self.others.setText("<br>".join(
            f"<small>{escape(v.annotator or 'unknown')}: <b>{escape(v.rating.label)}</b>"
            + (f" — {escape(v.note)}" if v.note else "") + "</small>" for v in others))
        self.assessment.setText(self._assessment(claim_id))
        self.links.clear()
        for link in store.links(claim_id):
            outgoing = link.from_claim_id == claim_id
            other = store.claim(link.to_claim_id if outgoing else link.from_claim_id)
            _title, other_source_id = store.document_label(other.document_id)
            other_source = store.source(other_source_id).name if other_source_id else "No source"
            relation = link.relation.label
            if not (outgoing or link.relation.symmetric):
                relation += " (reverse)"
            if not outgoing and link.relation.value == "derived_from":
                relation = "source of"
            if not outgoing and link.relation.value == "supports":
                relation = "supported by"
            item = QListWidgetItem(f"{relation}: “{' '.join(other.quote.split())[:80]}” — {other_source}")
            item.setData(ID_ROLE, other.id)
            item.setData(ID_ROLE + 1, link.id)
            item.setForeground(RELATION_COLORS[link.relation])
            item.setToolTip("Click to show the linked claim")
            self.links.addItem(item)
        self._loading = False
        self.claimShown.emit(claim_id)

    def refresh_assessment(self) -> None:
        """New scores change only the line on what they make of the shown claim."""
        self.assessment.setText(self._assessment(self.claim_id) if self.claim_id and self.service else "")

    def _assessment(self, claim_id: str) -> str:
        """One line on what the scores make of this claim: settled, or inferred and by whom."""
        scores = self.scores_provider() if self.scores_provider else None
        estimate = scores.estimate(claim_id) if scores is not None else None
        if estimate is None:
            return ""
        if estimate.conflict:  # "Verdicts disagree on …", its first words in bold
            head, _, rest = estimate.conflict.partition(" on ")
            return f"<small><b>{escape(head)}</b> on {escape(rest)}</small>" if rest else \
                f"<small>{escape(estimate.conflict)}</small>"
        if estimate.settled:
            return f"<small>Settled by a verdict ({escape(estimate.verdict or '')}).</small>"
        pushes = sorted(estimate.pushes, key=lambda p: -abs(p.weight))[:4]
        parts = []
        for push in pushes:
            arrow = "▲" if push.weight > 0 else ("▼" if push.weight < 0 else "·")
            extra = " (copy, not counted)" if push.direction == "none" else ""
            parts.append(f"{escape(push.source_name)} {arrow}{extra}")
        by = f" Pushed by: {', '.join(parts)}." if parts else ""
        return (f"<small>Not checked. The model puts it at <b>{estimate.probability * 100:.0f}%</b> "
                f"likely true.{by}</small>")

    # -- edits -----------------------------------------------------------------------
    def _run(self, command_factory: Callable[[], commands.Command]) -> None:
        try:
            self.push(command_factory())
        except AnnotatorError as exc:
            self.report_error(str(exc))

    def _editing(self) -> tuple[AnnotationService, str] | None:
        """The service and the claim an edit in the fields is for; None while loading or with no claim."""
        if self._loading or not self.claim_id:
            return None
        assert self.service is not None, "the fields are enabled only with a project open"
        return self.service, self.claim_id

    def _type_changed(self, _index: int) -> None:
        if (editing := self._editing()) is None:
            return
        service, claim_id = editing
        type_id = self.type_combo.currentData()
        if type_id != service.store.claim(claim_id).type_id:
            self._run(lambda: commands.EditClaim(service, claim_id, type_id=type_id))

    def _note_committed(self) -> None:
        if (editing := self._editing()) is None:
            return
        service, claim_id = editing
        note = self.note.toPlainText().strip() or None
        if note != service.store.claim(claim_id).note:
            self._run(lambda: commands.EditClaim(service, claim_id, note=note))

    def _verdict_changed(self, *_args: object) -> None:
        if (editing := self._editing()) is None:
            return
        service, claim_id = editing
        value = self.verdict_combo.currentData()
        rating = Rating(value) if value else None
        note = self.verdict_note.text().strip() or None
        url = self.evidence.text().strip() or None
        article = self.article.text().strip() or None
        current = service.store.verdict(claim_id, annotator=service.annotator)
        if current is None and rating is None:
            return
        if current is not None and (current.rating, current.note, current.evidence_url, current.review_url) == (
                rating, note, url, article):
            return
        if rating is None and (note or url or article):
            self.report_error("Choose a rating before adding a verdict note, evidence or where it is published.")
            return
        try:
            checked_web_address(article, "The fact-check article's address")
        except ValidationError as exc:
            self.report_error(str(exc))
            return
        self._run(lambda: commands.SetVerdict(service, claim_id, rating, note, url, article))
        if url and not is_web_address(url) and (current is None or current.evidence_url != url):
            self.tell(f"The evidence “{url}” {EVIDENCE_AS_TEXT}")

    def _unlink(self) -> None:
        item = self.links.currentItem()
        if item is None:
            self.report_error("Select a link in the list first.")
            return
        link_id = item.data(ID_ROLE + 1)
        service = self.service
        assert service is not None, "the list of links is enabled only with a project open"
        self._run(lambda: commands.Unlink(service, link_id))
