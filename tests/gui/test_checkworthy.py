"""Sentences worth checking in the panes: toggle, select the next with the keyboard, claim it."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt

from annotator.gui.workers import Worker


def test_select_the_next_sentence_worth_checking_and_claim_it(qtbot, open_window):
    win = open_window()
    pane = win.panes[0]
    pane.view.setFocus()
    cursor = pane.view.textCursor()
    cursor.setPosition(0)
    pane.view.setTextCursor(cursor)
    qtbot.keyClick(pane.view, Qt.Key.Key_F8)  # turns the underlines on, finds sentences
    assert win.hints_action.isChecked()
    qtbot.waitUntil(lambda: bool(pane.view._hints))
    qtbot.keyClick(pane.view, Qt.Key.Key_F8)
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


def test_a_failed_search_is_reported_once_and_not_retried(qtbot, monkeypatch, open_window):
    from annotator.services import checkworthy

    calls = []

    def broken(text, cancelled=None):
        calls.append(1)
        raise RuntimeError("spaCy is broken")

    monkeypatch.setattr(checkworthy, "hints", broken)
    win = open_window()
    win.hints_action.trigger()
    qtbot.waitUntil(lambda: win.hints.worker is None and bool(calls))
    assert "Could not find sentences worth checking" in win.statusBar().currentMessage()
    runs = len(calls)
    with qtbot.waitSignal(win.inspector.claimShown):  # a shown claim refreshes the hints at once
        win.select_claim(win.store.claims()[0].id)
    assert win.hints.worker is None, "a failed document is not searched again on every refresh"
    Worker.wait_all()
    assert len(calls) == runs
    win.panes[0].view.setFocus()
    win.hints.select(+1)
    assert "still looking" not in win.statusBar().currentMessage()


def test_the_hint_tooltip_needs_the_pointer_on_the_sentence(qtbot, open_window):
    win = open_window()
    pane = win.panes[0]
    win.hints_action.trigger()
    qtbot.waitUntil(lambda: bool(pane.view._hints))
    hint = pane.view._hints[0]
    rects = pane.view.span_rects(hint)
    assert rects
    inside = rects[0].center().toPoint()
    assert pane.view._hint_under(inside) == hint
    from PySide6.QtCore import QPoint, QPointF

    beside = QPoint(pane.view.viewport().width() - 3, inside.y())
    assert not any(r.contains(QPointF(beside)) for r in rects), "the first hinted line must not fill the width"
    assert pane.view._hint_under(beside) is None
