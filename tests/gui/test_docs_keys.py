"""The README's keyboard table cannot drift from the app.

Both ways: every shortcut of the window's actions (what F1 lists) is in the README's
| keys | what they do | table, and every key combination written there is bound to an action
or is one of the widget keys F1 also lists (the relation menu's letters, Enter in a result
list, Ctrl+Enter in a note).

Key names are compared as Qt spells them: each README key goes through QKeySequence, so
"Delete" and "Del", "Escape" and "Esc", "Shift+Ctrl+Z" and "Ctrl+Shift+Z" are the same key.

Delete, find, new, open and quit use Qt's standard keys, which differ by platform (Linux:
delete also Ctrl+D, quit Ctrl+Q; Windows: no quit key); undo and redo are the same everywhere.
Qt's offscreen platform, which the tests use, takes the Windows keys. So for those actions the
README must give the first (primary) key of the platform the test runs on, and a README key
marked for a platform ("Delete (also Ctrl+D on Linux)", "Ctrl+Q (on Linux and macOS)") is
required to be bound only when the test runs with that platform's keys.
"""

from __future__ import annotations

import re
import sys

import pytest

pytest.importorskip("PySide6")

from PySide6.QtGui import QAction, QKeySequence

from tests.test_docs import readme_table

PORTABLE = QKeySequence.SequenceFormat.PortableText
KEYS_HEADER = ("keys", "what they do")
PLATFORMS = ("Linux", "Windows", "macOS")
# One key combination as people write it: modifiers, then a named key, a capital letter, a digit.
# A comma counts as a key only after a modifier ("Ctrl+,"), never in prose.
KEY = re.compile(r"(?<![\w+])(?:(?:(?:Ctrl|Alt|Shift|Meta)\+)+,|(?:(?:Ctrl|Alt|Shift|Meta)\+)*"
                 r"(?:F\d{1,2}|Up|Down|Left|Right|Enter|Return|Esc|Escape|Delete|Del|Backspace|Tab|Space"
                 r"|Home|End|PgUp|PgDown|Insert|[A-Z0-9])(?![\w+]))")


def normal(key: str) -> str:
    """A key as Qt writes it: ``Delete`` → ``Del``, ``Shift+Ctrl+Z`` → ``Ctrl+Shift+Z``."""
    sequence = QKeySequence.fromString(key, PORTABLE)
    assert sequence.count() == 1 and not sequence.isEmpty(), f"not one key combination: {key!r}"
    return sequence.toString(PORTABLE)


def keys_in(cell: str) -> list[tuple[str, frozenset[str]]]:
    """(key, platforms it is marked for; empty: every platform) for each key written in a cell.

    ``Ctrl+1 … Ctrl+4`` stands for the four keys. A parenthesis naming a platform marks the
    keys inside it ("Delete (also Ctrl+D on Linux)"), or, holding none, the key right before
    it ("Ctrl+Q (on Linux and macOS)")."""
    found = list(KEY.finditer(cell))
    marked: dict[int, frozenset[str]] = {}  # position of a key -> its platforms
    for paren in re.finditer(r"\(([^)]*)\)", cell):
        named = frozenset(p for p in PLATFORMS if re.search(rf"\b{p}\b", paren.group(1)))
        inside = [m.start() for m in found if paren.start() < m.start() < paren.end()]
        before = [m.start() for m in found if m.end() <= paren.start() and not cell[m.end():paren.start()].strip()]
        for position in inside or before:
            marked[position] = named
    out = []
    for i, match in enumerate(found):
        platforms = marked.get(match.start(), frozenset())
        out.append((normal(match.group()), platforms))
        if i + 1 < len(found) and cell[match.end():found[i + 1].start()].strip() in ("…", "..."):
            first, last = match.group(), found[i + 1].group()
            prefix = first.rstrip("0123456789")
            assert last.startswith(prefix), f"a range needs the same modifiers: {first} … {last}"
            for n in range(int(first[len(prefix):]) + 1, int(last[len(prefix):])):
                out.append((normal(f"{prefix}{n}"), platforms))
    return out


