"""Documents edited in the window: properties (Alt+Enter, the Sources list, a pane's menu),
moving to another source, deleting with its claims and links, each undone and redone with
the keys, and kept after a restart."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from annotator.gui.main_window import DOC_ROLE

CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier


def tree_groups(win) -> dict[str, list[str]]:
    """Source label in the Sources list -> the titles under it."""
    tree = win.sources_tree
    out = {}
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        out[item.text(0)] = [item.child(j).text(0) for j in range(item.childCount())]
    return out


def tree_titles(win) -> set[str]:
    return {title for titles in tree_groups(win).values() for title in titles}


def tree_item(win, document_id):
    tree = win.sources_tree
    for i in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(i)
        for j in range(group.childCount()):
            if group.child(j).data(0, DOC_ROLE) == document_id:
                return group.child(j)
    return None


def undo(user, win) -> None:
    user.press(win, Qt.Key.Key_Z, CTRL)


def redo(user, win) -> None:
    user.press(win, Qt.Key.Key_Y, CTRL)


def test_alt_enter_edits_the_properties_and_ctrl_z_takes_them_back(qtbot, window, prompts, user):
    win = window
    pane = win.panes[0]
    doc = win.store.document(pane.document_id, with_text=False)
    user.focus(win, pane.view)
    prompts.answer("document_properties", {"title": "  Edited   title ", "author": "Ana Ruiz",
                                           "url": "https://example.com/story", "published": "2024-04-21"})
    user.press(pane.view, Qt.Key.Key_Return, ALT)
    qtbot.waitUntil(lambda: "Edited title" in tree_titles(win))
    assert doc.title not in tree_titles(win)
    assert "<b>Edited title</b>" in pane.header.text() and "by Ana Ruiz" in pane.header.text()
    assert "published 2024-04-21" in pane.header.text()
    stored = win.store.document(doc.id, with_text=False)
    assert (stored.title, stored.author, stored.url, stored.published) == (
        "Edited title", "Ana Ruiz", "https://example.com/story", "2024-04-21")
    asked = [said for said in prompts.said if said[0] == "document_properties"]
    assert asked == [("document_properties", doc.title, asked[0][2])] and "AIChief" in asked[0][2]
    assert pane.picker.currentText().endswith("Edited title"), "the pane's document list follows"
    assert win.claims_panel.model.documents[doc.id] == "Edited title", "so does the claims table"
    assert win.undo_action.text().startswith("&Undo Edit document")

    undo(user, win)
    qtbot.waitUntil(lambda: doc.title in tree_titles(win))
    assert f"<b>{doc.title}</b>" in pane.header.text() and "by Ana Ruiz" not in pane.header.text()
    stored = win.store.document(doc.id, with_text=False)
    assert (stored.title, stored.author, stored.url, stored.published) == (doc.title, None, None, doc.published)
    redo(user, win)
    qtbot.waitUntil(lambda: "Edited title" in tree_titles(win))
    assert prompts.unanswered() == {}
    win.close()


def test_a_wrong_value_is_refused_in_the_dialog_until_it_is_fixed(qtbot, window, prompts):
    win = window
    doc_id = win.panes[1].document_id
    prompts.answer("document_properties", {"url": "aichief.com/story", "published": "21 April"},
                   {"url": "https://aichief.com/story", "published": "2024-04"})
    assert win.documents.properties(doc_id)
    refused = [text for kind, _title, text in prompts.said if kind == "refused"]
    assert len(refused) == 1 and "http" in refused[0]
    stored = win.store.document(doc_id, with_text=False)
    assert (stored.url, stored.published) == ("https://aichief.com/story", "2024-04")
    assert win.undo_stack.count() == 1
    win.close()


def test_cancel_or_no_change_leaves_no_undo_step(qtbot, window, prompts):
    win = window
    doc_id = win.panes[0].document_id
    prompts.answer("document_properties", None, {})
    assert not win.documents.properties(doc_id)
    assert not win.documents.properties(doc_id)
    assert win.undo_stack.count() == 0 and win.statusBar().currentMessage() == "Nothing changed."
    win.close()


def test_the_property_dialog_says_what_is_wrong_and_stays_open():
    from annotator.gui.dialogs import DocumentDialog

    checked = []

    def check(values):
        checked.append(values)
        return None if values["url"].startswith("https://") else "Needs https://."

    dialog = DocumentDialog({"title": "T", "source": "AIChief", "author": "", "url": "x", "published": ""},
                            ["AIChief", "Wire"], check, "From a.html · imported as html")
    dialog.accept()
    assert dialog.result() != DocumentDialog.DialogCode.Accepted and dialog.error.text() == "Needs https://."
    dialog.url.setText("https://a.example")
    dialog.source.setEditText("  New outlet ")
    dialog.accept()
    assert dialog.result() == DocumentDialog.DialogCode.Accepted
    assert dialog.values() == {"title": "T", "source": "New outlet", "author": "", "url": "https://a.example",
                               "published": ""}
    dialog.deleteLater()


def test_changing_the_source_moves_the_document_and_ctrl_z_moves_it_back(qtbot, window, prompts, user):
    win = window
    pane = win.panes[0]
    doc = win.store.document(pane.document_id, with_text=False)
    home = win.store.source(doc.source_id).name
    assert home != "AIChief"
    user.focus(win, pane.view)
    prompts.answer("document_properties", {"source": "aichief", "title": "Moved and renamed"})
    user.press(pane.view, Qt.Key.Key_Return, ALT)
    qtbot.waitUntil(lambda: tree_groups(win).get("AIChief  (2)") is not None)
    assert "Moved and renamed" in tree_groups(win)["AIChief  (2)"]
    assert tree_groups(win)[f"{home}  (0)"] == []
    assert "AIChief" in pane.header.text()
    claim_sources = {row.source_id for row in win.claims_panel.model.rows.values() if row.document_id == doc.id}
    assert claim_sources == {win.store.source_by_name("AIChief").id}, "the claims table's source column follows"

    undo(user, win)  # title and source were one edit: one undo takes both back
    qtbot.waitUntil(lambda: tree_groups(win).get(f"{home}  (1)") == [doc.title])
    assert "AIChief  (1)" in tree_groups(win) and home in pane.header.text()
    assert win.store.document(doc.id).source_id == doc.source_id
    redo(user, win)
    qtbot.waitUntil(lambda: "Moved and renamed" in tree_groups(win).get("AIChief  (2)", []))
    win.close()


def test_move_to_a_new_source_from_the_menu_creates_it_and_undo_removes_it(qtbot, window, prompts, user):
    win = window
    doc_id = win.panes[1].document_id
    title = win.store.document(doc_id).title
    menu = QMenu(win)
    win.documents.fill_move_menu(menu, doc_id)  # the Move to Source submenu of this document
    labels = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert "No Source" in labels and labels[-1] == "New Source…" and len(labels) == 5 + 2
    current = next(a for a in menu.actions() if a.isChecked())
    assert not current.isEnabled(), "its own source is shown, not offered"
    prompts.answer("text", "Newsroom X")
    next(a for a in menu.actions() if a.text() == "New Source…").trigger()
    qtbot.waitUntil(lambda: tree_groups(win).get("Newsroom X  (1)") == [title])
    assert "Moved" in win.statusBar().currentMessage()

    undo(user, win)
    qtbot.waitUntil(lambda: not any(label.startswith("Newsroom X") for label in tree_groups(win)))
    assert win.store.source_by_name("Newsroom X") is None
    redo(user, win)
    qtbot.waitUntil(lambda: tree_groups(win).get("Newsroom X  (1)") == [title])

    win.documents.fill_move_menu(menu, doc_id)
    next(a for a in menu.actions() if a.text() == "No Source").trigger()
    qtbot.waitUntil(lambda: tree_groups(win).get("No source  (1)") == [title])
    assert "No source" in win.panes[1].header.text()
    menu.deleteLater()
    win.close()


def test_delete_in_the_sources_list_deletes_the_document_with_its_claims_and_undo_brings_all_back(
        qtbot, window, prompts, user):
    win = window
    pane = win.panes[0]
    doc_id = pane.document_id
    title = win.store.document(doc_id).title
    claims = {c.id: c for c in win.store.claims(doc_id)}
    links = {link.id: link for link in win.store.links() if link.from_claim_id in claims or link.to_claim_id in claims}
    verdicts = {v.id: v for v in win.store.verdicts() if v.claim_id in claims}
    assert claims and links and verdicts
    counts = win.store.counts()
    win.select_claim(next(iter(claims)))

    win.sources_tree.setCurrentItem(tree_item(win, doc_id))
    user.focus(win, win.sources_tree)
    prompts.answer("confirm", True)
    user.press(win.sources_tree, Qt.Key.Key_Delete)
    kind, _title, question = prompts.said[-1]
    assert kind == "confirm" and title in question
    assert f"{len(claims)} claims, with {len(links)} links and {len(verdicts)} verdicts" in question
    qtbot.waitUntil(lambda: title not in tree_titles(win))
    assert pane.document_id is None and pane.view.toPlainText() == ""
    assert not set(claims) & set(win.claims_panel.model.rows), "gone from the claims table"
    assert win.selected_claim_id is None
    assert win.store.counts().claims == counts.claims - len(claims)
    assert win.store.counts().links == counts.links - len(links)
    assert "Ctrl+Z" in win.statusBar().currentMessage()

    undo(user, win)
    qtbot.waitUntil(lambda: pane.document_id == doc_id)  # back in the pane it was read in
    assert title in tree_titles(win)
    assert {c.id: c for c in win.store.claims(doc_id)} == claims, "same ids, offsets, notes and times"
    assert {link.id: link for link in win.store.links() if link.id in links} == links
    assert {v.id: v for v in win.store.verdicts() if v.claim_id in claims} == verdicts
    assert win.store.counts() == counts
    assert set(claims) <= set(win.claims_panel.model.rows)
    qtbot.waitUntil(lambda: set(pane.view.span_ids()) == set(claims))

    redo(user, win)
    qtbot.waitUntil(lambda: title not in tree_titles(win))
    assert pane.document_id is None and win.store.counts().claims == counts.claims - len(claims)
    undo(user, win)
    qtbot.waitUntil(lambda: pane.document_id == doc_id)
    assert prompts.unanswered() == {}
    win.close()


def test_a_delete_that_is_not_confirmed_changes_nothing(qtbot, window, prompts):
    win = window
    doc_id = win.panes[1].document_id
    prompts.answer("confirm", False)
    assert not win.documents.delete(doc_id)
    assert win.panes[1].document_id == doc_id and win.undo_stack.count() == 0
    win.close()


def test_delete_in_the_sources_list_on_a_source_only_gives_a_hint(qtbot, window, user):
    win = window
    before = win.store.counts()
    win.sources_tree.setCurrentItem(win.sources_tree.topLevelItem(0))
    user.focus(win, win.sources_tree)
    user.press(win.sources_tree, Qt.Key.Key_Delete)  # no question asked: the prompts would fail the test
    assert win.store.counts() == before and "Select a document" in win.statusBar().currentMessage()
    win.close()


def test_edits_are_kept_after_a_restart(qtbot, open_window, prompts):
    win = open_window()
    edited, deleted = win.panes[0].document_id, win.panes[1].document_id
    prompts.answer("document_properties", {"title": "Kept title", "author": "Ana", "source": "Fresh outlet",
                                           "published": "2024-04-21"})
    assert win.documents.properties(edited)
    prompts.answer("confirm", True)
    assert win.documents.delete(deleted)
    win.close()

    again = open_window()
    doc = again.store.document(edited, with_text=False)
    assert (doc.title, doc.author, doc.published) == ("Kept title", "Ana", "2024-04-21")
    # the Sources list fills once the documents have painted
    qtbot.waitUntil(lambda: tree_groups(again).get("Fresh outlet  (1)") == ["Kept title"])
    assert all(d.id != deleted for d in again.store.documents())
    assert "Kept title" in tree_titles(again) and len(tree_titles(again)) == 4
    shown = next(p for p in again.panes if p.document_id == edited)
    assert "<b>Kept title</b>" in shown.header.text() and "Fresh outlet" in shown.header.text()
    again.close()


def test_the_context_menu_entries_act_on_their_own_document(qtbot, window, prompts):
    """The entries the Sources list and a pane add to their right-click menus."""
    win = window
    doc_id = win.panes[1].document_id
    win.panes[0].view.setFocus()  # another document is being worked in: the entries still act on theirs
    menu = QMenu(win)
    win.documents.add_entries(menu, doc_id)
    entries = {a.text().replace("&", ""): a for a in menu.actions() if not a.isSeparator()}
    assert list(entries) == ["Document Properties…", "Move to Source", "Delete Document…"]
    prompts.answer("document_properties", {"title": "From the menu"})
    entries["Document Properties…"].trigger()
    assert win.store.document(doc_id).title == "From the menu"
    prompts.answer("confirm", True)
    entries["Delete Document…"].trigger()
    qtbot.waitUntil(lambda: "From the menu" not in tree_titles(win))
    assert win.panes[0].document_id is not None, "the other pane keeps its document"
    menu.deleteLater()
    win.close()


def test_renaming_a_source_updates_the_headers_of_its_documents(qtbot, monkeypatch, window):
    from annotator.gui import dialogs

    win = window
    pane = win.panes[0]
    source_id = win.store.document(pane.document_id).source_id
    monkeypatch.setattr(dialogs.SourceDialog, "exec", lambda self: (self.name.setText("Renamed outlet"), 1)[1])
    win.edit_source(source_id)
    qtbot.waitUntil(lambda: "Renamed outlet" in pane.header.text())
    win.close()


def test_an_undo_the_project_refuses_leaves_the_edit_done_and_says_why(qtbot, window, prompts, user):
    """The deleted article was imported again meanwhile: bringing the old copy back would
    duplicate it, so Ctrl+Z says so and the delete stays on the undo stack."""
    win = window
    doc_id = win.panes[0].document_id
    doc = win.store.document(doc_id)
    win.select_claim(None)
    win.sources_tree.setCurrentItem(tree_item(win, doc_id))
    user.focus(win, win.sources_tree)
    prompts.answer("confirm", True)
    user.press(win.sources_tree, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: doc.title not in tree_titles(win))
    win.importer.import_text(doc.text, title="The same article again")
    documents, steps = win.store.counts().documents, win.undo_stack.index()
    undo(user, win)
    assert any("already" in m for m in prompts.messages("warn")), prompts.said[-1:]
    assert win.store.counts().documents == documents, "nothing was restored"
    assert win.undo_stack.index() == steps, "the delete is still done; Ctrl+Z tries it again"
    assert win.undo_stack.canUndo()
    win.close()
