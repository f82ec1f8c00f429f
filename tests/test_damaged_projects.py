"""Projects damaged on disk, left mid-transaction by a crash, or named impossibly: one clear
message, exit status 1, no traceback, and the file left as it was."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from annotator.core.errors import CorruptProjectError, ProjectError
from annotator.services.demo import create_demo_project
from annotator.store import create_project, open_project
from annotator.store.merging import open_snapshot
from tests.conftest import sha256_file
from tests.test_cli import run


def _demo(tmp_path):
    path = tmp_path / "demo.annotator"
    create_demo_project(path).close()
    return path


def _raw(path, sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute(sql)
    conn.commit()
    conn.close()


def test_text_that_is_not_utf8_is_refused_at_open_in_one_line(tmp_path):
    path = _demo(tmp_path)
    _raw(path, "UPDATE documents SET title = CAST(X'41FF42' AS TEXT) "
               "WHERE id = (SELECT id FROM documents ORDER BY id LIMIT 1)")
    before = sha256_file(path)
    with pytest.raises(CorruptProjectError, match="some text in its documents cannot be read"):
        open_project(path)
    with pytest.raises(CorruptProjectError):
        open_snapshot(path)
    for args in (("info", str(path)), ("search", str(path), "photos"), ("score", str(path)),
                 ("conflicts", str(path)), ("export", str(path), str(tmp_path / "out"))):
        r = run(*args)
        assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
        assert r.stderr.count("\n") == 1 and "is damaged" in r.stderr
    assert sha256_file(path) == before


def test_a_damaged_document_text_still_shows_the_rest(tmp_path):
    path = _demo(tmp_path)
    store = open_project(path)
    doc = store.documents()[0]
    original = store.db.execute("SELECT text FROM documents WHERE id = ?", [doc.id]).fetchone()[0]
    store.db.execute("UPDATE documents SET text = CAST(CAST(text AS BLOB) || X'FF' AS TEXT) WHERE id = ?", [doc.id])
    store.db.conn.commit()
    assert store.document_text(doc.id) == original + "\ufffd"
    store.close()


def test_a_missing_table_is_refused_and_the_file_is_not_touched(tmp_path):
    path = _demo(tmp_path)
    _raw(path, "DROP TABLE verdicts")
    before = sha256_file(path)
    with pytest.raises(CorruptProjectError, match="verdicts table is missing"):
        open_project(path)
    r = run("info", str(path))
    assert r.returncode == 1 and "verdicts table is missing" in r.stderr and "Traceback" not in r.stderr
    assert sha256_file(path) == before


CRASH_MID_TRANSACTION = r"""
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode = DELETE")
conn.execute("PRAGMA cache_size = 1")  # spill changed pages to the file before the commit
conn.execute("BEGIN")
for i in range(3000):
    conn.execute("INSERT INTO project_meta (key, value) VALUES (?, ?)", (f"junk{i}", "x" * 200))
os._exit(0)  # die mid-transaction: the rollback journal stays behind, hot
"""


def test_a_crash_mid_transaction_is_rolled_back_on_open_and_refused_for_merge(tmp_path):
    path = _demo(tmp_path)
    store = open_project(path)
    counts = store.counts()
    store.db.execute("PRAGMA journal_mode = DELETE")  # as on file systems without shared memory
    store.close()
    subprocess.run([sys.executable, "-c", CRASH_MID_TRANSACTION, str(path)], check=True, timeout=60)
    journal = path.with_name(path.name + "-journal")
    assert journal.exists() and journal.stat().st_size > 0, "the test must leave a hot journal"

    with pytest.raises(ProjectError, match="not closed properly"):
        open_snapshot(path)  # merge reads without writing, so it cannot finish the clean-up
    other = create_project(tmp_path / "other.annotator")
    other.close()
    r = run("merge", str(tmp_path / "other.annotator"), str(path))
    assert r.returncode == 1 and "not closed properly" in r.stderr

    store = open_project(path)  # opening for work rolls the unfinished change back
    assert store.counts() == counts
    assert not any(key.startswith("junk") for key in store.meta())
    assert store.integrity_check() == "ok"
    store.close()
    snapshot = open_snapshot(path)
    assert snapshot.counts() == counts
    snapshot.close()


def test_impossible_paths_and_limits_get_one_line(tmp_path):
    afile = tmp_path / "a-file"
    afile.write_text("x")
    cases = [
        (("new", ""), 1, "project path is empty"),
        (("new", str(afile / "inside")), 1, "Cannot create"),
        (("info", str(tmp_path / ("n" * 300 + ".annotator"))), 1, ""),
        (("search", str(tmp_path / "x.annotator"), "q", "--limit", "99999999999999999999"), 2, "--limit"),
        (("similar", str(tmp_path / "x.annotator"), "--text", "q", "--limit", "0"), 2, "--limit"),
    ]
    for args, code, words in cases:
        r = run(*args)
        assert r.returncode == code, (args, r.stderr)
        assert "Traceback" not in r.stderr and words in r.stderr, (args, r.stderr)


def test_damage_found_only_by_the_structural_check_stops_the_scores(tmp_path):
    """``annotator score`` reads and scores while SQLite's structural check runs beside it:
    damage the check finds in a part the scoring never reads (an index of claims by type) is
    still reported, one line, exit status 1, and no scores are printed."""
    path = _demo(tmp_path)
    conn = sqlite3.connect(path)
    root, page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'claims_by_type'").fetchone()[0], \
        conn.execute("PRAGMA page_size").fetchone()[0]
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page:(root - 1) * page + 16] = b"\xde\xad\xbe\xef" * 4  # the index's page header
    path.write_bytes(bytes(data))
    before = sha256_file(path)
    r = run("score", str(path), "--json")
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.count("\n") == 1 and "is damaged" in r.stderr and r.stdout == ""
    assert sha256_file(path) == before
