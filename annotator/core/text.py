"""Text helpers shared by importers, the store and anchoring."""

from __future__ import annotations

import hashlib
import re

CONTEXT_CHARS = 32
_NEWLINES = re.compile(r"\r\n?")


def normalise_newlines(text: str) -> str:
    """Turn CRLF and lone CR into LF so stored offsets match what the editor shows."""
    if "\r" not in text:
        return text
    return _NEWLINES.sub("\n", text)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> tuple[str, str]:
    """The ``width`` characters before ``start`` and after ``end`` (for re-anchoring)."""
    return text[max(0, start - width):start], text[end:end + width]


def _in_word(char: str) -> bool:
    return char.isalnum() or char in "_'’-"


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` so that it neither starts nor ends inside a word: a selection
    dragged from "…OkCu" to "pi…" covers the whole words. Apostrophes and hyphens count as
    part of a word ("don't", "long-awaited"); a range already on word edges is unchanged."""
    start, end = max(0, start), min(len(text), end)
    if start >= end:
        return start, end
    while 0 < start < len(text) and _in_word(text[start - 1]) and _in_word(text[start]):
        start -= 1
    while 0 < end < len(text) and _in_word(text[end - 1]) and _in_word(text[end]):
        end += 1
    return start, end
