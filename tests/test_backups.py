"""Automatic backups (store.backups): taken whole and checked, pruned, restorable, and
taken by the command line before every bulk change."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.core.errors import ProjectError
from annotator.services.backups import folder_for, list_backups, restore_backup, take_backup
from annotator.services.demo import create_demo_project
from annotator.store import open_project
from tests.test_cli import run

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "schema"


@pytest.fixture
def demo(tmp_path) -> Path:
    path = tmp_path / "demo.annotator"
    create_demo_project(path).close()
    return path


def test_a_backup_is_a_whole_plain_copy_in_the_data_folder(demo):
    store = open_project(demo)
    try:
        store.db.execute("UPDATE claims SET note = 'edited, still in the log'")
        store.db.conn.commit()
        backup = take_backup(demo, "by-hand")
    finally:
        store.close()
    assert backup is not None and backup.path.parent == folder_for(demo)
    assert sorted(p.name for p in backup.path.parent.iterdir()) == [backup.path.name], "no -wal, -shm or partial"
    copy = sqlite3.connect(backup.path)
    try:
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert copy.execute("SELECT count(*) FROM claims WHERE note = 'edited, still in the log'").fetchone()[0] == 23
    finally:
        copy.close()
    assert [b.why for b in list_backups(demo)] == ["made by hand"]


def test_opening_backs_up_only_a_project_changed_since_its_newest_backup(demo):
    past = 1_700_000_000_000_000_000
    os.utime(demo, ns=(past, past))  # last changed long before any backup
    assert take_backup(demo, "opened") is not None
    assert take_backup(demo, "opened") is None, "the newest backup holds what the file holds"
    assert take_backup(demo, "before-merge") is not None, "a bulk change always gets one"
    store = open_project(demo)
    store.add_source("Example Gazette")  # pending in the log
    try:
        assert take_backup(demo, "opened") is not None
    finally:
        store.close()


def test_the_newest_ten_are_kept(demo, monkeypatch):
    from annotator.store import backups

    monkeypatch.setattr(backups, "KEPT", 3)
    taken = [take_backup(demo, "by-hand") for _ in range(5)]
    assert [b.path for b in list_backups(demo)] == [b.path for b in reversed(taken[-3:])]


def test_a_cancelled_backup_leaves_nothing(demo):
    seen = []
    assert take_backup(demo, "by-hand", progress=lambda done, total, what: seen.append(what),
                       cancelled=lambda: True) is None
    assert seen and list(folder_for(demo).iterdir()) == []


def test_restore_puts_the_backup_in_place_and_backs_up_what_it_replaces(demo):
    store = open_project(demo)
    try:
        before = store.counts()
        chosen = take_backup(demo, "by-hand")
        store.db.execute("DELETE FROM verdicts")
        store.db.conn.commit()
        safety = restore_backup(store, chosen)
        assert store.counts() == before and store.integrity_check() == "ok"
        assert safety is not None and safety.reason == "before-restore"
        restore_backup(store, safety)  # undoing the restore
        assert store.counts().verdicts == 0
    finally:
        store.close()
    assert open_project(demo).counts().verdicts == 0  # and it lasts


def test_a_backup_of_another_schema_version_is_refused(demo, tmp_path):
    old = tmp_path / "old.annotator"
    shutil.copy(FIXTURES / "v3.annotator", old)
    store = open_project(demo)
    try:
        before = store.counts()
        with pytest.raises(ProjectError, match=r"another version of annotator.*not changed"):
            store.restore_backup(old)
        assert store.counts() == before
    finally:
        store.close()


def test_the_command_line_backs_up_before_a_load_and_restores_by_number(demo, tmp_path):
    out = tmp_path / "csv"
    assert run("export", str(demo), str(out)).returncode == 0
    store = open_project(demo)
    store.db.execute("DELETE FROM links")
    store.db.execute("DELETE FROM verdicts")
    store.db.execute("DELETE FROM claims")
    store.db.conn.commit()
    store.close()
    r = run("load", str(demo), str(out))
    assert r.returncode == 0, r.stderr
    assert [b.reason for b in list_backups(demo)] == ["before-load"]
    r = run("backups", str(demo))
    assert r.returncode == 0 and "  1  " in r.stdout and "before loading annotations" in r.stdout
    r = run("restore", str(demo), "1")
    assert r.returncode == 0 and "0 claims" in r.stdout and "before-restore" in r.stdout, r.stdout
    r = run("restore", str(demo), "7")
    assert r.returncode == 1 and "Traceback" not in r.stderr and "has 2 backup(s)" in r.stderr
    r = run("backup", str(demo))
    assert r.returncode == 0 and "Backed up demo.annotator" in r.stdout
    assert sorted(p.name for p in demo.parent.iterdir() if p.name.startswith("demo.")) == ["demo.annotator"]
