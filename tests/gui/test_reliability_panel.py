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
    claim = next(c for c in win.store.claims() if c.quote.startswith("The saga began in early 2024"))
    first_scores = win.reliability.scores
    win.select_claim(claim.id)
    win.set_verdict(Rating.TRUE)  # a colleague disagrees with the demo's fact-checker
    qtbot.waitUntil(lambda: win.reliability.scores is not first_scores)
    after = _score(win, "Unattributed blog post")
    assert after.held_up_count == blog.held_up_count, "the later verdict does not win"
    assert after.checked_count == blog.checked_count - 1, "the disputed claim counts as unchecked"
    assert any(note.startswith("Verdicts disagree on “The saga began in early 2024")
               for note in win.reliability.scores.notes)

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


def test_a_verdict_that_disagrees_through_a_link_is_shown_as_a_conflict_not_counted(qtbot, open_window, user,
                                                                                    prompts):
    """A claim linked as supporting one the fact-checker rated true, then rated false with
    the 5 key: the two verdicts disagree about one proposition. The Inspector says so, with
    who said what, and the sources are not scored as if "false" had won."""
    from PySide6.QtCore import Qt

    from annotator.core.model import Relation

    win = open_window()
    qtbot.waitUntil(lambda: win.reliability.scores is not None)
    rated = next(c for c in win.store.claims() if c.document_id == win.panes[0].document_id
                 and [v.rating for v in win.store.verdicts(c.id)] == [Rating.TRUE])
    before = win.reliability.scores
    mine = user.claim(win, win.panes[1], "Clarifai Erases 3 Million OkCupid Photos")
    win.linking.step()  # link from the new claim...
    win.select_claim(rated.id)
    prompts.answer("relation", Relation.SUPPORTS)
    win.linking.step()  # ...to the claim rated true
    win.select_claim(mine)
    user.focus(win, win.panes[1].view)
    user.press(win.panes[1].view, Qt.Key.Key_5)
    assert [v.rating for v in win.store.verdicts(mine)] == [Rating.FALSE]
    qtbot.waitUntil(lambda: win.reliability.scores is not before
                    and "Verdicts disagree" in win.inspector.assessment.text())
    text = win.inspector.assessment.text()
    assert "true by" in text and "false by tester" in text and "Settled by" not in text
    assert any("Verdicts disagree" in note for note in win.reliability.scores.notes)
    win.close()


def test_the_claims_table_marks_and_filters_the_claims_in_conflict(qtbot, open_window):
    """A colleague rates a claim the demo's fact-checker rated false as true: once the scores
    are in, its Verdict cell says "in conflict" and the verdict filter's "In conflict" shows
    it alone."""
    from annotator.gui.claims_panel import COLUMNS, IN_CONFLICT
    from annotator.services.annotations import AnnotationService

    win = open_window()
    qtbot.waitUntil(lambda: win.reliability.scores is not None)
    saga = next(c for c in win.store.claims() if c.quote.startswith("The saga began in early 2024"))
    first = win.reliability.scores
    AnnotationService(win.store, win.events, annotator="Bob Editor").set_verdict(saga.id, Rating.TRUE)
    win.score_updater.schedule()
    qtbot.waitUntil(lambda: win.reliability.scores is not first and saga.id in win.claims_panel.model.disputed)
    model = win.claims_panel.model
    combo = win.claims_panel.combos["verdict"]
    combo.setCurrentIndex(combo.findData(IN_CONFLICT))
    assert model.visible_ids() == [saga.id]
    assert model.data(model.index(0, COLUMNS.index("Verdict"))) == "in conflict"
    combo.setCurrentIndex(combo.findData(None))
    assert len(model.visible_ids()) == win.store.counts().claims
    win.close()


