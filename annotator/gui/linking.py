"""Linking claims: Ctrl+L on one claim then on another, or a highlight dropped on another,
then the relation, asked through the window's prompts. Refusals (a self-link, a duplicate)
are shown as messages; every link is one undoable edit.

The controller owns no state of its own: the claim a link starts from is the workspace's
``pending_link_from``, and the hint in the toolbar follows the workspace's notifications,
so a deleted claim, an undo or another project clears it without the window's help.
"""

from __future__ import annotations

from collections.abc import Callable
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel

from annotator.core.errors import AnnotatorError
from annotator.core.model import Relation
from annotator.gui import commands
from annotator.gui.prompts import Feedback, Prompts
from annotator.services.annotations import AnnotationService
from annotator.services.workspace import Edited, Notification, PendingLinkChanged, Workspace


class LinkingController:
    def __init__(self, *, prompts: Prompts, feedback: Feedback, push: Callable[[commands.Command], bool],
                 select_claim: Callable[[str], None], hint_label: QLabel, cancel_action: QAction):
        self.prompts, self.feedback, self.push, self.select_claim = prompts, feedback, push, select_claim
        self.hint_label, self.cancel_action = hint_label, cancel_action
        self.workspace: Workspace | None = None
        self.annotations: AnnotationService | None = None
        self._unsubscribe: Callable[[], None] | None = None

    def bind(self, workspace: Workspace, annotations: AnnotationService) -> None:
        """Work on a newly opened project."""
        if self._unsubscribe is not None:
            self._unsubscribe()
        self.workspace, self.annotations = workspace, annotations
        self._unsubscribe = workspace.subscribe(self._heard)
        self._show_hint()

    def _heard(self, notification: Notification) -> None:
        if isinstance(notification, PendingLinkChanged) or (
                isinstance(notification, Edited) and self.workspace is not None
                and notification.change.id == self.workspace.pending_link_from):
            self._show_hint()

    # -- what the user does ------------------------------------------------------------
    def step(self) -> None:
        """Ctrl+L on a claim marks it; Ctrl+L on a second claim asks for the relation."""
        ws = self.workspace
        if ws is None or not ws.selected_claim_id:
            self.feedback.hint("Select a claim (click its highlight), then press Ctrl+L.")
            return
        if ws.pending_link_from is None or ws.pending_link_from == ws.selected_claim_id:
            ws.start_link(ws.selected_claim_id)
            return
        relation = self.prompts.relation()
        if relation is not None:
            self.link(ws.pending_link_from, ws.selected_claim_id, relation)

    def dropped(self, from_id: str, to_id: str) -> None:
        """A highlight dragged onto another: pick the relation and link them."""
        if from_id == to_id:
            return
        self.select_claim(to_id)
        relation = self.prompts.relation()
        if relation is not None:
            self.link(from_id, to_id, relation)

    def link(self, from_id: str, to_id: str, relation: Relation) -> bool:
        """Link two claims as one undoable edit; a refusal is shown and nothing changes."""
        assert self.annotations is not None, "no project is open"
        try:
            command = commands.LinkClaims(self.annotations, from_id, to_id, relation)
        except AnnotatorError as exc:
            self.feedback.show_error(str(exc))
            return False
        self.push(command)
        self.cancel()
        self.feedback.status(f"Linked: {relation.label}.")
        return True

    def cancel(self) -> None:
        if self.workspace is not None:
            self.workspace.cancel_link()

    # -- the toolbar hint ----------------------------------------------------------------
    def _show_hint(self) -> None:
        pending = self.workspace.pending_link_from if self.workspace is not None else None
        self.cancel_action.setEnabled(pending is not None)
        if pending is None or self.annotations is None:
            self.hint_label.setText("")
            return
        try:
            quote = " ".join(self.annotations.store.claim(pending).quote.split())
        except AnnotatorError:
            self.cancel()
            return
        quote = quote if len(quote) < 50 else quote[:49] + "…"
        self.hint_label.setText(f"  Linking from “{quote}”: select the other claim and press Ctrl+L (Esc cancels)")
