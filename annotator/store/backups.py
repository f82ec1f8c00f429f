"""Automatic backups: whole copies of a project, so that a mistake made before the app was
closed (a bulk delete, a load or merge into the wrong project) can still be undone.

A copy is taken when a project is opened (unless the newest copy already holds exactly what
the file holds) and before every bulk change: loading annotations, merging, importing a
batch of articles. (Deleting a document is undone with Undo; after the app is closed,
the backup taken when the project was opened holds it, unless it was imported in that same
session or ten bulk changes have pushed that backup out.) Copies are made with SQLite's online backup API
through a read-only connection of their own, so they can be taken on any thread while the
app goes on editing, and each holds one consistent state. A copy is written under a
temporary name, checked (``quick_check``) and only then given its name.

They live in the user's data folder, ``backups/<project name>-<hash of its path>/``, named
``YYYYMMDD-HHMMSSffffff--<reason>.annotator`` (UTC). The newest ``KEPT`` copies of each
project are kept, and no more than ``KEPT_BYTES`` in all (the newest is always kept).

``restore`` copies a backup back into an open project's file through the store's own
connection, after taking a copy of the state it replaces (so a restore can be undone by
restoring that copy).
"""

from __future__ import annotations

import secrets

import hashlib
import os
import re
import sqlite3
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from annotator.core.errors import CorruptProjectError, ProjectError
from annotator.store.versions import EVERYTHING_CHANGED

KEPT = 10
KEPT_BYTES = 2 * 1024 ** 3
_NAME = re.compile(r"^(\d{8}-\d{12})--([a-z0-9-]+)\.annotator$")
_REASONS = {
    "opened": "when opened",
    "before-load": "before loading annotations",
    "before-merge": "before a merge",
    "before-import": "before importing articles",
    "before-restore": "before restoring a backup",
    "by-hand": "made by hand",
}


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime  # UTC
    reason: str  # one of _REASONS' keys

    @property
    def size(self) -> int:
        try:
            return self.path.stat().st_size
        except OSError:
            return 0

    @property
    def why(self) -> str:
        """The reason in words: "before a merge"."""
        return _REASONS.get(self.reason, self.reason.replace("-", " "))

    def describe(self) -> str:
        local = self.taken_at.astimezone()
        return f"{local:%Y-%m-%d %H:%M:%S}  {self.why}  ({self.size / 1e6:,.1f} MB)"


def folder_for(project: str | os.PathLike) -> Path:
    """Where the backups of the project at this path live (not created here)."""
    from annotator.paths import data_dir

    try:
        base = data_dir()
    except OSError as exc:
        raise ProjectError(f"The data folder for backups cannot be used ({exc.strerror or exc}).") from None
    real = Path(project).resolve()
    digest = hashlib.sha256(str(real).encode("utf-8", "surrogatepass")).hexdigest()[:10]
    stem = re.sub(r"[^\w.-]+", "_", real.stem)[:60] or "project"
    return base / "backups" / f"{stem}-{digest}"


def list_backups(project: str | os.PathLike) -> list[Backup]:
    """The project's backups, newest first (none when the data folder cannot be used)."""
    try:
        folder = folder_for(project)
    except ProjectError:
        return []
    return sorted(_backups_in(folder), key=lambda b: b.taken_at, reverse=True)


def _backups_in(folder: Path) -> list[Backup]:
    found = []
    with suppress(OSError):
        for entry in folder.iterdir():
            match = _NAME.match(entry.name)
            if match and entry.is_file():
                taken = datetime.strptime(match.group(1), "%Y%m%d-%H%M%S%f").replace(tzinfo=UTC)
                found.append(Backup(entry, taken, match.group(2)))
    return found


def take(project: str | os.PathLike, reason: str, *,
         progress: Callable[[int, int], None] | None = None,
         cancelled: Callable[[], bool] | None = None, keep: Path | None = None) -> Backup | None:
    """Copy the project (everything committed, including its write-ahead log) into its
    backup folder; None when ``reason`` is "opened" and the newest copy already holds what
    the file holds, or when cancelled. Raises ProjectError when the copy cannot be made."""
    if reason not in _REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    project = Path(project)
    if reason == "opened" and _newest_holds_the_file(project):
        return None
    folder = folder_for(project)
    now = datetime.now(UTC)
    target = folder / f"{now:%Y%m%d-%H%M%S%f}--{reason}.annotator"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = write_copy(project, target, verify=_reads_back_whole, progress=progress, cancelled=cancelled)
    except (sqlite3.Error, OSError) as exc:
        reason_text = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ProjectError(f"A backup of {project.name} could not be written to {folder} ({reason_text}).") from None
    if not written:
        return None
    _prune(folder, keep)
    return Backup(target, now, reason)


