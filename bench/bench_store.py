"""Store and import: seeds, a 5 MB article, commit latency per edit, search, open."""

from __future__ import annotations

import random
import statistics
import time
from pathlib import Path

from annotator.core.model import Rating
from annotator.services.annotations import AnnotationService
from annotator.services.importing import ImportService
from annotator.store import create_project, open_project

REPO = Path(__file__).resolve().parent.parent
WORDS = ("Clarifai OkCupid photos deleted million FTC settlement founder investor dataset "
         "facial recognition privacy users consent company report said according court "
         "the a of to and in that was were had has by with for on").split()


def _five_mb_text(path: Path) -> Path:
    rng = random.Random(7)
    paragraphs, size = [], 0
    while size < 5 * 1024 * 1024:
        para = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 160))) + "."
        paragraphs.append(para)
        size += len(para) + 2
    path.write_text("\r\n\r\n".join(paragraphs), encoding="utf-8")
    return path


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def run(tmp: Path):
    from bench.run import timed

    rows = []
    seeds = sorted((REPO / "seeds").glob("*.txt"))
    counter = iter(range(10_000))

    def import_seeds():
        store = create_project(tmp / f"seeds{next(counter)}.annotator")
        results = ImportService(store).import_files(seeds)
        assert all(r.ok for r in results)
        store.close()

    rows.append(("import the 5 seed articles (new project)", _ms(timed(import_seeds)), "-", ""))

    big = _five_mb_text(tmp / "big.txt")

    def import_big():
        store = create_project(tmp / f"big{next(counter)}.annotator")
        assert ImportService(store).import_files([big])[0].ok
        store.close()

    t = timed(import_big, repeat=3)
    rows.append((f"import a {big.stat().st_size / 1e6:.1f} MB text file (CRLF)", _ms(t), "-", ""))

    store = create_project(tmp / "edits.annotator")
    doc = ImportService(store).import_files([seeds[1]])[0].document
    service = AnnotationService(store, annotator="bench")
    text_len = doc.length
    latencies = []
    for i in range(2000):
        start = (i * 7) % (text_len - 20)
        t0 = time.perf_counter()
        claim = service.create_claim(doc.id, start, start + 12)
        latencies.append(time.perf_counter() - t0)
    verdict_lat = []
    claims = store.claims(doc.id)
    for claim in claims[:500]:
        t0 = time.perf_counter()
        service.set_verdict(claim.id, Rating.FALSE)
        verdict_lat.append(time.perf_counter() - t0)
    q = statistics.quantiles(latencies, n=100)
    rows.append(("commit one new claim: p50 / p99 (synchronous=FULL)",
                 f"{_ms(q[49])} / {_ms(q[98])}", "≤ 30 ms", "yes" if q[98] < 0.030 else "NO"))
    qv = statistics.quantiles(verdict_lat, n=100)
    rows.append(("commit one verdict: p50 / p99", f"{_ms(qv[49])} / {_ms(qv[98])}", "-", ""))
    store.close()

    bigstore = open_project(next(tmp.glob("big*.annotator")))
    ImportService(bigstore).import_files(seeds)
    t = timed(lambda: bigstore.search("founder investor"), repeat=7)
    rows.append(("full-text search, 5 MB + seeds", _ms(t), "-", ""))
    bigstore.close()
    path = next(tmp.glob("big*.annotator"))
    t = timed(lambda: open_project(path).close(), repeat=5)
    rows.append(("open a project holding 5 MB (checks included)", _ms(t), "-", ""))
    return "Store and import", rows
