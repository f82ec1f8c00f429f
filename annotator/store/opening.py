"""Creating project files and opening them safely.

A file is inspected read-only before anything writes to it: a file that is
not SQLite, a foreign SQLite database, a project from a newer annotator or a
damaged file is refused with a clear message and left byte-for-byte as it was.
Only a file that passes opens for writing (WAL journal, foreign keys on,
synchronous=FULL so a committed edit survives a crash or power loss). A file
from an older annotator is copied to ``<name>.v<N>.bak`` before it is migrated.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

from annotator.core.clock import Clock, SystemClock
from annotator.core.errors import (
    CorruptProjectError,
    NewerProjectError,
    NotAProjectError,
    ProjectError,
    ProjectLockedError,
)
from annotator.store import closes
from annotator.store.closes import closed_cleanly
from annotator.store.locking import ProjectLock
from annotator.store.connection import Connection, connect, database
from annotator.store.versions import APPLICATION_ID, LATEST_VERSION, MIGRATION_NAMES

PROJECT_SUFFIX = ".annotator"
_SQLITE_MAGIC = b"SQLite format 3\x00"
# Tables every schema version has; a file without one of them is damaged, whatever it says.
_CORE_TABLES = ("project_meta", "sources", "documents", "claims", "links", "verdicts", "claim_types")


def _header(path: Path) -> tuple[int, int]:
    """(user_version, application_id) read straight from the SQLite file header."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise ProjectError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    if stat.S_ISDIR(mode):
        raise NotAProjectError(f"{path} is a folder, not a project file.")
    if not stat.S_ISREG(mode):  # a pipe would block the read below for ever
        raise NotAProjectError(f"{path.name} is not a regular file (it may be a device or a pipe), "
                               "so it is not an annotator project. It was not read.")
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except IsADirectoryError:
        raise NotAProjectError(f"{path} is a folder, not a project file.") from None
    except OSError as exc:
        raise ProjectError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    if len(head) == 0:
        raise NotAProjectError(f"{path} is empty, so it is not an annotator project.")
    if len(head) < 100 or not head.startswith(_SQLITE_MAGIC):
        raise NotAProjectError(
            f"{path.name} is not an annotator project (it is not an SQLite database). "
            "To add an article to a project, use Import instead."
        )
    user_version, = struct.unpack(">I", head[60:64])
    application_id, = struct.unpack(">I", head[68:72])
    return user_version, application_id


def _inspect_read_only(path: Path, *, recover: bool = False, pending: list | None = None) -> int:
    """Check a candidate project without writing to it; return its schema version.

    A rollback journal left beside the file by a crash holds the state before an
    unfinished change; the file itself may be half-written. With ``recover`` (the
    project is about to be opened for writing anyway) SQLite rolls the change back
    first; otherwise the file is refused, since reading it would see the half-change.
    With ``pending`` (a list), SQLite's structural check is not waited for when all else
    is well: it is appended there, still running, for the caller to wait on.
    """
    user_version, application_id = _header(path)
    if application_id != APPLICATION_ID:
        raise NotAProjectError(
            f"{path.name} is an SQLite database of another program, not an annotator project. "
            "It was not changed."
        )
    if user_version > LATEST_VERSION:
        raise NewerProjectError(
            f"{path.name} was saved by a newer version of annotator (schema {user_version}; "
            f"this version reads up to {LATEST_VERSION}). Update annotator to open it. "
            "The file was not changed."
        )
    # Without a WAL beside it the file is read as immutable, so SQLite creates
    # no -wal/-shm files next to a file that may not be ours. A WAL left by a
    # crash holds committed edits, so then the file is read normally (read-only).
    journal = path.with_name(path.name + "-journal")
    if journal.exists() and journal.stat().st_size > 0:
        if not recover:
            raise ProjectError(
                f"{path.name} was not closed properly: an unfinished change is pending in {journal.name}. "
                "Open it in annotator once (that finishes the clean-up), then try again. It was not changed.")
        _roll_back_hot_journal(path)
    as_left = closed_cleanly(path)  # before this reading, which does not change the file anyway
    wal = path.with_name(path.name + "-wal")
    uri = path.resolve().as_uri() + ("?mode=ro" if wal.exists() else "?mode=ro&immutable=1")
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise ProjectError(f"Cannot open {path.name}: {exc}.") from None
    # SQLite's structural check runs on a thread of its own (it lets go of the interpreter
    # lock) while this one reads every short text: at 100,000 claims each takes 0.6-0.7 s, so
    # side by side they take half the time. Its verdict comes first, as if it had run first.
    check: _StructuralCheck | None = None
    try:
        check = _StructuralCheck(uri)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            applied = (
                [row[0] for row in conn.execute(
                    "SELECT name FROM _sqlite_migrations WHERE migration_set = 'annotator' ORDER BY rowid"
                )]
                if "_sqlite_migrations" in tables
                else []
            )
        except (sqlite3.Error, ValueError) as exc:
            check.raise_if_damaged(path)
            _raise_unreadable(path, exc)
        try:
            _check_schema(path, applied, tables)
            if not as_left:  # annotator wrote every text in a file it closed as it is now (see store.closes)
                _check_text_readable(conn, path)
        except (ProjectError, sqlite3.Error, ValueError) as exc:
            check.raise_if_damaged(path)  # damage found by the check explains the rest
            if isinstance(exc, ProjectError):
                raise
            _raise_unreadable(path, exc)
        if pending is None:
            check.raise_if_damaged(path)
        else:
            pending.append(check)
    finally:
        try:
            if check is not None and pending is None:
                check.join()
        finally:
            conn.close()
    return len(applied)


