"""Where the files shipped with annotator live: the demo seeds and resources.

From a source checkout they are the top-level ``seeds/`` and ``resources/``
folders; in an installed wheel they are ``annotator/_seeds`` and
``annotator/_resources``; in a PyInstaller bundle they sit next to the
package inside the bundle. The first folder that exists wins.
"""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[0]


def seeds_dir() -> Path:
    bundle = Path(getattr(sys, "_MEIPASS", _PACKAGE))
    return _first_existing(_PACKAGE / "_seeds", _PACKAGE.parent / "seeds", bundle / "annotator" / "_seeds")


def resources_dir() -> Path:
    bundle = Path(getattr(sys, "_MEIPASS", _PACKAGE))
    return _first_existing(_PACKAGE / "_resources", _PACKAGE.parent / "resources",
                           bundle / "annotator" / "_resources")


def docs_dir() -> Path:
    """User documentation shown inside the app (e.g. how scores are computed)."""
    bundle = Path(getattr(sys, "_MEIPASS", _PACKAGE))
    return _first_existing(_PACKAGE / "_docs", _PACKAGE.parent / "docs", bundle / "annotator" / "_docs")
