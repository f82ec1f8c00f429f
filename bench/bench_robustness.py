"""Hostile and oversized inputs: how fast they are refused, read safely or re-anchored.

The unit tests check what happens (refused without reading, nothing expanded,
the quote found again) and guard against hangs; the speed targets they used to
assert live here. Each case is the one its test builds.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from annotator.core.anchoring import FUZZY, anchor
from annotator.core.errors import ImportFailure
from annotator.core.text import context
from annotator.services.cleanup import clean_text
from annotator.services.demo import create_demo_project
from annotator.services.importers import read_bytes, read_document
from annotator.services.interchange import load_csv
from annotator.services.sandbox import ReadGuard
from annotator.store import create_project
from tests.test_anchoring import ARTICLE, QUOTE  # the same article and quote as the unit test

REPO = Path(__file__).resolve().parent.parent
MALICIOUS_HTML = REPO / "tests" / "fixtures" / "import" / "malicious.html"


def _time(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds >= 0.001 else f"{seconds * 1e6:.0f} µs"


def _row(measure: str, seconds: float, target_s: float) -> tuple[str, str, str, str]:
    """``target_s`` is the limit the unit test used to assert."""
    return measure, _time(seconds), f"< {target_s:g} s", "yes" if seconds < target_s else "NO"


def _sparse(path: Path, size: int) -> Path:
    with open(path, "wb") as handle:  # sparse: the size on paper, nothing on disk
        handle.truncate(size)
    return path


def run(tmp: Path):
    from bench.run import timed

    rows = []

    huge_pdf = _sparse(tmp / "huge.pdf", 60 * 1024 * 1024)

    def refuse_pdf():
        try:
            read_document(huge_pdf)
        except ImportFailure:
            return
        raise AssertionError("a 60 MB file was imported")

    rows.append(_row("refuse a sparse 60 MB file (size from stat)", timed(refuse_pdf, repeat=7), 0.5))

    def malicious():
        assert "aaaaaaaaaa" not in read_document(MALICIOUS_HTML).text

    rows.append(_row("read the malicious HTML fixture (entities, scripts)", timed(malicious), 3.0))

    nest = "<div>" * 10000 + "<p>deep</p>" + "</div>" * 10000
    deep = f"<html><body><p>Before the nesting: the council discussed the new bridge.</p>{nest}</body></html>"
    deep_bytes = deep.encode()
    rows.append(_row("read HTML nested 10,000 elements deep", timed(lambda: read_bytes(deep_bytes, "deep.html")), 3.0))

    filler = "".join(f"Paragraph {i} says nothing in particular about anything at all. " for i in range(3000))
    text = filler + ARTICLE + filler
    start = text.index(QUOTE)
    prefix, suffix = context(text, start, start + len(QUOTE))
    edited = text.replace("after a settlement", "following a settlement")

    def reanchor():
        assert anchor(edited, QUOTE, prefix, suffix, start).method == FUZZY

    rows.append(_row(f"re-anchor an edited quote (fuzzy) in {len(edited) / 1000:.0f} K characters",
                     timed(reanchor), 2.0))

    # Import cleanup (garbled characters, page furniture) on 5 MB: an article with furniture
    # between its paragraphs, in a mix of scripts, and the same with one garbled line in 50.
    paragraph = ("The mayor said on Tuesday that the café will cost “40 million” euros – naïve, Ελλάδα, "
                 "Россия, 東京 🌉. Critics disagreed and asked for an independent estimate of the cost.\n")
    article = ("Share this article\n" + paragraph * 49) * (5_000_000 // (50 * len(paragraph)))
    garbled = paragraph.replace("café", "cafÃ©")
    damaged = ("Share this article\n" + paragraph * 48 + garbled) * (5_000_000 // (50 * len(paragraph)))

    def clean(text: str, repaired: bool):
        result = clean_text(text)
        assert result.removed and bool(result.repaired) == repaired

    rows.append(_row(f"clean {len(article) / 1e6:.0f} MB of text (furniture, nothing garbled)",
                     timed(lambda: clean(article, False), repeat=3), 1.0))
    rows.append(_row(f"clean {len(damaged) / 1e6:.0f} MB of text with one garbled line in 50",
                     timed(lambda: clean(damaged, True), repeat=3), 1.0))

    store = create_project(tmp / "robustness.annotator")
    folder = tmp / "huge-csv"
    folder.mkdir()
    _sparse(folder / "claims.csv", 100 * 1024 * 1024)

    def refuse_csv():
        report = load_csv(store, folder)
        assert not report.loaded and "100 MB" in report.errors[0].message

    rows.append(_row("refuse a sparse 100 MB claims CSV (size from stat)", timed(refuse_csv, repeat=7), 1.0))
    store.close()

    # One claims row whose quote is 10 MB (as tests/test_csv_load_edges.py builds it): before
    # the fuzzy pass was bounded by quote length this load took minutes (487 s in review).
    demo = create_demo_project(tmp / "long-quote.annotator")
    title = next(d.title for d in demo.documents() if d.title.startswith("Clarifai OkCupid"))
    quote = ("the council said the bridge will cost forty million euros; " * 200_000)[:10_000_000]
    long_quote = tmp / "long-quote"
    long_quote.mkdir()
    with open(long_quote / "claims.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("document_title", "quote"), (title, quote)])

    def load_long_quote():
        report = load_csv(demo, long_quote)
        assert report.loaded and "not searched for approximately" in report.orphans[0].reason

    rows.append(_row("load a claims CSV whose one quote is 10 MB (reported, not searched)",
                     timed(load_long_quote, repeat=3), 5.0))
    demo.close()
    rows.extend(_guard_overhead())
    return "Hostile and oversized inputs", rows


def _guard_overhead() -> list[tuple[str, str, str, str]]:
    """What reading each file in a bounded child process (services/sandbox.py) costs: the
    child's start once per batch, then per file, as a ratio to reading in this process."""
    from bench.run import timed

    seeds = sorted((REPO / "seeds").glob("*.txt"))[:20]
    fixtures = [REPO / "tests" / "fixtures" / "import" / n for n in ("article.html", "article.md", "minutes.pdf")]
    batch = seeds + fixtures
    for path in batch:  # parsers loaded here too, as they are in the child before its clock
        read_document(path)

    def in_process():
        for path in batch:
            read_document(path)

    # The child re-imports the parent's main script (spawn does), so its start is timed from
    # a small script, as from the app's or the command's, not from this benchmark runner.
    probe = ("import time\nfrom annotator.services.sandbox import ReadGuard\n"
             f"t = time.perf_counter()\nwith ReadGuard() as guard: guard.read({str(batch[0])!r})\n"
             "print(time.perf_counter() - t)\n")

    def start_seconds() -> float:
        samples = [float(subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True,
                                        text=True, cwd=REPO).stdout) for _ in range(3)]
        return sorted(samples)[1]

    guard = ReadGuard()
    for path in batch:  # a warm child, as after the first file of each kind in a batch
        guard.read(path)

    def guarded():
        for path in batch:
            guard.read(path)

    local, warm = timed(in_process), timed(guarded)
    start = start_seconds()
    guard.close()
    per_file = (warm - local) / len(batch)
    return [
        _row("import guard: start the reading child, read one text file, end it", start, 1.5),
        (f"import guard: {len(batch)} files (text, HTML, Markdown, PDF) in a warm child vs in process",
         f"{warm / local:.2f}× ({_time(warm)} vs {_time(local)}; +{_time(per_file)} a file)",
         "+ < 5 ms a file", "yes" if per_file < 0.005 else "NO"),
    ]
