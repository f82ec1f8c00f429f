"""Named schema migrations, applied in order and recorded in the project file.

Each migration is a function registered on :data:`MIGRATIONS`. sqlite-utils
records applied names in ``_sqlite_migrations``; ``PRAGMA user_version`` holds
the number applied, so a file's schema version can be read from its header
without opening it for writing.

Never edit a migration that has shipped: add a new one. Tests open a file of
every earlier version (``tests/fixtures/schema``) and migrate it.
"""

from __future__ import annotations

from annotator.store.connection import import_sqlite_utils
from annotator.store.versions import APPLICATION_ID, MIGRATION_NAMES

import_sqlite_utils()
from sqlite_utils import Database  # noqa: E402
from sqlite_utils.migrations import Migrations  # noqa: E402

MIGRATIONS = Migrations("annotator")

RELATIONS = ("same_claim", "supports", "contradicts", "derived_from")
RATINGS = ("true", "mostly_true", "mixed", "mostly_false", "false", "unverifiable")

DEFAULT_CLAIM_TYPES = (
    # name, colour, description
    ("Factual claim", "#f2c94c", "A statement of fact that can be checked."),
    ("Number or statistic", "#6fa8f5", "A count, amount, percentage or other figure."),
    ("Date or time", "#b58ae6", "When something happened."),
    ("Attribution", "#4fc1a6", "Who said, supplied or did something."),
    ("Opinion or analysis", "#f28b66", "Interpretation rather than fact."),
)


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


@MIGRATIONS(name="0001_core_tables")
def core_tables(db: Database) -> None:
    from annotator.core.ids import new_id

    db.executescript(
        f"""
        CREATE TABLE project_meta (
            key TEXT PRIMARY KEY,
            value TEXT
        );
        CREATE TABLE sources (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            url TEXT,
            kind TEXT,
            notes TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX sources_by_name ON sources (name COLLATE NOCASE);
        CREATE TABLE documents (
            doc_no INTEGER PRIMARY KEY,  -- stable row number used by full-text search
            id TEXT NOT NULL UNIQUE,
            source_id TEXT REFERENCES sources (id) ON DELETE SET NULL,
            title TEXT NOT NULL,
            author TEXT,
            url TEXT,
            published TEXT,
            retrieved TEXT,
            original_filename TEXT,
            import_format TEXT,
            sha256 TEXT NOT NULL UNIQUE,
            text TEXT NOT NULL,
            length INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX documents_by_source ON documents (source_id);
        CREATE TABLE claim_types (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            color TEXT NOT NULL,
            description TEXT,
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE UNIQUE INDEX claim_types_by_name ON claim_types (name COLLATE NOCASE);
        CREATE TABLE claims (
            id TEXT PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            start_offset INTEGER NOT NULL,
            end_offset INTEGER NOT NULL,
            quote TEXT NOT NULL,
            prefix TEXT NOT NULL DEFAULT '',
            suffix TEXT NOT NULL DEFAULT '',
            type_id TEXT REFERENCES claim_types (id) ON DELETE SET NULL,
            note TEXT,
            annotator TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (start_offset >= 0 AND end_offset > start_offset)
        );
        CREATE INDEX claims_by_document ON claims (document_id, start_offset);
        CREATE INDEX claims_by_type ON claims (type_id);
        CREATE TABLE links (
            id TEXT PRIMARY KEY,
            from_claim_id TEXT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
            to_claim_id TEXT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
            relation TEXT NOT NULL CHECK (relation IN ({_sql_list(RELATIONS)})),
            note TEXT,
            annotator TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (from_claim_id <> to_claim_id),
            UNIQUE (from_claim_id, to_claim_id, relation)
        );
        CREATE INDEX links_by_target ON links (to_claim_id);
        CREATE TABLE verdicts (
            id TEXT PRIMARY KEY,
            claim_id TEXT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
            rating TEXT NOT NULL CHECK (rating IN ({_sql_list(RATINGS)})),
            note TEXT,
            evidence_url TEXT,
            annotator TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (claim_id, annotator)
        );
        """
    )
    for position, (name, color, description) in enumerate(DEFAULT_CLAIM_TYPES):
        db.execute(
            "INSERT INTO claim_types (id, name, color, description, position) VALUES (?, ?, ?, ?, ?)",
            [new_id(), name, color, description, position],
        )


