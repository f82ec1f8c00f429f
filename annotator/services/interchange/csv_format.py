"""The annotation CSV files: their columns, the formula-injection escaping, reading and writing.

Files are RFC 4180 CSV (comma, double-quote quoting, CRLF between rows) in
UTF-8, with a byte-order mark by default so Excel shows non-ASCII text
correctly. Every text cell is escaped with :func:`escape_cell` so that a
spreadsheet never runs it as a formula; :func:`unescape_cell` restores it
exactly. Integer columns (offsets, lengths) are plain non-negative digits.
"""

from __future__ import annotations

import csv
import os
import re
import secrets
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

SOURCES, DOCUMENTS, CLAIMS, LINKS, VERDICTS = "sources", "documents", "claims", "links", "verdicts"
FILE_NAMES = {kind: f"{kind}.csv" for kind in (SOURCES, DOCUMENTS, CLAIMS, LINKS, VERDICTS)}

COLUMNS = {
    SOURCES: ("id", "name", "url", "kind", "notes"),
    DOCUMENTS: ("id", "source_id", "source_name", "title", "author", "url", "published", "retrieved",
                "original_filename", "format", "sha256", "length"),
    CLAIMS: ("id", "document_id", "document_title", "document_sha256", "source_name", "start", "end",
             "quote", "prefix", "suffix", "type", "type_color", "verdict", "verdict_note",
             "verdict_evidence_url", "verdict_review_url", "verdict_annotator", "note", "annotator",
             "created_at", "updated_at"),
    LINKS: ("id", "from_claim_id", "to_claim_id", "from_quote", "to_quote", "relation", "note",
            "annotator", "created_at", "updated_at"),
    VERDICTS: ("id", "claim_id", "claim_quote", "rating", "note", "evidence_url", "annotator",
               "created_at", "updated_at", "decides", "review_url"),
}
#: Columns a file must have to be loaded at all (claims also need one document reference).
REQUIRED = {
    SOURCES: ("name",),
    DOCUMENTS: ("id",),
    CLAIMS: ("quote",),
    LINKS: ("from_claim_id", "to_claim_id", "relation"),
    VERDICTS: ("claim_id", "rating"),
}
DOCUMENT_REFERENCES = ("document_sha256", "document_id", "document_title")
INTEGER_COLUMNS = frozenset({"start", "end", "length"})

#: Files larger than this are refused before a byte is parsed (about 150,000 claims).
MAX_CSV_BYTES = 64 * 1024 * 1024

#: A cell starting with one of these may run as a formula in a spreadsheet (OWASP
#: "CSV injection"), plus the full-width forms some East Asian Excel builds accept.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")


def _needs_escape(value: str) -> bool:
    """True when ``value``, after any leading apostrophes, starts with a formula trigger."""
    rest = value.lstrip("'")
    return bool(rest) and rest[0] in FORMULA_TRIGGERS


def escape_cell(value: str | None) -> str:
    """Neutralise a text cell: prefix ``'`` when it would start a formula.

    Also prefixed: text that already starts with apostrophes followed by a
    trigger (``'=x`` becomes ``''=x``), so :func:`unescape_cell` is exact.
    """
    if value is None:
        return ""
    return "'" + value if _needs_escape(value) else value


def unescape_cell(cell: str) -> str:
    """Undo :func:`escape_cell`; any other cell is returned unchanged."""
    if cell.startswith("'") and _needs_escape(cell[1:]):
        return cell[1:]
    return cell


