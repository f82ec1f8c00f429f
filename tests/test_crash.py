"""Crash safety: edits reported as committed survive a SIGKILL of the process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from annotator.store import create_project, open_project

CHILD = textwrap.dedent(
    """
    import sys
    from annotator.services.annotations import AnnotationService
    from annotator.store import open_project

    store = open_project(sys.argv[1])
    if sys.argv[3] == "window":  # as the window runs it: commits do not wait for the disk
        assert store.defer_syncs()
        store.defer_checkpoints()
    service = AnnotationService(store, annotator="crash-test")
    doc_id = sys.argv[2]
    text_len = len(store.document_text(doc_id))
    i = 0
    while True:
        start = i % (text_len - 10)
        claim = service.create_claim(doc_id, start, start + 5, note=f"edit {i}")
        if i % 3 == 0:
            service.set_verdict(claim.id, "false")
        print(claim.id, flush=True)  # reported only after the commit returned
        i += 1
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.timeout(300)  # a hang guard: the child commits 300 edits in seconds on a quiet machine
@pytest.mark.parametrize("mode", ["synced", "window"])
def test_committed_edits_survive_sigkill(tmp_path, mode):
    path = tmp_path / "crash.annotator"
    store = create_project(path)
    doc = store.add_document("Clarifai deleted 3 million OkCupid photos. " * 40, "Doc")
    store.close()

    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), doc.id, mode],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reported: list[str] = []
    try:
        while len(reported) < 300:  # however long a busy machine takes; only a dead child stops it early
            line = child.stdout.readline()
            if not line:
                break
            reported.append(line.strip())
    finally:  # also when the hang guard fires
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert len(reported) >= 300, child.stderr.read()

    again = open_project(path)
    try:
        assert again.integrity_check() == "ok"
        stored = {c.id for c in again.claims(doc.id)}
        missing = [cid for cid in reported if cid not in stored]
        assert not missing, f"{len(missing)} committed edits lost"
        assert len(again.verdicts()) >= len(reported) // 3
    finally:
        again.close()
