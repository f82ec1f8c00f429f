"""The Disagreements dock: where sources give different dates, figures or actors for one thing,
both claims side by side in one click, linked as contradicting in another."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt

from annotator.core.model import Relation

BLOG_2024 = "The saga began in early 2024"
DATABASE_2014 = "in 2014 dating site OkCupid"


def _show_dock(qtbot, win):
    win.disagreements_dock.show()
    win.disagreements_dock.raise_()
    panel = win.disagreements_panel
    qtbot.waitUntil(lambda: panel.tree.topLevelItemCount() > 0)
    return panel


def _row_of(panel, start_a: str, start_b: str) -> int:
    """The listed disagreement between the claims whose quotes start so."""
    return next(i for i, c in enumerate(panel.conflicts)
                if (c.quote_a.startswith(start_a) and c.quote_b.startswith(start_b))
                or (c.quote_a.startswith(start_b) and c.quote_b.startswith(start_a)))


def test_the_demo_lists_its_disagreements_and_one_click_opens_both_then_links_them(qtbot, open_window, user):
    win = open_window()
    panel = _show_dock(qtbot, win)
    from annotator.services.value_conflicts import project_conflicts

    expected = project_conflicts(win.store)
    assert [(c.kind, c.claim_a, c.claim_b) for c in panel.conflicts] == \
        [(c.kind, c.claim_a, c.claim_b) for c in expected], "the dock lists what the search finds"
    assert panel.summary.text().startswith(f"<b>{len(expected)} disagreements</b>")
    labels = [panel.tree.topLevelItem(i).text(0) for i in range(panel.tree.topLevelItemCount())]
    assert any(label.startswith("Date: “2014” against “2016-05”") for label in labels)
    assert any("Clarifai" in label and label.startswith("Actor:") for label in labels)

    # The database's 2014 against the blog's 2024: in other words, not linked yet.
    row = _row_of(panel, DATABASE_2014, BLOG_2024)
    conflict = panel.conflicts[row]
    assert conflict.linked is None
    panel.tree.setCurrentItem(panel.tree.topLevelItem(row))
    assert panel.link_button.isEnabled()
    qtbot.mouseClick(panel.side_by_side, Qt.MouseButton.LeftButton)
    shown = {p.document_id for p in win.panes}
    assert {conflict.document_a, conflict.document_b} <= shown, "both documents are open"
    for claim_id in (conflict.claim_a, conflict.claim_b):
        claim = win.store.claim(claim_id)
        pane = next(p for p in win.panes if p.document_id == claim.document_id)
        assert pane.view.textCursor().selectedText() == claim.quote.replace("\n", "\u2029")
    assert win.selected_claim_id == conflict.claim_a

    listed = panel.conflicts
    qtbot.mouseClick(panel.link_button, Qt.MouseButton.LeftButton)
    relations = {(link.from_claim_id, link.to_claim_id): link.relation for link in win.store.links()}
    assert relations.get((conflict.claim_a, conflict.claim_b)) == Relation.CONTRADICTS
    # The list follows the edit: the pair is now linked, still selected, and cannot be linked again.
    qtbot.waitUntil(lambda: panel.conflicts is not listed)
    chosen = panel.selected()
    assert chosen is not None and (chosen.claim_a, chosen.claim_b) == (conflict.claim_a, conflict.claim_b)
    assert chosen.linked == Relation.CONTRADICTS and not panel.link_button.isEnabled()

    win.undo_stack.undo()  # Edit › Undo takes the link back
    assert (conflict.claim_a, conflict.claim_b) not in {(k.from_claim_id, k.to_claim_id) for k in win.store.links()}
    win.close()


def test_the_list_of_a_large_project_waits_for_the_dock_to_be_shown(qtbot, open_window, monkeypatch):
    """Comparing every claim of a large project is work for when someone looks: behind another
    tab, an edit schedules no search; shown, the dock looks. (The demo stands in for a project
    over the badges' limit.)"""
    from annotator.gui import main_window

    monkeypatch.setattr(main_window, "DISPUTE_BADGES_UP_TO", 10)
    win = open_window()
    win.claims_dock.raise_()
    qtbot.waitUntil(lambda: not win.disagreements.on_screen())
    win.disagreements.changed()
    assert not win.disagreements.timer.isActive() and win.disagreements.worker is None
    assert win.disagreements.stale, "what it lists is out of date until it looks again"
    _show_dock(qtbot, win)
    assert not win.disagreements.stale
    qtbot.waitUntil(lambda: win.disputes is not None and bool(win.disputes.pairs))
    disputed = next(iter(win.disputes.by_claim))
    win.claims_dock.raise_()
    qtbot.waitUntil(lambda: not win.disagreements.on_screen())
    win.delete_claim(disputed)
    qtbot.waitUntil(lambda: not win.disputes.pairs)
    assert all(not pane.view.disputed for pane in win.panes), "badges that may no longer hold go"
    win.close()


def test_two_claims_linked_already_are_not_linked_again_from_the_list(qtbot, open_window):
    """The 2014 transfer against the 2016 one: the demo links them as contradicting; the button
    says so and stays off (another link between them is changed in the Inspector)."""
    win = open_window()
    panel = _show_dock(qtbot, win)
    row = next(i for i, c in enumerate(panel.conflicts) if not c.through and c.relations)
    panel.tree.setCurrentItem(panel.tree.topLevelItem(row))
    assert not panel.link_button.isEnabled()
    assert panel.link_button.toolTip().startswith("Already linked as ")
    win.close()


def _pair_open_side_by_side(qtbot, win, relation_linked: bool):
    """A demo disagreement between claims of two documents, shown in two panes."""
    from annotator.services.value_conflicts import project_conflicts

    conflict = next(c for c in project_conflicts(win.store)
                    if c.document_a != c.document_b and bool(c.relations) == relation_linked and not c.through)
    win.show_side_by_side(conflict.claim_a, conflict.claim_b)
    return conflict


def test_claims_that_disagree_carry_a_badge_on_their_highlight_and_their_ribbon(qtbot, open_window):
    """A small project is compared in the background, whichever tab is in front: each claim
    another claim disagrees with gets a badge on its highlight, says so when hovered, and a
    ribbon between two of them gets a badge of its own."""
    win = open_window()
    win.claims_dock.raise_()
    qtbot.waitUntil(lambda: win.disputes is not None and bool(win.disputes.pairs))
    assert not win.disagreements.on_screen(), "found with the Disagreements tab behind another"
    conflict = _pair_open_side_by_side(qtbot, win, relation_linked=True)
    panes = {p.document_id: p for p in win.panes}
    left, right = panes[conflict.document_a], panes[conflict.document_b]
    for pane, claim_id in ((left, conflict.claim_a), (right, conflict.claim_b)):
        assert claim_id in pane.view.disputed
    undisputed = next(c.id for c in win.store.claims() if c.id not in win.disputes.by_claim)
    assert "disagrees" not in win._claim_tooltip(undisputed)
    said = win._claim_tooltip(conflict.claim_a)
    assert "Another claim disagrees" in said and conflict.value_b in said and conflict.source_b in said
    band = win.splitter.handle(win.splitter.indexOf(right if win.panes.index(right) > win.panes.index(left)
                                                     else left))
    band.repaint()
    qtbot.waitUntil(lambda: any({conflict.claim_a, conflict.claim_b} == set(pair) for pair in band.disputes_drawn))
    relation = Relation(conflict.relations[0])
    tip = win._describe_link(conflict.claim_a, conflict.claim_b, relation)
    assert tip.endswith("! They disagree: " + "; ".join(win.disputes.on(conflict.claim_a, conflict.claim_b)))
    win.close()


def test_badges_follow_the_project_and_go_when_another_opens(qtbot, open_window):
    """Badges show what the last comparison found for this project: opening another leaves
    none behind."""
    win = open_window()
    qtbot.waitUntil(lambda: win.disputes is not None and bool(win.disputes.pairs))
    from annotator.store import create_project

    other = create_project(win.store.path.with_name("other.annotator"))
    path = other.path
    other.close()
    win.open_project_path(path)
    qtbot.waitUntil(lambda: win.disputes is not None and not win.disputes.pairs)
    assert all(not pane.view.disputed for pane in win.panes)
    win.close()


def test_a_search_under_way_when_an_edit_clears_the_badges_of_a_large_project_does_not_bring_them_back(
        qtbot, open_window, monkeypatch):
    """The edit clears a large project's badges because no search will look again; a search
    that had read the project before the edit is cancelled, and what it found is not shown."""
    import threading

    from annotator.gui import main_window

    monkeypatch.setattr(main_window, "DISPUTE_BADGES_UP_TO", 10)  # the demo stands in for a large project
    win = open_window()
    real_work = win.disagreements.work
    read, release = threading.Event(), threading.Event()

    def held(path, cache, *, progress, cancelled):
        found = real_work(path, cache, progress=progress, cancelled=cancelled)
        read.set()
        release.wait(60)
        return found

    panel = _show_dock(qtbot, win)
    qtbot.waitUntil(lambda: bool(panel.conflicts) and win.disputes is not None and bool(win.disputes.pairs))
    win.disagreements.work = held
    win.disagreements.changed()  # the dock is on screen: a search runs and reads the project
    qtbot.waitUntil(read.is_set)
    running = win.disagreements.worker
    assert running is not None
    win.claims_dock.raise_()
    qtbot.waitUntil(lambda: not win.disagreements.on_screen())
    win.delete_claim(next(iter(win.disputes.by_claim)))
    assert not win.disputes.by_claim
    with qtbot.waitSignal(running.finished, timeout=60_000):
        release.set()
    assert not win.disputes.by_claim, "what the search read before the edit is not shown"
    win.close()
