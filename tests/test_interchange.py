"""Annotation CSVs out of and back into a project: round trips, injection, hand-written and bad files."""

from __future__ import annotations

import csv
import io
import itertools
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.model import Rating, Relation, Verdict
from annotator.core.text import normalise_newlines
from annotator.services.annotations import AnnotationService
from annotator.services.interchange import (
    MAX_CSV_BYTES,
    escape_cell,
    export_csv,
    load_csv,
    unescape_cell,
)
from annotator.services.interchange.csv_format import FORMULA_TRIGGERS
from annotator.store import create_project

FILES = ("sources.csv", "documents.csv", "claims.csv", "links.csv", "verdicts.csv")
NASTY = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2", "@SUM(A1)", "\tTAB",
         "\rCR", "'=already quoted", "''+twice", "'plain apostrophe", "Ünïcode 😀 “quotes”",
         "line one\nline two, with \"quotes\"", "\N{FULLWIDTH EQUALS SIGN}full width", "  ", "\t"]


# -- helpers ----------------------------------------------------------------------------
def read_rows(folder: Path, name: str) -> list[dict]:
    with open(folder / name, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: list[dict], *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def span(store, doc_id: str, quote: str, nth: int = 0) -> tuple[int, int]:
    text = store.document_text(doc_id)
    start = -1
    for _ in range(nth + 1):
        start = text.index(quote, start + 1)
    return start, start + len(quote)


def annotate(store) -> dict:
    """Claims (some overlapping), links and verdicts by two annotators on the demo project."""
    alice = AnnotationService(store, annotator="alice")
    bob = AnnotationService(store, annotator="bob")
    docs = {d.title[:20]: d.id for d in store.documents()}
    types = store.claim_types()
    created = []
    for doc_id in docs.values():
        text = store.document_text(doc_id)
        for quote in ("3 million", "OkCupid", "Clarifai", "FTC"):
            if quote in text:
                start, end = span(store, doc_id, quote)
                created.append(alice.create_claim(doc_id, start, end, type_id=types[len(created) % 5].id,
                                                  note=NASTY[len(created) % len(NASTY)]))
        # an overlapping, longer claim
        start, end = span(store, doc_id, "Clarifai")
        created.append(bob.create_claim(doc_id, start, min(len(text), end + 40), note="overlaps 🙂"))
    alice.link(created[0].id, created[5].id, Relation.SAME, note="=1+2")
    alice.link(created[1].id, created[6].id, Relation.CONTRADICTS)
    bob.link(created[2].id, created[7].id, Relation.SUPPORTS, note="-- see source")
    bob.link(created[3].id, created[2].id, Relation.DERIVED)
    for i, claim in enumerate(created[:8]):
        alice.set_verdict(claim.id, list(Rating)[i % 6], note=NASTY[i], evidence_url="https://example.org/e")
        if i % 2:
            bob.set_verdict(claim.id, Rating.FALSE, note="@bob disagrees")
    return {"claims": created}


def same_documents(store, path: Path):
    """A new project holding the same articles (new ids), as if imported again, without annotations."""
    target = create_project(path)
    sources = {s.id: s for s in store.sources()}
    for doc in store.documents():
        source = sources.get(doc.source_id)
        source_id = target.ensure_source(source.name, url=source.url, kind=source.kind,
                                         notes=source.notes).id if source else None
        target.add_document(store.document_text(doc.id), doc.title, source_id=source_id, author=doc.author,
                            url=doc.url, published=doc.published, retrieved=doc.retrieved,
                            original_filename=doc.original_filename, import_format=doc.import_format)
    return target


def snapshot(store) -> tuple:
    return (store.counts(), sorted((c.id, c.start, c.end, c.quote) for c in store.claims()))


# -- escaping ---------------------------------------------------------------------------
@pytest.mark.parametrize("value", [*NASTY, "", "a", "'", "''", "'a", "=", "'="])
def test_escape_round_trips_and_neutralises(value):
    escaped = escape_cell(value)
    assert unescape_cell(escaped) == value
    assert not escaped or escaped[0] not in FORMULA_TRIGGERS


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("'=+-@\t\rab1 \uff1d")), max_size=8))
def test_escape_is_exact_for_any_text(value):
    escaped = escape_cell(value)
    assert unescape_cell(escaped) == value
    assert not escaped or escaped[0] not in FORMULA_TRIGGERS


