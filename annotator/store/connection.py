"""The project file's connection as the store uses it, without loading sqlite-utils.

sqlite-utils builds and migrates the schema (``store.schema``), but importing it costs
about 0.15 s of the app's start-up, mostly for its command-line side (click, dateutil,
pluggy); an up-to-date project is opened and edited through :class:`Connection` alone,
and sqlite-utils loads only when a file is created, migrated or merged
(:func:`database`).

:class:`Connection` keeps sqlite-utils' transaction rules, so the store behaves the same
whichever opened the file: a write outside a transaction is committed at once (and a
failed one leaves no transaction open), and :meth:`Connection.atomic` nests as savepoints.
"""

from __future__ import annotations

import itertools
import sqlite3
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database

_savepoints = itertools.count(1)
_EXPLICIT = ("BEGIN", "SAVEPOINT")  # statements that open a transaction on purpose


class Connection:
    """One SQLite connection to a project file (``conn`` is the ``sqlite3`` one)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils sets it

    def execute(self, sql: str, parameters: Sequence | dict[str, Any] | None = None) -> sqlite3.Cursor:
        """Run one statement. A write outside a transaction (which the ``sqlite3`` module
        opens implicitly before it) is committed before this returns."""
        was_open = self.conn.in_transaction
        try:
            cursor = self.conn.execute(sql) if parameters is None else self.conn.execute(sql, parameters)
        except Exception:
            if not was_open and self.conn.in_transaction:  # never leave a half-begun write open
                self.conn.execute("ROLLBACK")
            raise
        if (not was_open and self.conn.in_transaction and cursor.description is None
                and not sql.lstrip().upper().startswith(_EXPLICIT)):
            self.conn.execute("COMMIT")
        return cursor

    @contextmanager
    def atomic(self) -> Iterator[Connection]:
        """One transaction around the block: committed when it ends, rolled back if it
        raises. Inside another transaction it is a savepoint of that one."""
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            return
        name = f"annotator_{next(_savepoints)}"
        self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:  # a ROLLBACK raised inside may have ended it all
                self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                self.conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        self.conn.execute(f"RELEASE SAVEPOINT {name}")

    def close(self) -> None:
        self.conn.close()


def connect(path: str, **kwargs: Any) -> Connection:
    """Open ``path`` (a file name, or a URI with ``uri=True``) with the store's settings."""
    kwargs.setdefault("check_same_thread", False)  # used by one thread at a time, but may be closed by another
    return Connection(sqlite3.connect(path, **kwargs))


def import_sqlite_utils() -> None:
    """Load sqlite-utils, as if numpy were absent when that is safe. sqlite-utils imports
    numpy when it is installed (spaCy brings it), only so that inserts accept numpy values;
    the store never passes any, and numpy takes about 0.1 s to load. Hiding numpy is safe only
    while no other thread runs: a thread importing numpy meanwhile (the app's scoring) would
    fail. numpy itself stays importable."""
    if "sqlite_utils" in sys.modules or "numpy" in sys.modules:
        return
    if threading.active_count() > 1:
        import sqlite_utils
        return
    # `import numpy` raises ImportError while this is set (documented for sys.modules, but
    # typeshed only allows modules there).
    sys.modules["numpy"] = None  # type: ignore[assignment]
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del sys.modules["numpy"]


def database(connection: Connection | sqlite3.Connection) -> Database:
    """sqlite-utils' view of the same connection, to create or migrate the schema. Plugins
    installed for sqlite-utils are not run on project files."""
    import_sqlite_utils()
    from sqlite_utils import Database

    conn = connection.conn if isinstance(connection, Connection) else connection
    return Database(conn, execute_plugins=False)
