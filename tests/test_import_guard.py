"""Files are read in a child process bounded by time and memory: a file that hangs the
parser, eats memory or crashes it gets one clear message and the rest of the batch imports.

The misbehaving readers (tests/hostile_readers.py) stand in for crafted files, with tiny
limits, so these tests are quick and do not depend on how slow a real parser is."""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.services import sandbox
from annotator.services.importing import CANCELLED, FAILED, IMPORTED, ImportService, extract_files
from annotator.services.sandbox import ReadCancelled, ReadGuard, ReadLimits
from annotator.store import create_project
from tests.hostile_readers import greedy_inside_importer, misbehave

TINY = ReadLimits(seconds=1, memory_mb=200)
LINUX = sys.platform.startswith("linux")  # where RLIMIT_AS is enforced (and /proc exists)


def _articles(folder: Path, *names: str) -> list[Path]:
    paths = []
    for number, name in enumerate(names):
        path = folder / name
        path.write_text(f"Article {number}: the minister said the budget grew by {number} percent.\n",
                        encoding="utf-8")
        paths.append(path)
    return paths


def _gone(pid: int) -> bool:
    """The process is neither running nor a zombie waiting to be collected."""
    if LINUX:
        return not Path(f"/proc/{pid}").exists()
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_file_that_hangs_is_skipped_after_the_time_limit_and_the_batch_goes_on(tmp_path):
    files = _articles(tmp_path, "first.txt", "hang.txt", "last.txt")
    store = create_project(tmp_path / "p.annotator")
    before = set(multiprocessing.active_children())  # e.g. a scoring process an earlier test left to end
    results = ImportService(store).import_files(files, guard=ReadGuard(TINY, reader=misbehave))
    store.close()
    assert [r.status for r in results] == [IMPORTED, FAILED, IMPORTED]
    assert results[1].message.startswith("hang.txt took longer than 1 s to read and was skipped")
    assert "ANNOTATOR_IMPORT_SECONDS" in results[1].message
    assert set(multiprocessing.active_children()) <= before, "the reading children are gone"


@pytest.mark.skipif(not LINUX, reason="the memory limit is enforced where RLIMIT_AS is (Linux)")
def test_a_file_that_eats_memory_is_skipped_with_the_memory_limit_named(tmp_path):
    files = _articles(tmp_path, "greedy.txt", "after.txt")
    results = extract_files(files, guard=ReadGuard(TINY, reader=misbehave))
    assert results[0][1].status == FAILED
    assert results[0][1].message == ("greedy.txt needed more than 200 MB of memory to read and was skipped. "
                                     "(ANNOTATOR_IMPORT_MEMORY_MB allows more.)")
    assert results[1][1].text.startswith("Article 1:")


@pytest.mark.skipif(not LINUX, reason="the memory limit is enforced where RLIMIT_AS is (Linux)")
def test_running_out_of_memory_inside_the_importers_is_reported_as_such(tmp_path):
    """The importers turn a MemoryError into their own failure; the guard still says which
    limit was reached, and starts a fresh child for the next file."""
    [article] = _articles(tmp_path, "big.txt")
    with ReadGuard(ReadLimits(seconds=30, memory_mb=200), reader=greedy_inside_importer) as guard:
        with pytest.raises(Exception, match="needed more than 200 MB of memory"):
            guard.read(article)
        assert guard.child_pid is None


def test_a_reader_that_raises_or_crashes_fails_that_file_only(tmp_path):
    files = _articles(tmp_path, "boom.txt", "crash.txt", "fine.txt")
    results = dict(extract_files(files, guard=ReadGuard(TINY, reader=misbehave)))
    boom, crash, fine = (results[str(f)] for f in files)
    assert boom.message == "boom.txt could not be read (KeyError: 'unexpected')."
    assert crash.message.startswith("crash.txt could not be read: the reader stopped unexpectedly (exit code 3)")
    assert fine.text.startswith("Article 2:")


@pytest.mark.skipif(sys.platform == "win32", reason="no signals to kill with on Windows")
def test_a_reader_killed_by_a_signal_says_which(tmp_path):
    files = _articles(tmp_path, "killed.txt", "fine.txt")
    results = dict(extract_files(files, guard=ReadGuard(TINY, reader=misbehave)))
    assert results[str(files[0])].message.startswith(
        "killed.txt could not be read: the reader stopped unexpectedly (signal 9)")
    assert results[str(files[1])].text.startswith("Article 1:")


def test_one_child_reads_the_whole_batch_and_a_new_one_follows_a_kill(tmp_path):
    first, second, hang, third = _articles(tmp_path, "a.txt", "b.txt", "hang.txt", "c.txt")
    with ReadGuard(TINY, reader=misbehave) as guard:
        guard.read(first)
        pid = guard.child_pid
        guard.read(second)
        assert guard.child_pid == pid
        with pytest.raises(Exception, match="took longer than 1 s"):
            guard.read(hang)
        assert guard.child_pid is None and _gone(pid)
        assert guard.read(third).text.startswith("Article 3:")
        assert guard.child_pid not in (None, pid)
        last = guard.child_pid
    assert guard.child_pid is None and _gone(last)