def test_the_conflicts_panel_lists_a_disagreement_with_who_said_what_and_decides_it_in_one_step(qtbot, open_window):
    """A colleague rates true a claim the demo's fact-checker rated false. The Conflicts panel
    lists both verdicts with their authors; pressing "True (Bob Editor)" records the window's
    person's verdict as the decision, the conflict goes, everybody's verdicts stay, and undo
    brings the conflict back."""
    from PySide6.QtCore import Qt

    from annotator.services.annotations import AnnotationService

    win = open_window()
    qtbot.waitUntil(lambda: win.reliability.scores is not None)
    panel = win.conflicts_panel
    win.conflicts_dock.raise_()  # its tab, behind Claims, clicked
    qtbot.waitUntil(panel.isVisible)
    assert panel.summary.text() == "No verdicts disagree." and not panel.decide_buttons()
    saga = next(c for c in win.store.claims() if c.quote.startswith("The saga began in early 2024"))
    before = {(v.annotator, v.rating) for v in win.store.verdicts(saga.id)}
    AnnotationService(win.store, win.events, annotator="Bob Editor").set_verdict(saga.id, Rating.TRUE)
    win.score_updater.schedule()
    qtbot.waitUntil(lambda: len(panel.disputes) == 1)
    assert win.conflicts_dock.windowTitle() == "Conflicts (1)"
    top = panel.tree.topLevelItem(0)
    rows = [(top.child(i).text(0).split(":")[0], top.child(i).text(1)) for i in range(top.childCount())]
    assert ("True", "Bob Editor") in rows and any(rating == "False" for rating, _who in rows)
    decide_true = next(b for b in panel.decide_buttons() if b.text().startswith("True (Bob Editor"))
    qtbot.mouseClick(decide_true, Qt.MouseButton.LeftButton)
    assert not panel.disputes and not panel.decide_buttons(), "decided: it leaves the list before the scores come"
    mine = win.store.verdict(saga.id, annotator=win.annotator_name)
    assert (mine.rating, mine.decides) == (Rating.TRUE, True)
    assert before | {("Bob Editor", Rating.TRUE)} <= {(v.annotator, v.rating) for v in win.store.verdicts(saga.id)}
    qtbot.waitUntil(lambda: not panel.disputes and saga.id not in win.claims_panel.model.disputed)
    assert win.conflicts_dock.windowTitle() == "Conflicts"
    win.undo()
    assert win.store.verdict(saga.id, annotator=win.annotator_name) is None
    qtbot.waitUntil(lambda: len(panel.disputes) == 1)
    win.close()


def test_a_long_conflicts_list_is_built_a_slice_per_turn_and_keeps_the_one_selected(qtbot):
    """Scores with many disagreements: the list comes a slice per turn of the event loop
    (200 at once held the window 70-100 ms), ends complete up to its limit, and the
    disagreement selected before stays selected when newer scores rebuild the list."""
    from annotator.gui.conflicts_panel import ConflictsPanel
    from annotator.services.reliability.inputs import DisputedVerdict, DisputedVerdicts

    def disputes(n: int) -> list[DisputedVerdicts]:
        return [DisputedVerdicts(p, [
            DisputedVerdict(f"c{p}a", f"Claim {p}", "Gazette", Rating.TRUE, "Ann", "2026-11-30T10:00"),
            DisputedVerdict(f"c{p}b", f"Claim {p}", "Gazette", Rating.FALSE, "Bob", "2026-11-30T11:00")])
            for p in range(n)]

    panel = ConflictsPanel()
    qtbot.addWidget(panel)
    panel.set_disputes(disputes(260))
    assert panel.tree.topLevelItemCount() == ConflictsPanel.PER_TURN, "one slice in this turn"
    assert panel.decide_buttons(), "the first disagreement is selected and can be decided at once"
    qtbot.waitUntil(lambda: panel.tree.topLevelItemCount() == ConflictsPanel.SHOWN)
    wanted = panel.tree.topLevelItem(150)
    panel.tree.setCurrentItem(wanted)
    panel.set_disputes(disputes(259))  # newer scores, the one selected still among them
    qtbot.waitUntil(lambda: panel.tree.topLevelItemCount() == ConflictsPanel.SHOWN)
    assert panel.selected_dispute() is not None and panel.selected_dispute().prop == 150
    panel.set_disputes(disputes(258))  # newer scores again; the person picks another before the list is done
    chosen = panel.tree.topLevelItem(3)
    assert chosen is not None and panel.tree.topLevelItemCount() < ConflictsPanel.SHOWN
    panel.tree.setCurrentItem(chosen)
    qtbot.waitUntil(lambda: panel.tree.topLevelItemCount() == ConflictsPanel.SHOWN)
    assert panel.selected_dispute().prop == 3, "the rest of the list does not take the person's choice away"


def test_newer_scores_replace_only_the_disagreements_that_changed(qtbot):
    """After one verdict most disagreements are as before (the very objects, see
    ScoreSummary.carry_over): the list replaces its rows from the first that changed, came or
    went to the last, and keeps the others' rows, the selection and the order."""
    from annotator.gui.conflicts_panel import DISPUTE_ROLE, ConflictsPanel
    from annotator.services.reliability.inputs import DisputedVerdict, DisputedVerdicts

    def dispute(p: int, who: str = "Bob") -> DisputedVerdicts:
        return DisputedVerdicts(p, [
            DisputedVerdict(f"c{p}a", f"Claim {p}", "Gazette", Rating.TRUE, "Ann", "2026-11-30T10:00"),
            DisputedVerdict(f"c{p}b", f"Claim {p}", "Gazette", Rating.FALSE, who, "2026-11-30T11:00")])

    panel = ConflictsPanel()
    qtbot.addWidget(panel)
    listed = [dispute(p) for p in range(60)]
    panel.set_disputes(listed)
    qtbot.waitUntil(lambda: panel.tree.topLevelItemCount() == 60)
    rows = [panel.tree.topLevelItem(i) for i in range(60)]
    panel.tree.setCurrentItem(rows[40])
    newer = list(listed)
    newer[5] = dispute(5, who="Chloé")  # another person's verdict in it
    del newer[10]  # decided
    newer.insert(20, dispute(100))  # a new one
    panel.set_disputes(newer)
    assert panel.tree.topLevelItemCount() == 60, "at once, not a slice per turn"
    shown = [panel.tree.topLevelItem(i) for i in range(60)]
    assert shown[:5] == rows[:5] and shown[21:] == rows[21:], "before the first change and after the last: kept"
    assert shown[5] is not rows[5] and shown[5].child(1).text(1) == "Chloé"
    assert [panel.tree.topLevelItem(i).data(0, DISPUTE_ROLE) for i in range(60)] == list(range(60))
    assert panel.tree.currentItem() is rows[40] and panel.selected_dispute() is newer[40]
    assert panel.selected_dispute().prop == 40
    panel.tree.setCurrentItem(shown[20])
    assert panel.selected_dispute().prop == 100
    panel.set_disputes([dispute(p) for p in range(60)])  # all new objects: the list is built again
    qtbot.waitUntil(lambda: panel.tree.topLevelItemCount() == 60)
    assert all(panel.tree.topLevelItem(i) is not rows[i] for i in range(60))
    panel.set_disputes([])  # another project, without any: the list empties
    assert panel.tree.topLevelItemCount() == 0 and panel.summary.text() == "No verdicts disagree."


