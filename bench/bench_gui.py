"""GUI speed: first paint of a 5 MB document, 50,000 highlights, adding one, start-up."""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STARTUP = r"""
import sys, time
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from annotator.app import resolve_startup_project
from annotator.gui.main_window import MainWindow
w = MainWindow(resolve_startup_project(None))
w.show()
while w._filling is not None or not w._painted:  # empty panes first, then the documents painted
    app.processEvents()
t1 = time.perf_counter()
heavy = sorted(m for m in ("spacy", "thinc", "trafilatura", "rapidfuzz", "numpy") if m in sys.modules)
print(f"{t1 - t0:.4f} {','.join(heavy) or '-'}")
"""


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _ok(value: float, target: float) -> str:
    return "yes" if value <= target else "NO"


def _until_documents_painted(app, win) -> None:
    from bench.bench_scale import _until_documents_painted as wait

    wait(app, win)


def _qualcoder_style(tmp: Path, app, big: Path, text: str, rows: list) -> None:
    """The comparison with QualCoder: one 5.5 MB article with 1k, 10k and 50k random,
    overlapping claims; open the project to first paint, then Ctrl+E as a person does."""
    from annotator.core.ids import new_id
    from annotator.core.model import Claim
    from annotator.gui.main_window import MainWindow
    from annotator.services.importing import ImportService
    from annotator.store import create_project, open_project
    from bench.bench_scale import _add_claim_samples, _percentiles, _Prompts, _Pump

    targets = {1_000: None, 10_000: 0.9, 50_000: None}  # 10k: stay at or under 0.9 s (845 ms before)
    for n, target in targets.items():
        path = tmp / f"gui-qualcoder-{n}.annotator"
        if not path.exists():
            store = create_project(path)
            doc = ImportService(store).import_files([big])[0].document
            rng = random.Random(n)
            with store.transaction():
                for _ in range(n):
                    start = rng.randrange(0, len(text) - 60)
                    end = start + rng.randint(8, 60)
                    store.insert_claim(Claim(new_id(), doc.id, start, end, text[start:end]))
            store.close()
        opens = []
        for attempt in range(3):
            t0 = time.perf_counter()
            win = MainWindow(open_project(path), _Prompts())
            win.resize(1500, 900)
            win.show()
            _until_documents_painted(app, win)
            opens.append(time.perf_counter() - t0)
            if attempt < 2:
                win.close()
                win.deleteLater()
                app.processEvents()
        t = statistics.median(opens)
        rows.append((f"5.5 MB article, {n:,} claims: open the project to first paint (median of 3)", _ms(t),
                     f"≤ {target * 1000:.0f} ms" if target else "-", _ok(t, target) if target else ""))
        pump = _Pump(app, win)
        pump.settle(60.0)
        samples = _add_claim_samples(pump, win, 15, 30.0, seed=n)
        p50, p99 = _percentiles(samples.values)
        rows.append((f"5.5 MB article, {n:,} claims: add one claim (Ctrl+E), p50 / p99 of {len(samples.values)}",
                     f"{_ms(p50)} / {_ms(p99)}", "≤ 30 / 60 ms (QualCoder: 75 ms at 1k)",
                     "yes" if p50 <= 0.030 and p99 <= 0.060 else "NO"))
        win.close()
        win.deleteLater()
        app.processEvents()


def run(tmp: Path):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from annotator.core.ids import new_id
    from annotator.core.model import Claim
    from annotator.gui.commands import CreateClaim
    from annotator.gui.document_view import DocumentView
    from annotator.gui.main_window import MainWindow
    from annotator.services.importing import ImportService
    from annotator.store import create_project
    from bench.bench_store import _five_mb_text
    from bench.run import timed as _median

    app = QApplication.instance() or QApplication([])
    rows = []
    os.environ["ANNOTATOR_SETTINGS_DIR"] = str(tmp / "settings")
    os.environ["ANNOTATOR_NAME"] = "bench"  # no first-start question (nobody to answer it)
    os.environ["ANNOTATOR_DATA_DIR"] = str(tmp / "data")

    big = _five_mb_text(tmp / "gui-big.txt")
    text = big.read_text(encoding="utf-8").replace("\r\n", "\n")

    def first_paint():
        view = DocumentView()
        view.resize(700, 900)
        view.show()
        view.set_text(text)
        view.viewport().repaint()
        app.processEvents()
        view.close()
        view.deleteLater()

    t = _median(first_paint, 5)
    rows.append(("open a 5 MB document to first paint", _ms(t), "≤ 300 ms", _ok(t, 0.300)))
    _qualcoder_style(tmp, app, big, text, rows)  # first, in a process not yet holding the 50k-claim window

    store = create_project(tmp / "gui.annotator")
    doc = ImportService(store).import_files([big])[0].document
    rng = random.Random(3)
    with store.transaction():
        for _ in range(50_000):
            start = rng.randrange(0, len(text) - 60)
            end = start + rng.randint(8, 60)
            store.insert_claim(Claim(new_id(), doc.id, start, end, text[start:end]))
    win = MainWindow(store)
    win.resize(1500, 900)
    win.show()
    _until_documents_painted(app, win)
    t0 = time.perf_counter()
    win.show_in_pane(win.panes[0], doc.id)
    app.processEvents()
    rows.append(("show that document with 50,000 highlights", _ms(time.perf_counter() - t0), "-", ""))
    while win._claims_loader is not None:  # the table reads its rows after the first paint; the
        app.processEvents()                # rows below time repaints and edits, not that reading
        time.sleep(0.005)
    view = win.panes[0].view
    view.scroll_to(len(text) // 2)
    app.processEvents()
    t = _median(lambda: view.viewport().repaint(), 15)
    rows.append(("repaint with 50,000 highlights", _ms(t), "≤ 16 ms", _ok(t, 0.016)))

    samples = []
    for i in range(15):
        start = len(text) // 2 + i * 40
        t0 = time.perf_counter()
        win.push(CreateClaim(win.annotations, doc.id, start, start + 20))
        view.viewport().repaint()
        samples.append(time.perf_counter() - t0)
    t = statistics.median(samples)
    rows.append(("add one highlight (commit + refresh + repaint)", _ms(t), "≤ 30 ms", _ok(t, 0.030)))
    win.close()

    env = {**os.environ, "ANNOTATOR_NAME": "bench", "ANNOTATOR_DATA_DIR": str(tmp / "startup-data"),
           "ANNOTATOR_SETTINGS_DIR": str(tmp / "startup-settings")}
    subprocess.run([sys.executable, "-c", STARTUP], env=env, capture_output=True, text=True, check=True)  # demo made
    times, heavy = [], "-"
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", STARTUP], env=env, capture_output=True, text=True, check=True)
        value, heavy = out.stdout.split()
        times.append(float(value))
    t = statistics.median(times)
    rows.append(("start-up to first paint on the demo project", _ms(t), "≤ 800 ms", _ok(t, 0.800)))
    # spaCy, numpy (which sqlite-utils would pull in) and the HTML extractor load only when used.
    rows.append(("heavy modules loaded at start-up", heavy, "no spacy/thinc/numpy/trafilatura",
                 "yes" if not {"spacy", "thinc", "numpy", "trafilatura"} & set(heavy.split(",")) else "NO"))
    return "GUI", rows