@MIGRATIONS(name="0002_document_search")
def document_search(db: Database) -> None:
    """Full-text index over document titles and texts, kept in sync by triggers."""
    db.executescript(
        """
        CREATE VIRTUAL TABLE documents_fts USING fts5 (
            title, text,
            content = 'documents', content_rowid = 'doc_no',
            tokenize = 'unicode61 remove_diacritics 2'
        );
        INSERT INTO documents_fts (rowid, title, text) SELECT doc_no, title, text FROM documents;
        CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
            INSERT INTO documents_fts (rowid, title, text) VALUES (new.doc_no, new.title, new.text);
        END;
        CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
            INSERT INTO documents_fts (documents_fts, rowid, title, text)
                VALUES ('delete', old.doc_no, old.title, old.text);
        END;
        CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN
            INSERT INTO documents_fts (documents_fts, rowid, title, text)
                VALUES ('delete', old.doc_no, old.title, old.text);
            INSERT INTO documents_fts (rowid, title, text) VALUES (new.doc_no, new.title, new.text);
        END;
        """
    )


@MIGRATIONS(name="0003_readable_views")
def readable_views(db: Database) -> None:
    """Views that join ids to names and quotes, for sqlite-utils and Datasette users."""
    db.executescript(
        """
        CREATE VIEW claims_with_quotes AS
        SELECT c.id AS claim_id, s.name AS source, d.title AS document, c.quote,
               t.name AS type, c.note,
               (SELECT v.rating FROM verdicts v WHERE v.claim_id = c.id
                ORDER BY v.updated_at DESC LIMIT 1) AS verdict,
               c.start_offset, c.end_offset, c.annotator, c.created_at, c.updated_at,
               c.document_id
        FROM claims c
        JOIN documents d ON d.id = c.document_id
        LEFT JOIN sources s ON s.id = d.source_id
        LEFT JOIN claim_types t ON t.id = c.type_id;

        CREATE VIEW links_with_quotes AS
        SELECT l.id AS link_id, l.relation,
               sa.name AS from_source, a.quote AS from_quote,
               sb.name AS to_source, b.quote AS to_quote,
               l.note, l.annotator, l.created_at, l.from_claim_id, l.to_claim_id
        FROM links l
        JOIN claims a ON a.id = l.from_claim_id
        JOIN documents da ON da.id = a.document_id
        LEFT JOIN sources sa ON sa.id = da.source_id
        JOIN claims b ON b.id = l.to_claim_id
        JOIN documents db ON db.id = b.document_id
        LEFT JOIN sources sb ON sb.id = db.source_id;
        """
    )


@MIGRATIONS(name="0004_document_list_index")
def document_list_index(db: Database) -> None:
    """The list of documents (every column but the text, in the order the window shows
    them) read from an index alone. From the table, each row's columns after ``text`` meant
    reading past the text's overflow pages: 15 ms for 1,000 documents, on every refresh."""
    db.execute(
        "CREATE INDEX documents_listed ON documents (source_id, title COLLATE NOCASE, created_at, id, author, "
        "url, published, retrieved, original_filename, import_format, sha256, length, updated_at)")


@MIGRATIONS(name="0005_verdict_decisions")
def verdict_decisions(db: Database) -> None:
    """A verdict given to decide a disagreement (the Conflicts view): the disagreeing
    verdicts rated before it no longer count against it (see services.reliability.inputs).
    ``rated_at``: when the rating (or the decision) was last set; a note edited later leaves
    it, so fixing a typo does not count as disagreeing anew."""
    db.execute("ALTER TABLE verdicts ADD COLUMN decides INTEGER NOT NULL DEFAULT 0 CHECK (decides IN (0, 1))")
    db.execute("ALTER TABLE verdicts ADD COLUMN rated_at TEXT")
    db.execute("UPDATE verdicts SET rated_at = updated_at")


