"""Where a fact-check is published: typed with the verdict, kept when the rating changes,
exported as ClaimReview's url, undone, and refused when it is not a web address."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt

from annotator.core.model import Rating


@pytest.fixture
def win(qtbot, monkeypatch, open_window):
    w = open_window()
    w.errors = []
    monkeypatch.setattr(w.inspector, "report_error", w.errors.append)  # (it was given the window's at start)
    yield w
    w.close()


def _type(qtbot, user, win, field, text: str) -> None:
    user.focus(win, field)
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_the_fact_check_article_goes_with_the_verdict(qtbot, win, user, tmp_path):
    from annotator.services.interchange.claimreview import FILE_NAME, export_claimreview

    claim = user.claim(win, win.panes[0], "Clarifai is a US-based company")
    win.set_verdict(Rating.FALSE)
    article = "https://factdesk.example/2024/clarifai"
    _type(qtbot, user, win, win.inspector.article, article)
    assert win.store.verdict(claim).review_url == article
    win.set_verdict(Rating.MOSTLY_FALSE)  # a rating key later: the article stays
    assert (win.store.verdict(claim).rating, win.store.verdict(claim).review_url) == (Rating.MOSTLY_FALSE, article)

    export_claimreview(win.store, tmp_path)
    reviews = json.loads((tmp_path / FILE_NAME).read_text(encoding="utf-8"))
    mine = next(r for r in reviews if r["identifier"].endswith(claim))
    assert mine["url"] == article

    user.focus(win, win.panes[0].view)  # back in the text, where Ctrl+Z undoes the last edits
    win.undo()  # the rating
    win.undo()  # the article
    assert win.store.verdict(claim).review_url is None and win.inspector.article.text() == ""
    win.redo()
    assert win.store.verdict(claim).review_url == article

    _type(qtbot, user, win, win.inspector.article, "FTC order, page 3")
    assert win.errors and "not a web address" in win.errors[-1]
    assert win.store.verdict(claim).review_url == article, "nothing stored"


def test_scrolling_the_inspector_over_the_verdict_records_nothing(qtbot, win, user):
    """The wheel turned over the verdict box while scrolling the inspector leaves the verdict
    alone; clicked into first, the box answers the wheel as usual."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    claim = user.claim(win, win.panes[0], "Clarifai is a US-based company")
    combo = win.inspector.verdict_combo
    user.focus(win, win.panes[0].view)

    def turn() -> None:
        centre = QPointF(combo.rect().center())
        event = QWheelEvent(centre, QPointF(combo.mapToGlobal(combo.rect().center())), QPoint(0, 0), QPoint(0, -120),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                            False)
        QApplication.sendEvent(combo, event)

    for _ in range(3):
        turn()
    assert win.store.verdict(claim, annotator=win.annotations.annotator) is None
    assert combo.currentData() is None
    user.focus(win, combo)
    turn()
    assert combo.currentData() is not None, "with the focus, the wheel moves the box"
    qtbot.waitUntil(lambda: win.store.verdict(claim, annotator=win.annotations.annotator) is not None)


def test_evidence_written_as_text_is_kept_and_said_to_be_text(qtbot, win, user):
    claim = user.claim(win, win.panes[0], "Clarifai is a US-based company")
    win.set_verdict(Rating.FALSE)
    _type(qtbot, user, win, win.inspector.evidence, "FTC order, page 3")
    assert win.store.verdict(claim).evidence_url == "FTC order, page 3", "kept as written"
    assert "is kept as written" in win.statusBar().currentMessage() and not win.errors
    _type(qtbot, user, win, win.inspector.evidence, "https://www.ftc.gov/order.pdf")
    assert win.store.verdict(claim).evidence_url == "https://www.ftc.gov/order.pdf"
    assert "ftc.gov" not in win.statusBar().currentMessage(), "a web address is not said to be text"
