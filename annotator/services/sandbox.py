"""Reading article files in a child process bounded by time and memory.

A crafted PDF, web page or Word file can keep a parser busy for minutes or make it
allocate gigabytes. Each file is therefore parsed in a child process: when it takes longer
than the time limit (30 s by default) or needs more memory than the memory limit (1 GB by
default) the child is killed, that file gets one clear message, and the next file is read
by a fresh child. One child reads a whole batch (starting one costs a few tenths of a
second); :meth:`ReadGuard.stop` kills it at once from any thread, which is how Cancel and
closing the window stop a read under way.

``ANNOTATOR_IMPORT_SECONDS`` and ``ANNOTATOR_IMPORT_MEMORY_MB`` raise the limits for
newsrooms with huge files. The memory limit is an address-space limit
(``RLIMIT_AS``), enforced on Linux and other Unix systems that honour it; macOS does not
enforce it and Windows has no such limit, so there only the time limit applies.

The child is started with the "spawn" method, as the scoring child is: the same on every
platform, nothing of the parent's threads or Qt state is copied, and a packaged app starts
it through ``multiprocessing.freeze_support()`` (packaging/launcher.py).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.core.errors import ImportFailure
from annotator.core.model import ImportedDocument

DEFAULT_SECONDS = 30.0
DEFAULT_MEMORY_MB = 1024
SECONDS_VARIABLE = "ANNOTATOR_IMPORT_SECONDS"
MEMORY_VARIABLE = "ANNOTATOR_IMPORT_MEMORY_MB"

# How often a waiting read looks at the caller's ``cancelled()``; stop() needs no polling.
_CANCEL_POLL_S = 0.05
# Starting the child (a new interpreter importing the importers), and loading a parser the
# first time a file of its kind comes, are not charged to a file's time limit: on a machine
# under load they can take seconds, so they have their own, generous bound.
_START_SECONDS = 120.0

Reader = Callable[[str], ImportedDocument]


class ReadCancelled(Exception):
    """The read was stopped by the user (Cancel, or the window closing)."""


@dataclass(frozen=True)
class ReadLimits:
    seconds: float = DEFAULT_SECONDS
    memory_mb: int | None = DEFAULT_MEMORY_MB  # None: no memory limit

    @classmethod
    def from_environment(cls, environ: dict[str, str] | os._Environ[str] | None = None) -> ReadLimits:
        """The defaults, or what ANNOTATOR_IMPORT_SECONDS / ANNOTATOR_IMPORT_MEMORY_MB say."""
        env = os.environ if environ is None else environ
        seconds, memory = DEFAULT_SECONDS, DEFAULT_MEMORY_MB
        raw = env.get(SECONDS_VARIABLE, "").strip()
        if raw:
            seconds = _positive(float, raw, SECONDS_VARIABLE, "a number of seconds, such as 120")
        raw = env.get(MEMORY_VARIABLE, "").strip()
        if raw:
            memory = _positive(int, raw, MEMORY_VARIABLE, "a whole number of megabytes, such as 4096")
        return cls(seconds, memory)

    def describe_time(self) -> str:
        return f"{self.seconds:g} s"

    def describe_memory(self) -> str:
        mb = self.memory_mb or 0
        return f"{mb / 1024:g} GB" if mb >= 1024 and mb % 128 == 0 else f"{mb} MB"


def _positive(kind: Callable[[str], Any], raw: str, name: str, expected: str) -> Any:
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or not value > 0 or value == float("inf"):
        raise ValueError(f"{name} must be {expected}, not {raw!r}.")
    return value


def read_file(path: str) -> ImportedDocument:
    """The reader a child runs by default: the importers' own ``read_document``."""
    from annotator.services.importers import read_document

    return read_document(path)