def write_copy(source: Path, target: Path, *, verify: Callable[[Path], bool],
               progress: Callable[[int, int], None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> bool:
    """Copy the project at ``source`` (everything committed, its write-ahead log included)
    into a temporary file that becomes ``target`` only once ``verify`` accepts it: a plain
    rollback-journal file, so reading it later leaves no -wal/-shm files beside it. False
    when cancelled (nothing is left behind); sqlite3.Error or OSError when it cannot be made
    (the temporary file is removed). Used for automatic backups and for the copy an upgrade
    makes first (store.opening)."""
    partial = target.with_name(target.name + ".partial")
    try:
        partial.unlink(missing_ok=True)
        # Writes refused, but able to remove the -wal/-shm files when it is the last connection
        # (a project no program has open); see store.opening.open_reader.
        src = sqlite3.connect(Path(source).resolve().as_uri() + "?mode=rw", uri=True)
        try:
            src.execute("PRAGMA query_only = ON")
            src.execute("PRAGMA busy_timeout = 5000")
            dst = sqlite3.connect(partial)
            try:
                stopped = _copy(src, dst, progress, cancelled)
                if not stopped:
                    dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        if stopped:
            partial.unlink(missing_ok=True)
            return False
        if not verify(partial):
            raise sqlite3.DatabaseError("the copy does not read back whole")
        os.replace(partial, target)
    except BaseException:
        with suppress(OSError):
            partial.unlink(missing_ok=True)
        raise
    return True


def _reads_back_whole(copy: Path) -> bool:
    check = sqlite3.connect(copy.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
    try:
        return check.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    finally:
        check.close()


def _copy(src: sqlite3.Connection, dst: sqlite3.Connection, progress, cancelled) -> bool:
    """The backup API in one step, inside one read transaction: a copy made a few pages at
    a time starts again whenever the app commits an edit meanwhile, and might never end
    while someone works. In WAL mode the read does not hold up the app's writes. True when
    cancelled before it began."""
    if cancelled is not None and cancelled():
        return True

    def step(_status: int, remaining: int, total: int) -> None:
        if progress is not None:
            progress(total - remaining, total)

    src.backup(dst, pages=-1, progress=step)
    return False


def _newest_holds_the_file(project: Path) -> bool:
    """Whether the newest backup was taken after the file last changed, with no journal
    beside it then or now (so every committed edit is in the file, and the copy has it)."""
    backups = list_backups(project)
    if not backups:
        return False
    for suffix in ("-wal", "-journal"):
        with suppress(OSError):
            if os.stat(project.with_name(project.name + suffix)).st_size > 0:
                return False
    try:
        changed_ns = os.stat(project).st_mtime_ns
    except OSError:
        return False
    taken_ns = int(backups[0].taken_at.timestamp() * 1_000_000) * 1000
    return changed_ns < taken_ns - 1_000_000_000  # a second's margin for coarse file times


def _prune(folder: Path, keep: Path | None = None) -> None:
    """The newest KEPT copies, within KEPT_BYTES; ``keep`` (the copy about to be restored) stays."""
    backups = sorted(_backups_in(folder), key=lambda b: b.taken_at, reverse=True)
    total = 0
    for index, backup in enumerate(backups):
        total += backup.size
        if keep is not None and backup.path.resolve() == Path(keep).resolve():
            continue
        if index >= KEPT or (index > 0 and total > KEPT_BYTES):
            with suppress(OSError):
                backup.path.unlink()
    for leftover in folder.glob("*.partial"):  # a copy a crash interrupted
        with suppress(OSError):
            if time.time() - leftover.stat().st_mtime > 3600:
                leftover.unlink()


def restore(conn: sqlite3.Connection, backup: Path) -> None:
    """Replace the contents of the project open on ``conn`` (its writer connection) with the
    backup's, in one step. The caller takes a backup of the current state first."""
    from annotator.store.opening import _check_text_readable
    from annotator.store.versions import APPLICATION_ID

    backup = Path(backup)
    name = backup.name
    # A copy annotator wrote has no log beside it; any other file is read with its log.
    wal = backup.with_name(backup.name + "-wal")
    try:
        src = sqlite3.connect(backup.resolve().as_uri() + ("?mode=ro" if wal.exists() else "?mode=ro&immutable=1"),
                              uri=True)
    except sqlite3.Error as exc:
        raise ProjectError(f"Cannot read the backup {name}: {exc}.") from None
    try:
        if src.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
            raise ProjectError(f"The backup {name} is damaged; choose another. The project was not changed.")
        if src.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise ProjectError(f"{name} is not an annotator project. The project was not changed.")
        theirs = src.execute("PRAGMA user_version").fetchone()[0]
        ours = conn.execute("PRAGMA user_version").fetchone()[0]
        if theirs != ours:
            raise ProjectError(f"The backup {name} was made by another version of annotator "
                               f"(schema {theirs}, this project {ours}); open it with File › Open instead. "
                               "The project was not changed.")
        created = "SELECT value FROM project_meta WHERE key = 'created_at'"
        if src.execute(created).fetchall() != conn.execute(created).fetchall():
            raise ProjectError(f"{name} is a copy of another project (it was created at another time); "
                               "open it with File › Open, or merge it. The project was not changed.")
        _check_text_readable(src, backup)  # what is restored is trusted as annotator's own (store.closes)
        src.backup(conn)
        # The backup brings its own change log, whose entries may match what a reader saw
        # before: an entry no reader has seen says "everything changed" (ProjectStore.changed_since).
        with conn:
            conn.execute("INSERT INTO change_log (tbl, row_id) VALUES (?, ?)",
                         [EVERYTHING_CHANGED, secrets.token_hex(8)])
    except sqlite3.Error as exc:
        raise ProjectError(f"The backup {name} could not be restored ({exc}). "
                           "The project was not changed.") from None
    except CorruptProjectError:
        raise ProjectError(f"The backup {name} is damaged (some of its text cannot be read); choose another. "
                           "The project was not changed.") from None
    finally:
        src.close()
