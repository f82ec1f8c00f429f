"""``annotator --self-test``: whether this installed copy works, checked offline.

A newsroom IT desk installs annotator from a bundle on machines without internet; this runs
what a fact-checker relies on, end to end, in a temporary folder, and says in one line per
check what worked and what did not: the bundled demo articles, an import of each file
format, the sentence splitter (spaCy), the scores, the CSV and JSON-LD exports, and a CSV
load back into the project. Nothing is read from or written to the user's own projects or
settings, and nothing goes over the network. The window's platform plugin is checked apart
(``annotator.cli``), in a child process, since a missing display library can abort Qt.
"""

from __future__ import annotations

import io
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import AnnotatorError


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    seconds: float

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.name}: {self.detail} ({self.seconds:.1f} s)"


ARTICLE = ("Council approves the harbour budget\n\nThe city council approved the harbour budget on Tuesday "
           "by seven votes to two. The budget of 40 million euros pays for a new quay and dredging.\n\n"
           "Critics said the cost was too low. The work starts next spring.\n")


def pdf_with_text(lines, *, info: dict[str, str] | None = None) -> bytes:
    """A one-page PDF with a text layer, one line of text each (objects, offsets and
    cross-reference table written by hand); ``info``: its document information (Title, Author)."""
    def literal(text: str) -> str:
        return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"

    shown = " T* ".join(f"{literal(line)} Tj" for line in lines)
    content = f"BT /F1 12 Tf 72 720 Td 16 TL {shown} ET".encode("latin-1")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    if info:
        objects.append(("<< " + " ".join(f"/{k} {literal(v)}" for k, v in info.items()) + " >>").encode("latin-1"))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"/Size %d /Root 1 0 R" % (len(objects) + 1) + (b" /Info %d 0 R" % len(objects) if info else b"")
    out += b"trailer\n<< " + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _pdf(lines: list[str]) -> bytes:
    return pdf_with_text(lines)


def _docx(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _sample(suffix: str) -> bytes:
    """The article as a file of the format ``suffix`` (one of ``SAMPLES``)."""
    title, *body = [p for p in ARTICLE.split("\n") if p]
    if suffix == "md":
        return f"# {title}\n\n{chr(10).join(body)}\n".encode()
    if suffix == "html":
        return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
                + "".join(f"<p>{p}</p>" for p in body) + "</article></body></html>").encode()
    if suffix == "docx":
        return _docx([title, *body])
    if suffix == "pdf":
        return _pdf([title, *body])
    return ARTICLE.encode()


SAMPLES = {"txt": "text", "md": "Markdown", "html": "HTML", "docx": "Word", "pdf": "PDF"}


def checks(folder: Path) -> Iterator[tuple[str, Callable[[], str]]]:
    """(name, check) in the order they run; a check returns what it found or raises. All the
    work, imports included, happens inside the checks: a module missing from a bundle is one
    failed check, not a crash of the self-test."""
    project = folder / "self-test.annotator"
    state: dict = {}

    def demo() -> str:
        from annotator.services.demo import create_demo_project

        store = create_demo_project(project)
        counts = store.counts()
        store.close()
        state["claims"] = counts.claims
        if not counts.documents or not counts.claims:
            raise AnnotatorError("the demo project came out empty.")
        return f"{counts.documents} documents, {counts.claims} claims, {counts.verdicts} verdicts"

    yield "demo project (bundled articles)", demo

    for suffix in SAMPLES:
        def read(suffix: str = suffix) -> str:
            from annotator.services.importers import read_document
            from annotator.services.importing import ImportService
            from annotator.store import create_project

            path = folder / f"article.{suffix}"
            path.write_bytes(_sample(suffix))
            imported = read_document(path)
            if "harbour budget" not in imported.text:
                raise AnnotatorError(f"the text read was not the article's: {imported.text[:60]!r}")
            store = create_project(folder / f"import-{path.suffix[1:]}.annotator")
            try:
                result = ImportService(store).add(imported, source_name="Self-test")
                if not result.ok:
                    raise AnnotatorError(result.message)
            finally:
                store.close()
            return f"{len(imported.text)} characters, {imported.import_format}"

        yield f"import {suffix}", read

    def sentences() -> str:
        from annotator.services.nlp import sentences as split

        found = split(ARTICLE)
        if len(found) < 4:
            raise AnnotatorError(f"{len(found)} sentences found in a text of 5.")
        return f"{len(found)} sentences"

    yield "sentences (spaCy)", sentences

    def scores() -> str:
        from annotator.services.reliability import score_project
        from annotator.store import open_project

        store = open_project(project)
        try:
            result = score_project(store)
        finally:
            store.close()
        shown = [s for s in result.sources if s.estimate is not None or s.record is not None]
        if not shown:
            raise AnnotatorError("no source got a score.")
        return f"{len(result.sources)} sources, {len(shown)} with a score"

    yield "scores", scores

    def export() -> str:
        from annotator.services.interchange import export_csv
        from annotator.services.interchange.webannotation import export_webannotation
        from annotator.store import open_project

        store = open_project(project)
        try:
            summary = export_csv(store, folder / "csv")
            export_webannotation(store, folder / "jsonld")
        finally:
            store.close()
        return ", ".join(f"{n} {name}" for name, n in summary.rows.items()) + "; JSON-LD"

    yield "export (CSV, W3C Web Annotation)", export

    def load() -> str:
        from annotator.services.interchange import load_csv
        from annotator.store import open_project

        copy = folder / "load.annotator"
        shutil.copy(project, copy)
        store = open_project(copy)
        try:
            with store.transaction():
                for claim in store.claims():
                    store.delete_claim(claim.id)
            report = load_csv(store, folder / "csv")
        finally:
            store.close()
        if not report.ok or report.claims_loaded != state.get("claims"):
            raise AnnotatorError(f"{report.claims_loaded} of {state.get('claims')} claims came back; "
                                 + "; ".join(report.lines()[:2]))
        return f"{report.claims_loaded} claims, {report.links} links, {report.verdicts} verdicts back"

    yield "load the CSV back", load


def run(report: Callable[[Check], None], folder: Path) -> list[Check]:
    """Run every check in ``folder`` (a fresh, empty folder), reporting each as it ends."""
    done = []
    for name, check in checks(folder):
        began = time.perf_counter()
        try:
            detail, ok = check(), True
        except Exception as exc:  # a self-test reports what failed and goes on
            detail, ok = f"{type(exc).__name__}: {exc}" if not isinstance(exc, AnnotatorError) else str(exc), False
        done.append(Check(name, ok, detail, time.perf_counter() - began))
        report(done[-1])
    return done
