"""Help: F1 lists every shortcut from the menus; the documentation pages open."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt



def test_f1_lists_the_shortcuts_of_the_menus(qtbot, open_window):
    win = open_window()
    qtbot.keyClick(win, Qt.Key.Key_F1)
    dialog = win.help.dialog
    qtbot.waitUntil(dialog.isVisible)
    from PySide6.QtWidgets import QTextBrowser

    text = dialog.findChild(QTextBrowser).toPlainText()
    for keys, name in (("Ctrl+E", "Create Claim from Selection"), ("Ctrl+L", "Link Claims"),
                       ("Ctrl+Shift+M", "Find Similar Passages"), ("5", "False")):
        assert keys in text and name in text
    # Every action with a shortcut in the menus is listed: none is forgotten.
    listed = {keys for keys, _ in win.help.shortcut_rows()}
    for action in (win.create_action, win.link_action, win.delete_action, *win.verdict_actions):
        assert action.shortcut().toString() in listed
    dialog.close()


def test_redo_answers_ctrl_y_and_ctrl_shift_z_on_every_system(qtbot, open_window):
    """The README promises both; Qt's own Redo key on Linux has no Ctrl+Y."""
    from PySide6.QtGui import QKeySequence

    win = open_window()
    pane = win.panes[0]
    text = win.store.document_text(pane.document_id)
    start = text.index("Clarifai is a US-based company")
    pane.view.select_span(start, start + 8)
    win.create_claim_from_selection()
    count = len(win.store.claims())
    for binding in (QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")):
        qtbot.keyClick(win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert len(win.store.claims()) == count - 1
        combo = binding[0]
        qtbot.keyClick(win, combo.key(), combo.keyboardModifiers())
        assert len(win.store.claims()) == count, binding.toString()


@pytest.mark.parametrize("title, page, words", [
    ("How Scores Are Computed", "scores.md", "record"),
    ("Annotation CSV Format", "csv-format.md", "claims.csv"),
    ("Exports, Merging and Agreement", "interchange.md", "ClaimReview"),
])
def test_documentation_pages_open(qtbot, title, page, words, open_window):
    from PySide6.QtWidgets import QTextBrowser

    win = open_window()
    win.help.show_page(title, page)
    dialog = win.help.dialog
    assert dialog.windowTitle() == title
    assert words in dialog.findChild(QTextBrowser).toPlainText()
    dialog.close()



def test_links_between_help_pages_open_in_the_dialog_and_web_links_go_to_the_browser(qtbot, monkeypatch, open_window):
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QTextBrowser

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    win = open_window()
    win.help.show_page("Exports, Merging and Agreement", "interchange.md")
    dialog = win.help.dialog
    browser = dialog.findChild(QTextBrowser)
    browser.anchorClicked.emit(QUrl("csv-format.md"))
    assert dialog.windowTitle() == "Annotation CSV Format"
    assert "claims.csv" in browser.toPlainText()
    browser.anchorClicked.emit(QUrl("https://schema.org/ClaimReview"))
    assert opened == ["https://schema.org/ClaimReview"]
    before = browser.toPlainText()
    browser.anchorClicked.emit(QUrl("file:///etc/passwd"))  # not a page of ours: ignored
    assert browser.toPlainText() == before
    dialog.close()


def test_help_licences_shows_annotators_licence_and_every_bundled_package_with_its_text(window, qtbot):
    from PySide6.QtWidgets import QTextBrowser

    from tests.gui.conftest import menu_titled

    next(a for a in menu_titled(window, "Help").actions() if a.text() == "&Licences…").trigger()
    qtbot.waitUntil(lambda: window.help.dialog is not None and window.help.dialog.isVisible())
    shown = window.help.dialog.findChild(QTextBrowser).toPlainText()
    assert shown.startswith("annotator ") and "MIT License" in shown
    for package in ("PySide6", "spacy", "rapidfuzz", "sqlite-utils", "trafilatura", "Python "):
        assert package.lower() in shown.lower(), package
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in shown  # Qt's licence, in full
