"""Automatic backups (store.backups): taken whole and checked, pruned, restorable, and
taken by the command line before every bulk change."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.core.errors import NotFoundError, ProjectError
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
    assert take_backup(demo, "by-hand", cancelled=lambda: True) is None
    assert not folder_for(demo).exists() or list(folder_for(demo).iterdir()) == []


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
    reopened = open_project(demo)
    try:
        assert reopened.counts().verdicts == 0  # and it lasts
    finally:
        reopened.close()


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


def test_the_oldest_backup_can_be_restored_when_the_list_is_full(demo, monkeypatch):
    """The copy of what a restore replaces pushes the oldest out of a full list, but never
    the copy being restored."""
    from annotator.store import backups

    monkeypatch.setattr(backups, "KEPT", 3)
    store = open_project(demo)
    try:
        oldest = take_backup(demo, "by-hand")
        store.db.execute("DELETE FROM verdicts")
        store.db.conn.commit()
        take_backup(demo, "by-hand")
        take_backup(demo, "by-hand")
        assert list_backups(demo)[-1].path == oldest.path
        restore_backup(store, oldest)
        assert store.counts().verdicts == 23
    finally:
        store.close()
    assert oldest.path.exists(), "kept while it was being restored"
    assert list_backups(demo)[0].reason == "before-restore"


def test_a_copy_of_another_project_is_not_restored_over_this_one(demo, tmp_path):
    other = tmp_path / "other.annotator"
    create_demo_project(other).close()  # the same articles, another project
    store = open_project(demo)
    try:
        before = store.counts()
        with pytest.raises(ProjectError, match=r"copy of another project.*not changed"):
            store.restore_backup(other)
        assert store.counts() == before
    finally:
        store.close()


def test_the_command_line_goes_on_when_no_backup_can_be_written(demo, tmp_path, monkeypatch):
    """A data folder that cannot hold a copy (a full disk, no permission) does not stop a
    change that still fits; the command says so on its error output."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the data folder should be", encoding="utf-8")
    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(blocked))
    article = tmp_path / "brief.txt"
    article.write_text("The council approved the budget on Monday.", encoding="utf-8")
    r = run("import", str(demo), str(article))
    assert r.returncode == 0 and "1 imported" in r.stdout, r.stderr
    assert "no backup was taken first" in r.stderr and "Traceback" not in r.stderr


def test_a_restore_forgets_texts_of_documents_the_backup_lacks(demo):
    store = open_project(demo)
    try:
        chosen = take_backup(demo, "by-hand")
        added = store.add_document("A document added after the backup.", "Later")
        assert store.document_text(added.id) == "A document added after the backup."
        restore_backup(store, chosen)
        with pytest.raises(NotFoundError):
            store.document_text(added.id)
    finally:
        store.close()
