"""``annotator --self-test``: what an IT desk runs after installing a bundle, offline."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def self_test(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "annotator", "--self-test"], capture_output=True, text=True,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8", **env}, timeout=300)


def test_every_check_passes_and_says_so_in_one_line_each(tmp_path):
    data = Path(os.environ["ANNOTATOR_DATA_DIR"])
    before = sorted(p.relative_to(data) for p in data.rglob("*")) if data.exists() else []
    out = self_test(QT_QPA_PLATFORM="offscreen")
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith("annotator ") and "self-test" in lines[0]
    checks = lines[1:-1]
    names = [line.split(":")[0].split("  ", 1)[1].strip() for line in checks]
    assert names == ["demo project (bundled articles)", "import txt", "import md", "import html", "import docx",
                     "import pdf", "sentences (spaCy)", "scores", "export (CSV, W3C Web Annotation)",
                     "load the CSV back", "window (Qt platform plugin)"]
    assert all(line.startswith("ok ") for line in checks), checks
    assert "23 claims, 13 links, 23 verdicts back" in out.stdout  # the demo's annotations, exported and loaded
    assert lines[-1] == f"{len(checks)} checks: all passed"
    # the user's own data folder is left as it was (the checks run in a folder of their own)
    after = sorted(p.relative_to(data) for p in data.rglob("*")) if data.exists() else []
    assert after == before


def test_a_window_that_cannot_open_fails_with_qts_reason():
    out = self_test(QT_QPA_PLATFORM="no-such-platform")
    assert out.returncode == 1
    window = next(line for line in out.stdout.splitlines() if "window (Qt platform plugin)" in line)
    assert window.startswith("FAIL") and "no-such-platform" in window
    assert out.stdout.strip().splitlines()[-1] == "11 checks: 1 failed (window (Qt platform plugin))"


def test_a_failing_check_is_reported_and_the_others_still_run(tmp_path, monkeypatch):
    from annotator.services import selftest

    monkeypatch.setattr(selftest, "_pdf", lambda lines: b"%PDF-1.4\nnot really a pdf\n")
    lines: list[str] = []
    done = selftest.run(lambda check: lines.append(check.line()), tmp_path)
    failed = [c for c in done if not c.ok]
    assert [c.name for c in failed] == ["import pdf"]
    assert "not a readable PDF" in failed[0].detail
    assert lines[5].startswith("FAIL  import pdf: ") and failed[0].detail in lines[5]
    assert len(done) == 10 and all(c.ok for c in done if c.name != "import pdf")


def test_a_library_missing_from_the_bundle_is_a_failed_check_not_a_crash(tmp_path, monkeypatch):
    from annotator.services import selftest

    def no_docx(paragraphs):
        raise ModuleNotFoundError("No module named 'docx'")

    monkeypatch.setattr(selftest, "_docx", no_docx)
    done = selftest.run(lambda check: None, tmp_path)
    assert [(c.name, c.detail) for c in done if not c.ok] == [
        ("import docx", "ModuleNotFoundError: No module named 'docx'")]
    assert len(done) == 10
