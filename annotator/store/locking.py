"""One writer per project: an operating-system lock on ``<project>.lock`` beside the file.

Two programs editing one project would overwrite each other's work (a verdict set in one
window erased by a click in the other, an undo removing the other's link). Whoever opens a
project for writing (the app, or a command-line edit) takes this lock; a second writer is
refused with a message naming the holder. Readers (the app's workers, ``annotator info``
through its read-only checks) do not take it.

The lock is the operating system's (``flock`` on Linux and macOS, ``LockFileEx`` through
``msvcrt`` on Windows), so it goes away with the process that held it, however that process
ended: a crash never leaves a project locked. The file itself only carries the holder's name
for the message, and is removed when the holder closes the project.
"""

from __future__ import annotations

import errno
import getpass
import os
import socket
import sys
from contextlib import suppress
from datetime import datetime
from pathlib import Path

from annotator.core.errors import ProjectError, ProjectLockedError

_HOLDER_BYTES = 512  # the holder's description lives before the locked byte (Windows locks bytes)


def lock_path(project: Path) -> Path:
    real = project.resolve()
    return real.with_name(real.name + ".lock")


class ProjectLock:
    """A held write lock; ``release`` (or process exit) lets the next writer in."""

    def __init__(self, path: Path, fd: int):
        self.path, self._fd = path, fd

    @classmethod
    def acquire(cls, project: Path) -> ProjectLock:
        path = lock_path(project)
        for _attempt in range(5):  # the holder may remove the file between our open and our lock
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
            except OSError as exc:
                if exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM):  # nobody can write here
                    raise ProjectError(f"{project.name} is in a folder annotator cannot write to "
                                       f"({exc.strerror}); copy it somewhere you can write, then open it.") from None
                raise ProjectError(f"Cannot lock {project.name} for editing: {exc.strerror or exc}.") from None
            if not _try_lock(fd):
                holder = _read_holder(fd)
                os.close(fd)
                raise ProjectLockedError(
                    f"{project.name} is open in another annotator ({holder}). Close it there first; two "
                    "programs editing one project would overwrite each other's work.")
            try:
                same = os.path.exists(path) and os.stat(path).st_ino == os.fstat(fd).st_ino
            except OSError:
                same = False
            if not same and sys.platform != "win32":  # locked a file its holder had just removed
                _unlock(fd)
                os.close(fd)
                continue
            _write_holder(fd)
            return cls(path, fd)
        raise ProjectLockedError(f"{project.name} is being opened and closed by another program; try again.")

    def release(self) -> None:
        if self._fd < 0:
            return
        fd, self._fd = self._fd, -1
        # Removed while still locked, so nobody holds this file meanwhile (Windows cannot remove
        # an open file: there it stays, empty and unlocked).
        with suppress(OSError):
            os.unlink(self.path)
        with suppress(OSError):
            os.ftruncate(fd, 0)
        _unlock(fd)
        os.close(fd)


def _describe_holder() -> str:
    try:
        user = getpass.getuser()
    except Exception:  # no user name in this environment
        user = "someone"
    since = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    return f"{user} on {socket.gethostname()}, process {os.getpid()}, since {since}"


def _write_holder(fd: int) -> None:
    text = _describe_holder().encode("utf-8")[:_HOLDER_BYTES - 1]
    try:
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, text)
    except OSError:
        pass  # the lock holds without its description


def _read_holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, _HOLDER_BYTES).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "another program"


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _HOLDER_BYTES, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _HOLDER_BYTES, os.SEEK_SET)
        with suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        with suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
