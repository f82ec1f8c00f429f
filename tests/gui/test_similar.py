"""The Similar dock: select a claim, see where other documents say the same, link in one step."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt

from annotator.core.model import Relation
from annotator.gui.workers import Worker

FOUNDER = "an OkCupid founder who was also a Clarifai investor had supplied the photographs"


def _wait_for_suggestions(qtbot, win) -> list:
    qtbot.waitUntil(lambda: win.similar_panel.results.count() > 0)
    return win.similar_panel.suggestions()


def test_similar_passages_for_the_selected_claim_and_link_in_one_step(qtbot, open_window, user):
    win = open_window()
    store = win.store
    claim_id = user.claim_with(store, "Clarifai investor")
    win.select_claim(claim_id)
    qtbot.keyClick(win, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert win.similar_dock.isVisible()
    suggestions = _wait_for_suggestions(qtbot, win)

    own_doc = store.claim(claim_id).document_id
    assert all(s.match.passage.document_id != own_doc for s in suggestions), "only other documents"
    assert [s.match.score for s in suggestions] == sorted((s.match.score for s in suggestions), reverse=True)
    # The AIChief article says its executives had invested in Clarifai: it is among the passages,
    # already a claim of the demo and linked to this one as "supports".
    executives = next(s for s in suggestions if "executives had previously invested" in s.match.passage.text)
    assert executives.claim_id is not None and executives.relation == Relation.SUPPORTS.label

    # Pick a passage that is not a claim yet and link it as "same claim": one undo step does both.
    fresh = next(i for i, s in enumerate(suggestions) if s.claim_id is None)
    passage = suggestions[fresh].match.passage
    win.similar_panel.results.setCurrentRow(fresh)
    win.similar_panel.relation.setCurrentIndex(win.similar_panel.relation.findData(Relation.SAME.value))
    before = len(store.claims())
    qtbot.mouseClick(win.similar_panel.link_button, Qt.MouseButton.LeftButton)
    created = [c for c in store.claims() if c.document_id == passage.document_id
               and (c.start, c.end) == (passage.start, passage.end)]
    assert len(store.claims()) == before + 1 and len(created) == 1
    assert store.claim(created[0].id).quote == passage.text
    assert [(link.to_claim_id, link.relation) for link in store.links(claim_id) if link.to_claim_id == created[0].id] \
        == [(created[0].id, Relation.SAME)]
    # The list now shows the passage as linked, and the link button is off for it.
    qtbot.waitUntil(lambda: any(s.relation == Relation.SAME.label for s in win.similar_panel.suggestions()))

    win.undo()  # the claim and its link go together
    assert len(store.claims()) == before
    assert all(link.to_claim_id != created[0].id for link in store.links(claim_id))
    win.redo()
    assert store.claim(created[0].id).quote == passage.text
    assert any(link.to_claim_id == created[0].id for link in store.links(claim_id))


def test_opening_a_passage_shows_it_in_a_pane(qtbot, open_window, user):
    win = open_window()
    win.select_claim(user.claim_with(win.store, "Clarifai investor"))
    win.similar.show()
    suggestions = _wait_for_suggestions(qtbot, win)
    target = suggestions[0].match.passage
    item = win.similar_panel.results.item(0)
    win.similar_panel.results.itemActivated.emit(item)
    pane = next(p for p in win.panes if p.document_id == target.document_id)
    assert pane.view.selection_span() == (target.start, target.end)


SPACY_PROBE = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
from annotator.app import resolve_startup_project
from annotator.gui.main_window import MainWindow
app = QApplication([])
win = MainWindow(resolve_startup_project(None))
win.show()
win.select_claim(next(c.id for c in win.store.claims() if "Clarifai investor" in c.quote))
for _ in range(20):
    app.processEvents()
print("after start:", "spacy" in sys.modules)
win.similar.show()
import time
deadline = time.time() + 60
while win.similar_panel.results.count() == 0 and time.time() < deadline:
    app.processEvents()
    time.sleep(0.01)
print("after the dock:", "spacy" in sys.modules, win.similar_panel.results.count() > 0)
win.close()
"""


