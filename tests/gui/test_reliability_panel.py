"""The Reliability panel shows every source and follows verdict changes live."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from annotator.core.model import Rating


def _score(win, name):
    return next(s for s in win.reliability.scores.sources if s.name == name)


def test_panel_ranks_the_demo_sources_and_updates_after_a_verdict(qtbot, open_window):
    win = open_window()
    qtbot.waitUntil(lambda: win.reliability.scores is not None)
    chart = win.reliability.chart
    assert len(chart.scores) == 5
    bottom_two = {s.name for s in chart.scores[-2:]}
    assert bottom_two == {"Unattributed blog post", "AI news aggregator (citing TNW)"}
    assert "%" in win.sources_tree.topLevelItem(0).text(1), "the source tree shows scores too"

    blog = _score(win, "Unattributed blog post")
    before = blog.record
    claim = next(c for c in win.store.claims() if c.quote.startswith("The saga began in early 2024"))
    first_scores = win.reliability.scores
    win.select_claim(claim.id)
    win.set_verdict(Rating.TRUE)  # a fact-checker changes their mind
    qtbot.waitUntil(lambda: win.reliability.scores is not first_scores)
    after = _score(win, "Unattributed blog post")
    assert after.held_up_count == blog.held_up_count + 1
    assert after.record > before

    # Selecting a source lists the claims behind its score; activating one jumps to it.
    chart.select(after.source_id)
    rows = win.reliability.explanation
    assert rows.topLevelItemCount() > 0
    item = rows.topLevelItem(0)
    rows.itemActivated.emit(item, 0)
    assert win.selected_claim_id == item.data(0, 0x0100)
    win.close()


def test_inspector_says_what_the_model_makes_of_a_claim(qtbot, open_window, user):

    win = open_window()
    qtbot.waitUntil(lambda: win.reliability.scores is not None)
    checked = next(c for c in win.store.claims() if c.quote.startswith("The saga began in early 2024"))
    win.select_claim(checked.id)
    assert "Settled by a verdict (false)" in win.inspector.assessment.text()
    first = win.reliability.scores
    new = user.claim(win, win.panes[0], "Clarifai is a US-based company")
    qtbot.waitUntil(lambda: win.reliability.scores is not first)
    win.select_claim(new)
    assert "likely true" in win.inspector.assessment.text()
    win.close()


def test_scores_of_a_closed_project_are_not_shown_for_the_next(qtbot, tmp_path, open_window):
    from annotator.store import create_project

    win = open_window()
    win.score_updater._start()  # a scoring of the demo is under way...
    empty = create_project(tmp_path / "empty.annotator")
    win.set_project(empty)  # ...when the user opens another project
    win.score_updater.timer.stop()  # only the scoring already running can update the panel
    qtbot.waitUntil(lambda: win.reliability.scores is not None and win.score_updater.worker is None)
    assert win.reliability.scores.sources == [], "the panel shows the open project's (empty) scores"
    win.close()


def test_how_scores_are_computed_page_opens_from_the_panel(qtbot, open_window):
    from PySide6.QtWidgets import QTextBrowser

    win = open_window()
    win.reliability.helpRequested.emit()
    dialog = win.help.dialog
    assert dialog.isVisible() and dialog.windowTitle() == "How Scores Are Computed"
    shown = dialog.findChild(QTextBrowser).toPlainText().lower()
    assert "record" in shown and "estimate" in shown
    dialog.close()
    win.close()


@pytest.mark.skipif(not hasattr(__import__("os"), "getpriority"), reason="process priorities are POSIX here")
def test_scores_are_computed_at_a_lower_priority_than_the_window(qtbot, open_window):
    import os

    from annotator.gui.reliability_panel import SCORING

    win = open_window()
    qtbot.waitUntil(lambda: win.reliability.scores is not None)
    pool = SCORING._pool
    if pool is None:
        pytest.skip("no scoring child here (scores were computed in the app's own process)")
    children = list((pool._processes or {}).values())
    assert children
    window_priority = os.getpriority(os.PRIO_PROCESS, 0)
    assert all(os.getpriority(os.PRIO_PROCESS, child.pid) > window_priority for child in children)
    win.close()
