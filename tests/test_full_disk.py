"""A real full disk: command-line edits run in a child process whose file-size limit
(``RLIMIT_FSIZE``, with ``SIGXFSZ`` ignored) makes every write past the limit fail with
EFBIG, as writes fail on a full disk. Each edit must be refused with one clear message that
does not call the project damaged, and leave the project exactly as it was.

POSIX only (the limit is a Unix resource limit)."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, sha256_file

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is a Unix resource limit"),
    pytest.mark.timeout(300),
]

FIXTURES = Path(__file__).parent / "fixtures" / "schema"
# Runs the command line with every file it writes limited to LIMIT bytes. SIGXFSZ would
# otherwise kill the process at the first write past the limit; ignored, the write fails
# with EFBIG instead, the error a full disk gives (ENOSPC) in all that matters here.
_CHILD = """
import resource, signal, sys
limit = int(sys.argv[1])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from annotator.cli import main
sys.exit(main(sys.argv[2:]))
"""
_WORDS = ("the minister said inflation fell sharply last year while unemployment rose in the north "
          "according to figures published by the statistics office on tuesday").split()


def cli(*args: str, limit: int | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONDONTWRITEBYTECODE": "1"}
    if limit is None:
        command = [sys.executable, "-m", "annotator", *args]
    else:
        command = [sys.executable, "-c", _CHILD, str(limit), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, timeout=240)


def article(rng: random.Random, paragraphs: int) -> str:
    return "\n\n".join(" ".join(rng.choice(_WORDS) for _ in range(60)).capitalize() + "."
                       for _ in range(paragraphs))


def state(path: Path) -> tuple:
    """Counts and integrity of a project, read through an ordinary opening (which also proves
    it still opens normally)."""
    from annotator.store import open_project

    store = open_project(path)
    try:
        return store.counts(), store.integrity_check()
    finally:
        store.close()


def assert_refused_cleanly(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0, result.stdout
    err = result.stderr.strip()
    assert "Traceback" not in err, err
    assert len(err.splitlines()) == 1, f"one message, not several: {err}"
    lowered = err.lower()
    assert "damaged" not in lowered and "corrupt" not in lowered and "restore" not in lowered, err
    assert "not changed" in lowered or "nothing was changed" in lowered, err
    return err


@pytest.fixture
def project(tmp_path) -> Path:
    """A project of five articles (a few hundred KB) with no journal left beside it."""
    from annotator.services.importing import ImportService
    from annotator.store import create_project

    rng = random.Random(7)
    path = tmp_path / "story.annotator"
    store = create_project(path, "Story")
    try:
        for i in range(5):
            source = tmp_path / f"article{i}.txt"
            source.write_text(article(rng, 40), encoding="utf-8")
            [result] = ImportService(store).import_files([source])
            assert result.document is not None, result.message
    finally:
        store.close()
    return path


def limit_for(path: Path) -> int:
    """Room for the project and a little more: the edits below write several times that."""
    return path.stat().st_size + 128 * 1024


def test_an_import_that_fills_the_disk_is_refused_and_changes_nothing(project, tmp_path):
    big = tmp_path / "long report.txt"
    big.write_text(article(random.Random(1), 2500), encoding="utf-8")  # about 1 MB of text
    limit = limit_for(project)
    assert big.stat().st_size > 4 * (limit - project.stat().st_size)
    before = state(project)

    err = assert_refused_cleanly(cli("import", str(project), str(big), limit=limit))
    assert "long report.txt" in err
    assert state(project) == before
    assert before[1] == "ok"

    # The same edit with room to spare goes through: it was the limit that refused it.
    done = cli("import", str(project), str(big))
    assert done.returncode == 0, done.stderr
    assert state(project)[0].documents == before[0].documents + 1


def test_a_csv_load_that_fills_the_disk_is_refused_and_changes_nothing(project, tmp_path):
    import csv

    from annotator.store import open_project

    store = open_project(project)
    try:
        docs = [(d.title, store.document_text(d.id)) for d in store.documents()]
    finally:
        store.close()
    folder = tmp_path / "csv"
    folder.mkdir()
    rng = random.Random(3)
    with open(folder / "claims.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["document_title", "start", "end", "quote", "note", "annotator"])
        for i in range(600):  # 600 claims with 2 KB notes: over a megabyte to write
            title, text = docs[i % len(docs)]
            start = rng.randrange(0, len(text) - 80)
            end = start + rng.randrange(20, 80)
            writer.writerow([title, start, end, text[start:end], "n" * 2000, f"annotator {i}"])
    limit = limit_for(project)
    before = state(project)

    assert_refused_cleanly(cli("load", str(project), str(folder), limit=limit))
    assert state(project) == before

    done = cli("load", str(project), str(folder))
    assert done.returncode == 0, done.stderr
    assert state(project)[0].claims == before[0].claims + 600


@pytest.mark.parametrize("room", ["none for the backup", "room for the backup only"])
def test_an_upgrade_on_a_full_disk_is_refused_and_changes_nothing(tmp_path, room):
    path = tmp_path / "old.annotator"
    shutil.copy(FIXTURES / "v3.annotator", path)
    original = sha256_file(path)
    size = path.stat().st_size
    # The backup is a copy of the file (the same size); the upgraded project is a few pages
    # larger, so a limit of exactly its size lets the backup be written but not the upgrade.
    limit = size // 2 if room == "none for the backup" else size
    note = tmp_path / "note.txt"
    note.write_text("A short note about the budget.\n", encoding="utf-8")

    err = assert_refused_cleanly(cli("import", str(path), str(note), limit=limit))
    assert "old.annotator" in err
    assert sha256_file(path) == original
    backups = sorted(tmp_path.glob("old.annotator.v3.bak*"))
    if room == "none for the backup":
        assert backups == [], "no partial or empty backup is left to be trusted later"
    else:  # a whole copy was made before the upgrade failed: it may stay, and is a real copy
        assert [b.name for b in backups] == ["old.annotator.v3.bak"]
        assert rows_of(backups[0]) == rows_of(path)

    # With room again, the upgrade goes through and the backup beside it is a real copy.
    done = cli("import", str(path), str(note))
    assert done.returncode == 0, done.stderr
    backup = tmp_path / "old.annotator.v3.bak"
    conn = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM claims").fetchone()[0] == 2
    finally:
        conn.close()
    counts, integrity = state(path)
    assert integrity == "ok" and counts.claims == 2 and counts.documents == 2  # the note joins the one article


def rows_of(path: Path) -> list:
    """The claims and documents a project file holds, read without changing it."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return [conn.execute("SELECT * FROM claims ORDER BY id").fetchall(),
                conn.execute("SELECT id, title FROM documents ORDER BY id").fetchall()]
    finally:
        conn.close()
