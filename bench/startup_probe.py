"""A child process that starts the app the way ``annotator PROJECT`` does and reports when
the window's first frame is painted: ``python bench/startup_probe.py PROJECT LAUNCHED_AT``.

Nothing is imported before ``annotator.app.run_gui`` that the app would not import itself
in that order; the probe only wraps the function that picks the project, and from there (Qt
is loaded by then) watches for the first paint. Prints one JSON line:
``{"painted": seconds from LAUNCHED_AT (the parent's time.time() before it started this
process) to the first frame, "documents": to the frame with the project's documents in the
panes (the window shows empty panes first), "exit": ...}``. The window is then closed as its
close button would.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main() -> int:
    project, launched_at = sys.argv[1], float(sys.argv[2])
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from annotator import app as app_module

    found: dict[str, float] = {}
    resolve = app_module.resolve_startup_project

    def watched(*args, **kwargs):
        found["resolving"] = time.time() - launched_at
        store = resolve(*args, **kwargs)
        found["resolved"] = time.time() - launched_at
        from annotator.gui.main_window import MainWindow

        show = MainWindow.show

        def shown(window):
            found["constructed"] = time.time() - launched_at
            show(window)

        MainWindow.show = shown
        _watch_first_paint(found, launched_at)
        return store

    app_module.resolve_startup_project = watched
    code = app_module.run_gui(project)
    print(json.dumps({**found, "exit": code}))
    return 0


def _watch_first_paint(found: dict[str, float], launched_at: float) -> None:
    """Note the first frame ("painted") and the first frame once the project's documents are
    in the panes ("documents"; the same frame when the window fills them before it shows),
    each when the event loop is done with that frame; then close the window."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    from annotator.gui.main_window import MainWindow

    app = QApplication.instance()
    filled: list[bool] = []
    fill = MainWindow._draw_rest

    def watched_fill(window, *args, **kwargs):
        fill(window, *args, **kwargs)
        filled.append(True)

    MainWindow._draw_rest = watched_fill

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                if "painting" not in found:
                    found["painting"] = time.time() - launched_at
                    QTimer.singleShot(0, lambda: found.setdefault("painted", time.time() - launched_at))
                if filled and "documents" not in found:
                    found["documents"] = -1.0  # noted once this frame is done
                    QTimer.singleShot(0, documents_painted)
            return False

    def documents_painted() -> None:
        found["documents"] = time.time() - launched_at
        found.setdefault("painted", found["documents"])
        app.removeEventFilter(watcher)
        for widget in app.topLevelWidgets():
            if isinstance(widget, QMainWindow):
                widget.close()

    watcher = FirstPaint(app)
    app.installEventFilter(watcher)


if __name__ == "__main__":
    sys.exit(main())
