"""Crafted files that used to hang the importer, eat gigabytes or be misread: each now
imports quickly or is refused with one clear message."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from annotator.services import importers
from annotator.services.importers import read_bytes
from tests.test_importers import fixture, make_docx, refused_bytes


def test_many_unclosed_dtd_subsets_are_skipped_in_one_pass():
    # Each "<!DOCTYPE a[" used to start a scan to the end of the file: quadratic, minutes.
    page = ("<html><body><p>Article text survives.</p>" + "<!DOCTYPE a[" * 20_000 + "</body></html>").encode()
    doc = read_bytes(page, "doctypes.html")
    assert "Article text survives." in doc.text


def test_a_closed_dtd_subset_defines_no_entities():
    page = (b'<!DOCTYPE html [<!ENTITY boom "BOOM">]><html><body><p>Safe &boom; text here for the reader.'
            b"</p></body></html>")
    doc = read_bytes(page, "dtd.html")
    assert "BOOM" not in doc.text and "Safe" in doc.text


def test_an_element_with_tens_of_thousands_of_attributes_is_read_without_them():
    attrs = " ".join(f"a{i}='v'" for i in range(40_000))
    page = f"<html><body><p {attrs}>The paragraph text is kept.</p></body></html>".encode()
    assert "The paragraph text is kept." in read_bytes(page, "attrs.html").text


def test_pages_with_too_many_elements(monkeypatch):
    monkeypatch.setattr(importers, "HTML_ARTICLE_MAX_ELEMENTS", 200)
    monkeypatch.setattr(importers, "HTML_MAX_ELEMENTS", 2_000)
    big = ("<html><body>" + "<p>Row of the page.</p>" * 300 + "</body></html>").encode()
    doc = read_bytes(big, "big.html")
    assert doc.text.count("Row of the page.") == 300
    assert any("whole text was imported" in w for w in doc.warnings)
    huge = ("<html><body>" + "<p>x</p>" * 2_000 + "</body></html>").encode()
    assert "HTML elements, more than annotator reads" in str(refused_bytes(huge, "huge.html"))


def test_one_block_beyond_the_parsers_limit_is_named_for_what_it_is():
    page = b"<html><body><p>" + b"word " * 2_200_000 + b"</p></body></html>"  # 11 MB in one text node
    message = str(refused_bytes(page, "block.html"))
    assert "too large in one block" in message and "nested" not in message


def test_big_markdown_is_imported_as_plain_text(monkeypatch):
    monkeypatch.setattr(importers, "MARKDOWN_MAX_BYTES", 1_000)
    source = "# Title\n\n" + "| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * 200
    doc = read_bytes(source.encode(), "table.md")
    assert doc.text.startswith("# Title") and "| 1 | 2 |" in doc.text
    assert any("imported as plain text" in w for w in doc.warnings)
    small = read_bytes(b"# Title\n\nSome *emphasis* here.", "small.md")
    assert small.text == "Title\n\nSome emphasis here." and not small.warnings


def test_a_docx_whose_text_unpacks_too_large_is_refused_before_parsing():
    real = zipfile.ZipFile(io.BytesIO(make_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in real.infolist():
            data = real.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"</w:body>", b" " * (33 * 1024 * 1024) + b"</w:body>")
            bomb.writestr(item.filename, data)
    packed = out.getvalue()
    assert len(packed) < 1024 * 1024, "a zip bomb: small file, huge text part"
    message = str(refused_bytes(packed, "bomb.docx"))
    assert "unpacks to" in message and "32 MB of text" in message


@pytest.mark.parametrize("junk", [os.urandom(4096) + b"\x00" * 10, b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 20,
                                  b"\x1f\x8b\x08\x00" + os.urandom(2000)])
def test_binary_files_named_html_are_refused(junk):
    assert "looks like a binary file" in str(refused_bytes(junk, "page.html"))


def test_text_that_mentions_the_pdf_header_stays_text():
    doc = read_bytes(b"How PDF files work: every PDF starts with the bytes %PDF-1.7 and a comment.", "notes.txt")
    assert doc.import_format == "text" and "%PDF-1.7" in doc.text
    md = read_bytes(b"# PDF headers\n\nA file begins with `%PDF-1.4`.", "notes.md")
    assert md.import_format == "markdown"
    junk_first = b"garbage line\n" + fixture("minutes.pdf").read_bytes()  # the format allows junk before
    assert read_bytes(junk_first, "minutes.pdf").import_format == "pdf"


@pytest.mark.parametrize("label", ["base64", "unicode_escape", "rot13", "utf-7"])
def test_a_meta_charset_that_is_no_web_encoding_is_ignored(label):
    page = (f'<html><head><meta charset="{label}"><title>Charset</title></head><body><p>'
            "Saved in C:\\new\\folder by the café owner, who checked every figure twice.</p></body></html>")
    doc = read_bytes(page.encode("utf-8"), "charset.html")
    assert "C:\\new\\folder" in doc.text and "café" in doc.text


def test_a_pdf_locked_only_by_an_owner_password_is_read():
    import pypdf

    reader = pypdf.PdfReader(fixture("minutes.pdf"))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password="", owner_password="owner-secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    doc = read_bytes(out.getvalue(), "locked.pdf")
    plain = read_bytes(fixture("minutes.pdf").read_bytes(), "minutes.pdf")
    assert doc.text == plain.text and doc.import_format == "pdf"


def test_a_broken_pdf_gives_one_line_on_the_terminal(tmp_path):
    from tests.test_cli import run

    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n")
    project = tmp_path / "p.annotator"
    assert run("new", str(project)).returncode == 0
    r = run("import", str(project), str(broken))
    assert r.returncode == 1
    assert "not a readable PDF" in r.stdout + r.stderr
    assert "EOF marker" not in r.stderr and "pypdf" not in r.stderr, r.stderr


def test_half_of_a_utf16_pair_from_a_pdf_font_is_shown_as_a_replacement_and_the_batch_goes_on(
        monkeypatch, tmp_path):
    """A PDF whose character map yields lone surrogates: the file imports with a note, and
    the other files of the batch are imported too."""
    from annotator.services.importing import ImportService
    from annotator.store import create_project

    def pdf_with_broken_font(data: bytes, name: str):
        return importers._finish("The minister said \ud83d the figures were \udc00 wrong.", name, "pdf",
                                 title="Budget \ud800 report")

    monkeypatch.setattr(importers, "_read_pdf", pdf_with_broken_font)
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4\n% crafted\n")
    (tmp_path / "b.txt").write_text("A plain article about the budget.", encoding="utf-8")
    store = create_project(tmp_path / "p.annotator")
    # Read in this process, where the PDF reader is replaced (files are otherwise read in a
    # child process, which would not see the replacement).
    extracted = [(str(p), importers.read_document(p)) for p in (tmp_path / "a.pdf", tmp_path / "b.txt")]
    results = ImportService(store).add_extracted(extracted)
    assert [r.status for r in results] == ["imported", "imported"], [r.message for r in results]
    pdf = results[0].document
    assert store.document_text(pdf.id) == "The minister said \ufffd the figures were \ufffd wrong."
    assert pdf.title == "Budget \ufffd report"
    assert "2 characters that no text can hold" in results[0].message
    store.close()


def test_a_character_reference_lxml_refuses_beside_a_script_is_replaced():
    # Found by fuzzing: &#xFFFE; became U+FFFE in the tree, and removing the script next to it
    # made lxml raise ValueError, so a readable page was refused as "damaged".
    for ref in ("&#xFFFE;", "&#65535;", "&#x8;"):
        page = f"<html><body><p>The council met on Tuesday {ref}<script>x()</script> and voted.</p></body></html>"
        doc = read_bytes(page.encode(), "refs.html")
        assert "The council met on Tuesday \ufffd and voted." in doc.text
    assert "☺" in read_bytes(b"<html><body><p>A smile &#x263a; stays.</p></body></html>", "ok.html").text
