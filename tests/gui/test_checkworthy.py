"""Sentences worth checking in the panes: toggle, select the next with the keyboard, claim it."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402

from tests.gui.test_user_story import open_window  # noqa: E402

ALT_SHIFT = Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier


def test_select_the_next_sentence_worth_checking_and_claim_it(qtbot):
    win = open_window(qtbot)
    pane = win.panes[0]
    pane.view.setFocus()
    cursor = pane.view.textCursor()
    cursor.setPosition(0)
    pane.view.setTextCursor(cursor)
    qtbot.keyClick(pane.view, Qt.Key.Key_Down, ALT_SHIFT)  # turns the underlines on, finds sentences
    assert win.hints_action.isChecked()
    qtbot.waitUntil(lambda: bool(pane.view._hints), timeout=30_000)
    qtbot.keyClick(pane.view, Qt.Key.Key_Down, ALT_SHIFT)
    span = pane.view.selection_span()
    assert span is not None
    text = win.store.document_text(pane.document_id)
    sentence = text[span[0]:span[1]]
    claimed = [(c.start, c.end) for c in win.store.claims(pane.document_id)]
    assert not any(s < span[1] and span[0] < e for s, e in claimed), "claimed sentences are not offered"
    before = len(win.store.claims(pane.document_id))
    qtbot.keyClick(pane.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    claims = win.store.claims(pane.document_id)
    assert len(claims) == before + 1 and any(c.quote == sentence.strip() for c in claims)
    # The new claim's sentence is no longer underlined as worth checking.
    qtbot.waitUntil(lambda: all(h.start >= pane.view.offsets.to_utf16(span[1])
                                or h.end <= pane.view.offsets.to_utf16(span[0]) for h in pane.view._hints))
    win.hints_action.trigger()  # off again
    assert not win.hints_action.isChecked() and pane.view._hints == []
