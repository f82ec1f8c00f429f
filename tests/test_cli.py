"""The command line end to end, in a real subprocess, on the demo seeds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, sha256_file

SEEDS = REPO / "seeds"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "annotator", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=120)


def test_new_import_info_search_on_the_seeds(tmp_path):
    project = tmp_path / "story"
    r = run("new", str(project), "--name", "Clarifai story")
    assert r.returncode == 0, r.stderr
    path = tmp_path / "story.annotator"
    assert path.exists() and "Created" in r.stdout

    files = sorted(str(p) for p in SEEDS.glob("*.txt"))
    r = run("import", str(path), *files[:2], "--source", "Wire")
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("imported  ") == 2 and "2 imported, 0 already present, 0 failed" in r.stdout
    r = run("import", str(path), files[2], "--source", "Blog", "--title", "The blog post")
    assert r.returncode == 0 and "“The blog post”" in r.stdout

    r = run("import", str(path), files[0])  # same text again
    assert r.returncode == 0 and "0 imported, 1 already present" in r.stdout
    assert "already in the project" in r.stdout

    r = run("info", str(path), "--json")
    info = json.loads(r.stdout)
    assert (info["name"], info["sources"], info["documents"], info["claims"]) == ("Clarifai story", 2, 3, 0)

    r = run("search", str(path), "Copenhagen")
    assert r.returncode == 0
    r = run("search", str(path), "FTC settlement", "--json")
    hits = json.loads(r.stdout)
    assert hits and all("FTC" in h["snippet"] for h in hits)
    r = run("search", str(path), "zyzzyva")
    assert "No document matches" in r.stdout


def test_demo_command_creates_the_demo_project(tmp_path):
    r = run("demo", str(tmp_path / "demo.annotator"))
    assert r.returncode == 0, r.stderr
    assert "5 documents, 5 sources" in r.stdout
    r = run("info", str(tmp_path / "demo.annotator"))
    assert "documents" in r.stdout and "5" in r.stdout
    r = run("search", str(tmp_path / "demo.annotator"), "Copenhagen")
    assert "AI news aggregator (citing TNW)" in r.stdout


def test_user_errors_go_to_stderr_without_traceback(tmp_path):
    text = tmp_path / "notes.annotator"
    text.write_text("just some notes")
    before = sha256_file(text)
    for args in (["info", str(text)], ["search", str(text), "x"], ["info", str(tmp_path / "missing.annotator")],
                 ["new", str(text)]):
        r = run(*args)
        assert r.returncode == 1, args
        assert r.stderr.startswith("annotator: ") and "Traceback" not in r.stderr, r.stderr
        assert r.stdout == ""
    assert sha256_file(text) == before


def test_import_batch_reports_each_bad_file_and_keeps_the_good_ones(tmp_path):
    path = tmp_path / "p.annotator"
    run("new", str(path))
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 40)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    good = SEEDS / "004_ef228d7b7c9c4489.txt"
    r = run("import", str(path), str(junk), str(good), str(empty), str(tmp_path / "nothere.txt"))
    assert r.returncode == 1
    assert "1 imported, 0 already present, 3 failed" in r.stdout
    assert r.stderr.count("error ") == 3 and "Traceback" not in r.stderr
    assert json.loads(run("info", str(path), "--json").stdout)["documents"] == 1


def test_usage_errors_and_help():
    r = run("import")
    assert r.returncode == 2 and "usage" in r.stderr
    r = run("--help")
    assert r.returncode == 0 and "search" in r.stdout and "import" in r.stdout
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("annotator ")


def test_sqlite_utils_reads_the_project_file(tmp_path):
    """The project is plain SQLite: sqlite-utils lists its tables and the human-readable views."""
    path = tmp_path / "open.annotator"
    assert run("demo", str(path)).returncode == 0
    tables = subprocess.run([sys.executable, "-m", "sqlite_utils", "tables", str(path), "--counts"],
                            capture_output=True, text=True, timeout=60)
    assert tables.returncode == 0, tables.stderr
    names = {row["table"]: row["count"] for row in json.loads(tables.stdout)}
    assert names["documents"] == 5 and names["claims"] == 23 and names["links"] == 13
    assert {"sources", "verdicts", "claim_types", "project_meta"} <= set(names)
    views = subprocess.run([sys.executable, "-m", "sqlite_utils", "views", str(path)],
                           capture_output=True, text=True, timeout=60)
    assert {"claims_with_quotes", "links_with_quotes"} <= {v["view"] for v in json.loads(views.stdout)}
    rows = subprocess.run([sys.executable, "-m", "sqlite_utils", "rows", str(path), "links_with_quotes"],
                          capture_output=True, text=True, timeout=60)
    assert "Copenhagen" in rows.stdout
