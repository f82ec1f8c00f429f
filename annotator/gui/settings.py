"""Persistent window layout, recent files and preferences (QSettings).

``ANNOTATOR_SETTINGS_DIR`` points the settings at an INI file in that folder,
which the tests use so they never touch the real user's preferences.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

MAX_RECENT = 10


def _folder() -> str:
    return os.environ.get("ANNOTATOR_SETTINGS_DIR", "")


def settings(folder: str | None = None) -> QSettings:
    """The settings (of ``folder``: an ``ANNOTATOR_SETTINGS_DIR`` captured earlier)."""
    folder = _folder() if folder is None else folder
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return QSettings(str(Path(folder) / "annotator.ini"), QSettings.Format.IniFormat)
    return QSettings("annotator", "annotator")


# QSettings syncs the file to the disk at every write (fdatasync: 17 ms on a quiet disk, over
# 100 ms while the disk is busy, e.g. with the closing checkpoint of the project just left).
# What the window saves on its way (panes, recent projects) is written by a thread instead;
# until then ``value`` answers from here. The thread finishes its writes before the app exits.
_pending: dict[tuple[str, str], Any] = {}  # (settings folder, key) -> value
_pending_lock = threading.Lock()
_writer: ThreadPoolExecutor | None = None


def value(key: str, default: Any = None) -> Any:
    """A setting, including one ``set_values`` has not written yet."""
    folder = _folder()
    with _pending_lock:
        if (folder, key) in _pending:
            return _pending[folder, key]
    return settings(folder).value(key, default)


def set_values(values: dict[str, Any]) -> None:
    """Save settings without waiting for the disk (see ``_pending``)."""
    global _writer
    folder = _folder()
    with _pending_lock:
        _pending.update(((folder, key), new) for key, new in values.items())
        if _writer is None:
            _writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="settings")
        writer = _writer
    writer.submit(_write_pending)


def wait_for_writes() -> None:
    """Return once every ``set_values`` so far is in the settings file."""
    with _pending_lock:
        writer = _writer
    if writer is not None:
        writer.submit(lambda: None).result()


def _write_pending() -> None:
    with _pending_lock:
        batch = dict(_pending)
    for folder in {folder for folder, _key in batch}:
        s = settings(folder)
        for (where, key), new in batch.items():
            if where == folder:
                s.setValue(key, new)
        s.sync()
    with _pending_lock:
        for key, new in batch.items():
            if _pending.get(key) is new:  # not set again meanwhile
                del _pending[key]


def recent_projects() -> list[str]:
    stored = value("recentProjects", [])
    if isinstance(stored, str):
        stored = [stored]
    if not isinstance(stored, list):  # nothing stored yet (QSettings gives a list or a single string)
        return []
    return [p for p in stored if p]


def remember_project(path: str | Path) -> None:
    path = str(Path(path).resolve())
    recent = [p for p in recent_projects() if p != path]
    set_values({"recentProjects": [path, *recent][:MAX_RECENT], "lastProject": path})


def forget_project(path: str | Path) -> None:
    path = str(Path(path).resolve())
    forgotten: dict[str, Any] = {"recentProjects": [p for p in recent_projects() if p != path]}
    if value("lastProject") == path:
        forgotten["lastProject"] = ""  # read as none
    set_values(forgotten)


def annotator_name() -> str | None:
    """The name recorded with this user's claims, links and verdicts; None until asked.
    ``ANNOTATOR_NAME`` in the environment gives it without asking (scripts, shared machines)."""
    if os.environ.get("ANNOTATOR_NAME", "").strip():
        return os.environ["ANNOTATOR_NAME"].strip()
    name = settings().value("annotator/name")
    return str(name).strip() or None if name else None


def set_annotator_name(name: str) -> None:
    settings().setValue("annotator/name", name.strip())


def last_project() -> str | None:
    last = value("lastProject")
    return str(last) if last else None
