"""The Help menu: every keyboard shortcut (read from the window's own menus, so the list
is never out of date), the pages shipped in ``docs/``, and an About box.

A controller given the window whose menu bar it reads and parents its dialogs to, and a
way to name the open project; the window adds the menu entries that call it."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtGui import QDesktopServices, QFontDatabase, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMainWindow, QMessageBox, QTextBrowser, QVBoxLayout

from annotator import __version__

# Keys that act on a widget rather than through a menu action.
EXTRA_KEYS = (
    ("Drag a highlight onto another", "Link the two claims (asks for the relation)"),
    ("S / U / C / D in the relation menu", "Same claim / supports / contradicts / derived from"),
    ("Enter in the Similar or Search list", "Open the passage in a pane"),
    ("Ctrl+Enter in a note", "Save the note"),
)

PAGES = (
    ("How Scores Are Computed", "scores.md"),
    ("Annotation CSV Format", "csv-format.md"),
    ("Exports, Merging and Agreement", "interchange.md"),
)


class HelpController:
    def __init__(self, window: QMainWindow, project_path: Callable[[], object | None]):
        self.window, self.project_path = window, project_path
        self.dialog: QDialog | None = None  # the page shown last (a new one replaces it)

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(keys, what they do) for every menu action with a shortcut, then the widget keys."""
        rows, seen = [], set()
        for menu_action in self.window.menuBar().actions():
            if menu_action.menu() is None:
                continue
            for path, action in _walk(menu_action.menu(), [_label(menu_action)]):
                keys = " or ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                                   for k in [k for k in action.shortcuts() if _on_keyboards(k)][:2])
                if keys and (keys, _label(action)) not in seen:
                    seen.add((keys, _label(action)))
                    rows.append((keys, f"{_label(action)}  ({' › '.join(path)})"))
        return rows + list(EXTRA_KEYS)

    def show_shortcuts(self) -> None:
        table = "".join(f"<tr><td style='padding-right:18px'><b>{escape(keys)}</b></td><td>{escape(what)}</td></tr>"
                        for keys, what in self.shortcut_rows())
        self._show_html("Keyboard shortcuts", f"<h3>Keyboard shortcuts</h3><table>{table}</table>")

    def show_page(self, title: str, page: str) -> None:
        from annotator.resources import docs_dir

        path = docs_dir() / page
        text = path.read_text(encoding="utf-8") if path.exists() else f"{page} is missing from this installation."
        self._show_html(title, text, markdown=True)

    def show_about(self) -> None:
        path = self.project_path()
        where = escape(str(path)) if path is not None else "no project open"
        QMessageBox.about(self.window, "About annotator", (
            f"<h3>annotator {escape(__version__)}</h3>"
            "<p>Compare how outlets report one story: highlight claims, link them across documents, "
            "record verdicts, and see how far each source can be trusted.</p>"
            f"<p>Open project: {where}<br>Everything is saved in that one SQLite file as you work.</p>"
            "<p>annotator is free software under the MIT licence. It runs on Python, Qt (PySide6, "
            "under the GNU LGPL 3) and other open-source packages: Help › Licences lists them "
            "with their licences.</p>"))

    def show_licences(self) -> None:
        from annotator.services.notices import notices_text, own_licence

        text = (f"annotator {__version__}\n\n{own_licence().rstrip()}\n\n"
                f"{'=' * 78}\nTHIRD-PARTY SOFTWARE\n{'=' * 78}\n\n{notices_text()}")
        self._show_html("Licences", text, plain=True)

    def _show_html(self, title: str, text: str, *, markdown: bool = False, plain: bool = False) -> None:
        dialog = QDialog(self.window)
        dialog.setWindowTitle(title)
        browser = QTextBrowser()
        browser.setOpenLinks(False)  # links are followed below: pages here, the web in a browser
        browser.anchorClicked.connect(lambda url: self._follow(dialog, browser, url))
        browser.setAccessibleName(title)
        if markdown:
            browser.setMarkdown(text)
        elif plain:  # (licence texts are laid out for a fixed-width font)
            browser.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            browser.setPlainText(text)
        else:
            browser.setHtml(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(browser)
        layout.addWidget(buttons)
        dialog.resize(680, 640)
        self.dialog = dialog
        dialog.open()

    def _follow(self, dialog, browser, url) -> None:
        """A link in a help page: another page of docs/ opens in the same dialog, a web address
        in the system browser; anything else (a file elsewhere, a script) is ignored."""
        from annotator.resources import docs_dir

        if url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)
            return
        name = url.path().rsplit("/", 1)[-1]
        page = docs_dir() / name
        if url.scheme() in ("", "file") and name.endswith(".md") and page.is_file():
            titles = {p: t for t, p in PAGES}
            dialog.setWindowTitle(titles.get(name, name))
            browser.setMarkdown(page.read_text(encoding="utf-8"))


def _label(action) -> str:
    return action.text().replace("&", "").rstrip("…").strip()


def _walk(menu, path: list[str]):
    """(menu path, action) for every action of a menu and its submenus."""
    for action in menu.actions():
        if action.menu() is not None:
            yield from _walk(action.menu(), [*path, _label(action)])
        elif not action.isSeparator():
            yield path, action


def _on_keyboards(key: QKeySequence) -> bool:
    """Whether people have the key: F13 and above (some platforms bind Undo to F14) exist on
    few keyboards and only puzzle a reader of the list."""
    name = key.toString(QKeySequence.SequenceFormat.PortableText)
    return not (name[:1] == "F" and name[1:].isdigit() and int(name[1:]) > 12)