@dataclass
class RowError:
    """One problem in a CSV file. ``row`` counts the header as row 1, like a spreadsheet."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


@dataclass
class CsvTable:
    """A parsed file: its header and its non-blank rows as ``(row number, {column: text})``
    (a list, or rows read as they are asked for: see ``read_csv``)."""

    kind: str
    file: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] | Iterator[tuple[int, dict[str, str]]] = field(default_factory=list)
    #: Rows read lazily (see ``read_csv``) may be taken a block at a time instead: ``rows``
    #: and ``blocks`` then read the same rows, so a reader uses one of the two.
    blocks: Iterator[RowBlock] | None = None


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Sequence], *, bom: bool) -> int:
    """Write atomically (temporary file, then rename); return the number of data rows.

    The text is what ``csv.writer`` (the excel dialect, CRLF) writes for the header and the
    made cells, but it is made column by column (see ``_column_cells``) and joined a block of
    rows at a time: at 100,000 claims the csv module's row by row writing took most of an
    export. (Tables of fewer than two columns, where a row's only cell may be empty, go
    through ``csv.writer`` itself.)"""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")  # "x" mode honours the umask
    table = rows if isinstance(rows, list) else list(rows)
    width = len(columns)
    if table and set(map(len, table)) != {width}:
        raise ValueError(f"a row of a different length than its {width} columns")
    integer = [column in INTEGER_COLUMNS for column in columns]
    try:
        with open(tmp, "x", encoding="utf-8-sig" if bom else "utf-8", newline="", buffering=1 << 20) as handle:
            if width < 2:
                writer = csv.writer(handle, dialect="excel", lineterminator="\r\n")
                writer.writerow(columns)
                make = _integer_cell if integer and integer[0] else _text_cell
                writer.writerows([make(row[0])] if width else [] for row in table)
            else:
                handle.write(_csv_lines([[name] for name in _quoted(list(columns))]))
                for begin in range(0, len(table), _BLOCK):
                    block = table[begin:begin + _BLOCK]
                    handle.write(_csv_lines([_column_cells(list(map(itemgetter(k), block)), integer[k])
                                             for k in range(width)]))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(table)


_BLOCK = 10_000  # rows made and written at a time (their text is held whole once)


def _csv_lines(columns: list[list[str]]) -> str:
    """Rows of finished cells, given column by column, as CSV lines."""
    return "".join([line + "\r\n" for line in map(",".join, zip(*columns, strict=True))])


def _column_cells(cells: list, integer: bool) -> list[str]:
    """One column's cells as they are written: whole numbers in integer columns, text escaped
    against formulas (``escape_cell``), None as an empty cell, quoted where needed. Each
    column is checked whole first, at the speed of C: only a column with a cell that needs
    making is made cell by cell."""
    kinds = set(map(type, cells))
    if integer:
        if kinds <= {int}:
            return list(map(str, cells))
        cells = [_integer_cell(value) for value in cells]
    elif not kinds <= {str, type(None)} or not _MADE_FIRST.isdisjoint(map(itemgetter(0), filter(None, cells))):
        cells = [_text_cell(value) for value in cells]  # (the first character of each text, above)
    elif type(None) in kinds:
        cells = ["" if value is None else value for value in cells]
    return _quoted(cells)


def _quoted(cells: list[str]) -> list[str]:
    """The cells as csv.writer writes them: quoted where needed (checked for the column at
    once first)."""
    if not _needs_quotes("".join(cells)):
        return cells
    return [f'"{cell.replace(chr(34), chr(34) * 2)}"' if _needs_quotes(cell) else cell for cell in cells]


def _needs_quotes(text: str) -> bool:
    """True when csv.writer (QUOTE_MINIMAL, CRLF) quotes a cell of this text."""
    return "," in text or '"' in text or "\n" in text or "\r" in text


_MADE_FIRST = FORMULA_TRIGGERS | {"'"}  # a text cell starting with one of these may need escaping


def _integer_cell(value) -> str:
    return "" if value is None else str(int(value))


def _text_cell(value) -> str:
    if value is None:
        return ""
    text = value if type(value) is str else str(value)
    if text and (text[0] in FORMULA_TRIGGERS or text[0] == "'"):  # (only then can it need escaping)
        return escape_cell(text)
    return text


def _decode(data: bytes, name: str) -> str | RowError:
    """The file's text, or why it cannot be read as CSV text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return RowError(name, None, None, "the file is UTF-16 text; save it as “CSV UTF-8” instead.")
    if b"\x00" in data:
        return RowError(name, None, None, "this is a binary file, not CSV text.")
    try:
        # A file saved twice by tools that each add a byte-order mark starts with two: the
        # second would stick to the first column's name and hide that column.
        return data.decode("utf-8-sig").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        # exc.start counts in exc.object, which is the data after a byte-order mark
        decoded = bytes(exc.object)
        line = decoded[:exc.start].count(b"\n") + 1
        return RowError(
            name, line, None,
            f"the file is not UTF-8 (byte 0x{decoded[exc.start]:02x} on line {line}); "
            "save it as “CSV UTF-8” and try again.")