def _raise_unreadable(path: Path, exc: BaseException) -> NoReturn:
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        raise ProjectLockedError(f"{path.name} is locked by another program; try again.") from None
    raise CorruptProjectError(f"{path.name} is damaged and cannot be read ({exc}). It was not changed.") from None


class _StructuralCheck:
    """``PRAGMA quick_check`` of a file, on a thread of its own connection."""

    def __init__(self, uri: str) -> None:
        self._uri = uri
        self._rows: list | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="quick_check", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self._uri, uri=True)
            try:
                conn.text_factory = lambda raw: raw.decode("utf-8", "replace")  # a damaged message must not raise
                self._rows = conn.execute("PRAGMA quick_check").fetchall()
            finally:
                conn.close()
        except BaseException as exc:  # reported by raise_if_damaged, on the thread that asked
            self._error = exc

    def join(self) -> None:
        self._thread.join()

    def raise_if_damaged(self, path: Path) -> None:
        self._thread.join()
        if self._error is not None:
            if isinstance(self._error, (sqlite3.Error, ValueError)):
                _raise_unreadable(path, self._error)
            raise self._error
        rows = self._rows or []
        if rows != [("ok",)]:
            problem = "; ".join(" ".join(str(row[0]).split()) for row in rows[:3])  # (one line)
            raise CorruptProjectError(
                f"{path.name} is damaged ({problem}). It was not changed; "
                "restore it from a backup or from the .bak copy next to it."
            )


def _check_schema(path: Path, applied: list[str], tables: set[str]) -> None:
    """Refuse a file whose migrations this version does not know, or that lacks a table."""
    known = MIGRATION_NAMES
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise NewerProjectError(
            f"{path.name} was saved by a newer version of annotator (it has schema changes "
            f"this version does not know: {', '.join(unknown)}). The file was not changed."
        )
    if not applied:
        raise CorruptProjectError(f"{path.name} has no annotator schema. It was not changed.")
    missing = [t for t in _CORE_TABLES if t not in tables]
    if missing:
        raise CorruptProjectError(
            f"{path.name} is damaged: its {', '.join(missing)} table{'s are' if len(missing) > 1 else ' is'} "
            "missing. It was not changed; restore it from a backup or from the .bak copy next to it.")


