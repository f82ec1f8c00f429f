"""Queries and edits on an open project. Every edit is one committed transaction.

Methods take and return :mod:`annotator.core.model` dataclasses. Validation
that needs domain knowledge (self-links, duplicate links, offsets inside the
text) lives in the services; this layer enforces what the schema enforces and
turns SQLite errors into domain errors.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from operator import attrgetter, itemgetter
from pathlib import Path
from types import EllipsisType


from annotator.core.clock import Clock, SystemClock
from annotator.core.errors import (
    DuplicateDocumentError,
    NotFoundError,
    ProjectError,
    ValidationError,
)
from annotator.core.ids import new_id
from annotator.core.model import (
    AddedRows,
    Claim,
    ClaimType,
    Counts,
    Document,
    Link,
    LinkEnds,
    Rating,
    Relation,
    Source,
    Verdict,
    claim_fields,
)
from annotator.core.text import sha256_text
from annotator.store.connection import Connection
from annotator.store.locking import ProjectLock
from annotator.store.versions import EVERYTHING_CHANGED

_DOC_META_COLUMNS = (
    "id, source_id, title, author, url, published, retrieved, original_filename, "
    "import_format, sha256, length, created_at, updated_at"
)
_CLAIM_COLUMNS = (
    "id, document_id, start_offset, end_offset, quote, prefix, suffix, type_id, note, "
    "annotator, created_at, updated_at"
)
_CREATED, _UPDATED = attrgetter("created_at"), attrgetter("updated_at")
_LINK_COLUMNS = "id, from_claim_id, to_claim_id, relation, note, annotator, created_at, updated_at"
_VERDICT_COLUMNS = ("id, claim_id, rating, note, evidence_url, annotator, created_at, updated_at, decides, rated_at, "
                    "review_url")
_ROWS_PER_INSERT = 500  # rows one INSERT statement of a bulk write takes at most (see ProjectStore._write_many)


def _source(row) -> Source:
    return Source(*row)


def _document(row, text: str | None = None) -> Document:
    (id_, source_id, title, author, url, published, retrieved, original_filename,
     import_format, sha256, length, created_at, updated_at) = row
    return Document(
        id=id_, title=title, text=text, source_id=source_id, author=author, url=url,
        published=published, retrieved=retrieved, original_filename=original_filename,
        import_format=import_format, sha256=sha256, length=length,
        created_at=created_at, updated_at=updated_at,
    )


def _claim(row) -> Claim:
    return Claim(*row)


# Stored values to their enum members through a plain dict: calling Relation(value) or
# Rating(value) per row costs more than the rest of the row when a project has 100,000 links.
_RELATIONS = {r.value: r for r in Relation}
_RATINGS = {r.value: r for r in Rating}
# A member or its value (string enums: the same key) to the value stored, with one look-up
_RELATION_VALUE: dict[str, str] = {r.value: r.value for r in Relation}
_RATING_VALUE: dict[str, str] = {r.value: r.value for r in Rating}
_BEFORE_ANY_CHANGE = (0, "", "")  # the change mark of an empty change log (see ProjectStore.change_mark)


def _relation(value: str) -> Relation:
    found = _RELATIONS.get(value)
    return found if found is not None else Relation(value)  # (an unknown value raises as before)


def _rating(value: str) -> Rating:
    found = _RATINGS.get(value)
    return found if found is not None else Rating(value)


def _link(row) -> Link:
    id_, from_id, to_id, relation, note, annotator, created_at, updated_at = row
    return Link(id_, from_id, to_id, _relation(relation), note, annotator, created_at, updated_at)


def _verdict(row) -> Verdict:
    id_, claim_id, rating, note, evidence_url, annotator, created_at, updated_at, decides, rated_at, review_url = row
    return Verdict(id_, claim_id, _rating(rating), note, evidence_url, annotator, created_at, updated_at,
                   bool(decides), rated_at, review_url)


def _json_list(values: Iterable[str]) -> str:
    return json.dumps(list(values))


_FTS_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


def fts_query(user_text: str) -> str:
    """Turn what a person types into a safe FTS5 query.

    Words are ANDed; "quoted phrases" stay phrases; a trailing ``*`` keeps
    prefix search. Every token is quoted, so punctuation such as ``O'Brien``,
    ``3M`` or ``-`` never raises an FTS syntax error.
    """
    parts = []
    user_text = user_text.replace("\x00", " ")
    for phrase, word in _FTS_TOKEN.findall(user_text):
        token = phrase if phrase else word
        star = token.endswith("*") and len(token) > 1
        token = token.rstrip("*") if star else token
        token = token.replace('"', '""').strip()
        if token:
            parts.append(f'"{token}"' + ("*" if star else ""))
    return " ".join(parts)


def _term_pattern(user_text: str) -> re.Pattern | None:
    terms = []
    for phrase, word in _FTS_TOKEN.findall(user_text):
        token = (phrase or word).rstrip("*")
        words = re.findall(r"\w+", token)
        if words:
            terms.append(r"\W+".join(re.escape(w) for w in words))
    if not terms:
        return None
    return re.compile(r"\b(?:" + "|".join(sorted(terms, key=len, reverse=True)) + ")", re.IGNORECASE)


def _snippet(text: str, user_text: str, width: int = 60) -> tuple[int, int, str]:
    """(start and length of the first hit, a one-line excerpt with [hits] marked)."""
    pattern = _term_pattern(user_text)
    first = pattern.search(text) if pattern else None
    if pattern is None or first is None:  # e.g. only the title matched, or diacritics differ
        return 0, 0, " ".join(text[: 2 * width].split())
    start, end = max(0, first.start() - width), min(len(text), first.end() + width)
    excerpt = pattern.sub(lambda m: f"[{m.group(0)}]", text[start:end])
    excerpt = " ".join(excerpt.split())
    return first.start(), first.end() - first.start(), (
        ("… " if start else "") + excerpt + (" …" if end < len(text) else ""))


class ProjectStore:
    """An open project file. Not thread-safe: use it from one thread.

    ``clock`` stamps ``created_at``/``updated_at`` (the system clock unless given;
    tests give a :class:`~annotator.core.clock.TickingClock`).
    """

    def __init__(self, db: Connection, path: Path, clock: Clock | None = None, *, lock: ProjectLock | None = None,
                 reader: bool = False):
        self.db = db
        self.path = Path(path)
        self._lock = lock  # held while this store may write (see store.locking)
        self._reader = reader  # a second connection that only reads (store.opening.open_reader)
        self.clock: Clock = clock or SystemClock()
        self._recorders: list[AddedRows] = []
        self._syncs_deferred = False
        # Document texts read lately. A text never changes once imported, and reading a 5 MB
        # one takes milliseconds: a Ctrl+E in it read it twice.
        self._texts: OrderedDict[str, str] = OrderedDict()
        self._texts_lock = threading.Lock()
        self._texts_forgotten = 0  # counts removals: a read that overlapped one keeps nothing
        self._in_blocks = False  # inside filling(): bulk inserts go a block of rows per statement

    # -- lifecycle -------------------------------------------------------------------
    def defer_checkpoints(self) -> None:
        """Stop this connection's automatic checkpoint, which copies the write-ahead log into
        the file during whichever commit crosses 1,000 pages: tens to hundreds of
        milliseconds inside an ordinary edit. Whoever calls this runs ``checkpoint(path)``
        (``store.opening``) from another thread instead; edits stay as durable as before
        (each commit is synced to the log), and ``close`` still checkpoints."""
        self.db.execute("PRAGMA wal_autocheckpoint = 0")

    def defer_syncs(self) -> bool:
        """Commit without waiting for the disk; True if this project's journal allows it.

        With ``synchronous=FULL`` each commit waits for the disk to confirm the log write:
        usually a millisecond, but now and then 50-160 ms while the file system flushes its
        own journal, and that wait was the slowest edit of a session. After this call a
        commit returns once the log is written (an app crash still loses nothing: the
        operating system has the write) and whoever called this syncs the log with
        ``sync_journal(path)`` (``store.opening``) from another thread at once, which
        restores power-cut safety a moment later. Only a write-ahead log allows it: in the
        rollback-journal fallback the file stays on FULL."""
        mode = self.db.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != "wal":
            return False
        self.db.execute("PRAGMA synchronous = NORMAL")
        self._syncs_deferred = True
        return True

    def sync_each_commit(self) -> None:
        """Back to waiting for the disk at every commit (the journal could not be synced)."""
        self.db.execute("PRAGMA synchronous = FULL")
        self._syncs_deferred = False

    def journal_path(self) -> Path:
        """The write-ahead log SQLite writes: beside the real file, even when the project was
        opened through a symbolic link."""
        row = next((r for r in self.db.execute("PRAGMA database_list") if r[1] == "main"), None)
        real = Path(row[2]) if row and row[2] else self.path.resolve()
        return real.with_name(real.name + "-wal")

    def close(self, *, record: Path | None = None) -> None:
        """Close the file (``record``: where its clean close is noted; see store.closes). A
        reader only lets go of its connection: the closing checkpoint is the writer's. (A
        worker's reader that checkpointed took the log's write lock for that moment, and the
        window's next edit, begun with a read, was refused at once: "database is locked".)"""
        if self._reader:
            self.db.close()
            return
        unsynced = self._syncs_deferred
        try:
            self.db.execute("PRAGMA synchronous = FULL")  # the closing checkpoint is synced
            self.db.execute("PRAGMA optimize")
            busy, log, copied = self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            unsynced = unsynced and (busy != 0 or log != copied)  # a reader kept part of the log
        except sqlite3.Error:
            pass
        if unsynced:  # what stays in the log must reach the disk before the file is let go
            from annotator.store.opening import sync_journal

            with suppress(Exception):
                sync_journal(self.journal_path())
        self.db.close()
        if self._lock is not None:
            from annotator.store import closes

            try:
                closes.remember(self.path, record)  # still locked: nobody else wrote since (see store.closes)
            finally:
                self._lock.release()
                self._lock = None

    def close_in_background(self) -> None:
        """Close from a thread of its own: the closing checkpoint copies the write-ahead log
        into the file and syncs it (a fifth of a second after a session of edits at 100,000
        claims), which the window need not wait for when it opens another project. The store
        must not be used after this call. Opening the same file again waits for the close
        (``wait_for_close``), and the interpreter waits for it before it exits."""
        from annotator.store import closes

        record = None  # where the clean close is recorded, as of now (none: no record, a full read next time)
        with suppress(OSError):
            record = closes.record_file()

        def close() -> None:
            try:
                self.close(record=record)
            finally:
                closes.closed(self.path, thread)

        thread = threading.Thread(target=close, name=f"close {self.path.name}")
        closes.closing(self.path, thread)
        thread.start()

    def restore_backup(self, backup: str | Path) -> None:
        """Replace everything in this project with a backup's contents (see store.backups);
        the caller has taken a backup of the current state first."""
        from annotator.store import backups

        if self.db.conn.in_transaction:
            raise ProjectError("A backup cannot be restored in the middle of a change.")
        try:
            backups.restore(self.db.conn, Path(backup))
        finally:
            with self._texts_lock:
                self._texts.clear()  # documents the backup lacks are gone
                self._texts_forgotten += 1

    #: Rows from which a change is logged as "everything changed" rather than row by row.
    BULK_ROWS = 2000

    @contextmanager
    def bulk_change(self, rows: int) -> Iterator[None]:
        """A transaction for a change of ``rows`` rows. From :data:`BULK_ROWS` on (a CSV load, a
        merge, their undo), the change log (migration 0007) gets one entry saying that
        everything changed instead of one per row: its triggers are set aside for the change
        and put back as they were, in the same transaction (a failure rolls them back too).
        Logging 220,000 rows one by one made a load of 100,000 claims 15% slower, and a
        reader catching up on them reads more than it would reading the project again."""
        with self.transaction():
            triggers = [] if rows < self.BULK_ROWS else self.db.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\\_logged\\_%' "
                "ESCAPE '\\'").fetchall()
            for name, _sql in triggers:
                self.db.execute(f'DROP TRIGGER "{name}"')
            yield
            for _name, sql in triggers:
                self.db.execute(sql)
            if triggers:
                self.db.execute("INSERT INTO change_log (tbl, row_id) VALUES (?, ?)",
                                [EVERYTHING_CHANGED, new_id()])

    @contextmanager
    def filling(self, tables: Iterable[str]) -> Iterator[None]:
        """A bulk write into ``tables`` (see :meth:`_write_many`), for a transaction begun inside
        the block. When they hold no rows yet, rows go in blocks of many per statement, with
        SQLite's journals in memory: 100,000 claims and links went in 20% quicker than one
        statement per row. A statement of many rows keeps the pages it changes in a journal
        for as long as the transaction's savepoint is open; as a temporary file that took
        580 MB of writes for this load, and in memory it stays small while the tables start
        empty, but grows with what they hold (151 MB more for a load into 300,000 claims,
        measured in review): then rows go one statement each, as before."""
        tables = list(tables)
        if not set(tables) <= {"claims", "links", "verdicts"}:
            raise ValueError(f"not a table bulk writes fill: {tables}")
        if self.db.conn.in_transaction or any(
                self.db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() for table in tables):
            yield
            return
        stored, was = self.db.execute("PRAGMA temp_store").fetchone()[0], self._in_blocks
        self.db.execute("PRAGMA temp_store = MEMORY")
        self._in_blocks = True
        try:
            yield
        finally:
            self._in_blocks = was  # (as it was: one filling may hold another)
            self.db.execute(f"PRAGMA temp_store = {int(stored)}")

    @contextmanager
    def read_transaction(self) -> Iterator[None]:
        """Reads inside see one state of the project, whatever another connection commits
        meanwhile (for a read-only connection's snapshot)."""
        self.db.execute("BEGIN")
        try:
            yield
        finally:
            self.db.execute("COMMIT")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several edits into one commit (nested uses become savepoints). A commit the
        file refuses (a full disk, an I/O error, another program's lock) is rolled back and
        raised as a ProjectError that says nothing was changed."""
        outermost = not self.db.conn.in_transaction
        try:
            with self.db.atomic():
                yield
        except sqlite3.Error as exc:
            if outermost and self.db.conn.in_transaction:  # a failed COMMIT leaves it open
                with suppress(sqlite3.Error):
                    self.db.conn.rollback()
            if isinstance(exc, sqlite3.IntegrityError):
                raise ValidationError(f"The change was refused: {exc}.") from None
            raise ProjectError(self._not_saved(exc)) from None

    def _not_saved(self, exc: sqlite3.Error) -> str:
        """Why an edit did not reach the file; a write error (a full disk, a file-size limit,
        a failing drive) comes with what to do about it."""
        advice = "try again"
        if "disk" in str(exc) or "full" in str(exc):
            advice = "free some disk space (or check the drive), then try again"
        return f"The change could not be saved to {self.path.name} ({exc}). Nothing was changed; {advice}."

    @contextmanager
    def recording(self) -> Iterator[AddedRows]:
        """Collect every document, claim, link and verdict inserted inside the block, and every
        row overwritten with :meth:`replace_row`."""
        added = AddedRows()
        self._recorders.append(added)
        try:
            yield added
        finally:
            self._recorders.remove(added)

    def _execute(self, sql: str, params: Iterable = ()) -> sqlite3.Cursor:
        try:
            return self.db.execute(sql, list(params))
        except sqlite3.IntegrityError as exc:
            raise ValidationError(f"The change was refused: {exc}.") from None
        except sqlite3.OperationalError as exc:  # locked by another program, read-only, disk full
            raise ProjectError(self._not_saved(exc)) from None

    def _write(self, sql: str, params: Iterable = ()) -> sqlite3.Cursor:
        with self.transaction():
            return self._execute(sql, params)

    def _stamp(self, rows: Sequence[Claim] | Sequence[Link] | Sequence[Verdict]) -> None:
        """Rows of a bulk insert without a time of creation or of change get now."""
        if all(map(_CREATED, rows)) and all(map(_UPDATED, rows)):  # (loaded rows have theirs: checked at once)
            return
        stamp = self.clock.now_iso()
        for row in rows:
            row.created_at = row.created_at or stamp
            row.updated_at = row.updated_at or stamp

    def _stamped(self, rows: list[tuple], created: int) -> list[tuple]:
        """:meth:`_stamp` of rows given as tuples whose times of creation and of change stand
        at ``created`` and the place after it, last."""
        if all(map(itemgetter(created), rows)) and all(map(itemgetter(created + 1), rows)):
            return rows
        stamp = self.clock.now_iso()
        return [(*row[:created], row[created] or stamp, row[created + 1] or stamp) for row in rows]

    def _write_many(self, table: str, columns: str, rows: Iterable[tuple]) -> None:
        """Insert many rows into ``table`` in one savepoint: all are written or none. ``rows``
        may be made as they are written (100,000 tuples at once held 15 MB). Inside
        :meth:`filling` each statement takes a block of rows (``VALUES (…), (…), …``), as
        many as SQLite's limit on a statement's parameters allows; otherwise one statement
        runs for each row."""
        width = columns.count(",") + 1
        one = f"({', '.join('?' * width)})"
        per = min(_ROWS_PER_INSERT, self.db.conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width) \
            if self._in_blocks else 1
        with self.transaction():
            try:
                if per <= 1:
                    self.db.conn.executemany(f"INSERT INTO {table} ({columns}) VALUES {one}", rows)
                    return
                full = f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * per)}"
                rows = iter(rows)
                while block := list(itertools.islice(rows, per)):
                    self.db.conn.execute(full if len(block) == per else
                                         f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(block))}",
                                         list(itertools.chain.from_iterable(block)))
            except sqlite3.IntegrityError as exc:
                raise ValidationError(f"The change was refused: {exc}.") from None
            except sqlite3.OperationalError as exc:
                raise ProjectError(self._not_saved(exc)) from None

    # -- metadata --------------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT key, value FROM project_meta").fetchall())

    def set_meta(self, key: str, value: str) -> None:
        self._write(
            "INSERT INTO project_meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    @property
    def name(self) -> str:
        return self.meta().get("name") or self.path.stem

    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def applied_migrations(self) -> list[str]:
        return [row[0] for row in self.db.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'annotator' ORDER BY rowid")]

    def counts(self) -> Counts:
        (values,) = self.db.execute(
            "SELECT (SELECT count(*) FROM sources), (SELECT count(*) FROM documents), "
            "(SELECT count(*) FROM claims), (SELECT count(*) FROM links), "
            "(SELECT count(*) FROM verdicts)"
        ).fetchall()
        return Counts(*values)

    def claim_count(self, at_most: int | None = None) -> int:
        """How many claims there are, or (``at_most``) that many if there are more: a count
        that stops early (counting all 100,000 of a project just opened reads the whole
        index, up to 20 ms)."""
        if at_most is None:
            return self.db.execute("SELECT count(*) FROM claims").fetchone()[0]
        return self.db.execute("SELECT count(*) FROM (SELECT 1 FROM claims LIMIT ?)", (at_most,)).fetchone()[0]

    def integrity_check(self) -> str:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0]

    # -- sources ---------------------------------------------------------------------
    def add_source(self, name: str, url: str | None = None, kind: str | None = None,
                   notes: str | None = None, *, id: str | None = None) -> Source:
        name = (name or "").strip()
        if not name:
            raise ValidationError("A source needs a name.")
        if self.source_by_name(name) is not None:
            raise ValidationError(f"There is already a source called “{name}”.")
        stamp = self.clock.now_iso()
        source = Source(id or new_id(), name, url, kind, notes, stamp, stamp)
        self._write(
            "INSERT INTO sources (id, name, url, kind, notes, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [source.id, source.name, source.url, source.kind, source.notes, stamp, stamp],
        )
        return source

    def ensure_source(self, name: str, **fields) -> Source:
        """The source with this name (case-insensitive), created if missing."""
        return self.source_by_name(name) or self.add_source(name, **fields)

    def source(self, source_id: str) -> Source:
        row = self.db.execute(
            "SELECT id, name, url, kind, notes, created_at, updated_at FROM sources WHERE id = ?",
            [source_id]).fetchone()
        if row is None:
            raise NotFoundError(f"No source with id {source_id}.")
        return _source(row)

    def source_by_name(self, name: str) -> Source | None:
        row = self.db.execute(
            "SELECT id, name, url, kind, notes, created_at, updated_at FROM sources "
            "WHERE name = ? COLLATE NOCASE", [name.strip()]).fetchone()
        return _source(row) if row else None

    def sources(self) -> list[Source]:
        return [_source(r) for r in self.db.execute(
            "SELECT id, name, url, kind, notes, created_at, updated_at FROM sources "
            "ORDER BY name COLLATE NOCASE")]

    def update_source(self, source_id: str, **fields) -> Source:
        allowed = {"name", "url", "kind", "notes"}
        bad = set(fields) - allowed
        if bad:
            raise ValueError(f"Unknown source fields: {sorted(bad)}")
        if "name" in fields:
            fields["name"] = (fields["name"] or "").strip()
            if not fields["name"]:
                raise ValidationError("A source needs a name.")
            other = self.source_by_name(fields["name"])
            if other is not None and other.id != source_id:
                raise ValidationError(f"There is already a source called “{fields['name']}”.")
        self._update("sources", source_id, fields)
        return self.source(source_id)

    def delete_source(self, source_id: str) -> None:
        """Delete a source; documents filed under it are left without one (ON DELETE SET NULL)."""
        self._delete("sources", source_id)

    # -- documents -------------------------------------------------------------------
    def add_document(self, text: str, title: str, *, source_id: str | None = None,
                     author: str | None = None, url: str | None = None,
                     published: str | None = None, retrieved: str | None = None,
                     original_filename: str | None = None, import_format: str | None = None,
                     id: str | None = None, created_at: str | None = None,
                     updated_at: str | None = None) -> Document:
        """Store a document. Raises DuplicateDocumentError if the same text is already here.

        ``created_at``/``updated_at`` are given when a document comes back (undo, redo) with
        the times it had; otherwise the clock stamps both."""
        digest = sha256_text(text)
        existing = self.document_by_hash(digest)
        if existing is not None:
            raise DuplicateDocumentError(
                f"This text is already in the project as “{existing.title}”.", existing.id)
        stamp = self.clock.now_iso()
        doc = Document(
            id=id or new_id(), title=title.strip() or "Untitled", text=text, source_id=source_id,
            author=author, url=url, published=published, retrieved=retrieved or stamp[:10],
            original_filename=original_filename, import_format=import_format, sha256=digest,
            length=len(text), created_at=created_at or stamp, updated_at=updated_at or stamp,
        )
        self._write(
            "INSERT INTO documents (id, source_id, title, author, url, published, retrieved, "
            "original_filename, import_format, sha256, text, length, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [doc.id, doc.source_id, doc.title, doc.author, doc.url, doc.published, doc.retrieved,
             doc.original_filename, doc.import_format, doc.sha256, text, doc.length, doc.created_at,
             doc.updated_at],
        )
        self._forget_text(doc.id)
        for recorder in self._recorders:
            recorder.documents.append(doc)
        return doc

    def document(self, document_id: str, *, with_text: bool = True) -> Document:
        row = self.db.execute(
            f"SELECT {_DOC_META_COLUMNS}{', text' if with_text else ''} FROM documents WHERE id = ?",
            [document_id]).fetchone()
        if row is None:
            raise NotFoundError(f"No document with id {document_id}.")
        return _document(row[:13], row[13] if with_text else None)

    TEXTS_KEPT = 8
    TEXT_CHARS_KEPT = 30_000_000

    def document_text(self, document_id: str) -> str:
        with self._texts_lock:
            text = self._texts.get(document_id)
            if text is not None:
                self._texts.move_to_end(document_id)
                return text
            forgotten = self._texts_forgotten
        text = self._read_text(document_id)
        if not self.db.conn.in_transaction:  # (inside one, the document might yet be rolled back)
            with self._texts_lock:
                if forgotten != self._texts_forgotten:  # deleted or restored meanwhile
                    return text
                self._texts[document_id] = text
                while len(self._texts) > 1 and (len(self._texts) > self.TEXTS_KEPT or sum(
                        len(t) for t in self._texts.values()) > self.TEXT_CHARS_KEPT):
                    self._texts.popitem(last=False)
        return text

    def _forget_text(self, document_id: str) -> None:
        with self._texts_lock:
            self._texts.pop(document_id, None)
            self._texts_forgotten += 1

    def document_label(self, document_id: str) -> tuple[str, str | None]:
        """A document's title and source id, read without walking its text (the columns
        after the text in a row are reached only through it)."""
        row = self.db.execute("SELECT title, source_id FROM documents WHERE id = ?", [document_id]).fetchone()
        if row is None:
            raise NotFoundError(f"No document with id {document_id}.")
        return row[0], row[1]

    def _read_text(self, document_id: str) -> str:
        try:
            row = self.db.execute("SELECT text FROM documents WHERE id = ?", [document_id]).fetchone()
        except sqlite3.OperationalError:  # bytes damaged on disk: show the rest of the text
            row = self.db.execute("SELECT CAST(text AS BLOB) FROM documents WHERE id = ?", [document_id]).fetchone()
            row = None if row is None else (row[0].decode("utf-8", "replace"),)
        if row is None:
            raise NotFoundError(f"No document with id {document_id}.")
        return row[0]

    def document_by_hash(self, sha256: str) -> Document | None:
        row = self.db.execute(
            f"SELECT {_DOC_META_COLUMNS} FROM documents WHERE sha256 = ?", [sha256]).fetchone()
        return _document(row) if row else None

    def documents(self, source_id: str | None = None) -> list[Document]:
        """Documents without their text, ordered by source then title."""
        where, params = ("WHERE source_id = ?", [source_id]) if source_id else ("", [])
        return [_document(r) for r in self.db.execute(
            f"SELECT {_DOC_META_COLUMNS} FROM documents {where} "
            "ORDER BY source_id, title COLLATE NOCASE, created_at", params)]

    def update_document(self, document_id: str, **fields) -> Document:
        allowed = {"title", "source_id", "author", "url", "published", "retrieved"}
        bad = set(fields) - allowed
        if bad:
            raise ValueError(f"Unknown document fields: {sorted(bad)}")
        self._update("documents", document_id, fields)
        return self.document(document_id, with_text=False)

    def delete_document(self, document_id: str) -> None:
        """Delete a document; its claims go with it, and their links and verdicts with them
        (ON DELETE CASCADE)."""
        self._forget_text(document_id)
        self._delete("documents", document_id)

    def document_rows(self, document_id: str) -> AddedRows:
        """A document with its text and everything that hangs off it: its claims, their
        verdicts, and every link touching one of them (from whichever document), in the
        shape :meth:`insert_rows` puts back."""
        document = self.document(document_id)
        claims = self.claims(document_id)
        own = "(SELECT id FROM claims WHERE document_id = ?)"
        verdicts = [_verdict(r) for r in self.db.execute(
            f"SELECT {_VERDICT_COLUMNS} FROM verdicts WHERE claim_id IN {own} ORDER BY claim_id, updated_at, id",
            [document_id])]
        links = [_link(r) for r in self.db.execute(
            f"SELECT {_LINK_COLUMNS} FROM links WHERE from_claim_id IN {own} OR to_claim_id IN {own} "
            "ORDER BY created_at, id", [document_id, document_id])]
        return AddedRows([document], claims, links, verdicts)

    def insert_rows(self, rows: AddedRows) -> None:
        """Insert documents, claims, verdicts and links with their ids and times, in one commit
        (a deleted document coming back, the redo of a bulk edit)."""
        with self.transaction():
            for d in rows.documents:
                self.add_document(d.text or "", d.title, source_id=d.source_id, author=d.author, url=d.url,
                                  published=d.published, retrieved=d.retrieved,
                                  original_filename=d.original_filename, import_format=d.import_format,
                                  id=d.id, created_at=d.created_at, updated_at=d.updated_at)
            for claim in rows.claims:
                self.insert_claim(claim)
            for verdict in rows.verdicts:
                self.insert_verdict(verdict)
            for link in rows.links:
                self.insert_link(link)

    def search(self, query: str, limit: int = 50) -> list[dict]:
        """Full-text search, best first: document id, title, source, snippet, hit offset.

        FTS5 finds and ranks the documents; the snippet and the offset of the
        first hit are found in Python, because FTS5's snippet() re-tokenises
        the whole text and takes seconds on a multi-megabyte article.
        """
        match = fts_query(query)
        if not match:
            return []
        rows = self.db.execute(
            "SELECT d.id, d.title, s.name, bm25(documents_fts) AS rank "
            "FROM documents_fts JOIN documents d ON d.doc_no = documents_fts.rowid "
            "LEFT JOIN sources s ON s.id = d.source_id "
            "WHERE documents_fts MATCH ? ORDER BY rank LIMIT ?",
            [match, limit]).fetchall()
        hits = []
        for doc_id, title, source, rank in rows:
            offset, length, snippet = _snippet(self.document_text(doc_id), query)
            hits.append({"document_id": doc_id, "title": title, "source": source,
                         "snippet": snippet, "offset": offset, "length": length, "rank": rank})
        return hits

    # -- claim types -----------------------------------------------------------------
    def claim_types(self) -> list[ClaimType]:
        return [ClaimType(*r) for r in self.db.execute(
            "SELECT id, name, color, description, position FROM claim_types "
            "ORDER BY position, name COLLATE NOCASE")]

    def add_claim_type(self, name: str, color: str, description: str | None = None,
                       *, id: str | None = None) -> ClaimType:
        name = name.strip()
        if not name:
            raise ValidationError("A claim type needs a name.")
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
            raise ValidationError(f"“{color}” is not a colour like #ffcc00.")
        position = self.db.execute("SELECT coalesce(max(position), -1) + 1 FROM claim_types").fetchone()[0]
        ctype = ClaimType(id or new_id(), name, color.lower(), description, position)
        self._write("INSERT INTO claim_types (id, name, color, description, position) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [ctype.id, ctype.name, ctype.color, ctype.description, ctype.position])
        return ctype

    def update_claim_type(self, type_id: str, **fields) -> None:
        bad = set(fields) - {"name", "color", "description", "position"}
        if bad:
            raise ValueError(f"Unknown claim type fields: {sorted(bad)}")
        self._update("claim_types", type_id, fields, stamp=False)

    def delete_claim_type(self, type_id: str) -> None:
        self._delete("claim_types", type_id)

    # -- claims ----------------------------------------------------------------------
    def insert_claim(self, claim: Claim) -> Claim:
        """Insert a fully formed claim (the service computes quote and context)."""
        stamp = self.clock.now_iso()
        claim.created_at = claim.created_at or stamp
        claim.updated_at = claim.updated_at or stamp
        self._write(
            f"INSERT INTO claims ({_CLAIM_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [claim.id, claim.document_id, claim.start, claim.end, claim.quote, claim.prefix,
             claim.suffix, claim.type_id, claim.note, claim.annotator, claim.created_at,
             claim.updated_at],
        )
        for recorder in self._recorders:
            recorder.claims.append(claim)
        return claim

    def insert_claims(self, claims: list[Claim]) -> None:
        """Insert many fully formed claims with one statement, all or none (a load of 100,000
        rows: one statement and one savepoint each took a third of it). Raises like
        :meth:`insert_claim` when one is refused; then none is inserted."""
        self._stamp(claims)
        self._write_many("claims", _CLAIM_COLUMNS, map(claim_fields, claims))
        for recorder in self._recorders:
            recorder.claims.extend(claims)

    def insert_claim_rows(self, rows: list[tuple]) -> None:
        """:meth:`insert_claims` of claims given as rows of their fields in :class:`Claim`'s
        order (what a load writes as planned, without making an object for each)."""
        rows = self._stamped(rows, 10)
        self._write_many("claims", _CLAIM_COLUMNS, rows)
        for recorder in self._recorders:
            recorder.claims.extend(Claim(*row) for row in rows)

    def claim_documents(self) -> dict[str, str]:
        """Every claim's document, by claim id."""
        return dict(self.db.execute("SELECT id, document_id FROM claims").fetchall())

    def existing(self, table: str, ids: Iterable[str]) -> set[str]:
        """Those of ``ids`` that are rows of ``table`` (claims, links, verdicts, sources), in one
        query. When the table holds few rows next to the ids asked about (a load into a project
        with few annotations yet), its ids are read whole: looking up 100,000 ids one by one
        in an empty table took 0.1 s each time."""
        if table not in ("claims", "links", "verdicts", "sources"):
            raise ValueError(table)
        asked = ids if isinstance(ids, (set, frozenset)) else set(ids)
        if not asked:
            return set()
        held = self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        if held <= 2 * len(asked):
            return {row[0] for row in self.db.execute(f"SELECT id FROM {table}")} & asked
        return {row[0] for row in self.db.execute(
            f"SELECT id FROM {table} WHERE id IN (SELECT value FROM json_each(?))", [_json_list(asked)])}

    def claim(self, claim_id: str) -> Claim:
        row = self.db.execute(f"SELECT {_CLAIM_COLUMNS} FROM claims WHERE id = ?", [claim_id]).fetchone()
        if row is None:
            raise NotFoundError(f"No claim with id {claim_id}.")
        return _claim(row)

    def claims(self, document_id: str | None = None) -> list[Claim]:
        if document_id is None:
            rows = self.db.execute(f"SELECT {_CLAIM_COLUMNS} FROM claims ORDER BY document_id, start_offset, rowid")
        else:
            rows = self.db.execute(
                f"SELECT {_CLAIM_COLUMNS} FROM claims WHERE document_id = ? ORDER BY start_offset, end_offset",
                [document_id])
        return [_claim(r) for r in rows]

    def claim_tuples(self) -> list[tuple]:
        """Every claim as a tuple of its fields (id, document id, start, end, quote, prefix,
        suffix, type id, note, annotator, created, updated), in the order of :meth:`claims`:
        for bulk readers (exports) that need no :class:`Claim` for each of 100,000."""
        return self.db.execute(f"SELECT {_CLAIM_COLUMNS} FROM claims ORDER BY document_id, start_offset, rowid"
                               ).fetchall()

    def link_tuples(self) -> list[tuple]:
        """Every link as a tuple of its fields (id, from, to, relation as stored, note,
        annotator, created, updated), in the order of :meth:`links` (see :meth:`claim_tuples`)."""
        return self.db.execute(f"SELECT {_LINK_COLUMNS} FROM links ORDER BY created_at, id").fetchall()

    def claim_spans(self) -> list[tuple[str, str, int, int, str]]:
        """Every claim as (id, document id, start, end, quote), in the order of :meth:`claims`:
        what scoring needs, without building a full :class:`Claim` for each of 100,000."""
        return self.db.execute(
            "SELECT id, document_id, start_offset, end_offset, quote FROM claims "
            "ORDER BY document_id, start_offset, rowid").fetchall()

    def claim_spans_placed(self, ids: Iterable[str] | None = None) -> list[tuple[tuple[str, int, int], tuple]]:
        """Claims as :meth:`claim_spans` gives them, each with its place in that order
        (document id, start, row number): every claim, or those of ``ids`` that exist."""
        sql = "SELECT document_id, start_offset, rowid, id, document_id, start_offset, end_offset, quote FROM claims"
        rows = (self.db.execute(f"{sql} ORDER BY document_id, start_offset, rowid") if ids is None
                else self.db.execute(f"{sql} WHERE id IN (SELECT value FROM json_each(?))", [_json_list(ids)]))
        return [(r[:3], r[3:]) for r in rows]

    def claim_rows(self, claim_id: str | None = None) -> list[dict]:
        """Claims with their document, source, type and latest verdict, for tables
        (every claim, or just one)."""
        where, params = ("WHERE c.id = ? ", [claim_id]) if claim_id else ("", [])
        rows = self.db.execute(
            "SELECT c.id, c.document_id, d.title, d.source_id, s.name, c.type_id, t.name, t.color, "
            "(SELECT v.rating FROM verdicts v WHERE v.claim_id = c.id "
            " ORDER BY v.updated_at DESC, v.id DESC LIMIT 1), "
            "c.quote, c.note, c.start_offset, c.end_offset, c.annotator, c.updated_at "
            "FROM claims c JOIN documents d ON d.id = c.document_id "
            "LEFT JOIN sources s ON s.id = d.source_id "
            "LEFT JOIN claim_types t ON t.id = c.type_id " + where +
            "ORDER BY s.name COLLATE NOCASE, d.title COLLATE NOCASE, c.start_offset", params)
        keys = ("id", "document_id", "document", "source_id", "source", "type_id", "type", "color",
                "verdict", "quote", "note", "start", "end", "annotator", "updated_at")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def claim_table_rows(self, claim_id: str | None = None) -> list[tuple]:
        """Compact rows for the claims table, every claim or one:
        (id, document_id, source_id, type_id, latest rating or None, quote, note, start).
        Names of documents, sources and types are looked up by id, not repeated per row."""
        where, params = ("WHERE c.id = ? ", [claim_id]) if claim_id else ("", [])
        return list(self.db.execute(
            "SELECT c.id, c.document_id, d.source_id, c.type_id, "
            "(SELECT v.rating FROM verdicts v WHERE v.claim_id = c.id "
            " ORDER BY v.updated_at DESC, v.id DESC LIMIT 1), "
            "c.quote, c.note, c.start_offset "
            "FROM claims c JOIN documents d ON d.id = c.document_id LEFT JOIN sources s ON s.id = d.source_id "
            + where + "ORDER BY s.name COLLATE NOCASE, d.title COLLATE NOCASE, c.start_offset", params))

    def latest_verdicts(self, document_id: str | None = None) -> dict[str, Rating]:
        """claim id -> most recent rating (of any annotator)."""
        where = "WHERE c.document_id = ?" if document_id else ""
        rows = self.db.execute(
            "SELECT v.claim_id, v.rating FROM verdicts v JOIN claims c ON c.id = v.claim_id "
            f"{where} ORDER BY v.updated_at, v.id", [document_id] if document_id else [])
        return {claim_id: _rating(rating) for claim_id, rating in rows}

    def link_endpoints(self) -> list[tuple[Link, str, str]]:
        """Every link with the documents of its two claims."""
        rows = self.db.execute(
            f"SELECT {', '.join('l.' + c.strip() for c in _LINK_COLUMNS.split(','))}, "
            "a.document_id, b.document_id FROM links l "
            "JOIN claims a ON a.id = l.from_claim_id JOIN claims b ON b.id = l.to_claim_id")
        return [(_link(r[:8]), r[8], r[9]) for r in rows]

    def link_ends(self, *, document_id: str | None = None, link_id: str | None = None) -> list[LinkEnds]:
        """Links with the documents of their claims: those touching one document (through the
        claims-by-document and link indexes, so the cost follows that document, not the
        project), or one link."""
        select = ("SELECT l.id, l.from_claim_id, l.to_claim_id, l.relation, a.document_id, b.document_id "
                  "FROM links l JOIN claims a ON a.id = l.from_claim_id JOIN claims b ON b.id = l.to_claim_id ")
        if link_id is not None:
            rows = self.db.execute(select + "WHERE l.id = ?", [link_id])
        elif document_id is not None:
            rows = self.db.execute(
                select + "WHERE l.from_claim_id IN (SELECT id FROM claims WHERE document_id = ?) "
                "UNION ALL " + select + "WHERE l.to_claim_id IN (SELECT id FROM claims WHERE document_id = ?) "
                "AND a.document_id <> ?", [document_id, document_id, document_id])
        else:
            raise ValueError("link_ends needs a document_id or a link_id")
        return [LinkEnds(r[0], r[1], r[2], _relation(r[3]), r[4], r[5]) for r in rows]

    def update_claim(self, claim_id: str, **fields) -> Claim:
        mapping = {"start": "start_offset", "end": "end_offset"}
        allowed = {"start", "end", "quote", "prefix", "suffix", "type_id", "note"}
        bad = set(fields) - allowed
        if bad:
            raise ValueError(f"Unknown claim fields: {sorted(bad)}")
        self._update("claims", claim_id, {mapping.get(k, k): v for k, v in fields.items()})
        return self.claim(claim_id)

    def delete_claim(self, claim_id: str) -> None:
        """Delete a claim; its links and verdicts go with it (ON DELETE CASCADE)."""
        self._delete("claims", claim_id)

    # -- links -----------------------------------------------------------------------
    def insert_link(self, link: Link) -> Link:
        stamp = self.clock.now_iso()
        link.created_at = link.created_at or stamp
        link.updated_at = link.updated_at or stamp
        self._write(
            f"INSERT INTO links ({_LINK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [link.id, link.from_claim_id, link.to_claim_id, Relation(link.relation).value,
             link.note, link.annotator, link.created_at, link.updated_at],
        )
        for recorder in self._recorders:
            recorder.links.append(link)
        return link

    def insert_links(self, links: list[Link]) -> None:
        """Insert many links with one statement, all or none (see :meth:`insert_claims`)."""
        self._stamp(links)
        self._write_many("links", _LINK_COLUMNS,
                         ((k.id, k.from_claim_id, k.to_claim_id, _RELATION_VALUE[k.relation], k.note, k.annotator,
                           k.created_at, k.updated_at) for k in links))
        for recorder in self._recorders:
            recorder.links.extend(links)

    def insert_link_rows(self, rows: list[tuple]) -> None:
        """:meth:`insert_links` of links given as rows of their fields in :class:`Link`'s order
        (what a load writes as planned, without making an object for each)."""
        rows = self._stamped(rows, 6)
        self._write_many("links", _LINK_COLUMNS, ((*row[:3], _RELATION_VALUE[row[3]], *row[4:]) for row in rows))
        for recorder in self._recorders:
            recorder.links.extend(Link(*row) for row in rows)

    def links_between(self, claim_ids: Iterable[str]) -> list[tuple[str, str, Relation]]:
        """(from, to, relation) of every link with an end among ``claim_ids``, in one query.
        When the links are few next to the claims asked about (a load into a project that
        holds half of a file's claims), they are read whole: looking up 50,000 claims' links
        one by one took longer than reading them all."""
        asked = claim_ids if isinstance(claim_ids, (set, frozenset)) else set(claim_ids)
        if not asked:
            return []
        if self.db.execute("SELECT count(*) FROM links").fetchone()[0] <= 2 * len(asked):
            return [(a, b, _relation(r)) for a, b, r in self.db.execute(
                "SELECT from_claim_id, to_claim_id, relation FROM links") if a in asked or b in asked]
        rows = self.db.execute(
            "WITH wanted(id) AS (SELECT value FROM json_each(?)) "
            "SELECT from_claim_id, to_claim_id, relation FROM links WHERE from_claim_id IN wanted "
            "UNION SELECT from_claim_id, to_claim_id, relation FROM links WHERE to_claim_id IN wanted",
            [_json_list(asked)])
        return [(a, b, _relation(r)) for a, b, r in rows]

    def link(self, link_id: str) -> Link:
        row = self.db.execute(f"SELECT {_LINK_COLUMNS} FROM links WHERE id = ?", [link_id]).fetchone()
        if row is None:
            raise NotFoundError(f"No link with id {link_id}.")
        return _link(row)

    def links(self, claim_id: str | None = None) -> list[Link]:
        if claim_id is None:
            rows = self.db.execute(f"SELECT {_LINK_COLUMNS} FROM links ORDER BY created_at, id")
        else:
            rows = self.db.execute(
                f"SELECT {_LINK_COLUMNS} FROM links WHERE from_claim_id = ? OR to_claim_id = ? "
                "ORDER BY created_at, id", [claim_id, claim_id])
        return [_link(r) for r in rows]

    def link_relations(self) -> list[tuple[str, str, Relation]]:
        """Every link as (from claim id, to claim id, relation), in the order of :meth:`links`."""
        rows = self.db.execute("SELECT from_claim_id, to_claim_id, relation FROM links ORDER BY created_at, id")
        return [(a, b, _relation(r)) for a, b, r in rows]

    def link_relations_placed(self, ids: Iterable[str] | None = None) -> list[tuple[tuple[str, str], tuple]]:
        """Links as :meth:`link_relations` gives them, each with its place in that order
        (created, id): every link, or those of ``ids`` that exist."""
        sql = "SELECT created_at, id, from_claim_id, to_claim_id, relation FROM links"
        rows = (self.db.execute(f"{sql} ORDER BY created_at, id") if ids is None
                else self.db.execute(f"{sql} WHERE id IN (SELECT value FROM json_each(?))", [_json_list(ids)]))
        return [((created, id_), (a, b, _relation(r))) for created, id_, a, b, r in rows]

    def find_link(self, a: str, b: str, relation: Relation) -> Link | None:
        """An existing link between a and b with this relation (either direction if symmetric)."""
        relation = Relation(relation)
        if relation.symmetric:
            sql = (f"SELECT {_LINK_COLUMNS} FROM links WHERE relation = ? AND "
                   "((from_claim_id = ? AND to_claim_id = ?) OR (from_claim_id = ? AND to_claim_id = ?))")
            params = [relation.value, a, b, b, a]
        else:
            sql = (f"SELECT {_LINK_COLUMNS} FROM links WHERE relation = ? AND "
                   "from_claim_id = ? AND to_claim_id = ?")
            params = [relation.value, a, b]
        row = self.db.execute(sql, params).fetchone()
        return _link(row) if row else None

    def delete_link(self, link_id: str) -> None:
        self._delete("links", link_id)

    # -- verdicts --------------------------------------------------------------------
    def set_verdict(self, claim_id: str, rating: Rating, *, note: str | None = None,
                    evidence_url: str | None = None, annotator: str = "",
                    id: str | None = None, decides: bool | None = None,
                    review_url: str | EllipsisType | None = ...) -> Verdict:
        """Record (or replace) this annotator's verdict on a claim. ``decides``: given to decide
        a disagreement; None keeps what the verdict was when only its note or evidence change,
        and makes a changed rating a plain verdict again. ``rated_at`` moves only when the
        rating or the decision does. ``review_url``: the fact-check article; left as it was
        unless given."""
        rating = Rating(rating)
        stamp = self.clock.now_iso()
        existing = self.verdict(claim_id, annotator=annotator)
        if existing is not None:
            same_rating = Rating(existing.rating) is rating
            deciding = (existing.decides and same_rating) if decides is None else decides
            rated = (existing.rated_at or existing.updated_at) if same_rating and deciding == existing.decides \
                else stamp
            article = existing.review_url if review_url is ... else review_url
            self._write(
                "UPDATE verdicts SET rating = ?, note = ?, evidence_url = ?, updated_at = ?, decides = ?, "
                "rated_at = ?, review_url = ? WHERE id = ?",
                [rating.value, note, evidence_url, stamp, int(deciding), rated, article, existing.id])
            return dataclasses.replace(existing, rating=rating, note=note, evidence_url=evidence_url, updated_at=stamp,
                                       decides=deciding, rated_at=rated, review_url=article)
        verdict = Verdict(id or new_id(), claim_id, rating, note, evidence_url, annotator, stamp, stamp,
                          bool(decides), stamp, None if review_url is ... else review_url)
        self.insert_verdict(verdict)
        return verdict

    def insert_verdict(self, verdict: Verdict) -> Verdict:
        stamp = self.clock.now_iso()
        verdict.created_at = verdict.created_at or stamp  # kept on the object: a redo restores the same times
        verdict.updated_at = verdict.updated_at or stamp
        self._write(
            f"INSERT INTO verdicts ({_VERDICT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [verdict.id, verdict.claim_id, Rating(verdict.rating).value, verdict.note,
             verdict.evidence_url, verdict.annotator or "", verdict.created_at or stamp,
             verdict.updated_at or stamp, int(verdict.decides), verdict.rated_at or verdict.updated_at or stamp,
             verdict.review_url],
        )
        for recorder in self._recorders:
            recorder.verdicts.append(verdict)
        return verdict

    def insert_verdicts(self, verdicts: list[Verdict]) -> None:
        """Insert many verdicts with one statement, all or none (see :meth:`insert_claims`)."""
        self._stamp(verdicts)
        self._write_many(
            "verdicts", _VERDICT_COLUMNS,
            ((v.id, v.claim_id, _RATING_VALUE[v.rating], v.note, v.evidence_url, v.annotator or "", v.created_at,
              v.updated_at, int(v.decides), v.rated_at or v.updated_at, v.review_url) for v in verdicts))
        for recorder in self._recorders:
            recorder.verdicts.extend(verdicts)

    def verdicts_on(self, claim_ids: Iterable[str]) -> list[tuple[str, str, str]]:
        """(id, claim id, annotator) of every verdict on one of ``claim_ids``, in one query."""
        return self.db.execute(
            "SELECT id, claim_id, annotator FROM verdicts WHERE claim_id IN (SELECT value FROM json_each(?))",
            [_json_list(claim_ids)]).fetchall()

    def verdict(self, claim_id: str, *, annotator: str | None = None) -> Verdict | None:
        """This annotator's verdict, or (annotator None) the most recent one on the claim."""
        if annotator is None:
            row = self.db.execute(
                f"SELECT {_VERDICT_COLUMNS} FROM verdicts WHERE claim_id = ? "
                "ORDER BY updated_at DESC, id DESC LIMIT 1", [claim_id]).fetchone()
        else:
            row = self.db.execute(
                f"SELECT {_VERDICT_COLUMNS} FROM verdicts WHERE claim_id = ? AND annotator = ?",
                [claim_id, annotator]).fetchone()
        return _verdict(row) if row else None

    def verdicts(self, claim_id: str | None = None) -> list[Verdict]:
        if claim_id is None:
            rows = self.db.execute(f"SELECT {_VERDICT_COLUMNS} FROM verdicts ORDER BY claim_id, updated_at, id")
        else:
            rows = self.db.execute(
                f"SELECT {_VERDICT_COLUMNS} FROM verdicts WHERE claim_id = ? ORDER BY updated_at, id",
                [claim_id])
        return [_verdict(r) for r in rows]

    def verdicts_with_ids(self, ids: Iterable[str]) -> list[Verdict]:
        """The verdicts of ``ids`` that exist (in no particular order)."""
        return [_verdict(r) for r in self.db.execute(
            f"SELECT {_VERDICT_COLUMNS} FROM verdicts WHERE id IN (SELECT value FROM json_each(?))",
            [_json_list(ids)])]

    # -- what changed: for a process that reads the project again after each edit ----------

    def change_mark(self) -> tuple[int, str, str] | None:
        """The latest entry of the change log (see ``schema.change_log``) as (number, table, row
        id); ``(0, "", "")`` when the log is empty (a project just upgraded to have one); None
        when the file has none (an older schema read without upgrading it)."""
        try:
            row = self.db.execute("SELECT seq, tbl, row_id FROM change_log ORDER BY seq DESC LIMIT 1").fetchone()
        except sqlite3.OperationalError:
            return None
        return (int(row[0]), str(row[1]), str(row[2])) if row else _BEFORE_ANY_CHANGE

    def changed_since(self, mark: tuple[int, str, str]) -> dict[str, set[str]] | None:
        """The ids of the sources, documents, claims, links and verdicts inserted, updated or
        deleted after ``mark`` (an earlier :meth:`change_mark`), by table. None when the log
        cannot say: it no longer reaches back to the mark, or the mark is not in it (the file
        was replaced, by a restored backup for instance)."""
        seq, table, row_id = mark
        try:
            if mark == _BEFORE_ANY_CHANGE:  # the log was empty: it must still hold its first entry
                if self.db.execute("SELECT min(seq) FROM change_log").fetchone()[0] not in (None, 1):
                    return None
            elif self.db.execute("SELECT 1 FROM change_log WHERE seq = ? AND tbl = ? AND row_id = ?",
                                 [seq, table, row_id]).fetchone() is None:
                return None
            rows = self.db.execute("SELECT tbl, row_id FROM change_log WHERE seq > ?", [seq]).fetchall()
        except sqlite3.OperationalError:
            return None
        changed: dict[str, set[str]] = {}
        for tbl, rid in rows:
            changed.setdefault(tbl, set()).add(rid)
        if EVERYTHING_CHANGED in changed:  # the whole project was replaced (a restored backup)
            return None
        return changed

    def replace_row(self, row: Claim | Link | Verdict) -> None:
        """Overwrite an existing claim, link or verdict with ``row``: every field but its id,
        annotator and ``created_at``, with ``row.updated_at`` kept as given (a merge taking a
        colleague's edit, or its undo putting the previous value back). Recorded as
        ``(before, after)`` in :meth:`recording`."""
        before: Claim | Link | Verdict
        if isinstance(row, Claim):
            before = self.claim(row.id)
            sql = ("UPDATE claims SET document_id = ?, start_offset = ?, end_offset = ?, quote = ?, "
                   "prefix = ?, suffix = ?, type_id = ?, note = ?, updated_at = ? WHERE id = ?")
            params = [row.document_id, row.start, row.end, row.quote, row.prefix, row.suffix,
                      row.type_id, row.note, row.updated_at, row.id]
        elif isinstance(row, Link):
            before = self.link(row.id)
            sql = ("UPDATE links SET from_claim_id = ?, to_claim_id = ?, relation = ?, note = ?, "
                   "updated_at = ? WHERE id = ?")
            params = [row.from_claim_id, row.to_claim_id, Relation(row.relation).value, row.note,
                      row.updated_at, row.id]
        else:
            found = self.db.execute(f"SELECT {_VERDICT_COLUMNS} FROM verdicts WHERE id = ?",
                                    [row.id]).fetchone()
            if found is None:
                raise NotFoundError(f"No verdict with id {row.id}.")
            before = _verdict(found)
            sql = ("UPDATE verdicts SET rating = ?, note = ?, evidence_url = ?, decides = ?, rated_at = ?, "
                   "review_url = ?, updated_at = ? WHERE id = ?")
            params = [Rating(row.rating).value, row.note, row.evidence_url, int(row.decides),
                      row.rated_at or row.updated_at, row.review_url, row.updated_at, row.id]
        row = dataclasses.replace(row, annotator=before.annotator, created_at=before.created_at,
                                  updated_at=row.updated_at or self.clock.now_iso())
        params[-2] = row.updated_at  # the last two parameters are updated_at and the id
        self._write(sql, params)
        for recorder in self._recorders:
            recorder.updated.append((before, row))

    def delete_verdict(self, verdict_id: str) -> None:
        self._delete("verdicts", verdict_id)

    # -- helpers ---------------------------------------------------------------------
    def _update(self, table: str, row_id: str, fields: dict, *, stamp: bool = True) -> None:
        if not fields:
            return
        if stamp:
            fields = {**fields, "updated_at": self.clock.now_iso()}
        assignments = ", ".join(f"{column} = ?" for column in fields)
        cursor = self._write(f"UPDATE {table} SET {assignments} WHERE id = ?", [*fields.values(), row_id])
        if cursor.rowcount == 0:
            raise NotFoundError(f"Nothing in {table} has id {row_id}.")

    def _delete(self, table: str, row_id: str) -> None:
        cursor = self._write(f"DELETE FROM {table} WHERE id = ?", [row_id])
        if cursor.rowcount == 0:
            raise NotFoundError(f"Nothing in {table} has id {row_id}.")
