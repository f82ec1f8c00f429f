"""A real full disk under the window: the app runs in a child process whose file-size limit
(``RLIMIT_FSIZE``, ``SIGXFSZ`` ignored) makes every write past it fail with EFBIG, as on a
full disk. A person keeps pressing Ctrl+E on selected words until an edit cannot be saved:
they are told so once per refused edit, in words that say what to do and never call the
project damaged; after a restart every claim they were not warned about is in the project,
which opens normally.

POSIX only (the limit is a Unix resource limit)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from tests.conftest import REPO

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is a Unix resource limit"),
    pytest.mark.timeout(300),
]

# The window on PROJECT; the limit is set once the documents are shown, then Ctrl+E's handler
# runs on one word after another until a warning comes (or 400 words). Prints what was kept
# and what was said, as JSON.
_CHILD = r"""
import json, os, re, resource, signal, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
path, limit = sys.argv[1], int(sys.argv[2])
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication
app = QApplication([])
from annotator.gui.main_window import MainWindow
from annotator.store import open_project


class Said:
    def __init__(self):
        self.warnings = []
    def warn(self, title, text):
        self.warnings.append(text)
    def inform(self, title, text):
        pass
    def confirm(self, title, text):
        return True
    def __getattr__(self, name):  # any other question: no answer
        return lambda *args, **kwargs: None


said = Said()
win = MainWindow(open_project(path), prompts=said)
win.show()
while not (win.project_shown and win._painted):
    app.processEvents()
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
view = win.panes[0].view
words = [m.span() for m in re.finditer(r"\w+", view.toPlainText())]
kept = []
for start, end in words[:400]:
    cursor = view.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    view.setFocus()
    before = len(said.warnings)
    win.create_claim_from_selection()
    app.processEvents()
    if len(said.warnings) > before:
        break
    kept.append(win.selected_claim_id)
win.close()
app.processEvents()
print(json.dumps({"kept": kept, "warnings": said.warnings}))
"""


@pytest.fixture
def project(tmp_path) -> Path:
    from annotator.services.importing import ImportService
    from annotator.store import create_project

    words = ("the minister said inflation fell sharply last year while unemployment rose in the north "
             "according to figures published by the statistics office on tuesday").split()
    path = tmp_path / "story.annotator"
    store = create_project(path, "Story")
    try:
        text = "\n\n".join(" ".join(words[(i * 7 + k) % len(words)] for k in range(60)) + "."
                           for i in range(30))
        ImportService(store).import_text(text, title="Figures", source_name="Wire")
    finally:
        store.close()
    return path


def test_edits_on_a_full_disk_are_refused_clearly_and_every_kept_claim_survives(project):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "ANNOTATOR_NAME": "Reviewer"}
    limit = project.stat().st_size + 48 * 1024  # the log beside the project fills this quickly
    out = subprocess.run([sys.executable, "-c", _CHILD, str(project), str(limit)], capture_output=True,
                         text=True, env=env, cwd=REPO, timeout=240)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["warnings"], "the disk never filled: raise the number of edits or lower the limit"
    assert len(result["kept"]) >= 3, "some edits fit before the disk filled"
    message = result["warnings"][0].lower()
    assert "could not be saved" in message and "disk" in message, message
    assert "damaged" not in message and "corrupt" not in message, message
    assert "Traceback" not in out.stderr, out.stderr[-3000:]

    from annotator.store import open_project

    store = open_project(project)  # opens normally, its checks passed
    try:
        assert store.integrity_check() == "ok"
        claims = {c.id for c in store.claims()}
        assert set(result["kept"]) <= claims, "every claim the person was not warned about is kept"
    finally:
        store.close()