def _check_text_readable(conn: sqlite3.Connection, path: Path) -> None:
    """Read every short text once, so that text damaged on disk (bytes that are not UTF-8)
    is reported before the project opens rather than in the middle of work. Document
    texts are skipped: they are long, and ``ProjectStore.document_text`` tolerates damage."""
    conn.text_factory = str
    for table in _CORE_TABLES:
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})") if row[1] != "text"]
        try:
            for _row in conn.execute(f"SELECT {', '.join(columns)} FROM {table}"):
                pass
        except sqlite3.OperationalError as exc:
            raise CorruptProjectError(
                f"{path.name} is damaged: some text in its {table} cannot be read ({exc}). It was not "
                "changed; restore it from a backup or from the .bak copy next to it.") from None


def _roll_back_hot_journal(path: Path) -> None:
    """Let SQLite undo the unfinished change recorded in a leftover rollback journal."""
    try:
        conn = sqlite3.connect(path)
        try:
            conn.execute("PRAGMA schema_version").fetchone()  # any read rolls a hot journal back
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise CorruptProjectError(
            f"{path.name} was not closed properly and could not be repaired ({exc}).") from None


def _connect(path: Path, *, migrate: bool = False) -> Connection:
    db = connect(str(path))
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 5000")
    if migrate:  # before the journal-mode switch, so a failed migration leaves the file as it was
        from annotator.store.schema import apply_migrations

        try:
            apply_migrations(database(db))
        except BaseException:
            db.close()
            raise
    elif db.execute("PRAGMA user_version").fetchone()[0] != LATEST_VERSION:  # a header left out of date
        db.execute(f"PRAGMA user_version = {LATEST_VERSION}")  # (the application id was checked on opening)
    mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode.lower() != "wal":  # e.g. a file system without shared memory
        db.execute("PRAGMA journal_mode = DELETE")
    db.execute("PRAGMA synchronous = FULL")
    return db


def inspect_project(path: str | os.PathLike) -> int:
    """Check a project before it is opened for writing (read-only, on any thread: half a
    second for 100,000 claims, since every short text is read once, or a fifth of that for a
    project annotator closed itself and nobody changed since: see ``store.closes``); its
    schema version.
    A leftover rollback journal is rolled back first. Raises the errors ``open_project`` does."""
    path = Path(path)
    if not path.exists():
        raise ProjectError(f"There is no project at {path}.")
    closes.wait_for_close(path)  # a window may have just handed it to a closing thread: check what it leaves
    return _inspect_read_only(path, recover=True)


def open_project(path: str | os.PathLike, *, migrate: bool = True, clock: Clock | None = None,
                 inspected: int | None = None):
    """Open an existing project, migrating an older schema after backing it up.

    ``clock`` stamps the edits made through the returned store (default: the system clock).
    ``inspected``: the version ``inspect_project`` returned a moment ago (e.g. in a worker),
    so the checks are not run twice.
    """
    from annotator.store.project import ProjectStore

    path = Path(path)
    version = inspected if inspected is not None else inspect_project(path)
    lock = ProjectLock.acquire(path)  # one writer per project (see store.locking)
    try:
        if version < LATEST_VERSION:
            if not migrate:
                raise ProjectError(f"{path.name} uses an older schema ({version}) and needs upgrading.")
            backup = path.with_name(f"{path.name}.v{version}.bak")
            if not _is_backup_of(backup, version):  # missing, or left empty or broken by a full disk
                _backup(path, backup, version)
        try:
            db = _connect(path, migrate=version < LATEST_VERSION)
        except sqlite3.Error as exc:
            if "locked" in str(exc):
                raise ProjectLockedError(f"{path.name} is locked by another program; try again.") from None
            if version < LATEST_VERSION:
                raise ProjectError(_upgrade_failed(path, version, exc)) from None
            raise ProjectError(f"Cannot open {path.name}: {exc}.") from None
    except BaseException:
        lock.release()
        raise
    return ProjectStore(db, path, clock, lock=lock)


