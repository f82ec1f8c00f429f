"""Convert between Python code-point offsets and Qt's UTF-16 positions.

The store keeps offsets as Python ``str`` indices; Qt text widgets count
UTF-16 code units, so every character outside the Basic Multilingual Plane
(most emoji) counts twice there. A document with no such character needs no
conversion at all, which is the common case and costs one regex scan.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    __slots__ = ("_astral_cp", "_astral_u16", "length", "length_utf16")

    def __init__(self, text: str):
        self._astral_cp = [m.start() for m in _ASTRAL.finditer(text)]
        # UTF-16 position of each astral character: its index plus the astral ones before it.
        self._astral_u16 = [cp + k for k, cp in enumerate(self._astral_cp)]
        self.length = len(text)
        self.length_utf16 = len(text) + len(self._astral_cp)

    @property
    def identity(self) -> bool:
        return not self._astral_cp

    def to_utf16(self, cp: int) -> int:
        """Code-point offset -> UTF-16 position."""
        if not self._astral_cp:
            return cp
        return cp + bisect_left(self._astral_cp, cp)

    def to_codepoint(self, u16: int) -> int:
        """UTF-16 position -> code-point offset. A position inside a surrogate pair
        snaps to the start of that character."""
        if not self._astral_u16:
            return u16
        # Each astral character starting before u16 adds one extra unit; for a
        # position inside a pair this lands on the character's own index.
        return u16 - bisect_right(self._astral_u16, u16 - 1)
