"""Per-user folders (via platformdirs), overridable for tests and portable installs."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """Where the demo project and new projects go by default.

    ``ANNOTATOR_DATA_DIR`` overrides the platform's user data folder.
    """
    override = os.environ.get("ANNOTATOR_DATA_DIR")
    if override:
        path = Path(override)
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("annotator", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path

