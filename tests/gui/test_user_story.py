"""The fact-checker's loop, driven through the real widgets with the keyboard.

Open the demo project, select text in pane 1, create a claim, select text in
pane 2, create a claim, link them as "contradicts", set a verdict, undo three
times and redo, close and reopen, and find everything as it was.
"""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QTreeWidget

from annotator.core.model import Rating, Relation


def answer_the_real_menu(qtbot, key: Qt.Key) -> None:
    """Answer the relation menu that Ctrl+L opens, by its accelerator key, once it is open.

    The menu runs its own event loop, so the answer is scheduled before the key that opens it;
    it polls until the popup exists (however long a busy machine takes), then presses the key."""
    from PySide6.QtTest import QTest

    timer = QTimer()
    timer.setInterval(10)

    def answer():
        popup = QApplication.activePopupWidget()
        if popup is not None:
            timer.stop()
            QTest.keyClick(popup, key)

    timer.timeout.connect(answer)
    timer.start()
    qtbot.answer_timer = timer  # kept alive until the test ends


def test_claim_link_verdict_undo_redo_and_restart(qtbot, user, monkeypatch):
    """The one test that drives the real relation menu (every other test answers through prompts)."""
    from annotator.app import resolve_startup_project
    from annotator.gui.main_window import MainWindow

    def open_window():
        win = MainWindow(resolve_startup_project(None))  # the real prompts
        qtbot.addWidget(win)
        with qtbot.waitActive(win):
            win.show()
            win.activateWindow()
        qtbot.waitUntil(lambda: win.project_shown)  # empty panes first, then the documents
        return win

    win = open_window()
    monkeypatch.setattr(win.prompts, "warn", lambda title, text: pytest.fail(f"unexpected message: {text}"))
    left, right = win.panes
    store = win.store

    user.select(left, "an OkCupid founder who was also a Clarifai investor")
    user.press(left.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    first = win.selected_claim_id
    assert store.claim(first).quote == "an OkCupid founder who was also a Clarifai investor"
    assert first in left.view.span_ids(), "the highlight is drawn"

    user.select(right, "Clarifai requested data from OkCupid")
    user.press(right.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    second = win.selected_claim_id
    assert second != first and second in right.view.span_ids()

    # Link: Ctrl+L on the first claim, then on the second, then "c" for contradicts.
    win.select_claim(first)
    user.focus(win, left.view)
    user.press(left.view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert "Linking from" in win.link_hint.text()
    win.select_claim(second)
    answer_the_real_menu(qtbot, Qt.Key.Key_C)
    user.focus(win, right.view)
    user.press(right.view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    links = store.links(first)
    assert [(link.from_claim_id, link.to_claim_id, link.relation) for link in links] == [
        (first, second, Relation.CONTRADICTS)]
    assert (first, second, Relation.CONTRADICTS) in win._links_between(left, right)

    # Verdict with a number key on the selected claim (once the menu has given focus back).
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    user.focus(win, right.view)  # the closed menu may still hold activation on a loaded machine
    user.press(right.view, Qt.Key.Key_5)
    assert store.verdict(second).rating is Rating.FALSE
    assert win.inspector.verdict_combo.currentData() == "false"

    # Undo three times: verdict, link, second claim. Then redo once: the second claim is back.
    for _ in range(3):
        user.press(win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not _claim_exists(store, second) and store.links(first) == [] and store.verdicts(second) == []
    assert second not in right.view.span_ids()
    assert _claim_exists(store, first)
    win.undo_stack.redo()
    assert store.claim(second).quote == "Clarifai requested data from OkCupid"
    win.undo_stack.redo()
    win.undo_stack.redo()
    assert store.verdict(second).rating is Rating.FALSE
    assert [link.relation for link in store.links(first)] == [Relation.CONTRADICTS]
    link_id = store.links(first)[0].id
    win.close()

    again = open_window()
    assert again.store.claim(first).quote.startswith("an OkCupid founder")
    assert again.store.verdict(second).rating is Rating.FALSE
    assert again.store.link(link_id).relation is Relation.CONTRADICTS
    assert first in again.panes[0].view.span_ids() and second in again.panes[1].view.span_ids()
    assert {first, second} <= set(again.claims_panel.visible_claim_ids())
    again.close()


def _claim_exists(store, claim_id: str) -> bool:
    return any(c.id == claim_id for c in store.claims())


def test_claim_after_emoji_stores_the_right_quote(open_window, user):
    win = open_window()
    result = win.importer.import_text("Reaction 😀👍🏽 online: Clarifai deleted 3 million photos 🙂 today.",
                                      title="Emoji post", source_name="Social")
    assert result.ok
    pane = win.panes[0]
    win.show_in_pane(pane, result.document.id)
    claim = win.store.claim(user.claim(win, pane, "3 million photos"))
    assert claim.quote == "3 million photos"
    text = win.store.document_text(result.document.id)
    assert text[claim.start:claim.end] == "3 million photos"
    assert claim.prefix.endswith("Clarifai deleted ")
    win.close()
    again = open_window()
    assert again.store.claim(claim.id).quote == "3 million photos"
    again.close()


def test_self_link_and_duplicate_are_refused_with_a_message(window, user, prompts):
    win = window
    left = win.panes[0]
    claim = user.claim(win, left, "Clarifai is a US-based company")
    win.select_claim(claim)
    user.focus(win, left.view)
    user.press(left.view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    user.press(left.view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert "Linking from" in win.link_hint.text(), "pressing Ctrl+L twice on one claim keeps waiting for the other"
    assert not [kind for kind, *_ in prompts.said if kind == "relation"], "no question for one claim"
    assert not win.linking.link(claim, claim, Relation.SAME)
    assert "itself" in prompts.messages("warn")[-1]
    other = user.claim(win, left, "founded in 2013")
    assert win.linking.link(claim, other, Relation.SUPPORTS)
    win.select_claim(claim)
    prompts.answer("relation", Relation.SUPPORTS)
    user.press(left.view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    win.select_claim(other)
    user.focus(win, left.view)
    user.press(left.view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert "already linked" in prompts.messages("warn")[-1]
    assert prompts.unanswered() == {}
    assert len(win.store.links(claim)) == 1 and win.undo_stack.count() == 3
    win.close()


def test_deleting_a_claim_removes_links_and_undo_restores_them(window, user):
    win = window
    left, right = win.panes
    a = user.claim(win, left, "Clarifai is a US-based company")
    b = user.claim(win, right, "approximately 3 million images")
    win.linking.link(a, b, Relation.SUPPORTS)
    win.select_claim(a)
    win.set_verdict(Rating.TRUE)
    assert win.claims_panel.table.selectionModel().selectedRows(), "the table shows the selection"
    assert "Clarifai" in win.inspector.quote.text()
    user.focus(win, left.view)
    user.press(left.view, Qt.Key.Key_Delete)
    assert win.store.links(a) == [] and a not in left.view.span_ids()
    assert not _claim_exists(win.store, a)
    # The selection went with the claim, everywhere it was shown.
    assert win.selected_claim_id is None and left.view._selected_id is None
    assert not win.claims_panel.table.selectionModel().selectedRows()
    assert "Clarifai" not in win.inspector.quote.text()
    win.undo_stack.undo()
    assert win.store.claim(a) and [link.to_claim_id for link in win.store.links(a)] == [b]
    assert win.store.verdict(a).rating is Rating.TRUE
    win.close()


def test_overlapping_claims_both_stay_visible(window, user):
    win = window
    pane = win.panes[0]
    outer = user.claim(win, pane, "Clarifai is a US-based company founded in 2013")
    inner = user.claim(win, pane, "founded in 2013")
    spans = {s.id: s for s in pane.view._spans}
    assert {outer, inner} <= set(spans)
    assert spans[outer].level != spans[inner].level, "overlaps get separate underline levels"
    hit = pane.view.span_at(spans[inner].start)
    assert hit.id == inner, "clicking inside the overlap picks the innermost claim"
    win.close()


def test_claims_table_filters(qtbot, window, user):
    win = window
    left, right = win.panes
    a = user.claim(win, left, "Clarifai is a US-based company")
    b = user.claim(win, right, "approximately 3 million images")
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
    assert all(panel.model.display(c)["source"] == "AIChief" for c in shown)
    win.close()


def test_a_search_result_never_replaces_the_document_being_annotated(window, user, qtbot):
    """Working in the left pane with a claim of the right pane selected, a third article
    opened from a result list gets a pane of its own; both documents stay where they were."""
    win = window
    left, right = win.panes
    shown = (left.document_id, right.document_id)
    claim = user.claim(win, right, "approximately 3 million images")
    user.focus(win, left.view)
    win.select_claim(claim)
    other = next(d.id for d in win.store.documents() if d.id not in shown)
    win.search_panel.field.setFocus()  # the person moves to the search list
    win.open_at(other, 0, 10)
    assert (left.document_id, right.document_id) == shown
    assert len(win.panes) == 3 and win.panes[2].document_id == other
    # The next one goes over the reference pane just opened, not over the work.
    win.search_panel.field.setFocus()
    last = next(d.id for d in win.store.documents() if d.id not in (*shown, other))
    win.open_at(last, 0, 10)
    assert (left.document_id, right.document_id) == shown
    assert win.panes[2].document_id == last and len(win.panes) == 3, "it replaces the reference pane"


def test_a_pinned_pane_keeps_its_document_through_jumps_and_restarts(open_window, user, qtbot):
    """The person pins the article they read against (Ctrl+Shift+P); jumps from the claims
    table and the Sources list open elsewhere, and the pin survives a restart."""
    win = open_window()
    left, right = win.panes
    reading = right.document_id
    user.focus(win, right.view)
    user.press(right.view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert right.pin_button.isChecked() and right.pin_button.text() == "Pinned"
    qtbot.mouseClick(left.pin_button, Qt.MouseButton.LeftButton)  # and the left one with the mouse
    assert win.workspace.pinned == [True, True]
    qtbot.mouseClick(left.pin_button, Qt.MouseButton.LeftButton)
    assert win.workspace.pinned == [False, True]
    shown = {left.document_id, right.document_id}
    others = [d.id for d in win.store.documents() if d.id not in shown]
    user.focus(win, right.view)  # reading in the pinned pane, the person opens a document from the list
    tree = win.sources_tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() > 0)
    item = next(tree.topLevelItem(i).child(j) for i in range(tree.topLevelItemCount())
                for j in range(tree.topLevelItem(i).childCount())
                if tree.topLevelItem(i).child(j).data(0, Qt.ItemDataRole.UserRole) == others[0])
    tree.itemActivated.emit(item, 0)
    assert right.document_id == reading, "the pinned pane kept its document"
    assert left.document_id == others[0]
    claim = next(c for c in win.store.claims() if c.document_id == others[1])
    win.select_claim(claim.id)  # a jump from the table
    assert right.document_id == reading
    assert others[1] in [p.document_id for p in win.panes]
    win.close()

    again = open_window()
    assert again.panes[1].document_id == reading and again.panes[1].pin_button.isChecked()
    assert again.workspace.pinned[1] and not again.workspace.pinned[0]
    again.close()


def test_clicking_a_highlight_selects_its_claim_and_leaves_the_caret_where_clicked(window, user, qtbot):
    win = window
    pane = win.panes[0]
    claim_id = user.claim(win, pane, "Clarifai is a US-based company")
    win.select_claim(None)
    view = pane.view
    inside = view.document().find("US-based").selectionStart() + 2  # the middle of the highlight
    user.click_text(view, inside)
    qtbot.waitUntil(lambda: win.selected_claim_id == claim_id)
    assert view.textCursor().position() == inside, "the caret stays where the person clicked"
    assert not view.textCursor().hasSelection()
    assert win.inspector.claim_id == claim_id


def test_a_long_quote_in_the_claims_table_shows_its_start_and_end_and_all_of_it_on_hover(window, user, qtbot):
    from PySide6.QtWidgets import QStyleOptionViewItem

    win = window
    phrase = "approximately 3 million images"
    claim_id = user.claim(win, win.panes[1], phrase)
    panel = win.claims_panel
    index = panel.model.index(panel.model.position(claim_id), 0)
    assert index.data(Qt.ItemDataRole.ToolTipRole) == phrase, "the whole quote on hover"
    option = QStyleOptionViewItem()
    panel.table.itemDelegateForColumn(0).initStyleOption(option, index)
    assert option.textElideMode == Qt.TextElideMode.ElideMiddle, "its start and its end stay readable"
    assert panel.table.columnWidth(0) >= 2 * panel.table.columnWidth(1), "the quote column takes the room"


def test_an_imported_web_page_is_filed_under_the_site_it_names(open_window, qtbot, tmp_path):
    win = open_window()
    page = tmp_path / "story.html"
    page.write_text(
        "<html><head><meta property='og:site_name' content='The Harbour Gazette'>"
        "<link rel='canonical' href='https://www.harbour-gazette.example/story'>"
        "<title>Port reopens</title></head><body><article><h1>Port reopens</h1>"
        "<p>The port reopened on Monday after a two-week closure, officials said.</p>"
        "<p>Shipping firms said the delay cost them about 4 million euros.</p></article></body></html>",
        encoding="utf-8")
    win.importing.import_paths([str(page)])
    qtbot.waitUntil(lambda: win.importing.last_import_report is not None)
    table = win.importing.last_import_report.findChild(QTreeWidget)
    said = [[table.topLevelItem(i).text(c) for c in range(3)] for i in range(table.topLevelItemCount())]
    doc = next((d for d in win.store.documents() if d.title == "Port reopens"), None)
    assert doc is not None, f"the import reported {said}"
    assert win.store.source(doc.source_id).name == "The Harbour Gazette", "the site's own name, not its host"
    tree = win.sources_tree
    qtbot.waitUntil(lambda: any(tree.topLevelItem(i).text(0).startswith("The Harbour Gazette")
                                for i in range(tree.topLevelItemCount())))
    assert doc.id in [p.document_id for p in win.panes], "and it opens in a pane"
    win.close()
