"""Every question and message the main window puts to the user, behind one small interface.

The window never calls a modal dialog itself: it asks its ``prompts``. The app gets
:class:`QtPrompts` (real menus, message boxes and file dialogs); tests hand the window an
object with the same methods that answers at once and records what was said, so no test
races a real modal loop on a busy machine.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox, QWidget

from annotator.core.model import Relation
from annotator.gui.dialogs import DocumentDialog

RELATION_LABELS = {Relation.SAME: "&Same claim", Relation.SUPPORTS: "S&upports",
                   Relation.CONTRADICTS: "&Contradicts", Relation.DERIVED: "&Derived from"}


class Prompts(Protocol):
    def relation(self) -> Relation | None:
        """Which relation links the two claims (None: the user backed out)."""

    def confirm(self, title: str, text: str) -> bool:
        """A yes/no question; True for yes."""

    def choose(self, title: str, label: str, items: list[str]) -> str | None:
        """One of ``items``, or None."""

    def inform(self, title: str, text: str) -> None:
        """A message the user acknowledges."""

    def warn(self, title: str, text: str) -> None:
        """Something went wrong or was refused; the user acknowledges."""

    def open_file(self, title: str, folder: str | Path, filters: str) -> str | None:
        """An existing file, or None."""

    def open_files(self, title: str, folder: str | Path, filters: str) -> list[str]:
        """Existing files (an empty list: none chosen)."""

    def save_file(self, title: str, folder: str | Path, filters: str) -> str | None:
        """A path to write to, or None."""

    def folder(self, title: str, start: str | Path) -> str | None:
        """An existing folder, or None."""

    def text(self, title: str, label: str, default: str) -> str | None:
        """A line of text (``default`` filled in), or None."""

    def document_properties(self, values: dict[str, str], sources: list[str],
                            check: Callable[[dict[str, str]], str | None], details: str) -> dict[str, str] | None:
        """A document's title, source, author, url and published, edited from ``values``
        (``sources`` offered for the source, ``check`` saying what is wrong with an answer,
        ``details`` the facts of its import), or None."""


class Feedback(Protocol):
    """How a controller tells the user something without owning a window: a hint for a
    missing precondition, an error that needs acknowledging, a passing status line."""

    def hint(self, message: str) -> None: ...

    def show_error(self, message: str) -> None: ...

    def status(self, message: str, ms: int = 4000) -> None: ...


class QtPrompts:
    """The real dialogs, parented to ``window`` so that they stay above it."""

    def __init__(self, window: QWidget):
        self.window = window

    def relation(self) -> Relation | None:
        menu = QMenu(self.window)
        menu.setTitle("Link as")
        for relation, label in RELATION_LABELS.items():
            menu.addAction(label).setData(relation.value)
        chosen = menu.exec(self.window.mapToGlobal(self.window.rect().center() - QPoint(60, 60)))
        # A closed popup can stay the active window under some window systems; hand activation
        # back so the next shortcut (a verdict key, say) reaches the document.
        self.window.activateWindow()
        return Relation(chosen.data()) if chosen is not None else None

    def confirm(self, title: str, text: str) -> bool:
        return QMessageBox.question(self.window, title, text) == QMessageBox.StandardButton.Yes

    def choose(self, title: str, label: str, items: list[str]) -> str | None:
        chosen, ok = QInputDialog.getItem(self.window, title, label, items, 0, False)
        return chosen if ok else None

    def inform(self, title: str, text: str) -> None:
        QMessageBox.information(self.window, title, text)

    def warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self.window, title, text)

    def open_file(self, title: str, folder: str | Path, filters: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self.window, title, str(folder), filters)
        return path or None

    def open_files(self, title: str, folder: str | Path, filters: str) -> list[str]:
        paths, _ = QFileDialog.getOpenFileNames(self.window, title, str(folder), filters)
        return list(paths)

    def save_file(self, title: str, folder: str | Path, filters: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self.window, title, str(folder), filters)
        return path or None

    def folder(self, title: str, start: str | Path) -> str | None:
        return QFileDialog.getExistingDirectory(self.window, title, str(start)) or None

    def text(self, title: str, label: str, default: str) -> str | None:
        value, ok = QInputDialog.getText(self.window, title, label, text=default)
        return value if ok else None

    def document_properties(self, values: dict[str, str], sources: list[str],
                            check: Callable[[dict[str, str]], str | None], details: str) -> dict[str, str] | None:
        dialog = DocumentDialog(values, sources, check, details, self.window)
        return dialog.values() if dialog.exec() == DocumentDialog.DialogCode.Accepted else None
