"""The only package that speaks SQL. No Qt here.

``open_project`` / ``create_project`` return a :class:`ProjectStore`, whose
methods take and return the dataclasses of :mod:`annotator.core.model`.
"""

import sys as _sys


def _import_sqlite_utils_without_numpy() -> None:
    """sqlite-utils imports numpy when it is installed (spaCy brings it), only so that
    inserts accept numpy values; the store never passes any. numpy is about 0.1 s of the
    app's start-up, so sqlite-utils is loaded as if numpy were absent. numpy itself stays
    importable: spaCy loads it later, in a worker."""
    if "sqlite_utils" in _sys.modules or "numpy" in _sys.modules:
        return
    # `import numpy` raises ImportError while this is set (documented for sys.modules, but
    # typeshed only allows modules there).
    _sys.modules["numpy"] = None  # type: ignore[assignment]
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del _sys.modules["numpy"]


_import_sqlite_utils_without_numpy()

from annotator.store.opening import PROJECT_SUFFIX, create_project, open_project  # noqa: E402
from annotator.store.project import ProjectStore  # noqa: E402

__all__ = ["PROJECT_SUFFIX", "ProjectStore", "create_project", "open_project"]
