"""One writer per project: a second one is refused with the holder's name, readers are not,
and a crashed holder leaves nothing locked."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from annotator.core.errors import ProjectLockedError
from annotator.store import create_project, open_project
from annotator.store.locking import lock_path
from annotator.store.opening import open_for_reading


def test_a_second_writer_is_refused_with_the_holders_name_and_a_reader_is_not(tmp_path):
    path = tmp_path / "p.annotator"
    store = create_project(path, "p")
    store.add_document("The council approved the budget.", "Budget")
    assert lock_path(path).exists()
    holder = rf"p.annotator is open in another annotator \(.*process {os.getpid()}"
    with pytest.raises(ProjectLockedError, match=holder):
        open_project(path)
    reader = open_for_reading(path)  # info, search, export and score read beside the writer
    assert reader.counts().documents == 1
    reader.close()
    store.close()
    assert not lock_path(path).exists(), "closing removes the lock file"
    again = open_project(path)
    again.close()


HOLDER = textwrap.dedent(
    """
    import sys, time
    from annotator.store import open_project
    store = open_project(sys.argv[1])
    print("open", flush=True)
    time.sleep(600)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.timeout(120)
def test_another_process_holds_the_lock_until_it_dies_however_it_dies(tmp_path):
    path = tmp_path / "p.annotator"
    create_project(path, "p").close()
    (tmp_path / "x.txt").write_text("A short article.", encoding="utf-8")
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(ProjectLockedError, match=f"process {holder.pid}"):
            open_project(path)
        out = subprocess.run([sys.executable, "-m", "annotator", "import", str(path), str(tmp_path / "x.txt")],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 1 and "is open in another annotator" in out.stderr
        info = subprocess.run([sys.executable, "-m", "annotator", "info", str(path)],
                              capture_output=True, text=True, timeout=60)
        assert info.returncode == 0, info.stderr
    finally:
        os.kill(holder.pid, signal.SIGKILL)  # a crash: no chance to unlock
        holder.wait()
    store = open_project(path)  # the operating system let go of the lock with the process
    store.close()


def test_commands_that_only_read_leave_the_folder_and_the_file_as_they_were(tmp_path):
    """info, search, similar, score and export neither change the project file nor leave
    SQLite's -wal/-shm files beside it; while the app has the project open they read its
    committed edits."""
    from tests.conftest import sha256_file
    from tests.test_cli import run

    path = tmp_path / "p.annotator"
    store = create_project(path, "p")
    store.add_document("The council approved the budget on Monday.", "Budget")
    store.close()
    before = sha256_file(path)
    for args in (("info", str(path)), ("search", str(path), "budget"), ("score", str(path)),
                 ("conflicts", str(path)), ("similar", str(path), "--text", "council budget"),
                 ("export", str(path), str(tmp_path / "out"))):
        r = run(*args)
        assert r.returncode == 0, r.stderr
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("p.")) == ["p.annotator"], args
    assert sha256_file(path) == before

    store = open_project(path)  # the app, editing meanwhile
    try:
        store.add_document("A second article about the budget.", "Second")
        r = run("info", str(path))
        assert r.returncode == 0 and "documents       2" in r.stdout.replace("\t", " "), r.stdout
        assert (tmp_path / "p.annotator-wal").exists(), "the writer's journal stays while it is open"
    finally:
        store.close()
