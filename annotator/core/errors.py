"""Domain errors. Each carries a message written for the person using the app.

The GUI shows ``str(error)`` in a dialog and the CLI prints it to stderr, so
messages say what happened and what to do, without jargon or tracebacks.
"""

from __future__ import annotations


class AnnotatorError(Exception):
    """Base class for every error the user can cause and should be told about."""


class ProjectError(AnnotatorError):
    """A project file cannot be created or opened."""


class NotAProjectError(ProjectError):
    """The file is not an annotator project (not SQLite, or a foreign database)."""


class NewerProjectError(ProjectError):
    """The project was written by a newer annotator than this one."""


class CorruptProjectError(ProjectError):
    """The file is an annotator project but its contents are damaged."""


class ProjectLockedError(ProjectError):
    """Another program holds a write lock on the project."""


class NotFoundError(AnnotatorError):
    """An entity id does not exist in the project."""


class ValidationError(AnnotatorError):
    """An edit was refused because it would make the project inconsistent."""


class SelfLinkError(ValidationError):
    """A claim cannot be linked to itself."""


class DuplicateLinkError(ValidationError):
    """The same two claims are already linked with that relation."""


class DuplicateDocumentError(AnnotatorError):
    """A document with the same text is already in the project."""

    def __init__(self, message: str, existing_id: str):
        super().__init__(message)
        self.existing_id = existing_id


class ImportFailure(AnnotatorError):
    """A file could not be imported; the message says why."""

    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.path = path
