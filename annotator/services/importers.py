"""Turn files and pasted text into :class:`ImportedDocument` objects, without Qt.

Supported: plain text (any common encoding), Markdown, HTML (article extraction,
nothing is ever fetched and no script runs), Word ``.docx`` and PDF with a text
layer. Every failure is an :class:`ImportFailure` whose message tells the user
what is wrong with the file and, where possible, what to do about it.

The heavy libraries (trafilatura, pypdf, python-docx, markdown-it) are imported
inside the functions that need them so that starting the app stays fast.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import stat
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from annotator.core.errors import ImportFailure
from annotator.core.model import ImportedDocument
from annotator.core.text import normalise_newlines

MAX_BYTES = 50 * 1024 * 1024
SUPPORTED_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf"}

TITLE_MAX_CHARS = 200
SITE_NAME_MAX_CHARS = 100
# A .docx is a zip; its parts are read into memory (the text part parsed as XML, about 15
# times its size), so refuse absurd unpacked sizes: a zip bomb passes the file-size check.
_MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
_MAX_DOCX_XML_BYTES = 32 * 1024 * 1024
# Article extraction costs about 0.1 ms per HTML element; bigger pages are read whole, and
# pages beyond the second limit (millions of elements, gigabytes of memory) are refused.
HTML_ARTICLE_MAX_ELEMENTS = 50_000
HTML_MAX_ELEMENTS = 1_000_000
# The Markdown parser needs seconds per 100 KB on some inputs (thousands of lines in one
# paragraph, big tables); larger Markdown files are imported as plain text.
MARKDOWN_MAX_BYTES = 512 * 1024
_KNOWN_FORMATS = "text, Markdown, HTML, Word (.docx) and PDF files"

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc/.xls/.ppt
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_HTML_START = re.compile(rb"\s*<!doctype\s+html|\s*<html[\s>]", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_DOCTYPE_OPEN = re.compile(r"<!DOCTYPE[^\[>]*\[", re.IGNORECASE)
_DOCTYPE_CLOSE = re.compile(r"\]\s*>")
# A start tag longer than this loses its attributes before parsing: the HTML parser is
# quadratic in the number of attributes of one element, and no text lives in attributes.
_HUGE_TAG = re.compile(r"<([A-Za-z][^\s/<>]{0,64})[^<>]{32768,}>")
# Labels a <meta charset> may name: text encodings browsers know (not base64, rot13,
# unicode_escape and the other codecs Python can look up).
_HTML_ENCODINGS = re.compile(
    r"utf[-_]?8|ascii|latin[-_]1|iso8859[-_]\d+|cp(874|125\d|437|8[56]\d|9[345]\d)|koi8[-_][ru]|"
    r"mac[-_](roman|cyrillic)|gb(k|2312|18030)|big5(hkscs)?|euc[-_](jp|kr)|shift[-_]jis|iso2022[-_]jp")
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # lxml refuses these in text
# A numeric character reference (&#xFFFE;) the parser would turn into one of those.
_CHAR_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1b")
_WESTERN_LANGUAGES = frozenset((
    "English", "French", "German", "Spanish", "Portuguese", "Italian", "Dutch", "Swedish", "Norwegian",
    "Danish", "Finnish", "Icelandic", "Catalan", "Indonesian", "Malay", "Unknown", "",
))


# --------------------------------------------------------------------------- public API


def read_document(path: str | os.PathLike, *, max_bytes: int = MAX_BYTES) -> ImportedDocument:
    """Read one file from disk; the size is checked before a single byte is read."""
    name = os.path.basename(os.fspath(path)) or str(path)
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise ImportFailure(f"{name} is a folder, not a file.", path=str(path))
        if not stat.S_ISREG(info.st_mode):
            raise ImportFailure(f"{name} is not a regular file (it may be a device or a pipe).", path=str(path))
        _check_size(info.st_size, name, max_bytes, path)
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)  # a file that grew meanwhile is still cut off
    except FileNotFoundError:
        raise ImportFailure(f"{path} does not exist; it may have been moved, renamed or deleted.",
                            path=str(path)) from None
    except PermissionError:
        raise ImportFailure(f"annotator is not allowed to read {name}; check the file's permissions.",
                            path=str(path)) from None
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise ImportFailure(f"{name} could not be read ({reason}).", path=str(path)) from None
    except ValueError:  # e.g. a NUL character in the path
        raise ImportFailure(f"{name!r} is not a valid file name.", path=str(path)) from None
    _check_size(len(data), name, max_bytes, path)
    try:
        return read_bytes(data, name, max_bytes=max_bytes)
    except ImportFailure as exc:
        exc.path = str(path)
        raise


def read_text(text: str, *, title: str | None = None, import_format: str = "paste") -> ImportedDocument:
    """Wrap pasted clipboard text; only newlines, a BOM and trailing whitespace change."""
    text = normalise_newlines(text).removeprefix("\ufeff").rstrip()
    if not text.strip():
        raise ImportFailure("The pasted text is empty; copy some text and try again.")
    text = _LONE_SURROGATE.sub("\ufffd", text)  # half of a UTF-16 pair cannot be stored
    title = _clip_title(_LONE_SURROGATE.sub("\ufffd", title or "")) or _title_from_text(text) or "Pasted text"
    return ImportedDocument(text=text, title=title, import_format=import_format)


def read_bytes(data: bytes, filename: str, *, max_bytes: int = MAX_BYTES) -> ImportedDocument:
    """Import the contents of a file called ``filename`` (only its suffix and name are used)."""
    name = PurePath(filename).name or filename or "The file"
    _check_size(len(data), name, max_bytes, filename)
    if not data:
        raise ImportFailure(f"{name} is empty (0 bytes).", path=filename)
    try:
        kind = _detect_format(data, PurePath(name).suffix.lower(), name)
        reader = {"pdf": _read_pdf, "docx": _read_docx, "html": _read_html,
                  "markdown": _read_markdown, "text": _read_plain}[kind]
        doc = reader(data, name)
    except ImportFailure as exc:
        exc.path = exc.path or filename
        raise
    except RecursionError:
        raise ImportFailure(f"{name} is too deeply nested to be read.", path=filename) from None
    except MemoryError:
        raise ImportFailure(f"{name} is too large to be read with the memory available.", path=filename) from None
    except Exception as exc:  # a library tripped over something the checks above did not catch
        raise ImportFailure(f"{name} could not be read; it may be damaged ({exc.__class__.__name__}).",
                            path=filename) from exc
    return doc


# --------------------------------------------------------------------------- shared helpers


def _human_size(n: int) -> str:
    """'212.0 MB', '2.0 KB', '999 bytes'."""
    if n < 1024:
        return f"{n} bytes"
    size = float(n)
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            break
    return f"{size:.1f} {unit}"


def _check_size(size: int, name: str, max_bytes: int, path: Any) -> None:
    """Refuse a file over the limit with a message that gives both sizes."""
    if size > max_bytes:
        limit = _human_size(max_bytes).replace(".0 ", " ")
        raise ImportFailure(f"{name} is {_human_size(size)}; annotator imports files up to {limit}.",
                            path=str(path))


def _detect_format(data: bytes, suffix: str, name: str) -> str:
    """Decide the reader: magic bytes first, then the suffix, then a look at the content."""
    # The header may follow a little junk (the format allows up to 1 KB), but a text or
    # Markdown file that merely mentions "%PDF-" stays text.
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF-") or (
            suffix == ".pdf" and b"%PDF-" in data[:1024]):
        return "pdf"
    if data.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
                unpacked = sum(i.file_size for i in zf.infolist())
                body = next((i.file_size for i in zf.infolist() if i.filename == "word/document.xml"), 0)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
            raise ImportFailure(f"{name} is a damaged ZIP or Word file and cannot be opened.") from None
        if "word/document.xml" not in names:
            raise ImportFailure(f"{name} is a ZIP archive, not a Word document; annotator imports {_KNOWN_FORMATS}.")
        if unpacked > _MAX_UNZIPPED_BYTES or body > _MAX_DOCX_XML_BYTES:
            raise ImportFailure(f"{name} unpacks to {_human_size(max(unpacked, body))}, more than annotator "
                                f"reads ({_human_size(_MAX_DOCX_XML_BYTES).replace('.0 ', ' ')} of text, "
                                f"{_human_size(_MAX_UNZIPPED_BYTES).replace('.0 ', ' ')} in all); "
                                "it is too large or damaged.")
        return "docx"
    if data.startswith(_OLE_MAGIC):
        raise ImportFailure(f"{name} is in an old Microsoft Office format (such as .doc); "
                            "open it in Word or LibreOffice and save it as .docx first.")
    for magic, what in _IMAGE_MAGIC:
        if data.startswith(magic):
            raise ImportFailure(f"{name} is {what}, not a document; annotator imports {_KNOWN_FORMATS}.")
    if suffix == ".pdf":
        raise ImportFailure(f"{name} is not a valid PDF (it does not start like one); it may be damaged.")
    if suffix == ".docx":
        raise ImportFailure(f"{name} is not a valid Word document; it may be damaged or renamed.")
    if suffix in (".html", ".htm") or _looks_like_html(data):
        return "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    return "text"


def _looks_like_html(data: bytes) -> bool:
    """True when the content starts (after a BOM and whitespace) like an HTML page."""
    head = data[:2048]
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            head = head.decode(encoding, errors="ignore").encode("utf-8")
            break
    return bool(_HTML_START.match(head))


def _bom_encoding(data: bytes) -> str | None:
    """The codec named by a leading byte order mark, if any."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NUL bytes sit in every other position, as in UTF-16 text."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _guess_encoding(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) for data that is not valid UTF-8, or None if no encoding fits.

    Mostly-UTF-8 data with a few damaged bytes stays UTF-8 (damage replaced by
    U+FFFD) rather than turning every accented letter into mojibake. Otherwise
    charset_normalizer decides; when it hesitates between single-byte encodings
    for a Western European language (or picks an old DOS code page), Windows-1252
    wins, being by far the most common legacy encoding for such text.
    """
    lenient = data.decode("utf-8", errors="replace")
    damaged = lenient.count("\ufffd")
    intact = len(lenient) - len(lenient.encode("ascii", "ignore")) - damaged  # non-ASCII letters
    if intact > 0 and intact >= 4 * damaged:
        return lenient, "utf-8 (with damaged bytes)"

    import charset_normalizer

    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    encoding = best.encoding
    if best.language in _WESTERN_LANGUAGES or re.fullmatch(r"cp(437|[78]\d\d)", encoding):
        for match in matches:
            near_tie = match.chaos <= best.chaos + 0.05 and match.coherence >= best.coherence - 0.15
            if near_tie and "cp1252" in match.could_be_from_charset:
                encoding = "cp1252"
                break
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        return str(best), best.encoding


def _encoding_warning(encoding: str) -> str:
    """The note shown to the user when the encoding had to be guessed."""
    if encoding.startswith("utf-8 "):
        return "Some bytes were not valid UTF-8 and were replaced by \ufffd"
    return f"Decoded as {encoding} (the file does not say its encoding); check accented letters and quotes"


def _looks_binary(text: str) -> bool:
    """A high share of control characters (other than tabs, newlines and escapes)."""
    sample = text[:65536]
    if not sample:
        return False
    controls = sum(1 for ch in sample
                   if ch not in _TEXT_CONTROLS and unicodedata.category(ch) == "Cc")
    return "\x00" in sample or controls > 0.05 * len(sample)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _finish(text: str, name: str, import_format: str, *, title: str | None = None,
            author: str | None = None, published: str | None = None, url: str | None = None,
            site_name: str | None = None, warnings: list[str] | None = None,
            clean: bool = False) -> ImportedDocument:
    """Normalise the extracted text, refuse empty results, and fill in a title.

    With ``clean`` (text, Markdown and HTML, whose bytes annotator decoded itself), garbled
    characters are repaired and page furniture removed (see :mod:`annotator.services.cleanup`),
    each change reported in the warnings.
    """
    warnings = list(warnings or [])
    text = normalise_newlines(text).removeprefix("\ufeff").rstrip()
    text, broken = _LONE_SURROGATE.subn("\ufffd", text)
    if broken:  # e.g. a PDF font whose character map yields half of a UTF-16 pair: not storable text
        warnings.append(f"{broken} character{'s' if broken != 1 else ''} that no text can hold "
                        f"(half of a UTF-16 pair) show{'' if broken != 1 else 's'} as �")
    if not text.strip():
        raise ImportFailure(f"{name} contains no readable text.")
    if clean:
        from annotator.services.cleanup import clean_text, repair_mojibake

        cleaned = clean_text(text)
        text = cleaned.text.rstrip()
        fields = []
        for value in (title, author, site_name):  # metadata can be as garbled as the text
            if value:
                value, repaired, lost = repair_mojibake(value)
                cleaned.repaired += repaired
                cleaned.lost += lost
            fields.append(value)
        title, author, site_name = fields
        warnings += cleaned.notes()
    title, author, site_name = (_LONE_SURROGATE.sub("\ufffd", v) if v else v for v in (title, author, site_name))
    title = _clip_title(title or "")
    if title and _is_furniture(title):
        title = ""  # a page whose <title> is "Skip to main content"
    title = title or _title_from_text(text) or PurePath(name).stem or name
    return ImportedDocument(text=text, title=title, import_format=import_format, original_filename=name,
                            author=_clean(author), published=published, url=_clean(url),
                            site_name=_clean_site_name(site_name), warnings=warnings)


def _clean(value: Any) -> str | None:
    """A metadata value as a trimmed single-line string, or None."""
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None


def _clip_title(title: str) -> str:
    """A title on one line, at most TITLE_MAX_CHARS long."""
    title = " ".join(title.split())
    if len(title) > TITLE_MAX_CHARS:
        title = title[:TITLE_MAX_CHARS - 1].rstrip() + "…"
    return title


def _title_from_text(text: str) -> str:
    """The headline: the first line that reads like one (not a skip link, a counter or a bare
    date), else the first non-empty line; trimmed and clipped."""
    from annotator.services.cleanup import headline

    return _clip_title(headline(text))


def _is_furniture(line: str) -> bool:
    from annotator.services.cleanup import is_furniture

    return is_furniture(line)


def _clean_site_name(value: Any) -> str | None:
    """An outlet's name as a trimmed single line of at most SITE_NAME_MAX_CHARS, or None
    (also for a value with no letter or digit, or a web address, which is no name)."""
    value = _clean(value)
    if not value or not any(ch.isalnum() for ch in value) or re.match(r"https?://", value, re.IGNORECASE):
        return None
    if len(value) > SITE_NAME_MAX_CHARS:
        value = value[:SITE_NAME_MAX_CHARS - 1].rstrip() + "…"
    return value


def _iso_date(value: Any) -> str | None:
    """'2024-03-05' from a date, a datetime or a string starting with an ISO date."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not value:
        return None
    m = _ISO_DATE.match(str(value).strip())
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