class ReadGuard:
    """Reads files one at a time in a child process, within ``limits``.

    ``reader`` is the function the child runs on each path; it must be importable by name
    (a module-level function), since the child is a fresh interpreter. ``limits`` default to
    what the environment says, read when the first file is read.
    """

    def __init__(self, limits: ReadLimits | None = None, reader: Reader | None = None):
        self._limits = limits
        self._reader = reader or read_file
        self._lock = threading.Lock()
        self._reap_lock = threading.Lock()  # one thread at a time collects a child
        self._process: Any = None  # multiprocessing's SpawnProcess
        self._conn: Any = None
        self._stopped = False  # stop() was called: this guard reads no more
        self._busy = False

    @property
    def limits(self) -> ReadLimits:
        if self._limits is None:
            self._limits = ReadLimits.from_environment()
        return self._limits

    @property
    def child_pid(self) -> int | None:
        """The pid of the child, while there is one (tests check it is gone)."""
        process = self._process
        return process.pid if process is not None else None

    def __enter__(self) -> ReadGuard:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ----------------------------------------------------------------- reading

    def read(self, path: str | os.PathLike, cancelled: Callable[[], bool] | None = None) -> ImportedDocument:
        """The document in ``path``; ImportFailure with a message for the user when it could
        not be read (including when it took too long or needed too much memory), or
        ReadCancelled when ``cancelled()`` turned true or stop() was called meanwhile."""
        limits = self.limits
        name = Path(path).name or str(path)
        with self._lock:
            if self._stopped:
                raise ReadCancelled()
            self._busy = True
        try:
            return self._read(path, name, limits, cancelled)
        except ReadCancelled:
            with self._lock:
                process, conn = self._process, self._conn
            if process is not None:
                self._discard(process, conn)
            raise
        finally:
            with self._lock:
                self._busy = False

    def _read(self, path: str | os.PathLike, name: str, limits: ReadLimits,
              cancelled: Callable[[], bool] | None) -> ImportedDocument:
        process, conn = self._ensure_child(limits, cancelled)
        try:
            conn.send(os.fspath(path))
        except OSError:  # the child died between files
            self._discard(process, conn)
            process, conn = self._ensure_child(limits, cancelled)
            conn.send(os.fspath(path))
        prepared = self._await(process, conn, _START_SECONDS, cancelled)  # the parser is loaded
        if prepared is None or prepared is _DIED:
            self._discard(process, conn)
            raise ImportFailure(f"{name} could not be read: annotator's file reader did not get ready; "
                                "try the import again.", path=str(path))
        answer = self._await(process, conn, limits.seconds, cancelled)
        if answer is None:
            self._discard(process, conn)
            raise ImportFailure(
                f"{name} took longer than {limits.describe_time()} to read and was skipped; it "
                f"may be damaged or made to stall readers. ({SECONDS_VARIABLE} allows more time.)",
                path=str(path))
        if answer is _DIED:
            message = self._death_message(name, process)
            self._discard(process, conn)
            raise ImportFailure(message, path=str(path))
        kind, payload = answer
        if kind == "memory":
            self._discard(process, conn)  # a fresh child for the next file, its memory returned
            raise ImportFailure(
                f"{name} needed more than {limits.describe_memory()} of memory to read and was "
                f"skipped. ({MEMORY_VARIABLE} allows more.)", path=str(path))
        if kind == "failed":
            raise ImportFailure(payload, path=str(path))
        if kind == "error":
            raise ImportFailure(f"{name} could not be read ({payload}).", path=str(path))
        return payload

    def _ensure_child(self, limits: ReadLimits, cancelled: Callable[[], bool] | None) -> tuple[Any, Any]:
        with self._lock:
            old, old_conn = self._process, self._conn
            if old is not None and old.is_alive():
                return old, old_conn
        if old is not None:  # it died between files
            self._discard(old, old_conn)
        import multiprocessing  # loaded with the first import, not with the app

        context = multiprocessing.get_context("spawn")
        parent_end, child_end = context.Pipe()
        memory = limits.memory_mb * 1024 * 1024 if limits.memory_mb else None
        process = context.Process(target=_child_main, args=(child_end, self._reader, memory, limits.seconds),
                                  name="annotator-import-reader", daemon=True)
        try:
            with self._lock:
                if self._stopped:
                    raise ReadCancelled()
                self._process, self._conn = process, parent_end
            process.start()
        except OSError as exc:
            with self._lock:
                self._process = self._conn = None
            parent_end.close()
            raise ImportFailure(f"annotator could not start its file reader ({exc.strerror or exc}).") from None
        except ReadCancelled:
            parent_end.close()
            raise
        finally:
            child_end.close()
        with self._lock:
            if self._stopped:  # stop() ran while the child was being started
                _kill(process)
        ready = self._await(process, parent_end, _START_SECONDS, cancelled)
        if ready is None or ready is _DIED:
            self._discard(process, parent_end)
            raise ImportFailure("annotator could not start its file reader; try the import again.")
        return process, parent_end

    def _await(self, process: Any, conn: Any, seconds: float,
               cancelled: Callable[[], bool] | None) -> Any:
        """The child's answer; None after ``seconds``; _DIED when the child ended first."""
        from multiprocessing.connection import wait

        deadline = time.monotonic() + seconds
        while True:
            if self._stopped or (cancelled is not None and cancelled()):
                self.stop()
                raise ReadCancelled()
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            timeout = min(left, _CANCEL_POLL_S) if cancelled is not None else left
            ready = wait([conn, process.sentinel], timeout)
            if conn in ready:
                try:
                    return conn.recv()
                except (EOFError, OSError):
                    pass  # the child died mid-answer
            if ready:
                if self._stopped:
                    raise ReadCancelled()
                return _DIED

    @staticmethod
    def _death_message(name: str, process: Any) -> str:
        process.join(1)
        code = process.exitcode
        how = "" if code is None else f" (signal {-code})" if code < 0 else f" (exit code {code})"
        return (f"{name} could not be read: the reader stopped unexpectedly{how}. The file may be "
                "damaged or made to crash readers.")

    # ----------------------------------------------------------------- ending

    def stop(self) -> None:
        """Kill the child now (from any thread): a read under way ends as cancelled, and so
        does every later read. The reading thread collects the child; nothing is waited for."""
        with self._lock:
            self._stopped = True
            process, conn, busy = self._process, self._conn, self._busy
        if process is None:
            return
        _kill(process)
        if not busy:
            self._discard(process, conn)

    def close(self) -> None:
        """End the child: asked to leave, killed if it does not within a second."""
        with self._lock:
            process, conn = self._process, self._conn
        if process is None:
            return
        with contextlib.suppress(OSError, ValueError):
            conn.send(None)
        process.join(1)
        self._discard(process, conn)

    def _discard(self, process: Any, conn: Any) -> None:
        """Kill (if need be), collect and forget a child, so it leaves no zombie behind."""
        with self._reap_lock:
            if getattr(process, "_closed", False):
                return  # another thread collected it
            _kill(process)
            process.join()
            with self._lock:
                if self._process is process:
                    self._process = self._conn = None
            with contextlib.suppress(OSError):
                conn.close()
            process.close()