def _upgrade_failed(path: Path, version: int, exc: sqlite3.Error) -> str:
    """What a failed upgrade did. Each step is one transaction, so a failed step is rolled
    back: the project is as it was, or (several steps) whole at the last step that finished."""
    try:
        reached = _inspect_read_only(path)
    except (ProjectError, sqlite3.Error, OSError):
        reached = version
    done = ("It was not changed" if reached == version else
            f"It is whole, part of the way there (schema {reached}); the copy of it as it was is "
            f"{path.name}.v{version}.bak")
    return (f"{path.name} could not be upgraded ({exc}). {done}; free some disk space or move it to a "
            "folder you can write to, then open it again.")


def open_for_reading(path: str | os.PathLike):
    """A project opened only to be read (the command line's info, search, similar, export
    and score): checked read-only like any project, but without the write lock, so it works
    while the app has the project open. A project of an older schema is upgraded first,
    which does take the lock for that moment."""
    version = inspect_project(path)
    if version < LATEST_VERSION:
        open_project(path, inspected=version).close()
    return open_reader(path, tidy=True)


@contextmanager
def reading_while_checked(path: str | os.PathLike) -> Iterator:
    """A project opened only to be read (see ``open_for_reading``) while SQLite's structural
    check of it runs on a thread of its own: ``annotator score`` reads and scores 100,000
    claims meanwhile instead of waiting a fifth of a second first. Leaving the block waits
    for the check: damage it found is raised in place of what the block returned or raised
    (damage explains the rest), so nothing read from a damaged file is given out. The
    project is closed on leaving."""
    path = Path(path)
    if not path.exists():
        raise ProjectError(f"There is no project at {path}.")
    closes.wait_for_close(path)
    pending: list[_StructuralCheck] = []
    version = _inspect_read_only(path, recover=True, pending=pending)
    try:
        if version < LATEST_VERSION:  # upgraded first, once the check has read the file as it was
            for check in pending:
                check.raise_if_damaged(path)
            pending.clear()
            open_project(path, inspected=version).close()
        store = open_reader(path, tidy=True)
    except BaseException:
        for check in pending:
            check.raise_if_damaged(path)
        raise
    try:
        yield store
    except BaseException:
        store.close()
        for check in pending:
            check.raise_if_damaged(path)
        raise
    store.close()
    for check in pending:
        check.raise_if_damaged(path)


def open_reader(path: str | os.PathLike, *, tidy: bool = False):
    """A second, read-only connection to a project that is open for writing elsewhere in this
    process, for a worker thread. In WAL mode it reads a consistent state while the app
    goes on committing edits; it never writes, and it belongs to the thread that opened it.

    ``tidy`` (a command that only reads): reading a WAL-mode file makes SQLite create its
    -wal and -shm files, which only a connection that may write removes when it is the last
    to close. Such a connection is opened then, with every statement refused that would
    change the project (``query_only``); in a folder annotator cannot write to, SQLite falls
    back to reading only."""
    from annotator.store.project import ProjectStore

    path = Path(path)
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + ("?mode=rw" if tidy else "?mode=ro"), uri=True)
        conn.execute("PRAGMA query_only = ON")
        conn.execute("PRAGMA busy_timeout = 5000")  # a project without WAL: wait out a commit
    except sqlite3.Error as exc:
        raise ProjectError(f"Cannot read {path.name}: {exc}.") from None
    return ProjectStore(Connection(conn), path, reader=True)


def checkpoint(path: str | os.PathLike) -> int:
    """Copy what the project's write-ahead log holds into the file, through a connection of
    this thread's own, without waiting for readers or blocking the writer (SQLite's PASSIVE
    checkpoint). A window that turned off the automatic checkpoint of its own connection
    (``ProjectStore.defer_checkpoints``) calls this from a worker now and then, so that no
    edit pays for the copy on the GUI thread. Returns the pages still to copy (0: all done)."""
    path = Path(path)
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=rw", uri=True)
    except sqlite3.Error as exc:
        raise ProjectError(f"Cannot open {path.name} to tidy its journal: {exc}.") from None
    try:
        conn.execute("PRAGMA busy_timeout = 1000")
        _busy, log, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return max(0, log - copied) if log >= 0 else 0
    except sqlite3.Error as exc:
        raise ProjectError(f"Cannot tidy the journal of {path.name}: {exc}.") from None
    finally:
        conn.close()


