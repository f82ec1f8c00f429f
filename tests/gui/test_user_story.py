"""The fact-checker's loop, driven through the real widgets with the keyboard.

Open the demo project, select text in pane 1, create a claim, select text in
pane 2, create a claim, link them as "contradicts", set a verdict, undo three
times and redo, close and reopen, and find everything as it was.
"""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.app import resolve_startup_project  # noqa: E402
from annotator.core.model import Rating, Relation  # noqa: E402
from annotator.gui.main_window import MainWindow  # noqa: E402


def open_window(qtbot) -> MainWindow:
    win = MainWindow(resolve_startup_project(None))
    qtbot.addWidget(win)
    with qtbot.waitActive(win):  # shortcuts only reach an active window
        win.show()
        win.activateWindow()
    return win


def select_phrase(qtbot, pane, phrase: str) -> None:
    """Put the caret before the phrase, then extend the selection with Shift+Right, as a user would."""
    view = pane.view
    found = view.document().find(phrase)
    assert not found.isNull(), phrase
    cursor = view.textCursor()
    cursor.setPosition(found.selectionStart())
    view.setTextCursor(cursor)
    view.setFocus()
    for _ in range(found.selectionEnd() - found.selectionStart()):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.textCursor().selectedText() == phrase


def make_claim(qtbot, win, pane, phrase: str) -> str:
    """Select a phrase and create a claim from it (as Ctrl+E does); return its id."""
    select_phrase(qtbot, pane, phrase)
    win.create_claim_from_selection()
    return win.selected_claim_id


