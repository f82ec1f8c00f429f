"""A tiny synchronous event bus so views refresh from one path.

Services emit a :class:`Change` after each committed edit; the GUI subscribes
and refreshes only what changed. A direct edit, an undo and a redo all go
through the same service calls, hence the same events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    kind: str  # "source", "document", "claim", "link", "verdict", "claim_type", "project"
    action: str  # "added", "changed", "removed"
    id: str | None = None
    document_id: str | None = None


class Events:
    def __init__(self) -> None:
        self._listeners: list[Callable[[Change], None]] = []

    def subscribe(self, listener: Callable[[Change], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def emit(self, change: Change) -> None:
        for listener in list(self._listeners):
            listener(change)
