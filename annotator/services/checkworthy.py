"""Sentences worth checking: the ones that state a figure, a date, a comparison or an
attribution ("according to", "said", "confirmed").

Rules, not a model: each flagged sentence says why it was flagged, and the rules
are cheap enough to run over a whole document in a worker. Sentences come from
:func:`annotator.services.nlp.sentences` (spaCy), so offsets are Python indices.
On the demo project the rules flag 43 of 151 sentences (28 %); those hold 19 of the 23
claims the demo's fact-checker marked, and 37 % of them hold a claim against 14 % of
all sentences (``bench/run.py checkworthy``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from annotator.services import nlp

MIN_WORDS = 6  # headings, captions and bylines are rarely claims

_MONTHS = ("january february march april may june july august september october november december "
           "jan feb mar apr jun jul aug sep sept oct nov dec").split()
RULES: tuple[tuple[str, re.Pattern], ...] = (
    ("figure", re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|dozens?|hundreds?|"
                          r"thousands?|millions?|billions?|per ?cent|percent)\b", re.IGNORECASE)),
    ("date", re.compile(r"\b(" + "|".join(_MONTHS) + r")\b\.?|\b(19|20)\d\d\b|\b(yesterday|last (week|month|year))\b",
                        re.IGNORECASE)),
    ("attribution", re.compile(r"\b(according to|said|says|told|reported|reports|announced|confirmed|stated|"
                               r"claimed|alleged|revealed|admitted|denied|estimated|wrote|disclosed)\b",
                               re.IGNORECASE)),
    ("comparison", re.compile(r"\b(more|fewer|less) than\b|\b(largest|biggest|smallest|highest|lowest|"
                              r"first|record|most|least|only|doubled|tripled|halved)\b", re.IGNORECASE)),
)


@dataclass(frozen=True, slots=True)
class Hint:
    start: int
    end: int
    text: str
    reasons: tuple[str, ...]


def reasons(sentence: str) -> tuple[str, ...]:
    """Why a sentence is worth checking (empty when it is not)."""
    if len(sentence.split()) < MIN_WORDS:
        return ()
    return tuple(name for name, pattern in RULES if pattern.search(sentence))


def hints(text: str, *, cancelled: Callable[[], bool] | None = None) -> list[Hint]:
    """The check-worthy sentences of a document, in reading order. Runs spaCy: off the GUI thread."""
    out = []
    for sentence in nlp.sentences(text, cancelled=cancelled):
        why = reasons(sentence.text)
        if why:
            out.append(Hint(sentence.start, sentence.end, sentence.text, why))
    return out


def unclaimed(found: list[Hint], claims) -> list[Hint]:
    """The hints that no claim overlaps yet (claims: anything with ``start`` and ``end``).
    The claims are merged into disjoint ranges once, then each hint is one binary search."""
    merged: list[list[int]] = []
    for start, end in sorted((c.start, c.end) for c in claims):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    starts = [m[0] for m in merged]
    out = []
    for hint in found:
        i = bisect_left(starts, hint.end)  # ranges before i start before the hint ends
        if i == 0 or merged[i - 1][1] <= hint.start:
            out.append(hint)
    return out
