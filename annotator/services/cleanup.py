"""Tidying text at import: garbled characters repaired, page furniture dropped, a headline found.

Saved and copied web pages often carry two kinds of damage that have nothing to do with the
article:

* **Mojibake**: UTF-8 text that was once decoded with the wrong single-byte encoding, so that
  "é" reads "Ã©" and "“" reads "â€œ". ftfy repairs the Western, Central European, Cyrillic,
  Greek, Turkish and Baltic cases. UTF-8 read as Thai (cp874 / TIS-620) turns an emoji into a
  Thai digit zero plus Thai letters; ftfy does not handle that code page, so it is repaired
  here, and only in a text whose every Thai-looking run has exactly that shape (real Thai never
  does) and that has at least two such garbled characters. Where
  bytes were lost in that first wrong decoding (TIS-620 has no characters for 0x80–0x9F, and
  those bytes simply vanished), the original character cannot be known: each such remnant
  becomes U+FFFD (�), the standard mark for "a character was here", instead of a misleading
  Thai letter.
* **Page furniture**: whole lines that belong to the website, not the article: skip links,
  "2 min read" and view, tag or comment counters, share and feedback prompts, comment-section
  headings, "Continue reading"/"Related articles" navigation, newsletter and cookie banners,
  an aggregator's "collected 5m ago" stamp. A line is dropped only if all of it is such a
  label (a sentence that merely mentions cookies or sharing stays), and lines over 300
  characters are never touched.

Both steps report what they did, as notes the import report shows. Each pass is linear in the
size of the text. Pasted text is not cleaned: the user chose what to paste.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

# --------------------------------------------------------------------------- mojibake (ftfy)

# The single-byte encodings whose mix-ups with UTF-8 ftfy undoes (its Mac Roman and DOS cases
# are left out: rare today, and their letters would make every French line a suspect).
_FTFY_ENCODINGS = ("cp1252", "latin-1", "cp1254", "cp1250", "iso8859-2", "cp1251", "cp1253", "cp1257")
_C1 = "".join(chr(c) for c in range(0x80, 0xA0))


def _decoded(encodings: tuple[str, ...], low: int, high: int) -> str:
    """Every character that one of ``encodings`` gives a byte in [low, high]."""
    chars = {bytes([b]).decode(enc, errors="ignore") for enc in encodings for b in range(low, high + 1)}
    return "".join(sorted(chars - {""}))


def _char_class(chars: str) -> str:
    return "[" + "".join(re.escape(c) for c in chars) + "]"


@cache
def _mojibake_candidate() -> re.Pattern[str]:
    """What UTF-8 read as one of those encodings looks like: a lead-byte character followed by
    as many continuation-byte characters as the lead promises, or a C1 control character.

    A fast, loose first look (the encodings are mixed in one pattern): each hit is then judged
    by ftfy on its surroundings before a line is handed to ftfy whole.
    """
    cont = _char_class(_decoded(_FTFY_ENCODINGS, 0x80, 0xBF) + _C1)
    lead2 = _char_class(_decoded(_FTFY_ENCODINGS, 0xC2, 0xDF))
    lead3 = _char_class(_decoded(_FTFY_ENCODINGS, 0xE0, 0xEF))
    lead4 = _char_class(_decoded(_FTFY_ENCODINGS, 0xF0, 0xF4))
    leads = _char_class(_decoded(_FTFY_ENCODINGS, 0xC2, 0xF4) + _C1)
    # The lookahead lets the scan skip ordinary characters quickly.
    return re.compile(f"(?={leads})(?:{lead2}{cont}|{lead3}{cont}{{2}}|{lead4}{cont}{{3}}|[{_C1}])")


@cache
def _ftfy_config():
    """ftfy limited to undoing wrong decodings: quotes, widths, ligatures, HTML entities, line
    breaks, terminal escapes and Unicode normalisation are left exactly as they are. (C1
    control characters, which only a wrong decoding produces in text, become the Windows-1252
    characters they stand for.)"""
    from ftfy import TextFixerConfig

    return TextFixerConfig(unescape_html=False, remove_terminal_escapes=False, fix_encoding=True,
                           restore_byte_a0=True, replace_lossy_sequences=True, decode_inconsistent_utf8=True,
                           fix_c1_controls=True, fix_latin_ligatures=False, fix_character_width=False,
                           uncurl_quotes=False, fix_line_breaks=False, fix_surrogates=False,
                           remove_control_chars=False, normalization=None, explain=False)


def _repair_with_ftfy(text: str) -> tuple[str, int]:
    """(text, garbled characters repaired): ftfy on each line that holds likely mojibake."""
    if text.isascii():
        return text, 0
    candidate = _mojibake_candidate()
    if candidate.search(text) is None:
        return text, 0
    from ftfy import fix_encoding
    from ftfy.badness import is_bad

    verdicts: dict[str, bool] = {}  # a hit with one character either side -> does ftfy call it bad?
    suspect_lines: dict[int, int] = {}  # line start -> line end
    pos = line_start = 0
    while (hit := candidate.search(text, pos)) is not None:
        # Where the hit's line starts: a newline since the previous hit, or that hit's line.
        newline = text.rfind("\n", pos, hit.start())
        line_start = newline + 1 if newline >= 0 else line_start
        window = text[max(hit.start() - 1, 0):hit.end() + 1]
        bad = verdicts.get(window)
        if bad is None:
            bad = verdicts[window] = is_bad(window)
        pos = hit.end()
        if bad:  # the whole line goes to ftfy: skip the rest of it
            line_end = text.find("\n", hit.end())
            line_end = len(text) if line_end < 0 else line_end
            suspect_lines[line_start] = line_end
            pos = line_start = line_end
    if not suspect_lines:
        return text, 0
    config = _ftfy_config()
    out: list[str] = []
    pos = repaired = 0
    for start, end in sorted(suspect_lines.items()):
        line = text[start:end]
        fixed = fix_encoding(line, config)
        if fixed != line:
            gone = len(candidate.findall(line)) - len(candidate.findall(fixed))
            repaired += max(gone, 1)
            out += [text[pos:start], fixed]
            pos = end
    out.append(text[pos:])
    return "".join(out), repaired


# --------------------------------------------------------------------------- mojibake (Thai code page)

# What UTF-8 read as Windows-874 / TIS-620 turns into: Thai letters, the few punctuation marks
# cp874 has in 0x80-0x9F, and C1 controls (TIS-620 leaves those bytes as controls).
_THAI_RUN = re.compile("[" + re.escape(_decoded(("cp874",), 0x80, 0xFF)) + _C1 + "]+")
_THAI_LETTER = re.compile("[\u0e01-\u0e5b]")
# Leads whose remnants may be marked as lost: emoji (F0 9F ..) and punctuation, arrows and
# symbols (E2 ..), the only ones whose continuation bytes routinely fall in 0x80-0x9F.
_LOSSY_LEADS = (0xE2, 0xF0)


def _thai_byte(ch: str) -> int:
    """The cp874 byte of ``ch`` (a C1 control stands for its own byte)."""
    return ord(ch) if "\x80" <= ch <= "\x9f" else ch.encode("cp874")[0]


def _parse_thai_run(run: str) -> list[tuple[int, int, str | None]] | None:
    """The run as UTF-8 read as cp874: (start, end, character or None if its bytes were lost)
    for each garbled character, or None when the run cannot be such text (it is then Thai).

    cp874's own punctuation (curly quotes, dashes, "…", no-break space) may stand outside a
    sequence: it is then simply punctuation next to the garbled text.
    """
    data = [_thai_byte(ch) for ch in run]
    items: list[tuple[int, int, str | None]] = []
    i, n = 0, len(data)
    while i < n:
        lead = data[i]
        if lead < 0xC0:  # a continuation byte with no lead before it
            if _THAI_LETTER.match(run[i]) or "\x80" <= run[i] <= "\x9f":
                return None
            i += 1
            continue
        need = 1 if 0xC2 <= lead <= 0xDF else 2 if 0xE0 <= lead <= 0xEF else 3 if 0xF0 <= lead <= 0xF4 else 0
        if not need:
            return None
        j = i + 1
        while j < n and j - i - 1 < need and 0x80 <= data[j] <= 0xBF:
            j += 1
        if j - i - 1 == need:
            try:
                items.append((i, j, bytes(data[i:j]).decode("utf-8")))
            except UnicodeDecodeError:
                return None
        elif lead in _LOSSY_LEADS:
            items.append((i, j, None))
        else:
            return None
        i = j
    return items


def _repair_thai_mojibake(text: str) -> tuple[str, int, int]:
    """(text, characters repaired, characters lost) for UTF-8 that was read as cp874/TIS-620.

    All or nothing: every run of Thai-code-page characters in the text must parse as garbled
    UTF-8, and there must be at least two garbled characters; otherwise the text is taken to
    be real Thai (or too little to judge) and left alone.
    """
    if _THAI_LETTER.search(text) is None:
        return text, 0, 0
    edits: list[tuple[int, int, str]] = []
    for match in _THAI_RUN.finditer(text):
        run = match.group()
        if not (_THAI_LETTER.search(run) or any("\x80" <= ch <= "\x9f" for ch in run)):
            continue  # only curly quotes or dashes: ordinary punctuation
        items = _parse_thai_run(run)
        if items is None:
            return text, 0, 0
        edits += [(match.start() + i, match.start() + j, char if char is not None else "\ufffd")
                  for i, j, char in items]
    if len(edits) < 2:
        return text, 0, 0
    out: list[str] = []
    pos = 0
    for start, end, char in edits:
        out += [text[pos:start], char]
        pos = end
    out.append(text[pos:])
    lost = sum(char == "\ufffd" for _, _, char in edits)
    return "".join(out), len(edits) - lost, lost


def repair_mojibake(text: str) -> tuple[str, int, int]:
    """(text, garbled characters repaired, garbled characters that could not be repaired)."""
    # The Thai pass goes first: it reads C1 controls as the bytes they stand for, where ftfy
    # would turn them into Windows-1252 punctuation.
    text, thai_repaired, lost = _repair_thai_mojibake(text)
    text, repaired = _repair_with_ftfy(text)
    return text, repaired + thai_repaired, lost


# --------------------------------------------------------------------------- page furniture

FURNITURE_MAX_CHARS = 300
_COUNTER = (r"\d[\d.,]*\s*[km]?\+?\s*(?:min(?:ute)?s?\.?\s*read|views?|reads|tags?|comments?|shares?|likes?"
            r"|reactions?|claps?|responses?|replies)")
_UNIT = r"(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)"
_FURNITURE = re.compile("|".join((
    # skip links
    r"(?:skip|jump) to (?:the )?(?:main )?(?:content|navigation|menu|search|footer|article|main)|skip navigation",
    # reading time and counters: "2 min read", "2 min read65 views3 tags", "Reading time: 4 minutes"
    rf"{_COUNTER}(?:\s*[•·|,/]?\s*{_COUNTER})*",
    r"(?:estimated |est\.? )?(?:reading|read) time\s*:?\s*(?:about |approx\.? )?\d+\s*(?:-|to)?\s*\d*\s*"
    r"(?:min(?:ute)?s?|seconds?)",
    r"\d+\s*(?:-|to)\s*\d+\s*min(?:ute)?s?\.?\s*read",
    # sharing
    r"share(?: this)?(?: (?:article|story|post|page|link))?|tweet(?: this)?|copy(?: the)? link"
    r"|link copied(?: to (?:the )?clipboard)?"
    r"|share (?:on|via|to) (?:facebook|twitter|x|linkedin|whatsapp|e-?mail|reddit|telegram|pinterest|bluesky"
    r"|threads|mastodon)"
    r"|share your (?:insights|thoughts|feedback|story)(?: with us)?",
    # feedback prompts
    r"can you improve this (?:page|article)|(?:was|is) this (?:article|page|story|post|information|answer) "
    r"(?:helpful|useful)|did you find this(?: article| page)? (?:helpful|useful)"
    r"|what did you think of this (?:story|article|post)|reader feedback"
    r"|(?:give|send|leave|share)(?: us)? (?:your )?feedback|rate this (?:article|story|post)",
    # comment sections
    r"(?:no|\d+) comments?(?: yet)?(?:[.!]?\s*be the first to comment)?|be the first to comment"
    r"|(?:leave|post|add|write) a (?:comment|reply)|(?:user |reader )?comments"
    r"|(?:show|view|hide|load) (?:all )?comments|join the (?:conversation|discussion)|filter(?: by)?|sort by",
    # navigation and promotion
    r"continue reading|read more|read the full (?:story|article)"
    r"|(?:view|see) all (?:posts|news|articles|stories)|load more|show more|(?:back|go|scroll) to top"
    r"|related (?:articles|posts|stories|updates|news|content|reading|topics)|you (?:may|might) also like"
    r"|recommended(?: for you| articles| stories)?|more (?:stories|articles|news)"
    r"|most (?:popular|read)|popular (?:posts|stories|articles)|trending(?: now)?"
    r"|advertisement|sponsored(?: content)?|(?:sign|log) (?:in|up)|subscribe(?: now)?"
    r"|(?:sign up|subscribe) (?:for|to) (?:our|the) newsletter|follow us(?: on [\w ]{1,30})?",
    # cookie banners and their buttons
    r"(?:we|this (?:web)?site) uses? cookies(?:\b.{0,200}\b(?:experience|consent|accept|agree|privacy|policy"
    r"|personali[sz]|analytics|advertis|preferences|settings|browsing|continu)\w*\b.*)?"
    r"|by (?:continuing|using)\b.{0,80}\b(?:site|website)\b.{0,200}\bcookies\b.*"
    r"|(?:accept|allow|reject|decline)(?: all)?(?: cookies)?"
    r"|(?:manage|customi[sz]e) (?:cookies|cookie settings|preferences|consent)"
    r"|cookie (?:settings|preferences|policy|consent)",
    # a bare age: "3 hours ago", "Updated 5 min ago"
    rf"(?:(?:updated|posted|published) )?\d+\s?{_UNIT} ago",
)), re.IGNORECASE)
# How every pattern above can begin (lower case): a cheap first test, so that ordinary lines
# never reach the long alternation.
_FURNITURE_STARTS = (
    "skip", "jump", "estimated", "est", "read", "share", "tweet", "copy", "link", "can you", "was this",
    "is this", "did you", "what did", "give", "send", "leave", "rate this", "no", "be the", "post", "add",
    "write", "user", "comment", "show", "view", "hide", "load", "join", "filter", "sort", "continue", "see",
    "back", "go to", "scroll", "related", "you m", "recommended", "more", "most", "popular", "trending",
    "advertisement", "sponsored", "sign", "log", "subscribe", "follow", "we use", "this site", "this web",
    "by ", "accept", "allow", "reject", "decline", "manage", "customi", "cookie", "updated", "published",
)
# An aggregator's freshness stamp closing a short line, in its compact units and with no full
# stop after it and not part of a sentence ("it was collected in 5m"): "The Next Web • Fresh •
# collected in 64m", "fetched 2h ago".
_STAMP = re.compile(r"(?<!was )(?<!were )(?<!been )(?<!is )(?<!are )(?<!be )"
                    r"(?:collected|fetched|crawled|scraped) (?:in )?\d+\s?(?:s|m|h|d|mins?|hrs?)(?: ago)?\Z",
                    re.IGNORECASE)
_STAMP_LINE_MAX_CHARS = 100
# Decoration around a label: bullets, arrows, separators, and end punctuation.
_DECORATION = " \t\u00a0•·|»«\u203a\u2039>\u2013\u2014-*#:!?.…\ufffd"
_ICONS = ("So", "Sm")  # emoji, arrows, triangles and other symbols around a label


def _label(line: str) -> str:
    """The line without surrounding decoration and icons (emoji, symbols)."""
    line = line.strip(_DECORATION)
    while line and not line[0].isalnum() and unicodedata.category(line[0]) in _ICONS:
        line = line[1:].strip(_DECORATION)
    while line and not line[-1].isalnum() and unicodedata.category(line[-1]) in _ICONS:
        line = line[:-1].strip(_DECORATION)
    return line


def is_furniture(line: str) -> bool:
    """True when the whole line is a website label (a skip link, a counter, a share prompt...),
    or only icons and garbled-character marks."""
    if not line.strip() or len(line) > FURNITURE_MAX_CHARS:
        return False
    label = _label(line)
    if not label:  # icons only ("📰", "�"); a rule such as "* * *" or "—" stays
        return any(ch == "\ufffd" or unicodedata.category(ch) == "So" for ch in line)  # not "+" or "="
    if (label[0].isdigit() or label[:13].lower().startswith(_FURNITURE_STARTS)) and _FURNITURE.fullmatch(label):
        return True
    return (len(label) <= _STAMP_LINE_MAX_CHARS and line.rstrip()[-1:].isalnum()
            and _STAMP.search(label, max(len(label) - 40, 0)) is not None)


# Button and heading words that are also ordinary answers, list items or headings in a
# transcript, a ballot or a report: alone they stay; beside unmistakable furniture they go.
_AMBIGUOUS_LABELS = frozenset((
    "accept", "accept all", "allow", "allow all", "reject", "reject all", "decline", "decline all", "filter",
    "filter by", "sort by", "trending", "trending now", "comments", "user comments", "reader comments",
    "subscribe", "subscribe now", "recommended", "most read", "most popular", "advertisement", "sponsored",
))


def _ambiguous(line: str) -> bool:
    return " ".join(_label(line).lower().split()) in _AMBIGUOUS_LABELS


def remove_furniture(text: str) -> tuple[str, list[str]]:
    """(text without furniture lines, the lines removed). Furniture comes in blocks (blank
    lines between its lines do not break a block); a block of words that are also ordinary
    text ("Accept", "Comments", "Subscribe": see ``_AMBIGUOUS_LABELS``) goes only beside an
    unmistakable label ("Share", a counter, a skip link), so a lone "Accept" stays. A
    Markdown heading ("## Comments") is never furniture. A blank line left doubled by a
    removal is dropped too. A text that is nothing but furniture is returned unchanged."""
    lines = text.split("\n")
    furniture = [not line.lstrip().startswith("#") and is_furniture(line) for line in lines]
    drop = [False] * len(lines)
    i = 0
    while i < len(lines):
        if not furniture[i]:
            i += 1
            continue
        block = [i]
        j = i + 1
        while j < len(lines) and (furniture[j] or not lines[j].strip()):
            if furniture[j]:
                block.append(j)
            j += 1
        if any(not _ambiguous(lines[k]) for k in block):
            for k in block:
                drop[k] = True
        i = j
    out: list[str] = []
    removed: list[str] = []
    just_removed = False
    for line, dropped in zip(lines, drop, strict=True):
        if dropped:
            removed.append(line.strip())
            just_removed = True
        elif not line.strip() and just_removed and (not out or not out[-1].strip()):
            continue
        else:
            out.append(line)
            just_removed = just_removed and not line.strip()
    if not removed or not any(line.strip() for line in out):
        return text, []
    return "\n".join(out), removed


# --------------------------------------------------------------------------- headline

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATELINE = re.compile(
    r"(?:(?:published|updated|posted|date)\s*:?\s*)?(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+\d{{4}})?"
    rf"|{_MONTH}\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}})"
    r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?)?",
    re.IGNORECASE)
_HEADING_LABEL = re.compile(r"H[1-6]\s*:\s+")  # "H1: Title", as some scrapers write headings
_HEADLINE_LOOKAHEAD = 20


def _headline_like(line: str) -> bool:
    """Not furniture, not a bare date, not garbled, and with some words in it."""
    line = line.strip()
    letters = sum(ch.isalpha() for ch in line)
    return (letters >= 2 and line.count("\ufffd") * 4 < letters and not is_furniture(line)
            and _DATELINE.fullmatch(line.strip(" .")) is None)


def headline(text: str) -> str:
    """The first line that reads like a headline (see :func:`_headline_like`) among the first
    few lines, else the first non-empty line; a scraper's "H1:" label is left out."""
    first = ""
    seen = 0
    for line in text.split("\n"):
        if not line.strip():
            continue
        first = first or line
        if _headline_like(line):
            return _HEADING_LABEL.sub("", line.strip(), count=1)
        seen += 1
        if seen >= _HEADLINE_LOOKAHEAD:
            break
    return first.strip()


