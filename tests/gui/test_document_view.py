"""The highlight index of the document view: incremental edits match a full rebuild."""

from __future__ import annotations

import random

import pytest

pytest.importorskip("PySide6")

from PySide6.QtGui import QColor

from annotator.gui.document_view import DocumentView, Span


def _span(i, start, end):
    return Span(f"c{i}", start, end, QColor("#f2c94c"))


def test_incremental_updates_keep_order_and_separate_overlap_levels(qtbot):
    view = DocumentView()
    qtbot.addWidget(view)
    view.set_text("x" * 2000)
    rng = random.Random(5)
    spans = {}
    for i in range(300):
        action = rng.random()
        if action < 0.6 or not spans:
            start = rng.randrange(0, 1900)
            spans[f"c{i}"] = (start, start + rng.randint(1, 90))
            view.update_span(f"c{i}", _span(i, *spans[f"c{i}"]))
        elif action < 0.8:
            key = rng.choice(sorted(spans))
            del spans[key]
            view.update_span(key, None)
        else:
            key = rng.choice(sorted(spans))
            start = rng.randrange(0, 1900)
            spans[key] = (start, start + rng.randint(1, 90))
            view.update_span(key, Span(key, *spans[key], QColor("#6fa8f5")))
    assert {s.id: (s.start, s.end) for s in view._spans} == spans
    assert view._starts == sorted(view._starts) and view._starts == [s.start for s in view._spans]
    for s in view._spans:  # overlapping highlights never share an underline level
        for other in view.spans_between(s.start, s.end):
            assert other is s or other.level != s.level
    point = spans[sorted(spans)[0]][0]
    expected = {k for k, (a, b) in spans.items() if a <= point < b}
    assert {s.id for s in view.spans_between(point, point + 1)} == expected


def test_selected_highlight_keeps_its_own_colour(qtbot):
    """The selection outline must not be filled with the previous claim's verdict colour."""
    view = DocumentView()
    qtbot.addWidget(view)
    view.resize(500, 200)
    view.show()
    view.set_text("First claim here. Second claim here and more text after it.")
    purple, red = QColor("#b58ae6"), QColor("#c92a2a")
    view.set_spans([Span("a", 0, 11, QColor("#4fc1a6"), marker=red), Span("b", 18, 30, purple)])
    view.set_selected_span("b")
    image = view.viewport().grab().toImage()
    rect = view.span_rects(view._by_id["b"])[0]
    pixel = image.pixelColor(int(rect.center().x()), int(rect.top() + 3))
    assert abs(pixel.red() - pixel.blue()) < 60, f"selected claim painted {pixel.name()}, not its own purple"


def _drag(qtbot, view, start: int, end: int, modifier=None):
    """Press at one character, move to another with the button held, and release, as a mouse does."""
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent, QTextCursor
    from PySide6.QtWidgets import QApplication

    def point(position):
        cursor = QTextCursor(view.document())
        cursor.setPosition(position)
        return QPointF(view.cursorRect(cursor).center())

    modifiers = modifier or Qt.KeyboardModifier.NoModifier
    viewport = view.viewport()
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    steps = [(QEvent.Type.MouseButtonPress, start, left, left),
             (QEvent.Type.MouseMove, (start + end) // 2, none, left),
             (QEvent.Type.MouseMove, end, none, left),
             (QEvent.Type.MouseButtonRelease, end, left, none)]
    for kind, position, button, buttons in steps:
        at = point(position)
        event = QMouseEvent(kind, at, viewport.mapToGlobal(at), button, buttons, modifiers)
        QApplication.sendEvent(viewport, event)


def test_a_mouse_selection_snaps_to_words_unless_ctrl_is_held(qtbot):
    from PySide6.QtCore import Qt

    text = "Clarifai deleted photos it had received from OkCupid in 2014."
    view = DocumentView()
    qtbot.addWidget(view)
    view.resize(700, 300)
    view.set_text(text)
    with qtbot.waitExposed(view):
        view.show()
    start, end = text.index("deleted") + 3, text.index("OkCupid") + 5  # "eted photos … OkCup"
    _drag(qtbot, view, start, end)
    assert view.selection_span() == (text.index("deleted"), text.index("OkCupid") + len("OkCupid"))
    view.select_span(0, 0)  # a press inside a selection would drag the text instead
    _drag(qtbot, view, start, end, Qt.KeyboardModifier.ControlModifier)
    assert view.selection_span() == (start, end), "Ctrl selects exactly the characters dragged over"