def _delimiter(text: str) -> str:
    """Comma, unless the header has none but has semicolons or tabs (some Excel locales)."""
    end = text.find("\n")
    header = text if end < 0 else text[:end]  # (not split: that copied the whole file)
    if "," in header:
        return ","
    for candidate in (";", "\t"):
        if candidate in header:
            return candidate
    return ","


_BARE_CR = re.compile("\r(?!\n)")
_LINE = re.compile("[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\\Z")  # a line with its end, the last one without


class MalformedCsv(Exception):
    """A file found malformed while its rows were read lazily (see ``read_csv``)."""

    def __init__(self, error: RowError):
        super().__init__(str(error))
        self.error = error


def read_csv(path: Path, kind: str, *, lazily: bool = False) -> tuple[CsvTable | None, list[RowError]]:
    """Parse one file; on a file-level problem return ``None`` and the reason.

    ``lazily``: the table's ``rows`` are read as they are asked for, not into a list first (a
    claims file of 100,000 rows held 180 MB of cells as a list); row problems are added to the
    errors returned as the rows are read, and a file found malformed on the way raises
    :class:`MalformedCsv`."""
    path = Path(path)
    name = path.name
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        return None, [RowError(name, None, None,
                               f"the file is {size / 1_048_576:.0f} MB; files over "
                               f"{MAX_CSV_BYTES // 1_048_576} MB are refused.")]
    text = _decode(path.read_bytes(), name)  # (the bytes are let go as soon as they are decoded)
    if isinstance(text, RowError):
        return None, [text]
    if not text.strip():
        return None, [RowError(name, 1, None, "the file is empty; it needs a header row.")]
    # Lines cut at "\n" only (a field may hold other line breaks), each given its "\n" back: a
    # StringIO of the text held four bytes a character, four times a 40 MB file.
    lines: Iterator[str] = (line + "\n" for line in text.split("\n"))
    if "\r" in text and _BARE_CR.search(text):  # lines ended by a lone carriage return (old Mac files) too
        lines = (m.group(0) for m in _LINE.finditer(text))
    reader = csv.reader(lines, delimiter=_delimiter(text), strict=True)
    del text
    try:
        with _large_fields():
            header = next(reader)
    except csv.Error as exc:
        return None, [RowError(name, 1, None, f"the CSV is malformed ({exc}).")]
    columns = [unescape_cell(c).strip().strip("\ufeff").lower().replace(" ", "_") for c in header]
    duplicates = sorted({c for c in columns if c and columns.count(c) > 1})
    if duplicates:
        return None, [RowError(name, 1, duplicates[0], "this column appears more than once.")]
    errors: list[RowError] = []
    blocks = _blocks(reader, name, columns, errors)
    rows = _rows(blocks, columns)
    if lazily:
        return CsvTable(kind, name, columns, rows, blocks), errors
    try:
        return CsvTable(kind, name, columns, list(rows)), errors
    except MalformedCsv as exc:
        return None, [exc.error]


@contextmanager
def _large_fields() -> Iterator[None]:
    old_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_CSV_BYTES)
    try:
        yield
    finally:
        csv.field_size_limit(old_limit)


#: Rows read and checked together by :func:`_blocks`.
BLOCK_ROWS = 2000