# --------------------------------------------------------------------------- both, with notes


@dataclass
class Cleanup:
    """What cleaning did to one text."""

    text: str
    repaired: int = 0  # garbled characters repaired
    lost: int = 0  # garbled characters whose bytes were lost (shown as U+FFFD)
    removed: list[str] = field(default_factory=list)  # furniture lines, as they read

    def notes(self) -> list[str]:
        """One line per kind of change, for the import report."""
        notes = []
        if self.repaired:
            notes.append(f"Repaired {_count(self.repaired, 'garbled character')} (text decoded with the wrong "
                         "encoding); check accented letters and symbols")
        if self.lost:
            notes.append(f"{_count(self.lost, 'garbled character')} could not be repaired (bytes were lost when "
                         "the text was decoded with the wrong encoding) and show as \ufffd")
        if self.removed:
            shown = ", ".join(f'"{_clip(line)}"' for line in self.removed[:3])
            more = ", …" if len(self.removed) > 3 else ""
            notes.append(f"Removed {_count(len(self.removed), 'line')} of page furniture ({shown}{more})")
        return notes


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _clip(line: str, limit: int = 40) -> str:
    return line if len(line) <= limit else line[:limit - 1].rstrip() + "…"


def clean_text(text: str) -> Cleanup:
    """Repair garbled characters, then drop page furniture (lines with ``\\n`` endings)."""
    text, repaired, lost = repair_mojibake(text)
    text, removed = remove_furniture(text)
    return Cleanup(text, repaired, lost, removed)
