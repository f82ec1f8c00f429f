"""Input generators and checks shared by the fuzz tests (tests/test_fuzz.py, through
hypothesis) and the long fuzz run (``bench/run.py fuzz``, through ``random``).

Every generator takes a :class:`Choices`, so one description of "an HTML page with random
nesting" or "a claims CSV with broken cells" serves both: hypothesis draws the choices
(and shrinks a failure to a small example), the bench draws them from a seeded
``random.Random`` (thousands of inputs, each in a child process).

The property checked on every input: the import or load either succeeds with a well-formed
result, or stops with an annotator error carrying a message; nothing else escapes, and a
load that was refused leaves the project as it was.
"""

from __future__ import annotations

import codecs
import csv
import io
import random
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from annotator.core.errors import AnnotatorError, ImportFailure
from annotator.services.interchange.csv_format import CLAIMS, COLUMNS, DOCUMENTS, FILE_NAMES, LINKS, SOURCES, VERDICTS

IMPORT_FORMATS = ("txt", "md", "html", "docx", "pdf")
CSV_KINDS = (SOURCES, DOCUMENTS, CLAIMS, LINKS, VERDICTS)
_SUFFIXES = {"txt": (".txt", ".text"), "md": (".md", ".markdown"), "html": (".html", ".htm"),
             "docx": (".docx",), "pdf": (".pdf",)}
ALL_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf", "", ".bin", ".TXT")


# --------------------------------------------------------------------------- choices


class Choices:
    """The decisions a generator makes; subclasses draw them from hypothesis or ``random``."""

    def integer(self, low: int, high: int) -> int:
        raise NotImplementedError

    def choice(self, options: Sequence[Any]) -> Any:
        return options[self.integer(0, len(options) - 1)]

    def boolean(self) -> bool:
        return self.integer(0, 1) == 1

    def binary(self, max_size: int) -> bytes:
        raise NotImplementedError

    def text(self, max_size: int) -> str:
        raise NotImplementedError


class RandomChoices(Choices):
    _POOL = ("abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789 .,;:'\"!?-\n\t<>&#=+@/\\"
             "éèüßçñ–—“”‘’…€£¥ЖжΩλ中文日本語한국어العربية\u200b\u00a0\ufeff\x00\x07\x1b\x7f\u2028\U0001f600")

    def __init__(self, rng: random.Random):
        self.rng = rng

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def binary(self, max_size: int) -> bytes:
        return self.rng.randbytes(self.rng.randint(0, max_size))

    def text(self, max_size: int) -> str:
        n = self.rng.randint(0, max_size)
        if self.rng.random() < 0.2:  # any code point but a surrogate
            return "".join(chr(c if not 0xD800 <= c < 0xE000 else 0xFFFD)
                           for c in (self.rng.randint(0, 0x10FFFF) for _ in range(n)))
        return "".join(self.rng.choice(self._POOL) for _ in range(n))


class DrawChoices(Choices):
    """Choices drawn through hypothesis's ``st.data()``, so failures shrink."""

    def __init__(self, data):
        from hypothesis import strategies as st

        self.data, self.st = data, st

    def integer(self, low: int, high: int) -> int:
        return self.data.draw(self.st.integers(low, high))

    def binary(self, max_size: int) -> bytes:
        return self.data.draw(self.st.binary(max_size=max_size))

    def text(self, max_size: int) -> str:
        return self.data.draw(self.st.text(self.st.characters(exclude_categories=("Cs",)), max_size=max_size))


# --------------------------------------------------------------------------- valid seed files


def make_pdf(lines: Sequence[str] = ("Council approves the budget", "The vote was 7 to 2 on Tuesday.")) -> bytes:
    """A one-page PDF with a text layer (the self-test's writer), with a title and an author."""
    from annotator.services.selftest import pdf_with_text

    return pdf_with_text(lines, info={"Title": "Budget vote", "Author": "City desk"})


