"""Composition root of the desktop app: pick the project, build the window, run."""

from __future__ import annotations

import os
import sys
import threading
from contextlib import suppress
from pathlib import Path


def resolve_startup_project(requested: str | None, checked: ProjectCheck | None = None):
    """Open the requested project, else the last one, else the demo (creating it).
    ``checked``: the read-only checks of the first of those, already under way."""
    from annotator.core.errors import AnnotatorError, ProjectLockedError
    from annotator.gui import settings as app_settings
    from annotator.services.demo import create_demo_project, demo_project_path
    from annotator.store import open_project

    def opened(path):
        return open_project(path, inspected=checked.version_for(path) if checked else None)

    if requested:
        return opened(Path(requested).expanduser())
    last = app_settings.last_project()
    if last and Path(last).exists():
        try:
            return opened(Path(last))
        except ProjectLockedError:
            raise  # open in another window: said as it is, and the project stays in the recent list
        except AnnotatorError:
            app_settings.forget_project(last)
    demo = demo_project_path()
    if demo.exists():
        try:
            return opened(demo)
        except ProjectLockedError:
            raise  # never set aside a demo another window is using
        except AnnotatorError:
            demo.rename(demo.with_name(demo.name + ".unreadable"))
    return create_demo_project(demo)


class ProjectCheck:
    """The read-only checks of the project the app is about to open (``inspect_project``),
    run on a thread while the window's modules load: they spend most of their time inside
    SQLite, which lets the import go on meanwhile."""

    def __init__(self, path: Path | None):
        self.path = path
        self._version: int | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if path is not None and path.is_file():
            self._thread = threading.Thread(target=self._run, name="annotator-project-check", daemon=True)
            self._thread.start()

    @classmethod
    def of_first_choice(cls, requested: str | None) -> ProjectCheck:
        """Start checking the project ``resolve_startup_project`` tries first."""
        if requested:
            return cls(Path(requested).expanduser())
        from annotator.gui import settings as app_settings
        from annotator.services.demo import demo_project_path

        last = app_settings.last_project()
        return cls(Path(last) if last and Path(last).exists() else demo_project_path())

    def _run(self) -> None:
        assert self.path is not None  # started only with a path
        try:
            from annotator.store.opening import inspect_project

            self._version = inspect_project(self.path)
        except BaseException as exc:  # handed to the opener, on the main thread
            self._error = exc

    def version_for(self, path: Path) -> int | None:
        """The schema version the checks found for ``path``; None when they did not check it.
        Their error, if they found one, is raised here, where opening would have raised it."""
        if self._thread is None or path != self.path:
            return None
        self._thread.join()
        if self._error is not None:
            error, self._error, self._thread = self._error, None, None  # raised once; a retry checks again
            raise error
        return self._version


def run_gui(project: str | None = None) -> int:
    checked = ProjectCheck.of_first_choice(project)  # while the window's modules load
    from PySide6.QtWidgets import QApplication, QMessageBox

    from annotator import __version__
    from annotator.core.errors import AnnotatorError

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("annotator")
    app.setApplicationDisplayName("annotator")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("annotator")
    from PySide6.QtGui import QIcon

    from annotator.resources import resources_dir

    icon = resources_dir() / "annotator.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    from annotator.gui.main_window import MainWindow  # loads while the project is checked

    closing: list = []  # the window to close when the app is told to terminate
    _close_on_termination(app, closing)
    try:
        store = resolve_startup_project(project, checked)
    except AnnotatorError as exc:
        QMessageBox.critical(None, "Cannot open project", str(exc))
        print(f"annotator: {exc}", file=sys.stderr)
        return 1

    window = MainWindow(store)
    window.show()
    closing.append(window)
    from annotator.gui.file_open import FileOpenFilter

    app.installEventFilter(FileOpenFilter(window.open_project_path, app))  # (macOS: the Finder's double-click)
    if os.environ.get("ANNOTATOR_QUIT_AFTER_START") == "1":  # packaging smoke test: start, paint, quit
        from PySide6.QtCore import QTimer

        QTimer.singleShot(200, window.close)
    return app.exec()


def _close_on_termination(app, windows: list) -> None:
    """SIGTERM (a logout, a shutdown, ``kill``) and SIGINT close the window as its close button
    does: the note being typed is saved, the journal synced into the project file and its
    lock let go. Python sees a signal only when it runs, and the event loop runs in Qt: the
    signal writes a byte to a socket Qt watches, which wakes the loop. A signal that comes
    before the window exists is acted on once the loop runs."""
    import signal
    import socket

    from PySide6.QtCore import QSocketNotifier

    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    try:
        signal.set_wakeup_fd(writer.fileno())
    except ValueError:  # not the main thread (e.g. embedded): leave the default handling
        reader.close()
        writer.close()
        return
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_args: None)  # acted on below, once the loop wakes
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def woken() -> None:
        with suppress(OSError):
            reader.recv(64)
        for window in windows:
            window.close()
        app.quit()

    notifier.activated.connect(woken)
    app._termination = (notifier, reader, writer)  # kept alive as long as the app