# --------------------------------------------------------------------------- plain text


def _read_plain(data: bytes, name: str) -> ImportedDocument:
    """Plain text in UTF-8, UTF-16/32 (with BOM) or a detected legacy encoding."""
    text, warnings = _decode_plain(data, name)
    return _finish(text, name, "text", warnings=warnings, clean=True)


def _decode_plain(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode text bytes, refusing binary content."""
    binary = ImportFailure(f"{name} looks like a binary file, not text; annotator imports {_KNOWN_FORMATS}.")
    warnings: list[str] = []
    encoding = _bom_encoding(data)
    if not encoding and (encoding := _utf16_without_bom(data)):
        warnings.append(f"Decoded as {encoding.upper()} (the file has no byte order mark)")
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            text = data.decode(encoding, errors="replace")
            label = encoding.removesuffix("-sig").upper()
            warnings.append(f"Some bytes were not valid {label} and were replaced by \ufffd")
    elif b"\x00" in data:
        raise binary
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            guessed = _guess_encoding(data)
            if guessed is None:
                raise binary from None
            text, encoding = guessed
            warnings.append(_encoding_warning(encoding))
    if _looks_binary(text):
        raise binary
    return text, warnings


# --------------------------------------------------------------------------- Markdown


def _read_markdown(data: bytes, name: str) -> ImportedDocument:
    """Markdown rendered to readable plain text; YAML front matter gives the metadata."""
    source, warnings = _decode_plain(data, name)
    source = normalise_newlines(source).removeprefix("\ufeff")
    meta, source = _split_front_matter(source)
    if len(data) > MARKDOWN_MAX_BYTES:
        warnings.append(f"Markdown files over {MARKDOWN_MAX_BYTES // 1024} KB are imported as plain text "
                        "(the markup is kept as written)")
        text, heading = source, ""
    else:
        text, heading = _markdown_to_text(source)
    site_name = next((meta[key] for key in _FRONT_MATTER_SITE_KEYS if _clean_site_name(meta.get(key))), None)
    return _finish(text, name, "markdown", title=meta.get("title") or heading, author=meta.get("author"),
                   published=_iso_date(meta.get("date")), url=meta.get("url"), site_name=site_name,
                   warnings=warnings, clean=True)


# Front-matter keys that name the outlet, in order of preference.
_FRONT_MATTER_SITE_KEYS = ("site_name", "sitename", "site", "publisher", "outlet")


def _split_front_matter(source: str) -> tuple[dict[str, str], str]:
    """Simple ``key: value`` pairs from a leading ``---`` block, and the text after it.

    The block only counts as front matter when it holds at least one ``key: value``
    line, so a document that merely opens with a horizontal rule keeps its text.
    """
    m = re.match(r"---[ \t]*\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\n|\Z)", source, re.DOTALL | re.MULTILINE)
    if not m:
        return {}, source
    meta: dict[str, str] = {}
    key = None
    for line in m[1].split("\n"):
        pair = re.match(r"([A-Za-z_][\w-]*)\s*:(?:\s+(.*?))?\s*$", line)
        item = re.match(r"\s+-\s+(.+?)\s*$", line)
        if pair:
            key, value = pair[1].lower(), pair[2] or ""
            if value.startswith("[") and value.endswith("]"):
                value = ", ".join(_unquote(v) for v in value[1:-1].split(","))
            meta[key] = _unquote(value)
        elif item and key:  # a YAML list under the last key: "author:\n  - A\n  - B"
            meta[key] = ", ".join(filter(None, (meta.get(key), _unquote(item[1]))))
        elif line.strip() and not line.startswith((" ", "\t", "#")):
            return {}, source  # not YAML: the rules are part of the document
    if key is None:
        return {}, source
    return {k: v for k, v in meta.items() if v}, source[m.end():]


def _unquote(value: str) -> str:
    """A YAML scalar without its surrounding quotes."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return value.strip()


def _markdown_to_text(source: str) -> tuple[str, str]:
    """(plain text, first heading) of a Markdown document.

    Blocks are separated by a blank line; list items get their own line with
    "- " or "N. " (nested lists indented); tables become tab-separated rows.
    """
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(source)
    out: list[str] = []
    lists: list[list[Any]] = []  # per open list: [ordered, next number]
    markers: list[str] = []  # per open list item: its marker ("- ", "2. ")
    fresh_item = False  # the next block is the first of a list item
    blank_before_next = False
    first_heading = ""
    rows: list[str] = []
    cells: list[str] = []

    def emit(block: str) -> None:
        """Append one block, with its list marker and the right separator."""
        nonlocal fresh_item, blank_before_next
        if not block.strip():
            return
        if markers:
            indent = "  " * (len(markers) - 1)
            lead = indent + (markers[-1] if fresh_item else " " * len(markers[-1]))
            block = lead + block.replace("\n", "\n" + " " * len(lead))
            fresh_item = False
        if out:
            out.append("\n" if lists and not blank_before_next else "\n\n")
        blank_before_next = False
        out.append(block)

    for i, tok in enumerate(tokens):
        kind = tok.type
        if kind == "inline":
            text = _markdown_inline(tok)
            if tokens[i - 1].type in ("th_open", "td_open"):
                cells.append(" ".join(text.split()))
                continue
            if tokens[i - 1].type == "heading_open" and not first_heading:
                first_heading = text.strip()
            emit(text)
        elif kind in ("bullet_list_open", "ordered_list_open"):
            if not lists:
                blank_before_next = True
            lists.append([kind == "ordered_list_open", int(tok.attrGet("start") or 1)])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            if not lists:
                blank_before_next = True
        elif kind == "list_item_open":
            ordered, number = lists[-1]
            if ordered:
                number = int(tok.info) if tok.info.isdigit() else number
                lists[-1][1] = number + 1
            markers.append(f"{number}{tok.markup or '.'} " if ordered else "- ")
            fresh_item = True
        elif kind == "list_item_close":
            markers.pop()
            fresh_item = False
        elif kind in ("code_block", "fence"):
            emit(tok.content.rstrip("\n"))
        elif kind == "html_block":
            emit(_html_fragment_text(tok.content))
        elif kind == "tr_open":
            cells = []
        elif kind == "tr_close":
            rows.append("\t".join(cells))
        elif kind == "table_close":
            emit("\n".join(rows))
            rows = []
    return "".join(out), first_heading


def _markdown_inline(token: Any) -> str:
    """The readable text of an inline token: markup, links and raw tags dropped."""
    parts: list[str] = []
    hidden = False  # inside an inline <script> or <style>
    for child in token.children or []:
        kind = child.type
        if kind == "html_inline":
            tag = child.content.lower()
            if tag.startswith(("<script", "<style")):
                hidden = True
            elif tag.startswith(("</script", "</style")):
                hidden = False
            elif tag.startswith("<br"):
                parts.append("\n")
        elif hidden:
            continue
        elif kind in ("text", "code_inline", "image"):
            parts.append(child.content)  # an image's content is its alt text
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            parts.append("\n")
    return "".join(parts).strip()


# --------------------------------------------------------------------------- HTML


# Never part of the readable text; removed before extraction (JSON-LD metadata is kept).
_UNSAFE_TAGS = ("script", "style", "noscript", "template", "iframe", "frame", "object", "embed",
                "applet", "svg", "math", "canvas")
_NOT_TEXT_TAGS = (*_UNSAFE_TAGS, "head", "title", "select", "button")
_BLOCK_TAGS = frozenset((
    "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "blockquote",
    "pre", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "caption",
    "h1", "h2", "h3", "h4", "h5", "h6", "figure", "figcaption", "form", "fieldset", "address",
    "details", "summary", "hr", "body", "html",
))
_BREAK, _LINE, _TAB = "\x00", "\x01", "\x02"  # placeholders while flattening a tree


def _read_html(data: bytes, name: str) -> ImportedDocument:
    """The article text and metadata of a saved web page."""
    html, warnings = _decode_html(data)
    if _looks_binary(html):
        raise ImportFailure(f"{name} looks like a binary file, not a web page; annotator imports {_KNOWN_FORMATS}.")
    elements = html.count("<")
    if elements > HTML_MAX_ELEMENTS:
        raise ImportFailure(f"{name} has about {elements:,} HTML elements, more than annotator reads "
                            f"({HTML_MAX_ELEMENTS:,}); save the article alone, or as text or PDF, and import that.")
    tree, truncated = _parse_html(html)
    if tree is None:
        raise ImportFailure(f"{name} contains no readable text.")
    if truncated:
        warnings.append(f"The page is {truncated}; text after that point is missing")
    url = _canonical_url(tree)
    site_name = _site_name(tree)
    _drop(tree, _UNSAFE_TAGS, keep="script[@type='application/ld+json']")
    title = author = published = None
    text = ""
    whole_page = elements > HTML_ARTICLE_MAX_ELEMENTS
    if whole_page:
        warnings.append(f"A very large page (about {elements:,} elements): its whole text was imported, "
                        "without picking out the article")
    try:
        if whole_page:
            raise _SkipExtraction
        import trafilatura

        result = trafilatura.bare_extraction(
            tree, with_metadata=True, include_comments=False, include_tables=True, favor_recall=True,
            date_extraction_params={"extensive_search": False, "original_date": True})
    except ImportError:  # a broken install must show up, not silently degrade every page
        raise
    except Exception:  # the fallback below still gives the page text (also after _SkipExtraction)
        result = None
    if result is not None and not isinstance(result, dict):  # a dict only if asked for (as_dict)
        text = _trafilatura_text(result.body)
        title, author = result.title, result.author
        published = _iso_date(result.date)
        url = url or _http_url(result.url)
    if not title:
        title = " ".join("".join(tree.xpath("//title//text()")).split()) or None
    if not text.strip():
        body = tree.find("body")
        text = _html_tree_text(body if body is not None else tree)
    if truncated and not text.strip():
        raise ImportFailure(f"{name} is {truncated} to be read as a web page; it may be damaged or malicious. "
                            "If it is a real page, save it as text and import that.")
    return _finish(text, name, "html", title=title, author=author, published=published, url=url,
                   site_name=site_name, warnings=warnings, clean=True)


class _SkipExtraction(Exception):
    """Article extraction is not attempted (the page is too big for it)."""


def _decode_html(data: bytes) -> tuple[str, list[str]]:
    """Decode a page honouring its BOM, then <meta charset>, then a guess."""
    encoding = _bom_encoding(data)
    if encoding:
        return data.decode(encoding, errors="replace"), []
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        try:
            encoding = codecs.lookup(declared[1].decode("ascii")).name
        except (LookupError, UnicodeDecodeError):
            encoding = None
        if encoding and not _HTML_ENCODINGS.fullmatch(encoding):
            encoding = None  # e.g. "base64" or "unicode_escape": not a web page's encoding
        if encoding in ("latin-1", "iso8859-1", "ascii"):
            encoding = "cp1252"  # what browsers do with these labels
        if encoding and not encoding.startswith("utf-16"):
            try:
                return data.decode(encoding), []
            except UnicodeDecodeError:
                pass
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    guessed = _guess_encoding(data)
    if guessed is None:
        return data.decode("cp1252", errors="replace"), [_encoding_warning("cp1252")]
    return guessed[0], [_encoding_warning(guessed[1])]


def _parse_html(html: str) -> tuple[Any, str | None]:
    """(lxml tree or None, what made the parser stop early: None, "nested too deeply" or
    "too large in one block"; the parser's safety limits cut off the rest).

    Comments and processing instructions are dropped, internal DTD subsets (entity
    definitions) removed first, and the parser never touches the network.
    """
    import lxml.html
    from lxml import etree

    html = _HUGE_TAG.sub(r"<\1>", _strip_dtd_subsets(_XML_UNSAFE.sub("", html)))
    html = _CHAR_REF.sub(_safe_char_ref, html)
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                                  no_network=True, collect_ids=False)
    try:
        tree = lxml.html.document_fromstring(html.encode("utf-8", errors="replace"), parser=parser)
    except (etree.ParserError, ValueError):
        return None, None
    limits = [e.message for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"]
    if not limits:
        return tree, None
    return tree, "nested too deeply" if any("depth" in m for m in limits) else "too large in one block"


def _safe_char_ref(match: re.Match) -> str:
    """A character reference as written, or U+FFFD for one naming a character lxml refuses
    in text (such as &#xFFFE;): kept, it made removing a script beside it fail."""
    hex_digits, digits = match.groups()
    code = int(hex_digits, 16) if hex_digits else int(digits)
    return "\ufffd" if code <= 0xFFFF and _XML_UNSAFE.match(chr(code)) else match.group()


def _strip_dtd_subsets(html: str) -> str:
    """Remove internal DTD subsets (``<!DOCTYPE x [ ... ]>``, where entities are defined),
    in one pass: each search starts where the previous one ended."""
    out, pos = [], 0
    while (opening := _DOCTYPE_OPEN.search(html, pos)) is not None:
        closing = _DOCTYPE_CLOSE.search(html, opening.end())
        if closing is None:  # never closed: drop the rest, as the subset would swallow it
            out.append(html[pos:opening.start()])
            return "".join(out)
        out.append(html[pos:opening.start()])
        pos = closing.end()
    out.append(html[pos:])
    return "".join(out)


def _http_url(value: Any) -> str | None:
    """The value if it is an http(s) address (never javascript: or data:), else None."""
    value = _clean(value)
    return value if value and re.match(r"https?://", value, re.IGNORECASE) else None


def _canonical_url(tree: Any) -> str | None:
    """<link rel=canonical>, else og:url; only web addresses are accepted."""
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            url = _http_url(link.get("href"))
            if url:
                return url
    for meta in tree.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:url":
            url = _http_url(meta.get("content"))
            if url:
                return url
    return None


def _site_name(tree: Any) -> str | None:
    """The outlet's name as the page gives it: ``og:site_name``, else the ``publisher`` of the
    page's JSON-LD article (schema.org NewsArticle, BlogPosting...), else the JSON-LD WebSite's
    name, else ``application-name``. None when the page names none (the host of its address
    is then used)."""
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key in ("og:site_name", "application-name") and key not in metas:
            value = _clean_site_name(meta.get("content"))
            if value:
                metas[key] = value
    if "og:site_name" in metas:
        return metas["og:site_name"]
    publisher, website = _json_ld_names(tree)
    return publisher or website or metas.get("application-name")


# schema.org types of a page's main content whose ``publisher`` is the outlet.
_JSON_LD_ARTICLES = frozenset((
    "Article", "NewsArticle", "AnalysisNewsArticle", "AskPublicNewsArticle", "BackgroundNewsArticle",
    "OpinionNewsArticle", "ReportageNewsArticle", "ReviewNewsArticle", "SatiricalArticle", "BlogPosting",
    "LiveBlogPosting", "SocialMediaPosting", "DiscussionForumPosting", "Report", "ScholarlyArticle",
    "TechArticle", "CreativeWork", "WebPage", "ItemPage", "AboutPage", "CollectionPage",
))
_JSON_LD_MAX_CHARS = 1_000_000
_JSON_LD_MAX_NODES = 10_000


def _json_ld_names(tree: Any) -> tuple[str | None, str | None]:
    """(publisher name of the first article, name of the first WebSite) in the page's JSON-LD."""
    import html
    import json

    nodes: list[dict] = []
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        source = script.text or ""
        if len(source) > _JSON_LD_MAX_CHARS:
            continue
        try:
            data = json.loads(source)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack and len(nodes) < _JSON_LD_MAX_NODES:  # every object, nested ones and @graph too
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                nodes.append(item)
                stack.extend(reversed([v for v in item.values() if isinstance(v, list | dict)]))
    by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}

    def types(node: dict) -> set[str]:
        kind = node.get("@type")
        return {kind} if isinstance(kind, str) else {k for k in kind if isinstance(k, str)} \
            if isinstance(kind, list) else set()

    def name_of(value: Any) -> str | None:
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict) and "name" not in value and isinstance(value.get("@id"), str):
            value = by_id.get(value["@id"], value)
        if isinstance(value, dict):
            value = value.get("name")
        return _clean_site_name(html.unescape(value)) if isinstance(value, str) else None

    publisher = next((name for node in nodes if types(node) & _JSON_LD_ARTICLES
                      and (name := name_of(node.get("publisher")))), None)
    website = next((name for node in nodes if "WebSite" in types(node) and (name := name_of(node))), None)
    return publisher, website


