"""Regressions found in a review: failed edits, pending notes, stale views, stray shortcuts."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt

from annotator.core.model import Rating


@pytest.fixture
def win(qtbot, monkeypatch, open_window):
    w = open_window()
    w.errors = []
    monkeypatch.setattr(w, "show_error", w.errors.append)
    yield w
    w.close()


def test_a_failed_merge_is_reported_and_leaves_no_undo_step(win, tmp_path):
    bogus = tmp_path / "notes.annotator"
    bogus.write_text("not a project")
    win.interchange.merge(str(bogus))
    assert win.errors and "not an annotator project" in win.errors[-1]
    assert win.undo_stack.count() == 0
    win.undo()  # nothing to undo, and nothing crashes


def test_a_refused_rename_is_reported_and_leaves_no_undo_step(win):
    from annotator.gui import commands

    source = win.store.source_by_name("AIChief")
    win.push(commands.EditSource(win.annotations, source.id, name="Unattributed report"))
    assert "already a source" in win.errors[-1]
    assert win.undo_stack.count() == 0 and win.store.source(source.id).name == "AIChief"


def test_a_note_being_typed_stays_with_its_claim(qtbot, win, user):
    pane = win.panes[0]
    a = user.claim(win, pane, "Clarifai is a US-based company")
    b = user.claim(win, pane, "founded in 2013")
    win.select_claim(a)
    win.inspector.note.setFocus()
    qtbot.keyClicks(win.inspector.note, "Check the 2013 date")
    win.select_claim(b)  # e.g. Alt+Down, without leaving the note field first
    assert win.store.claim(a).note == "Check the 2013 date"
    assert win.store.claim(b).note is None
    assert win.inspector.note.toPlainText() == ""


def test_a_colleagues_verdict_is_shown_but_never_copied_as_yours(qtbot, win):
    claim = next(c for c in win.store.claims() if c.quote.startswith("The saga began in early 2024"))
    win.select_claim(claim.id)
    assert win.inspector.verdict_combo.currentData() is None, "your own verdict: none yet"
    assert "demo fact-checker" in win.inspector.others.text() and "false" in win.inspector.others.text()
    win.inspector.verdict_note.setFocus()
    win.inspector.verdict_note.editingFinished.emit()
    other = next(c for c in win.store.claims() if c.id != claim.id)
    win.select_claim(other.id)
    assert [v.annotator for v in win.store.verdicts(claim.id)] == ["demo fact-checker"]


def test_undoing_an_import_empties_the_pane_that_showed_it(qtbot, win, tmp_path):
    path = tmp_path / "brief.txt"
    path.write_text("Alpha beta gamma delta epsilon.\n", encoding="utf-8")
    win.importing.import_paths([str(path)])
    qtbot.waitUntil(lambda: win.importing.last_import_report is not None)
    doc = next(d for d in win.store.documents() if d.original_filename == "brief.txt")
    pane = win.panes[1]
    win.show_in_pane(pane, doc.id)
    win.undo()
    assert pane.document_id is None and pane.view.toPlainText() == ""
    win.create_claim_from_selection()  # nothing selected anywhere: a hint, no exception
    assert win.statusBar().currentMessage()


def test_filtering_the_table_does_not_change_the_selected_claim(qtbot, win):
    claim = next(c for c in win.store.claims() if c.quote.startswith("The saga began"))
    win.select_claim(claim.id)
    win.claims_panel.search.setFocus()
    qtbot.keyClicks(win.claims_panel.search, "Match Group")
    assert win.selected_claim_id == claim.id


def test_delete_in_the_sources_list_deletes_no_claim(qtbot, win):
    claim = win.store.claims()[0]
    win.select_claim(claim.id)
    win.sources_tree.setFocus()
    before = win.store.counts().claims
    qtbot.keyClick(win.sources_tree, Qt.Key.Key_Delete)
    qtbot.keyClick(win.sources_tree, Qt.Key.Key_5)
    assert win.store.counts().claims == before
    assert win.store.verdict(claim.id, annotator=win.annotations.annotator) is None


def test_escape_closes_the_find_bar_even_with_two_open(qtbot, win):
    for pane in win.panes:
        pane.show_find()
    win.panes[0].find_field.setFocus()
    qtbot.keyClick(win.panes[0].find_field, Qt.Key.Key_Escape)
    assert not win.panes[0].find_bar.isVisible() and win.panes[1].find_bar.isVisible()


def test_redo_of_a_verdict_keeps_its_id(qtbot, win, user):
    claim = user.claim(win, win.panes[0], "Clarifai is a US-based company")
    win.set_verdict(Rating.TRUE)
    first = win.store.verdict(claim).id
    win.undo()
    win.redo()
    assert win.store.verdict(claim).id == first


def test_an_import_that_adds_nothing_leaves_no_undo_step(qtbot, win):
    from tests.conftest import REPO

    win.importing.import_paths([str(REPO / "seeds" / "000_77e2c661147e491e.txt")])
    qtbot.waitUntil(lambda: win.importing.last_import_report is not None)
    assert win.importing.last_import_report.table.topLevelItem(0).text(1) == "Already in project"
    assert win.undo_stack.count() == 0


def test_an_empty_project_opens_with_two_panes(qtbot, tmp_path):
    from annotator.gui.main_window import MainWindow
    from annotator.store import create_project

    w = MainWindow(create_project(tmp_path / "empty.annotator"))
    qtbot.addWidget(w)
    assert len(w.panes) == 2
    w.close()


def test_opening_a_project_draws_each_pane_once(qtbot, monkeypatch, open_window):
    from annotator.gui.document_view import DocumentView

    drawn: list[int] = []
    original = DocumentView.set_spans
    def spy(view, spans):
        if spans:  # a new text clears its highlights first; that costs nothing
            drawn.append(id(view))
        return original(view, spans)

    monkeypatch.setattr(DocumentView, "set_spans", spy)
    w = open_window()
    shown = [id(p.view) for p in w.panes if p.document_id]
    assert len(shown) == 2
    assert sorted(v for v in drawn if v in shown) == sorted(shown)  # each shown pane once, not twice
    w.close()


def test_deleting_the_selected_claim_clears_the_views_once(qtbot, win, user):
    pane = win.panes[0]
    claim_id = user.claim(win, pane, "Clarifai is a US-based company")
    shown: list[object] = []
    win.inspector.claimShown.connect(shown.append)
    user.press(pane.view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: win.selected_claim_id is None)
    assert shown == [None]  # one refresh, after the edit's own changes
    assert win.claims_panel.model.position(claim_id) is None
    assert not win.claims_panel.table.selectionModel().hasSelection()  # no row below picked up
    assert win.inspector.claim_id is None


def test_an_edit_the_project_file_refuses_at_commit_is_reported_and_not_shown_as_done(qtbot, open_window, prompts,
                                                                                      user):
    """A commit can fail after every statement succeeded (a full disk, or here a deferred
    constraint): the person is told, the claim is neither in the file nor on screen, and
    there is nothing to undo."""
    win = open_window()
    store = win.store
    claims, steps = store.counts().claims, win.undo_stack.count()
    # A constraint checked only at COMMIT: every statement of the edit succeeds, the commit fails.
    store.db.execute("CREATE TEMP TABLE parent (id TEXT PRIMARY KEY)")
    store.db.execute("CREATE TEMP TABLE child (parent_id TEXT REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)")
    store.db.execute("CREATE TEMP TRIGGER refuse_at_commit AFTER INSERT ON claims BEGIN "
                     "INSERT INTO child VALUES ('no such parent'); END")
    pane = win.panes[0]
    user.select(pane, "Clarifai is a US-based company")
    user.focus(win, pane.view)
    user.press(pane.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert any("refused" in m for m in prompts.messages("warn")), prompts.said[-1:]
    assert store.counts().claims == claims and not store.db.conn.in_transaction
    assert win.undo_stack.count() == steps, "nothing to undo"
    assert not any(row.quote == "Clarifai is a US-based company" for row in win.claims_panel.model.rows.values())
    store.db.execute("DROP TRIGGER refuse_at_commit")
    user.claim(win, pane, "Clarifai is a US-based company")  # the project takes the next edit
    assert store.counts().claims == claims + 1
    win.close()
