"""Shared fixtures. GUI tests run offscreen; nothing here needs a display or a network."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Never touch the real user's data folder or settings."""
    home = tmp_path_factory.mktemp("userdata")
    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("ANNOTATOR_SETTINGS_DIR", str(home / "settings"))
    # The window asks a new user's name once; tests start as a user who has answered.
    # (QSettings' INI format: the key "annotator/name".)
    (home / "settings").mkdir(parents=True, exist_ok=True)
    (home / "settings" / "annotator.ini").write_text("[annotator]\nname=tester\n", encoding="utf-8")
    yield


@pytest.fixture
def store(tmp_path):
    from annotator.store import create_project

    s = create_project(tmp_path / "test.annotator", "Test project")
    yield s
    s.close()


@pytest.fixture
def demo_store(tmp_path):
    from annotator.services.demo import create_demo_project

    s = create_demo_project(tmp_path / "demo.annotator")
    yield s
    s.close()


def sha256_file(path: Path) -> str:
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


BAD_BYTES_IN_A_NAME = "UPDATE sources SET name = CAST(X'4EFF' AS TEXT) WHERE id = (SELECT min(id) FROM sources)"


def write_as_another_program(path, *statements: str) -> None:
    """Change a project file the way another program would: plain SQL, committed, closed."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()
