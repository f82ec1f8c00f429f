"""What every GUI test needs: a main window on a fresh demo project, answers to its questions,
and a user who selects text and presses keys.

The window asks its questions (which relation? load the valid rows? which file?) through
``prompts``; here a :class:`ScriptedPrompts` answers from a queue the test fills, records
every message, and fails the test on a question nobody expected, so no test races a real
modal loop. ``tests/gui/test_user_story.py`` keeps one test that drives the real menu.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.model import Relation


class ScriptedPrompts:
    """Answers the window's questions from queues; records everything it was told or asked."""

    def __init__(self) -> None:
        self._answers: dict[str, deque] = defaultdict(deque)
        self.said: list[tuple[str, str, str]] = []  # (kind, title, text)

    def answer(self, kind: str, *values) -> None:
        """Queue the answers to the next questions of one kind ("relation", "confirm", ...)."""
        self._answers[kind].extend(values)

    def _ask(self, kind: str, title: str, text: str = ""):
        self.said.append((kind, title, text))
        if not self._answers[kind]:
            raise AssertionError(f"the window asked an unexpected {kind} question: {title} {text}".strip())
        return self._answers[kind].popleft()

    def unanswered(self) -> dict[str, list]:
        return {kind: list(q) for kind, q in self._answers.items() if q}

    def messages(self, kind: str | None = None) -> list[str]:
        """The texts of the messages shown (``inform`` and ``warn``, or one of them)."""
        kinds = {kind} if kind else {"inform", "warn"}
        return [text for k, _title, text in self.said if k in kinds]

    # The Prompts interface (annotator.gui.prompts).
    def relation(self) -> Relation | None:
        return self._ask("relation", "Link as")

    def confirm(self, title: str, text: str) -> bool:
        return self._ask("confirm", title, text)

    def choose(self, title: str, label: str, items: list[str]) -> str | None:
        return self._ask("choose", title, label)

    def inform(self, title: str, text: str) -> None:
        self.said.append(("inform", title, text))

    def warn(self, title: str, text: str) -> None:
        self.said.append(("warn", title, text))

    def open_file(self, title, folder, filters) -> str | None:
        return self._ask("open_file", title)

    def open_files(self, title, folder, filters) -> list[str]:
        return self._ask("open_files", title)

    def save_file(self, title, folder, filters) -> str | None:
        return self._ask("save_file", title)

    def folder(self, title, start) -> str | None:
        return self._ask("folder", title)

    def text(self, title, label, default) -> str | None:
        return self._ask("text", title, label)

    def document_properties(self, values, sources, check, details) -> dict | None:
        """Answered with the fields to change (``{"title": "New"}``) or None (cancel). Like the
        real dialog, an answer ``check`` refuses is recorded as "refused" and the dialog stays:
        the next answer is taken."""
        while True:
            answer = self._ask("document_properties", values.get("title", ""), ", ".join(sources))
            if answer is None:
                return None
            new = {**values, **answer}
            problem = check(new)
            if not problem:
                return new
            self.said.append(("refused", "Document properties", problem))


PATIENCE_MS = 60_000  # a loaded 2-core CI machine can take seconds where a laptop takes milliseconds


@pytest.fixture(autouse=True)
def _patient_waits(qtbot):
    """Every wait returns as soon as its condition holds; only its give-up time is raised from
    pytest-qt's 5 s, so a busy machine slows a test down instead of failing it."""
    for name in ("waitUntil", "waitSignal", "waitSignals", "waitActive", "waitExposed", "waitCallback"):
        original = getattr(qtbot, name)

        def patient(*args, _original=original, **kwargs):
            kwargs.setdefault("timeout", PATIENCE_MS)
            return _original(*args, **kwargs)

        setattr(qtbot, name, patient)


@pytest.fixture
def prompts() -> ScriptedPrompts:
    return ScriptedPrompts()


@pytest.fixture
def open_window(qtbot, prompts) -> Callable:
    """Open the app's window as a start without arguments would (the demo project on a
    first start, the last project afterwards), shown and active, answering through
    ``prompts``. Call it again to "restart" within a test."""
    from annotator.app import resolve_startup_project
    from annotator.gui.main_window import MainWindow

    def open_(answers=None):
        win = MainWindow(resolve_startup_project(None), prompts=answers or prompts)
        qtbot.addWidget(win)
        with qtbot.waitActive(win):  # shortcuts only reach an active window
            win.show()
            win.activateWindow()
        qtbot.waitUntil(lambda: win.project_shown)  # empty panes first, then the documents
        return win

    return open_


