"""Stable, globally unique, time-ordered identifiers (ULIDs).

Every row in a project is keyed by a ULID so that two projects annotated on
different machines can later be merged without key collisions, and so that
ids sort roughly by creation time.
"""

from __future__ import annotations

import os
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id(now_ms: int | None = None) -> str:
    """Return a new 26-character ULID: 48 bits of milliseconds, 80 random bits."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    value = (ms & ((1 << 48) - 1)) << 80 | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def is_id(text: str) -> bool:
    """True when ``text`` looks like an id made by :func:`new_id`."""
    return len(text) == 26 and all(c in _CROCKFORD for c in text)
