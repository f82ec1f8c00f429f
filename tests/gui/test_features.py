"""Drag-to-link, find, project search, paste, import undo, source editing, resizing."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QMimeData, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QDropEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.core.model import Relation  # noqa: E402
from annotator.gui.document_view import CLAIM_MIME  # noqa: E402
from tests.gui.test_user_story import choose_in_popup, open_window, select_phrase  # noqa: E402


def _claim(qtbot, win, pane, phrase):
    select_phrase(qtbot, pane, phrase)
    win.create_claim_from_selection()
    return win.selected_claim_id


def _point_of(view, claim_id):
    top, bottom = view.claim_vertical(claim_id)
    span = view._by_id[claim_id]
    rect = view.span_rects(span)[0]
    return QPointF(rect.left() + 3, (top + bottom) / 2)


def test_dropping_a_highlight_on_another_links_them(qtbot):
    win = open_window(qtbot)
    left, right = win.panes
    a = _claim(qtbot, win, left, "Clarifai is a US-based company")
    b = _claim(qtbot, win, right, "The artificial intelligence platform Clarifai")
    right.view.scroll_to(win.store.claim(b).start)
    mime = QMimeData()
    mime.setData(CLAIM_MIME, a.encode())
    drop = QDropEvent(_point_of(right.view, b), Qt.DropAction.LinkAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    choose_in_popup(Qt.Key.Key_S)  # "Same claim"
    right.view.dropEvent(drop)
    links = win.store.links(a)
    assert [(l.from_claim_id, l.to_claim_id, l.relation) for l in links] == [(a, b, Relation.SAME)]
    win.close()


def test_find_in_document_selects_the_next_match(qtbot):
    win = open_window(qtbot)
    pane = win.panes[0]
    pane.view.setFocus()
    qtbot.keyClick(pane.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert pane.find_bar.isVisible() and pane.find_field.hasFocus()
    qtbot.keyClicks(pane.find_field, "Clarifai")
    assert pane.view.textCursor().selectedText() == "Clarifai"
    first = pane.view.textCursor().selectionStart()
    qtbot.keyClick(pane.find_field, Qt.Key.Key_Return)
    assert pane.view.textCursor().selectionStart() > first
    assert "found" in pane.find_status.text()
    qtbot.keyClick(pane.find_field, Qt.Key.Key_Escape)
    assert not pane.find_bar.isVisible()
    win.close()


def test_project_search_opens_the_document_at_the_hit(qtbot):
    win = open_window(qtbot)
    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    panel = win.search_panel
    qtbot.keyClicks(panel.field, "Copenhagen")
    qtbot.keyClick(panel.field, Qt.Key.Key_Return)
    assert panel.results.count() == 1 and "1 document" in panel.status.text()
    panel._activate(panel.results.item(0))
    shown = [p for p in win.panes if p.view.textCursor().selectedText() == "Copenhagen"]
    assert len(shown) == 1
    assert shown[0].document_id == next(d.id for d in win.store.documents()
                                        if d.title.startswith("Clarifai Deletes 3M"))
    win.close()


def test_paste_as_document_and_undo(qtbot, monkeypatch):
    from annotator.gui import dialogs

    win = open_window(qtbot)
    QApplication.clipboard().setText("Wire copy\nThe FTC settled with Match Group in 2024.")
    monkeypatch.setattr(dialogs.PasteDialog, "exec", lambda self: (self.source.setEditText("Wire"), 1)[1])
    before = win.store.counts().documents
    win.paste_document()
    docs = [d for d in win.store.documents() if d.title == "Wire copy"]
    assert len(docs) == 1 and win.store.source(docs[0].source_id).name == "Wire"
    assert any(p.document_id == docs[0].id for p in win.panes)
    win.undo_stack.undo()
    assert win.store.counts().documents == before
    win.undo_stack.redo()
    assert win.store.document(docs[0].id).title == "Wire copy"
    win.close()


def test_file_import_is_undoable(qtbot, tmp_path):
    win = open_window(qtbot)
    f = tmp_path / "brief.md"
    f.write_text("# Brief\n\nOkCupid's founders invested in Clarifai.\n", encoding="utf-8")
    win.import_paths([str(f)])
    qtbot.waitUntil(lambda: getattr(win, "last_import_report", None) is not None, timeout=20_000)
    doc = next(d for d in win.store.documents() if d.title == "Brief")
    win.undo_stack.undo()
    assert all(d.id != doc.id for d in win.store.documents())
    win.undo_stack.redo()
    assert win.store.document(doc.id).title == "Brief"
    win.close()


def test_edit_source_is_undoable(qtbot, monkeypatch):
    from annotator.gui import dialogs

    win = open_window(qtbot)
    source = win.store.source_by_name("AIChief")
    monkeypatch.setattr(dialogs.SourceDialog, "exec", lambda self: (self.url.setText("https://aichief.com"), 1)[1])
    win.edit_source(source.id)
    assert win.store.source(source.id).url == "https://aichief.com"
    win.undo_stack.undo()
    assert win.store.source(source.id).url is None
    win.close()


def test_resize_claim_to_selection_and_undo(qtbot):
    win = open_window(qtbot)
    pane = win.panes[0]
    claim = _claim(qtbot, win, pane, "Clarifai is a US-based company")
    select_phrase(qtbot, pane, "Clarifai is a US-based company founded in 2013")
    win.resize_claim_to_selection()
    assert win.store.claim(claim).quote == "Clarifai is a US-based company founded in 2013"
    win.undo_stack.undo()
    assert win.store.claim(claim).quote == "Clarifai is a US-based company"
    win.close()