def test_spacy_loads_only_once_the_similar_dock_is_used(tmp_path):
    """Start-up stays fast: spaCy is imported by the first search for similar passages, in a worker."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, ANNOTATOR_DATA_DIR=str(tmp_path / "data"), ANNOTATOR_SETTINGS_DIR=str(tmp_path / "s"),
               ANNOTATOR_NAME="tester")  # no first-start question to answer
    out = subprocess.run([sys.executable, "-c", SPACY_PROBE], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "after start: False" in out.stdout
    assert "after the dock: True True" in out.stdout


def test_a_new_text_is_indexed_and_switching_project_forgets_the_old_index(qtbot, tmp_path, open_window, user):
    from annotator.store import create_project

    win = open_window()
    result = win.importer.import_text("Separately, Clarifai confirmed an OkCupid founder who was also a "
                                      "Clarifai investor had supplied the photographs. 😀 Nothing else.",
                                      title="Wire copy", source_name="Wire")
    win.select_claim(user.claim_with(win.store, "Clarifai investor"))
    win.similar.show()
    suggestions = _wait_for_suggestions(qtbot, win)
    best = suggestions[0]
    assert best.match.passage.document_id == result.document.id and best.match.score > 90
    text = win.store.document_text(result.document.id)
    assert text[best.match.passage.start:best.match.passage.end] == best.match.passage.text

    other = create_project(tmp_path / "other.annotator", "Other")
    other.close()
    with qtbot.waitSignal(win.projectOpened):
        win.open_project_path(tmp_path / "other.annotator")
    assert win.similar.match_index is None and win.similar_panel.results.count() == 0
    Worker.wait_all()


def test_raising_the_tab_by_hand_fills_it_and_a_hidden_tab_does_no_work(qtbot, open_window, user):
    win = open_window()
    with qtbot.waitSignal(win.inspector.claimShown):  # the moment a visible tab would schedule a search
        win.select_claim(user.claim_with(win.store, "Clarifai investor"))
    assert not win.similar.on_screen()
    assert not win.similar.timer.isActive() and win.similar.worker is None and not win.similar.queries
    assert win.similar_panel.results.count() == 0
    win.similar_dock.raise_()  # as clicking the "Similar" tab does
    suggestions = _wait_for_suggestions(qtbot, win)
    assert suggestions and win.similar.on_screen()
    other = user.claim_with(win.store, "requested data from OkCupid")
    win.select_claim(other)  # the list follows the selection
    qtbot.waitUntil(lambda: "requested data" in win.similar_panel.heading.text())
    assert all(s.match.passage.document_id != win.store.claim(other).document_id
               for s in win.similar_panel.suggestions())



def test_while_a_new_text_is_indexed_the_list_belongs_to_the_new_claim_and_link_waits(qtbot, open_window, user):
    win = open_window()
    first = user.claim_with(win.store, "Clarifai investor")
    win.select_claim(first)
    win.similar.show()
    _wait_for_suggestions(qtbot, win)
    win.importer.import_text("A new wire story about OkCupid photos. " * 2000, title="Wire", source_name="Wire")
    second = user.claim_with(win.store, "requested data from OkCupid")
    links_before = len(win.store.links(second))
    win.select_claim(second)
    win.similar.refresh(force=True)
    # The old claim's passages are gone at once; Link cannot attach one of them to the new claim.
    assert "requested data" in win.similar_panel.heading.text()
    assert win.similar_panel.claim_id == second
    assert win.similar_panel.current() is None and not win.similar_panel.link_button.isEnabled()
    qtbot.waitUntil(lambda: win.similar_panel.results.count() > 0)
    assert all(s.match.passage.document_id != win.store.claim(second).document_id
               for s in win.similar_panel.suggestions())
    assert len(win.store.links(second)) == links_before


def test_the_current_passage_stays_current_after_linking_it(qtbot, open_window, user):
    win = open_window()
    claim_id = user.claim_with(win.store, "Clarifai investor")
    win.select_claim(claim_id)
    win.similar.show()
    suggestions = _wait_for_suggestions(qtbot, win)
    row = max(i for i, s in enumerate(suggestions) if s.relation is None)
    assert row > 0
    chosen = suggestions[row].match.passage
    win.similar_panel.results.setCurrentRow(row)
    win.similar_panel.link_current()
    qtbot.waitUntil(lambda: win.similar_panel.current() is not None
                    and win.similar_panel.current().relation is not None)
    current = win.similar_panel.current().match.passage
    assert (current.document_id, current.start, current.end) == (chosen.document_id, chosen.start, chosen.end)
    assert not win.similar_panel.link_button.isEnabled(), "a linked passage cannot be linked twice"


def test_cancelling_says_so(qtbot, open_window, user):
    win = open_window()
    win.select_claim(user.claim_with(win.store, "Clarifai investor"))
    win.importer.import_text("Another long text about Clarifai. " * 20_000, title="Long", source_name="Wire")
    win.similar.show()
    # The index worker's answer arrives through the event loop, which has not run since the
    # dock was raised: the indexing is certainly still under way.
    assert win.similar.worker is not None
    win.similar_panel.cancel_button.click()
    assert "Cancelled" in win.similar_panel.status.text()
    assert not win.similar_panel.progress.isVisible()
    Worker.wait_all()