@pytest.fixture
def window(open_window):
    """The main window on the demo project."""
    return open_window()


def menu_titled(win, title: str):
    """The menu bar's menu (or submenu) of that title, without its "&". Looked up among the
    menu bar's children: ``QAction.menu()`` in a generator gave a menu already deleted with
    PySide6 6.9, which the build for older Linux ships."""
    from PySide6.QtWidgets import QMenu

    found = [m for m in win.menuBar().findChildren(QMenu) if m.title().replace("&", "") == title]
    assert len(found) == 1, (title, len(found))
    return found[0]


class User:
    """What a person does with the keyboard: select a phrase, press keys, make a claim."""

    def __init__(self, qtbot):
        self.qtbot = qtbot

    def select(self, pane, phrase: str) -> None:
        """Put the caret before the phrase, then extend the selection with Shift+Right."""
        view = pane.view
        found = view.document().find(phrase)
        assert not found.isNull(), (phrase, pane.document_id, view.toPlainText()[:200])
        cursor = view.textCursor()
        cursor.setPosition(found.selectionStart())
        view.setTextCursor(cursor)
        view.setFocus()
        for _ in range(found.selectionEnd() - found.selectionStart()):
            self.qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
        assert view.textCursor().selectedText() == phrase

    def click_text(self, view, position: int) -> None:
        """Press and release the left button on a character of a document view, as a mouse
        does (qtbot.mouseClick sends no button state with the release)."""
        from PySide6.QtCore import QEvent, QPointF
        from PySide6.QtGui import QMouseEvent, QTextCursor

        cursor = QTextCursor(view.document())
        cursor.setPosition(position)
        at = QPointF(view.cursorRect(cursor).center())
        left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
        for kind, button, buttons in ((QEvent.Type.MouseButtonPress, left, left),
                                      (QEvent.Type.MouseButtonRelease, left, none)):
            QApplication.sendEvent(view.viewport(), QMouseEvent(kind, at, view.viewport().mapToGlobal(at), button,
                                                                buttons, Qt.KeyboardModifier.NoModifier))

    def press(self, widget, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        self.qtbot.keyClick(widget, key, modifier)

    def claim(self, win, pane, phrase: str) -> str:
        """Select a phrase and press Ctrl+E; return the new claim's id."""
        self.select(pane, phrase)
        before = win.selected_claim_id
        self.focus(win, pane.view)
        self.press(pane.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        assert win.selected_claim_id not in (None, before), "Ctrl+E made a claim"
        return win.selected_claim_id

    def focus(self, win, widget) -> None:
        """Make sure key presses reach ``widget``: its window active, the widget focused."""
        if not win.isActiveWindow():
            with self.qtbot.waitActive(win):
                win.activateWindow()
        widget.setFocus()
        self.qtbot.waitUntil(widget.hasFocus)

    @staticmethod
    def claim_with(store, text: str) -> str:
        """The id of the claim whose quote contains ``text``."""
        return next(c.id for c in store.claims() if text in c.quote)


@pytest.fixture
def user(qtbot) -> User:
    return User(qtbot)


@pytest.fixture(autouse=True)
def _no_popup_left_behind(qtbot):
    """A test must not leave a menu or dialog open for the next one to trip over."""
    yield
    popup = QApplication.activePopupWidget()
    if popup is not None:
        popup.close()
    modal = QApplication.activeModalWidget()
    if modal is not None:
        modal.close()


@pytest.fixture
def hold_worker(monkeypatch) -> Callable:
    """``go_on = hold_worker(module, "function")``: the worker function waits until the test
    calls ``go_on.set()``, so the test can act while the work is still under way."""
    import threading

    def hold(module, name: str) -> threading.Event:
        go_on = threading.Event()
        original = getattr(module, name)

        def held(*args, **kwargs):
            assert go_on.wait(PATIENCE_MS / 1000), "the test never let the worker go on"
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, held)
        return go_on

    return hold
