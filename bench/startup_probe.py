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
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication.instance()

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and "painted" not in found:
                found["painting"] = time.time() - launched_at
                QTimer.singleShot(0, painted)  # once this frame is done
            return False

    def painted() -> None:
        if "painted" in found:
            return
        found["painted"] = time.time() - launched_at
        app.removeEventFilter(watcher)
        poll.start()

    def documents_painted() -> None:
        windows = [w for w in app.topLevelWidgets() if isinstance(w, QMainWindow)]
        if not windows or getattr(windows[0], "_filling", None) is not None or not windows[0]._painted:
            return  # the documents are not in the panes yet, or not painted (checked every 2 ms)
        poll.stop()
        found["documents"] = time.time() - launched_at
        windows[0].close()

    watcher = FirstPaint(app)
    app.installEventFilter(watcher)
    poll = QTimer(app)
    poll.setInterval(2)
    poll.timeout.connect(documents_painted)


if __name__ == "__main__":
    sys.exit(main())