def sync_journal(journal: str | os.PathLike) -> None:
    """Make a project's write-ahead log durable: an fsync of the log file itself (see
    ``ProjectStore.journal_path``), for a store whose commits do not wait for the disk
    (``ProjectStore.defer_syncs``). Runs on any thread. A log that is missing while its
    project is open, or that cannot be synced, raises ProjectError."""
    journal = Path(journal)
    try:
        fd = os.open(journal, os.O_RDWR | getattr(os, "O_BINARY", 0))  # Windows flushes only writable handles
    except OSError as exc:
        raise ProjectError(f"Cannot sync the journal {journal.name}: {exc.strerror or exc}.") from None
    try:
        os.fsync(fd)
    except OSError as exc:
        raise ProjectError(f"Cannot sync the journal {journal.name}: {exc.strerror or exc}.") from None
    finally:
        os.close(fd)


def _backup(path: Path, backup: Path, version: int) -> None:
    """Copy a project, including anything still in its WAL, into ``backup``, which exists
    only once it reads back whole (see store.backups.write_copy). A project is never
    upgraded without one."""
    from annotator.store.backups import write_copy

    try:
        write_copy(path, backup, verify=lambda copy: _is_backup_of(copy, version))
    except (sqlite3.Error, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ProjectError(f"{path.name} needs upgrading, but a backup copy could not be written first "
                           f"({reason}). It was not changed; free some disk space or move it to a folder "
                           "you can write to, then open it again.") from None


def _is_backup_of(backup: Path, version: int) -> bool:
    """Whether ``backup`` is a whole copy of a project at schema ``version``."""
    try:
        if not backup.is_file() or backup.stat().st_size < 100:
            return False
        # immutable: no -wal/-shm files beside a backup, even one an older version left in WAL mode
        conn = sqlite3.connect(backup.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
        try:
            if conn.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
                return False
            applied = conn.execute("SELECT count(*) FROM _sqlite_migrations WHERE migration_set = 'annotator'")
            return applied.fetchone()[0] == version  # counted as _inspect_read_only counts it
        finally:
            conn.close()
    except (sqlite3.Error, OSError):
        return False


def create_project(path: str | os.PathLike, name: str | None = None, *, overwrite: bool = False,
                   clock: Clock | None = None):
    """Create a new, empty project file at ``path`` and open it.

    The file is built under a temporary name and renamed into place, so a
    crash never leaves a half-made project behind. ``clock`` stamps the
    project's creation and the edits made through the returned store
    (default: the system clock).
    """
    from annotator.core.ids import new_id
    from annotator.store.project import ProjectStore

    clock = clock or SystemClock()

    path = Path(path)
    if path.exists() and not overwrite:
        raise ProjectError(f"{path} already exists; choose another name or open it.")
    if not path.parent.exists():
        raise ProjectError(f"The folder {path.parent} does not exist.")
    tmp = path.with_name(f".{path.name}.{new_id()}.tmp")
    try:
        from annotator.store.schema import apply_migrations

        db = connect(str(tmp))
        db.execute("PRAGMA foreign_keys = ON")
        apply_migrations(database(db))
        with db.atomic():
            for key, value in {
                "name": name or path.stem,
                "created_at": clock.now_iso(),
                "newsroom": "",
            }.items():
                db.execute("INSERT INTO project_meta (key, value) VALUES (?, ?)", [key, value])
        db.close()
        os.replace(tmp, path)
    except OSError as exc:
        raise ProjectError(f"Cannot create {path}: {exc.strerror or exc}.") from None
    except sqlite3.Error as exc:  # e.g. a folder without write permission
        raise ProjectError(f"Cannot create {path}: {exc}.") from None
    finally:
        for leftover in (tmp, Path(str(tmp) + "-journal")):
            if leftover.exists():
                leftover.unlink()
    lock = ProjectLock.acquire(path)
    try:
        db = _connect(path)
    except BaseException:
        lock.release()
        raise
    return ProjectStore(db, path, clock, lock=lock)


__all__ = ["PROJECT_SUFFIX", "create_project", "open_project"]