def test_a_source_without_an_estimate_says_why_in_the_list_and_the_panel(qtbot, open_window):
    """One unchecked claim is not enough for an estimate: the sources list shows a dash, not
    another number, and the list's tooltip and the panel give the same reason."""
    win = open_window()
    qtbot.waitUntil(lambda: win.reliability.scores is not None)
    result = win.importer.import_text("The harbour bridge reopened on Monday after repairs.",
                                      title="Harbour", source_name="Harbour Gazette")
    assert result.document is not None
    win.annotations.create_claim(result.document.id, 0, 31)
    qtbot.waitUntil(lambda: any(s.name == "Harbour Gazette" for s in win.reliability.scores.sources), timeout=20_000)
    gazette = _score(win, "Harbour Gazette")
    assert gazette.estimate is None and gazette.reason.startswith("too little evidence yet: its 1 claim ")
    item = next(win.sources_tree.topLevelItem(i) for i in range(win.sources_tree.topLevelItemCount())
                if win.sources_tree.topLevelItem(i).text(0).startswith("Harbour Gazette"))
    qtbot.waitUntil(lambda: item.text(1) == "—")
    assert gazette.reason in item.toolTip(0)
    win.reliability.chart.select(gazette.source_id)
    assert "no estimate, too little evidence yet" in win.reliability.explain_title.text()


def test_without_verdicts_the_panel_says_what_the_estimates_assume(qtbot, open_window, user):
    """A project nobody has checked yet: the panel's first line says the estimates rest on an
    assumption and how to anchor them; the first verdict replaces it with the checked share."""
    from PySide6.QtCore import Qt

    from annotator.app import resolve_startup_project

    store = resolve_startup_project(None)  # the demo, as a first start makes it
    for verdict in store.verdicts():
        store.delete_verdict(verdict.id)
    store.close()
    win = open_window()
    qtbot.waitUntil(lambda: win.reliability.scores is not None)
    assert win.reliability.summary.text().startswith("No claim has a verdict yet: the estimates assume")
    first = win.reliability.scores
    claim = next(c for c in win.store.claims() if c.document_id == win.panes[0].document_id)
    win.select_claim(claim.id)
    user.focus(win, win.panes[0].view)
    user.press(win.panes[0].view, Qt.Key.Key_5)
    assert [v.rating for v in win.store.verdicts(claim.id)] == [Rating.FALSE]
    qtbot.waitUntil(lambda: win.reliability.scores is not first and win.reliability.scores.verdict_count == 1)
    assert win.reliability.summary.text().startswith("From 1 verdict on ")
    win.close()


def test_stopping_the_scoring_child_while_it_sends_a_result_lets_the_app_exit():
    """A child stopped halfway through sending its result leaves part of it in the pipe. The
    pool's reading thread, which Python's exit waits for, must see the pipe end rather than
    wait for the rest for good. (The part is written here from this side, which holds the
    pipe's other end: as a child's would be, it is a length with fewer bytes behind it.)"""
    import multiprocessing
    import struct
    from concurrent.futures import ProcessPoolExecutor

    from annotator.gui.reliability_panel import ScoringProcess
    from tests.gui.conftest import PATIENCE_MS

    scoring = ScoringProcess()
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    assert pool.submit(int, "7").result(timeout=PATIENCE_MS / 1000) == 7  # the child is up
    reading = pool._executor_manager_thread
    pool._result_queue._writer._send(struct.pack("!i", 1_000_000) + b"part of a result")
    scoring._pool = pool
    scoring.stop()
    reading.join(timeout=PATIENCE_MS / 1000)
    assert not reading.is_alive()