def readme_keys() -> list[tuple[str, frozenset[str]]]:
    rows = readme_table(KEYS_HEADER)
    assert rows, "the README's keys table is empty"
    return [key for keys, _what in rows for key in keys_in(keys)]


def running_platform() -> str:
    """Whose standard keys Qt uses here (the offscreen platform uses Windows')."""
    if sys.platform == "darwin":
        return "macOS"
    redo = {k.toString(PORTABLE) for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)}
    return "Windows" if "Ctrl+Y" in redo else "Linux"


def _standard(action: QAction) -> bool:
    """Whether the action takes a standard key's platform bindings (Undo, Delete, Quit, …)."""
    bindings = list(action.shortcuts())
    return any(bindings == list(QKeySequence.keyBindings(key)) for key in QKeySequence.StandardKey
               if key != QKeySequence.StandardKey.UnknownKey)


def _menu_actions(menu):
    for action in menu.actions():
        if action.menu() is not None:
            yield from _menu_actions(action.menu())
        elif not action.isSeparator():
            yield action


def app_actions(win) -> list[QAction]:
    """Every action of the window with a shortcut: in its menus or bound to it or its widgets."""
    found: dict[int, QAction] = {}
    for action in [*_menu_actions(win.menuBar()), *win.actions(), *win.findChildren(QAction)]:
        if action.shortcuts():
            found[id(action)] = action
    return list(found.values())


def widget_keys(win) -> set[str]:
    """Keys that work on a widget rather than through an action (Enter in a list, …), as F1 lists them."""
    from annotator.gui.help import EXTRA_KEYS

    shown = win.help.shortcut_rows()
    assert all(row in shown for row in EXTRA_KEYS), "F1 no longer lists the widget keys"
    return {key for keys, _what in EXTRA_KEYS for key, _platforms in keys_in(keys)}


def test_every_shortcut_of_the_app_is_in_the_readme(window):
    win = window
    documented = {key for key, _platforms in readme_keys()}
    missing = []
    for action in app_actions(win):
        bindings = [k.toString(PORTABLE) for k in action.shortcuts()]
        # A standard key's further bindings are the platform's extras (Alt+Backspace, the
        # keyboard's own Undo key, …); its primary key is the one people use and must be there.
        required = bindings[:1] if _standard(action) else bindings
        missing += [f"{key} ({action.text().replace('&', '')})" for key in required if key not in documented]
    missing += [f"{key} (F1's widget keys)" for key in sorted(widget_keys(win)) if key not in documented]
    assert not missing, f"missing from the README's keys table ({running_platform()} keys): {', '.join(missing)}"


def test_every_key_in_the_readme_does_something(window):
    win = window
    bound = {k.toString(PORTABLE) for action in app_actions(win) for k in action.shortcuts()}
    bound |= widget_keys(win)
    here = running_platform()
    stray = [key for key, platforms in readme_keys()
             if key not in bound and (not platforms or here in platforms)]
    assert not stray, f"the README's keys table gives keys the app does not bind ({here} keys): {', '.join(stray)}"


def test_the_key_reader_understands_the_readme_shorthand():
    """So the two tests above read the table as people do."""
    assert keys_in("Ctrl+1 … Ctrl+4") == [(k, frozenset()) for k in ("Ctrl+1", "Ctrl+2", "Ctrl+3", "Ctrl+4")]
    assert [k for k, _ in keys_in("1 2 3 4 5 6 / 0")] == ["1", "2", "3", "4", "5", "6", "0"]
    assert keys_in("Delete (also Ctrl+D on Linux)") == [("Del", frozenset()), ("Ctrl+D", frozenset({"Linux"}))]
    assert keys_in("Ctrl+Q (on Linux and macOS)") == [("Ctrl+Q", frozenset({"Linux", "macOS"}))]
    assert keys_in("drag a selected highlight onto another") == []
    assert [k for k, _ in keys_in("Enter in the Search or Similar list")] == ["Enter"]
    assert normal("Shift+Ctrl+Z") == "Ctrl+Shift+Z" and normal("Escape") == "Esc"
    assert [k for k, _ in keys_in("Ctrl+, | preferences (asked once, then kept)")] == ["Ctrl+,"]
