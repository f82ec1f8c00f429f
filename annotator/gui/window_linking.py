"""Linking claims from the main window: Ctrl+L on one claim then another, or dragging a
highlight onto another, then choosing the relation. Refusals (self-links, duplicates) are
shown as messages; every link is an undoable edit."""

from __future__ import annotations

from annotator.core.errors import AnnotatorError
from annotator.core.model import Relation
from annotator.gui import commands


class LinkActions:
    """Mixed into the main window; uses its selection, services and undo stack."""

    def _claim_dropped(self, from_id: str, to_id: str) -> None:
        """A highlight dragged onto another: pick the relation and link them."""
        if from_id == to_id:
            return
        self.select_claim(to_id)
        relation = self.ask_relation()
        if relation is not None:
            self.link_claims(from_id, to_id, relation)

    def link_step(self) -> None:
        """Ctrl+L on a claim marks it; Ctrl+L on a second claim asks for the relation."""
        if not self.selected_claim_id:
            self.hint("Select a claim (click its highlight), then press Ctrl+L.")
            return
        if self.pending_link_from is None or self.pending_link_from == self.selected_claim_id:
            self.pending_link_from = self.selected_claim_id
            self.cancel_link_action.setEnabled(True)
            self._update_link_hint()
            return
        relation = self.ask_relation()
        if relation is not None:
            self.link_claims(self.pending_link_from, self.selected_claim_id, relation)

    def ask_relation(self) -> Relation | None:
        return self.prompts.relation()

    def link_claims(self, from_id: str, to_id: str, relation: Relation) -> bool:
        try:
            command = commands.LinkClaims(self.annotations, from_id, to_id, relation)
        except AnnotatorError as exc:
            self.show_error(str(exc))
            return False
        self.push(command)
        self.cancel_link()
        self.statusBar().showMessage(f"Linked: {relation.label}.", 4000)
        return True

    def cancel_link(self) -> None:
        self.pending_link_from = None
        self.cancel_link_action.setEnabled(False)
        self._update_link_hint()

    def _update_link_hint(self) -> None:
        if self.pending_link_from is None:
            self.link_hint.setText("")
            return
        try:
            quote = " ".join(self.store.claim(self.pending_link_from).quote.split())
        except AnnotatorError:
            self.cancel_link()
            return
        quote = quote if len(quote) < 50 else quote[:49] + "…"
        self.link_hint.setText(f"  Linking from “{quote}”: select the other claim and press Ctrl+L (Esc cancels)")