@dataclass(slots=True)
class RowBlock:
    """Consecutive rows of a file, column by column: ``numbers[k]`` is the row number of the
    ``k``-th row and ``cells[c][k]`` its cell in the ``c``-th column of the header (cells as
    :func:`read_csv` gives them in rows: integer columns stripped, escapes undone)."""

    numbers: list[int]
    cells: list[tuple[str, ...]]

    def column(self, name: str, columns: list[str]) -> tuple[str, ...] | None:
        """The cells of column ``name`` (None when the file has no such column)."""
        return self.cells[columns.index(name)] if name in columns else None


def _rows(blocks: Iterator[RowBlock], columns: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows after the header, as ``(row number, {column: cell})``."""
    unnamed = "" in columns
    for block in blocks:
        for number, cells in zip(block.numbers, zip(*block.cells, strict=True), strict=True):
            row = dict(zip(columns, cells, strict=True))
            if unnamed:
                row.pop("", None)
            yield number, row


def _blocks(reader, name: str, columns: list[str], errors: list[RowError]) -> Iterator[RowBlock]:
    """The rows after the header, :data:`BLOCK_ROWS` at a time. A block whose rows all have
    the header's width and none is blank (as the app's exports are) is checked as a whole,
    and only rows with a cell starting with an apostrophe are looked at one by one; any
    other block goes row by row (:func:`_fitted`)."""
    width = len(columns)
    numbers = [k for k, c in enumerate(columns) if c in INTEGER_COLUMNS]
    texts = [k for k, c in enumerate(columns) if c and c not in INTEGER_COLUMNS]
    record, size = 1, BLOCK_ROWS
    with _large_fields():
        while True:
            read: list[list[str]] = []
            try:
                for cells in reader:
                    read.append(cells)
                    if len(read) == size:
                        break
            except csv.Error as exc:
                raise MalformedCsv(RowError(name, record + len(read) + 1, None,
                                            f"the CSV is malformed ({exc}).")) from None
            if not read:
                return
            first, record = record + 1, record + len(read)
            while read and not read[-1]:
                read.pop()  # (the empty line after the file's last line end: blank, as in _fitted)
            if not read:
                continue
            lines = list(map("\n".join, read))
            if set(map(len, read)) == {width} and all(lines) and not any(map(str.isspace, lines)):
                kept, row_numbers = read, list(range(first, first + len(read)))
                joined = "\n".join(lines)
                if "\n'" in joined or joined[:1] == "'":  # a cell may be one escape_cell wrote: its rows, one by one
                    for cells, line in zip(read, lines, strict=True):
                        if "\n'" in line or line[0] == "'":
                            _unescaped(cells, texts)
            else:
                kept, row_numbers = [], []
                for number, cells in enumerate(read, start=first):
                    fitted = _fitted(cells, name, number, width, texts, errors)
                    if fitted is not None:
                        kept.append(fitted)
                        row_numbers.append(number)
                if not kept:
                    continue
            block = list(zip(*kept, strict=True))
            for k in numbers:
                block[k] = tuple(map(str.strip, block[k]))
            yield RowBlock(row_numbers, block)


def _fitted(cells: list[str], name: str, number: int, width: int, texts: list[int],
            errors: list[RowError]) -> list[str] | None:
    """One row's cells as the header's columns, escapes undone; None for a blank row (which
    spreadsheets leave at the end) and a row with more cells than the header (an error)."""
    if len(cells) != width:
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            errors.append(RowError(name, number, None, f"this row has {len(cells)} cells but the header has {width}."))
            return None
        cells = cells[:width] + [""] * (width - len(cells))  # extra cells are blank: dropped
    line = "\n".join(cells)
    if not line or line.isspace():
        return None
    # Only a cell starting with an apostrophe can be one escape_cell wrote: looked for in the
    # row at once, then cell by cell in the few rows that have one.
    if "\n'" in line or line[0] == "'":
        _unescaped(cells, texts)
    return cells


def _unescaped(cells: list[str], texts: list[int]) -> None:
    """The row's text cells (at ``texts``) with what escape_cell added taken off."""
    for k in texts:
        if cells[k][:1] == "'":
            cells[k] = unescape_cell(cells[k])