@cache
def seeds() -> dict[str, bytes]:
    """One small valid file per format, each of which imports cleanly."""
    from tests.test_importers import make_docx

    text = ("Mayor promises new bridge\n\nThe mayor said on Tuesday that the city will build a new bridge "
            "by 2026. Critics say the cost of 40 million euros is too low — naïve, they add.\n")
    markdown = ("# Mayor promises new bridge\n\nThe mayor said on *Tuesday* that the city will build a "
                "[new bridge](https://example.org) by 2026.\n\n- cost: **40m**\n- vote: next month\n\n"
                "| Year | Cost |\n|---|---|\n| 2019 | 30m |\n\n> Critics disagree.\n")
    html = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Mayor promises new bridge</title>"
            "<meta property='og:site_name' content='City Paper'></head><body><article><h1>Mayor promises "
            "new bridge</h1><p>The mayor said on Tuesday that the city will build a new bridge by 2026.</p>"
            "<p>Critics say the cost of 40 million euros is too low &amp; the council votes next month.</p>"
            "</article></body></html>")
    return {"txt": text.encode("utf-8"), "md": markdown.encode("utf-8"), "html": html.encode("utf-8"),
            "docx": make_docx(), "pdf": make_pdf()}


# --------------------------------------------------------------------------- importer inputs


def mutate(c: Choices, data: bytes, rounds: int = 4) -> bytes:
    """Truncate, flip, insert, delete or repeat bytes: a damaged copy of ``data``."""
    out = bytearray(data)
    for _ in range(c.integer(1, rounds)):
        op = c.choice(("truncate", "flip", "insert", "delete", "repeat", "zero"))
        pos = c.integer(0, len(out))
        if op == "truncate":
            del out[pos:]
        elif op == "flip" and pos < len(out):
            out[pos] ^= 1 << c.integer(0, 7)
        elif op == "insert":
            out[pos:pos] = c.binary(16)
        elif op == "delete":
            del out[pos:pos + c.integer(1, 64)]
        elif op == "repeat":
            out[pos:pos] = out[pos:pos + c.integer(1, 64)] * c.integer(1, 8)
        elif op == "zero":
            end = min(len(out), pos + c.integer(1, 32))
            out[pos:end] = b"\x00" * (end - pos)
    return bytes(out)


_TAGS = ("p", "div", "span", "b", "i", "a", "table", "tr", "td", "ul", "li", "h1", "h2", "article", "section",
         "script", "style", "title", "head", "body", "html", "br", "img", "meta", "noscript", "template", "svg",
         "math", "iframe", "pre", "code", "blockquote", "main", "nav", "footer", "header", "figure", "time")
_ENTITIES = ("&amp;", "&lt;", "&gt;", "&nbsp;", "&quot;", "&#39;", "&#x263A;", "&#0;", "&#xD800;", "&#1114112;",
             "&#99999999999;", "&bogus;", "&amp", "&#x;", "&eacute;", "&;", "&#", "&#xFFFE;")
_CHARSETS = ("utf-8", "UTF8", "latin-1", "iso-8859-1", "windows-1252", "cp1252", "shift_jis", "euc-jp", "gbk",
             "big5", "koi8-r", "utf-16", "utf-7", "rot13", "base64", "unicode_escape", "x-unknown", "", "utf-32",
             "iso-2022-jp", "mac-roman", '"><script>', "a" * 200)
_ENCODINGS = ("utf-8", "utf-8-sig", "latin-1", "cp1252", "shift_jis", "utf-16", "utf-16-le", "utf-32", "koi8-r",
              "gb18030")


