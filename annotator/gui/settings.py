"""Persistent window layout, recent files and preferences (QSettings).

``ANNOTATOR_SETTINGS_DIR`` points the settings at an INI file in that folder,
which the tests use so they never touch the real user's preferences.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

MAX_RECENT = 10


def settings() -> QSettings:
    folder = os.environ.get("ANNOTATOR_SETTINGS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return QSettings(str(Path(folder) / "annotator.ini"), QSettings.Format.IniFormat)
    return QSettings("annotator", "annotator")


def recent_projects() -> list[str]:
    value = settings().value("recentProjects", [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):  # nothing stored yet (QSettings gives a list or a single string)
        return []
    return [p for p in value if p]


def remember_project(path: str | Path) -> None:
    path = str(Path(path).resolve())
    recent = [p for p in recent_projects() if p != path]
    s = settings()
    s.setValue("recentProjects", [path, *recent][:MAX_RECENT])
    s.setValue("lastProject", path)


def forget_project(path: str | Path) -> None:
    path = str(Path(path).resolve())
    s = settings()
    s.setValue("recentProjects", [p for p in recent_projects() if p != path])
    if s.value("lastProject") == path:
        s.remove("lastProject")


def annotator_name() -> str | None:
    """The name recorded with this user's claims, links and verdicts; None until asked.
    ``ANNOTATOR_NAME`` in the environment gives it without asking (scripts, shared machines)."""
    if os.environ.get("ANNOTATOR_NAME", "").strip():
        return os.environ["ANNOTATOR_NAME"].strip()
    value = settings().value("annotator/name")
    return str(value).strip() or None if value else None


def set_annotator_name(name: str) -> None:
    settings().setValue("annotator/name", name.strip())


def last_project() -> str | None:
    value = settings().value("lastProject")
    return str(value) if value else None
