"""Document importers: every supported format, every encoding, every way a file can be bad."""

from __future__ import annotations

import datetime
import io
import os
import random
import zipfile
from pathlib import Path

import pytest

from annotator.core.errors import ImportFailure
from annotator.services import importers
from annotator.services.importers import MAX_BYTES, SUPPORTED_SUFFIXES, read_bytes, read_document, read_text

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def fixture(name: str) -> Path:
    return FIXTURES / name


def refused(path, **kwargs) -> ImportFailure:
    """The ImportFailure raised for ``path`` (and nothing else)."""
    with pytest.raises(ImportFailure) as info:
        read_document(path, **kwargs)
    return info.value


def refused_bytes(data: bytes, filename: str) -> ImportFailure:
    with pytest.raises(ImportFailure) as info:
        read_bytes(data, filename)
    return info.value


# --------------------------------------------------------------------------- docx built with python-docx


def make_docx(*, title: str | None = "Bridge briefing") -> bytes:
    import docx

    d = docx.Document()
    props = d.core_properties
    props.title = title or ""
    props.author = "Jane Reporter"
    props.created = datetime.datetime(2024, 3, 5, 9, 30)
    d.add_heading("Mayor promises new bridge", 1)
    d.add_paragraph("The mayor said on Tuesday that the city will build a new bridge by 2026.")
    d.add_paragraph("")
    p = d.add_paragraph("Critics say the cost of ")
    p.add_run("40 million euros").bold = True
    p.add_run(" is too low.")
    table = d.add_table(rows=2, cols=2)
    for (r, c), value in {(0, 0): "Year", (0, 1): "Cost", (1, 0): "2019", (1, 1): "30m"}.items():
        table.cell(r, c).text = value
    d.add_paragraph("The council votes next month.")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    return make_docx()


# --------------------------------------------------------------------------- API surface