def _html_node(c: Choices, depth: int) -> str:
    kind = c.integer(0, 9)
    if depth > 6 or kind < 3:
        return c.text(30)
    if kind == 3:
        return c.choice(_ENTITIES)
    if kind == 4:
        return c.choice(("<!-- note -->", "<!--", "<![CDATA[x]]>", "<?xml version='1.0'?>", "</p>", "<",
                         "<!DOCTYPE html [<!ENTITY e 'boom'>]>", "<br/>", "<p", "<<>>", "&"))
    tag = c.choice(_TAGS)
    attrs = "".join(f' {c.choice(("class", "id", "href", "content", "property", "lang", "x"))}='
                    f'"{c.text(10)}"' for _ in range(c.integer(0, 2)))
    children = "".join(_html_node(c, depth + 1) for _ in range(c.integer(0, 4)))
    close = f"</{tag}>" if c.integer(0, 4) else ""
    return f"<{tag}{attrs}>{children}{close}"


def html_page(c: Choices) -> bytes:
    """A page with random nesting, entities and comments, in a random encoding that its
    <meta charset> may or may not name, sometimes nested thousands of elements deep."""
    body = "".join(_html_node(c, 0) for _ in range(c.integer(1, 6)))
    if c.integer(0, 9) == 0:
        depth = c.integer(50, 3000)
        tag = c.choice(("div", "span", "b", "table", "li"))
        body += f"<{tag}>" * depth + "<p>Deep text.</p>" + f"</{tag}>" * c.integer(0, depth)
    charset = c.choice(_CHARSETS)
    meta = c.choice((f'<meta charset="{charset}">', f"<meta http-equiv='Content-Type' content='text/html; "
                     f"charset={charset}'>", ""))
    doctype = c.choice(("<!DOCTYPE html>", "", "<!doctype html public '-//W3C//DTD HTML 4.01//EN'>"))
    page = f"{doctype}<html><head>{meta}<title>{c.text(20)}</title></head><body>{body}</body></html>"
    encoding = c.choice(_ENCODINGS)
    data = page.encode(encoding, errors="xmlcharrefreplace" if encoding.startswith(("utf", "gb")) else "replace")
    if c.integer(0, 5) == 0:
        data = mutate(c, data, rounds=2)
    return data


def markdown_page(c: Choices) -> bytes:
    parts = []
    for _ in range(c.integer(1, 12)):
        parts.append(c.choice((
            "# " + c.text(20), "> " * c.integer(1, 60) + c.text(10), "- " + c.text(15), "1. " + c.text(15),
            "| a | b |\n|---|---|\n| " + c.text(5) + " | x |", "```\n" + c.text(30), "*" * c.integer(1, 200),
            "[" * c.integer(1, 100) + "x" + "](" * c.integer(0, 50), "<div>" + c.text(10), c.text(60),
            "    " + c.text(20), "***", "![img](" + c.text(10) + ")", "\\" + c.text(3), "&#x0;&bogus;")))
    return "\n\n".join(parts).encode(c.choice(("utf-8", "utf-8-sig", "latin-1", "utf-16")), errors="replace")


def plain_text(c: Choices) -> bytes:
    text = c.text(300)
    encoding = c.choice(("utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-32", "cp1252", "shift_jis", "koi8-r"))
    data = text.encode(encoding, errors="replace")
    if c.boolean():
        data = c.choice((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF32_BE, b"")) + data
    return data


_DOCX_MEMBERS = ("word/document.xml", "[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels",
                 "docProps/core.xml", "word/styles.xml", "word/numbering.xml", "word/media/image1.png",
                 "../evil.xml", "/abs.xml", "word/document.xml/", "WORD/DOCUMENT.XML", "")