def press(qtbot, widget, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(widget, key, modifier)


def choose_in_popup(key: Qt.Key) -> None:
    """Answer the relation menu that Ctrl+L opens, by its accelerator key."""
    def answer():
        popup = QApplication.activePopupWidget()
        assert popup is not None, "the relation menu did not open"
        from PySide6.QtTest import QTest

        QTest.keyClick(popup, key)
    QTimer.singleShot(50, answer)


def test_claim_link_verdict_undo_redo_and_restart(qtbot):
    win = open_window(qtbot)
    left, right = win.panes
    store = win.store

    select_phrase(qtbot, left, "an OkCupid founder who was also a Clarifai investor")
    press(qtbot, left.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    first = win.selected_claim_id
    assert store.claim(first).quote == "an OkCupid founder who was also a Clarifai investor"
    assert first in left.view.span_ids(), "the highlight is drawn"

    select_phrase(qtbot, right, "Clarifai requested data from OkCupid")
    press(qtbot, right.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    second = win.selected_claim_id
    assert second != first and second in right.view.span_ids()

    # Link: Ctrl+L on the first claim, then on the second, then "c" for contradicts.
    win.select_claim(first)
    press(qtbot, left.view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert "Linking from" in win.link_hint.text()
    win.select_claim(second)
    choose_in_popup(Qt.Key.Key_C)
    press(qtbot, right.view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    links = store.links(first)
    assert [(l.from_claim_id, l.to_claim_id, l.relation) for l in links] == [(first, second, Relation.CONTRADICTS)]
    assert (first, second, Relation.CONTRADICTS) in win._links_between(left, right)

    # Verdict with a number key on the selected claim (once the menu has given focus back).
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    if not win.isActiveWindow():  # offscreen Qt may not hand activation back at once on a loaded machine
        with qtbot.waitActive(win):
            win.activateWindow()
    right.view.setFocus()
    press(qtbot, right.view, Qt.Key.Key_5)
    assert store.verdict(second).rating is Rating.FALSE
    assert win.inspector.verdict_combo.currentData() == "false"

    # Undo three times: verdict, link, second claim. Then redo once: the second claim is back.
    for _ in range(3):
        press(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not _claim_exists(store, second) and store.links(first) == [] and store.verdicts(second) == []
    assert second not in right.view.span_ids()
    assert _claim_exists(store, first)
    win.undo_stack.redo()
    assert store.claim(second).quote == "Clarifai requested data from OkCupid"
    win.undo_stack.redo()
    win.undo_stack.redo()
    assert store.verdict(second).rating is Rating.FALSE
    assert [l.relation for l in store.links(first)] == [Relation.CONTRADICTS]
    link_id = store.links(first)[0].id
    win.close()

    again = open_window(qtbot)
    assert again.store.claim(first).quote.startswith("an OkCupid founder")
    assert again.store.verdict(second).rating is Rating.FALSE
    assert again.store.link(link_id).relation is Relation.CONTRADICTS
    assert first in again.panes[0].view.span_ids() and second in again.panes[1].view.span_ids()
    assert {first, second} <= set(again.claims_panel.visible_claim_ids())
    again.close()


def _claim_exists(store, claim_id: str) -> bool:
    return any(c.id == claim_id for c in store.claims())


def test_claim_after_emoji_stores_the_right_quote(qtbot):
    win = open_window(qtbot)
    result = win.importer.import_text("Reaction 😀👍🏽 online: Clarifai deleted 3 million photos 🙂 today.",
                                      title="Emoji post", source_name="Social")
    assert result.ok
    pane = win.panes[0]
    win.show_in_pane(pane, result.document.id)
    select_phrase(qtbot, pane, "3 million photos")
    press(qtbot, pane.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    claim = win.store.claim(win.selected_claim_id)
    assert claim.quote == "3 million photos"
    text = win.store.document_text(result.document.id)
    assert text[claim.start:claim.end] == "3 million photos"
    assert claim.prefix.endswith("Clarifai deleted ")
    win.close()
    again = open_window(qtbot)
    assert again.store.claim(claim.id).quote == "3 million photos"
    again.close()


def test_self_link_and_duplicate_are_refused_with_a_message(qtbot, monkeypatch):
    win = open_window(qtbot)
    messages = []
    monkeypatch.setattr(win, "show_error", messages.append)
    left = win.panes[0]
    claim = make_claim(qtbot, win, left, "Clarifai is a US-based company")
    assert not win.link_claims(claim, claim, Relation.SAME)
    assert "itself" in messages[-1]
    other = make_claim(qtbot, win, left, "founded in 2013")
    assert win.link_claims(claim, other, Relation.SUPPORTS)
    assert not win.link_claims(claim, other, Relation.SUPPORTS)
    assert "already linked" in messages[-1]
    assert len(win.store.links(claim)) == 1 and win.undo_stack.count() == 3
    win.close()


def test_deleting_a_claim_removes_links_and_undo_restores_them(qtbot):
    win = open_window(qtbot)
    left, right = win.panes
    a = make_claim(qtbot, win, left, "Clarifai is a US-based company")
    b = make_claim(qtbot, win, right, "approximately 3 million images")
    win.link_claims(a, b, Relation.SUPPORTS)
    win.select_claim(a)
    win.set_verdict(Rating.TRUE)
    left.view.setFocus()
    press(qtbot, left.view, Qt.Key.Key_Delete)
    assert win.store.links(a) == [] and a not in left.view.span_ids()
    assert not _claim_exists(win.store, a)
    win.undo_stack.undo()
    assert win.store.claim(a) and [l.to_claim_id for l in win.store.links(a)] == [b]
    assert win.store.verdict(a).rating is Rating.TRUE
    win.close()


def test_overlapping_claims_both_stay_visible(qtbot):
    win = open_window(qtbot)
    pane = win.panes[0]
    outer = make_claim(qtbot, win, pane, "Clarifai is a US-based company founded in 2013")
    inner = make_claim(qtbot, win, pane, "founded in 2013")
    spans = {s.id: s for s in pane.view._spans}
    assert {outer, inner} <= set(spans)
    assert spans[outer].level != spans[inner].level, "overlaps get separate underline levels"
    hit = pane.view.span_at(spans[inner].start)
    assert hit.id == inner, "clicking inside the overlap picks the innermost claim"
    win.close()


def test_claims_table_filters(qtbot):
    win = open_window(qtbot)
    left, right = win.panes
    a = make_claim(qtbot, win, left, "Clarifai is a US-based company")
    b = make_claim(qtbot, win, right, "approximately 3 million images")
    win.select_claim(b)
    win.set_verdict(Rating.MOSTLY_TRUE)
    panel = win.claims_panel
    everything = set(panel.visible_claim_ids())
    assert {a, b} <= everything and len(everything) == win.store.counts().claims
    qtbot.keyClicks(panel.search, "US-based")
    assert panel.visible_claim_ids() == [a]
    panel.search.clear()
    verdicts = panel.combos["verdict"]
    verdicts.setCurrentIndex(verdicts.findData("__unchecked__"))
    assert panel.visible_claim_ids() == [a], "only the new claim has no verdict"
    verdicts.setCurrentIndex(verdicts.findData("mostly_true"))
    mostly_true = set(panel.visible_claim_ids())
    assert b in mostly_true and a not in mostly_true
    verdicts.setCurrentIndex(0)
    sources = panel.combos["source_id"]
    sources.setCurrentIndex(sources.findText("AIChief"))
    shown = panel.visible_claim_ids()
    assert b in shown and a not in shown
    assert all(win.claims_panel.model.rows[win.claims_panel.model._index[c]]["source"] == "AIChief" for c in shown)
    win.close()
