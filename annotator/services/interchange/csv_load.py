"""Reading annotation CSVs (or W3C Web Annotations, see ``webannotation_load``) back into
a project that already holds the documents.

Everything is checked before anything is written. With errors (missing
columns, bad offsets, unknown relations or ratings, wrong encoding, …) nothing
is loaded, unless the caller accepts the valid rows (``accept_valid=True``);
either way the load is one transaction. Claims are matched to documents by
SHA-256, then id, then title, and re-anchored with
:func:`annotator.core.anchoring.anchor`; claims that cannot be placed, and the
links and verdicts that hang on them, are reported as orphans.

The load comes in two steps so that the app can do the slow part in a worker:
:func:`plan_csv_load` reads, checks and re-anchors (it only reads the project, and can
do so through a read-only connection of the worker's own, :func:`plan_csv_load_file`),
reporting progress and stopping when cancelled; :func:`apply_load_plan` then writes
the plan in one transaction, checking again that each row still fits the project (a
document deleted meanwhile orphans its claims instead of receiving them).
:func:`load_csv` does both, for the command line.
"""

from __future__ import annotations

import collections
import csv
import datetime as _dt
import io
import operator
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from itertools import compress, repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, NamedTuple, Protocol, cast

from annotator.core.anchoring import EXACT, FUZZY, MAX_CONTEXT, MAX_FUZZY_QUOTE, METHODS, OFFSETS, AnchorResult, anchor
from annotator.core.errors import AnnotatorError, NotFoundError, ProjectError, ValidationError
from annotator.core.ids import new_id
from annotator.core.model import Claim, Link, Rating, Relation, Verdict, claim_fields
from annotator.core.ratings import rating_key, rating_spelled
from annotator.core.text import (
    one_line,
    EVIDENCE_AS_TEXT,
    checked_web_address,
    context,
    folded,
    is_web_address,
    normalise_newlines,
)
from annotator.services.collector import collector_paused
from annotator.services.interchange.csv_format import (
    CLAIMS,
    DOCUMENT_REFERENCES,
    DOCUMENTS,
    FILE_NAMES,
    LINKS,
    REQUIRED,
    SOURCES,
    VERDICTS,
    CsvTable,
    MalformedCsv,
    RowBlock,
    RowError,
    read_csv,
)
from annotator.services.interchange.webannotation import FILE_NAME as WEB_ANNOTATION_FILE
from annotator.services.interchange.webannotation_load import is_webannotation_file, read_webannotation
from annotator.store.opening import open_reader
from annotator.store.project import ProjectStore

#: Colour given to a claim type that a CSV names but the project lacks.
DEFAULT_TYPE_COLOR = "#c8c8c8"
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
WEB_ANNOTATIONS = "web annotations"  # a file of W3C Web Annotations (see webannotation_load)
_ORDER = (WEB_ANNOTATIONS, SOURCES, DOCUMENTS, CLAIMS, VERDICTS, LINKS)


@dataclass
class Orphan:
    """A row that was valid but could not be placed in this project."""

    file: str
    row: int
    id: str | None
    quote: str | None
    reason: str

    def __str__(self) -> str:
        quote = f" “{_short(self.quote)}”" if self.quote else ""
        return f"{self.file} row {self.row}{quote}: {self.reason}"


@dataclass
class Reanchored:
    """A claim placed by fuzzy matching: worth a look, since its quote changed."""

    row: int
    claim_id: str
    old_quote: str
    new_quote: str
    score: float


@dataclass
class LoadReport:
    folder: Path
    files: list[str] = field(default_factory=list)
    loaded: bool = False  # True once the transaction committed
    claims: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METHODS, 0))
    links: int = 0
    verdicts: int = 0
    sources: int = 0
    claim_types: int = 0
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        (SOURCES, CLAIMS, LINKS, VERDICTS), 0))
    orphans: list[Orphan] = field(default_factory=list)
    reanchored: list[Reanchored] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def claims_loaded(self) -> int:
        return sum(self.claims.values())

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self) -> list[str]:
        """A human summary, one line each, as the CLI prints it."""
        c = self.claims
        if self.loaded:
            out = [f"Loaded from {self.folder}: {self.claims_loaded} claims ({c[OFFSETS]} by offsets, "
                   f"{c[EXACT]} by exact quote, {c[FUZZY]} by fuzzy match), {self.links} links, "
                   f"{self.verdicts} verdicts, {self.sources} new sources, {self.claim_types} new claim types"]
        else:
            out = [f"Nothing was loaded from {self.folder}."]
        skipped = ", ".join(f"{n} {kind}" for kind, n in self.skipped.items() if n)
        if skipped:
            out.append(f"Skipped as already present: {skipped}")
        out += [f"warning: {w}" for w in self.warnings]
        out += [f"re-anchored (fuzzy, score {r.score:.0f}) row {r.row}: “{_short(r.old_quote)}” "
                f"→ “{_short(r.new_quote)}”" for r in self.reanchored]
        if self.orphans:
            out.append(f"{len(self.orphans)} orphaned (not loaded):")
            out += [f"  {o}" for o in self.orphans]
            if not self.loaded and not self.errors:
                out.append(f"{len(self.orphans)} rows cannot be placed in this project, so nothing was loaded; "
                           "load the other rows with --accept-valid-rows (in the app: answer Load the others).")
        return out


def _short(text: str | None, limit: int = 60) -> str:
    return one_line(text, limit)


class _Invalid(Exception):
    def __init__(self, column: str | None, message: str):
        super().__init__(message)
        self.column, self.message = column, message


class _Rollback(Exception):
    pass


# -- parsing single cells ---------------------------------------------------------------
def _text(row: dict, column: str) -> str | None:
    """The cell exactly as written (a note of only spaces is kept); None when empty."""
    return row.get(column) or None


def _id(row: dict, column: str = "id") -> str | None:
    value = row.get(column)
    return value.strip() if value else None


def _ids(row: dict, *columns: str) -> list[str | None]:
    """:func:`_id` of several columns in one call (row parsers run for 100,000s of rows)."""
    return [value.strip() if value else None for value in map(row.get, columns)]


