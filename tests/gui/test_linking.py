"""The linking controller on its own: a workspace, a service, an undo stack and scripted
answers, no main window."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QLabel

from annotator.core.events import Events
from annotator.core.model import Relation
from annotator.gui.linking import LinkingController
from annotator.services.annotations import AnnotationService
from annotator.services.workspace import Workspace


class Told:
    def __init__(self):
        self.hints, self.errors, self.statuses = [], [], []

    def hint(self, message):
        self.hints.append(message)

    def show_error(self, message):
        self.errors.append(message)

    def status(self, message, ms=4000):
        self.statuses.append(message)


@pytest.fixture
def linking(qtbot, store, prompts):
    events = Events()
    service = AnnotationService(store, events, annotator="tester")
    doc = store.add_document("Clarifai deleted 3 million photos. The FTC settled in 2024.", "Story")
    a = service.create_claim(doc.id, 0, 33).id
    b = service.create_claim(doc.id, 35, 58).id
    workspace = Workspace(store, events)
    stack, told, label, cancel = QUndoStack(), Told(), QLabel(), QAction("Cancel")
    controller = LinkingController(prompts=prompts, feedback=told, push=lambda c: (stack.push(c), True)[1],
                                   select_claim=workspace.select, hint_label=label, cancel_action=cancel)
    controller.bind(workspace, service)
    return controller, workspace, store, stack, told, (a, b)


def test_two_steps_and_a_relation_make_one_undoable_link(linking, prompts):
    controller, workspace, store, stack, told, (a, b) = linking
    controller.step()
    assert told.hints and not store.links(), "nothing selected: a hint, no link"
    workspace.select(a)
    controller.step()
    assert workspace.pending_link_from == a and "Linking from" in controller.hint_label.text()
    assert controller.cancel_action.isEnabled()
    workspace.select(b)
    prompts.answer("relation", Relation.CONTRADICTS)
    controller.step()
    assert [(link.from_claim_id, link.to_claim_id, link.relation) for link in store.links(a)] == [
        (a, b, Relation.CONTRADICTS)]
    assert workspace.pending_link_from is None and controller.hint_label.text() == ""
    assert not controller.cancel_action.isEnabled() and told.statuses == ["Linked: contradicts."]
    stack.undo()
    assert store.links(a) == []


def test_the_hint_goes_when_the_pending_claim_is_deleted(linking):
    controller, workspace, _store, _stack, _told, (a, _b) = linking
    workspace.select(a)
    controller.step()
    assert "Linking from" in controller.hint_label.text()
    controller.annotations.delete_claim(a)
    assert workspace.pending_link_from is None and controller.hint_label.text() == ""


def test_a_refused_link_is_shown_and_leaves_no_undo_step(linking):
    controller, _workspace, _store, stack, told, (a, _b) = linking
    assert not controller.link(a, a, Relation.SAME)
    assert "itself" in told.errors[-1] and stack.count() == 0
