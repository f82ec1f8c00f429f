"""Where the time stamps of rows come from. No Qt here.

Every row carries ``created_at``/``updated_at`` as UTC text with milliseconds
(``2026-11-22T10:00:00.123Z``), and "the latest verdict" is found by comparing
those strings. A :class:`~annotator.store.project.ProjectStore` reads the time
from the :class:`Clock` it was given: :class:`SystemClock` in the app, and in
tests a :class:`TickingClock`, which moves on by a fixed step at every reading,
so that two edits made within one real millisecond are still ordered, without
sleeping.
"""

from __future__ import annotations

import datetime as _dt
import time
from abc import ABC, abstractmethod

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
_ONE_MS = _dt.timedelta(milliseconds=1)


def format_ms(ms: int) -> str:
    """``2026-11-22T10:00:00.123Z`` for ``ms`` milliseconds after 1970-01-01 UTC."""
    moment = _EPOCH + _dt.timedelta(milliseconds=ms)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_ms(text: str) -> int:
    """Milliseconds since 1970-01-01 UTC for an ISO time; a time without a zone is UTC."""
    moment = _dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.UTC)
    return (moment - _EPOCH) // _ONE_MS


class Clock(ABC):
    """A source of UTC time in whole milliseconds."""

    @abstractmethod
    def now_ms(self) -> int:
        """Milliseconds since 1970-01-01 UTC."""

    def now_iso(self) -> str:
        """The time as stored in a project, e.g. ``2026-11-22T10:00:00.123Z``."""
        return format_ms(self.now_ms())


class SystemClock(Clock):
    """The computer's clock (UTC, truncated to the millisecond)."""

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000


class TickingClock(Clock):
    """A clock for tests: every reading is ``step_ms`` later than the one before.

    The first reading is ``start`` (milliseconds or an ISO time). By default it is
    one step after the system clock's time when the clock is made, so every
    reading is later than anything the system clock stamped before. ``step_ms=0``
    stops the clock.
    """

    def __init__(self, start: int | str | None = None, *, step_ms: int = 1):
        if step_ms < 0:
            raise ValueError("A clock does not run backwards (step_ms < 0).")
        if start is None:
            start = SystemClock().now_ms() + step_ms
        self._next = parse_ms(start) if isinstance(start, str) else start
        self.step_ms = step_ms

    def now_ms(self) -> int:
        ms = self._next
        self._next += self.step_ms
        return ms


__all__ = ["Clock", "SystemClock", "TickingClock", "format_ms", "parse_ms"]
