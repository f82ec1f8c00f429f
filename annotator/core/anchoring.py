"""Finding a claim's quote again in a document's text ("re-anchoring"). No Qt, no SQL.

When annotations come back from a CSV (or a document was re-imported in a
slightly different version), a claim's stored offsets may no longer point at
its quote. :func:`anchor` tries, in order:

1. **offsets** – the text at the hinted offsets is exactly the quote (unless the
   stored context matches only partly there and fully at another copy);
2. **exact** – every exact occurrence of the quote, ranked by how many
   characters of the stored prefix/suffix match around it, then by distance
   from the hinted position;
3. **fuzzy** – approximate matches found with rapidfuzz: windows of the quote's
   length are scored with ``fuzz.ratio``, the best few are refined by moving
   their start and end, and the survivors are ranked by a weighted score
   (quote similarity 0.6, context similarity 0.3, closeness to the hint 0.1;
   weights of missing parts are shared out among the others).

The fuzzy pass costs about the quote's length times the span it is compared with, for
every window it scores, so it only runs for quotes of up to :data:`MAX_FUZZY_QUOTE`
characters and only when the lengths leave room for a match (a quote much longer than
the whole document cannot reach the threshold); a longer quote is placed by its offsets
or an exact match, or not at all. Stored context counts up to :data:`MAX_CONTEXT`
characters on each side, nearest the quote first.

A fuzzy match is accepted when its quote similarity reaches
:func:`min_similarity` (90 for quotes of 10 characters or fewer, 75 from 40
characters up, linear between), or comes within :data:`CONTEXT_RESCUE` points
of it while the surrounding context still matches at least
:data:`CONTEXT_RESCUE_SIMILARITY`. Otherwise the quote is orphaned (``None``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

from rapidfuzz import fuzz, process

OFFSETS, EXACT, FUZZY = "offsets", "exact", "fuzzy"
METHODS = (OFFSETS, EXACT, FUZZY)

#: Exact occurrences examined at most (a one-word quote may occur thousands of times).
MAX_EXACT_CANDIDATES = 10_000
#: Windows compared at most in the fuzzy pass; the step grows on huge documents.
MAX_WINDOWS = 60_000
#: Distinct places refined in the fuzzy pass.
FUZZY_SEEDS = 8
#: A fuzzy match this many points under the threshold is kept if its context matches well.
CONTEXT_RESCUE = 10.0
CONTEXT_RESCUE_SIMILARITY = 90.0

#: Longest quote the fuzzy pass looks for (a long paragraph; a claim is a sentence or two).
#: Longer quotes are matched by offsets or exactly: a fuzzy search for a 10 MB quote took
#: minutes, as every window it scores costs the quote's length times the window's.
MAX_FUZZY_QUOTE = 2_000
#: Characters of stored prefix and suffix compared, nearest the quote (the app stores 32).
MAX_CONTEXT = 256

_WEIGHTS = {"quote": 0.6, "context": 0.3, "position": 0.1}


class AnchorResult(NamedTuple):
    """Where the quote was found. ``score`` is a 0–100 confidence. (A named tuple: one is made
    for each claim a load places, and a frozen dataclass took five times as long to make.)"""

    start: int
    end: int
    method: str  # "offsets" | "exact" | "fuzzy"
    score: float
    ambiguous: bool = False  # other places matched exactly as well (the first/nearest won)


def min_similarity(length: int) -> float:
    """Quote similarity (0–100) a fuzzy match needs: stricter for short quotes."""
    if length <= 10:
        return 90.0
    if length >= 40:
        return 75.0
    return 90.0 - 15.0 * (length - 10) / 30.0


def anchor(text: str, quote: str, prefix: str = "", suffix: str = "",
           hint_start: int | None = None, *, hint_end: int | None = None,
           fuzzy: bool = True) -> AnchorResult | None:
    """Locate ``quote`` in ``text``; ``None`` when it cannot be found (an orphan)."""
    if not quote or not quote.strip() or not text:
        return None
    prefix, suffix = (prefix or "")[-MAX_CONTEXT:], (suffix or "")[:MAX_CONTEXT]
    hint = hint_start if hint_start is not None and 0 <= hint_start <= len(text) else None
    if hint is not None:
        end = hint + len(quote)
        if (hint_end is None or hint_end == end) and text[hint:end] == quote:
            ctx = _affix_sim(text, hint, end, prefix, suffix)
            if ctx is None or ctx == 100.0:
                return AnchorResult(hint, end, OFFSETS, 100.0)
            # The quote is there but its context is not: a better-placed copy wins. (_exact finds
            # at least the copy at the hint, and with a prefix or suffix _affix_sim is a number.)
            found = _exact(text, quote, prefix, suffix, hint)
            if found is None or found.start == hint or (
                    _affix_sim(text, found.start, found.end, prefix, suffix) or 0.0) <= ctx:
                return AnchorResult(hint, end, OFFSETS, _combined(100.0, ctx, 100.0))
            return found
    found = _exact(text, quote, prefix, suffix, hint)
    if found is None and quote.strip() != quote:  # hand-typed quotes often carry stray spaces
        stripped = quote.strip()
        found = _exact(text, stripped, prefix, suffix, hint)
    if found is not None or not fuzzy or not fuzzy_possible(len(text), len(quote.strip())):
        return found
    return _fuzzy(text, quote.strip(), prefix, suffix, hint)


def fuzzy_possible(text_length: int, quote_length: int) -> bool:
    """Whether the fuzzy pass may look for a quote of this length in a text of that length:
    the quote is at most :data:`MAX_FUZZY_QUOTE` long, and not so much longer than the whole
    text that even a perfect overlap stays under the threshold (``fuzz.ratio`` of a quote
    against a shorter span is at most 200 × span / (quote + span))."""
    if quote_length > MAX_FUZZY_QUOTE or text_length <= 0:
        return False
    if quote_length <= text_length:
        return True
    best = 200.0 * text_length / (quote_length + text_length)
    return best >= min_similarity(quote_length) - CONTEXT_RESCUE


# -- scoring helpers -------------------------------------------------------------------
def _combined(quote_sim: float, context_sim: float | None, position_sim: float | None) -> float:
    parts = {"quote": quote_sim, "context": context_sim, "position": position_sim}
    present = {k: v for k, v in parts.items() if v is not None}
    total = sum(_WEIGHTS[k] for k in present)
    return round(sum(_WEIGHTS[k] * v for k, v in present.items()) / total, 2)


def _position_sim(start: int, hint: int | None, length: int) -> float | None:
    if hint is None:
        return None
    return 100.0 * max(0.0, 1.0 - abs(start - hint) / max(length, 1))


def _affix_sim(text: str, start: int, end: int, prefix: str, suffix: str) -> float | None:
    """Share of the stored context that matches, counted outwards from the quote."""
    if not prefix and not suffix:
        return None
    before = text[max(0, start - len(prefix)):start]
    after = text[end:end + len(suffix)]
    if before == prefix and after == suffix:  # (the usual case, compared whole)
        return 100.0
    matched = 0
    for a, b in zip(reversed(before), reversed(prefix), strict=False):  # before is short at the start
        if a != b:
            break
        matched += 1
    for a, b in zip(after, suffix, strict=False):  # after is short at the end of the text
        if a != b:
            break
        matched += 1
    return 100.0 * matched / (len(prefix) + len(suffix))


def _ratio_context(text: str, start: int, end: int, prefix: str, suffix: str) -> float | None:
    """Fuzzy similarity of the stored context to the text around a candidate."""
    scores, weights = 0.0, 0
    if prefix:
        scores += len(prefix) * fuzz.ratio(prefix, text[max(0, start - len(prefix)):start])
        weights += len(prefix)
    if suffix:
        scores += len(suffix) * fuzz.ratio(suffix, text[end:end + len(suffix)])
        weights += len(suffix)
    return scores / weights if weights else None


# -- exact pass ------------------------------------------------------------------------
def _exact(text: str, quote: str, prefix: str, suffix: str, hint: int | None) -> AnchorResult | None:
    best_key, best, ties = None, None, 0
    position = text.find(quote)
    seen = 0
    while position != -1 and seen < MAX_EXACT_CANDIDATES:
        seen += 1
        end = position + len(quote)
        ctx = _affix_sim(text, position, end, prefix, suffix)
        distance = abs(position - hint) if hint is not None else 0
        key = (ctx if ctx is not None else 0.0, -distance)
        if best_key is None or key > best_key:
            best_key, best, ties = key, (position, end, ctx), 0
        elif key == best_key:
            ties += 1
        position = text.find(quote, position + 1)
    if best is None:
        return None
    start, end, ctx = best
    score = _combined(100.0, ctx, _position_sim(start, hint, len(text)))
    return AnchorResult(start, end, EXACT, score, ambiguous=ties > 0)


# -- fuzzy pass ------------------------------------------------------------------------
def _best_position(score: Callable[[int], float], lo: int, hi: int, centre: int) -> int:
    """Maximise ``score`` over integers in [lo, hi], coarse to fine; ties go to ``centre``."""
    step = max(1, (hi - lo) // 40)
    while True:
        positions = set(range(lo, hi + 1, step)) | {hi}
        best = max(positions, key=lambda p: (score(p), -abs(p - centre)))
        if step == 1:
            return best
        lo, hi = max(lo, best - step), min(hi, best + step)
        step = max(1, step // 8)


def _refine(text: str, quote: str, start: int, end: int) -> tuple[int, int, float]:
    """Move a candidate's edges to where the span is most similar to the quote."""
    n, reach = len(text), max(3, len(quote) // 2)

    def with_start(s: int) -> float:
        return fuzz.ratio(quote, text[s:end])

    def with_end(e: int) -> float:
        return fuzz.ratio(quote, text[start:e])

    for _ in range(2):
        start = _best_position(with_start, max(0, start - reach), max(0, min(end - 1, start + reach)), start)
        end = _best_position(with_end, min(n, start + 1), min(n, end + reach), end)
    while start < end and text[start].isspace() and not quote[0].isspace():
        start += 1
    while end > start and text[end - 1].isspace() and not quote[-1].isspace():
        end -= 1
    return start, end, fuzz.ratio(quote, text[start:end])


def _seeds(text: str, quote: str, hint: int | None) -> list[int]:
    """Starts of the most quote-like windows, at least half a quote apart."""
    n, length = len(text), len(quote)
    if length >= n:
        return [0]
    step = max(1, length // 4, math.ceil(n / MAX_WINDOWS))
    starts = list(range(0, n - length + 1, step))
    if starts[-1] != n - length:
        starts.append(n - length)
    windows = [text[s:s + length] for s in starts]
    hits = process.extract(quote, windows, scorer=fuzz.ratio, processor=None,
                           limit=FUZZY_SEEDS * 8, score_cutoff=35)
    chosen: list[int] = []
    if hint is not None:
        chosen.append(min(hint, n - length))
    for _, _, index in hits:
        s = starts[index]
        if all(abs(s - c) >= max(1, length // 2) for c in chosen):
            chosen.append(s)
        if len(chosen) >= FUZZY_SEEDS:
            break
    return chosen


def _fuzzy(text: str, quote: str, prefix: str, suffix: str, hint: int | None) -> AnchorResult | None:
    threshold = min_similarity(len(quote))
    ranked = []
    seen = set()
    for seed in _seeds(text, quote, hint):
        start, end, similarity = _refine(text, quote, seed, min(len(text), seed + len(quote)))
        if end <= start or (start, end) in seen:
            continue
        seen.add((start, end))
        ctx = _ratio_context(text, start, end, prefix, suffix)
        accepted = similarity >= threshold or (
            similarity >= threshold - CONTEXT_RESCUE and ctx is not None
            and ctx >= CONTEXT_RESCUE_SIMILARITY)
        if accepted:
            score = _combined(similarity, ctx, _position_sim(start, hint, len(text)))
            ranked.append((score, -start, start, end))
    if not ranked:
        return None
    score, _, start, end = max(ranked)
    return AnchorResult(start, end, FUZZY, score)
