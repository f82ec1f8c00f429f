"""The "Similar" dock: passages of other documents that resemble the selected claim.

Sentences are found once per version of each document, in a worker (spaCy is
imported there, never at start-up, and only once the dock is shown). Each query
against the built index also runs in a worker (a few milliseconds, more on huge
projects) whenever the selected claim or the annotations change; an answer to an
older question is dropped. The store look-ups that describe the answer stay here.

Linking to a passage that is not a claim yet creates the claim and the link as
one undoable step.

A controller (a QObject: the workers' signals arrive on the GUI thread) with explicit
collaborators: the panel and its dock, the selected claim, the type for new claims, the
window's open_at, the linking controller's link, a push of two commands as one undo step,
and the feedback interface; ``bind`` gives it the open project.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QDockWidget

from annotator.core.errors import AnnotatorError
from annotator.core.model import Claim, Document, Relation
from annotator.gui import commands
from annotator.gui.prompts import Feedback
from annotator.gui.similar_panel import SimilarPanel
from annotator.gui.workers import Worker
from annotator.services.annotations import AnnotationService
from annotator.services.projects import ProjectStore

if TYPE_CHECKING:
    from annotator.services import matching


def _index_documents(texts: list[tuple[str, str, str]], *, progress: Callable[[int, int, str], None],
                     cancelled: Callable[[], bool]) -> list[matching.DocumentIndex]:
    """Worker: cut each (id, sha256, text) into sentences and index them."""
    from annotator.services import matching

    out: list[matching.DocumentIndex] = []
    total = sum(len(text) for _, _, text in texts) or 1
    done = 0
    for doc_id, sha, text in texts:
        if cancelled():
            return out
        progress(done * 1000 // total, 1000, "Finding sentences…")
        out.append(matching.index_document(doc_id, sha, text, cancelled=cancelled))
        done += len(text)
    progress(1000, 1000, "Finding sentences…")
    return out


def _query(indexes: Sequence[matching.DocumentIndex], quote: str, exclude_document_id: str, *,
           progress: Callable[[int, int, str], None], cancelled: Callable[[], bool]) -> list[matching.Match]:
    """Worker: the passages like ``quote`` (a few ms; up to a few hundred on huge projects)."""
    from annotator.services import matching

    return matching.similar(indexes, quote, exclude_document_id=exclude_document_id)


class SimilarController(QObject):
    def __init__(self, *, panel: SimilarPanel, dock: QDockWidget, selected_claim: Callable[[], str | None],
                 new_claim_type: Callable[[], str | None], open_at: Callable[[str, int, int], None],
                 link: Callable[[str, str, Relation], bool],
                 push_pair: Callable[[str, commands.Command, Callable[[], commands.Command]], bool],
                 feedback: Feedback, documents: Callable[[], list[Document]]):
        super().__init__(dock)
        self.documents = documents  # the open project's documents (kept by the workspace)
        self.panel, self.dock, self.selected_claim, self.new_claim_type = panel, dock, selected_claim, new_claim_type
        self.link, self.push_pair, self.feedback = link, push_pair, feedback
        self.store: ProjectStore | None = None
        self.annotations: AnnotationService | None = None
        panel.openRequested.connect(open_at)
        panel.linkRequested.connect(self.link_to_passage)
        panel.cancelRequested.connect(self.cancel)
        dock.visibilityChanged.connect(self._visibility_changed)
        self.match_index: matching.MatchIndex | None = None  # built with the first search
        self.worker: Worker | None = None
        self._generation = 0  # answers to older questions are dropped
        self.queries: set[Worker] = set()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(30)  # one refresh for a burst of changes
        self.timer.timeout.connect(self.refresh)

    def bind(self, store: ProjectStore | None, annotations: AnnotationService | None) -> None:
        """A new project (or none): forget the old index and any indexing in flight."""
        self.reset()
        self.store, self.annotations = store, annotations

    def show(self) -> None:
        """Raise the dock (Ctrl+Shift+M) and move focus to its list."""
        self.dock.show()
        self.dock.raise_()
        self.panel.results.setFocus()
        self.refresh(force=True)

    def reset(self) -> None:
        self.cancel()
        self.match_index = None
        self.panel.show_suggestions(None, None, [])

    def cancel(self) -> None:
        self._generation += 1
        if self.worker is not None:
            self.worker.cancel()
            self.worker = None
            self.panel.status.setText("Cancelled. Press Ctrl+Shift+M to look again.")
        self.panel.set_busy(None)

    def on_screen(self) -> bool:
        """Whether a person can see the dock. A dock behind another tab still reports
        isVisible(); its visible region is empty."""
        dock = self.dock
        return dock.isVisible() and not dock.visibleRegion().isEmpty()

    def _visibility_changed(self, visible: bool) -> None:
        if visible:
            self.schedule()

    def schedule(self) -> None:
        if self.on_screen():
            self.timer.start()

    def refresh(self, force: bool = False) -> None:
        if self.store is None or not (force or self.on_screen()):
            return
        claim_id = self.selected_claim()
        try:
            claim = self.store.claim(claim_id) if claim_id else None
        except AnnotatorError:
            claim = None
        if claim is None:
            self._generation += 1
            self.panel.show_suggestions(None, None, [])
            return
        from annotator.services import matching

        if self.match_index is None:
            self.match_index = matching.MatchIndex()
        documents = [(d.id, d.sha256 or "") for d in self.documents()]
        self.match_index.retain(doc_id for doc_id, _ in documents)
        missing = self.match_index.missing(documents)
        if missing:
            self.panel.show_pending(claim.id, claim.quote, "Finding sentences…")
            self._index(missing, dict(documents))
            return
        if self.panel.claim_id != claim.id:
            self.panel.show_pending(claim.id, claim.quote, "Looking…")
        self._generation += 1
        generation, store = self._generation, self.store
        worker = Worker(_query, self.match_index.snapshot(), claim.quote, claim.document_id)
        # The signals live on the worker: keep it until it answers, and let it go on this thread.
        self.queries.add(worker)
        status = self.panel.status

        def answered(matches: list[matching.Match]) -> None:
            self.queries.discard(worker)
            self._answered(generation, store, claim, matches)

        def failed(message: str) -> None:
            self.queries.discard(worker)
            status.setText(f"Could not look: {message}")

        worker.finished.connect(answered)
        worker.failed.connect(failed)
        worker.start()

    def _answered(self, generation: int, store: ProjectStore, claim: Claim, matches: list[matching.Match]) -> None:
        if generation != self._generation or store is not self.store or claim.id != self.selected_claim():
            return  # an older question, or the project or selection changed meanwhile
        from annotator.services import matching

        try:
            suggestions = matching.describe(store, claim.id, matches)
        except AnnotatorError:  # a document went away meanwhile: ask again
            self.schedule()
            return
        self.panel.show_suggestions(claim.id, claim.quote, suggestions)

    def _index(self, missing: list[str], shas: dict[str, str]) -> None:
        if self.worker is not None and not self.worker.done:
            return  # the running worker's result triggers another refresh
        store = self.store
        assert store is not None, "refresh() indexes only with a project open"
        texts = [(doc_id, shas[doc_id], store.document_text(doc_id)) for doc_id in missing]
        worker = Worker(_index_documents, texts)
        worker.progress.connect(lambda done, total, label: self.panel.set_busy(
            f"{label} ({len(texts)} document{'s' if len(texts) != 1 else ''})", done, total))
        worker.finished.connect(lambda result, w=worker: self._indexed(w, store, result))
        worker.failed.connect(lambda message, w=worker: self._failed(w, message))
        self.worker = worker
        self.panel.set_busy(f"Finding sentences ({len(texts)} document{'s' if len(texts) != 1 else ''})…")
        worker.start()

    def _indexed(self, worker: Worker, store: ProjectStore, result: list[matching.DocumentIndex]) -> None:
        if worker is not self.worker or store is not self.store:
            return  # cancelled, or the project changed meanwhile
        # refresh() built the index before starting this worker; reset() drops both together.
        assert self.match_index is not None
        self.worker = None
        self.panel.set_busy(None)
        for index in result:
            self.match_index.install(index)
        self.refresh()

    def _failed(self, worker: Worker, message: str) -> None:
        if worker is not self.worker:
            return
        self.worker = None
        self.panel.set_busy(None)
        self.panel.status.setText(f"Could not find sentences: {message}")

    def link_to_passage(self, suggestion: matching.Suggestion, relation: Relation) -> None:
        """Link the selected claim to a suggested passage, creating a claim on it if needed."""
        source_id = self.selected_claim()
        if not source_id:
            self.feedback.hint("Select a claim first.")
            return
        if self.panel.claim_id != source_id:
            self.feedback.hint("The list is still for another claim; wait a moment for it to refresh.")
            return
        if suggestion.claim_id:
            self.link(source_id, suggestion.claim_id, relation)
            return
        passage = suggestion.match.passage
        assert self.annotations is not None, "no project is open"
        annotations = self.annotations
        try:
            create = commands.CreateClaim(annotations, passage.document_id, passage.start, passage.end,
                                          type_id=self.new_claim_type())
        except AnnotatorError as exc:
            self.feedback.show_error(str(exc))
            return
        if self.push_pair(f"Link to a new claim ({relation.label})", create,
                          lambda: commands.LinkClaims(annotations, source_id, create.claim_id, relation)):
            self.feedback.status(f"Created a claim and linked it: {relation.label}.")