def test_stop_from_another_thread_ends_a_hung_read_at_once_and_leaves_no_process(tmp_path):
    [hang] = _articles(tmp_path, "hang.txt")
    before = set(multiprocessing.active_children())  # e.g. a scoring process an earlier test left to end
    guard = ReadGuard(ReadLimits(seconds=3600, memory_mb=None), reader=misbehave)
    started, outcome = threading.Event(), []

    def read() -> None:
        try:
            guard.read(hang, cancelled=lambda: (started.set(), False)[1])
        except ReadCancelled:
            outcome.append("cancelled")

    reading = threading.Thread(target=read)
    reading.start()
    assert started.wait(60)  # the child is up and the file is being read
    pid = guard.child_pid
    assert pid is not None
    guard.stop()
    reading.join(60)  # only a working stop ends a read of an hour's limit
    assert outcome == ["cancelled"]
    assert _gone(pid)
    assert set(multiprocessing.active_children()) <= before


def test_cancelling_marks_the_file_being_read_and_the_rest_as_cancelled(tmp_path):
    files = _articles(tmp_path, "a.txt", "hang.txt", "c.txt")
    guard = ReadGuard(ReadLimits(seconds=3600, memory_mb=None), reader=misbehave)
    reading: list[str] = []
    results = extract_files(files, guard=guard, progress=lambda done, total, name: reading.append(name),
                            cancelled=lambda: bool(reading) and reading[-1].endswith("hang.txt"))
    assert [item.status if hasattr(item, "status") else IMPORTED for _, item in results] == [
        IMPORTED, CANCELLED, CANCELLED]


@pytest.mark.parametrize(("environ", "limits"), [
    ({}, ReadLimits(30, 1024)),
    ({"ANNOTATOR_IMPORT_SECONDS": "120", "ANNOTATOR_IMPORT_MEMORY_MB": "4096"}, ReadLimits(120, 4096)),
    ({"ANNOTATOR_IMPORT_SECONDS": " 2.5 ", "ANNOTATOR_IMPORT_MEMORY_MB": ""}, ReadLimits(2.5, 1024)),
])
def test_the_limits_come_from_the_environment(environ, limits):
    assert ReadLimits.from_environment(environ) == limits


@pytest.mark.parametrize("environ", [
    {"ANNOTATOR_IMPORT_SECONDS": "soon"}, {"ANNOTATOR_IMPORT_SECONDS": "0"},
    {"ANNOTATOR_IMPORT_SECONDS": "inf"}, {"ANNOTATOR_IMPORT_MEMORY_MB": "1.5"},
    {"ANNOTATOR_IMPORT_MEMORY_MB": "-1"},
])
def test_a_limit_that_is_not_a_positive_number_is_refused_by_name(environ):
    [name] = environ
    with pytest.raises(ValueError, match=name):
        ReadLimits.from_environment(environ)


def test_limits_are_named_as_people_say_them():
    assert ReadLimits(30, 1024).describe_memory() == "1 GB"
    assert ReadLimits(30, 200).describe_memory() == "200 MB"
    assert ReadLimits(2.5, 4096).describe_time() == "2.5 s"


def test_the_cli_refuses_each_bad_file_on_one_line_and_exits_non_zero(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sandbox, "read_file", misbehave)  # what the CLI's guard runs in its child
    monkeypatch.setenv("ANNOTATOR_IMPORT_SECONDS", "1")
    project = tmp_path / "p.annotator"
    assert main(["new", str(project)]) == 0
    files = _articles(tmp_path, "hang.txt", "boom.txt", "good.txt")
    capsys.readouterr()
    assert main(["import", str(project), *map(str, files)]) != 0
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        f"error     {files[0]}: hang.txt took longer than 1 s to read and was skipped; it may be damaged "
        "or made to stall readers. (ANNOTATOR_IMPORT_SECONDS allows more time.)",
        f"error     {files[1]}: boom.txt could not be read (KeyError: 'unexpected').",
    ]
    assert "1 imported, 0 already present, 2 failed" in out
    assert "Traceback" not in out + err


def test_the_cli_names_a_bad_limit_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ANNOTATOR_IMPORT_MEMORY_MB", "lots")
    project = tmp_path / "p.annotator"
    assert main(["new", str(project)]) == 0
    [article] = _articles(tmp_path, "a.txt")
    capsys.readouterr()
    assert main(["import", str(project), str(article)]) != 0
    err = capsys.readouterr().err
    assert err == ("annotator: ANNOTATOR_IMPORT_MEMORY_MB must be a whole number of megabytes, "
                   "such as 4096, not 'lots'.\n")