def _offset(row: dict, column: str) -> int | None:
    raw = row.get(column, "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit():
        raise _Invalid(column, f"“{raw}” is not a whole number of characters (0 or more).")
    if len(raw) > 15:  # no document is a quadrillion characters long; int() refuses > 4,300 digits
        raise _Invalid(column, f"“{raw[:20]}…” is too large to be a position in a document.")
    return int(raw)


_STORED_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def _stamp(row: dict, column: str, same_as: str | None = None) -> str | None:
    """The cell as a stored time; ``same_as``: the stored time of a cell of the same row
    (its object is kept once for both when the two cells say the same)."""
    value = row.get(column)
    if not value:
        return None
    if same_as is not None and value == same_as:
        return same_as
    value = value.strip()
    try:
        moment = _dt.datetime.fromisoformat(value)  # (a real date: not 2026-02-30)
    except ValueError:
        raise _Invalid(column, f"“{value}” is not a date and time like 2026-11-22T10:00:00.000Z.") from None
    if _STORED_TIME.fullmatch(value):  # as the app writes times (its exports): kept as it is
        return value
    # Stored as the app writes its own times (UTC, milliseconds, "Z"), because "latest verdict"
    # compares them as text; a time without a zone is taken as UTC.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.UTC)
    try:
        moment = moment.astimezone(_dt.UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 is in the year 0 in UTC
        raise _Invalid(column, f"“{value}” falls outside the years 1 to 9999 in UTC.") from None
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _yes(row: dict, column: str) -> bool:
    """An optional yes/no column: empty or absent is no."""
    raw = (row.get(column) or "").strip().lower()
    if raw in ("", "no", "false", "0"):
        return False
    if raw in ("yes", "true", "1"):
        return True
    raise _Invalid(column, f"“{raw}” is neither yes nor no.")


RATING_SYNONYMS_FILE = "rating-synonyms.csv"


def user_rating_synonyms() -> dict[str, Rating]:
    """A newsroom's own rating spellings, from ``rating-synonyms.csv`` in the data folder: one
    per line, the spelling and then the app's rating (``Quite true,mostly true``; a first line
    ``spelling,rating`` is a header). A line naming no rating of the app stops the load with a
    message saying which line."""
    from annotator.paths import data_dir

    path = data_dir() / RATING_SYNONYMS_FILE
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise AnnotatorError(f"Cannot read {path}: {exc}.") from None
    found: dict[str, Rating] = {}
    for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not cells or not "".join(cells).strip() or (number == 1 and folded(cells[0]) == "spelling"):
            continue
        rating = rating_spelled(cells[1]) if len(cells) >= 2 else None
        if rating is None:
            raise AnnotatorError(
                f"{path} line {number}: write a spelling, a comma and one of the app's ratings "
                f"({_RATINGS_IN_WORDS}), as in “Quite true,mostly true”.")
        found[rating_key(cells[0])] = rating
    return found


_RATINGS_IN_WORDS = ", ".join(r.label for r in Rating)


def _rating(row: dict, column: str, more: Callable[[], dict[str, Rating]]) -> Rating:
    """The row's rating; ``more`` gives the newsroom's own spellings (read only when needed)."""
    raw = (row.get(column) or "").strip()
    if not raw:
        raise _Invalid(column, "a rating is required.")
    rating = _by_value(Rating).get(raw)  # as the exports write it: read as rating_spelled would, at once
    if rating is None:
        rating = rating_spelled(raw, more())  # (a newsroom's spelling may also re-read a listed one)
    if rating is None:
        raise _Invalid(column, (
            f"unknown rating “{raw}”. The app's ratings are {_RATINGS_IN_WORDS}; other scales' spellings "
            "(“Half True”, “Pants on Fire”, “Misleading”, “Unproven”, “faux”, … see docs/csv-format.md) are read "
            f"as one of them. Add yours as a line “{raw},mostly true” (or the rating it means) in "
            f"{RATING_SYNONYMS_FILE} in the data folder."))
    return rating


def _web_address(row: dict, column: str) -> str | None:
    try:
        return checked_web_address(row.get(column), "The fact-check article's address")
    except ValidationError as exc:
        raise _Invalid(column, str(exc)) from None


@cache
def _by_value(enum_type) -> dict:
    return {m.value: m for m in enum_type}


def _enum(enum_type, row: dict, column: str, what: str):
    raw = (row.get(column) or "").strip()
    if not raw:
        raise _Invalid(column, f"a {what} is required.")
    member = _by_value(enum_type).get(raw)  # (as the exports write it)
    if member is not None:
        return member
    key = re.sub(r"[\s-]+", "_", raw.lower())
    try:
        return enum_type(key)
    except ValueError:
        allowed = ", ".join(m.value for m in enum_type)
        raise _Invalid(column, f"unknown {what} “{raw}” (use one of: {allowed}).") from None


# -- what a row says, once checked ----------------------------------------------------------
# (named tuples: 100,000 claims' values as dictionaries held 120 MB, as tuples 20 MB)
class _SourceValues(NamedTuple):
    id: str | None
    name: str
    url: str | None
    kind: str | None
    notes: str | None


class _DocumentValues(NamedTuple):
    id: str | None
    sha256: str | None
    title: str | None
    source_name: str | None


class _VerdictValues(NamedTuple):
    id: str | None
    claim_id: str | None  # (None only in a claims row's verdict columns, until the claim is placed)
    rating: Rating
    note: str | None
    evidence_url: str | None
    review_url: str | None
    annotator: str
    created_at: str | None
    updated_at: str | None
    decides: bool = False


class _ClaimValues(NamedTuple):
    id: str | None
    document_id: str | None
    document_title: str | None
    document_sha256: str | None
    source_name: str | None
    start: int | None
    end: int | None
    quote: str
    prefix: str
    suffix: str
    type: str | None
    type_color: str | None
    note: str | None
    annotator: str | None
    created_at: str | None
    updated_at: str | None
    verdict: _VerdictValues | None


class _LinkValues(NamedTuple):
    id: str | None
    from_claim: str
    to_claim: str
    relation: Relation
    note: str | None
    annotator: str | None
    created_at: str | None
    updated_at: str | None
    from_quote: str | None


_ID, _NOTE, _ANNOTATOR, _TYPE = attrgetter("id"), attrgetter("note"), attrgetter("annotator"), attrgetter("type")
_FROM, _TO, _RELATION = attrgetter("from_claim"), attrgetter("to_claim"), attrgetter("relation")  # (of _LinkValues)
_ENDS = itemgetter(1, 2)  # (of a link's cells: the order they go in, see _Writer._many)
_CREATED, _UPDATED = attrgetter("created_at"), attrgetter("updated_at")
_REFERENCE = ("document_sha256", "document_id", "document_title", "source_name")  # (as _resolve takes them)
_START, _QUOTE = attrgetter("start"), attrgetter("quote")


def _at_offsets(text: str, start: int, quote: str, v: _ClaimValues) -> bool:
    """Whether ``anchor`` finds the row's quote at its offsets at once, its prefix and suffix
    around it as they were (an anchor result of 100, not ambiguous)."""
    end = start + len(quote)
    if start > len(text) or (v.end is not None and v.end != end) or text[start:end] != quote:
        return False
    prefix, suffix = v.prefix[-MAX_CONTEXT:], v.suffix[:MAX_CONTEXT]
    return (not prefix and not suffix) or (
        text[max(0, start - len(prefix)):start] == prefix and text[end:end + len(suffix)] == suffix)


#: Claims rows planned together (see _Loader._place_together).
_PLACED_TOGETHER = 1000
_as_values = tuple.__new__  # (a named tuple of cells already in its fields' order, without a call of its own)


# -- checking a block of cells at once (see _Loader.validate) --------------------------------


def _stripped_cells(cells: tuple[str, ...] | None, absent: tuple[None, ...]) -> Sequence[str | None]:
    """:func:`_id` of each cell of a column (``absent`` when the file lacks it)."""
    if cells is None:
        return absent
    stripped = list(map(str.strip, cells))
    return stripped if all(cells) else [value if cell else None for cell, value in zip(cells, stripped, strict=True)]


def _or_none(cells: tuple[str, ...] | None, absent: tuple[None, ...]) -> Sequence[str | None]:
    if cells is None:
        return absent
    return cells if all(cells) else [value or None for value in cells]


def _whole_numbers(cells: tuple[str, ...] | None, absent: tuple[None, ...]) -> Sequence[int | None] | None:
    """:func:`_offset` of each cell of a column, or None when one of them is not an offset."""
    if cells is None:
        return absent
    digits = "".join(cells)
    if not digits:
        return absent
    if not (digits.isascii() and digits.isdigit()) or max(map(len, cells)) > 15:
        return None
    return list(map(int, cells)) if all(cells) else [int(c) if c else None for c in cells]


#: Times as the app stores them, each of 24 characters and a line end (hours, minutes and
#: seconds in range).
_STORED_TIMES = re.compile(r"(?:\d{4}-\d\d-\d\dT(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z\n)*", re.ASCII)


def _stored_times(cells: tuple[str, ...] | None, absent: tuple[None, ...]) -> Sequence[str | None] | None:
    """:func:`_stamp` of each cell of a column when every filled one is a time as the app
    stores it, on a real day (not February 30th); otherwise None."""
    if cells is None:
        return absent
    given = cells if all(cells) else list(filter(None, cells))
    lines = "\n".join(given) + "\n" if given else ""
    if len(lines) != 25 * len(given) or not _STORED_TIMES.fullmatch(lines):  # (25: no cell holds two lines)
        return None
    try:
        collections.deque(map(_dt.date.fromisoformat, set(map(_DAY, given))), maxlen=0)
    except ValueError:
        return None
    return _or_none(cells, absent)


_DAY = operator.itemgetter(slice(10))
_DECIDES = {"": False, "yes": True}  # (a verdict's decides cell as the exports write it; others: see _yes)


def _times(created: tuple[str, ...] | None, updated: tuple[str, ...] | None,
           absent: tuple[None, ...]) -> tuple[Sequence[str | None], Sequence[str | None]] | None:
    """:func:`_stored_times` of a block's created_at and updated_at cells, a time of change
    that says what the time of creation says being that very object (as :func:`_stamp`
    keeps it); None when a cell is not a time as the app stores it."""
    times = _stored_times(created, absent)
    if times is None or updated == created:  # (a row's two times are mostly one: checked once)
        return None if times is None else (times, times)
    changed = _stored_times(updated, absent)
    if changed is None:
        return None
    return times, [c if u == c else u for c, u in zip(times, changed, strict=True)]


def _rows_of(block: RowBlock, columns: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a block as the row parsers take them."""
    for number, cells in zip(block.numbers, zip(*block.cells, strict=True), strict=True):
        yield number, dict(zip(columns, cells, strict=True))


# -- the load ---------------------------------------------------------------------------
def _locate(folder: Path) -> dict[str, Path]:
    if folder.is_file():  # a single hand-written claims file, or W3C Web Annotations
        if is_webannotation_file(folder):
            return {WEB_ANNOTATIONS: folder}
        kind = next((k for k, n in FILE_NAMES.items() if n == folder.name.lower()), CLAIMS)
        return {kind: folder}
    if not folder.is_dir():
        raise AnnotatorError(f"{folder} does not exist.")
    present = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    found = {k: present[n] for k, n in FILE_NAMES.items() if n in present}
    if not found and WEB_ANNOTATION_FILE in present:  # (CSVs beside it say the same, and more)
        found = {WEB_ANNOTATIONS: present[WEB_ANNOTATION_FILE]}
    if not found:
        raise AnnotatorError(f"No annotation files in {folder} (expected {', '.join(FILE_NAMES.values())}, "
                             f"or {WEB_ANNOTATION_FILE}).")
    return found


class Progress(Protocol):
    def __call__(self, done: int, total: int, label: str) -> None: ...


def _no_progress(done: int, total: int, label: str) -> None:
    pass


def _never() -> bool:
    return False


@dataclass(slots=True)  # (100,000s of them: without slots, each held a dictionary of 300 bytes)
class _Write:
    """One row the plan will write: what (``kind``), from which CSV row, and its values."""

    kind: str  # "source" | "claim" | "verdict" | "link"
    row: _Row
    values: dict


@dataclass(slots=True)
class _PlacedClaims:
    """Consecutive claims rows, each found at its offsets with its context (as the app's
    exports have them), planned together column by column: ``writes()`` gives the
    ``_Write`` of each, as the row by row planning makes them. At 100,000 claims, making
    a claim, an anchor result and a write for each row while planning took a quarter of
    a second; a plan written as planned inserts the columns as they are."""

    rows: list[_Row]
    document_ids: list[str]
    starts: list[int]
    ends: list[int]
    quotes: list[str]
    prefixes: list[str]
    suffixes: list[str]
    values: list[_ClaimValues]  # (what the rows said: their types, notes, annotators and times)
    kind: str = "placed claims"

    def __len__(self) -> int:
        return len(self.rows)

    def writes(self) -> Iterator[_Write]:
        for row, doc_id, start, end, quote, prefix, suffix, v in zip(
                self.rows, self.document_ids, self.starts, self.ends, self.quotes, self.prefixes, self.suffixes,
                self.values, strict=True):
            claim = Claim(row.id or "", doc_id, start, end, quote, prefix, suffix, None, v.note, v.annotator,
                          v.created_at, v.updated_at)
            yield _Write("claim", row, {"claim": claim, "found": AnchorResult(start, end, OFFSETS, 100.0),
                                        "type": v.type, "type_color": v.type_color, "quote": quote})


@dataclass(slots=True)
class _PlannedLinks:
    """Consecutive links rows planned together (see _Loader._links_together): ``writes()``
    gives the ``_Write`` of each, as the row by row planning makes them."""

    rows: list[_Row]
    values: list[_LinkValues]
    kind: str = "planned links"

    def __len__(self) -> int:
        return len(self.rows)

    def writes(self) -> Iterator[_Write]:
        for row, v in zip(self.rows, self.values, strict=True):
            yield _Write("link", row, {"link": Link(row.id or "", v.from_claim, v.to_claim, v.relation, v.note,
                                                    v.annotator, v.created_at, v.updated_at),
                                       "from_quote": v.from_quote})

    def cells(self) -> Iterator[tuple]:
        """Each link as ProjectStore.insert_link_rows takes it."""
        v = self.values
        return zip(map(_ID, self.rows), map(_FROM, v), map(_TO, v), map(_RELATION, v), map(_NOTE, v),
                   map(_ANNOTATOR, v), map(_CREATED, v), map(_UPDATED, v), strict=True)


@dataclass
class LoadPlan:
    """What a load will write, worked out without writing: :func:`apply_load_plan` writes it.

    ``report`` already holds the row errors, warnings, orphans and skips found while
    planning; the counts of what was loaded are filled in when the plan is applied."""

    report: LoadReport
    accept_valid: bool
    writes: list[_Write | _PlacedClaims | _PlannedLinks] = field(default_factory=list)

    def each_write(self) -> Iterator[_Write]:
        """Every row the plan writes, claims and links planned together one by one too."""
        for item in self.writes:
            if isinstance(item, _Write):
                yield item
            else:
                yield from item.writes()

    @property
    def rows(self) -> int:
        """How many rows the plan writes."""
        return sum(1 if isinstance(item, _Write) else len(item) for item in self.writes)

    @property
    def writable(self) -> bool:
        """False when rows with errors, or rows that cannot be placed in this project (orphans),
        mean nothing may be written: a load never drops rows silently, unless the valid rows
        are accepted."""
        return self.accept_valid or not (self.report.errors or self.report.orphans)


def load_csv(store: ProjectStore, folder: str | Path, accept_valid: bool = False) -> LoadReport:
    """Load the CSV files in ``folder`` (or one claims CSV file) into ``store``. The collector
    stays paused from the plan to its writing, and the plan is let go before it resumes:
    otherwise it walked the plan's million objects once more (a tenth of a load of 100,000
    claims). Nothing writes to the project between the two (this connection holds its
    lock), so the rows are written as planned, without being checked again."""
    with collector_paused():
        plan = plan_csv_load(store, folder, accept_valid)
        assert plan is not None  # never cancelled
        report = apply_load_plan(store, plan, as_planned=True)
        del plan
    return report


def plan_csv_load_file(project: str | Path, folder: str | Path, accept_valid: bool = False, *,
                       progress: Progress = _no_progress,
                       cancelled: Callable[[], bool] = _never) -> LoadPlan | None:
    """:func:`plan_csv_load` through a read-only connection to ``project`` opened (and closed)
    on the calling thread: for a worker while the app keeps the project open for writing."""
    reader = open_reader(project)
    try:
        return plan_csv_load(reader, folder, accept_valid, progress=progress, cancelled=cancelled)
    finally:
        reader.db.close()


def plan_csv_load(store: ProjectStore, folder: str | Path, accept_valid: bool = False, *,
                  progress: Progress = _no_progress,
                  cancelled: Callable[[], bool] = _never) -> LoadPlan | None:
    """Read and check the CSVs and place every claim, reading ``store`` but never writing it.
    Returns ``None`` as soon as ``cancelled()`` says so. With row errors and without
    ``accept_valid`` the claims are not placed (nothing will be loaded)."""
    with collector_paused():
        return _plan(store, folder, accept_valid, progress, cancelled)


def _plan(store: ProjectStore, folder: str | Path, accept_valid: bool, progress: Progress,
          cancelled: Callable[[], bool]) -> LoadPlan | None:
    began = time.perf_counter()
    folder = Path(folder).expanduser()
    report = LoadReport(folder)
    plan = LoadPlan(report, accept_valid)
    files = sorted(_locate(folder).items(), key=lambda kv: _ORDER.index(kv[0]))
    loader = _Loader(store, {kind for kind, _ in files}, plan, progress, cancelled)
    for done, (kind, path) in enumerate(files):  # each file checked as soon as it is read
        if cancelled():
            return None
        progress(done, len(files), f"Reading {path.name}…")
        report.files.append(path.name)
        if kind == WEB_ANNOTATIONS:
            found, errors = read_webannotation(path, store)
        else:
            table, errors = read_csv(path, kind, lazily=True)  # (each row checked as it is read)
            found = {kind: table} if table is not None else {}
        for kind_found, table in found.items():
            try:
                if _check_columns(table, report) and not loader.validate(kind_found, table):
                    return None
            except MalformedCsv as exc:  # the file as a whole cannot be read: none of its rows counts
                loader.forget(kind_found, table.file)
                errors = [exc.error]
        report.errors += errors  # (rows that could not be read, found while checking the others)
    loader.validated()
    if plan.writable and not loader.plan_writes():
        return None
    report.seconds = time.perf_counter() - began
    return plan


def apply_load_plan(store: ProjectStore, plan: LoadPlan, *, as_planned: bool = False) -> LoadReport:
    """Write a plan in one transaction and return its report; nothing is written when the
    plan has row errors and does not accept the valid rows. Each row is checked against the
    project as it is now: a claim whose document was deleted or changed since the plan was
    made is orphaned (with its links and verdicts), rows that appeared meanwhile are
    skipped, and without ``accept_valid`` a write the project refuses undoes them all.

    ``as_planned``: the plan was made through ``store`` itself just now, and nothing was
    written since (:func:`load_csv`): its rows are not checked against the project again
    (at 100,000 claims and links, that took a tenth of a load)."""
    report = plan.report
    if not plan.writable:
        return report
    began = time.perf_counter()
    try:
        with collector_paused(), store.filling(("claims", "links", "verdicts")), store.bulk_change(plan.rows):
            _Writer(store, plan, as_planned).write()  # without accept_valid, the first failed write raises _Rollback
            if report.orphans and not plan.accept_valid:  # a row the project no longer takes
                raise _Rollback
    except _Rollback:
        _clear_counts(report)
    else:
        report.loaded = True
    report.seconds += time.perf_counter() - began
    return report


def _clear_counts(report: LoadReport) -> None:
    report.claims = dict.fromkeys(METHODS, 0)
    report.links = report.verdicts = report.sources = report.claim_types = 0
    report.reanchored.clear()


def _check_columns(table: CsvTable, report: LoadReport) -> bool:
    missing = [c for c in REQUIRED[table.kind] if c not in table.columns]
    if table.kind == CLAIMS and not any(c in table.columns for c in DOCUMENT_REFERENCES):
        missing.append(" or ".join(DOCUMENT_REFERENCES))
    for column in missing:
        report.errors.append(RowError(table.file, 1, column, "this required column is missing."))
    return not missing


@dataclass(slots=True)  # (see _Write)
class _Row:
    file: str
    row: int
    id: str | None
    values: Any  # the row's _SourceValues, _DocumentValues, _ClaimValues, _VerdictValues or _LinkValues


#: Rows checked, and claims placed, between two progress reports.
_PROGRESS_EVERY = 200


class _Loader:
    """Checks every row (``validate``), then works out what to write (``plan``), only reading
    the project."""

    def __init__(self, store: ProjectStore, kinds: set[str], plan: LoadPlan,
                 progress: Progress, cancelled: Callable[[], bool]):
        self.store, self.kinds, self.plan, self.report = store, kinds, plan, plan.report
        self.progress, self.cancelled = progress, cancelled
        self.rows: dict[str, list[_Row]] = {kind: [] for kind in FILE_NAMES}
        self.csv_documents: dict[str, _DocumentValues] = {}
        self.invalid_claims: dict[str, str] = {}  # claim id -> the file of its row with errors
        self.claim_ids: dict[str, str] = {}  # claims in the project and planned -> document
        self.planned_claims: set[str] = set()  # ... those this load adds
        self.orphaned_claims: dict[str, str] = {}
        self._synonyms: dict[str, Rating] | None = None

    def synonyms(self) -> dict[str, Rating]:
        if self._synonyms is None:
            self._synonyms = user_rating_synonyms()
        return self._synonyms

    def error(self, file: str, row: int | None, column: str | None, message: str) -> None:
        self.report.errors.append(RowError(file, row, column, message))

    def _step(self, done: int, total: int, label: str) -> bool:
        """Report progress now and then; False when the load was cancelled."""
        if self.cancelled():
            return False
        if done % _PROGRESS_EVERY == 0:
            self.progress(done, total, label)
        return True

    # -- validation --------------------------------------------------------------------
    def validate(self, kind: str, table: CsvTable) -> bool:
        """Check the rows of one file, keeping what they say; its raw cells are let go (at
        100,000 rows they held a third of a load's memory). False when cancelled.

        Claims, links and verdicts read lazily are checked a block at a time, column by
        column (:meth:`_claim_block`, :meth:`_link_block`, :meth:`_verdict_block`): row by
        row, 100,000 claims took three times as long. A block with any cell that is not as the app's exports write
        it goes through the row parser, which names each error exactly."""
        parse = {SOURCES: self._source_row, DOCUMENTS: self._document_row, CLAIMS: self._claim_row,
                 VERDICTS: self._verdict_row, LINKS: self._link_row}[kind]
        seen: dict[str, int] = {}
        rows, table.rows = table.rows, []
        whole = {CLAIMS: self._claim_block, LINKS: self._link_block, VERDICTS: self._verdict_block}.get(kind)
        if whole is None or table.blocks is None:
            total = len(rows) if isinstance(rows, list) else 0  # (rows read as they come: no count yet)
            return self._check_rows(kind, parse, table.file, enumerate(rows), total, seen)
        done = 0
        for block in table.blocks:  # (a file found malformed on the way raises MalformedCsv)
            if self.cancelled():
                return False
            self.progress(done, 0, "Checking rows…")  # (for each block: blank rows dropped shift its first row)
            checked = whole(block, table.columns)
            if checked is not None and self._unseen(checked[0], block.numbers, seen):
                keep = self.rows[kind].extend
                keep(map(_Row, repeat(table.file), block.numbers, checked[0], checked[1]))
            elif not self._check_rows(kind, parse, table.file, enumerate(_rows_of(block, table.columns), done),
                                      0, seen):
                return False
            done += len(block.numbers)
        return True

    def _check_rows(self, kind: str, parse, file: str, rows, total: int, seen: dict[str, int]) -> bool:
        keep, ids_unique = self.rows[kind].append, kind != DOCUMENTS
        for done, (number, raw) in rows:  # (a file found malformed on the way raises MalformedCsv)
            if not self._step(done, total, "Checking rows…"):
                return False
            try:
                values = parse(raw)
            except _Invalid as exc:
                self.error(file, number, exc.column, exc.message)
                if kind == CLAIMS and raw.get("id", "").strip():
                    self.invalid_claims[raw["id"].strip()] = file
                continue
            row_id = values.id
            if row_id is not None and ids_unique:
                if row_id in seen:
                    self.error(file, number, "id", f"the id {row_id} is already used on row {seen[row_id]}.")
                    continue
                seen[row_id] = number
            keep(_Row(file, number, row_id, values))
        return True

    @staticmethod
    def _unseen(ids: Sequence[str | None], numbers: list[int], seen: dict[str, int]) -> bool:
        """Whether a block's ids are new (then they are noted as seen): else its rows go
        through the row parser, which says which row used an id first."""
        given = ids if None not in ids else [i for i in ids if i is not None]
        if len(set(given)) != len(given) or not seen.keys().isdisjoint(given):
            return False
        pairs = zip(ids, numbers, strict=True)
        seen.update(cast("Iterator[tuple[str, int]]", pairs) if given is ids else
                    ((i, n) for i, n in pairs if i is not None))
        return True

    def _claim_block(self, block: RowBlock, columns: list[str]) -> tuple[Sequence[str | None], list] | None:
        """The ids and values :meth:`_claim_row` gives for each row of ``block``, worked out
        column by column; None when a row may have an error or needs more than this (a
        carriage return to normalise, a verdict in the claims file)."""
        cell = dict(zip(columns, block.cells, strict=True)).get
        count = len(block.numbers)
        absent = (None,) * count
        quotes, prefixes, suffixes = cell("quote"), cell("prefix") or ("",) * count, cell("suffix") or ("",) * count
        if quotes is None or not all(quotes) or any(map(str.isspace, quotes)) \
                or any("\r" in "".join(texts) for texts in (quotes, prefixes, suffixes)):
            return None
        if VERDICTS not in self.kinds and any(map(str.strip, cell("verdict") or ())):
            return None
        ids, document_ids, titles, hashes, sources, colors = (
            _stripped_cells(cell(name), absent)
            for name in ("id", "document_id", "document_title", "document_sha256", "source_name", "type_color"))
        if not all(map(any, zip(document_ids, titles, hashes, strict=True))) \
                or not all(map(_COLOR.fullmatch, filter(None, colors))):
            return None
        starts, ends = _whole_numbers(cell("start"), absent), _whole_numbers(cell("end"), absent)
        if starts is None or ends is None \
                or any(e is not None and (s is None or e <= s) for s, e in zip(starts, ends, strict=True)):
            return None
        times = _times(cell("created_at"), cell("updated_at"), absent)
        if times is None:
            return None
        created, updated = times
        kinds = [(k.strip() or None) if k else None for k in cell("type") or absent]
        values = zip(ids, document_ids, titles, [h.lower() if h else None for h in hashes], sources, starts, ends,
                     quotes, prefixes, suffixes, kinds, colors, _or_none(cell("note"), absent),
                     _or_none(cell("annotator"), absent), created, updated, absent, strict=True)
        return ids, list(map(_as_values, repeat(_ClaimValues), values))

    def _link_block(self, block: RowBlock, columns: list[str]) -> tuple[Sequence[str | None], list] | None:
        """What :meth:`_link_row` gives for each row of ``block`` (see :meth:`_claim_block`)."""
        cell = dict(zip(columns, block.cells, strict=True)).get
        absent = (None,) * len(block.numbers)
        ids, starts, ends = (_stripped_cells(cell(name), absent) for name in ("id", "from_claim_id", "to_claim_id"))
        relations = list(map(_by_value(Relation).get, cell("relation") or absent))
        if not all(starts) or not all(ends) or None in relations or any(map(operator.eq, starts, ends)):
            return None
        times = _times(cell("created_at"), cell("updated_at"), absent)
        if times is None:
            return None
        values = zip(ids, starts, ends, relations, _or_none(cell("note"), absent), _or_none(cell("annotator"), absent),
                     *times, _or_none(cell("from_quote"), absent), strict=True)
        return ids, list(map(_as_values, repeat(_LinkValues), values))

    def _verdict_block(self, block: RowBlock, columns: list[str]) -> tuple[Sequence[str | None], list] | None:
        """What :meth:`_verdict_row` gives for each row of ``block`` (see :meth:`_claim_block`),
        when its ratings are spelled as the exports spell them and it names no review
        article (those are checked row by row)."""
        cell = dict(zip(columns, block.cells, strict=True)).get
        count = len(block.numbers)
        absent = (None,) * count
        ids, claims = _stripped_cells(cell("id"), absent), _stripped_cells(cell("claim_id"), absent)
        ratings = list(map(_by_value(Rating).get, cell("rating") or absent))
        decides = list(map(_DECIDES.get, cell("decides") or ("",) * count))
        if not all(claims) or None in ratings or None in decides or any(cell("review_url") or ()):
            return None
        times = _times(cell("created_at"), cell("updated_at"), absent)
        if times is None:
            return None
        values = zip(ids, claims, ratings, _or_none(cell("note"), absent), _or_none(cell("evidence_url"), absent),
                     absent, cell("annotator") or ("",) * count, *times, decides, strict=True)
        return ids, list(map(_as_values, repeat(_VerdictValues), values))

    def forget(self, kind: str, file: str) -> None:
        """What was read of a file that turned out not to be readable as a whole."""
        self.rows[kind] = [row for row in self.rows[kind] if row.file != file]
        self.report.errors = [e for e in self.report.errors if e.file != file]
        self.invalid_claims = {c: f for c, f in self.invalid_claims.items() if f != file}

    def validated(self) -> None:
        """Once every file is checked."""
        for row in self.rows[DOCUMENTS]:
            if row.id:
                self.csv_documents[row.id] = row.values

    def _source_row(self, raw: dict) -> _SourceValues:
        name = (_text(raw, "name") or "").strip()
        if not name:
            raise _Invalid("name", "a source needs a name.")
        return _SourceValues(_id(raw), name, _text(raw, "url"), _text(raw, "kind"), _text(raw, "notes"))

    def _document_row(self, raw: dict) -> _DocumentValues:
        if not (_id(raw) or _id(raw, "sha256") or _id(raw, "title")):
            raise _Invalid("id", "a document row needs an id, a sha256 or a title.")
        _offset(raw, "length")
        return _DocumentValues(_id(raw), (_id(raw, "sha256") or "").lower() or None, _id(raw, "title"),
                               _id(raw, "source_name"))

    def _claim_row(self, raw: dict) -> _ClaimValues:
        # (the cells are read here rather than through _id and _text, which cost a call each:
        # this runs for every claim of a load, 100,000 and more)
        get = raw.get
        quote = get("quote") or ""
        if "\r" in quote:
            quote = normalise_newlines(quote)
        if not quote.strip():
            raise _Invalid("quote", "the quote is empty.")
        claim_id, document_id, title, sha256, source, color = _ids(
            raw, "id", "document_id", "document_title", "document_sha256", "source_name", "type_color")
        if not (document_id or title or sha256):
            raise _Invalid("document_id", "say which document: fill document_id, document_title or "
                                          "document_sha256.")
        start, end = get("start"), get("end")
        start = int(start) if start and start.isdigit() and start.isascii() and len(start) <= 15 \
            else _offset(raw, "start")
        end = int(end) if end and end.isdigit() and end.isascii() and len(end) <= 15 else _offset(raw, "end")
        if end is not None and (start is None or end <= start):
            raise _Invalid("end", "end must come after start (offsets count characters from 0).")
        if color and not _COLOR.fullmatch(color):
            raise _Invalid("type_color", f"“{color}” is not a colour like #ffcc00.")
        prefix, suffix, kind = get("prefix") or "", get("suffix") or "", get("type")
        created = _stamp(raw, "created_at")
        verdict = None
        if VERDICTS not in self.kinds and _id(raw, "verdict"):
            verdict = _VerdictValues(
                None, None, _rating(raw, "verdict", self.synonyms), _text(raw, "verdict_note"),
                _text(raw, "verdict_evidence_url"), _web_address(raw, "verdict_review_url"),
                _text(raw, "verdict_annotator") or "", None, None)
        return _ClaimValues(
            claim_id, document_id, title, sha256.lower() if sha256 else None, source, start, end, quote,
            normalise_newlines(prefix) if "\r" in prefix else prefix,
            normalise_newlines(suffix) if "\r" in suffix else suffix,
            (kind.strip() or None) if kind else None, color, get("note") or None, get("annotator") or None,
            created, _stamp(raw, "updated_at", created), verdict)

    def _verdict_row(self, raw: dict) -> _VerdictValues:
        claim_id = _id(raw, "claim_id")
        if not claim_id:
            raise _Invalid("claim_id", "say which claim the verdict is on.")
        return _VerdictValues(_id(raw), claim_id, _rating(raw, "rating", self.synonyms), _text(raw, "note"),
                              _text(raw, "evidence_url"), _web_address(raw, "review_url"),
                              _text(raw, "annotator") or "", _stamp(raw, "created_at"), _stamp(raw, "updated_at"),
                              _yes(raw, "decides"))

    def _link_row(self, raw: dict) -> _LinkValues:
        link_id, a, b = _ids(raw, "id", "from_claim_id", "to_claim_id")
        if not a:
            raise _Invalid("from_claim_id", "a link needs the id of the claim it starts from.")
        if not b:
            raise _Invalid("to_claim_id", "a link needs the id of the claim it points to.")
        relation = _enum(Relation, raw, "relation", "relation")
        if a == b:
            raise _Invalid("to_claim_id", "a claim cannot be linked to itself.")
        get = raw.get
        created = _stamp(raw, "created_at")
        return _LinkValues(link_id, a, b, relation, get("note") or None, get("annotator") or None, created,
                           _stamp(raw, "updated_at", created), get("from_quote") or None)

    # -- planning ----------------------------------------------------------------------
    def _write(self, kind: str, row: _Row, values: dict) -> None:
        self.plan.writes.append(_Write(kind, row, values))

    def plan_writes(self) -> bool:
        for row in self.rows[SOURCES]:  # names already present are skipped when written
            self._write("source", row, {"source": row.values})
        self._index_documents()
        self.claim_ids = self.store.claim_documents()
        if not self._plan_claims():
            return False
        self._planned(CLAIMS)
        self._plan_verdicts()
        self._planned(VERDICTS)
        self._plan_links()
        self._planned(LINKS)
        return True

    def _planned(self, kind: str) -> None:
        """The rows of ``kind`` are planned: what the plan writes holds all it needs, and the
        rows it names keep their file, number and id for messages. What was read from each
        row's cells was let go as the row was planned (at 100,000 claims, 150 MB), which keeps
        the peak lower than letting it all go here."""
        self.rows[kind] = []

    def _index_documents(self) -> None:
        self.sources = {s.id: folded(s.name) for s in self.store.sources()}
        self.docs = self.store.documents()
        self.doc_by_hash = {d.sha256: d for d in self.docs}
        self.doc_by_id = {d.id: d for d in self.docs}
        self.doc_by_title: dict[str, list] = {}
        for d in self.docs:
            self.doc_by_title.setdefault(folded(d.title), []).append(d)  # typed titles match stored ones
        self.texts: dict[str, str] = {}
        self.resolved: dict[tuple, tuple[str | None, str]] = {}  # a claim's document reference -> _resolve
        self.spans: dict[str, dict[tuple[int, int, str], str]] = {}  # document -> (start, end, annotator) -> claim
        for row in self.rows[DOCUMENTS]:
            doc_id, reason = self._resolve(row.values.sha256, row.values.id, row.values.title,
                                           row.values.source_name)
            if doc_id is None:
                self.report.warnings.append(f"{row.file} row {row.row}: {reason}")

    def _resolve(self, sha256, doc_id, title, source_name) -> tuple[str | None, str]:
        """The project document a row means: by SHA-256, then id, then title."""
        csv_doc = self.csv_documents.get(doc_id) if doc_id else None
        if csv_doc:
            sha256 = sha256 or csv_doc.sha256
            title = title or csv_doc.title
            source_name = source_name or csv_doc.source_name
        if sha256 and sha256 in self.doc_by_hash:
            return self.doc_by_hash[sha256].id, ""
        if doc_id and doc_id in self.doc_by_id:
            return doc_id, ""
        if title:
            matches = self.doc_by_title.get(folded(title), [])
            if len(matches) > 1 and source_name:
                matches = [d for d in matches if self.sources.get(d.source_id) == folded(source_name)]
            if len(matches) == 1:
                return matches[0].id, ""
            if len(matches) > 1:
                return None, (f"{len(matches)} documents are titled “{title}”; "
                              "give document_sha256 or document_id to choose one.")
        label = f"“{title}”" if title else (doc_id or sha256)
        return None, f"the document {label} is not in this project (import it first)."

    def _plan_claims(self) -> bool:
        """Each claims row placed in its document, a block of rows at a time where every row
        of the block is found at its offsets with its context (:meth:`_place_together`),
        otherwise row by row."""
        rows = self.rows[CLAIMS]
        for first in range(0, len(rows), _PLACED_TOGETHER):
            block = rows[first:first + _PLACED_TOGETHER]
            if not self._step(first, len(rows), "Placing claims in their documents…"):  # (progress for each block)
                return False
            placed = self._place_together(block)
            if placed is not None:
                if placed.rows:
                    self.plan.writes.append(placed)
            else:
                for done, row in enumerate(block, start=first):
                    if not self._step(done, len(rows), "Placing claims in their documents…"):
                        return False
                    self._plan_claim(row)
            for row in block:
                row.values = None  # what the row said is in the plan now (see _planned)
        return True

    def _place_together(self, block: list[_Row]) -> _PlacedClaims | None:
        """What :meth:`_plan_claim` plans for each row of ``block``, worked out for all at once,
        when each row has an id and either the project has that claim already (the row is
        skipped) or the row names a document of the project and its quote stands at its
        offsets between its prefix and suffix (what ``anchor`` accepts at once, with a score
        of 100); otherwise None."""
        ids = [row.id or "" for row in block]
        if not all(ids) or len(set(ids)) < len(ids):
            return None
        held = self.claim_ids.keys() & ids
        fresh = [row for row in block if row.id not in held] if held else block
        values: list[_ClaimValues] = [row.values for row in fresh]
        references = list(zip(*(map(attrgetter(name), values) for name in _REFERENCE), strict=True))
        documents: list[str] = []
        for reference in references:
            resolved = self.resolved.get(reference)
            if resolved is None:
                resolved = self.resolved[reference] = self._resolve(*reference)
            if resolved[0] is None:
                return None
            documents.append(resolved[0])
        for doc_id in set(documents):
            if doc_id not in self.texts:
                try:
                    self.texts[doc_id] = self.store.document_text(doc_id)
                except NotFoundError:
                    return None  # (row by row, its claims are orphaned with the reason)
        texts = list(map(self.texts.__getitem__, documents))
        starts = list(map(_START, values))
        quotes = list(map(_QUOTE, values))
        if None in starts or not all(texts) or not all(map(_at_offsets, texts, starts, quotes, values)):
            return None
        ends = [start + len(quote) for start, quote in zip(starts, quotes, strict=True)]
        contexts = list(map(context, texts, starts, ends))
        placed = _PlacedClaims(fresh, documents, starts, ends, quotes, [c[0] for c in contexts],
                               [c[1] for c in contexts], values)
        fresh_ids = ids if fresh is block else [row.id or "" for row in fresh]
        self.claim_ids.update(zip(fresh_ids, documents, strict=True))
        self.planned_claims.update(fresh_ids)
        self.report.skipped[CLAIMS] += len(held)  # (loaded before: a verdict of the row may be new)
        for row, claim_id in zip(block, ids, strict=True):
            self._queue_verdict(row, claim_id)
        return placed

    def _plan_claim(self, row: _Row) -> None:
        v = row.values
        if row.id and row.id in self.claim_ids:
            self.report.skipped[CLAIMS] += 1
            self._queue_verdict(row, row.id)  # a verdict added since the claim was loaded
            return
        reference = (v.document_sha256, v.document_id, v.document_title, v.source_name)
        resolved = self.resolved.get(reference)
        if resolved is None:  # (the claims of one document name it alike: worked out once)
            resolved = self.resolved[reference] = self._resolve(*reference)
        doc_id, reason = resolved
        if doc_id is None:
            self._orphan_claim(row, reason)
            return
        if doc_id not in self.texts:
            try:
                self.texts[doc_id] = self.store.document_text(doc_id)
            except NotFoundError:  # deleted in the window while this load was being worked out
                self._orphan_claim(row, "its document was deleted while the load was under way.")
                return
        text = self.texts[doc_id]
        found = anchor(text, v.quote, v.prefix, v.suffix, v.start, hint_end=v.end)
        if found is None:
            reason = "the quote was not found in the document."
            if len(v.quote.strip()) > MAX_FUZZY_QUOTE:
                reason = (f"the quote was not found exactly in the document (quotes over "
                          f"{MAX_FUZZY_QUOTE:,} characters are not searched for approximately).")
            self._orphan_claim(row, reason)
            return
        if row.id is None:
            # Claims that were in the project before this load, by span and annotator: a
            # hand-written row (no id) that matches one was loaded before. Rows of this load
            # are not added, so two people's rows on one span both load. (Read for the first
            # such row of a document: rows of the app's exports carry ids.)
            if doc_id not in self.spans:
                self.spans[doc_id] = {(c.start, c.end, c.annotator or ""): c.id for c in self.store.claims(doc_id)}
            earlier = self.spans[doc_id].get((found.start, found.end, v.annotator or ""))
            if earlier is not None:
                self.report.skipped[CLAIMS] += 1  # a hand-written row loaded before
                self._queue_verdict(row, earlier)
                return
        prefix, suffix = context(text, found.start, found.end)
        quote = text[found.start:found.end]
        if quote == v.quote:
            quote = v.quote  # (one string for both: the plan holds it until the claim is written)
        claim = Claim(row.id or new_id(), doc_id, found.start, found.end, quote, prefix, suffix, None, v.note,
                      v.annotator, v.created_at, v.updated_at)
        self._write("claim", row, {"claim": claim, "found": found, "type": v.type,
                                   "type_color": v.type_color, "quote": v.quote})
        self.claim_ids[claim.id] = doc_id
        self.planned_claims.add(claim.id)
        if found.method != FUZZY and found.ambiguous and v.start is None:
            self.report.warnings.append(
                f"{row.file} row {row.row}: “{_short(v.quote)}” occurs more than once; "
                "the first occurrence was used.")
        self._queue_verdict(row, claim.id)

    def _queue_verdict(self, row: _Row, claim_id: str) -> None:
        """The verdict columns of a claims row become a verdict row for that claim."""
        if row.values.verdict:
            self.rows[VERDICTS].append(_Row(row.file, row.row, None, row.values.verdict._replace(claim_id=claim_id)))

    def _orphan_claim(self, row: _Row, reason: str) -> None:
        self.report.orphans.append(Orphan(row.file, row.row, row.id, row.values.quote, reason))
        if row.id:
            self.orphaned_claims[row.id] = row.values.quote

    def _claim_missing(self, claim_id: str) -> str | None:
        if claim_id in self.claim_ids:
            return None
        if claim_id in self.orphaned_claims:
            return f"its claim {claim_id} was orphaned."
        if claim_id in self.invalid_claims:
            return f"its claim {claim_id} has errors and was not loaded."
        return f"there is no claim {claim_id} in the project or the CSV."

    def _plan_verdicts(self) -> None:
        existing = self.store.verdicts()
        ids = {v.id for v in existing}
        pairs = {(v.claim_id, v.annotator or ""): v for v in existing}
        for row in self.rows[VERDICTS]:
            v, row.values = row.values, None  # (see _planned)
            if row.id and row.id in ids:
                self.report.skipped[VERDICTS] += 1
                continue
            missing = self._claim_missing(v.claim_id)
            if missing:
                self.report.orphans.append(Orphan(row.file, row.row, row.id, None, "verdict: " + missing))
                continue
            had = pairs.get((v.claim_id, v.annotator or ""))
            if had is not None:  # this annotator already rated the claim; loading never overwrites
                self.report.skipped[VERDICTS] += 1
                if (had.rating, had.note or None) != (v.rating, v.note or None):
                    self.report.warnings.append(
                        f"{row.file} row {row.row}: {v.annotator or 'an unnamed annotator'} already rated claim "
                        f"{v.claim_id} {had.rating.label.lower()} in this project; the file's "
                        f"{v.rating.label.lower()} was not loaded (change it in the app if it is newer).")
                continue
            evidence = (v.evidence_url or "").strip()
            if evidence and not is_web_address(evidence):
                self.report.warnings.append(f"{row.file} row {row.row}: the evidence “{evidence}” {EVIDENCE_AS_TEXT}")
            verdict = Verdict(row.id or new_id(), v.claim_id, v.rating, v.note, v.evidence_url, v.annotator,
                              v.created_at, v.updated_at, v.decides, review_url=v.review_url)
            self._write("verdict", row, {"verdict": verdict})
            ids.add(verdict.id)
            pairs[(verdict.claim_id, verdict.annotator or "")] = verdict

    def _plan_links(self) -> None:
        rows = self.rows[LINKS]
        ids = self.store.existing("links", [row.id for row in rows if row.id])
        # the links of the project's claims (claims this load adds have none yet), read at once
        values = [row.values for row in rows]
        held = set(map(_FROM, values)) | set(map(_TO, values))
        held &= self.claim_ids.keys() - self.planned_claims if len(self.claim_ids) > len(self.planned_claims) else set()
        planned = {_link_key(a, b, r) for a, b, r in self.store.links_between(held)}
        for first in range(0, len(rows), _PLACED_TOGETHER):
            block = rows[first:first + _PLACED_TOGETHER]
            together = self._links_together(block, ids, planned)
            if together is not None:
                if together.rows:
                    self.plan.writes.append(together)
                for row in block:
                    row.values = None  # (see _planned)
            else:
                for row in block:
                    self._plan_link(row, ids, planned)

    def _links_together(self, block: list[_Row], ids: set[str], planned: set[tuple]) -> _PlannedLinks | None:
        """What :meth:`_plan_link` plans for each row of ``block``, for all at once, when each
        row has an id, and the project has that link already (the row is skipped) or the row
        joins two claims of the project or the load, in a way no other row of the block
        does (the links of an export); otherwise None."""
        link_ids = [row.id or "" for row in block]
        if not all(link_ids) or len(set(link_ids)) < len(link_ids):
            return None
        held = ids.intersection(link_ids)
        rows = [row for row in block if row.id not in held] if held else block
        values: list[_LinkValues] = [row.values for row in rows]
        starts, ends = list(map(_FROM, values)), list(map(_TO, values))
        if not (all(map(self.claim_ids.__contains__, starts)) and all(map(self.claim_ids.__contains__, ends))):
            return None
        keys = list(map(_link_key, starts, ends, map(_RELATION, values)))
        if len(set(keys)) < len(keys):
            return None
        if not planned.isdisjoint(keys):  # joined so already: skipped
            new = [key not in planned for key in keys]
            rows, values, keys = list(compress(rows, new)), list(compress(values, new)), list(compress(keys, new))
        self.report.skipped[LINKS] += len(block) - len(rows)
        planned.update(keys)
        ids.update(row.id or "" for row in rows)
        return _PlannedLinks(rows, values)

    def _plan_link(self, row: _Row, ids: set[str], planned: set[tuple]) -> None:
        """One links row: skipped when the project or the load has the link already, orphaned
        when a claim it joins is missing, and otherwise planned."""
        claims = self.claim_ids
        v, row.values = row.values, None  # (see _planned)
        if row.id and row.id in ids:
            self.report.skipped[LINKS] += 1
            return
        a, b, relation = v.from_claim, v.to_claim, v.relation
        if a not in claims or b not in claims:
            missing = self._claim_missing(a) or self._claim_missing(b)
            self.report.orphans.append(Orphan(row.file, row.row, row.id, v.from_quote, f"link: {missing}"))
            return
        key = _link_key(a, b, relation)
        if key in planned:
            self.report.skipped[LINKS] += 1
            return
        link = Link(row.id or new_id(), a, b, relation, v.note, v.annotator, v.created_at, v.updated_at)
        self._write("link", row, {"link": link, "from_quote": v.from_quote})
        planned.add(key)
        ids.add(link.id)


class _Writer:
    """Writes a plan, checking each row against the project as it is now."""

    def __init__(self, store: ProjectStore, plan: LoadPlan, as_planned: bool = False):
        self.store, self.plan, self.report, self.as_planned = store, plan, plan.report, as_planned
        self.types: dict[str, str] | None = None  # claim type name (casefolded) -> id
        self.texts: dict[str, str | None] = {}  # document -> its text now (None: deleted)
        self.written: set[str] = set()  # claims this load wrote
        self.planned: set[str] = set()  # claims of the plan (as_planned: whose rows are not checked again)
        self.dropped: dict[str, str] = {}  # claims of the plan that were not written -> why
        self.claims_had: set[str] = set()  # claims of the plan the project held before (or twice in it)
        self.present: set[str] = set()  # claims verdicts or links name that the project holds
        self.link_ids: set[str] = set()  # links the project holds, of those the plan names
        self.linked: set[tuple[str, str, str]] = set()  # ... and the pairs they join (see _link_key)

    def write(self) -> None:
        """Sources one by one (a few), then claims, verdicts and links (the plan lists them in
        that order) each checked against what the project holds now, read for all of them at
        once, and inserted with one statement per kind: 100,000 rows one statement and one
        query each took most of a load."""
        kinds: dict[str, list[_Write]] = {"source": [], "claim": [], "verdict": [], "link": []}
        claims: list[_Write | _PlacedClaims] = []  # (in the plan's order)
        links: list[_Write | _PlannedLinks] = []  # (in the plan's order)
        for item in self.plan.writes:
            if isinstance(item, _PlacedClaims):
                claims.append(item)
            elif isinstance(item, _PlannedLinks):
                links.append(item)
            elif item.kind in ("claim", "link"):
                (claims if item.kind == "claim" else links).append(item)
            else:
                kinds[item.kind].append(item)
        for item in kinds["source"]:
            self._source(item.row, item.values)
        if self.as_planned and any(isinstance(item, _PlacedClaims) for item in claims):
            self._placed_claims(claims)
        else:  # (each claim checked against the project as it is now)
            self._claims(_each_write(claims))
        self.verdicts_had: dict[str, list[tuple[str, str]]] = {}  # claim -> (id, annotator) of its verdicts
        if kinds["verdict"] and not self.as_planned:
            rated = {item.values["verdict"].claim_id for item in kinds["verdict"]}
            self._known_claims(rated)
            for verdict_id, claim_id, annotator in self.store.verdicts_on(rated):
                self.verdicts_had.setdefault(claim_id, []).append((verdict_id, annotator or ""))
        trusted = self.as_planned and self.written >= self.planned  # (as planned, and every claim went in)
        self._many(kinds["verdict"], None if trusted else self._verdict, lambda v: (v.claim_id, v.annotator or ""),
                   self.store.insert_verdicts, self._verdicts_written, "verdict")
        if trusted and links and all(isinstance(item, _PlannedLinks) for item in links):
            self._planned_links(cast("list[_PlannedLinks]", links))
            return
        kinds["link"] = _each_write(links)  # (each checked against the project as it is now, unless trusted)
        if kinds["link"] and not self.as_planned:
            ends = {end for item in kinds["link"] for end in (item.values["link"].from_claim_id,
                                                              item.values["link"].to_claim_id)}
            self._known_claims(ends)
            self.link_ids = self.store.existing("links", [item.values["link"].id for item in kinds["link"]])
            self.linked = {_link_key(a, b, r) for a, b, r in self.store.links_between(ends - self.written)}
        self._many(kinds["link"], None if trusted else self._link, attrgetter("from_claim_id", "to_claim_id"),
                   self.store.insert_links, self._links_written, "link")

    def _planned_links(self, links: list[_PlannedLinks]) -> None:
        """As planned, every claim written: links planned together go in as the plan holds
        them, in one statement; when the project refuses it, each is made and written by
        itself (see :meth:`_many`), to name the one refused."""
        rows = sorted((cells for block in links for cells in block.cells()), key=_ENDS)
        try:
            self.store.insert_link_rows(rows)
        except ProjectError:
            raise
        except AnnotatorError:
            self._many(_each_write(links), None, attrgetter("from_claim_id", "to_claim_id"), self.store.insert_links,
                       self._links_written, "link")
            return
        self.report.links += len(rows)

    def _known_claims(self, claim_ids: set[str]) -> None:
        """Which of ``claim_ids`` (not written by this load) the project holds now."""
        self.present = self.store.existing("claims", claim_ids - self.written - self.dropped.keys())

    def _many(self, items: list[_Write], check, order, insert_all, written, key: str) -> None:
        """Check each item (``check`` returns the row to insert, or None: skipped or orphaned;
        no ``check``: each item's ``values[key]`` goes in as it is), insert those that pass
        with one statement, and count them (``written``, given the items written and their
        rows). When the project refuses the statement, the rows go in one by one, so that
        the refused one is named (and, accepting the valid rows, the others still load).

        The statement takes the rows sorted by ``order``, the key of the index they are
        slowest to enter in a random order: SQLite then fills its pages one after the other
        (100,000 claims by id: 0.6 s instead of 1.2; links by their ends: 1.2 s instead of 2.2)."""
        if check is None:
            ready = [(item, item.values[key]) for item in items]
        else:
            ready = [(item, row) for item in items if (row := check(item.row, item.values)) is not None]
        if not ready:
            return
        try:
            insert_all(sorted((row for _, row in ready), key=order))
        except ProjectError:
            raise  # the project cannot be written (locked, full disk): no row can load, none did
        except AnnotatorError:
            for item, row in ready:
                if self._insert(item.row, None, partial(insert_all, [row])):
                    written([(item, row)])
            return
        written(ready)

    def _claims(self, items: list[_Write]) -> None:
        if not items:
            return
        if self.as_planned:
            self._typed(items)
            self.planned = {item.values["claim"].id for item in items}
            self._many(items, None, attrgetter("id"), self.store.insert_claims, self._claims_written, "claim")
            return
        self.claims_had = self.store.existing("claims", [item.values["claim"].id for item in items])
        self._many(items, self._claim, attrgetter("id"), self.store.insert_claims, self._claims_written, "claim")

    def _placed_claims(self, claims: list[_Write | _PlacedClaims]) -> None:
        """As planned: claims placed together go in as the plan holds them, with those planned
        one by one, in one statement (see :meth:`_many`). When a type cannot be made or the
        project refuses the statement, each claim is made and written by itself instead, to
        name the row refused (what was said of the first try is taken back)."""
        errors, type_ids = len(self.report.errors), self._type_ids(claims)
        items = [item for item in claims if isinstance(item, _Write)]
        rows = []
        if type_ids is not None:
            for item in items:
                item.values["claim"].type_id = type_ids.get(item.values["type"] or "")
            rows = [claim_fields(item.values["claim"]) for item in items]
            for block in (item for item in claims if isinstance(item, _PlacedClaims)):
                v = block.values
                rows += zip(map(_ID, block.rows), block.document_ids, block.starts, block.ends, block.quotes,
                            block.prefixes, block.suffixes, [type_ids.get(t.type or "") for t in v], map(_NOTE, v),
                            map(_ANNOTATOR, v), map(_CREATED, v), map(_UPDATED, v), strict=True)
            try:
                self.store.insert_claim_rows(sorted(rows))
            except ProjectError:
                raise
            except AnnotatorError:
                type_ids = None
        if type_ids is None:
            del self.report.errors[errors:]
            self._claims(_each_write(claims))
            return
        self.planned = {row[0] for row in rows}
        self.written = set(self.planned)
        self.report.claims[OFFSETS] += len(rows) - len(items)
        self._claims_written([(item, item.values["claim"]) for item in items])

    def _type_ids(self, claims: list[_Write | _PlacedClaims]) -> dict[str, str] | None:
        """The id of each claim type the claims name (made when the project lacks it, in the
        colour of the first row naming it), by the name as written; None when one cannot
        be made."""
        ids: dict[str, str] = {}
        for item in claims:
            if isinstance(item, _PlacedClaims) and ids.keys() >= set(map(_TYPE, item.values)) - {None}:
                continue  # (the names of these rows have their ids: the usual block, looked at at once)
            named = zip(item.values, item.rows, strict=True) if isinstance(item, _PlacedClaims) else (
                (_Named(item.values["type"], item.values["type_color"]), item.row),)
            for v, row in named:
                if v.type and v.type not in ids:
                    type_id = self._claim_type(v.type, v.type_color, row)
                    if type_id is None:
                        return None
                    ids[v.type] = type_id
        return ids

    def _typed(self, items: list[_Write]) -> None:
        """Each planned claim given the id of its type (made when the project lacks it)."""
        ids: dict[str, str] = {}  # (the few names of a file, as it spells them)
        for item in items:
            name = item.values["type"]
            if name:
                type_id = ids.get(name)
                if type_id is None:
                    type_id = self._claim_type(name, item.values["type_color"], item.row)
                    if type_id is not None:
                        ids[name] = type_id
                item.values["claim"].type_id = type_id

    def _insert(self, row: _Row, column: str | None, write) -> bool:
        try:
            write()
        except ProjectError:
            raise  # the project cannot be written (locked, full disk): no row can load, none did
        except AnnotatorError as exc:
            self.report.errors.append(RowError(row.file, row.row, column, str(exc)))
            if not self.plan.accept_valid:
                raise _Rollback from None
            return False
        return True

    def _exists(self, lookup, row_id: str) -> bool:
        try:
            lookup(row_id)
        except AnnotatorError:
            return False
        return True

    def _source(self, row: _Row, v: dict) -> None:
        source: _SourceValues = v["source"]
        if self.store.source_by_name(source.name) is not None:
            self.report.skipped[SOURCES] += 1
            return
        source_id = source.id if source.id and not self._exists(self.store.source, source.id) else None
        if self._insert(row, "name", partial(self.store.add_source, source.name, url=source.url,
                                             kind=source.kind, notes=source.notes, id=source_id)):
            self.report.sources += 1

    def _text(self, document_id: str) -> str | None:
        if document_id not in self.texts:
            try:
                self.texts[document_id] = self.store.document_text(document_id)
            except AnnotatorError:
                self.texts[document_id] = None
        return self.texts[document_id]

    def _claim_type(self, name: str | None, color: str | None, row: _Row) -> str | None:
        if not name:
            return None
        if self.types is None:
            self.types = {t.name.casefold(): t.id for t in self.store.claim_types()}
        key = name.casefold()
        if key not in self.types:
            created = []
            if not self._insert(row, "type", lambda: created.append(
                    self.store.add_claim_type(name, color or DEFAULT_TYPE_COLOR))):
                return None
            self.types[key] = created[0].id
            self.report.claim_types += 1
        return self.types[key]

    def _claim(self, row: _Row, v: dict) -> Claim | None:
        claim: Claim = v["claim"]
        if claim.id in self.claims_had:  # loaded meanwhile (the same file twice)
            self.report.skipped[CLAIMS] += 1
            return None
        text = self._text(claim.document_id)
        if text is None or text[claim.start:claim.end] != claim.quote:
            why = "deleted" if text is None else "changed"
            self.report.orphans.append(Orphan(row.file, row.row, row.id, v["quote"],
                                              f"its document was {why} while the load was under way."))
            self.dropped[claim.id] = f"its claim {claim.id} was orphaned."
            return None
        claim.type_id = self._claim_type(v["type"], v["type_color"], row)
        self.claims_had.add(claim.id)  # (the same id twice in a plan: the second is skipped)
        return claim

    def _unwritten(self, claim_id: str) -> str | None:
        """Why a claim of the plan is not in the project (as planned: the project refused it)."""
        return f"its claim {claim_id} could not be written." \
            if claim_id in self.planned and claim_id not in self.written else None

    def _claims_written(self, done: list[tuple[_Write, Claim]]) -> None:
        self.written.update(claim.id for _, claim in done)
        tally = collections.Counter(item.values["found"].method for item, _ in done)
        for method, n in tally.items():
            self.report.claims[method] += n
        for item, claim in done if tally[FUZZY] else ():
            found = item.values["found"]
            if found.method == FUZZY:
                self.report.reanchored.append(Reanchored(item.row.row, claim.id, item.values["quote"], claim.quote,
                                                         found.score))

    def _claim_missing(self, claim_id: str) -> str | None:
        if self.as_planned:
            return self._unwritten(claim_id)
        if claim_id in self.written or claim_id in self.present:
            return None
        if claim_id in self.dropped:
            return self.dropped[claim_id]
        if claim_id in self.claims_had:
            return f"its claim {claim_id} could not be written."
        return f"its claim {claim_id} was deleted while the load was under way."

    def _verdict(self, row: _Row, v: dict) -> Verdict | None:
        verdict: Verdict = v["verdict"]
        missing = self._claim_missing(verdict.claim_id)
        if missing:
            self.report.orphans.append(Orphan(row.file, row.row, row.id, None, "verdict: " + missing))
            return None
        if self.as_planned:
            return verdict  # (the plan skipped what the project held, and each claim's rater once)
        had = self.verdicts_had.setdefault(verdict.claim_id, [])
        if any(annotator == (verdict.annotator or "") or had_id == verdict.id for had_id, annotator in had):
            self.report.skipped[VERDICTS] += 1  # rated meanwhile; loading never overwrites
            return None
        had.append((verdict.id, verdict.annotator or ""))
        return verdict

    def _verdicts_written(self, done: list[tuple[_Write, Verdict]]) -> None:
        self.report.verdicts += len(done)

    def _link(self, row: _Row, v: dict) -> Link | None:
        link: Link = v["link"]
        missing = self._claim_missing(link.from_claim_id) or self._claim_missing(link.to_claim_id)
        if missing:
            self.report.orphans.append(Orphan(row.file, row.row, row.id, v["from_quote"], "link: " + missing))
            return None
        if self.as_planned:
            return link  # (the plan skipped links the project held, and each pair once)
        key = _link_key(link.from_claim_id, link.to_claim_id, link.relation)
        if link.id in self.link_ids or key in self.linked:
            self.report.skipped[LINKS] += 1
            return None
        self.link_ids.add(link.id)
        self.linked.add(key)
        return link

    def _links_written(self, done: list[tuple[_Write, Link]]) -> None:
        self.report.links += len(done)


def _each_write(items: Sequence[_Write | _PlacedClaims | _PlannedLinks]) -> list[_Write]:
    """The writes of ``items``, those of rows planned together each by itself."""
    return [write for item in items for write in ((item,) if isinstance(item, _Write) else item.writes())]


class _Named(NamedTuple):
    type: str | None
    type_color: str | None


_READ_BOTH_WAYS = frozenset(r for r in Relation if r.symmetric)


def _link_key(a: str, b: str, relation: Relation) -> tuple[str, str, str]:
    """What makes two links the same: their ends (in either order when the relation reads
    the same both ways) and their relation (a member or its value: they hash alike)."""
    return (min(a, b), max(a, b), relation) if relation in _READ_BOTH_WAYS else (a, b, relation)