def test_constants():
    assert MAX_BYTES == 50 * 1024 * 1024
    assert {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf"} == SUPPORTED_SUFFIXES


# --------------------------------------------------------------------------- plain text and encodings


def test_utf8_text():
    doc = read_document(fixture("utf8.txt"))
    assert doc.import_format == "text"
    assert doc.title == "Bürgermeister verspricht neue Brücke"
    assert "bis 2026 eine neue Brücke bauen – für 40 Millionen Euro. “Wir haben das schon gehört”" in doc.text
    assert doc.text.endswith("東京 🌉")
    assert doc.original_filename == "utf8.txt"
    assert doc.warnings == []


def test_utf8_bom_is_stripped_and_inner_whitespace_kept():
    doc = read_document(fixture("utf8_bom.txt"))
    assert doc.text.startswith("Mayor promises new bridge\n\nThe mayor said")
    assert "\ufeff" not in doc.text
    assert "\n\tCritics   pointed out" in doc.text  # tabs and runs of spaces untouched
    assert doc.title == "Mayor promises new bridge"
    assert doc.warnings == []


def test_utf16_with_bom():
    doc = read_document(fixture("utf16_bom.txt"))
    assert doc.text == "Déclaration du maire\n\nLe maire a promis un nouveau pont – « enfin »."
    assert doc.title == "Déclaration du maire"


def test_utf16_without_bom_is_recognised():
    doc = read_bytes("Le pont – « enfin ».\nDeuxième ligne.\n".encode("utf-16-le"), "note.txt")
    assert doc.text == "Le pont – « enfin ».\nDeuxième ligne."
    assert any("UTF-16" in w for w in doc.warnings)


def test_cp1252_is_detected_and_reported():
    doc = read_document(fixture("cp1252.txt"))
    assert doc.title == "Le café – “quoted”"
    assert "nouveau pont d’ici 2026. « Déjà vu », répond l’opposition." in doc.text
    assert doc.warnings and doc.warnings[0].startswith("Decoded as cp1252")


def test_shift_jis():
    doc = read_document(fixture("shift_jis.txt"))
    assert doc.title == "新しい橋の建設"
    assert "東京都の知事は、新しい橋を建設すると発表した。" in doc.text
    assert any("Decoded as" in w for w in doc.warnings)


def test_latin1():
    doc = read_document(fixture("latin1.txt"))
    assert doc.title == "Straße in München"
    assert "Ça coûte très cher à Genève" in doc.text
    assert doc.warnings


def test_invalid_utf8_does_not_crash():
    doc = read_document(fixture("invalid_utf8.txt"))
    assert doc.title == "Broken bytes"
    assert doc.text.startswith("Broken bytes\n\nThis line is fine, this one ")
    assert doc.text.endswith(" more.")
    assert doc.warnings


def test_mostly_utf8_with_a_damaged_byte_stays_utf8():
    data = "Café, déjà vu, naïve – “quoted”. ".encode() + b"\xff" + b" Fin du texte."
    doc = read_bytes(data, "damaged.txt")
    assert doc.text == "Café, déjà vu, naïve – “quoted”. \ufffd Fin du texte."
    assert any("not valid UTF-8" in w for w in doc.warnings)


def test_crlf_and_lone_cr_are_normalised():
    doc = read_document(fixture("newlines.txt"))
    assert doc.text == "Windows line\nMac line\nUnix line\nLast line"
    assert doc.title == "Windows line"


def test_only_trailing_whitespace_is_removed():
    doc = read_bytes(b"\n\n  Indented first line  \nsecond\t\n\n  \n", "x.txt")
    assert doc.text == "\n\n  Indented first line  \nsecond"
    assert doc.title == "Indented first line"


def test_unknown_suffix_is_tried_as_text():
    assert read_bytes(b"Just a note.\n", "notes.log").text == "Just a note."


def test_long_first_line_title_is_clipped():
    doc = read_bytes(("word " * 100).encode(), "long.txt")
    assert len(doc.title) == 200 and doc.title.endswith("…")


@pytest.mark.parametrize("name", ["binary.bin", "pixel.png"])
def test_binary_fixtures_are_refused(name):
    failure = refused(fixture(name))
    message = str(failure)
    assert failure.path == str(fixture(name))
    assert name in message
    assert "binary file" in message or "image" in message


def test_random_bytes_with_nul_are_refused():
    data = b"Looks like text at first\n" + os.urandom(4000) + b"\x00"
    assert "looks like a binary file, not text" in str(refused_bytes(data, "junk.txt"))


def test_control_characters_are_refused():
    data = bytes(random.Random(7).choice(range(1, 9)) for _ in range(500)) + b" some text"
    assert "binary file" in str(refused_bytes(data, "controls.txt"))


def test_old_word_format_is_explained():
    data = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 512
    assert ".docx" in str(refused_bytes(data, "old.doc"))


# --------------------------------------------------------------------------- sizes and file system


def test_empty_file():
    assert str(refused(fixture("empty.txt"))) == "empty.txt is empty (0 bytes)."


def test_whitespace_only_file():
    assert "no readable text" in str(refused(fixture("whitespace.txt")))


def test_oversized_file_is_refused(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 2000)
    failure = refused(path, max_bytes=1000)
    assert str(failure) == "big.txt is 2.0 KB; annotator imports files up to 1000 bytes."
    assert failure.path == str(path)
    assert read_document(path, max_bytes=2000).text == "a" * 2000


def test_sparse_60_mb_file_is_refused_from_stat_without_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.pdf"
    with open(path, "wb") as fh:
        fh.truncate(60 * 1024 * 1024)

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(importers, "open", no_reading, raising=False)
    failure = refused(path)  # how fast: bench/run.py robustness
    assert str(failure) == "huge.pdf is 60.0 MB; annotator imports files up to 50 MB."


def test_read_bytes_checks_the_size_too():
    with pytest.raises(ImportFailure, match="up to 10 bytes"):
        read_bytes(b"x" * 11, "a.txt", max_bytes=10)


def test_missing_file(tmp_path):
    failure = refused(tmp_path / "gone.txt")
    assert "does not exist" in str(failure)
    assert failure.path == str(tmp_path / "gone.txt")


def test_folder_is_not_a_file(tmp_path):
    assert "is a folder, not a file" in str(refused(tmp_path))


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("hidden")
    path.chmod(0)
    assert "not allowed to read secret.txt" in str(refused(path))


def test_permission_error_is_explained(tmp_path, monkeypatch):
    path = tmp_path / "locked.txt"
    path.write_text("text")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(importers, "open", denied, raising=False)
    failure = refused(path)
    assert str(failure) == "annotator is not allowed to read locked.txt; check the file's permissions."
    assert failure.path == str(path)


# --------------------------------------------------------------------------- Markdown


def test_markdown_with_front_matter():
    doc = read_document(fixture("article.md"))
    assert doc.import_format == "markdown"
    assert (doc.title, doc.author, doc.published, doc.url) == (
        "Council approves river bridge", "Jane Reporter", "2024-03-05", "https://example.org/news/bridge")
    text = doc.text
    assert "---" not in text and "tags:" not in text
    assert text.startswith("Bridge vote: what was said\n\nThe city council approved the new bridge on Tuesday, "
                           "according to the minutes.\n\nKey claims\n\n")
    assert ("- The bridge will cost 40 million euros.\n- Work starts in 2025.\n"
            "  1. Phase one: foundations\n  2. Phase two: deck\n\n"
            "3. Third numbered point\n4. Fourth numbered point\n\n") in text
    assert '\n\n"We have heard this before," said one councillor.\n\n' in text
    assert "total = 40_000_000  # euros\nprint(total)" in text  # code kept verbatim
    assert "\n\nAn HTML note from the editor.\n\n" in text
    assert "no script" not in text and "<" not in text and "**" not in text and "](" not in text
    assert "Year\tCost\n2019\t30m\n2024\t40m" in text
    assert text.endswith("Photo of the river Last line with inline code.")


def test_markdown_title_falls_back_to_heading_then_first_line():
    doc = read_bytes(b"Intro line\n\n## The *real* heading\n\nBody.\n", "a.md")
    assert doc.title == "The real heading"
    assert doc.text == "Intro line\n\nThe real heading\n\nBody."
    assert read_bytes(b"Just *one* paragraph.", "b.markdown").title == "Just one paragraph."


def test_markdown_front_matter_lists_and_bad_dates():
    data = b"---\ntitle: 'Quoted: title'\nauthor:\n  - Ann\n  - Bob\ndate: someday\n---\nBody text.\n"
    doc = read_bytes(data, "c.md")
    assert (doc.title, doc.author, doc.published, doc.text) == ("Quoted: title", "Ann, Bob", None, "Body text.")


def test_markdown_opening_with_horizontal_rules_keeps_its_text():
    doc = read_bytes(b"---\nNot front matter, just a rule.\n---\nMore text.\n", "rules.md")
    assert doc.text == "Not front matter, just a rule.\n\nMore text."
    assert doc.author is None


# --------------------------------------------------------------------------- HTML


def test_html_article_with_metadata():
    doc = read_document(fixture("article.html"))
    assert doc.import_format == "html"
    assert doc.title == "Mayor promises new bridge"
    assert doc.author == "Jane Reporter"
    assert doc.published == "2024-03-05"
    assert doc.url == "https://dailybugle.example/news/2024/03/05/bridge"  # canonical beats og:url
    text = doc.text
    assert ("The mayor said on Tuesday that the city will build a new bridge over the river by 2026, "
            "at a cost of 40 million euros.\n\nCritics pointed out") in text
    assert "“We have heard this before,” said one councillor." in text
    assert "- The bridge will have four lanes.\n- Construction is expected to start next spring." in text
    assert "Year\tPromised cost\n2019\t30 million euros" in text
    for junk in ("INJECTED", "SECRET", "SCRIPT IN BODY", "document.write", "color: red", "All rights reserved"):
        assert junk not in text


def test_html_is_recognised_by_content():
    data = b"\xef\xbb\xbf  \n<!DOCTYPE html><title>Saved page</title><p>Hello <b>there</b><br>again</p>"
    doc = read_bytes(data, "saved.txt")
    assert doc.import_format == "html"
    assert doc.title == "Saved page"
    assert doc.text == "Hello there\nagain"


def test_html_meta_charset_is_honoured():
    data = ('<html><head><meta charset="windows-1252"><title>Caf\u00e9</title></head>'
            "<body><p>Le café – “quoted”</p></body></html>").encode("cp1252")
    doc = read_bytes(data, "page.htm")
    assert doc.text == "Le café – “quoted”"
    assert doc.title == "Café"
    assert doc.warnings == []


def test_short_page_uses_the_plain_fallback():
    data = (b"<html><head><title>Tiny</title><style>b{}</style></head><body><div>One</div>"
            b"<div>Two<script>bad()</script></div><table><tr><td>a</td><td>b</td></tr></table></body></html>")
    doc = read_bytes(data, "tiny.html")
    assert doc.title == "Tiny"
    assert doc.text == "One\n\nTwo\n\na\tb"


@pytest.mark.timeout(120)  # a hang guard (entity expansion); how fast: bench/run.py robustness
def test_malicious_html_is_harmless():
    doc = read_document(fixture("malicious.html"))
    assert "The council met on Tuesday to discuss the bridge" in doc.text
    assert "A link that runs code sits next to ordinary text" in doc.text
    assert "aaaaaaaaaa" not in doc.text  # entities are never expanded
    for junk in ("WRITTEN BY SCRIPT", "fetch(", "ONLOAD", "LINK')", "IFRAME", "OBJECT", "NOSCRIPT",
                 "TEMPLATE", "SVG", "LOOP", "alert"):
        assert junk not in doc.text
    assert doc.url is None  # a javascript: canonical is not a web address
    assert doc.title == "Totally normal page"


@pytest.mark.timeout(120)  # a hang guard; how fast: bench/run.py robustness
def test_deeply_nested_html_does_not_crash_or_hang():
    nest = "<div>" * 10000 + "<p>deep</p>" + "</div>" * 10000
    data = f"<html><body><p>Before the nesting: the council discussed the new bridge.</p>{nest}</body></html>"
    doc = read_bytes(data.encode(), "deep.html")
    assert doc.text.startswith("Before the nesting: the council discussed the new bridge.")
    assert any("nested too deeply" in w for w in doc.warnings)
    only_nest = f"<html><body>{nest}</body></html>".encode()
    assert "nested too deeply" in str(refused_bytes(only_nest, "deep.html"))


def test_html_without_text_is_refused():
    assert "no readable text" in str(refused_bytes(b"<html><body><script>x()</script></body></html>", "e.html"))


# --------------------------------------------------------------------------- DOCX


def test_docx(tmp_path, docx_bytes):
    path = tmp_path / "briefing.docx"
    path.write_bytes(docx_bytes)
    doc = read_document(path)
    assert doc.import_format == "docx"
    assert (doc.title, doc.author, doc.published) == ("Bridge briefing", "Jane Reporter", "2024-03-05")
    assert doc.text == ("Mayor promises new bridge\n\n"
                        "The mayor said on Tuesday that the city will build a new bridge by 2026.\n\n"
                        "Critics say the cost of 40 million euros is too low.\n\n"
                        "Year\tCost\n2019\t30m\n\n"
                        "The council votes next month.")
    assert doc.original_filename == "briefing.docx"


def test_docx_title_falls_back_to_first_paragraph():
    assert read_bytes(make_docx(title=None), "x.docx").title == "Mayor promises new bridge"


def test_docx_merged_cells_appear_once():
    import docx

    d = docx.Document()
    table = d.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Wide heading"
    table.cell(0, 2).text = "Right"
    table.cell(1, 0).text, table.cell(1, 1).text, table.cell(1, 2).text = "a", "b", "c"
    out = io.BytesIO()
    d.save(out)
    assert read_bytes(out.getvalue(), "merged.docx").text == "Wide heading\tRight\na\tb\tc"


def test_truncated_docx_is_refused(docx_bytes):
    message = str(refused_bytes(docx_bytes[: len(docx_bytes) // 2], "cut.docx"))
    assert message.startswith("cut.docx is a damaged")


def test_docx_with_broken_xml_is_refused(docx_bytes):
    src = zipfile.ZipFile(io.BytesIO(docx_bytes))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, b"<w:document><unclosed" if item.filename == "word/document.xml" else data)
    message = str(refused_bytes(out.getvalue(), "broken.docx"))
    assert message.startswith("broken.docx is not a readable Word document")


def test_other_zip_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("content.xml", "<x/>")
    assert "is a ZIP archive, not a Word document" in str(refused_bytes(out.getvalue(), "sheet.docx"))


def test_docx_suffix_without_zip():
    assert "not a valid Word document" in str(refused_bytes(b"plain words", "fake.docx"))


# --------------------------------------------------------------------------- PDF


def test_pdf_with_text_layer():
    doc = read_document(fixture("minutes.pdf"))
    assert doc.import_format == "pdf"
    assert (doc.title, doc.author, doc.published) == ("City Council Minutes", "Jane Reporter", "2024-03-05")
    assert doc.text == ("Mayor promises new bridge\nThe mayor said the bridge will cost 40 million euros.\n\n"
                        "Critics recall the broken promise of 2019.")
    assert doc.warnings == []


def test_pdf_without_text_layer():
    assert str(refused(fixture("scanned.pdf"))) == (
        "scanned.pdf has no text layer (it may be a scanned image); run OCR first.")


def test_corrupt_pdf():
    assert str(refused(fixture("corrupt.pdf"))) == (
        "corrupt.pdf is not a readable PDF; it may be damaged or incomplete.")


def test_pdf_suffix_without_pdf_content():
    assert "not a valid PDF" in str(refused_bytes(b"hello", "fake.pdf"))


def test_password_protected_pdf():
    assert "is password-protected" in str(refused(fixture("encrypted.pdf")))


def test_pdf_encrypted_with_empty_user_password_opens():
    import pypdf

    writer = pypdf.PdfWriter(clone_from=fixture("minutes.pdf"))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    assert "Critics recall the broken promise of 2019." in read_bytes(out.getvalue(), "open.pdf").text


# --------------------------------------------------------------------------- pasted text


def test_read_text_for_pasted_text():
    doc = read_text("\ufeffFirst line\r\nSecond  line\rThird\n\n  \n")
    assert doc.text == "First line\nSecond  line\nThird"
    assert (doc.title, doc.import_format, doc.original_filename) == ("First line", "paste", None)
    assert read_text("body", title="  My title ").title == "My title"
    assert read_text("body", import_format="clipboard-html").import_format == "clipboard-html"


def test_read_text_refuses_empty_paste():
    with pytest.raises(ImportFailure, match="pasted text is empty"):
        read_text(" \r\n\t")


# --------------------------------------------------------------------------- robustness


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".docx", ".pdf", ""])
def test_garbage_only_ever_raises_import_failure(suffix, docx_bytes):
    rnd = random.Random(suffix)
    pdf = fixture("minutes.pdf").read_bytes()
    seeds = [pdf, docx_bytes, b"<html><body><p>x</p></body></html>", b"# Title\n\n- item\n", b"plain"]
    for _ in range(25):
        data = bytearray(rnd.choice(seeds))
        for _ in range(rnd.randint(1, 20)):  # flip some bytes, or cut the tail
            if not data:
                break
            if rnd.random() < 0.2:
                del data[rnd.randrange(len(data)):]
            else:
                data[rnd.randrange(len(data))] = rnd.randrange(256)
        try:
            doc = read_bytes(bytes(data), "fuzz" + suffix)
        except ImportFailure as exc:
            assert str(exc) and "Traceback" not in str(exc)
        else:
            assert doc.text.strip() and doc.title
