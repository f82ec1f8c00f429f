"""Sentence segmentation and text normalisation for matching claims across documents.

spaCy is imported on first use only (about a second of imports), never on the
start-up path; callers run :func:`sentences` in a worker. The pipeline is
spaCy's rule-based English tokenizer plus its sentencizer: no statistical model
is needed, so it works offline and in the packaged app.

Offsets are Python ``str`` indices, like everywhere in the core; spaCy's
character offsets are already code points.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

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


def spacy_loaded() -> bool:
    return _PIPELINE is not None


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


def sentences(text: str, *, cancelled: Callable[[], bool] | None = None) -> list[Sentence]:
    """The sentences of ``text`` with their offsets, trimmed of surrounding whitespace."""
    nlp = pipeline()
    blocks = list(_blocks(text))
    out: list[Sentence] = []
    for (offset, _block), doc in zip(blocks, nlp.pipe(block for _, block in blocks), strict=True):
        if cancelled is not None and cancelled():
            break
        for sent in doc.sents:
            raw = sent.text
            stripped = raw.strip()
            if not stripped:
                continue
            lead = len(raw) - len(raw.lstrip())
            start = offset + sent.start_char + lead
            out.append(Sentence(start, start + len(stripped), stripped))
    return out


# -- normalisation for lexical matching -----------------------------------------------------
_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "hundred": 100, "a": 1,
}
_SCALES = {"thousand": 10**3, "k": 10**3, "million": 10**6, "m": 10**6, "mn": 10**6, "mln": 10**6,
           "billion": 10**9, "bn": 10**9, "b": 10**9, "trillion": 10**12, "tn": 10**12}
_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))
    + r")(?:\s*-?\s*(" + "|".join(sorted(_SCALES, key=len, reverse=True)) + r")\b)?",
    re.IGNORECASE)
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
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


def _number_value(digits: str, scale: str | None) -> str | None:
    word = digits.lower()
    if word in _WORD_NUMBERS:
        if scale is None:
            return None if word == "a" else str(_WORD_NUMBERS[word])
        value = float(_WORD_NUMBERS[word])
    else:
        value = float(digits.replace(",", ""))
    if scale is not None:
        value *= _SCALES[scale.lower()]
    return str(int(value)) if value == int(value) else f"{value:g}"


def normalise_numbers(text: str) -> str:
    """Write numbers one way: "3M", "3 million", "three million" and "3,000,000" all become
    "3000000", so that outlets that round or abbreviate differently still match."""
    def replace(match: re.Match) -> str:
        digits, scale = match.group(1), match.group(2)
        if scale is not None and scale.lower() in ("m", "b", "k") and " " in match.group(0):
            # "3 m" is more likely metres or a stray letter than millions
            scale = None
            value = _number_value(digits, None)
            return (value if value is not None else digits) + match.group(0)[len(digits):]
        value = _number_value(digits, scale)
        return match.group(0) if value is None else value

    return _NUMBER.sub(replace, text)


def tokens(text: str) -> list[str]:
    """Lower-cased word and number tokens after number normalisation (stopwords kept),
    without a possessive "'s"."""
    normalised = normalise_numbers(text.translate(_APOSTROPHES))
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
    if len(word) <= 4 or word.isdigit():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    for suffix in ("ions", "ion", "ing", "ed", "es", "e", "s"):
        if word.endswith(suffix) and not word.endswith("ss") and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


# Words that news reports use interchangeably for the same thing, each mapped to one key
# (after stemming). Kept short and general: it only bridges the commonest paraphrases.
_SYNONYM_GROUPS = (
    ("photo", "photograph", "image", "picture", "pic", "selfie"),
    ("delet", "erase", "eras", "remov", "purg", "destroy", "wip"),
    ("settl", "settlement"),
    ("lawsuit", "suit", "sued", "su"),
    ("acquir", "acquisition", "purchas", "bought", "buy"),
    ("compan", "company", "firm"),
    ("app", "application", "platform", "servic", "service"),
    ("investor", "backer", "invest"),
    ("dataset", "data"),
)
_SYNONYMS = {stem(word): group[0] for group in _SYNONYM_GROUPS for word in group}


def content_tokens(text: str) -> list[str]:
    """The stemmed tokens that carry meaning for matching, with common synonyms folded
    together: no stopwords, no one-letter words."""
    out = []
    for token in tokens(text):
        if token in STOPWORDS or (len(token) == 1 and not token.isdigit()):
            continue
        key = stem(token)
        out.append(_SYNONYMS.get(key, key))
    return out
