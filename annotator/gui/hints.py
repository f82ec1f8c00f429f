"""Sentences worth checking: a dotted underline under every sentence that states a figure,
a date, a comparison or an attribution and is not a claim yet, and keys that select the
next one so that Ctrl+E makes it a claim.

Sentences are found per version of each document in a worker (spaCy); the window only
filters out what is already claimed, which is cheap, whenever the claims change.

A controller (a QObject, so the worker's signals arrive on the GUI thread) with explicit
collaborators: the checkable action that turns the underlines on, the panes, the focused
pane and the feedback interface; ``bind`` gives it the open project.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from annotator.core.model import Document
from annotator.gui.document_pane import DocumentPane
from annotator.gui.prompts import Feedback
from annotator.gui.workers import Worker
from annotator.services.projects import ProjectStore


def _find(texts: list[tuple[str, str, str]], *, progress, cancelled) -> dict:
    """Worker: {(document id, sha256): [Hint, ...]} for each (id, sha256, text)."""
    from annotator.services import checkworthy

    out = {}
    for done, (doc_id, sha, text) in enumerate(texts):
        if cancelled():
            break
        progress(done, len(texts), "Finding sentences worth checking…")
        out[(doc_id, sha)] = checkworthy.hints(text, cancelled=cancelled)
    return out


class HintsController(QObject):
    def __init__(self, *, parent: QObject, action: QAction, panes: Callable[[], list[DocumentPane]],
                 focused_pane: Callable[[], DocumentPane | None], feedback: Feedback,
                 documents: Callable[[], list[Document]]):
        super().__init__(parent)
        self.action, self.panes, self.focused_pane, self.feedback = action, panes, focused_pane, feedback
        self.documents = documents  # the open project's documents (kept by the workspace)
        self.store: ProjectStore | None = None
        self._cache: dict[tuple[str, str], list] = {}
        self.worker: Worker | None = None
        action.setCheckable(True)
        action.toggled.connect(self._toggled)

    def bind(self, store: ProjectStore | None) -> None:
        """A new project (or none): forget the sentences of the old one."""
        self.reset()
        self.store = store

    def _toggled(self, on: bool) -> None:
        if not on:
            for pane in self.panes():
                pane.view.set_hints([])
            return
        self.refresh()

    def reset(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.worker = None
        self._cache = {}

    def refresh(self) -> None:
        """Underline the sentences worth checking in every pane (finding them if needed)."""
        if self.store is None or not self.action.isChecked():
            return
        docs = {d.id: d.sha256 or "" for d in self.documents()}
        missing = [(doc_id, docs[doc_id]) for doc_id in {p.document_id for p in self.panes() if p.document_id}
                   if doc_id in docs and (doc_id, docs[doc_id]) not in self._cache]
        if missing and (self.worker is None or self.worker.done):
            texts = [(doc_id, sha, self.store.document_text(doc_id)) for doc_id, sha in missing]
            worker = Worker(_find, texts)
            store = self.store
            worker.finished.connect(lambda found, w=worker: self._found(w, store, found))
            worker.failed.connect(lambda message, w=worker, keys=missing: self._failed(w, keys, message))
            self.worker = worker
            self.feedback.status("Finding sentences worth checking…")
            worker.start()
        from annotator.services import checkworthy

        for pane in self.panes():
            doc_id = pane.document_id
            found = None if doc_id is None else self._cache.get((doc_id, docs.get(doc_id, "")))
            if doc_id is None or found is None:
                pane.view.set_hints([])
                continue
            open_ = checkworthy.unclaimed(found, self.store.claims(doc_id))
            pane.view.set_hints([(h.start, h.end, "Worth checking: " + ", ".join(h.reasons)) for h in open_])

    def _found(self, worker: Worker, store, found: dict) -> None:
        if worker is not self.worker or store is not self.store:
            return
        self.worker = None
        self._cache.update(found)
        self.refresh()

    def _failed(self, worker: Worker, keys: list, message: str) -> None:
        if worker is not self.worker:
            return
        self.worker = None
        for key in keys:  # not retried on every refresh; a new version of the text tries again
            self._cache[key] = []
        self.feedback.status(f"Could not find sentences worth checking: {message}", 8000)

    def select(self, step: int) -> None:
        """Select the next sentence worth checking in the focused pane (Ctrl+E then claims it)."""
        if not self.action.isChecked():
            self.action.setChecked(True)  # finds and underlines them
        panes = self.panes()
        pane = self.focused_pane() or (panes[0] if panes else None)
        if pane is None or pane.document_id is None:
            self.feedback.hint("Open a document first.")
            return
        if not pane.view.select_next_hint(step):
            still = " (still looking…)" if self.worker is not None else ""
            self.feedback.hint(f"No further sentence worth checking in this document{still}.")
            return
        pane.view.setFocus()
