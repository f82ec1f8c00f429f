"""Project files as the front ends see them: open one, create one, name one.

The GUI reaches the project file through here (or the store handed to it by the
composition root, ``annotator.app``), never by importing the store package itself.
"""

from __future__ import annotations

from pathlib import Path

from annotator.store import PROJECT_SUFFIX, ProjectStore, create_project, open_project
from annotator.store.merging import same_path as same_project_file
from annotator.store.opening import checkpoint, inspect_project, open_reader, sync_journal

PROJECT_FILTER = f"annotator projects (*{PROJECT_SUFFIX});;All files (*)"


def with_project_suffix(path: str | Path) -> Path:
    """The path a new project is saved to: the one given, ending in ``.annotator``."""
    path = Path(path)
    return path if path.suffix == PROJECT_SUFFIX else path.with_suffix(PROJECT_SUFFIX)


def inspect_project_file(path: str | Path) -> int:
    """Check a project read-only (for a worker; see ``store.opening.inspect_project``)."""
    return inspect_project(path)


def open_project_file(path: str | Path, *, inspected: int | None = None) -> ProjectStore:
    """Open an existing project (inspected read-only first, unless ``inspected`` says it
    just was; see ``store.opening``)."""
    return open_project(path, inspected=inspected)


def create_project_file(path: str | Path) -> ProjectStore:
    """Create a new, empty project; never overwrites an existing file."""
    return create_project(with_project_suffix(path), overwrite=False)


def read_claim_table_rows(path: str | Path) -> list[tuple]:
    """Every claim's table row, read on the calling thread through a read-only connection of
    its own (for a worker while the app keeps the project open for writing)."""
    reader = open_reader(path)
    try:
        return reader.claim_table_rows()
    finally:
        reader.db.close()


def tidy_journal(path: str | Path) -> int:
    """Copy committed edits from the project's write-ahead log into its file (for a worker;
    see ``ProjectStore.defer_checkpoints``); the pages left for a later call."""
    return checkpoint(path)


def flush_journal(journal: str | Path) -> None:
    """Sync a project's write-ahead log to disk (for a thread; see
    ``ProjectStore.defer_syncs`` and ``ProjectStore.journal_path``)."""
    sync_journal(journal)


__all__ = ["PROJECT_FILTER", "PROJECT_SUFFIX", "ProjectStore", "create_project_file", "flush_journal",
           "inspect_project_file", "open_project_file", "read_claim_table_rows", "same_project_file", "tidy_journal",
           "with_project_suffix"]
