"""A tiny synchronous event bus so views refresh from one path.

Services emit a :class:`Change` after each committed edit; the GUI subscribes
and refreshes only what changed. A direct edit, an undo and a redo all go
through the same service calls, hence the same events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    kind: str  # "source", "document", "claim", "link", "verdict", "claim_type", "project"
    action: str  # "added", "changed", "removed"
    id: str | None = None
    document_id: str | None = None


class Bus(Generic[T]):
    """Listeners called in turn with each message; ``subscribe`` returns the unsubscribe."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[T], None]] = []

    def subscribe(self, listener: Callable[[T], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def emit(self, message: T) -> None:
        for listener in list(self._listeners):
            listener(message)

    def clear(self) -> None:
        self._listeners.clear()


class Events(Bus[Change]):
    """The services' committed changes."""
