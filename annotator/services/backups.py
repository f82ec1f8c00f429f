"""Automatic backups of projects, for the front ends (see ``annotator.store.backups``):
list them, take one (on opening, before a bulk change, by hand) and restore one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from annotator.store import backups as _backups
from annotator.store.backups import KEPT, KEPT_BYTES, Backup, folder_for, list_backups
from annotator.store.project import ProjectStore


def take_backup(project: str | Path, reason: str, *, progress: Callable[[int, int, str], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> Backup | None:
    """A backup of the project at ``project`` (any thread; see ``store.backups.take``).
    ``progress`` and ``cancelled`` follow the app's worker convention."""
    report = (lambda done, total: progress(done, total, "Backing up")) if progress is not None else None
    return _backups.take(project, reason, progress=report, cancelled=cancelled)


def backup_problem(project: str | Path, reason: str) -> str | None:
    """Take a backup before a bulk change that goes ahead anyway (the app's workers): None
    when it was taken, else why not, to be said beside the change's result."""
    from annotator.core.errors import AnnotatorError

    try:
        _backups.take(project, reason)
    except AnnotatorError as exc:
        return str(exc)
    return None


def restore_backup(store: ProjectStore, backup: Backup | str | Path) -> Backup | None:
    """Replace the open project's contents with ``backup``'s, after backing up the state it
    replaces; returns that safety copy (restore it to undo the restore)."""
    path = backup.path if isinstance(backup, Backup) else Path(backup)
    safety = _backups.take(store.path, "before-restore", keep=path)  # the chosen copy is not pruned
    store.restore_backup(path)
    return safety


__all__ = ["KEPT", "KEPT_BYTES", "Backup", "backup_problem", "folder_for", "list_backups", "restore_backup",
           "take_backup"]
