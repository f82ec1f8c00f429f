"""Opening project files: migrations from every earlier version, and refusal of bad files.

A refused file must be byte-for-byte unchanged and get a message a person understands.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.errors import CorruptProjectError, NewerProjectError, NotAProjectError, ProjectError
from annotator.store import create_project, open_project
from annotator.store.schema import migration_names
from annotator.store.versions import LATEST_VERSION, MIGRATION_NAMES
from tests.conftest import sha256_file, write_as_another_program

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "schema"


def _fixture_versions() -> list[int]:
    return sorted(int(p.stem[1:]) for p in FIXTURES.glob("v*.annotator"))


def test_a_fixture_exists_for_every_earlier_version():
    assert set(range(1, LATEST_VERSION)) <= set(_fixture_versions())


@pytest.mark.parametrize("version", _fixture_versions())
def test_every_earlier_schema_version_migrates(tmp_path, version):
    path = tmp_path / "old.annotator"
    shutil.copy(FIXTURES / f"v{version}.annotator", path)
    before = sha256_file(path)
    store = open_project(path)
    try:
        assert store.schema_version() == LATEST_VERSION
        assert store.applied_migrations() == migration_names()
        assert store.counts().__dict__ == {"sources": 1, "documents": 1, "claims": 2, "links": 1, "verdicts": 1}
        assert store.claim("01CLB000000000000000000000").quote == "3 million"
        assert store.search("settled")[0]["document_id"] == "01DOC000000000000000000000"
        assert store.integrity_check() == "ok"
    finally:
        store.close()
    backup = tmp_path / f"old.annotator.v{version}.bak"
    if version < LATEST_VERSION:
        assert backup.exists(), "an older file is backed up before it is migrated"
        assert sha256_file(backup) == before or sqlite3.connect(backup).execute(
            "PRAGMA user_version").fetchone()[0] == version
    else:
        assert not backup.exists()


def test_migrations_stop_at_each_step(tmp_path):
    from tests.fixtures.schema.make_fixture import make

    for version in range(1, LATEST_VERSION + 1):
        path = make(version, tmp_path / f"step{version}.annotator")
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
        conn.close()


def _assert_refused(path: Path, error: type[Exception], words: str):
    before = sha256_file(path)
    siblings = set(path.parent.iterdir())
    with pytest.raises(error) as info:
        open_project(path)
    assert words in str(info.value)
    assert sha256_file(path) == before
    assert set(path.parent.iterdir()) == siblings, "no -wal, -shm or backup file left behind"
    return str(info.value)


def test_text_file_is_refused_unchanged(tmp_path):
    path = tmp_path / "article.annotator"
    path.write_text("Clarifai deleted 3 million photos.\n" * 20)
    message = _assert_refused(path, NotAProjectError, "not an annotator project")
    assert "Import" in message


def test_empty_and_binary_files_are_refused(tmp_path):
    empty = tmp_path / "empty.annotator"
    empty.write_bytes(b"")
    _assert_refused(empty, NotAProjectError, "empty")
    junk = tmp_path / "junk.annotator"
    junk.write_bytes(bytes(range(256)) * 64)
    _assert_refused(junk, NotAProjectError, "not an SQLite database")


def test_foreign_sqlite_database_is_refused_unchanged(tmp_path):
    path = tmp_path / "places.sqlite"
    write_as_another_program(path, "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)",
                             "INSERT INTO moz_places (url) VALUES ('https://example.org')")
    _assert_refused(path, NotAProjectError, "another program")


def test_project_from_a_newer_version_is_refused_unchanged(tmp_path):
    path = tmp_path / "future.annotator"
    create_project(path).close()
    write_as_another_program(path, f"PRAGMA user_version = {LATEST_VERSION + 1}")
    _assert_refused(path, NewerProjectError, "newer version of annotator")


def test_unknown_migration_name_counts_as_newer(tmp_path):
    path = tmp_path / "future2.annotator"
    create_project(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                 "VALUES ('annotator', '0099_from_the_future', 'x')")
    conn.commit()
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    _assert_refused(path, NewerProjectError, "0099_from_the_future")


def test_corrupted_project_is_refused_unchanged(tmp_path):
    path = tmp_path / "broken.annotator"
    store = create_project(path)
    source = store.add_source("Reuters")
    for i in range(200):
        store.add_document(f"Article {i} " + "lorem ipsum " * 300, f"Doc {i}", source_id=source.id)
    store.close()
    data = bytearray(path.read_bytes())
    assert len(data) > 64 * 4096
    for offset in range(8192, len(data) - 4096, 16384):  # trash the middle of many pages
        data[offset:offset + 512] = b"\xde\xad\xbe\xef" * 128
    path.write_bytes(bytes(data))
    _assert_refused(path, CorruptProjectError, "damaged")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ProjectError, match="no project"):
        open_project(tmp_path / "nope.annotator")
    with pytest.raises(NotAProjectError, match="folder"):
        open_project(tmp_path)


def test_create_refuses_to_overwrite(tmp_path):
    path = tmp_path / "p.annotator"
    path.write_text("precious")
    with pytest.raises(ProjectError, match="already exists"):
        create_project(path)
    assert path.read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["p.annotator"]


def _wal_frames(path: Path) -> tuple[int, int]:
    """(frames in the write-ahead log, frames of it already copied into the file)."""
    size = Path(f"{path}-wal").stat().st_size if Path(f"{path}-wal").exists() else 0
    page = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
    return max(0, (size - 32) // (page + 24)), page


def test_deferred_checkpoints_leave_the_copy_to_a_worker_and_lose_nothing(tmp_path):
    from annotator.store.opening import checkpoint

    path = tmp_path / "p.annotator"
    store = create_project(path)
    store.defer_checkpoints()
    doc = store.add_document("x" * 200_000, "Long")  # ~50 pages per copy of the text
    for i in range(30):  # well past SQLite's automatic checkpoint at 1,000 pages
        store.add_document(f"{i} " + "y" * 200_000, f"Long {i}")
    frames, _page = _wal_frames(path)
    assert frames > 1_400, f"an edit copied the log into the file and started it over ({frames} frames)"
    assert checkpoint(path) == 0, "a checkpoint from another connection copies it all"
    reader = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    assert reader.execute("SELECT count(*) FROM documents").fetchone()[0] == 31
    reader.close()
    store.close()  # and closing still empties the log
    assert _wal_frames(path)[0] == 0
    reopened = open_project(path)
    assert reopened.document(doc.id, with_text=True).text == "x" * 200_000
    reopened.close()


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.timeout(60)  # before the fix the read blocked for ever
def test_a_pipe_named_like_a_project_is_refused_without_reading_it(tmp_path):
    import os
    import subprocess
    import sys

    pipe = tmp_path / "x.annotator"
    os.mkfifo(pipe)
    with pytest.raises(NotAProjectError, match="not a regular file"):
        open_project(pipe)
    out = subprocess.run([sys.executable, "-m", "annotator", "info", str(pipe)], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode != 0 and "not a regular file" in out.stderr and "Traceback" not in out.stderr


def test_an_empty_backup_left_by_a_full_disk_is_not_trusted(tmp_path):
    path = tmp_path / "old.annotator"
    shutil.copy(FIXTURES / "v3.annotator", path)
    empty = tmp_path / "old.annotator.v3.bak"
    empty.write_bytes(b"")  # what an earlier upgrade on a full disk left behind
    store = open_project(path)
    store.close()
    backup = sqlite3.connect(empty)
    try:
        assert backup.execute("SELECT count(*) FROM claims").fetchone()[0] == 2, "a real copy now"
        assert backup.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    finally:
        backup.close()


def test_a_backup_that_cannot_be_written_stops_the_upgrade_and_changes_nothing(tmp_path, monkeypatch):
    from annotator.store import opening

    path = tmp_path / "old.annotator"
    shutil.copy(FIXTURES / "v3.annotator", path)
    before = sha256_file(path)
    real_connect = sqlite3.connect

    def full_disk(target, *args, **kwargs):
        if str(target).endswith(".partial"):
            raise sqlite3.OperationalError("database or disk is full")
        return real_connect(target, *args, **kwargs)

    monkeypatch.setattr(opening.sqlite3, "connect", full_disk)
    with pytest.raises(ProjectError, match=r"backup copy could not be written first.*It was not changed"):
        open_project(path)
    monkeypatch.undo()
    assert sha256_file(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.annotator"], "no partial or empty backup left"


def test_an_upgrade_leaves_no_journal_files_beside_its_backup(tmp_path):
    """The backup is a plain file, and an earlier one left in WAL mode is read without
    leaving -wal/-shm files beside it."""
    path = tmp_path / "old.annotator"
    shutil.copy(FIXTURES / "v3.annotator", path)
    earlier = tmp_path / "old.annotator.v3.bak"
    shutil.copy(path, earlier)
    conn = sqlite3.connect(earlier)
    assert conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
    conn.close()
    open_project(path).close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.annotator", "old.annotator.v3.bak"]

    earlier.unlink()  # the upgrade writes a new backup
    shutil.copy(FIXTURES / "v3.annotator", path)
    open_project(path).close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.annotator", "old.annotator.v3.bak"]
    backup = sqlite3.connect(earlier)
    try:
        assert backup.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert backup.execute("SELECT count(*) FROM claims").fetchone()[0] == 2
    finally:
        backup.close()


def _count_text_reads(monkeypatch) -> list:
    from annotator.store import opening

    reads: list = []
    real = opening._check_text_readable

    def counted(conn, path):
        reads.append(path.name)
        real(conn, path)

    monkeypatch.setattr(opening, "_check_text_readable", counted)
    return reads


def test_a_project_annotator_closed_is_not_read_through_again(tmp_path, monkeypatch):
    """Every short text is read at opening, unless annotator closed the file itself and
    nothing touched it since (see store.closes)."""
    from annotator.store import closes

    reads = _count_text_reads(monkeypatch)
    path = tmp_path / "p.annotator"
    create_project(path).close()
    assert closes.closed_cleanly(path)
    store = open_project(path)
    assert reads == [], "as annotator left it"
    store.add_source("Example Gazette")
    assert not closes.closed_cleanly(path), "open, with edits in its log"
    store.close()
    store = open_project(path)
    assert reads == [] and store.sources()[0].name == "Example Gazette"
    store.close()

    write_as_another_program(path, "UPDATE sources SET name = 'Gazette'")  # another program writes
    assert not closes.closed_cleanly(path)
    open_project(path).close()
    assert reads == ["p.annotator"]


def test_a_project_left_open_by_a_crash_is_read_through(tmp_path, monkeypatch):
    from annotator.store.opening import inspect_project

    reads = _count_text_reads(monkeypatch)
    path = tmp_path / "p.annotator"
    create_project(path).close()
    store = open_project(path)
    store.add_source("Example Gazette")  # committed to the log, never closed
    try:
        inspect_project(path)
        assert reads == ["p.annotator"]
    finally:
        store.close()


def test_no_record_is_kept_where_file_times_are_whole_seconds(tmp_path, monkeypatch):
    """A file system that keeps whole seconds could not tell a later change from annotator's
    own last write: such files are always read through."""
    from annotator.store import closes

    real = closes._stamp

    def coarse(path):
        stamp = real(path)
        if stamp is not None:
            stamp[3] -= stamp[3] % 1_000_000_000
        return stamp

    monkeypatch.setattr(closes, "_stamp", coarse)
    path = tmp_path / "p.annotator"
    create_project(path).close()
    assert not closes.closed_cleanly(path)


def test_an_unreadable_record_means_reading_everything(tmp_path, monkeypatch):
    from annotator.paths import data_dir
    from annotator.store import closes

    reads = _count_text_reads(monkeypatch)
    path = tmp_path / "p.annotator"
    create_project(path).close()
    (data_dir() / closes.RECORD_NAME).write_bytes(b"\xff{not json")
    assert not closes.closed_cleanly(path)
    open_project(path).close()
    assert reads == ["p.annotator"]
    assert closes.closed_cleanly(path), "the record is written afresh"


def test_the_listed_migrations_are_the_defined_ones():
    """Opening reads the list in store.versions without loading the migrations."""
    assert tuple(migration_names()) == MIGRATION_NAMES


def test_an_up_to_date_project_opens_and_edits_without_sqlite_utils(tmp_path):
    """sqlite-utils (0.15 s to load) is needed only to create, upgrade or merge a file."""
    path = tmp_path / "p.annotator"
    create_project(path).close()
    script = (
        "import sys\n"
        "from annotator.store import open_project\n"
        "from annotator.services.annotations import AnnotationService\n"
        f"store = open_project({str(path)!r})\n"
        "doc = store.add_document('The FTC settled with Match in 2024.', 'A headline')\n"
        "AnnotationService(store).create_claim(doc.id, 4, 7)\n"
        "store.close()\n"
        "print('sqlite_utils' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    again = open_project(path)
    try:
        assert [c.quote for c in again.claims()] == ["FTC"]
    finally:
        again.close()


def test_an_up_to_date_project_with_a_stale_header_gets_it_back_without_migrating(tmp_path):
    """Opening skips the migrations of an up-to-date file; a schema number in its header that
    does not match its migrations is still put right."""
    path = tmp_path / "p.annotator"
    create_project(path).close()
    write_as_another_program(path, "PRAGMA user_version = 3")
    store = open_project(path)
    store.close()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x414E4E54
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert not any(p.name.endswith(".bak") for p in tmp_path.iterdir()), "no upgrade backup: nothing to upgrade"
    finally:
        conn.close()


def test_a_project_closed_on_a_thread_opens_again_once_that_close_is_done(tmp_path, monkeypatch):
    """The window closes the project it leaves on a thread (its closing checkpoint takes a
    while at 100,000 claims). Opening that file again meanwhile waits for the close, so it is
    neither refused as locked nor read before its log is in the file."""
    import threading

    from annotator.core.errors import ProjectLockedError
    from annotator.store import closes
    from annotator.store.locking import ProjectLock

    reads = _count_text_reads(monkeypatch)
    path = tmp_path / "p.annotator"
    create_project(path).close()
    store = open_project(path)
    store.add_source("Example Gazette")
    go_on = threading.Event()
    remember = closes.remember

    def held(project, record=None):  # the close stops here, the project still locked, until the test says
        assert go_on.wait(60)
        remember(project, record)

    monkeypatch.setattr(closes, "remember", held)
    store.close_in_background()
    with pytest.raises(ProjectLockedError):
        ProjectLock.acquire(path)  # what opening would meet without waiting
    threading.Timer(0.05, go_on.set).start()  # the test's open below must wait for it, however long
    again = open_project(path)
    try:
        assert again.sources()[0].name == "Example Gazette"
        assert reads == [], "the close was recorded before the checks ran, so nothing was read through"
    finally:
        again.close()


def test_a_reader_closing_leaves_the_log_to_the_writer(tmp_path):
    """A worker's read-only connection closes without checkpointing: a checkpoint takes the
    log's write lock for a moment, and the window's edit under way (begun with a read, as most
    are) was then refused at once with "database is locked"."""
    from annotator.store.opening import open_reader

    store = create_project(tmp_path / "p.annotator")
    store.ensure_source("Reuters")
    reader = open_reader(store.path)
    assert [s.name for s in reader.sources()] == ["Reuters"]
    said: list[str] = []
    reader.db.conn.set_trace_callback(said.append)
    with store.transaction():
        assert store.source_by_name("Reuters") is not None  # the edit reads first
        reader.close()
        store.add_source("AP")  # ...then writes
    assert not any("checkpoint" in sql.lower() or "optimize" in sql.lower() for sql in said), said
    assert [s.name for s in store.sources()] == ["AP", "Reuters"]
    store.close()
