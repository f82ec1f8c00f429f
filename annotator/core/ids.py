"""Stable, globally unique, time-ordered identifiers (ULIDs).

Every row in a project is keyed by a ULID so that two projects annotated on
different machines can later be merged without key collisions, and so that
ids sort roughly by creation time.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


_last = [0, 0]  # the millisecond and random part of the last id made without ``now_ms``
_last_lock = threading.Lock()


def new_id(now_ms: int | None = None) -> str:
    """Return a new 26-character ULID: 48 bits of milliseconds, 80 random bits.

    Ids made by one process within one millisecond (or while the clock steps back) follow
    each other: the random part of the one before plus one. So rows made one after another
    sort in the order they were made (the demo's sources, and with them its documents,
    always in the same order) and ids never repeat."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    rand = int.from_bytes(os.urandom(10), "big")
    if now_ms is None:
        with _last_lock:
            if ms <= _last[0]:
                ms, rand = (_last[0], _last[1] + 1) if _last[1] + 1 < 1 << 80 else (_last[0] + 1, rand)
            _last[0], _last[1] = ms, rand
    value = (ms & ((1 << 48) - 1)) << 80 | rand
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def is_id(text: str) -> bool:
    """True when ``text`` looks like an id made by :func:`new_id`."""
    return len(text) == 26 and all(c in _CROCKFORD for c in text)


# uuid5 namespace for names that are not ULIDs (annotator names, projects, ids from elsewhere).
_NAME_SPACE = uuid.UUID("6f1c2a52-6d0e-5b8e-9a57-3f4b0d9c7e21")


def id_uuid(text: str) -> uuid.UUID:
    """A stable UUID for an id: a ULID's own 128 bits (the ULID layout is the UUID layout, so
    the ULID can be read back from it); anything else (a name, an id from another tool) gets a
    name-based UUID (version 5), the same for the same text every time."""
    if is_id(text):
        value = 0
        for char in text:
            value = value << 5 | _CROCKFORD.index(char)
        if value < 1 << 128:
            return uuid.UUID(int=value)
    return uuid.uuid5(_NAME_SPACE, text)


def uuid_id(value: uuid.UUID) -> str:
    """The ULID text of a UUID made by :func:`id_uuid` from a ULID (the inverse)."""
    number = value.int
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[number & 31])
        number >>= 5
    return "".join(reversed(chars))
