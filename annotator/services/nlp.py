"""Sentence segmentation and text normalisation for matching claims across documents.

spaCy is imported on first use only (about a second of imports), never on the
start-up path; callers run :func:`sentences` in a worker. The pipeline is
spaCy's rule-based English tokenizer plus its sentencizer: no statistical model
is needed, so it works offline and in the packaged app.

Offsets are Python ``str`` indices, like everywhere in the core; spaCy's
character offsets are already code points.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

_PIPELINE = None
_LOCK = threading.Lock()

# Blocks of text that a sentence never crosses: paragraphs and headings are on their own lines.
_BLOCK = re.compile(r"[^\n]+")
# spaCy's tokenizer is linear, but one enormous "paragraph" (a minified dump) would still be a
# single unit of work; long blocks are cut at this length on whitespace.
MAX_BLOCK = 20_000


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str


def pipeline():
    """The shared spaCy pipeline (blank English + sentencizer), built once, thread-safe."""
    global _PIPELINE
    with _LOCK:
        if _PIPELINE is None:
            import spacy  # heavy: keep off the GUI thread

            nlp = spacy.blank("en")
            nlp.add_pipe("sentencizer")
            nlp.max_length = MAX_BLOCK * 2
            _PIPELINE = nlp
        return _PIPELINE


def _blocks(text: str) -> Iterator[tuple[int, str]]:
    for match in _BLOCK.finditer(text):
        start, block = match.start(), match.group()
        while len(block) > MAX_BLOCK:
            cut = block.rfind(" ", 0, MAX_BLOCK)
            cut = cut if cut > MAX_BLOCK // 2 else MAX_BLOCK
            yield start, block[:cut]
            start, block = start + cut, block[cut:]
        if block.strip():
            yield start, block


# Both the similar-passages index and the sentences-worth-checking hints cut the same
# documents into sentences; the second asks for a text the first has cut already.
_CACHE: OrderedDict[bytes, tuple[int, tuple[Sentence, ...]]] = OrderedDict()  # text digest -> (length, sentences)
_CACHE_CHARS = 0
CACHE_MAX_CHARS = 32_000_000


def sentences(text: str, *, cancelled: Callable[[], bool] | None = None) -> tuple[Sentence, ...]:
    """The sentences of ``text`` with their offsets, trimmed of surrounding whitespace.
    Results are kept for the most recent texts (up to 32 million characters in all)."""
    global _CACHE_CHARS
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key][1]
    found, complete = _split(text, cancelled)
    if complete and len(text) <= CACHE_MAX_CHARS:
        with _LOCK:
            if key not in _CACHE:
                _CACHE[key] = (len(text), found)
                _CACHE_CHARS += len(text)
                while _CACHE_CHARS > CACHE_MAX_CHARS:
                    _, (size, _dropped) = _CACHE.popitem(last=False)
                    _CACHE_CHARS -= size
    return found


def _split(text: str, cancelled: Callable[[], bool] | None) -> tuple[tuple[Sentence, ...], bool]:
    """(sentences, whether the whole text was read before a cancel)."""
    nlp = pipeline()
    blocks = list(_blocks(text))
    out: list[Sentence] = []
    for (offset, _block), doc in zip(blocks, nlp.pipe(block for _, block in blocks), strict=True):
        if cancelled is not None and cancelled():
            return tuple(out), False
        for sent in doc.sents:
            raw = sent.text
            stripped = raw.strip()
            if not stripped:
                continue
            lead = len(raw) - len(raw.lstrip())
            start = offset + sent.start_char + lead
            out.append(Sentence(start, start + len(stripped), stripped))
    return tuple(out), True


# -- normalisation for lexical matching -----------------------------------------------------
_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "hundred": 100,
}
_SCALE_WORDS = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
# Abbreviations only count when written onto the number ("3M", "1.5bn"): "3 m" is metres.
_SCALE_SUFFIXES = {"k": 10**3, "m": 10**6, "mn": 10**6, "mln": 10**6, "bn": 10**9, "b": 10**9, "tn": 10**12}


def _alternation(words) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_NUMBER = re.compile(
    # a figure: 3,000,000 / 3.5 / 3,5 (a decimal comma: one or two digits after it) / 3
    r"(?<![\w.,])(?P<figure>\d{1,3}(?:,\d{3})+(?![\d,])|\d+[.,]\d{1,2}(?![\d,.])|\d+\.\d+|\d+)"
    r"(?:(?P<suffix>" + _alternation(_SCALE_SUFFIXES) + r")\b"
    r"|\s*-?\s*(?P<scale>" + _alternation(_SCALE_WORDS) + r")\b)?"
    # or a number word, alone or before a scale word: "three", "three million", "a million"
    r"|\b(?P<word>" + _alternation(_WORD_NUMBERS) + r"|a)\b(?:\s+-?\s*(?P<wscale>"
    + _alternation(_SCALE_WORDS) + r")\b)?",
    re.IGNORECASE)
# Numbers ("3000000", "3.5") stay one token; words may carry combining marks and an apostrophe.
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[^\W\d_][^\W_]*(?:'[^\W_]+)?")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})

STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours ourselves out over
own same she should so some such than that the their theirs them themselves then there these
they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours yourself yourselves said says say according told tells
""".split())


