"""Automatic backups met from the window: one taken when a project opens, and File ›
Restore Backup… bringing back what a mistake removed after the app was closed."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtGui import QAction

from annotator.services.backups import list_backups


def _menu_action(win, text: str) -> QAction:
    def walk(menu):
        for action in menu.actions():
            if action.menu() is not None:
                yield from walk(action.menu())
            else:
                yield action

    found = [a for a in walk(win.menuBar()) if a.text().replace("&", "") == text]
    assert len(found) == 1, text
    return found[0]


def _backed_up(win, qtbot, count: int) -> list:
    qtbot.waitUntil(lambda: len(list_backups(win.store.path)) == count
                    and win.backups.worker is not None and win.backups.worker.done)
    return list_backups(win.store.path)


def test_a_claim_deleted_in_an_earlier_session_comes_back_from_a_backup(open_window, prompts, user, qtbot):
    win = open_window()
    path = win.store.path
    _backed_up(win, qtbot, 1)  # the demo as it was first opened
    claim_id = user.claim(win, win.panes[0], "Clarifai is a US-based company")
    win.close()

    win = open_window()  # a later session: opening backs up the project with the claim
    kept = _backed_up(win, qtbot, 2)[0]
    assert kept.reason == "opened"
    win.delete_claim(claim_id)
    win.close()

    win = open_window()  # the app closed meanwhile: undo can no longer bring the claim back
    assert claim_id not in {c.id for c in win.store.claims()}
    backups = _backed_up(win, qtbot, 3)
    prompts.answer("choose", f"2.  {backups[1].describe()}")  # the same second as the newest, maybe
    prompts.answer("confirm", True)
    _menu_action(win, "Restore Backup…").trigger()
    assert "Replace everything in" in prompts.said[-1][2] and "when opened" in prompts.said[-1][2]
    assert win.store.claim(claim_id).quote == "Clarifai is a US-based company"
    qtbot.waitUntil(lambda: win.project_shown)  # the window shows the restored project afresh
    assert win.statusBar().currentMessage().startswith("Restored the backup from"), "not replaced by 'Opened'"
    pane = next(p for p in win.panes if p.document_id == win.store.claim(claim_id).document_id)
    assert claim_id in pane.view.span_ids(), "the highlight is back on screen"
    assert not win.undo_stack.canUndo(), "the undo history of the replaced state is gone"
    assert list_backups(path)[0].reason == "before-restore", "what was replaced is kept too"
    win.close()

    win = open_window()  # restart: the claim is still there
    assert win.store.claim(claim_id).quote == "Clarifai is a US-based company"


def test_restore_backup_without_backups_says_when_they_are_taken(window, prompts, qtbot):
    from annotator.services.backups import folder_for

    win = window
    _backed_up(win, qtbot, 1)
    for backup in list_backups(win.store.path):
        backup.path.unlink()
    assert folder_for(win.store.path).exists()
    _menu_action(win, "Restore Backup…").trigger()
    assert "no backups" in prompts.messages("inform")[-1]


def test_declining_the_restore_changes_nothing(window, prompts, user, qtbot):
    win = window
    backups = _backed_up(win, qtbot, 1)
    claim_id = user.claim(win, win.panes[0], "Clarifai is a US-based company")
    prompts.answer("choose", f"1.  {backups[0].describe()}")
    prompts.answer("confirm", False)
    _menu_action(win, "Restore Backup…").trigger()
    assert win.store.claim(claim_id) is not None and win.undo_stack.canUndo()
    assert len(list_backups(win.store.path)) == 1


def test_an_import_a_load_and_a_merge_each_back_up_first(window, prompts, qtbot, tmp_path):
    """Each bulk change made in the window is preceded by a backup of the project as it was:
    restoring it takes the project back to before that change."""
    from annotator.services.demo import create_demo_project

    win = window
    _backed_up(win, qtbot, 1)
    before = win.store.counts()
    article = tmp_path / "brief.md"
    article.write_text("# Brief\n\nOkCupid's founders invested in Clarifai.\n", encoding="utf-8")
    win.importing.import_paths([str(article)])
    qtbot.waitUntil(lambda: win.importing.last_import_report is not None)
    assert list_backups(win.store.path)[0].reason == "before-import"

    csv_folder = tmp_path / "csv"
    win.interchange.export(str(csv_folder))
    load = win.interchange.load_annotations(str(csv_folder))
    qtbot.waitUntil(lambda: load.over)
    assert list_backups(win.store.path)[0].reason == "before-load"

    other = create_demo_project(tmp_path / "other.annotator")
    other.close()
    win.interchange.merge(str(tmp_path / "other.annotator"))
    backups = list_backups(win.store.path)
    assert [b.reason for b in backups][:3] == ["before-merge", "before-load", "before-import"]

    prompts.answer("choose", f"3.  {backups[2].describe()}")
    prompts.answer("confirm", True)
    _menu_action(win, "Restore Backup…").trigger()
    assert win.store.counts() == before, "back to before the import"
