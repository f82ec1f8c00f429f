"""Reading a second project without changing it, for merging one project into another.

:func:`open_snapshot` checks the file read-only, copies it with SQLite's backup
API into memory and opens the copy. The file on disk is never written: no
journal mode switch, no migration, no ``-wal``/``-shm`` files when there is no
WAL beside it. A project from an older annotator is migrated in memory only.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from annotator.core.errors import ProjectError, ProjectLockedError
from annotator.store.connection import Connection, database
from annotator.store.opening import _inspect_read_only
from annotator.store.project import ProjectStore


def open_snapshot(path: str | os.PathLike) -> ProjectStore:
    """A read-only snapshot of the project at ``path``, held in memory."""
    path = Path(path)
    if not path.exists():
        raise ProjectError(f"There is no project at {path}.")
    _inspect_read_only(path)
    wal = path.with_name(path.name + "-wal")
    uri = path.resolve().as_uri() + ("?mode=ro" if wal.exists() else "?mode=ro&immutable=1")
    memory = sqlite3.connect(":memory:")
    try:
        source = sqlite3.connect(uri, uri=True)
        try:
            source.backup(memory)
        finally:
            source.close()
        from annotator.store.schema import apply_migrations

        db = Connection(memory)
        db.execute("PRAGMA foreign_keys = ON")
        apply_migrations(database(db))
    except sqlite3.Error as exc:
        memory.close()
        if "locked" in str(exc):
            raise ProjectLockedError(f"{path.name} is locked by another program; try again.") from None
        raise ProjectError(f"Cannot read {path.name}: {exc}.") from None
    return ProjectStore(db, path)


def same_path(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """True when two paths name the same project file (through links too)."""
    try:
        return Path(a).resolve() == Path(b).resolve() or os.path.samefile(a, b)
    except OSError:
        return False


def same_file(a: ProjectStore, b: ProjectStore) -> bool:
    """True when two stores were opened from the same project file."""
    return same_path(a.path, b.path)


__all__ = ["open_snapshot", "same_file", "same_path"]
