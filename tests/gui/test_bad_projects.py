"""Bad project files met from the GUI."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from tests.gui.test_similar import _claim_with  # noqa: E402
from tests.gui.test_user_story import open_window  # noqa: E402


def test_opening_a_damaged_project_warns_and_keeps_the_current_one(qtbot, tmp_path, monkeypatch):
    """A flipped byte in another project's text: File → Open says so; the open project stays usable."""
    import sqlite3

    from PySide6.QtWidgets import QMessageBox

    from annotator.services.demo import create_demo_project

    damaged = tmp_path / "damaged.annotator"
    create_demo_project(damaged).close()
    conn = sqlite3.connect(damaged)
    conn.execute("UPDATE sources SET name = CAST(X'4EFF' AS TEXT) WHERE id = (SELECT min(id) FROM sources)")
    conn.commit()
    conn.close()
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a, **k: warnings.append(text))
    win = open_window(qtbot)
    before = win.store.path
    assert not win.open_project_path(damaged)
    assert warnings and "is damaged" in warnings[0] and "sources" in warnings[0]
    assert win.store.path == before
    win.select_claim(_claim_with(win.store, "Clarifai investor"))
    assert win.inspector.claim_id is not None
