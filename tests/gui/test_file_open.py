"""A project file the system asks the running app to open (macOS's Finder sends an event)."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from annotator.gui.file_open import FileOpenFilter
from annotator.store import create_project


def test_a_file_open_event_opens_that_project_in_the_window(window, qtbot, tmp_path):
    other = tmp_path / "other.annotator"
    create_project(other, "Other desk").close()
    app = QApplication.instance()
    events = FileOpenFilter(window.open_project_path, window)  # as run_gui installs it
    app.installEventFilter(events)
    try:
        with qtbot.waitSignal(window.projectOpened, timeout=20_000) as opened:
            QApplication.sendEvent(app, QFileOpenEvent(str(other)))
        assert opened.args == [str(other)]
        qtbot.waitUntil(lambda: window.store.name == "Other desk")
    finally:
        app.removeEventFilter(events)
