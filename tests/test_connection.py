"""The store's connection keeps sqlite-utils' transaction rules without loading it."""

from __future__ import annotations

import sqlite3

import pytest

from annotator.store.connection import connect


@pytest.fixture
def pair(tmp_path):
    path = str(tmp_path / "t.db")
    db = connect(path)
    db.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)")
    other = sqlite3.connect(path)
    yield db, other
    other.close()
    db.close()


def _seen(other) -> list[int]:
    return [x for (x,) in other.execute("SELECT x FROM t ORDER BY x")]


def test_a_write_outside_a_transaction_is_committed_at_once(pair):
    db, other = pair
    db.execute("INSERT INTO t VALUES (?)", [1])
    assert not db.conn.in_transaction
    assert _seen(other) == [1]


def test_a_refused_write_leaves_no_transaction_open(pair):
    db, other = pair
    db.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO t VALUES (1)")
    assert not db.conn.in_transaction
    db.execute("INSERT INTO t VALUES (2)")
    assert _seen(other) == [1, 2]


def test_atomic_commits_at_the_end_and_rolls_back_on_error(pair):
    db, other = pair
    with db.atomic():
        db.execute("INSERT INTO t VALUES (1)")
        assert _seen(other) == []  # not yet
    assert _seen(other) == [1]
    with pytest.raises(RuntimeError), db.atomic():
        db.execute("INSERT INTO t VALUES (2)")
        raise RuntimeError("refused")
    assert not db.conn.in_transaction
    assert _seen(other) == [1]


def test_a_nested_block_is_a_savepoint_of_the_outer_one(pair):
    db, other = pair
    with db.atomic():
        db.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(RuntimeError), db.atomic():
            db.execute("INSERT INTO t VALUES (2)")
            raise RuntimeError("inner refused")
        assert db.conn.in_transaction  # the outer change goes on
        with db.atomic():
            db.execute("INSERT INTO t VALUES (3)")
    assert _seen(other) == [1, 3]


def test_reads_and_explicit_begin_are_left_alone(pair):
    db, other = pair
    db.execute("BEGIN")
    db.execute("INSERT INTO t VALUES (1)")
    assert db.conn.in_transaction and _seen(other) == []
    db.execute("COMMIT")
    assert _seen(other) == [1]
    assert db.execute("SELECT count(*) FROM t").fetchone() == (1,)
    assert not db.conn.in_transaction