def _trafilatura_text(body: Any) -> str:
    """Text of trafilatura's result tree, one blank line between top-level blocks."""
    if body is None:
        return ""
    from trafilatura.xml import xmltotxt

    blocks = []
    for child in body:
        if child.tag == "table":
            rows = ("\t".join(" ".join("".join(cell.itertext()).split()) for cell in row.iter("cell"))
                    for row in child.iter("row"))
            block = "\n".join(row for row in rows if row.strip())
        else:
            block = xmltotxt(child, False)
        block = "\n".join(line.rstrip() for line in block.strip().split("\n"))
        if block:
            blocks.append(block)
    return "\n\n".join(blocks)


def _drop(root: Any, tags: tuple[str, ...], keep: str | None = None) -> None:
    """Remove every element with one of ``tags`` (and its content) below ``root``."""
    for bad in root.xpath("|".join(f".//{tag}" for tag in tags)):
        if keep is not None and bad.xpath(f"self::{keep}"):
            continue
        if bad.getparent() is not None:
            bad.drop_tree()


def _html_tree_text(root: Any) -> str:
    """Visible text of an lxml element: scripts and styles removed, blocks as paragraphs."""
    from lxml import etree

    _drop(root, _NOT_TEXT_TAGS)
    parts: list[str] = []
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _BLOCK_TAGS:
                parts.append(_BREAK)
            elif tag == "br":
                parts.append(_LINE)
            elif tag in ("td", "th") and el.getprevious() is not None:
                parts.append(_TAB)
            if tag and el.text:
                parts.append(el.text)
        else:
            if tag in _BLOCK_TAGS:
                parts.append(_BREAK)
            if el is not root and el.tail:
                parts.append(el.tail)
    blocks = []
    for block in "".join(parts).split(_BREAK):
        block = re.sub(r"[ \t\n\r\f]+", " ", block).replace(_TAB, "\t").replace(_LINE, "\n")
        block = "\n".join(line.strip(" ") for line in block.split("\n")).strip()
        if block:
            blocks.append(block)
    return "\n\n".join(blocks)