@MIGRATIONS(name="0006_latest_verdict_order")
def latest_verdict_order(db: Database) -> None:
    """``claims_with_quotes`` shows the same verdict as the app and the exports when two carry
    the same time: the latest by time, then by id (ids grow with time)."""
    db.executescript(
        """
        DROP VIEW claims_with_quotes;
        CREATE VIEW claims_with_quotes AS
        SELECT c.id AS claim_id, s.name AS source, d.title AS document, c.quote,
               t.name AS type, c.note,
               (SELECT v.rating FROM verdicts v WHERE v.claim_id = c.id
                ORDER BY v.updated_at DESC, v.id DESC LIMIT 1) AS verdict,
               c.start_offset, c.end_offset, c.annotator, c.created_at, c.updated_at,
               c.document_id
        FROM claims c
        JOIN documents d ON d.id = c.document_id
        LEFT JOIN sources s ON s.id = d.source_id
        LEFT JOIN claim_types t ON t.id = c.type_id;
        """
    )


LOGGED_TABLES = ("sources", "documents", "claims", "links", "verdicts")
CHANGE_LOG_KEPT = 20_000  # entries the change log keeps (older ones go, a thousand at a time)


@MIGRATIONS(name="0007_change_log")
def change_log(db: Database) -> None:
    """Which rows changed, in order: every insert, update and delete of a source, document,
    claim, link or verdict adds (table, row id) to ``change_log``, whoever makes it (the app,
    the command line, a merge, another tool). A process that scores the project again after
    each edit reads only the rows changed since its last reading instead of the whole project.
    The log keeps its latest entries only; a reader that fell further behind reads everything."""
    statements = [
        "CREATE TABLE change_log (seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL, row_id TEXT NOT NULL)",
        f"""CREATE TRIGGER change_log_kept AFTER INSERT ON change_log WHEN NEW.seq % 1000 = 0 BEGIN
            DELETE FROM change_log WHERE seq <= NEW.seq - {CHANGE_LOG_KEPT}; END""",
    ]
    for table in LOGGED_TABLES:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            renamed = (f"INSERT INTO change_log (tbl, row_id) SELECT '{table}', OLD.id WHERE OLD.id IS NOT NEW.id; "
                       if event == "UPDATE" else "")  # a row given another id: its old id is gone
            statements.append(
                f"""CREATE TRIGGER {table}_logged_{event.lower()} AFTER {event} ON {table} BEGIN
                    {renamed}INSERT INTO change_log (tbl, row_id) VALUES ('{table}', {row}.id); END""")
    for statement in statements:
        db.execute(statement)


@MIGRATIONS(name="0008_search_visible_to_other_tools")
def search_visible_to_other_tools(db: Database) -> None:
    """The documents' full-text index declared as ``content="documents"``, the spelling by
    which Datasette (``?_search=``) and sqlite-utils (``sqlite-utils search``, ``detect_fts``)
    find a table's index; declared ``content = 'documents'`` they did not, and Datasette
    silently returned every document. The index is made again from the documents (SQLite
    cannot change a virtual table's declaration); the triggers that keep it in step stay."""
    db.executescript(
        """
        DROP TABLE IF EXISTS documents_fts;
        CREATE VIRTUAL TABLE documents_fts USING fts5 (
            title, text, content="documents", content_rowid="doc_no",
            tokenize="unicode61 remove_diacritics 2"
        );
        INSERT INTO documents_fts (documents_fts) VALUES ('rebuild');
        """
    )


@MIGRATIONS(name="0009_review_urls")
def review_urls(db: Database) -> None:
    """Each verdict may name the fact-check article that publishes it (``review_url``), apart
    from its evidence: ClaimReview's ``url``, which Google requires."""
    db.execute("ALTER TABLE verdicts ADD COLUMN review_url TEXT")


def migration_names() -> list[str]:
    return [m.name for m in MIGRATIONS._migrations]


if tuple(migration_names()) != MIGRATION_NAMES:  # a new migration is listed in store.versions too
    raise RuntimeError(f"store.versions.MIGRATION_NAMES does not match the migrations: {migration_names()}")


def apply_migrations(db: Database, stop_before: str | None = None) -> list[str]:
    """Apply pending migrations; return the names applied. Updates ``user_version``."""
    pending = [m.name for m in MIGRATIONS.pending(db)]
    if stop_before is not None and stop_before in pending:
        pending = pending[: pending.index(stop_before)]
    MIGRATIONS.apply(db, stop_before=stop_before)
    version = len(MIGRATIONS.applied(db))
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {version}")
    return pending
