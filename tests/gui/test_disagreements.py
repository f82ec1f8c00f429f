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


def test_the_list_waits_for_the_dock_to_be_shown(qtbot, open_window):
    """Comparing every claim is work for when someone looks: behind another tab, an edit
    schedules no search; shown, the dock looks."""
    win = open_window()
    win.claims_dock.raise_()
    qtbot.waitUntil(lambda: not win.disagreements.on_screen())
    win.disagreements.changed()
    assert not win.disagreements.timer.isActive() and win.disagreements.worker is None
    assert win.disagreements.stale, "what it lists is out of date until it looks again"
    _show_dock(qtbot, win)
    assert not win.disagreements.stale
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