def docx_container(c: Choices) -> bytes:
    """A ZIP named .docx whose members are random, taken from a real Word file, or damaged
    copies of those."""
    with zipfile.ZipFile(io.BytesIO(seeds()["docx"])) as real:
        parts = {info.filename: real.read(info) for info in real.infolist()}
    out = io.BytesIO()
    if c.boolean():  # a real Word file with a member or two replaced, damaged, removed or added
        for _ in range(c.integer(1, 2)):
            name = c.choice((*parts, *_DOCX_MEMBERS))
            way = c.integer(0, 3)
            if way == 0:
                parts.pop(name, None)
            else:
                source = parts.get(name, b"<w:document/>")
                parts[name] = (mutate(c, source, rounds=2) if way == 1 else
                               c.choice((c.binary(200), b"", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a "
                                         b"'aaaa'>]><x>&a;</x>", source * c.integer(2, 50))))
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, content in parts.items():
                zf.writestr(zipfile.ZipInfo(name or "noname"), content)
        return out.getvalue()
    with zipfile.ZipFile(out, "w") as zf:
        names = set()
        for _ in range(c.integer(0, 6)):
            name = c.choice((*_DOCX_MEMBERS, *parts))
            if name in names:
                continue
            names.add(name)
            source = parts.get(name, b"<w:document/>")
            content = c.choice((source, mutate(c, source, rounds=2), c.binary(200),
                                b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]><x>&a;</x>", b""))
            method = c.choice((zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED))
            zf.writestr(zipfile.ZipInfo(name or "noname"), content, compress_type=method)
    data = out.getvalue()
    return mutate(c, data, rounds=2) if c.integer(0, 4) == 0 else data


def pdf_like(c: Choices) -> bytes:
    """A PDF built from random objects around a real header, trailer and text stream."""
    pieces = [b"%PDF-1." + str(c.integer(0, 9)).encode() + b"\n"]
    for number in range(1, c.integer(1, 8)):
        body = c.choice((b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                         b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
                         b"<< /Length 5 >>\nstream\nBT ET\nendstream",
                         b"<< /Filter /FlateDecode /Length 10 >>\nstream\n" + c.binary(10) + b"\nendstream",
                         b"[" * c.integer(1, 500), b"<< /Encrypt 9 0 R >>", b"(" + c.binary(20) + b")", c.binary(40)))
        pieces.append(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    pieces.append(c.choice((b"trailer\n<< /Root 1 0 R >>\n%%EOF", b"startxref\n999999\n%%EOF", b"")))
    return b"".join(pieces)


def import_input(c: Choices, fmt: str) -> tuple[bytes, str]:
    """One input for the importer of ``fmt``: bytes and the file name they arrive under."""
    name = "fuzz" + c.choice(_SUFFIXES[fmt])
    way = c.integer(0, 9)
    if way == 0:
        return c.binary(2048), name
    if way <= 3:
        return mutate(c, seeds()[fmt]), name
    made = {"txt": plain_text, "md": markdown_page, "html": html_page, "docx": docx_container, "pdf": pdf_like}
    return made[fmt](c), name


# --------------------------------------------------------------------------- checking an import


@dataclass
class Outcome:
    """``kind``: "ok" (imported or loaded), "refused" (an annotator error with a message),
    "crash" (any other exception, or a result that breaks the rules); ``detail`` says which."""

    kind: str
    detail: str = ""
    library: bool = False  # refused because a library raised, caught by the importer's last resort


def check_document(doc) -> str | None:
    """Why an imported document could not be stored or shown, or None."""
    from annotator.services.importers import TITLE_MAX_CHARS

    if not isinstance(doc.text, str) or not doc.text.strip():
        return "imported an empty text"
    if not isinstance(doc.title, str) or not doc.title.strip() or len(doc.title) > TITLE_MAX_CHARS:
        return f"imported a bad title {doc.title!r:.80}"
    for label, value in (("text", doc.text), ("title", doc.title), ("author", doc.author or ""),
                         ("url", doc.url or ""), ("site name", doc.site_name or "")):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"the {label} holds a lone surrogate, which cannot be stored"
    if "\r" in doc.text:
        return "the text keeps carriage returns (offsets would not match the file's lines)"
    if not all(isinstance(w, str) and w for w in doc.warnings):
        return "a warning is not a message"
    return None


def check_import(data: bytes, filename: str):
    """Import ``data``; return the Outcome and the document (when one was imported)."""
    from annotator.services.importers import read_bytes

    try:
        doc = read_bytes(data, filename)
    except ImportFailure as exc:
        if not str(exc).strip():
            return Outcome("crash", "an ImportFailure without a message"), None
        cause = exc.__cause__
        library = cause is not None and not isinstance(cause, AnnotatorError)
        detail = f"{type(cause).__name__}: {cause}"[:300] if library else str(exc)[:300]
        return Outcome("refused", detail, library=library), None
    except AnnotatorError as exc:
        return Outcome("crash", f"{type(exc).__name__} instead of an ImportFailure: {exc}"[:300]), None
    except MemoryError:
        return Outcome("memory", "MemoryError"), None
    except Exception as exc:
        return Outcome("crash", f"{type(exc).__name__}: {exc}"[:300]), None
    problem = check_document(doc)
    return (Outcome("crash", problem), doc) if problem else (Outcome("ok"), doc)


# --------------------------------------------------------------------------- a project and CSV folders


_ARTICLES = (
    ("Mayor promises new bridge", "City Paper",
     "The mayor said on Tuesday that the city will build a new bridge by 2026.\n\nCritics say the cost of "
     "40 million euros is too low. The council votes next month on the plan, which was first proposed in 2019."),
    ("Bridge costs questioned", "Daily Wire",
     "An independent estimate puts the bridge at 65 million euros, far above the mayor's figure.\n\n"
     "The mayor said the city will build a new bridge by 2026; engineers doubt the date."),
    ("Budget vote", "City Paper",
     "Council approves the budget. The vote was 7 to 2 on Tuesday.\n\nTaxes rise by 2 percent."),
)


@dataclass
class ProjectInfo:
    """What the CSV generators may refer to: the project's documents and claims."""

    documents: list[tuple[str, str, str, str]]  # id, title, sha256, text
    claims: list[str]


def build_project(path: Path) -> ProjectInfo:
    """A small project: three articles from two outlets, two claims, a link and a verdict."""
    from annotator.core.model import Rating, Relation
    from annotator.services.annotations import AnnotationService
    from annotator.store import create_project

    store = create_project(path, "Fuzz")
    try:
        docs = []
        for title, outlet, text in _ARTICLES:
            source = store.ensure_source(outlet)
            docs.append(store.add_document(text, title, source_id=source.id))
        service = AnnotationService(store, annotator="tester")
        first = service.create_claim(docs[0].id, 4, 60)
        second = service.create_claim(docs[1].id, 0, 40)
        service.link(first.id, second.id, Relation.SAME)
        store.set_verdict(first.id, Rating.MOSTLY_TRUE, annotator="tester")
        return ProjectInfo([(d.id, d.title, d.sha256, store.document_text(d.id)) for d in docs],
                           [first.id, second.id])
    finally:
        store.close()


_FORMULAS = ("=1+1", '=HYPERLINK("http://evil.example","x")', "'=x", "''+1", "@SUM(A1)", "-3", "+44", "\t=1",
             "\uff1dA1", "=", "'", "-", "=cmd|' /C calc'!A0")
_STAMPS = ("2026-11-22T10:00:00.000Z", "2026-11-22", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00",
           "not a date", "2026-13-45T99:99:99", "2026-11-22T10:00:00+25:00", "20261122")
_RATINGS = ("true", "Mostly true", "mostly-false", "FALSE", "mixed", "unverifiable", "pants on fire", "")
_RELATIONS = ("same_claim", "supports", "Contradicts", "derived from", "derived-from", "refutes", "")


def _cell(c: Choices, info: ProjectInfo, column: str) -> str:
    way = c.integer(0, 14)
    doc = c.choice(info.documents)
    if way == 0:
        return c.text(40)
    if way == 1:
        return c.choice(_FORMULAS) + c.text(5)
    if way == 2:
        return c.choice(("0", "7", "-1", "1e3", " 12 ", "١٢", "99999999999999999999", "3.5", "", str(len(doc[3]))))
    if way == 3:
        return c.choice(_STAMPS)
    if way == 4:
        return c.choice(_RATINGS + _RELATIONS)
    if way == 5:
        return c.choice([*info.claims, doc[0], doc[2], doc[2].upper(), doc[1], "c-" + str(c.integer(0, 3))])
    if way == 6:
        start = c.integer(0, len(doc[3]) - 1)
        return doc[3][start:start + c.integer(1, 80)]
    if way == 7:
        return c.choice(('a "quoted" cell', "line\nbreak", "\r\n", ",", ";", '"', '""', "\ufeff", "\x00", " "))
    if way == 8:
        return c.choice(("word " * c.integer(200, 4000), "x" * c.integer(1000, 60000)))
    if way == 9:
        return c.choice(("#ffcc00", "#FFF", "red", "#gggggg"))
    return _valid_cell(c, info, column)


def _valid_cell(c: Choices, info: ProjectInfo, column: str) -> str:
    """A cell that is right for its column, so that rows get past validation."""
    doc = c.choice(info.documents)
    if column in ("start", "end", "length"):
        return str(c.integer(0, len(doc[3])))
    if column in ("rating", "verdict"):
        return c.choice(_RATINGS[:6])
    if column == "relation":
        return c.choice(_RELATIONS[:5])
    if column.endswith("claim_id"):
        return c.choice([*info.claims, "new-1", "new-2"])
    if column in ("document_id", "id") and c.boolean():
        return doc[0]
    if column in ("document_title", "title"):
        return doc[1]
    if column in ("document_sha256", "sha256"):
        return doc[2]
    if column in ("created_at", "updated_at"):
        return _STAMPS[0]
    if column in ("quote", "from_quote", "to_quote", "claim_quote"):
        start = c.integer(0, len(doc[3]) - 2)
        return doc[3][start:start + c.integer(1, 60)]
    if column == "type_color":
        return "#ffcc00"
    return c.text(12)


def _structured_rows(c: Choices, info: ProjectInfo, kind: str, columns: list[str]) -> list[list[str]]:
    """Rows that are valid and consistent (claims that anchor, links between known claims)."""
    rows = []
    for n in range(c.integer(1, 6)):
        doc = c.choice(info.documents)
        start = c.integer(0, len(doc[3]) - 20)
        end = start + c.integer(1, min(80, len(doc[3]) - start))
        row_id = c.choice(("", f"new-{n + 1}", f"{kind}-{c.integer(0, 10**9)}"))
        known = {"id": row_id, "name": f"Outlet {c.integer(0, 10**6)}",
                 "document_id": doc[0], "document_title": doc[1], "document_sha256": doc[2], "title": doc[1],
                 "sha256": doc[2], "start": str(start), "end": str(end), "quote": doc[3][start:end],
                 "from_claim_id": c.choice(info.claims), "to_claim_id": f"new-{c.integer(1, 3)}",
                 "claim_id": c.choice([*info.claims, "new-1"]), "annotator": c.choice(("ann", "tester", "")),
                 "length": str(len(doc[3]))}
        rows.append([known.get(col) if col in known else _valid_cell(c, info, col) for col in columns])
        for _ in range(c.integer(0, 2)):  # then break a cell or two
            if columns:
                rows[-1][c.integer(0, len(columns) - 1)] = _cell(c, info, c.choice(columns))
    return rows


def _columns(c: Choices, kind: str) -> list[str]:
    columns = list(COLUMNS[kind])
    way = c.integer(0, 3)
    if way == 0:  # a random subset in a random order, maybe with foreign or repeated names
        foreign = ["", "extra", "ID", " Quote ", "\ufeffid", "=id"]
        return [c.choice([*columns, *foreign]) for _ in range(c.integer(0, 8))]
    if way == 1:  # one column missing
        del columns[c.integer(0, len(columns) - 1)]
    return columns


def csv_file(c: Choices, info: ProjectInfo, kind: str) -> bytes:
    """The bytes of one CSV file of ``kind``: random or consistent rows, then random quoting,
    delimiters, line ends, byte-order marks and encodings (some broken)."""
    columns = _columns(c, kind)
    if c.boolean():
        rows = _structured_rows(c, info, kind, columns)
    else:
        rows = [[_cell(c, info, c.choice(columns or ["x"])) for _ in range(c.integer(0, len(columns) + 2))]
                for _ in range(c.integer(0, 6))]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=c.choice((",", ",", ";", "\t")),
                        quoting=c.choice((csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC)),
                        lineterminator=c.choice(("\r\n", "\n", "\r")))
    writer.writerow(columns)
    writer.writerows(rows)
    text = out.getvalue()
    if c.integer(0, 5) == 0:  # hand-edited: a stray quote or a cut
        pos = c.integer(0, len(text))
        text = text[:pos] + c.choice(('"', "", '\n"', ",,,")) + text[pos + c.integer(0, 3):]
    encoding = c.choice(("utf-8", "utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"))
    data = text.encode(encoding, errors="replace")
    data = codecs.BOM_UTF8 * c.integer(0, 2) + data if c.integer(0, 3) == 0 else data
    if c.integer(0, 6) == 0:  # bytes that are not UTF-8, or a NUL, somewhere
        pos = c.integer(0, len(data))
        data = data[:pos] + c.choice((b"\xff", b"\xc3", b"\x00", b"\xe2\x80", b"\xed\xa0\x80")) + data[pos:]
    return data


def csv_folder(c: Choices, info: ProjectInfo, kind: str) -> dict[str, bytes]:
    """File name -> bytes: a file of ``kind``, sometimes with others beside it."""
    files = {FILE_NAMES[kind]: csv_file(c, info, kind)}
    for _ in range(c.integer(0, 2)):
        other = c.choice(CSV_KINDS)
        files.setdefault(FILE_NAMES[other], csv_file(c, info, other))
    if c.integer(0, 9) == 0:  # names as a spreadsheet on another system may write them
        files = {name.upper() if c.boolean() else name: data for name, data in files.items()}
    return files


# --------------------------------------------------------------------------- checking a load


def project_state(store) -> tuple:
    return (store.counts(), len(store.claim_types()), store.integrity_check())


def check_load(store, folder: Path, accept_valid: bool) -> Outcome:
    """Load ``folder`` into ``store``; a refused load must leave the project as it was."""
    from annotator.services.interchange import load_csv

    before = project_state(store)
    try:
        report = load_csv(store, folder, accept_valid=accept_valid)
        lines = report.lines()
        messages = [str(e) for e in report.errors]
    except AnnotatorError as exc:
        if not str(exc).strip():
            return Outcome("crash", f"{type(exc).__name__} without a message")
        after = project_state(store)
        if after != before:
            return Outcome("crash", f"refused ({exc}) but the project changed: {before} -> {after}")
        return Outcome("refused", str(exc)[:300])
    except MemoryError:
        return Outcome("memory", "MemoryError")
    except Exception as exc:
        return Outcome("crash", f"{type(exc).__name__}: {exc}"[:300])
    after = project_state(store)
    if after[2] != "ok":
        return Outcome("crash", f"integrity check after the load: {after[2]}")
    if not lines or not all(line.strip() for line in lines[:1]) or not all(m.strip() for m in messages):
        return Outcome("crash", "a report or error without a message")
    if report.loaded:
        if (report.errors or report.orphans) and not accept_valid:
            return Outcome("crash", "loaded despite errors or rows it could not place, without accept_valid")
        return Outcome("ok")
    if after != before:
        return Outcome("crash", f"nothing was loaded but the project changed: {before} -> {after}")
    why = messages or [str(o) for o in report.orphans]
    if not why:
        return Outcome("crash", "nothing was loaded and no error says why")
    return Outcome("refused", why[0][:300])


def write_folder(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


__all__ = ["ALL_SUFFIXES", "CSV_KINDS", "DOCUMENTS", "IMPORT_FORMATS", "Choices", "DrawChoices", "Outcome",
           "ProjectInfo", "RandomChoices", "build_project", "check_import", "check_load", "csv_folder",
           "html_page", "import_input", "make_pdf", "mutate", "seeds", "write_folder"]
