"""The only package that speaks SQL. No Qt here.

``open_project`` / ``create_project`` return a :class:`ProjectStore`, whose
methods take and return the dataclasses of :mod:`annotator.core.model`.
"""

from annotator.store.opening import PROJECT_SUFFIX, create_project, open_project
from annotator.store.project import ProjectStore

__all__ = ["PROJECT_SUFFIX", "ProjectStore", "create_project", "open_project"]
