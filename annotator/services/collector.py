"""Python's cycle collector paused while a bulk operation builds its rows.

A load of 100,000 claims holds a million small objects (rows, claims, links, plans) that
form no reference cycles; the cycle collector, which runs as objects pile up, walks them
all again and again, which made a third of a load's time. Pausing it for the operation
loses nothing: reference counting frees those objects as usual, and any cycle made
meanwhile elsewhere in the process is collected once the pause ends. Pauses nest and may
come from several threads: the collector runs again when the last one ends, if it was
running when the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0
_was_running = False


@contextmanager
def collector_paused() -> Iterator[None]:
    global _pauses, _was_running
    with _lock:
        if _pauses == 0:
            _was_running = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_running:
                gc.enable()
