"""File › Load Annotations… reads, checks and places the claims in a worker: a progress
dialog with Cancel, the window usable meanwhile, and the rows written afterwards as one
undoable step that respects what the user did in the meantime."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from annotator.services.interchange import csv_load, export_csv

CLARIFAI = "Clarifai OkCupid facial dataset sharing"


def _empty_copy_csv(win, folder) -> None:
    """The demo's annotations as CSV, then the project without them (same documents)."""
    export_csv(win.store, folder)
    for claim in win.store.claims():
        win.annotations.delete_claim(claim.id)
    win.undo_stack.clear()
    assert win.store.counts().claims == 0


def _finish(qtbot, win):
    qtbot.waitUntil(lambda: win.interchange.csv_load is None)
    return win.interchange.last_load_report


def _showing(dialog) -> bool:
    """Whether the progress dialog is on screen (a finished load deletes it, soon or at once)."""
    from shiboken6 import isValid

    return isValid(dialog) and dialog.isVisible()


def _placing(qtbot, load) -> None:
    """Wait until the progress dialog shows the worker placing claims."""
    qtbot.waitUntil(lambda: load.dialog.isVisible() and "Placing claims" in load.dialog.labelText())


def test_the_load_runs_in_a_worker_and_an_edit_made_meanwhile_is_kept(qtbot, window, prompts, user, tmp_path,
                                                                       hold_worker):
    win = window
    _empty_copy_csv(win, tmp_path / "csv")
    go_on = hold_worker(csv_load, "context")  # the worker stops before placing its first claim
    load = win.interchange.load_annotations(str(tmp_path / "csv"))
    _placing(qtbot, load)

    doc = next(d for d in win.store.documents() if d.title == CLARIFAI)
    pane = win.panes[0]
    win.show_in_pane(pane, doc.id)
    mine = user.claim(win, pane, "founded in 2013")  # the window answers while the load runs
    assert win.store.claim(mine).quote == "founded in 2013" and win.undo_stack.count() == 1
    assert win.store.counts().claims == 1, "nothing of the load is written yet"

    go_on.set()
    report = _finish(qtbot, win)
    assert report.loaded and report.claims_loaded == 23, report.lines()
    assert win.store.counts().claims == 24 and win.store.claim(mine).quote == "founded in 2013"
    assert "23" in prompts.messages("inform")[-1]
    assert not _showing(load.dialog), "the progress dialog is gone"
    assert [win.undo_stack.command(i).text() for i in range(win.undo_stack.count())] == [
        win.undo_stack.command(0).text(), "Load annotations"]

    win.undo()  # the load is one step; the edit made during it stays
    assert win.store.counts().claims == 1 and win.store.counts().links == 0
    assert win.store.claim(mine).quote == "founded in 2013"
    win.undo_stack.redo()
    assert win.store.counts().claims == 24 and win.store.counts().links == 13
    assert len(win.claims_panel.visible_claim_ids()) == 24
    win.close()


def test_cancel_writes_nothing(qtbot, window, prompts, tmp_path, hold_worker):
    win = window
    _empty_copy_csv(win, tmp_path / "csv")
    before = win.store.counts()
    go_on = hold_worker(csv_load, "context")
    load = win.interchange.load_annotations(str(tmp_path / "csv"))
    _placing(qtbot, load)
    cancel = next(b for b in load.dialog.findChildren(QPushButton) if "Cancel" in b.text())
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert win.interchange.csv_load is None and not _showing(load.dialog)

    with qtbot.waitSignal(load.worker.finished):  # the worker winds up; what it planned is dropped
        go_on.set()
    assert win.store.counts() == before and win.undo_stack.count() == 0
    assert prompts.messages() == [] and load.report is None
    win.close()


def test_a_document_deleted_during_the_load_orphans_its_claims_instead_of_receiving_them(
        qtbot, window, prompts, tmp_path, hold_worker):
    win = window
    _empty_copy_csv(win, tmp_path / "csv")
    doc = next(d for d in win.store.documents() if d.title == CLARIFAI)
    go_on = hold_worker(csv_load, "context")
    load = win.interchange.load_annotations(str(tmp_path / "csv"))
    _placing(qtbot, load)
    prompts.answer("confirm", True)
    assert win.documents.delete(doc.id)  # while the worker holds a plan with claims on it

    prompts.answer("confirm", True)  # "... cannot be placed in this project, so nothing was loaded. Load the others?"
    go_on.set()
    qtbot.waitUntil(lambda: any(kind == "confirm" and title == "Annotations not loaded"
                                for kind, title, _text in prompts.said))
    asked = next(text for kind, title, text in prompts.said if title == "Annotations not loaded")
    assert "cannot be placed" in asked and "deleted while the load was under way" in asked
    qtbot.waitUntil(lambda: win.interchange.last_load_report is not None and win.interchange.last_load_report.loaded)
    report = _finish(qtbot, win)
    assert report.loaded, report.lines()
    gone = [o for o in report.orphans if "not in this project" in o.reason or "deleted" in o.reason]
    assert gone and report.claims_loaded == 23 - len([o for o in gone if not o.reason.startswith(("link", "verdict"))])
    assert all(c.document_id != doc.id for c in win.store.claims())
    assert win.store.integrity_check() == "ok"
    assert "orphaned" in prompts.messages("inform")[-1]
    win.undo()
    assert win.store.counts().claims == 0
    win.close()


def test_a_folder_that_is_gone_is_an_error_and_nothing_is_loaded(qtbot, window, prompts, tmp_path):
    win = window
    before = win.store.counts()
    win.interchange.load_annotations(str(tmp_path / "nowhere"))
    qtbot.waitUntil(lambda: win.interchange.csv_load is None)
    assert win.interchange.last_load_report is None
    [shown] = prompts.messages("warn")
    assert "does not exist" in shown
    assert win.store.counts() == before and win.undo_stack.count() == 0
    win.close()


def test_closing_the_window_during_a_load_cancels_it(qtbot, window, tmp_path, hold_worker):
    from annotator.services.projects import open_project_file

    win = window
    _empty_copy_csv(win, tmp_path / "csv")
    path = win.store.path
    go_on = hold_worker(csv_load, "context")
    load = win.interchange.load_annotations(str(tmp_path / "csv"))
    _placing(qtbot, load)
    go_on.set()  # the window waits for its workers as it closes
    win.close()
    assert load.worker.done
    QApplication.processEvents()  # what the worker sent arrives, and is dropped
    assert load.report is None and win.interchange.csv_load is None
    store = open_project_file(path)
    try:
        assert store.counts().claims == 0, "nothing of the cancelled load was written"
    finally:
        store.close()


def test_with_row_errors_the_valid_rows_load_when_the_user_says_so(qtbot, window, prompts, tmp_path):
    win = window
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "claims.csv").write_text(f"quote,document_title,start,end\n"
                                       f"founded in 2013,{CLARIFAI},,\n"
                                       f"x,{CLARIFAI},-4,zz\n", encoding="utf-8")
    before = win.store.counts().claims
    prompts.answer("confirm", True)
    win.interchange.load_annotations(str(folder))
    qtbot.waitUntil(lambda: win.interchange.csv_load is None and win.interchange.last_load_report is not None
                    and win.interchange.last_load_report.loaded)
    report = win.interchange.last_load_report
    assert report.claims_loaded == 1 and [e.row for e in report.errors] == [3]
    assert win.store.counts().claims == before + 1 and win.undo_stack.count() == 1
    assert "Load the valid rows anyway?" in prompts.said[0][2]
    win.close()
