"""In the app, a file whose parser hangs never holds the window: Cancel kills the reading
child at once, and closing the window does not wait for the read."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtWidgets import QPushButton

from annotator.gui.workers import Worker
from annotator.services.sandbox import ReadGuard, ReadLimits
from tests.hostile_readers import misbehave
from tests.test_import_guard import _articles, _gone

# An hour: only Cancel or closing the window can end a read of a hanging file in these tests.
PATIENT = ReadLimits(seconds=3600, memory_mb=None)


def _hanging_import(win, tmp_path: Path, qtbot) -> int:
    """Import a good file and a hanging one; the pid of the child once it is stuck."""
    files = _articles(tmp_path, "good.txt", "hang.txt", "never.txt")
    win.importing.make_guard = lambda: ReadGuard(PATIENT, reader=misbehave)
    win.importing.import_paths([str(f) for f in files])
    qtbot.waitUntil(lambda: win.importing._import_progress.labelText() == "Reading hang.txt…")
    pid = win.importing.guard.child_pid
    assert pid is not None
    return pid


def test_cancel_stops_a_hung_read_at_once_and_keeps_what_was_read(window, qtbot, tmp_path):
    before = window.store.counts().documents
    pid = _hanging_import(window, tmp_path, qtbot)
    cancel = window.importing._import_progress.findChild(QPushButton)
    assert cancel.text() == "Cancel"
    cancel.click()
    qtbot.waitUntil(lambda: window.importing.last_import_report is not None)
    assert _gone(pid)
    report = window.importing.last_import_report
    rows = [(report.table.topLevelItem(i).text(0), report.table.topLevelItem(i).text(1))
            for i in range(report.table.topLevelItemCount())]
    assert rows[0] == ("good.txt", "Imported")
    assert [name for name, _ in rows[1:]] == ["hang.txt", "never.txt"]
    assert all(status != "Imported" for _, status in rows[1:])
    assert window.store.counts().documents == before + 1
    report.close()
    assert window.importing.worker is None and window.importing.guard is None


def test_a_file_that_hangs_is_reported_after_the_time_limit(window, qtbot, tmp_path):
    files = _articles(tmp_path, "hang.txt", "fine.txt")
    window.importing.make_guard = lambda: ReadGuard(ReadLimits(seconds=1, memory_mb=None), reader=misbehave)
    window.importing.import_paths([str(f) for f in files])
    qtbot.waitUntil(lambda: window.importing.last_import_report is not None)
    report = window.importing.last_import_report
    assert report.table.topLevelItem(0).text(1) == "Failed"
    assert "took longer than 1 s" in report.table.topLevelItem(0).text(2)
    assert report.table.topLevelItem(1).text(1) == "Imported"
    report.close()


def test_closing_the_window_during_a_hung_read_does_not_wait_for_it(open_window, qtbot, tmp_path):
    win = open_window()
    pid = _hanging_import(win, tmp_path, qtbot)
    began = time.monotonic()
    win.close()
    took = time.monotonic() - began
    # Had the window waited for the worker, it would have given up after Worker.wait_all's
    # 30 s with the child still reading.
    assert took < 30, took
    assert _gone(pid)
    assert Worker.wait_all(0)  # no import thread left running
