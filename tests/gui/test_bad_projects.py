"""Bad project files met from the GUI."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")


def test_opening_a_damaged_project_warns_and_keeps_the_current_one(tmp_path, window, prompts, user):
    """A flipped byte in another project's text: File → Open says so; the open project stays usable."""
    import sqlite3

    from annotator.services.demo import create_demo_project

    damaged = tmp_path / "damaged.annotator"
    create_demo_project(damaged).close()
    conn = sqlite3.connect(damaged)
    conn.execute("UPDATE sources SET name = CAST(X'4EFF' AS TEXT) WHERE id = (SELECT min(id) FROM sources)")
    conn.commit()
    conn.close()
    win = window
    before = win.store.path
    assert not win.open_project_path(damaged)
    warnings = prompts.messages("warn")
    assert warnings and "is damaged" in warnings[0] and "sources" in warnings[0]
    assert win.store.path == before
    win.select_claim(user.claim_with(win.store, "Clarifai investor"))
    assert win.inspector.claim_id is not None