def _html_fragment_text(fragment: str) -> str:
    """Readable text of a piece of raw HTML (as found inside Markdown)."""
    tree, _ = _parse_html(f"<html><body>{fragment}</body></html>")
    if tree is None:
        return ""
    body = tree.find("body")
    return _html_tree_text(body if body is not None else tree)


# --------------------------------------------------------------------------- DOCX


def _read_docx(data: bytes, name: str) -> ImportedDocument:
    """Paragraphs and tables of a Word document in reading order, plus its properties."""
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        blocks: list[str] = []
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                blocks.append(_docx_table_text(item))
            else:
                blocks.append(item.text)
        props = document.core_properties
        title, author, created = props.title, props.author, props.created
    except ImportFailure:
        raise
    except Exception:
        raise ImportFailure(f"{name} is not a readable Word document; it may be damaged. "
                            "Try opening it in Word and saving it again.") from None
    text = "\n\n".join(block.strip("\n") for block in blocks if block.strip())
    return _finish(text, name, "docx", title=title, author=author, published=_iso_date(created))


def _docx_table_text(table: Any) -> str:
    """Rows on their own lines, cells separated by tabs (merged cells once)."""
    rows = []
    for row in table.rows:
        cells: list[str] = []
        seen: list[Any] = []
        for cell in row.cells:  # a merged cell is listed once per grid column it spans
            if any(cell._tc is tc for tc in seen):
                continue
            seen.append(cell._tc)
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            rows.append("\t".join(cells))
    return "\n".join(rows)