def _written(value: Decimal) -> str:
    """A number as one token: "3000000", "3.5" (never an exponent, never rounded)."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


#: Figures and number words, with their scale (see :func:`number_value`).
NUMBER = _NUMBER


def number_value(match: re.Match) -> tuple[Decimal, bool] | None:
    """The value of a :data:`NUMBER` match and whether a scale was written ("3M", "three
    million"); None for the article "a" alone."""
    if match.group("figure") is not None:
        figure = match.group("figure")
        if re.fullmatch(r"\d{1,3}(?:,\d{3})+", figure):
            value = Decimal(figure.replace(",", ""))
        else:
            value = Decimal(figure.replace(",", "."))
        if match.group("suffix"):
            return value * _SCALE_SUFFIXES[match.group("suffix").lower()], True
        if match.group("scale"):
            return value * _SCALE_WORDS[match.group("scale").lower()], True
        return value, False
    word, scale = match.group("word").lower(), match.group("wscale")
    if word == "a" and scale is None:
        return None  # the article
    value = Decimal(1 if word == "a" else _WORD_NUMBERS[word])
    if scale:
        return value * _SCALE_WORDS[scale.lower()], True
    return value, False


def normalise_numbers(text: str) -> str:
    """Write numbers one way: "3M", "3 million", "three million" and "3,000,000" all become
    "3000000", "1,5" and "1.5" become "1.5", so that outlets that round, abbreviate or use a
    decimal comma still match, while different figures stay different."""
    def replace(match: re.Match) -> str:
        read = number_value(match)
        return match.group(0) if read is None else _written(read[0])

    return _NUMBER.sub(replace, text)


def tokens(text: str) -> list[str]:
    """Lower-cased word and number tokens after number normalisation (stopwords kept),
    without a possessive "'s". Text is composed first (NFC), so a word typed with
    combining accents matches the same word with precomposed letters."""
    normalised = normalise_numbers(unicodedata.normalize("NFC", text).translate(_APOSTROPHES))
    out = []
    for token in _TOKEN.findall(normalised):
        token = token.lower()
        if token.endswith("'s"):
            token = token[:-2]
        out.append(token)
    return out


def stem(word: str) -> str:
    """A deliberately crude suffix stripper: it only has to map "deleted", "deletes" and
    "delete" (or "photo" and "photos") to one key, the same way on both sides of a match."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    for suffix in ("ions", "ion", "ing", "ed", "es", "e", "s"):
        if word.endswith(suffix) and not word.endswith(("ss", "us", "is")) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


# Words that news reports use interchangeably for the same thing, each mapped to one key.
# Every form is listed: they are looked up before stemming, so that no stem collides with
# an unrelated word ("eras" is not "erase").
_SYNONYM_GROUPS = (
    ("photo", "photos", "photograph", "photographs", "image", "images", "picture", "pictures", "pic",
     "pics", "selfie", "selfies"),
    ("delete", "deletes", "deleted", "deleting", "deletion", "deletions", "erase", "erases", "erased",
     "erasing", "remove", "removes", "removed", "removing", "removal", "purge", "purges", "purged",
     "purging", "destroy", "destroys", "destroyed", "destroying", "wipe", "wipes", "wiped", "wiping"),
    ("settle", "settles", "settled", "settling", "settlement", "settlements"),
    ("sue", "sues", "sued", "suing", "lawsuit", "lawsuits", "suit", "suits"),
    ("acquire", "acquires", "acquired", "acquiring", "acquisition", "purchase", "purchases",
     "purchased", "buy", "buys", "bought", "buying"),
    ("company", "companies", "firm", "firms"),
    ("app", "apps", "application", "applications", "platform", "platforms", "service", "services"),
    ("investor", "investors", "backer", "backers", "invest", "invests", "invested", "investing"),
    ("data", "dataset", "datasets"),
)
_SYNONYMS = {word: "~" + group[0] for group in _SYNONYM_GROUPS for word in group}


def content_tokens(text: str) -> list[str]:
    """The tokens that carry meaning for matching: common synonyms folded to one key, other
    words stemmed; no stopwords, no one-letter words."""
    out = []
    for token in tokens(text):
        if token in STOPWORDS or (len(token) == 1 and not token.isdigit()):
            continue
        out.append(_SYNONYMS.get(token) or stem(token))
    return out
