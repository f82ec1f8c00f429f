"""The main window driven as a person would, offscreen."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.app import resolve_startup_project
from annotator.gui.main_window import SOURCE_ROLE, MainWindow
from tests.conftest import REPO


@pytest.fixture
def window(qtbot):
    store = resolve_startup_project(None)
    win = MainWindow(store)
    qtbot.addWidget(win)
    with qtbot.waitExposed(win):
        win.show()
    qtbot.waitUntil(lambda: win.project_shown and win.sources_tree.topLevelItemCount() > 0)
    yield win
    win.close()


def _tree_labels(win):
    tree = win.sources_tree
    return [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]


def test_first_start_opens_the_demo_project(window):
    assert "Demo: Clarifai deletes 3 million OkCupid photos" in window.windowTitle()
    labels = _tree_labels(window)
    assert len(labels) == 5 and "AIChief  (1)" in labels
    assert len(window.panes) == 2
    shown = [p.document_id for p in window.panes]
    assert all(shown) and shown[0] != shown[1]
    assert "Clarifai" in window.panes[0].view.toPlainText()


def test_activating_a_document_in_the_tree_shows_it(window, qtbot):
    tree = window.sources_tree
    item = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                if tree.topLevelItem(i).text(0).startswith("Unattributed blog post"))
    child = item.child(0)
    window.panes[1].view.setFocus()
    tree.itemActivated.emit(child, 0)
    assert window.panes[1].view.toPlainText().startswith("H1: Clarifai Removes 3M Photos")
    assert "Unattributed blog post" in window.panes[1].header.text()


def test_failed_import_lists_errors_and_keeps_the_project_usable(window, qtbot, tmp_path):
    junk = tmp_path / "photo.txt"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    good = tmp_path / "note.md"
    good.write_text("# FTC note\n\nThe FTC settled with Match Group.\n", encoding="utf-8")
    before = window.store.counts().documents
    window.importing.import_paths([str(junk), str(good)])
    qtbot.waitUntil(lambda: window.importing.last_import_report is not None)
    report = window.importing.last_import_report
    rows = [(report.table.topLevelItem(i).text(0), report.table.topLevelItem(i).text(1))
            for i in range(report.table.topLevelItemCount())]
    assert rows == [("photo.txt", "Failed"), ("note.md", "Imported")]
    assert report.table.topLevelItem(0).text(2)  # says why
    assert window.store.counts().documents == before + 1
    assert any(label.startswith("No source") for label in _tree_labels(window))
    window.importing.import_paths([str(REPO / "seeds" / "000_77e2c661147e491e.txt")])
    qtbot.waitUntil(lambda: window.importing.last_import_report is not report)
    assert window.importing.last_import_report.table.topLevelItem(0).text(1) == "Already in project"


def test_panes_and_documents_persist_across_restart(qtbot):
    store = resolve_startup_project(None)
    win = MainWindow(store)
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.project_shown)
    win.add_pane()
    docs = [d.id for d in store.documents()]
    win.show_in_pane(win.panes[2], docs[4])
    win.close()

    again = MainWindow(resolve_startup_project(None))
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.project_shown)
    assert [p.document_id for p in again.panes][2] == docs[4]
    assert len(again.panes) == 3
    again.close()


def test_pyside_survives_many_void_calls(qapp):
    """PySide6 6.12.0 on Python 3.11 aborted after ~5,000 void calls; catch such a release."""
    for _ in range(100_000):
        QApplication.processEvents()
    assert Qt.AlignmentFlag.AlignLeft  # still alive


def test_edits_reach_the_project_file_through_a_worker_not_the_keystroke(window, user, qtbot):
    """The window's connection never checkpoints during an edit; the journal tidier copies
    the log into the file once the edits pause."""
    win = window
    assert win.store.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    user.claim(win, win.panes[0], "Clarifai is a US-based company")
    qtbot.waitUntil(lambda: win.journal.pages_left == 0)
    win.close()


def test_an_edit_is_synced_to_disk_by_the_syncer_not_by_the_keystroke(window, user, qtbot):
    """The window's commits do not wait for the disk; its syncer thread syncs the log
    right after each edit, and closing syncs whatever is left."""
    win = window
    assert win.store.db.execute("PRAGMA synchronous").fetchone()[0] == 1
    before = win.syncer.syncs
    claim_id = user.claim(win, win.panes[0], "Clarifai is a US-based company")
    qtbot.waitUntil(lambda: win.syncer.syncs > before)
    path = win.store.path
    win.close()
    from annotator.store import open_project

    again = open_project(path)
    assert again.claim(claim_id).quote == "Clarifai is a US-based company"
    again.close()


def test_a_large_project_opens_with_only_the_shown_documents_sources_expanded(qtbot, tmp_path):
    from annotator.services.importing import ImportService
    from annotator.store import create_project

    store = create_project(tmp_path / "many.annotator", "Many")
    importer = ImportService(store)
    for i in range(50):
        importer.import_text(f"Report number {i} says the budget rose by {i} percent.", title=f"Report {i}",
                             source_name=f"Outlet {i % 5}")
    win = MainWindow(store)
    qtbot.addWidget(win)
    tree = win.sources_tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 5)
    shown_sources = {store.document(p.document_id, with_text=False).source_id for p in win.panes if p.document_id}
    expanded = {tree.topLevelItem(i).data(0, SOURCE_ROLE) for i in range(5) if tree.topLevelItem(i).isExpanded()}
    assert expanded == shown_sources
    opened = next(tree.topLevelItem(i) for i in range(5) if not tree.topLevelItem(i).isExpanded())
    opened.setExpanded(True)  # the person opens one; an import keeps the tree as they left it
    opened_id = opened.data(0, SOURCE_ROLE)
    win.importer.import_text("A new outlet's report.", title="New", source_name="Outlet new")
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 6)
    now_expanded = {tree.topLevelItem(i).data(0, SOURCE_ROLE) for i in range(6) if tree.topLevelItem(i).isExpanded()}
    new_source = next(s.id for s in store.sources() if s.name == "Outlet new")
    assert now_expanded == shown_sources | {opened_id, new_source}
    win.close()


def test_the_syncer_syncs_once_more_when_stopped_and_reports_a_log_it_cannot_sync(tmp_path, monkeypatch, qtbot):
    from annotator.core.errors import ProjectError
    from annotator.gui.journal import JournalSyncer
    from annotator.services import projects

    synced: list[str] = []

    def sync(journal):
        if not str(journal).endswith("p.annotator-wal"):
            raise ProjectError(f"Cannot sync the journal {journal.name}: no such file.")
        synced.append(str(journal))

    monkeypatch.setattr(projects, "sync_journal", sync)
    syncer = JournalSyncer()
    failures: list[tuple[str, str]] = []
    syncer.failed.connect(lambda path, message: failures.append((path, message)))
    journal = tmp_path / "p.annotator-wal"
    syncer.schedule(journal)
    qtbot.waitUntil(lambda: syncer.syncs == 1)
    syncer.schedule(journal)
    syncer.stop()  # the second edit's sync (or one more after it): never none
    assert len(synced) >= 2 and syncer.syncs == len(synced)
    syncer.stop()  # nothing running: nothing to do
    syncer.schedule(tmp_path / "gone.annotator-wal")
    syncer.stop()
    qtbot.waitUntil(lambda: bool(failures))
    assert failures[0][0].endswith("gone.annotator-wal") and "Cannot sync the journal" in failures[0][1]
    assert syncer.syncs == len(synced), "a failed sync is not counted"


def test_an_edit_in_the_window_fsyncs_the_projects_log(window, user, qtbot, monkeypatch):
    import os

    from annotator.store import opening

    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd):
        synced.append(os.path.realpath(f"/proc/self/fd/{fd}") if os.path.exists("/proc/self/fd") else "?")
        return real_fsync(fd)

    monkeypatch.setattr(opening.os, "fsync", fsync)
    win = window
    journal = str(win.store.journal_path())
    user.claim(win, win.panes[0], "Clarifai is a US-based company")
    qtbot.waitUntil(lambda: journal in synced or "?" in synced)
    win.close()


def test_a_log_that_cannot_be_synced_makes_each_edit_wait_for_the_disk_and_says_so(
        open_window, prompts, user, qtbot, monkeypatch):
    from annotator.core.errors import ProjectError
    from annotator.services import projects

    def broken(journal):
        raise ProjectError(f"Cannot sync the journal {journal.name}: Input/output error.")

    monkeypatch.setattr(projects, "sync_journal", broken)
    win = open_window()
    user.claim(win, win.panes[0], "Clarifai is a US-based company")
    qtbot.waitUntil(lambda: any("Input/output error" in m for m in prompts.messages("warn")))
    assert win.store.db.execute("PRAGMA synchronous").fetchone()[0] == 2, "back to FULL: commits wait again"
    user.claim(win, win.panes[1], "approximately 3 million images")  # editing goes on
    assert sum("Input/output error" in m for m in prompts.messages("warn")) == 1, "said once"
    win.close()


@pytest.mark.skipif(not hasattr(__import__("signal"), "SIGTERM") or __import__("sys").platform == "win32",
                    reason="sending SIGTERM to a process is POSIX")
@pytest.mark.timeout(180)
def test_a_terminated_app_closes_its_project_as_the_close_button_does(tmp_path):
    """A logout or `kill` sends SIGTERM: the window closes properly, so the journal is copied
    into the file and the project's lock is let go."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from annotator.store import create_project
    from annotator.store.locking import lock_path

    project = tmp_path / "p.annotator"
    create_project(project, "p").close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ANNOTATOR_NAME="tester")
    app = subprocess.Popen([sys.executable, "-m", "annotator", "gui", str(project)], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not lock_path(project).exists():  # the app has the project open
            assert app.poll() is None, app.stderr.read()
            assert time.monotonic() < deadline, "the app did not open the project"
            time.sleep(0.05)  # polling another process's progress, not timing a result
        app.send_signal(signal.SIGTERM)
        assert app.wait(timeout=120) == 0, app.stderr.read()
    finally:
        if app.poll() is None:
            app.kill()
    assert not lock_path(project).exists(), "the lock was let go"
    assert not (tmp_path / "p.annotator-wal").exists(), "the journal was copied into the file and removed"


def test_a_project_opened_in_the_window_shows_nothing_of_the_last_one_until_its_own_documents_are_in(
        qtbot, tmp_path):
    """Opening another project in a window on screen takes several turns of the event loop: the
    panes, the claims table and the Conflicts list are emptied first, then its documents come
    (their text, then their highlights, then the table). The layout of the project left is
    saved as it was, not as the empty panes in between. The project left is closed on a
    thread; opening it again at once waits for that close."""
    from annotator.services.importing import ImportService
    from annotator.store import create_project, open_project

    store = resolve_startup_project(None)
    demo = store.path
    win = MainWindow(store)
    qtbot.addWidget(win)
    with qtbot.waitExposed(win):
        win.show()
    qtbot.waitUntil(lambda: win.claims_panel.model.rowCount() > 0)
    shown = [p.document_id for p in win.panes]
    assert all(shown)

    other = create_project(tmp_path / "other.annotator", "Other")
    ImportService(other).import_text("The harbour reopened on Monday after two weeks.", title="Harbour",
                                     source_name="Gazette")
    win.set_project(other)
    assert not win.project_shown
    assert [p.document_id for p in win.panes] == [None, None]
    assert win.claims_panel.model.rowCount() == 0 and win.conflicts_panel.disputes == []
    again = open_project(demo)  # a second open before the first one's documents came in
    win.set_project(again)
    qtbot.waitUntil(lambda: win.project_shown)
    assert win.store is again and [p.document_id for p in win.panes] == shown, "the demo's layout was kept"
    win.close()
