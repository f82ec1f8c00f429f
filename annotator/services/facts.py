"""Facts a passage states, read so that two passages can be compared: dates and years,
figures (with their scale: "3M", "three million" and "3,000,000" are one figure), percentages,
sums of money, and the organisations and people it names.

Rule-based and offline: regular expressions over the text, no statistical model. What is read
is deliberately narrow — a year must look like one (1900-2099), a figure of ten or more or with
a scale word, a name a run of capitalised words that is not just the first word of a sentence —
because every value read is a value that can be shown as a disagreement.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from annotator.services.nlp import NUMBER, content_tokens, number_value

YEAR, DATE, FIGURE, PERCENT, MONEY, ACTOR = "year", "date", "figure", "percent", "money", "actor"

_MONTHS = {name: k for k, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"), ("october", "oct"),
    ("november", "nov"), ("december", "dec")), start=1) for name in names}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATES = re.compile(
    # 2014-05, 2014-05-21 / May 2014, May 21, 2014, 21 May 2014 / 2014
    r"\b(?P<iso_y>(?:19|20)\d\d)-(?P<iso_m>0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?\b"
    r"|\b(?:(?:[0-3]?\d)\s+)?(?P<month>" + _MONTH + r")\.?(?:\s+[0-3]?\d(?:st|nd|rd|th)?,?)?\s+(?P<my>(?:19|20)\d\d)\b"
    r"|(?<![\d$€£.,])\b(?P<year>(?:19|20)\d\d)\b(?!\s*(?:%|percent|per cent|\.\d|,\d))",
    re.IGNORECASE)
_MONEY_BEFORE = re.compile(r"(?:US)?[$€£]\s*$|\b(?:USD|EUR|GBP)\s*$")
_MONEY_AFTER = re.compile(r"^\s*(?:dollars|euros|pounds|usd|eur|gbp)\b", re.IGNORECASE)
_PERCENT_AFTER = re.compile(r"^\s*(?:%|percent\b|per cent\b|percentage points?\b)", re.IGNORECASE)
_CURRENCY = {"$": "USD", "us$": "USD", "usd": "USD", "dollars": "USD", "€": "EUR", "eur": "EUR", "euros": "EUR",
             "£": "GBP", "gbp": "GBP", "pounds": "GBP"}
# Words that end the phrase after a figure ("3 million user photos from 2014": photos).
_PHRASE_ENDS = frozenset("""
of from in on at by to for with and or but as that which who whom whose than since after before during
was were is are be been has have had will would could should may might can said says
""".split())

#: Capital letters a name may start with: Latin (accented ones too), Greek and Cyrillic.
_LETTERS = [*range(0x41, 0x250), *range(0x391, 0x3CA), *range(0x400, 0x460)]
_UPPER = "".join(c for c in map(chr, _LETTERS) if c.isupper())
_LOWER = "".join(c for c in map(chr, _LETTERS) if c.islower())
# Names: runs of capitalised words (with "of", "for" or "de" inside a run), or acronyms.
_NAME = re.compile(rf"\b(?:[{_UPPER}][\w'’&.-]*[\w]|[{_UPPER}])"
                   rf"(?:\s+(?:(?:of|for|de|du|van|von)\s+)?(?:[{_UPPER}][\w'’&.-]*[\w]))*")
# Capitalised words that are not names (sentence openers, titles, months, weekdays).
_NOT_NAMES = frozenset("""
a an the this that these those it its in on at of for from by with and or but as if when while after before
since until during about into over under between among he she they we i you his her their our my your
there here what which who whom whose how why where also however meanwhile according said says
monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
mr mrs ms dr prof ceo cto founder president chief
""".split()) | frozenset(_MONTHS)


@dataclass(frozen=True, slots=True)
class Value:
    """One fact as written (``text``, at ``start``..``end`` of the text read) and as compared
    (``key``): a year, a (year, month), a figure with what it counts, a percentage, a sum with
    its currency, or a name folded to lower case."""

    kind: str
    key: object
    text: str
    start: int
    end: int
    nouns: frozenset[str] = frozenset()  # figures: what is counted, as content tokens ("~photo")


def values(text: str, names: frozenset[str] = frozenset()) -> list[Value]:
    """Every date, year, figure, percentage, sum and name in ``text``, in order. ``names``:
    folded names known to be names (see :func:`known_names`), so that one opening a sentence
    is read as a name too."""
    found = dates(text)
    taken = [(v.start, v.end) for v in found]
    found += [v for v in _figures(text) if not _overlaps(v, taken)]
    found += _actors(text, names)
    return sorted(found, key=lambda v: (v.start, v.kind))


def _overlaps(v: Value, spans: list[tuple[int, int]]) -> bool:
    return any(v.start < end and start < v.end for start, end in spans)


def dates(text: str) -> list[Value]:
    """The dates and years in ``text`` (what :func:`values` reads of them)."""
    out = []
    for m in _DATES.finditer(text):
        if m.group("iso_y"):
            out.append(Value(DATE, (int(m.group("iso_y")), int(m.group("iso_m"))), m.group(0), m.start(), m.end()))
        elif m.group("month"):
            month = _MONTHS[m.group("month").lower()]
            if m.group("month").lower() == "may" and not m.group("month")[0].isupper():
                out.append(Value(YEAR, int(m.group("my")), m.group("my"), m.start("my"), m.end("my")))
                continue  # "may 2024 bring": the verb, but the year is a year
            out.append(Value(DATE, (int(m.group("my")), month), m.group(0), m.start(), m.end()))
        else:
            out.append(Value(YEAR, int(m.group("year")), m.group(0), m.start(), m.end()))
    return out


def _figures(text: str) -> list[Value]:
    out = []
    for m in NUMBER.finditer(text):
        read = number_value(m)
        if read is None:
            continue
        value, scaled = read
        if m.group("word") is not None and not scaled:
            continue  # "two", "hundred": number words are read with a scale only ("three million")
        before, after = text[max(0, m.start() - 4):m.start()], text[m.end():m.end() + 24]
        money = _MONEY_BEFORE.search(before) or _MONEY_AFTER.match(after)
        if money:
            symbol = money.group(0).strip().lower().split()[0] if money.group(0).strip() else "$"
            currency = _CURRENCY.get(symbol.rstrip(" "), _CURRENCY.get(symbol[-1:], "USD"))
            start = m.start() - len(before) + money.start() if money.re is _MONEY_BEFORE else m.start()
            out.append(Value(MONEY, (currency, value), text[start:m.end()], start, m.end()))
            continue
        if _PERCENT_AFTER.match(after):
            end = m.end() + _PERCENT_AFTER.match(after).end()  # type: ignore[union-attr]
            out.append(Value(PERCENT, value, text[m.start():end], m.start(), end))
            continue
        if not scaled and (value < 10 or re.fullmatch(r"(?:19|20)\d\d", m.group(0))):
            continue  # small counts say little; a bare four-digit number in range is a year
        out.append(Value(FIGURE, value, m.group(0), m.start(), m.end(), _nouns(after)))
    return out


_ARTICLES = frozenset({"a", "an", "the", "his", "her", "its", "their", "our", "my", "your"})


def _nouns(after: str) -> frozenset[str]:
    """What a figure counts: the words of the phrase after it, up to three ("3 million user
    photos from 2014": user, photos; "an 800 million contract offer": contract, offer), as
    content tokens. A figure followed at once by "for" or "on" counts what comes after it
    ("paid 300 for surgery": surgery)."""
    words = re.findall(r"[A-Za-z][\w'-]*|[^\sA-Za-z]", after[:60])
    if words and words[0].lower() in ("for", "on"):
        words = [w for w in words[1:4] if w.lower() not in _ARTICLES]
    phrase = []
    for word in words[:3]:
        if not word[0].isalpha() or word.lower() in _PHRASE_ENDS:
            break
        phrase.append(word)
    return frozenset(t for w in phrase for t in content_tokens(w))


def known_names(texts) -> frozenset[str]:
    """Folded names written capitalised inside a sentence somewhere in ``texts`` (a project's
    documents): a sentence that opens with one of them still names it."""
    found = set()
    for text in texts:
        for m in _MID_SENTENCE_RUN.finditer(text):
            if m.group(1).split()[0].lower() not in _NOT_NAMES:
                found.add(fold_name(m.group(1)))
    return frozenset(found)


#: Where a sentence may start: after a full stop, a question or exclamation mark, a colon, or a line break.
_SENTENCE_GAP = re.compile(r"(?:[.!?:][\"'”’)\]]*\s+|\n\s*)")
#: Capitalised words inside a sentence (after a lower-case letter, a digit, a comma or a semicolon).
_MID_SENTENCE = re.compile(rf"[{_LOWER}0-9,;][ \t\u00a0]+([{_UPPER}][\w'’&.-]*[\w])")
_MID_SENTENCE_RUN = re.compile(rf"[{_LOWER}0-9,;][ \t\u00a0]+((?:[{_UPPER}][\w'’&.-]*[\w])"
                               rf"(?:[ \t]+[{_UPPER}][\w'’&.-]*[\w])*)")


def _actors(text: str, names: frozenset[str] = frozenset()) -> list[Value]:
    """Names in ``text``: runs of capitalised words, less ordinary words at their ends; a single
    word that opens a sentence only when it is a name elsewhere (``names``, or capitalised
    inside a sentence of ``text``), an acronym, or has a capital inside ("OkCupid"). Each run is
    looked at once: a text of 150 KB is read in a fraction of a second."""
    starts = {m.end() for m in _SENTENCE_GAP.finditer(text)} | {0}
    inside = {fold_name(m.group(1)) for m in _MID_SENTENCE.finditer(text)}
    out = []
    for m in _NAME.finditer(text):
        # "Led Zeppelin's Robert Plant": a possessive ends one name and starts another.
        offset = m.start()
        for part in re.split(r"(?<=['’]s)\s", m.group(0)):
            if part:
                out += _name_in(part, offset, starts, names, inside, after_possessive=offset != m.start())
            offset += len(part) + 1
    return out


def _name_in(run: str, offset: int, starts: set[int], names: frozenset[str], inside: set[str], *,
             after_possessive: bool) -> list[Value]:
    words = run.split()
    first = 0
    while first < len(words) and words[first].lower().strip(".") in _NOT_NAMES:
        first += 1
    last = len(words)
    while last > first and words[last - 1].lower().strip(".") in _NOT_NAMES:
        last -= 1
    words = words[first:last]
    if not words:
        return []
    start = offset + run.index(words[0])
    end = offset + run.rindex(words[-1]) + len(words[-1])
    name = re.sub(r"['’]s$", "", " ".join(words))
    key = fold_name(name)
    if start in starts and len(words) == 1 and not after_possessive and not _acronym(name) and key not in names \
            and key not in inside and not _inner_capital(name):
        return []  # an ordinary word that opens a sentence
    if len(name) < 2 or name.isdigit():
        return []
    return [Value(ACTOR, key, name, start, end)]


def _inner_capital(word: str) -> bool:
    """"OkCupid", "iPhone", "McDonald": a capital inside the word marks a name."""
    return any(c.isupper() for c in word[1:]) and any(c.islower() for c in word)


def _acronym(name: str) -> bool:
    return len(name) >= 2 and name.replace(".", "").isupper()


def fold_name(name: str) -> str:
    """A name as compared: accents and case folded, "The" and a possessive dropped."""
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).replace("’", "'")
    plain = re.sub(r"'s$", "", plain).casefold()
    return re.sub(r"^the\s+", "", plain).strip(" .")


def initials(name: str) -> str:
    """"federal trade commission" -> "ftc" (small words skipped), to match an acronym."""
    return "".join(w[0] for w in name.split() if w not in ("of", "for", "and", "the", "de"))


def same_actor(a: str, b: str) -> bool:
    """Two folded names for one actor: equal, one the other's acronym, or one a word of the
    other's ("OkCupid" and "OkCupid Inc", "Zeiler" and "Matthew Zeiler")."""
    if a == b:
        return True
    if " " not in a and " " in b and (a == initials(b) or a in b.split()):
        return True
    return " " not in b and " " in a and (b == initials(a) or b in a.split())
