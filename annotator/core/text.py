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