# --------------------------------------------------------------------------- PDF


def _read_pdf(data: bytes, name: str) -> ImportedDocument:
    """The text layer of a PDF, page by page, plus its document information."""
    import logging

    import pypdf

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are not for the user
    damaged = ImportFailure(f"{name} is not a readable PDF; it may be damaged or incomplete.")
    locked = ImportFailure(f"{name} is password-protected; remove the password "
                           "(for example by printing it to a new PDF) and import it again.")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise locked
            except ImportFailure:
                raise
            except Exception:  # an encryption method this installation cannot undo
                raise ImportFailure(f"{name} is encrypted in a way annotator cannot open; print it to "
                                    "a new PDF or save an unencrypted copy and import that.") from None
        pages = list(reader.pages)
    except ImportFailure:
        raise
    except Exception:
        raise damaged from None
    if not pages:
        raise damaged
    texts: list[str] = []
    unreadable: list[int] = []
    for number, page in enumerate(pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception:
            text = ""
            unreadable.append(number)
        if text.strip():
            texts.append(text.strip("\n"))
    if not texts:
        if unreadable:
            raise damaged
        raise ImportFailure(f"{name} has no text layer (it may be a scanned image); run OCR first.")
    warnings = []
    if unreadable:
        warnings.append("Pages that could not be read: " + ", ".join(map(str, unreadable)))
    elif len(texts) < len(pages):
        warnings.append(f"{len(pages) - len(texts)} of {len(pages)} pages have no text layer "
                        "(they may be scanned images)")
    title, author, created = _pdf_info(reader)
    return _finish("\n\n".join(texts), name, "pdf", title=title, author=author, published=created,
                   warnings=warnings)


def _pdf_info(reader: Any) -> tuple[str | None, str | None, str | None]:
    """(title, author, creation date) from the document information, tolerating junk."""
    try:
        info = reader.metadata
    except Exception:
        return None, None, None
    if not info:
        return None, None, None
    title = _clean(info.get("/Title"))
    if title:
        title = re.sub(r"^Microsoft (Word|PowerPoint) - ", "", title) or None
    raw = str(info.get("/CreationDate") or "")
    m = re.match(r"(?:D:)?(\d{4})(\d{2})(\d{2})", raw.strip())
    created = _iso_date(f"{m[1]}-{m[2]}-{m[3]}") if m else None
    return title, _clean(info.get("/Author")), created
