"""Projects the system asks the running app to open (macOS: a double-click on a
``.annotator`` file in the Finder arrives as an event, not as an argument)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFileOpenEvent


class FileOpenFilter(QObject):
    """Hands every file-open event of the application to ``open_path``."""

    def __init__(self, open_path: Callable[[str], None], parent: QObject | None = None):
        super().__init__(parent)
        self._open_path = open_path

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent) and event.file():
            self._open_path(event.file())
            return True
        return False
