"""The window's half of ``annotator --self-test``: can Qt load its platform plugin and show a
window here? Run in a child process (see ``annotator.cli``): a missing display library makes
Qt abort the process rather than raise."""

from __future__ import annotations

import sys


def show_a_window() -> str:
    """Show a small window, let it paint, close it; the platform plugin's name."""
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "annotator"])
    label = QLabel("annotator self-test")
    label.show()
    app.processEvents()
    name = QApplication.platformName()
    label.close()
    app.processEvents()
    return name
