"""The window's "Similar" dock: passages of other documents that resemble the selected claim.

Sentences are found once per version of each document, in a worker (spaCy is
imported there, never at start-up, and only once the dock is shown). Each query
against the built index also runs in a worker (a few milliseconds, more on huge
projects) whenever the selected claim or the annotations change; an answer to an
older question is dropped. The store look-ups that describe the answer stay here.

Linking to a passage that is not a claim yet creates the claim and the link as
one undoable step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget

from annotator.core.errors import AnnotatorError
from annotator.core.model import Relation
from annotator.gui import commands
from annotator.gui.similar_panel import SimilarPanel
from annotator.gui.workers import Worker

if TYPE_CHECKING:
    from annotator.services import matching


def _index_documents(texts: list[tuple[str, str, str]], *, progress, cancelled) -> list[matching.DocumentIndex]:
    """Worker: cut each (id, sha256, text) into sentences and index them."""
    from annotator.services import matching

    out = []
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


def _query(indexes, quote: str, exclude_document_id: str, *, progress, cancelled):
    """Worker: the passages like ``quote`` (a few ms; up to a few hundred on huge projects)."""
    from annotator.services import matching

    return matching.similar(indexes, quote, exclude_document_id=exclude_document_id)


class SimilarActions:
    """Mixed into the main window; uses its store, selection, panes and undo stack."""

    def _build_similar_dock(self, tab_with: QDockWidget) -> None:
        self.similar_panel = SimilarPanel()
        self.similar_panel.openRequested.connect(self.open_at)
        self.similar_panel.linkRequested.connect(self.link_to_passage)
        self.similar_panel.cancelRequested.connect(self._similar_cancel)
        dock = self.add_dock("Similar", "similarDock", self.similar_panel, Qt.DockWidgetArea.LeftDockWidgetArea,
                             tab_with=tab_with)
        dock.visibilityChanged.connect(lambda visible: visible and self._similar_schedule())
        self.similar_dock = dock
        self.match_index = None  # built with the first search
        self._similar_worker: Worker | None = None
        self._similar_generation = 0  # answers to older questions are dropped
        self._similar_queries: set[Worker] = set()
        self._similar_timer = QTimer(self)
        self._similar_timer.setSingleShot(True)
        self._similar_timer.setInterval(30)  # one refresh for a burst of changes
        self._similar_timer.timeout.connect(self._similar_refresh)
        self.inspector.claimShown.connect(lambda _cid: self._similar_schedule())

    def show_similar(self) -> None:
        """Raise the dock (Ctrl+Shift+M) and move focus to its list."""
        self.similar_dock.show()
        self.similar_dock.raise_()
        self.similar_panel.results.setFocus()
        self._similar_refresh(force=True)

    def _similar_reset(self) -> None:
        """A new project: forget the old index and any indexing in flight."""
        self._similar_cancel()
        self.match_index = None
        self.similar_panel.show_suggestions(None, None, [])

    def _similar_cancel(self) -> None:
        self._similar_generation += 1
        if self._similar_worker is not None:
            self._similar_worker.cancel()
            self._similar_worker = None
            self.similar_panel.status.setText("Cancelled. Press Ctrl+Shift+M to look again.")
        self.similar_panel.set_busy(None)

    def _similar_on_screen(self) -> bool:
        """Whether a person can see the dock. A dock behind another tab still reports
        isVisible(); its visible region is empty."""
        dock = self.similar_dock
        return dock.isVisible() and not dock.visibleRegion().isEmpty()

    def _similar_schedule(self) -> None:
        if self._similar_on_screen():
            self._similar_timer.start()

    def _similar_refresh(self, force: bool = False) -> None:
        if self.store is None or not (force or self._similar_on_screen()):
            return
        claim_id = self.selected_claim_id
        try:
            claim = self.store.claim(claim_id) if claim_id else None
        except AnnotatorError:
            claim = None
        if claim is None:
            self._similar_generation += 1
            self.similar_panel.show_suggestions(None, None, [])
            return
        from annotator.services import matching

        if self.match_index is None:
            self.match_index = matching.MatchIndex()
        documents = [(d.id, d.sha256 or "") for d in self.store.documents()]
        self.match_index.retain(doc_id for doc_id, _ in documents)
        missing = self.match_index.missing(documents)
        if missing:
            self.similar_panel.show_pending(claim.id, claim.quote, "Finding sentences…")
            self._similar_index(missing, dict(documents))
            return
        if self.similar_panel.claim_id != claim.id:
            self.similar_panel.show_pending(claim.id, claim.quote, "Looking…")
        self._similar_generation += 1
        generation, store = self._similar_generation, self.store
        worker = Worker(_query, self.match_index.snapshot(), claim.quote, claim.document_id)
        # The signals live on the worker: keep it until it answers, and let it go on this thread.
        self._similar_queries.add(worker)
        worker.finished.connect(lambda matches, w=worker: (self._similar_queries.discard(w),
                                                           self._similar_answered(generation, store, claim, matches)))
        status = self.similar_panel.status
        worker.failed.connect(lambda message, w=worker: (self._similar_queries.discard(w),
                                                         status.setText(f"Could not look: {message}")))
        worker.start()

    def _similar_answered(self, generation: int, store, claim, matches) -> None:
        if generation != self._similar_generation or store is not self.store or claim.id != self.selected_claim_id:
            return  # an older question, or the project or selection changed meanwhile
        from annotator.services import matching

        try:
            suggestions = matching.describe(store, claim.id, matches)
        except AnnotatorError:  # a document went away meanwhile: ask again
            self._similar_schedule()
            return
        self.similar_panel.show_suggestions(claim.id, claim.quote, suggestions)

    def _similar_index(self, missing: list[str], shas: dict[str, str]) -> None:
        if self._similar_worker is not None and not self._similar_worker.done:
            return  # the running worker's result triggers another refresh
        texts = [(doc_id, shas[doc_id], self.store.document_text(doc_id)) for doc_id in missing]
        worker = Worker(_index_documents, texts)
        store = self.store
        worker.progress.connect(lambda done, total, label: self.similar_panel.set_busy(
            f"{label} ({len(texts)} document{'s' if len(texts) != 1 else ''})", done, total))
        worker.finished.connect(lambda result, w=worker: self._similar_indexed(w, store, result))
        worker.failed.connect(lambda message, w=worker: self._similar_failed(w, message))
        self._similar_worker = worker
        self.similar_panel.set_busy(f"Finding sentences ({len(texts)} document{'s' if len(texts) != 1 else ''})…")
        worker.start()

    def _similar_indexed(self, worker: Worker, store, result: list[matching.DocumentIndex]) -> None:
        if worker is not self._similar_worker or store is not self.store:
            return  # cancelled, or the project changed meanwhile
        self._similar_worker = None
        self.similar_panel.set_busy(None)
        for index in result:
            self.match_index.install(index)
        self._similar_refresh()

    def _similar_failed(self, worker: Worker, message: str) -> None:
        if worker is not self._similar_worker:
            return
        self._similar_worker = None
        self.similar_panel.set_busy(None)
        self.similar_panel.status.setText(f"Could not find sentences: {message}")

    def link_to_passage(self, suggestion: matching.Suggestion, relation: Relation) -> None:
        """Link the selected claim to a suggested passage, creating a claim on it if needed."""
        source_id = self.selected_claim_id
        if not source_id:
            self.hint("Select a claim first.")
            return
        if self.similar_panel.claim_id != source_id:
            self.hint("The list is still for another claim; wait a moment for it to refresh.")
            return
        if suggestion.claim_id:
            self.linking.link(source_id, suggestion.claim_id, relation)
            return
        passage = suggestion.match.passage
        try:
            create = commands.CreateClaim(self.annotations, passage.document_id, passage.start, passage.end,
                                          type_id=self.type_combo.currentData())
        except AnnotatorError as exc:
            self.show_error(str(exc))
            return

        def both() -> None:
            self.undo_stack.beginMacro(f"Link to a new claim ({relation.label})")
            try:
                self.undo_stack.push(create)
                if create.error is None:
                    self.undo_stack.push(commands.LinkClaims(self.annotations, source_id, create.claim_id, relation))
            finally:
                self.undo_stack.endMacro()

        self._batched(both)
        if self._report(create):
            self.statusBar().showMessage(f"Created a claim and linked it: {relation.label}.", 4000)