_DIED = object()


def _kill(process: Any) -> None:
    try:
        if process.is_alive():
            process.kill()
    except (AssertionError, ValueError, OSError):  # not started, closed, or already gone
        pass


# --------------------------------------------------------------------------- in the child


def _child_main(conn: Any, reader: Reader, memory_bytes: int | None, seconds: float) -> None:
    """The child's loop: read each path the parent sends and send back what came of it."""
    import signal

    # Ctrl+C in a terminal reaches the whole process group: the parent decides what it means
    # (the command line stops, the window closes) and ends this child itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent()
    if reader is read_file:
        import annotator.services.importers  # noqa: F401  (imported before the clock runs)
    _limit_memory(memory_bytes)
    conn.send(("ready", None))
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return
        if path is None:
            return
        _prepare_for(path)
        conn.send(("reading", None))  # the file's clock starts now
        _limit_cpu(seconds)
        conn.send(_read_one(reader, path))


# A small sample of each kind, read once per child before the first file of that kind so that
# loading the parser (trafilatura, lxml, ftfy...) is not counted against that file.
_SAMPLES = {
    ".txt": ("sample.txt", b"A sample sentence.\n"),
    ".text": ("sample.txt", b"A sample sentence.\n"),
    ".md": ("sample.md", b"# Sample\n\nA *sample* sentence.\n"),
    ".markdown": ("sample.md", b"# Sample\n\nA *sample* sentence.\n"),
    ".html": ("sample.html", b"<html><head><title>Sample</title></head><body><article><p>A sample "
                             b"sentence.</p></article></body></html>"),
    ".htm": ("sample.html", b"<html><body><p>A sample sentence.</p></body></html>"),
}
_PARSER_MODULES = {".docx": ("docx",), ".pdf": ("pypdf",)}
_prepared: set[str] = set()


def _prepare_for(path: str) -> None:
    suffix = Path(path).suffix.lower()
    if suffix in _prepared:
        return
    _prepared.add(suffix)
    try:
        if suffix in _SAMPLES:
            from annotator.services.importers import read_bytes

            read_bytes(_SAMPLES[suffix][1], _SAMPLES[suffix][0])
        for module in _PARSER_MODULES.get(suffix, ()):
            __import__(module)
    except Exception:  # the real read will say what is wrong
        pass


def _read_one(reader: Reader, path: str) -> tuple[str, Any]:
    try:
        return "ok", reader(path)
    except MemoryError:
        return "memory", None
    except ImportFailure as exc:
        if _ran_out_of_memory(exc):
            return "memory", None
        return "failed", str(exc)
    except Exception as exc:  # a reader bug must not lose the rest of the batch
        return "error", f"{exc.__class__.__name__}: {exc}" if str(exc) else exc.__class__.__name__


def _ran_out_of_memory(exc: BaseException) -> bool:
    """Whether ``exc`` is the importers' word for a MemoryError (they wrap it)."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, MemoryError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _limit_memory(memory_bytes: int | None) -> None:
    """Cap the child's address space at what it uses now plus ``memory_bytes``; past it an
    allocation fails with MemoryError instead of the machine swapping."""
    if not memory_bytes:
        return
    try:
        import resource
    except ImportError:  # Windows: the time limit still applies
        return
    try:
        in_use = _address_space_bytes()
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = in_use + memory_bytes
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):  # macOS refuses or ignores it: the time limit still applies
        pass


def _address_space_bytes() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_cpu(seconds: float) -> None:
    """A last resort if the app itself is gone: the kernel ends a child that has computed
    for much longer than one file may take, so an orphan cannot spin for ever."""
    try:
        import resource
    except ImportError:
        return
    try:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        used = usage.ru_utime + usage.ru_stime
        _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        limit = int(used + 2 * seconds + 10)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))
    except (ValueError, OSError):
        pass


def exit_with_parent() -> None:
    """In a child process (the reader here, the app's scoring process): leave as soon as the
    app's process is gone, even when it was killed and could not say goodbye (an orphan
    would hold memory for nothing)."""
    import multiprocessing
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()

