"""Sentences worth checking: a dotted underline under every sentence that states a figure,
a date, a comparison or an attribution and is not a claim yet, and keys that select the
next one so that Ctrl+E makes it a claim.

Sentences are found per version of each document in a worker (spaCy); the window only
filters out what is already claimed, which is cheap, whenever the claims change.
"""

from __future__ import annotations

from annotator.gui.workers import Worker


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


class CheckworthyActions:
    """Mixed into the main window; uses its store, panes and status bar."""

    def _build_checkworthy_actions(self, view_menu, claim_menu) -> None:
        self._hints_cache: dict[tuple[str, str], list] = {}
        self._hints_worker: Worker | None = None
        self.hints_action = self._action("Show Sentences &Worth Checking", self._toggle_hints, "Ctrl+Shift+H",
                                         "Dotted underline: sentences with a figure, date, comparison or "
                                         "attribution that are not claims yet")
        self.hints_action.setCheckable(True)
        view_menu.addAction(self.hints_action)
        claim_menu.addAction(self._action("Select Next Sentence Worth Checking", lambda: self.select_hint(+1),
                                          "Alt+Shift+Down"))
        claim_menu.addAction(self._action("Select Previous Sentence Worth Checking", lambda: self.select_hint(-1),
                                          "Alt+Shift+Up"))
        self.inspector.claimShown.connect(lambda _cid: self._refresh_hints())

    def _toggle_hints(self, on: bool) -> None:
        if not on:
            for pane in self.panes:
                pane.view.set_hints([])
            return
        self._refresh_hints()

    def _hints_reset(self) -> None:
        """A new project: forget the sentences of the old one."""
        if self._hints_worker is not None:
            self._hints_worker.cancel()
            self._hints_worker = None
        self._hints_cache = {}

    def _refresh_hints(self) -> None:
        if self.store is None or not self.hints_action.isChecked():
            return
        docs = {d.id: d.sha256 or "" for d in self.store.documents()}
        missing = [(doc_id, docs[doc_id]) for doc_id in {p.document_id for p in self.panes if p.document_id}
                   if doc_id in docs and (doc_id, docs[doc_id]) not in self._hints_cache]
        if missing and (self._hints_worker is None or self._hints_worker.done):
            texts = [(doc_id, sha, self.store.document_text(doc_id)) for doc_id, sha in missing]
            worker = Worker(_find, texts)
            store = self.store
            worker.finished.connect(lambda found, w=worker: self._hints_found(w, store, found))
            worker.failed.connect(lambda message, w=worker, keys=missing: self._hints_failed(w, keys, message))
            self._hints_worker = worker
            self.statusBar().showMessage("Finding sentences worth checking…", 4000)
            worker.start()
        from annotator.services import checkworthy

        for pane in self.panes:
            found = self._hints_cache.get((pane.document_id, docs.get(pane.document_id, "")))
            if pane.document_id is None or found is None:
                pane.view.set_hints([])
                continue
            open_ = checkworthy.unclaimed(found, self.store.claims(pane.document_id))
            pane.view.set_hints([(h.start, h.end, "Worth checking: " + ", ".join(h.reasons)) for h in open_])

    def _hints_found(self, worker: Worker, store, found: dict) -> None:
        if worker is not self._hints_worker or store is not self.store:
            return
        self._hints_worker = None
        self._hints_cache.update(found)
        self._refresh_hints()

    def _hints_failed(self, worker: Worker, keys: list, message: str) -> None:
        if worker is not self._hints_worker:
            return
        self._hints_worker = None
        for key in keys:  # not retried on every refresh; a new version of the text tries again
            self._hints_cache[key] = []
        self.statusBar().showMessage(f"Could not find sentences worth checking: {message}", 8000)

    def select_hint(self, step: int) -> None:
        """Select the next sentence worth checking in the focused pane (Ctrl+E then claims it)."""
        if not self.hints_action.isChecked():
            self.hints_action.setChecked(True)
            self._refresh_hints()
        pane = self.focused_pane() or (self.panes[0] if self.panes else None)
        if pane is None or pane.document_id is None:
            self.hint("Open a document first.")
            return
        if not pane.view.select_next_hint(step):
            self.hint("No further sentence worth checking in this document"
                      + (" (still looking…)" if self._hints_worker is not None else "") + ".")
            return
        pane.view.setFocus()