_NUMBERS = st.one_of(st.none(), st.integers(-3, 10**12), st.booleans(),
                    st.floats(allow_nan=False, allow_infinity=False, max_value=1e15, min_value=-1e15))
_CELLS = st.one_of(_NUMBERS, st.text(alphabet=st.sampled_from(list("'=+-@\t\r\n,\" ab\x00é\u2028\uff1d😀")),
                                     max_size=6))


@st.composite
def _tables(draw):
    """A header of 0 to 4 columns (text and integer ones) and rows for it."""
    names = draw(st.lists(st.sampled_from(["id", "start", "quote", "length", "=note"]), max_size=4, unique=True))
    cells = [_NUMBERS if name in ("start", "length") else _CELLS for name in names]
    return tuple(names), draw(st.lists(st.tuples(*cells), max_size=12))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_tables(), st.integers(1, 5), st.booleans())
def test_written_files_are_what_the_csv_module_writes_for_the_escaped_cells(tmp_path, table, block, bom):
    """Files are made column by column and a block of rows at a time; byte for byte they are
    what csv.writer writes for the header and the escaped cells, whatever the cells hold,
    however many columns there are and wherever the blocks end."""
    from annotator.services.interchange import csv_format

    columns, rows = table
    expected = io.StringIO()
    writer = csv.writer(expected, dialect="excel", lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([("" if v is None else str(int(v))) if name in ("start", "length")
                         else ("" if v is None else escape_cell(v if type(v) is str else str(v)))
                         for name, v in zip(columns, row, strict=True)])
    path = tmp_path / f"t{secrets.token_hex(4)}.csv"
    original = csv_format._BLOCK
    csv_format._BLOCK = block
    try:
        assert csv_format.write_csv(path, columns, rows, bom=bom) == len(rows)
    finally:
        csv_format._BLOCK = original
    assert path.read_bytes() == ("\ufeff" if bom else "").encode() + expected.getvalue().encode("utf-8")


def test_exported_cells_cannot_start_a_formula_and_load_back_exactly(demo_store, tmp_path):
    annotate(demo_store)
    export_csv(demo_store, tmp_path / "out")
    for name in FILES:
        raw = (tmp_path / "out" / name).read_text(encoding="utf-8-sig")
        for row in csv.reader(io.StringIO(raw, newline="")):
            assert all(not cell or cell[0] not in FORMULA_TRIGGERS for cell in row), row
    claims = read_rows(tmp_path / "out", "claims.csv")
    notes = {row["note"] for row in claims}
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in notes and "''=already quoted" in notes
    assert "'''+twice" in notes and "'plain apostrophe" in notes  # the last one needs no escape
    assert all(row["start"].isdigit() and row["end"].isdigit() for row in claims)


# -- round trips ------------------------------------------------------------------------
def test_round_trip_on_the_demo_project(demo_store, tmp_path):
    annotate(demo_store)
    counts = demo_store.counts()
    first = tmp_path / "first"
    summary = export_csv(demo_store, first)
    assert summary.rows == {"sources.csv": counts.sources, "documents.csv": counts.documents,
                            "claims.csv": counts.claims, "links.csv": counts.links,
                            "verdicts.csv": counts.verdicts}

    other = same_documents(demo_store, tmp_path / "other.annotator")  # new document ids
    try:
        report = load_csv(other, first)
        assert report.ok and report.loaded and not report.orphans, report.lines()
        assert report.claims["offsets"] == counts.claims
        assert (report.links, report.verdicts, report.sources) == (counts.links, counts.verdicts, 0)
        assert report.skipped["sources"] == counts.sources
        second = tmp_path / "second"
        export_csv(other, second)
        for name in ("claims.csv", "links.csv", "verdicts.csv"):
            a, b = read_rows(first, name), read_rows(second, name)
            for row in a + b:
                row.pop("document_id", None)  # the only id the new project chose itself
            assert a == b, name
        assert [r["sha256"] for r in read_rows(first, "documents.csv")] == \
               [r["sha256"] for r in read_rows(second, "documents.csv")]

        again = load_csv(other, first)  # loading twice adds nothing
        assert again.loaded and again.claims_loaded == 0 and again.links == again.verdicts == 0
        assert again.skipped == {"sources": counts.sources, "claims": counts.claims, "links": counts.links,
                                 "verdicts": counts.verdicts}
    finally:
        other.close()


alphabet = st.sampled_from([*"abc xyz.,;\"'=+-@\t", "\r\n", "\n", "😀", "é",
                           "\N{MATHEMATICAL FRAKTUR CAPITAL U}", "日本"])
texts = st.lists(alphabet, min_size=30, max_size=120).map("".join)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(texts, min_size=1, max_size=3, unique_by=normalise_newlines), st.data())
def test_round_trip_property(doc_texts, data):
    """Random projects survive export -> new project with the same documents -> load -> export."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        store = create_project(tmp / "a.annotator", "A")
        service = AnnotationService(store, annotator=data.draw(st.sampled_from(["=eve", "ann", "b"])))
        source = store.add_source("=Outlet 😀", url="https://x.example", notes="-n")
        docs = [store.add_document(normalise_newlines(t), f"Doc {i} =title", source_id=source.id)
                for i, t in enumerate(doc_texts)]
        extra_type = store.add_claim_type("+custom type", "#123abc")
        claims = []
        for _ in range(data.draw(st.integers(1, 8))):
            doc = data.draw(st.sampled_from(docs))
            start = data.draw(st.integers(0, doc.length - 1))
            end = data.draw(st.integers(start + 1, min(doc.length, start + 40)))
            if not store.document_text(doc.id)[start:end].strip():
                continue
            note = data.draw(st.one_of(st.none(), st.sampled_from(NASTY)))
            claims.append(service.create_claim(doc.id, start, end, note=note,
                                               type_id=data.draw(st.sampled_from([None, extra_type.id]))))
        for a, b in itertools.pairwise(claims):
            service.link(a.id, b.id, data.draw(st.sampled_from(list(Relation))), note="@x")
        for claim in claims:
            for who in data.draw(st.sets(st.sampled_from(["ann", "-bob", "'carl"]), max_size=2)):
                store.insert_verdict(Verdict(f"V{claim.id}{who}", claim.id,
                                             data.draw(st.sampled_from(list(Rating))), "+n", None, who))
        export_csv(store, tmp / "one", bom=data.draw(st.booleans()))

        fresh = create_project(tmp / "b.annotator", "B")
        fresh.add_source(source.name, url=source.url, notes=source.notes, id=source.id)
        for doc in docs:
            fresh.add_document(store.document_text(doc.id), doc.title, source_id=source.id,
                               retrieved=doc.retrieved, id=doc.id)
        report = load_csv(fresh, tmp / "one")
        assert report.ok and not report.orphans and report.claims["offsets"] == len(claims), report.lines()
        export_csv(fresh, tmp / "two")
        for name in FILES:
            assert read_rows(tmp / "one", name) == read_rows(tmp / "two", name), name
        store.close()
        fresh.close()


# -- BOM option ---------------------------------------------------------------------------
def test_bom_on_by_default_and_off_on_request(demo_store, tmp_path):
    annotate(demo_store)
    export_csv(demo_store, tmp_path / "bom")
    export_csv(demo_store, tmp_path / "plain", bom=False)
    for name in FILES:
        with_bom = (tmp_path / "bom" / name).read_bytes()
        plain = (tmp_path / "plain" / name).read_bytes()
        assert with_bom.startswith(b"\xef\xbb\xbf") and not plain.startswith(b"\xef\xbb\xbf")
        assert with_bom[3:] == plain
        assert plain.split(b"\r\n", 1)[0].startswith(b"id,")  # RFC 4180 line ends
    other = create_project(tmp_path / "n.annotator")
    try:
        assert load_csv(other, tmp_path / "plain").ok
    finally:
        other.close()


# -- hand-written CSVs ----------------------------------------------------------------------
def test_quote_only_claims_csv(demo_store, tmp_path):
    doc = next(d for d in demo_store.documents() if d.title.startswith("Clarifai OkCupid"))
    other = next(d for d in demo_store.documents() if d.title.startswith("Clarifai Deletes 3 Million"))
    text = demo_store.document_text(doc.id)
    path = write_rows(tmp_path / "mine.csv", [
        {"document_title": doc.title, "quote": "the New York Times published a story alleging",
         "type": "Date or time", "verdict": "Mostly true", "note": "=checked"},
        {"document_title": doc.title.upper(), "quote": "  founded in 2013  ", "type": "Brand new type",
         "verdict": "", "note": ""},
        {"document_title": other.title, "quote": "Clarifai, a leading artifical intelligence company",
         "type": "", "verdict": "", "note": ""},  # typo: fuzzy
        {"document_title": doc.title, "quote": "This sentence was never in the article at all.",
         "type": "", "verdict": "", "note": ""},
        {"document_title": "No such article", "quote": "founded in 2013", "type": "", "verdict": "",
         "note": ""},
    ])
    claims_before = len(demo_store.claims())
    refused = load_csv(demo_store, path)  # two rows cannot be placed: nothing is dropped silently
    assert refused.ok and not refused.loaded and [o.row for o in refused.orphans] == [5, 6]
    assert "so nothing was loaded" in refused.lines()[-1] and len(demo_store.claims()) == claims_before
    report = load_csv(demo_store, path, accept_valid=True)
    assert report.ok and report.loaded, report.lines()
    assert report.claims == {"offsets": 0, "exact": 2, "fuzzy": 1}
    assert [o.row for o in report.orphans] == [5, 6]
    assert "not found in the document" in report.orphans[0].reason
    assert "not in this project" in report.orphans[1].reason
    assert report.claim_types == 1 and report.verdicts == 1
    claims = {c.quote: c for c in demo_store.claims()}
    first = claims["the New York Times published a story alleging"]
    assert text[first.start:first.end] == first.quote and first.note == "=checked"
    assert first.prefix == text[max(0, first.start - 32):first.start]
    assert "founded in 2013" in claims
    assert "Clarifai, a leading artificial intelligence company" in claims
    assert report.reanchored[0].new_quote == "Clarifai, a leading artificial intelligence company"
    assert demo_store.verdict(first.id).rating == Rating.MOSTLY_TRUE
    new_type = next(t for t in demo_store.claim_types() if t.name == "Brand new type")
    assert new_type.color == "#c8c8c8"

    again = load_csv(demo_store, path, accept_valid=True)  # id-less rows already loaded are not duplicated
    assert again.claims_loaded == 0 and again.skipped["claims"] == 3


def test_semicolon_separated_file_from_a_european_excel(demo_store, tmp_path):
    doc = demo_store.documents()[0]
    path = write_rows(tmp_path / "claims.csv", [{"document_id": doc.id, "quote": "Clarifai"}],
                      delimiter=";", encoding="utf-8-sig")
    assert load_csv(demo_store, path).claims["exact"] == 1, "a single claims file loads too"


def test_orphaned_claims_take_their_links_and_verdicts_along(demo_store, tmp_path):
    annotate(demo_store)
    export_csv(demo_store, tmp_path / "out")
    rows = read_rows(tmp_path / "out", "claims.csv")
    linked = read_rows(tmp_path / "out", "links.csv")[0]["from_claim_id"]
    for row in rows:
        if row["id"] == linked:
            row["quote"] = "Words that appear nowhere in any of these articles whatsoever"
            row["start"] = row["end"] = ""
    write_rows(tmp_path / "out" / "claims.csv", rows)
    target = same_documents(demo_store, tmp_path / "t.annotator")
    try:
        report = load_csv(target, tmp_path / "out", accept_valid=True)
        assert report.ok and report.loaded
        reasons = [o.reason for o in report.orphans]
        assert reasons[0] == "the quote was not found in the document."
        assert any(r.startswith("link: its claim") for r in reasons)
        assert any(r.startswith("verdict: its claim") for r in reasons)
        assert report.claims_loaded == len(rows) - 1
    finally:
        target.close()


# -- malformed files ----------------------------------------------------------------------
@pytest.fixture
def exported(demo_store, tmp_path):
    annotate(demo_store)
    export_csv(demo_store, tmp_path / "out")
    target = same_documents(demo_store, tmp_path / "target.annotator")
    yield demo_store, target, tmp_path / "out"
    target.close()


def test_errors_name_file_row_and_column_and_load_nothing(exported):
    _, target, folder = exported
    claims = read_rows(folder, "claims.csv")
    claims[0]["start"] = "-3"
    claims[1]["start"], claims[1]["end"] = "10", "5"
    claims[2]["start"] = "ten"
    write_rows(folder / "claims.csv", claims)
    links = read_rows(folder, "links.csv")
    links[1]["relation"] = "agrees with"
    write_rows(folder / "links.csv", links)
    verdicts = read_rows(folder, "verdicts.csv")
    verdicts[0]["rating"] = "quite true"
    write_rows(folder / "verdicts.csv", verdicts)
    before = snapshot(target)

    report = load_csv(target, folder)
    assert not report.loaded and snapshot(target) == before
    found = {(e.file, e.row, e.column) for e in report.errors}
    assert found == {("claims.csv", 2, "start"), ("claims.csv", 3, "end"), ("claims.csv", 4, "start"),
                     ("links.csv", 3, "relation"), ("verdicts.csv", 2, "rating")}
    message = next(str(e) for e in report.errors if e.file == "links.csv")
    assert message.startswith("links.csv row 3, column relation: unknown relation “agrees with”")

    report = load_csv(target, folder, accept_valid=True)
    assert report.loaded and len(report.errors) == 5
    assert report.claims_loaded == len(claims) - 3 and report.links == len(links) - 1 - sum(
        1 for o in report.orphans if o.reason.startswith("link"))
    assert target.counts().claims == len(claims) - 3


def test_missing_required_columns(exported):
    _, target, folder = exported
    rows = read_rows(folder, "links.csv")
    for row in rows:
        del row["relation"]
    write_rows(folder / "links.csv", rows)
    write_rows(folder / "claims.csv", [{"quote": "Clarifai", "note": "no document reference"}])
    report = load_csv(target, folder)
    assert not report.loaded and target.counts().claims == 0
    assert {(e.file, e.row, e.column) for e in report.errors} == {
        ("links.csv", 1, "relation"), ("claims.csv", 1, "document_sha256 or document_id or document_title")}


@pytest.mark.timeout(120)  # a hang guard; how fast the huge file is refused: bench/run.py robustness
def test_wrong_encoding_binary_junk_and_huge_files(exported, tmp_path, monkeypatch):
    _, target, folder = exported
    write_rows(folder / "sources.csv", [{"name": "Café Zürich"}], encoding="cp1252")
    report = load_csv(target, folder)
    assert not report.loaded and target.counts().claims == 0
    (error,) = report.errors
    assert error.file == "sources.csv" and "not UTF-8" in error.message and "CSV UTF-8" in error.message

    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "claims.csv").write_bytes(os.urandom(4096) + b"\x00")
    (junk / "links.csv").write_bytes("a,b\n1,2\n".encode("utf-16"))
    report = load_csv(target, junk)
    assert {e.file: e.message for e in report.errors} == {
        "claims.csv": "this is a binary file, not CSV text.",
        "links.csv": "the file is UTF-16 text; save it as “CSV UTF-8” instead."}

    huge = tmp_path / "huge"
    huge.mkdir()
    with open(huge / "claims.csv", "wb") as handle:  # sparse: 100 MB on paper, nothing on disk
        handle.truncate(100 * 1024 * 1024)

    def no_reading(*args, **kwargs):
        raise AssertionError("the 100 MB file was read")

    with monkeypatch.context() as patch:  # refused from its size alone
        patch.setattr(Path, "read_bytes", no_reading)
        patch.setattr(Path, "open", no_reading)
        report = load_csv(target, huge)
    assert not report.loaded
    assert "100 MB" in report.errors[0].message and str(MAX_CSV_BYTES // 1_048_576) in report.errors[0].message


def test_broken_quoting_and_ragged_rows(exported):
    _, target, folder = exported
    (folder / "verdicts.csv").write_text('claim_id,rating\r\n"abc"def,true\r\n', encoding="utf-8")
    (folder / "sources.csv").write_text("name,url\r\nA,u\r\nB,u,extra\r\n,,\r\n", encoding="utf-8")
    report = load_csv(target, folder)
    assert {(e.file, e.row) for e in report.errors} == {("verdicts.csv", 2), ("sources.csv", 3)}
    assert "malformed" in next(e.message for e in report.errors if e.file == "verdicts.csv")


def test_duplicate_ids_in_one_file_and_self_links(exported):
    _, target, folder = exported
    claims = read_rows(folder, "claims.csv")
    claims[1]["id"] = claims[0]["id"]
    write_rows(folder / "claims.csv", claims)
    links = read_rows(folder, "links.csv")
    links[0]["to_claim_id"] = links[0]["from_claim_id"]
    write_rows(folder / "links.csv", links)
    report = load_csv(target, folder)
    assert {(e.file, e.row, e.column) for e in report.errors} == {
        ("claims.csv", 3, "id"), ("links.csv", 2, "to_claim_id")}


def test_empty_or_missing_folder(tmp_path, store):
    from annotator.core.errors import AnnotatorError

    with pytest.raises(AnnotatorError, match="No annotation files"):
        load_csv(store, tmp_path)
    with pytest.raises(AnnotatorError, match="does not exist"):
        load_csv(store, tmp_path / "nowhere")


# -- command line -------------------------------------------------------------------------
def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "annotator", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_cli_export_and_load(exported, tmp_path):
    source, target, _folder = exported
    project = Path(target.path)
    target.close()
    r = run("export", str(source.path), str(tmp_path / "cli"), "--no-bom")
    assert r.returncode == 0, r.stderr
    assert "without byte-order mark" in r.stdout
    assert not (tmp_path / "cli" / "claims.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    links = read_rows(tmp_path / "cli", "links.csv")
    links[0]["relation"] = "agrees"
    write_rows(tmp_path / "cli" / "links.csv", links)
    r = run("load", str(project), str(tmp_path / "cli"))
    assert r.returncode == 1
    assert "links.csv row 2, column relation: unknown relation" in r.stderr
    assert "nothing was loaded" in r.stderr and "Nothing was loaded" in r.stdout
    r = run("load", str(project), str(tmp_path / "cli"), "--accept-valid-rows")
    assert r.returncode == 0, r.stderr
    assert "Loaded from" in r.stdout and "by offsets" in r.stdout and "the valid rows were loaded" in r.stderr


# -- a real spreadsheet -------------------------------------------------------------------
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_runs_no_formula_from_an_export(demo_store, tmp_path):
    annotate(demo_store)
    export_csv(demo_store, tmp_path / "out")
    control = tmp_path / "control.csv"  # proves this LibreOffice does evaluate formulas in CSV
    control.write_text("a,b\r\n=1+1,x\r\n", encoding="utf-8")

    def convert(path: Path) -> str:
        outdir = tmp_path / "converted"
        subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
                        "--infilter=CSV:44,34,76,1", "--convert-to", "fods", "--outdir", str(outdir),
                        str(path)], check=True, capture_output=True, timeout=180)
        return (outdir / (path.stem + ".fods")).read_text(encoding="utf-8")

    assert "table:formula" in convert(control)
    converted = convert(tmp_path / "out" / "claims.csv")
    assert "table:formula" not in converted
    assert "HYPERLINK" in converted  # the text is there, as text


def test_a_re_export_that_fails_midway_leaves_the_previous_files_whole(demo_store, tmp_path, monkeypatch):
    from annotator.core.errors import AnnotatorError
    from annotator.services.interchange import csv_export

    out = tmp_path / "out"
    export_csv(demo_store, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert len(before) == 5
    demo_store.update_source(demo_store.sources()[0].id, name="Renamed outlet")  # the next export differs
    real_write = csv_export.write_csv

    def disk_fills_up(path, columns, rows, *, bom):
        if path.name == "links.csv":
            raise OSError(28, "No space left on device")
        return real_write(path, columns, rows, bom=bom)

    monkeypatch.setattr(csv_export, "write_csv", disk_fills_up)
    with pytest.raises(AnnotatorError, match=r"No space left on device.*left as they were"):
        export_csv(demo_store, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before, "old files whole, no staging folder left"
    monkeypatch.setattr(csv_export, "write_csv", real_write)
    export_csv(demo_store, out)
    assert b"Renamed outlet" in (out / "sources.csv").read_bytes()
    assert sorted(p.name for p in out.iterdir()) == sorted(before)


def test_links_and_verdicts_that_cannot_be_attached_stop_the_load_with_a_count(demo_store, tmp_path):
    """A spreadsheet user deletes the id columns of claims.csv: the claims still load by their
    quotes, under new ids, so links.csv and verdicts.csv name claims the project does not have.
    The command refuses the whole load and says how many rows and why, unless the valid rows
    are accepted."""
    export_csv(demo_store, tmp_path / "out")
    rows = [{k: v for k, v in row.items() if k != "id"} for row in read_rows(tmp_path / "out", "claims.csv")]
    write_rows(tmp_path / "out" / "claims.csv", rows)
    links, verdicts = len(read_rows(tmp_path / "out", "links.csv")), len(read_rows(tmp_path / "out", "verdicts.csv"))
    target = same_documents(demo_store, tmp_path / "t.annotator")
    project = Path(target.path)
    target.close()

    refused = run("load", str(project), str(tmp_path / "out"))
    assert refused.returncode != 0, refused.stdout
    assert f"{links + verdicts} rows cannot be placed in this project" in refused.stderr, refused.stderr
    assert "nothing was loaded" in refused.stderr and "Traceback" not in refused.stderr
    from annotator.store import open_project

    with_nothing = open_project(project)
    assert with_nothing.counts().claims == 0
    with_nothing.close()

    accepted = run("load", str(project), str(tmp_path / "out"), "--accept-valid-rows")
    assert accepted.returncode == 0, accepted.stderr
    assert f"{links + verdicts} rows that cannot be placed; the valid rows were loaded" in accepted.stderr
    loaded = open_project(project)
    assert loaded.counts().claims == len(rows) and loaded.counts().links == 0
    loaded.close()


def test_a_claims_file_malformed_part_way_is_refused_whole_with_what_its_rows_said(exported):
    """Rows are checked as they are read: a row with an error early in a claims file that
    turns out malformed further down is forgotten with the rest of the file, and its verdicts
    say so in the same words as every other row of that file (no claim of the CSV)."""
    _, target, folder = exported
    claims = read_rows(folder, "claims.csv")
    bad_id = claims[1]["id"]
    claims[1]["quote"] = ""  # an error of its own, on row 3
    path = write_rows(folder / "claims.csv", claims)
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    last = len(claims)  # (the last row: row number last + 1)
    lines[last] += ',"unterminated'
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    report = load_csv(target, folder, accept_valid=True)
    assert [(e.file, e.row) for e in report.errors if e.file == "claims.csv"] == [("claims.csv", last + 1)]
    assert "malformed" in report.errors[0].message
    about_bad = [o.reason for o in report.orphans if bad_id in o.reason]
    assert about_bad and all("has errors" not in reason for reason in about_bad)
    assert all(f"there is no claim {bad_id} in the project or the CSV" in reason for reason in about_bad)


def test_files_with_old_mac_line_ends_read_like_any_other(tmp_path):
    """Lines ended by a lone carriage return (old Mac spreadsheets) are lines; a carriage return
    inside a quoted cell stays in the cell."""
    from annotator.services.interchange.csv_format import read_csv

    path = tmp_path / "sources.csv"
    path.write_bytes(b'name,notes\r"Daily Herald","two\rlines"\rCity Post,x\r')
    table, errors = read_csv(path, "sources")
    assert not errors and table is not None
    assert list(table.rows) == [(2, {"name": "Daily Herald", "notes": "two\rlines"}),
                                (3, {"name": "City Post", "notes": "x"})]
